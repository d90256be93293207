//! The randomized run: thousands of random calls of the emulated actions, through the
//! signed HTTP endpoint, from two accounts in two regions, with the invariants checked
//! after every call.
//!
//! The calls are made from the spec, not per resource: an action's parameters start
//! from one of its published examples, then every member that names a kind's ID
//! (`VpcId`, `SecurityGroupIds`, ...) gets an ID the run has seen (or, now and then, one
//! that does not exist), `CidrBlock` a block carved from the chosen VPC's, `Filters` a
//! documented filter (or, now and then, an undocumented one), `Limit`/`Offset` a page
//! (sometimes too large), names and tags a few values. A resource added to the emulator
//! is covered by this run without a line here.
//!
//! After every call:
//! - the answer is a success, or an error code the action documents or a common one;
//!   never `InternalError`, never a dropped connection (no panic behind it);
//! - no reference points at a deleted resource (`Emulator::dangling_references`);
//! - no two subnets of one VPC overlap, and every subnet lies in its VPC's block;
//! - no private IP is given twice in one subnet;
//! - a successful answer repeats no ID of a published example answer that no call of
//!   the run sent (the emulator never copies an example);
//! - a successful answer carries every top-level member its action's example answers
//!   carry, with the JSON type the spec declares (answers as complete as the examples).
//!
//! Every 250 calls, each family's paged `Describe*` action's `TotalCount` in each scope
//! equals the number of rows the emulator holds there (the families come from the
//! emulator's registry, `vpc_mock::emulator::families`).
//!
//! `VPC_MOCK_RANDOM_CALLS` sets the number of calls (default 10,000, CI's run) and
//! `VPC_MOCK_RANDOM_SEED` the seed (default 1), for the long run the notes report.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use api_spec::ir::{Action, Service};
use serde_json::{Map, Value, json};
use vpc_client::credentials::Credential;
use vpc_client::{Client, Endpoint, Error, RateLimitPolicy, RetryPolicy, UntypedRequest};
use vpc_mock::emulator::cidr::Cidr;
use vpc_mock::emulator::engine::{FilterNames, IdSource};
use vpc_mock::emulator::{Scope, emulated_actions, kinds};
use vpc_mock::{Emulator, MockServer, VpcState, demo_credential, vpc_service};

const OTHER: (&str, &str) = ("AKIDRANDOMRUNOTHER01", "random-run-other-secret");
const REGIONS: [&str; 2] = ["ap-guangzhou", "ap-shanghai"];

/// The run's choices, from the emulator's own seeded generator.
struct Rng(IdSource);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// What the run has seen: IDs by ID member, and each VPC's block.
#[derive(Default)]
struct Seen {
    ids: BTreeMap<String, Vec<String>>,
    vpc_blocks: HashMap<String, String>,
    /// Each subnet's VPC.
    subnet_vpcs: HashMap<String, String>,
}

impl Seen {
    fn harvest(&mut self, value: &Value, id_members: &BTreeSet<&'static str>) {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(vpc)), Some(Value::String(block)), None) =
                    (map.get("VpcId"), map.get("CidrBlock"), map.get("SubnetId"))
                    && map.contains_key("VpcName")
                {
                    self.vpc_blocks.insert(vpc.clone(), block.clone());
                }
                if let (Some(Value::String(vpc)), Some(Value::String(subnet)), Some(_)) =
                    (map.get("VpcId"), map.get("SubnetId"), map.get("SubnetName"))
                {
                    self.subnet_vpcs.insert(subnet.clone(), vpc.clone());
                }
                for (key, value) in map {
                    if let Value::String(id) = value
                        && id_members.contains(key.as_str())
                        && !id.is_empty()
                    {
                        let list = self.ids.entry(key.clone()).or_default();
                        if !list.contains(id) {
                            list.push(id.clone());
                        }
                    }
                    self.harvest(value, id_members);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.harvest(v, id_members)),
            _ => {}
        }
    }
}

