//! What the two STS providers share: the STS client they call through, the error an
//! STS call fails with ([`StsError`]), and turning an STS answer into credentials that
//! expire.

use std::sync::Arc;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::cache::Expiring;
use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};
use crate::clock::unix_now;
use crate::sts::{AssumeRoleError, AssumeRoleWithWebIdentityError, Credentials};
use crate::{Client, ClientBuilder, Endpoint, Error};

/// The region the STS providers send by default: STS answers in every region, and
/// `ap-guangzhou` is the one the official SDKs' role providers use.
pub const STS_DEFAULT_REGION: &str = "ap-guangzhou";

/// How long temporary credentials asked of STS last by default: 7200 s, the official
/// SDKs' default.
pub const STS_DEFAULT_DURATION: Duration = Duration::from_secs(7200);

/// The longest `DurationSeconds` STS accepts: 43200 s (12 hours).
const MAX_DURATION_SECONDS: u64 = 43_200;

/// Why an STS call of [`AssumeRoleProvider`](super::AssumeRoleProvider) or
/// [`WebIdentityProvider`](super::WebIdentityProvider) gave no credentials. The STS
/// errors are typed: match the call's [`Error`] for the code, the message and the
/// RequestId.
///
/// Callers that waited for the same refresh share one `StsError` (it is inside an
/// [`Arc`] in [`CredentialsError::Sts`]). No variant holds a secret: the body of an
/// STS answer that could not be decoded (which may hold credentials) is withheld.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StsError {
    /// `AssumeRole` failed.
    #[error("STS AssumeRole of role {role_arn} failed: {error}")]
    AssumeRole {
        /// The role asked for.
        role_arn: String,
        /// The call's error: [`Error::Service`] for an error STS answered.
        error: Error<AssumeRoleError>,
    },
    /// `AssumeRoleWithWebIdentity` failed.
    #[error("STS AssumeRoleWithWebIdentity of role {role_arn} failed: {error}")]
    AssumeRoleWithWebIdentity {
        /// The role asked for.
        role_arn: String,
        /// The call's error: [`Error::Service`] for an error STS answered.
        error: Error<AssumeRoleWithWebIdentityError>,
    },
    /// STS answered success without complete credentials.
    #[error("STS {action} of role {role_arn} answered without {missing} (RequestId {request_id})")]
    Incomplete {
        /// The action called.
        action: &'static str,
        /// The role asked for.
        role_arn: String,
        /// What the answer lacks, for example `Credentials.Token, ExpiredTime`.
        missing: String,
        /// The answer's RequestId.
        request_id: String,
    },
}

impl StsError {
    /// The service error STS answered, with its code, message and RequestId, if the
    /// call failed with one.
    pub fn service_error(&self) -> Option<&crate::ServiceError> {
        match self {
            Self::AssumeRole { error, .. } => error.service_error(),
            Self::AssumeRoleWithWebIdentity { error, .. } => error.service_error(),
            Self::Incomplete { .. } => None,
        }
    }
}

impl From<StsError> for CredentialsError {
    fn from(error: StsError) -> Self {
        Self::Sts(Arc::new(error))
    }
}

/// An STS call's error with the body of an undecodable answer withheld: a success
/// answer that failed to decode holds the temporary credentials.
pub(crate) fn withhold_body<E>(error: Error<E>) -> Error<E> {
    match error {
        Error::Response(mut response) => {
            withhold(&mut response);
            Error::Response(response)
        }
        Error::Exhausted(mut exhausted) => {
            if let Error::Response(response) = &mut exhausted.last {
                withhold(response);
            }
            Error::Exhausted(exhausted)
        }
        other => other,
    }
}

fn withhold(response: &mut crate::ResponseError) {
    response.body_excerpt = "(withheld: an STS answer may hold credentials)".to_owned();
    if let crate::ResponseErrorKind::Mismatch { message, .. } = &mut response.kind {
        // serde's message can quote the value that did not match.
        *message = "(withheld)".to_owned();
    }
}

