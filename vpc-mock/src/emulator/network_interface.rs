//! The ENI resource (elastic network interfaces): `CreateNetworkInterface`,
//! `DescribeNetworkInterfaces`, `DeleteNetworkInterface`, `AssignPrivateIpAddresses`
//! and `UnassignPrivateIpAddresses`, with the hand-written rules each names the
//! document of. An ENI lives in a subnet of a VPC and holds private IPs of the subnet's
//! block; the IPs an ENI holds are the subnet's taken addresses (no other record), and
//! the subnet's `AvailableIpAddressCount` follows them.
//!
//! CVM instances are not emulated, so an ENI is never attached (`Attachment` is left
//! out, `Primary` is `false`: every ENI made through the API is a secondary ENI).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::{self, text};
use super::kinds::{NETWORK_INTERFACE, SECURITY_GROUP, SUBNET, VPC};
use super::world::{OnDelete, Reference, Region, World, always};
use super::{ActionFn, ENIS_PER_VPC, PRIVATE_IPS_PER_ENI, Resource, address};
use crate::handler::ApiError;

/// An ENI lies in a VPC, which cannot be deleted while it has ENIs (DeleteVpc: "make
/// sure that the VPC has no related resources").
static IN_VPC: Reference = Reference {
    from: &NETWORK_INTERFACE,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Refuse(always),
};

/// An ENI lies in a subnet, which cannot be deleted while it has ENIs (DeleteSubnet:
/// "delete the resources in the subnet first").
static IN_SUBNET: Reference = Reference {
    from: &NETWORK_INTERFACE,
    member: "SubnetId",
    to: &SUBNET,
    on_delete: OnDelete::Refuse(always),
};

/// An ENI's security groups cannot be deleted while it is bound to them
/// (DeleteSecurityGroup: a security group bound to instances cannot be deleted).
static IN_GROUP: Reference = Reference {
    from: &NETWORK_INTERFACE,
    member: "GroupSet",
    to: &SECURITY_GROUP,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateNetworkInterface", create as ActionFn),
        ("DescribeNetworkInterfaces", describe),
        ("DeleteNetworkInterface", delete),
        ("AssignPrivateIpAddresses", assign),
        ("UnassignPrivateIpAddresses", unassign),
    ],
    kinds: &[&NETWORK_INTERFACE],
    references: &[&IN_VPC, &IN_SUBNET, &IN_GROUP],
};

/// The states of a new ENI: `PENDING`, then `AVAILABLE` (the `State` member's
/// document). The document lists no failure state; a failed creation is rolled back,
/// which the emulator shows as `DELETING` (the ENI can then be deleted).
const PASSING: &str = "PENDING";
const AVAILABLE: &str = "AVAILABLE";
const FAILED: &str = "DELETING";

/// At most 10 private IPs named per call (`PrivateIpAddresses`: "You can specify a
/// maximum of 10 each time").
const MAX_NAMED_IPS: usize = 10;

/// The service levels `QosLevel` documents.
const QOS_LEVELS: [&str; 4] = ["PT", "AU", "AG", "DEFAULT"];

