//! The hand-kept overlay: what Tencent does not publish machine-readably (the product's
//! English title, the hosts, the common error codes, rate limits, retry safety, irregular
//! paging, which members are secrets), and room
//! for curated per-action fields. Every field is optional; `api-spec/sources/README.md`
//! documents each one, and `$comment` keys (any JSON value, ignored) are allowed
//! wherever an entry is an object.

use std::collections::{BTreeMap, BTreeSet};

use api_spec::locate::position_of;
use api_spec::model::{Action, Endpoints, ErrorCode, Member, Object, Pagination, Spec, Waiter};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::json::unique_map;

/// `overlay.json`. An absent overlay is [`Overlay::default`]: title and hosts from the
/// service name, no common errors, no rate limits, nothing retry-safe.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Overlay {
    /// Free text for people reading the file; ignored.
    #[serde(rename = "$comment", default)]
    pub(crate) _comment: Option<IgnoredAny>,
    /// The product's name (`Virtual Private Cloud`); default: the service short name.
    #[serde(default)]
    pub(crate) title: Option<String>,
    /// The hosts, exactly as the spec's `endpoints`; default: the API 3.0 patterns
    /// `<svc>.intl.tencentcloudapi.com`, `china: <svc>.tencentcloudapi.com`,
    /// `<svc>.{region}.tencentcloudapi.com`.
    #[serde(default)]
    pub(crate) endpoints: Option<Endpoints>,
    /// The spec's `common_errors`, in order; also the descriptions given to codes the
    /// error table lists without one.
    #[serde(default)]
    pub(crate) common_errors: Vec<ErrorCode>,
    /// The rule deciding `retry_safe` for actions without an override.
    #[serde(default)]
    pub(crate) retry_safe: RetryRule,
    /// Curated fields per action, by exact action name; every name must be an action of
    /// `api.json`.
    #[serde(default, deserialize_with = "unique_map")]
    pub(crate) actions: BTreeMap<String, ActionOverlay>,
    /// Actions Tencent does not publish, written by hand in the spec's own format
    /// (`api_spec::model::Action`), added to the import as they are; a name `api.json`
    /// also has is an error (the official entry is not shadowed silently).
    #[serde(default, deserialize_with = "unique_map")]
    pub(crate) hand_written_actions: BTreeMap<String, Action>,
    /// Objects the hand-written actions use, in the spec's format; a name `api.json`
    /// also has is an error.
    #[serde(default, deserialize_with = "unique_map")]
    pub(crate) hand_written_objects: BTreeMap<String, Object>,
    /// The members whose values are secrets, as `Owner.Member`: `Owner` is an object of
    /// the spec or an action's `<Action>Request`/`<Action>Response`. Each is marked
    /// `sensitive` ([`apply_sensitive`]); Tencent's descriptions do not say it.
    #[serde(default)]
    pub(crate) sensitive: Vec<String>,
    /// State waiters by resource name, in the spec's own format
    /// (`api_spec::model::Waiter`), copied into the spec as they are and checked against
    /// it ([`check_waiters`]).
    #[serde(default, deserialize_with = "unique_map")]
    pub(crate) waiters: BTreeMap<String, Waiter>,
}

/// Checks the overlay's `waiters` against the imported spec (the spec's own rules, in
/// `api_spec::load`), reporting a problem at its place in the overlay: the section is
/// copied as it is, so a JSON pointer under `/waiters` means the same in both files.
///
/// # Errors
///
/// Every problem of the section: `file:line:column: /waiters/...: message`, one a line.
pub(crate) fn check_waiters(spec: &Spec, file: &str, text: &str) -> anyhow::Result<()> {
    if spec.waiters.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(spec)?;
    let Err(api_spec::SpecError::Invalid(diagnostics)) = api_spec::load_str(&json, "spec") else {
        return Ok(());
    };
    let problems: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.pointer.starts_with("/waiters"))
        .map(|d| {
            let position = position_of(text, &d.pointer);
            format!("{file}:{position}: {}: {}", d.pointer, d.message)
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("{}", problems.join("\n")))
    }
}

/// Which actions are retry-safe by rule.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetryRule {
    /// Free text; ignored.
    #[serde(rename = "$comment", default)]
    pub(crate) _comment: Option<IgnoredAny>,
    /// An action is retry-safe when its name starts with one of these followed by an
    /// uppercase letter, a digit or nothing (`Describe` matches `DescribeVpcs`, not
    /// `Describer`).
    #[serde(default)]
    pub(crate) read_only_prefixes: Vec<String>,
}

impl RetryRule {
    /// The prefix that makes `action` retry-safe, if any.
    pub(crate) fn matching_prefix(&self, action: &str) -> Option<&str> {
        self.read_only_prefixes
            .iter()
            .map(String::as_str)
            .find(|prefix| {
                action.strip_prefix(prefix).is_some_and(|rest| {
                    rest.chars()
                        .next()
                        .is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                })
            })
    }
}

