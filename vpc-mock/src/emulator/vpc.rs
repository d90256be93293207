//! The VPC resource: `CreateVpc`, `DescribeVpcs`, `ModifyVpcAttribute`, `DeleteVpc` and
//! `DescribeVpcLimits`, with the hand-written rules each names the document of.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine;
use super::kinds::VPC;
use super::world::World;
use super::{ActionFn, Resource, VPCS_PER_REGION, route_table};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateVpc", create as ActionFn),
        ("DescribeVpcs", describe),
        ("ModifyVpcAttribute", modify),
        ("DeleteVpc", delete),
        ("DescribeVpcLimits", limits),
        ("CreateDefaultVpc", create_default),
    ],
    kinds: &[&VPC],
    references: &[],
};

/// The private ranges a VPC block must lie in, with the shortest prefix each allows.
///
/// The API document of `CreateVpc.CidrBlock` says "10.0.0.0/12, 172.16.0.0/12, and
/// 192.168.0.0/16"; Tencent's product page "VPC > Network Planning" allows the whole
/// 10.0.0.0/8 with masks /12 to /28, which is what the real service accepts, so that is
/// followed here (as issue 19 asks).
const PRIVATE_RANGES: [(&str, u8); 3] = [
    ("10.0.0.0/8", 12),
    ("172.16.0.0/12", 12),
    ("192.168.0.0/16", 16),
];

/// The longest VPC prefix ("VPC > Network Planning": masks up to /28).
const LONGEST_VPC_PREFIX: u8 = 28;

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let name = engine::string_param(cx.params, "VpcName").unwrap_or_default();
    engine::check_name("VpcName", name, &cx.action.codes)?;
    let block_text = engine::string_param(cx.params, "CidrBlock").unwrap_or("10.0.0.0/16");
    let block = Cidr::parse(block_text).ok_or_else(|| {
        cx.error(
            &["InvalidParameterValue.Malformed"],
            format!("The value `{block_text}` of parameter `CidrBlock` is not a CIDR block."),
        )
    })?;
    // Rule: the block lies in a private range, with a mask from the range's shortest
    // prefix to /28 (see PRIVATE_RANGES). CreateVpc documents no code of its own for
    // it: the plain `InvalidParameterValue`.
    let allowed = PRIVATE_RANGES.iter().any(|(range, shortest)| {
        Cidr::parse(range).is_some_and(|range| range.contains(block))
            && (*shortest..=LONGEST_VPC_PREFIX).contains(&block.prefix)
    });
    if !allowed {
        return Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            format!(
                "The CIDR block `{block}` is not allowed: a VPC lies in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 with a mask from /12 (/16 in 192.168.0.0/16) to /28."
            ),
        ));
    }
    let tags = engine::read_tags(cx.params, &cx.action.codes)?;
    let dns = match cx.params.get("DnsServers") {
        Some(Value::Array(list)) if list.len() > 4 => {
            return Err(cx.error(
                &["InvalidParameterValue.LimitExceeded"],
                "At most 4 `DnsServers` are supported.",
            ));
        }
        Some(Value::Array(list)) if !list.is_empty() => Value::Array(list.clone()),
        // The defaults Tencent gives a new VPC (as in DescribeVpcs' example).
        _ => Value::from(vec!["183.60.83.19", "183.60.82.98"]),
    };
    // Rule (quota): at most `appid-max-vpcs` VPCs per region ("VPC > Use Limits");
    // `LimitExceeded` as CreateVpc documents it.
    let quota = world.quotas.get(VPCS_PER_REGION);
    if world.region(&cx.scope).table(&VPC).rows().len() as u64 >= quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!(
                "The quota of {quota} VPCs in region `{}` is reached.",
                cx.scope.region
            ),
        ));
    }
    let id = cx.fresh_id(world, &VPC);
    let multicast = engine::string_param(cx.params, "EnableMulticast") == Some("true");
    let mut vpc = Map::new();
    vpc.insert("VpcName".into(), Value::from(name));
    vpc.insert("VpcId".into(), Value::from(id.clone()));
    vpc.insert("CidrBlock".into(), Value::from(block.to_string()));
    vpc.insert("IsDefault".into(), Value::Bool(false));
    vpc.insert("EnableMulticast".into(), Value::Bool(multicast));
    vpc.insert("CreatedTime".into(), Value::from(engine::created_time()));
    vpc.insert("DnsServerSet".into(), dns);
    vpc.insert(
        "DomainName".into(),
        Value::from(engine::string_param(cx.params, "DomainName").unwrap_or_default()),
    );
    vpc.insert("DhcpOptionsId".into(), Value::from(""));
    vpc.insert("EnableDhcp".into(), Value::Bool(true));
    vpc.insert("Ipv6CidrBlock".into(), Value::from(""));
    vpc.insert("TagSet".into(), tags);
    vpc.insert("AssistantCidrSet".into(), Value::Array(Vec::new()));
    vpc.insert(
        "EnableRouteVpcPublish".into(),
        cx.params
            .get("EnableRouteVpcPublish")
            .cloned()
            .unwrap_or(Value::Bool(false)),
    );
    world.region(&cx.scope).table_mut(&VPC).push(vpc.clone());
    route_table::create_default(world, cx, &id);
    let mut out = Map::new();
    out.insert("Vpc".into(), Value::Object(vpc));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    cx.describe(world.region(&cx.scope), &VPC, "VpcIds", "VpcSet")
}

