//! The CCN family's hand rules (issue 25). The family itself (CCNs, their listing,
//! rename and delete) is derived from the spec; this file holds what no description
//! says: instances attached to a CCN, with the owner's approval when they are another
//! account's, and a CCN with instances is not deleted.
//!
//! An attachment is a `CcnAttachedInstance` row in the CCN owner's scope. Attaching the
//! caller's own instance to the caller's own CCN makes it `ACTIVE` at once; attaching
//! to another account's CCN (`CcnUin` given: the CCN is found in any account's scope of
//! the region, since the emulator knows accounts by key, not by UIN) makes it `PENDING`
//! until that account's `AcceptAttachCcnInstances` (`ACTIVE`) or
//! `RejectAttachCcnInstances` (`REJECTED`).
//!
//! A route table selection policy (`ModifyRouteTableSelectionPolicies`) sends what an
//! attached instance's source CIDR block sends to one of the CCN's route tables: a
//! `CcnRouteTableSelectPolicy` row in the owner's scope, one per instance and source
//! block, listed by `DescribeRouteTableSelectionPolicies` with the route table's and the
//! instance's names as they are when listed. `ClearRouteTableSelectionPolicies` removes
//! a CCN's; detaching an instance removes its own.
//!
//! A CCN's routes (`CcnRoute` rows of the derived `RouteId` family, in the owner's
//! scope) are learned from its active attachments, one per CIDR block of an attached
//! VPC, and go when it is detached. A route whose block overlaps an enabled route of
//! the CCN is learned disabled, and enabling it is refused: "If there is a conflict,
//! the route will not be enabled" (EnableCcnRoutes).
//!
//! The account holds at most [`CCNS_PER_ACCOUNT`] CCNs, in every region together.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::{self, Scope, text};
use super::families::Verb;
use super::generic;
use super::kinds::{CCN_ATTACHMENT, CCN_SELECTION_POLICY, VPC};
use super::quotas::{CCNS_PER_ACCOUNT, ccns};
use super::world::World;
use super::{ActionFn, Resource};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("AttachCcnInstances", attach as ActionFn),
        ("AcceptAttachCcnInstances", accept),
        ("RejectAttachCcnInstances", reject),
        ("DetachCcnInstances", detach),
        ("DescribeCcnAttachedInstances", describe),
        ("DescribeRouteTableAssociatedInstances", associated),
        ("DeleteCcn", delete),
        ("CreateCcn", create),
        ("ModifyRouteTableSelectionPolicies", select),
        ("ClearRouteTableSelectionPolicies", clear),
        ("DescribeRouteTableSelectionPolicies", selections),
        ("DescribeCcnRoutes", routes),
        ("EnableCcnRoutes", enable_routes),
        ("DisableCcnRoutes", disable_routes),
    ],
    kinds: &[&CCN_ATTACHMENT, &CCN_SELECTION_POLICY],
    references: &[],
};

const CCN: &str = "CcnId";

/// The scope holding the CCN `id`: the caller's, or with `CcnUin`, any account's in
/// the caller's region.
fn owner(world: &mut World, cx: &Context<'_>, id: &str, cross: bool) -> Option<Scope> {
    let family = cx.spec.families.by_id(CCN, id)?;
    if world.region(&cx.scope).get(family.kind, id).is_some() {
        return Some(cx.scope.clone());
    }
    if !cross {
        return None;
    }
    world
        .scopes
        .iter()
        .find(|(scope, region)| {
            scope.region == cx.scope.region && region.get(family.kind, id).is_some()
        })
        .map(|(scope, _)| scope.clone())
}

fn ccn_id<'a>(cx: &'a Context<'_>) -> Result<&'a str, ApiError> {
    let id = engine::string_param(cx.params, CCN).unwrap_or_default();
    let family = cx
        .spec
        .families
        .by_id(CCN, id)
        .ok_or_else(|| cx.error(&["InternalError"], "the spec has no CCN family"))?;
    engine::check_id(CCN, id, &family.shape, &cx.action.codes)?;
    Ok(id)
}

fn not_found(cx: &Context<'_>, id: &str) -> ApiError {
    cx.error(
        &["ResourceNotFound"],
        format!(
            "The CCN `{id}` does not exist in region `{}`.",
            cx.scope.region
        ),
    )
}

