//! `cargo xtask compare-python [--calls N] [--warmup N] [--rounds N]`: this crate's client
//! and Tencent Cloud's official Python SDK, side by side, against one `vpc-mock` binary.
//!
//! Steps: prepare the Python SDK's virtualenv exactly as `cargo xtask python-sdk` does
//! (same pins, same `target/python-sdk-venv`); build the release `vpc-mock` binary and
//! the release Rust driver (`vpc-client/examples/calls_driver.rs`); start the mock with
//! `--no-rate-limit --reset-delay-ms 0`; then, in `--rounds` alternating rounds, run the
//! Rust driver and the Python driver (`vpc-client/benches/calls_python_sdk.py`), each a
//! fresh process making `--warmup` untimed and then `--calls` timed sequential
//! `ResetVpnConnection` calls. Each driver reports the timed calls' wall time and the CPU
//! time of its own process and of the mock's meanwhile (`/proc/PID/task/*/schedstat`,
//! so Linux only). The table sums the rounds. Defaults: 2,000 calls, 200 warm-up calls,
//! 10 rounds (about half a minute; many short rounds, because a Rust round lasts a
//! fraction of a second and one burst of load elsewhere can halve its speed).
//!
//! A measurement tool, not a test: when python3 is missing or PyPI is unreachable it
//! says so and fails, and it is part of neither CI nor `cargo xtask test`.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context as _, bail};

use crate::python_sdk::{self, Mock};

/// The Rust driver, an example of `vpc-client`.
const RUST_DRIVER: &str = "calls_driver";
/// The Python driver, relative to the workspace root.
const PYTHON_DRIVER: &str = "vpc-client/benches/calls_python_sdk.py";
/// The mock's options: every call admitted, every reset of the one tunnel a success.
const MOCK_ARGS: &[&str] = &["--no-rate-limit", "--reset-delay-ms", "0"];
/// The versions the table names, printed by the virtualenv's interpreter.
const VERSIONS: &str = "\
import platform
from importlib.metadata import version
print('tencentcloud-sdk-python-vpc ' + version('tencentcloud-sdk-python-vpc') + ', -common '
      + version('tencentcloud-sdk-python-common') + ', Python ' + platform.python_version())
";

const USAGE: &str = "usage: cargo xtask compare-python [--calls N] [--warmup N] [--rounds N]";

/// How much to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    /// Timed calls per driver process.
    calls: u32,
    /// Untimed calls before them, in the same process.
    warmup: u32,
    /// Driver processes per client, alternating between the two.
    rounds: u32,
}

fn parse_plan(args: &[&str]) -> anyhow::Result<Plan> {
    let mut plan = Plan {
        calls: 2000,
        warmup: 200,
        rounds: 10,
    };
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        let field = match arg {
            "--calls" => &mut plan.calls,
            "--warmup" => &mut plan.warmup,
            "--rounds" => &mut plan.rounds,
            _ => bail!("unexpected argument `{arg}`\n{USAGE}"),
        };
        let Some(text) = args.next() else {
            bail!("`{arg}` needs a value\n{USAGE}");
        };
        *field = text
            .parse()
            .with_context(|| format!("`{arg} {text}`: not a whole number"))?;
    }
    if plan.calls == 0 || plan.rounds == 0 {
        bail!("--calls and --rounds must be at least 1");
    }
    Ok(plan)
}

/// What one or more driver runs measured.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Measured {
    calls: u64,
    wall_s: f64,
    cpu_s: f64,
    /// `None` when a run could not read the server's CPU time.
    server_cpu_s: Option<f64>,
}

impl Measured {
    fn add(&mut self, run: Measured) {
        let first = self.calls == 0;
        self.calls += run.calls;
        self.wall_s += run.wall_s;
        self.cpu_s += run.cpu_s;
        self.server_cpu_s = match (first, self.server_cpu_s, run.server_cpu_s) {
            (true, _, server) => server,
            (false, Some(sum), Some(server)) => Some(sum + server),
            _ => None,
        };
    }
    fn calls_per_s(&self) -> f64 {
        self.calls as f64 / self.wall_s
    }
    fn cpu_per_1000(&self) -> f64 {
        self.cpu_s / self.calls as f64 * 1000.0
    }
    fn server_per_1000(&self) -> Option<f64> {
        Some(self.server_cpu_s? / self.calls as f64 * 1000.0)
    }
}

