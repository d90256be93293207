//! What an import did, for people: counts, every skipped example with its reason, every
//! note, and the time it took.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use super::examples::SkipKind;

/// The outcome of one import besides the spec itself.
#[derive(Debug, Default)]
pub struct Report {
    /// `serviceShortName`.
    pub service: String,
    /// `apiVersion`.
    pub version: String,
    /// The product's Chinese name from `api.json`'s metadata, if it has one (the spec
    /// does not carry it).
    pub service_name_cn: Option<String>,
    /// Whether an error table was given; without one no action has its own codes.
    pub error_table: bool,
    /// The files read, as named in messages.
    pub files: Vec<String>,
    /// Actions in the spec.
    pub actions: usize,
    /// Of those, actions written by hand in the overlay.
    pub hand_written: usize,
    /// Objects in the spec.
    pub objects: usize,
    /// Request and response structures inlined into their actions.
    pub inlined: usize,
    /// Examples in the spec.
    pub examples_converted: usize,
    /// Values coerced to their declared type across the converted examples.
    pub values_coerced: usize,
    /// Examples left out, with the reason.
    pub skipped: Vec<Skip>,
    /// Things worth a look that did not stop anything.
    pub notes: Vec<String>,
    /// How the error table matched `api.json`.
    pub errors: ErrorStats,
    /// How long reading, converting and serializing took.
    pub elapsed: Duration,
}

/// One example left out of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The action it belongs to.
    pub action: String,
    /// Its title.
    pub title: String,
    /// The kind of problem.
    pub kind: SkipKind,
    /// What exactly is wrong.
    pub reason: String,
}

/// How the per-action error table matched `api.json`.
#[derive(Debug, Default)]
pub struct ErrorStats {
    /// (action, code) pairs put into the spec.
    pub codes: usize,
    /// Actions of `api.json` the table has no entry for (they get no own error codes).
    pub without_entry: Vec<String>,
    /// Table entries for actions `api.json` does not declare (ignored).
    pub not_in_api: Vec<String>,
    /// (action, code) pairs whose code is also a common code.
    pub common_pairs: usize,
    /// The distinct codes among those.
    pub common_codes: BTreeSet<String>,
    /// Codes with an empty description that took the common code's, with the actions
    /// listing them.
    pub filled_from_common: BTreeMap<String, Vec<String>>,
    /// Codes with an empty description that are not common codes (left empty), with the
    /// actions listing them.
    pub left_empty: BTreeMap<String, Vec<String>>,
}

impl Report {
    /// The summary the command prints.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "imported {} {} ({}) from {}",
            self.service,
            self.version,
            self.service_name_cn
                .as_deref()
                .unwrap_or("no serviceNameCN in api.json"),
            self.files.join(", ")
        );
        let _ = writeln!(
            out,
            "  actions:  {} ({} written by hand in the overlay)",
            self.actions, self.hand_written
        );
        let _ = writeln!(
            out,
            "  objects:  {} ({} request/response structures inlined into their actions)",
            self.objects, self.inlined
        );
        let errors = &self.errors;
        if self.error_table {
            let _ = writeln!(
                out,
                "  errors:   {} codes on {} actions, {} of them also common codes ({} distinct: {})",
                errors.codes,
                self.actions.saturating_sub(errors.without_entry.len()),
                errors.common_pairs,
                errors.common_codes.len(),
                errors
                    .common_codes
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let _ = writeln!(
                out,
                "            actions without a table entry: {}; table actions not in api.json: {}",
                list_or_none(&errors.without_entry),
                list_or_none(&errors.not_in_api)
            );
        } else {
            let _ = writeln!(
                out,
                "  errors:   no error table given: no action has codes of its own (only the common codes, if any)"
            );
        }
        let _ = writeln!(
            out,
            "  examples: {} converted ({} values coerced to their declared type), {} skipped",
            self.examples_converted,
            self.values_coerced,
            self.skipped.len()
        );
        let mut by_kind: BTreeMap<SkipKind, usize> = BTreeMap::new();
        for skip in &self.skipped {
            *by_kind.entry(skip.kind).or_default() += 1;
        }
        for (kind, count) in &by_kind {
            let _ = writeln!(out, "            {count} x {}", kind.label());
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "  skipped examples:");
            for skip in &self.skipped {
                let _ = writeln!(
                    out,
                    "    - {} \"{}\": {}",
                    skip.action, skip.title, skip.reason
                );
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "  notes ({}):", self.notes.len());
            for note in &self.notes {
                let _ = writeln!(out, "    - {note}");
            }
        }
        let _ = writeln!(out, "  took {} ms", self.elapsed.as_millis());
        out
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        format!("{} ({})", items.len(), items.join(", "))
    }
}
