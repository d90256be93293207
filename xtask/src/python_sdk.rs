//! The second half of `cargo xtask test`: Tencent Cloud's official Python SDK against the
//! local endpoint.
//!
//! Steps: find `python3`; make (or reuse) a virtualenv in `target/python-sdk-venv` holding
//! the versions pinned in `vpc-mock/tests/python_sdk/requirements.txt`; build the
//! `vpc-mock` binary and start it twice on ephemeral ports, each with a fresh seed: one
//! for the ResetVpnConnection cases (documented rate limits, a long reset delay), one
//! for every worked example of `api-spec/vpc.json` (`--no-rate-limit`, so a few hundred
//! calls in a row are never throttled); run `check.py` against the two URLs they print,
//! with `--require-every-action` (an action of the spec that the pinned SDK lacks fails
//! the check: bump the pin); stop both mocks (also when anything fails).
//!
//! Two situations skip the check instead of failing it: `python3` is not installed, or
//! pip cannot reach the package registry. Everything else (a failing case, a mock that
//! does not start, a pin that does not exist) is an error.

use std::ffi::OsString;
use std::io::{self, BufRead as _, BufReader, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// The check's directory, relative to the workspace root.
const SDK_DIR: &str = "vpc-mock/tests/python_sdk";
/// The virtualenv's directory name inside the target directory.
const VENV_DIR: &str = "python-sdk-venv";
/// The credential the mock is started with and the check signs with (the mock's public,
/// local-only demo credential).
const SECRET_ID: &str = "AKIDLOCALMOCKEXAMPLE";
/// The SecretKey paired with [`SECRET_ID`].
const SECRET_KEY: &str = "local-mock-secret-key";
/// How long a reset tunnel stays RESETTING: long enough that the check's "reset again
/// right away" case cannot race the delay on a slow machine.
const RESET_DELAY_MS: &str = "30000";
/// The spec whose examples the check sends (the one `vpc-mock` embeds), relative to the
/// workspace root.
const SPEC: &str = "api-spec/vpc.json";
/// How long the mock may take to print its URL.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// The first line the mock prints is this prefix followed by its URL.
const URL_PREFIX: &str = "vpc-mock listening on ";

/// Text in pip's output that means the package registry could not be reached (as opposed
/// to a registry that answered "no such version"). Matched case-insensitively.
const NETWORK_MARKERS: &[&str] = &[
    // Most specific first: the reason shows the line from the first marker found.
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "nodename nor servname provided",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "Connection reset by peer",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ProxyError",
    "SSLError",
    "RemoteDisconnected",
    "NewConnectionError",
    "NameResolutionError",
    "connection broken by",
];

/// How the check ended when it did not fail.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Every case passed.
    Passed,
    /// The check could not run here; the reason says why (Python or the registry missing).
    Skipped(String),
}

/// Runs the whole check from the workspace root `root`.
pub(crate) fn run(root: &Path) -> anyhow::Result<Outcome> {
    let check = root.join(SDK_DIR).join("check.py");
    if !check.is_file() {
        bail!("{} is missing", check.display());
    }

    println!("== official Python SDK check ({SDK_DIR})");
    let python = match sdk_python(root)? {
        Ok(python) => python,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };

    let binary = build_mock(root)?;
    // Two endpoints, because both parts change the seeded state: the ResetVpnConnection
    // cases reset the documented tunnel and expect it RESETTING afterwards, the spec's
    // example of that action resets it expecting success.
    let mock = Mock::start(&binary, &["--reset-delay-ms", RESET_DELAY_MS])?;
    // Every example answered as published: no emulator state in the way.
    let examples_mock = Mock::start(&binary, &["--no-rate-limit", "--examples-only"])?;
    println!(
        "== python {SDK_DIR}/check.py {} --examples-url {} --spec {SPEC} --require-every-action",
        mock.url, examples_mock.url
    );
    let status = Command::new(&python)
        .current_dir(root)
        .arg(&check)
        .arg(&mock.url)
        .args(["--examples-url", &examples_mock.url])
        .arg("--spec")
        .arg(root.join(SPEC))
        .arg("--require-every-action")
        .args(["--secret-id", SECRET_ID, "--secret-key", SECRET_KEY])
        .args(["--region", "ap-guangzhou"])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .status()
        .with_context(|| {
            format!(
                "cannot run {} with the virtualenv's Python",
                check.display()
            )
        })?;
    drop(mock);
    drop(examples_mock);
    if !status.success() {
        bail!(
            "the official Python SDK check failed ({status}): see the FAIL lines above \
             ({SDK_DIR}/check.py against the vpc-mock binary)"
        );
    }
    Ok(Outcome::Passed)
}

