//! [`WebIdentityProvider`]: a pod's identity on TKE (Tencent Kubernetes Engine), from
//! its OIDC token through STS `AssumeRoleWithWebIdentity`, cached and refreshed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::cache::{Expiring, REFRESH_BACKOFF, REFRESH_BEFORE_EXPIRY, RefreshCache};
use super::sts::{
    STS_DEFAULT_DURATION, StsError, Unsigned, default_session_name, duration_seconds, expiring,
    sts_client, withhold_body,
};
use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::sts::AssumeRoleWithWebIdentityRequest;
use crate::{Client, ClientBuilder, Endpoint};

/// The region of the TKE cluster, sent to STS.
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// The OIDC identity provider's ID (`ProviderId`).
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The file holding the pod's projected OIDC token (`WebIdentityToken`).
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The name the official Python SDK reads for the token file; read when
/// [`ENV_TKE_WEB_IDENTITY_TOKEN_FILE`] is not set.
pub const ENV_TKE_IDENTITY_TOKEN_FILE: &str = "TKE_IDENTITY_TOKEN_FILE";
/// The CAM role to assume (`RoleArn`).
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";

/// Web identity tokens larger than this are refused (projected tokens are a few KiB).
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The temporary credentials of a pod on TKE, as the official SDKs'
/// `DefaultTkeOIDCRoleArnProvider` gets them: the pod's OIDC token, read from the file
/// [`ENV_TKE_WEB_IDENTITY_TOKEN_FILE`] names, is exchanged for a CAM role's credentials
/// by STS `AssumeRoleWithWebIdentity`, which is sent unsigned (`Authorization: SKIP`):
/// the pod has no keys yet.
///
/// [`from_env`](Self::from_env) reads the four variables TKE sets,
/// [`ENV_TKE_REGION`], [`ENV_TKE_PROVIDER_ID`], [`ENV_TKE_WEB_IDENTITY_TOKEN_FILE`] and
/// [`ENV_TKE_ROLE_ARN`], at every refresh; the builder can fix any of them instead.
/// The token file is read again at every refresh, because projected tokens rotate.
///
/// - None of the variables set (not on TKE, or no pod identity): the provider finds
///   nothing ([`CredentialsError::NotFound`]), and a [`DefaultChain`](super::DefaultChain) goes on.
/// - Some set but not all: [`CredentialsError::Incomplete`], naming the missing ones.
/// - A token file that is missing, unreadable, empty or over 64 KiB:
///   [`CredentialsError::File`], naming the variable and the path.
/// - An error STS answers: [`CredentialsError::Sts`] with
///   [`StsError::AssumeRoleWithWebIdentity`], typed, with code, message and RequestId.
///
/// In [`DefaultChain::new`](super::DefaultChain::new) it comes after the environment
/// variables and **before** the profile file and the CVM instance role: on a TKE node
/// the pod's own identity must win over the node's instance role, for the reason AWS's
/// default chain puts web identity before the instance metadata.
///
/// **Caching** follows the rules of [`AssumeRoleProvider`](super::AssumeRoleProvider),
/// from the same code: refreshed [`REFRESH_BEFORE_EXPIRY`] (300 s) before expiry, one
/// fetch shared by every caller and every clone.
///
/// `Debug` output never shows the token or the credentials.
#[derive(Clone)]
pub struct WebIdentityProvider {
    inner: Arc<Inner>,
}

struct Inner {
    fixed: Settings,
    lookup: Option<Box<Lookup>>,
    session_name: String,
    duration_seconds: u64,
    endpoint: Option<Endpoint>,
    /// The builder of the STS client, taken when the client is built (at the first
    /// fetch, when the region is known).
    client_builder: Mutex<Option<ClientBuilder>>,
    client: OnceLock<Client>,
    cache: RefreshCache,
}

/// The four settings, each fixed by the builder or read from the environment.
#[derive(Clone, Default)]
struct Settings {
    region: Option<String>,
    provider_id: Option<String>,
    token_file: Option<PathBuf>,
    role_arn: Option<String>,
}

/// The settings of one refresh.
struct Resolved {
    region: String,
    provider_id: String,
    /// The token file and the variable (or builder option) that named it.
    token_file: (PathBuf, &'static str),
    role_arn: String,
}

/// Configures a [`WebIdentityProvider`]; from [`WebIdentityProvider::builder`]. Every
/// setting not given is read from its environment variable at each refresh.
pub struct WebIdentityProviderBuilder {
    fixed: Settings,
    lookup: Option<Box<Lookup>>,
    session_name: Option<String>,
    duration: Duration,
    endpoint: Option<Endpoint>,
    client: Option<ClientBuilder>,
    refresh_before_expiry: Duration,
}

impl WebIdentityProvider {
    /// Reads the `TKE_*` variables at every refresh, with the default duration (7200 s)
    /// and a session name made of the crate's name and the time.
    pub fn from_env() -> Self {
        // The defaults need no checking.
        Self::builder().assemble(default_session_name(), STS_DEFAULT_DURATION.as_secs())
    }