fn instances<'a>(cx: &'a Context<'_>) -> Vec<&'a Map<String, Value>> {
    cx.params
        .get("Instances")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect()
}

/// Rules: a VPC instance of the caller's must exist (`ResourceNotFound`); an instance
/// attached to a CCN already is `UnsupportedOperation.CcnAttached`, as
/// AttachCcnInstances documents; the attachment is `ACTIVE`, or `PENDING` on another
/// account's CCN.
fn attach(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    let cross = engine::string_param(cx.params, "CcnUin").is_some_and(|u| !u.is_empty());
    let owner = owner(world, cx, id, cross).ok_or_else(|| not_found(cx, id))?;
    let pending = owner != cx.scope;
    let mut rows = Vec::new();
    for instance in instances(cx) {
        let instance_id = text(instance.get("InstanceId")).unwrap_or_default();
        let kind = text(instance.get("InstanceType")).unwrap_or("VPC");
        let mut block = String::new();
        if kind == "VPC" {
            engine::check_id("InstanceId", instance_id, cx.shape(&VPC), &cx.action.codes)?;
            let vpc = world
                .region(&cx.scope)
                .get(&VPC, instance_id)
                .ok_or_else(|| cx.not_found(&VPC, instance_id))?;
            block = text(vpc.get("CidrBlock")).unwrap_or_default().to_owned();
        }
        let attached = world
            .scopes
            .values()
            .any(|region| region.get(&CCN_ATTACHMENT, instance_id).is_some())
            || rows
                .iter()
                .any(|r: &Map<String, Value>| text(r.get("InstanceId")) == Some(instance_id));
        if attached {
            return Err(cx.error(
                &["UnsupportedOperation.CcnAttached"],
                format!("The instance `{instance_id}` is attached to a CCN already."),
            ));
        }
        let mut row = Map::new();
        row.insert("CcnId".into(), Value::from(id));
        row.insert("InstanceType".into(), Value::from(kind));
        row.insert("InstanceId".into(), Value::from(instance_id));
        row.insert(
            "InstanceRegion".into(),
            Value::from(text(instance.get("InstanceRegion")).unwrap_or(&cx.scope.region)),
        );
        row.insert("CidrBlock".into(), Value::Array(vec![Value::from(block)]));
        row.insert(
            "State".into(),
            Value::from(if pending { "PENDING" } else { "ACTIVE" }),
        );
        row.insert("AttachedTime".into(), Value::from(engine::created_time()));
        row.insert("InstanceUin".into(), Value::from(cx.scope.account.as_str()));
        for member in ["Description", "RouteTableId"] {
            if let Some(value) = instance.get(member) {
                row.insert(member.into(), value.clone());
            }
        }
        rows.push(row);
    }
    let active: Vec<Map<String, Value>> = if pending { Vec::new() } else { rows.clone() };
    let table = world.region(&owner).table_mut(&CCN_ATTACHMENT);
    for row in rows {
        table.push(row);
    }
    for row in &active {
        learn(world, cx, row);
    }
    Ok(Map::new())
}

fn accept(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    decide(world, cx, "ACTIVE")
}

fn reject(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    decide(world, cx, "REJECTED")
}

/// Rule: the CCN's owner accepts or rejects a `PENDING` attachment; one not attached is
/// `UnsupportedOperation.CcnNotAttached`, one not pending
/// `UnsupportedOperation.NotPendingCcnInstance`, as both actions document.
fn decide(
    world: &mut World,
    cx: &Context<'_>,
    state: &str,
) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    owner(world, cx, id, false).ok_or_else(|| not_found(cx, id))?;
    let wanted: Vec<String> = instances(cx)
        .iter()
        .filter_map(|i| text(i.get("InstanceId")).map(str::to_owned))
        .collect();
    let region = world.region(&cx.scope);
    for instance in &wanted {
        let row = region
            .get(&CCN_ATTACHMENT, instance)
            .filter(|row| text(row.get("CcnId")) == Some(id))
            .ok_or_else(|| {
                cx.error(
                    &["UnsupportedOperation.CcnNotAttached"],
                    format!("The instance `{instance}` is not attached to `{id}`."),
                )
            })?;
        if text(row.get("State")) != Some("PENDING") {
            return Err(cx.error(
                &["UnsupportedOperation.NotPendingCcnInstance"],
                format!("The attachment of `{instance}` is not PENDING."),
            ));
        }
    }
    let mut decided = Vec::new();
    for instance in &wanted {
        if let Some(row) = region.get_mut(&CCN_ATTACHMENT, instance) {
            row.insert("State".into(), Value::from(state));
            decided.push(row.clone());
        }
    }
    if state == "ACTIVE" {
        for row in &decided {
            learn(world, cx, row);
        }
    }
    Ok(Map::new())
}

