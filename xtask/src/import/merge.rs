//! Merging the international site's description into the deciding one (the China site's).
//!
//! The rule, stated once (and in `api-spec/sources/README.md`): **the deciding description
//! decides everything but text**: which actions, objects and members exist, their types,
//! flags, order, status and error codes. The international description gives **text**:
//! where it has the same action, object, member or error code, its English document,
//! title or example value becomes the spec's, and the deciding description's (Chinese)
//! text is kept beside it (`document_zh`, `title_zh`, `example_zh`, `description_zh`), so
//! both are in the spec. What the international description does not have is marked
//! `china_only`: an action or object, or a member of an action or object both have (the
//! members of a China-only action or object are not marked one by one). What only the
//! international description has is kept as it describes it and marked `intl_only` the
//! same way (the China site's description cannot decide about what it does not have). Every disagreement on anything but text is listed in the report, by kind.

use std::collections::{BTreeMap, BTreeSet};

use api_spec::model::{Action, ErrorCode, Member, Object, Spec};

use super::assemble::{self, FileNames as AssembleFiles};
use super::errors::ErrorTable;
use super::overlay::Overlay;
use super::report::{Disagreement, DisagreementKind, MergeStats, Report};
use super::tccli::ApiJson;

/// How the international files are named in messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileNames<'a> {
    /// Its `api.json`.
    pub(crate) api: &'a str,
    /// Its error table.
    pub(crate) errors: &'a str,
}

/// Folds the international description (`intl`, with its error table) into `spec`, which
/// was assembled from the deciding description.
///
/// # Errors
///
/// When the international files describe another service or API version, or do not
/// assemble on their own (a missing request/response structure).
pub(crate) fn merge(
    spec: &mut Spec,
    intl: &ApiJson,
    intl_table: &ErrorTable,
    overlay: &Overlay,
    files: FileNames<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let (service, version) = (
        &intl.metadata.service_short_name,
        &intl.metadata.api_version,
    );
    if *service != spec.service || *version != spec.version {
        anyhow::bail!(
            "{}: /metadata: the international description is of {service} {version}, the deciding one of {} {}",
            files.api,
            spec.service,
            spec.version
        );
    }
    if intl_table.service != spec.service || intl_table.version != spec.version {
        anyhow::bail!(
            "{}: /service: the table describes {} {}, api.json describes {} {}",
            files.errors,
            intl_table.service,
            intl_table.version,
            spec.service,
            spec.version
        );
    }
    // The international description on its own, without codes (the deciding table
    // decides them) or overlay (applied to the deciding description already).
    let (intl_spec, intl_report) = assemble::assemble(
        intl,
        None,
        &Overlay::default(),
        AssembleFiles {
            api: files.api,
            errors: None,
            overlay: None,
        },
    )?;
    report.notes.extend(
        intl_report
            .notes
            .into_iter()
            .map(|note| format!("{}: {note}", files.api)),
    );

    let mut stats = MergeStats::default();
    for (name, action) in &mut spec.actions {
        match intl_spec.actions.get(name) {
            Some(theirs) => merge_action(name, action, theirs, intl_table, &mut stats),
            None => {
                action.china_only = true;
                stats.china_only_actions.push(name.clone());
                // Its document, its title and every member's document.
                stats.texts_chinese_only += 2 + action.input.len() + action.output.len();
                describe_codes(&mut action.errors, intl_table, &mut stats);
            }
        }
    }
    for (name, object) in &mut spec.objects {
        match intl_spec.objects.get(name) {
            Some(theirs) => merge_object(name, object, theirs, &mut stats),
            None => {
                object.china_only = true;
                stats.china_only_objects.push(name.clone());
                stats.texts_chinese_only += 1 + object.members.len();
            }
        }
    }
    // What only the international description has is kept (both descriptions stay whole
    // in the spec), marked `intl_only`, and listed: the China site's description does
    // not decide about what it does not describe.
    for name in only_in(&intl_spec.actions, &spec.actions) {
        let Some(theirs) = intl_spec.actions.get(&name) else {
            continue;
        };
        let mut action = theirs.clone();
        action.intl_only = true;
        action.retry_safe = overlay
            .actions
            .get(&name)
            .and_then(|a| a.retry_safe)
            .unwrap_or_else(|| overlay.retry_safe.matching_prefix(&name).is_some());
        action.errors = intl_codes(&name, intl_table);
        stats.texts_english += 2 + action.input.len() + action.output.len();
        spec.actions.insert(name.clone(), action);
        stats
            .disagreements
            .push(only_in_intl(format!("action {name}")));
        stats.intl_only_actions.push(name);
    }
    for name in only_in(&intl_spec.objects, &spec.objects) {
        let Some(theirs) = intl_spec.objects.get(&name) else {
            continue;
        };
        let mut object = theirs.clone();
        object.intl_only = true;
        stats.texts_english += 1 + object.members.len();
        spec.objects.insert(name.clone(), object);
        stats
            .disagreements
            .push(only_in_intl(format!("object {name}")));
        stats.intl_only_objects.push(name);
    }
    report.merge = Some(stats);
    Ok(())
}