    /// A builder: fix settings, the endpoint, the client, the duration.
    pub fn builder() -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder {
            fixed: Settings::default(),
            lookup: None,
            session_name: None,
            duration: STS_DEFAULT_DURATION,
            endpoint: None,
            client: None,
            refresh_before_expiry: REFRESH_BEFORE_EXPIRY,
        }
    }

    /// The session name sent as `RoleSessionName`.
    pub fn session_name(&self) -> &str {
        &self.inner.session_name
    }

    fn var(&self, name: &str) -> Option<String> {
        let value = match &self.inner.lookup {
            Some(lookup) => lookup(name),
            None => std::env::var(name).ok(),
        };
        value.filter(|value| !value.is_empty())
    }

    /// The settings of this refresh: fixed ones, then the environment.
    fn resolve(&self) -> Result<Resolved, CredentialsError> {
        let fixed = &self.inner.fixed;
        let region = fixed.region.clone().or_else(|| self.var(ENV_TKE_REGION));
        let provider_id = fixed
            .provider_id
            .clone()
            .or_else(|| self.var(ENV_TKE_PROVIDER_ID));
        let role_arn = fixed
            .role_arn
            .clone()
            .or_else(|| self.var(ENV_TKE_ROLE_ARN));
        let token_file = match &fixed.token_file {
            Some(path) => Some((path.clone(), "the builder's token_file")),
            None => self
                .var(ENV_TKE_WEB_IDENTITY_TOKEN_FILE)
                .map(|path| (PathBuf::from(path), ENV_TKE_WEB_IDENTITY_TOKEN_FILE))
                .or_else(|| {
                    self.var(ENV_TKE_IDENTITY_TOKEN_FILE)
                        .map(|path| (PathBuf::from(path), ENV_TKE_IDENTITY_TOKEN_FILE))
                }),
        };
        let mut missing = Vec::new();
        if region.is_none() {
            missing.push(ENV_TKE_REGION);
        }
        if provider_id.is_none() {
            missing.push(ENV_TKE_PROVIDER_ID);
        }
        if token_file.is_none() {
            missing.push(ENV_TKE_WEB_IDENTITY_TOKEN_FILE);
        }
        if role_arn.is_none() {
            missing.push(ENV_TKE_ROLE_ARN);
        }
        match (region, provider_id, token_file, role_arn) {
            (Some(region), Some(provider_id), Some(token_file), Some(role_arn)) => Ok(Resolved {
                region,
                provider_id,
                token_file,
                role_arn,
            }),
            _ if missing.len() == 4 => Err(CredentialsError::NotFound {
                looked_at: format!(
                    "the TKE web identity variables ({ENV_TKE_REGION}, {ENV_TKE_PROVIDER_ID}, \
                     {ENV_TKE_WEB_IDENTITY_TOKEN_FILE}, {ENV_TKE_ROLE_ARN}: none set)"
                ),
            }),
            _ => Err(CredentialsError::Incomplete {
                location: "the TKE web identity settings".to_owned(),
                missing: missing.join(", "),
            }),
        }
    }

    /// The STS client, built at the first fetch with that fetch's region.
    fn client(&self, region: &str) -> Result<&Client, CredentialsError> {
        if let Some(client) = self.inner.client.get() {
            return Ok(client);
        }
        let builder = self
            .inner
            .client_builder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let client = sts_client(builder, Unsigned, region, self.inner.endpoint.clone())?;
        Ok(self.inner.client.get_or_init(|| client))
    }

    async fn credential(&self) -> Result<Credential, CredentialsError> {
        self.inner.cache.get(|| self.fetch()).await
    }

    async fn fetch(&self) -> Result<Expiring, CredentialsError> {
        let settings = self.resolve()?;
        let token = read_token(&settings.token_file.0, settings.token_file.1)?;
        let client = self.client(&settings.region)?;
        let mut request = AssumeRoleWithWebIdentityRequest::new(
            settings.provider_id,
            String::from(token.as_str()),
            settings.role_arn.clone(),
            self.inner.session_name.clone(),
        );
        drop(token);
        request.duration_seconds = i64::try_from(self.inner.duration_seconds).ok();
        let result = client.call(&request).await;
        // The request holds the token: wipe it now.
        zeroize::Zeroize::zeroize(&mut request.web_identity_token);
        let answer = result.map_err(|error| StsError::AssumeRoleWithWebIdentity {
            role_arn: settings.role_arn.clone(),
            error: withhold_body(error),
        })?;
        let received_at = Instant::now();
        Ok(expiring(
            client,
            "AssumeRoleWithWebIdentity",
            &settings.role_arn,
            answer.credentials,
            answer.expired_time,
            &answer.request_id,
            received_at,
        )?)
    }
}

