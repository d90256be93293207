//! Benchmarks of whole calls: `ResetVpnConnection` against an in-process `vpc-mock`
//! whose rate limit for the action is off, through [`Client`] with its defaults and,
//! next to it, a bare reqwest loop that posts the same pre-signed bytes (the same body
//! and headers, signed once) to the same server.
//!
//! - `client_sequential` / `reqwest_sequential`: one call after another.
//! - `client_concurrent_64` / `reqwest_concurrent_64`: 64 calls in flight (one
//!   iteration is 64 calls, each a task of its own).
//!
//! The client keeps its defaults: retries (5 attempts), the 120 s call deadline, the
//! 60 s request timeout and the rate limiter, whose `ResetVpnConnection` rate is raised
//! to 10⁹ calls/s so that its bookkeeping runs on every call but never waits (at the
//! documented 100/s it would measure the pacing). The bare loop's reqwest client is
//! built with the same timeouts and user agent, so the difference is what this crate
//! adds to reqwest: serializing, signing, the limiter, the deadline, decoding.
//!
//! The server runs on a thread (and a Tokio runtime) of its own, each client on a
//! current-thread runtime on the benchmark's thread, so after divan's wall-clock table
//! the benchmark prints what the wall clock cannot separate: CPU time per call of the
//! client's thread and of the server's thread, read from `/proc/thread-self/schedstat`
//! (Linux; the table is left out elsewhere), and the client/bare ratios.
//!
//! Run with `cargo bench -p vpc-client --bench calls`.

use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use divan::Bencher;
use divan::counter::ItemsCount;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use vpc_client::signing::{SignableRequest, Signer};
use vpc_client::vpc::ResetVpnConnectionRequest;
use vpc_client::{CONTENT_TYPE, Client, Endpoint, REQUEST_CLIENT, RateLimitPolicy};
use vpc_mock::{MockServer, VpcState, demo_credential};

const ACTION: &str = "ResetVpnConnection";
const REGION: &str = "ap-guangzhou";
const IN_FLIGHT: usize = 64;

fn main() {
    divan::main();
    cpu_table();
}

/// The in-process endpoint, started once on its own thread.
struct Server {
    url: String,
    host: String,
    /// The server thread's id, to read its CPU time.
    tid: Option<String>,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("vpc-mock".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    // No reset delay: every reset of the one tunnel succeeds.
                    let state = VpcState::seeded().with_reset_delay(Duration::ZERO);
                    let running = MockServer::vpc(state)
                        .expect("the spec validates")
                        .credential(demo_credential())
                        .without_rate_limits()
                        .start()
                        .await
                        .expect("the endpoint starts");
                    let addr = running.local_addr();
                    sender
                        .send((running.url(), addr.to_string(), thread_id()))
                        .expect("the benchmark waits");
                    // Serve until the process ends.
                    std::future::pending::<()>().await;
                    drop(running);
                });
            })
            .expect("server thread");
        let (url, host, tid) = receiver.recv().expect("the server reports its address");
        Server { url, host, tid }
    })
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

fn request() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z")
}

/// The client as users run it: defaults, but for the limiter's rate (see the top).
fn client() -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region(REGION)
        .endpoint(Endpoint::Url(server().url.clone()))
        .rate_limit(RateLimitPolicy::from_spec().with_limit(ACTION, 1e9))
        .build()
        .expect("client builds")
}

/// A reqwest client and one request signed now, as the client would send it.
struct Bare {
    http: reqwest::Client,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Bare {
    fn new() -> Self {
        let server = server();
        let body = serde_json::to_vec(&request()).expect("serializes");
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let signature = Signer::new().sign(
            &demo_credential(),
            &SignableRequest {
                service: "vpc",
                host: &server.host,
                content_type: CONTENT_TYPE,
                timestamp,
                body: &body,
            },
        );
        let mut headers = HeaderMap::new();
        let mut set = |name: &str, value: &str| {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                HeaderValue::from_str(value).expect("header value"),
            );
        };
        set("host", &server.host);
        set("content-type", CONTENT_TYPE);
        set("authorization", &signature.authorization);
        set("x-tc-action", ACTION);
        set("x-tc-version", "2017-03-12");
        set("x-tc-region", REGION);
        set("x-tc-timestamp", &timestamp.to_string());
        set("x-tc-requestclient", REQUEST_CLIENT);
        let http = vpc_client::tls::http_client_builder()
            .expect("TLS is set up")
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(REQUEST_CLIENT)
            .build()
            .expect("reqwest client");
        let url = reqwest::Url::parse(&server.url).expect("server URL");
        Self {
            http,
            url,
            headers,
            body,
        }
    }

