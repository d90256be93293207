//! The security group resource: `CreateSecurityGroup`, `DescribeSecurityGroups`,
//! `DeleteSecurityGroup`, `CreateSecurityGroupPolicies`,
//! `DescribeSecurityGroupPolicies` and `DeleteSecurityGroupPolicies`, with the
//! hand-written rules each names the document of.
//!
//! Security groups belong to a region, not to a VPC. A group's policies are kept in
//! its row under [`POLICIES`] (the `SecurityGroupPolicySet` shape, with its `Version`)
//! and left out of the `SecurityGroup` answers, which do not have that member.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use super::context::Context;
use super::engine::{self, text};
use super::kinds::SECURITY_GROUP;
use super::world::World;
use super::{ActionFn, POLICIES_PER_SECURITY_GROUP, Resource, SECURITY_GROUPS_PER_REGION};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("CreateSecurityGroup", create as ActionFn),
        ("DescribeSecurityGroups", describe),
        ("DeleteSecurityGroup", delete),
        ("CreateSecurityGroupPolicies", create_policies),
        ("DescribeSecurityGroupPolicies", describe_policies),
        ("DeleteSecurityGroupPolicies", delete_policies),
        ("CreateDefaultSecurityGroup", create_default),
        ("CreateSecurityGroupWithPolicies", create_with_policies),
    ],
    kinds: &[&SECURITY_GROUP],
    // ENIs refer to security groups (`GroupSet`); the ENI resource declares it.
    references: &[],
};

/// The member of a group's row that keeps its policy set.
const POLICIES: &str = "SecurityGroupPolicySet";

/// The two directions of a policy set.
const DIRECTIONS: [&str; 2] = ["Ingress", "Egress"];

/// The protocols a policy may name (CreateSecurityGroupPolicies: "`Protocol`: Allows
/// `TCP`, `UDP`, `ICMP`, `ICMPV6`, `GRE` and `ALL`"), compared without case as the
/// examples write `All` and `icmp`.
const PROTOCOLS: [&str; 6] = ["TCP", "UDP", "ICMP", "ICMPV6", "GRE", "ALL"];

/// The longest description (CreateSecurityGroup.GroupDescription: "The maximum length
/// is 100 characters").
const LONGEST_DESCRIPTION: usize = 100;

/// `row` as a `SecurityGroup` answer: without its policies.
fn answered(row: &Map<String, Value>) -> Value {
    let mut out = row.clone();
    out.remove(POLICIES);
    Value::Object(out)
}

fn create(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let codes = &cx.action.codes;
    let name = engine::string_param(cx.params, "GroupName").unwrap_or_default();
    engine::check_name("GroupName", name, codes)?;
    let description = engine::string_param(cx.params, "GroupDescription").unwrap_or_default();
    if description.chars().count() > LONGEST_DESCRIPTION {
        return Err(cx.error(
            &["InvalidParameterValue.TooLong"],
            format!(
                "The value of parameter `GroupDescription` is longer than {LONGEST_DESCRIPTION} characters."
            ),
        ));
    }
    let project = match cx.params.get("ProjectId") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        // CreateSecurityGroup.ProjectId: "The default is 0".
        _ => "0".to_owned(),
    };
    let tags = engine::read_tags(cx.params, codes)?;
    // Rule (quota): at most `security-groups-per-region` groups per region
    // (CreateSecurityGroup: "Note the maximum number of security groups per project in
    // each region under each account"); `LimitExceeded` as it documents.
    let quota = world.quotas.get(SECURITY_GROUPS_PER_REGION);
    if world.region(&cx.scope).table(&SECURITY_GROUP).rows().len() as u64 >= quota {
        return Err(cx.error(
            &["LimitExceeded"],
            format!(
                "The quota of {quota} security groups in region `{}` is reached.",
                cx.scope.region
            ),
        ));
    }
    let id = cx.fresh_id(world, &SECURITY_GROUP);
    let now = engine::created_time();
    let mut row = Map::new();
    row.insert("SecurityGroupId".into(), Value::from(id));
    row.insert("SecurityGroupName".into(), Value::from(name));
    row.insert("SecurityGroupDesc".into(), Value::from(description));
    row.insert("ProjectId".into(), Value::from(project));
    row.insert("IsDefault".into(), Value::Bool(false));
    row.insert("CreatedTime".into(), Value::from(now.clone()));
    row.insert("UpdateTime".into(), Value::from(now));
    row.insert("TagSet".into(), tags);
    // CreateSecurityGroup: "Both the inbound and outbound rules for a newly created
    // security group are 'Deny All' by default": no policies, version 0.
    let mut set = Map::new();
    set.insert("Version".into(), Value::from("0"));
    set.insert("Egress".into(), Value::Array(Vec::new()));
    set.insert("Ingress".into(), Value::Array(Vec::new()));
    row.insert(POLICIES.into(), Value::Object(set));
    let answer = answered(&row);
    world.region(&cx.scope).table_mut(&SECURITY_GROUP).push(row);
    let mut out = Map::new();
    out.insert("SecurityGroup".into(), answer);
    Ok(out)
}

