//! The route table resource: `CreateRouteTable`, `DescribeRouteTables`,
//! `DeleteRouteTable`, `CreateRoutes`, `DeleteRoutes`, `EnableRoutes`, `DisableRoutes`,
//! `ReplaceRoutes`, `ResetRoutes` and `ReplaceRouteTableAssociation`, and the default
//! route table every VPC is created with, with the hand-written rules each names the
//! document of. A route lives in its table's `RouteSet`, named by its `RouteId` (a
//! number) or its `RouteItemId`.
//!
//! Associations have one truth: a subnet row's `RouteTableId`. A route table's
//! `AssociationSet` is computed from the subnets when it is answered, so deleting a
//! subnet cannot leave an association behind.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::context::Context;
use super::engine::{self, IdShape, text};
use super::kinds::{ROUTE_TABLE, SUBNET, VPC};
use super::world::{OnDelete, Reference, Region, World, always};
use super::{ActionFn, ROUTE_TABLES_PER_VPC, ROUTES_PER_ROUTE_TABLE, Resource};
use crate::handler::ApiError;

/// A route table lies in a VPC. Deleting the VPC removes its route tables, the default
/// one (CreateRouteTable: "After the VPC instance has been created, the system creates
/// a default route table") and the custom ones alike: DeleteVpc's document lists what
/// must be gone first ("CVMs, cloud databases, NoSQL databases, VPN gateways, direct
/// connect gateways, load balancers, peering connections, ...") and route tables are not
/// among them; the subnets they could be associated with block the delete themselves.
static IN_VPC: Reference = Reference {
    from: &ROUTE_TABLE,
    member: "VpcId",
    to: &VPC,
    on_delete: OnDelete::Cascade(always),
};

/// A subnet is associated with one route table (ReplaceRouteTableAssociation: "A
/// subnet can only be associated with one route table"), which cannot be deleted while
/// it is (DeleteRouteTable's `UnsupportedOperation.DelRouteWithSubnet`).
static ASSOCIATED: Reference = Reference {
    from: &SUBNET,
    member: "RouteTableId",
    to: &ROUTE_TABLE,
    on_delete: OnDelete::Refuse(always),
};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateRouteTable", create as ActionFn),
        ("DescribeRouteTables", describe),
        ("DeleteRouteTable", delete),
        ("CreateRoutes", create_routes),
        ("DeleteRoutes", delete_routes),
        ("ReplaceRouteTableAssociation", replace_association),
        ("EnableRoutes", enable_routes),
        ("DisableRoutes", disable_routes),
        ("ReplaceRoutes", replace_routes),
        ("ResetRoutes", reset_routes),
    ],
    kinds: &[&ROUTE_TABLE],
    references: &[&IN_VPC, &ASSOCIATED],
};

/// The next-hop types a route may have (the `Route.GatewayType` document, China site:
/// `CCN` routes are delivered by the system, not created).
const GATEWAY_TYPES: [&str; 12] = [
    "CVM",
    "VPN",
    "DIRECTCONNECT",
    "PEERCONNECTION",
    "HAVIP",
    "NAT",
    "NORMAL_CVM",
    "EIP",
    "LOCAL_GATEWAY",
    "INTRANAT",
    "USER_CCN",
    "GWLB_ENDPOINT",
];

/// The name Tencent gives a VPC's default route table.
const DEFAULT_NAME: &str = "default";

/// The shape of `RouteItemId`s, read from the spec's examples (`rti-psm73tvu`).
fn item_shape() -> &'static IdShape {
    static SHAPE: OnceLock<IdShape> = OnceLock::new();
    SHAPE.get_or_init(|| {
        crate::spec::shared_vpc_service()
            .ok()
            .and_then(|service| IdShape::from_spec(service, "RouteItemId"))
            .unwrap_or_else(|| IdShape {
                prefix: "rti-".into(),
                length: 8,
            })
    })
}