    /// One post of the pre-signed request; the whole answer read, its status checked.
    async fn call(&self) -> usize {
        let response = self
            .http
            .post(self.url.clone())
            .headers(self.headers.clone())
            .body(self.body.clone())
            .send()
            .await
            .expect("the endpoint answers");
        assert!(response.status().is_success(), "{}", response.status());
        response.bytes().await.expect("the answer arrives").len()
    }
}

async fn client_call(client: &Client, request: &ResetVpnConnectionRequest) -> String {
    client
        .reset_vpn_connection(request)
        .await
        .expect("the call succeeds")
        .request_id
}

/// Checks once, outside any timing, that the bare request succeeds (not an error
/// answer with HTTP 200).
fn check_bare(runtime: &Runtime, bare: &Bare) {
    let text = runtime.block_on(async {
        let response = bare
            .http
            .post(bare.url.clone())
            .headers(bare.headers.clone())
            .body(bare.body.clone())
            .send()
            .await
            .expect("answers");
        response.text().await.expect("text")
    });
    assert!(!text.contains("\"Error\""), "{text}");
}

#[divan::bench]
fn client_sequential(bencher: Bencher) {
    let runtime = runtime();
    let client = client();
    let request = request();
    runtime.block_on(client_call(&client, &request));
    bencher.bench_local(|| runtime.block_on(client_call(&client, &request)));
}

#[divan::bench]
fn reqwest_sequential(bencher: Bencher) {
    let runtime = runtime();
    let bare = Bare::new();
    check_bare(&runtime, &bare);
    bencher.bench_local(|| runtime.block_on(bare.call()));
}

async fn client_batch(client: &Client) {
    let mut tasks = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let client = client.clone();
        tasks.spawn(async move { client_call(&client, &request()).await });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("the task ran");
    }
}

async fn bare_batch(bare: &std::sync::Arc<Bare>) {
    let mut tasks = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let bare = bare.clone();
        tasks.spawn(async move { bare.call().await });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("the task ran");
    }
}

#[divan::bench(counter = ItemsCount::new(IN_FLIGHT))]
fn client_concurrent_64(bencher: Bencher) {
    let runtime = runtime();
    let client = client();
    runtime.block_on(client_batch(&client));
    bencher.bench_local(|| runtime.block_on(client_batch(&client)));
}

#[divan::bench(counter = ItemsCount::new(IN_FLIGHT))]
fn reqwest_concurrent_64(bencher: Bencher) {
    let runtime = runtime();
    let bare = std::sync::Arc::new(Bare::new());
    check_bare(&runtime, &bare);
    runtime.block_on(bare_batch(&bare));
    bencher.bench_local(|| runtime.block_on(bare_batch(&bare)));
}

// ---- CPU time per call ------------------------------------------------------------------

/// This thread's id (Linux), from `/proc/thread-self/stat`.
fn thread_id() -> Option<String> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    stat.split_whitespace().next().map(str::to_owned)
}