/// A private IP a request names.
struct WantedIp {
    ip: Ipv4Addr,
    primary: bool,
    description: String,
}

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let vpc_id = cx.id_param("VpcId", &VPC)?;
    let subnet_id = cx.id_param("SubnetId", &SUBNET)?;
    let name = engine::string_param(cx.params, "NetworkInterfaceName").unwrap_or_default();
    engine::check_name("NetworkInterfaceName", name, codes)?;
    let description =
        engine::string_param(cx.params, "NetworkInterfaceDescription").unwrap_or_default();
    // "the maximum length is 60 characters" (NetworkInterfaceDescription).
    if description.chars().count() > 60 {
        return Err(cx.error(
            &["InvalidParameterValue.TooLong"],
            "The value of parameter `NetworkInterfaceDescription` is longer than 60 characters.",
        ));
    }
    let tags = engine::read_tags(cx.params, codes)?;
    let qos = qos_level(cx)?;
    let groups = text_list(cx, "SecurityGroupIds")?;
    let secondary = count_param(cx, "SecondaryPrivateIpAddressCount")?;
    let ip_quota = world.quotas.get(PRIVATE_IPS_PER_ENI);
    let eni_quota = world.quotas.get(ENIS_PER_VPC);
    let region = world.region(&cx.scope);
    if region.get(&VPC, vpc_id).is_none() {
        return Err(cx.not_found(&VPC, vpc_id));
    }
    let subnet = region
        .get(&SUBNET, subnet_id)
        .ok_or_else(|| cx.not_found(&SUBNET, subnet_id))?;
    // Rule: the subnet is one of the VPC's (CreateNetworkInterface: "The specified private
    // IP must be in the same subnet as the ENI", the subnet of `VpcId`); another VPC's
    // subnet is not found in this one.
    let subnet_vpc = text(subnet.get("VpcId")).unwrap_or_default();
    if subnet_vpc != vpc_id {
        return Err(cx.error(
            &["ResourceNotFound"],
            format!("The subnet `{subnet_id}` is not in VPC `{vpc_id}` (it is in `{subnet_vpc}`)."),
        ));
    }
    let block = subnet_block(cx, subnet)?;
    let zone = text(subnet.get("Zone")).unwrap_or_default().to_owned();
    // Rule: the security groups exist ("You can bind an existing security group when
    // creating an ENI").
    for group in &groups {
        if region.get(&SECURITY_GROUP, group).is_none() {
            return Err(cx.not_found(&SECURITY_GROUP, group));
        }
    }
    // Rule (quota): at most `vpc-max-enis` ENIs per VPC
    // (`LimitExceeded.NetworkInterfaceLimitExceeded`: "The number of elastic network
    // interfaces created in the VPC exceeds the quota").
    let in_vpc = region
        .table(&NETWORK_INTERFACE)
        .count(|row| text(row.get("VpcId")) == Some(vpc_id)) as u64;
    if in_vpc >= eni_quota {
        return Err(cx.error(
            &[
                "LimitExceeded.NetworkInterfaceLimitExceeded",
                "LimitExceeded",
            ],
            format!("The quota of {eni_quota} ENIs in VPC `{vpc_id}` is reached."),
        ));
    }
    let mut taken = taken_ips(region, subnet_id);
    let wanted = read_wanted_ips(cx, block, &taken)?;
    // Rule: one primary IP ("you can specify ... a primary IP").
    if wanted.iter().filter(|w| w.primary).count() > 1 {
        return Err(cx.error(
            &["InvalidParameterValue"],
            "At most one of `PrivateIpAddresses` is `Primary`.",
        ));
    }
    // Without a named IP the primary one is given out too.
    let auto = secondary + u64::from(wanted.is_empty());
    check_ip_quota(cx, 0, wanted.len() as u64 + auto, ip_quota)?;
    taken.extend(wanted.iter().map(|w| w.ip));
    let given = allocate(cx, block, &taken, auto, subnet_id)?;

    // The primary IP first: the named one marked primary, else the first named, else the
    // first given out.
    let primary_index = wanted.iter().position(|w| w.primary).unwrap_or(0);
    let mut entries = Vec::new();
    for (index, w) in wanted.iter().enumerate() {
        let entry = ip_entry(w.ip, index == primary_index, &w.description, &qos);
        if index == primary_index {
            entries.insert(0, entry);
        } else {
            entries.push(entry);
        }
    }
    for (index, ip) in given.into_iter().enumerate() {
        entries.push(ip_entry(ip, wanted.is_empty() && index == 0, "", &qos));
    }
    let count = entries.len() as i64;

    let id = cx.fresh_id(world, &NETWORK_INTERFACE);
    let mut row = Map::new();
    row.insert("NetworkInterfaceId".into(), Value::from(id.as_str()));
    row.insert("NetworkInterfaceName".into(), Value::from(name));
    row.insert(
        "NetworkInterfaceDescription".into(),
        Value::from(description),
    );
    row.insert("SubnetId".into(), Value::from(subnet_id));
    row.insert("VpcId".into(), Value::from(vpc_id));
    row.insert(
        "GroupSet".into(),
        Value::Array(groups.into_iter().map(Value::from).collect()),
    );
    row.insert("Primary".into(), Value::Bool(false));
    row.insert("MacAddress".into(), Value::from(mac_address(&id)));
    row.insert("State".into(), Value::from(PASSING));
    row.insert("NetworkInterfaceState".into(), Value::from(PASSING));
    row.insert("PrivateIpAddressSet".into(), Value::Array(entries));
    row.insert("Zone".into(), Value::from(zone));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    row.insert("Ipv6AddressSet".into(), Value::Array(Vec::new()));
    row.insert("TagSet".into(), tags);
    row.insert("EniType".into(), Value::from(0));
    row.insert("Business".into(), Value::from(""));
    row.insert("CdcId".into(), Value::from(""));
    row.insert("AttachType".into(), Value::from(0));
    row.insert("ResourceId".into(), Value::from(""));
    row.insert("QosLevel".into(), Value::from(qos));
    let region = world.region(&cx.scope);
    region.table_mut(&NETWORK_INTERFACE).push(row);
    adjust_available(region, subnet_id, -count);
    for member in ["State", "NetworkInterfaceState"] {
        cx.change_later(
            world,
            &NETWORK_INTERFACE,
            &id,
            member,
            PASSING,
            (AVAILABLE, FAILED),
        );
    }
    let row = world
        .region(&cx.scope)
        .get(&NETWORK_INTERFACE, &id)
        .cloned()
        .unwrap_or_default();
    let mut out = Map::new();
    out.insert("NetworkInterface".into(), Value::Object(row));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    cx.describe(
        world.region(&cx.scope),
        &NETWORK_INTERFACE,
        "NetworkInterfaceIds",
        "NetworkInterfaceSet",
    )
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("NetworkInterfaceId", &NETWORK_INTERFACE)?;
    let eni = cx.find(world, &NETWORK_INTERFACE, id)?;
    check_settled(cx, eni, id, false)?;
    let subnet_id = text(eni.get("SubnetId")).unwrap_or_default().to_owned();
    let count = ips_of(eni).len() as i64;
    // Rule: "After the deletion, all of its private IP addresses will be released"
    // (DeleteNetworkInterface), and returning a private IP unbinds its EIP
    // (UnassignPrivateIpAddresses: "the EIP will be automatically unassociated as well"):
    // the ENI's EIPs are unbound, not a reason to refuse. "An ENI cannot be deleted when
    // it's bound to a CVM": ENIs are never bound to one here.
    let region = world.region(&cx.scope);
    address::unbind_eni(region, id, None);
    cx.delete(world, &NETWORK_INTERFACE, id, &[])?;
    adjust_available(world.region(&cx.scope), &subnet_id, count);
    Ok(Map::new())
}

