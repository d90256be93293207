//! The untyped call: an action named at run time with a JSON body, for actions the spec
//! does not have yet (Tencent adds actions between releases), like the Go SDK's
//! `CommonClient`. Same signing, rate limiter, retry loop and error decoding as a typed
//! call; only what is safe without knowing the action is retried.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde_json::Value;

use crate::action::ActionError;
use crate::client::{Client, Operation, Target};
use crate::decode::{RawAnswer, decode};
use crate::error::{Error, ServiceError};
use crate::vpc::CommonError;

/// A call of any action of any service, named at run time, with a JSON body: for an
/// action the generated client does not have yet. Sent by [`Client::call_untyped`].
///
/// The body is serialized once, when the request is made. Nothing is known about the
/// action, so the client does not pace it unless given a [rate](Self::rate_limit), and
/// does not resend it after a timeout or a lost connection unless told it is
/// [safe](Self::retry_safe); it does retry what is safe for every action (a connection
/// not established, throttling, `InternalError`, `ServiceUnavailable`, HTTP 502/503/504)
/// and re-signs once after `AuthFailure.SignatureExpire`.
///
/// ```
/// use serde_json::json;
/// use vpc_client::UntypedRequest;
///
/// let request = UntypedRequest::new(
///     "vpc",
///     "2017-03-12",
///     "DescribeVpcs",
///     &json!({"Limit": "20"}),
/// )?
/// .rate_limit(100)
/// .retry_safe(true);
/// assert_eq!(request.action(), "DescribeVpcs");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct UntypedRequest {
    service: String,
    version: String,
    action: String,
    default_host: String,
    body: Bytes,
    rate_limit: Option<u32>,
    retry_safe: bool,
    skip_sign: bool,
}

impl fmt::Debug for UntypedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is left out: it is the caller's data, not the call's identity.
        f.debug_struct("UntypedRequest")
            .field("service", &self.service)
            .field("version", &self.version)
            .field("action", &self.action)
            .field("default_host", &self.default_host)
            .field("body_bytes", &self.body.len())
            .field("rate_limit", &self.rate_limit)
            .field("retry_safe", &self.retry_safe)
            .field("skip_sign", &self.skip_sign)
            .finish()
    }
}

impl UntypedRequest {
    /// A call of `action` of `service` (`vpc`, also the credential scope's service) at
    /// API `version` (`2017-03-12`) with `body` (the request's members; a JSON object).
    /// Its host, unless the client's [`Endpoint`](crate::Endpoint) says otherwise, is
    /// `<service>.tencentcloudapi.com` ([`default_host`](Self::default_host) changes
    /// it). Not paced, not resent after a timeout.
    ///
    /// # Errors
    ///
    /// When `body` cannot be serialized (a map with non-text keys).
    pub fn new(
        service: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
        body: &impl serde::Serialize,
    ) -> Result<Self, serde_json::Error> {
        let body = serde_json::to_vec(body)?;
        Ok(Self::from_bytes(service, version, action, body))
    }

    /// [`new`](Self::new) with a body already serialized: these bytes are signed and
    /// sent as they are.
    pub fn from_bytes(
        service: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        let service = service.into();
        Self {
            default_host: format!("{service}.tencentcloudapi.com"),
            service,
            version: version.into(),
            action: action.into(),
            body: body.into(),
            rate_limit: None,
            retry_safe: false,
            skip_sign: false,
        }
    }

    /// The host used when the client's endpoint is [`Endpoint::Default`](crate::Endpoint::Default)
    /// (`vpc.intl.tencentcloudapi.com` for the international site).
    #[must_use]
    pub fn default_host(mut self, host: impl Into<String>) -> Self {
        self.default_host = host.into();
        self
    }

    /// The action's documented rate, in requests per second: the client paces the
    /// action's calls as it paces a generated action's, by its
    /// [`RateLimitPolicy`](crate::RateLimitPolicy) (which may also name the action).
    #[must_use]
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Whether a request that may have reached the service may be sent again after a
    /// timeout or a lost connection: say `true` only for an action that reads, or that
    /// carries its own idempotency token (`ClientToken`). Default: `false`.
    #[must_use]
    pub fn retry_safe(mut self, safe: bool) -> Self {
        self.retry_safe = safe;
        self
    }

