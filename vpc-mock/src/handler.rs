//! The action-level interface: what a handler receives ([`Call`]), what it answers
//! (output members or an [`ApiError`]) and the [`Handler`] trait itself.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{Map, Value};

/// The future a [`Handler`] returns: the action's output members, or an error.
pub type HandlerFuture =
    Pin<Box<dyn Future<Output = Result<Map<String, Value>, ApiError>> + Send + 'static>>;

/// One authenticated, validated call of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The action name (`X-TC-Action`), known to be in the action table.
    pub action: String,
    /// The region (`X-TC-Region`), known to be an accepted region.
    pub region: String,
    /// The request body, a JSON object already checked against the action's parameters.
    pub params: Map<String, Value>,
    /// The SecretId that signed the request; empty for an unsigned one
    /// (`Authorization: SKIP`, accepted only for an action marked `skip_sign`).
    pub secret_id: String,
    /// The RequestId the answer will carry.
    pub request_id: String,
    /// `X-TC-Language`, if the client sent it.
    pub language: Option<String>,
}

/// A Tencent Cloud API error: a dotted code and a message.
///
/// Returned by handlers and injected by [`Fault::Error`](crate::Fault::Error); answered
/// as `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// The error code, e.g. `ResourceNotFound` or `UnsupportedOperation.InvalidState`.
    pub code: String,
    /// The human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with the given code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Serves the actions of the table: one implementation for all of them, dispatching on
/// [`Call::action`].
///
/// Any `Fn(Call) -> impl Future<Output = Result<Map<String, Value>, ApiError>>` closure
/// is a handler.
pub trait Handler: Send + Sync + 'static {
    /// Handles one call. The returned members become the `Response` object; a
    /// `RequestId` member, if any, is replaced by the request's own.
    fn handle(&self, call: Call) -> HandlerFuture;
}

impl<F, Fut> Handler for F
where
    F: Fn(Call) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Map<String, Value>, ApiError>> + Send + 'static,
{
    fn handle(&self, call: Call) -> HandlerFuture {
        Box::pin(self(call))
    }
}

/// The handler used when none is configured: every call succeeds with no members.
pub(crate) fn empty_output(_call: Call) -> HandlerFuture {
    Box::pin(async { Ok(Map::new()) })
}

/// Runs a handler, turning a panic (while creating or polling its future) into `None`.
pub(crate) async fn call_catching_panics(
    handler: &dyn Handler,
    call: Call,
) -> Option<Result<Map<String, Value>, ApiError>> {
    let future = catch_unwind(AssertUnwindSafe(|| handler.handle(call))).ok()?;
    CatchUnwind(future).await
}

struct CatchUnwind(HandlerFuture);

impl Future for CatchUnwind {
    type Output = Option<Result<Map<String, Value>, ApiError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.get_mut().0;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(result)) => Poll::Ready(Some(result)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(None),
        }
    }
}