struct Run {
    rng: Rng,
    /// What each scope's answers showed (IDs of another scope are mostly not found).
    seen: Vec<Seen>,
    /// The scope of the call being made.
    scope: usize,
    id_members: BTreeSet<&'static str>,
}

impl Run {
    fn id(&mut self, member: &str) -> Value {
        if self.rng.chance(4) {
            // Not there: a made-up ID of a plausible shape.
            let prefix = self.seen[self.scope]
                .ids
                .get(member)
                .and_then(|l| l.first())
                .and_then(|id| id.split_once('-').map(|(p, _)| p.to_owned()))
                .unwrap_or_else(|| "x".to_owned());
            return Value::from(format!("{prefix}-zz{:06}", self.rng.below(1_000_000)));
        }
        // Now and then an ID of another scope: not found there either.
        let scope = if self.rng.chance(3) {
            self.rng.below(self.seen.len())
        } else {
            self.scope
        };
        let list = self.seen[scope]
            .ids
            .get(member)
            .cloned()
            .unwrap_or_default();
        Value::from(self.rng.pick(&list).cloned().unwrap_or_default())
    }

    /// A block for a resource of `vpc` (a subnet), or for a new VPC.
    fn block(&mut self, vpc: Option<&str>) -> Value {
        if let Some(block) = vpc
            .and_then(|v| self.seen[self.scope].vpc_blocks.get(v))
            .and_then(|b| Cidr::parse(b))
        {
            let prefix = [24u8, 26, 28, 20][self.rng.below(4)].max(block.prefix);
            let slots = 1u32 << (prefix - block.prefix).min(16);
            let index = self.rng.below(slots as usize) as u32;
            let base = block.base + index * (1u32 << (32 - prefix));
            let text = format!(
                "{}.{}.{}.{}/{prefix}",
                base >> 24,
                (base >> 16) & 255,
                (base >> 8) & 255,
                base & 255
            );
            return Value::from(text);
        }
        let choices = [
            format!("10.{}.0.0/16", self.rng.below(256)),
            format!("172.{}.0.0/20", 16 + self.rng.below(16)),
            format!("192.168.{}.0/24", self.rng.below(256)),
            "8.8.0.0/16".to_owned(),
            "10.0.0.0/8".to_owned(),
        ];
        let i = if self.rng.chance(8) {
            3 + self.rng.below(2)
        } else {
            self.rng.below(3)
        };
        Value::from(choices[i].clone())
    }

    fn filters(&mut self, action: &Action) -> Value {
        let names: Vec<String> = FilterNames::of(action).names.into_iter().collect();
        let name = if self.rng.chance(5) || names.is_empty() {
            "no-such-filter".to_owned()
        } else {
            match self.rng.pick(&names).cloned().unwrap_or_default().as_str() {
                "tag:" => "tag:env".to_owned(),
                other => other.to_owned(),
            }
        };
        let member = vpc_mock::emulator::engine::member_of(&name);
        let value = if self.id_members.contains(member.as_str()) {
            self.id(&member)
        } else if name == "tag-key" {
            Value::from("env")
        } else {
            Value::from(["dev", "prod", "web", "false", "true"][self.rng.below(5)])
        };
        json!([{"Name": name, "Values": [value]}])
    }