fn assign(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("NetworkInterfaceId", &NETWORK_INTERFACE)?;
    let secondary = count_param(cx, "SecondaryPrivateIpAddressCount")?;
    // "You should provide either this parameter or SecondaryPrivateIpAddressCount, or
    // both" (PrivateIpAddresses).
    if !cx.params.contains_key("PrivateIpAddresses") && secondary == 0 {
        return Err(cx.error(
            &["MissingParameter"],
            "Give `PrivateIpAddresses` or `SecondaryPrivateIpAddressCount`.",
        ));
    }
    let qos = qos_level(cx)?;
    let ip_quota = world.quotas.get(PRIVATE_IPS_PER_ENI);
    let region = world.region(&cx.scope);
    let eni = region
        .get(&NETWORK_INTERFACE, id)
        .ok_or_else(|| cx.not_found(&NETWORK_INTERFACE, id))?;
    check_settled(cx, eni, id, true)?;
    let subnet_id = text(eni.get("SubnetId")).unwrap_or_default().to_owned();
    let held = ips_of(eni).len() as u64;
    let subnet = region
        .get(&SUBNET, &subnet_id)
        .ok_or_else(|| cx.not_found(&SUBNET, &subnet_id))?;
    let block = subnet_block(cx, subnet)?;
    let mut taken = taken_ips(region, &subnet_id);
    let wanted = read_wanted_ips(cx, block, &taken)?;
    // Rule: "It cannot be a primary IP because the primary IP already exists and cannot
    // be modified" (AssignPrivateIpAddresses).
    if let Some(w) = wanted.iter().find(|w| w.primary) {
        return Err(cx.error(
            &["InvalidParameterValue"],
            format!(
                "The IP `{}` cannot be primary: the ENI `{id}` has its primary IP.",
                w.ip
            ),
        ));
    }
    check_ip_quota(cx, held, wanted.len() as u64 + secondary, ip_quota)?;
    taken.extend(wanted.iter().map(|w| w.ip));
    let given = allocate(cx, block, &taken, secondary, &subnet_id)?;
    let added: Vec<Value> = wanted
        .iter()
        .map(|w| ip_entry(w.ip, false, &w.description, &qos))
        .chain(given.into_iter().map(|ip| ip_entry(ip, false, "", &qos)))
        .collect();
    let region = world.region(&cx.scope);
    if let Some(Value::Array(set)) = region
        .get_mut(&NETWORK_INTERFACE, id)
        .and_then(|eni| eni.get_mut("PrivateIpAddressSet"))
    {
        set.extend(added.iter().cloned());
    }
    adjust_available(region, &subnet_id, -(added.len() as i64));
    let mut out = Map::new();
    out.insert("PrivateIpAddressSet".into(), Value::Array(added));
    Ok(out)
}

