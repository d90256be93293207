//! Benchmarks of the emulator (issue 19):
//!
//! - `client_mix_sequential` / `client_mix_concurrent_16`: calls per second through
//!   the signed HTTP endpoint and the typed client in one process, a create/describe
//!   mix that keeps the state steady (each iteration: `CreateVpc`, `CreateSubnet`,
//!   `DescribeVpcs` by ID, `DescribeSubnets` with a filter, `DeleteSubnet`,
//!   `DeleteVpc`: 6 calls).
//! - `describe_vpcs_10k/{no_filter,filter}`: one `DescribeVpcs` (a page of 20) with
//!   10,000 VPCs in the caller's scope, served by the emulator alone (no HTTP), with no
//!   filter and with a `vpc-name` filter that matches one VPC (the whole table is
//!   scanned).
//! - `describe_vpcs_10k_client/{no_filter,filter}`: the same through the client and
//!   HTTP.
//! - `describe_family_10k/{havips,address_templates}`: two families the engine derives
//!   from the spec (issue 25), 10,000 rows each, one filtered `Describe*` (a name
//!   filter matching one row; the whole table is scanned), emulator alone.
//!
//! After divan's table, the memory the emulator holds per 10,000 VPCs and per 10,000
//! subnets (growth of the resident set while filling a fresh emulator; Linux).
//!
//! Run with `cargo bench -p vpc-mock --bench emulator`.

use std::sync::OnceLock;
use std::time::Duration;

use divan::Bencher;
use divan::counter::ItemsCount;
use serde_json::{Map, Value, json};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use vpc_client::vpc::{
    CreateSubnetRequest, CreateVpcRequest, DeleteSubnetRequest, DeleteVpcRequest,
    DescribeSubnetsRequest, DescribeVpcsRequest, Filter,
};
use vpc_client::{Client, Endpoint, RateLimitPolicy, RetryPolicy};
use vpc_mock::emulator::{SUBNETS_PER_VPC, VPCS_PER_REGION};
use vpc_mock::{Call, Emulator, MockServer, VpcState, demo_credential};

/// The process's resident memory in bytes (`VmRSS` of `/proc/self/status`; Linux),
/// or `None` where it cannot be read. The crate forbids `unsafe`, so no counting
/// allocator: growth of the resident set over a large fill is the measure.
fn resident_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

const REGION: &str = "ap-guangzhou";
const BIG: usize = 10_000;

