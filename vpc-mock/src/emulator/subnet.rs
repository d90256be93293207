//! The subnet resource: `CreateSubnet`, `CreateSubnets`, `DescribeSubnets`,
//! `ModifySubnetAttribute` and `DeleteSubnet`, with the hand-written rules each names
//! the document of.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::{self, text};
use super::kinds::{SUBNET, VPC};
use super::world::{OnDelete, Reference, World, always};
use super::{ActionFn, Resource, SUBNETS_PER_VPC, route_table};
use crate::handler::ApiError;

/// A subnet lies in a VPC, which cannot be deleted while it has subnets (DeleteVpc).
static IN_VPC: Reference = Reference {
    from: &SUBNET,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateSubnet", create_one as ActionFn),
        ("CreateSubnets", create_many),
        ("DescribeSubnets", describe),
        ("ModifySubnetAttribute", modify),
        ("DeleteSubnet", delete),
        ("CheckDefaultSubnet", check_default),
    ],
    kinds: &[&SUBNET],
    references: &[&IN_VPC],
};

/// The longest subnet prefix ("VPC > Network Planning": a subnet's mask is at most /28).
const LONGEST_SUBNET_PREFIX: u8 = 28;

/// What a request asks for one subnet.
struct Wanted {
    name: String,
    zone: String,
    block: Cidr,
}

fn create_one(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let wanted = read_wanted(cx, cx.params, "")?;
    let mut created = create(world, cx, vec![wanted])?;
    let mut out = Map::new();
    out.insert("Subnet".into(), created.pop().unwrap_or(Value::Null));
    Ok(out)
}

fn create_many(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let list = cx
        .params
        .get("Subnets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.is_empty() {
        return Err(cx.error(
            &["InvalidParameterValue.Empty", "InvalidParameter"],
            "The parameter `Subnets` is empty.",
        ));
    }
    let mut wanted = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let Some(item) = item.as_object() else {
            return Err(cx.error(
                &["InvalidParameter"],
                format!("`Subnets.{index}` is not an object."),
            ));
        };
        wanted.push(read_wanted(cx, item, &format!("Subnets.{index}."))?);
    }
    let created = create(world, cx, wanted)?;
    let mut out = Map::new();
    out.insert("SubnetSet".into(), Value::Array(created));
    Ok(out)
}

fn read_wanted(
    cx: &Context<'_>,
    params: &Map<String, Value>,
    path: &str,
) -> Result<Wanted, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(params, "SubnetName").unwrap_or_default();
    engine::check_name(&format!("{path}SubnetName"), name, codes)?;
    let zone = engine::string_param(params, "Zone").unwrap_or_default();
    let block_text = engine::string_param(params, "CidrBlock").unwrap_or_default();
    let block = Cidr::parse(block_text).ok_or_else(|| {
        cx.error(
            &["InvalidParameterValue.Malformed"],
            format!("The value `{block_text}` of parameter `{path}CidrBlock` is not a CIDR block."),
        )
    })?;
    Ok(Wanted {
        name: name.to_owned(),
        zone: zone.to_owned(),
        block,
    })
}