fn unassign(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("NetworkInterfaceId", &NETWORK_INTERFACE)?;
    let list = cx
        .params
        .get("PrivateIpAddresses")
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty())
        .ok_or_else(|| {
            cx.error(
                &["MissingParameter"],
                "The parameter `PrivateIpAddresses` is missing.",
            )
        })?;
    if list.len() > MAX_NAMED_IPS {
        return Err(cx.error(
            &["InvalidParameterValue.LimitExceeded"],
            format!("At most {MAX_NAMED_IPS} `PrivateIpAddresses` per request."),
        ));
    }
    let mut ips = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let ip = read_ip(cx, item, index)?;
        if ips.contains(&ip) {
            return Err(cx.error(
                &["InvalidParameterValue.DuplicatePara"],
                format!("The IP `{ip}` is given twice in `PrivateIpAddresses`."),
            ));
        }
        ips.push(ip);
    }
    let region = world.region(&cx.scope);
    let eni = region
        .get(&NETWORK_INTERFACE, id)
        .ok_or_else(|| cx.not_found(&NETWORK_INTERFACE, id))?;
    check_settled(cx, eni, id, true)?;
    let subnet_id = text(eni.get("SubnetId")).unwrap_or_default().to_owned();
    let entries = eni
        .get("PrivateIpAddressSet")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for ip in &ips {
        let entry = entries
            .iter()
            .find(|e| text(e.get("PrivateIpAddress")) == Some(ip.to_string().as_str()));
        let Some(entry) = entry else {
            return Err(cx.error(
                &[
                    "UnsupportedOperation.AttachmentNotFound",
                    "ResourceNotFound",
                ],
                format!("The IP `{ip}` is not a private IP of the ENI `{id}`."),
            ));
        };
        // Rule: "The primary private IP of the ENI cannot be returned"
        // (UnassignPrivateIpAddresses).
        if entry.get("Primary") == Some(&Value::Bool(true)) {
            return Err(cx.error(
                &["UnsupportedOperation"],
                format!(
                    "The IP `{ip}` is the primary IP of the ENI `{id}`: it cannot be returned."
                ),
            ));
        }
    }
    let texts: Vec<String> = ips.iter().map(ToString::to_string).collect();
    // Rule: "If a secondary private IP of an ENI is returned, the EIP will be
    // automatically unassociated as well" (UnassignPrivateIpAddresses).
    address::unbind_eni(region, id, Some(&texts));
    if let Some(Value::Array(set)) = region
        .get_mut(&NETWORK_INTERFACE, id)
        .and_then(|eni| eni.get_mut("PrivateIpAddressSet"))
    {
        set.retain(|e| {
            !text(e.get("PrivateIpAddress")).is_some_and(|ip| texts.iter().any(|t| t == ip))
        });
    }
    adjust_available(region, &subnet_id, ips.len() as i64);
    Ok(Map::new())
}

/// Rule: an ENI still `PENDING` (or, for `running`, not `AVAILABLE`) takes no change
/// (`UnsupportedOperation.InvalidState`: "Invalid resource status"); a failed one can be
/// deleted.
fn check_settled(
    cx: &Context<'_>,
    eni: &Map<String, Value>,
    id: &str,
    running: bool,
) -> Result<(), ApiError> {
    let state = text(eni.get("State")).unwrap_or_default();
    let refused = if running {
        state != AVAILABLE
    } else {
        state == PASSING
    };
    if refused {
        return Err(cx.error(
            &["UnsupportedOperation.InvalidState", "UnsupportedOperation"],
            format!("The ENI `{id}` is `{state}`."),
        ));
    }
    Ok(())
}