fn main() {
    divan::main();
    memory_table();
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A call of the demo account in the benchmark's region.
fn call(action: &str, params: Value) -> Call {
    Call {
        action: action.to_owned(),
        region: REGION.to_owned(),
        params: params.as_object().cloned().unwrap_or_default(),
        secret_id: vpc_mock::DEMO_SECRET_ID.to_owned(),
        request_id: "bench".to_owned(),
        language: None,
    }
}

/// An emulator holding `BIG` VPCs named `vpc-<i>` in the demo account's region.
fn big_emulator() -> Emulator {
    let emulator = Emulator::builder()
        .seed(1)
        .quota(VPCS_PER_REGION, u64::MAX)
        .build()
        .expect("emulator");
    fill_vpcs(&emulator, BIG);
    emulator
}

fn fill_vpcs(emulator: &Emulator, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let answer = emulator
                .call(&call(
                    "CreateVpc",
                    json!({"VpcName": format!("vpc-{i}"), "CidrBlock": "10.0.0.0/16",
                           "Tags": [{"Key": "env", "Value": if i % 2 == 0 { "dev" } else { "prod" }}]}),
                ))
                .expect("created");
            answer["Vpc"]["VpcId"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

fn shared_big() -> &'static Emulator {
    static BIG_EMULATOR: OnceLock<Emulator> = OnceLock::new();
    BIG_EMULATOR.get_or_init(big_emulator)
}

#[divan::bench(args = ["no_filter", "filter"])]
fn describe_vpcs_10k(bencher: Bencher, filter: &str) {
    let emulator = shared_big();
    let params = if filter == "filter" {
        json!({"Filters": [{"Name": "vpc-name", "Values": ["vpc-7777"]}], "Limit": "20"})
    } else {
        json!({"Limit": "20"})
    };
    let request = call("DescribeVpcs", params);
    bencher.bench(|| {
        let answer: Map<String, Value> = emulator.call(&request).expect("described");
        assert!(answer["TotalCount"].as_u64().unwrap_or(0) >= 1);
        answer
    });
}

/// An emulator holding 10,000 HAVIPs (in one VPC) and 10,000 address templates, made
/// by the generic create of their derived families.
fn family_emulator() -> &'static Emulator {
    static FAMILIES: OnceLock<Emulator> = OnceLock::new();
    FAMILIES.get_or_init(|| {
        let emulator = Emulator::builder().seed(2).build().expect("emulator");
        let vpc = fill_vpcs(&emulator, 1).remove(0);
        for i in 0..BIG {
            emulator
                .call(&call(
                    "CreateHaVip",
                    json!({"VpcId": vpc, "HaVipName": format!("ha-{i}")}),
                ))
                .expect("a HAVIP");
            emulator
                .call(&call(
                    "CreateAddressTemplate",
                    json!({"AddressTemplateName": format!("t-{i}"), "Addresses": ["10.0.0.1"]}),
                ))
                .expect("an address template");
        }
        emulator
    })
}

#[divan::bench(args = ["havips", "address_templates"])]
fn describe_family_10k(bencher: Bencher, family: &str) {
    let emulator = family_emulator();
    let request = if family == "havips" {
        call(
            "DescribeHaVips",
            json!({"Filters": [{"Name": "havip-name", "Values": ["ha-7777"]}]}),
        )
    } else {
        call(
            "DescribeAddressTemplates",
            json!({"Filters": [{"Name": "address-template-name", "Values": ["t-7777"]}]}),
        )
    };
    bencher.bench(|| {
        let answer: Map<String, Value> = emulator.call(&request).expect("described");
        assert_eq!(answer["TotalCount"].as_u64(), Some(1), "{answer:?}");
        answer
    });
}

/// A server over `emulator` on its own thread and runtime; its URL.
fn serve(emulator: Emulator) -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("vpc-mock".into())
        .spawn(move || {
            runtime().block_on(async move {
                let running = MockServer::vpc_emulated(VpcState::seeded(), emulator)
                    .expect("spec")
                    .credential(demo_credential())
                    .without_rate_limits()
                    .start()
                    .await
                    .expect("start");
                sender.send(running.url()).expect("the benchmark waits");
                std::future::pending::<()>().await;
            });
        })
        .expect("server thread");
    receiver.recv().expect("the server starts")
}

fn client(url: &str) -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region(REGION)
        .endpoint(Endpoint::Url(url.to_owned()))
        .retry(RetryPolicy::none())
        .rate_limit(RateLimitPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn big_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| serve(shared_big().clone()))
}

#[divan::bench(args = ["no_filter", "filter"])]
fn describe_vpcs_10k_client(bencher: Bencher, filter: &str) {
    let runtime = runtime();
    let client = client(big_url());
    let mut request = DescribeVpcsRequest::new();
    request.limit = Some("20".into());
    if filter == "filter" {
        request.filters = Some(vec![Filter {
            name: "vpc-name".into(),
            values: vec!["vpc-7777".into()],
        }]);
    }
    bencher.bench_local(|| {
        runtime
            .block_on(client.describe_vpcs(&request))
            .expect("described")
    });
}

fn mix_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let emulator = Emulator::builder()
            .seed(2)
            .quota(VPCS_PER_REGION, u64::MAX)
            .quota(SUBNETS_PER_VPC, u64::MAX)
            .build()
            .expect("emulator");
        serve(emulator)
    })
}