/// Builds the `vpc-mock` binary (debug, `--locked`) and returns its path.
pub(crate) fn build_mock(root: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    println!("== cargo build -p vpc-mock --bin vpc-mock --locked");
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(["build", "-p", "vpc-mock", "--bin", "vpc-mock", "--locked"])
        .status()
        .context("cannot run cargo to build vpc-mock")?;
    if !status.success() {
        bail!("building the vpc-mock binary failed ({status})");
    }
    Ok(target_dir(root)
        .join("debug")
        .join(format!("vpc-mock{}", std::env::consts::EXE_SUFFIX)))
}

/// The interpreter of the virtualenv `target/python-sdk-venv`, made (or reused) with the
/// versions pinned in `vpc-mock/tests/python_sdk/requirements.txt`; `Ok(Err(reason))`
/// when `python3` is not installed or pip cannot reach the package registry.
pub(crate) fn sdk_python(root: &Path) -> anyhow::Result<Result<PathBuf, String>> {
    let requirements = root.join(SDK_DIR).join("requirements.txt");
    let text = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let pins = parse_pins(&text).with_context(|| format!("in {}", requirements.display()))?;
    let python = match find_python()? {
        Ok(python) => python,
        Err(reason) => return Ok(Err(reason)),
    };
    let venv = target_dir(root).join(VENV_DIR);
    Ok(prepare_venv(&python, &venv, &requirements, &pins)?.map(|()| venv_python(&venv)))
}

/// The loud multi-line warning printed when the check is skipped.
pub(crate) fn skip_banner(reason: &str) -> String {
    let rule = "!".repeat(78);
    let mut banner = format!("{rule}\n!! SKIPPED: official Python SDK check ({SDK_DIR})\n");
    for (index, line) in reason.lines().enumerate() {
        let label = if index == 0 { "reason:" } else { "       " };
        banner.push_str(&format!("!!   {label} {line}\n"));
    }
    banner.push_str(
        "!! The local endpoint was NOT checked against Tencent Cloud's official Python\n\
         !! SDK this time (everything before this ran as usual). Run `cargo xtask test`\n\
         !! where python3 is installed and PyPI is reachable to run that check.\n",
    );
    banner.push_str(&rule);
    banner
}

/// The `name==version` pins of a requirements file (comments and blank lines ignored).
fn parse_pins(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut pins = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let pin = line
            .split_once("==")
            .map(|(name, version)| (name.trim(), version.trim()));
        match pin {
            Some((name, version))
                if !name.is_empty()
                    && !name.contains(['<', '>', '!', '~', '[', ' '])
                    && !version.is_empty()
                    && !version.contains(['=', ',', ';', ' ', '*']) =>
            {
                pins.push((name.to_owned(), version.to_owned()));
            }
            _ => bail!(
                "line {}: `{line}` is not an exact pin `name==version`",
                index + 1
            ),
        }
    }
    if pins.is_empty() {
        bail!("no pinned packages");
    }
    Ok(pins)
}

