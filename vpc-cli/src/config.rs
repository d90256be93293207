//! tccli's configuration: `~/.tccli/<profile>.configure` and `<profile>.credential` in
//! their exact JSON shape, the `TENCENTCLOUD_*` and `TCCLI_PROFILE` variables, in
//! tccli's precedence (the command line first; then, only without `--profile`, the
//! variables; then the profile's files), and `configure set|get|list|remove`.
//!
//! Nothing is written unless `configure set` or `remove` is asked; files are written
//! with mode 0600 in a 0700 directory. A secret never reaches any output: `get` and
//! `list` mask it as tccli does (16 asterisks and its last four characters), and no
//! error names a value.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::args::{Configure, Globals};
use crate::error::CliError;

/// `TENCENTCLOUD_SECRET_ID`.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// `TENCENTCLOUD_SECRET_KEY`.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// `TENCENTCLOUD_TOKEN`.
pub const ENV_TOKEN: &str = "TENCENTCLOUD_TOKEN";
/// `TENCENTCLOUD_REGION`.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
/// `TENCENTCLOUD_ROLE_ARN`.
pub const ENV_ROLE_ARN: &str = "TENCENTCLOUD_ROLE_ARN";
/// `TENCENTCLOUD_ROLE_SESSION_NAME`.
pub const ENV_ROLE_SESSION_NAME: &str = "TENCENTCLOUD_ROLE_SESSION_NAME";

const CONFIG_KEYS: &[&str] = &[
    "region",
    "output",
    "arrayCount",
    "warning",
    "language",
    "request-client",
];
const CRED_KEYS: &[&str] = &[
    "secretId",
    "secretKey",
    "token",
    "role-arn",
    "role-session-name",
    "use-cvm-role",
];
const SENSITIVE: &[&str] = &["secretId", "secretKey", "token"];

/// How the call is signed.
#[derive(Clone)]
pub enum Auth {
    /// A key pair, with a token when it is temporary.
    Keys {
        /// SecretId.
        secret_id: String,
        /// SecretKey.
        secret_key: String,
        /// Token.
        token: Option<String>,
    },
    /// Assume a role with the key pair.
    Role {
        /// SecretId.
        secret_id: String,
        /// SecretKey.
        secret_key: String,
        /// The role.
        role_arn: String,
        /// The session name.
        session_name: String,
    },
    /// The instance's role (`--use-cvm-role`).
    CvmRole,
    /// TKE OIDC from the `TKE_*` variables.
    TkeOidc,
    /// Nothing (an unsigned action).
    None,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::Keys { .. } => "Keys(<redacted>)",
            Auth::Role { .. } => "Role(<redacted>)",
            Auth::CvmRole => "CvmRole",
            Auth::TkeOidc => "TkeOidc",
            Auth::None => "None",
        })
    }
}

/// Everything a call needs that comes from the options, variables and files.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The service name (`vpc`), for its default host.
    pub service: String,
    /// How to sign.
    pub auth: Auth,
    /// The region.
    pub region: String,
    /// The endpoint: host or URL.
    pub endpoint: Option<String>,
    /// `json`, `text` or `table`.
    pub output: String,
    /// `zh-CN` or `en-US`.
    pub language: Option<String>,
    /// The profile's `sts.endpoint` (host or URL): where a role is assumed (`--role-arn`,
    /// TKE OIDC); STS's default host without it.
    pub sts_endpoint: Option<String>,
}

/// `~/.tccli`.
pub fn dir() -> Result<PathBuf, CliError> {
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".tccli"))
        .ok_or_else(|| CliError::Config("HOME is not set: cannot find ~/.tccli".to_owned()))
}

fn profile_name(explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| std::env::var("TCCLI_PROFILE").ok())
        .unwrap_or_else(|| "default".to_owned())
}

