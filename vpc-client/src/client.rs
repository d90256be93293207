//! The client: configuration, and one call from serialized request to decoded answer:
//! paced by the rate limiter, signed, sent, retried as the [`RetryPolicy`] allows within
//! the call's deadline, re-signed once with the server's clock after
//! `AuthFailure.SignatureExpire`, and traced.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use tracing::Instrument;

use crate::action::{Action, ActionError, ServiceInfo};
use crate::build_error::BuildError;
use crate::clock::parse_http_date;
use crate::credentials::{Credential, CredentialsError, DefaultChain, ProvideCredentials};
use crate::decode::{RawAnswer, decode, response_error};
use crate::error::{
    Error, Exhausted, ResponseErrorKind, StopReason, TransportError, TransportErrorKind,
};
use crate::http::{HttpOptions, without_userinfo};
use crate::rate_limit::{RateLimitPolicy, RateLimiter, Slot};
use crate::retry::{Jitter, RetryPolicy, new_client_token, retry_reason};
use crate::signing::{SignableRequest, Signer};

/// The `Content-Type` every request is sent and signed with.
pub const CONTENT_TYPE: &str = "application/json";

/// The `X-TC-RequestClient` value: this crate and its version.
pub const REQUEST_CLIENT: &str = concat!("vpc-client-rs/", env!("CARGO_PKG_VERSION"));

/// Environment variable read for the default region.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";

// Header names and fixed values, built at compile time (no parsing or copy per call).
const X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
const X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
const X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
const X_TC_REQUEST_CLIENT: HeaderName = HeaderName::from_static("x-tc-requestclient");
const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");
const X_TC_LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
const CONTENT_TYPE_VALUE: HeaderValue = HeaderValue::from_static(CONTENT_TYPE);
const REQUEST_CLIENT_VALUE: HeaderValue = HeaderValue::from_static(REQUEST_CLIENT);
/// The `Authorization` of an unsigned action ([`Action::SKIP_SIGN`]).
const SKIP_AUTHORIZATION: HeaderValue = HeaderValue::from_static("SKIP");

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Endpoint {
    /// The spec's default host for the action's service (the international site for VPC).
    #[default]
    Default,
    /// The China site: `https://<service>.tencentcloudapi.com`.
    China,
    /// The regional host: `https://<service>.<region>.tencentcloudapi.com`.
    Regional,
    /// Any base URL, such as `http://127.0.0.1:18080` for a local endpoint.
    Url(String),
}

/// The language of the service's messages (`X-TC-Language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Simplified Chinese, `zh-CN`.
    ZhCn,
    /// English, `en-US`.
    EnUs,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

/// A Tencent Cloud API client. Cheap to clone: clones share one connection pool, one
/// credentials provider, one signing-key cache, one set of rate-limit buckets and one
/// clock-skew correction.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Arc<dyn ProvideCredentials>,
    region: String,
    /// `region` as a header value, built once.
    region_header: HeaderValue,
    endpoint: Endpoint,
    /// The last service's resolved endpoint (a client usually serves one service), so
    /// that a call does not format and parse the URL again.
    target: OnceLock<(ServiceInfo, Arc<Target>)>,
    language: Option<Language>,
    signer: Signer,
    max_response_bytes: usize,
    /// reqwest's timeout for one request (its own timer; the call's deadline shortens
    /// it for an attempt that would otherwise outlast the deadline).
    timeout: Duration,
    /// Set on every request when the HTTP client is the caller's own (whose own
    /// timeout is unknown): `timeout`.
    request_timeout: Option<Duration>,
    /// Where the HTTP client comes from, with the explicit proxy (without user name
    /// and password), for `Debug`.
    http_description: String,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    rate_limiter: RateLimiter,
    /// The fleet-wide limiter, when one is configured: it replaces `rate_limiter`.
    #[cfg(feature = "redis")]
    shared_limiter: Option<crate::shared_limit::SharedLimiter>,
    clock_skew_correction: bool,
    /// Seconds to add to the local clock when signing, learnt from the server's `Date`.
    clock_offset: AtomicI64,
    jitter: Jitter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("Client");
        f.field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("language", &self.inner.language)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("deadline", &self.inner.deadline)
            .field("rate_limit", self.inner.rate_limiter.policy());
        #[cfg(feature = "redis")]
        f.field(
            "shared_rate_limit",
            &self
                .inner
                .shared_limiter
                .as_ref()
                .map(crate::shared_limit::SharedLimiter::config),
        );
        f.field("clock_offset_seconds", &self.clock_offset())
            .field("http", &self.inner.http_description)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Endpoint,
    language: Option<Language>,
    http: HttpOptions,
    timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    rate_limit: RateLimitPolicy,
    #[cfg(feature = "redis")]
    shared_rate_limit: Option<crate::SharedRateLimit>,
    clock_skew_correction: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut f = f.debug_struct("ClientBuilder");
        f.field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("http", &self.http)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .field("rate_limit", &self.rate_limit);
        #[cfg(feature = "redis")]
        f.field("shared_rate_limit", &self.shared_rate_limit);
        f.field("clock_skew_correction", &self.clock_skew_correction)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            region: None,
            endpoint: Endpoint::Default,
            language: None,
            http: HttpOptions::default(),
            timeout: Duration::from_secs(60),
            max_response_bytes: 32 * 1024 * 1024,
            retry: RetryPolicy::default(),
            deadline: Some(Self::DEFAULT_DEADLINE),
            rate_limit: RateLimitPolicy::default(),
            #[cfg(feature = "redis")]
            shared_rate_limit: None,
            clock_skew_correction: true,
        }
    }
}

