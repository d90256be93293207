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

/// The example an action answers is chosen by JSON value: the members of the request may
/// come in any order (the official Python SDK sends them in its model's order), but an
/// integer sent as a number with a fraction is another value, so the first example answers.
#[test]
fn examples_are_matched_by_json_value() {
    let service = vpc_mock::vpc_service().expect("the shipped spec loads");
    let handler = ExampleHandler::new(&service);
    let answer_of = |example: &api_spec::ir::Example| {
        let mut members = example.output["Response"]
            .as_object()
            .expect("a Response object")
            .clone();
        members.remove("RequestId");
        members
    };
    // A later example with at least two input members, one of them an integer, and an
    // answer of its own (taken from the spec, so the test follows it as it grows).
    let (action, example, first) = service
        .actions
        .iter()
        .filter(|action| action.examples.len() > 1)
        .find_map(|action| {
            let first = &action.examples[0];
            action.examples[1..]
                .iter()
                .find(|example| {
                    let input = example.input.as_object().expect("an object input");
                    input.len() > 1
                        && input.values().any(|value| value.is_u64())
                        && example.output["Response"].get("Error").is_none()
                        && first.output["Response"].get("Error").is_none()
                        && answer_of(example) != answer_of(first)
                        && example.input != first.input
                })
                .map(|example| (action, example, first))
        })
        .expect("the spec has a later example with two members, one an integer");
    let input = example.input.as_object().expect("an object input");

    let reversed: serde_json::Map<String, serde_json::Value> = input
        .iter()
        .rev()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    assert_ne!(
        reversed.keys().collect::<Vec<_>>(),
        input.keys().collect::<Vec<_>>()
    );
    let answer = handler
        .answer_for(&action.name, &reversed)
        .expect("a success");
    assert_eq!(
        answer,
        answer_of(example),
        "{} / {}",
        action.name,
        example.title
    );

    let mut as_float = input.clone();
    let (key, integer) = input
        .iter()
        .find(|(_, value)| value.is_u64())
        .expect("an integer member");
    let float = integer.as_u64().expect("an integer") as f64;
    as_float.insert(key.clone(), json!(float));
    let answer = handler
        .answer_for(&action.name, &as_float)
        .expect("a success");
    assert_eq!(
        answer,
        answer_of(first),
        "{} / {}",
        action.name,
        first.title
    );
}