/// A route table row (without `AssociationSet`, computed when answered).
fn row(id: String, vpc_id: &str, name: &str, main: bool, tags: Value) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("VpcId".into(), Value::from(vpc_id));
    row.insert("RouteTableId".into(), Value::from(id));
    row.insert("RouteTableName".into(), Value::from(name));
    row.insert("RouteSet".into(), Value::Array(Vec::new()));
    row.insert("Main".into(), Value::Bool(main));
    row.insert("CreatedTime".into(), Value::from(engine::created_time()));
    row.insert("TagSet".into(), tags);
    row.insert("LocalCidrForCcn".into(), Value::Array(Vec::new()));
    row
}

/// Creates the default route table of the new VPC `vpc_id` (CreateRouteTable: "After
/// the VPC instance has been created, the system creates a default route table with
/// which all newly created subnets will be associated").
pub(super) fn create_default(world: &mut World, cx: &Context<'_>, vpc_id: &str) {
    let id = cx.fresh_id(world, &ROUTE_TABLE);
    let table = row(id, vpc_id, DEFAULT_NAME, true, Value::Array(Vec::new()));
    world.region(&cx.scope).table_mut(&ROUTE_TABLE).push(table);
}

/// The default route table of `vpc_id`, which new subnets are associated with (empty
/// when the VPC has none, e.g. in a state written before route tables were emulated).
pub(super) fn default_of(region: &Region, vpc_id: &str) -> String {
    region
        .table(&ROUTE_TABLE)
        .rows()
        .iter()
        .find(|t| text(t.get("VpcId")) == Some(vpc_id) && is_main(t))
        .and_then(|t| text(t.get("RouteTableId")))
        .unwrap_or_default()
        .to_owned()
}

fn is_main(row: &Map<String, Value>) -> bool {
    row.get("Main").and_then(Value::as_bool).unwrap_or(false)
}

/// `row` as answered: with its `AssociationSet`, computed from the subnets.
fn answered(region: &Region, row: &Map<String, Value>) -> Value {
    let mut out = row.clone();
    let id = text(row.get("RouteTableId")).unwrap_or_default();
    let associations: Vec<Value> = region
        .table(&SUBNET)
        .rows()
        .iter()
        .filter(|s| text(s.get("RouteTableId")) == Some(id))
        .map(|s| {
            let mut association = Map::new();
            association.insert("SubnetId".into(), s.get("SubnetId").cloned().into());
            association.insert("RouteTableId".into(), Value::from(id));
            Value::Object(association)
        })
        .collect();
    out.insert("AssociationSet".into(), Value::Array(associations));
    Value::Object(out)
}

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let vpc_id = cx.id_param("VpcId", &VPC)?;
    let name = engine::string_param(cx.params, "RouteTableName").unwrap_or_default();
    engine::check_name("RouteTableName", name, codes)?;
    let tags = engine::read_tags(cx.params, codes)?;
    let quota = world.quotas.get(ROUTE_TABLES_PER_VPC);
    let region = world.region(&cx.scope);
    if region.get(&VPC, vpc_id).is_none() {
        return Err(cx.not_found(&VPC, vpc_id));
    }
    // Rule (quota): at most `vpc-max-route-tables` route tables per VPC, the default
    // one included ("VPC > Use Limits"); `LimitExceeded` as CreateRouteTable documents.
    let count = region
        .table(&ROUTE_TABLE)
        .count(|t| text(t.get("VpcId")) == Some(vpc_id));
    if count as u64 >= quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!("The quota of {quota} route tables in VPC `{vpc_id}` is reached."),
        ));
    }
    let id = cx.fresh_id(world, &ROUTE_TABLE);
    let table = row(id, vpc_id, name, false, tags);
    let region = world.region(&cx.scope);
    region.table_mut(&ROUTE_TABLE).push(table.clone());
    let mut out = Map::new();
    out.insert("RouteTable".into(), answered(region, &table));
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let region = world.region(&cx.scope);
    // `association.main` ("Whether it is the main route table") reads `Main`.
    let main: fn(&Map<String, Value>) -> String = |row| is_main(row).to_string();
    let mut out = cx.describe_with(
        region,
        &ROUTE_TABLE,
        "RouteTableIds",
        "RouteTableSet",
        &[("association.main", main)],
    )?;
    // NeedRouterInfo: "Enabled by default. Set to False when the console does not need
    // to pull routing policy information."
    let routes = !matches!(cx.params.get("NeedRouterInfo"), Some(Value::Bool(false)))
        && engine::string_param(cx.params, "NeedRouterInfo") != Some("false");
    if let Some(Value::Array(set)) = out.get_mut("RouteTableSet") {
        for item in set.iter_mut() {
            if let Value::Object(table) = item {
                *item = answered(region, table);
            }
            if !routes && let Value::Object(table) = item {
                table.insert("RouteSet".into(), Value::Array(Vec::new()));
            }
        }
    }
    Ok(out)
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    // Rule: the default route table goes only with its VPC (DeleteRouteTable documents
    // `UnsupportedOperation.NotSupportDeleteDefaultRouteTable`, "The default route
    // table cannot be deleted").
    if is_main(table) {
        return Err(cx.error(
            &[
                "UnsupportedOperation.NotSupportDeleteDefaultRouteTable",
                "UnsupportedOperation.DelDefaultRoute",
            ],
            format!(
                "The route table `{id}` is its VPC's default route table: it cannot be deleted."
            ),
        ));
    }
    // Rule (dependencies): a route table associated with subnets cannot be deleted
    // (`UnsupportedOperation.DelRouteWithSubnet`: "This is a route table associated
    // with a subnet"); declared by ASSOCIATED.
    cx.delete(
        world,
        &ROUTE_TABLE,
        id,
        &["UnsupportedOperation.DelRouteWithSubnet"],
    )?;
    Ok(Map::new())
}

