//! The quota answers that count the caller's resources (issue 25):
//! `DescribeAddressQuota`, `DescribeBandwidthPackageQuota`, `DescribeIp6TranslatorQuota`,
//! `DescribePrivateNatGatewayLimits` and `DescribeProductQuota`. Each `QuotaCurrent` (or `Available`) is
//! counted from the caller's rows when it is asked, so it never goes stale; each limit
//! is an emulator quota ([`super::Quotas`]), settable like the others.

use serde_json::{Map, Value, json};

use super::context::Context;
use super::engine::text;
use super::world::World;
use super::{ADDRESSES_PER_REGION, ActionFn, Resource, VPCS_PER_REGION};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("DescribeAddressQuota", addresses as ActionFn),
        ("DescribeBandwidthPackageQuota", bandwidth_packages),
        ("DescribeIp6TranslatorQuota", ip6_translators),
        ("DescribePrivateNatGatewayLimits", private_nat_gateways),
        ("DescribeProductQuota", product),
    ],
    kinds: &[],
    references: &[],
};

/// The quota of bandwidth packages per region (`DescribeBandwidthPackageQuota`'s
/// `QuotaId`); 20 by default, as that action's example answer shows (not verified
/// against a published limit).
pub const BANDWIDTH_PACKAGES_PER_REGION: &str = "TOTAL_BANDWIDTHPKG_QUOTA";
/// The quota of IPv6 translators per region (`DescribeIp6TranslatorQuota`'s `QuotaId`);
/// 10 by default, as that action's example answer shows (not verified).
pub const IP6_TRANSLATORS_PER_REGION: &str = "TOTAL_TRANSLATOR_QUOTA";
/// The quota of rules per IPv6 translator; 50 by default, as
/// `DescribeIp6TranslatorQuota`'s example answer shows (not verified).
pub const IP6_RULES_PER_TRANSLATOR: &str = "TRANSLATOR_RULE_QUOTA";
/// The quota of private NAT gateways per VPC (`DescribePrivateNatGatewayLimits`'
/// `TotalLimit`); 1000 by default, as its example answer shows (not verified).
pub const PRIVATE_NAT_GATEWAYS_PER_VPC: &str = "vpc-max-private-nat-gateways";

/// The quota of CCNs per account, in every region together (`DescribeProductQuota`'s
/// `ccn` product, `QuotaRegion` false); 100 by default, as that action's example answer
/// shows (not verified). `CreateCcn` holds to it (`ccn.rs`).
pub const CCNS_PER_ACCOUNT: &str = "ccn-max-per-account";

/// The rows of the derived family whose ID member is `id` and ID shape starts with
/// `prefix`, in the caller's scope.
fn rows<'w>(
    world: &'w mut World,
    cx: &Context<'_>,
    id: &str,
    prefix: &str,
) -> Vec<&'w Map<String, Value>> {
    let Some(family) = cx
        .spec
        .families
        .list
        .iter()
        .find(|f| f.kind.id == id && f.shape.prefix == prefix)
    else {
        return Vec::new();
    };
    world
        .region(&cx.scope)
        .table(family.kind)
        .rows()
        .iter()
        .collect()
}

fn quota(id: &str, current: usize, limit: u64) -> Value {
    json!({"QuotaId": id, "QuotaCurrent": current, "QuotaLimit": limit})
}

fn answer(set: Vec<Value>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("QuotaSet".into(), Value::Array(set));
    out
}

fn addresses(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let limit = world.quotas.get(ADDRESSES_PER_REGION);
    let held = rows(world, cx, "AddressId", "eip-").len();
    Ok(answer(vec![quota(ADDRESSES_PER_REGION, held, limit)]))
}

fn bandwidth_packages(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let limit = world.quotas.get(BANDWIDTH_PACKAGES_PER_REGION);
    let held = rows(world, cx, "BandwidthPackageId", "bwp-").len();
    Ok(answer(vec![quota(
        BANDWIDTH_PACKAGES_PER_REGION,
        held,
        limit,
    )]))
}

fn ip6_translators(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let (total, per_translator) = (
        world.quotas.get(IP6_TRANSLATORS_PER_REGION),
        world.quotas.get(IP6_RULES_PER_TRANSLATOR),
    );
    let asked: Vec<&str> = cx
        .params
        .get("Ip6TranslatorIds")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let translators = rows(world, cx, "Ip6TranslatorId", "ip6-");
    let mut set = vec![quota(IP6_TRANSLATORS_PER_REGION, translators.len(), total)];
    // "Ip6TranslatorIds: 待查询IPV6转换实例的唯一ID列表，元素形如ip6-xxxxxxxx": a quota of
    // rules per translator asked for; an unknown one is `ResourceNotFound`.
    for id in asked {
        let row = translators
            .iter()
            .find(|row| text(row.get("Ip6TranslatorId")) == Some(id))
            .ok_or_else(|| {
                cx.error(
                    &["ResourceNotFound"],
                    format!(
                        "The IPv6 translator `{id}` does not exist in region `{}`.",
                        cx.scope.region
                    ),
                )
            })?;
        let rules = row
            .get("IP6RuleSet")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        set.push(quota(id, rules, per_translator));
    }
    Ok(answer(set))
}

