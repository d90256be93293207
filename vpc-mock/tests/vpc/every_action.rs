//! Every action of the shipped spec round-trips between the generated client and the
//! endpoint, over Tencent's own examples: the actions are enumerated from the spec and
//! matched with the generated request types through `vpc::visit_actions`, so a new spec
//! entry is covered (and a generated type missing for one is caught) without a new test.
//!
//! The example outputs are Tencent's, verbatim: they drift from the description (members
//! missing, `null`, scalars as text), and each one must still decode into its typed
//! response and match it under the lenient rule (`vpc_client::lenient`).
//!
//! The emulated actions (`vpc_mock::emulator::emulated_actions`) answer from their
//! state, not from their examples, so the example round trip runs against an endpoint
//! without the emulator (`MockServer::vpc_examples`): every action's examples keep the
//! exact guarantee. Against the emulated endpoint, each emulated action's examples must
//! still be answered with a response the typed client decodes or with a code the action
//! documents (or a common one).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use api_spec::ir::{Field, Service, Type};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use vpc_client::{Action, ActionError, ActionVisitor, Client, CommonErrors, Error};
use vpc_mock::{Fault, VpcState, vpc_service};

use crate::common::{client, server};

type Answer = Pin<Box<dyn Future<Output = Result<Value, Failure>> + Send>>;

/// What the test can do with one generated action, without naming its types.
struct Typed {
    /// The typed request parsed from JSON, serialized back.
    reserialize: fn(&Value) -> Result<Value, String>,
    /// Parses the input into the typed request, calls it and serializes the typed
    /// response.
    call: fn(Client, Value) -> Answer,
}

