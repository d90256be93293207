//! Assembly: `api.json` + the error table + the overlay -> one [`Spec`], then each
//! `examples.json` attached to it ([`attach_examples`]), and the [`Report`] of everything
//! worth a look.
//!
//! Each action's request and response structures (`XRequest`/`XResponse`) are inlined as
//! the action's `input`/`output` and left out of `objects`, unless a member refers to them.
//! Everything else `api.json` says is carried over as it is: documents verbatim, flags as
//! given (absent reads as `false`), `status` absent when absent. The only change is
//! `RequestId`, which the spec marks `required` (it is always present).

use std::collections::{BTreeMap, BTreeSet};

use api_spec::locate::child;
use api_spec::model::{Action, ErrorCode, Member, Object, Spec};

use super::errors::ErrorTable;
use super::examples::{self, Schema, SkipKind};
use super::overlay::{Overlay, default_endpoints};
use super::report::{ExampleCounts, Report, Skip};
use super::tccli::{ApiJson, ApiMember, ExamplesJson};
use api_spec::model::Example;

/// The `$schema` every written spec carries.
pub(crate) const SCHEMA_REF: &str = "./schema.json";

/// How the input files are named in messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileNames<'a> {
    /// `api.json`.
    pub(crate) api: &'a str,
    /// The error table, when there is one.
    pub(crate) errors: Option<&'a str>,
    /// The overlay, when there is one.
    pub(crate) overlay: Option<&'a str>,
}

/// Builds the spec, without examples ([`attach_examples`] adds them).
///
/// # Errors
///
/// When the inputs contradict each other in a way no spec can express: an action's
/// request/response object is missing, the error table describes another service or
/// version, or the overlay names an action `api.json` does not have or gives a rate limit
/// of 0. Each error names the file and the JSON pointer.
pub(crate) fn assemble(
    api: &ApiJson,
    table: Option<&ErrorTable>,
    overlay: &Overlay,
    files: FileNames<'_>,
) -> anyhow::Result<(Spec, Report)> {
    let service = api.metadata.service_short_name.clone();
    let version = api.metadata.api_version.clone();
    let mut report = Report {
        service: service.clone(),
        version: version.clone(),
        service_name_cn: api.metadata.service_name_cn.clone(),
        error_table: table.is_some(),
        ..Report::default()
    };
    if api.metadata.service_name_cn.is_none() {
        report.notes.push(format!(
            "{}: /metadata has no serviceNameCN (the Chinese product name, which the spec does not carry anyway)",
            files.api
        ));
    }
    if api.metadata.api_brief == Some(None) {
        report.notes.push(format!(
            "{}: /metadata/api_brief is null: the spec has no brief",
            files.api
        ));
    }
    if let Some(table) = table {
        check_table_header(
            table,
            &service,
            &version,
            files.errors.unwrap_or("the error table"),
        )?;
    }
    check_overlay(api, overlay, files.overlay.unwrap_or("the overlay"))?;
    report.format_version = api.version.clone();

    let structures = request_response_structures(api, files.api, &mut report)?;
    let objects = objects(api, &structures, &mut report);
    report.inlined = structures
        .keys()
        .filter(|n| !objects.contains_key(*n))
        .count();

    let common: BTreeMap<&str, &str> = overlay
        .common_errors
        .iter()
        .map(|e| (e.code.as_str(), e.description.as_str()))
        .collect();
    let mut actions = BTreeMap::new();
    for (name, entry) in &api.actions {
        let members = |object: &str, report: &mut Report| -> Vec<Member> {
            api.objects.get(object).map_or_else(Vec::new, |o| {
                o.members
                    .iter()
                    .map(|m| member(m, &format!("{name}.{object}.{}", m.name), report))
                    .collect()
            })
        };
        let input = members(&entry.input, &mut report);
        let mut output = members(&entry.output, &mut report);
        match output.iter_mut().find(|m| m.name == "RequestId") {
            Some(request_id) => request_id.required = true,
            None => report.notes.push(format!(
                "{name}: the output `{}` declares no RequestId",
                entry.output
            )),
        }
        let curated = overlay.actions.get(name);
        let retry_safe = curated
            .and_then(|c| c.retry_safe)
            .unwrap_or_else(|| overlay.retry_safe.matching_prefix(name).is_some());
        actions.insert(
            name.clone(),
            Action {
                document: entry.document.clone(),
                title: Some(entry.name.clone()),
                document_zh: None,
                title_zh: None,
                china_only: false,
                intl_only: false,
                status: entry.status,
                skip_sign: entry.skip_sign.unwrap_or(false),
                rate_limit: curated.and_then(|c| c.rate_limit),
                retry_safe,
                input,
                output,
                errors: action_errors(name, table, &common, &mut report),
                examples: Vec::new(),
                pagination: curated.and_then(|c| c.pagination.clone()),
            },
        );
    }
    if let Some(table) = table {
        error_table_coverage(api, table, &mut report);
    }

    let mut objects = objects;
    for (name, action) in &overlay.hand_written_actions {
        actions.insert(name.clone(), action.clone());
        report.hand_written += 1;
    }
    for (name, object) in &overlay.hand_written_objects {
        objects.insert(name.clone(), object.clone());
    }
    report.actions = actions.len();
    report.objects = objects.len();
    let endpoints = overlay
        .endpoints
        .clone()
        .unwrap_or_else(|| default_endpoints(&service));
    let spec = Spec {
        schema: Some(SCHEMA_REF.to_owned()),
        title: overlay.title.clone().unwrap_or_else(|| service.clone()),
        brief: api.metadata.api_brief.clone().flatten(),
        service,
        version,
        endpoints,
        common_errors: overlay.common_errors.clone(),
        actions,
        objects,
        waiters: overlay.waiters.clone(),
    };
    Ok((spec, report))
}