    fn params(&mut self, action: &Action) -> Value {
        let mut params: Map<String, Value> = self
            .rng
            .pick(&action.examples)
            .and_then(|e| e.input.as_object().cloned())
            .unwrap_or_default();
        // Some of Tencent's examples write text values with quotes inside
        // (`"InstanceChargeType": "\"POSTPAID_BY_HOUR\""`, CreateVpnGateway): the
        // emulator refuses those as its documents say, and the run unquotes them so
        // that such actions also succeed.
        params.values_mut().for_each(unquote);
        // The VPC first: a block is carved from it.
        let mut vpc = None;
        if action.input.iter().any(|f| f.wire_name == "VpcId") {
            let id = self.id("VpcId");
            vpc = id.as_str().map(str::to_owned);
            params.insert("VpcId".into(), id);
        }
        for field in &action.input {
            let name = field.wire_name.as_str();
            let singular = name.strip_suffix('s').unwrap_or(name);
            let value = if name == "VpcId" {
                continue;
            } else if name == "SubnetId" && self.rng.chance(80) {
                // Mostly a subnet of the chosen VPC, so that creations in a subnet
                // succeed often enough to be exercised.
                let seen = &self.seen[self.scope];
                let own: Vec<String> = seen
                    .subnet_vpcs
                    .iter()
                    .filter(|(_, v)| Some(v.as_str()) == vpc.as_deref())
                    .map(|(s, _)| s.clone())
                    .collect();
                match self.rng.pick(&own) {
                    Some(subnet) => Value::from(subnet.clone()),
                    None => self.id(name),
                }
            } else if name.starts_with("PrivateIp") && self.rng.chance(70) {
                // The examples' addresses lie in Tencent's subnets, rarely in ours: mostly
                // let the emulator choose.
                params.remove(name);
                continue;
            } else if name == "ClientToken" {
                // A token is the caller's own (the examples' would make every call after
                // the first one a replay or a mismatch).
                params.remove(name);
                continue;
            } else if self.id_members.contains(name) {
                self.id(name)
            } else if name.ends_with("Ids") && self.id_members.contains(singular) {
                let known = self.seen[self.scope].ids.contains_key(singular);
                if !known || self.rng.chance(50) {
                    params.remove(name);
                    continue;
                }
                let n = 1 + self.rng.below(2);
                Value::Array((0..n).map(|_| self.id(singular)).collect())
            } else if name == "CidrBlock" {
                self.block(vpc.as_deref())
            } else if name == "Filters" {
                if self.rng.chance(50) {
                    params.remove(name);
                    continue;
                }
                self.filters(action)
            } else if name == "Tags" {
                let env = ["dev", "prod"][self.rng.below(2)];
                json!([{"Key": "env", "Value": env}])
            } else if name == "Limit" {
                number(field, 1 + self.rng.below(110))
            } else if name == "Offset" {
                number(field, self.rng.below(30))
            } else if name.ends_with("Name") && field.ty == api_spec::ir::Type::String {
                if self.rng.chance(2) {
                    Value::from("n".repeat(61))
                } else {
                    Value::from(["web", "db", "cache", "edge"][self.rng.below(4)])
                }
            } else if name == "Subnets" {
                let n = 1 + self.rng.below(3);
                let items: Vec<Value> = (0..n)
                    .map(|i| {
                        json!({"SubnetName": format!("s{i}"), "CidrBlock": self.block(vpc.as_deref()), "Zone": "ap-guangzhou-3"})
                    })
                    .collect();
                Value::Array(items)
            } else {
                continue;
            };
            params.insert(name.to_owned(), value);
        }
        Value::Object(params)
    }
}

/// Removes the quotes Tencent wrote inside some example texts, at any depth.
fn unquote(value: &mut Value) {
    match value {
        Value::String(text) if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') => {
            *text = text[1..text.len() - 1].to_owned();
        }
        Value::Array(items) => items.iter_mut().for_each(unquote),
        Value::Object(map) => map.values_mut().for_each(unquote),
        _ => {}
    }
}

/// `n` as the spec types `field` (some `Limit`s are text).
fn number(field: &api_spec::ir::Field, n: usize) -> Value {
    if field.ty == api_spec::ir::Type::String {
        Value::from(n.to_string())
    } else {
        Value::from(n)
    }
}

