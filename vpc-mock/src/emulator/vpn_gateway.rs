//! The VPN gateway resource: `CreateVpnGateway`, `DescribeVpnGateways` and
//! `DeleteVpnGateway`, with the hand-written rules each names the document of. A
//! gateway's public IP comes from the benchmark range (see `nat_gateway.rs`).

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::{VPC, VPN_GATEWAY};
use super::nat_gateway::{benchmark_ip, bool_param, one_of, public_ips, uint_param};
use super::world::{OnDelete, Reference, World, always};
use super::{ActionFn, Resource};
use crate::handler::ApiError;

/// A VPN gateway lies in a VPC, which cannot be deleted while it has VPN gateways
/// (DeleteVpc: "make sure that the VPC has no related resources").
static IN_VPC: Reference = Reference {
    from: &VPN_GATEWAY,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateVpnGateway", create as ActionFn),
        ("DescribeVpnGateways", describe),
        ("DeleteVpnGateway", delete),
    ],
    kinds: &[&VPN_GATEWAY],
    references: &[&IN_VPC],
};

/// `CreateVpnGateway.InternetMaxBandwidthOut`: "Available bandwidth specifications: 5,
/// 10, 20, 50, and 100"; "VPN Connection > Billing Overview" adds 200, 500 and 1,000
/// Mbps in some regions, accepted here everywhere.
const BANDWIDTHS: [u64; 8] = [5, 10, 20, 50, 100, 200, 500, 1000];

/// `VpnGateway.Type`'s values (the Chinese document lists `SSL_CCN` too); the default
/// is `IPSEC` ("默认值：IPSEC").
const TYPES: [&str; 4] = ["IPSEC", "SSL", "CCN", "SSL_CCN"];

