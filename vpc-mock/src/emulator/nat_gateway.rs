//! The NAT gateway resource: `CreateNatGateway`, `DescribeNatGateways` and
//! `DeleteNatGateway`, with the hand-written rules each names the document of; and the
//! small parameter readers and the public IP source the gateway modules share.
//!
//! Public IPs: a gateway created with `AddressCount` (and a VPN gateway) gets addresses
//! from 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks, so they can never
//! be taken for real ones. They are not elastic IP rows: their `AddressId` is empty and
//! `DescribeAddresses` does not list them. Addresses given in `PublicIpAddresses` are
//! recorded as given (with the `AddressId` of the elastic IP row holding that
//! `AddressIp`, when there is one); that they are elastic IPs of the caller is not
//! checked.

use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::{ADDRESS, NAT_GATEWAY, SUBNET, VPC, VPN_GATEWAY};
use super::world::{OnDelete, Reference, Region, World, always, referred_ids};
use super::{ActionFn, EIPS_PER_NAT_GATEWAY, NAT_GATEWAYS_PER_VPC, Resource};
use crate::handler::ApiError;

/// A NAT gateway lies in a VPC, which cannot be deleted while it has NAT gateways
/// (DeleteVpc: "make sure that the VPC has no related resources").
static IN_VPC: Reference = Reference {
    from: &NAT_GATEWAY,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Refuse(always),
};

/// A NAT gateway created in a subnet (`SubnetId`) keeps that subnet from being deleted
/// (DeleteSubnet: "delete the resources in the subnet first").
static IN_SUBNET: Reference = Reference {
    from: &NAT_GATEWAY,
    member: "SubnetId",
    to: &SUBNET,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateNatGateway", create as ActionFn),
        ("DescribeNatGateways", describe),
        ("DeleteNatGateway", delete),
    ],
    kinds: &[&NAT_GATEWAY],
    references: &[&IN_VPC, &IN_SUBNET],
};