/// The emulated actions to call, weighted: creates and reads often, deletes less.
fn weighted_actions(service: &'static Service) -> Vec<&'static Action> {
    let mut out = Vec::new();
    for name in emulated_actions() {
        let action = service
            .action(name)
            .expect("an emulated action is in the spec");
        let weight = if name.starts_with("Create") || name.starts_with("Allocate") {
            4
        } else if name.starts_with("Describe") {
            3
        } else if name.starts_with("Delete") || name.starts_with("Release") {
            1
        } else {
            2
        };
        out.extend(std::iter::repeat_n(action, weight));
    }
    out
}

/// Each family's paged listing action that needs no parameter (from the emulator's
/// registry), by table.
fn listings(service: &'static Service) -> Vec<(&'static str, &'static Action)> {
    let Some(families) = vpc_mock::emulator::families() else {
        return Vec::new();
    };
    families
        .list
        .iter()
        .filter_map(|family| {
            let action = service.action(family.describe)?;
            action
                .pagination
                .as_ref()
                .filter(|p| p.count.is_some() && action.input.iter().all(|f| !f.required))
                .map(|_| (family.kind.table, action))
        })
        .collect()
}

/// Every ID of an emulated kind's shape that a published example answer holds.
fn example_ids(service: &'static Service) -> BTreeSet<String> {
    fn walk(value: &Value, prefixes: &[String], out: &mut BTreeSet<String>) {
        match value {
            Value::String(s) if prefixes.iter().any(|p| s.starts_with(p.as_str())) => {
                out.insert(s.clone());
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, prefixes, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, prefixes, out)),
            _ => {}
        }
    }
    let prefixes: Vec<String> = vpc_mock::emulator::families()
        .map(|f| f.list.iter().map(|f| f.shape.prefix.clone()).collect())
        .unwrap_or_default();
    let mut out = BTreeSet::new();
    for action in &service.actions {
        for example in &action.examples {
            walk(&example.output, &prefixes, &mut out);
        }
    }
    out
}

/// The strings of a JSON value.
fn strings(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The answer repeats no example ID no request of the run sent, and carries every
/// top-level member of the action's example answers with its declared JSON type.
fn check_answer(
    action: &Action,
    sent: &BTreeSet<String>,
    answer: &Value,
    example_ids: &BTreeSet<String>,
    call: usize,
) {
    let mut answered = BTreeSet::new();
    strings(answer, &mut answered);
    let copied: Vec<&String> = answered
        .iter()
        .filter(|s| example_ids.contains(*s) && !sent.contains(*s))
        .collect();
    assert!(
        copied.is_empty(),
        "call {call}: {} answered example IDs {copied:?} it was not sent",
        action.name
    );
    for example in &action.examples {
        // Tencent's example answers are verbatim: `{"Response": {...}}`.
        let output = example.output.get("Response").unwrap_or(&example.output);
        let Some(members) = output.as_object() else {
            continue;
        };
        for (member, _) in members {
            let Some(field) = action.output.iter().find(|f| f.wire_name == *member) else {
                continue;
            };
            let value = answer.get(member).unwrap_or(&Value::Null);
            assert!(
                vpc_mock::emulator::shape::fits(value, &field.ty),
                "call {call}: {} answered `{member}` as {value}, where its example has it and the spec declares {:?}",
                action.name,
                field.ty
            );
        }
    }
}

/// The run's time, by what it was spent on.
#[derive(Debug, Default)]
struct Spent {
    calls: std::time::Duration,
    answers: std::time::Duration,
    invariants: std::time::Duration,
    listings: std::time::Duration,
}

impl std::fmt::Display for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "calls {:.1} s, answers' checks {:.1} s, invariants {:.1} s, listings' counts {:.1} s",
            self.calls.as_secs_f64(),
            self.answers.as_secs_f64(),
            self.invariants.as_secs_f64(),
            self.listings.as_secs_f64()
        )
    }
}