/// Curated fields of one action. Every field is optional and overrides what the rule or
/// the default would say; new curated fields go here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionOverlay {
    /// Free text (where a value comes from); ignored.
    #[serde(rename = "$comment", default)]
    pub(crate) _comment: Option<IgnoredAny>,
    /// The documented limit in requests per second (at least 1).
    #[serde(default)]
    pub(crate) rate_limit: Option<u32>,
    /// Overrides the retry rule for this action.
    #[serde(default)]
    pub(crate) retry_safe: Option<bool>,
    /// The spec's `pagination`, for an action whose paging the shape rule does not
    /// recognise (or must not apply): `false`, `true` or the members to page through.
    #[serde(default)]
    pub(crate) pagination: Option<Pagination>,
}

/// Marks the members the overlay's `sensitive` list names as `sensitive` in `spec` (the
/// whole spec, after the merge, so that a member only one site publishes or a
/// hand-written one can be named) and returns how many members it marked. An owner that
/// is both an object and an action's request or response structure (one structure
/// `api.json` uses both ways) has the member marked in both. `file` and `text` are the
/// overlay's name and text, for locating a bad entry.
///
/// # Errors
///
/// An entry that is not `Owner.Member`, whose owner is neither an object nor an action's
/// request or response, whose owner has no such member, or that repeats an earlier entry:
/// `file:line:column: /sensitive/N: message`.
pub(crate) fn apply_sensitive(
    spec: &mut Spec,
    overlay: &Overlay,
    file: &str,
    text: &str,
) -> anyhow::Result<usize> {
    let mut marked = 0;
    let mut seen = BTreeSet::new();
    for (index, entry) in overlay.sensitive.iter().enumerate() {
        let fail = |message: String| {
            let pointer = format!("/sensitive/{index}");
            let position = position_of(text, &pointer);
            anyhow::anyhow!("{file}:{position}: {pointer}: {message}")
        };
        if !seen.insert(entry.as_str()) {
            return Err(fail(format!("`{entry}` is listed twice")));
        }
        let Some((owner, name)) = entry.split_once('.') else {
            return Err(fail(format!(
                "`{entry}` is not `Owner.Member` (an object, `<Action>Request` or `<Action>Response`, a dot, a member)"
            )));
        };
        let mut lists: Vec<&mut Vec<Member>> = Vec::new();
        if let Some(object) = spec.objects.get_mut(owner) {
            lists.push(&mut object.members);
        }
        let side = match (
            owner.strip_suffix("Request"),
            owner.strip_suffix("Response"),
        ) {
            (Some(action), _) => Some((action, true)),
            (None, Some(action)) => Some((action, false)),
            (None, None) => None,
        };
        if let Some((action, input)) =
            side.and_then(|(name, input)| spec.actions.get_mut(name).map(|action| (action, input)))
        {
            lists.push(if input {
                &mut action.input
            } else {
                &mut action.output
            });
        }
        if lists.is_empty() {
            return Err(fail(format!(
                "`{owner}` is neither an object nor an action's request or response"
            )));
        }
        let mut found = false;
        for member in lists
            .into_iter()
            .flat_map(|members| members.iter_mut())
            .filter(|member| member.name == name)
        {
            member.sensitive = true;
            marked += 1;
            found = true;
        }
        if !found {
            return Err(fail(format!("`{owner}` has no member `{name}`")));
        }
    }
    Ok(marked)
}