impl ClientBuilder {
    /// How long one call may take by default, all attempts and backoff included.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

    /// Where credentials come from. Default: [`DefaultChain`] (environment, then profile
    /// file, then the CVM instance role).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// The region (`X-TC-Region`). Default: `TENCENTCLOUD_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Where requests go. Default: the spec's default host.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }

    /// The language of the service's messages. Default: the service's own default.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// How long establishing a connection may take. Default: 10 s. Not with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = Some(timeout);
        self
    }

    /// How long one request may take, from sending to the last byte of the answer.
    /// Default: 60 s. With [`http_client`](Self::http_client), it is set on each
    /// request and replaces that client's own timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest answer body accepted. Default: 32 MiB.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How calls are retried. Default: [`RetryPolicy::default`] (5 attempts, backoff
    /// from 200 ms doubling up to 5 s, half of it random); [`RetryPolicy::none`] turns
    /// retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long one call may take in all: every attempt, every backoff and every wait
    /// for the rate limiter. A backoff that would end past it is not started: the call
    /// fails at once with [`Error::Exhausted`]. `None` for no deadline (each attempt is
    /// still bounded by [`timeout`](Self::timeout)). Default:
    /// [`DEFAULT_DEADLINE`](Self::DEFAULT_DEADLINE), 120 s.
    pub fn deadline(mut self, deadline: impl Into<Option<Duration>>) -> Self {
        self.deadline = deadline.into();
        self
    }

    /// How calls are paced per action. Default: [`RateLimitPolicy::from_spec`], the
    /// spec's documented rate with room for one call; [`RateLimitPolicy::none`] turns
    /// pacing off.
    pub fn rate_limit(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limit = policy;
        self
    }

    /// Paces calls fleet-wide: every process with the same keys reserves its slots in
    /// one Redis server, at the rates of [`rate_limit`](Self::rate_limit)'s policy (see
    /// [`shared_limit`](crate::shared_limit)). Feature `redis`.
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit(mut self, shared: crate::SharedRateLimit) -> Self {
        self.shared_rate_limit = Some(shared);
        self
    }

    /// Whether an `AuthFailure.SignatureExpire` answer makes the client read the
    /// server's `Date` header, remember the difference to the local clock (for this
    /// client and its clones) and send the request once more, signed with the
    /// corrected time. The service refused such a request before doing anything, so
    /// resending it is safe for every action. Default: on.
    pub fn clock_skew_correction(mut self, enabled: bool) -> Self {
        self.clock_skew_correction = enabled;
        self
    }

    /// Trusts the certificates of a PEM text (one or many `BEGIN CERTIFICATE`
    /// sections; other sections are skipped) as root certificates, in addition to the
    /// platform's trust store: for a private endpoint or a TLS-intercepting corporate
    /// proxy with its own CA. May be called more than once. A PEM without a
    /// certificate, or with one that does not parse, makes [`build`](Self::build) fail
    /// with [`BuildError::InvalidRootCertificate`]. Not with
    /// [`http_client`](Self::http_client).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let ca = std::fs::read("corporate-ca.pem")?;
    /// let client = vpc_client::Client::builder()
    ///     .region("ap-guangzhou")
    ///     .add_root_certificates_pem(&ca)
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.add_root_certificates_pem(pem.as_ref());
        self
    }

    /// Sends every request through this proxy: `http://host:port` (or `https://`), with
    /// `user:password@` for a proxy that asks for them (sent as
    /// `Proxy-Authorization: Basic`; never shown by `Debug`, errors or traces). HTTPS
    /// requests go through an HTTP `CONNECT` tunnel, plain HTTP ones are forwarded.
    ///
    /// Without it, reqwest's environment variables apply: `HTTPS_PROXY`, `HTTP_PROXY`
    /// and `ALL_PROXY` (or their lowercase forms), with `NO_PROXY` for the hosts to
    /// reach directly. With it, they are not read at all (`NO_PROXY` included). A URL
    /// that does not parse, or another scheme, makes [`build`](Self::build) fail with
    /// [`BuildError::InvalidProxy`]. Not with [`http_client`](Self::http_client).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = vpc_client::Client::builder()
    ///     .region("ap-guangzhou")
    ///     .proxy("http://user:password@proxy.internal:3128")
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http.proxy = Some(url.into());
        self
    }

    /// Sends with this `reqwest::Client`, used as it is, for anything the builder does
    /// not offer (client certificates, DNS overrides, default headers, pool settings).
    ///
    /// The crate then sets up none of these, which are the given client's to have:
    /// - TLS: the crypto provider, the platform verifier and extra roots (start from
    ///   [`tls::http_client_builder`](crate::tls::http_client_builder) to get the
    ///   crate's own setup; with this crate's features, a bare
    ///   `reqwest::Client::new()` panics for want of a crypto provider);
    /// - the connect timeout;
    /// - proxies: reqwest's environment proxies apply if that client reads them (its
    ///   default);
    /// - the `User-Agent` (the `X-TC-RequestClient` header is still sent).
    ///
    /// What stays the crate's: signing, headers, the endpoint, retries, the call's
    /// deadline, the rate limiter, decoding, and the per-request timeout:
    /// [`timeout`](Self::timeout) (default 60 s), set on each request and so replacing
    /// the given client's own, shortened to what is left of the call's deadline.
    ///
    /// [`connect_timeout`](Self::connect_timeout), [`proxy`](Self::proxy) and
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem) cannot be applied
    /// to a client that exists already: combined with this, [`build`](Self::build)
    /// fails with [`BuildError::ConflictsWithHttpClient`] naming the option.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let http = vpc_client::tls::http_client_builder()?
    ///     .pool_max_idle_per_host(4)
    ///     .build()?;
    /// let client = vpc_client::Client::builder()
    ///     .region("ap-guangzhou")
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http.own = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let region = match self.region {
            Some(region) => region,
            None => std::env::var(ENV_REGION)
                .ok()
                .filter(|r| !r.is_empty())
                .ok_or(BuildError::NoRegion)?,
        };
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(BuildError::InvalidRegion(region));
        }
        if let Endpoint::Url(url) = &self.endpoint {
            parse_base_url(url)?;
        }
        let region_header = HeaderValue::from_str(&region)
            .map_err(|_| BuildError::InvalidRegion(region.clone()))?;
        let http = self.http.build(self.timeout, REQUEST_CLIENT)?;
        let http_description = match (&http.proxy, http.own) {
            (_, true) => "the caller's own reqwest::Client".to_owned(),
            (Some(proxy), false) => format!("built by vpc-client, proxy {proxy}"),
            (None, false) => "built by vpc-client".to_owned(),
        };
        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => Arc::new(DefaultChain::new()),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http: http.client,
                credentials,
                region,
                region_header,
                endpoint: self.endpoint,
                target: OnceLock::new(),
                language: self.language,
                signer: Signer::new(),
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                request_timeout: http.own.then_some(self.timeout),
                http_description,
                retry: self.retry,
                deadline: self.deadline,
                #[cfg(feature = "redis")]
                shared_limiter: self.shared_rate_limit.map(|shared| {
                    crate::shared_limit::SharedLimiter::new(shared, self.rate_limit.clone())
                }),
                rate_limiter: RateLimiter::new(self.rate_limit),
                clock_skew_correction: self.clock_skew_correction,
                clock_offset: AtomicI64::new(0),
                jitter: Jitter::new(),
            }),
        })
    }
}