/// The `Routes` of a request, as a list of objects.
fn routes_param<'a>(cx: &'a Context<'_>) -> Result<Vec<&'a Map<String, Value>>, ApiError> {
    let list = cx
        .params
        .get("Routes")
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty())
        .ok_or_else(|| {
            cx.error(
                &["MissingParameter"],
                "The parameter `Routes` is missing or empty.",
            )
        })?;
    list.iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_object().ok_or_else(|| {
                cx.error(
                    &["InvalidParameterValue.Malformed"],
                    format!("`Routes.{index}` is not an object."),
                )
            })
        })
        .collect()
}

/// A route's destination and next hop, checked against the rules of a route table:
/// `(destination, gateway type, gateway ID)` of the table's other routes in `taken`.
///
/// # Errors
///
/// The documented code of the rule it breaks.
fn check_route<'r>(
    cx: &Context<'_>,
    id: &str,
    vpc_id: &str,
    vpc_block: Option<Cidr>,
    taken: &[(Cidr, String, String)],
    index: usize,
    route: &'r Map<String, Value>,
) -> Result<(Cidr, &'r str, &'r str), ApiError> {
    let block_text = text(route.get("DestinationCidrBlock")).unwrap_or_default();
    let block = Cidr::parse(block_text).ok_or_else(|| {
        cx.error(
            &["InvalidParameterValue.Malformed"],
            format!(
                "The value `{block_text}` of parameter `Routes.{index}.DestinationCidrBlock` is not a CIDR block."
            ),
        )
    })?;
    let kind = text(route.get("GatewayType")).unwrap_or_default();
    let gateway = text(route.get("GatewayId")).unwrap_or_default();
    // Rule: the next hop is one of the documented types, with a gateway
    // (Route.GatewayType, Route.GatewayId): `RouteNextHopInvalid`.
    if !GATEWAY_TYPES.contains(&kind) || gateway.is_empty() {
        return Err(cx.error(
            &["InvalidParameterValue.RouteNextHopInvalid", "InvalidParameterValue"],
            format!(
                "The next hop `{kind}` `{gateway}` of `Routes.{index}` is invalid: the type is one of {} and the gateway ID is required.",
                GATEWAY_TYPES.join(", ")
            ),
        ));
    }
    // Rule: the destination does not lie in the VPC's block
    // (Route.DestinationCidrBlock: "Values cannot be in the VPC IP range"):
    // `VpcCidrConflict`.
    if let Some(vpc_block) = vpc_block
        && vpc_block.contains(block)
    {
        return Err(cx.error(
            &["InvalidParameterValue.VpcCidrConflict"],
            format!("The destination `{block}` lies in the block `{vpc_block}` of VPC `{vpc_id}`."),
        ));
    }
    // Rule: one destination has one next hop. The same route again is
    // `InvalidParameterValue.Duplicate`; another next hop for a destination would
    // make ECMP with the user's route, `UnsupportedOperation.EcmpWithUserRoute`
    // (both as CreateRoutes documents them).
    if let Some((_, other_kind, other_gateway)) = taken.iter().find(|(b, _, _)| *b == block) {
        let same = other_kind == kind && other_gateway == gateway;
        return Err(if same {
            cx.error(
                &["InvalidParameterValue.Duplicate"],
                format!("The route to `{block}` via `{kind}` `{gateway}` already exists in route table `{id}`."),
            )
        } else {
            cx.error(
                &["UnsupportedOperation.EcmpWithUserRoute", "UnsupportedOperation.Ecmp"],
                format!("The route table `{id}` already routes `{block}` via `{other_kind}` `{other_gateway}`: ECMP is not supported."),
            )
        });
    }
    Ok((block, kind, gateway))
}

