//! The VPN connection (tunnel) resource: `CreateVpnConnection`,
//! `DescribeVpnConnections`, `DeleteVpnConnection`, and `ResetVpnConnection` for the
//! connections this emulator created, with the hand-written rules each names the
//! document of.
//!
//! `ResetVpnConnection` is shared with the VPN tunnel fixture (`VpcState`, `vpc.rs`):
//! the emulator serves the calls naming one of its own connections ([`SHARED`]) and
//! hands every other call to the handler after it, which serves the fixture's tunnels
//! as before.
//!
//! The pre-shared key is kept in the row and answered in `PreShareKey`, because the
//! `VpnConnection` object documents that member (as the real service does); the
//! emulator writes it nowhere else (no message, no log).

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::{CUSTOMER_GATEWAY, VPN_CONNECTION, VPN_GATEWAY};
use super::world::{Kind, OnDelete, Reference, World, always};
use super::{ActionFn, Resource};
use crate::handler::ApiError;

/// A connection belongs to a VPN gateway, which cannot be deleted while it has
/// connections (issue 19: "a VPN gateway with connections").
static OF_GATEWAY: Reference = Reference {
    from: &VPN_CONNECTION,
    member: "VpnGatewayId",
    to: &VPN_GATEWAY,
    on_delete: OnDelete::Refuse(always),
};

/// A connection goes to a customer gateway, which cannot be deleted while connections
/// use it (DeleteCustomerGateway documents `ResourceInUse`).
static TO_CUSTOMER: Reference = Reference {
    from: &VPN_CONNECTION,
    member: "CustomerGatewayId",
    to: &CUSTOMER_GATEWAY,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateVpnConnection", create as ActionFn),
        ("DescribeVpnConnections", describe),
        ("DeleteVpnConnection", delete),
        ("ResetVpnConnection", reset),
    ],
    kinds: &[&VPN_CONNECTION],
    references: &[&OF_GATEWAY, &TO_CUSTOMER],
};

/// The action this emulator shares with a handler before it, the ID member that picks
/// the row and the row's kind: it serves a call only when the row is one of its own.
pub(super) static SHARED: (&str, &str, &Kind) =
    ("ResetVpnConnection", "VpnConnectionId", &VPN_CONNECTION);

/// `IKEOptionsSpecification`'s documented defaults (each member's document: "default
/// value: ..."), as `DescribeVpnConnections`' example shows them.
fn ike_defaults(local: &str, remote: &str) -> Map<String, Value> {
    let mut ike = Map::new();
    for (key, value) in [
        ("PropoEncryAlgorithm", "3DES-CBC"),
        ("PropoAuthenAlgorithm", "MD5"),
        ("ExchangeMode", "MAIN"),
        ("LocalIdentity", "ADDRESS"),
        ("RemoteIdentity", "ADDRESS"),
        ("LocalAddress", local),
        ("RemoteAddress", remote),
        ("LocalFqdnName", ""),
        ("RemoteFqdnName", ""),
        ("DhGroupName", "GROUP1"),
        ("IKEVersion", "IKEV1"),
    ] {
        ike.insert(key.into(), Value::from(value));
    }
    ike.insert("IKESaLifetimeSeconds".into(), Value::from(86_400));
    ike
}

/// `IPSECOptionsSpecification`'s documented defaults.
fn ipsec_defaults() -> Map<String, Value> {
    let mut ipsec = Map::new();
    for (key, value) in [
        ("EncryptAlgorithm", "AES-CBC-128"),
        ("IntegrityAlgorith", "SHA1"),
        ("PfsDhGroup", "NULL"),
    ] {
        ipsec.insert(key.into(), Value::from(value));
    }
    ipsec.insert("IPSECSaLifetimeSeconds".into(), Value::from(3600));
    ipsec.insert("IPSECSaLifetimeTraffic".into(), Value::from(1_843_200));
    ipsec
}