/// `CreateNatGateway.InternetMaxBandwidthOut`: "Supported parameter values: `20, 50,
/// 100, 200, 500, 1000, 2000, 5000`. Default: `100`."
const BANDWIDTHS: [u64; 8] = [20, 50, 100, 200, 500, 1000, 2000, 5000];
/// `CreateNatGateway.MaxConcurrentConnection`: "Values: `1000000, 3000000, 10000000`.
/// The default value is `1000000`."
const CONNECTION_CAPS: [u64; 3] = [1_000_000, 3_000_000, 10_000_000];

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(cx.params, "NatGatewayName").unwrap_or_default();
    engine::check_name("NatGatewayName", name, codes)?;
    let vpc_id = cx.id_param("VpcId", &VPC)?;
    let bandwidth = one_of(cx, "InternetMaxBandwidthOut", &BANDWIDTHS, 100)?;
    let cap = one_of(cx, "MaxConcurrentConnection", &CONNECTION_CAPS, 1_000_000)?;
    let count = uint_param(cx, "AddressCount")?.unwrap_or(0);
    let mut given: Vec<String> = Vec::new();
    for value in cx
        .params
        .get("PublicIpAddresses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ip = text(Some(value)).unwrap_or_default();
        if ip.parse::<Ipv4Addr>().is_err() {
            return Err(cx.error(
                &["InvalidParameterValue.Malformed"],
                format!(
                    "The value `{ip}` in parameter `PublicIpAddresses` is not an IPv4 address."
                ),
            ));
        }
        if !given.iter().any(|g| g == ip) {
            given.push(ip.to_owned());
        }
    }
    // Rule: "Either `AddressCount` or `PublicIpAddresses` must be passed in"
    // (CreateNatGateway.AddressCount).
    if count == 0 && given.is_empty() {
        return Err(cx.error(
            &["MissingParameter"],
            "Either `AddressCount` or `PublicIpAddresses` must be given.",
        ));
    }
    // Rule (quota): at most `nat-gateway-max-eips` public IPs per NAT gateway ("NAT
    // Gateway > Use Limits": 10).
    let eip_quota = world.quotas.get(EIPS_PER_NAT_GATEWAY);
    if count.saturating_add(given.len() as u64) > eip_quota {
        return Err(cx.error(
            &["LimitExceeded.PublicIpAddressPerNatGatewayLimitExceeded"],
            format!("A NAT gateway holds at most {eip_quota} public IPs."),
        ));
    }
    let tags = engine::read_tags(cx.params, codes)?;
    let subnet_id = match engine::string_param(cx.params, "SubnetId") {
        Some(id) if !id.is_empty() => Some(cx.id_param("SubnetId", &SUBNET)?),
        _ => None,
    };
    let quota = world.quotas.get(NAT_GATEWAYS_PER_VPC);
    let region = world.region(&cx.scope);
    if region.get(&VPC, vpc_id).is_none() {
        return Err(cx.not_found_as(&["InvalidVpcId.NotFound"], &VPC, vpc_id));
    }
    if let Some(subnet_id) = subnet_id {
        let subnet = region
            .get(&SUBNET, subnet_id)
            .ok_or_else(|| cx.not_found(&SUBNET, subnet_id))?;
        // Rule: the gateway's subnet is one of its VPC's (CreateNatGateway.SubnetId,
        // "Subnet of the NAT gateway").
        if text(subnet.get("VpcId")) != Some(vpc_id) {
            return Err(cx.error(
                &["InvalidParameterValue"],
                format!("The subnet `{subnet_id}` is not in VPC `{vpc_id}`."),
            ));
        }
    }
    // Rule (quota): at most `vpc-max-nat-gateways` NAT gateways per VPC ("NAT Gateway >
    // Use Limits": 3), with the code CreateNatGateway documents for it.
    let in_vpc = region
        .table(&NAT_GATEWAY)
        .count(|row| text(row.get("VpcId")) == Some(vpc_id)) as u64;
    if in_vpc >= quota {
        return Err(cx.error(
            &["LimitExceeded.NatGatewayPerVpcLimitExceeded"],
            format!("The quota of {quota} NAT gateways in VPC `{vpc_id}` is reached."),
        ));
    }
    // Rule: a public IP is bound to one NAT gateway at a time (ResourceInUse.Address,
    // "the address is in use").
    let bound = public_ips(region);
    if let Some(ip) = given.iter().find(|ip| bound.contains(ip)) {
        return Err(cx.error(
            &["ResourceInUse.Address"],
            format!("The public IP `{ip}` is already bound to a gateway."),
        ));
    }
    let mut addresses = Vec::new();
    for ip in &given {
        let eip = region
            .table(&ADDRESS)
            .rows()
            .iter()
            .find(|row| text(row.get("AddressIp")) == Some(ip))
            .and_then(|row| text(row.get("AddressId")))
            .unwrap_or_default();
        addresses.push(address(eip, ip));
    }
    let mut taken = bound;
    for _ in 0..count {
        let ip = benchmark_ip(&taken).ok_or_else(|| {
            cx.error(
                &["ResourceInsufficient.Instance", "ResourceInsufficient"],
                "The emulator's public IP range 198.18.0.0/15 is exhausted.",
            )
        })?;
        addresses.push(address("", &ip));
        taken.push(ip);
    }
    let id = cx.fresh_id(world, &NAT_GATEWAY);
    let flag = |member: &str, default: bool| Value::Bool(bool_param(cx, member).unwrap_or(default));
    let mut row = Map::new();
    row.insert("NatGatewayId".into(), Value::from(id.clone()));
    row.insert("NatGatewayName".into(), Value::from(name));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    row.insert("State".into(), Value::from("PENDING"));
    row.insert("InternetMaxBandwidthOut".into(), Value::from(bandwidth));
    row.insert("MaxConcurrentConnection".into(), Value::from(cap));
    row.insert("PublicIpAddressSet".into(), Value::Array(addresses));
    row.insert("NetworkState".into(), Value::from("AVAILABLE"));
    row.insert(
        "DestinationIpPortTranslationNatRuleSet".into(),
        Value::Array(Vec::new()),
    );
    row.insert("VpcId".into(), Value::from(vpc_id));
    row.insert(
        "Zone".into(),
        Value::from(engine::string_param(cx.params, "Zone").unwrap_or_default()),
    );
    row.insert("DirectConnectGatewayIds".into(), Value::Array(Vec::new()));
    row.insert(
        "SubnetId".into(),
        Value::from(subnet_id.unwrap_or_default()),
    );
    row.insert("TagSet".into(), tags);
    row.insert("SecurityGroupSet".into(), Value::Array(Vec::new()));
    row.insert(
        "SourceIpTranslationNatRuleSet".into(),
        Value::Array(Vec::new()),
    );
    let exclusive = engine::string_param(cx.params, "ExclusiveType").unwrap_or_default();
    row.insert("IsExclusive".into(), Value::Bool(!exclusive.is_empty()));
    row.insert("ExclusiveGatewayBandwidth".into(), Value::from(0));
    row.insert("RestrictState".into(), Value::from("NORMAL"));
    row.insert(
        "NatProductVersion".into(),
        Value::from(uint_param(cx, "NatProductVersion")?.unwrap_or(1)),
    );
    row.insert("StrictSnatMode".into(), Value::Bool(false));
    row.insert("SmartScheduleMode".into(), Value::Bool(false));
    row.insert("DedicatedClusterId".into(), Value::from(""));
    row.insert(
        "DeletionProtectionEnabled".into(),
        flag("DeletionProtectionEnabled", false),
    );
    row.insert("ExclusiveType".into(), Value::from(exclusive));
    row.insert("AutoScaling".into(), Value::Bool(false));
    // ICMPProxy and PublicAddressAffinity: "默认为true" (the NatGateway object).
    row.insert("ICMPProxy".into(), Value::Bool(true));
    row.insert("PublicAddressAffinity".into(), Value::Bool(true));
    world.region(&cx.scope).table_mut(&NAT_GATEWAY).push(row);
    // Rule (state): `PENDING` until created, then `AVAILABLE` (CreateNatGateway: "ensure
    // that it has been successfully created, namely, the `State` ... is `AVAILABLE`");
    // a failed creation ends `PENDFAILURE` (NatGateway.State, "创建失败").
    cx.change_later(
        world,
        &NAT_GATEWAY,
        &id,
        "State",
        "PENDING",
        ("AVAILABLE", "PENDFAILURE"),
    );
    let row = cx.find(world, &NAT_GATEWAY, &id)?.clone();
    let mut out = Map::new();
    out.insert(
        "NatGatewaySet".into(),
        Value::Array(vec![Value::Object(row)]),
    );
    out.insert("TotalCount".into(), Value::from(1));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = world.region(&cx.scope);
    let filters = cx.params.get("Filters").and_then(Value::as_array);
    let is_state = |f: &Value| text(f.get("Name")) == Some("nat-state");
    let with_ids = cx
        .params
        .get("NatGatewayIds")
        .and_then(Value::as_array)
        .is_some_and(|ids| !ids.is_empty());
    let Some(states) = filters
        .and_then(|list| list.iter().find(|f| is_state(f)))
        .filter(|_| !with_ids)
    else {
        return cx.describe(region, &NAT_GATEWAY, "NatGatewayIds", "NatGatewaySet");
    };
    // The `nat-state` filter (DescribeNatGateways.Filters, the Chinese document: "NAT实例
    // 当前状态") reads the `State` member, not the `NatState` its name would: the rows in
    // those states are listed by the generic listing with the other filters.
    let values: Vec<&str> = states
        .get("Values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut narrowed = Region::default();
    for row in region.table(&NAT_GATEWAY).rows() {
        if text(row.get("State")).is_some_and(|state| values.contains(&state)) {
            narrowed.table_mut(&NAT_GATEWAY).push(row.clone());
        }
    }
    let mut params = cx.params.clone();
    let others: Vec<Value> = filters
        .into_iter()
        .flatten()
        .filter(|f| !is_state(f))
        .cloned()
        .collect();
    params.insert("Filters".into(), Value::Array(others));
    let narrowed_cx = Context {
        spec: cx.spec,
        action: cx.action,
        scope: cx.scope.clone(),
        params: &params,
        now: cx.now,
    };
    narrowed_cx.describe(&narrowed, &NAT_GATEWAY, "NatGatewayIds", "NatGatewaySet")
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("NatGatewayId", &NAT_GATEWAY)?;
    let row = cx.find(world, &NAT_GATEWAY, id)?;
    // Rule (state): a gateway still being created cannot be deleted: its creation is a
    // running operation that excludes others (UnsupportedOperation.MutexOperationTaskRunning,
    // "The resource mutual exclusion operation is being executed").
    if text(row.get("State")) == Some("PENDING") {
        return Err(cx.error(
            &["UnsupportedOperation.MutexOperationTaskRunning"],
            format!("The NAT gateway `{id}` is still being created (PENDING)."),
        ));
    }
    // Rule: DeletionProtectionEnabled (CreateNatGateway) refuses deletes
    // (UnsupportedOperation.DeletionProtectionEnabled).
    if row.get("DeletionProtectionEnabled") == Some(&Value::Bool(true)) {
        return Err(cx.error(
            &["UnsupportedOperation.DeletionProtectionEnabled"],
            format!("The NAT gateway `{id}` has deletion protection enabled."),
        ));
    }
    cx.delete(world, &NAT_GATEWAY, id, &[])?;
    Ok(Map::new())
}

