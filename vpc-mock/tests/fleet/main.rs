//! The shared rate limiter (vpc-client's feature `redis`, issue 27) against a real
//! `redis-server` started by the test, and `vpc-mock` counting as Tencent does (per
//! account, region and action).
//!
//! - `fleet`: 4 processes (this binary again, as workers) share one account and one
//!   action at the endpoint's limit, 1,000 calls in all; then the same run without the
//!   shared limiter.
//! - `isolation`: actions, regions and accounts have buckets of their own; clients of
//!   one account, region and action share one.
//! - `faults`: Redis is killed during a run, restarted, and its scripts flushed.
//! - `fail_closed`: without Redis, a fail-closed client fails at once.
//!
//! No SecretId, SecretKey or Redis password appears in any key, trace or error: each
//! test checks what it made.
//!
//! Without `redis-server` on the `PATH` the tests are skipped with a loud message; under
//! `CI=true` that is a failure. An argument that is not an option runs only the tests
//! whose name contains it.

mod capture;
mod redis_server;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;
use vpc_client::credentials::Credential;
use vpc_client::vpc::ResetVpnConnectionRequest;
use vpc_client::{
    Client, Endpoint, Error, RateLimitPolicy, RetryPolicy, SharedRateLimit, UntypedRequest,
};
use vpc_mock::{ActionInfo, Call, MockServer, ParamInfo, ParamKind, RunningServer};

use crate::redis_server::RedisServer;

const ID: &str = "AKIDfleetAccountOne0000000000000001";
const KEY: &str = "fleet-secret-key-one-never-to-be-seen";
const OTHER_ID: &str = "AKIDfleetAccountTwo0000000000000002";
const OTHER_KEY: &str = "fleet-secret-key-two-never-to-be-seen";
const REDIS_PASSWORD: &str = "redis-password-never-to-be-seen";
const SECRETS: [&str; 5] = [ID, KEY, OTHER_ID, OTHER_KEY, REDIS_PASSWORD];

/// `ResetVpnConnection`'s documented limit, which the endpoint enforces.
const LIMIT: u32 = 100;
const WORKERS: usize = 4;
const CALLS: usize = 1000;

const WORKER_ENV: &str = "VPC_FLEET_WORKER";

/// A test: its name and its body.
type Test = (&'static str, fn(&Runtime));

fn main() -> ExitCode {
    if std::env::var_os(WORKER_ENV).is_some() {
        return worker();
    }
    if !redis_server::available() {
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            eprintln!(
                "error: redis-server is not installed, and CI=true: the shared rate limiter's \
                 tests cannot run (.ci/run installs it)"
            );
            return ExitCode::FAILURE;
        }
        eprintln!(
            "\n!!!!!!!! SKIPPED: redis-server is not on the PATH, so the shared rate limiter's \
             tests (tests/fleet) did not run. Install it (apt-get install redis-server) to run \
             them. !!!!!!!!\n"
        );
        return ExitCode::SUCCESS;
    }
    capture::install();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let tests: [Test; 4] = [
        ("isolation", isolation),
        ("fail_closed", fail_closed),
        ("faults", faults),
        ("fleet", fleet),
    ];
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        println!("test {name} ...");
        let started = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| test(&runtime))) {
            Ok(()) => println!(
                "test {name} ... ok ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(name);
            }
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---------------------------------------------------------------------------------------
// The endpoint.

/// One call the endpoint admitted (past its rate limit, so it reached the handler).
#[derive(Debug, Clone)]
struct Admission {
    at: Instant,
    account: String,
    region: String,
    action: String,
}

type Admitted = Arc<Mutex<Vec<Admission>>>;

/// The endpoint: both accounts, `ResetVpnConnection` at its documented 100/s and
/// `OtherAction` (unlimited), recording every call it admits.
async fn endpoint() -> (RunningServer, Admitted) {
    let admitted: Admitted = Arc::default();
    let record = Arc::clone(&admitted);
    let server = MockServer::builder()
        .credential(Credential::new(ID, KEY))
        .credential(Credential::new(OTHER_ID, OTHER_KEY))
        .action(
            ActionInfo::new("ResetVpnConnection")
                .rate_limit_per_second(LIMIT)
                .param(ParamInfo::required("VpnGatewayId", ParamKind::String))
                .param(ParamInfo::required("VpnConnectionId", ParamKind::String)),
        )
        .action(ActionInfo::new("OtherAction"))
        .handler(move |call: Call| {
            record.lock().expect("lock").push(Admission {
                at: Instant::now(),
                account: call.secret_id.clone(),
                region: call.region.clone(),
                action: call.action.clone(),
            });
            async { Ok(serde_json::Map::new()) }
        })
        .start()
        .await
        .expect("the endpoint starts");
    (server, admitted)
}

fn reset() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-fleet000", "vpnx-fleet000")
}