fn describe(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let mut out = cx.describe(
        world.region(&cx.scope),
        &SECURITY_GROUP,
        "SecurityGroupIds",
        "SecurityGroupSet",
    )?;
    if let Some(Value::Array(set)) = out.get_mut("SecurityGroupSet") {
        for item in set.iter_mut() {
            if let Value::Object(row) = item {
                *item = answered(row);
            }
        }
    }
    Ok(out)
}

fn delete(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("SecurityGroupId", &SECURITY_GROUP)?;
    let region = world.region(&cx.scope);
    // Rule (dependencies): "A security group cannot be deleted directly if its
    // instance ID is used in the policy of another security group" (DeleteSecurityGroup).
    // Its own policies naming it do not count: they go with it. `ResourceInUse`.
    if region.get(&SECURITY_GROUP, id).is_some() {
        let users: Vec<&str> = region
            .table(&SECURITY_GROUP)
            .rows()
            .iter()
            .filter(|row| text(row.get("SecurityGroupId")) != Some(id))
            .filter(|row| policies(row).any(|(_, p)| text(p.get("SecurityGroupId")) == Some(id)))
            .filter_map(|row| text(row.get("SecurityGroupId")))
            .collect();
        if !users.is_empty() {
            return Err(cx.error(
                &["ResourceInUse"],
                format!(
                    "The security group `{id}` is used in the policies of {}: modify them first.",
                    users.join(", ")
                ),
            ));
        }
    }
    // Rule (dependencies): a security group bound to an ENI cannot be deleted (issue
    // 19); the ENI resource declares the reference, answered `ResourceInUse`.
    cx.delete(world, &SECURITY_GROUP, id, &["ResourceInUse"])?;
    Ok(Map::new())
}

/// Every policy of a group's row, with its direction.
fn policies(row: &Map<String, Value>) -> impl Iterator<Item = (&'static str, &Map<String, Value>)> {
    DIRECTIONS.into_iter().flat_map(move |direction| {
        row.get(POLICIES)
            .and_then(|set| set.get(direction))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(move |p| (direction, p))
    })
}

/// The request's `SecurityGroupPolicySet`: its direction and policies.
struct Request<'a> {
    direction: &'static str,
    items: Vec<&'a Map<String, Value>>,
}