/// `defaults` with the members of the parameter `member` over them.
fn merged(cx: &Context<'_>, member: &str, mut defaults: Map<String, Value>) -> Value {
    if let Some(Value::Object(given)) = cx.params.get(member) {
        for (key, value) in given {
            defaults.insert(key.clone(), value.clone());
        }
    }
    Value::Object(defaults)
}

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(cx.params, "VpnConnectionName").unwrap_or_default();
    engine::check_name("VpnConnectionName", name, codes)?;
    let gateway_id = cx.id_param("VpnGatewayId", &VPN_GATEWAY)?;
    let customer_id = cx.id_param("CustomerGatewayId", &CUSTOMER_GATEWAY)?;
    let key = engine::string_param(cx.params, "PreShareKey").unwrap_or_default();
    if key.is_empty() {
        return Err(cx.error(
            &["InvalidParameterValue.Empty", "MissingParameter"],
            "The parameter `PreShareKey` is empty.",
        ));
    }
    let tags = engine::read_tags(cx.params, codes)?;
    let region = world.region(&cx.scope);
    // Rule: the VPN gateway and the customer gateway exist in the caller's account and
    // region (CreateVpnConnection: `ResourceNotFound`).
    let gateway = region
        .get(&VPN_GATEWAY, gateway_id)
        .ok_or_else(|| cx.not_found(&VPN_GATEWAY, gateway_id))?;
    let customer = region
        .get(&CUSTOMER_GATEWAY, customer_id)
        .ok_or_else(|| cx.not_found(&CUSTOMER_GATEWAY, customer_id))?;
    // Rule (state): the VPN gateway is running (`AVAILABLE`); one still being created
    // or failed is `UnsupportedOperation.InvalidState`.
    let state = text(gateway.get("State")).unwrap_or_default();
    if state != "AVAILABLE" {
        return Err(cx.error(
            &["UnsupportedOperation.InvalidState"],
            format!("The VPN gateway `{gateway_id}` is {state}; it must be AVAILABLE."),
        ));
    }
    let gateway_vpc = text(gateway.get("VpcId")).unwrap_or_default().to_owned();
    // Rule: a given `VpcId` is the VPN gateway's VPC (CreateVpnConnection.VpcId).
    if let Some(vpc_id) = engine::string_param(cx.params, "VpcId")
        && !vpc_id.is_empty()
        && vpc_id != gateway_vpc
    {
        return Err(cx.error(
            &["InvalidParameterValue"],
            format!("The VPN gateway `{gateway_id}` is not in VPC `{vpc_id}`."),
        ));
    }
    let local = text(gateway.get("PublicIpAddress"))
        .unwrap_or_default()
        .to_owned();
    let remote = text(customer.get("IpAddress"))
        .unwrap_or_default()
        .to_owned();
    // Rule: one connection between a VPN gateway and a customer gateway
    // (CreateVpnConnection documents `InvalidParameterValue.Duplicate`).
    if let Some(other) = region.table(&VPN_CONNECTION).rows().iter().find(|row| {
        text(row.get("VpnGatewayId")) == Some(gateway_id)
            && text(row.get("CustomerGatewayId")) == Some(customer_id)
    }) {
        return Err(cx.error(
            &["InvalidParameterValue.Duplicate"],
            format!(
                "The VPN connection `{}` already joins VPN gateway `{gateway_id}` and customer gateway `{customer_id}`.",
                text(other.get("VpnConnectionId")).unwrap_or_default()
            ),
        ));
    }
    let id = cx.fresh_id(world, &VPN_CONNECTION);
    let text_or = |member: &str, default: &str| {
        Value::from(engine::string_param(cx.params, member).unwrap_or(default))
    };
    let mut row = Map::new();
    row.insert("VpnConnectionId".into(), Value::from(id.clone()));
    row.insert("VpnConnectionName".into(), Value::from(name));
    row.insert("VpcId".into(), Value::from(gateway_vpc));
    row.insert("VpnGatewayId".into(), Value::from(gateway_id));
    row.insert("CustomerGatewayId".into(), Value::from(customer_id));
    row.insert("PreShareKey".into(), Value::from(key));
    row.insert("VpnProto".into(), Value::from("IPSEC"));
    row.insert("EncryptProto".into(), Value::from("IKE"));
    row.insert("RouteType".into(), text_or("RouteType", "StaticRoute"));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    row.insert("State".into(), Value::from("PENDING"));
    row.insert("NetStatus".into(), Value::from("AVAILABLE"));
    row.insert(
        "SecurityPolicyDatabaseSet".into(),
        cx.params
            .get("SecurityPolicyDatabases")
            .cloned()
            .unwrap_or(Value::Array(Vec::new())),
    );
    row.insert(
        "IKEOptionsSpecification".into(),
        merged(cx, "IKEOptionsSpecification", ike_defaults(&local, &remote)),
    );
    row.insert(
        "IPSECOptionsSpecification".into(),
        merged(cx, "IPSECOptionsSpecification", ipsec_defaults()),
    );
    let health = cx.params.get("EnableHealthCheck") == Some(&Value::Bool(true));
    row.insert("EnableHealthCheck".into(), Value::Bool(health));
    row.insert(
        "HealthCheckLocalIp".into(),
        text_or("HealthCheckLocalIp", ""),
    );
    row.insert(
        "HealthCheckRemoteIp".into(),
        text_or("HealthCheckRemoteIp", ""),
    );
    // "This parameter will be returned only after health check is enabled."
    row.insert(
        "HealthCheckStatus".into(),
        Value::from(if health { "AVAILABLE" } else { "" }),
    );
    row.insert(
        "DpdEnable".into(),
        cx.params
            .get("DpdEnable")
            .cloned()
            .unwrap_or(Value::from(0)),
    );
    row.insert("DpdTimeout".into(), text_or("DpdTimeout", "30"));
    row.insert("DpdAction".into(), text_or("DpdAction", "clear"));
    row.insert("TagSet".into(), tags);
    row.insert(
        "NegotiationType".into(),
        text_or("NegotiationType", "active"),
    );
    row.insert(
        "BgpConfig".into(),
        cx.params
            .get("BgpConfig")
            .cloned()
            .unwrap_or(Value::Object(Map::new())),
    );
    row.insert(
        "HealthCheckConfig".into(),
        cx.params
            .get("HealthCheckConfig")
            .cloned()
            .unwrap_or(Value::Object(Map::new())),
    );
    world.region(&cx.scope).table_mut(&VPN_CONNECTION).push(row);
    // Rule (state): `PENDING` while being created ("生产中"), then `AVAILABLE`
    // (VpnConnection.State). The object documents no failure state; a failed creation
    // ends `FAILED`, as the VPN tunnel fixture (`vpc.rs`) names a broken tunnel.
    cx.change_later(
        world,
        &VPN_CONNECTION,
        &id,
        "State",
        "PENDING",
        ("AVAILABLE", "FAILED"),
    );
    let row = cx.find(world, &VPN_CONNECTION, &id)?.clone();
    let mut out = Map::new();
    out.insert("VpnConnection".into(), Value::Object(row));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    cx.describe(
        world.region(&cx.scope),
        &VPN_CONNECTION,
        "VpnConnectionIds",
        "VpnConnectionSet",
    )
}

