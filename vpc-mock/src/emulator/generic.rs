//! The generic handlers of the derived families ([`super::families`]): create, describe,
//! read, change and delete, written once for every family from what the spec says of
//! it. A family's own file adds only the rules no description holds.
//!
//! - **Create** fills a row from the request members named like the object's members
//!   (`HaVipName` → `HaVipName`; `Tags` → `TagSet`; `Services` → `ServiceSet`); the
//!   others get their defaults ([`super::shape`]), never the example's values; the ID
//!   is fresh, of the shape the examples show. A request holding a list of objects
//!   alike the family's (`CreateAddressTemplates`' `Templates`) creates a row per item.
//! - **Describe** lists by the `…Ids` member, the documented filters and the page.
//! - **Read** finds the named rows (all of the caller's, when none is named) and
//!   answers from them.
//! - **Change** sets exactly the members the request names on the named rows.
//! - **Delete** removes the named rows, unless a declared reference refuses it.
//!
//! Every verb first checks the request's references: an ID member of an emulated kind
//! (`VpcId`, `SubnetIds`) must name a row of the caller's, else the action's documented
//! not-found code. IDs of what the emulator cannot hold (other services' `InstanceId`,
//! another account's `PeerVpcId`) are accepted as they are.

use api_spec::ir::{Field, Type};
use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::families::{self, Families, Family, Verb};
use super::shape;
use super::world::World;
use crate::handler::ApiError;

/// Serves one call of a family's action.
///
/// # Errors
///
/// The action's documented code for a malformed or unknown ID, a refused delete, or a
/// bad listing.
pub(crate) fn serve(
    world: &mut World,
    cx: &Context<'_>,
    families: &Families,
    family: &Family,
    verb: Verb,
) -> Result<Map<String, Value>, ApiError> {
    // Two families may share an ID member (`AddressId` of `eip-` and `eipv6-`
    // addresses): the request's value tells which one it names.
    let family = sibling_named(cx, families, family).unwrap_or(family);
    check_references(world, cx, cx.params, families, family)?;
    match verb {
        Verb::Create => create(world, cx, families, family),
        Verb::Describe => describe(world, cx, family),
        Verb::Read => read(world, cx, family),
        Verb::Change => change(world, cx, family),
        Verb::Delete => delete(world, cx, family),
    }
}

/// The family sharing `family`'s ID member whose shape the request's value has, when
/// `family`'s own shape does not fit it.
fn sibling_named<'f>(
    cx: &Context<'_>,
    families: &'f Families,
    family: &Family,
) -> Option<&'f Family> {
    let id = family.kind.id;
    let value = cx.params.get(id).and_then(Value::as_str).or_else(|| {
        cx.params
            .get(&format!("{id}s"))
            .and_then(Value::as_array)
            .and_then(|items| items.first())
            .and_then(Value::as_str)
    })?;
    if family.shape.matches(value) {
        return None;
    }
    families
        .list
        .iter()
        .find(|f| f.kind.id == id && f.shape.matches(value))
}

/// Serves `cx`'s call with the generic `verb` of the family whose ID member is `id`:
/// for a family's own file, whose hand rules run before or after it.
///
/// # Errors
///
/// As [`serve`]; `InternalError` when the spec has no such family.
pub(crate) fn serve_as(
    world: &mut World,
    cx: &Context<'_>,
    id: &str,
    verb: Verb,
) -> Result<Map<String, Value>, ApiError> {
    let families = cx.spec.families;
    let family = families
        .list
        .iter()
        .find(|f| f.kind.id == id)
        .ok_or_else(|| ApiError::new("InternalError", format!("no family has the ID `{id}`")))?;
    serve(world, cx, families, family, verb)
}

/// The ID a create's answer gives (its member `id`, or the first of an ID list).
pub(crate) fn created_id(answer: &Map<String, Value>, id: &str) -> Option<String> {
    answer
        .get(id)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            answer.values().find_map(|v| match v {
                Value::Object(row) => text(row.get(id)).map(str::to_owned),
                Value::Array(items) => items
                    .iter()
                    .find_map(|i| text(i.get(id)).map(str::to_owned)),
                _ => None,
            })
        })
}