/// Reads the request's policy set and checks its `Version` against the group's.
fn read_request<'a>(cx: &'a Context<'_>, current: &str) -> Result<Request<'a>, ApiError> {
    let set = cx
        .params
        .get(POLICIES)
        .and_then(Value::as_object)
        .ok_or_else(|| {
            cx.error(
                &["MissingParameter"],
                format!("The parameter `{POLICIES}` is missing."),
            )
        })?;
    // Rule: `Version` guards concurrent edits (DeleteSecurityGroupPolicies: "If the
    // specified Version number differs from the latest version of the current security
    // group, a failure will be returned. If Version is not specified, ..."; likewise
    // CreateSecurityGroupPolicies): `UnsupportedOperation.VersionMismatch`.
    let version = match set.get("Version") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    if !version.is_empty() && version != current {
        return Err(cx.error(
            &["UnsupportedOperation.VersionMismatch"],
            format!(
                "The version `{version}` of `{POLICIES}` is not the security group's latest, `{current}`."
            ),
        ));
    }
    // Rule: one direction per request (CreateSecurityGroupPolicies: "You can only
    // create policies in one direction in each request"; DeleteSecurityGroupPolicies:
    // "One request can only delete one or more policies in one direction"):
    // `InvalidParameter.Coexist` for both, `InvalidParameterValue.Empty` for none.
    let given: Vec<(&'static str, &Vec<Value>)> = DIRECTIONS
        .into_iter()
        .filter_map(|d| {
            set.get(d)
                .and_then(Value::as_array)
                .filter(|l| !l.is_empty())
                .map(|l| (d, l))
        })
        .collect();
    let (direction, list) = match given.as_slice() {
        [one] => *one,
        [] => {
            return Err(cx.error(
                &["InvalidParameterValue.Empty", "MissingParameter"],
                format!("`{POLICIES}` has no `Ingress` or `Egress` policy."),
            ));
        }
        _ => {
            return Err(cx.error(
                &["InvalidParameter.Coexist", "InvalidParameter"],
                format!("`{POLICIES}` has both `Ingress` and `Egress` policies: one direction per request."),
            ));
        }
    };
    let items = list
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_object().ok_or_else(|| {
                cx.error(
                    &["InvalidParameterValue.Malformed"],
                    format!("`{POLICIES}.{direction}.{index}` is not an object."),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Request { direction, items })
}

/// A text member of a policy, trimmed (empty when absent).
fn member<'a>(policy: &'a Map<String, Value>, name: &str) -> &'a str {
    text(policy.get(name)).unwrap_or_default().trim()
}

/// A template member (`ServiceTemplate`, `AddressTemplate`) with both its IDs, or
/// `None` when absent or empty.
fn template(policy: &Map<String, Value>, name: &str, ids: [&str; 2]) -> Option<Value> {
    let given = policy.get(name)?.as_object()?;
    let mut out = Map::new();
    for id in ids {
        out.insert(id.into(), Value::from(member(given, id)));
    }
    out.values()
        .any(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        .then_some(Value::Object(out))
}

/// A policy as kept: the members of `SecurityGroupPolicy`, protocol, port and action
/// in upper case, without `PolicyIndex` (numbered when the set is written back).
fn normalized(
    cx: &Context<'_>,
    world: &mut World,
    policy: &Map<String, Value>,
    path: &str,
) -> Result<Map<String, Value>, ApiError> {
    let protocol = member(policy, "Protocol").to_ascii_uppercase();
    let port = member(policy, "Port");
    let port = if port.eq_ignore_ascii_case("all") {
        "ALL".to_owned()
    } else {
        port.to_owned()
    };
    let action = member(policy, "Action").to_ascii_uppercase();
    let service = template(policy, "ServiceTemplate", ["ServiceId", "ServiceGroupId"]);
    let address = template(policy, "AddressTemplate", ["AddressId", "AddressGroupId"]);
    let (cidr, cidr6, group) = (
        member(policy, "CidrBlock"),
        member(policy, "Ipv6CidrBlock"),
        member(policy, "SecurityGroupId"),
    );
    // Rule: `Action`: `ACCEPT` or `DROP` (CreateSecurityGroupPolicies).
    if action.is_empty() {
        return Err(cx.error(
            &["InvalidParameterValue.Empty", "MissingParameter"],
            format!("The policy `{path}` has no `Action`."),
        ));
    }
    if action != "ACCEPT" && action != "DROP" {
        return Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            format!("The `Action` `{action}` of policy `{path}` is not `ACCEPT` or `DROP`."),
        ));
    }
    // Rule: the documented protocols only (PROTOCOLS).
    if !protocol.is_empty() && !PROTOCOLS.contains(&protocol.as_str()) {
        return Err(cx.error(
            &["InvalidParameterValue.Range", "InvalidParameterValue"],
            format!(
                "The `Protocol` `{protocol}` of policy `{path}` is not one of {}.",
                PROTOCOLS.join(", ")
            ),
        ));
    }
    // Rule: "`CidrBlock`, `Ipv6CidrBlock`, `SecurityGroupId`, and `AddressTemplate` are
    // mutually exclusive. `Protocol` + `Port` and `ServiceTemplate` are mutually
    // exclusive" (CreateSecurityGroupPolicies): `InvalidParameter.Coexist`.
    let sources = [
        !cidr.is_empty(),
        !cidr6.is_empty(),
        !group.is_empty(),
        address.is_some(),
    ];
    let protocol_given = !protocol.is_empty() || !port.is_empty();
    if sources.iter().filter(|s| **s).count() > 1 || (protocol_given && service.is_some()) {
        return Err(cx.error(
            &["InvalidParameter.Coexist", "InvalidParameter"],
            format!(
                "The policy `{path}` names more than one of `CidrBlock`, `Ipv6CidrBlock`, `SecurityGroupId` and `AddressTemplate`, or both `Protocol`/`Port` and `ServiceTemplate`."
            ),
        ));
    }
    // Rule: "`Port`: A single port ("80") or a port range ("8000-8010"). This parameter
    // is only available when `Protocol` is `TCP` or `UDP`" (`ALL` always is).
    if !port.is_empty() && port != "ALL" {
        let numbered = protocol == "TCP" || protocol == "UDP";
        if !numbered || !ports_valid(&port) {
            return Err(cx.error(
                &["InvalidParameterValue.Range", "InvalidParameterValue"],
                format!(
                    "The `Port` `{port}` of policy `{path}` is not a port, a port range or `ALL` for TCP or UDP."
                ),
            ));
        }
    }
    if !cidr.is_empty() && !ip_block::<Ipv4Addr>(cidr, 32) {
        return Err(cx.error(
            &["InvalidParameterValue.Malformed"],
            format!("The `CidrBlock` `{cidr}` of policy `{path}` is not an IPv4 address or block."),
        ));
    }
    if !cidr6.is_empty() && !ip_block::<Ipv6Addr>(cidr6, 128) {
        return Err(cx.error(
            &["InvalidParameterValue.Malformed"],
            format!(
                "The `Ipv6CidrBlock` `{cidr6}` of policy `{path}` is not an IPv6 address or block."
            ),
        ));
    }
    // Rule: a `SecurityGroupId` source is a group of the caller's region
    // (CreateSecurityGroupPolicies: "the ID of another security group in the same
    // project").
    if !group.is_empty() {
        engine::check_id(
            &format!("{path}.SecurityGroupId"),
            group,
            cx.shape(&SECURITY_GROUP),
            &cx.action.codes,
        )?;
        if world
            .region(&cx.scope)
            .get(&SECURITY_GROUP, group)
            .is_none()
        {
            return Err(cx.not_found(&SECURITY_GROUP, group));
        }
    }
    let mut out = Map::new();
    out.insert("Protocol".into(), Value::from(protocol));
    out.insert("Port".into(), Value::from(port));
    if let Some(service) = service {
        out.insert("ServiceTemplate".into(), service);
    }
    out.insert("CidrBlock".into(), Value::from(cidr));
    out.insert("Ipv6CidrBlock".into(), Value::from(cidr6));
    out.insert("SecurityGroupId".into(), Value::from(group));
    if let Some(address) = address {
        out.insert("AddressTemplate".into(), address);
    }
    out.insert("Action".into(), Value::from(action));
    out.insert(
        "PolicyDescription".into(),
        Value::from(member(policy, "PolicyDescription")),
    );
    out.insert("ModifyTime".into(), Value::from(engine::created_time()));
    Ok(out)
}

