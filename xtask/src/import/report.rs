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
    /// The format `version` of the deciding `api.json` (`"1.0"`), absent in a few services.
    pub format_version: Option<String>,
    /// Examples in the spec.
    pub examples_converted: usize,
    /// Per `examples.json`, in the order they were attached.
    pub examples_by_file: Vec<ExampleCounts>,
    /// Values coerced to their declared type across the converted examples.
    pub values_coerced: usize,
    /// Examples left out, with the reason.
    pub skipped: Vec<Skip>,
    /// Things worth a look that did not stop anything.
    pub notes: Vec<String>,
    /// How the error table matched `api.json`.
    pub errors: ErrorStats,
    /// How the international description was merged in, when it was.
    pub merge: Option<MergeStats>,
    /// How the collected rate limits were applied, when they were.
    pub rate_limits: Option<RateLimitStats>,
    /// Members the overlay marks `sensitive` (secrets, redacted from `Debug`).
    pub sensitive: usize,
    /// State waiters the overlay declares (checked against the spec).
    pub waiters: usize,
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

/// What one `examples.json` gave.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExampleCounts {
    /// The file, as named in messages.
    pub file: String,
    /// Examples added to the spec.
    pub converted: usize,
    /// Examples equal to one an action had already (the other site's copy), kept once.
    pub duplicates: usize,
    /// Examples left out (each listed in [`Report::skipped`]).
    pub skipped: usize,
}

/// How the international site's description was merged into the deciding one.
#[derive(Debug, Default)]
pub struct MergeStats {
    /// Actions the international description does not have (China site only).
    pub china_only_actions: Vec<String>,
    /// Objects the international description does not have.
    pub china_only_objects: Vec<String>,
    /// Request members (of actions both have) the international description lacks.
    pub china_only_input_members: usize,
    /// Output and object members (of items both have) the international description lacks.
    pub china_only_other_members: usize,
    /// Every place where the two descriptions disagree on anything but text; the deciding
    /// description's value is the spec's.
    pub disagreements: Vec<Disagreement>,
    /// Documents and titles taken in English, with the Chinese kept beside them where it
    /// differs.
    pub texts_english: usize,
    /// Documents and titles only the deciding (Chinese) description has (or where the
    /// international one is empty).
    pub texts_chinese_only: usize,
    /// Actions only the international description has (kept, `intl_only`).
    pub intl_only_actions: Vec<String>,
    /// Objects only the international description has.
    pub intl_only_objects: Vec<String>,
    /// Members only the international description has, in actions and objects both have.
    pub intl_only_members: usize,
    /// Error codes only the international table lists for an action both have (kept).
    pub intl_only_codes: usize,
    /// Error codes (action, code) described in English, the Chinese kept beside.
    pub codes_english: usize,
    /// Error codes described only in Chinese.
    pub codes_chinese_only: usize,
    /// Error codes without any description.
    pub codes_undescribed: usize,
}

/// One place where the two descriptions disagree on something that is not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// What kind of thing differs.
    pub kind: DisagreementKind,
    /// Where (`Action input Member`, `Object.Member`).
    pub at: String,
    /// What the deciding description says (the spec's value).
    pub decided: String,
    /// What the international description says.
    pub intl: String,
}

/// The kinds of disagreement, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// An action, object or member only the international description has (kept, marked
    /// `intl_only`).
    OnlyInIntl,
    /// A member's `type` or `member`.
    Type,
    /// A member's `required`.
    Required,
    /// A member's `disabled`.
    Disabled,
    /// A member's `value_allowed_null`.
    ValueAllowedNull,
    /// A member's `output_required`.
    OutputRequired,
    /// The order of the members both have.
    MemberOrder,
    /// An action's `status` or `skip_sign`, or an object's `usage`.
    Attribute,
    /// The error codes listed for an action.
    ErrorCodes,
}

