//! [`ProfileProvider`]: credentials from the INI profile file the official SDKs read.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ini::{Ini, ParseOption};
use zeroize::{Zeroize, Zeroizing};

use super::{Credential, CredentialsError, CredentialsFuture, ProvideCredentials};

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
