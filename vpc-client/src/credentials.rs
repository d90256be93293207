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
//! - [`DefaultChain`]: tries providers in order (by default environment, then profile
//!   file, then CVM instance role) and returns the first credentials found.
//!
//! Secrets never appear in `Debug` or `Display` output of any type in this module, nor
//! in any [`CredentialsError`]; the secret key and the token are kept in
//! [`Zeroizing`] buffers that are wiped when dropped.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ini::{Ini, ParseOption};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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

/// Environment variable naming the profile (INI section) [`ProfileProvider::new`] reads.
pub const ENV_PROFILE: &str = "TENCENTCLOUD_PROFILE";

/// The profile [`ProfileProvider`] reads when none is chosen: `[default]`.
pub const DEFAULT_PROFILE: &str = "default";

/// The credentials file under the home directory, relative to `$HOME`.
pub const USER_CREDENTIALS_FILE: &str = ".tencentcloud/credentials";

/// The system-wide credentials file, read when the user's file does not exist.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";

/// Credentials files larger than this are refused rather than read.
const MAX_FILE_LEN: u64 = 1024 * 1024;

/// One set of Tencent Cloud API credentials.
///
/// The secret key and the token are wiped from memory when the value is dropped and
/// never appear in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    secret_id: String,
    secret_key: Zeroizing<String>,
    token: Option<Zeroizing<String>>,
}

impl Credential {
    /// Long-term credentials: a SecretId and its SecretKey.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            secret_id: secret_id.into(),
            secret_key: Zeroizing::new(secret_key.into()),
            token: None,
        }
    }

    /// Adds a session token (temporary credentials), sent as `X-TC-Token`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Zeroizing::new(token.into()));
        self
    }

    /// The SecretId, which is not a secret and is sent in every `Authorization` header.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The SecretKey. Handle with care: never log it.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The session token of temporary credentials, if any. Never log it.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Wipes the secret key and the token now (and the SecretId with them), leaving empty
/// credentials. Dropping a `Credential` does the same to the secret key and the token.
impl Zeroize for Credential {
    fn zeroize(&mut self) {
        self.secret_id.zeroize();
        self.secret_key.zeroize();
        self.token.zeroize();
    }
}

