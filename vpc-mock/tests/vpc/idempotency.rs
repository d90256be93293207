//! Idempotent creation through `ClientToken`, end to end: the generated client fills and
//! keeps the token, resends a creating call whose answer was lost, and the endpoint runs
//! it once; a token with other parameters gets the action's mismatch code; an action
//! without a token is still never resent after a timeout.

use std::time::Duration;

use vpc_client::vpc::{
    CommonError, CreateHaVipError, CreateHaVipRequest, CreateNetworkInterfaceError,
    CreateNetworkInterfaceRequest, CreateSubnetRequest, CreateVpcRequest,
    ResetVpnConnectionRequest,
};
use vpc_client::{Action, Client, Endpoint, Error, RetryPolicy, TransportErrorKind};
use vpc_mock::vpc::seed;
use vpc_mock::{Fault, RunningServer, VpcState, demo_credential};

use crate::common::{client, server};

/// A VPC of the caller's, which `CreateHaVip` needs (the emulator refuses an unknown
/// one).
async fn a_vpc(client: &Client) -> String {
    client
        .call(&CreateVpcRequest::new("idempotent"))
        .await
        .expect("a VPC")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID")
}

/// A client that gives up on an answer after `timeout`, retrying quickly.
fn impatient_client(server: &RunningServer, timeout: Duration) -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .timeout(timeout)
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(20)))
        .build()
        .expect("client")
}

fn is_uuid_v4_shaped(token: &str) -> bool {
    let lengths: Vec<usize> = token.split('-').map(str::len).collect();
    lengths == [8, 4, 4, 4, 12]
        && token
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && token.as_bytes()[14] == b'4'
}