fn other_action() -> UntypedRequest {
    UntypedRequest::new("vpc", "2017-03-12", "OtherAction", &serde_json::json!({}))
        .expect("an empty object serializes")
}

/// The most calls admitted in any one-second window.
fn max_in_one_second(admitted: &[Instant]) -> usize {
    let mut times = admitted.to_vec();
    times.sort();
    let mut max = 0;
    let mut first = 0;
    for (last, at) in times.iter().enumerate() {
        while at.duration_since(times[first]) >= Duration::from_secs(1) {
            first += 1;
        }
        max = max.max(last + 1 - first);
    }
    max
}

fn is_throttle<E: vpc_client::ActionError>(error: &Error<E>) -> bool {
    error
        .service_error()
        .is_some_and(|e| e.code == "RequestLimitExceeded")
}

fn client_builder(url: &str, id: &str, key: &str, region: &str) -> vpc_client::ClientBuilder {
    Client::builder()
        .region(region)
        .endpoint(Endpoint::Url(url.to_owned()))
        .credentials(Credential::new(id, key))
        // Every throttle is seen, none is hidden by a retry.
        .retry(RetryPolicy::none())
}

fn unix_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970");
    u64::try_from(since.as_millis()).expect("milliseconds fit")
}

// ---------------------------------------------------------------------------------------
// The fleet.

/// One worker process: `VPC_FLEET_CALLS` sequential resets from
/// `VPC_FLEET_START_MS` (Unix ms) on, through the shared limiter when
/// `VPC_FLEET_REDIS` is set; prints one `FLEET-RESULT` line.
fn worker() -> ExitCode {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let endpoint = var("VPC_FLEET_ENDPOINT");
    let redis = var("VPC_FLEET_REDIS");
    let calls: usize = var("VPC_FLEET_CALLS").parse().unwrap_or(0);
    let start_ms: u64 = var("VPC_FLEET_START_MS").parse().unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let mut builder = client_builder(&endpoint, ID, KEY, "ap-guangzhou");
    if !redis.is_empty() {
        builder = builder.shared_rate_limit(
            SharedRateLimit::new(&redis)
                .expect("a Redis URL")
                .with_fallback_share(1.0 / WORKERS as f64),
        );
    }
    let client = builder.build().expect("the client builds");
    let (mut ok, mut throttled, mut other) = (0, 0, 0);
    runtime.block_on(async {
        let wait = start_ms.saturating_sub(unix_ms());
        tokio::time::sleep(Duration::from_millis(wait)).await;
        for _ in 0..calls {
            match client.reset_vpn_connection(&reset()).await {
                Ok(_) => ok += 1,
                Err(error) if is_throttle(&error) => throttled += 1,
                Err(error) => {
                    other += 1;
                    eprintln!("worker {}: {error}", std::process::id());
                }
            }
        }
    });
    let stats = client.shared_rate_limit_stats().unwrap_or_default();
    println!(
        "FLEET-RESULT ok={ok} throttled={throttled} other={other} shared={} fallback={}",
        stats.shared, stats.fallback
    );
    ExitCode::SUCCESS
}

/// What one fleet run saw.
#[derive(Debug, Default)]
struct FleetRun {
    /// Summed over the workers: ok, throttled, other, shared, fallback.
    counts: BTreeMap<String, u64>,
    /// From the agreed start to the last admitted call.
    total: Duration,
    max_in_one_second: usize,
    admitted: usize,
}

