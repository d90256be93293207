//! `cargo xtask import [--check]`: tccli's machine-readable API description (`api.json`,
//! `examples.json`), a per-action error table and a hand-kept overlay (both optional for
//! other services) become a spec file, deterministically (same inputs, same bytes).
//!
//! One phase per module: [`tccli`] and [`errors`] read Tencent's files strictly, [`overlay`]
//! reads the hand-kept additions, [`examples`] turns request texts into typed request
//! bodies, [`assemble`] builds the [`Spec`](api_spec::model::Spec), and [`report`] says
//! what happened. Nothing here knows about VPC: the service and version come from
//! `api.json`'s metadata, everything else from the overlay or the API 3.0 defaults.

mod assemble;
mod errors;
mod examples;
mod json;
mod overlay;
mod report;
mod tccli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use api_spec::model::Spec;

pub use report::Report;

/// Where the VPC sources live, relative to the workspace root.
pub const SOURCES_DIR: &str = "api-spec/sources";
/// Where the VPC spec goes, relative to the workspace root.
pub const VPC_SPEC: &str = "api-spec/vpc.json";

const USAGE: &str = "\
usage: cargo xtask import [--check]
         (api-spec/sources/{api.json,examples.json,vpc-error-codes.json,overlay.json} -> api-spec/vpc.json)
       cargo xtask import --tccli DIR [--errors FILE] [--overlay FILE] --out FILE [--check]
         (DIR holds tccli's api.json and examples.json of any service; without --errors
          the actions have no per-action error codes)";

/// The files one import reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `api.json`.
    pub api: PathBuf,
    /// `examples.json`.
    pub examples: PathBuf,
    /// The per-action error table, if any.
    pub errors: Option<PathBuf>,
    /// The overlay, if any.
    pub overlay: Option<PathBuf>,
    /// The spec to write or check.
    pub out: PathBuf,
    /// Paths are shown relative to this directory in messages (when they are inside it).
    pub shown_from: PathBuf,
}

impl Paths {
    /// The VPC import: `api-spec/sources/*` -> `api-spec/vpc.json` under `root`.
    pub fn vpc(root: &Path) -> Self {
        let sources = root.join(SOURCES_DIR);
        Self {
            api: sources.join("api.json"),
            examples: sources.join("examples.json"),
            errors: Some(sources.join("vpc-error-codes.json")),
            overlay: Some(sources.join("overlay.json")),
            out: root.join(VPC_SPEC),
            shown_from: root.to_path_buf(),
        }
    }

    /// Any service: `dir/api.json` and `dir/examples.json`, the error table and overlay
    /// given (if any), written to `out`.
    pub fn tccli(dir: &Path, errors: Option<&Path>, overlay: Option<&Path>, out: &Path) -> Self {
        Self {
            api: dir.join("api.json"),
            examples: dir.join("examples.json"),
            errors: errors.map(Path::to_path_buf),
            overlay: overlay.map(Path::to_path_buf),
            out: out.to_path_buf(),
            shown_from: PathBuf::new(),
        }
    }

    /// `path` as messages name it.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.shown_from)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// One input file: how messages name it and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name used in messages (`api-spec/sources/api.json`).
    pub name: String,
    /// The file's contents.
    pub text: String,
}

impl Source {
    fn read(paths: &Paths, path: &Path) -> anyhow::Result<Self> {
        let name = paths.show(path);
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
        Ok(Self { name, text })
    }
}

/// Everything one import reads.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `api.json`.
    pub api: Source,
    /// `examples.json`.
    pub examples: Source,
    /// The per-action error table, if any.
    pub errors: Option<Source>,
    /// The overlay, if any.
    pub overlay: Option<Source>,
}

impl Sources {
    /// Reads the input files of `paths`.
    pub fn read(paths: &Paths) -> anyhow::Result<Self> {
        Ok(Self {
            api: Source::read(paths, &paths.api)?,
            examples: Source::read(paths, &paths.examples)?,
            errors: paths
                .errors
                .as_deref()
                .map(|path| Source::read(paths, path))
                .transpose()?,
            overlay: paths
                .overlay
                .as_deref()
                .map(|path| Source::read(paths, path))
                .transpose()?,
        })
    }
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The spec.
    #[allow(
        dead_code,
        reason = "the command writes `text`; the tests read the spec"
    )]
    pub spec: Spec,
    /// Its text as written: pretty JSON and a trailing newline.
    pub text: String,
    /// What happened on the way.
    pub report: Report,
}