/// Every secret field is a [`Zeroizing`] buffer, wiped when the `Credential` drops.
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

    fn name(&self) -> &str {
        "static credentials"
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }

    fn name(&self) -> &str {
        (**self).name()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
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
            Self::Incomplete { .. } | Self::File { .. } | Self::Other { .. } => false,
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

/// Reads credentials from an INI profile file, as the official SDKs do.
///
/// [`ProfileProvider::new`] looks at `$HOME/.tencentcloud/credentials` and, only when
/// that file does not exist, at `/etc/tencentcloud/credentials`; the first file that
/// exists is the one used. It reads the section named by [`ENV_PROFILE`]
/// (`TENCENTCLOUD_PROFILE`) when that is set and not empty, else `[default]`;
/// [`ProfileProvider::profile`] chooses another. In the section, `secret_id` and
/// `secret_key` are required and `token` is optional:
///
/// ```ini
/// [default]
/// secret_id = AKID...
/// secret_key = ...
///
/// [temporary]
/// secret_id = AKID...
/// secret_key = ...
/// token = ...
/// ```
///
/// Values are taken literally, as Python's `configparser` (used by the official
/// Python SDK) takes them: surrounding whitespace is trimmed, quotes and backslashes
/// are kept. Keys and section names are case sensitive. A profile defined twice in
/// one file is refused as ambiguous. The file is read with blocking I/O when the
/// future is polled; it is a small local file (larger than 1 MiB is refused).
///
/// Errors name the file and the profile, never a value from the file.
#[derive(Clone)]
pub struct ProfileProvider {
    paths: Vec<PathBuf>,
    profile: String,
}

impl ProfileProvider {
    /// The standard files and profile, found through the process environment
    /// (`HOME` and `TENCENTCLOUD_PROFILE`) when called.
    pub fn new() -> Self {
        Self::from_env_lookup(|name| std::env::var(name).ok())
    }

    /// The standard files and profile, finding `HOME` and `TENCENTCLOUD_PROFILE`
    /// through `lookup` instead of the process environment. Without a non-empty
    /// `HOME`, only `/etc/tencentcloud/credentials` is looked at.
    pub fn from_env_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut paths = Vec::with_capacity(2);
        if let Some(home) = lookup("HOME").filter(|home| !home.is_empty()) {
            paths.push(Path::new(&home).join(USER_CREDENTIALS_FILE));
        }
        paths.push(PathBuf::from(SYSTEM_CREDENTIALS_FILE));
        let profile = lookup(ENV_PROFILE)
            .filter(|profile| !profile.is_empty())
            .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
        Self { paths, profile }
    }

    /// Looks at the given files, in order, using the first one that exists, and reads
    /// the `[default]` profile (the environment is not consulted).
    pub fn with_paths<I, P>(paths: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        Self {
            paths: paths.into_iter().map(Into::into).collect(),
            profile: DEFAULT_PROFILE.to_owned(),
        }
    }

    /// Reads the named profile (INI section) instead.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = name.into();
        self
    }

    /// The profile this provider reads.
    pub fn profile_name(&self) -> &str {
        &self.profile
    }

    /// The files this provider looks at, in order.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    fn load(&self) -> Result<Credential, CredentialsError> {
        for path in &self.paths {
            match File::open(path) {
                Ok(file) => return self.load_file(path, file),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(file_error(path, e.to_string())),
            }
        }
        let looked_at = if self.paths.is_empty() {
            "no credentials file (none configured)".to_owned()
        } else {
            let files: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
            format!(
                "credentials files {} (none exists; profile [{}])",
                files.join(", "),
                self.profile
            )
        };
        Err(CredentialsError::NotFound { looked_at })
    }

    fn load_file(&self, path: &Path, file: File) -> Result<Credential, CredentialsError> {
        let mut bytes = Zeroizing::new(Vec::new());
        file.take(MAX_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| file_error(path, e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE_LEN {
            return Err(file_error(path, "larger than 1 MiB".to_owned()));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| file_error(path, "not valid UTF-8".to_owned()))?;
        let options = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ParseOption::default()
        };
        // The parser's own message can quote a character of the file: report only
        // the position.
        let ini = Ini::load_from_str_opt(text, options).map_err(|e| {
            file_error(
                path,
                format!("syntax error at line {}, column {}", e.line, e.col),
            )
        })?;
        let ini = WipeOnDrop(ini);

        let location = || format!("profile [{}] of {}", self.profile, path.display());
        let mut sections = ini.0.section_all(Some(self.profile.as_str()));
        let Some(section) = sections.next() else {
            return Err(CredentialsError::NotFound {
                looked_at: location(),
            });
        };
        if sections.next().is_some() {
            return Err(file_error(
                path,
                format!("profile [{}] is defined more than once", self.profile),
            ));
        }
        let value = |key: &str| section.get(key).filter(|v| !v.is_empty());
        match (value("secret_id"), value("secret_key")) {
            (Some(id), Some(key)) => {
                let credential = Credential::new(id, key);
                Ok(match value("token") {
                    Some(token) => credential.with_token(token),
                    None => credential,
                })
            }
            (id, key) => {
                let missing = match (id, key) {
                    (None, None) => "secret_id and secret_key",
                    (None, Some(_)) => "secret_id",
                    _ => "secret_key",
                };
                Err(CredentialsError::Incomplete {
                    location: location(),
                    missing: missing.to_owned(),
                })
            }
        }
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("paths", &self.paths)
            .field("profile", &self.profile)
            .finish()
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }

    fn name(&self) -> &str {
        "profile file"
    }
}

fn file_error(path: &Path, reason: String) -> CredentialsError {
    CredentialsError::File {
        path: path.to_owned(),
        reason,
    }
}

/// A parsed INI document whose values (secrets among them) are wiped when dropped.
///
/// Best effort: the parser may have left copies in memory it reallocated.
struct WipeOnDrop(Ini);

impl Drop for WipeOnDrop {
    fn drop(&mut self) {
        for (_, section) in self.0.iter_mut() {
            for (_, value) in section.iter_mut() {
                value.zeroize();
            }
        }
    }
}

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
pub const INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// How long after a failed refresh of instance-role credentials that are still valid
/// no other refresh is tried: 10 s. Meanwhile every caller gets the cached credentials
/// at once, so that a metadata service that is down or hangs sees one request per
/// 10 s rather than one per call. Callers without valid credentials (none fetched
/// yet, or expired) are not held back by it: they have nothing else to use.
pub const INSTANCE_ROLE_REFRESH_BACKOFF: Duration = Duration::from_secs(10);

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
    /// The single-flight guard, held by the caller that fetches for the whole fetch.
    /// It keeps the HTTP client, built on first use so that a provider nobody asks
    /// costs nothing.
    refresh: tokio::sync::Mutex<Option<reqwest::Client>>,
    /// What the fetches got. Locked only briefly and never across an `await`, so that
    /// callers read it while a fetch is in flight.
    cache: Mutex<RoleCache>,
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
            refresh: tokio::sync::Mutex::new(None),
            cache: Mutex::new(RoleCache::default()),
        }
    }
}