fn run_fleet(runtime: &Runtime, redis: Option<&str>) -> FleetRun {
    let (server, admitted) = runtime.block_on(endpoint());
    let exe = std::env::current_exe().expect("this test's binary");
    // The workers start together, once all of them are up.
    let lead = 1500;
    let start_ms = unix_ms() + lead;
    let start = Instant::now() + Duration::from_millis(lead);
    let children: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(&exe)
                .env(WORKER_ENV, "1")
                .env("VPC_FLEET_ENDPOINT", server.url())
                .env("VPC_FLEET_REDIS", redis.unwrap_or(""))
                .env("VPC_FLEET_CALLS", (CALLS / WORKERS).to_string())
                .env("VPC_FLEET_START_MS", start_ms.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("a worker process starts")
        })
        .collect();
    let mut run = FleetRun::default();
    for mut child in children {
        let stdout = child.stdout.take().expect("piped stdout");
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a worker's output");
            let Some(result) = line.strip_prefix("FLEET-RESULT ") else {
                continue;
            };
            for pair in result.split(' ') {
                let (name, value) = pair.split_once('=').expect("name=value");
                *run.counts.entry(name.to_owned()).or_default() +=
                    value.parse::<u64>().expect("a count");
            }
        }
        assert!(
            child.wait().expect("a worker ends").success(),
            "a worker failed"
        );
    }
    let admitted: Vec<Instant> = admitted
        .lock()
        .expect("lock")
        .iter()
        .map(|a| a.at)
        .collect();
    run.admitted = admitted.len();
    run.max_in_one_second = max_in_one_second(&admitted);
    run.total = admitted
        .iter()
        .max()
        .map_or(Duration::ZERO, |last| last.saturating_duration_since(start));
    runtime.block_on(server.shutdown());
    run
}

/// 4 processes, one account, one action at the endpoint's limit: 1,000 calls, with and
/// without the shared limiter.
fn fleet(runtime: &Runtime) {
    let redis = RedisServer::start(None).expect("redis-server starts");
    let shared = run_fleet(runtime, Some(&redis.url()));
    let alone = run_fleet(runtime, None);
    let expected = Duration::from_secs_f64(CALLS as f64 / f64::from(LIMIT));
    for (name, run) in [("shared limiter", &shared), ("in-process only", &alone)] {
        println!(
            "  fleet, {name}: {WORKERS} processes, {} calls, {} admitted, {} RequestLimitExceeded, \
             {} other errors, total {:.2} s (calls / limit = {:.1} s), at most {} admitted in \
             one second (limit {LIMIT}); paced by Redis {}, by the fallback {}",
            run.counts.get("ok").copied().unwrap_or(0)
                + run.counts.get("throttled").copied().unwrap_or(0)
                + run.counts.get("other").copied().unwrap_or(0),
            run.admitted,
            run.counts.get("throttled").copied().unwrap_or(0),
            run.counts.get("other").copied().unwrap_or(0),
            run.total.as_secs_f64(),
            expected.as_secs_f64(),
            run.max_in_one_second,
            run.counts.get("shared").copied().unwrap_or(0),
            run.counts.get("fallback").copied().unwrap_or(0),
        );
    }
    assert_eq!(shared.counts.get("ok"), Some(&(CALLS as u64)), "{shared:?}");
    assert_eq!(shared.counts.get("throttled"), Some(&0), "{shared:?}");
    assert_eq!(
        shared.counts.get("shared"),
        Some(&(CALLS as u64)),
        "{shared:?}"
    );
    assert_eq!(shared.admitted, CALLS);
    assert!(shared.max_in_one_second <= LIMIT as usize, "{shared:?}");
    let off = shared.total.as_secs_f64() / expected.as_secs_f64() - 1.0;
    assert!(off.abs() <= 0.10, "{shared:?}: {:.1} % off", off * 100.0);
    // Alone, each process keeps to the limit, and together they exceed it.
    let throttled = alone.counts.get("throttled").copied().unwrap_or(0);
    assert!(throttled >= (CALLS as u64) / 2, "{alone:?}");
    assert!(alone.max_in_one_second <= LIMIT as usize, "{alone:?}");
}

// ---------------------------------------------------------------------------------------
// Isolation.