/// The request's IDs of other families must name rows of the caller's.
fn check_references(
    world: &mut World,
    cx: &Context<'_>,
    params: &Map<String, Value>,
    families: &Families,
    family: &Family,
) -> Result<(), ApiError> {
    for (member, value) in params {
        if member == family.kind.id || *member == format!("{}s", family.kind.id) {
            continue;
        }
        let single = member.strip_suffix('s').unwrap_or(member);
        let ids: Vec<&str> = match value {
            Value::String(s) if !s.is_empty() => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let region = world.region(&cx.scope);
        for id in ids {
            let Some(other) = families
                .by_id(member, id)
                .or_else(|| families.by_id(single, id).filter(|_| value.is_array()))
            else {
                continue;
            };
            // A reference to what the emulator cannot hold is accepted as it is (a
            // flow log's `ResourceId` is a VPC's, a subnet's or an ENI's, by its type).
            if other.barren {
                continue;
            }
            engine::check_id(member, id, &other.shape, &cx.action.codes)?;
            if region.get(other.kind, id).is_none() {
                return Err(not_found(cx, other, id));
            }
        }
    }
    Ok(())
}

/// The action's not-found code for a row of `family`: a documented `…NotFound` code
/// naming the family's noun, else any documented `…NotFound`, else `ResourceNotFound`.
pub(crate) fn not_found(cx: &Context<'_>, family: &Family, id: &str) -> ApiError {
    let documented: Vec<&str> = cx
        .action
        .action
        .errors
        .iter()
        .map(|e| e.code.as_str())
        .filter(|code| code.contains("NotFound") || code.contains("NotExist"))
        .collect();
    let lower: Vec<String> = family
        .nouns
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let mut candidates: Vec<&str> = documented
        .iter()
        .copied()
        .filter(|code| {
            let code = code.to_ascii_lowercase();
            lower.iter().any(|n| code.contains(n.as_str()))
        })
        .collect();
    candidates.extend(
        documented
            .iter()
            .copied()
            .filter(|c| c.starts_with("ResourceNotFound")),
    );
    candidates.extend(
        documented
            .iter()
            .copied()
            .filter(|c| c.starts_with("InvalidParameterValue")),
    );
    cx.not_found_as(&candidates, family.kind, id)
}

/// The IDs of the family's rows a request names, with the object each came in when it
/// came in a list of objects (`HaVipAssociationSet[].HaVipId`): its ID member or their
/// list, or a member [`families::names`] relates to it, at the top or inside the
/// request's objects. A value of another shape under a related name is another
/// family's (`GatewayId` of a VPN gateway, for the NAT family) and is passed over.
///
/// # Errors
///
/// A malformed value under the ID member itself (`InvalidParameterValue.Malformed`).
fn named_ids(cx: &Context<'_>, family: &Family) -> Result<Option<Vec<Named>>, ApiError> {
    let id = family.kind.id;
    let mut out: Vec<Named> = Vec::new();
    let mut push =
        |member: &str, value: &str, item: Option<&Map<String, Value>>| -> Result<(), ApiError> {
            let exact = member == id || member.strip_suffix('s') == Some(id);
            if exact {
                engine::check_id(member, value, &family.shape, &cx.action.codes)?;
            } else if !family.shape.matches(value) {
                return Ok(());
            }
            if !out.iter().any(|(v, _)| v == value) {
                out.push((value.to_owned(), item.cloned()));
            }
            Ok(())
        };
    for (member, value) in cx.params {
        match value {
            Value::String(text) if !text.is_empty() && families::names(member, id) => {
                push(member, text, None)?;
            }
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::String(text) if families::names(member, id) => {
                            push(member, text, None)?;
                        }
                        Value::Object(map) => {
                            for (inner, value) in map {
                                if let Value::String(text) = value
                                    && families::names(inner, id)
                                {
                                    push(inner, text, Some(map))?;
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Value::Object(map) => {
                for (inner, value) in map {
                    if let Value::String(text) = value
                        && families::names(inner, id)
                    {
                        push(inner, text, Some(map))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// The rows named, each required to exist.
fn named_rows(
    world: &mut World,
    cx: &Context<'_>,
    family: &Family,
    ids: &[Named],
) -> Result<Vec<Map<String, Value>>, ApiError> {
    let region = world.region(&cx.scope);
    ids.iter()
        .map(|(id, _)| {
            region
                .get(family.kind, id)
                .cloned()
                .ok_or_else(|| not_found(cx, family, id))
        })
        .collect()
}

/// An ID a request names, with the object it came in (if it came in a list of them).
type Named = (String, Option<Map<String, Value>>);

/// The object member a request member sets: the same name, `Tags` → `TagSet`,
/// `Services` → `ServiceSet`; else, for a name or a description, the one member that
/// ends with the request's or that the request's ends with (`EndPointServiceName` →
/// `ServiceName`, a batch item's `Name` → `RouteTableName`), if just one does.
fn member_for<'f>(family: &'f Family, param: &str) -> Option<&'f Field> {
    let fields = &family.object.fields;
    let single = param.strip_suffix('s').unwrap_or(param);
    fields
        .iter()
        .find(|f| f.wire_name == param)
        .or_else(|| {
            fields.iter().find(|f| {
                f.wire_name == format!("{param}Set") || f.wire_name == format!("{single}Set")
            })
        })
        .or_else(|| {
            let labelled = |name: &str| name.ends_with("Name") || name.ends_with("Description");
            if !labelled(param) {
                return None;
            }
            let mut alike = fields.iter().filter(|f| {
                labelled(&f.wire_name)
                    && f.ty == Type::String
                    && (param.ends_with(f.wire_name.as_str()) || f.wire_name.ends_with(param))
            });
            let one = alike.next()?;
            alike.next().is_none().then_some(one)
        })
}

/// How a change treats the members it names, from its action's verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Sets them (`Modify…`, `Create…`, `Replace…`, ...); lists of objects the row
    /// holds get the request's items added when the verb adds (`Add`, `Associate`).
    Set { adds: bool },
    /// Takes them away (`Disassociate…`, `Detach…`, `Delete…`, `Remove…`): scalars go
    /// back to their defaults, list items equal to the request's go.
    Clear,
}

impl Mode {
    fn of(action: &str) -> Self {
        const CLEARING: [&str; 7] = [
            "Disassociate",
            "Detach",
            "Unassign",
            "Unbind",
            "Delete",
            "Remove",
            "Release",
        ];
        const ADDING: [&str; 6] = ["Create", "Add", "Associate", "Attach", "Assign", "Allocate"];
        if CLEARING.iter().any(|v| action.starts_with(v)) {
            Self::Clear
        } else {
            Self::Set {
                adds: ADDING.iter().any(|v| action.starts_with(v)),
            }
        }
    }
}

/// Whether `item` has every member `given` has, with the same value.
fn same_item(item: &Value, given: &Value) -> bool {
    match (item, given) {
        (Value::Object(item), Value::Object(given)) => given
            .iter()
            .all(|(k, v)| item.get(k).is_none_or(|mine| same_item(mine, v))),
        (a, b) => a == b,
    }
}

/// Changes on `row` every member `params` name (but the ID), as `mode` says and as the
/// member's type declares it; a value that type cannot hold is left out. A list of
/// objects the row holds in a member of that object type (a NAT gateway's
/// `SourceIpTranslationNatRuleSet`) gets the request's items added, or loses the ones
/// equal to them, whatever the request member is named.
fn apply(
    row: &mut Map<String, Value>,
    params: &Map<String, Value>,
    family: &Family,
    cx: &Context<'_>,
    mode: Mode,
) -> Result<(), ApiError> {
    let service = crate::spec::shared_vpc_service().ok();
    for (param, value) in params {
        if families::names(param, family.kind.id) {
            continue;
        }
        if param == "Tags" && family.object.fields.iter().any(|f| f.wire_name == "TagSet") {
            let mut only = Map::new();
            only.insert("Tags".into(), value.clone());
            row.insert("TagSet".into(), engine::read_tags(&only, &cx.action.codes)?);
            continue;
        }
        // A collection the row holds, by the request member's object type.
        let item_type = cx
            .action
            .action
            .input
            .iter()
            .find(|f| f.wire_name == *param)
            .and_then(|f| match &f.ty {
                Type::List(inner) => match &**inner {
                    Type::Object(name, _) => Some(name.as_str()),
                    _ => None,
                },
                Type::Object(name, _) => Some(name.as_str()),
                _ => None,
            });
        if let Some(item_type) = item_type
            && let Some(holder) = family
                .object
                .fields
                .iter()
                .find(|f| families::holds(&f.ty, item_type))
        {
            let given: Vec<Value> = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            let list = row
                .entry(holder.wire_name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                match mode {
                    Mode::Clear => list.retain(|item| !given.iter().any(|g| same_item(item, g))),
                    Mode::Set { .. } => {
                        for item in given {
                            let Some(Value::Object(mut item)) = shape::coerce(
                                &item,
                                &Type::Object(item_type.to_owned(), String::new()),
                            ) else {
                                continue;
                            };
                            if let Some(object) = service.and_then(|s| s.object(item_type)) {
                                shape::complete(&mut item, &object.fields);
                            }
                            let item = Value::Object(item);
                            if !list.iter().any(|i| same_item(i, &item)) {
                                list.push(item);
                            }
                        }
                    }
                }
            }
            continue;
        }
        let Some(field) = member_for(family, param) else {
            continue;
        };
        if param.ends_with("Name")
            && let Some(name) = value.as_str()
            && !name.is_empty()
        {
            engine::check_name(param, name, &cx.action.codes)?;
        }
        match (mode, &field.ty) {
            (Mode::Clear, Type::List(_)) => {
                if let (Some(Value::Array(list)), Some(Value::Array(given))) = (
                    row.get_mut(&field.wire_name),
                    shape::coerce(value, &field.ty),
                ) {
                    list.retain(|item| !given.contains(item));
                }
            }
            (Mode::Clear, _) => {
                row.insert(field.wire_name.clone(), shape::default_of(field, 1));
            }
            (Mode::Set { adds: true }, Type::List(_)) => {
                if let Some(Value::Array(given)) = shape::coerce(value, &field.ty) {
                    let list = row
                        .entry(field.wire_name.clone())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        for item in given {
                            if !list.contains(&item) {
                                list.push(item);
                            }
                        }
                    }
                }
            }
            (Mode::Set { .. }, _) => {
                if let Some(value) = shape::coerce(value, &field.ty) {
                    row.insert(field.wire_name.clone(), value);
                }
            }
        }
    }
    Ok(())
}

/// The request's list of objects alike the family's (at least one shared member that
/// is not a tag), if it has one: the items a batch create makes a row of each.
fn batch<'p>(cx: &Context<'p>, family: &Family) -> Option<&'p Vec<Value>> {
    cx.action.action.input.iter().find_map(|input| {
        let Type::List(inner) = &input.ty else {
            return None;
        };
        let Type::Object(name, _) = &**inner else {
            return None;
        };
        let object = crate::spec::shared_vpc_service().ok()?.object(name)?;
        let shared = object
            .fields
            .iter()
            .filter(|f| f.wire_name != "Tags" && member_for(family, &f.wire_name).is_some())
            .count();
        (shared > 0).then(|| cx.params.get(&input.wire_name)?.as_array())?
    })
}

fn create(
    world: &mut World,
    cx: &Context<'_>,
    families: &Families,
    family: &Family,
) -> Result<Map<String, Value>, ApiError> {
    let mut rows = Vec::new();
    let items: Vec<Map<String, Value>> = match batch(cx, family) {
        Some(items) => items
            .iter()
            .filter_map(Value::as_object)
            .map(|item| {
                let mut merged = cx.params.clone();
                merged.extend(item.clone());
                merged
            })
            .collect(),
        None => vec![cx.params.clone()],
    };
    for params in &items {
        check_references(world, cx, params, families, family)?;
        let mut row = Map::new();
        for field in &family.object.fields {
            row.insert(field.wire_name.clone(), shape::default_of(field, 1));
        }
        apply(&mut row, params, family, cx, Mode::Set { adds: true })?;
        rows.push(row);
    }
    for row in &mut rows {
        let id = cx.fresh_id(world, family.kind);
        row.insert(family.kind.id.to_owned(), Value::from(id));
        world
            .region(&cx.scope)
            .table_mut(family.kind)
            .push(row.clone());
    }
    Ok(answer(cx, family, &rows))
}

fn describe(
    world: &mut World,
    cx: &Context<'_>,
    family: &Family,
) -> Result<Map<String, Value>, ApiError> {
    // A describe without an IDs member is listed by its filters and page alone.
    let ids = family.ids.as_deref().unwrap_or("");
    cx.describe(world.region(&cx.scope), family.kind, ids, &family.set)
}

fn read(
    world: &mut World,
    cx: &Context<'_>,
    family: &Family,
) -> Result<Map<String, Value>, ApiError> {
    let rows = match named_ids(cx, family)? {
        Some(ids) => named_rows(world, cx, family, &ids)?,
        None => world.region(&cx.scope).table(family.kind).rows().to_vec(),
    };
    let mut out = answer(cx, family, &rows);
    // Lists of objects the rows hold (a describe of route tables' routes): gathered
    // from every row read, filtered by the documented filters, paged.
    for field in &cx.action.action.output {
        let Type::List(inner) = &field.ty else {
            continue;
        };
        let Type::Object(item_type, _) = &**inner else {
            continue;
        };
        if out.contains_key(&field.wire_name) || *item_type == family.object.name {
            continue;
        }
        // Held by the rows (a route table's routes), or the rows themselves seen as
        // another type naming them by their ID (`DescribeTenantCcns`' `CcnInstanceInfo`).
        let holder = family
            .object
            .fields
            .iter()
            .find(|f| families::holds(&f.ty, item_type));
        let items: Vec<Map<String, Value>> = match holder {
            Some(holder) => rows
                .iter()
                .filter_map(|row| row.get(&holder.wire_name)?.as_array())
                .flatten()
                .filter_map(|item| item.as_object().cloned())
                .collect(),
            None => {
                let Some(view) = crate::spec::shared_vpc_service()
                    .ok()
                    .and_then(|s| s.object(item_type))
                    .filter(|o| families::views(o, family))
                else {
                    continue;
                };
                rows.iter()
                    .map(|row| {
                        view.fields
                            .iter()
                            .filter_map(|f| {
                                let value =
                                    row.get(&f.wire_name).filter(|v| shape::fits(v, &f.ty))?;
                                Some((f.wire_name.clone(), value.clone()))
                            })
                            .collect()
                    })
                    .collect()
            }
        };
        let codes = &cx.action.codes;
        let mut filters = engine::read_filters(cx.params, &cx.action.filters, codes)?;
        if let Some(first) = items.first() {
            for filter in &mut filters {
                filter.resolve(first);
            }
        }
        let kept = items
            .iter()
            .filter(|item| engine::matches(item, &filters, &cx.action.filters));
        let page = if cx.action.action.pagination.is_some() {
            engine::read_page(cx.params, cx.action.action, codes)?
        } else {
            engine::Page {
                offset: 0,
                limit: usize::MAX,
            }
        };
        let listed = engine::listing(kept, page, &field.wire_name);
        if let Some(total) = listed.get("TotalCount")
            && cx
                .action
                .action
                .output
                .iter()
                .any(|f| f.wire_name == "TotalCount")
        {
            out.insert("TotalCount".into(), total.clone());
        }
        if let Some(list) = listed.get(&field.wire_name) {
            out.insert(field.wire_name.clone(), list.clone());
        }
    }
    // Members the answer shares with the row (by name and type) come from it.
    if let Some(first) = rows.first() {
        for field in &cx.action.action.output {
            if out.contains_key(&field.wire_name) {
                continue;
            }
            if let Some(value) = first
                .get(&field.wire_name)
                .filter(|v| shape::fits(v, &field.ty))
            {
                out.insert(field.wire_name.clone(), value.clone());
            }
        }
    }
    if cx
        .action
        .action
        .output
        .iter()
        .any(|f| f.wire_name == "TotalCount")
        && !out.contains_key("TotalCount")
    {
        out.insert("TotalCount".into(), Value::from(rows.len()));
    }
    Ok(out)
}

fn change(
    world: &mut World,
    cx: &Context<'_>,
    family: &Family,
) -> Result<Map<String, Value>, ApiError> {
    let Some(ids) = named_ids(cx, family)? else {
        return Ok(answer(cx, family, &[]));
    };
    named_rows(world, cx, family, &ids)?;
    let mode = Mode::of(cx.name());
    // Check every value before changing anything.
    let mut probe = Map::new();
    apply(&mut probe, cx.params, family, cx, mode)?;
    let region = world.region(&cx.scope);
    let mut rows = Vec::new();
    for (id, item) in &ids {
        if let Some(row) = region.get_mut(family.kind, id) {
            // An ID that came in an object of a list changes its row by that object's
            // members (`ModifySnapshotPolicies`' items); one at the top, by the request's.
            apply(row, item.as_ref().unwrap_or(cx.params), family, cx, mode)?;
            rows.push(row.clone());
        }
    }
    Ok(answer(cx, family, &rows))
}

fn delete(
    world: &mut World,
    cx: &Context<'_>,
    family: &Family,
) -> Result<Map<String, Value>, ApiError> {
    let Some(ids) = named_ids(cx, family)? else {
        return Err(cx.error(
            &["MissingParameter"],
            format!("The parameter `{}` is missing.", family.kind.id),
        ));
    };
    let rows = named_rows(world, cx, family, &ids)?;
    let references = &cx.spec.references;
    let region = world.region(&cx.scope);
    for (id, _) in &ids {
        if let Some((blocker, count)) = region.blocker(family.kind, id, references) {
            return Err(cx.error(
                &["ResourceInUse"],
                format!(
                    "The {} `{id}` is in use by {count} {}(s): delete or detach them first.",
                    family.kind.noun, blocker.noun
                ),
            ));
        }
    }
    for (id, _) in &ids {
        region.remove(family.kind, id, references);
    }
    Ok(answer(cx, family, &rows))
}

/// The answer of an action over `rows`: the family's object, a list of them, the ID or
/// the list of IDs where the action's output declares them; the rest is completed from
/// the declared types by the emulator.
fn answer(cx: &Context<'_>, family: &Family, rows: &[Map<String, Value>]) -> Map<String, Value> {
    let id = family.kind.id;
    let ids: Vec<Value> = rows
        .iter()
        .filter_map(|row| text(row.get(id)).map(Value::from))
        .collect();
    let stem = id.strip_suffix("Id").unwrap_or(id);
    let mut out = Map::new();
    for field in &cx.action.action.output {
        let name = field.wire_name.as_str();
        let value = match &field.ty {
            Type::Object(object, _) if *object == family.object.name => {
                rows.first().cloned().map(Value::Object)
            }
            Type::List(inner) => match &**inner {
                Type::Object(object, _) if *object == family.object.name => Some(Value::Array(
                    rows.iter().cloned().map(Value::Object).collect(),
                )),
                Type::String
                    if name == format!("{id}s")
                        || name == format!("{id}Set")
                        || name == format!("{stem}IdSet")
                        || name == format!("{stem}Set")
                        || (name.ends_with("IdSet")
                            && family.nouns.iter().any(|n| name.contains(n.as_str()))) =>
                {
                    Some(Value::Array(ids.clone()))
                }
                _ => None,
            },
            Type::String if name == id => ids.first().cloned(),
            _ => None,
        };
        if let Some(value) = value {
            out.insert(name.to_owned(), value);
        }
    }
    out
}