/// A `NatGatewayAddress`.
fn address(id: &str, ip: &str) -> Value {
    let mut address = Map::new();
    address.insert("AddressId".into(), Value::from(id));
    address.insert("PublicIpAddress".into(), Value::from(ip));
    address.insert("IsBlocked".into(), Value::Bool(false));
    address.insert("BlockType".into(), Value::from("NORMAL"));
    Value::Object(address)
}

/// Every public IP the gateways of `region` hold (NAT and VPN gateways).
pub(super) fn public_ips(region: &Region) -> Vec<String> {
    let nat = region
        .table(&NAT_GATEWAY)
        .rows()
        .iter()
        .flat_map(|row| referred_ids(row, "PublicIpAddressSet.PublicIpAddress"));
    let vpn = region
        .table(&VPN_GATEWAY)
        .rows()
        .iter()
        .flat_map(|row| referred_ids(row, "PublicIpAddress"));
    nat.chain(vpn).map(str::to_owned).collect()
}

/// The first address of 198.18.0.0/15 (RFC 2544's benchmark range) after the network
/// address that is not in `taken`; `None` when all are.
pub(super) fn benchmark_ip(taken: &[String]) -> Option<String> {
    let base = u32::from(Ipv4Addr::new(198, 18, 0, 0));
    (1..(1u32 << 17) - 1)
        .map(|offset| Ipv4Addr::from(base + offset).to_string())
        .find(|ip| !taken.contains(ip))
}