fn isolation(runtime: &Runtime) {
    let redis = RedisServer::start(None).expect("redis-server starts");
    let url = redis.url();
    runtime.block_on(async {
        let (server, admitted) = endpoint().await;
        // One call every 10 s: a second one in the same bucket is refused at once (its
        // slot is past the deadline), without being sent.
        let policy = RateLimitPolicy::from_spec()
            .with_limit("ResetVpnConnection", 0.1)
            .with_limit("OtherAction", 0.1);
        let client = |id: &str, key: &str, region: &str| {
            client_builder(&server.url(), id, key, region)
                .rate_limit(policy.clone())
                .deadline(Duration::from_secs(2))
                .shared_rate_limit(
                    SharedRateLimit::new(&url)
                        .expect("a Redis URL")
                        .with_prefix("iso:"),
                )
                .build()
                .expect("the client builds")
        };
        let one = client(ID, KEY, "ap-guangzhou");
        one.reset_vpn_connection(&reset())
            .await
            .expect("first reset");
        let refused = one
            .reset_vpn_connection(&reset())
            .await
            .expect_err("the same bucket, 10 s later");
        assert_eq!(refused.kind_name(), "transport.rate_limited", "{refused}");
        // Another client of the same account, region and action (another process, as
        // far as Redis knows) shares the bucket.
        let twin = client(ID, KEY, "ap-guangzhou");
        let refused_too = twin
            .reset_vpn_connection(&reset())
            .await
            .expect_err("the same bucket from another client");
        assert_eq!(refused_too.kind_name(), "transport.rate_limited");
        // Another action, another region, another account: buckets of their own.
        one.call_untyped(&other_action())
            .await
            .expect("another action");
        client(ID, KEY, "ap-shanghai")
            .reset_vpn_connection(&reset())
            .await
            .expect("another region");
        client(OTHER_ID, OTHER_KEY, "ap-guangzhou")
            .reset_vpn_connection(&reset())
            .await
            .expect("another account");
        for error in [&refused, &refused_too] {
            let text = format!("{error} {error:?}");
            for secret in SECRETS {
                assert!(!text.contains(secret), "{text}");
            }
        }
        let seen: Vec<(String, String, String)> = admitted
            .lock()
            .expect("lock")
            .iter()
            .map(|a| (a.account.clone(), a.region.clone(), a.action.clone()))
            .collect();
        let expect = |account: &str, region: &str, action: &str| {
            (account.to_owned(), region.to_owned(), action.to_owned())
        };
        assert_eq!(
            seen,
            [
                expect(ID, "ap-guangzhou", "ResetVpnConnection"),
                expect(ID, "ap-guangzhou", "OtherAction"),
                expect(ID, "ap-shanghai", "ResetVpnConnection"),
                expect(OTHER_ID, "ap-guangzhou", "ResetVpnConnection"),
            ]
        );
        let stats = one.shared_rate_limit_stats().expect("a shared limiter");
        assert_eq!((stats.shared, stats.fallback), (3, 0), "{stats:?}");
        server.shutdown().await;
    });
    // Four buckets, each naming service, region and action, and an account hash.
    let keys = redis.keys("iso:");
    println!("  isolation: keys {keys:?}");
    assert_eq!(keys.len(), 4, "{keys:?}");
    let parts: Vec<Vec<&str>> = keys.iter().map(|k| k.split(':').collect()).collect();
    for part in &parts {
        assert_eq!(part.len(), 5, "{part:?}");
        assert_eq!((part[0], part[1]), ("iso", "vpc"));
        assert_eq!(part[3].len(), 32, "{part:?}");
    }
    let accounts: std::collections::BTreeSet<&str> = parts.iter().map(|p| p[3]).collect();
    assert_eq!(accounts.len(), 2, "{keys:?}");
    let places: std::collections::BTreeSet<(&str, &str)> =
        parts.iter().map(|p| (p[2], p[4])).collect();
    assert_eq!(
        places,
        [
            ("ap-guangzhou", "OtherAction"),
            ("ap-guangzhou", "ResetVpnConnection"),
            ("ap-shanghai", "ResetVpnConnection"),
        ]
        .into_iter()
        .collect()
    );
    for key in &keys {
        for secret in SECRETS {
            assert!(!key.contains(secret), "{key}");
        }
    }
    // Each key expires when its bucket is idle again: one spacing (10.2 s) after its
    // one call, at the latest.
    let mut connection = redis.connection();
    for key in &keys {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query(&mut connection)
            .expect("PTTL");
        assert!((1..=10_201).contains(&ttl), "{key}: {ttl} ms");
    }
}

