//! Credentials: a SecretId, a SecretKey and an optional session token, and the
//! providers that find them.
//!
//! A [`Credential`] is one set of keys. A [`ProvideCredentials`] implementation finds
//! one, asynchronously so that providers which ask a server (the CVM instance role) fit
//! the same interface as the local ones:
//!
//! - [`Credential`] itself: static credentials given in code.
//! - [`EnvProvider`]: the environment variables [`ENV_SECRET_ID`], [`ENV_SECRET_KEY`]
//!   and, optionally, [`ENV_SESSION_TOKEN`].
//! - [`ProfileProvider`]: the INI file `~/.tencentcloud/credentials`, else
//!   `/etc/tencentcloud/credentials`, as the official SDKs read it.
//! - [`InstanceRoleProvider`]: the temporary credentials of the CAM role attached to a
//!   CVM instance, from the instance metadata service, cached and refreshed 300 s
//!   before they expire.
//! - [`WebIdentityProvider`]: a pod's identity on TKE, its OIDC token exchanged for a
//!   CAM role's temporary credentials by STS `AssumeRoleWithWebIdentity` (unsigned).
//! - [`AssumeRoleProvider`]: a CAM role's temporary credentials from STS `AssumeRole`,
//!   signed with the credentials of any other provider.
//! - [`DefaultChain`]: tries providers in order (by default environment, then TKE web
//!   identity, then profile file, then CVM instance role) and returns the first
//!   credentials found.
//!
//! The three providers whose credentials expire (instance role, web identity, assume
//! role) share one refresh cache: credentials are refreshed [`REFRESH_BEFORE_EXPIRY`]
//! before they expire, by one fetch that every waiting caller and every clone shares.
//!
//! Secrets never appear in `Debug` or `Display` output of any type in this module, nor
//! in any [`CredentialsError`]; the secret key and the token are kept in
//! [`Zeroizing`] buffers that are wiped when dropped.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

mod assume_role;
mod cache;
mod chain;
mod environment;
mod instance_role;
mod profile;
mod sts;
mod web_identity;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder};
pub use cache::{REFRESH_BACKOFF, REFRESH_BEFORE_EXPIRY};
pub use chain::DefaultChain;
pub use environment::{ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, EnvProvider};
pub use instance_role::{
    INSTANCE_METADATA_URL, INSTANCE_ROLE_PATH, INSTANCE_ROLE_REFRESH_BACKOFF,
    INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY, InstanceRoleProvider, InstanceRoleProviderBuilder,
};
pub use profile::{
    DEFAULT_PROFILE, ENV_PROFILE, ProfileProvider, SYSTEM_CREDENTIALS_FILE, USER_CREDENTIALS_FILE,
};
pub use sts::{STS_DEFAULT_DURATION, STS_DEFAULT_REGION, StsError};
pub use web_identity::{
    ENV_TKE_IDENTITY_TOKEN_FILE, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE, WebIdentityProvider, WebIdentityProviderBuilder,
};

/// One set of Tencent Cloud API credentials.
///
/// The secret key and the token are wiped from memory when the last clone is dropped
/// and never appear in `Debug` output. Clones share one copy of the secrets (cloning
/// is a reference count, not a copy), so a client that hands the same credentials to
/// every call keeps one copy of them in memory and copies nothing per call.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    secrets: Arc<Secrets>,
}

/// What a [`Credential`] and its clones share.
#[derive(Clone, PartialEq, Eq)]
struct Secrets {
    secret_id: String,
    secret_key: Zeroizing<String>,
    token: Option<Zeroizing<String>>,
}

