//! The VPC peering family's hand rules (issue 25). The family itself (its kind, ID
//! shape, filters, listing, rename and delete) is derived from the spec; this file
//! holds only what no description says: a peering connection waits for the peer's
//! acceptance, and its two VPCs' blocks may not overlap.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::text;
use super::families::Verb;
use super::generic;
use super::kinds::VPC;
use super::world::World;
use super::{ActionFn, Resource};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateVpcPeeringConnection", create as ActionFn),
        ("AcceptVpcPeeringConnection", accept),
        ("RejectVpcPeeringConnection", reject),
    ],
    kinds: &[],
    references: &[],
};

/// The family's ID member.
const ID: &str = "PeeringConnectionId";

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let source = text(cx.params.get("SourceVpcId")).unwrap_or_default();
    let destination = text(cx.params.get("DestinationVpcId")).unwrap_or_default();
    // Rule: the source VPC is the caller's ("SourceVpcId: 本端VPC唯一ID"): an unknown one
    // is `ResourceNotFound`, as CreateVpcPeeringConnection documents it.
    let id = cx.id_param("SourceVpcId", &VPC)?;
    let region = world.region(&cx.scope);
    let source_block = region
        .get(&VPC, id)
        .and_then(|vpc| Cidr::parse(text(vpc.get("CidrBlock"))?))
        .ok_or_else(|| cx.not_found(&VPC, source))?;
    // Rule: two VPCs whose blocks overlap cannot be peered
    // (`UnsupportedOperation.VpcPeerCidrConflict`, "对等连接VPC CIDR冲突"). The peer is
    // checked when it is the caller's in this region; another account's or region's
    // VPC is accepted as it is.
    if let Some(peer) = region
        .get(&VPC, destination)
        .and_then(|vpc| Cidr::parse(text(vpc.get("CidrBlock"))?))
        && (peer.contains(source_block) || source_block.contains(peer))
    {
        return Err(cx.error(
            &["UnsupportedOperation.VpcPeerCidrConflict"],
            format!(
                "The blocks of `{source}` ({source_block}) and `{destination}` ({peer}) overlap."
            ),
        ));
    }
    let mut out = generic::serve_as(world, cx, ID, Verb::Create)?;
    // Rule: a new peering connection is `PENDING` until the peer accepts it (State:
    // "PENDING，投放中；ACTIVE，使用中；REJECTED，已拒绝").
    set_state(world, cx, &mut out, "PENDING");
    Ok(out)
}

fn accept(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    decide(world, cx, "ACTIVE")
}

fn reject(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    decide(world, cx, "REJECTED")
}

/// Rule: only a `PENDING` connection is accepted or rejected; any other state is
/// `UnsupportedOperation.VpcPeerInvalidStateChange`, as both actions document it.
fn decide(
    world: &mut World,
    cx: &Context<'_>,
    state: &str,
) -> Result<Map<String, Value>, ApiError> {
    let out = generic::serve_as(world, cx, ID, Verb::Read)?;
    let id = text(cx.params.get(ID)).unwrap_or_default().to_owned();
    let families = cx.spec.families;
    let Some(family) = families.by_id(ID, &id) else {
        return Ok(out);
    };
    let region = world.region(&cx.scope);
    if let Some(row) = region.get_mut(family.kind, &id) {
        let now = text(row.get("State")).unwrap_or_default().to_owned();
        if now != "PENDING" {
            return Err(cx.error(
                &["UnsupportedOperation.VpcPeerInvalidStateChange"],
                format!("The peering connection `{id}` is {now}, not PENDING."),
            ));
        }
        row.insert("State".into(), Value::from(state));
    }
    Ok(Map::new())
}

fn set_state(world: &mut World, cx: &Context<'_>, out: &mut Map<String, Value>, state: &str) {
    let Some(id) = generic::created_id(out, ID) else {
        return;
    };
    if let Some(family) = cx.spec.families.by_id(ID, &id)
        && let Some(row) = world.region(&cx.scope).get_mut(family.kind, &id)
    {
        row.insert("State".into(), Value::from(state));
    }
}
