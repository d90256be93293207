//! [`InstanceRoleProvider`]: the CAM role's temporary credentials from the CVM
//! instance metadata service, cached and refreshed by one caller at a time.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use zeroize::{Zeroize, Zeroizing};

use super::cache::{Expiring, REFRESH_BACKOFF, REFRESH_BEFORE_EXPIRY, RefreshCache};
use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};

/// The CVM instance metadata service [`InstanceRoleProvider::new`] asks.
pub const INSTANCE_METADATA_URL: &str = "http://metadata.tencentyun.com";

/// The path, under the metadata base URL, that lists the CAM role attached to the
/// instance; the role's temporary credentials are at this path followed by the role
/// name.
pub const INSTANCE_ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// How long before their `ExpiredTime` cached instance-role credentials are refreshed:
/// 300 s, as the official SDKs do. Credentials with less time left than this are
/// fetched again on the next call, so that a signed request never carries credentials
/// that expire while it is on its way.
pub const INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY: Duration = REFRESH_BEFORE_EXPIRY;

/// How long after a failed refresh of instance-role credentials that are still valid
/// no other refresh is tried: 10 s. Meanwhile every caller gets the cached credentials
/// at once, so that a metadata service that is down or hangs sees one request per
/// 10 s rather than one per call. Callers without valid credentials (none fetched
/// yet, or expired) are not held back by it: they have nothing else to use.
pub const INSTANCE_ROLE_REFRESH_BACKOFF: Duration = REFRESH_BACKOFF;

/// Default connect timeout for the metadata service: off a CVM the host does not
/// resolve or does not answer, and the chain should go on quickly.
const METADATA_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Default timeout of one whole request to the metadata service.
const METADATA_TIMEOUT: Duration = Duration::from_secs(5);

/// Answers from the metadata service larger than this are refused.
const MAX_METADATA_ANSWER: usize = 64 * 1024;

/// The longest CAM role name.
const MAX_ROLE_NAME_LEN: usize = 128;

/// Temporary credentials of the CAM role attached to a CVM instance, from the
/// instance metadata service, as the official SDKs get them.
///
/// `GET <base>/latest/meta-data/cam/security-credentials/` answers the role name (the
/// first line of the answer, trimmed); `GET` of that URL followed by the role name
/// answers JSON with `TmpSecretId`, `TmpSecretKey`, `Token` and `ExpiredTime` (Unix
/// seconds). The result is a [`Credential`] with a token, which the client sends as
/// `X-TC-Token`. The base URL is [`INSTANCE_METADATA_URL`] unless
/// [`InstanceRoleProviderBuilder::base_url`] says otherwise; a fixed role name
/// ([`InstanceRoleProviderBuilder::role_name`]) skips the first request.
///
/// **Caching.** Credentials are kept until fewer than
/// [`INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY`] (300 s) remain before they expire, then
/// fetched again (the role name too, so that a changed role is followed). Clones share
/// the cache (the provider is an [`Arc`] inside, cheap to clone).
///
/// **Expiry in the service's clock.** `ExpiredTime` is a time on the metadata
/// service's clock, which need not agree with the local one. At each fetch the
/// provider takes the credentials' lifetime as `ExpiredTime` minus the service's time
/// — read from the credentials answer's `Date` header, or the local clock when the
/// answer has none or one that is not an IMF-fixdate — and counts it down on the local
/// monotonic clock ([`Instant`]) from when the answer arrived. So a local clock that is
/// off changes nothing when the service sends a `Date` header, and setting the local
/// clock while credentials are cached never does. A lifetime of zero or less means the
/// credentials have already expired: the fetch that got them returns them, and the
/// next call fetches again.
///
/// **Concurrent callers** share one fetch at a time:
///
/// - With cached credentials that are still valid but due for a refresh, the caller
///   that finds no refresh in flight does it (and waits for it); any other caller gets
///   the cached credentials at once, without waiting for the refresh. If the refresh
///   fails, its caller gets the cached credentials too, and for
///   [`INSTANCE_ROLE_REFRESH_BACKOFF`] (10 s) every caller does, without a new
///   refresh, as long as they are valid.
/// - Without valid credentials (the first call, or after they expired), callers wait
///   for the fetch in flight and share its outcome. If it failed, the first of them to
///   get its turn starts one more fetch and the others share that one's outcome, its
///   credentials or its error; none start a third. A caller thus waits for at most two
///   fetches, and a failing service sees one or two fetches for a crowd of callers,
///   not one per caller. Callers that share an error get the same variant and message
///   as the caller that fetched; an underlying cause, if any, as text.
/// - A fetch whose caller gives up (its future is dropped) counts as not made: the
///   next waiter fetches.
///
/// **Off a CVM.** When the metadata service cannot be reached (the name does not
/// resolve, the connection is refused or times out: 1 s to connect, 5 s per request by
/// default), or the role list answers 404 or names no role, the provider answers
/// [`CredentialsError::NotFound`], so that a [`DefaultChain`] goes on. Anything else
/// that goes wrong — another HTTP status, an answer that is not a role name, malformed
/// JSON, a missing field, a `Code` other than `Success`, or failing to reach the
/// service after it named a role — is a [`CredentialsError::Other`] naming the URL and
/// never quoting the answer. The HTTP client ignores proxy settings (the metadata
/// service is local to the instance) and does not follow redirects.
///
/// `Debug` output shows the configuration and how long the cached credentials have
/// left, never the credentials.
///
/// [`DefaultChain`]: super::DefaultChain
#[derive(Clone)]
pub struct InstanceRoleProvider {
    inner: Arc<RoleInner>,
}

