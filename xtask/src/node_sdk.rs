//! The third part of `cargo xtask test`: Tencent Cloud's official Node.js SDK against the
//! local endpoint.
//!
//! Steps: find `node` and `npm`; copy `vpc-mock/tests/node_sdk/package.json` and its
//! checked-in `package-lock.json` (an exact pin, written with `npm install
//! --package-lock-only --omit-lockfile-registry-resolved`, so it keeps no download
//! addresses) to `target/node-sdk` and install them there with `npm ci` (reused while
//! the installed tree comes from the same lock file); build the `vpc-mock` binary and
//! start it on an ephemeral port with a web identity registered; run `scenario.js`
//! against the URL it prints with `NODE_PATH` pointing at the installed tree; stop the
//! mock (also when anything fails). The scenario points the SDK at `127.0.0.1:PORT`
//! exactly as a user does, with no workaround on the SDK's side.
//!
//! Two situations skip the check instead of failing it: `node` or `npm` is not
//! installed (a failure under `CI=true`: `.ci/run` installs them), or npm cannot reach
//! the package registry. Everything else (a failing case, a mock that does not start, a
//! lock file `npm ci` refuses) is an error.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::python_sdk::{self, Mock, Outcome};

/// The check's directory, relative to the workspace root.
const SDK_DIR: &str = "vpc-mock/tests/node_sdk";
/// Where `npm ci` installs the SDK, inside the target directory.
const INSTALL_DIR: &str = "node-sdk";
/// The copy of the lock file the installed tree was made from, beside `node_modules`.
const STAMP: &str = "installed-from.package-lock.json";
/// The web identity the mock accepts and the scenario's TKE OIDC case presents.
const WEB_IDENTITY: &str = "OIDC:node-sdk-oidc-token";
/// The credential the mock is started with (the mock's public, local-only demo
/// credential; `Mock::start` passes the same).
const SECRET_ID: &str = "AKIDLOCALMOCKEXAMPLE";
/// The SecretKey paired with [`SECRET_ID`].
const SECRET_KEY: &str = "local-mock-secret-key";

/// Text in npm's output that means the registry could not be reached (as opposed to a
/// registry that answered "no such version"). Matched case-insensitively.
const NETWORK_MARKERS: &[&str] = &[
    // Most specific first: the reason shows the line of the first marker found.
    "network request to",
    "getaddrinfo",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "socket hang up",
    "UNABLE_TO_GET_ISSUER_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
];