/// Imports from texts in memory (no file is read or written).
///
/// # Errors
///
/// A file that does not parse strictly (named with JSON pointer and line:column), or
/// inputs that contradict each other (see `assemble::assemble`).
pub fn import(sources: &Sources) -> anyhow::Result<Imported> {
    let start = Instant::now();
    let api: tccli::ApiJson = json::parse(&sources.api.text, &sources.api.name)?;
    let examples: tccli::ExamplesJson =
        json::parse(&sources.examples.text, &sources.examples.name)?;
    let table: Option<errors::ErrorTable> = match &sources.errors {
        Some(source) => Some(json::parse(&source.text, &source.name)?),
        None => None,
    };
    let overlay: overlay::Overlay = match &sources.overlay {
        Some(source) => json::parse(&source.text, &source.name)?,
        None => overlay::Overlay::default(),
    };
    let files = assemble::FileNames {
        api: &sources.api.name,
        examples: &sources.examples.name,
        errors: sources.errors.as_ref().map(|s| s.name.as_str()),
        overlay: sources.overlay.as_ref().map(|s| s.name.as_str()),
    };
    let (spec, mut report) = assemble::assemble(&api, &examples, table.as_ref(), &overlay, files)?;
    report.files = [&sources.api, &sources.examples]
        .into_iter()
        .chain(sources.errors.as_ref())
        .chain(sources.overlay.as_ref())
        .map(|s| s.name.clone())
        .collect();
    let mut text = serde_json::to_string_pretty(&spec).context("cannot serialize the spec")?;
    text.push('\n');
    report.elapsed = start.elapsed();
    Ok(Imported { spec, text, report })
}

/// Reads the files of `paths` and imports them.
pub fn import_paths(paths: &Paths) -> anyhow::Result<Imported> {
    let start = Instant::now();
    let mut imported = import(&Sources::read(paths)?)?;
    imported.report.elapsed = start.elapsed();
    Ok(imported)
}

/// Whether the file at `paths.out` holds exactly what the import produces.
pub fn is_fresh(paths: &Paths, imported: &Imported) -> bool {
    std::fs::read_to_string(&paths.out).is_ok_and(|on_disk| on_disk == imported.text)
}

/// `cargo xtask import ARGS...`, `root` being the workspace root.
pub fn cli(root: &Path, args: &[&str]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| matches!(*a, "--help" | "-h")) {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let Some((paths, check)) = parse_args(root, args)? else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let imported = import_paths(&paths)?;
    let out = paths.show(&paths.out);
    if check {
        if is_fresh(&paths, &imported) {
            println!(
                "{out} is fresh ({} ms)",
                imported.report.elapsed.as_millis()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "stale: {out} differs from what the import writes (run the import without --check)"
        );
        return Ok(ExitCode::FAILURE);
    }
    print!("{}", imported.report.summary());
    if is_fresh(&paths, &imported) {
        println!("unchanged {out}");
    } else {
        if let Some(dir) = paths.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&paths.out, &imported.text)
            .with_context(|| format!("cannot write {out}"))?;
        println!("wrote {out}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The paths and `--check`, or `None` for a usage error.
fn parse_args(root: &Path, args: &[&str]) -> anyhow::Result<Option<(Paths, bool)>> {
    let mut check = false;
    let (mut tccli, mut errors, mut overlay, mut out) = (None, None, None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let slot = match *arg {
            "--check" => {
                check = true;
                continue;
            }
            "--tccli" => &mut tccli,
            "--errors" => &mut errors,
            "--overlay" => &mut overlay,
            "--out" => &mut out,
            other => {
                eprintln!("unknown argument `{other}`");
                return Ok(None);
            }
        };
        let Some(value) = rest.next() else {
            eprintln!("`{arg}` needs a value");
            return Ok(None);
        };
        if slot.replace(PathBuf::from(value)).is_some() {
            eprintln!("`{arg}` given twice");
            return Ok(None);
        }
    }
    match (tccli, out) {
        (None, None) if errors.is_none() && overlay.is_none() => {
            Ok(Some((Paths::vpc(root), check)))
        }
        (Some(dir), Some(out)) => Ok(Some((
            Paths::tccli(&dir, errors.as_deref(), overlay.as_deref(), &out),
            check,
        ))),
        _ => {
            eprintln!(
                "--tccli and --out go together (--errors and --overlay are optional with them)"
            );
            Ok(None)
        }
    }
}
