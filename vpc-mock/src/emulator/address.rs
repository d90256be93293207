//! The elastic IP resource: `AllocateAddresses`, `DescribeAddresses`,
//! `AssociateAddress`, `DisassociateAddress`, `ReleaseAddresses` and `TransformAddress`,
//! with the
//! hand-written rules each names the document of. The actions answer a `TaskId` that
//! `DescribeTaskResult` follows (started by the emulator for every such action).
//!
//! An EIP binds to a private IP of an ENI (the ENI's `PrivateIpAddressSet` entry then
//! names it) or to a CVM instance. CVM instances are not emulated: an `InstanceId` of
//! the `ins-` shape is accepted and recorded as is (one EIP per instance), and no ENI
//! entry changes.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::{self, text};
use super::kinds::{ADDRESS, NETWORK_INTERFACE};
use super::world::{OnDelete, Reference, Region, World, always};
use super::{ADDRESSES_PER_REGION, ActionFn, Resource};
use crate::handler::ApiError;

/// An EIP bound to an ENI's private IP refers to the ENI. `DeleteNetworkInterface`
/// unbinds the ENI's EIPs before it deletes (see `network_interface.rs`), so this never
/// refuses that delete; it is declared so that the invariants check the link.
static ON_ENI: Reference = Reference {
    from: &ADDRESS,
    member: "NetworkInterfaceId",
    to: &NETWORK_INTERFACE,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("AllocateAddresses", allocate as ActionFn),
        ("DescribeAddresses", describe),
        ("AssociateAddress", associate),
        ("DisassociateAddress", disassociate),
        ("ReleaseAddresses", release),
        ("TransformAddress", transform),
    ],
    kinds: &[&ADDRESS],
    references: &[&ON_ENI],
};

/// The public addresses EIPs are given from, in order: the documentation ranges
/// TEST-NET-3 and TEST-NET-2 (RFC 5737), so an emulated EIP is never a real host.
const POOL: [&str; 2] = ["203.0.113.0/24", "198.51.100.0/24"];

/// The `AddressStatus` values the emulator uses (the `Address.AddressStatus`
/// document: `CREATING`, `BINDING`, `BIND`, `UNBINDING`, `UNBIND`, `OFFLINING`,
/// `BIND_ENI`). A new EIP is `CREATING`, then `UNBIND`; a failed allocation ends
/// `OFFLINING` (being released: the document has no failure state). Bound to an
/// instance it is `BIND`; bound to an ENI, `BIND_ENI` ("绑定悬空弹性网卡", bound to an ENI
/// no instance holds: the emulator's ENIs are never attached).
const CREATING: &str = "CREATING";
const UNBIND: &str = "UNBIND";
const OFFLINING: &str = "OFFLINING";
const BIND: &str = "BIND";
const BIND_ENI: &str = "BIND_ENI";

/// "The number of EIPs" per `AllocateAddresses` call: at least 1 (the quota bounds it).
const MIN_COUNT: i64 = 1;

