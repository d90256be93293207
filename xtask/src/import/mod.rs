//! `cargo xtask import [--check]`: tccli's machine-readable API description (`api.json`,
//! `examples.json`), a per-action error table and a hand-kept overlay (both optional for
//! other services) become a spec file, deterministically (same inputs, same bytes).
//! Optionally a second description, the international site's (English, fewer actions), is
//! merged in: the first decides what exists, the second gives its documents and says what
//! the international site publishes.
//!
//! One phase per module: [`tccli`], [`errors`] and [`rate_limits`] read Tencent's files
//! and the collected limits strictly, [`overlay`] reads the hand-kept additions,
//! [`assemble`] builds a [`Spec`](api_spec::model::Spec) from one description, [`merge`]
//! folds the international description into it, [`examples`] turns request texts into
//! typed request bodies, and [`report`] says what happened. Nothing here knows about VPC:
//! the service and version come from `api.json`'s metadata, everything else from the
//! overlay or the API 3.0 defaults.

mod assemble;
mod errors;
mod examples;
mod json;
mod merge;
mod overlay;
mod rate_limits;
mod report;
mod tccli;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use api_spec::model::Spec;

pub use report::{
    Disagreement, DisagreementKind, ExampleCounts, MergeStats, RateLimitStats, Report,
};

/// Where the VPC sources live, relative to the workspace root.
pub const SOURCES_DIR: &str = "api-spec/sources";
/// Where the VPC spec goes, relative to the workspace root.
pub const VPC_SPEC: &str = "api-spec/vpc.json";
/// Where the STS sources live, relative to the workspace root.
pub const STS_SOURCES_DIR: &str = "api-spec/sources/sts";
/// Where the STS spec goes, relative to the workspace root.
pub const STS_SPEC: &str = "api-spec/sts.json";

/// The checked-in services `cargo xtask import [--check]` imports, one after the other:
/// each is the same import (both sites' descriptions, the error tables, the overlay)
/// from its own directory of sources; nothing in the import is specific to one.
pub fn services(root: &Path) -> Vec<Paths> {
    vec![Paths::vpc(root), Paths::sts(root)]
}

const USAGE: &str = "\
usage: cargo xtask import [--check]
         (api-spec/sources/{china,intl}/ and the tables beside them -> api-spec/vpc.json,
          api-spec/sources/sts/ -> api-spec/sts.json)
       cargo xtask import --tccli DIR [--errors FILE] [--intl-tccli DIR --intl-errors FILE]
                          [--rate-limits FILE] [--overlay FILE] --out FILE [--check]
         (DIR holds tccli's api.json and examples.json of any service, in either language;
          without --errors the actions have no per-action error codes; --intl-tccli merges
          the international site's description in: the first decides what exists, the
          international one gives English documents and says what it publishes)";

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
    /// The international site's description, merged into the first, if any.
    pub intl: Option<IntlPaths>,
    /// The collected per-action rate limits, if any.
    pub rate_limits: Option<PathBuf>,
    /// The spec to write or check.
    pub out: PathBuf,
    /// Paths are shown relative to this directory in messages (when they are inside it).
    pub shown_from: PathBuf,
}

/// The files of the international site's description.
#[derive(Debug, Clone)]
pub struct IntlPaths {
    /// Its `api.json`.
    pub api: PathBuf,
    /// Its `examples.json`.
    pub examples: PathBuf,
    /// Its per-action error table (English descriptions).
    pub errors: PathBuf,
}

impl Paths {
    /// The VPC import: `api-spec/sources/*` -> `api-spec/vpc.json` under `root`: the China
    /// site's description (`china/`), the international site's (`intl/`), both error
    /// tables, the rate limits and the overlay.
    pub fn vpc(root: &Path) -> Self {
        let sources = root.join(SOURCES_DIR);
        Self {
            api: sources.join("china/api.json"),
            examples: sources.join("china/examples.json"),
            errors: Some(sources.join("vpc-error-codes-china.json")),
            overlay: Some(sources.join("overlay.json")),
            intl: Some(IntlPaths {
                api: sources.join("intl/api.json"),
                examples: sources.join("intl/examples.json"),
                errors: sources.join("vpc-error-codes.json"),
            }),
            rate_limits: Some(sources.join("vpc-rate-limits.json")),
            out: root.join(VPC_SPEC),
            shown_from: root.to_path_buf(),
        }
    }