/// Creates the subnets `wanted` in the request's VPC, all or none.
fn create(
    world: &mut World,
    cx: &Context<'_>,
    wanted: Vec<Wanted>,
) -> Result<Vec<Value>, ApiError> {
    let codes = &cx.action.codes;
    let vpc_id = cx.id_param("VpcId", &VPC)?;
    let tags = engine::read_tags(cx.params, codes)?;
    let quota = world.quotas.get(SUBNETS_PER_VPC);
    let region = world.region(&cx.scope);
    let vpc = region
        .get(&VPC, vpc_id)
        .ok_or_else(|| cx.not_found(&VPC, vpc_id))?;
    let vpc_block = text(vpc.get("CidrBlock"))
        .and_then(Cidr::parse)
        .ok_or_else(|| cx.error(&["InternalError"], "The VPC's block is unreadable."))?;
    let mut blocks: Vec<Cidr> = region
        .table(&SUBNET)
        .rows()
        .iter()
        .filter(|s| text(s.get("VpcId")) == Some(vpc_id))
        .filter_map(|s| text(s.get("CidrBlock")).and_then(Cidr::parse))
        .collect();
    for subnet in &wanted {
        let block = subnet.block;
        // Rule: a subnet lies inside its VPC's block, with a mask up to /28
        // (CreateSubnet.CidrBlock: "It must be within the VPC IP address range"; "VPC >
        // Network Planning" for the mask): `InvalidParameterValue.SubnetRange`.
        if !vpc_block.contains(block) || block.prefix > LONGEST_SUBNET_PREFIX {
            return Err(cx.error(
                &["InvalidParameterValue.SubnetRange"],
                format!(
                    "The subnet block `{block}` is not inside the VPC block `{vpc_block}` with a mask up to /{LONGEST_SUBNET_PREFIX}."
                ),
            ));
        }
        // Rule: subnets of one VPC do not overlap (CreateSubnet.CidrBlock: "Subnet IP
        // address ranges cannot overlap with each other within the same VPC"):
        // `SubnetConflict` where the action lists it, else `SubnetOverlap`.
        if let Some(other) = blocks.iter().find(|other| other.overlaps(block)) {
            return Err(cx.error(
                &[
                    "InvalidParameterValue.SubnetConflict",
                    "InvalidParameterValue.SubnetOverlap",
                ],
                format!("The subnet block `{block}` overlaps the subnet block `{other}` of VPC `{vpc_id}`."),
            ));
        }
        blocks.push(block);
    }
    // Rule (quota), once the blocks are valid: at most `vpc-max-subnets` subnets per
    // VPC ("VPC > Use Limits"); `LimitExceeded` as both creating actions document it.
    if blocks.len() as u64 > quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!("The quota of {quota} subnets in VPC `{vpc_id}` would be exceeded."),
        ));
    }
    // New subnets are associated with the VPC's default route table (CreateRouteTable:
    // "a default route table with which all newly created subnets will be associated").
    let route_table = route_table::default_of(world.region(&cx.scope), vpc_id);
    let mut created = Vec::new();
    for subnet in wanted {
        let id = cx.fresh_id(world, &SUBNET);
        let size = subnet.block.size();
        let mut row = Map::new();
        row.insert("VpcId".into(), Value::from(vpc_id));
        row.insert("SubnetId".into(), Value::from(id));
        row.insert("SubnetName".into(), Value::from(subnet.name));
        row.insert("CidrBlock".into(), Value::from(subnet.block.to_string()));
        row.insert("IsDefault".into(), Value::Bool(false));
        row.insert("EnableBroadcast".into(), Value::Bool(false));
        row.insert("Zone".into(), Value::from(subnet.zone));
        row.insert("RouteTableId".into(), Value::from(route_table.as_str()));
        row.insert("CreatedTime".into(), Value::from(engine::created_time()));
        // Tencent keeps 3 addresses of each subnet (network, gateway, broadcast).
        row.insert(
            "AvailableIpAddressCount".into(),
            Value::from(size.saturating_sub(3)),
        );
        row.insert("Ipv6CidrBlock".into(), Value::from(""));
        row.insert("NetworkAclId".into(), Value::from(""));
        row.insert("IsRemoteVpcSnat".into(), Value::Bool(false));
        row.insert("TotalIpAddressCount".into(), Value::from(size));
        row.insert("TagSet".into(), tags.clone());
        row.insert("CdcId".into(), Value::from(""));
        row.insert("IsCdcSubnet".into(), Value::from(0));
        world.region(&cx.scope).table_mut(&SUBNET).push(row.clone());
        created.push(Value::Object(row));
    }
    Ok(created)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    cx.describe(world.region(&cx.scope), &SUBNET, "SubnetIds", "SubnetSet")
}

fn modify(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let id = cx.id_param("SubnetId", &SUBNET)?;
    if let Some(name) = engine::string_param(cx.params, "SubnetName") {
        engine::check_name("SubnetName", name, codes)?;
    }
    let subnet = cx.find(world, &SUBNET, id)?;
    if let Some(name) = cx.params.get("SubnetName") {
        subnet.insert("SubnetName".into(), name.clone());
    }
    if let Some(value) = engine::string_param(cx.params, "EnableBroadcast") {
        subnet.insert("EnableBroadcast".into(), Value::Bool(value == "true"));
    }
    Ok(Map::new())
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("SubnetId", &SUBNET)?;
    // Rule (dependencies): a subnet with ENIs cannot be deleted (DeleteSubnet: "delete
    // the resources in the subnet first"); the kinds referring to subnets declare it.
    cx.delete(world, &SUBNET, id, &[])?;
    Ok(Map::new())
}

/// Rule (CheckDefaultSubnet, "检查默认子网是否可以创建"): `Result` is whether a default
/// subnet can still be made in the zone: not when the caller's default VPC already has
/// a subnet there.
fn check_default(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let zone = super::vpc::default_zone(cx);
    let taken =
        super::vpc::default_vpc(world, cx, &zone).is_some_and(|(_, subnet)| subnet.is_some());
    let mut out = Map::new();
    out.insert("Result".into(), Value::Bool(!taken));
    Ok(out)
}