/// Reads one file as a JSON object; absent is empty.
fn read_json(path: &Path) -> Result<Map<String, Value>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(e) => {
            return Err(CliError::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CliError::Config(format!(
            "file: {} is not json format (expected an object)",
            path.display()
        ))),
        Err(e) => Err(CliError::Config(format!(
            "file: {} is not json format: line {} column {}: {}",
            path.display(),
            e.line(),
            e.column(),
            // serde_json's message names the kind of fault, never the text around it.
            e.classify_name()
        ))),
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "cannot read",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "unexpected end of file",
        }
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The settings of a call of `service`, in tccli's precedence.
///
/// # Errors
///
/// A configuration error for a broken file (named with its path), or for missing
/// credentials or region.
pub fn resolve(globals: &Globals, service: &str, skip_sign: bool) -> Result<Settings, CliError> {
    let profile = profile_name(globals.profile.as_deref());
    let dir = dir()?;
    let conf_path = dir.join(format!("{profile}.configure"));
    let cred_path = dir.join(format!("{profile}.credential"));
    let conf = read_json(&conf_path)?;
    let mut cred = if skip_sign {
        Map::new()
    } else {
        read_json(&cred_path)?
    };
    let mut sys = match conf.get("_sys_param") {
        Some(Value::Object(sys)) => sys.clone(),
        None => Map::new(),
        Some(_) => {
            return Err(CliError::Config(format!(
                "config file:{} error, _sys_param is not an object",
                conf_path.display()
            )));
        }
    };
    if globals.profile.is_none() {
        if let (Some(id), Some(key)) = (env(ENV_SECRET_ID), env(ENV_SECRET_KEY)) {
            cred.insert("secretId".into(), Value::String(id));
            cred.insert("secretKey".into(), Value::String(key));
            match env(ENV_TOKEN) {
                Some(token) => cred.insert("token".into(), Value::String(token)),
                None => cred.remove("token"),
            };
            cred.remove("type");
        }
        if let Some(region) = env(ENV_REGION) {
            sys.insert("region".into(), Value::String(region));
        }
        if let (Some(arn), Some(name)) = (env(ENV_ROLE_ARN), env(ENV_ROLE_SESSION_NAME)) {
            cred.insert("role-arn".into(), Value::String(arn));
            cred.insert("role-session-name".into(), Value::String(name));
        }
    }
    let secret_id = globals
        .secret_id
        .clone()
        .or_else(|| text(&cred, "secretId"));
    let secret_key = globals
        .secret_key
        .clone()
        .or_else(|| text(&cred, "secretKey"));
    let token = globals.token.clone().or_else(|| text(&cred, "token"));
    let role_arn = globals.role_arn.clone().or_else(|| text(&cred, "role-arn"));
    let session = globals
        .role_session_name
        .clone()
        .or_else(|| text(&cred, "role-session-name"));
    let keys_given =
        globals.secret_id.is_some() || globals.secret_key.is_some() || globals.role_arn.is_some();
    let cvm = globals.use_cvm_role
        || (!keys_given && cred.get("type").and_then(Value::as_str) == Some("cvm-role"));
    let tke = [
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
    ]
    .iter()
    .all(|name| env(name).is_some());
    let auth = if skip_sign {
        Auth::None
    } else if cvm {
        Auth::CvmRole
    } else if let (Some(role_arn), Some(session_name)) = (role_arn, session) {
        let (secret_id, secret_key) = keys(secret_id, secret_key)?;
        Auth::Role {
            secret_id,
            secret_key,
            role_arn,
            session_name,
        }
    } else if tke {
        Auth::TkeOidc
    } else {
        let (secret_id, secret_key) = keys(secret_id, secret_key)?;
        Auth::Keys {
            secret_id,
            secret_key,
            token,
        }
    };
    let region = globals
        .region
        .clone()
        .or_else(|| text(&sys, "region"))
        .ok_or_else(|| {
            CliError::Config(
                "region is invalid You can configure your region by running \"tcvpc configure set region ap-guangzhou\"."
                    .to_owned(),
            )
        })?;
    let endpoint = match globals.endpoint.clone() {
        Some(endpoint) => Some(endpoint),
        None => match conf.get(service) {
            Some(Value::Object(section)) => text(section, "endpoint"),
            None => None,
            Some(_) => {
                return Err(CliError::Config(format!(
                    "config file:{} error, `{service}` is not an object",
                    conf_path.display()
                )));
            }
        },
    };
    let output = globals
        .output
        .clone()
        .or_else(|| text(&sys, "output"))
        .unwrap_or_else(|| "json".to_owned());
    let language = globals.language.clone().or_else(|| text(&sys, "language"));
    let sts_endpoint = match conf.get("sts") {
        Some(Value::Object(section)) => text(section, "endpoint"),
        _ => None,
    };
    Ok(Settings {
        service: service.to_owned(),
        auth,
        region,
        endpoint,
        output,
        language,
        sts_endpoint,
    })
}