fn check_invariants(emulator: &Emulator, call: usize, context: &str) {
    let dangling = emulator.dangling_references();
    assert!(
        dangling.is_empty(),
        "call {call} ({context}): dangling references {dangling:?}"
    );
    let mut vpcs: HashMap<(Scope, String), Cidr> = HashMap::new();
    emulator.for_each_row("vpcs", |scope, row| {
        let id = row["VpcId"].as_str().unwrap_or_default().to_owned();
        let block = Cidr::parse(row["CidrBlock"].as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("call {call}: a VPC without a block: {row:?}"));
        vpcs.insert((scope.clone(), id), block);
    });
    let mut by_vpc: HashMap<(Scope, String), Vec<Cidr>> = HashMap::new();
    emulator.for_each_row("subnets", |scope, row| {
        let vpc = row["VpcId"].as_str().unwrap_or_default().to_owned();
        let block = Cidr::parse(row["CidrBlock"].as_str().unwrap_or_default())
            .unwrap_or_else(|| panic!("call {call}: a subnet without a block: {row:?}"));
        let key = (scope.clone(), vpc);
        let parent = vpcs
            .get(&key)
            .unwrap_or_else(|| panic!("call {call}: a subnet of no VPC: {row:?}"));
        assert!(
            parent.contains(block),
            "call {call}: {block:?} outside {parent:?}"
        );
        by_vpc.entry(key).or_default().push(block);
    });
    // Sorted by first address, blocks overlap only if two neighbours do.
    for blocks in by_vpc.values_mut() {
        blocks.sort_by_key(|b| b.base);
        for pair in blocks.windows(2) {
            assert!(
                !pair[0].overlaps(pair[1]),
                "call {call} ({context}): overlapping subnets {:?} and {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    let mut ips: BTreeSet<(Scope, String, String)> = BTreeSet::new();
    emulator.for_each_row("network_interfaces", |scope, row| {
        let subnet = row["SubnetId"].as_str().unwrap_or_default().to_owned();
        for ip in row["PrivateIpAddressSet"].as_array().into_iter().flatten() {
            let ip = ip["PrivateIpAddress"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                ips.insert((scope.clone(), subnet.clone(), ip.clone())),
                "call {call}: the IP {ip} is given twice in subnet {subnet}"
            );
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_calls_keep_every_invariant() {
    let calls: usize = std::env::var("VPC_MOCK_RANDOM_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed: u64 = std::env::var("VPC_MOCK_RANDOM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let service: &'static Service =
        Box::leak(Box::new(vpc_service().expect("the shipped spec is valid")));
    let emulator = Emulator::builder().seed(seed).build().expect("emulator");
    let server = MockServer::vpc_emulated(VpcState::seeded(), emulator.clone())
        .expect("spec")
        .credential(demo_credential())
        .credential(Credential::new(OTHER.0, OTHER.1))
        .without_rate_limits()
        .start()
        .await
        .expect("start");
    let accounts = [demo_credential(), Credential::new(OTHER.0, OTHER.1)];
    let clients: Vec<(Scope, Client)> = accounts
        .iter()
        .flat_map(|credential| {
            REGIONS.iter().map(|region| {
                let client = Client::builder()
                    .credentials(credential.clone())
                    .region(*region)
                    .endpoint(Endpoint::Url(server.url()))
                    .retry(RetryPolicy::none())
                    .rate_limit(RateLimitPolicy::none())
                    .build()
                    .expect("client");
                let scope = Scope {
                    account: credential.secret_id().to_owned(),
                    region: (*region).to_owned(),
                };
                (scope, client)
            })
        })
        .collect();
    let actions = weighted_actions(service);
    let listings = listings(service);
    let example_ids = example_ids(service);
    // Every text any call sent: an example ID the run sent may come back.
    let mut sent = BTreeSet::new();
    let mut run = Run {
        rng: Rng(IdSource::seeded(seed)),
        seen: clients.iter().map(|_| Seen::default()).collect(),
        scope: 0,
        id_members: kinds().map(|k| k.id).collect(),
    };
    // The state's invariants are walked after every call (each walk reads every row);
    // `VPC_MOCK_RANDOM_CHECK_EVERY=n` walks them after every n-th call of a long run.
    let check_every: usize = std::env::var("VPC_MOCK_RANDOM_CHECK_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1);
    // Where the time goes: the calls themselves, the invariants' walks, the listings'
    // counts (every 250 calls), and the answers' checks.
    let started = std::time::Instant::now();
    let mut spent = Spent::default();
    let (mut succeeded, mut codes) = (0usize, BTreeMap::<String, (usize, String)>::new());
    for call in 1..=calls {
        let action = *run.rng.pick(&actions).expect("actions");
        run.scope = run.rng.below(clients.len());
        let params = run.params(action);
        strings(&params, &mut sent);
        let (_, client) = &clients[run.scope];
        let request = UntypedRequest::new("vpc", &service.version, &action.name, &params)
            .expect("a JSON object");
        let clock = std::time::Instant::now();
        let result = client.call_untyped(&request).await;
        spent.calls += clock.elapsed();
        match result {
            Ok(answer) => {
                succeeded += 1;
                let clock = std::time::Instant::now();
                check_answer(action, &sent, &answer, &example_ids, call);
                spent.answers += clock.elapsed();
                let members = run.id_members.clone();
                run.seen[run.scope].harvest(&answer, &members);
            }
            Err(error @ Error::Service(_)) => {
                let service_error = error.service_error().expect("a service error");
                let code = service_error.code.clone();
                assert!(
                    action.errors.iter().any(|e| e.code == code) || service.is_common(&code),
                    "call {call}: {} answered `{code}`, which it does not document ({}); params {params}",
                    action.name,
                    service_error.message
                );
                assert_ne!(
                    code, "InternalError",
                    "call {call}: {}: {}",
                    action.name, service_error.message
                );
                let entry = codes
                    .entry(format!("{}: {code}", action.name))
                    .or_insert_with(|| (0, service_error.message.clone()));
                entry.0 += 1;
            }
            Err(other) => panic!("call {call}: {} failed: {other}", action.name),
        }
        if call % check_every == 0 || call == calls {
            let clock = std::time::Instant::now();
            check_invariants(&emulator, call, &action.name);
            spent.invariants += clock.elapsed();
        }
        if call % 100_000 == 0 {
            let rows: usize = emulator.counts().values().sum();
            println!(
                "random run: {call} calls in {:.1} s, {rows} rows held; {spent}",
                started.elapsed().as_secs_f64()
            );
        }
        let clock = std::time::Instant::now();
        if call % 250 == 0 {
            for (scope, client) in &clients {
                for (table, describe) in &listings {
                    let mut held = 0usize;
                    emulator.for_each_row(table, |s, _| held += usize::from(s == scope));
                    let request = UntypedRequest::new(
                        "vpc",
                        &service.version,
                        &describe.name,
                        &describe
                            .input
                            .iter()
                            .find(|f| f.wire_name == "Limit")
                            .map_or(json!({}), |f| json!({"Limit": number(f, 1)})),
                    )
                    .expect("JSON");
                    let answer = client.call_untyped(&request).await.expect("a listing");
                    assert_eq!(
                        answer["TotalCount"].as_u64(),
                        Some(held as u64),
                        "call {call}: {} in {scope:?} lists {} but the emulator holds {held}",
                        describe.name,
                        answer["TotalCount"]
                    );
                }
            }
        }
        spent.listings += clock.elapsed();
    }
    let counts = emulator.counts();
    println!(
        "random run: {calls} calls (seed {seed}), {succeeded} succeeded, in {:.1} s ({spent}); invariants walked after every {check_every} call(s); held at the end: {counts:?}",
        started.elapsed().as_secs_f64()
    );
    println!("refusals by action and code (count, first message):");
    for (key, (count, message)) in &codes {
        println!("  {key}: {count} ({message})");
    }
    // The run did something: most kinds of refusals and successes happen in any run of
    // this length (a run that only ever failed would prove nothing).
    assert!(
        succeeded > calls / 10,
        "only {succeeded} of {calls} calls succeeded"
    );
    assert!(counts.get("vpcs").copied().unwrap_or(0) > 0, "{counts:?}");
    server.shutdown().await;
}
