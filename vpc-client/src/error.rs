//! Errors of a call: the service's own answer ([`ServiceError`], wrapped in the action's
//! typed enum), and everything that kept a typed answer from arriving.

use std::fmt;

use crate::action::ActionError;
use crate::credentials::CredentialsError;

/// An error the service answered with: `{"Response": {"Error": {...}, "RequestId": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The dotted code, for example `UnsupportedOperation.VpnConnInvalidState`.
    pub code: String,
    /// The service's message, verbatim.
    pub message: String,
    /// The RequestId, which Tencent support asks for; `None` only if the server omitted it.
    pub request_id: Option<String>,
}

impl ServiceError {
    /// The code's category, the part before the first dot (`UnsupportedOperation`).
    pub fn category(&self) -> &str {
        self.code.split('.').next().unwrap_or(&self.code)
    }

    /// `RequestLimitExceeded` or one of its sub-codes: the caller is being throttled.
    /// (`LimitExceeded` is a quota, not throttling.)
    pub fn is_throttling(&self) -> bool {
        self.category() == "RequestLimitExceeded"
    }

    /// An `AuthFailure.*` code: credentials, signature, clock or token are wrong.
    pub fn is_auth_failure(&self) -> bool {
        self.category() == "AuthFailure"
    }

    /// Whether sending the same request again later may succeed: throttling, and the
    /// server-side failures `InternalError` and `ServiceUnavailable`.
    pub fn is_retryable(&self) -> bool {
        self.is_throttling() || matches!(self.category(), "InternalError" | "ServiceUnavailable")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        match &self.request_id {
            Some(id) => write!(f, " (RequestId: {id})"),
            None => write!(f, " (no RequestId)"),
        }
    }
}

impl std::error::Error for ServiceError {}

/// Why a call failed. `E` is the action's typed error enum.
///
/// A definitive failure (a documented error code, a malformed answer, a timeout of an
/// action that is not safe to retry, ...) comes back as it is, in the variant that
/// describes it, even if retried failures came before it: matching
/// `Error::Service(ResetVpnConnectionError::Common(CommonError::ResourceNotFound(_)))`
/// never depends on what happened earlier in the call. The one rule for [`Error::Exhausted`]: the client
/// stopped because of one of its own limits, the retry policy's attempts (for a
/// failure it would otherwise have retried) or the call's deadline (whatever the
/// attempt was doing when it came, or when the next rate-limit slot lies past it). It
/// says how many attempts were made and holds the last attempt's error; the
/// classification methods ([`is_throttling`](Self::is_throttling),
/// [`service`](Self::service), ...) look through it. With
/// [`RetryPolicy::none`](crate::RetryPolicy::none) there is no attempt limit to reach:
/// a retryable failure comes back unwrapped (the deadline still wraps).
///
/// [`attempts`](Self::attempts) is exact for [`Error::Exhausted`]; an unwrapped error
/// reports 1 even when retried failures came before it (the call's `vpc_client.call`
/// tracing span records the exact count).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The service answered with an error code.
    Service(E),
    /// No credentials could be found.
    Credentials(CredentialsError),
    /// The request could not be sent or its answer not received.
    Transport(TransportError),
    /// An answer arrived but is not a Tencent Cloud API answer of the expected shape.
    Response(Box<ResponseError>),
    /// The request could not be built (bad endpoint URL, unserializable request).
    Request(String),
    /// The client stopped retrying: the attempts ran out, or the call's deadline would
    /// pass before the next one. Holds the last attempt's error.
    Exhausted(Box<Exhausted<E>>),
}

/// A retryable failure the client gave up on (see [`Error::Exhausted`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct Exhausted<E> {
    /// Requests made in the call, the failed ones included (0 when the call's deadline
    /// came before the first one could be sent).
    pub attempts: u32,
    /// Why the client stopped.
    pub reason: StopReason,
    /// The last attempt's error; never itself [`Error::Exhausted`].
    pub last: Error<E>,
}

/// Why a client stopped retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The retry policy's maximum number of attempts was reached.
    MaxAttempts,
    /// The call's deadline passed, or would pass before the next attempt could start.
    Deadline,
}

