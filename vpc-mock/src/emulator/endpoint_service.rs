//! The endpoint service family's hand rules (issue 25): its allowlist. The family
//! itself (services, their listing, change and delete) is derived from the spec; no
//! description says that an allowlist entry is a row of its own, keyed by the service
//! and the user's UIN, so this file holds that.
//!
//! An entry is a `VpcEndPointServiceUser` row in the service owner's scope:
//! `CreateVpcEndPointServiceWhiteList` adds it (again for the same UIN: its description
//! is replaced, since no code is documented for a duplicate),
//! `ModifyVpcEndPointServiceWhiteList` changes its description,
//! `DeleteVpcEndPointServiceWhiteList` removes entries, and
//! `DescribeVpcEndPointServiceWhiteList` lists them by the documented filters
//! (`user-uin`, `end-point-service-id`) and page. Deleting the service removes its
//! entries. UINs are accounts the emulator does not hold (it knows accounts by key),
//! so a UIN of digits is accepted as existing.

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::families::Verb;
use super::generic;
use super::kinds::ENDPOINT_SERVICE_USER;
use super::world::World;
use super::{ActionFn, Resource};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateVpcEndPointServiceWhiteList", create as ActionFn),
        ("ModifyVpcEndPointServiceWhiteList", modify),
        ("DeleteVpcEndPointServiceWhiteList", delete),
        ("DescribeVpcEndPointServiceWhiteList", describe),
        ("DeleteVpcEndPointService", delete_service),
    ],
    kinds: &[&ENDPOINT_SERVICE_USER],
    references: &[],
};

const SERVICE: &str = "EndPointServiceId";

/// The request's `EndPointServiceId`, of a service of the caller's.
///
/// # Errors
///
/// `MissingParameter`, `InvalidParameterValue.Malformed`, or the action's not-found
/// code.
fn service<'a>(world: &mut World, cx: &'a Context<'_>) -> Result<&'a str, ApiError> {
    let id = engine::string_param(cx.params, SERVICE).ok_or_else(|| {
        cx.error(
            &["MissingParameter"],
            format!("The parameter `{SERVICE}` is missing."),
        )
    })?;
    let family = cx.spec.families.by_id(SERVICE, id).ok_or_else(|| {
        cx.error(
            &["InternalError"],
            "the spec has no endpoint service family",
        )
    })?;
    engine::check_id(SERVICE, id, &family.shape, &cx.action.codes)?;
    if world.region(&cx.scope).get(family.kind, id).is_none() {
        return Err(generic::not_found(cx, family, id));
    }
    Ok(id)
}

/// A UIN is digits ("UIN", e.g. `100020512675`), else `InvalidParameterValue.Malformed`.
fn check_uin(cx: &Context<'_>, uin: &str) -> Result<(), ApiError> {
    if !uin.is_empty() && uin.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(cx.error(
        &["InvalidParameterValue.Malformed"],
        format!("The UIN `{uin}` is malformed: expected digits."),
    ))
}

/// The UINs the request names (`UserUin`: one, or a list for the delete).
fn uins(cx: &Context<'_>) -> Result<Vec<String>, ApiError> {
    let uins: Vec<String> = match cx.params.get("UserUin") {
        Some(Value::String(uin)) => vec![uin.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    if uins.is_empty() {
        return Err(cx.error(&["MissingParameter"], "The parameter `UserUin` is missing."));
    }
    for uin in &uins {
        check_uin(cx, uin)?;
    }
    Ok(uins)
}

fn is_entry(row: &Map<String, Value>, service: &str, uin: &str) -> bool {
    text(row.get(SERVICE)) == Some(service) && text(row.get("UserUin")) == Some(uin)
}

/// `UnsupportedOperation.UinNotFound` unless the service allows `uin`, as the modify and
/// delete actions document.
fn find(world: &mut World, cx: &Context<'_>, service: &str, uin: &str) -> Result<(), ApiError> {
    let table = world.region(&cx.scope).table(&ENDPOINT_SERVICE_USER);
    if table.count(|row| is_entry(row, service, uin)) > 0 {
        return Ok(());
    }
    Err(cx.error(
        &["UnsupportedOperation.UinNotFound", "ResourceNotFound"],
        format!("The endpoint service `{service}` does not allow the UIN `{uin}`."),
    ))
}

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let service = service(world, cx)?;
    let uins = uins(cx)?;
    let description = engine::string_param(cx.params, "Description").unwrap_or_default();
    let table = world.region(&cx.scope).table_mut(&ENDPOINT_SERVICE_USER);
    for uin in uins {
        table.retain(|row| !is_entry(row, service, &uin));
        let mut row = Map::new();
        row.insert("UserUin".into(), Value::from(uin));
        row.insert("Description".into(), Value::from(description));
        row.insert("CreateTime".into(), Value::from(engine::created_time()));
        row.insert(SERVICE.into(), Value::from(service));
        table.push(row);
    }
    Ok(Map::new())
}

fn modify(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let service = service(world, cx)?;
    let uins = uins(cx)?;
    for uin in &uins {
        find(world, cx, service, uin)?;
    }
    if let Some(description) = engine::string_param(cx.params, "Description") {
        let table = world.region(&cx.scope).table_mut(&ENDPOINT_SERVICE_USER);
        for row in table.rows_mut() {
            if uins.iter().any(|uin| is_entry(row, service, uin)) {
                row.insert("Description".into(), Value::from(description));
            }
        }
    }
    Ok(Map::new())
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let service = service(world, cx)?;
    let uins = uins(cx)?;
    for uin in &uins {
        find(world, cx, service, uin)?;
    }
    world
        .region(&cx.scope)
        .table_mut(&ENDPOINT_SERVICE_USER)
        .retain(|row| !uins.iter().any(|uin| is_entry(row, service, uin)));
    Ok(Map::new())
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = world.region(&cx.scope);
    let rows = region.table(&ENDPOINT_SERVICE_USER).rows();
    // The answer carries the set under two names (`VpcEndpointServiceUserSet`, the
    // one the spec declares first, and `VpcEndPointServiceUserSet`): both are filled.
    let mut out = cx.list(rows, "VpcEndpointServiceUserSet", &[])?;
    if let Some(set) = out.get("VpcEndpointServiceUserSet").cloned() {
        out.insert("VpcEndPointServiceUserSet".into(), set);
    }
    Ok(out)
}

/// Rule: deleting a service removes its allowlist; else the generic delete.
fn delete_service(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let answer = generic::serve_as(world, cx, SERVICE, Verb::Delete)?;
    let id = engine::string_param(cx.params, SERVICE).unwrap_or_default();
    world
        .region(&cx.scope)
        .table_mut(&ENDPOINT_SERVICE_USER)
        .retain(|row| text(row.get(SERVICE)) != Some(id));
    Ok(answer)
}
