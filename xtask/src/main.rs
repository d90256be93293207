//! `cargo xtask codegen [--check]`: regenerate `vpc-client`'s generated code and the spec
//! schema from `api-spec/vpc.json`, or check that the checked-in files are fresh.
//!
//! `cargo xtask import [--check]`: rebuild `api-spec/vpc.json` from tccli's API description
//! in `api-spec/sources/` (or, with `--tccli DIR --errors FILE [--overlay FILE] --out FILE`,
//! any service's), or check that the checked-in spec is what the import writes.
//!
//! `cargo xtask test [ARGS...]`: `cargo test --workspace --locked [ARGS...]`, then the
//! official Tencent Cloud Python SDK against the local endpoint (`vpc-mock`), skipped with
//! a loud warning when python3 is missing or PyPI is unreachable, then the official
//! Node.js SDK's scenario against it, skipped the same way when node or npm is missing
//! (a failure under `CI=true`) or the npm registry is unreachable.
//! `cargo xtask python-sdk`, `cargo xtask node-sdk`: only one of those two checks.
//!
//! `cargo xtask coverage [--check]`: write (or check) `vpc-mock/COVERAGE.md`, the
//! emulator's coverage table made from its registry (`cargo run -p vpc-mock --example
//! coverage`).
//!
//! `cargo xtask compare-python [--calls N] [--warmup N] [--rounds N]`: calls/s and CPU
//! per call of `vpc-client` and the official Python SDK against one `vpc-mock` binary
//! (a measurement, in neither CI nor `cargo xtask test`).

mod compare_python;

mod node_sdk;
mod python_sdk;

use std::ffi::OsString;
use std::process::{Command, ExitCode};

use anyhow::bail;

const USAGE: &str = "\
usage: cargo xtask codegen [--check]
       cargo xtask import [--check]   (api-spec/sources -> api-spec/vpc.json; `cargo xtask import --help` for more)
       cargo xtask test [ARGS...]   (cargo test --workspace --locked [ARGS...], then the Python and Node.js SDK checks)
       cargo xtask python-sdk       (only the official Python SDK check against vpc-mock)
       cargo xtask node-sdk         (only the official Node.js SDK scenario against vpc-mock)
       cargo xtask coverage [--check]   (vpc-mock/COVERAGE.md from the emulator's registry)
       cargo xtask compare-python [--calls N] [--warmup N] [--rounds N]
                                    (vpc-client vs the official Python SDK: calls/s, CPU per call)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["import", rest @ ..] => {
            xtask::workspace_root().and_then(|root| xtask::import::cli(&root, rest))
        }
        ["test", rest @ ..] => test(rest),
        ["python-sdk"] => python_sdk_check(),
        ["node-sdk"] => node_sdk_check(),
        ["coverage"] => coverage(false),
        ["coverage", "--check"] => coverage(true),
        ["compare-python", rest @ ..] => {
            xtask::workspace_root().and_then(|root| compare_python::run(&root, rest))
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the emulator's coverage example, which writes or checks the table.
fn coverage(check: bool) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .current_dir(&root)
        .args(["run", "--quiet", "-p", "vpc-mock", "--example", "coverage"]);
    if check {
        command.args(["--", "--check"]);
    }
    let status = command.status()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn codegen(check: bool) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root()?;
    let generation = xtask::generate(&root)?;
    println!("codegen: {}", generation.summary());
    for line in &generation.waiters {
        println!("waiters: {line}");
    }
    if check {
        let stale = xtask::staleness(&root, &generation);
        if stale.is_empty() {
            println!("generated files are fresh");
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale.changed {
            eprintln!("stale: {} (run `cargo xtask codegen`)", path.display());
        }
        for path in &stale.extra {
            eprintln!(
                "not generated: {} (run `cargo xtask codegen` to remove it)",
                path.display()
            );
        }
        return Ok(ExitCode::FAILURE);
    }
    let done = xtask::write(&root, &generation)?;
    for path in &done.changed {
        println!("wrote {}", path.display());
    }
    for path in &done.extra {
        println!("removed {}", path.display());
    }
    let unchanged = generation.outputs.len() - done.changed.len();
    println!("{unchanged} files unchanged");
    Ok(ExitCode::SUCCESS)
}

/// `cargo test --workspace --locked [ARGS...]`, then the Python and Node.js SDK checks.
fn test(args: &[&str]) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut shown = String::from("cargo test --workspace --locked");
    for arg in args {
        shown.push(' ');
        shown.push_str(arg);
    }
    println!("== {shown}");
    let skipped_note = python_sdk::target_dir(&root).join(TCCLI_SKIPPED_NOTE);
    let _ = std::fs::remove_file(&skipped_note);
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args(["test", "--workspace", "--locked"])
        .args(args)
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run `{shown}`: {e}"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    // vpc-cli's side-by-side check against tccli notes a skip in this file; libtest
    // shows a passing test's output only to whoever reads the whole log, so the warning
    // is repeated here, beside the SDK checks' own.
    if let Ok(banner) = std::fs::read_to_string(&skipped_note) {
        eprintln!("{}", banner.trim_end());
    }
    python_sdk_check()?;
    node_sdk_check()
}

/// The file `vpc-cli/tests/tccli.rs` writes in the target directory when it skips.
const TCCLI_SKIPPED_NOTE: &str = "tccli-check-skipped.txt";

/// The official Python SDK against the local endpoint; a skip succeeds with a loud warning.
fn python_sdk_check() -> anyhow::Result<ExitCode> {
    match python_sdk::run(&xtask::workspace_root()?)? {
        python_sdk::Outcome::Passed => {
            println!("official Python SDK check passed");
        }
        python_sdk::Outcome::Skipped(reason) => {
            eprintln!("{}", python_sdk::skip_banner(&reason));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The official Node.js SDK's scenario against the local endpoint; a skip succeeds with a
/// loud warning.
fn node_sdk_check() -> anyhow::Result<ExitCode> {
    match node_sdk::run(&xtask::workspace_root()?)? {
        python_sdk::Outcome::Passed => {
            println!("official Node.js SDK check passed");
        }
        python_sdk::Outcome::Skipped(reason) => {
            eprintln!("{}", node_sdk::skip_banner(&reason));
        }
    }
    Ok(ExitCode::SUCCESS)
}