#[derive(Default)]
struct RoleCache {
    cached: Option<CachedCredential>,
    /// The last fetch's failure; `None` once a fetch succeeds.
    failure: Option<FetchFailure>,
    /// Fetches finished so far, successful or not: a caller that waited for the
    /// single-flight guard tells from it how many finished meanwhile.
    fetches: u64,
}

struct FetchFailure {
    /// When the fetch failed.
    at: Instant,
    /// Its error, as the callers that waited for the fetch get it.
    error: CredentialsError,
}

/// What the cache offers a caller.
enum Lookup {
    /// Credentials to return without fetching: fresh ones, or valid ones while a
    /// failed refresh's backoff runs.
    Ready(Credential),
    /// Valid credentials that are due for a refresh.
    Stale(Credential),
    /// No valid credentials.
    Missing,
}

impl RoleCache {
    fn lookup(&self, now: Instant) -> Lookup {
        match &self.cached {
            Some(cached) if cached.is_fresh(now) => Lookup::Ready(cached.credential.clone()),
            Some(cached) if cached.is_valid(now) => {
                if self.backing_off(now) {
                    Lookup::Ready(cached.credential.clone())
                } else {
                    Lookup::Stale(cached.credential.clone())
                }
            }
            _ => Lookup::Missing,
        }
    }

    /// A refresh failed less than [`INSTANCE_ROLE_REFRESH_BACKOFF`] ago.
    fn backing_off(&self, now: Instant) -> bool {
        self.failure.as_ref().is_some_and(|failure| {
            now.saturating_duration_since(failure.at) < INSTANCE_ROLE_REFRESH_BACKOFF
        })
    }
}

struct CachedCredential {
    credential: Credential,
    /// When the credentials expire, on the local monotonic clock: when their answer
    /// arrived plus their lifetime in the service's clock.
    expires_at: Instant,
}

impl CachedCredential {
    /// More than the refresh margin left: usable without asking again.
    fn is_fresh(&self, now: Instant) -> bool {
        self.expires_at
            .checked_duration_since(now)
            .is_some_and(|left| left >= INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY)
    }

    /// Not yet expired, though perhaps due for a refresh.
    fn is_valid(&self, now: Instant) -> bool {
        self.expires_at > now
    }
}