/// The connection `id` of the gateway `gateway_id`, as DeleteVpnConnection and
/// ResetVpnConnection name it: its `State`.
///
/// # Errors
///
/// `ResourceNotFound` when the connection is not in the caller's scope or belongs to
/// another gateway.
fn connection_state(
    world: &mut World,
    cx: &Context<'_>,
    gateway_id: &str,
    id: &str,
) -> Result<String, ApiError> {
    let row = cx.find(world, &VPN_CONNECTION, id)?;
    if text(row.get("VpnGatewayId")) != Some(gateway_id) {
        return Err(cx.error(
            &["ResourceNotFound"],
            format!("The VPN connection `{id}` does not exist in VPN gateway `{gateway_id}`."),
        ));
    }
    Ok(text(row.get("State")).unwrap_or_default().to_owned())
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let gateway_id = cx.id_param("VpnGatewayId", &VPN_GATEWAY)?;
    let id = cx.id_param("VpnConnectionId", &VPN_CONNECTION)?;
    let state = connection_state(world, cx, gateway_id, id)?;
    // Rule (state): a connection being created or reset cannot be deleted
    // (DeleteVpnConnection: `UnsupportedOperation.DeleteVpnConnInvalidState`).
    if state == "PENDING" || state == "RESETTING" {
        return Err(cx.error(
            &["UnsupportedOperation.DeleteVpnConnInvalidState"],
            format!("The VPN connection `{id}` is {state}: wait until it is not."),
        ));
    }
    cx.delete(world, &VPN_CONNECTION, id, &[])?;
    Ok(Map::new())
}

fn reset(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    // The checks and their order are the fixture's (`VpcState::reset_vpn_connection`):
    // shapes, existence, the gateway's state, the connection's state.
    let gateway_id = cx.id_param("VpnGatewayId", &VPN_GATEWAY)?;
    let id = cx.id_param("VpnConnectionId", &VPN_CONNECTION)?;
    let gateway_state = text(cx.find(world, &VPN_GATEWAY, gateway_id)?.get("State"))
        .unwrap_or_default()
        .to_owned();
    let state = connection_state(world, cx, gateway_id, id)?;
    if gateway_state != "AVAILABLE" {
        return Err(cx.error(
            &["UnsupportedOperation.InvalidState"],
            format!("The VPN gateway `{gateway_id}` is {gateway_state}; it must be AVAILABLE."),
        ));
    }
    if state != "AVAILABLE" {
        return Err(cx.error(
            &["UnsupportedOperation.VpnConnInvalidState"],
            format!("The VPN connection `{id}` is {state}, not available now."),
        ));
    }
    // Rule (state): `RESETTING` for the emulator's delay, then `AVAILABLE` again (or
    // `FAILED` when ResetVpnConnection is made to fail). `RESETTING` is not in
    // VpnConnection.State's document; it is the state the fixture's tunnels show.
    cx.change_later(
        world,
        &VPN_CONNECTION,
        id,
        "State",
        "RESETTING",
        ("AVAILABLE", "FAILED"),
    );
    Ok(Map::new())
}