fn create_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let wanted = routes_param(cx)?;
    let quota = world.quotas.get(ROUTES_PER_ROUTE_TABLE);
    let table = cx.find(world, &ROUTE_TABLE, id)?.clone();
    let vpc_id = text(table.get("VpcId")).unwrap_or_default();
    let region = world.region(&cx.scope);
    let vpc_block = region
        .get(&VPC, vpc_id)
        .and_then(|vpc| text(vpc.get("CidrBlock")))
        .and_then(Cidr::parse);
    let existing: Vec<Map<String, Value>> = table
        .get("RouteSet")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_object().cloned())
        .collect();
    // (destination, gateway type, gateway ID) of every route so far.
    let mut taken: Vec<(Cidr, String, String)> = existing
        .iter()
        .filter_map(|r| {
            let block = text(r.get("DestinationCidrBlock")).and_then(Cidr::parse)?;
            let kind = text(r.get("GatewayType")).unwrap_or_default().to_owned();
            let gateway = text(r.get("GatewayId")).unwrap_or_default().to_owned();
            Some((block, kind, gateway))
        })
        .collect();
    let mut fresh = Vec::new();
    for (index, route) in wanted.iter().enumerate() {
        let (block, kind, gateway) = check_route(cx, id, vpc_id, vpc_block, &taken, index, route)?;
        taken.push((block, kind.to_owned(), gateway.to_owned()));
        fresh.push((block, kind, gateway, route));
    }
    // Rule (quota): at most `route-table-max-policies` routes per route table ("VPC >
    // Use Limits"); `LimitExceeded` as CreateRoutes documents it.
    if taken.len() as u64 > quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!("The quota of {quota} routes in route table `{id}` would be exceeded."),
        ));
    }
    // RouteIds are numbers, unique in the region (the next after the highest in use);
    // RouteItemIds have the examples' shape, unique in the region.
    let mut items: Vec<String> = Vec::new();
    let mut used: Vec<u64> = Vec::new();
    for table in region.table(&ROUTE_TABLE).rows() {
        for route in table
            .get("RouteSet")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(item) = text(route.get("RouteItemId")) {
                items.push(item.to_owned());
            }
            used.extend(route.get("RouteId").and_then(Value::as_u64));
        }
    }
    let mut next_id = used.into_iter().max().unwrap_or(0);
    let mut created = Vec::new();
    for (block, kind, gateway, route) in fresh {
        next_id += 1;
        let item = world
            .ids
            .fresh(item_shape(), |i| items.iter().any(|t| t == i));
        items.push(item.clone());
        let mut out = Map::new();
        out.insert(
            "DestinationCidrBlock".into(),
            Value::from(block.to_string()),
        );
        out.insert("GatewayType".into(), Value::from(kind));
        out.insert("GatewayId".into(), Value::from(gateway));
        out.insert("RouteId".into(), Value::from(next_id));
        out.insert(
            "RouteDescription".into(),
            Value::from(text(route.get("RouteDescription")).unwrap_or_default()),
        );
        out.insert(
            "Enabled".into(),
            Value::Bool(
                route
                    .get("Enabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            ),
        );
        out.insert("RouteType".into(), Value::from("USER"));
        out.insert("RouteTableId".into(), Value::from(id));
        out.insert("DestinationIpv6CidrBlock".into(), Value::from(""));
        out.insert("RouteItemId".into(), Value::from(item));
        out.insert("PublishedToVbc".into(), Value::Bool(false));
        out.insert("CreatedTime".into(), Value::from(engine::created_time()));
        created.push(Value::Object(out));
    }
    let count = created.len();
    let region = world.region(&cx.scope);
    let table = region
        .get_mut(&ROUTE_TABLE, id)
        .ok_or_else(|| cx.not_found(&ROUTE_TABLE, id))?;
    let mut set: Vec<Value> = existing.into_iter().map(Value::Object).collect();
    set.extend(created);
    table.insert("RouteSet".into(), Value::Array(set));
    let table = table.clone();
    let mut out = Map::new();
    out.insert("TotalCount".into(), Value::from(count));
    out.insert(
        "RouteTableSet".into(),
        Value::Array(vec![answered(region, &table)]),
    );
    Ok(out)
}

fn delete_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let wanted = routes_param(cx)?;
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    let mut set: Vec<Value> = table
        .get("RouteSet")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut deleted = Vec::new();
    // DeleteRoutes.Routes: "Only the `RouteId` field is required when deleting a
    // routing policy"; the examples use `RouteItemId`, the unique ID Route.RouteId
    // recommends. A route is named by either; one not in the table is not found.
    for (index, route) in wanted.iter().enumerate() {
        let item = text(route.get("RouteItemId")).filter(|i| !i.is_empty());
        let number = route.get("RouteId").and_then(route_number);
        if item.is_none() && number.is_none() {
            return Err(cx.error(
                &["MissingParameter"],
                format!("`Routes.{index}` names no route: give `RouteId` or `RouteItemId`."),
            ));
        }
        let Some(position) = named_route(&set, route) else {
            let name = item.map_or_else(|| number.unwrap_or_default().to_string(), str::to_owned);
            return Err(cx.error(
                &["ResourceNotFound"],
                format!("The route `{name}` does not exist in route table `{id}`."),
            ));
        };
        deleted.push(set.remove(position));
    }
    table.insert("RouteSet".into(), Value::Array(set));
    let mut out = Map::new();
    out.insert("RouteSet".into(), Value::Array(deleted));
    Ok(out)
}