/// Why a typed call did not produce a response.
#[derive(Debug)]
enum Failure {
    /// The input does not parse into the typed request.
    Input(#[allow(dead_code)] String), // shown by `Debug` in failure messages
    /// A service error: code, RequestId, the typed error's `Debug`, and the code of its
    /// `Common` variant where it decoded to that.
    Service {
        code: String,
        request_id: Option<String>,
        debug: String,
        common: Option<String>,
    },
    /// Any other error, displayed.
    Other(#[allow(dead_code)] String), // shown by `Debug` in failure messages
}

#[derive(Default)]
struct Collect(BTreeMap<&'static str, Typed>);

impl ActionVisitor for Collect {
    fn visit<A>(&mut self)
    where
        A: Action + DeserializeOwned + Send + 'static,
        A::Response: serde::Serialize,
    {
        self.0.insert(
            A::NAME,
            Typed {
                reserialize: reserialize::<A>,
                call: call::<A>,
            },
        );
    }
}

fn reserialize<A: Action + DeserializeOwned>(input: &Value) -> Result<Value, String> {
    let request: A = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&request).map_err(|e| e.to_string())
}

fn call<A>(client: Client, input: Value) -> Answer
where
    A: Action + DeserializeOwned + Send + 'static,
    A::Response: serde::Serialize,
{
    Box::pin(async move {
        let request: A =
            serde_json::from_value(input).map_err(|e| Failure::Input(e.to_string()))?;
        match client.call(&request).await {
            Ok(response) => {
                serde_json::to_value(&response).map_err(|e| Failure::Other(e.to_string()))
            }
            Err(Error::Service(error)) => {
                let service_error = error.service_error();
                Err(Failure::Service {
                    code: service_error.code.clone(),
                    request_id: service_error.request_id.clone(),
                    debug: format!("{error:?}"),
                    common: error
                        .common()
                        .map(|common| common.service_error().code.clone()),
                })
            }
            Err(other) => Err(Failure::Other(other.to_string())),
        }
    })
}

fn generated() -> Collect {
    let mut collect = Collect::default();
    vpc_client::vpc::visit_actions(&mut collect);
    collect
}

/// A client with retries off: an injected `InternalError.*` or `RequestLimitExceeded.*`
/// would otherwise be retried into the success that follows it.
fn no_retry_client(url: String) -> Client {
    Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(vpc_client::Endpoint::Url(url))
        .retry(vpc_client::RetryPolicy::none())
        .rate_limit(vpc_client::RateLimitPolicy::none())
        .build()
        .expect("client")
}

#[test]
fn the_generated_client_has_every_spec_action() {
    let service = vpc_service().expect("the shipped spec is valid");
    let spec: Vec<&str> = service.actions.iter().map(|a| a.name.as_str()).collect();
    let generated: Vec<&str> = generated().0.keys().copied().collect();
    assert_eq!(generated, spec);
    assert_eq!(vpc_mock::VpcServiceDispatcher::<VpcState>::ACTIONS, spec);
    assert_eq!(
        spec.len(),
        448,
        "the whole VPC API 2017-03-12 (the China site's, which has every international action)"
    );
}

#[tokio::test]
async fn every_action_is_served_and_every_example_round_trips_through_the_typed_client() {
    let service = vpc_service().expect("the shipped spec is valid");
    let generated = generated();
    let server = examples_server().await;
    let mut examples = 0;
    let mut without_example = Vec::new();
    for action in &service.actions {
        let typed = &generated.0[action.name.as_str()];
        if action.examples.is_empty() {
            // Served all the same: the endpoint says it has nothing to answer with.
            let input = minimal_input(&service, &action.input);
            let failure = (typed.call)(no_retry_client(server.url()), input)
                .await
                .expect_err("no example, no implementation");
            let Failure::Service { code, .. } = &failure else {
                panic!("`{}` without an example: {failure:?}", action.name)
            };
            if !vpc_mock::vpc::STATEFUL_ACTIONS.contains(&action.name.as_str()) {
                assert_eq!(code, vpc_mock::spec::NO_EXAMPLE_CODE, "`{}`", action.name);
            }
            without_example.push(action.name.as_str());
            continue;
        }
        for example in &action.examples {
            let context = format!("`{}` example `{}`", action.name, example.title);
            // The typed request carries exactly the example's parameters.
            let wire = (typed.reserialize)(&example.input)
                .unwrap_or_else(|e| panic!("{context} input: {e}"));
            assert_eq!(wire, example.input, "{context}: request wire format");

            if vpc_mock::vpc::STATEFUL_ACTIONS.contains(&action.name.as_str()) {
                // Stateful actions answer from their state, on a fresh seed.
                let fresh = server_for_stateful().await;
                (typed.call)(client(fresh.url()), example.input.clone())
                    .await
                    .unwrap_or_else(|e| panic!("{context}: {e:?}"));
                fresh.shutdown().await;
                examples += 1;
                continue;
            }
            // Two examples with the same input (some actions have them) are answered
            // with the first of them.
            let answered = action
                .examples
                .iter()
                .find(|other| other.input == example.input)
                .unwrap_or(example);
            let expected = &answered.output["Response"];
            match (typed.call)(no_retry_client(server.url()), example.input.clone()).await {
                Ok(answer) => {
                    let fresh = answer["RequestId"].as_str().expect("RequestId");
                    assert_eq!(fresh.len(), 36, "{context}: a fresh UUID RequestId");
                    let mut checked = 0;
                    compare_members(
                        &service,
                        &action.output,
                        expected,
                        &answer,
                        "",
                        &mut checked,
                    )
                    .unwrap_or_else(|e| panic!("{context}: {e}"));
                }
                // An example that documents an error answers it, typed.
                Err(Failure::Service { code, .. }) if expected.get("Error").is_some() => {
                    assert_eq!(Some(code.as_str()), expected["Error"]["Code"].as_str());
                }
                Err(failure) => panic!("{context}: {failure:?}"),
            }
            examples += 1;
        }
    }
    server.shutdown().await;
    println!(
        "{} actions served, {examples} examples round-tripped, {} actions without an example: {}",
        service.actions.len(),
        without_example.len(),
        without_example.join(", ")
    );
    assert!(examples >= 650, "only {examples} examples round-tripped");
}

async fn server_for_stateful() -> vpc_mock::RunningServer {
    server(VpcState::seeded()).await
}

/// The endpoint without the emulator: every action but `ResetVpnConnection` answers its
/// example.
async fn examples_server() -> vpc_mock::RunningServer {
    vpc_mock::MockServer::vpc_examples(VpcState::seeded())
        .expect("the shipped spec loads")
        .credential(vpc_mock::demo_credential())
        .start()
        .await
        .expect("start")
}

#[tokio::test]
async fn the_emulated_actions_answer_their_examples_with_a_decoded_response_or_a_documented_code() {
    let service = vpc_service().expect("the shipped spec is valid");
    let generated = generated();
    let server = server(VpcState::seeded()).await;
    let (mut answered, mut refused) = (0, 0);
    for name in vpc_mock::emulator::emulated_actions() {
        let action = service
            .action(name)
            .expect("an emulated action is in the spec");
        let typed = &generated.0[name];
        for example in &action.examples {
            match (typed.call)(no_retry_client(server.url()), example.input.clone()).await {
                Ok(answer) => {
                    assert!(answer["RequestId"].is_string(), "`{name}`: {answer}");
                    answered += 1;
                }
                Err(Failure::Service { code, .. }) => {
                    assert!(
                        action.errors.iter().any(|e| e.code == code) || service.is_common(&code),
                        "`{name}` example `{}` answered `{code}`, which it does not document",
                        example.title
                    );
                    refused += 1;
                }
                Err(failure) => panic!("`{name}` example `{}`: {failure:?}", example.title),
            }
        }
    }
    server.shutdown().await;
    println!("emulated actions' examples: {answered} answered, {refused} refused");
    assert!(answered > 0 && answered + refused >= 10);
}

/// Compares the members `fields` declares: the typed answer (`actual`, as the client
/// serialized it) against the example (`expected`, verbatim), value by value under the
/// lenient rule. Members the description does not declare are ignored, as the client
/// ignores them.
fn compare_members(
    service: &Service,
    fields: &[Field],
    expected: &Value,
    actual: &Value,
    path: &str,
    checked: &mut usize,
) -> Result<(), String> {
    for field in fields {
        if field.is_request_id() {
            continue;
        }
        let at = format!("{path}/{}", field.wire_name);
        let want = expected.get(&field.wire_name).unwrap_or(&Value::Null);
        let got = actual.get(&field.wire_name).unwrap_or(&Value::Null);
        compare_value(
            service,
            &field.ty,
            !field.is_optional(),
            want,
            got,
            &at,
            checked,
        )?;
    }
    Ok(())
}

fn compare_value(
    service: &Service,
    ty: &Type,
    required: bool,
    want: &Value,
    got: &Value,
    at: &str,
    checked: &mut usize,
) -> Result<(), String> {
    *checked += 1;
    if want.is_null() {
        // Missing or null: `None`, or the type's default for a required field.
        return if got.is_null() || required {
            Ok(())
        } else {
            Err(format!(
                "{at}: the example has nothing, the typed answer has {got}"
            ))
        };
    }
    match ty {
        Type::List(element) => {
            let (Some(want), Some(got)) = (want.as_array(), got.as_array()) else {
                return Err(format!("{at}: expected lists, got {want} and {got}"));
            };
            if want.len() != got.len() {
                return Err(format!("{at}: {} items, typed {}", want.len(), got.len()));
            }
            for (index, (w, g)) in want.iter().zip(got).enumerate() {
                compare_value(
                    service,
                    element,
                    true,
                    w,
                    g,
                    &format!("{at}/{index}"),
                    checked,
                )?;
            }
            Ok(())
        }
        Type::Object(name, _) => {
            let object = service.object(name).expect("validated reference");
            compare_members(service, &object.fields, want, got, at, checked)
        }
        scalar => match lenient_scalar(scalar, want) {
            // Text the type cannot hold (a placeholder such as "xx") is absent.
            Some(Value::Null) if got.is_null() || required => Ok(()),
            Some(decoded) if decoded == *got => Ok(()),
            _ => Err(format!(
                "{at}: the example says {want}, the typed answer {got}"
            )),
        },
    }
}

/// What a scalar of the example decodes to under the lenient rule, as JSON: `Null`
/// for text the type cannot hold, `None` for a value the rule rejects.
fn lenient_scalar(ty: &Type, value: &Value) -> Option<Value> {
    let text = value.as_str().map(str::trim);
    if let Some(text) = text {
        let integral = || {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
        };
        let holds = match ty {
            Type::Int64 => text.parse::<i64>().is_ok() || integral().is_some(),
            Type::UInt64 => text.parse::<u64>().is_ok() || integral().is_some_and(|f| f >= 0.0),
            Type::Float => text.parse::<f64>().is_ok_and(f64::is_finite),
            Type::Bool => {
                text.eq_ignore_ascii_case("true")
                    || text.eq_ignore_ascii_case("false")
                    || text == "1"
                    || text == "0"
            }
            _ => true,
        };
        if !holds {
            return Some(Value::Null);
        }
        #[allow(clippy::cast_possible_truncation)] // integral and small, checked above
        let as_integer = |f: f64| f as i64;
        match ty {
            Type::Int64 if text.parse::<i64>().is_err() => {
                return integral().map(|f| Value::from(as_integer(f)));
            }
            Type::UInt64 if text.parse::<u64>().is_err() => {
                return integral().map(|f| Value::from(as_integer(f)));
            }
            Type::Bool if text == "1" || text == "0" => return Some(Value::Bool(text == "1")),
            _ => {}
        }
    }
    Some(match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => match value {
            Value::String(s) => Value::String(s.clone()),
            Value::Number(n) => Value::String(n.to_string()),
            Value::Bool(b) => Value::String(b.to_string()),
            _ => return None,
        },
        Type::Int64 => match text {
            Some(t) => Value::from(t.parse::<i64>().ok()?),
            None => Value::from(value.as_i64().or_else(|| integral(value))?),
        },
        Type::UInt64 => match text {
            Some(t) => Value::from(t.parse::<u64>().ok()?),
            None => Value::from(
                value
                    .as_u64()
                    .or_else(|| integral(value).and_then(|i| u64::try_from(i).ok()))?,
            ),
        },
        Type::Float => Value::from(match text {
            Some(t) => t.parse::<f64>().ok()?,
            None => value.as_f64()?,
        }),
        Type::Bool => Value::Bool(match (value, text) {
            (Value::Bool(b), _) => *b,
            (_, Some(t)) if t.eq_ignore_ascii_case("true") => true,
            (_, Some(t)) if t.eq_ignore_ascii_case("false") => false,
            (Value::Number(n), _) if n.as_u64() == Some(0) => false,
            (Value::Number(n), _) if n.as_u64() == Some(1) => true,
            _ => return None,
        }),
        Type::List(_) | Type::Object(..) => return None,
    })
}

fn integral(value: &Value) -> Option<i64> {
    let float = value.as_f64()?;
    #[allow(clippy::cast_possible_truncation)] // checked integral just before
    (float.fract() == 0.0).then_some(float as i64)
}

/// A request with every required member and nothing else: empty text, zero, `false`,
/// an empty list, an object of its own required members. Requests decode strictly, so
/// `{}` would not do for an action with required members.
fn minimal_input(service: &Service, fields: &[Field]) -> Value {
    let mut members = Map::new();
    for field in fields.iter().filter(|field| !field.is_optional()) {
        members.insert(field.wire_name.clone(), minimal_value(service, &field.ty));
    }
    Value::Object(members)
}

fn minimal_value(service: &Service, ty: &Type) -> Value {
    match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => Value::from(""),
        Type::Int64 | Type::UInt64 => Value::from(0),
        Type::Float => Value::from(0.0),
        Type::Bool => Value::Bool(false),
        Type::List(_) => Value::Array(Vec::new()),
        Type::Object(name, _) => {
            let object = service.object(name).expect("validated reference");
            minimal_input(service, &object.fields)
        }
    }
}

