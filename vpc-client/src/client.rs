//! The client: configuration, and one signed call from serialized request to decoded
//! answer.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::action::{Action, ServiceInfo};
use crate::credentials::{Credential, DefaultChain, ProvideCredentials};
use crate::decode::{RawAnswer, decode, response_error};
use crate::error::{Error, ResponseErrorKind, TransportError, TransportErrorKind};
use crate::signing::{SignableRequest, Signer};

/// The `Content-Type` every request is sent and signed with.
pub const CONTENT_TYPE: &str = "application/json";

/// The `X-TC-RequestClient` value: this crate and its version.
pub const REQUEST_CLIENT: &str = concat!("vpc-client-rs/", env!("CARGO_PKG_VERSION"));

/// Environment variable read for the default region.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";

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
/// credentials provider and one signing-key cache.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Arc<dyn ProvideCredentials>,
    region: String,
    endpoint: Endpoint,
    language: Option<Language>,
    signer: Signer,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("language", &self.inner.language)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No region was given and `TENCENTCLOUD_REGION` is not set.
    #[error("no region: call `.region(...)` or set TENCENTCLOUD_REGION")]
    NoRegion,
    /// The endpoint URL does not parse or is not http(s).
    #[error("invalid endpoint URL `{url}`: {reason}")]
    InvalidEndpoint {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP stack could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Http(#[source] reqwest::Error),
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    credentials: Option<Arc<dyn ProvideCredentials>>,
    region: Option<String>,
    endpoint: Endpoint,
    language: Option<Language>,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
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
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_response_bytes: 32 * 1024 * 1024,
        }
    }
}

impl ClientBuilder {
    /// Where credentials come from. Default: [`DefaultChain`] (environment, then profile file).
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

    /// How long establishing a connection may take. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take, from sending to the last byte of the answer.
    /// Default: 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest answer body accepted. Default: 32 MiB.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
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
        if let Endpoint::Url(url) = &self.endpoint {
            parse_base_url(url)?;
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(REQUEST_CLIENT)
            .build()
            .map_err(BuildError::Http)?;
        let credentials = match self.credentials {
            Some(credentials) => credentials,
            None => Arc::new(DefaultChain::new()),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                region,
                endpoint: self.endpoint,
                language: self.language,
                signer: Signer::new(),
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

fn parse_base_url(url: &str) -> Result<reqwest::Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidEndpoint {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|err| invalid(&err.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("the URL has no host"));
    }
    Ok(parsed)
}

/// Where one request goes: its URL and the `Host` header it is sent and signed with.
struct Target {
    url: reqwest::Url,
    host: String,
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

    fn target(&self, service: &ServiceInfo) -> Result<Target, String> {
        let url = match &self.inner.endpoint {
            Endpoint::Default => format!("https://{}/", service.default_host),
            Endpoint::China => format!("https://{}.tencentcloudapi.com/", service.name),
            Endpoint::Regional => format!(
                "https://{}.{}.tencentcloudapi.com/",
                service.name, self.inner.region
            ),
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
        Ok(Target { url, host })
    }

    /// Sends one signed request for action `A` and decodes the answer.
    ///
    /// Generated methods such as `reset_vpn_connection` call this; it is public so that
    /// code generated in other crates (by `vpc-macros`) can use it too.
    pub async fn call<A: Action>(&self, request: &A) -> Result<A::Response, Error<A::Error>> {
        let body = serde_json::to_vec(request).map_err(|err| Error::Request(err.to_string()))?;
        let credential = self
            .inner
            .credentials
            .provide_credentials()
            .await
            .map_err(Error::Credentials)?;
        let target = self.target(A::SERVICE).map_err(Error::Request)?;
        let timestamp = unix_now();
        let request = self.signed_request::<A>(&credential, &target, timestamp, body);
        self.send::<A>(request, &target).await
    }

    fn signed_request<A: Action>(
        &self,
        credential: &Credential,
        target: &Target,
        timestamp: u64,
        body: Vec<u8>,
    ) -> reqwest::RequestBuilder {
        let signature = self.inner.signer.sign(
            credential,
            &SignableRequest {
                service: A::SERVICE.name,
                host: &target.host,
                content_type: CONTENT_TYPE,
                timestamp,
                body: &body,
            },
        );
        let mut builder = self
            .inner
            .http
            .post(target.url.clone())
            .header(reqwest::header::HOST, &target.host)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header(reqwest::header::AUTHORIZATION, signature.authorization)
            .header("X-TC-Action", A::NAME)
            .header("X-TC-Version", A::SERVICE.version)
            .header("X-TC-Region", &self.inner.region)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-RequestClient", REQUEST_CLIENT);
        if let Some(token) = credential.token() {
            builder = builder.header("X-TC-Token", token);
        }
        if let Some(language) = self.inner.language {
            builder = builder.header("X-TC-Language", language.as_str());
        }
        builder.body(body)
    }

    async fn send<A: Action>(
        &self,
        request: reqwest::RequestBuilder,
        target: &Target,
    ) -> Result<A::Response, Error<A::Error>> {
        let url = target.url.as_str();
        let mut response = request
            .send()
            .await
            .map_err(|err| Error::Transport(transport_error(url, err)))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit = self.inner.max_response_bytes;
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        body.extend_from_slice(&chunk[..limit.saturating_sub(body.len())]);
                        let answer = RawAnswer {
                            status,
                            content_type: content_type.as_deref(),
                            body: &body,
                        };
                        return Err(Error::Response(Box::new(response_error(
                            answer,
                            ResponseErrorKind::TooLarge { limit },
                            None,
                        ))));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) => return Err(Error::Transport(transport_error(url, err))),
            }
        }
        decode::<A::Response, A::Error>(RawAnswer {
            status,
            content_type: content_type.as_deref(),
            body: &body,
        })
    }
}

fn transport_error(url: &str, err: reqwest::Error) -> TransportError {
    let kind = if err.is_timeout() {
        TransportErrorKind::Timeout
    } else if err.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Interrupted
    };
    TransportError::new(kind, url, err)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