// ---------------------------------------------------------------------------------------
// Faults.

/// One phase of the fault run.
#[derive(Debug, Default)]
struct Phase {
    calls: u64,
    throttled: u64,
    errors: u64,
    slowest: Duration,
    /// When the first call paced by Redis ended, from the phase's start.
    first_shared: Option<Duration>,
}

/// Sequential resets for `length`.
async fn phase(client: &Client, length: Duration) -> Phase {
    let started = Instant::now();
    let mut phase = Phase::default();
    let mut shared = client.shared_rate_limit_stats().unwrap_or_default().shared;
    while started.elapsed() < length {
        let call = Instant::now();
        match client.reset_vpn_connection(&reset()).await {
            Ok(_) => {}
            Err(error) if is_throttle(&error) => phase.throttled += 1,
            Err(error) => {
                phase.errors += 1;
                eprintln!("faults: {error}");
            }
        }
        phase.calls += 1;
        phase.slowest = phase.slowest.max(call.elapsed());
        let now_shared = client.shared_rate_limit_stats().unwrap_or_default().shared;
        if now_shared > shared && phase.first_shared.is_none() {
            phase.first_shared = Some(started.elapsed());
        }
        shared = now_shared;
    }
    phase
}

fn warnings_since(first: usize, what: &str) -> Vec<String> {
    capture::lines()
        .into_iter()
        .skip(first)
        .filter(|line| line.contains(what))
        .collect()
}

/// Redis is killed during a run, restarted, and its scripts flushed; the calls go on.
fn faults(runtime: &Runtime) {
    let mut redis = RedisServer::start(Some(REDIS_PASSWORD)).expect("redis-server starts");
    let timeout = SharedRateLimit::DEFAULT_TIMEOUT;
    let share = 0.5;
    let traced = capture::lines().len();
    let (server, _admitted) = runtime.block_on(endpoint());
    let client = client_builder(&server.url(), ID, KEY, "ap-guangzhou")
        .shared_rate_limit(
            SharedRateLimit::new(&redis.url())
                .expect("a Redis URL")
                .with_prefix("faults:")
                .with_fallback_share(share),
        )
        .build()
        .expect("the client builds");
    let stats = || client.shared_rate_limit_stats().expect("a shared limiter");
    let second = Duration::from_secs(1);
    let t0 = Instant::now();
    let at = || t0.elapsed().as_secs_f64();

    let up = runtime.block_on(phase(&client, second));
    let after_up = stats();
    println!(
        "  faults {:5.2} s: Redis up: {} calls in 1 s, all paced by Redis ({:?})",
        at(),
        up.calls,
        after_up
    );
    assert_eq!((after_up.shared, after_up.fallback), (up.calls, 0));

    redis.kill();
    let killed = at();
    let down = runtime.block_on(phase(&client, 2 * second));
    let after_down = stats();
    println!(
        "  faults {killed:5.2} s: Redis killed; {} calls in 2 s by the fallback at {share} of \
         the limit, slowest {} ms ({:?})",
        down.calls,
        down.slowest.as_millis(),
        after_down
    );
    assert_eq!(after_down.shared, after_up.shared, "{after_down:?}");
    assert_eq!(after_down.fallback, down.calls, "{after_down:?}");
    assert!(!after_down.reachable);
    // At the fallback share: 2 s at half of 100/s (with the pacing margin), ±10 %.
    let expected = 2.0 * share * f64::from(LIMIT) / vpc_client::PACING_MARGIN;
    let calls = down.calls as f64;
    assert!(
        (calls - expected).abs() <= 0.1 * expected,
        "{} calls, expected about {expected:.0}",
        down.calls
    );
    // Nothing hangs: no call took longer than the Redis timeout and its spacing.
    let spacing = Duration::from_secs_f64(vpc_client::PACING_MARGIN / (share * f64::from(LIMIT)));
    assert!(
        down.slowest <= timeout + spacing + Duration::from_millis(50),
        "slowest call {:?}",
        down.slowest
    );
    let warned = warnings_since(traced, "cannot reach Redis");
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(warned[0].starts_with("WARN"), "{}", warned[0]);

    redis.restart().expect("redis-server starts again");
    let restarted = at();
    let back = runtime.block_on(phase(&client, 2 * second));
    let after_back = stats();
    println!(
        "  faults {restarted:5.2} s: Redis restarted (empty); paced by Redis again after {} ms \
         ({} calls in 2 s; {:?})",
        back.first_shared
            .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(-1)),
        back.calls,
        after_back
    );
    assert!(after_back.shared > after_down.shared, "{after_back:?}");
    assert!(after_back.reachable);
    assert!(
        back.first_shared
            .is_some_and(|d| d <= SharedRateLimit::DEFAULT_PROBE_INTERVAL + second / 2),
        "{back:?}"
    );
    let answered = warnings_since(traced, "answers again");
    assert_eq!(answered.len(), 1, "{answered:#?}");
    assert_eq!(redis.keys("faults:").len(), 1);

    let mut connection = redis.connection();
    redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query::<()>(&mut connection)
        .expect("SCRIPT FLUSH");
    let flushed = at();
    let after_flush = runtime.block_on(phase(&client, second));
    let end = stats();
    println!(
        "  faults {flushed:5.2} s: SCRIPT FLUSH; {} calls in 1 s, all paced by Redis (the \
         script loaded again); end at {:.2} s ({end:?})",
        after_flush.calls,
        at()
    );
    assert_eq!(end.shared - after_back.shared, after_flush.calls, "{end:?}");
    assert_eq!(end.redis_failures, after_back.redis_failures, "{end:?}");
    assert_eq!(end.fallback, after_back.fallback, "{end:?}");
    for run in [&up, &down, &back, &after_flush] {
        assert_eq!((run.throttled, run.errors), (0, 0), "{run:?}");
    }
    let keys = redis.keys("faults:");
    assert_no_secret(&keys, &capture::lines()[traced..]);
    runtime.block_on(server.shutdown());
}