fn parse_base_url(url: &str) -> Result<reqwest::Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidEndpoint {
        url: without_userinfo(url),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Never echo the password back: it would end up in logs.
        let mut redacted = parsed.clone();
        let _ = redacted.set_username("");
        let _ = redacted.set_password(None);
        return Err(BuildError::InvalidEndpoint {
            url: redacted.to_string(),
            reason: "the URL must not carry a user name or password (requests are \
                     authenticated by their signature)"
                .to_owned(),
        });
    }
    Ok(parsed)
}

/// Where one request goes: its URL and the `Host` header it is sent and signed with.
pub(crate) struct Target {
    url: reqwest::Url,
    host: String,
    host_header: HeaderValue,
}

impl Client {
    /// A builder with defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The region requests are sent for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The per-call deadline, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.inner.deadline
    }

    /// The rate-limit policy.
    pub fn rate_limit_policy(&self) -> &RateLimitPolicy {
        self.inner.rate_limiter.policy()
    }

    /// How the shared limiter paced this client's calls so far (`None` without one).
    /// Feature `redis`.
    #[cfg(feature = "redis")]
    pub fn shared_rate_limit_stats(&self) -> Option<crate::SharedRateLimitStats> {
        self.inner
            .shared_limiter
            .as_ref()
            .map(crate::shared_limit::SharedLimiter::stats)
    }

    /// A number in `0.0..1.0` from the client's jitter source (waiters' delays).
    pub(crate) fn jitter_unit(&self) -> f64 {
        self.inner.jitter.next_unit()
    }

    /// Seconds added to the local clock when signing: 0 until a server answered
    /// `AuthFailure.SignatureExpire` with a `Date` header, then the difference between
    /// its clock and ours.
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// The endpoint for `service`: the cached one when it was resolved for the same
    /// service, else resolved now (and cached if nothing was yet).
    fn target(&self, service: &ServiceInfo) -> Result<Arc<Target>, String> {
        if let Some((resolved_for, target)) = self.inner.target.get()
            && resolved_for == service
        {
            return Ok(Arc::clone(target));
        }
        let target = Arc::new(self.resolve_target(service.name, service.default_host)?);
        let _ = self.inner.target.set((*service, Arc::clone(&target)));
        Ok(target)
    }

    /// The endpoint for the service `name`, whose host is `default_host` unless the
    /// client says otherwise.
    pub(crate) fn resolve_target(&self, name: &str, default_host: &str) -> Result<Target, String> {
        let url = match &self.inner.endpoint {
            Endpoint::Default => format!("https://{default_host}/"),
            Endpoint::China => format!("https://{name}.tencentcloudapi.com/"),
            Endpoint::Regional => {
                format!("https://{name}.{}.tencentcloudapi.com/", self.inner.region)
            }
            Endpoint::Url(url) => url.clone(),
        };
        let mut url = parse_base_url(&url).map_err(|err| err.to_string())?;
        // Tencent serves the API at `/` only.
        url.set_path("/");
        url.set_query(None);
        let host = url.host_str().unwrap_or_default().to_owned();
        // Sign the Host exactly as it is sent: with the port when the URL has a
        // non-default one (the `url` crate drops default ports).
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        let host_header = HeaderValue::from_str(&host)
            .map_err(|_| format!("the endpoint's host `{host}` is not a valid header value"))?;
        Ok(Target {
            url,
            host,
            host_header,
        })
    }

    /// Sends a signed request for action `A` and decodes the answer, retrying as the
    /// client's [`RetryPolicy`] allows within its deadline.
    ///
    /// Generated methods such as `reset_vpn_connection` call this; it is public so that
    /// code generated in other crates (by `vpc-macros`) can use it too.
    ///
    /// Each call is one `tracing` span, `vpc_client.call`, with the fields `action`,
    /// `region`, `attempts`, `request_id`, `latency_ms` and `outcome` (`ok`, the service's
    /// error code, or [`Error::kind_name`]); each retry is a debug event with its
    /// `reason` and `delay_ms`. Neither carries a secret, a signature or a body.
    ///
    /// For an action with a `ClientToken` ([`Action::CLIENT_TOKEN`]) the caller left
    /// empty, the request is sent with a fresh random token (UUID-v4-shaped), the same
    /// in every attempt; a token the caller set is sent as it is.
    pub async fn call<A: Action>(&self, request: &A) -> Result<A::Response, Error<A::Error>> {
        self.run(&Typed(request)).await
    }

    /// One call of `op`, traced: the span, then [`call_with_retries`](Self::call_with_retries).
    pub(crate) async fn run<O: Operation>(&self, op: &O) -> Result<O::Response, Error<O::Error>> {
        let span = tracing::info_span!(
            "vpc_client.call",
            action = op.name(),
            region = %self.inner.region,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let mut report = Report {
            attempts: 0,
            request_id: None,
            want_request_id: !span.is_disabled(),
        };
        if span.is_disabled() {
            // Nothing listens: no span to enter on every poll, nothing to record.
            return self.call_with_retries(op, started, &mut report).await;
        }
        let result = self
            .call_with_retries(op, started, &mut report)
            .instrument(span.clone())
            .await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("attempts", report.attempts);
        span.record("latency_ms", latency_ms);
        match &result {
            Ok(_) => {
                if let Some(id) = &report.request_id {
                    span.record("request_id", id.as_str());
                }
                span.record("outcome", "ok");
            }
            Err(error) => {
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                match error.service_error() {
                    Some(service) => span.record("outcome", loggable_code(&service.code)),
                    None => span.record("outcome", error.kind_name()),
                };
            }
        }
        result
    }

    /// The one loop of every call, typed or untyped: credentials, rate limit, attempt,
    /// and a retry where the [`RetryPolicy`] and the operation's retry safety allow it.
    async fn call_with_retries<O: Operation>(
        &self,
        op: &O,
        started: Instant,
        report: &mut Report,
    ) -> Result<O::Response, Error<O::Error>> {
        let inner = &*self.inner;
        // Serialized once; every attempt sends the same bytes (the same ClientToken
        // included) without copying them.
        let (body, target) = op.prepare(self)?;
        let retry_safe = op.retry_safe();
        let deadline = inner.deadline.and_then(|d| started.checked_add(d));
        let mut skew_corrected = false;
        let mut last: Option<Error<O::Error>> = None;
        loop {
            // Credentials first: a slow refresh (an instance role) must not make the
            // request leave long after the rate-limit slot it reserved. Credentials
            // the provider holds already (static ones) come without a future; those
            // that are ready at once (a cached role) need no timer.
            //
            // An unsigned action (`SKIP_SIGN`) needs none: its caller may have no keys
            // at all (a client without a provider, a chain that finds nothing).
            let credential = if op.skip_sign() {
                None
            } else if let Some(credential) = inner.credentials.credentials_now() {
                Some(credential)
            } else {
                Some({
                    let mut credentials = pin!(inner.credentials.provide_credentials());
                    let ready =
                        std::future::poll_fn(|cx| Poll::Ready(credentials.as_mut().poll(cx))).await;
                    match (ready, deadline) {
                        (Poll::Ready(credential), _) => credential,
                        (Poll::Pending, Some(deadline)) => {
                            match tokio::time::timeout_at(deadline.into(), credentials).await {
                                Ok(credential) => credential,
                                Err(_) => {
                                    let error = last.take().unwrap_or_else(|| {
                                        Error::Credentials(CredentialsError::other(
                                            "the call's deadline passed while the credentials were fetched",
                                        ))
                                    });
                                    return Err(exhausted(report.attempts, StopReason::Deadline, error));
                                }
                            }
                        }
                        (Poll::Pending, None) => credentials.await,
                    }
                    .map_err(Error::Credentials)?
                })
            };
            let now = Instant::now();
            match self
                .reserve_slot(op, credential.as_ref(), now, deadline)
                .await
            {
                Slot::Unlimited => {}
                // A slot that has come needs no timer: Tokio's has a 1 ms resolution and
                // rounds up, so sleeping until now would wait for the next tick.
                Slot::At(at) => {
                    if at > now && at > Instant::now() {
                        tokio::time::sleep_until(at.into()).await;
                    }
                }
                Slot::PastDeadline(at) => {
                    let error = last.take().unwrap_or_else(|| {
                        let wait = at.saturating_duration_since(Instant::now());
                        Error::Transport(TransportError::new(
                            TransportErrorKind::RateLimited,
                            target.url.as_str(),
                            format!(
                                "the next slot for {} is {} ms away, past the call's deadline",
                                op.name(),
                                wait.as_millis()
                            ),
                        ))
                    });
                    return Err(exhausted(report.attempts, StopReason::Deadline, error));
                }
                #[cfg(feature = "redis")]
                Slot::Unavailable => {
                    let error = Error::Transport(TransportError::new(
                        TransportErrorKind::RateLimited,
                        target.url.as_str(),
                        format!(
                            "the shared rate limiter could not reach Redis for {} (fail-closed)",
                            op.name()
                        ),
                    ));
                    // Definitive, so never wrapped (whatever earlier attempts met).
                    return Err(error);
                }
            }
            report.attempts += 1;
            let local_now = crate::clock::unix_now();
            // One timer per attempt, reqwest's own: its request timeout, shortened to
            // what is left of the call's deadline when that ends first.
            let until_deadline = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let bounded_by_deadline = until_deadline.filter(|left| *left < inner.timeout);
            let outcome = self
                .attempt(
                    op,
                    credential,
                    &target,
                    body.clone(),
                    local_now,
                    bounded_by_deadline,
                    report.want_request_id,
                )
                .await;
            let failure = match outcome {
                Ok((response, request_id)) => {
                    report.request_id = request_id;
                    return Ok(response);
                }
                Err(failure) => failure,
            };
            let error = failure.error;
            if bounded_by_deadline.is_some()
                && deadline.is_some_and(|deadline| Instant::now() >= deadline)
                && matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::Timeout)
            {
                let error = Error::Transport(TransportError::new(
                    TransportErrorKind::Timeout,
                    target.url.as_str(),
                    format!(
                        "the call's deadline ({} ms) passed before the answer arrived",
                        inner.deadline.unwrap_or_default().as_millis()
                    ),
                ));
                return Err(exhausted(report.attempts, StopReason::Deadline, error));
            }

            if inner.clock_skew_correction
                && !skew_corrected
                && is_signature_expired(&error)
                && let Some(server_now) = failure.server_time
            {
                let offset =
                    i64::try_from(i128::from(server_now) - i128::from(local_now)).unwrap_or(0);
                inner.clock_offset.store(offset, Ordering::Relaxed);
                skew_corrected = true;
                tracing::debug!(
                    attempt = report.attempts,
                    offset_seconds = offset,
                    "signature expired: re-signing with the server's clock"
                );
                last = Some(error);
                continue;
            }

            let Some(reason) = retry_reason(&error, retry_safe) else {
                return Err(error);
            };
            // The one resend after a clock-skew correction is not the policy's to count.
            let policy_attempts = report.attempts - u32::from(skew_corrected);
            let max_attempts = inner.retry.max_attempts();
            if policy_attempts >= max_attempts {
                return Err(if max_attempts > 1 {
                    exhausted(report.attempts, StopReason::MaxAttempts, error)
                } else {
                    error
                });
            }
            let delay = inner
                .retry
                .backoff(policy_attempts, inner.jitter.next_unit());
            if let Some(deadline) = deadline
                && Instant::now()
                    .checked_add(delay)
                    .is_none_or(|end| end > deadline)
            {
                tracing::debug!(
                    attempt = report.attempts,
                    reason,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "not retrying: the backoff would end past the call's deadline"
                );
                return Err(exhausted(report.attempts, StopReason::Deadline, error));
            }
            tracing::debug!(
                attempt = report.attempts,
                reason,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            tokio::time::sleep(delay).await;
            last = Some(error);
        }
    }

    /// The slot of `op`'s next request: from the shared limiter when there is one,
    /// from the client's own buckets otherwise.
    async fn reserve_slot<O: Operation>(
        &self,
        op: &O,
        credential: Option<&Credential>,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Slot {
        let inner = &*self.inner;
        #[cfg(feature = "redis")]
        if let Some(shared) = &inner.shared_limiter {
            return shared
                .reserve(
                    op.limiter_key(),
                    &inner.region,
                    credential.map(Credential::secret_id),
                    op.rate_limit(),
                    now,
                    deadline,
                )
                .await;
        }
        #[cfg(not(feature = "redis"))]
        let _ = credential;
        let (service, action) = op.limiter_key();
        inner
            .rate_limiter
            .reserve(service, action, op.rate_limit(), now, deadline)
    }

    /// One attempt: signature with the corrected clock, request, answer. `timeout`,
    /// when given, replaces the client's request timeout for this attempt.
    #[allow(
        clippy::too_many_arguments,
        reason = "the loop's state for one attempt, plus the operation"
    )]
    async fn attempt<O: Operation>(
        &self,
        op: &O,
        credential: Option<Credential>,
        target: &Target,
        body: Bytes,
        local_now: u64,
        timeout: Option<Duration>,
        want_request_id: bool,
    ) -> Result<(O::Response, Option<String>), Failure<O::Error>> {
        let offset = self.inner.clock_offset.load(Ordering::Relaxed);
        let timestamp = local_now.saturating_add_signed(offset);
        let request = self
            .signed_request(op, credential.as_ref(), target, timestamp, body, timeout)
            .map_err(|message| Failure::from(Error::Request(message)))?;
        drop(credential);
        self.send(op, request, target, want_request_id).await
    }

    /// The signed request, its headers built into one map. A value no header may carry
    /// (a token with a line break, say) is an error naming the header, never its value.
    ///
    /// Without a credential (an unsigned action, [`Action::SKIP_SIGN`]) the request is
    /// sent as the official SDKs send it: `Authorization: SKIP`, no signature and no
    /// `X-TC-Token` (STS documents that `AssumeRoleWithWebIdentity` needs none), the
    /// other headers as for a signed one (`X-TC-Timestamp`, `X-TC-Region`, ...).
    fn signed_request<O: Operation>(
        &self,
        op: &O,
        credential: Option<&Credential>,
        target: &Target,
        timestamp: u64,
        body: Bytes,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Request, String> {
        let invalid = |header: &str| {
            format!(
                "the request to {} could not be built: invalid {header} header value",
                target.url
            )
        };
        let authorization = match credential {
            Some(credential) => {
                let signature = self.inner.signer.sign(
                    credential,
                    &SignableRequest {
                        service: op.service(),
                        host: &target.host,
                        content_type: CONTENT_TYPE,
                        timestamp,
                        body: &body,
                    },
                );
                // Takes the text without copying it (after checking it).
                HeaderValue::try_from(signature.authorization)
                    .map_err(|_| invalid("Authorization"))?
            }
            None => SKIP_AUTHORIZATION,
        };
        let action = op.action_header().ok_or_else(|| invalid("X-TC-Action"))?;
        let version = op.version_header().ok_or_else(|| invalid("X-TC-Version"))?;
        let mut headers = HeaderMap::with_capacity(12);
        headers.insert(reqwest::header::HOST, target.host_header.clone());
        headers.insert(reqwest::header::CONTENT_TYPE, CONTENT_TYPE_VALUE);
        headers.insert(reqwest::header::AUTHORIZATION, authorization);
        headers.insert(X_TC_ACTION, action);
        headers.insert(X_TC_VERSION, version);
        headers.insert(X_TC_REGION, self.inner.region_header.clone());
        headers.insert(X_TC_TIMESTAMP, HeaderValue::from(timestamp));
        headers.insert(X_TC_REQUEST_CLIENT, REQUEST_CLIENT_VALUE);
        if let Some(token) = credential.and_then(Credential::token) {
            let token = HeaderValue::from_str(token).map_err(|_| invalid("X-TC-Token"))?;
            headers.insert(X_TC_TOKEN, token);
        }
        if let Some(language) = self.inner.language {
            headers.insert(X_TC_LANGUAGE, HeaderValue::from_static(language.as_str()));
        }
        let mut request = reqwest::Request::new(reqwest::Method::POST, target.url.clone());
        *request.headers_mut() = headers;
        *request.body_mut() = Some(body.into());
        *request.timeout_mut() = timeout.or(self.inner.request_timeout);
        Ok(request)
    }

    async fn send<O: Operation>(
        &self,
        op: &O,
        request: reqwest::Request,
        target: &Target,
        want_request_id: bool,
    ) -> Result<(O::Response, Option<String>), Failure<O::Error>> {
        let url = target.url.as_str();
        let mut response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|err| Failure::from(send_error(url, err)))?;
        let status = response.status().as_u16();
        // Kept as received (a cheap clone); the `Date` is read only for a failure.
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .cloned();
        let date = response.headers().get(reqwest::header::DATE).cloned();
        let content_type = content_type.as_ref().and_then(|v| v.to_str().ok());
        let fail = |error| Failure {
            error,
            server_time: date
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date),
        };
        let limit = self.inner.max_response_bytes;
        // An answer that arrives in one chunk (the usual case) is read in place.
        let mut single: Option<Bytes> = None;
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if let Some(first) = single.take() {
                        body.reserve(first.len() + chunk.len());
                        body.extend_from_slice(&first);
                    }
                    if body.len() + chunk.len() > limit {
                        body.extend_from_slice(&chunk[..limit.saturating_sub(body.len())]);
                        let answer = RawAnswer {
                            status,
                            content_type,
                            body: &body,
                        };
                        return Err(fail(Error::Response(Box::new(response_error(
                            answer,
                            ResponseErrorKind::TooLarge { limit },
                            None,
                        )))));
                    }
                    if body.is_empty() {
                        single = Some(chunk);
                    } else {
                        body.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(err) => return Err(fail(Error::Transport(transport_error(url, err)))),
            }
        }
        let body: &[u8] = single.as_deref().unwrap_or(&body);
        let decoded = op.decode(RawAnswer {
            status,
            content_type,
            body,
        });
        match decoded {
            Ok(response) => {
                let request_id = if want_request_id {
                    request_id_of(body)
                } else {
                    None
                };
                Ok((response, request_id))
            }
            Err(error) => Err(fail(error)),
        }
    }
}