impl<E> Error<E> {
    /// How many requests the call made: [`Exhausted::attempts`] for an error the client
    /// gave up retrying, otherwise 1. (A definitive error that followed retried failures
    /// is returned unwrapped and reports 1; the call's tracing span records the full
    /// count.)
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Exhausted(exhausted) => exhausted.attempts,
            _ => 1,
        }
    }

    /// Whether the client stopped because the call's deadline came.
    pub fn is_deadline_exhausted(&self) -> bool {
        matches!(self, Error::Exhausted(e) if e.reason == StopReason::Deadline)
    }

    /// The last attempt's error: the error inside [`Error::Exhausted`], or `self`.
    pub fn last_attempt(&self) -> &Self {
        match self {
            Error::Exhausted(exhausted) => &exhausted.last,
            other => other,
        }
    }

    /// Takes the last attempt's error out of [`Error::Exhausted`], or returns `self`.
    pub fn into_last_attempt(self) -> Self {
        match self {
            Error::Exhausted(exhausted) => exhausted.last,
            other => other,
        }
    }

    /// The action's typed error, when the (last) answer was a service error.
    pub fn service(&self) -> Option<&E> {
        match self.last_attempt() {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// A short, fixed description of the kind of failure, for logs and metrics:
    /// `service`, `credentials`, `transport.connect`, `transport.certificate`,
    /// `transport.timeout`,
    /// `transport.interrupted`, `transport.rate_limited`, `response.<kind>` or `request`.
    pub fn kind_name(&self) -> &'static str {
        match self.last_attempt() {
            Error::Service(_) => "service",
            Error::Credentials(_) => "credentials",
            Error::Transport(error) => match error.kind {
                TransportErrorKind::Connect => "transport.connect",
                TransportErrorKind::Certificate => "transport.certificate",
                TransportErrorKind::Timeout => "transport.timeout",
                TransportErrorKind::Interrupted => "transport.interrupted",
                TransportErrorKind::RateLimited => "transport.rate_limited",
            },
            Error::Response(error) => match error.kind {
                ResponseErrorKind::NotJson { .. } => "response.not_json",
                ResponseErrorKind::MissingEnvelope => "response.missing_envelope",
                ResponseErrorKind::MalformedError => "response.malformed_error",
                ResponseErrorKind::HttpStatus => "response.http_status",
                ResponseErrorKind::Mismatch { .. } => "response.mismatch",
                ResponseErrorKind::TooLarge { .. } => "response.too_large",
            },
            Error::Request(_) => "request",
            Error::Exhausted(_) => "exhausted",
        }
    }
}

impl<E: ActionError> Error<E> {
    /// The service's code, message and RequestId, when the service answered with an error.
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.service().map(ActionError::service_error)
    }

    /// The service's common code behind the (last) answer, if it was one: the action's
    /// `Common` variant (`vpc::CommonError`), the same for every action.
    pub fn common(&self) -> Option<&E::CommonError> {
        self.service().and_then(ActionError::common)
    }

    /// The RequestId of the answer, if one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self.last_attempt() {
            Error::Service(error) => error.service_error().request_id.as_deref(),
            Error::Response(error) => error.request_id.as_deref(),
            _ => None,
        }
    }

    /// Throttled by the service.
    pub fn is_throttling(&self) -> bool {
        self.service_error()
            .is_some_and(ServiceError::is_throttling)
    }

    /// Rejected for credentials, signature, clock or token.
    pub fn is_auth_failure(&self) -> bool {
        self.service_error()
            .is_some_and(ServiceError::is_auth_failure)
    }

    /// Whether the same request may succeed if sent again: the throttling,
    /// `InternalError` and `ServiceUnavailable` codes, connections that were never
    /// established (or requests the client-side rate limiter held back), and gateway
    /// answers (HTTP 502, 503, 504). This is what the client retries for every action,
    /// as Tencent documents these answers as transient; note that after an
    /// `InternalError` or a 502/504 the service may have done part of the work.
    /// Timeouts and connections lost mid-request are not included: whether to resend
    /// after one depends on whether the action is safe to retry. For
    /// [`Error::Exhausted`], the last attempt's.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(error) => error.service_error().is_retryable(),
            Error::Transport(error) => matches!(
                error.kind,
                TransportErrorKind::Connect | TransportErrorKind::RateLimited
            ),
            Error::Response(error) => matches!(error.status, 502..=504),
            Error::Credentials(_) | Error::Request(_) => false,
            Error::Exhausted(exhausted) => exhausted.last.is_retryable(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(error) => error.fmt(f),
            Error::Credentials(error) => write!(f, "cannot get credentials: {error}"),
            Error::Transport(error) => error.fmt(f),
            Error::Response(error) => error.fmt(f),
            Error::Request(message) => write!(f, "cannot build the request: {message}"),
            Error::Exhausted(exhausted) => exhausted.fmt(f),
        }
    }
}

