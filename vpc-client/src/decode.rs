//! Decoding an answer: the Tencent envelope, the typed response or the typed error, and
//! a [`ResponseError`] that keeps what a person debugging needs for everything else.
//!
//! The `Content-Type` is recorded but never decides how the body is read: an error body
//! sent as `application/json; charset=utf-8` is still an error.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::action::ActionError;
use crate::error::{Error, ResponseError, ResponseErrorKind, ServiceError};

/// The parts of an HTTP answer that decoding looks at.
#[derive(Debug, Clone, Copy)]
pub struct RawAnswer<'a> {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The complete body.
    pub body: &'a [u8],
}

/// Decodes an answer into `R`, the action's error `E`, or a [`ResponseError`]. Never panics.
pub fn decode<R: DeserializeOwned, E: ActionError>(answer: RawAnswer<'_>) -> Result<R, Error<E>> {
    let fail = |kind, request_id: Option<String>| {
        Error::Response(Box::new(response_error(answer, kind, request_id)))
    };
    let value: Value = match serde_json::from_slice(answer.body) {
        Ok(value) => value,
        Err(err) => {
            let kind = if (200..300).contains(&answer.status) {
                ResponseErrorKind::NotJson {
                    message: err.to_string(),
                }
            } else {
                ResponseErrorKind::HttpStatus
            };
            return Err(fail(kind, None));
        }
    };
    let Some(Value::Object(response)) = value.get("Response") else {
        let kind = if (200..300).contains(&answer.status) {
            ResponseErrorKind::MissingEnvelope
        } else {
            ResponseErrorKind::HttpStatus
        };
        return Err(fail(kind, None));
    };
    let request_id = response
        .get("RequestId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(error) = response.get("Error") {
        let code = error.get("Code").and_then(Value::as_str);
        let message = error.get("Message").and_then(Value::as_str);
        return match (code, message) {
            (Some(code), Some(message)) => {
                Err(Error::Service(E::from_service_error(ServiceError {
                    code: code.to_owned(),
                    message: message.to_owned(),
                    request_id,
                })))
            }
            _ => Err(fail(ResponseErrorKind::MalformedError, request_id)),
        };
    }
    if !(200..300).contains(&answer.status) {
        return Err(fail(ResponseErrorKind::HttpStatus, request_id));
    }
    let inner = value.get("Response").unwrap_or(&Value::Null);
    serde_path_to_error::deserialize(inner).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." {
            "Response".to_owned()
        } else {
            format!("Response.{path}")
        };
        fail(
            ResponseErrorKind::Mismatch {
                path,
                message: err.into_inner().to_string(),
            },
            request_id.clone(),
        )
    })
}

pub(crate) fn response_error(
    answer: RawAnswer<'_>,
    kind: ResponseErrorKind,
    request_id: Option<String>,
) -> ResponseError {
    ResponseError {
        status: answer.status,
        content_type: answer.content_type.map(str::to_owned),
        request_id,
        kind,
        body_excerpt: excerpt(answer.body),
    }
}

/// The start of a body, lossily decoded, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let limit = ResponseError::EXCERPT_BYTES;
    if body.len() <= limit {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut text = String::from_utf8_lossy(&body[..limit]).into_owned();
    // A multi-byte character cut in half decodes as U+FFFD at the end; drop it.
    if text.ends_with('\u{FFFD}') {
        text.pop();
    }
    text.push_str(&format!("… ({} more bytes)", body.len() - limit));
    text
}