/// What the call loop needs to know about the action it sends: implemented for typed
/// [`Action`]s ([`Typed`]) and for [untyped calls](crate::UntypedRequest), so that both
/// share one loop. Every method of the typed one is a constant of the action.
pub(crate) trait Operation: Sync {
    /// The decoded answer.
    type Response;
    /// The error the answer's code decodes to.
    type Error: ActionError;
    /// The action's name (`X-TC-Action`), for traces and messages.
    fn name(&self) -> &str;
    /// The service's name, for the credential scope.
    fn service(&self) -> &str;
    /// The rate limiter's key: service and action.
    fn limiter_key(&self) -> (Cow<'static, str>, Cow<'static, str>);
    /// The documented rate limit, if any.
    fn rate_limit(&self) -> Option<u32>;
    /// Whether a request that may have reached the server may be sent again.
    fn retry_safe(&self) -> bool;
    /// Whether the request goes unsigned (`Authorization: SKIP`, no credentials).
    fn skip_sign(&self) -> bool;
    /// `X-TC-Action`, or `None` when the name is no valid header value.
    fn action_header(&self) -> Option<HeaderValue>;
    /// `X-TC-Version`, or `None` when the version is no valid header value.
    fn version_header(&self) -> Option<HeaderValue>;
    /// The body every attempt sends and where it goes, computed once per call.
    fn prepare(&self, client: &Client) -> Result<(Bytes, Arc<Target>), Error<Self::Error>>;
    /// The answer, decoded.
    fn decode(&self, answer: RawAnswer<'_>) -> Result<Self::Response, Error<Self::Error>>;
}

/// A typed action's request, as the call loop sees it.
struct Typed<'a, A>(&'a A);