/// `80`, `8000-8010`, or a comma-separated list of them, within 1 to 65535.
fn ports_valid(port: &str) -> bool {
    let number = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=65_535).contains(p))
    };
    port.split(',').all(|part| match part.split_once('-') {
        Some((low, high)) => matches!((number(low), number(high)), (Some(l), Some(h)) if l <= h),
        None => number(part).is_some(),
    })
}

/// An address or `address/prefix` of the address family `A`.
fn ip_block<A: std::str::FromStr>(text: &str, longest: u8) -> bool {
    let (address, prefix) = text.split_once('/').unwrap_or((text, "0"));
    address.parse::<A>().is_ok() && prefix.parse::<u8>().is_ok_and(|p| p <= longest)
}

/// What makes two policies the same rule: everything but the index, the description
/// and the time.
fn content(policy: &Map<String, Value>) -> Vec<String> {
    [
        "Protocol",
        "Port",
        "ServiceTemplate",
        "CidrBlock",
        "Ipv6CidrBlock",
        "SecurityGroupId",
        "AddressTemplate",
        "Action",
    ]
    .iter()
    .map(|m| {
        policy.get(*m).map_or_else(String::new, |v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    })
    .collect()
}

/// The group's policy set and version.
fn current_set(row: &Map<String, Value>) -> (String, [Vec<Map<String, Value>>; 2]) {
    let set = row.get(POLICIES);
    let version = set
        .and_then(|s| text(s.get("Version")))
        .unwrap_or("0")
        .to_owned();
    let lists = DIRECTIONS.map(|d| {
        set.and_then(|s| s.get(d))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_object().cloned())
            .collect()
    });
    (version, lists)
}

