//! Every documented `ResetVpnConnection` outcome, reached by realistic sequences through
//! the generated client and the HTTP endpoint.

use vpc_client::vpc::{CommonError, ResetVpnConnectionError as E, ResetVpnConnectionRequest};
use vpc_client::{ActionError, Error, ServiceError};
use vpc_mock::VpcState;
use vpc_mock::vpc::{GatewayState, TunnelState, seed};

use crate::common::{DELAY, client, server};

fn request(gateway: &str, tunnel: &str) -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new(gateway, tunnel)
}

/// The service error of a failed call, or a panic naming what came back instead.
fn service_error(result: Result<impl std::fmt::Debug, Error<E>>) -> E {
    match result {
        Err(Error::Service(error)) => error,
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn message(error: &E) -> &ServiceError {
    error.service_error()
}

#[tokio::test]
async fn documented_example_succeeds_and_the_tunnel_resets() {
    let state = VpcState::seeded().with_reset_delay(DELAY);
    let server = server(state.clone()).await;
    let client = client(server.url());
    let response = client
        .reset_vpn_connection(&request(seed::GATEWAY, seed::TUNNEL))
        .await
        .expect("the documented example succeeds");
    assert_eq!(response.request_id.len(), 36);
    assert_ne!(response.request_id, "74883e1b-5901-46de-ae1e-d6e2cf591c5b");
    assert_eq!(
        state.tunnel_state(seed::TUNNEL),
        Some(TunnelState::Resetting)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_ids() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    for (gateway, tunnel, parameter, value) in [
        (
            "vpngw-KJLLNKEW",
            seed::TUNNEL,
            "VpnGatewayId",
            "vpngw-KJLLNKEW",
        ),
        ("vpn-kjllnkew", seed::TUNNEL, "VpnGatewayId", "vpn-kjllnkew"),
        ("", seed::TUNNEL, "VpnGatewayId", "``"),
        (
            seed::GATEWAY,
            "vpnx-f29e6u0",
            "VpnConnectionId",
            "vpnx-f29e6u0",
        ),
        (
            seed::GATEWAY,
            seed::GATEWAY,
            "VpnConnectionId",
            seed::GATEWAY,
        ),
    ] {
        let error = service_error(client.reset_vpn_connection(&request(gateway, tunnel)).await);
        assert!(
            matches!(error, E::InvalidParameterValueMalformed(_)),
            "{error:?}"
        );
        let text = &message(&error).message;
        assert!(text.contains(parameter) && text.contains(value), "{text}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_or_mismatched_resources_are_not_found() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    for (gateway, tunnel, named) in [
        ("vpngw-nosuch00", seed::TUNNEL, "vpngw-nosuch00"),
        (seed::GATEWAY, "vpnx-nosuch00", "vpnx-nosuch00"),
        // A tunnel that exists, but of another gateway.
        (seed::GATEWAY, seed::OTHER_TUNNEL, seed::OTHER_TUNNEL),
    ] {
        let error = service_error(client.reset_vpn_connection(&request(gateway, tunnel)).await);
        assert!(
            matches!(error, E::Common(CommonError::ResourceNotFound(_))),
            "{error:?}"
        );
        assert!(message(&error).message.contains(named), "{error:?}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn unusable_gateway_is_invalid_state() {
    let state = VpcState::seeded();
    let server = server(state.clone()).await;
    let client = client(server.url());
    let error = service_error(
        client
            .reset_vpn_connection(&request(
                seed::PENDING_GATEWAY,
                seed::PENDING_GATEWAY_TUNNEL,
            ))
            .await,
    );
    assert!(
        matches!(error, E::UnsupportedOperationInvalidState(_)),
        "{error:?}"
    );
    assert!(message(&error).message.contains("PENDING"));
    // Once the gateway is available, the same call succeeds.
    state.insert_gateway(seed::PENDING_GATEWAY, GatewayState::Available);
    client
        .reset_vpn_connection(&request(
            seed::PENDING_GATEWAY,
            seed::PENDING_GATEWAY_TUNNEL,
        ))
        .await
        .expect("reset once the gateway is available");
    server.shutdown().await;
}

#[tokio::test]
async fn failed_tunnel_is_vpn_conn_invalid_state() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let error = service_error(
        client
            .reset_vpn_connection(&request(seed::GATEWAY, seed::FAILED_TUNNEL))
            .await,
    );
    assert!(
        matches!(error, E::UnsupportedOperationVpnConnInvalidState(_)),
        "{error:?}"
    );
    assert!(message(&error).message.contains("FAILED"));
    server.shutdown().await;
}

#[tokio::test]
async fn resetting_twice_then_again_after_the_delay() {
    let state = VpcState::seeded().with_reset_delay(DELAY);
    let server = server(state.clone()).await;
    let client = client(server.url());
    let reset = request(seed::GATEWAY, seed::TUNNEL);
    client
        .reset_vpn_connection(&reset)
        .await
        .expect("first reset");
    let error = service_error(client.reset_vpn_connection(&reset).await);
    assert!(
        matches!(error, E::UnsupportedOperationVpnConnInvalidState(_)),
        "{error:?}"
    );
    assert!(message(&error).message.contains("RESETTING"));
    assert!(message(&error).request_id.is_some());
    tokio::time::sleep(DELAY + DELAY / 2).await;
    assert_eq!(
        state.tunnel_state(seed::TUNNEL),
        Some(TunnelState::Available)
    );
    client
        .reset_vpn_connection(&reset)
        .await
        .expect("reset after the delay");
    server.shutdown().await;
}

#[tokio::test]
async fn checks_run_in_documented_order() {
    // Malformed wins over unknown; not-found wins over the gateway state.
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let error = service_error(
        client
            .reset_vpn_connection(&request("bad", "vpnx-nosuch00"))
            .await,
    );
    assert!(
        matches!(error, E::InvalidParameterValueMalformed(_)),
        "{error:?}"
    );
    let error = service_error(
        client
            .reset_vpn_connection(&request(seed::PENDING_GATEWAY, "vpnx-nosuch00"))
            .await,
    );
    assert!(
        matches!(error, E::Common(CommonError::ResourceNotFound(_))),
        "{error:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn start_vpc_serves_the_default_seed() {
    let server = vpc_mock::start_vpc(vpc_mock::demo_credential())
        .await
        .expect("start");
    let client = client(server.url());
    client
        .reset_vpn_connection(&request(seed::GATEWAY, seed::TUNNEL))
        .await
        .expect("the documented example succeeds");
    server.shutdown().await;
}