/// `CARGO_TARGET_DIR` if set (relative to the workspace root), else `<root>/target`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The virtualenv's interpreter.
fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// `python3`, or `Err(reason)` when it is not installed. Other failures are errors.
fn find_python() -> anyhow::Result<Result<PathBuf, String>> {
    let python = PathBuf::from("python3");
    match Command::new(&python).arg("--version").output() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Err(
            "python3 is not installed (not found on PATH)".to_owned(),
        )),
        Err(e) => Err(e).context("cannot run `python3 --version`"),
        // 127: a shell or version-manager shim saying the command does not exist.
        Ok(output) if output.status.code() == Some(127) => Ok(Err(format!(
            "python3 is not installed (`python3 --version`: {})",
            String::from_utf8_lossy(&output.stderr).trim()
        ))),
        Ok(output) if !output.status.success() => bail!(
            "`python3 --version` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Ok(output) => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            println!("using python3 ({version})");
            Ok(Ok(python))
        }
    }
}

/// What the virtualenv holds.
enum VenvState {
    /// Every pinned version is installed.
    Ready,
    /// It runs but lacks a pinned version (the text says which).
    Stale(String),
    /// It does not exist or its interpreter does not run.
    Unusable(String),
}

/// Lists the pins that are not installed, one `name have (pinned want)` each; exit 1 if any.
const PIN_CHECK: &str = "\
import sys
from importlib.metadata import version, PackageNotFoundError
bad = []
for name, want in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        have = version(name)
    except PackageNotFoundError:
        have = 'not installed'
    if have != want:
        bad.append(name + ' ' + have + ' (pinned ' + want + ')')
print('; '.join(bad))
sys.exit(1 if bad else 0)
";

fn venv_state(venv: &Path, pins: &[(String, String)]) -> VenvState {
    let python = venv_python(venv);
    if !python.is_file() {
        return VenvState::Unusable(format!("{} does not exist", python.display()));
    }
    let output = Command::new(&python)
        .arg("-c")
        .arg(PIN_CHECK)
        .args(pins.iter().flat_map(|(name, version)| [name, version]))
        .output();
    match output {
        Err(e) => VenvState::Unusable(format!("{} does not run: {e}", python.display())),
        Ok(output) if output.status.success() => VenvState::Ready,
        Ok(output) if output.status.code() == Some(1) => {
            VenvState::Stale(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        Ok(output) => VenvState::Unusable(format!(
            "{} failed ({}): {}",
            python.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
    }
}

/// Makes `venv` hold the pinned versions. `Ok(Err(reason))` when pip cannot reach the
/// registry.
fn prepare_venv(
    python: &Path,
    venv: &Path,
    requirements: &Path,
    pins: &[(String, String)],
) -> anyhow::Result<Result<(), String>> {
    match venv_state(venv, pins) {
        VenvState::Ready => {
            println!(
                "reusing {} (the pinned versions are installed)",
                venv.display()
            );
            return Ok(Ok(()));
        }
        VenvState::Stale(missing) => {
            println!("{}: needs {missing}", venv.display());
        }
        VenvState::Unusable(why) => {
            println!("creating {} ({why})", venv.display());
            let status = Command::new(python)
                .args(["-m", "venv", "--clear"])
                .arg(venv)
                .status()
                .context("cannot run `python3 -m venv`")?;
            if !status.success() {
                bail!(
                    "`python3 -m venv --clear {}` failed ({status}); is Python's venv module \
                     installed (Debian/Ubuntu: `apt-get install python3-venv`)?",
                    venv.display()
                );
            }
        }
    }

    println!("== pip install -r {}", requirements.display());
    let mut pip = Command::new(venv_python(venv));
    pip.args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
        .arg(requirements);
    let (status, output) = run_teed(&mut pip).context("cannot run pip in the virtualenv")?;
    if !status.success() {
        if let Some(line) = network_failure(&output) {
            return Ok(Err(format!(
                "pip could not reach the package registry (pip {status}):\n{line}"
            )));
        }
        bail!(
            "`pip install -r {}` failed ({status}) and not for want of a network: see its \
             output above",
            requirements.display()
        );
    }
    match venv_state(venv, pins) {
        VenvState::Ready => Ok(Ok(())),
        VenvState::Stale(why) | VenvState::Unusable(why) => bail!(
            "after `pip install -r {}` the virtualenv {} still lacks the pins: {why}",
            requirements.display(),
            venv.display()
        ),
    }
}

/// Where pip's output first shows that the registry could not be reached, if it does: the
/// rest of that line from the most specific marker on, shortened.
fn network_failure(output: &str) -> Option<String> {
    output.lines().find_map(|line| {
        // ASCII lowercasing keeps byte offsets, so a position found in `lower` is valid
        // in `line`.
        let lower = line.to_ascii_lowercase();
        let start = NETWORK_MARKERS
            .iter()
            .find_map(|marker| lower.find(&marker.to_ascii_lowercase()))?;
        let rest = line[start..].trim();
        Some(match rest.char_indices().nth(200) {
            Some((cut, _)) => format!("{}...", &rest[..cut]),
            None => rest.to_owned(),
        })
    })
}

/// Runs `command`, echoing its stdout and stderr as they come, and returns its status and
/// everything it printed.
pub(crate) fn run_teed(command: &mut Command) -> io::Result<(ExitStatus, String)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().map(|out| tee(out, false));
    let stderr = child.stderr.take().map(|err| tee(err, true));
    let status = child.wait()?;
    let mut text = String::new();
    for handle in [stdout, stderr].into_iter().flatten() {
        text.push_str(&handle.join().unwrap_or_default());
    }
    Ok((status, text))
}

/// Copies `from` line by line to our stdout (or stderr) and returns what it read.
fn tee(from: impl Read + Send + 'static, to_stderr: bool) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut all = String::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    // Echoing is best effort; the captured text is what matters.
                    let _ = if to_stderr {
                        io::stderr().write_all(&line)
                    } else {
                        io::stdout().write_all(&line)
                    };
                    all.push_str(&String::from_utf8_lossy(&line));
                }
            }
        }
        all
    })
}