/// The disagreement of an item only the international description has.
fn only_in_intl(at: String) -> Disagreement {
    Disagreement {
        kind: DisagreementKind::OnlyInIntl,
        at,
        decided: "absent".to_owned(),
        intl: "present (kept, intl_only)".to_owned(),
    }
}

/// The codes the international table lists for an action only it describes, with its
/// (English) descriptions.
fn intl_codes(action: &str, intl_table: &ErrorTable) -> Vec<ErrorCode> {
    let mut seen = BTreeSet::new();
    intl_table
        .actions
        .get(action)
        .into_iter()
        .flatten()
        .filter(|code| seen.insert(code.as_str()))
        .map(|code| ErrorCode {
            code: code.clone(),
            description: intl_table
                .descriptions
                .get(code)
                .cloned()
                .unwrap_or_default(),
            description_zh: None,
        })
        .collect()
}

/// The names `theirs` has and `ours` does not.
fn only_in<T>(theirs: &BTreeMap<String, T>, ours: &BTreeMap<String, T>) -> Vec<String> {
    theirs
        .keys()
        .filter(|name| !ours.contains_key(*name))
        .cloned()
        .collect()
}

fn merge_action(
    name: &str,
    ours: &mut Action,
    theirs: &Action,
    intl_table: &ErrorTable,
    stats: &mut MergeStats,
) {
    take_text(
        &mut ours.document,
        &mut ours.document_zh,
        &theirs.document,
        stats,
    );
    if let Some(title) = &theirs.title {
        let mut chinese = ours.title.take().unwrap_or_default();
        let mut zh = None;
        take_text(&mut chinese, &mut zh, title, stats);
        ours.title = Some(chinese);
        ours.title_zh = zh;
    }
    for (what, decided, intl) in [
        (
            "status",
            format!("{:?}", ours.status),
            format!("{:?}", theirs.status),
        ),
        (
            "skip_sign",
            ours.skip_sign.to_string(),
            theirs.skip_sign.to_string(),
        ),
    ] {
        if decided != intl {
            stats.disagreements.push(Disagreement {
                kind: DisagreementKind::Attribute,
                at: format!("{name} {what}"),
                decided,
                intl,
            });
        }
    }
    merge_members(
        &format!("{name} input"),
        &mut ours.input,
        &theirs.input,
        true,
        stats,
    );
    merge_members(
        &format!("{name} output"),
        &mut ours.output,
        &theirs.output,
        false,
        stats,
    );
    describe_codes(&mut ours.errors, intl_table, stats);
    if let Some(codes) = intl_table.actions.get(name) {
        let decided: BTreeSet<String> = ours.errors.iter().map(|e| e.code.clone()).collect();
        let intl: BTreeSet<String> = codes.iter().cloned().collect();
        if decided != intl {
            let list = |set: BTreeSet<&String>| {
                set.into_iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            stats.disagreements.push(Disagreement {
                kind: DisagreementKind::ErrorCodes,
                at: format!("{name} errors"),
                decided: format!("also [{}]", list(decided.difference(&intl).collect())),
                intl: format!(
                    "also [{}] (kept)",
                    list(intl.difference(&decided).collect())
                ),
            });
        }
        // Codes only the international table lists are kept after the China site's, with
        // their English descriptions, like everything else only it describes.
        for code in intl_codes(name, intl_table) {
            if !decided.contains(&code.code) {
                stats.intl_only_codes += 1;
                ours.errors.push(code);
            }
        }
    }
}

/// Gives each code the international table's English description where it has one,
/// keeping the Chinese beside it.
fn describe_codes(codes: &mut [ErrorCode], intl_table: &ErrorTable, stats: &mut MergeStats) {
    for code in codes {
        let english = intl_table
            .descriptions
            .get(&code.code)
            .filter(|text| !text.trim().is_empty());
        match english {
            Some(english) => {
                stats.codes_english += 1;
                if *english != code.description && !code.description.is_empty() {
                    code.description_zh = Some(std::mem::take(&mut code.description));
                }
                code.description.clone_from(english);
            }
            None if code.description.is_empty() => stats.codes_undescribed += 1,
            None => stats.codes_chinese_only += 1,
        }
    }
}

fn merge_object(name: &str, ours: &mut Object, theirs: &Object, stats: &mut MergeStats) {
    take_text(
        &mut ours.document,
        &mut ours.document_zh,
        &theirs.document,
        stats,
    );
    if ours.usage != theirs.usage {
        stats.disagreements.push(Disagreement {
            kind: DisagreementKind::Attribute,
            at: format!("{name} usage"),
            decided: format!("{:?}", ours.usage),
            intl: format!("{:?}", theirs.usage),
        });
    }
    merge_members(name, &mut ours.members, &theirs.members, false, stats);
}

/// Merges the members of one structure: `at` names it, `input` says whether they are
/// an action's request members (counted apart).
fn merge_members(
    at: &str,
    ours: &mut Vec<Member>,
    theirs: &[Member],
    input: bool,
    stats: &mut MergeStats,
) {
    let by_name: BTreeMap<&str, &Member> = theirs.iter().map(|m| (m.name.as_str(), m)).collect();
    for member in ours.iter_mut() {
        let Some(their) = by_name.get(member.name.as_str()) else {
            member.china_only = true;
            stats.texts_chinese_only += 1;
            if input {
                stats.china_only_input_members += 1;
            } else {
                stats.china_only_other_members += 1;
            }
            continue;
        };
        let where_ = format!("{at} {}", member.name);
        take_text(
            &mut member.document,
            &mut member.document_zh,
            &their.document,
            stats,
        );
        if let Some(example) = &their.example
            && member.example.as_ref() != Some(example)
        {
            member.example_zh = member.example.replace(example.clone());
        }
        let pairs = [
            (
                DisagreementKind::Type,
                format!("{} of {}", member.kind, member.member),
                format!("{} of {}", their.kind, their.member),
            ),
            (
                DisagreementKind::Required,
                member.required.to_string(),
                their.required.to_string(),
            ),
            (
                DisagreementKind::Disabled,
                member.disabled.to_string(),
                their.disabled.to_string(),
            ),
            (
                DisagreementKind::ValueAllowedNull,
                member.value_allowed_null.to_string(),
                their.value_allowed_null.to_string(),
            ),
            (
                DisagreementKind::OutputRequired,
                member.output_required.to_string(),
                their.output_required.to_string(),
            ),
        ];
        for (kind, decided, intl) in pairs {
            if decided != intl {
                stats.disagreements.push(Disagreement {
                    kind,
                    at: where_.clone(),
                    decided,
                    intl,
                });
            }
        }
    }
    let names: BTreeSet<String> = ours.iter().map(|m| m.name.clone()).collect();
    let order = |list: &[Member], other: &dyn Fn(&str) -> bool| -> Vec<String> {
        list.iter()
            .map(|m| m.name.clone())
            .filter(|n| other(n))
            .collect()
    };
    let decided = order(ours, &|n| by_name.contains_key(n));
    let intl = order(theirs, &|n| names.contains(n));
    if decided != intl {
        stats.disagreements.push(Disagreement {
            kind: DisagreementKind::MemberOrder,
            at: at.to_owned(),
            decided: decided.join(", "),
            intl: intl.join(", "),
        });
    }
    // Members only the international description has follow the China site's, in its
    // order.
    for their in theirs {
        if !names.contains(&their.name) {
            let mut member = their.clone();
            member.intl_only = true;
            stats.intl_only_members += 1;
            stats.texts_english += 1;
            ours.push(member);
            stats
                .disagreements
                .push(only_in_intl(format!("{at} {}", their.name)));
        }
    }
}

/// The English `english` becomes `text` where it says something; the Chinese `text` moves
/// to `zh` when it differs.
fn take_text(text: &mut String, zh: &mut Option<String>, english: &str, stats: &mut MergeStats) {
    if english.trim().is_empty() {
        stats.texts_chinese_only += 1;
        return;
    }
    stats.texts_english += 1;
    if text != english {
        let chinese = std::mem::replace(text, english.to_owned());
        if !chinese.is_empty() {
            *zh = Some(chinese);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, required: bool, document: &str) -> Member {
        Member {
            name: name.into(),
            kind: "string".into(),
            member: "string".into(),
            required,
            document: document.into(),
            example: None,
            document_zh: None,
            example_zh: None,
            china_only: false,
            intl_only: false,
            disabled: false,
            deprecated: false,
            value_allowed_null: false,
            output_required: false,
            sensitive: false,
        }
    }

    #[test]
    fn english_text_wins_chinese_is_kept_flags_follow_the_deciding_description() {
        let mut ours = vec![
            member("B", false, "乙"),
            member("A", true, "甲"),
            member("C", false, "丙"),
        ];
        let theirs = vec![
            member("A", false, "a"),
            member("B", false, "b"),
            member("D", false, "d"),
        ];
        let mut stats = MergeStats::default();
        merge_members("X input", &mut ours, &theirs, true, &mut stats);
        assert_eq!(ours[1].document, "a");
        assert_eq!(ours[1].document_zh.as_deref(), Some("甲"));
        assert!(ours[1].required, "the deciding description's flag stays");
        assert!(ours[2].china_only && !ours[0].china_only);
        assert_eq!(ours[2].document, "丙");
        assert_eq!(stats.china_only_input_members, 1);
        let kinds: Vec<_> = stats.disagreements.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DisagreementKind::Required,
                DisagreementKind::MemberOrder,
                DisagreementKind::OnlyInIntl
            ]
        );
        assert_eq!(stats.disagreements[0].at, "X input A");
        assert_eq!(stats.disagreements[1].decided, "B, A");
        assert_eq!(stats.disagreements[1].intl, "A, B");
        // What only the international description has is kept after the rest, marked.
        assert_eq!(ours.len(), 4);
        assert!(ours[3].intl_only && ours[3].name == "D" && ours[3].document == "d");
        assert_eq!(stats.intl_only_members, 1);
    }

    #[test]
    fn an_empty_english_text_keeps_the_chinese_one() {
        let (mut text, mut zh) = ("中文".to_owned(), None);
        let mut stats = MergeStats::default();
        take_text(&mut text, &mut zh, "  ", &mut stats);
        assert_eq!((text.as_str(), zh.as_deref()), ("中文", None));
        take_text(&mut text, &mut zh, "English", &mut stats);
        assert_eq!((text.as_str(), zh.as_deref()), ("English", Some("中文")));
        assert_eq!((stats.texts_english, stats.texts_chinese_only), (1, 1));
    }

    #[test]
    fn codes_take_the_english_description_where_the_table_has_one() {
        let mut table = ErrorTable::empty("vpc", "2017-03-12");
        table
            .descriptions
            .insert("ResourceNotFound".into(), "Not found.".into());
        table.descriptions.insert("Empty".into(), String::new());
        let code = |c: &str, d: &str| ErrorCode {
            code: c.into(),
            description: d.into(),
            description_zh: None,
        };
        let mut codes = vec![
            code("ResourceNotFound", "资源不存在。"),
            code("Empty", "空。"),
            code("Neither", ""),
        ];
        let mut stats = MergeStats::default();
        describe_codes(&mut codes, &table, &mut stats);
        assert_eq!(codes[0].description, "Not found.");
        assert_eq!(codes[0].description_zh.as_deref(), Some("资源不存在。"));
        assert_eq!(codes[1].description, "空。");
        assert_eq!(
            (
                stats.codes_english,
                stats.codes_chinese_only,
                stats.codes_undescribed
            ),
            (1, 1, 1)
        );
    }
}
