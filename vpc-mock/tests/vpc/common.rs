//! Test helpers: servers over a given state, the generated client pointed at them, and
//! raw signed calls for actions the typed client has no method for.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use vpc_client::signing::{SignableRequest, Signer};
use vpc_client::{Client, Endpoint};
use vpc_mock::{MockServer, RunningServer, VpcState, demo_credential};

/// The reset delay the tests use.
pub(crate) const DELAY: Duration = Duration::from_millis(50);

/// Polls `step` every 50 ms until it gives a value; panics naming `what` after 10 s
/// (the emulator's delays in these tests are a few hundred milliseconds).
pub(crate) async fn poll_until<T, F, Fut>(what: &str, mut step: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = step().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still waiting after 10 s: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The VPC endpoint over `state`, accepting the demo credential.
pub(crate) async fn server(state: VpcState) -> RunningServer {
    MockServer::vpc(state)
        .expect("the shipped spec loads")
        .credential(demo_credential())
        .start()
        .await
        .expect("start")
}

/// The generated client, signed with the demo credential, talking to `url`.
pub(crate) fn client(url: String) -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url))
        .build()
        .expect("client")
}

/// Sends `body` as `action`, signed with the demo credential, and returns the parsed
/// answer.
pub(crate) async fn raw_call(server: &RunningServer, action: &str, body: &str) -> Value {
    let host = server.local_addr().to_string();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let signature = Signer::new().sign(
        &demo_credential(),
        &SignableRequest {
            service: "vpc",
            host: &host,
            content_type: "application/json",
            timestamp,
            body: body.as_bytes(),
        },
    );
    let response = vpc_client::tls::http_client_builder()
        .expect("TLS is set up")
        .build()
        .expect("reqwest client")
        .post(format!("{}/", server.url()))
        .header("Content-Type", "application/json")
        .header("X-TC-Action", action)
        .header("X-TC-Version", "2017-03-12")
        .header("X-TC-Region", "ap-guangzhou")
        .header("X-TC-Timestamp", timestamp.to_string())
        .header("Authorization", signature.authorization)
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON answer")
}

/// The error code of a raw answer, if it is an error.
pub(crate) fn error_code(answer: &Value) -> Option<&str> {
    answer["Response"]["Error"]["Code"].as_str()
}

/// The shipped spec plus two actions and two objects:
///
/// - `DescribeThings` (rate limit 20): optional `Filters` (list of `ThingFilter`),
///   `Limit` (int64), `Tree` (`ThingNode`, which contains a list of `ThingNode`s); an example answering
///   `TotalCount` 1 and a `Names` list.
/// - `DeleteThing`: required `ThingId`; no example.
pub(crate) fn extended_spec() -> api_spec::ir::Service {
    let mut spec: Value = serde_json::from_str(vpc_mock::spec::VPC_SPEC_JSON).expect("JSON");
    let request_id = serde_json::json!({
        "name": "RequestId", "type": "string", "member": "string", "required": true,
        "document": "The request ID."
    });
    let objects = spec["objects"].as_object_mut().expect("objects");
    let added = serde_json::json!({
        "ThingFilter": {
            "document": "A filter.",
            "members": [
                {"name": "Name", "type": "string", "member": "string", "required": true, "document": "Name."},
                {"name": "Values", "type": "list", "member": "string", "document": "Values."}
            ]
        },
        "ThingNode": {
            "document": "A tree node.",
            "members": [
                {"name": "Id", "type": "string", "member": "string", "required": true, "document": "Id."},
                {"name": "Children", "type": "list", "member": "ThingNode", "document": "Children."}
            ]
        }
    });
    objects.extend(added.as_object().expect("objects").clone());
    spec["actions"]["DescribeThings"] = serde_json::json!({
        "document": "Lists things.",
        "status": "online",
        "rate_limit": 20,
        "retry_safe": true,
        "input": [
            {"name": "Filters", "type": "list", "member": "ThingFilter", "document": "Filters."},
            {"name": "Limit", "type": "int", "member": "int64", "document": "Limit."},
            {"name": "Tree", "type": "object", "member": "ThingNode", "document": "A tree."}
        ],
        "output": [
            {"name": "TotalCount", "type": "int", "member": "int64", "required": true, "document": "Count."},
            {"name": "Names", "type": "list", "member": "string", "required": true, "document": "Names."},
            request_id
        ],
        "errors": [],
        "examples": [{
            "title": "List things",
            "document": "Lists one thing.",
            "input": {"Limit": 1},
            "output": {"Response": {"TotalCount": 1, "Names": ["a"], "RequestId": "example-request-id"}}
        }]
    });
    spec["actions"]["DeleteThing"] = serde_json::json!({
        "document": "Deletes a thing.",
        "status": "online",
        "retry_safe": false,
        "input": [
            {"name": "ThingId", "type": "string", "member": "string", "required": true, "document": "Id."}
        ],
        "output": [request_id],
        "errors": [],
        "examples": []
    });
    api_spec::load_str(&spec.to_string(), "extended.json").expect("the extended spec is valid")
}