impl<E: fmt::Display> fmt::Display for Exhausted<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempts = match self.attempts {
            1 => "1 attempt".to_owned(),
            n => format!("{n} attempts"),
        };
        match self.reason {
            StopReason::MaxAttempts => write!(f, "{} (gave up after {attempts})", self.last),
            StopReason::Deadline => write!(
                f,
                "{} (gave up after {attempts}: the call's deadline came)",
                self.last
            ),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Service(error) => Some(error),
            Error::Credentials(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::Response(error) => Some(&**error),
            Error::Request(_) => None,
            // The message already shows the last error: go on with its cause.
            Error::Exhausted(exhausted) => exhausted.last.source(),
        }
    }
}

/// What went wrong on the way to or from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established: the request never left.
    Connect,
    /// The TLS handshake failed because the client refused the server's certificate
    /// (an issuer it does not trust, another host's name, expired, ...): the request
    /// never left. Not retried: the next handshake would fail the same way. A private
    /// CA's root can be trusted with
    /// [`ClientBuilder::add_root_certificates_pem`](crate::ClientBuilder::add_root_certificates_pem).
    Certificate,
    /// The request or the answer took longer than the configured timeout.
    Timeout,
    /// The connection failed after the request may have been sent.
    Interrupted,
    /// The client-side rate limiter had no slot for the request before the call's
    /// deadline: it was never sent.
    RateLimited,
}

/// The request could not be sent or the answer not received.
#[derive(Debug)]
pub struct TransportError {
    /// What kind of failure it was.
    pub kind: TransportErrorKind,
    /// The URL the request went to.
    pub url: String,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportErrorKind,
        url: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            url: url.into(),
            source: source.into(),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "cannot connect to",
            TransportErrorKind::Certificate => "TLS certificate refused: cannot connect to",
            TransportErrorKind::Timeout => "timed out talking to",
            TransportErrorKind::Interrupted => "connection failed mid-request to",
            TransportErrorKind::RateLimited => "held back by the client-side rate limit for",
        };
        // Walk the source chain so the root cause (refused, reset, ...) is visible.
        write!(f, "{what} {}: {}", self.url, self.source)?;
        let mut cause = self.source.source();
        while let Some(inner) = cause {
            write!(f, ": {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// An answer that is not a well-formed Tencent Cloud API answer of the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The RequestId, if the body carried one.
    pub request_id: Option<String>,
    /// What is wrong with it.
    pub kind: ResponseErrorKind,
    /// The start of the body (at most [`ResponseError::EXCERPT_BYTES`] bytes, lossily
    /// decoded), with a note of how much was cut.
    pub body_excerpt: String,
}

impl ResponseError {
    /// How much of the body an error keeps.
    pub const EXCERPT_BYTES: usize = 512;
}

/// The ways an answer can be malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseErrorKind {
    /// The body is not JSON.
    NotJson {
        /// serde_json's description, with line and column.
        message: String,
    },
    /// The body is JSON but has no `Response` object.
    MissingEnvelope,
    /// `Response.Error` is present but has no string `Code` or `Message`.
    MalformedError,
    /// The status is not a success and the body is no Tencent error.
    HttpStatus,
    /// `Response` does not match the expected type.
    Mismatch {
        /// The JSON path where decoding failed, for example `Response.RequestId`.
        path: String,
        /// What did not match.
        message: String,
    },
    /// The body is larger than the client accepts.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected answer (HTTP {}", self.status)?;
        if let Some(content_type) = &self.content_type {
            write!(f, ", {content_type}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, ", RequestId {id}")?;
        }
        write!(f, "): ")?;
        match &self.kind {
            ResponseErrorKind::NotJson { message } => write!(f, "not JSON ({message})")?,
            ResponseErrorKind::MissingEnvelope => write!(f, "no `Response` object")?,
            ResponseErrorKind::MalformedError => {
                write!(f, "`Response.Error` lacks a string `Code` or `Message`")?
            }
            ResponseErrorKind::HttpStatus => write!(f, "HTTP error without a Tencent error body")?,
            ResponseErrorKind::Mismatch { path, message } => {
                write!(f, "`{path}` does not match the expected type: {message}")?
            }
            ResponseErrorKind::TooLarge { limit } => {
                write!(f, "body larger than the {limit}-byte limit")?
            }
        }
        write!(f, "; body: {}", self.body_excerpt)
    }
}

impl std::error::Error for ResponseError {}