impl<A: Action> Operation for Typed<'_, A> {
    type Response = A::Response;
    type Error = A::Error;

    fn name(&self) -> &str {
        A::NAME
    }

    fn service(&self) -> &str {
        A::SERVICE.name
    }

    fn limiter_key(&self) -> (Cow<'static, str>, Cow<'static, str>) {
        (Cow::Borrowed(A::SERVICE.name), Cow::Borrowed(A::NAME))
    }

    fn rate_limit(&self) -> Option<u32> {
        A::RATE_LIMIT
    }

    fn retry_safe(&self) -> bool {
        // A request with an idempotency token runs once however often it is sent.
        A::RETRY_SAFE || A::CLIENT_TOKEN.is_some()
    }

    fn skip_sign(&self) -> bool {
        A::SKIP_SIGN
    }

    fn action_header(&self) -> Option<HeaderValue> {
        static_value(A::NAME)
    }

    fn version_header(&self) -> Option<HeaderValue> {
        static_value(A::SERVICE.version)
    }

    fn prepare(&self, client: &Client) -> Result<(Bytes, Arc<Target>), Error<A::Error>> {
        // Only an action with a token member pays for this (a constant test otherwise):
        // a copy holding a fresh token when the caller left it empty.
        let filled = if A::CLIENT_TOKEN.is_some() {
            self.0.with_client_token(new_client_token)
        } else {
            None
        };
        let request = filled.as_ref().unwrap_or(self.0);
        let body = Bytes::from(
            serde_json::to_vec(request).map_err(|err| Error::Request(err.to_string()))?,
        );
        let target = client.target(A::SERVICE).map_err(Error::Request)?;
        Ok((body, target))
    }

    fn decode(&self, answer: RawAnswer<'_>) -> Result<A::Response, Error<A::Error>> {
        decode::<A::Response, A::Error>(answer)
    }
}

