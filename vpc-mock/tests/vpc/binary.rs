//! The `vpc-mock` binary: starts on a free port, prints its URL and credential, serves
//! the generated client, and reports bad options and fixtures.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use vpc_client::vpc::{ResetVpnConnectionError as E, ResetVpnConnectionRequest};
use vpc_mock::vpc::seed;
use vpc_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY};

use crate::common::{DELAY, client};

/// Kills the child when dropped, so a failing test leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpc-mock"))
}

#[tokio::test]
async fn serves_until_killed() {
    let child = binary()
        .args(["--port", "0", "--reset-delay-ms"])
        .arg(DELAY.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vpc-mock");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("UTF-8");
    let url = first
        .strip_prefix("vpc-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rest: Vec<String> = lines.by_ref().take(2).map(|l| l.expect("UTF-8")).collect();
    assert!(rest[0].contains(DEMO_SECRET_ID), "{rest:?}");
    assert!(
        rest[1].contains(DEMO_SECRET_KEY) && rest[1].contains("local"),
        "{rest:?}"
    );

    let client = client(url);
    let reset = ResetVpnConnectionRequest::new(seed::GATEWAY, seed::TUNNEL);
    client.reset_vpn_connection(&reset).await.expect("reset");
    assert!(matches!(
        client.reset_vpn_connection(&reset).await,
        Err(vpc_client::Error::Service(
            E::UnsupportedOperationVpnConnInvalidState(_)
        ))
    ));
    tokio::time::sleep(DELAY * 2).await;
    client
        .reset_vpn_connection(&reset)
        .await
        .expect("reset after the delay");

    running.0.kill().expect("kill");
    let status = running.0.wait().expect("wait");
    assert!(!status.success());
}

fn run_to_end(args: &[&str]) -> (bool, String, String) {
    let output = binary().args(args).output().expect("run vpc-mock");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_and_bad_arguments() {
    let (ok, out, _) = run_to_end(&["--help"]);
    assert!(
        ok && out.contains("--port") && out.contains("--state"),
        "{out}"
    );
    let (ok, _, err) = run_to_end(&["--port", "nope"]);
    assert!(!ok && err.contains("--port nope"), "{err}");
    let (ok, _, err) = run_to_end(&["--frobnicate"]);
    assert!(!ok && err.contains("unknown argument"), "{err}");
}

#[test]
fn broken_state_file_is_reported() {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vpc-mock-bin-{}-broken.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"gateways": [{"id": "vpngw-aaaa0001", "state": "ON"}]}"#,
    )
    .expect("write");
    let mut child = binary()
        .arg("--state")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    let status = child.wait().expect("wait");
    assert!(!status.success());
    assert!(
        err.contains("gateways[0].state") && err.contains("ON"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}
