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
}

impl<E: ActionError> Error<E> {
    /// The service's code, message and RequestId, when the service answered with an error.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error.service_error()),
            _ => None,
        }
    }

    /// The RequestId of the answer, if one arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
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

    /// Whether the same request may succeed later without risk of doing its work twice:
    /// retryable service codes, connections that were never established, and gateway
    /// answers (HTTP 502, 503, 504). Timeouts are not included: whether to resend after
    /// one depends on whether the action is safe to retry.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(error) => error.service_error().is_retryable(),
            Error::Transport(error) => error.kind == TransportErrorKind::Connect,
            Error::Response(error) => matches!(error.status, 502..=504),
            Error::Credentials(_) | Error::Request(_) => false,
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
        }
    }
}

/// What went wrong on the way to or from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established: the request never left.
    Connect,
    /// The request or the answer took longer than the configured timeout.
    Timeout,
    /// The connection failed after the request may have been sent.
    Interrupted,
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
            TransportErrorKind::Timeout => "timed out talking to",
            TransportErrorKind::Interrupted => "connection failed mid-request to",
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