/// A driver's last line: `result calls=N wall_s=S cpu_s=S server_cpu_s=S|none`.
fn parse_result(stdout: &str) -> anyhow::Result<Measured> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("result "))
        .context("no `result ...` line")?;
    let mut measured = Measured::default();
    let mut seen = 0;
    for pair in line.split_whitespace() {
        let (key, value) = pair
            .split_once('=')
            .with_context(|| format!("`{pair}` is not key=value in `{line}`"))?;
        let number = || {
            value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .with_context(|| format!("`{pair}`: not a number of seconds"))
        };
        match key {
            "calls" => {
                measured.calls = value
                    .parse()
                    .with_context(|| format!("`{pair}`: not a count"))?;
            }
            "wall_s" => measured.wall_s = number()?,
            "cpu_s" => measured.cpu_s = number()?,
            "server_cpu_s" if value == "none" => measured.server_cpu_s = None,
            "server_cpu_s" => measured.server_cpu_s = Some(number()?),
            _ => bail!("unknown key `{key}` in `{line}`"),
        }
        seen += 1;
    }
    if seen != 4 || measured.calls == 0 || measured.wall_s <= 0.0 {
        bail!("`{line}` lacks a key or measured nothing");
    }
    Ok(measured)
}

/// Runs the comparison from the workspace root `root`.
pub(crate) fn run(root: &Path, args: &[&str]) -> anyhow::Result<ExitCode> {
    let plan = parse_plan(args)?;
    if !Path::new("/proc/self/task").is_dir() {
        bail!("compare-python reads CPU times from /proc/PID/task/*/schedstat: Linux only");
    }
    let driver_py = root.join(PYTHON_DRIVER);
    if !driver_py.is_file() {
        bail!("{} is missing", driver_py.display());
    }

    println!("== the official Python SDK's virtualenv (the pins of `cargo xtask python-sdk`)");
    let python = match python_sdk::sdk_python(root)? {
        Ok(python) => python,
        Err(reason) => bail!(
            "cannot compare with the official Python SDK, it cannot be installed here:\n  \
             {}\nRun `cargo xtask compare-python` where python3 is installed and PyPI is \
             reachable.",
            reason.replace('\n', "\n  ")
        ),
    };
    let versions = Command::new(&python)
        .args(["-c", VERSIONS])
        .output()
        .context("cannot run the virtualenv's Python")?;
    if !versions.status.success() {
        bail!(
            "the virtualenv's Python cannot name the SDK's version: {}",
            String::from_utf8_lossy(&versions.stderr).trim()
        );
    }
    let versions = String::from_utf8_lossy(&versions.stdout).trim().to_owned();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let build = [
        "build",
        "--release",
        "--locked",
        "-p",
        "vpc-mock",
        "--bin",
        "vpc-mock",
        "-p",
        "vpc-client",
        "--example",
        RUST_DRIVER,
    ];
    println!("== cargo {}", build.join(" "));
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(build)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building the release vpc-mock and {RUST_DRIVER} failed ({status})");
    }
    let release = python_sdk::target_dir(root).join("release");
    let exe = std::env::consts::EXE_SUFFIX;
    let mock_binary = release.join(format!("vpc-mock{exe}"));
    let driver_rs = release.join("examples").join(format!("{RUST_DRIVER}{exe}"));

    let mock = Mock::start(&mock_binary, MOCK_ARGS)?;
    let driver_args = [
        mock.url.clone(),
        "--calls".to_owned(),
        plan.calls.to_string(),
        "--warmup".to_owned(),
        plan.warmup.to_string(),
        "--server-pid".to_owned(),
        mock.pid().to_string(),
    ];
    let mut rust_cmd = Command::new(&driver_rs);
    rust_cmd.args(&driver_args);
    let mut python_cmd = Command::new(&python);
    python_cmd
        .arg(&driver_py)
        .args(&driver_args)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let (mut rust, mut py) = (Measured::default(), Measured::default());
    for round in 1..=plan.rounds {
        // Alternate who goes first, so a drift in the machine's load hits both alike.
        let rust_first = round % 2 == 1;
        for is_rust in [rust_first, !rust_first] {
            let (name, command, total) = if is_rust {
                ("vpc-client", &mut rust_cmd, &mut rust)
            } else {
                ("Python SDK", &mut python_cmd, &mut py)
            };
            let measured = run_driver(command).with_context(|| format!("the {name} driver"))?;
            println!(
                "round {round}/{}: {name:<10} {:>7.0} calls/s, {:.4} CPU s / 1,000 calls",
                plan.rounds,
                measured.calls_per_s(),
                measured.cpu_per_1000()
            );
            total.add(measured);
        }
    }
    drop(mock);
    println!();
    print!("{}", table(&plan, &versions, &rust, &py));
    Ok(ExitCode::SUCCESS)
}

/// Runs one driver process to its end and reads its result line.
fn run_driver(command: &mut Command) -> anyhow::Result<Measured> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {:?}", command.get_program()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "{:?} failed ({}):\n{}{}",
            command.get_program(),
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse_result(&stdout).with_context(|| format!("in the output of {:?}", command.get_program()))
}