fn replace_association(
    world: &mut World,
    cx: &Context<'_>,
) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let subnet_id = cx.id_param("SubnetId", &SUBNET)?;
    let region = world.region(&cx.scope);
    let table_vpc = region
        .get(&ROUTE_TABLE, id)
        .ok_or_else(|| cx.not_found(&ROUTE_TABLE, id))?
        .get("VpcId")
        .cloned();
    let subnet = region
        .get_mut(&SUBNET, subnet_id)
        .ok_or_else(|| cx.not_found(&SUBNET, subnet_id))?;
    // Rule: a subnet is associated with a route table of its own VPC
    // (`UnsupportedOperation.VpcMismatch`: "The resources are not in the same VPC").
    if subnet.get("VpcId") != table_vpc.as_ref() {
        return Err(cx.error(
            &["UnsupportedOperation.VpcMismatch"],
            format!("The subnet `{subnet_id}` and the route table `{id}` are not in the same VPC."),
        ));
    }
    subnet.insert("RouteTableId".into(), Value::from(id));
    Ok(Map::new())
}

/// The route in `set` that `route` names by `RouteItemId` or `RouteId`.
fn named_route(set: &[Value], route: &Map<String, Value>) -> Option<usize> {
    let item = text(route.get("RouteItemId")).filter(|i| !i.is_empty());
    let number = route.get("RouteId").and_then(route_number);
    if item.is_none() && number.is_none() {
        return None;
    }
    set.iter().position(|r| {
        item.is_none_or(|i| text(r.get("RouteItemId")) == Some(i))
            && number.is_none_or(|n| r.get("RouteId").and_then(Value::as_u64) == Some(n))
    })
}

