//! Reading the collected per-action rate limits (`vpc-rate-limits.json` and files of its
//! format) and giving each action its documented limit.
//!
//! Tencent documents a limit per action only on its web pages; the file collects them,
//! each with the page it came from: `{about, service, version, actions: {Action:
//! {per_second, intl_site, source, updated, disagreement?}}, missing: [Action]}`. The
//! overlay's `rate_limit` of an action still wins.

use std::collections::BTreeMap;

use api_spec::locate::child;
use api_spec::model::Spec;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::unique_map;
use super::overlay::Overlay;
use super::report::{RateLimitStats, Report};

/// The collected limits.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateLimits {
    /// Where the limits came from: provenance for people, required but not used.
    #[serde(rename = "about")]
    pub(crate) _about: String,
    /// The service; must be the spec's.
    pub(crate) service: String,
    /// The API version; must be the spec's.
    pub(crate) version: String,
    /// The limit of each action found.
    #[serde(deserialize_with = "unique_map")]
    pub(crate) actions: BTreeMap<String, RateLimit>,
    /// Actions searched for and not found.
    pub(crate) missing: Vec<String>,
}

/// One action's documented limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateLimit {
    /// Requests per second.
    pub(crate) per_second: u32,
    /// Whether the international site publishes the action (checked against the merge).
    pub(crate) intl_site: bool,
    /// The page the limit was read from.
    #[serde(rename = "source")]
    pub(crate) _source: String,
    /// The page's "last updated" date, possibly empty.
    #[serde(rename = "updated")]
    pub(crate) _updated: String,
    /// Where the sites' pages disagree, each page's value (`per_second` follows the
    /// China site's).
    #[serde(default, rename = "disagreement")]
    pub(crate) _disagreement: Option<IgnoredAny>,
}

/// Gives every action the file lists its limit, unless the overlay sets one.
///
/// # Errors
///
/// When the file describes another service or version, names an action the spec does not
/// have, or gives a limit of 0; each error names the file and the JSON pointer.
pub(crate) fn apply(
    spec: &mut Spec,
    limits: &RateLimits,
    overlay: &Overlay,
    file: &str,
    report: &mut Report,
) -> anyhow::Result<()> {
    if limits.service != spec.service || limits.version != spec.version {
        anyhow::bail!(
            "{file}: /service: the limits are of {} {}, the spec is {} {}",
            limits.service,
            limits.version,
            spec.service,
            spec.version
        );
    }
    let mut stats = RateLimitStats {
        missing: limits.missing.len(),
        ..RateLimitStats::default()
    };
    for (name, limit) in &limits.actions {
        let at = child("/actions", name);
        let Some(action) = spec.actions.get_mut(name) else {
            anyhow::bail!("{file}: {at}: the spec has no action `{name}`");
        };
        if limit.per_second == 0 {
            anyhow::bail!(
                "{file}: {at}/per_second: a rate limit must be at least 1 request per second"
            );
        }
        if overlay
            .actions
            .get(name)
            .is_some_and(|a| a.rate_limit.is_some())
        {
            continue;
        }
        action.rate_limit = Some(limit.per_second);
        stats.applied += 1;
    }
    for (name, entry) in &overlay.actions {
        if let Some(set) = entry.rate_limit {
            let collected = limits.actions.get(name).map(|l| l.per_second);
            stats.overlay.push((name.clone(), set, collected));
        }
    }
    for name in &limits.missing {
        if !spec.actions.contains_key(name) {
            report.notes.push(format!(
                "{file}: /missing names `{name}`, not an action of the spec"
            ));
        }
    }
    report.rate_limits = Some(stats);
    Ok(())
}

/// Where the collection's `intl_site` disagrees with what the merged descriptions say
/// (`file` names the collection).
pub(crate) fn site_mismatches(spec: &Spec, limits: &RateLimits, file: &str) -> Vec<String> {
    limits
        .actions
        .iter()
        .filter_map(|(name, limit)| {
            let action = spec.actions.get(name)?;
            (limit.intl_site == action.china_only).then(|| {
                format!(
                    "{file}: {name}: intl_site is {}, but the international description {} it",
                    limit.intl_site,
                    if action.china_only { "lacks" } else { "has" }
                )
            })
        })
        .collect()
}