fn allocate(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let count = match cx.params.get("AddressCount") {
        None | Some(Value::Null) => 1,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(_) => 0,
    };
    if count < MIN_COUNT {
        return Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            format!("The parameter `AddressCount` must be at least {MIN_COUNT}."),
        ));
    }
    let count = count.unsigned_abs();
    let name = engine::string_param(cx.params, "AddressName").unwrap_or_default();
    if name.chars().count() > 128 {
        return Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            "The value of parameter `AddressName` is longer than 128 characters.",
        ));
    }
    let tags = engine::read_tags(cx.params, codes)?;
    let isp = engine::string_param(cx.params, "InternetServiceProvider").unwrap_or("BGP");
    let charge =
        engine::string_param(cx.params, "InternetChargeType").unwrap_or("TRAFFIC_POSTPAID_BY_HOUR");
    // "Default value: 1 Mbps" (InternetMaxBandwidthOut).
    let bandwidth = cx
        .params
        .get("InternetMaxBandwidthOut")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let address_type = engine::string_param(cx.params, "AddressType").unwrap_or("EIP");
    let egress = engine::string_param(cx.params, "Egress").unwrap_or("center_egress1");
    let new = NewAddress {
        name,
        address_type,
        isp,
        charge,
        bandwidth,
        egress,
        tags,
    };
    let ips = fresh_ips(world, cx, count)?;
    let mut ids = Vec::new();
    for ip in ips {
        let id = cx.fresh_id(world, &ADDRESS);
        let row = new.row(&id, ip, CREATING);
        world.region(&cx.scope).table_mut(&ADDRESS).push(row);
        cx.change_later(
            world,
            &ADDRESS,
            &id,
            "AddressStatus",
            CREATING,
            (UNBIND, OFFLINING),
        );
        ids.push(Value::from(id));
    }
    let mut out = Map::new();
    out.insert("AddressSet".into(), Value::Array(ids));
    Ok(out)
}

/// What a new EIP is made of: the request's members, or their documented defaults.
struct NewAddress<'a> {
    name: &'a str,
    address_type: &'a str,
    isp: &'a str,
    charge: &'a str,
    bandwidth: u64,
    egress: &'a str,
    tags: Value,
}

impl NewAddress<'_> {
    /// The row of the EIP `id` at `ip`, in `status`, bound to nothing.
    fn row(&self, id: &str, ip: Ipv4Addr, status: &str) -> Map<String, Value> {
        let mut row = Map::new();
        row.insert("AddressId".into(), Value::from(id));
        row.insert("AddressName".into(), Value::from(self.name));
        row.insert("AddressStatus".into(), Value::from(status));
        row.insert("AddressIp".into(), Value::from(ip.to_string()));
        row.insert("InstanceId".into(), Value::from(""));
        row.insert("CreatedTime".into(), Value::from(iso_time()));
        row.insert("NetworkInterfaceId".into(), Value::from(""));
        row.insert("PrivateAddressIp".into(), Value::from(""));
        row.insert("IsArrears".into(), Value::Bool(false));
        row.insert("IsBlocked".into(), Value::Bool(false));
        row.insert("IsEipDirectConnection".into(), Value::Bool(false));
        row.insert("AddressType".into(), Value::from(self.address_type));
        row.insert("CascadeRelease".into(), Value::Bool(false));
        row.insert(
            "EipAlgType".into(),
            serde_json::json!({"Ftp": false, "Sip": false}),
        );
        row.insert("InternetServiceProvider".into(), Value::from(self.isp));
        row.insert("LocalBgp".into(), Value::Bool(false));
        row.insert("Bandwidth".into(), Value::from(self.bandwidth));
        row.insert("InternetChargeType".into(), Value::from(self.charge));
        row.insert("TagSet".into(), self.tags.clone());
        row.insert("InstanceType".into(), Value::from(""));
        row.insert("Egress".into(), Value::from(self.egress));
        row.insert("AntiDDoSPackageId".into(), Value::from(""));
        row.insert("RenewFlag".into(), Value::from(""));
        row.insert("BandwidthPackageId".into(), Value::from(""));
        row.insert("UnVpcId".into(), Value::from(""));
        row.insert("DedicatedClusterId".into(), Value::from(""));
        row.insert("EipVisibleOnEni".into(), Value::Bool(false));
        row
    }
}