/// The API 3.0 default hosts of a service.
pub(crate) fn default_endpoints(service: &str) -> Endpoints {
    Endpoints {
        default: format!("{service}.intl.tencentcloudapi.com"),
        alternatives: BTreeMap::from([(
            "china".to_owned(),
            format!("{service}.tencentcloudapi.com"),
        )]),
        regional: Some(format!("{service}.{{region}}.tencentcloudapi.com")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    #[test]
    fn prefixes_match_whole_words() {
        let rule = RetryRule {
            _comment: None,
            read_only_prefixes: vec!["Describe".into(), "Get".into()],
        };
        assert_eq!(rule.matching_prefix("DescribeVpcs"), Some("Describe"));
        assert_eq!(rule.matching_prefix("Describe"), Some("Describe"));
        assert_eq!(
            rule.matching_prefix("GetCcnRegionBandwidthLimits"),
            Some("Get")
        );
        assert_eq!(rule.matching_prefix("Getaway"), None);
        assert_eq!(rule.matching_prefix("ResetVpnConnection"), None);
    }

    #[test]
    fn hand_written_actions_are_read_in_the_spec_format() {
        let text = r#"{"hand_written_actions": {"Ping": {"document": "Pings.", "input": [],
            "output": [{"name": "RequestId", "type": "string", "member": "string", "required": true}]}}}"#;
        let overlay: Overlay = parse(text, "overlay.json").unwrap();
        assert_eq!(overlay.hand_written_actions["Ping"].document, "Pings.");
        let text = r#"{"hand_written_actions": {"Ping": {"document": "d", "input": [], "output": [], "bogus": 1}}}"#;
        let err = parse::<Overlay>(text, "overlay.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/hand_written_actions/Ping"), "{err}");
    }

    #[test]
    fn per_action_entries_deny_unknown_fields() {
        let text = r#"{"actions": {"Ping": {"rate_limit": 5, "paging": "Offset"}}}"#;
        let err = parse::<Overlay>(text, "overlay.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/actions/Ping"), "{err}");
        assert!(err.contains("unknown field `paging`"), "{err}");
    }

    #[test]
    fn comments_are_allowed_everywhere_an_entry_is_an_object() {
        let text = r#"{"$comment": ["a", "b"], "retry_safe": {"$comment": "c", "read_only_prefixes": []},
            "actions": {"Ping": {"$comment": "d", "retry_safe": true}}}"#;
        let overlay: Overlay = parse(text, "overlay.json").unwrap();
        assert_eq!(overlay.actions["Ping"].retry_safe, Some(true));
    }

    fn spec() -> Spec {
        serde_json::from_value(serde_json::json!({
            "service": "sts", "version": "2018-08-13", "title": "t",
            "endpoints": {"default": "sts.example"},
            "actions": {"AssumeRole": {
                "document": "d",
                "input": [{"name": "RoleArn", "type": "string", "member": "string"},
                          {"name": "TokenCode", "type": "string", "member": "string"}],
                "output": [{"name": "RequestId", "type": "string", "member": "string"}]
            }},
            "objects": {"Credentials": {"document": "c", "members": [
                {"name": "TmpSecretId", "type": "string", "member": "string"},
                {"name": "TmpSecretKey", "type": "string", "member": "string"}
            ]}}
        }))
        .unwrap()
    }

    fn sensitive(spec: &Spec) -> Vec<String> {
        let objects = spec
            .objects
            .iter()
            .flat_map(|(owner, object)| object.members.iter().map(move |m| (owner.clone(), m)));
        let actions = spec.actions.iter().flat_map(|(name, action)| {
            let input = action
                .input
                .iter()
                .map(move |m| (format!("{name}Request"), m));
            let output = action
                .output
                .iter()
                .map(move |m| (format!("{name}Response"), m));
            input.chain(output)
        });
        objects
            .chain(actions)
            .filter(|(_, m)| m.sensitive)
            .map(|(owner, m)| format!("{owner}.{}", m.name))
            .collect()
    }

    #[test]
    fn sensitive_entries_mark_object_and_request_members() {
        let text = r#"{"sensitive": ["Credentials.TmpSecretKey", "AssumeRoleRequest.TokenCode"]}"#;
        let overlay: Overlay = parse(text, "overlay.json").unwrap();
        let mut spec = spec();
        let marked = apply_sensitive(&mut spec, &overlay, "overlay.json", text).unwrap();
        assert_eq!(marked, 2);
        assert_eq!(
            sensitive(&spec),
            ["Credentials.TmpSecretKey", "AssumeRoleRequest.TokenCode"]
        );
    }

    #[test]
    fn a_sensitive_entry_naming_no_member_is_a_located_error() {
        for (entry, message) in [
            ("Credentials.Secret", "`Credentials` has no member `Secret`"),
            (
                "AssumeRoleResponse.TokenCode",
                "`AssumeRoleResponse` has no member `TokenCode`",
            ),
            (
                "Nothing.X",
                "`Nothing` is neither an object nor an action's request or response",
            ),
            ("AssumeRole.RoleArn", "`AssumeRole` is neither an object"),
            ("TmpSecretKey", "`TmpSecretKey` is not `Owner.Member`"),
            (
                "Credentials.TmpSecretId",
                "`Credentials.TmpSecretId` is listed twice",
            ),
        ] {
            let text = format!(
                "{{\n  \"sensitive\": [\n    \"Credentials.TmpSecretId\",\n    \"{entry}\"\n  ]\n}}"
            );
            let overlay: Overlay = parse(&text, "overlay.json").unwrap();
            let err = apply_sensitive(&mut spec(), &overlay, "overlay.json", &text)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("overlay.json:4:5: /sensitive/1: "),
                "{entry}: {err}"
            );
            assert!(err.contains(message), "{entry}: {err}");
        }
    }

    #[test]
    fn a_bad_waiter_entry_is_located_in_the_overlay() {
        let text = "{\n  \"waiters\": {\n    \"Thing\": {\n      \"describe\": \"Nothing\",\n      \"ids\": \"Ids\", \"id\": \"Id\", \"state\": \"State\", \"success\": [\"READY\"]\n    }\n  }\n}";
        let overlay: Overlay = parse(text, "overlay.json").unwrap();
        let mut spec = spec();
        spec.waiters = overlay.waiters.clone();
        let err = check_waiters(&spec, "overlay.json", text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "overlay.json:4:19: /waiters/Thing/describe: unknown action `Nothing`"
        );
        spec.waiters.clear();
        assert!(check_waiters(&spec, "overlay.json", text).is_ok());
    }

    #[test]
    fn default_endpoints_follow_the_api_3_patterns() {
        let endpoints = default_endpoints("cvm");
        assert_eq!(endpoints.default, "cvm.intl.tencentcloudapi.com");
        assert_eq!(endpoints.alternatives["china"], "cvm.tencentcloudapi.com");
        assert_eq!(
            endpoints.regional.as_deref(),
            Some("cvm.{region}.tencentcloudapi.com")
        );
    }
}