/// Every code an action documents decodes to its variant: the action's own for a code
/// that is not common, the shared `Common(CommonError::..)` for a common one (the same
/// for every action); never `Unknown`.
#[tokio::test]
async fn every_documented_error_of_every_action_decodes_to_its_variant() {
    let service = vpc_service().expect("the shipped spec is valid");
    let generated = generated();
    let server = server(VpcState::seeded()).await;
    // One client for all 3,738 calls: building one per call (its TLS configuration
    // included) was most of this test's time.
    let client = no_retry_client(server.url());
    let (mut own, mut common) = (0, 0);
    for action in &service.actions {
        let typed = &generated.0[action.name.as_str()];
        let input = action.examples.first().map_or_else(
            || minimal_input(&service, &action.input),
            |e| e.input.clone(),
        );
        for case in &action.errors {
            server
                .faults()
                .inject(&action.name, Fault::error(&case.code, "injected"), 1);
            let failure = (typed.call)(client.clone(), input.clone())
                .await
                .expect_err("the injected error");
            let Failure::Service {
                code,
                request_id,
                debug,
                common: common_code,
            } = failure
            else {
                panic!("`{}` {}: {failure:?}", action.name, case.code)
            };
            assert_eq!(code, case.code);
            assert_eq!(request_id.map(|id| id.len()), Some(36));
            let (expected, expected_common) = if service.is_common(&case.code) {
                common += 1;
                (
                    format!("Common({}(", case.variant),
                    Some(case.code.as_str()),
                )
            } else {
                own += 1;
                (format!("{}(", case.variant), None)
            };
            assert!(
                debug.starts_with(&expected),
                "`{}` {} decoded as another variant than `{expected}..`: {debug}",
                action.name,
                case.code,
            );
            assert_eq!(
                common_code.as_deref(),
                expected_common,
                "`{}` {}: the common variant",
                action.name,
                case.code
            );
        }
    }
    println!(
        "{own} documented error codes decoded to their actions' own variants, {common} \
         documented common codes to `Common`"
    );
    assert!(
        own >= 1500,
        "only {own} documented codes of actions' own checked"
    );
    assert!(
        common >= 500,
        "only {common} documented common codes checked"
    );
    server.shutdown().await;
}