/// Nanoseconds a thread has run on a CPU: `/proc/thread-self/schedstat` for this one,
/// `/proc/self/task/<tid>/schedstat` for another.
fn cpu_ns(tid: Option<&str>) -> Option<u64> {
    let path = match tid {
        None => "/proc/thread-self/schedstat".to_owned(),
        Some(tid) => format!("/proc/self/task/{tid}/schedstat"),
    };
    std::fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// What one side of a comparison used: calls made, wall time, CPU time of this
/// thread (the client's) and of the server's thread.
#[derive(Default)]
struct Cost {
    calls: usize,
    wall_ns: u128,
    client_ns: u64,
    server_ns: u64,
}

impl Cost {
    fn calls_per_second(&self) -> f64 {
        self.calls as f64 / (self.wall_ns as f64 / 1e9)
    }
    fn client_us(&self) -> f64 {
        self.client_ns as f64 / 1e3 / self.calls as f64
    }
    fn server_us(&self) -> f64 {
        self.server_ns as f64 / 1e3 / self.calls as f64
    }
}

/// Runs `batch` (which makes `per_batch` calls) `batches` times and adds what it used
/// to `cost`; `None` without per-thread CPU times.
fn run(cost: &mut Cost, batches: usize, per_batch: usize, batch: &mut impl FnMut()) -> Option<()> {
    let tid = server().tid.as_deref()?;
    let (client0, server0) = (cpu_ns(None)?, cpu_ns(Some(tid))?);
    let started = Instant::now();
    for _ in 0..batches {
        batch();
    }
    cost.wall_ns += started.elapsed().as_nanos();
    let (client1, server1) = (cpu_ns(None)?, cpu_ns(Some(tid))?);
    cost.calls += batches * per_batch;
    cost.client_ns += client1.saturating_sub(client0);
    cost.server_ns += server1.saturating_sub(server0);
    Some(())
}

/// The client and the bare loop, `calls` calls each, in 20 alternating rounds (after
/// a warm-up of each), so that a change in the machine's load hits both alike.
fn compare(
    calls: usize,
    per_batch: usize,
    mut ours: impl FnMut(),
    mut theirs: impl FnMut(),
) -> Option<(Cost, Cost)> {
    const ROUNDS: usize = 20;
    let batches = (calls / per_batch / ROUNDS).max(1);
    let (mut warm, mut a, mut b) = (Cost::default(), Cost::default(), Cost::default());
    run(&mut warm, batches, per_batch, &mut ours)?;
    run(&mut warm, batches, per_batch, &mut theirs)?;
    for _ in 0..ROUNDS {
        run(&mut a, batches, per_batch, &mut ours)?;
        run(&mut b, batches, per_batch, &mut theirs)?;
    }
    Some((a, b))
}

fn cpu_table() {
    let calls: usize = std::env::var("CALLS_CPU_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let runtime = runtime();
    let client = client();
    let request = request();
    let bare = std::sync::Arc::new(Bare::new());
    check_bare(&runtime, &bare);
    let rows = [
        (
            "sequential",
            compare(
                calls,
                1,
                || {
                    runtime.block_on(client_call(&client, &request));
                },
                || {
                    runtime.block_on(bare.call());
                },
            ),
        ),
        (
            "64 in flight",
            compare(
                calls,
                IN_FLIGHT,
                || runtime.block_on(client_batch(&client)),
                || runtime.block_on(bare_batch(&bare)),
            ),
        ),
    ];
    println!();
    println!(
        "Per call ({calls} calls each, alternating rounds; CPU µs of the client thread / the server thread):"
    );
    println!(
        "{:<13} {:>22} {:>22} {:>16} {:>14}",
        "", "client: calls/s, CPU", "reqwest: calls/s, CPU", "client CPU ratio", "calls/s ratio"
    );
    for (name, costs) in rows {
        let Some((ours, theirs)) = costs else {
            println!("{name:<13} (no per-thread CPU time on this system)");
            continue;
        };
        println!(
            "{name:<13} {:>8.0} {:>6.1} / {:>5.1} {:>8.0} {:>6.1} / {:>5.1} {:>15.3}x {:>13.3}x",
            ours.calls_per_second(),
            ours.client_us(),
            ours.server_us(),
            theirs.calls_per_second(),
            theirs.client_us(),
            theirs.server_us(),
            ours.client_us() / theirs.client_us(),
            ours.calls_per_second() / theirs.calls_per_second(),
        );
    }
}