/// `start + after`, saturating: when the platform cannot represent that instant, the
/// latest it can on the way there (credentials that practically never expire).
fn instant_after(start: Instant, after: Duration) -> Instant {
    let mut after = after;
    loop {
        if let Some(instant) = start.checked_add(after) {
            return instant;
        }
        // Ends at zero at the latest, which always fits.
        after /= 2;
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

    fn cache(&self) -> MutexGuard<'_, RoleCache> {
        // Nothing panics while the lock is held, and the cache is consistent after
        // every statement: a poisoned lock still holds a usable cache.
        self.inner
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The caching and single-flight rules of the type's documentation.
    async fn credential(&self) -> Result<Credential, CredentialsError> {
        let (lookup, seen) = {
            let cache = self.cache();
            (cache.lookup(Instant::now()), cache.fetches)
        };
        let mut http = match lookup {
            Lookup::Ready(credential) => return Ok(credential),
            // Valid credentials never wait for somebody else's refresh.
            Lookup::Stale(credential) => match self.inner.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(credential),
            },
            Lookup::Missing => self.inner.refresh.lock().await,
        };
        {
            // Look again: a fetch may have finished since the first look.
            let cache = self.cache();
            let finished = cache.fetches.wrapping_sub(seen);
            match cache.lookup(Instant::now()) {
                Lookup::Ready(credential) => return Ok(credential),
                // Refreshed meanwhile, if only to credentials that are due again.
                Lookup::Stale(credential) if finished > 0 => return Ok(credential),
                Lookup::Stale(_) => {}
                // The fetch in flight when this caller came, and one more after it,
                // both failed (or got expired credentials): share the latest outcome
                // rather than fetching a third time.
                Lookup::Missing if finished >= 2 => {
                    if let Some(failure) = &cache.failure {
                        return Err(share_error(&failure.error));
                    }
                    if let Some(cached) = &cache.cached {
                        return Ok(cached.credential.clone());
                    }
                }
                Lookup::Missing => {}
            }
        }
        let result = self.fetch(&mut http).await;
        let now = Instant::now();
        let mut cache = self.cache();
        cache.fetches = cache.fetches.wrapping_add(1);
        let outcome = match result {
            Ok(fresh) => {
                let credential = fresh.credential.clone();
                cache.cached = Some(fresh);
                cache.failure = None;
                Ok(credential)
            }
            Err(error) => {
                // A failed refresh does not throw away credentials that still work.
                let valid = cache
                    .cached
                    .as_ref()
                    .filter(|cached| cached.is_valid(now))
                    .map(|cached| cached.credential.clone());
                cache.failure = Some(FetchFailure {
                    at: now,
                    error: share_error(&error),
                });
                valid.ok_or(error)
            }
        };
        // The outcome is in the cache before the next caller gets the guard.
        drop(cache);
        drop(http);
        outcome
    }

    async fn fetch(
        &self,
        http: &mut Option<reqwest::Client>,
    ) -> Result<CachedCredential, CredentialsError> {
        let http = match http {
            Some(client) => client.clone(),
            None => {
                let builder =
                    crate::tls::http_client_builder().map_err(|e| CredentialsError::Other {
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
                        message: "cannot build the HTTP client for the instance metadata \
                                  service"
                            .to_owned(),
                        source: Some(Box::new(e)),
                    })?;
                http.insert(client).clone()
            }
        };
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
        // service's time, then counted down on the monotonic clock. None left (or less
        // than none) is expired already.
        let lifetime = Duration::from_secs(expired_time.saturating_sub(answer.server_now));
        Ok(CachedCredential {
            credential,
            expires_at: instant_after(answer.received_at, lifetime),
        })
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
        // Whole seconds left; zero once expired.
        let expires_in = self.cache().cached.as_ref().map(|cached| {
            let left = cached.expires_at.saturating_duration_since(Instant::now());
            Duration::from_secs(left.as_secs())
        });
        f.debug_struct("InstanceRoleProvider")
            .field("base_url", &self.inner.base_url)
            .field("role_name", &self.inner.role_name)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .field("cached_expires_in", &expires_in)
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

/// Seconds since the Unix epoch (0 for a clock set before it).
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A copy of `error` for the callers that waited for the fetch that failed with it:
/// the same variant and message, an underlying cause kept as its text.
fn share_error(error: &CredentialsError) -> CredentialsError {
    match error {
        CredentialsError::NotFound { looked_at } => CredentialsError::NotFound {
            looked_at: looked_at.clone(),
        },
        CredentialsError::Incomplete { location, missing } => CredentialsError::Incomplete {
            location: location.clone(),
            missing: missing.clone(),
        },
        CredentialsError::File { path, reason } => CredentialsError::File {
            path: path.clone(),
            reason: reason.clone(),
        },
        CredentialsError::Chain { failures } => CredentialsError::Chain {
            failures: failures
                .iter()
                .map(|failure| ProviderFailure {
                    provider: failure.provider.clone(),
                    error: share_error(&failure.error),
                })
                .collect(),
        },
        CredentialsError::Other { message, source } => CredentialsError::Other {
            message: message.clone(),
            source: source.as_deref().map(|cause| {
                Box::new(CauseText::of(cause)) as Box<dyn StdError + Send + Sync + 'static>
            }),
        },
    }
}

/// An underlying error kept as the text of its chain of causes.
#[derive(Debug)]
struct CauseText(String);

impl CauseText {
    fn of(error: &(dyn StdError + 'static)) -> Self {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        Self(text)
    }
}

impl fmt::Display for CauseText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for CauseText {}

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
        .unwrap_or_else(unix_now);
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

/// Tries providers in order and returns the first credentials found.
///
/// [`DefaultChain::new`] tries [`EnvProvider`], then [`ProfileProvider`], then
/// [`InstanceRoleProvider`], the order of the official SDKs. Off a CVM the instance
/// role finds nothing (the metadata host does not resolve or answer; its connect
/// timeout is 1 s), so the chain fails with every provider's reason instead. A provider that finds nothing ([`CredentialsError::is_not_found`]) passes to the
/// next one; any other error (a file that exists but cannot be read, credentials with
/// the secret key missing) stops the chain, so that a broken configuration is
/// reported instead of silently replaced by other credentials. Either way the error
/// is [`CredentialsError::Chain`], listing every provider tried and its error.
#[derive(Debug)]
pub struct DefaultChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl DefaultChain {
    /// Environment variables, then the profile file (see [`ProfileProvider::new`]),
    /// then the CVM instance role (see [`InstanceRoleProvider::new`]).
    pub fn new() -> Self {
        Self::from_providers(vec![
            Box::new(EnvProvider::new()),
            Box::new(ProfileProvider::new()),
            Box::new(InstanceRoleProvider::new()),
        ])
    }

    /// A chain of the given providers, tried in order.
    pub fn from_providers(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }

    /// Appends a provider, tried after the others.
    pub fn with_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Box::new(provider));
        self
    }

    /// The providers, in the order they are tried.
    pub fn providers(&self) -> &[Box<dyn ProvideCredentials>] {
        &self.providers
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut failures = Vec::new();
            for provider in &self.providers {
                match provider.provide_credentials().await {
                    Ok(credential) => return Ok(credential),
                    Err(error) => {
                        let go_on = error.is_not_found();
                        failures.push(ProviderFailure {
                            provider: provider.name().to_owned(),
                            error,
                        });
                        if !go_on {
                            break;
                        }
                    }
                }
            }
            Err(CredentialsError::Chain { failures })
        })
    }

    fn name(&self) -> &str {
        "provider chain"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_expiring_in(left: Duration, now: Instant) -> RoleCache {
        RoleCache {
            cached: Some(CachedCredential {
                credential: Credential::new("AKIDunit", "unit-key").with_token("unit-token"),
                expires_at: now + left,
            }),
            failure: None,
            fetches: 1,
        }
    }

    fn failed_at(at: Instant) -> Option<FetchFailure> {
        Some(FetchFailure {
            at,
            error: CredentialsError::other("down"),
        })
    }

    #[test]
    fn lookup_follows_the_refresh_margin_and_the_backoff() {
        let now = Instant::now();
        let hour = Duration::from_secs(3600);
        assert!(matches!(
            cache_expiring_in(hour, now).lookup(now),
            Lookup::Ready(_)
        ));
        let mut cache = cache_expiring_in(Duration::from_secs(100), now);
        assert!(matches!(cache.lookup(now), Lookup::Stale(_)));
        // A refresh failed 1 s ago: use the cached credentials without asking.
        cache.failure = failed_at(now);
        assert!(matches!(
            cache.lookup(now + Duration::from_secs(1)),
            Lookup::Ready(_)
        ));
        // The backoff is over: due again.
        assert!(matches!(
            cache.lookup(now + INSTANCE_ROLE_REFRESH_BACKOFF),
            Lookup::Stale(_)
        ));
        // Expired: the backoff does not hold back a caller without valid credentials.
        assert!(matches!(
            cache.lookup(now + Duration::from_secs(100)),
            Lookup::Missing
        ));
        assert!(matches!(RoleCache::default().lookup(now), Lookup::Missing));
        // No time left at all is expired at once.
        assert!(matches!(
            cache_expiring_in(Duration::ZERO, now).lookup(now),
            Lookup::Missing
        ));
    }

    #[test]
    fn instant_after_saturates() {
        let now = Instant::now();
        assert_eq!(
            instant_after(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
        let far = instant_after(now, Duration::MAX);
        assert!(far > now + Duration::from_secs(100 * 365 * 86_400));
    }

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

    #[test]
    fn shared_errors_keep_variant_message_and_cause_text() {
        let not_found = CredentialsError::NotFound {
            looked_at: "somewhere".to_owned(),
        };
        let shared = share_error(&not_found);
        assert!(matches!(&shared, CredentialsError::NotFound { .. }));
        assert_eq!(shared.to_string(), not_found.to_string());

        let cause = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        let other = CredentialsError::Other {
            message: "cannot read".to_owned(),
            source: Some(Box::new(cause)),
        };
        let shared = share_error(&other);
        assert_eq!(shared.to_string(), "cannot read");
        let source = StdError::source(&shared).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("reset by peer"));
    }
}