    /// Sends the call unsigned (`Authorization: SKIP`, no credentials asked for), as
    /// the official SDKs' `SkipSign` option does: only for an action the service
    /// accepts so (STS `AssumeRoleWithWebIdentity`). Default: `false`, signed.
    #[must_use]
    pub fn skip_sign(mut self, skip: bool) -> Self {
        self.skip_sign = skip;
        self
    }

    /// The service's name.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The API version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The action's name.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The body as it is sent.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// The error of an [untyped call](Client::call_untyped): one of the codes common to
/// every action of Tencent Cloud (the same table for every service, [`CommonError`]),
/// or any other code, kept as it came.
///
/// It is an [`ActionError`], so [`Error::service_error`], [`Error::common`],
/// [`Error::is_throttling`] and [`Error::is_retryable`] work as for a typed call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UntypedError {
    /// A code common to every action ([`CommonError`]).
    Common(CommonError),
    /// Any other code: the action's own; code, message and RequestId are kept.
    Unknown(ServiceError),
}

impl fmt::Display for UntypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.service_error(), f)
    }
}

impl std::error::Error for UntypedError {}

impl ActionError for UntypedError {
    type CommonError = CommonError;

    fn from_service_error(error: ServiceError) -> Self {
        match CommonError::from_service_error(error) {
            Ok(common) => Self::Common(common),
            Err(error) => Self::Unknown(error),
        }
    }

    fn service_error(&self) -> &ServiceError {
        match self {
            Self::Common(common) => common.service_error(),
            Self::Unknown(error) => error,
        }
    }

    fn common(&self) -> Option<&CommonError> {
        match self {
            Self::Common(common) => Some(common),
            Self::Unknown(_) => None,
        }
    }
}

impl Operation for UntypedRequest {
    type Response = Value;
    type Error = UntypedError;

    fn name(&self) -> &str {
        &self.action
    }

    fn service(&self) -> &str {
        &self.service
    }

    fn limiter_key(&self) -> (Cow<'static, str>, Cow<'static, str>) {
        (
            Cow::Owned(self.service.clone()),
            Cow::Owned(self.action.clone()),
        )
    }

    fn rate_limit(&self) -> Option<u32> {
        self.rate_limit
    }

    fn retry_safe(&self) -> bool {
        self.retry_safe
    }

    fn skip_sign(&self) -> bool {
        self.skip_sign
    }

    fn action_header(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&self.action).ok()
    }

    fn version_header(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&self.version).ok()
    }

    fn prepare(&self, client: &Client) -> Result<(Bytes, Arc<Target>), Error<UntypedError>> {
        let target = client
            .resolve_target(&self.service, &self.default_host)
            .map_err(Error::Request)?;
        Ok((self.body.clone(), Arc::new(target)))
    }

    fn decode(&self, answer: RawAnswer<'_>) -> Result<Value, Error<UntypedError>> {
        decode::<Value, UntypedError>(answer)
    }
}

impl Client {
    /// Calls an action by name with a JSON body ([`UntypedRequest`]) and returns the
    /// answer's `Response` object as JSON (its `RequestId` included), or the same
    /// [`Error`] kinds a typed call returns, with an [`UntypedError`] for a service
    /// error (code, message and RequestId kept).
    ///
    /// Signed, paced, retried and traced like [`call`](Self::call) (one
    /// `vpc_client.call` span), through the same loop.
    ///
    /// ```no_run
    /// # async fn demo(client: vpc_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use serde_json::json;
    /// use vpc_client::vpc::CommonError;
    /// use vpc_client::{Error, UntypedRequest};
    ///
    /// let request = UntypedRequest::new(
    ///     "vpc",
    ///     "2017-03-12",
    ///     "DescribeVpcs",
    ///     &json!({"VpcIds": ["vpc-2at5y1pn"]}),
    /// )?
    /// .retry_safe(true);
    /// match client.call_untyped(&request).await {
    ///     Ok(response) => println!("{} VPCs", response["TotalCount"]),
    ///     Err(error) if matches!(error.common(), Some(CommonError::ResourceNotFound(_))) => {
    ///         println!("not found: {error}");
    ///     }
    ///     Err(error) => return Err(error.into()),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn call_untyped(
        &self,
        request: &UntypedRequest,
    ) -> Result<Value, Error<UntypedError>> {
        self.run(request).await
    }
}
