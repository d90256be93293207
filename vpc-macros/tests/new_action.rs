//! Adding an action is a spec edit, nothing else: `tests/data/vpc_plus_describe.json` is
//! the shipped spec's header and `ResetVpnConnection` (checked below, so they cannot
//! drift) plus one hand-written action and its object, as a user would add them; the macro
//! generates its client and its server trait, and the local endpoint serves it from the
//! same spec: from the spec's example until someone implements the typed method, then
//! from that implementation.

use std::path::Path;

use serde_json::Value;

vpc_macros::generate! {
    spec = "tests/data/vpc_plus_describe.json",
    client_trait = ExtendedVpc,
    server_trait = ExtendedVpcService,
}

fn json(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// The extended spec, loaded as the endpoint serves it.
fn extended_spec() -> api_spec::ir::Service {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vpc_plus_describe.json"),
    )
    .expect("read");
    api_spec::load_str(&text, "vpc_plus_describe.json").expect("valid")
}

/// The runtime client, signed with the demo credential, talking to `server`.
fn client(server: &vpc_mock::RunningServer) -> vpc_client::Client {
    vpc_client::Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(vpc_client::Endpoint::Url(server.url()))
        .build()
        .expect("builds")
}

#[test]
fn the_copy_is_the_shipped_header_and_action_plus_one_action() {
    let mut shipped = json("../api-spec/vpc.json");
    let mut copy = json("tests/data/vpc_plus_describe.json");
    let actions = copy["actions"].as_object_mut().expect("actions");
    assert!(actions.remove("DescribeVpnGateways").is_some());
    let objects = copy["objects"].as_object_mut().expect("objects");
    assert!(objects.remove("VpnGateway").is_some());
    let reset = shipped["actions"]["ResetVpnConnection"].take();
    shipped["actions"] = serde_json::json!({ "ResetVpnConnection": reset });
    shipped["objects"] = serde_json::json!({});
    // The shipped waiters name describe actions the copy leaves out.
    if let Some(spec) = shipped.as_object_mut() {
        spec.remove("waiters");
    }
    assert_eq!(copy, shipped);
}

#[tokio::test]
async fn the_new_action_generates_compiles_and_is_served() {
    let service = extended_spec();
    let server = vpc_mock::MockServer::builder()
        .spec(&service)
        .handler(vpc_mock::ExampleHandler::new(&service))
        .credential(vpc_mock::demo_credential())
        .start()
        .await
        .expect("starts");
    let client = client(&server);
    let request = DescribeVpnGatewaysRequest {
        vpn_gateway_ids: Some(vec!["vpngw-kjllnkew".into()]),
        ..DescribeVpnGatewaysRequest::new()
    };
    let response = ExtendedVpc::describe_vpn_gateways(&client, &request)
        .await
        .expect("served from the spec's example");
    assert_eq!(response.total_count, 1);
    assert_eq!(response.vpn_gateway_set[0].vpn_gateway_id, "vpngw-kjllnkew");
    assert_eq!(
        response.vpn_gateway_set[0].public_ip_address.as_deref(),
        Some("203.0.113.7")
    );
    // The existing action is still generated alongside.
    let reset = ExtendedVpc::reset_vpn_connection(
        &client,
        &ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z"),
    )
    .await
    .expect("example answer");
    assert!(!reset.request_id.is_empty());
    server.shutdown().await;
}

/// A typed implementation of the new action only; `ResetVpnConnection` is left to the
/// fallback.
struct Gateways;

impl ExtendedVpcService for Gateways {
    async fn describe_vpn_gateways(
        &self,
        call: &vpc_mock::Call,
        request: DescribeVpnGatewaysRequest,
    ) -> Result<DescribeVpnGatewaysResponse, vpc_mock::Refusal<DescribeVpnGatewaysError>> {
        let all = ["vpngw-aaaaaaaa", "vpngw-bbbbbbbb", "vpngw-cccccccc"];
        let wanted = request.vpn_gateway_ids.unwrap_or_default();
        if let Some(unknown) = wanted.iter().find(|id| !all.contains(&id.as_str())) {
            return Err(
                <DescribeVpnGatewaysError as vpc_client::ActionError>::from_service_error(
                    vpc_client::ServiceError {
                        code: "ResourceNotFound".into(),
                        message: format!("no gateway `{unknown}`"),
                        request_id: Some(call.request_id.clone()),
                    },
                ),
            )?;
        }
        let set: Vec<VpnGateway> = all
            .iter()
            .filter(|id| wanted.is_empty() || wanted.iter().any(|w| w == *id))
            .take(request.limit.map_or(usize::MAX, |l| l as usize))
            .map(|id| VpnGateway {
                vpn_gateway_id: (*id).to_owned(),
                state: "AVAILABLE".to_owned(),
                ..VpnGateway::default()
            })
            .collect();
        Ok(DescribeVpnGatewaysResponse {
            total_count: set.len() as u64,
            vpn_gateway_set: set,
            request_id: String::new(),
        })
    }
}

#[tokio::test]
async fn the_generated_server_trait_serves_a_typed_implementation() {
    use vpc_client::ActionError as _;
    let service = extended_spec();
    let server = vpc_mock::MockServer::builder()
        .spec(&service)
        .handler(ExtendedVpcServiceDispatcher::new(
            Gateways,
            vpc_mock::ExampleHandler::new(&service),
        ))
        .credential(vpc_mock::demo_credential())
        .start()
        .await
        .expect("starts");
    let client = client(&server);

    let all = ExtendedVpc::describe_vpn_gateways(&client, &DescribeVpnGatewaysRequest::new())
        .await
        .expect("typed answer");
    assert_eq!(all.total_count, 3);
    assert_eq!(all.request_id.len(), 36);
    let one = ExtendedVpc::describe_vpn_gateways(
        &client,
        &DescribeVpnGatewaysRequest {
            vpn_gateway_ids: Some(vec!["vpngw-bbbbbbbb".into()]),
            ..DescribeVpnGatewaysRequest::new()
        },
    )
    .await
    .expect("typed answer");
    assert_eq!(one.vpn_gateway_set[0].vpn_gateway_id, "vpngw-bbbbbbbb");
    let missing = ExtendedVpc::describe_vpn_gateways(
        &client,
        &DescribeVpnGatewaysRequest {
            vpn_gateway_ids: Some(vec!["vpngw-zzzzzzzz".into()]),
            ..DescribeVpnGatewaysRequest::new()
        },
    )
    .await;
    match missing {
        Err(vpc_client::Error::Service(e)) => {
            assert_eq!(e.service_error().code, "ResourceNotFound");
            assert!(e.service_error().message.contains("vpngw-zzzzzzzz"));
        }
        other => panic!("expected ResourceNotFound, got {other:?}"),
    }
    // The method left out is answered by the fallback (the spec's example).
    let reset = ExtendedVpc::reset_vpn_connection(
        &client,
        &ResetVpnConnectionRequest::new("vpngw-aaaaaaaa", "vpnx-aaaaaaaa"),
    )
    .await
    .expect("example answer");
    assert_eq!(reset.request_id.len(), 36);
    server.shutdown().await;
}