/// `count` public addresses for new EIPs of the caller's, within the quota.
///
/// # Errors
///
/// `AddressQuotaLimitExceeded` past the quota; `ResourceInsufficient` when the pool is
/// exhausted.
fn fresh_ips(world: &mut World, cx: &Context<'_>, count: u64) -> Result<Vec<Ipv4Addr>, ApiError> {
    // Rule (quota): "Each Tencent Cloud account can create up to 20 EIPs in each region"
    // (`AddressQuotaLimitExceeded`), `TOTAL_EIP_QUOTA` in DescribeAddressQuota.
    let quota = world.quotas.get(ADDRESSES_PER_REGION);
    let region = world.region(&cx.scope);
    let held = region.table(&ADDRESS).rows().len() as u64;
    if held.saturating_add(count) > quota {
        return Err(cx.error(
            &["AddressQuotaLimitExceeded", "LimitExceeded"],
            format!(
                "The quota of {quota} EIPs in region `{}` would be exceeded: {held} held, {count} asked.",
                cx.scope.region
            ),
        ));
    }
    // Rule: an address is never given twice in a scope (the pool is the scope's).
    let used: BTreeSet<Ipv4Addr> = region
        .table(&ADDRESS)
        .rows()
        .iter()
        .filter_map(|row| text(row.get("AddressIp")).and_then(|ip| ip.parse().ok()))
        .collect();
    let ips: Vec<Ipv4Addr> = POOL
        .iter()
        .filter_map(|block| Cidr::parse(block))
        .flat_map(|block| {
            block
                .addresses()
                .filter(move |ip| u32::from(*ip) != block.base && u32::from(*ip) != block.last())
        })
        .filter(|ip| !used.contains(ip))
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .collect();
    if (ips.len() as u64) < count {
        return Err(cx.error(
            &["ResourceInsufficient"],
            "The emulator's pool of public addresses is exhausted.",
        ));
    }
    Ok(ips)
}

/// `TransformAddress`: "convert a common public IP into an Elastic IP". CVM instances
/// and their common public IPs are not emulated, so the instance (an `ins-` ID, taken
/// as existing as elsewhere) is taken to hold one; it becomes an EIP of the caller's,
/// `BIND` to the instance at once (the conversion keeps the address in use). Rules:
/// a malformed ID is `InvalidParameterValue.InstanceIdMalformed`; an instance holding
/// an EIP already is `InvalidInstanceId.AlreadyBindEip` (its public IP is an EIP); the
/// EIP quota holds (`AddressQuotaLimitExceeded`), as TransformAddress documents.
fn transform(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let instance = engine::string_param(cx.params, "InstanceId").ok_or_else(|| {
        cx.error(
            &["MissingParameter"],
            "The parameter `InstanceId` is missing.",
        )
    })?;
    if !engine::instance_shaped(instance) {
        return Err(cx.error(
            &["InvalidParameterValue.InstanceIdMalformed"],
            format!("The value `{instance}` of parameter `InstanceId` is malformed: expected `ins-` followed by 8 lowercase letters or digits."),
        ));
    }
    let bound = world
        .region(&cx.scope)
        .table(&ADDRESS)
        .count(|row| text(row.get("InstanceId")) == Some(instance));
    if bound > 0 {
        return Err(cx.error(
            &["InvalidInstanceId.AlreadyBindEip"],
            format!("The instance `{instance}` holds an EIP already: its public IP is elastic."),
        ));
    }
    let ips = fresh_ips(world, cx, 1)?;
    let new = NewAddress {
        name: "",
        address_type: "EIP",
        isp: "BGP",
        charge: "TRAFFIC_POSTPAID_BY_HOUR",
        bandwidth: 1,
        egress: "center_egress1",
        tags: Value::Array(Vec::new()),
    };
    let mut out = Map::new();
    for ip in ips {
        let id = cx.fresh_id(world, &ADDRESS);
        let mut row = new.row(&id, ip, BIND);
        row.insert("InstanceId".into(), Value::from(instance));
        row.insert("InstanceType".into(), Value::from("CVM"));
        world.region(&cx.scope).table_mut(&ADDRESS).push(row);
        out.insert("AddressId".into(), Value::from(id));
    }
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    if let Some(Value::Array(ids)) = cx.params.get("AddressIds") {
        for id in ids {
            check_address_id(cx, text(Some(id)).unwrap_or_default())?;
        }
    }
    cx.describe(
        world.region(&cx.scope),
        &ADDRESS,
        "AddressIds",
        "AddressSet",
    )
}