struct RoleInner {
    /// The base URL without a trailing slash.
    base_url: String,
    role_name: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    /// The HTTP client, built on first use so that a provider nobody asks costs
    /// nothing.
    http: OnceLock<reqwest::Client>,
    /// The shared refresh cache (`cache.rs`): this provider supplies only its fetch.
    cache: RefreshCache,
}

impl RoleInner {
    fn new(
        base_url: String,
        role_name: Option<String>,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Self {
        Self {
            base_url,
            role_name,
            connect_timeout,
            timeout,
            http: OnceLock::new(),
            cache: RefreshCache::new(
                INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY,
                INSTANCE_ROLE_REFRESH_BACKOFF,
            ),
        }
    }
}

/// Configures an [`InstanceRoleProvider`]; from [`InstanceRoleProvider::builder`].
///
/// `Debug` output never shows a user name or password given in the base URL (which
/// [`build`](Self::build) refuses).
#[derive(Clone)]
pub struct InstanceRoleProviderBuilder {
    base_url: String,
    role_name: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl InstanceRoleProviderBuilder {
    /// The metadata service's base URL (scheme, host, optional port and path prefix),
    /// for example `http://127.0.0.1:8080` for a local stand-in. Default:
    /// [`INSTANCE_METADATA_URL`]. A URL with a user name or password is refused by
    /// [`build`](Self::build): the metadata service takes no authentication.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Uses this CAM role instead of asking the metadata service which role is
    /// attached. With a fixed role, failing to reach the service is
    /// [`CredentialsError::NotFound`] (not on a CVM) but a 404 for the role is an
    /// error (the role is not attached).
    pub fn role_name(mut self, role: impl Into<String>) -> Self {
        self.role_name = Some(role.into());
        self
    }

    /// How long to wait for a connection to the metadata service. Default: 1 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request to the metadata service may take in all. Default: 5 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the provider.
    ///
    /// # Errors
    ///
    /// [`CredentialsError::Other`] when the base URL is not an `http` or `https` URL
    /// with a host (and no user name, password, query or fragment), or the fixed role
    /// name is not a valid CAM role name. The message shows the URL without any user
    /// name or password.
    pub fn build(self) -> Result<InstanceRoleProvider, CredentialsError> {
        let invalid_url = |reason: &str| {
            CredentialsError::other(format!(
                "invalid instance metadata URL {}: {reason}",
                shown_url(&self.base_url)
            ))
        };
        let parsed =
            reqwest::Url::parse(&self.base_url).map_err(|e| invalid_url(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid_url("the scheme must be http or https"));
        }
        if parsed.host_str().is_none() {
            return Err(invalid_url("the URL has no host"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            // The HTTP client would send them as Basic authentication; and never echo
            // the password back: it would end up in logs.
            return Err(invalid_url(
                "the URL must not carry a user name or password (the metadata service \
                 takes no authentication)",
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid_url("the URL must have no query or fragment"));
        }
        if let Some(role) = &self.role_name
            && !is_role_name(role)
        {
            return Err(CredentialsError::other(format!(
                "invalid CAM role name {role:?}: 1 to {MAX_ROLE_NAME_LEN} letters, digits \
                 and +=,.@_- expected"
            )));
        }
        Ok(InstanceRoleProvider {
            inner: Arc::new(RoleInner::new(
                self.base_url.trim_end_matches('/').to_owned(),
                self.role_name,
                self.connect_timeout,
                self.timeout,
            )),
        })
    }
}

impl Default for InstanceRoleProviderBuilder {
    fn default() -> Self {
        Self {
            base_url: INSTANCE_METADATA_URL.to_owned(),
            role_name: None,
            connect_timeout: METADATA_CONNECT_TIMEOUT,
            timeout: METADATA_TIMEOUT,
        }
    }
}

impl fmt::Debug for InstanceRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceRoleProviderBuilder")
            .field("base_url", &shown_url(&self.base_url))
            .field("role_name", &self.role_name)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A base URL as errors and `Debug` show it: without a user name or password. A URL
/// the parser does not take, or takes as something other than `http` or `https`, has
/// everything between its `://` (or its start) and its last `@` hidden, when it has an
/// `@` at all.
fn shown_url(url: &str) -> Cow<'_, str> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
            if parsed.username().is_empty() && parsed.password().is_none() {
                return Cow::Borrowed(url);
            }
            let mut redacted = parsed;
            if redacted.set_username("").is_ok() && redacted.set_password(None).is_ok() {
                return Cow::Owned(redacted.into());
            }
        }
        _ => {}
    }
    match url.rfind('@') {
        None => Cow::Borrowed(url),
        Some(at) => {
            let start = url[..at].find("://").map_or(0, |i| i + 3);
            Cow::Owned(format!("{}***{}", &url[..start], &url[at..]))
        }
    }
}

impl InstanceRoleProvider {
    /// Asks [`INSTANCE_METADATA_URL`] for the attached role, with the default
    /// timeouts. Nothing is sent until credentials are asked for.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(RoleInner::new(
                INSTANCE_METADATA_URL.to_owned(),
                None,
                METADATA_CONNECT_TIMEOUT,
                METADATA_TIMEOUT,
            )),
        }
    }

    /// A builder, to choose the base URL, a fixed role name or the timeouts.
    pub fn builder() -> InstanceRoleProviderBuilder {
        InstanceRoleProviderBuilder::default()
    }

    /// The metadata service's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The fixed role name, if one was given.
    pub fn role_name(&self) -> Option<&str> {
        self.inner.role_name.as_deref()
    }

    /// The URL that lists the attached role.
    fn role_list_url(&self) -> String {
        format!("{}{INSTANCE_ROLE_PATH}", self.inner.base_url)
    }

    /// The caching and single-flight rules of the type's documentation.
    async fn credential(&self) -> Result<Credential, CredentialsError> {
        self.inner.cache.get(|| self.fetch()).await
    }

    /// The HTTP client for the metadata service, built on first use.
    fn http(&self) -> Result<reqwest::Client, CredentialsError> {
        if let Some(client) = self.inner.http.get() {
            return Ok(client.clone());
        }
        let builder = crate::tls::http_client_builder().map_err(|e| CredentialsError::Other {
            message: "cannot set up TLS for the instance metadata service".to_owned(),
            source: Some(Box::new(e)),
        })?;
        let client = builder
            .connect_timeout(self.inner.connect_timeout)
            .timeout(self.inner.timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CredentialsError::Other {
                message: "cannot build the HTTP client for the instance metadata service"
                    .to_owned(),
                source: Some(Box::new(e)),
            })?;
        // Two first callers may both build one; either is as good.
        Ok(self.inner.http.get_or_init(|| client).clone())
    }

    async fn fetch(&self) -> Result<Expiring, CredentialsError> {
        let http = self.http()?;
        let list_url = self.role_list_url();
        let (role, first_contact) = match &self.inner.role_name {
            Some(role) => (role.clone(), true),
            None => (self.discover_role(&http, &list_url).await?, false),
        };
        let url = format!("{list_url}{role}");
        let answer = match get_bounded(&http, &url).await {
            Ok(answer) => answer,
            Err(GetError::Transport(e)) if first_contact => {
                return Err(metadata_unreachable(&url, &e));
            }
            Err(e) => return Err(e.into_error(&url)),
        };
        if !answer.status.is_success() {
            return Err(CredentialsError::other(format!(
                "the instance metadata service answered HTTP {} for the credentials of \
                 role {role} at {url}",
                answer.status
            )));
        }
        let (credential, expired_time) = parse_role_credentials(&url, &answer.body)?;
        // `ExpiredTime` is on the service's clock: the lifetime is measured against the
        // service's time, then counted down on the monotonic clock.
        Ok(Expiring::at_server_time(
            credential,
            expired_time,
            answer.server_now,
            answer.received_at,
        ))
    }

    /// Asks which role is attached; `NotFound` when there is no metadata service or
    /// no role.
    async fn discover_role(
        &self,
        http: &reqwest::Client,
        url: &str,
    ) -> Result<String, CredentialsError> {
        let answer = match get_bounded(http, url).await {
            Ok(answer) => answer,
            Err(GetError::Transport(e)) => return Err(metadata_unreachable(url, &e)),
            Err(e) => return Err(e.into_error(url)),
        };
        let (status, body) = (answer.status, &answer.body);
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(CredentialsError::NotFound {
                looked_at: format!(
                    "the CVM instance metadata service at {url} (HTTP 404: no CAM role is \
                     attached, or this is not a CVM)"
                ),
            });
        }
        if !status.is_success() {
            return Err(CredentialsError::other(format!(
                "the instance metadata service answered HTTP {status} for the role list \
                 at {url}"
            )));
        }
        let text = std::str::from_utf8(body).map_err(|_| {
            CredentialsError::other(format!(
                "the role list from the instance metadata service at {url} is not UTF-8"
            ))
        })?;
        let role = text.trim().lines().next().unwrap_or_default().trim();
        if role.is_empty() {
            return Err(CredentialsError::NotFound {
                looked_at: format!(
                    "the CVM instance metadata service at {url} (no CAM role is attached)"
                ),
            });
        }
        if !is_role_name(role) {
            return Err(CredentialsError::other(format!(
                "the answer of the instance metadata service at {url} is not a CAM role \
                 name ({} bytes)",
                body.len()
            )));
        }
        Ok(role.to_owned())
    }
}

