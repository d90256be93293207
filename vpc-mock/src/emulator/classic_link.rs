//! ClassicLink (issue 25): classic network CVM instances linked to a VPC
//! (`AttachClassicLinkVpc`, `DetachClassicLinkVpc`), listed by
//! `DescribeClassicLinkInstances`. No description says that a link is a row of its
//! own, keyed by the instance, so this file holds it.
//!
//! CVM instances are not emulated: an `ins-` ID is accepted as an existing classic
//! network instance, as elsewhere. Rules, each a code the actions document: the VPC is
//! the caller's (`ResourceNotFound`); an instance ID is of the `ins-` shape
//! (`InvalidParameterValue.Malformed`); an instance links to one VPC
//! (`UnsupportedOperation.ClassicInstanceIdAlreadyExists`); only a linked instance is
//! detached (`ResourceNotFound`). A VPC with links is not deleted: DeleteVpc's document
//! asks to clean up "the basic network devices interconnected with it" first. Left out:
//! `UnsupportedOperation.CIDRUnSupportedClassicLink`, whose CIDR rule is documented
//! nowhere the spec reaches; the `vm-ip` filter matches nothing, since the instances'
//! classic network IPs are not known.

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::{CLASSIC_LINK, VPC};
use super::world::{OnDelete, Reference, World, always};
use super::{ActionFn, Resource};
use crate::handler::ApiError;

/// A link refers to its VPC, which is not deleted while linked.
static ON_VPC: Reference = Reference {
    from: &CLASSIC_LINK,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("AttachClassicLinkVpc", attach as ActionFn),
        ("DetachClassicLinkVpc", detach),
        ("DescribeClassicLinkInstances", describe),
    ],
    kinds: &[&CLASSIC_LINK],
    references: &[&ON_VPC],
};

/// The request's VPC (of the caller's) and instance IDs (each of the `ins-` shape).
fn read<'a>(world: &mut World, cx: &'a Context<'_>) -> Result<(&'a str, Vec<&'a str>), ApiError> {
    let vpc = cx.id_param("VpcId", &VPC)?;
    cx.find(world, &VPC, vpc)?;
    let ids: Vec<&str> = cx
        .params
        .get("InstanceIds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| text(Some(v)).unwrap_or_default())
        .collect();
    if ids.is_empty() {
        return Err(cx.error(
            &["MissingParameter", "InvalidParameterValue.Malformed"],
            "The parameter `InstanceIds` is missing.",
        ));
    }
    for id in &ids {
        if !engine::instance_shaped(id) {
            return Err(cx.error(
                &["InvalidParameterValue.Malformed"],
                format!("The instance ID `{id}` is malformed: expected `ins-` followed by 8 lowercase letters or digits."),
            ));
        }
    }
    Ok((vpc, ids))
}

fn attach(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let (vpc, ids) = read(world, cx)?;
    let region = world.region(&cx.scope);
    for (n, id) in ids.iter().enumerate() {
        if region.get(&CLASSIC_LINK, id).is_some() || ids[..n].contains(id) {
            return Err(cx.error(
                &["UnsupportedOperation.ClassicInstanceIdAlreadyExists"],
                format!("The instance `{id}` is linked to a VPC already."),
            ));
        }
    }
    let table = region.table_mut(&CLASSIC_LINK);
    for id in ids {
        let mut row = Map::new();
        row.insert("VpcId".into(), Value::from(vpc));
        row.insert("InstanceId".into(), Value::from(id));
        table.push(row);
    }
    Ok(Map::new())
}

fn detach(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let (vpc, ids) = read(world, cx)?;
    let region = world.region(&cx.scope);
    for id in &ids {
        let linked = region
            .get(&CLASSIC_LINK, id)
            .is_some_and(|row| text(row.get("VpcId")) == Some(vpc));
        if !linked {
            return Err(cx.not_found_as(&["ResourceNotFound"], &CLASSIC_LINK, id));
        }
    }
    for id in ids {
        region.remove(&CLASSIC_LINK, id, &[]);
    }
    Ok(Map::new())
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = world.region(&cx.scope);
    cx.list(
        region.table(&CLASSIC_LINK).rows(),
        "ClassicLinkInstanceSet",
        &[],
    )
}
