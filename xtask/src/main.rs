//! `cargo xtask codegen [--check]`: regenerate `vpc-client`'s generated code and the spec
//! schema from `api-spec/vpc.json`, or check that the checked-in files are fresh.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
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

fn codegen(check: bool) -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root();
    if check {
        let stale = xtask::stale(&root)?;
        if stale.is_empty() {
            println!("generated files are fresh");
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale {
            eprintln!("stale: {} (run `cargo xtask codegen`)", path.display());
        }
        return Ok(ExitCode::FAILURE);
    }
    for output in xtask::outputs(&root)? {
        let path = root.join(&output.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == output.contents {
            println!("unchanged {}", output.path.display());
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &output.contents)?;
        println!("wrote {}", output.path.display());
    }
    Ok(ExitCode::SUCCESS)
}