impl Default for InstanceRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InstanceRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceRoleProvider")
            .field("base_url", &self.inner.base_url)
            .field("role_name", &self.inner.role_name)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .field("cached_expires_in", &self.inner.cache.expires_in())
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for InstanceRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.credential())
    }

    fn name(&self) -> &str {
        "instance role"
    }
}

/// A CAM role name: 1 to 128 of letters, digits and `+=,.@_-`. Anything else (an HTML
/// page, a path) is not asked for.
fn is_role_name(name: &str) -> bool {
    (1..=MAX_ROLE_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// The metadata service could not be reached: not a CVM, as far as a chain is
/// concerned.
fn metadata_unreachable(url: &str, error: &reqwest::Error) -> CredentialsError {
    let reason = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        let mut reasons = Vec::new();
        let mut source = StdError::source(error);
        while let Some(cause) = source {
            reasons.push(cause.to_string());
            source = cause.source();
        }
        if reasons.is_empty() {
            error.to_string()
        } else {
            reasons.join(": ")
        }
    };
    CredentialsError::NotFound {
        looked_at: format!("the CVM instance metadata service at {url} (unreachable: {reason})"),
    }
}

enum GetError {
    Transport(reqwest::Error),
    TooLarge,
}

impl GetError {
    fn into_error(self, url: &str) -> CredentialsError {
        match self {
            Self::Transport(e) => CredentialsError::Other {
                message: format!("cannot read from the instance metadata service at {url}"),
                source: Some(Box::new(e.without_url())),
            },
            Self::TooLarge => CredentialsError::other(format!(
                "the answer of the instance metadata service at {url} is larger than \
                 {MAX_METADATA_ANSWER} bytes"
            )),
        }
    }
}

/// An answer of the metadata service.
struct MetadataAnswer {
    status: reqwest::StatusCode,
    /// When the answer's head arrived, on the monotonic clock.
    received_at: Instant,
    /// The service's time then, Unix seconds: its `Date` header, or the local clock
    /// when the answer has none or one that is not an IMF-fixdate.
    server_now: u64,
    /// The body, in a buffer wiped when dropped (it may hold a secret key).
    body: Zeroizing<Vec<u8>>,
}

/// GETs `url` and reads at most [`MAX_METADATA_ANSWER`] bytes of the answer.
async fn get_bounded(http: &reqwest::Client, url: &str) -> Result<MetadataAnswer, GetError> {
    let mut response = http.get(url).send().await.map_err(GetError::Transport)?;
    let received_at = Instant::now();
    let server_now = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(crate::clock::parse_http_date)
        .unwrap_or_else(crate::clock::unix_now);
    let status = response.status();
    if response
        .content_length()
        .is_some_and(|len| len > MAX_METADATA_ANSWER as u64)
    {
        return Err(GetError::TooLarge);
    }
    let mut body = Zeroizing::new(Vec::new());
    while let Some(chunk) = response.chunk().await.map_err(GetError::Transport)? {
        if body.len() + chunk.len() > MAX_METADATA_ANSWER {
            return Err(GetError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(MetadataAnswer {
        status,
        received_at,
        server_now,
        body,
    })
}

/// The instance-role credentials answer; unknown fields (`Expiration`, ...) are
/// ignored. Secret fields left in it are wiped when it drops.
#[derive(serde::Deserialize)]
struct RoleCredentialsAnswer {
    #[serde(rename = "TmpSecretId")]
    tmp_secret_id: Option<String>,
    #[serde(rename = "TmpSecretKey")]
    tmp_secret_key: Option<String>,
    #[serde(rename = "Token")]
    token: Option<String>,
    #[serde(rename = "ExpiredTime")]
    expired_time: Option<ExpiredTime>,
    #[serde(rename = "Code")]
    code: Option<String>,
}

impl Drop for RoleCredentialsAnswer {
    fn drop(&mut self) {
        self.tmp_secret_key.zeroize();
        self.token.zeroize();
    }
}

/// `ExpiredTime` is a number of Unix seconds; a string of digits is accepted too.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ExpiredTime {
    Seconds(i64),
    Text(String),
}

impl ExpiredTime {
    fn unix_seconds(&self) -> Option<u64> {
        let seconds = match self {
            Self::Seconds(seconds) => *seconds,
            Self::Text(text) => text.trim().parse().ok()?,
        };
        // A time before the epoch is simply expired.
        Some(u64::try_from(seconds).unwrap_or(0))
    }
}

/// The credentials of an answer and their `ExpiredTime` (Unix seconds, on the
/// service's clock).
fn parse_role_credentials(url: &str, body: &[u8]) -> Result<(Credential, u64), CredentialsError> {
    // serde_json's messages can quote a value from the answer: report only the kind of
    // error and its position.
    let mut answer: RoleCredentialsAnswer = serde_json::from_slice(body).map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected JSON type or shape",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        CredentialsError::other(format!(
            "malformed credentials answer from the instance metadata service at {url}: \
             {kind} at line {}, column {}",
            e.line(),
            e.column()
        ))
    })?;
    if let Some(code) = answer.code.as_deref()
        && code != "Success"
    {
        let code: String = code.chars().take(64).collect();
        return Err(CredentialsError::other(format!(
            "the instance metadata service at {url} answered Code {code:?} instead of \
             \"Success\""
        )));
    }
    let expires_at = answer.expired_time.as_ref().map(ExpiredTime::unix_seconds);
    let non_empty = |value: &Option<String>| value.as_ref().is_some_and(|v| !v.is_empty());
    let mut missing = Vec::new();
    if !non_empty(&answer.tmp_secret_id) {
        missing.push("TmpSecretId");
    }
    if !non_empty(&answer.tmp_secret_key) {
        missing.push("TmpSecretKey");
    }
    if !non_empty(&answer.token) {
        missing.push("Token");
    }
    match expires_at {
        None => missing.push("ExpiredTime"),
        Some(None) => {
            return Err(CredentialsError::other(format!(
                "the credentials answer from the instance metadata service at {url} has an \
                 ExpiredTime that is not a number of seconds"
            )));
        }
        Some(Some(_)) => {}
    }
    let incomplete = || {
        CredentialsError::other(format!(
            "incomplete credentials answer from the instance metadata service at {url}: \
             {} missing or empty",
            missing.join(", ")
        ))
    };
    if !missing.is_empty() {
        // `answer` wipes its secrets when dropped.
        return Err(incomplete());
    }
    let (Some(id), Some(mut key), Some(mut token), Some(Some(expires_at))) = (
        answer.tmp_secret_id.take(),
        answer.tmp_secret_key.take().map(Zeroizing::new),
        answer.token.take().map(Zeroizing::new),
        expires_at,
    ) else {
        return Err(incomplete());
    };
    Ok((
        Credential::new(id, std::mem::take(&mut *key)).with_token(std::mem::take(&mut *token)),
        expires_at,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_url_hides_user_names_and_passwords() {
        for (url, shown) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.0.0.1/a@b", "http://127.0.0.1/a@b"),
            ("not a url", "not a url"),
            ("http://user:pw@127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
            ("http://user@127.0.0.1", "http://127.0.0.1/"),
            ("http://user:pw@[::1", "http://***@[::1"),
            ("user:pw@host", "***@host"),
            ("ftp://user:pw@host", "ftp://***@host"),
        ] {
            assert_eq!(shown_url(url), shown, "{url}");
        }
    }
}