/// A `&'static str` as a header value without copying it, when it is a valid one.
fn static_value(text: &'static str) -> Option<HeaderValue> {
    // `from_static` panics on what it refuses; the check keeps it from ever doing so.
    text.bytes()
        .all(|b| (32..127).contains(&b) || b == b'\t')
        .then(|| HeaderValue::from_static(text))
}

/// What a call reports to its span.
struct Report {
    attempts: u32,
    request_id: Option<String>,
    want_request_id: bool,
}

/// A failed attempt, with the server's clock when its answer had a `Date` header.
struct Failure<E> {
    error: Error<E>,
    server_time: Option<u64>,
}

impl<E> From<Error<E>> for Failure<E> {
    fn from(error: Error<E>) -> Self {
        Self {
            error,
            server_time: None,
        }
    }
}

fn exhausted<E>(attempts: u32, reason: StopReason, last: Error<E>) -> Error<E> {
    Error::Exhausted(Box::new(Exhausted {
        attempts,
        reason,
        last,
    }))
}

fn is_signature_expired<E: ActionError>(error: &Error<E>) -> bool {
    error
        .service_error()
        .is_some_and(|e| e.code == "AuthFailure.SignatureExpire")
}

/// `Response.RequestId` of a success body (already decoded once; this reads only the
/// one member, skipping the rest without building it).
fn request_id_of(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Members,
    }
    #[derive(Deserialize)]
    struct Members {
        #[serde(rename = "RequestId")]
        request_id: Option<String>,
    }
    serde_json::from_slice::<Envelope>(body)
        .ok()?
        .response
        .request_id
}

/// A service error code as a log field: what the server sent, limited to the
/// characters codes are made of and to 100 of them.
fn loggable_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(100)
        .collect()
}

/// What a failed send means. A request reqwest could not even build (a header value
/// it refuses) is [`Error::Request`]: nothing was sent, and sending again cannot help.
fn send_error<E>(url: &str, err: reqwest::Error) -> Error<E> {
    if err.is_builder() {
        return Error::Request(format!("the request to {url} could not be built: {err}"));
    }
    Error::Transport(transport_error(url, err))
}

fn transport_error(url: &str, err: reqwest::Error) -> TransportError {
    // A connect timeout is both: the request never left, which is what matters.
    let kind = if crate::http::is_certificate_error(&err) {
        TransportErrorKind::Certificate
    } else if err.is_connect() {
        TransportErrorKind::Connect
    } else if err.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Interrupted
    };
    TransportError::new(kind, url, err)
}