#[test]
fn the_spec_has_ten_client_token_actions_and_the_generated_code_says_which() {
    let spec = vpc_mock::vpc_service().expect("the shipped spec loads");
    let mut from_spec: Vec<&str> = spec
        .actions
        .iter()
        .filter(|action| action.client_token().is_some())
        .map(|action| action.name.as_str())
        .collect();
    from_spec.sort_unstable();
    assert_eq!(
        from_spec,
        [
            "AllocateAddresses",
            "AssignIpv6Addresses",
            "AssignIpv6SubnetCidrBlock",
            "AssignPrivateIpAddresses",
            "AttachNetworkInterface",
            "CreateAndAttachNetworkInterface",
            "CreateHaVip",
            "CreateNetworkInterface",
            "CreateReserveIpAddresses",
            "DetachNetworkInterface",
        ]
    );
    // The generated constant agrees with the spec, action by action.
    struct Tokens(Vec<&'static str>);
    impl vpc_client::ActionVisitor for Tokens {
        fn visit<A>(&mut self)
        where
            A: Action + serde::de::DeserializeOwned + Send + 'static,
            A::Response: serde::Serialize,
        {
            if A::CLIENT_TOKEN == Some("ClientToken") {
                self.0.push(A::NAME);
            } else {
                assert_eq!(A::CLIENT_TOKEN, None, "{}", A::NAME);
            }
        }
    }
    let mut generated = Tokens(Vec::new());
    vpc_client::vpc::visit_actions(&mut generated);
    generated.0.sort_unstable();
    assert_eq!(generated.0, from_spec);
}

#[tokio::test]
async fn a_lost_answer_is_resent_with_the_same_token_and_creates_once() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let vpc = a_vpc(&client).await;
    let before = server.requests_received();
    server.faults().inject("CreateHaVip", Fault::LoseAnswer, 1);
    let request = CreateHaVipRequest::new(&vpc, "ha-1");
    let response = client
        .create_ha_vip(&request)
        .await
        .expect("the resent call gets the first answer");
    assert_eq!(
        server.requests_received() - before,
        2,
        "the call was sent twice"
    );
    assert_eq!(server.handler_calls("CreateHaVip"), 1, "and created once");
    let tokens = server.client_tokens_seen("CreateHaVip");
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1], "both attempts carried one token");
    assert!(is_uuid_v4_shaped(&tokens[0]), "{}", tokens[0]);
    assert_eq!(response.request_id.len(), 36);
    // The caller's request is left as it was: the token went into a copy.
    assert_eq!(request.client_token, None);

    // A second call of the same request is another creation, with another token.
    client.create_ha_vip(&request).await.expect("second call");
    assert_eq!(server.handler_calls("CreateHaVip"), 2);
    let tokens = server.client_tokens_seen("CreateHaVip");
    assert_eq!(tokens.len(), 3);
    assert_ne!(tokens[2], tokens[0]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_timed_out_creation_is_resent_and_runs_once() {
    let server = server(VpcState::seeded()).await;
    let client = impatient_client(&server, Duration::from_millis(150));
    let vpc = a_vpc(&client).await;
    server
        .faults()
        .inject("CreateHaVip", Fault::Delay(Duration::from_millis(400)), 1);
    client
        .create_ha_vip(&CreateHaVipRequest::new(&vpc, "ha-1"))
        .await
        .expect("the resent call succeeds");
    assert!(server.requests_received() >= 2);
    // The first attempt's request may still be running on the server: wait for it.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(server.handler_calls("CreateHaVip"), 1);
    let tokens = server.client_tokens_seen("CreateHaVip");
    assert!(tokens.iter().all(|token| *token == tokens[0]), "{tokens:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_the_caller_gives_is_sent_as_it_is() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    let vpc = a_vpc(&client).await;
    server.faults().inject("CreateHaVip", Fault::LoseAnswer, 1);
    let request = CreateHaVipRequest {
        client_token: Some("my-own-token".to_owned()),
        ..CreateHaVipRequest::new(&vpc, "ha-1")
    };
    client.create_ha_vip(&request).await.expect("created");
    assert_eq!(
        server.client_tokens_seen("CreateHaVip"),
        ["my-own-token", "my-own-token"]
    );
    assert_eq!(server.handler_calls("CreateHaVip"), 1);
    // An empty token counts as none: a fresh one is filled.
    let empty = CreateHaVipRequest {
        client_token: Some(String::new()),
        ..request
    };
    client.create_ha_vip(&empty).await.expect("created");
    let tokens = server.client_tokens_seen("CreateHaVip");
    assert!(is_uuid_v4_shaped(&tokens[2]), "{tokens:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_token_with_other_parameters_gets_the_documented_code() {
    let server = server(VpcState::seeded()).await;
    let client = client(server.url());
    // CreateNetworkInterface is emulated: its VPC and subnet must exist.
    let vpc_id = client
        .call(&CreateVpcRequest::new("idempotent"))
        .await
        .expect("a VPC")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    let mut subnet = CreateSubnetRequest::new(&vpc_id, "s", "ap-guangzhou-3");
    subnet.cidr_block = Some("10.0.0.0/24".to_owned());
    let subnet_id = client
        .call(&subnet)
        .await
        .expect("a subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("a subnet ID");
    let first = CreateNetworkInterfaceRequest {
        client_token: Some("token-1".to_owned()),
        ..CreateNetworkInterfaceRequest::new(&vpc_id, "eni-1", &subnet_id)
    };
    client
        .create_network_interface(&first)
        .await
        .expect("first use of the token");
    // The same parameters: the first answer, without running the handler again.
    client
        .create_network_interface(&first)
        .await
        .expect("the same request again");
    assert_eq!(server.handler_calls("CreateNetworkInterface"), 1);
    let other = CreateNetworkInterfaceRequest {
        network_interface_name: "eni-2".to_owned(),
        ..first.clone()
    };
    match client.create_network_interface(&other).await {
        Err(Error::Service(
            CreateNetworkInterfaceError::UnsupportedOperationIdempotentParameterMismatch(error),
        )) => {
            assert!(error.message.contains("token-1"), "{}", error.message);
            assert!(error.request_id.is_some());
        }
        other => panic!("expected the documented mismatch code, got {other:?}"),
    }
    assert_eq!(server.handler_calls("CreateNetworkInterface"), 1);

    // CreateHaVip does not document the code: the common InvalidParameterValue.
    let ha = CreateHaVipRequest {
        client_token: Some("token-1".to_owned()),
        ..CreateHaVipRequest::new(&vpc_id, "ha-1")
    };
    client.create_ha_vip(&ha).await.expect("first use");
    let other = CreateHaVipRequest {
        ha_vip_name: "ha-2".to_owned(),
        ..ha
    };
    match client.create_ha_vip(&other).await {
        Err(Error::Service(CreateHaVipError::Common(CommonError::InvalidParameterValue(_)))) => {}
        other => panic!("expected InvalidParameterValue, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_action_without_a_token_is_not_resent_after_a_timeout_or_a_lost_answer() {
    let server = server(VpcState::seeded()).await;
    let client = impatient_client(&server, Duration::from_millis(150));
    const { assert!(!ResetVpnConnectionRequest::RETRY_SAFE) };
    assert_eq!(ResetVpnConnectionRequest::CLIENT_TOKEN, None);
    let request = ResetVpnConnectionRequest::new(seed::GATEWAY, seed::TUNNEL);

    server.faults().inject(
        "ResetVpnConnection",
        Fault::Delay(Duration::from_millis(400)),
        1,
    );
    match client.reset_vpn_connection(&request).await {
        Err(Error::Transport(error)) => assert_eq!(error.kind, TransportErrorKind::Timeout),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(server.requests_received(), 1);
    // The delayed request may still run on the server: let it end before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs = server.handler_calls("ResetVpnConnection");

    server
        .faults()
        .inject("ResetVpnConnection", Fault::LoseAnswer, 1);
    match client.reset_vpn_connection(&request).await {
        Err(Error::Transport(error)) => assert_ne!(error.kind, TransportErrorKind::Connect),
        other => panic!("expected a lost connection, got {other:?}"),
    }
    assert_eq!(server.requests_received(), 2, "not resent");
    assert_eq!(
        server.handler_calls("ResetVpnConnection"),
        runs + 1,
        "ran once"
    );
    server.shutdown().await;
}