fn associate(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let address_id = address_param(cx)?;
    let instance = engine::string_param(cx.params, "InstanceId").filter(|s| !s.is_empty());
    let eni_id = engine::string_param(cx.params, "NetworkInterfaceId").filter(|s| !s.is_empty());
    let private_ip = engine::string_param(cx.params, "PrivateIpAddress").filter(|s| !s.is_empty());
    // "`NetworkInterfaceId` and `InstanceId` cannot be specified at the same time".
    let target = match (instance, eni_id) {
        (Some(_), Some(_)) => {
            return Err(cx.error(
                &["InvalidParameterConflict", "InvalidParameter.Conflict"],
                "`NetworkInterfaceId` and `InstanceId` cannot be given together.",
            ));
        }
        (None, None) => {
            return Err(cx.error(
                &[
                    "InvalidParameterValue.MissingAssociateEntity",
                    "MissingParameter",
                ],
                "Give `InstanceId` or `NetworkInterfaceId` (with `PrivateIpAddress`).",
            ));
        }
        (Some(instance), None) => {
            // CVM instances are not emulated: an ID of the `ins-` shape (as in the
            // member's example, `ins-11112222`) is taken as an existing instance.
            if !engine::instance_shaped(instance) {
                return Err(cx.error(
                    &["InvalidParameterValue.InstanceIdMalformed"],
                    format!("The value `{instance}` of parameter `InstanceId` is malformed: expected `ins-` followed by 8 lowercase letters or digits."),
                ));
            }
            Target::Instance(instance)
        }
        (None, Some(eni)) => {
            // "If you specify `NetworkInterfaceId`, then you must also specify
            // `PrivateIpAddress`" (PrivateIpAddress).
            let ip = private_ip.ok_or_else(|| {
                cx.error(
                    &["MissingParameter"],
                    "The parameter `PrivateIpAddress` is missing (it goes with `NetworkInterfaceId`).",
                )
            })?;
            Target::Eni(eni, ip)
        }
    };
    let region = world.region(&cx.scope);
    let address = region
        .get(&ADDRESS, address_id)
        .ok_or_else(|| cx.not_found_as(&["InvalidAddressId.NotFound"], &ADDRESS, address_id))?;
    // Rule: "Only EIP in the `UNBIND` status can be bound" (AssociateAddress); a bound
    // one answers `UnsupportedOperation.AddressStatusNotPermit`.
    let status = text(address.get("AddressStatus")).unwrap_or_default();
    if status != UNBIND {
        return Err(cx.error(
            &["UnsupportedOperation.AddressStatusNotPermit"],
            format!("The EIP `{address_id}` is `{status}`: only an `UNBIND` EIP can be bound."),
        ));
    }
    let public_ip = text(address.get("AddressIp"))
        .unwrap_or_default()
        .to_owned();
    match target {
        Target::Instance(instance) => {
            // Rule: an instance holds one EIP ("you must unbind the current EIP first",
            // `InvalidInstanceId.AlreadyBindEip`).
            let bound = region
                .table(&ADDRESS)
                .count(|row| text(row.get("InstanceId")) == Some(instance));
            if bound > 0 {
                return Err(cx.error(
                    &["InvalidInstanceId.AlreadyBindEip"],
                    format!("The instance `{instance}` is already bound to an EIP."),
                ));
            }
            if let Some(row) = region.get_mut(&ADDRESS, address_id) {
                row.insert("AddressStatus".into(), Value::from(BIND));
                row.insert("InstanceId".into(), Value::from(instance));
                row.insert("InstanceType".into(), Value::from("CVM"));
            }
        }
        Target::Eni(eni_id, ip) => {
            // Rule: the ENI exists and `PrivateIpAddress` is one of its IPs
            // (`InvalidNetworkInterfaceId.NotFound`: "The specified NetworkInterfaceId
            // does not exist or the specified PrivateIpAddress is not on the
            // NetworkInterfaceId").
            let not_on = || {
                cx.error(
                    &["InvalidNetworkInterfaceId.NotFound"],
                    format!(
                        "The private IP `{ip}` is not on an ENI `{eni_id}` in region `{}`.",
                        cx.scope.region
                    ),
                )
            };
            let eni = region.get(&NETWORK_INTERFACE, eni_id).ok_or_else(not_on)?;
            let entry = entries(eni)
                .find(|e| text(e.get("PrivateIpAddress")) == Some(ip))
                .ok_or_else(not_on)?;
            // Rule: one EIP per private IP ("To bind another EIP to the private IP of the
            // specified ENI, you must first unbind the EIP").
            if let Some(other) = text(entry.get("AddressId")).filter(|s| !s.is_empty()) {
                return Err(cx.error(
                    &["InvalidPrivateIpAddress.AlreadyBindEip"],
                    format!("The private IP `{ip}` of ENI `{eni_id}` is already bound to the EIP `{other}`."),
                ));
            }
            if let Some(eni) = region.get_mut(&NETWORK_INTERFACE, eni_id) {
                for entry in entries_mut(eni) {
                    if text(entry.get("PrivateIpAddress")) == Some(ip) {
                        entry.insert("AddressId".into(), Value::from(address_id));
                        entry.insert("PublicIpAddress".into(), Value::from(public_ip.as_str()));
                    }
                }
            }
            if let Some(row) = region.get_mut(&ADDRESS, address_id) {
                row.insert("AddressStatus".into(), Value::from(BIND_ENI));
                row.insert("NetworkInterfaceId".into(), Value::from(eni_id));
                row.insert("PrivateAddressIp".into(), Value::from(ip));
                row.insert("InstanceType".into(), Value::from("ENI"));
            }
        }
    }
    Ok(Map::new())
}