/// Rule: only an attached instance is detached (`UnsupportedOperation.CcnNotAttached`).
fn detach(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    let owner = owner(world, cx, id, true).ok_or_else(|| not_found(cx, id))?;
    let wanted: Vec<String> = instances(cx)
        .iter()
        .filter_map(|i| text(i.get("InstanceId")).map(str::to_owned))
        .collect();
    let region = world.region(&owner);
    for instance in &wanted {
        if region
            .get(&CCN_ATTACHMENT, instance)
            .is_none_or(|row| text(row.get("CcnId")) != Some(id))
        {
            return Err(cx.error(
                &["UnsupportedOperation.CcnNotAttached"],
                format!("The instance `{instance}` is not attached to `{id}`."),
            ));
        }
    }
    for instance in &wanted {
        region.remove(&CCN_ATTACHMENT, instance, &[]);
    }
    // The instances' selection policies and learned routes go with them.
    let theirs = |row: &Map<String, Value>| {
        text(row.get("CcnId")) == Some(id)
            && wanted
                .iter()
                .any(|i| text(row.get("InstanceId")) == Some(i))
    };
    region
        .table_mut(&CCN_SELECTION_POLICY)
        .retain(|row| !theirs(row));
    if let Some(family) = routes_family(cx) {
        region.table_mut(family.kind).retain(|row| !theirs(row));
    }
    Ok(Map::new())
}

/// The attachments of the caller's CCNs (all, or `CcnId`'s), by the documented filters
/// and page.
fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let only = engine::string_param(cx.params, CCN).filter(|s| !s.is_empty());
    let region = world.region(&cx.scope);
    let rows: Vec<Map<String, Value>> = region
        .table(&CCN_ATTACHMENT)
        .rows()
        .iter()
        .filter(|row| only.is_none_or(|id| text(row.get("CcnId")) == Some(id)))
        .cloned()
        .collect();
    cx.list(&rows, "InstanceSet", &[])
}

/// The attachments as `InstanceBind`s (the instances bound to CCN route tables).
fn associated(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let rows: Vec<Map<String, Value>> = world
        .region(&cx.scope)
        .table(&CCN_ATTACHMENT)
        .rows()
        .iter()
        .map(|row| {
            let mut bind = row.clone();
            if let Some(time) = bind.remove("AttachedTime") {
                bind.insert("InstanceBindTime".into(), time);
            }
            bind
        })
        .collect();
    cx.list(&rows, "InstanceBindSet", &[])
}

/// Rule: a CCN with attached instances is not deleted
/// (`UnsupportedOperation.ExistCcnInstancesNotSupportDeleteCcn`, as DeleteCcn documents
/// it); else the generic delete.
fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    let attached = world
        .region(&cx.scope)
        .table(&CCN_ATTACHMENT)
        .count(|row| text(row.get("CcnId")) == Some(id));
    if attached > 0 {
        return Err(cx.error(
            &[
                "UnsupportedOperation.ExistCcnInstancesNotSupportDeleteCcn",
                "ResourceInUse",
            ],
            format!("The CCN `{id}` has {attached} attached instance(s): detach them first."),
        ));
    }
    generic::serve_as(world, cx, CCN, Verb::Delete)
}

/// Rule (quota): at most [`CCNS_PER_ACCOUNT`] CCNs per account, in every region
/// (`LimitExceeded`, as CreateCcn documents it); else the generic create.
fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let quota = world.quotas.get(CCNS_PER_ACCOUNT);
    let held = ccns(world, cx) as u64;
    if held >= quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!("The quota of {quota} CCNs per account is reached: {held} held."),
        ));
    }
    generic::serve_as(world, cx, CCN, Verb::Create)
}

