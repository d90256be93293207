//! The spec-driven side of the endpoint: the action table derived from an
//! [`api_spec::ir::Service`], and the [`ExampleHandler`] that answers with the spec's
//! worked examples.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use api_spec::ir::{Action, Service, Type};
use api_spec::validate;
use serde_json::{Map, Value};

use crate::action::{ActionInfo, ParamKind};
use crate::codes;
use crate::handler::{ApiError, Call, Handler, HandlerFuture};
use crate::idempotency::{IDEMPOTENT_PARAMETER_MISMATCH, Idempotency};
use crate::server::MockServerBuilder;

/// The shipped VPC spec (`api-spec/vpc.json`), embedded at compile time.
pub const VPC_SPEC_JSON: &str = include_str!("../../api-spec/vpc.json");

/// The origin named in errors about [`VPC_SPEC_JSON`].
pub const VPC_SPEC_ORIGIN: &str = "api-spec/vpc.json";

/// How deep object types are expanded into [`ParamKind::Object`]; below this depth, and
/// wherever an object contains itself (directly or through others), members are
/// [`ParamKind::Any`] (the rule of [`api_spec::validate`]).
pub use api_spec::validate::MAX_OBJECT_DEPTH;

/// Loads the embedded VPC spec.
///
/// The spec is checked and lowered once per process (the whole VPC API takes a while
/// to validate in a debug build) and cloned from there.
///
/// # Errors
///
/// When the embedded spec does not validate (the crate's tests make sure it does).
pub fn vpc_service() -> Result<Service, api_spec::SpecError> {
    shared_vpc_service().cloned()
}

/// The embedded VPC spec, validated once per process; what the endpoint itself uses,
/// without the copy [`vpc_service`] hands out.
pub(crate) fn shared_vpc_service() -> Result<&'static Service, api_spec::SpecError> {
    static LOADED: OnceLock<Result<Service, Vec<api_spec::Diagnostic>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(|| {
        api_spec::load_str(VPC_SPEC_JSON, VPC_SPEC_ORIGIN)
            .map_err(|error| error.diagnostics().to_vec())
    });
    match loaded {
        Ok(service) => Ok(service),
        Err(diagnostics) => Err(api_spec::SpecError::Invalid(diagnostics.clone())),
    }
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
    ActionInfo {
        name: action.name.clone(),
        rate_limit_per_second: action.rate_limit,
        params: validate::ir_params(service, &action.input),
        skip_sign: action.skip_sign,
        idempotency: idempotency(action),
    }
}

/// The action's idempotency token, by the spec's rule
/// ([`Action::client_token`](api_spec::ir::Action::client_token)), and the code a token
/// with other parameters gets: `UnsupportedOperation.IdempotentParameterMismatch` where
/// the action documents it, else the common `InvalidParameterValue` (which every
/// action's error type decodes to a typed variant, where an undocumented code would be
/// `Unknown`).
pub fn idempotency(action: &Action) -> Option<Idempotency> {
    let member = action.client_token()?;
    let documented = action
        .errors
        .iter()
        .any(|case| case.code == IDEMPOTENT_PARAMETER_MISMATCH);
    Some(Idempotency {
        member: member.wire_name.clone(),
        mismatch_code: if documented {
            IDEMPOTENT_PARAMETER_MISMATCH
        } else {
            codes::INVALID_PARAMETER_VALUE
        }
        .to_owned(),
    })
}

/// The [`ParamKind`] of a spec type, objects expanded up to [`MAX_OBJECT_DEPTH`] and
/// never through a cycle ([`api_spec::validate::ir_shape`]).
pub fn param_kind(service: &Service, ty: &Type) -> ParamKind {
    validate::ir_shape(service, ty)
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

/// Answers every action with one of its spec's worked examples: the first example whose
/// input equals the request's parameters as a JSON value (member order aside; an
/// integer is not the same number written with a fraction; an idempotency token the
/// example does not show is left out, as clients fill one in), else the first one.
///
/// The answer is the example's `Response` object without its `RequestId` (the endpoint
/// adds a fresh one). An example whose `Response` carries an `Error` is answered as that
/// error. An action without an example is answered with `UnsupportedOperation`, naming
/// the action.
#[derive(Debug, Clone)]
pub struct ExampleHandler {
    /// Per action: its idempotency token member, if any, and its examples.
    answers: Arc<HashMap<String, Examples>>,
}

/// An action's idempotency token member, if any, and its examples' inputs and answers.
type Examples = (Option<String>, Vec<(Value, Answer)>);

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
            .map(|action| {
                let token = action.client_token().map(|field| field.wire_name.clone());
                (action.name.clone(), (token, example_answers(action)))
            })
            .collect();
        Self {
            answers: Arc::new(answers),
        }
    }

    /// The answer for an action called with no particular parameters: its first
    /// example's.
    pub fn answer(&self, action: &str) -> Result<Map<String, Value>, ApiError> {
        self.answer_for(action, &Map::new())
    }

    /// The answer for an action called with `params`, as [`Handler::handle`] gives it:
    /// the example whose input equals `params`, else the first example.
    pub fn answer_for(
        &self,
        action: &str,
        params: &Map<String, Value>,
    ) -> Result<Map<String, Value>, ApiError> {
        match self.answers.get(action) {
            Some((token, answers)) => {
                let matching = answers
                    .iter()
                    .find(|(input, _)| shows(input, params, token.as_deref()))
                    .or_else(|| answers.first());
                match matching {
                    Some((_, answer)) => answer.clone(),
                    None => Err(no_example(action)),
                }
            }
            None => Err(ApiError::new(
                crate::codes::INVALID_ACTION,
                format!("The action `{action}` is not in the spec this endpoint serves."),
            )),
        }
    }
}

impl Handler for ExampleHandler {
    fn handle(&self, call: Call) -> HandlerFuture {
        let answer = self.answer_for(&call.action, &call.params);
        Box::pin(async move { answer })
    }
}

/// Whether an example's `input` shows `params`: equal, or equal but for the token
/// member `token` that the request has and the example does not.
fn shows(input: &Value, params: &Map<String, Value>, token: Option<&str>) -> bool {
    let Some(input) = input.as_object() else {
        return false;
    };
    if input == params {
        return true;
    }
    token.is_some_and(|member| {
        !input.contains_key(member)
            && params.contains_key(member)
            && input.len() + 1 == params.len()
            && input
                .iter()
                .all(|(key, value)| params.get(key) == Some(value))
    })
}

fn no_example(action: &str) -> ApiError {
    ApiError::new(
        NO_EXAMPLE_CODE,
        format!(
            "the local endpoint has no implementation and the spec has no example for action `{action}`"
        ),
    )
}

fn example_answers(action: &Action) -> Vec<(Value, Answer)> {
    action
        .examples
        .iter()
        .map(|example| (example.input.clone(), example_answer(action, example)))
        .collect()
}

fn example_answer(action: &Action, example: &api_spec::ir::Example) -> Answer {
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