/// The running `vpc-mock` binary; killed when dropped.
pub(crate) struct Mock {
    child: Child,
    /// The URL it listens on, `http://127.0.0.1:PORT`.
    pub(crate) url: String,
}

impl Mock {
    /// Starts `binary` on an ephemeral port, accepting the demo credential, with the
    /// options `args` (e.g. `--reset-delay-ms 0`), and waits for the URL it prints.
    pub(crate) fn start(binary: &Path, args: &[&str]) -> anyhow::Result<Self> {
        println!("starting {} --port 0 {}", binary.display(), args.join(" "));
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .args(["--secret-id", SECRET_ID, "--secret-key", SECRET_KEY])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{} started without a stdout pipe", binary.display());
        };
        // From here on the guard kills the mock on every early return.
        let mut mock = Mock {
            child,
            url: String::new(),
        };
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let first = match reader.read_line(&mut first) {
                Ok(_) => first,
                Err(e) => format!("(unreadable: {e})"),
            };
            let _ = sender.send(first);
            // Keep draining so the mock never blocks on a full pipe.
            let _ = io::copy(&mut reader, &mut io::sink());
        });
        let first = match receiver.recv_timeout(STARTUP_TIMEOUT) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                "{} printed no URL within {} s",
                binary.display(),
                STARTUP_TIMEOUT.as_secs()
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                bail!("lost the stdout of {}", binary.display())
            }
        };
        if first.is_empty() {
            // End of output before the first line: the mock has exited.
            let status = mock
                .child
                .wait()
                .map_or_else(|e| format!("status unknown: {e}"), |s| s.to_string());
            bail!(
                "{} exited before printing its URL ({status}); its error is above",
                binary.display()
            );
        }
        mock.url = parse_url(&first).with_context(|| {
            format!(
                "{} did not print `{URL_PREFIX}http://...` on its first line",
                binary.display()
            )
        })?;
        Ok(mock)
    }
}