/// The CCN route table `id` of the CCN `ccn` in `scope`, if it exists.
fn route_table<'w>(
    world: &'w mut World,
    cx: &Context<'_>,
    scope: &Scope,
    ccn: &str,
    id: &str,
) -> Option<&'w Map<String, Value>> {
    let family = cx.spec.families.by_id("CcnRouteTableId", id)?;
    world
        .region(scope)
        .get(family.kind, id)
        .filter(|row| text(row.get("CcnId")) == Some(ccn))
}

/// `ModifyRouteTableSelectionPolicies`. Rules, each a code the action documents: the
/// CCN is the caller's (`ResourceNotFound`); each policy's route table is one of the
/// CCN's (`UnsupportedOperation.CcnRouteTableNotExist`), its instance is attached to the
/// CCN (`UnsupportedOperation.InstanceNotExist`), its source block is a CIDR block
/// (`InvalidParameterValue.Malformed`), and one request names an instance and source
/// block once (`UnsupportedOperation.NotSupportSameCcnInstanceAndSourceAddress`). A
/// policy replaces the one of its instance and source block.
fn select(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    owner(world, cx, id, false).ok_or_else(|| not_found(cx, id))?;
    let policies: Vec<&Map<String, Value>> = cx
        .params
        .get("SelectionPolicies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for policy in policies {
        let member = |name: &str| text(policy.get(name)).unwrap_or_default();
        let (table, instance, block) = (
            member("RouteTableId"),
            member("InstanceId"),
            member("SourceCidrBlock"),
        );
        if route_table(world, cx, &cx.scope, id, table).is_none() {
            return Err(cx.error(
                &["UnsupportedOperation.CcnRouteTableNotExist"],
                format!("The CCN `{id}` has no route table `{table}`."),
            ));
        }
        let attached = world
            .region(&cx.scope)
            .get(&CCN_ATTACHMENT, instance)
            .is_some_and(|row| text(row.get("CcnId")) == Some(id));
        if !attached {
            return Err(cx.error(
                &["UnsupportedOperation.InstanceNotExist"],
                format!("The instance `{instance}` is not attached to `{id}`."),
            ));
        }
        if Cidr::parse(block).is_none() {
            return Err(cx.error(
                &["InvalidParameterValue.Malformed"],
                format!("The `SourceCidrBlock` `{block}` is not a CIDR block."),
            ));
        }
        let same = |row: &Map<String, Value>| {
            text(row.get("InstanceId")) == Some(instance)
                && text(row.get("SourceCidrBlock")) == Some(block)
        };
        if rows.iter().any(same) {
            return Err(cx.error(
                &["UnsupportedOperation.NotSupportSameCcnInstanceAndSourceAddress"],
                format!("The instance `{instance}` and source block `{block}` are named twice."),
            ));
        }
        let mut row = Map::new();
        row.insert("CcnId".into(), Value::from(id));
        row.insert("RouteTableId".into(), Value::from(table));
        row.insert(
            "InstanceType".into(),
            Value::from(text(policy.get("InstanceType")).unwrap_or("VPC")),
        );
        row.insert("InstanceId".into(), Value::from(instance));
        row.insert("SourceCidrBlock".into(), Value::from(block));
        row.insert("Description".into(), Value::from(member("Description")));
        rows.push(row);
    }
    let table = world.region(&cx.scope).table_mut(&CCN_SELECTION_POLICY);
    table.retain(|old| {
        text(old.get("CcnId")) != Some(id)
            || !rows.iter().any(|new| {
                new.get("InstanceId") == old.get("InstanceId")
                    && new.get("SourceCidrBlock") == old.get("SourceCidrBlock")
            })
    });
    for row in rows {
        table.push(row);
    }
    Ok(Map::new())
}

/// `ClearRouteTableSelectionPolicies`: the CCN's policies go (the CCN is the caller's,
/// else `ResourceNotFound`).
fn clear(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    owner(world, cx, id, false).ok_or_else(|| not_found(cx, id))?;
    world
        .region(&cx.scope)
        .table_mut(&CCN_SELECTION_POLICY)
        .retain(|row| text(row.get("CcnId")) != Some(id));
    Ok(Map::new())
}

