//! `tcvpc`: Tencent Cloud's VPC and STS APIs from the shell, in tccli's grammar
//! (`tcvpc vpc DescribeVpcs --VpcIds '["vpc-1"]' --filter 'VpcSet[].VpcId'`), with its
//! configuration files and its JSON output, byte for byte.
//!
//! The commands, their members, types, documents, paging and waiters are the tables
//! `cargo xtask codegen` generates from the specs into [`generated`] (the generator's
//! third front end); everything else is written once here: [`args`] reads the command
//! line against the tables, [`input`] builds and checks the request body, [`call`]
//! sends it through `vpc-client`'s runtime (signing, retries, pacing, TLS), [`output`]
//! prints the answer as tccli does, [`config`] reads and writes tccli's files.

pub mod args;
pub mod call;
pub mod complete;
pub mod config;
pub mod error;
pub mod generated;
pub mod help;
pub mod input;
pub mod output;
pub mod table;

use std::ffi::OsString;
use std::io::Write;

pub use error::CliError;

/// The tool's version, printed by `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Runs the tool on `args` (without the program name), writing to stdout and stderr;
/// returns the exit code: 0, 252 (usage) or 255 (anything else), as tccli's.
pub fn run(args: Vec<OsString>) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match run_to(args, &mut stdout) {
        Ok(()) => {
            let _ = stdout.flush();
            0
        }
        Err(error) => {
            let _ = stdout.flush();
            let mut stderr = std::io::stderr().lock();
            if let CliError::Usage(_) = error {
                let _ = writeln!(stderr, "usage: {}", help::USAGE);
            }
            let _ = writeln!(stderr, "{error}");
            error.exit_code()
        }
    }
}

/// [`run`] with its output going to `out`.
///
/// # Errors
///
/// Whatever the command fails with.
pub fn run_to(args: Vec<OsString>, out: &mut dyn Write) -> Result<(), CliError> {
    let mut strings = Vec::with_capacity(args.len());
    for arg in args {
        match arg.into_string() {
            Ok(text) => strings.push(text),
            Err(raw) => {
                return Err(CliError::usage(format!(
                    "argument {} is not valid UTF-8",
                    raw.to_string_lossy()
                )));
            }
        }
    }
    let command = args::parse(&strings)?;
    call::execute(command, out)
}