/// The token in `path`, trimmed; named by `variable` in every error.
fn read_token(path: &Path, variable: &str) -> Result<Zeroizing<String>, CredentialsError> {
    let file_error = |reason: String| CredentialsError::File {
        path: path.to_owned(),
        reason: format!("the web identity token file named by {variable}: {reason}"),
    };
    // A few KiB from a local file, as the profile file is read.
    let metadata = std::fs::metadata(path).map_err(|error| file_error(error.to_string()))?;
    if metadata.len() > MAX_TOKEN_BYTES {
        return Err(file_error(format!(
            "{} bytes, more than the {MAX_TOKEN_BYTES} a token may have",
            metadata.len()
        )));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|error| file_error(error.to_string()))?);
    let text = std::str::from_utf8(&bytes).map_err(|_| file_error("not UTF-8".to_owned()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(file_error("empty".to_owned()));
    }
    Ok(Zeroizing::new(token.to_owned()))
}

impl WebIdentityProviderBuilder {
    /// The region sent to STS, instead of [`ENV_TKE_REGION`].
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.fixed.region = Some(region.into());
        self
    }

    /// The OIDC provider's ID, instead of [`ENV_TKE_PROVIDER_ID`].
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.fixed.provider_id = Some(provider_id.into());
        self
    }

    /// The token file, instead of [`ENV_TKE_WEB_IDENTITY_TOKEN_FILE`]. It is read at
    /// every refresh.
    pub fn token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.fixed.token_file = Some(path.into());
        self
    }

    /// The role to assume, instead of [`ENV_TKE_ROLE_ARN`].
    pub fn role_arn(mut self, role_arn: impl Into<String>) -> Self {
        self.fixed.role_arn = Some(role_arn.into());
        self
    }

    /// Reads the variables through `lookup` instead of the process environment (for
    /// tests, or a configuration system).
    pub fn env_lookup<F>(mut self, lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        self.lookup = Some(Box::new(lookup));
        self
    }

    /// The session name (`RoleSessionName`). Default: `vpc-client-rust-` and the time
    /// in microseconds when the provider was built.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the credentials last, in whole seconds from 1 to 43200. Default: 7200 s.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// Where STS is. Default: the spec's host for STS; a test passes the local
    /// endpoint's URL.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// The settings of the client that calls STS (TLS, proxy, timeouts, retries, ...).
    /// It is built at the first refresh, with the region and endpoint of this provider
    /// and no credentials (the call is unsigned).
    pub fn client(mut self, builder: ClientBuilder) -> Self {
        self.client = Some(builder);
        self
    }

    /// How long before they expire the credentials are refreshed. Default: 300 s.
    pub fn refresh_before_expiry(mut self, margin: Duration) -> Self {
        self.refresh_before_expiry = margin;
        self
    }

    /// Builds the provider. Nothing is read or sent until credentials are asked for.
    ///
    /// # Errors
    ///
    /// [`CredentialsError::Other`] for an empty session name or a duration that is not
    /// 1 to 43200 whole seconds.
    pub fn build(mut self) -> Result<WebIdentityProvider, CredentialsError> {
        let session_name = self
            .session_name
            .take()
            .unwrap_or_else(default_session_name);
        if session_name.is_empty() {
            return Err(CredentialsError::other(
                "AssumeRoleWithWebIdentity needs a session name",
            ));
        }
        let duration_seconds = duration_seconds(self.duration)?;
        Ok(self.assemble(session_name, duration_seconds))
    }

    fn assemble(self, session_name: String, duration_seconds: u64) -> WebIdentityProvider {
        WebIdentityProvider {
            inner: Arc::new(Inner {
                fixed: self.fixed,
                lookup: self.lookup,
                session_name,
                duration_seconds,
                endpoint: self.endpoint,
                client_builder: Mutex::new(self.client),
                client: OnceLock::new(),
                cache: RefreshCache::new(self.refresh_before_expiry, REFRESH_BACKOFF),
            }),
        }
    }
}

impl Default for WebIdentityProvider {
    fn default() -> Self {
        Self::from_env()
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("region", &self.region)
            .field("provider_id", &self.provider_id)
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .finish()
    }
}

impl fmt::Debug for WebIdentityProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProviderBuilder")
            .field("fixed", &self.fixed)
            .field("env_lookup", &self.lookup.as_ref().map(|_| "<custom>"))
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("endpoint", &self.endpoint)
            .field("client", &self.client)
            .field("refresh_before_expiry", &self.refresh_before_expiry)
            .finish()
    }
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("WebIdentityProvider")
            .field("fixed", &inner.fixed)
            .field("session_name", &inner.session_name)
            .field("duration_seconds", &inner.duration_seconds)
            .field("endpoint", &inner.endpoint)
            .field("cache", &inner.cache)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.credential())
    }

    fn name(&self) -> &str {
        "TKE web identity"
    }
}
