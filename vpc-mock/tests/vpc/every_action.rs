//! Every action of the shipped spec round-trips between the generated client and the
//! endpoint: the actions are enumerated from the spec and matched with the generated
//! request types through `vpc::visit_actions`, so a new spec entry is covered (and a
//! generated type missing for one is caught) without a new test.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde_json::Value;
use vpc_client::{Action, ActionError, ActionVisitor, Client, Error};
use vpc_mock::{Fault, VpcState, vpc_service};

use crate::common::{client, server};

type Answer = Pin<Box<dyn Future<Output = Result<Value, String>> + Send>>;
type Failure = Pin<Box<dyn Future<Output = Option<ServiceFailure>> + Send>>;

/// What the test can do with one generated action, without naming its types.
struct Typed {
    /// The typed request parsed from JSON, serialized back.
    reserialize: fn(&Value) -> Result<Value, String>,
    /// Parses the input into the typed request, calls it and serializes the typed
    /// response.
    call: fn(Client, Value) -> Answer,
    /// Calls it and returns the typed error's (code, RequestId, Debug), if it failed
    /// with a service error.
    call_err: fn(Client, Value) -> Failure,
}

struct ServiceFailure {
    code: String,
    request_id: Option<String>,
    debug: String,
}

#[derive(Default)]
struct Collect(BTreeMap<&'static str, Typed>);

impl ActionVisitor for Collect {
    fn visit<A>(&mut self)
    where
        A: Action + DeserializeOwned + Send + 'static,
    {
        self.0.insert(
            A::NAME,
            Typed {
                reserialize: reserialize::<A>,
                call: call::<A>,
                call_err: call_err::<A>,
            },
        );
    }
}

fn reserialize<A: Action + DeserializeOwned>(input: &Value) -> Result<Value, String> {
    let request: A = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&request).map_err(|e| e.to_string())
}

fn call<A: Action + DeserializeOwned + Send + 'static>(client: Client, input: Value) -> Answer {
    Box::pin(async move {
        let request: A = serde_json::from_value(input).map_err(|e| e.to_string())?;
        let response = client.call(&request).await.map_err(|e| e.to_string())?;
        serde_json::to_value(&response).map_err(|e| e.to_string())
    })
}

fn call_err<A: Action + DeserializeOwned + Send + 'static>(
    client: Client,
    input: Value,
) -> Failure {
    Box::pin(async move {
        let request: A = serde_json::from_value(input).ok()?;
        match client.call(&request).await {
            Err(Error::Service(error)) => {
                let service_error = error.service_error();
                Some(ServiceFailure {
                    code: service_error.code.clone(),
                    request_id: service_error.request_id.clone(),
                    debug: format!("{error:?}"),
                })
            }
            _ => None,
        }
    })
}

fn generated() -> Collect {
    let mut collect = Collect::default();
    vpc_client::vpc::visit_actions(&mut collect);
    collect
}

#[test]
fn the_generated_client_has_every_spec_action() {
    let service = vpc_service().expect("the shipped spec is valid");
    let spec: Vec<&str> = service.actions.iter().map(|a| a.name.as_str()).collect();
    let generated: Vec<&str> = generated().0.keys().copied().collect();
    assert_eq!(generated, spec);
    assert_eq!(vpc_mock::VpcServiceDispatcher::<VpcState>::ACTIONS, spec);
}

#[tokio::test]
async fn every_action_round_trips_its_examples_through_the_typed_client() {
    let service = vpc_service().expect("the shipped spec is valid");
    let generated = generated();
    let mut calls = 0;
    for action in &service.actions {
        let typed = &generated.0[action.name.as_str()];
        assert!(
            !action.examples.is_empty()
                || vpc_mock::vpc::STATEFUL_ACTIONS.contains(&action.name.as_str()),
            "`{}` has neither an example nor an implementation",
            action.name
        );
        for example in &action.examples {
            // The typed request carries exactly the example's parameters.
            let wire = (typed.reserialize)(&example.input)
                .unwrap_or_else(|e| panic!("`{}` example input: {e}", action.name));
            assert_eq!(wire, example.input, "`{}` request wire format", action.name);

            let server = server(VpcState::seeded()).await;
            let answer = (typed.call)(client(server.url()), example.input.clone())
                .await
                .unwrap_or_else(|e| panic!("`{}` example `{}`: {e}", action.name, example.title));
            let expected = &example.output["Response"];
            let Value::Object(expected) = expected else {
                panic!("`{}` example output has no Response object", action.name)
            };
            for (member, value) in expected {
                if member == "RequestId" {
                    let fresh = answer["RequestId"].as_str().expect("RequestId");
                    assert_eq!(fresh.len(), 36, "a fresh UUID RequestId");
                    assert_ne!(Some(fresh), value.as_str());
                } else {
                    assert_eq!(&answer[member], value, "`{}`.{member}", action.name);
                }
            }
            server.shutdown().await;
            calls += 1;
        }
    }
    assert!(calls >= 1);
}

#[tokio::test]
async fn every_documented_error_of_every_action_decodes_to_its_own_variant() {
    let service = vpc_service().expect("the shipped spec is valid");
    let generated = generated();
    let server = server(VpcState::seeded()).await;
    let mut checked = 0;
    for action in &service.actions {
        let typed = &generated.0[action.name.as_str()];
        let input = action
            .examples
            .first()
            .map_or_else(|| Value::Object(Default::default()), |e| e.input.clone());
        for case in &action.errors {
            server
                .faults()
                .inject(&action.name, Fault::error(&case.code, "injected"), 1);
            // Retries off: a documented `InternalError.*` or `RequestLimitExceeded.*`
            // code would otherwise be retried into the success that follows it.
            let client = vpc_client::Client::builder()
                .credentials(vpc_mock::demo_credential())
                .region("ap-guangzhou")
                .endpoint(vpc_client::Endpoint::Url(server.url()))
                .retry(vpc_client::RetryPolicy::none())
                .build()
                .expect("client");
            let failure = (typed.call_err)(client, input.clone())
                .await
                .unwrap_or_else(|| panic!("`{}` {} did not fail", action.name, case.code));
            assert_eq!(failure.code, case.code);
            assert_eq!(failure.request_id.map(|id| id.len()), Some(36));
            assert!(
                !failure.debug.starts_with("Unknown("),
                "`{}` {} decoded as Unknown: {}",
                action.name,
                case.code,
                failure.debug
            );
            checked += 1;
        }
    }
    assert!(checked >= 4);
    server.shutdown().await;
}
