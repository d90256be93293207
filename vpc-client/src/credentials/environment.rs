//! [`EnvProvider`]: credentials from the `TENCENTCLOUD_*` environment variables.

use std::fmt;

use zeroize::Zeroizing;

use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};

/// Environment variable holding the SecretId, read by [`EnvProvider`].
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";

/// Environment variable holding the SecretKey, read by [`EnvProvider`].
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";

/// Environment variable holding the session token of temporary credentials, read by
/// [`EnvProvider`] when it is set and not empty.
///
/// The official SDKs read only the SecretId and SecretKey from the environment; this
/// name follows the `TENCENTCLOUD_` prefix of the other two and the `SESSION_TOKEN`
/// wording other clouds use for the same thing.
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

/// Reads credentials from the environment.
///
/// Variables: [`ENV_SECRET_ID`] (`TENCENTCLOUD_SECRET_ID`), [`ENV_SECRET_KEY`]
/// (`TENCENTCLOUD_SECRET_KEY`) and, optionally, [`ENV_SESSION_TOKEN`]
/// (`TENCENTCLOUD_SESSION_TOKEN`) for temporary credentials. An empty variable counts
/// as unset, and so does one that is not valid Unicode. Neither SecretId nor SecretKey
/// set gives [`CredentialsError::NotFound`]; only one of them set gives
/// [`CredentialsError::Incomplete`].
///
/// The variables are read each time credentials are asked for, through a lookup
/// function: [`EnvProvider::new`] reads the process environment,
/// [`EnvProvider::from_lookup`] anything else (tests, a map of settings).
pub struct EnvProvider {
    lookup: Box<EnvLookup>,
}

/// How [`EnvProvider`] reads a variable.
type EnvLookup = dyn Fn(&str) -> Option<String> + Send + Sync;

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup`, which returns a variable's value or `None`.
    pub fn from_lookup<F>(lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String> + Send + Sync + 'static,
    {
        Self {
            lookup: Box::new(lookup),
        }
    }

    fn var(&self, name: &str) -> Option<Zeroizing<String>> {
        (self.lookup)(name)
            .map(Zeroizing::new)
            .filter(|value| !value.is_empty())
    }

    fn load(&self) -> Result<Credential, CredentialsError> {
        let secret_id = self.var(ENV_SECRET_ID);
        let secret_key = self.var(ENV_SECRET_KEY);
        let (secret_id, secret_key) = match (secret_id, secret_key) {
            (Some(id), Some(key)) => (id, key),
            (None, None) => {
                return Err(CredentialsError::NotFound {
                    looked_at: format!(
                        "environment variables {ENV_SECRET_ID} and {ENV_SECRET_KEY}"
                    ),
                });
            }
            (id, _) => {
                let missing = if id.is_none() {
                    ENV_SECRET_ID
                } else {
                    ENV_SECRET_KEY
                };
                return Err(CredentialsError::Incomplete {
                    location: "environment".to_owned(),
                    missing: missing.to_owned(),
                });
            }
        };
        let mut credential = Credential::new(secret_id.as_str(), secret_key.as_str());
        if let Some(token) = self.var(ENV_SESSION_TOKEN) {
            credential = credential.with_token(token.as_str());
        }
        Ok(credential)
    }
}

impl Default for EnvProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProvider").finish_non_exhaustive()
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }

    fn name(&self) -> &str {
        "environment"
    }
}