/// Writes the policy set back, numbered from 0, with the next version ("automatically
/// increases by one each time you update the security group policy").
fn write_set(row: &mut Map<String, Value>, version: &str, lists: [Vec<Map<String, Value>>; 2]) {
    let next = version.parse::<u64>().unwrap_or(0) + 1;
    let mut set = Map::new();
    set.insert("Version".into(), Value::from(next.to_string()));
    for (direction, list) in DIRECTIONS.into_iter().zip(lists) {
        let numbered = list
            .into_iter()
            .enumerate()
            .map(|(index, mut policy)| {
                policy.insert("PolicyIndex".into(), Value::from(index));
                Value::Object(policy)
            })
            .collect();
        set.insert(direction.into(), Value::Array(numbered));
    }
    row.insert(POLICIES.into(), Value::Object(set));
    row.insert("UpdateTime".into(), Value::from(engine::created_time()));
}

/// A policy's `PolicyIndex`, as a number or text.
fn index_of(policy: &Map<String, Value>) -> Option<Result<usize, ()>> {
    match policy.get("PolicyIndex")? {
        Value::Number(n) => Some(n.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or(())),
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().parse().map_err(|_| ())),
        Value::Null => None,
        _ => Some(Err(())),
    }
}

fn create_policies(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("SecurityGroupId", &SECURITY_GROUP)?;
    let quota = world.quotas.get(POLICIES_PER_SECURITY_GROUP);
    let (version, mut lists) = current_set(cx.find(world, &SECURITY_GROUP, id)?);
    let request = read_request(cx, &version)?;
    let slot = usize::from(request.direction == "Egress");
    let path = format!("{POLICIES}.{}", request.direction);
    // "To specify the `PolicyIndex` parameter, use the same index number in policies.
    // If you want to insert a rule before the first rule, enter 0; if you want to add
    // a rule after the last rule, leave it empty."
    let mut indices = BTreeSet::new();
    for policy in &request.items {
        match index_of(policy) {
            Some(Ok(index)) => {
                indices.insert(Some(index));
            }
            Some(Err(())) => {
                return Err(cx.error(
                    &["InvalidParameterValue.Malformed"],
                    format!("A `PolicyIndex` of `{path}` is not a whole number."),
                ));
            }
            None => {
                indices.insert(None);
            }
        }
    }
    if indices.len() > 1 {
        return Err(cx.error(
            &["InvalidParameterValue"],
            format!("The policies of `{path}` give different `PolicyIndex` values: use one."),
        ));
    }
    let at = indices.into_iter().next().flatten();
    if let Some(at) = at
        && at > lists[slot].len()
    {
        return Err(cx.error(
            &["InvalidParameterValue.Range"],
            format!(
                "The `PolicyIndex` {at} is past the {} {} policies of security group `{id}`.",
                lists[slot].len(),
                request.direction
            ),
        ));
    }
    let mut fresh = Vec::new();
    for (index, policy) in request.items.iter().enumerate() {
        let policy = normalized(cx, world, policy, &format!("{path}.{index}"))?;
        // Rule: no policy twice in a direction (`UnsupportedOperation.DuplicatePolicy`:
        // "The security group policies are repeated").
        let key = content(&policy);
        if lists[slot].iter().chain(&fresh).any(|p| content(p) == key) {
            return Err(cx.error(
                &["UnsupportedOperation.DuplicatePolicy"],
                format!("The policy `{path}.{index}` repeats a policy of security group `{id}`."),
            ));
        }
        fresh.push(policy);
    }
    // Rule (quota): at most `security-group-policies-per-direction` policies per
    // group and direction: `LimitExceeded.SecurityGroupPolicySet` ("The number of
    // security group rules exceeds the upper limit").
    if (lists[slot].len() + fresh.len()) as u64 > quota {
        return Err(cx.error(
            &["LimitExceeded.SecurityGroupPolicySet", "LimitExceeded"],
            format!(
                "The quota of {quota} {} policies of security group `{id}` would be exceeded.",
                request.direction
            ),
        ));
    }
    let at = at.unwrap_or(lists[slot].len());
    lists[slot].splice(at..at, fresh);
    let row = cx.find(world, &SECURITY_GROUP, id)?;
    write_set(row, &version, lists);
    Ok(Map::new())
}