fn private_nat_gateways(
    world: &mut World,
    cx: &Context<'_>,
) -> Result<Map<String, Value>, ApiError> {
    let limit = world.quotas.get(PRIVATE_NAT_GATEWAYS_PER_VPC);
    let gateways: Vec<String> = rows(world, cx, "NatGatewayId", "intranat-")
        .iter()
        .filter_map(|row| text(row.get("VpcId")).map(str::to_owned))
        .collect();
    let vpcs: Vec<String> = world
        .region(&cx.scope)
        .table(&super::kinds::VPC)
        .rows()
        .iter()
        .filter_map(|row| text(row.get("VpcId")).map(str::to_owned))
        .collect();
    let items: Vec<Map<String, Value>> = vpcs
        .iter()
        .map(|vpc| {
            let used = gateways.iter().filter(|g| *g == vpc).count() as u64;
            let mut item = Map::new();
            item.insert("UniqVpcId".into(), Value::from(vpc.as_str()));
            item.insert("TotalLimit".into(), Value::from(limit));
            item.insert("Available".into(), Value::from(limit.saturating_sub(used)));
            item
        })
        .collect();
    // The documented filter `vpc-id`, ANDed with the page, as every listing.
    cx.list(
        &items,
        "PrivateNatGatewayLimitSet",
        &[("vpc-id", "UniqVpcId")],
    )
}

/// The products `DescribeProductQuota` documents ("vpc、ccn、vpn、dc、dfw、clb、eip").
const PRODUCTS: [&str; 7] = ["vpc", "ccn", "vpn", "dc", "dfw", "clb", "eip"];

/// The caller's rows of `kind` in its region.
fn held(world: &World, cx: &Context<'_>, kind: &super::world::Kind) -> usize {
    world
        .scopes
        .get(&cx.scope)
        .map_or(0, |region| region.table(kind).rows().len())
}

/// The CCNs of the caller's account, in every region.
pub(super) fn ccns(world: &World, cx: &Context<'_>) -> usize {
    let Some(family) = cx.spec.families.list.iter().find(|f| f.kind.id == "CcnId") else {
        return 0;
    };
    world
        .scopes
        .iter()
        .filter(|(scope, _)| scope.account == cx.scope.account)
        .map(|(_, region)| region.table(family.kind).rows().len())
        .sum()
}

/// `DescribeProductQuota`: the quotas of a product the emulator holds to, each counted
/// from the caller's rows: `vpc` (VPCs per region), `ccn` (CCNs per account, in every
/// region: `QuotaRegion` false) and `eip` (EIPs per region). The emulator keeps no
/// quota of `vpn`, `dc`, `dfw` or `clb`, which answer an empty set; another product is
/// `InvalidParameterValue`.
fn product(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let product = super::engine::string_param(cx.params, "Product").unwrap_or_default();
    if !PRODUCTS.contains(&product) {
        return Err(cx.error(
            &["InvalidParameterValue", "InvalidParameter"],
            format!(
                "The product `{product}` has no quotas: give one of {}.",
                PRODUCTS.join(", ")
            ),
        ));
    }
    let item = |id: &str, name: &str, current: usize, regional: bool| {
        json!({
            "QuotaId": id,
            "QuotaName": name,
            "QuotaCurrent": current,
            "QuotaLimit": world.quotas.get(id),
            "QuotaRegion": regional,
        })
    };
    let set = match product {
        "vpc" => {
            let held = held(world, cx, &super::kinds::VPC);
            vec![item(VPCS_PER_REGION, "VPCs per region", held, true)]
        }
        "ccn" => vec![item(
            CCNS_PER_ACCOUNT,
            "CCNs per account",
            ccns(world, cx),
            false,
        )],
        "eip" => {
            let held = held(world, cx, &super::kinds::ADDRESS);
            vec![item(ADDRESSES_PER_REGION, "EIPs per region", held, true)]
        }
        _ => Vec::new(),
    };
    let mut out = Map::new();
    out.insert("TotalCount".into(), Value::from(set.len()));
    out.insert("ProductQuotaSet".into(), Value::Array(set));
    Ok(out)
}