fn keys(id: Option<String>, key: Option<String>) -> Result<(String, String), CliError> {
    match (id, key) {
        (Some(id), Some(key)) => Ok((id, key)),
        (None, _) => Err(CliError::Config(
            "secretId is invalid. You can configure your credentials by running \"tcvpc configure set secretId <id> secretKey <key>\".".to_owned(),
        )),
        (_, None) => Err(CliError::Config(
            "secretKey is invalid. You can configure your credentials by running \"tcvpc configure set secretId <id> secretKey <key>\".".to_owned(),
        )),
    }
}

/// The shortest value whose last four characters [`mask`] shows: a shorter one would be
/// shown mostly (or, at four characters or fewer, wholly) by them.
pub const MASK_SHOWS_TAIL_FROM: usize = 12;

/// tccli's mask: 16 asterisks and the last four characters; only the asterisks for a
/// value shorter than [`MASK_SHOWS_TAIL_FROM`] characters (tccli shows a short secret's
/// tail, all of it when it has four characters or fewer).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail: String = if chars.len() < MASK_SHOWS_TAIL_FROM {
        String::new()
    } else {
        chars[chars.len() - 4..].iter().collect()
    };
    format!("{}{tail}", "*".repeat(16))
}

/// Runs a `configure` subcommand.
///
/// # Errors
///
/// A usage error for a bad key, a configuration error for a broken file or one that
/// cannot be written.
pub fn configure(
    command: &Configure,
    profile: Option<&str>,
    out: &mut dyn std::io::Write,
) -> Result<(), CliError> {
    let profile = profile_name(profile);
    let dir = dir()?;
    let conf_path = dir.join(format!("{profile}.configure"));
    let cred_path = dir.join(format!("{profile}.credential"));
    let write = |out: &mut dyn std::io::Write, text: String| {
        out.write_all(text.as_bytes())
            .map_err(|e| CliError::Failed(format!("cannot write the output: {e}")))
    };
    match command {
        Configure::Set(pairs) => {
            let mut conf = read_json(&conf_path)?;
            let mut cred = read_json(&cred_path)?;
            let (mut conf_changed, mut cred_changed) = (false, false);
            for (key, value) in pairs {
                if CRED_KEYS.contains(&key.as_str()) {
                    if key == "use-cvm-role" {
                        let kind = match value.to_ascii_lowercase().as_str() {
                            "true" | "t" | "1" => "cvm-role",
                            "false" | "f" | "0" => "default",
                            _ => return Err(CliError::usage("use-cvm-role must be true or false")),
                        };
                        cred.insert("type".into(), Value::String(kind.into()));
                    } else {
                        cred.insert(key.clone(), Value::String(value.clone()));
                    }
                    cred_changed = true;
                } else if CONFIG_KEYS.contains(&key.as_str()) {
                    if key == "output" && !matches!(value.as_str(), "json" | "text" | "table") {
                        return Err(CliError::usage("output must be json, text or table"));
                    }
                    if key == "language" && !matches!(value.as_str(), "zh-CN" | "en-US") {
                        return Err(CliError::usage("language must be zh-CN or en-US"));
                    }
                    let sys = conf
                        .entry("_sys_param")
                        .or_insert_with(|| Value::Object(Map::new()));
                    match sys {
                        Value::Object(sys) => {
                            sys.insert(key.clone(), Value::String(value.clone()));
                        }
                        _ => {
                            return Err(CliError::Config(format!(
                                "config file:{} error, _sys_param is not an object",
                                conf_path.display()
                            )));
                        }
                    }
                    conf_changed = true;
                } else if let Some((service, field)) = key.split_once('.')
                    && matches!(field, "endpoint" | "version")
                {
                    let section = conf
                        .entry(service.to_owned())
                        .or_insert_with(|| Value::Object(Map::new()));
                    match section {
                        Value::Object(section) => {
                            section.insert(field.to_owned(), Value::String(value.clone()));
                        }
                        _ => {
                            return Err(CliError::Config(format!(
                                "config file:{} error, `{service}` is not an object",
                                conf_path.display()
                            )));
                        }
                    }
                    conf_changed = true;
                } else {
                    return Err(CliError::usage(format!(
                        "unknown configuration `{key}` (one of {}, {}, or <service>.endpoint, <service>.version)",
                        CRED_KEYS.join(", "),
                        CONFIG_KEYS.join(", ")
                    )));
                }
            }
            if conf_changed {
                conf.entry("_sys_param")
                    .or_insert_with(|| Value::Object(Map::new()));
                write_json(&dir, &conf_path, &conf)?;
            }
            if cred_changed {
                write_json(&dir, &cred_path, &cred)?;
            }
            Ok(())
        }
        Configure::Get(names) => {
            let conf = read_json(&conf_path)?;
            let cred = read_json(&cred_path)?;
            let sys = conf
                .get("_sys_param")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            for name in names {
                let value = text(&sys, name)
                    .or_else(|| text(&cred, name))
                    .or_else(|| {
                        let (service, field) = name.split_once('.')?;
                        text(conf.get(service)?.as_object()?, field)
                    })
                    .ok_or_else(|| {
                        CliError::Config(format!("{name} in {profile}.configure not exist"))
                    })?;
                let value = if SENSITIVE.contains(&name.as_str()) {
                    mask(&value)
                } else {
                    value
                };
                write(out, format!("{name} = {value}\n"))?;
            }
            Ok(())
        }
        Configure::List => {
            let cred = read_json(&cred_path)?;
            let conf = read_json(&conf_path)?;
            let mut text_out = String::from("credential:\n");
            for key in CRED_KEYS {
                if let Some(value) = text(&cred, key) {
                    let value = if SENSITIVE.contains(key) {
                        mask(&value)
                    } else {
                        value
                    };
                    text_out.push_str(&format!("{key} = {value}\n"));
                }
            }
            text_out.push_str("configure:\n");
            if let Some(Value::Object(sys)) = conf.get("_sys_param") {
                for key in CONFIG_KEYS {
                    if let Some(value) = sys
                        .get(*key)
                        .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    {
                        let value = value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned);
                        text_out.push_str(&format!("{key} = {value}\n"));
                    }
                }
            }
            let mut sections: Vec<&String> = conf.keys().filter(|k| *k != "_sys_param").collect();
            sections.sort();
            for name in sections {
                if let Some(Value::Object(section)) = conf.get(name)
                    && let (Some(version), Some(endpoint)) =
                        (text(section, "version"), text(section, "endpoint"))
                {
                    text_out.push_str(&format!(
                        "{name}.version = {version}\n{name}.endpoint = {endpoint}\n"
                    ));
                }
            }
            write(out, text_out)
        }
        Configure::Remove => {
            let mut missing = Vec::new();
            for path in [&conf_path, &cred_path] {
                match std::fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        missing.push(format!(
                            "profile `{}` is not exist",
                            path.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        ));
                    }
                    Err(e) => {
                        return Err(CliError::Config(format!(
                            "cannot remove {}: {e}",
                            path.display()
                        )));
                    }
                }
            }
            for line in missing {
                eprintln!("{line}");
            }
            Ok(())
        }
    }
}

/// Writes `map` as tccli does (indent 2), through a temporary file renamed into place,
/// mode 0600, in a directory made 0700.
fn write_json(dir: &Path, path: &Path, map: &Map<String, Value>) -> Result<(), CliError> {
    let fail =
        |e: std::io::Error| CliError::Config(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    serde::Serialize::serialize(map, &mut serializer)
        .map_err(|e| CliError::Config(format!("cannot write {}: {e}", path.display())))?;
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp).map_err(fail)?;
        file.write_all(&bytes).map_err(fail)?;
    }
    std::fs::rename(&temp, path).map_err(fail)
}