fn describe_policies(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("SecurityGroupId", &SECURITY_GROUP)?;
    let filters = engine::read_filters(cx.params, &cx.action.filters, &cx.action.codes)?;
    let row = cx.find(world, &SECURITY_GROUP, id)?;
    let (version, lists) = current_set(row);
    let mut set = Map::new();
    set.insert("Version".into(), Value::from(version));
    let mut counts = Map::new();
    for (direction, list) in DIRECTIONS.into_iter().zip(lists) {
        let v6 = list
            .iter()
            .filter(|p| !member(p, "Ipv6CidrBlock").is_empty())
            .count();
        counts.insert(
            format!("{direction}IPv4TotalCount"),
            Value::from(list.len() - v6),
        );
        counts.insert(format!("{direction}IPv6TotalCount"), Value::from(v6));
        // The indices stay those of the whole set, so a filtered answer can name
        // policies to delete.
        let kept: Vec<Value> = list
            .into_iter()
            .filter(|p| filters.iter().all(|f| policy_matches(direction, p, f)))
            .map(Value::Object)
            .collect();
        set.insert(direction.into(), Value::Array(kept));
    }
    set.insert("PolicyStatistics".into(), Value::Object(counts));
    let mut out = Map::new();
    out.insert(POLICIES.into(), Value::Object(set));
    Ok(out)
}

/// Whether `policy` of `direction` passes `filter`, as DescribeSecurityGroupPolicies'
/// `Filters` document each name (values ORed; "fuzzy" names by substring).
fn policy_matches(direction: &str, policy: &Map<String, Value>, filter: &engine::Filter) -> bool {
    let any = |f: &dyn Fn(&str) -> bool| filter.values.iter().any(|v| f(v.trim()));
    let templates = |name: &str, ids: [&str; 2]| -> Vec<String> {
        let template = policy.get(name).and_then(Value::as_object);
        ids.iter()
            .filter_map(|id| template.map(|t| member(t, id).to_owned()))
            .filter(|id| !id.is_empty())
            .collect()
    };
    match filter.name.as_str() {
        "security-group-id" => any(&|v| member(policy, "SecurityGroupId") == v),
        // "IPV4 and IPV6 fuzzy matching is supported."
        "ip" => any(&|v| {
            member(policy, "CidrBlock").contains(v) || member(policy, "Ipv6CidrBlock").contains(v)
        }),
        "address-module" => {
            let ids = templates("AddressTemplate", ["AddressId", "AddressGroupId"]);
            any(&|v| ids.iter().any(|id| id == v))
        }
        "service-module" => {
            let ids = templates("ServiceTemplate", ["ServiceId", "ServiceGroupId"]);
            any(&|v| ids.iter().any(|id| id == v))
        }
        "protocol-type" => any(&|v| member(policy, "Protocol").eq_ignore_ascii_case(v)),
        // "Fuzzy matching is supported. Query all ports when the protocol value is ALL."
        "port" => {
            any(&|v| member(policy, "Protocol") == "ALL" || member(policy, "Port").contains(v))
        }
        "poly" => any(&|v| {
            v.eq_ignore_ascii_case("ALL") || member(policy, "Action").eq_ignore_ascii_case(v)
        }),
        "direction" => any(&|v| {
            v.eq_ignore_ascii_case("ALL")
                || (v.eq_ignore_ascii_case("INBOUND") && direction == "Ingress")
                || (v.eq_ignore_ascii_case("OUTBOUND") && direction == "Egress")
        }),
        "description" => any(&|v| member(policy, "PolicyDescription").contains(v)),
        // Other documented names (the China site's list may be longer) match nothing,
        // as the generic filters do for a member a resource does not have.
        _ => false,
    }
}

