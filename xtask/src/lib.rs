//! What `cargo xtask codegen` writes, computed in one place so that the command, its
//! `--check` mode and the freshness test agree; where the workspace is; and the
//! importer behind `cargo xtask import` ([`import`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

pub mod import;

/// The spec that `vpc-client` is generated from, relative to the workspace root.
pub const SPEC: &str = "api-spec/vpc.json";
/// The directory of the generated client module (`vpc_client::vpc`), relative to the
/// workspace root. The generator owns it whole: a file in it that the generator does not
/// produce is stale and is removed.
pub const GENERATED_DIR: &str = "vpc-client/src/generated/vpc";
/// The directory of the generated server side (service trait and dispatcher), relative
/// to the workspace root; owned whole like [`GENERATED_DIR`].
pub const GENERATED_SERVER_DIR: &str = "vpc-mock/src/generated/vpc_service";
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

/// Every generated file, and how long each phase of producing them took.
#[derive(Debug)]
pub struct Generation {
    /// The files with their expected contents.
    pub outputs: Vec<Output>,
    /// Directories (relative to the root) whose every file must be one of `outputs`.
    pub owned_dirs: Vec<PathBuf>,
    /// `(phase, time)` in the order the phases ran.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Generation {
    /// Lines of generated Rust (the schema excluded).
    pub fn rust_lines(&self) -> usize {
        self.outputs
            .iter()
            .filter(|output| output.path.extension().is_some_and(|e| e == "rs"))
            .map(|output| output.contents.lines().count())
            .sum()
    }

    /// One line: each phase's time, the file count and the generated lines.
    pub fn summary(&self) -> String {
        let phases: Vec<String> = self
            .phases
            .iter()
            .map(|(phase, time)| format!("{phase} {:.0} ms", time.as_secs_f64() * 1000.0))
            .collect();
        let total: Duration = self.phases.iter().map(|(_, time)| *time).sum();
        format!(
            "{} ({:.0} ms in all); {} files, {} lines of Rust",
            phases.join(", "),
            total.as_secs_f64() * 1000.0,
            self.outputs.len(),
            self.rust_lines()
        )
    }
}

/// The workspace root of the checkout the command runs in, found at run time (never
/// from where the xtask binary was compiled, so a target directory shared by two
/// checkouts cannot make one act on the other).
///
/// # Errors
///
/// When neither `CARGO_MANIFEST_DIR` (set by `cargo run`, so `cargo xtask` has it) nor
/// the current directory lies inside a workspace with an `xtask` crate.
pub fn workspace_root() -> anyhow::Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let cwd = std::env::current_dir().ok();
    find_root(manifest_dir.as_deref(), cwd.as_deref())
}

/// [`workspace_root`] with its inputs given: the nearest ancestor (itself included) of
/// `manifest_dir`, else of `cwd`, whose `Cargo.toml` declares `[workspace]` and which
/// has an `xtask` directory.
///
/// # Errors
///
/// When no such directory exists, naming where it looked.
pub fn find_root(manifest_dir: Option<&Path>, cwd: Option<&Path>) -> anyhow::Result<PathBuf> {
    for start in [manifest_dir, cwd].into_iter().flatten() {
        for dir in start.ancestors() {
            let is_root = dir.join("xtask").is_dir()
                && std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"));
            if is_root {
                return Ok(dir.to_path_buf());
            }
        }
    }
    let looked: Vec<String> = [manifest_dir, cwd]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    bail!(
        "no workspace with an xtask crate above {} (run `cargo xtask` inside the checkout)",
        looked.join(" or ")
    )
}

/// Every generated file with its expected contents, timed per phase.
///
/// # Errors
///
/// When the spec cannot be read or does not validate (every problem, located), or the
/// generator fails.
pub fn generate(root: &Path) -> anyhow::Result<Generation> {
    let mut phases = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |phases: &mut Vec<(&'static str, Duration)>, phase: &'static str| {
        phases.push((phase, clock.elapsed()));
        clock = Instant::now();
    };

    let spec_path = root.join(SPEC);
    let text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read {}", spec_path.display()))?;
    lap(&mut phases, "read");
    let service = api_spec::load_str(&text, SPEC)?;
    lap(&mut phases, "load+validate");

    let config = vpc_codegen::Config {
        doc_module: Some("vpc_client::vpc".to_owned()),
        doc_runtime: Some("vpc_client".to_owned()),
        ..vpc_codegen::Config::inside_runtime()
    };
    let files = vpc_codegen::generate_files(&service, &config)?;
    let server_files =
        vpc_codegen::generate_server_files(&service, &vpc_codegen::ServerConfig::inside_mock())?;
    lap(&mut phases, "emit");

    let mut outputs = Vec::with_capacity(files.len() + server_files.len() + 1);
    let placed = files.into_iter().map(|file| (GENERATED_DIR, file)).chain(
        server_files
            .into_iter()
            .map(|file| (GENERATED_SERVER_DIR, file)),
    );
    for (dir, file) in placed {
        let contents = vpc_codegen::format_file(file.tokens, SPEC).with_context(|| {
            format!(
                "the generator emitted tokens that do not parse for {dir}/{} (a generator bug)",
                file.path
            )
        })?;
        outputs.push(Output {
            path: Path::new(dir).join(&file.path),
            contents,
        });
    }
    lap(&mut phases, "format");
    outputs.push(Output {
        path: PathBuf::from(SCHEMA),
        contents: api_spec::json_schema(),
    });
    lap(&mut phases, "schema");
    Ok(Generation {
        outputs,
        owned_dirs: vec![
            PathBuf::from(GENERATED_DIR),
            PathBuf::from(GENERATED_SERVER_DIR),
        ],
        phases,
    })
}

/// What differs between the checkout and the generator's output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Outputs whose file is missing or has other contents (relative paths).
    pub changed: Vec<PathBuf>,
    /// Files inside an owned directory that the generator does not produce.
    pub extra: Vec<PathBuf>,
}

impl Staleness {
    /// Whether the checkout is exactly the generator's output.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Compares `generation` with the files under `root`.
pub fn staleness(root: &Path, generation: &Generation) -> Staleness {
    let mut stale = Staleness::default();
    for output in &generation.outputs {
        let on_disk = std::fs::read_to_string(root.join(&output.path)).unwrap_or_default();
        if on_disk != output.contents {
            stale.changed.push(output.path.clone());
        }
    }
    let expected: BTreeSet<&Path> = generation
        .outputs
        .iter()
        .map(|output| output.path.as_path())
        .collect();
    for dir in &generation.owned_dirs {
        for file in files_under(&root.join(dir)) {
            let relative = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
            if !expected.contains(relative.as_path()) {
                stale.extra.push(relative);
            }
        }
    }
    stale.extra.sort();
    stale
}

/// The generated files that are stale, missing or extra.
///
/// # Errors
///
/// As [`generate`].
pub fn stale(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let generation = generate(root)?;
    let Staleness { mut changed, extra } = staleness(root, &generation);
    changed.extend(extra);
    Ok(changed)
}

/// Writes every changed output and removes the extra files of the owned directories.
/// Returns the files written and removed, relative to `root`.
///
/// # Errors
///
/// When a file cannot be written or removed.
pub fn write(root: &Path, generation: &Generation) -> anyhow::Result<Staleness> {
    let stale = staleness(root, generation);
    for output in &generation.outputs {
        if !stale.changed.contains(&output.path) {
            continue;
        }
        let path = root.join(&output.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, &output.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    for extra in &stale.extra {
        let path = root.join(extra);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(stale)
}

/// Every file under `dir`, recursively, sorted; nothing when `dir` does not exist.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