/// The summary table.
fn table(plan: &Plan, versions: &str, rust: &Measured, py: &Measured) -> String {
    let server = |m: &Measured| {
        m.server_per_1000()
            .map_or_else(|| "n/a".to_owned(), |s| format!("{s:.4}"))
    };
    let ratio = match (rust.server_per_1000(), py.server_per_1000()) {
        (Some(r), Some(p)) => format!("{:.2}x", p / r),
        _ => "n/a".to_owned(),
    };
    let mut out = format!(
        "Sequential ResetVpnConnection against target/release/vpc-mock {}:\n\
         {} rounds x {} timed calls per client, each round a fresh process after {} warm-up calls.\n\
         CPU: the client process (all its threads); server: the vpc-mock process meanwhile.\n\
         Python SDK: {versions}\n\n",
        MOCK_ARGS.join(" "),
        plan.rounds,
        plan.calls,
        plan.warmup
    );
    out.push_str(&format!(
        "{:<26} {:>9} {:>20} {:>27}\n",
        "", "calls/s", "CPU s / 1,000 calls", "server CPU s / 1,000 calls"
    ));
    for (name, m) in [("vpc-client (Rust)", rust), ("official Python SDK", py)] {
        out.push_str(&format!(
            "{name:<26} {:>9.0} {:>20.4} {:>27}\n",
            m.calls_per_s(),
            m.cpu_per_1000(),
            server(m)
        ));
    }
    out.push_str(&format!(
        "{:<26} {:>8.3}x {:>19.2}x {:>27}\n",
        "Python SDK / vpc-client",
        py.calls_per_s() / rust.calls_per_s(),
        py.cpu_per_1000() / rust.cpu_per_1000(),
        ratio
    ));
    out.push_str(&format!(
        "\nvpc-client makes {:.1}x the calls per second of the official Python SDK, \
         using 1/{:.1} of its CPU time per call.\n",
        rust.calls_per_s() / py.calls_per_s(),
        py.cpu_per_1000() / rust.cpu_per_1000()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_plan() {
        assert_eq!(
            parse_plan(&[]).expect("defaults"),
            Plan {
                calls: 2000,
                warmup: 200,
                rounds: 10
            }
        );
        let plan = parse_plan(&["--calls", "10", "--warmup", "0", "--rounds", "1"]).expect("ok");
        assert_eq!((plan.calls, plan.warmup, plan.rounds), (10, 0, 1));
        for bad in [
            &["--calls"][..],
            &["--calls", "x"],
            &["--calls", "0"],
            &["--rounds", "0"],
            &["--bogus", "1"],
        ] {
            assert!(parse_plan(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn reads_a_result_line() {
        let text = "noise\nresult calls=2000 wall_s=0.5 cpu_s=0.1 server_cpu_s=0.2\n";
        assert_eq!(
            parse_result(text).expect("a result"),
            Measured {
                calls: 2000,
                wall_s: 0.5,
                cpu_s: 0.1,
                server_cpu_s: Some(0.2)
            }
        );
        let none =
            parse_result("result calls=1 wall_s=1 cpu_s=1 server_cpu_s=none").expect("a result");
        assert_eq!(none.server_cpu_s, None);
        for bad in [
            "",
            "calls=1 wall_s=1 cpu_s=1 server_cpu_s=1",
            "result calls=1 wall_s=1 cpu_s=1",
            "result calls=0 wall_s=1 cpu_s=1 server_cpu_s=1",
            "result calls=1 wall_s=-1 cpu_s=1 server_cpu_s=1",
            "result calls=1 wall_s=1 cpu_s=NaN server_cpu_s=1",
            "result calls=1 wall_s=1 cpu_s=1 server_cpu_s=1 extra=1",
        ] {
            assert!(parse_result(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn sums_rounds_and_prints_ratios() {
        let mut rust = Measured::default();
        for _ in 0..2 {
            rust.add(Measured {
                calls: 1000,
                wall_s: 0.25,
                cpu_s: 0.04,
                server_cpu_s: Some(0.05),
            });
        }
        let mut py = Measured::default();
        py.add(Measured {
            calls: 2000,
            wall_s: 4.0,
            cpu_s: 1.6,
            server_cpu_s: Some(0.1),
        });
        assert_eq!(rust.calls, 2000);
        assert!((rust.calls_per_s() - 4000.0).abs() < 1e-9);
        assert!((rust.cpu_per_1000() - 0.04).abs() < 1e-12);
        let plan = Plan {
            calls: 1000,
            warmup: 10,
            rounds: 2,
        };
        let text = table(&plan, "sdk 1.0", &rust, &py);
        assert!(text.contains("0.125x"), "{text}");
        assert!(text.contains("20.00x"), "{text}");
        assert!(text.contains("8.0x the calls per second"), "{text}");
        let mut partial = Measured::default();
        partial.add(Measured {
            server_cpu_s: None,
            ..py
        });
        partial.add(py);
        assert_eq!(partial.server_cpu_s, None);
    }
}