/// One round of the mix: 6 calls that leave the state as they found it.
async fn mix(client: &Client, n: usize) -> usize {
    let mut create = CreateVpcRequest::new(format!("mix-{n}"));
    create.cidr_block = Some("10.0.0.0/16".into());
    let vpc = client
        .create_vpc(&create)
        .await
        .expect("CreateVpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("an ID");
    let mut subnet = CreateSubnetRequest::new(vpc.as_str(), "web", "ap-guangzhou-3");
    subnet.cidr_block = Some("10.0.1.0/24".into());
    let subnet_id = client
        .create_subnet(&subnet)
        .await
        .expect("CreateSubnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("an ID");
    let mut by_id = DescribeVpcsRequest::new();
    by_id.vpc_ids = Some(vec![vpc.clone()]);
    let listed = client.describe_vpcs(&by_id).await.expect("DescribeVpcs");
    assert_eq!(listed.total_count, Some(1));
    let mut filtered = DescribeSubnetsRequest::new();
    filtered.filters = Some(vec![Filter {
        name: "vpc-id".into(),
        values: vec![vpc.clone()],
    }]);
    let subnets = client
        .describe_subnets(&filtered)
        .await
        .expect("DescribeSubnets");
    assert_eq!(subnets.total_count, Some(1));
    client
        .delete_subnet(&DeleteSubnetRequest::new(subnet_id))
        .await
        .expect("DeleteSubnet");
    client
        .delete_vpc(&DeleteVpcRequest::new(vpc))
        .await
        .expect("DeleteVpc");
    6
}

#[divan::bench(counter = ItemsCount::new(6usize))]
fn client_mix_sequential(bencher: Bencher) {
    let runtime = runtime();
    let client = client(mix_url());
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        runtime.block_on(mix(&client, n))
    });
}

#[divan::bench(counter = ItemsCount::new(6usize * 16))]
fn client_mix_concurrent_16(bencher: Bencher) {
    let runtime = runtime();
    let client = client(mix_url());
    bencher.bench_local(|| {
        runtime.block_on(async {
            let mut set = JoinSet::new();
            for n in 0..16 {
                let client = client.clone();
                set.spawn(async move { mix(&client, n).await });
            }
            let mut calls = 0;
            while let Some(done) = set.join_next().await {
                calls += done.expect("a round");
            }
            calls
        })
    });
}

/// Resident memory an emulator grows by for 10,000 VPCs, then 10,000 subnets.
fn memory_table() {
    let Some(before) = resident_bytes() else {
        println!("(no /proc/self/status: the memory table is left out)");
        return;
    };
    let emulator = Emulator::builder()
        .seed(3)
        .quota(VPCS_PER_REGION, u64::MAX)
        .quota(SUBNETS_PER_VPC, u64::MAX)
        .build()
        .expect("emulator");
    let empty = resident_bytes().unwrap_or(before);
    let vpcs = fill_vpcs(&emulator, BIG);
    let with_vpcs = resident_bytes().unwrap_or(empty);
    // 10,000 subnets: 100 in each of the first 100 VPCs (10.0.0.0/16 holds 256 /24s).
    for (v, vpc) in vpcs.iter().take(100).enumerate() {
        for s in 0..100 {
            emulator
                .call(&call(
                    "CreateSubnet",
                    json!({"VpcId": vpc, "SubnetName": format!("s-{v}-{s}"),
                           "CidrBlock": format!("10.0.{s}.0/24"), "Zone": "ap-guangzhou-3"}),
                ))
                .expect("subnet");
        }
    }
    let with_subnets = resident_bytes().unwrap_or(with_vpcs);
    let state_file = emulator.state_text().len();
    println!();
    println!("memory the emulator grows by (resident set, bytes)");
    println!("| what | bytes | per resource |");
    println!("|---|---|---|");
    println!(
        "| a new emulator (its rules from the spec) | {} | |",
        empty - before
    );
    println!(
        "| 10,000 VPCs | {} | {} |",
        with_vpcs - empty,
        (with_vpcs - empty) / BIG as i64
    );
    println!(
        "| 10,000 subnets | {} | {} |",
        with_subnets - with_vpcs,
        (with_subnets - with_vpcs) / BIG as i64
    );
    println!("| its state file (text) | {state_file} | |");
    drop(emulator);
}
