//! The customer gateway resource: `CreateCustomerGateway`, `DescribeCustomerGateways`
//! and `DeleteCustomerGateway`, with the hand-written rules each names the document of.

use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::{CUSTOMER_GATEWAY, VPN_CONNECTION};
use super::world::World;
use super::{ActionFn, Resource};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateCustomerGateway", create as ActionFn),
        ("DescribeCustomerGateways", describe),
        ("DeleteCustomerGateway", delete),
    ],
    kinds: &[&CUSTOMER_GATEWAY],
    // The VPN connections declare that they refer to customer gateways.
    references: &[],
};

/// The ASNs `CreateCustomerGateway.BgpAsn` excludes: "ASN取值范围为1- 4294967295，其中
/// 139341、45090和58835不可用".
const RESERVED_ASNS: [i64; 3] = [139_341, 45_090, 58_835];

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(cx.params, "CustomerGatewayName").unwrap_or_default();
    engine::check_name("CustomerGatewayName", name, codes)?;
    let ip = engine::string_param(cx.params, "IpAddress").unwrap_or_default();
    // Rule: `IpAddress` is the gateway's public IPv4 address ("Customer gateway public
    // IP"); CreateCustomerGateway documents no code of its own for a malformed one.
    let parsed: Ipv4Addr = ip.parse().map_err(|_| {
        cx.error(
            &["InvalidParameterValue.Malformed", "InvalidParameterValue"],
            format!("The value `{ip}` of parameter `IpAddress` is not an IPv4 address."),
        )
    })?;
    if parsed.is_private() || parsed.is_loopback() || parsed.is_unspecified() {
        return Err(cx.error(
            &["InvalidParameterValue"],
            format!("The address `{ip}` of parameter `IpAddress` is not a public address."),
        ));
    }
    let asn = match cx.params.get("BgpAsn") {
        None | Some(Value::Null) => 0,
        Some(value) => {
            let asn = value
                .as_i64()
                .or_else(|| text(Some(value)).and_then(|s| s.parse().ok()));
            // Rule: the BGP ASN lies in 1..=4294967295, without the reserved ones
            // (RESERVED_ASNS).
            match asn {
                Some(asn)
                    if (1..=4_294_967_295).contains(&asn) && !RESERVED_ASNS.contains(&asn) =>
                {
                    asn
                }
                _ => {
                    return Err(cx.error(
                        &["InvalidParameterValue"],
                        format!(
                            "The value `{value}` of parameter `BgpAsn` is not an ASN from 1 to 4294967295 (139341, 45090 and 58835 are reserved)."
                        ),
                    ));
                }
            }
        }
    };
    let tags = engine::read_tags(cx.params, codes)?;
    // Rule: one customer gateway per public IP in an account and region. The code is
    // CreateCustomerGateway's `InvalidParameterValue.Duplicate` ("The input parameter
    // already exists"); that the real service answers this one (and not
    // `UnsupportedOperation.RecordExists`) is not verified.
    let region = world.region(&cx.scope);
    if let Some(other) = region
        .table(&CUSTOMER_GATEWAY)
        .rows()
        .iter()
        .find(|row| text(row.get("IpAddress")) == Some(ip))
    {
        return Err(cx.error(
            &["InvalidParameterValue.Duplicate"],
            format!(
                "The customer gateway `{}` already has the IP address `{ip}`.",
                text(other.get("CustomerGatewayId")).unwrap_or_default()
            ),
        ));
    }
    let id = cx.fresh_id(world, &CUSTOMER_GATEWAY);
    let mut row = Map::new();
    row.insert("CustomerGatewayId".into(), Value::from(id));
    row.insert("CustomerGatewayName".into(), Value::from(name));
    row.insert("IpAddress".into(), Value::from(ip));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    row.insert("BgpAsn".into(), Value::from(asn));
    row.insert("VpnConnNum".into(), Value::from(0));
    row.insert("TagSet".into(), tags);
    world
        .region(&cx.scope)
        .table_mut(&CUSTOMER_GATEWAY)
        .push(row.clone());
    let mut out = Map::new();
    out.insert("CustomerGateway".into(), Value::Object(row));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = world.region(&cx.scope);
    let mut out = cx.describe(
        region,
        &CUSTOMER_GATEWAY,
        "CustomerGatewayIds",
        "CustomerGatewaySet",
    )?;
    // `VpnConnNum` ("关联通道数"): counted when listed, so it never goes stale.
    let connections = region.table(&VPN_CONNECTION);
    for item in out
        .get_mut("CustomerGatewaySet")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Value::Object(row) = item {
            let id = text(row.get("CustomerGatewayId"))
                .unwrap_or_default()
                .to_owned();
            let n = connections.count(|c| text(c.get("CustomerGatewayId")) == Some(id.as_str()));
            row.insert("VpnConnNum".into(), Value::from(n));
        }
    }
    Ok(out)
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("CustomerGatewayId", &CUSTOMER_GATEWAY)?;
    // Rule (dependencies): a customer gateway with VPN connections cannot be deleted
    // (the connections refer to it): `ResourceInUse`, as DeleteCustomerGateway
    // documents it.
    cx.delete(world, &CUSTOMER_GATEWAY, id, &["ResourceInUse"])?;
    Ok(Map::new())
}
