//! Fixture files: loading, serving, and clear errors for broken ones.

use std::path::PathBuf;
use std::time::Duration;

use vpc_client::vpc::{CommonError, ResetVpnConnectionError as E, ResetVpnConnectionRequest};
use vpc_mock::VpcState;
use vpc_mock::vpc::{Fixture, FixtureError, GatewayState, TunnelState};

use crate::common::{client, server};

const FIXTURE: &str = r#"{
  "reset_delay_ms": 40,
  "gateways": [
    { "id": "vpngw-aaaa0001", "state": "AVAILABLE" },
    { "id": "vpngw-bbbb0002", "state": "DELETING" }
  ],
  "tunnels": [
    { "id": "vpnx-aaaa0001", "gateway": "vpngw-aaaa0001", "state": "AVAILABLE" },
    { "id": "vpnx-aaaa0002", "gateway": "vpngw-aaaa0001", "state": "PENDING" },
    { "id": "vpnx-bbbb0001", "gateway": "vpngw-bbbb0002", "state": "AVAILABLE" }
  ]
}
"#;

fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vpc-mock-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write the fixture");
    path
}

#[tokio::test]
async fn fixture_file_loads_and_is_served() {
    let path = temp_file("good.json", FIXTURE);
    let state = VpcState::from_file(&path).expect("the fixture loads");
    assert_eq!(state.reset_delay(), Duration::from_millis(40));
    assert_eq!(
        state.gateway_state("vpngw-bbbb0002"),
        Some(GatewayState::Deleting)
    );
    assert_eq!(
        state.tunnel_state("vpnx-aaaa0002"),
        Some(TunnelState::Pending)
    );
    // The documented example IDs are not in this fixture.
    assert_eq!(state.gateway_state("vpngw-kjllnkew"), None);
    let snapshot = state.snapshot();
    assert_eq!(
        snapshot,
        serde_json::from_str::<Fixture>(FIXTURE).expect("parse")
    );

    let server = server(state).await;
    let client = client(server.url());
    let call = |g: &'static str, t: &'static str| {
        let client = client.clone();
        async move {
            client
                .reset_vpn_connection(&ResetVpnConnectionRequest::new(g, t))
                .await
        }
    };
    call("vpngw-aaaa0001", "vpnx-aaaa0001")
        .await
        .expect("reset");
    assert!(matches!(
        call("vpngw-aaaa0001", "vpnx-aaaa0002").await,
        Err(vpc_client::Error::Service(
            E::UnsupportedOperationVpnConnInvalidState(_)
        ))
    ));
    assert!(matches!(
        call("vpngw-bbbb0002", "vpnx-bbbb0001").await,
        Err(vpc_client::Error::Service(
            E::UnsupportedOperationInvalidState(_)
        ))
    ));
    assert!(matches!(
        call("vpngw-kjllnkew", "vpnx-f29e6u0z").await,
        Err(vpc_client::Error::Service(E::Common(
            CommonError::ResourceNotFound(_)
        )))
    ));
    server.shutdown().await;
    let _ = std::fs::remove_file(path);
}

#[test]
fn seed_round_trips_through_the_fixture_format() {
    let text = serde_json::to_string_pretty(&Fixture::seed()).expect("serialize");
    let state = VpcState::from_json_str(&text, "seed.json").expect("the seed is a valid fixture");
    assert_eq!(state.snapshot(), Fixture::seed());
    assert_eq!(VpcState::seeded().snapshot(), Fixture::seed());
}

fn broken(text: &str) -> String {
    let error = VpcState::from_json_str(text, "state.json").expect_err("broken fixture");
    assert!(matches!(error, FixtureError::Invalid { .. }), "{error:?}");
    error.to_string()
}

#[test]
fn broken_fixtures_give_located_errors() {
    // Syntax: line and column.
    let text = broken("{\n  \"gateways\": [\n    { \"id\": \"vpngw-aaaa0001\", }\n  ]\n}");
    assert!(text.starts_with("state.json:3:"), "{text}");
    // An unknown state: line, column, path and the accepted values.
    let text = broken(
        "{\"gateways\": [{\"id\": \"vpngw-aaaa0001\", \"state\": \"AVAILABLE\"}],\n \"tunnels\": [{\"id\": \"vpnx-aaaa0001\", \"gateway\": \"vpngw-aaaa0001\", \"state\": \"BROKEN\"}]}",
    );
    assert!(text.starts_with("state.json:2:"), "{text}");
    assert!(text.contains("`tunnels[0].state`"), "{text}");
    assert!(
        text.contains("BROKEN") && text.contains("AVAILABLE"),
        "{text}"
    );
    // An unknown member.
    let text =
        broken(r#"{"gateways": [{"id": "vpngw-aaaa0001", "state": "AVAILABLE", "vpc": "x"}]}"#);
    assert!(
        text.contains("`gateways[0]") && text.contains("vpc"),
        "{text}"
    );
    // Not an object; trailing text.
    assert!(broken("[]").starts_with("state.json:1:"));
    assert!(broken("{} {}").contains("trailing"));
    // Semantic problems name the member.
    let text = broken(r#"{"gateways": [{"id": "gw-1", "state": "AVAILABLE"}]}"#);
    assert!(
        text.contains("`gateways[0].id`") && text.contains("gw-1"),
        "{text}"
    );
    let text = broken(
        r#"{"gateways": [{"id": "vpngw-aaaa0001", "state": "AVAILABLE"}, {"id": "vpngw-aaaa0001", "state": "PENDING"}]}"#,
    );
    assert!(
        text.contains("`gateways[1].id`") && text.contains("twice"),
        "{text}"
    );
    let text = broken(
        r#"{"tunnels": [{"id": "vpnx-aaaa0001", "gateway": "vpngw-nosuch00", "state": "AVAILABLE"}]}"#,
    );
    assert!(
        text.contains("`tunnels[0].gateway`") && text.contains("vpngw-nosuch00"),
        "{text}"
    );
    let text = broken(r#"{"reset_delay_ms": -5}"#);
    assert!(text.contains("reset_delay_ms"), "{text}");
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-vpc-mock-fixture.json");
    let error = VpcState::from_file(&path).expect_err("missing file");
    assert!(matches!(error, FixtureError::Io { .. }));
    assert!(error.to_string().contains("no-such-vpc-mock-fixture.json"));
}

#[test]
fn broken_file_names_the_file() {
    let path = temp_file("broken.json", "{\"gateways\": 3}");
    let error = VpcState::from_file(&path).expect_err("broken");
    let text = error.to_string();
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    assert!(text.contains("`gateways`"), "{text}");
    let _ = std::fs::remove_file(path);
}