impl Credential {
    /// Long-term credentials: a SecretId and its SecretKey.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            secrets: Arc::new(Secrets {
                secret_id: secret_id.into(),
                secret_key: Zeroizing::new(secret_key.into()),
                token: None,
            }),
        }
    }

    /// Adds a session token (temporary credentials), sent as `X-TC-Token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.secrets).token = Some(Zeroizing::new(token.into()));
        self
    }

    /// The SecretId, which is not a secret and is sent in every `Authorization` header.
    pub fn secret_id(&self) -> &str {
        &self.secrets.secret_id
    }

    /// The SecretKey. Handle with care: never log it.
    pub fn secret_key(&self) -> &str {
        &self.secrets.secret_key
    }

    /// The session token of temporary credentials, if any. Never log it.
    pub fn token(&self) -> Option<&str> {
        self.secrets.token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secrets.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.secrets.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Wipes the secret key and the token now (and the SecretId with them), leaving this
/// `Credential` empty. When clones share the secrets, this one lets go of them instead,
/// and they are wiped when the last clone drops; dropping a `Credential` does the same.
impl Zeroize for Credential {
    fn zeroize(&mut self) {
        match Arc::get_mut(&mut self.secrets) {
            Some(secrets) => {
                secrets.secret_id.zeroize();
                secrets.secret_key.zeroize();
                secrets.token.zeroize();
            }
            None => self.secrets = Arc::new(Secrets::empty()),
        }
    }
}

impl Secrets {
    fn empty() -> Self {
        Self {
            secret_id: String::new(),
            secret_key: Zeroizing::new(String::new()),
            token: None,
        }
    }
}

/// Every secret field is a [`Zeroizing`] buffer, wiped when the last clone drops.
impl ZeroizeOnDrop for Credential {}

/// The future a [`ProvideCredentials`] implementation returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credential, CredentialsError>> + Send + 'a>>;

/// A source of credentials.
///
/// The method returns a boxed future so that the trait stays object safe
/// (`Box<dyn ProvideCredentials>`, `Arc<dyn ProvideCredentials>`) and providers that
/// must ask a server can do so without blocking. `Debug` output of an implementation
/// must never contain a secret.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Finds credentials, or says why there are none.
    ///
    /// A provider that found nothing where it looked returns
    /// [`CredentialsError::NotFound`], which lets a [`DefaultChain`] go on to the next
    /// provider; any other error stops the chain.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;

    /// Credentials the provider holds already and can hand over without waiting
    /// (static credentials), or `None` (the default) to be asked through
    /// [`provide_credentials`](Self::provide_credentials). The client asks this first
    /// on every attempt, which spares it a boxed future per call.
    fn credentials_now(&self) -> Option<Credential> {
        None
    }

    /// A short name for error messages, such as `environment` or `profile file`.
    fn name(&self) -> &str {
        "custom provider"
    }
}

/// Static credentials provide themselves.
impl ProvideCredentials for Credential {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }

    fn credentials_now(&self) -> Option<Credential> {
        Some(self.clone())
    }

    fn name(&self) -> &str {
        "static credentials"
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn credentials_now(&self) -> Option<Credential> {
        (**self).credentials_now()
    }

    fn name(&self) -> &str {
        (**self).name()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn credentials_now(&self) -> Option<Credential> {
        (**self).credentials_now()
    }

    fn name(&self) -> &str {
        (**self).name()
    }
}

/// Why no credentials could be provided.
///
/// No variant ever holds a secret key or a token: messages name the places looked at
/// (environment variable names, file paths, profile names) and what was wrong there.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The provider found no credentials where it looked.
    #[error("no credentials found in {looked_at}")]
    NotFound {
        /// What was looked at, for example the environment variable names or the files
        /// and profile.
        looked_at: String,
    },

    /// Credentials were found but a required part of them is missing or empty.
    #[error("incomplete credentials in {location}: {missing} missing or empty")]
    Incomplete {
        /// Where the partial credentials are (an environment, a file and profile).
        location: String,
        /// Which required parts are missing, for example `TENCENTCLOUD_SECRET_KEY`.
        missing: String,
    },

    /// A credentials file exists but could not be read or parsed.
    #[error("cannot use credentials file {}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong (an I/O error, invalid UTF-8, a syntax error's position).
        reason: String,
    },

    /// Every provider of a [`DefaultChain`] failed, or one failed in a way that stops
    /// the chain; lists each provider tried, in order, with its error.
    #[error("{}", ChainMessage(failures))]
    Chain {
        /// The providers tried, in order, each with the reason it failed.
        failures: Vec<ProviderFailure>,
    },

    /// An STS call of [`AssumeRoleProvider`] or [`WebIdentityProvider`] failed: the
    /// typed error of the call, with code, message and RequestId. Callers that waited
    /// for the same refresh share it.
    #[error(transparent)]
    Sts(Arc<StsError>),

    /// Any other failure of a provider, for implementations outside this module.
    #[error("{message}")]
    Other {
        /// What went wrong; must not contain a secret.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    },
}

impl CredentialsError {
    /// An [`Other`](Self::Other) error with a message and no underlying error.
    pub fn other(message: impl Into<String>) -> Self {
        Self::Other {
            message: message.into(),
            source: None,
        }
    }

    /// True when the provider (or every provider of a chain) simply found nothing,
    /// as opposed to finding something broken: a chain goes on after such an error.
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::NotFound { .. } => true,
            Self::Chain { failures } => failures.iter().all(|f| f.error.is_not_found()),
            Self::Incomplete { .. } | Self::File { .. } | Self::Sts(_) | Self::Other { .. } => {
                false
            }
        }
    }
}

/// One provider of a chain and the reason it gave no credentials.
#[derive(Debug)]
#[non_exhaustive]
pub struct ProviderFailure {
    /// The provider's [`name`](ProvideCredentials::name).
    pub provider: String,
    /// Its error.
    pub error: CredentialsError,
}

impl fmt::Display for ProviderFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.provider, self.error)
    }
}

struct ChainMessage<'a>(&'a [ProviderFailure]);

impl fmt::Display for ChainMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((first, rest)) = self.0.split_first() else {
            return f.write_str("no credentials: the provider chain is empty");
        };
        write!(f, "no credentials from the provider chain; tried {first}")?;
        for failure in rest {
            write!(f, "; then {failure}")?;
        }
        Ok(())
    }
}