/// A route number given as a number or as text.
fn route_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The table's routes as `(destination, gateway type, gateway ID)`, but the one at
/// `except` (and those not enabled, when `enabled_only`).
fn next_hops(
    set: &[Value],
    except: Option<usize>,
    enabled_only: bool,
) -> Vec<(Cidr, String, String)> {
    set.iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != except)
        .filter(|(_, r)| !enabled_only || r.get("Enabled").and_then(Value::as_bool).unwrap_or(true))
        .filter_map(|(_, r)| {
            let block = text(r.get("DestinationCidrBlock")).and_then(Cidr::parse)?;
            let kind = text(r.get("GatewayType")).unwrap_or_default().to_owned();
            let gateway = text(r.get("GatewayId")).unwrap_or_default().to_owned();
            Some((block, kind, gateway))
        })
        .collect()
}

fn route_set(table: &Map<String, Value>) -> Vec<Value> {
    table
        .get("RouteSet")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn enable_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    switch_routes(world, cx, true)
}

fn disable_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    switch_routes(world, cx, false)
}

/// `EnableRoutes` and `DisableRoutes`. Rules, each a code both document: routes are
/// named by `RouteIds` or `RouteItemIds`, not both (`InvalidParameter.Coexist`) and not
/// neither (`MissingParameter`); each is the table's (`ResourceNotFound`); a route
/// enabled where another enabled route sends its destination elsewhere would be ECMP
/// (`UnsupportedOperation.Ecmp`, as EnableRoutes says: "If they conflict, the new route
/// cannot be enabled").
fn switch_routes(
    world: &mut World,
    cx: &Context<'_>,
    on: bool,
) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let list = |member: &str| -> Vec<Value> {
        cx.params
            .get(member)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (numbers, items) = (list("RouteIds"), list("RouteItemIds"));
    let named: Vec<Map<String, Value>> = match (numbers.is_empty(), items.is_empty()) {
        (false, false) => {
            return Err(cx.error(
                &["InvalidParameter.Coexist"],
                "`RouteIds` and `RouteItemIds` cannot be given together.",
            ));
        }
        (true, true) => {
            return Err(cx.error(&["MissingParameter"], "Give `RouteIds` or `RouteItemIds`."));
        }
        (false, true) => numbers
            .into_iter()
            .map(|n| [("RouteId".to_owned(), n)].into_iter().collect())
            .collect(),
        (true, false) => items
            .into_iter()
            .map(|i| [("RouteItemId".to_owned(), i)].into_iter().collect())
            .collect(),
    };
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    let mut set = route_set(table);
    for route in &named {
        let position = named_route(&set, route).ok_or_else(|| {
            let name = route
                .values()
                .next()
                .map(ToString::to_string)
                .unwrap_or_default();
            cx.error(
                &["ResourceNotFound"],
                format!("The route {name} does not exist in route table `{id}`."),
            )
        })?;
        if on {
            let others = next_hops(&set, Some(position), true);
            let this = next_hops(&set[position..=position], None, false);
            if let Some((block, kind, gateway)) = this.first()
                && let Some((_, k, g)) = others
                    .iter()
                    .find(|(b, k, g)| b == block && (k != kind || g != gateway))
            {
                return Err(cx.error(
                    &["UnsupportedOperation.Ecmp", "UnsupportedOperation"],
                    format!("An enabled route of `{id}` sends `{block}` via `{k}` `{g}`: enabling this one would make ECMP."),
                ));
            }
        }
        if let Some(Value::Object(route)) = set.get_mut(position) {
            route.insert("Enabled".into(), Value::Bool(on));
        }
    }
    table.insert("RouteSet".into(), Value::Array(set));
    Ok(Map::new())
}

