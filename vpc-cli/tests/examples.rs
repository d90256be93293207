//! Every published example runs through the CLI: each example request of every action
//! of both specs (`api-spec/vpc.json` and `api-spec/sts.json`), sent by `tcvpc` to a
//! local endpoint that answers every action with its published examples (the examples
//! handler alone, so `ResetVpnConnection` answers its example too), prints the example's
//! answer:
//!
//! - under the client's decoding rule: the printed JSON and the example's answer,
//!   each decoded by `vpc_client::decode` into the action's generated response type and
//!   serialized again, are the same text;
//! - as tccli prints it: every object of the printed JSON has exactly the members its
//!   type declares, in the spec's order (`null` where the example has none), read from
//!   the spec, not from the CLI's tables.

mod support;

use std::collections::BTreeMap;

use api_spec::ir::{Field, Service, Type};
use serde_json::Value;
use support::{DEMO_ENV, fresh_home, stderr, stdout, tcvpc};
use vpc_client::{Action, ActionVisitor, RawAnswer};
use vpc_mock::{ExampleHandler, MockServer, ServiceMount, actions_from_service};

/// One action's answer decoded by the client's rule and serialized again.
type Decode = fn(&Value) -> Result<String, String>;

#[derive(Default)]
struct Decoders(BTreeMap<&'static str, Decode>);

impl ActionVisitor for Decoders {
    fn visit<A>(&mut self)
    where
        A: Action + serde::de::DeserializeOwned + Send + 'static,
        A::Response: serde::Serialize,
    {
        self.0.insert(A::NAME, decode_as::<A>);
    }
}

/// `answer` (a `Response` object) decoded as the client decodes a body off the wire,
/// with its RequestId set aside (the endpoint answers a fresh one).
fn decode_as<A: Action>(answer: &Value) -> Result<String, String>
where
    A::Response: serde::Serialize,
{
    let mut answer = answer.clone();
    if let Some(map) = answer.as_object_mut() {
        map.insert("RequestId".to_owned(), Value::from("<RequestId>"));
    }
    let body = serde_json::json!({ "Response": answer }).to_string();
    let decoded = vpc_client::decode::<A::Response, A::Error>(RawAnswer {
        status: 200,
        content_type: Some("application/json"),
        body: body.as_bytes(),
    })
    .map_err(|error| error.to_string())?;
    serde_json::to_string(&decoded).map_err(|error| error.to_string())
}

/// The members of every object of `value` (of type `ty`) against the spec: each
/// declared member, in order, and nothing else.
fn check_order(service: &Service, fields: &[Field], value: &Value, at: &str) -> Result<(), String> {
    let Some(map) = value.as_object() else {
        return Err(format!("{at}: not an object: {value}"));
    };
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let declared: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    if keys != declared {
        return Err(format!(
            "{at}: members {keys:?}, the spec declares {declared:?}"
        ));
    }
    for field in fields {
        check_value(
            service,
            &field.ty,
            &map[&field.wire_name],
            &format!("{at}/{}", field.wire_name),
        )?;
    }
    Ok(())
}

fn check_value(service: &Service, ty: &Type, value: &Value, at: &str) -> Result<(), String> {
    match (ty, value) {
        (Type::Object(name, _), Value::Object(_)) => {
            let object = service
                .object(name)
                .ok_or_else(|| format!("{at}: no object {name}"))?;
            check_order(service, &object.fields, value, at)
        }
        (Type::List(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                check_value(service, inner, item, &format!("{at}/{index}"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn load(name: &str) -> Service {
    let path = format!("{}/../api-spec/{name}", env!("CARGO_MANIFEST_DIR"));
    api_spec::load_file(std::path::Path::new(&path)).expect("the spec")
}

/// What one service's examples did: how many ran, and what failed.
fn run_service(
    spec: &Service,
    decoders: &Decoders,
    url: &str,
    home: &std::path::Path,
) -> (usize, Vec<String>) {
    let (mut ran, mut failures) = (0, Vec::new());
    for action in &spec.actions {
        let decode = decoders
            .0
            .get(action.name.as_str())
            .unwrap_or_else(|| panic!("the client has no {}", action.name));
        for (index, example) in action.examples.iter().enumerate() {
            let input = home.join(format!("{}-{}-{index}.json", spec.name, action.name));
            // The examples of one action may share a ClientToken with different members,
            // which the endpoint refuses as a reused token: leave it to the endpoint.
            let mut body = example.input.clone();
            if let Some(map) = body.as_object_mut() {
                map.remove("ClientToken");
            }
            std::fs::write(&input, body.to_string()).expect("write");
            let arg = format!("file://{}", input.display());
            let output = tcvpc(
                home,
                &[
                    &spec.name,
                    &action.name,
                    "--cli-input-json",
                    &arg,
                    "--endpoint",
                    url,
                ],
                DEMO_ENV,
            );
            ran += 1;
            let label = format!("{} {} #{index}", spec.name, action.name);
            if output.status.code() != Some(0) {
                failures.push(format!(
                    "{label}: exit {:?}: {}",
                    output.status.code(),
                    stderr(&output)
                ));
                continue;
            }
            let Ok(printed) = serde_json::from_str::<Value>(&stdout(&output)) else {
                failures.push(format!("{label}: not JSON: {}", stdout(&output)));
                continue;
            };
            if let Err(error) = check_order(spec, &action.output, &printed, "") {
                failures.push(format!("{label}: {error}"));
                continue;
            }
            let got = match decode(&printed) {
                Ok(text) => text,
                Err(error) => {
                    failures.push(format!(
                        "{label}: the printed answer does not decode: {error}"
                    ));
                    continue;
                }
            };
            // The endpoint answers with the example whose request is closest to the one
            // sent: the printed answer must decode as one of the action's examples does.
            let matches = action.examples.iter().any(|candidate| {
                let answer = candidate
                    .output
                    .get("Response")
                    .unwrap_or(&candidate.output);
                decode(answer).is_ok_and(|want| want == got)
            });
            if !matches {
                failures.push(format!(
                    "{label}: printed\n{printed}\nwhich decodes as no example's answer"
                ));
            }
        }
    }
    (ran, failures)
}

#[test]
fn every_published_example_of_both_specs_runs_through_the_cli() {
    let vpc = load("vpc.json");
    let sts = load("sts.json");
    let mut decoders = Decoders::default();
    vpc_client::vpc::visit_actions(&mut decoders);
    vpc_client::sts::visit_actions(&mut decoders);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let sts_mount = ServiceMount::new(
        sts.name.clone(),
        sts.version.clone(),
        ExampleHandler::new(&sts),
    )
    .actions(actions_from_service(&sts));
    let server = rt
        .block_on(
            MockServer::builder()
                .spec(&vpc)
                .handler(ExampleHandler::new(&vpc))
                .also_serve(sts_mount)
                .credential(vpc_mock::demo_credential())
                .without_rate_limits()
                .start(),
        )
        .expect("the examples endpoint starts");
    let home = fresh_home();
    let url = server.url();
    let (vpc_ran, mut failures) = run_service(&vpc, &decoders, &url, &home);
    let (sts_ran, sts_failures) = run_service(&sts, &decoders, &url, &home);
    failures.extend(sts_failures);
    println!("examples run through tcvpc: vpc {vpc_ran}, sts {sts_ran}");
    assert!(vpc_ran > 400, "only {vpc_ran} VPC examples ran");
    assert!(
        sts_ran >= sts.actions.len(),
        "only {sts_ran} STS examples ran"
    );
    assert!(
        vpc.actions
            .iter()
            .any(|a| a.name == "ResetVpnConnection" && !a.examples.is_empty()),
        "ResetVpnConnection's example is among them"
    );
    let ran = vpc_ran + sts_ran;
    assert!(
        failures.is_empty(),
        "{} of {ran} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