fn disassociate(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let address_id = address_param(cx)?;
    let region = world.region(&cx.scope);
    let address = region
        .get(&ADDRESS, address_id)
        .ok_or_else(|| cx.not_found_as(&["InvalidAddressId.NotFound"], &ADDRESS, address_id))?;
    // Rule: "Only EIPs in BIND or BIND_ENI status can be unbound" (DisassociateAddress).
    let status = text(address.get("AddressStatus")).unwrap_or_default();
    if status != BIND && status != BIND_ENI {
        return Err(cx.error(
            &[
                "UnsupportedOperation.AddressStatusNotPermit",
                "InvalidAddressIdStatus.NotPermit",
            ],
            format!("The EIP `{address_id}` is `{status}`: only a bound EIP can be unbound."),
        ));
    }
    unbind(region, address_id);
    Ok(Map::new())
}

fn release(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let ids: Vec<&str> = cx
        .params
        .get("AddressIds")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(cx.error(
            &["MissingParameter"],
            "The parameter `AddressIds` is missing.",
        ));
    }
    for id in &ids {
        check_address_id(cx, id)?;
    }
    let region = world.region(&cx.scope);
    // All or none: every EIP is checked before any is released.
    for id in &ids {
        let address = region
            .get(&ADDRESS, id)
            .ok_or_else(|| cx.not_found_as(&["InvalidAddressId.NotFound"], &ADDRESS, id))?;
        // Rule: "Only EIPs in UNBIND status can be released" (ReleaseAddresses):
        // `InvalidAddressState`. An EIP whose allocation failed (`OFFLINING`) can be
        // released too, so a test can clean it up.
        let status = text(address.get("AddressStatus")).unwrap_or_default();
        if status != UNBIND && status != OFFLINING {
            return Err(cx.error(
                &[
                    "InvalidAddressState",
                    "UnsupportedOperation.AddressStatusNotPermit",
                ],
                format!("The EIP `{id}` is `{status}`: only an `UNBIND` EIP can be released."),
            ));
        }
    }
    for id in ids {
        region.remove(&ADDRESS, id, &cx.spec.references);
    }
    Ok(Map::new())
}