fn modify(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let id = cx.id_param("VpcId", &VPC)?;
    if let Some(name) = engine::string_param(cx.params, "VpcName") {
        engine::check_name("VpcName", name, codes)?;
    }
    if let Some(Value::Array(list)) = cx.params.get("DnsServers")
        && list.len() > 4
    {
        return Err(cx.error(
            &["InvalidParameterValue.LimitExceeded"],
            "At most 4 `DnsServers` are supported.",
        ));
    }
    let vpc = cx.find(world, &VPC, id)?;
    for (member, key) in [("VpcName", "VpcName"), ("DomainName", "DomainName")] {
        if let Some(value) = cx.params.get(member) {
            vpc.insert(key.into(), value.clone());
        }
    }
    if let Some(Value::Array(list)) = cx.params.get("DnsServers") {
        vpc.insert("DnsServerSet".into(), Value::Array(list.clone()));
    }
    if let Some(value) = engine::string_param(cx.params, "EnableMulticast") {
        vpc.insert("EnableMulticast".into(), Value::Bool(value == "true"));
    }
    if let Some(value) = cx.params.get("EnableRouteVpcPublish") {
        vpc.insert("EnableRouteVpcPublish".into(), value.clone());
    }
    Ok(Map::new())
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("VpcId", &VPC)?;
    // Rule (dependencies): a VPC with subnets, ENIs, NAT or VPN gateways cannot be
    // deleted (DeleteVpc: "make sure that the VPC has no related resources"); the kinds
    // referring to VPCs declare it, `ResourceInUse` as DeleteVpc documents it. The
    // rows that go with a VPC (its default route table) are removed with it.
    cx.delete(world, &VPC, id, &[])?;
    Ok(Map::new())
}

fn limits(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let types: Vec<&str> = cx
        .params
        .get("LimitTypes")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // "每次最大查询100个配额类型" (DescribeVpcLimits.LimitTypes): at most 100 per call.
    if types.len() > 100 {
        return Err(cx.error(
            &["InvalidParameterValue.LimitExceeded"],
            "At most 100 `LimitTypes` per request.",
        ));
    }
    // Types this emulator does not know are left out of the answer, not refused.
    let set: Vec<Value> = types
        .iter()
        .filter_map(|kind| {
            let value = *world.quotas.0.get(*kind)?;
            let mut limit = Map::new();
            limit.insert("LimitType".into(), Value::from(*kind));
            limit.insert("LimitValue".into(), Value::from(value));
            Some(Value::Object(limit))
        })
        .collect();
    let mut out = Map::new();
    out.insert("VpcLimitSet".into(), Value::Array(set));
    Ok(out)
}

/// The default VPC's block and its subnets' prefix (Tencent's "Default VPC and Default
/// Subnet" page: a default VPC is 172.16.0.0/16, each zone's default subnet a /20 of it).
const DEFAULT_VPC_BLOCK: &str = "172.16.0.0/16";
const DEFAULT_SUBNET_PREFIX: u8 = 20;

/// A row as the API answers it.
type Row = Map<String, Value>;

/// The caller's default VPC and its subnet in `zone`, if they exist.
pub(super) fn default_vpc(
    world: &mut World,
    cx: &Context<'_>,
    zone: &str,
) -> Option<(Row, Option<Row>)> {
    let region = world.region(&cx.scope);
    let vpc = region
        .table(&VPC)
        .rows()
        .iter()
        .find(|row| row.get("IsDefault") == Some(&Value::Bool(true)))?
        .clone();
    let id = vpc.get("VpcId").cloned();
    let subnet = region
        .table(&super::kinds::SUBNET)
        .rows()
        .iter()
        .find(|row| row.get("VpcId") == id.as_ref() && engine::text(row.get("Zone")) == Some(zone))
        .cloned();
    Some((vpc, subnet))
}