impl DisagreementKind {
    /// A short label for the summary.
    pub fn label(self) -> &'static str {
        match self {
            Self::OnlyInIntl => "only in the international description (kept, intl_only)",
            Self::Type => "member type",
            Self::Required => "member `required`",
            Self::Disabled => "member `disabled`",
            Self::ValueAllowedNull => "member `value_allowed_null`",
            Self::OutputRequired => "member `output_required`",
            Self::MemberOrder => "member order",
            Self::Attribute => "action status, skip_sign or object usage",
            Self::ErrorCodes => "error codes of an action",
        }
    }
}

/// How the collected rate limits were applied.
#[derive(Debug, Default)]
pub struct RateLimitStats {
    /// Actions given the collected limit.
    pub applied: usize,
    /// Actions whose overlay entry sets a limit (it wins), with the collected one if any.
    pub overlay: Vec<(String, u32, Option<u32>)>,
    /// Actions the collection lists as having no limit found.
    pub missing: usize,
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
        if let Some(merge) = &self.merge {
            merge.summarize(&mut out);
        }
        if let Some(limits) = &self.rate_limits {
            let _ = writeln!(
                out,
                "  rate limits: {} actions limited ({} from the collected limits, {} set in the overlay); {} listed as not found",
                limits.applied + limits.overlay.len(),
                limits.applied,
                limits.overlay.len(),
                limits.missing
            );
            for (action, set, collected) in &limits.overlay {
                let collected = collected.map_or_else(|| "none".to_owned(), |n| n.to_string());
                let _ = writeln!(
                    out,
                    "            {action}: overlay {set}/s, collected {collected}"
                );
            }
        }
        if self.sensitive > 0 {
            let _ = writeln!(
                out,
                "  sensitive: {} members marked by the overlay (redacted from Debug)",
                self.sensitive
            );
        }
        if self.waiters > 0 {
            let _ = writeln!(
                out,
                "  waiters: {} state waiters declared by the overlay",
                self.waiters
            );
        }
        let _ = writeln!(
            out,
            "  examples: {} converted ({} values coerced to their declared type), {} skipped",
            self.examples_converted,
            self.values_coerced,
            self.skipped.len()
        );
        if self.examples_by_file.len() > 1 {
            for counts in &self.examples_by_file {
                let _ = writeln!(
                    out,
                    "            {}: {} converted, {} equal to one kept already, {} skipped",
                    counts.file, counts.converted, counts.duplicates, counts.skipped
                );
            }
        }
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

impl MergeStats {
    fn summarize(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "  sites:    {} actions and {} objects on the China site only; {} request members and {} other members on the China site only (in actions and objects both sites have)",
            self.china_only_actions.len(),
            self.china_only_objects.len(),
            self.china_only_input_members,
            self.china_only_other_members
        );
        let _ = writeln!(
            out,
            "            {} actions, {} objects, {} members and {} error codes (of items both have) on the international site only",
            self.intl_only_actions.len(),
            self.intl_only_objects.len(),
            self.intl_only_members,
            self.intl_only_codes
        );
        let _ = writeln!(
            out,
            "            documents and titles: {} in English (the Chinese beside them), {} in Chinese only; error codes: {} described in English, {} in Chinese only, {} undescribed",
            self.texts_english,
            self.texts_chinese_only,
            self.codes_english,
            self.codes_chinese_only,
            self.codes_undescribed
        );
        let _ = writeln!(
            out,
            "  disagreements: {} (the China site's description decides)",
            self.disagreements.len()
        );
        let mut by_kind: BTreeMap<DisagreementKind, usize> = BTreeMap::new();
        for d in &self.disagreements {
            *by_kind.entry(d.kind).or_default() += 1;
        }
        for (kind, count) in &by_kind {
            let _ = writeln!(out, "            {count} x {}", kind.label());
        }
        for d in &self.disagreements {
            let _ = writeln!(
                out,
                "    - {}: {}: China {}, international {}",
                d.kind.label(),
                d.at,
                d.decided,
                d.intl
            );
        }
        let _ = writeln!(
            out,
            "  China-site-only actions: {}",
            list_or_none(&self.china_only_actions)
        );
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        format!("{} ({})", items.len(), items.join(", "))
    }
}
