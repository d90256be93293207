//! The glue between the generic [`Handler`] core and a generated typed service trait
//! (such as [`VpcService`](crate::VpcService)): decode a call's parameters into the
//! typed request, encode a typed answer into output members or an [`ApiError`].
//!
//! Generated dispatchers call [`request`] and [`answer`]; a hand-written typed handler
//! may use them too.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use vpc_client::{ActionError, ServiceError};

use crate::handler::{ApiError, Call, Handler};

/// Why a typed service method did not answer with its response.
///
/// `?` turns the action's typed error into a `Refusal` (`From<E>`), so a method body can
/// return `Err(MyActionError::UnsupportedOperationInvalidState(..))?` (or
/// `Err(MyActionError::Common(CommonError::ResourceNotFound(..)))?`) or propagate one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal<E> {
    /// Answer the action's typed error in the error envelope.
    Error(E),
    /// The service does not implement the action: the dispatcher's fallback handler
    /// answers instead (the spec's example, for the local endpoint).
    NotImplemented,
}

impl<E> From<E> for Refusal<E> {
    fn from(error: E) -> Self {
        Self::Error(error)
    }
}

/// What a typed service method answers: the typed response, or why not.
pub type Reply<R, E> = Result<R, Refusal<E>>;

/// The default body of every generated service method: [`Refusal::NotImplemented`],
/// so the dispatcher's fallback answers.
pub fn not_implemented<Q, R, E>(call: &Call, request: Q) -> std::future::Ready<Reply<R, E>> {
    let _ = (call, request);
    std::future::ready(Err(Refusal::NotImplemented))
}

/// Builds the typed error `E` for a code and message, as the service answers it for
/// `call`: the code picks the variant (an unknown code lands in `E`'s fallback variant)
/// and the call's RequestId is kept.
pub fn error<E: ActionError>(call: &Call, error: ApiError) -> E {
    E::from_service_error(ServiceError {
        code: error.code,
        message: error.message,
        request_id: Some(call.request_id.clone()),
    })
}

/// The typed request of a call, from its parameters.
///
/// The server has already checked the parameters against the action's table (required
/// members, types, unknown members), so this fails only where the table and the typed
/// request disagree, for example a number out of the integer type's range.
///
/// # Errors
///
/// `InvalidParameter`, with serde's explanation (it names the member).
pub fn request<T: DeserializeOwned>(call: &Call) -> Result<T, ApiError> {
    let params = Value::Object(call.params.clone());
    serde_path_to_error::deserialize(params).map_err(|error| {
        let path = error.path().to_string();
        ApiError::new(
            crate::codes::INVALID_PARAMETER,
            format!("The parameter `{path}` is invalid: {}.", error.into_inner()),
        )
    })
}

/// Encodes a typed method's outcome: the response's members (its `RequestId` is
/// replaced by the call's), the typed error's code and message, or, for
/// [`Refusal::NotImplemented`], whatever `fallback` answers for the call.
///
/// # Errors
///
/// The typed error as an [`ApiError`], the fallback's error, or `InternalError` when the
/// response does not serialize to a JSON object (a generator bug).
pub async fn answer<R: Serialize, E: ActionError>(
    outcome: Result<R, Refusal<E>>,
    call: Call,
    fallback: &dyn Handler,
) -> Result<Map<String, Value>, ApiError> {
    match outcome {
        Ok(response) => members(&response),
        Err(Refusal::Error(error)) => {
            let error = error.service_error();
            Err(ApiError::new(error.code.clone(), error.message.clone()))
        }
        Err(Refusal::NotImplemented) => fallback.handle(call).await,
    }
}

/// The output members of a typed response.
fn members<T: Serialize>(response: &T) -> Result<Map<String, Value>, ApiError> {
    match serde_json::to_value(response) {
        Ok(Value::Object(members)) => Ok(members),
        Ok(_) => Err(ApiError::new(
            crate::codes::INTERNAL_ERROR,
            "An internal error occurred: the typed response is not a JSON object.",
        )),
        Err(error) => Err(ApiError::new(
            crate::codes::INTERNAL_ERROR,
            format!("An internal error occurred: the typed response does not serialize: {error}."),
        )),
    }
}