/// Converts the examples of one `examples.json` (named `file`) against `spec` and appends
/// them to their actions. An example equal to one an earlier file gave the action (same
/// request body, same answer: the other site's copy) is kept once; its title and document join
/// the kept one as the Chinese text when they differ. Examples of an action the spec does
/// not have are skipped and reported (`api` names the description that decides).
pub(crate) fn attach_examples(
    spec: &mut Spec,
    examples_json: &ExamplesJson,
    file: &str,
    api: &str,
    report: &mut Report,
) {
    if examples_json.version != report.format_version {
        report.notes.push(format!(
            "{api} has format version {:?}, {file} has {:?}",
            report.format_version, examples_json.version
        ));
    }
    let mut counts = ExampleCounts {
        file: file.to_owned(),
        ..ExampleCounts::default()
    };
    for (name, list) in &examples_json.actions {
        let Some(action) = spec.actions.get(name) else {
            for example in list {
                report.skipped.push(Skip {
                    action: name.clone(),
                    title: example.title.clone(),
                    kind: SkipKind::UnknownAction,
                    reason: format!("{api} has no action `{name}`"),
                });
                counts.skipped += 1;
            }
            continue;
        };
        let schema = Schema {
            action: name,
            version: &spec.version,
            input: &action.input,
            objects: &spec.objects,
        };
        let mut converted: Vec<Example> = Vec::new();
        for example in list {
            match examples::convert(example, &schema) {
                Ok(done) => {
                    report.notes.extend(
                        done.notes
                            .iter()
                            .map(|n| format!("{name} \"{}\": {n}", example.title)),
                    );
                    report.values_coerced += done.coerced;
                    converted.push(done.example);
                }
                Err(failure) => {
                    counts.skipped += 1;
                    report.skipped.push(Skip {
                        action: name.clone(),
                        title: example.title.clone(),
                        kind: failure.kind,
                        reason: failure.reason,
                    });
                }
            }
        }
        let Some(action) = spec.actions.get_mut(name) else {
            continue;
        };
        // Only another file's copy counts as the same example: two equal examples of one
        // file are both kept, as published.
        let earlier = action.examples.len();
        for example in converted {
            let same = action.examples[..earlier]
                .iter_mut()
                .find(|e| e.input == example.input && e.output == example.output);
            match same {
                Some(kept) => {
                    counts.duplicates += 1;
                    if kept.title_zh.is_none() && kept.title != example.title {
                        kept.title_zh = Some(example.title);
                    }
                    if kept.document_zh.is_none() && kept.document != example.document {
                        kept.document_zh = Some(example.document);
                    }
                }
                None => {
                    counts.converted += 1;
                    action.examples.push(example);
                }
            }
        }
    }
    report.examples_converted += counts.converted;
    report.examples_by_file.push(counts);
}