fn delete_policies(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = cx.id_param("SecurityGroupId", &SECURITY_GROUP)?;
    let (version, mut lists) = current_set(cx.find(world, &SECURITY_GROUP, id)?);
    let request = read_request(cx, &version)?;
    let slot = usize::from(request.direction == "Egress");
    let path = format!("{POLICIES}.{}", request.direction);
    // "Both PolicyIndex-matching deletion and security group policy-matching deletion
    // methods are supported. Each request can use only one matching method"
    // (DeleteSecurityGroupPolicies.SecurityGroupPolicySet): `InvalidParameter.Coexist`
    // when mixed.
    let indices: Vec<Option<Result<usize, ()>>> =
        request.items.iter().map(|p| index_of(p)).collect();
    let by_index = indices.iter().filter(|i| i.is_some()).count();
    if by_index != 0 && by_index != indices.len() {
        return Err(cx.error(
            &["InvalidParameter.Coexist"],
            format!(
                "The policies of `{path}` mix `PolicyIndex` and policy matching: use one method."
            ),
        ));
    }
    let mut gone = BTreeSet::new();
    if by_index > 0 {
        for index in indices.into_iter().flatten() {
            match index {
                Ok(index) if index < lists[slot].len() => {
                    gone.insert(index);
                }
                Ok(index) => {
                    return Err(cx.error(
                        &["InvalidParameterValue.Range"],
                        format!(
                            "The security group `{id}` has no {} policy with `PolicyIndex` {index}.",
                            request.direction
                        ),
                    ));
                }
                Err(()) => {
                    return Err(cx.error(
                        &["InvalidParameterValue.Malformed"],
                        format!("A `PolicyIndex` of `{path}` is not a whole number."),
                    ));
                }
            }
        }
    } else {
        for (index, policy) in request.items.iter().enumerate() {
            let key = content(&normalized(cx, world, policy, &format!("{path}.{index}"))?);
            let found = lists[slot]
                .iter()
                .enumerate()
                .find(|(i, p)| !gone.contains(i) && content(p) == key)
                .map(|(i, _)| i);
            let Some(found) = found else {
                return Err(cx.error(
                    &["ResourceNotFound"],
                    format!(
                        "The policy `{path}.{index}` matches no policy of security group `{id}`."
                    ),
                ));
            };
            gone.insert(found);
        }
    }
    let kept = std::mem::take(&mut lists[slot])
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !gone.contains(i))
        .map(|(_, p)| p)
        .collect();
    lists[slot] = kept;
    let row = cx.find(world, &SECURITY_GROUP, id)?;
    write_set(row, &version, lists);
    Ok(Map::new())
}

/// Rule (CreateDefaultSecurityGroup): the project's default security group, made on
/// first use as `CreateSecurityGroup` makes one (`default`, `IsDefault`), the same one
/// every later time.
fn create_default(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let project = match cx.params.get("ProjectId") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".to_owned(),
    };
    let existing = world
        .region(&cx.scope)
        .table(&SECURITY_GROUP)
        .rows()
        .iter()
        .find(|row| {
            row.get("IsDefault") == Some(&Value::Bool(true))
                && engine::text(row.get("ProjectId")) == Some(project.as_str())
        })
        .map(answered);
    let group = match existing {
        Some(group) => group,
        None => {
            let mut params = Map::new();
            params.insert("GroupName".into(), Value::from("default"));
            params.insert(
                "GroupDescription".into(),
                Value::from("System created security group"),
            );
            params.insert("ProjectId".into(), Value::from(project));
            let as_create = cx
                .as_action("CreateSecurityGroup", &params)
                .ok_or_else(|| {
                    cx.error(&["InternalError"], "CreateSecurityGroup is not emulated")
                })?;
            let created = create(world, &as_create)?;
            let id = created
                .get("SecurityGroup")
                .and_then(|g| engine::text(g.get("SecurityGroupId")))
                .unwrap_or_default()
                .to_owned();
            let row = world
                .region(&cx.scope)
                .get_mut(&SECURITY_GROUP, &id)
                .ok_or_else(|| cx.error(&["InternalError"], "the default group was not kept"))?;
            row.insert("IsDefault".into(), Value::Bool(true));
            answered(row)
        }
    };
    let mut out = Map::new();
    out.insert("SecurityGroup".into(), group);
    Ok(out)
}

