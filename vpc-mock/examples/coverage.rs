//! Writes (or, with `--check`, checks) `vpc-mock/COVERAGE.md`, the emulator's coverage
//! table made from its registry: `cargo xtask coverage [--check]` runs this.

use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("COVERAGE.md");
    let fresh = vpc_mock::emulator::coverage::markdown();
    let check = std::env::args().any(|a| a == "--check");
    if check {
        match std::fs::read_to_string(&path) {
            Ok(old) if old == fresh => {
                println!("{} is fresh", path.display());
                ExitCode::SUCCESS
            }
            Ok(_) => {
                eprintln!("{} is stale: run `cargo xtask coverage`", path.display());
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("cannot read {}: {error}", path.display());
                ExitCode::FAILURE
            }
        }
    } else if let Err(error) = std::fs::write(&path, &fresh) {
        eprintln!("cannot write {}: {error}", path.display());
        ExitCode::FAILURE
    } else {
        println!("wrote {}", path.display());
        ExitCode::SUCCESS
    }
}