/// One `api.json` member as the spec writes it; `at` names it in notes.
fn member(m: &ApiMember, at: &str, report: &mut Report) -> Member {
    if let Some(flag) = m.required.filter(|f| f.from_integer) {
        report.notes.push(format!(
            "{at}: `required` is the integer {}, read as {}",
            u8::from(flag.value),
            flag.value
        ));
    }
    Member {
        name: m.name.clone(),
        kind: m.kind.clone(),
        member: m.member.clone(),
        required: m.required.is_some_and(|f| f.value),
        document: m.document.clone(),
        example: m.example.clone(),
        document_zh: None,
        example_zh: None,
        china_only: false,
        intl_only: false,
        disabled: m.disabled.unwrap_or(false),
        deprecated: false,
        value_allowed_null: m.value_allowed_null.unwrap_or(false),
        output_required: m.output_required.unwrap_or(false),
        sensitive: false,
    }
}

fn check_table_header(
    table: &ErrorTable,
    service: &str,
    version: &str,
    file: &str,
) -> anyhow::Result<()> {
    if table.service != service {
        anyhow::bail!(
            "{file}: /service: the table describes `{}`, api.json describes `{service}`",
            table.service
        );
    }
    if table.version != version {
        anyhow::bail!(
            "{file}: /version: the table describes version `{}`, api.json describes `{version}`",
            table.version
        );
    }
    Ok(())
}

fn check_overlay(api: &ApiJson, overlay: &Overlay, file: &str) -> anyhow::Result<()> {
    for name in overlay.hand_written_actions.keys() {
        if api.actions.contains_key(name) {
            anyhow::bail!(
                "{file}: {}: api.json already has action `{name}`; curate it under `actions` instead",
                child("/hand_written_actions", name)
            );
        }
    }
    for name in overlay.hand_written_objects.keys() {
        if api.objects.contains_key(name) {
            anyhow::bail!(
                "{file}: {}: api.json already has object `{name}`",
                child("/hand_written_objects", name)
            );
        }
    }
    for (name, entry) in &overlay.actions {
        let at = child("/actions", name);
        if !api.actions.contains_key(name) {
            anyhow::bail!("{file}: {at}: api.json has no action `{name}`");
        }
        if entry.rate_limit == Some(0) {
            anyhow::bail!(
                "{file}: {at}/rate_limit: a rate limit must be at least 1 request per second"
            );
        }
    }
    Ok(())
}

/// The objects actions use as request or response structure, with their users
/// (`Action input`/`Action output`); notes where one deviates from the `XRequest`/
/// `XResponse` boilerplate.
fn request_response_structures(
    api: &ApiJson,
    file: &str,
    report: &mut Report,
) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    let mut structures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, action) in &api.actions {
        for (side, object, suffix, what, what_cn) in [
            (
                "input",
                &action.input,
                "Request",
                "request",
                "请求参数结构体",
            ),
            (
                "output",
                &action.output,
                "Response",
                "response",
                "返回参数结构体",
            ),
        ] {
            let Some(entry) = api.objects.get(object) else {
                anyhow::bail!(
                    "{file}: {}: object `{object}` is not in /objects",
                    child(&child("/actions", name), side)
                );
            };
            if *object != format!("{name}{suffix}") {
                report.notes.push(format!(
                    "{name}: the {side} structure is `{object}`, not `{name}{suffix}`"
                ));
            }
            // The English descriptions' boilerplate, and the Chinese ones'.
            let boilerplate = format!("{name} {what} structure.");
            if entry.document != boilerplate && entry.document != format!("{name}{what_cn}") {
                report.notes.push(format!(
                    "{name}: the {side} structure `{object}` is documented {:?}, not {boilerplate:?} (that document is not in the spec)",
                    entry.document
                ));
            }
            structures
                .entry(object.clone())
                .or_default()
                .push(format!("{name} {side}"));
        }
    }
    for (object, users) in &structures {
        if users.len() > 1 {
            report.notes.push(format!(
                "`{object}` is the structure of {}",
                users.join(" and ")
            ));
        }
    }
    Ok(structures)
}