/// Runs the whole check from the workspace root `root`.
pub(crate) fn run(root: &Path) -> anyhow::Result<Outcome> {
    let dir = root.join(SDK_DIR);
    let scenario = dir.join("scenario.js");
    for file in [
        &scenario,
        &dir.join("package.json"),
        &dir.join("package-lock.json"),
    ] {
        if !file.is_file() {
            bail!("{} is missing", file.display());
        }
    }
    println!("== official Node.js SDK check ({SDK_DIR})");
    let (node, npm) = match tools()? {
        Ok(tools) => tools,
        Err(reason) if on_ci() => {
            bail!("{reason}; CI must run this check (`.ci/run` installs Node.js and npm)")
        }
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    let install = python_sdk::target_dir(root).join(INSTALL_DIR);
    if let Err(reason) = install_sdk(&npm, &dir, &install)? {
        return Ok(Outcome::Skipped(reason));
    }

    let binary = python_sdk::build_mock(root)?;
    let mock = Mock::start(&binary, &["--web-identity", WEB_IDENTITY])?;
    println!("== node {SDK_DIR}/scenario.js {}", mock.url);
    let status = Command::new(&node)
        .current_dir(root)
        .arg(&scenario)
        .arg(&mock.url)
        .args(["--secret-id", SECRET_ID, "--secret-key", SECRET_KEY])
        .args(["--region", "ap-guangzhou", "--web-identity", WEB_IDENTITY])
        .env("NODE_PATH", install.join("node_modules"))
        .status()
        .with_context(|| format!("cannot run {} with node", scenario.display()))?;
    drop(mock);
    if !status.success() {
        bail!(
            "the official Node.js SDK check failed ({status}): see the FAIL lines above \
             ({SDK_DIR}/scenario.js against the vpc-mock binary)"
        );
    }
    Ok(Outcome::Passed)
}

/// The loud multi-line warning printed when the check is skipped.
pub(crate) fn skip_banner(reason: &str) -> String {
    let rule = "!".repeat(78);
    let mut banner = format!("{rule}\n!! SKIPPED: official Node.js SDK check ({SDK_DIR})\n");
    for (index, line) in reason.lines().enumerate() {
        let label = if index == 0 { "reason:" } else { "       " };
        banner.push_str(&format!("!!   {label} {line}\n"));
    }
    banner.push_str(
        "!! The local endpoint was NOT checked against Tencent Cloud's official Node.js\n\
         !! SDK this time (everything before this ran as usual). Run `cargo xtask test`\n\
         !! where node and npm are installed and the npm registry is reachable.\n",
    );
    banner.push_str(&rule);
    banner
}

/// Whether this runs under CI (`CI=true`, as `.ci/run` is run).
fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// `node` and `npm`, or `Err(reason)` when either is not installed. Other failures
/// are errors.
fn tools() -> anyhow::Result<Result<(PathBuf, PathBuf), String>> {
    let npm_name = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let mut found = Vec::new();
    for name in ["node", npm_name] {
        let program = PathBuf::from(name);
        match Command::new(&program).arg("--version").output() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Err(format!("{name} is not installed (not found on PATH)")));
            }
            Err(e) => return Err(e).with_context(|| format!("cannot run `{name} --version`")),
            // 127: a shell or version-manager shim saying the command does not exist.
            Ok(output) if output.status.code() == Some(127) => {
                return Ok(Err(format!(
                    "{name} is not installed (`{name} --version`: {})",
                    String::from_utf8_lossy(&output.stderr).trim()
                )));
            }
            Ok(output) if !output.status.success() => bail!(
                "`{name} --version` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            Ok(output) => {
                let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
                println!("using {name} {version}");
                found.push(program);
            }
        }
    }
    let [node, npm] =
        <[PathBuf; 2]>::try_from(found).map_err(|_| anyhow::anyhow!("expected node and npm"))?;
    Ok(Ok((node, npm)))
}

/// Makes `install` hold the SDK as `dir`'s lock file pins it, with `npm ci`, unless it
/// already comes from that lock file. `Ok(Err(reason))` when npm cannot reach the
/// registry.
fn install_sdk(npm: &Path, dir: &Path, install: &Path) -> anyhow::Result<Result<(), String>> {
    let lock = std::fs::read(dir.join("package-lock.json"))
        .with_context(|| format!("cannot read {}/package-lock.json", dir.display()))?;
    let stamp = install.join(STAMP);
    let installed = install
        .join("node_modules")
        .join("tencentcloud-sdk-nodejs")
        .join("package.json");
    if std::fs::read(&stamp).is_ok_and(|made_from| made_from == lock) && installed.is_file() {
        println!(
            "reusing {} (installed from the same package-lock.json)",
            install.display()
        );
        return Ok(Ok(()));
    }
    std::fs::create_dir_all(install)
        .with_context(|| format!("cannot create {}", install.display()))?;
    // A stale stamp must not vouch for a tree `npm ci` is about to replace.
    let _ = std::fs::remove_file(&stamp);
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(dir.join(file), install.join(file))
            .with_context(|| format!("cannot copy {file} to {}", install.display()))?;
    }
    println!("== npm ci (in {})", install.display());
    let mut ci = Command::new(npm);
    // No install scripts: the SDK and its dependencies need none.
    ci.current_dir(install)
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]);
    let (status, output) = python_sdk::run_teed(&mut ci).context("cannot run npm ci")?;
    if !status.success() {
        if let Some(line) = network_failure(&output) {
            return Ok(Err(format!(
                "npm could not reach the package registry (npm ci {status}):\n{line}"
            )));
        }
        bail!(
            "`npm ci` in {} failed ({status}) and not for want of a network: see its output \
             above",
            install.display()
        );
    }
    if !installed.is_file() {
        bail!("after `npm ci`, {} is missing", installed.display());
    }
    std::fs::write(&stamp, &lock).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(Ok(()))
}