/// A whole-number parameter (a number or its decimal text).
///
/// # Errors
///
/// `InvalidParameterValue.Malformed` (or its parent) when it is no whole number.
pub(super) fn uint_param(cx: &Context<'_>, member: &str) -> Result<Option<u64>, ApiError> {
    let malformed = || {
        cx.error(
            &["InvalidParameterValue.Malformed", "InvalidParameterValue"],
            format!("The value of parameter `{member}` is not a whole number."),
        )
    };
    match cx.params.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(malformed),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| malformed()),
        Some(_) => Err(malformed()),
    }
}

/// A boolean parameter (`true`, or the text `true`).
pub(super) fn bool_param(cx: &Context<'_>, member: &str) -> Option<bool> {
    match cx.params.get(member)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s == "true"),
        _ => None,
    }
}

/// A whole-number parameter that must be one of `allowed` (`default` when absent).
///
/// # Errors
///
/// Another value: `InvalidParameterValue.Range` (or its parent).
pub(super) fn one_of(
    cx: &Context<'_>,
    member: &str,
    allowed: &[u64],
    default: u64,
) -> Result<u64, ApiError> {
    let value = uint_param(cx, member)?.unwrap_or(default);
    if allowed.contains(&value) {
        return Ok(value);
    }
    let list: Vec<String> = allowed.iter().map(u64::to_string).collect();
    Err(cx.error(
        &["InvalidParameterValue.Range", "InvalidParameterValue"],
        format!(
            "The value `{value}` of parameter `{member}` is not one of {}.",
            list.join(", ")
        ),
    ))
}
