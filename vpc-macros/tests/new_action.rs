//! Adding an action is a spec edit, nothing else: `tests/data/vpc_plus_describe.json` is
//! the shipped spec plus one action (checked below, so it cannot drift), the macro
//! generates its client, and the local endpoint serves it from the same spec.

use std::path::Path;

use serde_json::Value;

vpc_macros::generate! {
    spec = "tests/data/vpc_plus_describe.json",
    client_trait = ExtendedVpc,
}

fn json(path: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

#[test]
fn the_copy_is_the_shipped_spec_plus_one_action() {
    let shipped = json("../api-spec/vpc.json");
    let mut copy = json("tests/data/vpc_plus_describe.json");
    let actions = copy["actions"].as_object_mut().expect("actions");
    assert!(actions.remove("DescribeVpnGateways").is_some());
    let objects = copy["objects"].as_object_mut().expect("objects");
    assert!(objects.remove("VpnGateway").is_some());
    assert_eq!(copy, shipped);
}

#[tokio::test]
async fn the_new_action_generates_compiles_and_is_served() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vpc_plus_describe.json"),
    )
    .expect("read");
    let service = api_spec::load_str(&text, "vpc_plus_describe.json").expect("valid");
    let server = vpc_mock::MockServer::builder()
        .spec(&service)
        .handler(vpc_mock::ExampleHandler::new(&service))
        .credential(vpc_mock::demo_credential())
        .start()
        .await
        .expect("starts");
    let client = vpc_client::Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(vpc_client::Endpoint::Url(server.url()))
        .build()
        .expect("builds");
    let request = DescribeVpnGatewaysRequest {
        vpn_gateway_ids: Some(vec!["vpngw-kjllnkew".into()]),
        ..DescribeVpnGatewaysRequest::new()
    };
    let response = client
        .describe_vpn_gateways(&request)
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
