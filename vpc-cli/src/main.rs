//! The `tcvpc` binary: [`vpc_cli::run`] on the process arguments.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(vpc_cli::run(std::env::args_os().skip(1).collect()))
}