/// `QosLevel`, one of the documented levels (`DEFAULT` when absent).
fn qos_level(cx: &Context<'_>) -> Result<String, ApiError> {
    let qos = engine::string_param(cx.params, "QosLevel").unwrap_or("DEFAULT");
    if QOS_LEVELS.contains(&qos) {
        Ok(qos.to_owned())
    } else {
        Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            format!("The value `{qos}` of parameter `QosLevel` is not one of PT, AU, AG, DEFAULT."),
        ))
    }
}

/// A list of texts (absent: empty).
fn text_list(cx: &Context<'_>, member: &str) -> Result<Vec<String>, ApiError> {
    match cx.params.get(member) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    cx.error(
                        &["InvalidParameterValue.Malformed", "InvalidParameter"],
                        format!("`{member}` holds a value that is not a text."),
                    )
                })
            })
            .collect(),
        Some(_) => Err(cx.error(
            &["InvalidParameterValue.Malformed", "InvalidParameter"],
            format!("The parameter `{member}` is not a list."),
        )),
    }
}

/// A count parameter (absent: 0), a number or its text.
fn count_param(cx: &Context<'_>, member: &str) -> Result<u64, ApiError> {
    let value = match cx.params.get(member) {
        None | Some(Value::Null) => return Ok(0),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        Some(_) => None,
    };
    value.ok_or_else(|| {
        cx.error(
            &["InvalidParameterValue.Malformed", "InvalidParameterValue"],
            format!("The parameter `{member}` is not a count."),
        )
    })
}

/// The block of a subnet row.
fn subnet_block(cx: &Context<'_>, subnet: &Map<String, Value>) -> Result<Cidr, ApiError> {
    text(subnet.get("CidrBlock"))
        .and_then(Cidr::parse)
        .ok_or_else(|| cx.error(&["InternalError"], "The subnet's block is unreadable."))
}

/// The private IPs `eni` holds.
fn ips_of(eni: &Map<String, Value>) -> Vec<Ipv4Addr> {
    eni.get("PrivateIpAddressSet")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| text(e.get("PrivateIpAddress")).and_then(|ip| ip.parse().ok()))
        .collect()
}

/// The addresses of `subnet_id` its ENIs hold.
fn taken_ips(region: &Region, subnet_id: &str) -> BTreeSet<Ipv4Addr> {
    region
        .table(&NETWORK_INTERFACE)
        .rows()
        .iter()
        .filter(|eni| text(eni.get("SubnetId")) == Some(subnet_id))
        .flat_map(ips_of)
        .collect()
}

/// The address of `PrivateIpAddresses.{index}`.
fn read_ip(cx: &Context<'_>, item: &Value, index: usize) -> Result<Ipv4Addr, ApiError> {
    let value = text(item.get("PrivateIpAddress")).ok_or_else(|| {
        cx.error(
            &["MissingParameter"],
            format!("The parameter `PrivateIpAddresses.{index}.PrivateIpAddress` is missing."),
        )
    })?;
    value.parse().map_err(|_| {
        cx.error(
            &["InvalidParameterValue.Malformed", "InvalidParameterValue"],
            format!(
                "The value `{value}` of parameter `PrivateIpAddresses.{index}.PrivateIpAddress` is not an IPv4 address."
            ),
        )
    })
}