    /// The STS import: `api-spec/sources/sts/*` -> `api-spec/sts.json` under `root`: both
    /// sites' descriptions (`china/`, `intl/`), the error table (the official Go SDK's for
    /// the international site, English; it gives both the codes and their texts) and the
    /// overlay. STS has no collected rate limits.
    pub fn sts(root: &Path) -> Self {
        let sources = root.join(STS_SOURCES_DIR);
        let errors = sources.join("sts-error-codes.json");
        Self {
            api: sources.join("china/api.json"),
            examples: sources.join("china/examples.json"),
            errors: Some(errors.clone()),
            overlay: Some(sources.join("overlay.json")),
            intl: Some(IntlPaths {
                api: sources.join("intl/api.json"),
                examples: sources.join("intl/examples.json"),
                errors,
            }),
            rate_limits: None,
            out: root.join(STS_SPEC),
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
            intl: None,
            rate_limits: None,
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
    /// The international site's description, if any.
    pub intl: Option<IntlSources>,
    /// The collected per-action rate limits, if any.
    pub rate_limits: Option<Source>,
}

/// The international site's description as read.
#[derive(Debug, Clone)]
pub struct IntlSources {
    /// Its `api.json`.
    pub api: Source,
    /// Its `examples.json`.
    pub examples: Source,
    /// Its per-action error table.
    pub errors: Source,
}

impl Sources {
    /// Reads the input files of `paths`.
    pub fn read(paths: &Paths) -> anyhow::Result<Self> {
        let optional = |path: Option<&Path>| path.map(|p| Source::read(paths, p)).transpose();
        Ok(Self {
            api: Source::read(paths, &paths.api)?,
            examples: Source::read(paths, &paths.examples)?,
            errors: optional(paths.errors.as_deref())?,
            overlay: optional(paths.overlay.as_deref())?,
            intl: paths
                .intl
                .as_ref()
                .map(|intl| -> anyhow::Result<IntlSources> {
                    Ok(IntlSources {
                        api: Source::read(paths, &intl.api)?,
                        examples: Source::read(paths, &intl.examples)?,
                        errors: Source::read(paths, &intl.errors)?,
                    })
                })
                .transpose()?,
            rate_limits: optional(paths.rate_limits.as_deref())?,
        })
    }

    /// Every file read, in the order the summary names them.
    fn names(&self) -> Vec<String> {
        let mut files = vec![&self.api, &self.examples];
        files.extend(&self.errors);
        if let Some(intl) = &self.intl {
            files.extend([&intl.api, &intl.examples, &intl.errors]);
        }
        files.extend(self.rate_limits.iter().chain(self.overlay.as_ref()));
        // One table may serve both sites (STS has only the English one): named once.
        let mut names: Vec<String> = Vec::with_capacity(files.len());
        for file in files {
            if !names.contains(&file.name) {
                names.push(file.name.clone());
            }
        }
        names
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
        errors: sources.errors.as_ref().map(|s| s.name.as_str()),
        overlay: sources.overlay.as_ref().map(|s| s.name.as_str()),
    };
    let (mut spec, mut report) = assemble::assemble(&api, table.as_ref(), &overlay, files)?;
    // The international description's examples first: where both sites publish the same
    // example, the English one is kept and the Chinese title joins it.
    let mut example_files = Vec::new();
    if let Some(intl) = &sources.intl {
        let intl_api: tccli::ApiJson = json::parse(&intl.api.text, &intl.api.name)?;
        let intl_examples: tccli::ExamplesJson =
            json::parse(&intl.examples.text, &intl.examples.name)?;
        let intl_table: errors::ErrorTable = json::parse(&intl.errors.text, &intl.errors.name)?;
        let names = merge::FileNames {
            api: &intl.api.name,
            errors: &intl.errors.name,
        };
        merge::merge(
            &mut spec,
            &intl_api,
            &intl_table,
            &overlay,
            names,
            &mut report,
        )?;
        example_files.push((intl_examples, intl.examples.name.as_str()));
    }
    example_files.push((examples, sources.examples.name.as_str()));
    // After the merge, so that every member of the final spec can be named.
    if let Some(source) = &sources.overlay {
        report.sensitive =
            overlay::apply_sensitive(&mut spec, &overlay, &source.name, &source.text)?;
    }
    // After the merge, so that actions only the international site has get theirs too.
    let limits = match &sources.rate_limits {
        Some(source) => {
            let limits: rate_limits::RateLimits = json::parse(&source.text, &source.name)?;
            rate_limits::apply(&mut spec, &limits, &overlay, &source.name, &mut report)?;
            Some((limits, source.name.as_str()))
        }
        None => None,
    };
    for (file, name) in &example_files {
        assemble::attach_examples(&mut spec, file, name, files.api, &mut report);
    }
    if let (Some((limits, name)), Some(_)) = (&limits, &sources.intl) {
        report
            .notes
            .extend(rate_limits::site_mismatches(&spec, limits, name));
    }
    if let Some(source) = &sources.overlay {
        overlay::check_waiters(&spec, &source.name, &source.text)?;
    }
    report.waiters = spec.waiters.len();
    report.actions = spec.actions.len();
    report.objects = spec.objects.len();
    report.files = sources.names();
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
    let Some((all_paths, check)) = parse_args(root, args)? else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    let mut code = ExitCode::SUCCESS;
    for paths in &all_paths {
        if import_one(paths, check)? != ExitCode::SUCCESS {
            code = ExitCode::FAILURE;
        }
    }
    Ok(code)
}

/// Imports (or checks) one spec.
fn import_one(paths: &Paths, check: bool) -> anyhow::Result<ExitCode> {
    let imported = import_paths(paths)?;
    let out = paths.show(&paths.out);
    if check {
        if is_fresh(paths, &imported) {
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
    if is_fresh(paths, &imported) {
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

/// The paths of each import and `--check`, or `None` for a usage error.
fn parse_args(root: &Path, args: &[&str]) -> anyhow::Result<Option<(Vec<Paths>, bool)>> {
    let mut check = false;
    let (mut tccli, mut errors, mut overlay, mut out) = (None, None, None, None);
    let (mut intl_tccli, mut intl_errors, mut rate_limits) = (None, None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let slot = match *arg {
            "--check" => {
                check = true;
                continue;
            }
            "--tccli" => &mut tccli,
            "--errors" => &mut errors,
            "--intl-tccli" => &mut intl_tccli,
            "--intl-errors" => &mut intl_errors,
            "--rate-limits" => &mut rate_limits,
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
    let intl = match (intl_tccli, intl_errors) {
        (Some(dir), Some(errors)) => Some(IntlPaths {
            api: dir.join("api.json"),
            examples: dir.join("examples.json"),
            errors,
        }),
        (None, None) => None,
        _ => {
            eprintln!("--intl-tccli and --intl-errors go together");
            return Ok(None);
        }
    };
    let no_other = errors.is_none() && overlay.is_none() && intl.is_none() && rate_limits.is_none();
    match (tccli, out) {
        (None, None) if no_other => Ok(Some((services(root), check))),
        (Some(dir), Some(out)) => {
            let mut paths = Paths::tccli(&dir, errors.as_deref(), overlay.as_deref(), &out);
            paths.intl = intl;
            paths.rate_limits = rate_limits;
            Ok(Some((vec![paths], check)))
        }
        _ => {
            eprintln!(
                "--tccli and --out go together (--errors, --intl-tccli with --intl-errors, --rate-limits and --overlay are optional with them)"
            );
            Ok(None)
        }
    }
}