/// Rule (CreateSecurityGroupWithPolicies: "创建新的安全组，并且可以同时添加安全组规则"):
/// `CreateSecurityGroup`, then `CreateSecurityGroupPolicies` with its
/// `SecurityGroupPolicySet`, by their rules; policies that are refused leave no group.
fn create_with_policies(
    world: &mut World,
    cx: &Context<'_>,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = create(world, cx)?;
    let id = out
        .get("SecurityGroup")
        .and_then(|g| engine::text(g.get("SecurityGroupId")))
        .unwrap_or_default()
        .to_owned();
    if let Some(set) = cx.params.get("SecurityGroupPolicySet") {
        let mut params = Map::new();
        params.insert("SecurityGroupId".into(), Value::from(id.as_str()));
        params.insert("SecurityGroupPolicySet".into(), set.clone());
        let added = cx
            .as_action("CreateSecurityGroupPolicies", &params)
            .ok_or_else(|| {
                cx.error(
                    &["InternalError"],
                    "CreateSecurityGroupPolicies is not emulated",
                )
            })
            .and_then(|as_add| create_policies(world, &as_add));
        if let Err(error) = added {
            let references = &cx.spec.references;
            world
                .region(&cx.scope)
                .remove(&SECURITY_GROUP, &id, references);
            // The code is the policies' own; answered only where this action documents
            // it, else its parent or `InvalidParameter` (the documented-codes rule).
            return Err(cx.error(&[error.code.as_str()], error.message));
        }
        if let Some(row) = world.region(&cx.scope).get(&SECURITY_GROUP, &id) {
            out.insert("SecurityGroup".into(), answered(row));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::Quotas;
    use crate::emulator::context::Spec;
    use crate::emulator::engine::{IdSource, Scope};
    use crate::emulator::kinds::NETWORK_INTERFACE;
    use crate::emulator::world::{OnDelete, Reference, always};

    /// The reference the ENI resource declares (an ENI's `GroupSet`), for this test.
    static BOUND: Reference = Reference {
        from: &NETWORK_INTERFACE,
        member: "GroupSet",
        to: &SECURITY_GROUP,
        on_delete: OnDelete::Refuse(always),
    };

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_group_bound_to_an_eni_is_not_deleted() {
        let service = crate::spec::shared_vpc_service().expect("the shipped spec loads");
        let spec = Spec::read(
            service,
            ["DeleteSecurityGroup"],
            &[&SECURITY_GROUP, &NETWORK_INTERFACE],
            vec![&BOUND],
            crate::emulator::families().expect("the shipped spec's families"),
        )
        .expect("spec");
        let scope = Scope {
            account: "AKIDTEST".into(),
            region: "ap-guangzhou".into(),
        };
        let mut world = World::new(IdSource::seeded(1), Quotas::default(), Default::default());
        let region = world.region(&scope);
        region.table_mut(&SECURITY_GROUP).push(object(
            serde_json::json!({"SecurityGroupId": "sg-aaaaaaaa"}),
        ));
        region
            .table_mut(&NETWORK_INTERFACE)
            .push(object(serde_json::json!({
                "NetworkInterfaceId": "eni-aaaaaaaa",
                "GroupSet": ["sg-bbbbbbbb", "sg-aaaaaaaa"],
            })));
        let params = object(serde_json::json!({"SecurityGroupId": "sg-aaaaaaaa"}));
        let cx = Context {
            spec: &spec,
            action: &spec.actions["DeleteSecurityGroup"],
            scope: scope.clone(),
            params: &params,
            now: tokio::time::Instant::now(),
        };
        let refused = delete(&mut world, &cx).expect_err("in use");
        assert_eq!(refused.code, "ResourceInUse", "{refused:?}");
        assert!(refused.message.contains("ENI"), "{refused:?}");
        world
            .region(&scope)
            .table_mut(&NETWORK_INTERFACE)
            .remove("NetworkInterfaceId", "eni-aaaaaaaa");
        delete(&mut world, &cx).expect("deleted once unbound");
        assert!(
            world
                .region(&scope)
                .get(&SECURITY_GROUP, "sg-aaaaaaaa")
                .is_none()
        );
    }

    #[test]
    fn ports_and_blocks_parse() {
        assert!(ports_valid("80"));
        assert!(ports_valid("8000-8010"));
        assert!(ports_valid("80,443"));
        assert!(!ports_valid("0"));
        assert!(!ports_valid("10-5"));
        assert!(!ports_valid("http"));
        assert!(ip_block::<Ipv4Addr>("10.9.89.9/25", 32));
        assert!(ip_block::<Ipv4Addr>("1.1.1.1", 32));
        assert!(!ip_block::<Ipv4Addr>("1.1.1.1/33", 32));
        assert!(ip_block::<Ipv6Addr>("::/0", 128));
        assert!(!ip_block::<Ipv6Addr>("10.0.0.0/8", 128));
    }
}
