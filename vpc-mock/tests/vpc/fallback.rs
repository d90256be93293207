//! The example fallback: actions without a stateful implementation answer with their
//! spec example, or a clear error when the spec has none.

use std::sync::Arc;

use serde_json::json;
use vpc_mock::{ExampleHandler, MockServer, VpcHandler, VpcState, demo_credential};

use crate::common::{error_code, extended_spec, raw_call};

#[tokio::test]
async fn example_answers_and_missing_examples() {
    let service = extended_spec();
    let state = VpcState::seeded();
    let server = MockServer::builder()
        .spec(&service)
        .credential(demo_credential())
        .shared_handler(Arc::new(VpcHandler::new(
            state,
            ExampleHandler::new(&service),
        )))
        .start()
        .await
        .expect("start");

    // The example's members, with a fresh RequestId.
    let answer = raw_call(&server, "DescribeThings", r#"{"Limit": 5}"#).await;
    let response = &answer["Response"];
    assert_eq!(response["TotalCount"], json!(1));
    assert_eq!(response["Names"], json!(["a"]));
    let request_id = response["RequestId"].as_str().expect("RequestId");
    assert_ne!(request_id, "example-request-id");
    assert_eq!(request_id.len(), 36);

    // The derived table validates the body, objects included.
    let answer = raw_call(
        &server,
        "DescribeThings",
        r#"{"Filters": [{"Values": []}]}"#,
    )
    .await;
    assert_eq!(error_code(&answer), Some("MissingParameter"));
    assert!(
        answer["Response"]["Error"]["Message"]
            .as_str()
            .expect("message")
            .contains("Filters.0.Name")
    );
    let answer = raw_call(
        &server,
        "DescribeThings",
        r#"{"Tree": {"Id": "r", "Children": [{"Id": "c", "Children": []}]}}"#,
    )
    .await;
    assert_eq!(error_code(&answer), None, "{answer}");

    // No implementation and no example.
    let answer = raw_call(&server, "DeleteThing", r#"{"ThingId": "t-1"}"#).await;
    assert_eq!(error_code(&answer), Some("UnsupportedOperation"));
    let message = answer["Response"]["Error"]["Message"]
        .as_str()
        .expect("message");
    assert!(
        message.contains("no example") && message.contains("`DeleteThing`"),
        "{message}"
    );

    // The stateful action is still served by the state.
    let answer = raw_call(
        &server,
        "ResetVpnConnection",
        r#"{"VpnGatewayId": "vpngw-nosuch00", "VpnConnectionId": "vpnx-f29e6u0z"}"#,
    )
    .await;
    assert_eq!(error_code(&answer), Some("ResourceNotFound"));

    // Actions outside the spec are not in the table.
    let answer = raw_call(&server, "DescribeTheUniverse", "{}").await;
    assert_eq!(error_code(&answer), Some("InvalidAction"));
    server.shutdown().await;
}

#[test]
fn example_handler_alone() {
    let service = extended_spec();
    let handler = ExampleHandler::new(&service);
    let members = handler.answer("DescribeThings").expect("example");
    assert_eq!(members.get("RequestId"), None);
    assert_eq!(members.get("TotalCount"), Some(&json!(1)));
    assert_eq!(
        handler.answer("DeleteThing").expect_err("no example").code,
        "UnsupportedOperation"
    );
    assert_eq!(
        handler.answer("Nope").expect_err("unknown").code,
        "InvalidAction"
    );
    // ResetVpnConnection's example has no members besides RequestId.
    assert!(
        handler
            .answer("ResetVpnConnection")
            .expect("example")
            .is_empty()
    );
}