/// Credentials from an STS answer's `Credentials` and `ExpiredTime`, expiring on the
/// local monotonic clock: the lifetime is `ExpiredTime` minus the server's time (the
/// local time corrected by the client's learnt clock offset), less one second.
pub(crate) fn expiring(
    client: &Client,
    action: &'static str,
    role_arn: &str,
    credentials: Option<Credentials>,
    expired_time: Option<u64>,
    request_id: &str,
    received_at: Instant,
) -> Result<Expiring, StsError> {
    let mut missing = Vec::new();
    let (mut id, mut key, mut token) = match credentials {
        Some(mut credentials) => (
            credentials.tmp_secret_id.take().unwrap_or_default(),
            Zeroizing::new(credentials.tmp_secret_key.take().unwrap_or_default()),
            Zeroizing::new(credentials.token.take().unwrap_or_default()),
        ),
        None => (
            String::new(),
            Zeroizing::new(String::new()),
            Zeroizing::new(String::new()),
        ),
    };
    if id.is_empty() {
        missing.push("Credentials.TmpSecretId");
    }
    if key.is_empty() {
        missing.push("Credentials.TmpSecretKey");
    }
    if token.is_empty() {
        missing.push("Credentials.Token");
    }
    if expired_time.is_none() {
        missing.push("ExpiredTime");
    }
    let Some(expired_time) = expired_time.filter(|_| missing.is_empty()) else {
        return Err(StsError::Incomplete {
            action,
            role_arn: role_arn.to_owned(),
            missing: missing.join(", "),
            request_id: request_id.to_owned(),
        });
    };
    // One second more than the clock says: `ExpiredTime` and the clock count whole
    // seconds, so the credentials may expire up to a second sooner than the difference
    // says, and are never taken for valid after STS's own clock expired them.
    let server_now = unix_now()
        .saturating_add_signed(client.clock_offset())
        .saturating_add(1);
    let credential = Credential::new(std::mem::take(&mut id), std::mem::take(&mut *key))
        .with_token(std::mem::take(&mut *token));
    Ok(Expiring::at_server_time(
        credential,
        expired_time,
        server_now,
        received_at,
    ))
}

/// `DurationSeconds` for a duration: whole seconds, 1 to 43200.
pub(crate) fn duration_seconds(duration: Duration) -> Result<u64, CredentialsError> {
    let seconds = duration.as_secs();
    if !(1..=MAX_DURATION_SECONDS).contains(&seconds) || duration.subsec_nanos() != 0 {
        return Err(CredentialsError::other(format!(
            "invalid STS credentials duration {duration:?}: whole seconds from 1 to \
             {MAX_DURATION_SECONDS} expected"
        )));
    }
    Ok(seconds)
}

/// The STS client of a provider: the user's builder (or a default one), with the
/// provider's credentials, region and endpoint.
pub(crate) fn sts_client(
    builder: Option<ClientBuilder>,
    credentials: impl ProvideCredentials + 'static,
    region: &str,
    endpoint: Option<Endpoint>,
) -> Result<Client, CredentialsError> {
    let mut builder = builder
        .unwrap_or_default()
        .credentials(credentials)
        .region(region);
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint(endpoint);
    }
    builder.build().map_err(|error| CredentialsError::Other {
        message: "cannot build the STS client".to_owned(),
        source: Some(Box::new(error)),
    })
}

/// The credentials of an unsigned STS call (`AssumeRoleWithWebIdentity`): there are
/// none, and the client never asks for them for an action sent with
/// `Authorization: SKIP`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unsigned;

impl ProvideCredentials for Unsigned {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(std::future::ready(Err(CredentialsError::other(
            "no credentials: this STS client sends only unsigned actions",
        ))))
    }

    fn name(&self) -> &str {
        "unsigned"
    }
}

/// A session name the providers use when given none: the crate's name and the time in
/// microseconds, as the official SDKs make theirs.
pub(crate) fn default_session_name() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros());
    format!("vpc-client-rust-{micros}")
}