/// Unbinds the EIPs bound to the private IPs of the ENI `eni` (those in `ips`, or all
/// of them), for `DeleteNetworkInterface` and `UnassignPrivateIpAddresses`. The ENI's
/// entries are not changed: the caller removes them.
pub(super) fn unbind_eni(region: &mut Region, eni: &str, ips: Option<&[String]>) {
    let bound: Vec<String> = region
        .table(&ADDRESS)
        .rows()
        .iter()
        .filter(|row| text(row.get("NetworkInterfaceId")) == Some(eni))
        .filter(|row| {
            ips.is_none_or(|ips| {
                text(row.get("PrivateAddressIp")).is_some_and(|ip| ips.iter().any(|i| i == ip))
            })
        })
        .filter_map(|row| text(row.get("AddressId")).map(str::to_owned))
        .collect();
    for id in bound {
        unbind(region, &id);
    }
}

/// Unbinds the EIP `id` from its instance or ENI entry.
fn unbind(region: &mut Region, id: &str) {
    let Some(row) = region.get_mut(&ADDRESS, id) else {
        return;
    };
    let eni = text(row.get("NetworkInterfaceId"))
        .unwrap_or_default()
        .to_owned();
    row.insert("AddressStatus".into(), Value::from(UNBIND));
    for member in [
        "InstanceId",
        "NetworkInterfaceId",
        "PrivateAddressIp",
        "InstanceType",
    ] {
        row.insert(member.into(), Value::from(""));
    }
    if let Some(eni) = region.get_mut(&NETWORK_INTERFACE, &eni) {
        for entry in entries_mut(eni) {
            if text(entry.get("AddressId")) == Some(id) {
                entry.insert("AddressId".into(), Value::from(""));
                entry.insert("PublicIpAddress".into(), Value::from(""));
            }
        }
    }
}

/// What an EIP is bound to.
enum Target<'a> {
    Instance(&'a str),
    Eni(&'a str, &'a str),
}

/// The entries of an ENI's `PrivateIpAddressSet`.
fn entries(eni: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    eni.get("PrivateIpAddressSet")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// The entries of an ENI's `PrivateIpAddressSet`, to change them.
fn entries_mut(eni: &mut Map<String, Value>) -> impl Iterator<Item = &mut Map<String, Value>> {
    eni.get_mut("PrivateIpAddressSet")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// The required `AddressId`, checked for shape.
fn address_param<'a>(cx: &Context<'a>) -> Result<&'a str, ApiError> {
    let id = engine::string_param(cx.params, "AddressId").ok_or_else(|| {
        cx.error(
            &["MissingParameter"],
            "The parameter `AddressId` is missing.",
        )
    })?;
    check_address_id(cx, id)?;
    Ok(id)
}

/// An EIP ID of the spec's shape, else `InvalidParameterValue.AddressIdMalformed` (the
/// elastic IP actions' own code for it).
fn check_address_id(cx: &Context<'_>, id: &str) -> Result<(), ApiError> {
    if cx.shape(&ADDRESS).matches(id) {
        return Ok(());
    }
    Err(cx.error(
        &["InvalidParameterValue.AddressIdMalformed", "InvalidParameterValue.Malformed"],
        format!("The EIP ID `{id}` is malformed: expected `eip-` followed by 8 lowercase letters or digits."),
    ))
}

/// The time of creation as `Address.CreatedTime` documents it: ISO 8601, UTC
/// (`YYYY-MM-DDThh:mm:ssZ`).
fn iso_time() -> String {
    format!("{}Z", engine::created_time().replacen(' ', "T", 1))
}