impl Mock {
    /// The process id of the running mock.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        // Killing an already-exited child fails harmlessly; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL in the mock's first line, `vpc-mock listening on http://127.0.0.1:PORT`.
fn parse_url(line: &str) -> anyhow::Result<String> {
    let line = line.trim();
    let Some(url) = line.strip_prefix(URL_PREFIX) else {
        bail!("its first line was `{line}`");
    };
    let url = url.trim();
    let Some(authority) = url.strip_prefix("http://") else {
        bail!("`{url}` is not an http:// URL");
    };
    let port = authority.rsplit_once(':').map(|(_, port)| port);
    match port.map(str::parse::<u16>) {
        Some(Ok(port)) if port != 0 => Ok(url.to_owned()),
        _ => bail!("`{url}` has no port"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_pins() {
        let pins = parse_pins("# comment\n\na==1.2.3\nb == 4 # why\n").expect("valid pins");
        assert_eq!(
            pins,
            [
                ("a".to_owned(), "1.2.3".to_owned()),
                ("b".to_owned(), "4".to_owned())
            ]
        );
        for bad in [
            "a>=1",
            "a==",
            "==1",
            "a==1,<2",
            "a[x]==1",
            "a==1.*",
            "# only a comment",
        ] {
            assert!(parse_pins(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn the_checked_in_requirements_are_exact_pins() {
        let path = xtask::workspace_root()
            .expect("the test runs inside the workspace")
            .join(SDK_DIR)
            .join("requirements.txt");
        let text = std::fs::read_to_string(&path).expect("requirements.txt is readable");
        let pins = parse_pins(&text).expect("valid pins");
        let names: Vec<&str> = pins.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "tencentcloud-sdk-python-common",
                "tencentcloud-sdk-python-vpc"
            ]
        );
    }

    #[test]
    fn tells_a_network_failure_from_other_pip_failures() {
        let offline = "\
WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/tencentcloud-sdk-python-common/
ERROR: Could not find a version that satisfies the requirement tencentcloud-sdk-python-common==3.1.195 (from versions: none)
ERROR: No matching distribution found for tencentcloud-sdk-python-common==3.1.195
";
        let reason = network_failure(offline).expect("a network failure");
        assert!(
            reason.starts_with(
                "Failed to establish a new connection: [Errno 111] Connection refused"
            ),
            "{reason}"
        );
        let dns = "WARNING: Retrying ... 'NameResolutionError(\"...: Failed to resolve 'pypi.example' ([Errno -3] Temporary failure in name resolution)\")'";
        assert!(
            network_failure(dns)
                .expect("a network failure")
                .starts_with("Temporary failure in name resolution")
        );
        let bad_pin = "\
ERROR: Could not find a version that satisfies the requirement tencentcloud-sdk-python-vpc==9.9.9 (from versions: 3.1.192, 3.1.193)
ERROR: No matching distribution found for tencentcloud-sdk-python-vpc==9.9.9
";
        assert_eq!(network_failure(bad_pin), None);
        let long = format!("Connection refused {}", "x".repeat(1000));
        assert!(network_failure(&long).expect("matches").len() < 220);
    }

    #[test]
    fn reads_the_url_line() {
        assert_eq!(
            parse_url("vpc-mock listening on http://127.0.0.1:18080\n").expect("a URL"),
            "http://127.0.0.1:18080"
        );
        for bad in [
            "",
            "listening on http://127.0.0.1:1",
            "vpc-mock listening on https://127.0.0.1:1",
            "vpc-mock listening on http://127.0.0.1",
            "vpc-mock listening on http://127.0.0.1:0",
            "vpc-mock listening on http://127.0.0.1:x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn the_skip_banner_is_loud_and_names_the_reason() {
        let banner = skip_banner("pip could not reach the package registry:\nline two");
        assert!(banner.contains("SKIPPED: official Python SDK check"));
        assert!(banner.contains("reason: pip could not"));
        assert!(banner.contains("        line two"));
        assert!(banner.lines().count() >= 6);
    }
}
