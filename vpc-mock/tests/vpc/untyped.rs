//! The untyped call (`Client::call_untyped`) against the local endpoint: signed like a
//! typed call, its answer the `Response` object, its errors the same kinds with the
//! common codes typed, and only what is safe retried.

use std::time::{Duration, Instant};

use serde_json::json;
use vpc_client::credentials::Credential;
use vpc_client::vpc::CommonError;
use vpc_client::{
    Client, Endpoint, Error, PACING_MARGIN, RetryPolicy, UntypedError, UntypedRequest,
};
use vpc_mock::vpc::seed;
use vpc_mock::{Fault, VpcState};

use crate::common::{client, server};

fn untyped(action: &str, body: serde_json::Value) -> UntypedRequest {
    UntypedRequest::new("vpc", "2017-03-12", action, &body).expect("a JSON body")
}

#[tokio::test]
async fn a_success_is_the_response_object() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let request = untyped(
        "ResetVpnConnection",
        json!({"VpnGatewayId": seed::GATEWAY, "VpnConnectionId": seed::TUNNEL}),
    );
    let response = client
        .call_untyped(&request)
        .await
        .expect("signed and served");
    let request_id = response["RequestId"].as_str().expect("a RequestId");
    assert_eq!(request_id.len(), 36);
    assert_eq!(server.handler_calls("ResetVpnConnection"), 1);

    // An action the endpoint answers from the spec's examples: its members come as JSON.
    let vpcs = client
        .call_untyped(&untyped("DescribeVpcs", json!({})))
        .await
        .expect("described");
    assert!(vpcs["TotalCount"].is_u64(), "{vpcs}");
    assert!(vpcs["VpcSet"].is_array(), "{vpcs}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_service_error_keeps_code_message_and_request_id() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    // The action's own code: Unknown to the untyped call, kept as it came.
    let request = untyped(
        "ResetVpnConnection",
        json!({"VpnGatewayId": "vpngw-00000000", "VpnConnectionId": seed::TUNNEL}),
    );
    let error = client
        .call_untyped(&request)
        .await
        .expect_err("no such gateway");
    let service = error.service_error().expect("a service error");
    assert_eq!(service.code, "ResourceNotFound");
    assert!(
        service
            .request_id
            .as_deref()
            .is_some_and(|id| id.len() == 36)
    );
    assert!(!service.message.is_empty());
    // ResourceNotFound is a common code: typed.
    assert!(matches!(
        error.common(),
        Some(CommonError::ResourceNotFound(_))
    ));

    server.faults().inject(
        "ResetVpnConnection",
        Fault::error("UnsupportedOperation.NotYetDocumented", "a brand new code"),
        1,
    );
    match client.call_untyped(&request).await {
        Err(Error::Service(UntypedError::Unknown(error))) => {
            assert_eq!(error.code, "UnsupportedOperation.NotYetDocumented");
            assert_eq!(error.message, "a brand new code");
            assert!(error.request_id.is_some());
        }
        other => panic!("expected an unknown code, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_unknown_action_is_the_endpoints_invalid_action() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let error = client
        .call_untyped(&untyped("DescribeSomethingNew", json!({"Limit": 1})))
        .await
        .expect_err("not in the table");
    assert!(
        matches!(error.common(), Some(CommonError::InvalidAction(_))),
        "{error:?}"
    );
    assert!(error.request_id().is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn the_signature_is_verified() {
    let server = server(VpcState::seeded()).await;
    let request = untyped(
        "ResetVpnConnection",
        json!({"VpnGatewayId": seed::GATEWAY, "VpnConnectionId": seed::TUNNEL}),
    );
    // The right SecretId with the wrong key: the endpoint recomputes the signature.
    let wrong_key = Client::builder()
        .credentials(Credential::new(vpc_mock::DEMO_SECRET_ID, "not-the-key"))
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .build()
        .expect("client");
    let error = wrong_key
        .call_untyped(&request)
        .await
        .expect_err("a bad signature");
    assert!(
        matches!(
            error.common(),
            Some(CommonError::AuthFailureSignatureFailure(_))
        ),
        "{error:?}"
    );
    // A body of the caller's own bytes is signed as it is.
    let raw = UntypedRequest::from_bytes(
        "vpc",
        "2017-03-12",
        "ResetVpnConnection",
        format!(
            r#"{{ "VpnGatewayId" : "{}", "VpnConnectionId" : "{}" }}"#,
            seed::GATEWAY,
            seed::TUNNEL
        ),
    );
    client(server.url())
        .call_untyped(&raw)
        .await
        .expect("these bytes verify");
    server.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_is_resent_only_when_the_caller_says_it_is_safe() {
    let server = server(VpcState::seeded()).await;
    let client = Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(10)))
        .build()
        .expect("client");
    let request = untyped("DescribeVpcs", json!({}));
    server.faults().inject("DescribeVpcs", Fault::LoseAnswer, 1);
    let error = client.call_untyped(&request).await.expect_err("not resent");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(server.requests_received(), 1);

    server.faults().inject("DescribeVpcs", Fault::LoseAnswer, 1);
    client
        .call_untyped(&request.clone().retry_safe(true))
        .await
        .expect("resent");
    assert_eq!(server.requests_received(), 3);

    // What is safe for every action is retried all the same: throttling.
    server.faults().inject(
        "DescribeVpcs",
        Fault::error("RequestLimitExceeded", "slow down"),
        1,
    );
    client.call_untyped(&request).await.expect("retried");
    assert_eq!(server.requests_received(), 5);
    server.shutdown().await;
}

#[tokio::test]
async fn a_given_rate_limit_paces_the_calls() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let request = untyped("DescribeVpcs", json!({})).rate_limit(10);
    let started = Instant::now();
    for _ in 0..4 {
        client.call_untyped(&request).await.expect("described");
    }
    // Three intervals of 1/10 s (and the margin) at least; load can only add to it.
    let least = Duration::from_secs_f64(3.0 * PACING_MARGIN / 10.0);
    assert!(started.elapsed() >= least, "{:?}", started.elapsed());
    server.shutdown().await;
}
