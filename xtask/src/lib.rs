//! What `cargo xtask codegen` writes, computed in one place so that the command, its
//! `--check` mode and the freshness test agree.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The spec that `vpc-client` is generated from, relative to the workspace root.
pub const SPEC: &str = "api-spec/vpc.json";
/// The generated client code, relative to the workspace root.
pub const GENERATED: &str = "vpc-client/src/generated/vpc.rs";
/// The generated server side (service trait and dispatcher), relative to the workspace
/// root.
pub const GENERATED_SERVER: &str = "vpc-mock/src/generated/vpc_service.rs";
/// The JSON Schema of the spec format, relative to the workspace root.
pub const SCHEMA: &str = "api-spec/schema.json";

/// One file the generator owns: where it goes and what it must contain.
#[derive(Debug)]
pub struct Output {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// The exact contents.
    pub contents: String,
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Every generated file with its expected contents.
pub fn outputs(root: &Path) -> anyhow::Result<Vec<Output>> {
    let spec_path = root.join(SPEC);
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read {}", spec_path.display()))?;
    let service = api_spec::load_str(&text, SPEC)?;
    let config = vpc_codegen::Config::inside_runtime();
    let tokens = vpc_codegen::generate(&service, &config)?;
    let code = vpc_codegen::format_file(tokens, SPEC)
        .context("the generator emitted tokens that do not parse (a generator bug)")?;
    let server_tokens =
        vpc_codegen::generate_server(&service, &vpc_codegen::ServerConfig::inside_mock())?;
    let server_code = vpc_codegen::format_file(server_tokens, SPEC)
        .context("the generator emitted server tokens that do not parse (a generator bug)")?;
    Ok(vec![
        Output {
            path: PathBuf::from(GENERATED),
            contents: code,
        },
        Output {
            path: PathBuf::from(GENERATED_SERVER),
            contents: server_code,
        },
        Output {
            path: PathBuf::from(SCHEMA),
            contents: api_spec::json_schema(),
        },
    ])
}

/// The outputs whose file on disk differs from what the generator produces.
pub fn stale(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for output in outputs(root)? {
        let on_disk = std::fs::read_to_string(root.join(&output.path)).unwrap_or_default();
        if on_disk != output.contents {
            stale.push(output.path);
        }
    }
    Ok(stale)
}