/// The zone a default-VPC action means: `Zone`, else the region's first (`-1`).
pub(super) fn default_zone(cx: &Context<'_>) -> String {
    engine::string_param(cx.params, "Zone")
        .filter(|z| !z.is_empty())
        .map_or_else(|| format!("{}-1", cx.scope.region), str::to_owned)
}

/// Rule (CreateDefaultVpc: "您也可以通过 Force 参数，强制返回默认VPC"): the caller's
/// default VPC, made on first use as `CreateVpc` makes one (`Default-VPC`,
/// 172.16.0.0/16, `IsDefault`), with a default subnet in the zone (a free /20 of it,
/// made as `CreateSubnet` makes one); the same VPC every later time. No free /20 left
/// is `ResourceInsufficient.CidrBlock`, as it documents.
fn create_default(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let zone = default_zone(cx);
    let (vpc, subnet) = match default_vpc(world, cx, &zone) {
        Some(found) => found,
        None => {
            let mut params = Map::new();
            params.insert("VpcName".into(), Value::from("Default-VPC"));
            params.insert("CidrBlock".into(), Value::from(DEFAULT_VPC_BLOCK));
            let as_create = cx
                .as_action("CreateVpc", &params)
                .ok_or_else(|| cx.error(&["InternalError"], "CreateVpc is not emulated"))?;
            let created = create(world, &as_create)?;
            let id = created
                .get("Vpc")
                .and_then(|v| engine::text(v.get("VpcId")))
                .unwrap_or_default()
                .to_owned();
            if let Some(row) = world.region(&cx.scope).get_mut(&VPC, &id) {
                row.insert("IsDefault".into(), Value::Bool(true));
            }
            default_vpc(world, cx, &zone)
                .ok_or_else(|| cx.error(&["InternalError"], "the default VPC was not kept"))?
        }
    };
    let subnet = match subnet {
        Some(subnet) => subnet,
        None => {
            let vpc_id = engine::text(vpc.get("VpcId"))
                .unwrap_or_default()
                .to_owned();
            let taken: Vec<Cidr> = world
                .region(&cx.scope)
                .table(&super::kinds::SUBNET)
                .rows()
                .iter()
                .filter(|row| engine::text(row.get("VpcId")) == Some(vpc_id.as_str()))
                .filter_map(|row| Cidr::parse(engine::text(row.get("CidrBlock"))?))
                .collect();
            let block = Cidr::parse(DEFAULT_VPC_BLOCK)
                .and_then(|vpc| {
                    vpc.subnets(DEFAULT_SUBNET_PREFIX)
                        .find(|b| !taken.iter().any(|t| t.overlaps(*b)))
                })
                .ok_or_else(|| {
                    cx.error(
                        &["ResourceInsufficient.CidrBlock"],
                        format!(
                            "The default VPC `{vpc_id}` has no free /{DEFAULT_SUBNET_PREFIX} left."
                        ),
                    )
                })?;
            let mut params = Map::new();
            params.insert("VpcId".into(), Value::from(vpc_id.as_str()));
            params.insert("SubnetName".into(), Value::from("Default-Subnet"));
            params.insert("CidrBlock".into(), Value::from(block.to_string()));
            params.insert("Zone".into(), Value::from(zone.as_str()));
            let as_create = cx
                .as_action("CreateSubnet", &params)
                .ok_or_else(|| cx.error(&["InternalError"], "CreateSubnet is not emulated"))?;
            let run = super::action_fn("CreateSubnet")
                .ok_or_else(|| cx.error(&["InternalError"], "CreateSubnet is not emulated"))?;
            let created = run(world, &as_create)?;
            created
                .get("Subnet")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        }
    };
    let mut answer = Map::new();
    for (key, from) in [
        ("VpcId", &vpc),
        ("VpcName", &vpc),
        ("CidrBlock", &vpc),
        ("SubnetId", &subnet),
        ("SubnetName", &subnet),
    ] {
        answer.insert(
            key.into(),
            from.get(key).cloned().unwrap_or_else(|| Value::from("")),
        );
    }
    let mut out = Map::new();
    out.insert("Vpc".into(), Value::Object(answer));
    Ok(out)
}
