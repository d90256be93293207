//! The spec-driven side of the endpoint: the action table derived from an
//! [`api_spec::ir::Service`], and the [`ExampleHandler`] that answers with the spec's
//! worked examples.

use std::collections::HashMap;
use std::sync::Arc;

use api_spec::ir::{Action, Field, Service, Type};
use serde_json::{Map, Value};

use crate::action::{ActionInfo, ParamInfo, ParamKind};
use crate::handler::{ApiError, Call, Handler, HandlerFuture};
use crate::server::MockServerBuilder;

/// The shipped VPC spec (`api-spec/vpc.json`), embedded at compile time.
pub const VPC_SPEC_JSON: &str = include_str!("../../api-spec/vpc.json");

/// The origin named in errors about [`VPC_SPEC_JSON`].
pub const VPC_SPEC_ORIGIN: &str = "api-spec/vpc.json";

/// How deep object types are expanded into [`ParamKind::Object`]; below this depth, and
/// wherever an object contains itself (directly or through others), members are
/// [`ParamKind::Any`].
pub const MAX_OBJECT_DEPTH: usize = 8;

/// Loads the embedded VPC spec.
///
/// # Errors
///
/// When the embedded spec does not validate (the crate's tests make sure it does).
pub fn vpc_service() -> Result<Service, api_spec::SpecError> {
    api_spec::load_str(VPC_SPEC_JSON, VPC_SPEC_ORIGIN)
}

/// The action table of a service: one [`ActionInfo`] per action, in the spec's order.
pub fn actions_from_service(service: &Service) -> Vec<ActionInfo> {
    service
        .actions
        .iter()
        .map(|action| action_info(service, action))
        .collect()
}

/// The [`ActionInfo`] of one action: its name, documented rate limit and input members,
/// object types resolved through [`Service::object`].
pub fn action_info(service: &Service, action: &Action) -> ActionInfo {
    let mut stack = Vec::new();
    ActionInfo {
        name: action.name.clone(),
        rate_limit_per_second: action.rate_limit,
        params: params_of(service, &action.input, &mut stack),
    }
}

/// The [`ParamKind`] of a spec type, objects expanded up to [`MAX_OBJECT_DEPTH`] and
/// never through a cycle.
pub fn param_kind(service: &Service, ty: &Type) -> ParamKind {
    kind_of(service, ty, &mut Vec::new())
}

fn params_of<'a>(
    service: &'a Service,
    fields: &'a [Field],
    stack: &mut Vec<&'a str>,
) -> Vec<ParamInfo> {
    fields
        .iter()
        .map(|field| ParamInfo {
            name: field.wire_name.clone(),
            required: field.required,
            kind: kind_of(service, &field.ty, stack),
        })
        .collect()
}

/// `stack` holds the objects being expanded, outermost first.
fn kind_of<'a>(service: &'a Service, ty: &'a Type, stack: &mut Vec<&'a str>) -> ParamKind {
    match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => ParamKind::String,
        Type::Int64 | Type::UInt64 => ParamKind::Integer,
        Type::Float => ParamKind::Float,
        Type::Bool => ParamKind::Bool,
        Type::List(element) => ParamKind::list(kind_of(service, element, stack)),
        Type::Object(name, _) => {
            if stack.len() >= MAX_OBJECT_DEPTH || stack.contains(&name.as_str()) {
                return ParamKind::Any;
            }
            let Some(object) = service.object(name) else {
                // A validated IR resolves every reference; accept anything otherwise.
                return ParamKind::Any;
            };
            stack.push(&object.name);
            let members = params_of(service, &object.fields, stack);
            stack.pop();
            ParamKind::Object(members)
        }
    }
}

impl MockServerBuilder {
    /// Serves the spec's service: sets the signing service name and the API version
    /// from it and adds its action table ([`actions_from_service`]).
    ///
    /// The handler is not changed; see [`ExampleHandler`] and
    /// [`VpcHandler`](crate::vpc::VpcHandler).
    #[must_use]
    pub fn spec(self, service: &Service) -> Self {
        self.service(service.name.clone())
            .version(service.version.clone())
            .actions(actions_from_service(service))
    }
}

/// Answers every action with its spec's first worked example.
///
/// The answer is the example's `Response` object without its `RequestId` (the endpoint
/// adds a fresh one). An example whose `Response` carries an `Error` is answered as that
/// error. An action without an example is answered with `UnsupportedOperation`, naming
/// the action.
#[derive(Debug, Clone)]
pub struct ExampleHandler {
    answers: Arc<HashMap<String, Answer>>,
}

/// What a handler answers: output members or an error.
type Answer = Result<Map<String, Value>, ApiError>;

/// The code answered for an action that has neither an implementation nor an example.
pub const NO_EXAMPLE_CODE: &str = "UnsupportedOperation";

impl ExampleHandler {
    /// Prepares the answers of every action of the service.
    pub fn new(service: &Service) -> Self {
        let answers = service
            .actions
            .iter()
            .map(|action| (action.name.clone(), example_answer(action)))
            .collect();
        Self {
            answers: Arc::new(answers),
        }
    }

    /// The answer for an action, as [`Handler::handle`] gives it.
    pub fn answer(&self, action: &str) -> Result<Map<String, Value>, ApiError> {
        match self.answers.get(action) {
            Some(answer) => answer.clone(),
            None => Err(ApiError::new(
                crate::codes::INVALID_ACTION,
                format!("The action `{action}` is not in the spec this endpoint serves."),
            )),
        }
    }
}

impl Handler for ExampleHandler {
    fn handle(&self, call: Call) -> HandlerFuture {
        let answer = self.answer(&call.action);
        Box::pin(async move { answer })
    }
}

fn example_answer(action: &Action) -> Answer {
    let Some(example) = action.examples.first() else {
        return Err(ApiError::new(
            NO_EXAMPLE_CODE,
            format!(
                "the local endpoint has no implementation and the spec has no example for action `{}`",
                action.name
            ),
        ));
    };
    let Some(Value::Object(response)) = example.output.get("Response") else {
        return Err(ApiError::new(
            NO_EXAMPLE_CODE,
            format!(
                "the local endpoint has no implementation and the example `{}` of action `{}` has no `Response` object",
                example.title, action.name
            ),
        ));
    };
    if let Some(error) = response.get("Error") {
        let text = |key: &str| {
            error
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        return Err(ApiError::new(text("Code"), text("Message")));
    }
    let mut members = response.clone();
    members.remove("RequestId");
    Ok(members)
}