/// `CreateVpnGateway.InstanceChargeType`'s values; the default is `POSTPAID_BY_HOUR`.
const CHARGE_TYPES: [&str; 2] = ["POSTPAID_BY_HOUR", "PREPAID"];

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(cx.params, "VpnGatewayName").unwrap_or_default();
    engine::check_name("VpnGatewayName", name, codes)?;
    let vpc_id = cx.id_param("VpcId", &VPC)?;
    let bandwidth = one_of(cx, "InternetMaxBandwidthOut", &BANDWIDTHS, 5)?;
    let kind = engine::string_param(cx.params, "Type").unwrap_or("IPSEC");
    let charge =
        engine::string_param(cx.params, "InstanceChargeType").unwrap_or("POSTPAID_BY_HOUR");
    for (member, value, allowed) in [
        ("Type", kind, &TYPES[..]),
        ("InstanceChargeType", charge, &CHARGE_TYPES[..]),
    ] {
        if !allowed.contains(&value) {
            return Err(cx.error(
                &["InvalidParameterValue"],
                format!(
                    "The value `{value}` of parameter `{member}` is not one of {}.",
                    allowed.join(", ")
                ),
            ));
        }
    }
    // Rule: "If prepaid mode is specified, the `InstanceChargePrepaid` parameter must
    // be entered" (CreateVpnGateway.InstanceChargeType).
    if charge == "PREPAID" && cx.params.get("InstanceChargePrepaid").is_none() {
        return Err(cx.error(
            &["MissingParameter"],
            "The parameter `InstanceChargePrepaid` is missing: `InstanceChargeType` is PREPAID.",
        ));
    }
    let tags = engine::read_tags(cx.params, codes)?;
    let region = world.region(&cx.scope);
    if region.get(&VPC, vpc_id).is_none() {
        return Err(cx.not_found_as(&["InvalidVpcId.NotFound"], &VPC, vpc_id));
    }
    let ip = benchmark_ip(&public_ips(region)).ok_or_else(|| {
        cx.error(
            &["ResourceInsufficient"],
            "The emulator's public IP range 198.18.0.0/15 is exhausted.",
        )
    })?;
    let id = cx.fresh_id(world, &VPN_GATEWAY);
    let mut row = Map::new();
    row.insert("VpnGatewayId".into(), Value::from(id.clone()));
    row.insert("VpcId".into(), Value::from(vpc_id));
    row.insert("VpnGatewayName".into(), Value::from(name));
    row.insert("Type".into(), Value::from(kind));
    row.insert("State".into(), Value::from("PENDING"));
    row.insert("PublicIpAddress".into(), Value::from(ip));
    let renew = cx
        .params
        .get("InstanceChargePrepaid")
        .and_then(|p| text(p.get("RenewFlag")))
        .unwrap_or(if charge == "PREPAID" {
            "NOTIFY_AND_MANUAL_RENEW"
        } else {
            ""
        });
    row.insert("RenewFlag".into(), Value::from(renew));
    row.insert("InstanceChargeType".into(), Value::from(charge));
    row.insert("InternetMaxBandwidthOut".into(), Value::from(bandwidth));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    // Tencent answers this zero time for a gateway that does not expire.
    row.insert("ExpiredTime".into(), Value::from("0000-00-00 00:00:00"));
    row.insert("IsAddressBlocked".into(), Value::Bool(false));
    row.insert("NewPurchasePlan".into(), Value::from(""));
    row.insert("RestrictState".into(), Value::from("NORMAL"));
    row.insert(
        "Zone".into(),
        Value::from(engine::string_param(cx.params, "Zone").unwrap_or_default()),
    );
    row.insert("VpnGatewayQuotaSet".into(), Value::Array(Vec::new()));
    row.insert("Version".into(), Value::from("2.0"));
    row.insert("NetworkInstanceId".into(), Value::from(""));
    row.insert(
        "CdcId".into(),
        Value::from(engine::string_param(cx.params, "CdcId").unwrap_or_default()),
    );
    row.insert(
        "MaxConnection".into(),
        Value::from(uint_param(cx, "MaxConnection")?.unwrap_or(0)),
    );
    row.insert(
        "BgpAsn".into(),
        Value::from(uint_param(cx, "BgpAsn")?.unwrap_or(0)),
    );
    row.insert("TagSet".into(), tags);
    row.insert(
        "IsPrivate".into(),
        Value::Bool(bool_param(cx, "IsPrivate").unwrap_or(false)),
    );
    world.region(&cx.scope).table_mut(&VPN_GATEWAY).push(row);
    // Rule (state): `PENDING` while being created ("生产中"), then `AVAILABLE`; a failed
    // creation ends `PENDING_ERROR` ("生产失败"), as VpnGateway.State documents them.
    cx.change_later(
        world,
        &VPN_GATEWAY,
        &id,
        "State",
        "PENDING",
        ("AVAILABLE", "PENDING_ERROR"),
    );
    let row = cx.find(world, &VPN_GATEWAY, &id)?.clone();
    let mut out = Map::new();
    out.insert("VpnGateway".into(), Value::Object(row));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    cx.describe(
        world.region(&cx.scope),
        &VPN_GATEWAY,
        "VpnGatewayIds",
        "VpnGatewaySet",
    )
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("VpnGatewayId", &VPN_GATEWAY)?;
    let row = cx.find(world, &VPN_GATEWAY, id)?;
    // Rule (state): "only deletion of pay-as-you-go IPSEC gateway instances in running
    // status is supported" (DeleteVpnGateway): `UnsupportedOperation` otherwise. A
    // gateway that failed creation (`PENDING_ERROR`) can be cleaned up.
    let state = text(row.get("State")).unwrap_or_default();
    if state == "PENDING" {
        return Err(cx.error(
            &["UnsupportedOperation"],
            format!("The VPN gateway `{id}` is {state}: only a running gateway can be deleted."),
        ));
    }
    if text(row.get("InstanceChargeType")) == Some("PREPAID") {
        return Err(cx.error(
            &["UnsupportedOperation"],
            format!(
                "The VPN gateway `{id}` is prepaid: only a pay-as-you-go gateway can be deleted."
            ),
        ));
    }
    // Rule (dependencies): a gateway with VPN connections cannot be deleted (the
    // connections refer to it); DeleteVpnGateway documents `UnsupportedOperation` for
    // it and no `ResourceInUse`.
    cx.delete(world, &VPN_GATEWAY, id, &["UnsupportedOperation"])?;
    Ok(Map::new())
}