/// The IPs `PrivateIpAddresses` names, each checked against the subnet's block and the
/// addresses taken.
fn read_wanted_ips(
    cx: &Context<'_>,
    block: Cidr,
    taken: &BTreeSet<Ipv4Addr>,
) -> Result<Vec<WantedIp>, ApiError> {
    let list = match cx.params.get("PrivateIpAddresses") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(cx.error(
                &["InvalidParameterValue.Malformed", "InvalidParameter"],
                "The parameter `PrivateIpAddresses` is not a list.",
            ));
        }
    };
    if list.len() > MAX_NAMED_IPS {
        return Err(cx.error(
            &["InvalidParameterValue.LimitExceeded"],
            format!("At most {MAX_NAMED_IPS} `PrivateIpAddresses` per request."),
        ));
    }
    let mut out: Vec<WantedIp> = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let ip = read_ip(cx, item, index)?;
        // Rule: "The specified private IP must be in the same subnet as the ENI and is not
        // occupied" (CreateNetworkInterface; AssignPrivateIpAddresses: "an idle IP in the
        // subnet"): outside the block `InvalidParameterValue.Range`, one of the 3
        // addresses Tencent keeps `InvalidParameterValue.Reserved`, taken `ResourceInUse`.
        if !block.contains_ip(ip) {
            return Err(cx.error(
                &["InvalidParameterValue.Range", "InvalidParameterValue"],
                format!("The IP `{ip}` is not in the subnet block `{block}`."),
            ));
        }
        if block.reserved(ip) {
            return Err(cx.error(
                &["InvalidParameterValue.Reserved", "InvalidParameterValue"],
                format!("The IP `{ip}` is reserved in the subnet block `{block}` (network, gateway or broadcast)."),
            ));
        }
        if out.iter().any(|w| w.ip == ip) {
            return Err(cx.error(
                &["InvalidParameterValue.DuplicatePara", "ResourceInUse"],
                format!("The IP `{ip}` is given twice in `PrivateIpAddresses`."),
            ));
        }
        if taken.contains(&ip) {
            return Err(cx.error(
                &["ResourceInUse"],
                format!("The IP `{ip}` of subnet block `{block}` is in use."),
            ));
        }
        out.push(WantedIp {
            ip,
            primary: item.get("Primary") == Some(&Value::Bool(true)),
            description: text(item.get("Description")).unwrap_or_default().to_owned(),
        });
    }
    Ok(out)
}

/// Rule (quota): an ENI holds at most `eni-max-private-ips` private IPs ("An ENI can
/// only be bound with a limited number of IP addresses", "ENI > Use Limits";
/// `LimitExceeded`).
fn check_ip_quota(cx: &Context<'_>, held: u64, more: u64, quota: u64) -> Result<(), ApiError> {
    if held.saturating_add(more) > quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!("An ENI holds at most {quota} private IPs: {held} held, {more} more asked."),
        ));
    }
    Ok(())
}

/// `count` free addresses of `block`, the first usable ones not in `taken`.
///
/// # Errors
///
/// Rule: a subnet without enough free addresses answers
/// `ResourceInsufficient.Subnet` ("The subnet does not have sufficient IPs").
fn allocate(
    cx: &Context<'_>,
    block: Cidr,
    taken: &BTreeSet<Ipv4Addr>,
    count: u64,
    subnet_id: &str,
) -> Result<Vec<Ipv4Addr>, ApiError> {
    let free: Vec<Ipv4Addr> = block
        .usable()
        .filter(|ip| !taken.contains(ip))
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .collect();
    if (free.len() as u64) < count {
        return Err(cx.error(
            &["ResourceInsufficient.Subnet", "ResourceInsufficient"],
            format!(
                "The subnet `{subnet_id}` ({block}) has {} free IPs, {count} asked.",
                free.len()
            ),
        ));
    }
    Ok(free)
}

/// A `PrivateIpAddressSpecification` of a new IP.
fn ip_entry(ip: Ipv4Addr, primary: bool, description: &str, qos: &str) -> Value {
    let mut entry = Map::new();
    entry.insert("PrivateIpAddress".into(), Value::from(ip.to_string()));
    entry.insert("Primary".into(), Value::Bool(primary));
    entry.insert("PublicIpAddress".into(), Value::from(""));
    entry.insert("AddressId".into(), Value::from(""));
    entry.insert("Description".into(), Value::from(description));
    entry.insert("IsWanIpBlocked".into(), Value::Bool(false));
    entry.insert("State".into(), Value::from(AVAILABLE));
    entry.insert("QosLevel".into(), Value::from(qos));
    Value::Object(entry)
}

/// Keeps a subnet's `AvailableIpAddressCount` in step with the IPs its ENIs hold:
/// `delta` IPs were returned (positive) or taken (negative).
fn adjust_available(region: &mut Region, subnet_id: &str, delta: i64) {
    if let Some(subnet) = region.get_mut(&SUBNET, subnet_id) {
        let now = subnet
            .get("AvailableIpAddressCount")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let next = now.saturating_add_signed(delta);
        subnet.insert("AvailableIpAddressCount".into(), Value::from(next));
    }
}

/// A MAC address derived from the ENI's ID (stable, so seeded runs repeat), in the
/// shape of the spec's examples (`20:90:6F:...`).
fn mac_address(id: &str) -> String {
    // FNV-1a: a fixed, dependency-free hash.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let [a, b, c, ..] = hash.to_be_bytes();
    format!("20:90:6F:{a:02X}:{b:02X}:{c:02X}")
}
