//! The Rust side of `cargo xtask compare-python`: sequential `ResetVpnConnection` calls
//! through [`Client`] against a running `vpc-mock`, timed after a warm-up.
//!
//! ```text
//! calls_driver URL [--calls N] [--warmup N] [--server-pid PID]
//! ```
//!
//! The client is built as in the `calls` bench: defaults (retries, deadline, timeouts,
//! the limiter), with the limiter's `ResetVpnConnection` rate raised to 10⁹ calls/s so
//! its bookkeeping runs on every call but never waits. Calls run one after another on
//! a current-thread runtime, and the mock must run with `--no-rate-limit
//! --reset-delay-ms 0` and accept the demo credential.
//!
//! Prints one line, `result calls=N wall_s=S cpu_s=S server_cpu_s=S`: the timed calls'
//! wall time and the CPU time this process and the server process (if `--server-pid`
//! is given) used meanwhile, each the sum of `/proc/PID/task/*/schedstat` (Linux only),
//! exactly as `vpc-client/benches/calls_python_sdk.py` measures the official Python SDK.

use std::time::Instant;

use vpc_client::vpc::ResetVpnConnectionRequest;
use vpc_client::{Client, Endpoint, RateLimitPolicy};

const ACTION: &str = "ResetVpnConnection";

fn main() {
    let mut url = None;
    let mut calls: u32 = 2000;
    let mut warmup: u32 = 200;
    let mut server_pid: Option<u32> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> u32 {
            let text = args
                .next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")));
            text.parse()
                .unwrap_or_else(|_| usage(&format!("{name} {text}: not a whole number")))
        };
        match arg.as_str() {
            "--calls" => calls = number("--calls"),
            "--warmup" => warmup = number("--warmup"),
            "--server-pid" => server_pid = Some(number("--server-pid")),
            _ if url.is_none() && !arg.starts_with('-') => url = Some(arg),
            _ => usage(&format!("unexpected argument `{arg}`")),
        }
    }
    let url = url.unwrap_or_else(|| usage("no endpoint URL"));
    if calls == 0 {
        usage("--calls must be at least 1");
    }

    let client = Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url))
        .rate_limit(RateLimitPolicy::from_spec().with_limit(ACTION, 1e9))
        .build()
        .expect("the client builds");
    let request = ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let call = || {
        runtime
            .block_on(client.reset_vpn_connection(&request))
            .expect("ResetVpnConnection succeeds (is vpc-mock running with --no-rate-limit --reset-delay-ms 0?)")
    };

    for _ in 0..warmup {
        call();
    }
    let (cpu0, server0) = (cpu_seconds("self"), server_pid.map(server_cpu));
    let started = Instant::now();
    for _ in 0..calls {
        call();
    }
    let wall = started.elapsed().as_secs_f64();
    let (cpu1, server1) = (cpu_seconds("self"), server_pid.map(server_cpu));
    let server = match (server0, server1) {
        (Some(before), Some(after)) => format!("{:.6}", after - before),
        _ => "none".to_owned(),
    };
    println!(
        "result calls={calls} wall_s={wall:.6} cpu_s={:.6} server_cpu_s={server}",
        cpu1 - cpu0
    );
}

fn server_cpu(pid: u32) -> f64 {
    cpu_seconds(&pid.to_string())
}

/// CPU seconds the threads of process `pid` (or `self`) have run so far: the first
/// field of each `/proc/PID/task/TID/schedstat`, in nanoseconds.
fn cpu_seconds(pid: &str) -> f64 {
    let tasks = format!("/proc/{pid}/task");
    let mut ns: u64 = 0;
    for task in std::fs::read_dir(&tasks).unwrap_or_else(|e| {
        panic!("cannot read {tasks} (CPU time is read from /proc, Linux only): {e}")
    }) {
        let path = task.expect("a task entry").path().join("schedstat");
        // A thread may end between listing and reading; it then counts nothing.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        ns += text
            .split_whitespace()
            .next()
            .and_then(|field| field.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{}: unexpected `{text}`", path.display()));
    }
    ns as f64 / 1e9
}

fn usage(message: &str) -> ! {
    eprintln!(
        "calls_driver: {message}\nusage: calls_driver URL [--calls N] [--warmup N] [--server-pid PID]"
    );
    std::process::exit(2)
}