/// Without Redis, a fail-closed client fails at once, and sends nothing.
fn fail_closed(runtime: &Runtime) {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/");
    let traced = capture::lines().len();
    runtime.block_on(async {
        let (server, admitted) = endpoint().await;
        let client = client_builder(&server.url(), ID, KEY, "ap-guangzhou")
            .shared_rate_limit(
                SharedRateLimit::new(&url)
                    .expect("a Redis URL")
                    .fail_closed(),
            )
            .build()
            .expect("the client builds");
        let started = Instant::now();
        let error = client
            .reset_vpn_connection(&reset())
            .await
            .expect_err("no Redis, fail-closed");
        let took = started.elapsed();
        println!(
            "  fail_closed: failed after {} ms: {error}",
            took.as_millis()
        );
        assert_eq!(error.kind_name(), "transport.rate_limited", "{error}");
        assert!(took < Duration::from_secs(1), "{took:?}");
        // The client's `Debug` shows the SecretId (not the key); its shared limiter's
        // configuration shows neither, nor the Redis password.
        let shared = format!("{client:?}");
        let shared = &shared[shared.find("shared_rate_limit").unwrap_or(0)..];
        let shared = &shared[..shared.find("clock_offset").unwrap_or(shared.len())];
        assert!(shared.contains("redis://:***@127.0.0.1"), "{shared}");
        let text = format!("{error} {error:?} {shared}");
        let stats = client.shared_rate_limit_stats().expect("a shared limiter");
        assert_eq!(
            (stats.failed_closed, stats.shared, stats.fallback),
            (1, 0, 0)
        );
        let lines = &capture::lines()[traced..];
        assert_eq!(
            warnings_since(traced, "paced calls fail (fail-closed)").len(),
            1,
            "{lines:#?}"
        );
        assert_no_secret(&[text], lines);
        assert!(admitted.lock().expect("lock").is_empty());
        server.shutdown().await;
    });
}

/// Neither `texts` nor the traced `lines` hold a secret.
fn assert_no_secret(texts: &[String], lines: &[String]) {
    for text in texts.iter().chain(lines) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "a secret in {text}");
        }
    }
}