/// `DescribeRouteTableSelectionPolicies`: the caller's policies as
/// `RouteSelectionPolicy`s, with the route table's name and the instance's (a VPC's
/// `VpcName`) as they are now, by the documented filters and page. A policy whose route
/// table is gone is not listed.
fn selections(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let scope = cx.scope.clone();
    let policies: Vec<Map<String, Value>> = world
        .region(&scope)
        .table(&CCN_SELECTION_POLICY)
        .rows()
        .to_vec();
    let mut rows = Vec::new();
    for mut row in policies {
        let ccn = text(row.get("CcnId")).unwrap_or_default().to_owned();
        let table = text(row.get("RouteTableId")).unwrap_or_default().to_owned();
        let Some(name) = route_table(world, cx, &scope, &ccn, &table)
            .map(|t| text(t.get("RouteTableName")).unwrap_or_default().to_owned())
        else {
            continue;
        };
        row.insert("RouteTableName".into(), Value::from(name));
        let instance = text(row.get("InstanceId")).unwrap_or_default().to_owned();
        let instance_name = world
            .region(&scope)
            .get(&VPC, &instance)
            .and_then(|vpc| text(vpc.get("VpcName")))
            .unwrap_or_default()
            .to_owned();
        row.insert("InstanceName".into(), Value::from(instance_name));
        row.insert("InstanceUin".into(), Value::from(scope.account.as_str()));
        rows.push(row);
    }
    // "ccn-route-table-id - 路由表ID" names the policy's `RouteTableId`.
    cx.list(
        &rows,
        "RouteSelectionPolicySet",
        &[("ccn-route-table-id", "RouteTableId")],
    )
}

/// The derived family of CCN routes (`DescribeCcnRoutes`' `RouteId`, `ccnr-`).
fn routes_family<'s>(cx: &'s Context<'_>) -> Option<&'s super::families::Family> {
    cx.spec
        .families
        .list
        .iter()
        .find(|f| f.kind.id == "RouteId" && f.describe == "DescribeCcnRoutes")
}

/// Learns the routes of an active attachment `row`: one per CIDR block of the instance,
/// enabled unless an enabled route of the CCN overlaps it.
fn learn(world: &mut World, cx: &Context<'_>, row: &Map<String, Value>) {
    let Some(family) = routes_family(cx) else {
        return;
    };
    let ccn = text(row.get("CcnId")).unwrap_or_default().to_owned();
    let instance = text(row.get("InstanceId")).unwrap_or_default().to_owned();
    let name = world
        .region(&cx.scope)
        .get(&VPC, &instance)
        .and_then(|vpc| text(vpc.get("VpcName")))
        .unwrap_or_default()
        .to_owned();
    let blocks: Vec<Cidr> = row
        .get("CidrBlock")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| text(Some(b)).and_then(Cidr::parse))
        .collect();
    for block in blocks {
        let enabled_overlap = world
            .region(&cx.scope)
            .table(family.kind)
            .rows()
            .iter()
            .filter(|r| text(r.get("CcnId")) == Some(ccn.as_str()))
            .filter(|r| r.get("Enabled").and_then(Value::as_bool).unwrap_or(false))
            .filter_map(|r| text(r.get("DestinationCidrBlock")).and_then(Cidr::parse))
            .any(|other| other.overlaps(block));
        let id = cx.fresh_id(world, family.kind);
        let mut route = Map::new();
        route.insert("RouteId".into(), Value::from(id));
        route.insert("CcnId".into(), Value::from(ccn.as_str()));
        route.insert(
            "DestinationCidrBlock".into(),
            Value::from(block.to_string()),
        );
        for member in [
            "InstanceType",
            "InstanceId",
            "InstanceRegion",
            "InstanceUin",
        ] {
            if let Some(value) = row.get(member) {
                route.insert(member.into(), value.clone());
            }
        }
        route.insert("InstanceName".into(), Value::from(name.as_str()));
        route.insert("UpdateTime".into(), Value::from(engine::created_time()));
        route.insert("Enabled".into(), Value::Bool(!enabled_overlap));
        route.insert("ExtraState".into(), Value::from("Running"));
        route.insert(
            "RouteTableId".into(),
            row.get("RouteTableId")
                .cloned()
                .unwrap_or_else(|| Value::from("")),
        );
        world.region(&cx.scope).table_mut(family.kind).push(route);
    }
}

