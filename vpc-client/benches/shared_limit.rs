//! What the shared rate limiter (feature `redis`) adds to a call: `ResetVpnConnection`
//! against an in-process `vpc-mock` (rate limits off), paced by the in-process limiter
//! and by the shared one against a local `redis-server` that the benchmark starts
//! (127.0.0.1, a free port, persistence off). Both pace the action at 10⁹ calls/s, so
//! the bookkeeping (and, shared, the Redis round trip) runs on every call but never waits.
//!
//! - `in_process` / `shared`: one call after another (divan's wall-clock table).
//!
//! Then, in 20 alternating rounds (so that a change in the machine's load hits both),
//! it prints per call: wall time, CPU time of the client's thread
//! (`/proc/thread-self/schedstat`) and of `redis-server` (`/proc/<pid>/stat`), and the
//! shared/in-process ratios of wall time and of client CPU.
//!
//! Run with `cargo bench -p vpc-client --features redis --bench shared_limit` (needs
//! `redis-server` on the `PATH`; without it the benchmark says so and stops).

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use divan::Bencher;
use tokio::runtime::Runtime;
use vpc_client::vpc::ResetVpnConnectionRequest;
use vpc_client::{Client, Endpoint, RateLimitPolicy, SharedRateLimit};
use vpc_mock::{MockServer, VpcState, demo_credential};

const ACTION: &str = "ResetVpnConnection";

fn main() {
    let Some(redis) = redis() else {
        eprintln!("redis-server is not on the PATH: the shared limiter's benchmark needs it");
        return;
    };
    divan::main();
    table(redis);
    if let Some(Some((_, child))) = REDIS.get()
        && let Ok(mut child) = child.lock()
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The local `redis-server`, started once (and killed at the end of `main`).
struct Redis {
    url: String,
    pid: u32,
}

static REDIS: OnceLock<Option<(Redis, std::sync::Mutex<Child>)>> = OnceLock::new();

fn redis() -> Option<&'static Redis> {
    REDIS
        .get_or_init(|| {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .ok()?
                .port();
            let dir = std::env::temp_dir().join(format!("vpc-bench-redis-{}", std::process::id()));
            std::fs::create_dir_all(&dir).ok()?;
            let child = Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no", "--logfile", ""])
                .arg("--dir")
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let started = Instant::now();
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if started.elapsed() > Duration::from_secs(10) {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let redis = Redis {
                url: format!("redis://127.0.0.1:{port}/"),
                pid: child.id(),
            };
            Some((redis, std::sync::Mutex::new(child)))
        })
        .as_ref()
        .map(|(redis, _)| redis)
}

/// The endpoint, on a thread and a runtime of its own.
fn server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let runtime = runtime();
            runtime.block_on(async move {
                let running = MockServer::vpc(VpcState::seeded().with_reset_delay(Duration::ZERO))
                    .expect("the spec validates")
                    .credential(demo_credential())
                    .without_rate_limits()
                    .start()
                    .await
                    .expect("the endpoint starts");
                sender.send(running.url()).expect("the benchmark waits");
                std::future::pending::<()>().await;
                drop(running);
            });
        });
        receiver.recv().expect("the endpoint's URL")
    })
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn client(shared: bool) -> Client {
    let mut builder = Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server().to_owned()))
        .rate_limit(RateLimitPolicy::from_spec().with_limit(ACTION, 1e9));
    if shared {
        let redis = redis().expect("redis-server runs");
        builder = builder.shared_rate_limit(SharedRateLimit::new(&redis.url).expect("a URL"));
    }
    builder.build().expect("the client builds")
}

fn call(runtime: &Runtime, client: &Client) {
    let request = ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
    runtime
        .block_on(client.reset_vpn_connection(&request))
        .expect("the call succeeds");
}

fn bench(bencher: Bencher, shared: bool) {
    let runtime = runtime();
    let client = client(shared);
    call(&runtime, &client);
    bencher.bench_local(|| call(&runtime, &client));
    if shared {
        let stats = client.shared_rate_limit_stats().expect("a shared limiter");
        assert_eq!(stats.fallback, 0, "Redis did not answer: {stats:?}");
    }
}

#[divan::bench]
fn in_process(bencher: Bencher) {
    bench(bencher, false);
}

#[divan::bench]
fn shared(bencher: Bencher) {
    bench(bencher, true);
}

/// Nanoseconds this thread has run on a CPU.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Clock ticks (user + system) process `pid` has run.
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

#[derive(Default)]
struct Cost {
    calls: u64,
    wall_ns: u128,
    client_ns: u64,
    redis_ticks: u64,
}

fn round(cost: &mut Cost, runtime: &Runtime, client: &Client, calls: u64, redis: u32) {
    let (cpu0, ticks0) = (thread_cpu_ns(), process_ticks(redis));
    let started = Instant::now();
    for _ in 0..calls {
        call(runtime, client);
    }
    cost.wall_ns += started.elapsed().as_nanos();
    cost.calls += calls;
    if let (Some(a), Some(b)) = (cpu0, thread_cpu_ns()) {
        cost.client_ns += b.saturating_sub(a);
    }
    if let (Some(a), Some(b)) = (ticks0, process_ticks(redis)) {
        cost.redis_ticks += b.saturating_sub(a);
    }
}

fn table(redis: &Redis) {
    const ROUNDS: u64 = 20;
    let calls: u64 = std::env::var("SHARED_LIMIT_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let per_round = (calls / ROUNDS).max(1);
    let runtime = runtime();
    let (local, shared) = (client(false), client(true));
    let (mut a, mut b) = (Cost::default(), Cost::default());
    // Warm-up: connections made, the script loaded.
    round(&mut Cost::default(), &runtime, &local, per_round, redis.pid);
    round(
        &mut Cost::default(),
        &runtime,
        &shared,
        per_round,
        redis.pid,
    );
    for _ in 0..ROUNDS {
        round(&mut a, &runtime, &local, per_round, redis.pid);
        round(&mut b, &runtime, &shared, per_round, redis.pid);
    }
    let stats = shared.shared_rate_limit_stats().expect("a shared limiter");
    assert_eq!(stats.fallback, 0, "Redis did not answer: {stats:?}");
    // Clock ticks are 10 ms on Linux (USER_HZ = 100).
    let per_call = |cost: &Cost| {
        (
            cost.wall_ns as f64 / 1e3 / cost.calls as f64,
            cost.client_ns as f64 / 1e3 / cost.calls as f64,
            cost.redis_ticks as f64 * 1e4 / cost.calls as f64,
        )
    };
    let (wall_a, cpu_a, redis_a) = per_call(&a);
    let (wall_b, cpu_b, redis_b) = per_call(&b);
    println!();
    println!(
        "Per call ({} calls each, {ROUNDS} alternating rounds): wall µs, client-thread CPU µs, redis-server CPU µs",
        a.calls
    );
    println!("in-process {wall_a:>8.1} {cpu_a:>8.1} {redis_a:>8.1}");
    println!("shared     {wall_b:>8.1} {cpu_b:>8.1} {redis_b:>8.1}");
    println!(
        "shared / in-process: wall {:.3}x (+{:.1} µs per call), client CPU {:.3}x (+{:.1} µs per call)",
        wall_b / wall_a,
        wall_b - wall_a,
        cpu_b / cpu_a,
        cpu_b - cpu_a
    );
}