/// `ReplaceRoutes`: "modify a specified routing policy by its ID (RouteId)". Each route
/// named (`RouteId` or `RouteItemId`; one the table lacks is
/// `UnsupportedOperation.RecordNotExists`) takes the destination, next hop and
/// description given, under the rules a new route keeps (`check_route`); the answer
/// holds the routes before and after.
fn replace_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let wanted = routes_param(cx)?;
    let table = cx.find(world, &ROUTE_TABLE, id)?.clone();
    let vpc_id = text(table.get("VpcId")).unwrap_or_default();
    let vpc_block = world
        .region(&cx.scope)
        .get(&VPC, vpc_id)
        .and_then(|vpc| text(vpc.get("CidrBlock")))
        .and_then(Cidr::parse);
    let mut set = route_set(&table);
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for (index, route) in wanted.iter().enumerate() {
        let position = named_route(&set, route).ok_or_else(|| {
            cx.error(
                &["UnsupportedOperation.RecordNotExists", "ResourceNotFound"],
                format!("`Routes.{index}` names no route of route table `{id}`."),
            )
        })?;
        let Some(Value::Object(before)) = set.get(position).cloned() else {
            continue;
        };
        let mut after = before.clone();
        for member in [
            "DestinationCidrBlock",
            "GatewayType",
            "GatewayId",
            "RouteDescription",
        ] {
            if let Some(value) = text(route.get(member)) {
                after.insert(member.into(), Value::from(value));
            }
        }
        let taken = next_hops(&set, Some(position), false);
        check_route(cx, id, vpc_id, vpc_block, &taken, index, &after)?;
        set[position] = Value::Object(after.clone());
        old.push(Value::Object(before));
        new.push(Value::Object(after));
    }
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    table.insert("RouteSet".into(), Value::Array(set));
    let mut out = Map::new();
    out.insert("OldRouteSet".into(), Value::Array(old));
    out.insert("NewRouteSet".into(), Value::Array(new));
    Ok(out)
}

/// `ResetRoutes`: "reset the name of a route table and all its routing policies": the
/// name is checked as a new table's (`InvalidParameterValue.TooLong`), the routes are
/// all replaced by the request's, made as `CreateRoutes` makes them, under its rules;
/// a refused route leaves the table as it was.
fn reset_routes(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("RouteTableId", &ROUTE_TABLE)?;
    let name = engine::string_param(cx.params, "RouteTableName").unwrap_or_default();
    engine::check_name("RouteTableName", name, &cx.action.codes)?;
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    let before = table.clone();
    table.insert("RouteSet".into(), Value::Array(Vec::new()));
    let mut params = Map::new();
    params.insert("RouteTableId".into(), Value::from(id));
    if let Some(routes) = cx.params.get("Routes") {
        params.insert("Routes".into(), routes.clone());
    }
    let made = match cx.as_action("CreateRoutes", &params) {
        Some(create) => create_routes(world, &create),
        None => Err(cx.error(&["InternalError"], "CreateRoutes is not emulated")),
    };
    let table = cx.find(world, &ROUTE_TABLE, id)?;
    match made {
        Ok(_) => {
            table.insert("RouteTableName".into(), Value::from(name));
            Ok(Map::new())
        }
        Err(error) => {
            *table = before;
            // The refusal carries CreateRoutes' code, which ResetRoutes documents too
            // for the rules they share; any other is this action's nearest.
            Err(if cx.action.codes.allows(&error.code) {
                error
            } else {
                cx.error(&["InvalidParameterValue"], error.message)
            })
        }
    }
}