/// Where npm's output first shows that the registry could not be reached, if it does:
/// the rest of that line from the most specific marker on, shortened.
fn network_failure(output: &str) -> Option<String> {
    NETWORK_MARKERS.iter().find_map(|marker| {
        let marker = marker.to_ascii_lowercase();
        output.lines().find_map(|line| {
            // ASCII lowercasing keeps byte offsets, so a position found in `lower` is
            // valid in `line`.
            let start = line.to_ascii_lowercase().find(&marker)?;
            Some(shortened(line[start..].trim()))
        })
    })
}

/// `text` cut after 200 characters.
fn shortened(rest: &str) -> String {
    {
        match rest.char_indices().nth(200) {
            Some((cut, _)) => format!("{}...", &rest[..cut]),
            None => rest.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked_in(file: &str) -> serde_json::Value {
        let path = xtask::workspace_root()
            .expect("the test runs inside the workspace")
            .join(SDK_DIR)
            .join(file);
        let text = std::fs::read_to_string(&path).expect("readable");
        serde_json::from_str(&text).expect("JSON")
    }

    /// One dependency, pinned to an exact 4.1.x version, which the lock file holds
    /// without a download address.
    #[test]
    fn the_checked_in_sdk_is_pinned_exactly_and_the_lock_has_no_addresses() {
        let package = checked_in("package.json");
        let dependencies = package["dependencies"].as_object().expect("dependencies");
        let names: Vec<&String> = dependencies.keys().collect();
        assert_eq!(names, ["tencentcloud-sdk-nodejs"]);
        let version = dependencies["tencentcloud-sdk-nodejs"]
            .as_str()
            .expect("a version");
        let exact = version.split('.').count() == 3
            && version
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        assert!(exact && version.starts_with("4.1."), "{version}");
        let lock = checked_in("package-lock.json");
        assert_eq!(
            lock["packages"]["node_modules/tencentcloud-sdk-nodejs"]["version"],
            version
        );
        for (name, entry) in lock["packages"].as_object().expect("packages") {
            assert!(
                entry.get("resolved").is_none(),
                "{name} keeps a download address"
            );
            if !name.is_empty() {
                assert!(
                    entry.get("integrity").is_some(),
                    "{name} has no integrity hash"
                );
            }
        }
    }

    #[test]
    fn tells_a_network_failure_from_other_npm_failures() {
        let offline = "\
npm error code ENOTFOUND
npm error syscall getaddrinfo
npm error network request to https://registry.example/tencentcloud-sdk-nodejs/-/x.tgz failed, reason: getaddrinfo ENOTFOUND registry.example
";
        let reason = network_failure(offline).expect("a network failure");
        assert!(
            reason.starts_with("network request to https://registry.example/")
                && reason.ends_with("getaddrinfo ENOTFOUND registry.example"),
            "{reason}"
        );
        let refused = "npm error code ECONNREFUSED\n";
        assert_eq!(network_failure(refused).as_deref(), Some("ECONNREFUSED"));
        let bad_lock = "\
npm error code EUSAGE
npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.
";
        assert_eq!(network_failure(bad_lock), None);
        let long = format!("npm error ETIMEDOUT {}", "x".repeat(1000));
        assert!(network_failure(&long).expect("matches").len() < 220);
    }

    #[test]
    fn the_skip_banner_is_loud_and_names_the_reason() {
        let banner = skip_banner("node is not installed\nline two");
        assert!(banner.contains("SKIPPED: official Node.js SDK check"));
        assert!(banner.contains("reason: node is not installed"));
        assert!(banner.contains("        line two"));
        assert!(banner.lines().count() >= 6);
    }
}