/// The CCN's routes, without the `CcnId` the rows keep for it.
fn routes_of(world: &mut World, cx: &Context<'_>, ccn: &str) -> Vec<Map<String, Value>> {
    let Some(family) = routes_family(cx) else {
        return Vec::new();
    };
    world
        .region(&cx.scope)
        .table(family.kind)
        .rows()
        .iter()
        .filter(|r| text(r.get("CcnId")) == Some(ccn))
        .map(|r| {
            let mut r = r.clone();
            r.remove("CcnId");
            r
        })
        .collect()
}

/// The `RouteIds` of a request.
fn route_ids(cx: &Context<'_>) -> Vec<String> {
    cx.params
        .get("RouteIds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| text(Some(v)).map(str::to_owned))
        .collect()
}

/// `DescribeCcnRoutes`: the CCN's routes (the CCN is the caller's, else
/// `ResourceNotFound`), by `RouteIds`, the documented filters and the page.
fn routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    owner(world, cx, id, false).ok_or_else(|| not_found(cx, id))?;
    let ids = route_ids(cx);
    let rows: Vec<Map<String, Value>> = routes_of(world, cx, id)
        .into_iter()
        .filter(|r| ids.is_empty() || ids.iter().any(|i| text(r.get("RouteId")) == Some(i)))
        .collect();
    cx.list(&rows, "RouteSet", &[("cidr-block", "DestinationCidrBlock")])
}

fn enable_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    switch_routes(world, cx, true)
}

fn disable_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    switch_routes(world, cx, false)
}

/// `EnableCcnRoutes` and `DisableCcnRoutes`: each route is the CCN's
/// (`ResourceNotFound`); a route is not enabled over an enabled one whose block
/// overlaps its own (`UnsupportedOperation.CcnRouteCidrOverlap`).
fn switch_routes(
    world: &mut World,
    cx: &Context<'_>,
    on: bool,
) -> Result<Map<String, Value>, ApiError> {
    let id = ccn_id(cx)?;
    owner(world, cx, id, false).ok_or_else(|| not_found(cx, id))?;
    let family = routes_family(cx)
        .ok_or_else(|| cx.error(&["InternalError"], "the spec has no CCN route family"))?;
    let ids = route_ids(cx);
    let mut rows = routes_of(world, cx, id);
    for route in &ids {
        let position = rows
            .iter()
            .position(|r| text(r.get("RouteId")) == Some(route.as_str()))
            .ok_or_else(|| {
                cx.error(
                    &["ResourceNotFound"],
                    format!("The CCN `{id}` has no route `{route}`."),
                )
            })?;
        if on {
            let block = text(rows[position].get("DestinationCidrBlock")).and_then(Cidr::parse);
            let clash = rows.iter().enumerate().any(|(i, r)| {
                i != position
                    && r.get("Enabled").and_then(Value::as_bool).unwrap_or(false)
                    && text(r.get("DestinationCidrBlock"))
                        .and_then(Cidr::parse)
                        .zip(block)
                        .is_some_and(|(a, b)| a.overlaps(b))
            });
            if clash {
                return Err(cx.error(
                    &[
                        "UnsupportedOperation.CcnRouteCidrOverlap",
                        "UnsupportedOperation.Ecmp",
                    ],
                    format!("The route `{route}` overlaps an enabled route of `{id}`."),
                ));
            }
        }
        rows[position].insert("Enabled".into(), Value::Bool(on));
    }
    let table = world.region(&cx.scope).table_mut(family.kind);
    for row in table.rows_mut() {
        if text(row.get("CcnId")) == Some(id)
            && ids
                .iter()
                .any(|i| text(row.get("RouteId")) == Some(i.as_str()))
        {
            row.insert("Enabled".into(), Value::Bool(on));
        }
    }
    Ok(Map::new())
}
