//! [`AssumeRoleProvider`]: a CAM role's temporary credentials from STS `AssumeRole`,
//! signed with other credentials, cached and refreshed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::cache::{REFRESH_BACKOFF, REFRESH_BEFORE_EXPIRY, RefreshCache};
use super::sts::{
    STS_DEFAULT_DURATION, STS_DEFAULT_REGION, StsError, duration_seconds, expiring, sts_client,
    withhold_body,
};
use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::sts::AssumeRoleRequest;
use crate::{Client, ClientBuilder, Endpoint};

/// The temporary credentials of a CAM role, from STS `AssumeRole`, as the official
/// SDKs' role-ARN provider gets them: for a user with long-term keys who works in
/// another account, or with fewer permissions than the keys have.
///
/// The `AssumeRole` call is signed with the credentials of a source provider (any
/// [`ProvideCredentials`]: static keys, the environment, a profile, even another
/// role) and goes through a [`Client`] of this crate, so it is paced, retried and
/// decoded like any call; an error STS answers comes back typed, with its code,
/// message and RequestId ([`CredentialsError::Sts`], [`StsError::AssumeRole`]).
///
/// **Caching.** The credentials are kept until fewer than
/// [`REFRESH_BEFORE_EXPIRY`] (300 s, or
/// [`refresh_before_expiry`](AssumeRoleProviderBuilder::refresh_before_expiry)) remain,
/// then fetched again. One fetch at a time is shared by every caller and every clone:
/// callers with valid credentials never wait for a refresh, callers without share the
/// fetch in flight, and a failed refresh of credentials that still work is retried
/// after [`REFRESH_BACKOFF`] (10 s) — the rules of the instance-role provider, from
/// the same code.
///
/// ```no_run
/// use vpc_client::credentials::{AssumeRoleProvider, Credential};
/// use vpc_client::Client;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let role = AssumeRoleProvider::builder(
///     Credential::new("AKID...", "..."),
///     "qcs::cam::uin/100000000001:roleName/deployer",
///     "nightly-cleanup",
/// )
/// .build()?;
/// let client = Client::builder().credentials(role).region("ap-guangzhou").build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// `Debug` output shows the role, the session name and how long the cached
/// credentials have left, never a secret.
#[derive(Clone)]
pub struct AssumeRoleProvider {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    role_arn: String,
    session_name: String,
    duration_seconds: u64,
    policy: Option<String>,
    external_id: Option<String>,
    cache: RefreshCache,
}

/// Configures an [`AssumeRoleProvider`]; from [`AssumeRoleProvider::builder`].
pub struct AssumeRoleProviderBuilder {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    external_id: Option<String>,
    region: String,
    endpoint: Option<Endpoint>,
    client: Option<ClientBuilder>,
    refresh_before_expiry: Duration,
}

impl AssumeRoleProvider {
    /// A builder for the role `role_arn` (`qcs::cam::uin/<account>:roleName/<name>`),
    /// assumed as the session `session_name` (shown in CloudAudit), with credentials
    /// from `source` to sign the `AssumeRole` call.
    pub fn builder(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            source: Arc::new(source),
            role_arn: role_arn.into(),
            session_name: session_name.into(),
            duration: STS_DEFAULT_DURATION,
            policy: None,
            external_id: None,
            region: STS_DEFAULT_REGION.to_owned(),
            endpoint: None,
            client: None,
            refresh_before_expiry: REFRESH_BEFORE_EXPIRY,
        }
    }

    /// The role assumed.
    pub fn role_arn(&self) -> &str {
        &self.inner.role_arn
    }

    /// The session name sent as `RoleSessionName`.
    pub fn session_name(&self) -> &str {
        &self.inner.session_name
    }

    async fn credential(&self) -> Result<Credential, CredentialsError> {
        self.inner.cache.get(|| self.fetch()).await
    }

    async fn fetch(&self) -> Result<super::cache::Expiring, CredentialsError> {
        let inner = &*self.inner;
        let mut request =
            AssumeRoleRequest::new(inner.role_arn.clone(), inner.session_name.clone());
        request.duration_seconds = Some(inner.duration_seconds);
        request.policy = inner.policy.clone();
        request.external_id = inner.external_id.clone();
        let answer = inner
            .client
            .call(&request)
            .await
            .map_err(|error| StsError::AssumeRole {
                role_arn: inner.role_arn.clone(),
                error: withhold_body(error),
            })?;
        let received_at = Instant::now();
        Ok(expiring(
            &inner.client,
            "AssumeRole",
            &inner.role_arn,
            answer.credentials,
            // A time before the epoch is simply expired.
            answer
                .expired_time
                .map(|seconds| u64::try_from(seconds).unwrap_or(0)),
            &answer.request_id,
            received_at,
        )?)
    }
}

impl AssumeRoleProviderBuilder {
    /// How long the credentials last, in whole seconds from 1 to 43200
    /// (`DurationSeconds`). Default: [`STS_DEFAULT_DURATION`](super::STS_DEFAULT_DURATION), 7200 s.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// A policy (CAM policy JSON) that narrows the role's permissions for this session.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// The external ID the role's trust policy asks for (`ExternalId`).
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The region sent to STS. Default: [`STS_DEFAULT_REGION`](super::STS_DEFAULT_REGION).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Where STS is. Default: the spec's host for STS, `sts.tencentcloudapi.com`; a test
    /// passes the local endpoint's URL.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// The settings of the client that calls STS (TLS, proxy, timeouts, retries, ...).
    /// Its credentials become the source's, and its region and endpoint this
    /// builder's.
    pub fn client(mut self, builder: ClientBuilder) -> Self {
        self.client = Some(builder);
        self
    }

    /// How long before they expire the credentials are refreshed. Default:
    /// [`REFRESH_BEFORE_EXPIRY`], 300 s.
    pub fn refresh_before_expiry(mut self, margin: Duration) -> Self {
        self.refresh_before_expiry = margin;
        self
    }

    /// Builds the provider. Nothing is sent until credentials are asked for.
    ///
    /// # Errors
    ///
    /// [`CredentialsError::Other`] for an empty role ARN or session name, a duration
    /// that is not 1 to 43200 whole seconds, or a client that cannot be built (its
    /// [`BuildError`](crate::BuildError) is the source).
    pub fn build(self) -> Result<AssumeRoleProvider, CredentialsError> {
        if self.role_arn.is_empty() {
            return Err(CredentialsError::other("AssumeRole needs a role ARN"));
        }
        if self.session_name.is_empty() {
            return Err(CredentialsError::other("AssumeRole needs a session name"));
        }
        let duration_seconds = duration_seconds(self.duration)?;
        let client = sts_client(self.client, self.source, &self.region, self.endpoint)?;
        Ok(AssumeRoleProvider {
            inner: Arc::new(Inner {
                client,
                role_arn: self.role_arn,
                session_name: self.session_name,
                duration_seconds,
                policy: self.policy,
                external_id: self.external_id,
                cache: RefreshCache::new(self.refresh_before_expiry, REFRESH_BACKOFF),
            }),
        })
    }
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("source", &self.source)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("policy", &self.policy.as_ref().map(|_| "<set>"))
            .field("external_id", &self.external_id.as_ref().map(|_| "<set>"))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("client", &self.client)
            .field("refresh_before_expiry", &self.refresh_before_expiry)
            .finish()
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &inner.role_arn)
            .field("session_name", &inner.session_name)
            .field("duration_seconds", &inner.duration_seconds)
            .field("client", &inner.client)
            .field("cache", &inner.cache)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.credential())
    }

    fn name(&self) -> &str {
        "assume role"
    }
}