/// Every object but the inlined structures; a structure a member refers to stays (noted).
fn objects(
    api: &ApiJson,
    structures: &BTreeMap<String, Vec<String>>,
    report: &mut Report,
) -> BTreeMap<String, Object> {
    let mut referenced: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (owner, object) in &api.objects {
        for m in &object.members {
            if matches!(m.kind.as_str(), "object" | "list") && structures.contains_key(&m.member) {
                referenced
                    .entry(m.member.as_str())
                    .or_default()
                    .insert(format!("{owner}.{}", m.name));
            }
        }
    }
    for (object, users) in &referenced {
        report.notes.push(format!(
            "`{object}` is a request/response structure, but {} refers to it: kept in objects",
            users.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut out = BTreeMap::new();
    for (name, object) in &api.objects {
        if structures.contains_key(name) && !referenced.contains_key(name.as_str()) {
            continue;
        }
        let members = object
            .members
            .iter()
            .map(|m| member(m, &format!("{name}.{}", m.name), report))
            .collect();
        out.insert(
            name.clone(),
            Object {
                document: object.document.clone(),
                document_zh: None,
                china_only: false,
                intl_only: false,
                members,
                usage: object.usage.map(|u| u.as_str().to_owned()),
            },
        );
    }
    out
}

/// The action's codes from the table, described by the table or, for an empty
/// description of a common code, by the common code.
fn action_errors(
    action: &str,
    table: Option<&ErrorTable>,
    common: &BTreeMap<&str, &str>,
    report: &mut Report,
) -> Vec<ErrorCode> {
    let Some((table, codes)) = table.and_then(|t| Some((t, t.actions.get(action)?))) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for code in codes {
        if !seen.insert(code.as_str()) {
            report.notes.push(format!(
                "{action}: the error table lists `{code}` twice; kept once"
            ));
            continue;
        }
        let common_description = common.get(code.as_str());
        if common_description.is_some() {
            report.errors.common_pairs += 1;
            report.errors.common_codes.insert(code.clone());
        }
        let mut description = match table.descriptions.get(code) {
            Some(text) => text.clone(),
            None => {
                report.notes.push(format!(
                    "{action}: `{code}` has no entry in the table's descriptions"
                ));
                String::new()
            }
        };
        if description.is_empty() {
            let (list, text) = match common_description {
                Some(text) => (&mut report.errors.filled_from_common, (*text).to_owned()),
                None => (&mut report.errors.left_empty, String::new()),
            };
            list.entry(code.clone())
                .or_default()
                .push(action.to_owned());
            description = text;
        }
        out.push(ErrorCode {
            code: code.clone(),
            description,
            description_zh: None,
        });
    }
    report.errors.codes += out.len();
    out
}

fn error_table_coverage(api: &ApiJson, table: &ErrorTable, report: &mut Report) {
    report.errors.without_entry = api
        .actions
        .keys()
        .filter(|name| !table.actions.contains_key(*name))
        .cloned()
        .collect();
    report.errors.not_in_api = table
        .actions
        .keys()
        .filter(|name| !api.actions.contains_key(*name))
        .cloned()
        .collect();
    for (code, actions) in &report.errors.filled_from_common {
        report.notes.push(format!(
            "error code `{code}` has an empty description in the table; took the common code's (for {})",
            actions.join(", ")
        ));
    }
    for (code, actions) in &report.errors.left_empty {
        report.notes.push(format!(
            "error code `{code}` has an empty description in the table and is not a common code; left empty (for {})",
            actions.join(", ")
        ));
    }
}
