//! Credential providers: static, environment, profile file and the default chain, and
//! that no secret ever reaches `Debug` or `Display` output.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use vpc_client::credentials::{
    Credential, CredentialsError, CredentialsFuture, DefaultChain, ENV_PROFILE, ENV_SECRET_ID,
    ENV_SECRET_KEY, ENV_SESSION_TOKEN, EnvProvider, ProfileProvider, ProvideCredentials,
    SYSTEM_CREDENTIALS_FILE,
};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

// Distinctive values: any occurrence in formatted output is a leak.
const SECRET_KEY: &str = "sk-Zq7!unmistakable-SECRET-key-9f3e";
const TOKEN: &str = "tok-Vw2@unmistakable-SESSION-token-77aa";
const SECRET_ID: &str = "AKIDtestSecretId0001";

/// A directory under the system temp dir, unique to this process and test, removed on
/// drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "vpc-client-credentials-{}-{name}-{n}",
            std::process::id()
        ));
        // A leftover from an earlier crashed run with the same pid would be stale.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent dir");
        }
        fs::write(&path, contents).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn env(vars: &[(&str, &str)]) -> EnvProvider {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    EnvProvider::from_lookup(move |name| map.get(name).cloned())
}

fn full_env() -> EnvProvider {
    env(&[
        (ENV_SECRET_ID, SECRET_ID),
        (ENV_SECRET_KEY, SECRET_KEY),
        (ENV_SESSION_TOKEN, TOKEN),
    ])
}

fn profile_text() -> String {
    format!(
        "[default]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\n\n\
         [prod]\nsecret_id = AKIDprod\nsecret_key = {SECRET_KEY}-prod\ntoken = {TOKEN}\n"
    )
}

/// Asserts that neither the `Debug` nor the `Display` of `value` holds a secret.
fn assert_no_secret_in_both(value: &(impl std::fmt::Debug + std::fmt::Display)) {
    assert_no_secret(&format!("{value}"));
    assert_no_secret(&format!("{value:?}"));
    assert_no_secret(&format!("{value:#?}"));
}

fn assert_no_secret(text: &str) {
    for secret in [SECRET_KEY, TOKEN] {
        assert!(!text.contains(secret), "secret leaked into {text:?}");
        // A prefix long enough to be a leak even if the value was cut.
        assert!(!text.contains(&secret[..12]), "secret leaked into {text:?}");
    }
}

/// A provider that counts its calls and yields to the executor before answering, so
/// the chain is seen to await each provider.
#[derive(Debug)]
struct Counting {
    calls: Arc<AtomicUsize>,
    answer: fn() -> Result<Credential, CredentialsError>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            (self.answer)()
        })
    }

    fn name(&self) -> &str {
        "counting"
    }
}

fn counting(answer: fn() -> Result<Credential, CredentialsError>) -> (Counting, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (
        Counting {
            calls: Arc::clone(&calls),
            answer,
        },
        calls,
    )
}

// ---- static credentials ----------------------------------------------------------

#[tokio::test]
async fn static_credential_provides_itself() {
    let credential = Credential::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let provided = credential.provide_credentials().await.unwrap();
    assert_eq!(provided, credential);
    assert_eq!(provided.secret_id(), SECRET_ID);
    assert_eq!(provided.secret_key(), SECRET_KEY);
    assert_eq!(provided.token(), Some(TOKEN));
    assert_eq!(credential.name(), "static credentials");

    // Through the smart pointers a client would hold.
    let boxed: Box<dyn ProvideCredentials> = Box::new(credential.clone());
    assert_eq!(boxed.provide_credentials().await.unwrap(), credential);
    let shared: Arc<dyn ProvideCredentials> = Arc::new(credential.clone());
    assert_eq!(shared.provide_credentials().await.unwrap(), credential);
    assert_eq!(shared.name(), "static credentials");

    // Static credentials are there without waiting, through the pointers too; a
    // provider that must look somewhere is asked the usual way.
    assert_eq!(credential.credentials_now(), Some(credential.clone()));
    assert_eq!(boxed.credentials_now(), Some(credential.clone()));
    assert_eq!(shared.credentials_now(), Some(credential.clone()));
    assert_eq!(full_env().credentials_now(), None);
    assert_eq!(DefaultChain::new().credentials_now(), None);
}

// ---- environment -----------------------------------------------------------------

#[tokio::test]
async fn env_reads_id_key_and_token() {
    let credential = full_env().provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), SECRET_ID);
    assert_eq!(credential.secret_key(), SECRET_KEY);
    assert_eq!(credential.token(), Some(TOKEN));
    assert_eq!(ENV_SESSION_TOKEN, "TENCENTCLOUD_SESSION_TOKEN");
}

#[tokio::test]
async fn env_token_is_optional_and_empty_token_is_none() {
    for provider in [
        env(&[(ENV_SECRET_ID, SECRET_ID), (ENV_SECRET_KEY, SECRET_KEY)]),
        env(&[
            (ENV_SECRET_ID, SECRET_ID),
            (ENV_SECRET_KEY, SECRET_KEY),
            (ENV_SESSION_TOKEN, ""),
        ]),
    ] {
        let credential = provider.provide_credentials().await.unwrap();
        assert_eq!(credential.secret_key(), SECRET_KEY);
        assert_eq!(credential.token(), None);
    }
}

#[tokio::test]
async fn env_nothing_set_is_not_found() {
    for provider in [
        env(&[]),
        env(&[(ENV_SECRET_ID, ""), (ENV_SECRET_KEY, "")]),
        // A token alone is not credentials.
        env(&[(ENV_SESSION_TOKEN, TOKEN)]),
    ] {
        let error = provider.provide_credentials().await.unwrap_err();
        assert!(error.is_not_found(), "{error:?}");
        assert!(
            matches!(&error, CredentialsError::NotFound { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(ENV_SECRET_ID), "{message}");
        assert!(message.contains(ENV_SECRET_KEY), "{message}");
        assert_no_secret_in_both(&error);
    }
}

#[tokio::test]
async fn env_half_set_is_incomplete_and_names_the_missing_variable() {
    let only_key = env(&[(ENV_SECRET_KEY, SECRET_KEY), (ENV_SESSION_TOKEN, TOKEN)]);
    let error = only_key.provide_credentials().await.unwrap_err();
    assert!(!error.is_not_found());
    match &error {
        CredentialsError::Incomplete { location, missing } => {
            assert_eq!(location, "environment");
            assert_eq!(missing, ENV_SECRET_ID);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_no_secret_in_both(&error);

    let empty_key = env(&[(ENV_SECRET_ID, SECRET_ID), (ENV_SECRET_KEY, "")]);
    let error = empty_key.provide_credentials().await.unwrap_err();
    match &error {
        CredentialsError::Incomplete { missing, .. } => assert_eq!(missing, ENV_SECRET_KEY),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "incomplete credentials in environment: TENCENTCLOUD_SECRET_KEY missing or empty"
    );
}

#[tokio::test]
async fn env_is_read_at_each_call() {
    let value = Arc::new(std::sync::Mutex::new(None::<String>));
    let seen = Arc::clone(&value);
    let provider = EnvProvider::from_lookup(move |name| match name {
        ENV_SECRET_ID => Some(SECRET_ID.to_owned()),
        ENV_SECRET_KEY => seen.lock().expect("lock").clone(),
        _ => None,
    });
    assert!(provider.provide_credentials().await.is_err());
    *value.lock().unwrap() = Some(SECRET_KEY.to_owned());
    let credential = provider.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_key(), SECRET_KEY);
}

// ---- profile file ----------------------------------------------------------------

#[tokio::test]
async fn profile_reads_default_section() {
    let dir = TempDir::new("default");
    let file = dir.write("credentials", profile_text());
    let provider = ProfileProvider::with_paths([&file]);
    assert_eq!(provider.profile_name(), "default");
    assert_eq!(provider.paths(), std::slice::from_ref(&file));
    let credential = provider.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), SECRET_ID);
    assert_eq!(credential.secret_key(), SECRET_KEY);
    assert_eq!(credential.token(), None);
    assert_eq!(provider.name(), "profile file");
}

#[tokio::test]
async fn profile_reads_named_section_with_token() {
    let dir = TempDir::new("named");
    let file = dir.write("credentials", profile_text());
    let provider = ProfileProvider::with_paths([&file]).profile("prod");
    assert_eq!(provider.profile_name(), "prod");
    let credential = provider.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), "AKIDprod");
    assert_eq!(credential.secret_key(), format!("{SECRET_KEY}-prod"));
    assert_eq!(credential.token(), Some(TOKEN));
}

#[tokio::test]
async fn profile_values_are_trimmed_and_otherwise_literal() {
    let dir = TempDir::new("literal");
    let file = dir.write(
        "credentials",
        "# a comment\n; another\n[default]\n  secret_id =   AKIDx  \nsecret_key=\"a\\tb;c#d\"\ntoken =\n",
    );
    let credential = ProfileProvider::with_paths([&file])
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credential.secret_id(), "AKIDx");
    // Quotes and backslashes are kept, as Python's configparser keeps them.
    assert_eq!(credential.secret_key(), "\"a\\tb;c#d\"");
    // An empty token is no token.
    assert_eq!(credential.token(), None);
}

#[tokio::test]
async fn profile_missing_section_is_not_found_naming_file_and_profile() {
    let dir = TempDir::new("nosection");
    let file = dir.write("credentials", profile_text());
    let error = ProfileProvider::with_paths([&file])
        .profile("staging")
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("[staging]"), "{message}");
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert_no_secret_in_both(&error);
}

#[tokio::test]
async fn profile_missing_key_is_incomplete_naming_file_profile_and_key() {
    let dir = TempDir::new("nokey");
    let file = dir.write(
        "credentials",
        format!("[default]\nsecret_id = {SECRET_ID}\ntoken = {TOKEN}\n"),
    );
    let error = ProfileProvider::with_paths([&file])
        .provide_credentials()
        .await
        .unwrap_err();
    match &error {
        CredentialsError::Incomplete { location, missing } => {
            assert!(location.contains("[default]"), "{location}");
            assert!(location.contains(&file.display().to_string()), "{location}");
            assert_eq!(missing, "secret_key");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!error.is_not_found());
    assert_no_secret_in_both(&error);

    let file = dir.write(
        "only-key",
        format!("[default]\nsecret_key = {SECRET_KEY}\n"),
    );
    let error = ProfileProvider::with_paths([&file])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::Incomplete { missing, .. } if missing == "secret_id"),
        "{error:?}"
    );
    assert_no_secret_in_both(&error);

    let file = dir.write("empty-section", "[default]\nregion = ap-guangzhou\n");
    let error = ProfileProvider::with_paths([&file])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::Incomplete { missing, .. } if missing == "secret_id and secret_key"),
        "{error:?}"
    );
}

#[tokio::test]
async fn profile_uses_first_existing_file_only() {
    let dir = TempDir::new("order");
    let missing = dir.path().join("home/.tencentcloud/credentials");
    let system = dir.write("etc/credentials", profile_text());

    // The first file does not exist: the second one is read.
    let credential = ProfileProvider::with_paths([&missing, &system])
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(credential.secret_key(), SECRET_KEY);

    // The first file exists but lacks the profile: it is still the file used, as in
    // the official SDKs, and the second is not consulted.
    let user = dir.write(
        "user/credentials",
        "[other]\nsecret_id = a\nsecret_key = b\n",
    );
    let error = ProfileProvider::with_paths([&user, &system])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    let message = error.to_string();
    assert!(message.contains(&user.display().to_string()), "{message}");
    assert!(
        !message.contains(&system.display().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn profile_no_file_is_not_found_listing_every_path() {
    let dir = TempDir::new("nofile");
    let a = dir.path().join("a/credentials");
    // A path through a regular file (ENOTDIR) counts as absent too.
    let blocker = dir.write("blocker", "x");
    let b = blocker.join("credentials");
    let error = ProfileProvider::with_paths([&a, &b])
        .profile("prod")
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&a.display().to_string()), "{message}");
    assert!(message.contains(&b.display().to_string()), "{message}");
    assert!(message.contains("[prod]"), "{message}");

    let error = ProfileProvider::with_paths(Vec::<PathBuf>::new())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn profile_unparsable_file_is_a_file_error_without_contents() {
    let dir = TempDir::new("syntax");
    let file = dir.write(
        "credentials",
        format!("[default]\nsecret_key = {SECRET_KEY}\n[{TOKEN}\n"),
    );
    let error = ProfileProvider::with_paths([&file])
        .provide_credentials()
        .await
        .unwrap_err();
    match &error {
        CredentialsError::File { path, reason } => {
            assert_eq!(path, &file);
            assert!(reason.starts_with("syntax error at line "), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!error.is_not_found());
    assert!(error.to_string().contains(&file.display().to_string()));
    assert_no_secret_in_both(&error);
}

#[tokio::test]
async fn profile_non_utf8_directory_and_duplicate_sections_are_file_errors() {
    let dir = TempDir::new("badfile");
    let mut bytes = b"[default]\nsecret_id = x\nsecret_key = ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let not_utf8 = dir.write("binary", bytes);
    let error = ProfileProvider::with_paths([&not_utf8])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::File { path, reason } if path == &not_utf8 && reason.contains("UTF-8")),
        "{error:?}"
    );

    let directory = dir.path().join("is-a-directory");
    fs::create_dir_all(&directory).expect("mkdir");
    let error = ProfileProvider::with_paths([&directory])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::File { path, .. } if path == &directory),
        "{error:?}"
    );

    let twice = dir.write(
        "twice",
        format!(
            "[default]\nsecret_id = a\nsecret_key = {SECRET_KEY}\n[default]\nsecret_id = b\nsecret_key = c\n"
        ),
    );
    let error = ProfileProvider::with_paths([&twice])
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::File { reason, .. } if reason.contains("more than once")),
        "{error:?}"
    );
    assert_no_secret_in_both(&error);
}

#[test]
fn profile_standard_paths_and_profile_from_environment() {
    let provider = ProfileProvider::from_env_lookup(|name| match name {
        "HOME" => Some("/home/alice".to_owned()),
        ENV_PROFILE => Some("prod".to_owned()),
        _ => None,
    });
    assert_eq!(
        provider.paths(),
        [
            PathBuf::from("/home/alice/.tencentcloud/credentials"),
            PathBuf::from(SYSTEM_CREDENTIALS_FILE),
        ]
    );
    assert_eq!(SYSTEM_CREDENTIALS_FILE, "/etc/tencentcloud/credentials");
    assert_eq!(provider.profile_name(), "prod");
    // The builder overrides the environment.
    assert_eq!(provider.profile("dev").profile_name(), "dev");

    // No HOME (or an empty one): only the system file. No (or empty) profile variable:
    // the default profile.
    for home in [None, Some("")] {
        let provider = ProfileProvider::from_env_lookup(|name| match name {
            "HOME" => home.map(str::to_owned),
            ENV_PROFILE => Some(String::new()),
            _ => None,
        });
        assert_eq!(provider.paths(), [PathBuf::from(SYSTEM_CREDENTIALS_FILE)]);
        assert_eq!(provider.profile_name(), "default");
    }
}

#[tokio::test]
async fn profile_reads_the_file_under_home() {
    let dir = TempDir::new("home");
    dir.write(".tencentcloud/credentials", profile_text());
    let home = dir.path().display().to_string();
    let provider = ProfileProvider::from_env_lookup(move |name| match name {
        "HOME" => Some(home.clone()),
        ENV_PROFILE => Some("prod".to_owned()),
        _ => None,
    });
    let credential = provider.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), "AKIDprod");
    assert_eq!(credential.token(), Some(TOKEN));
}

// ---- chain -----------------------------------------------------------------------

#[test]
fn default_chain_is_environment_then_web_identity_then_profile_file_then_instance_role() {
    let chain = DefaultChain::new();
    let names: Vec<&str> = chain.providers().iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "environment",
            "TKE web identity",
            "profile file",
            "instance role"
        ]
    );
    assert_eq!(chain.name(), "provider chain");
}

#[tokio::test]
async fn chain_prefers_environment_over_profile_file() {
    let dir = TempDir::new("chain-order");
    let file = dir.write(
        "credentials",
        "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n",
    );
    let chain = DefaultChain::from_providers(vec![
        Box::new(full_env()),
        Box::new(ProfileProvider::with_paths([&file])),
    ]);
    let credential = chain.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), SECRET_ID);

    let chain = DefaultChain::from_providers(vec![
        Box::new(env(&[])),
        Box::new(ProfileProvider::with_paths([&file])),
    ]);
    let credential = chain.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), "AKIDfile");
    assert_eq!(credential.secret_key(), "file-key");
}

#[tokio::test]
async fn chain_stops_at_first_success() {
    let (first, first_calls) = counting(|| {
        Err(CredentialsError::NotFound {
            looked_at: "nowhere".to_owned(),
        })
    });
    let (third, third_calls) = counting(|| Ok(Credential::new("never", "never")));
    let chain = DefaultChain::from_providers(vec![Box::new(first)])
        .with_provider(Credential::new(SECRET_ID, SECRET_KEY))
        .with_provider(third);
    let credential = chain.provide_credentials().await.unwrap();
    assert_eq!(credential.secret_id(), SECRET_ID);
    assert_eq!(first_calls.load(Ordering::SeqCst), 1);
    assert_eq!(third_calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn chain_error_lists_every_provider_and_reason() {
    let dir = TempDir::new("chain-fail");
    let user = dir.path().join("home/.tencentcloud/credentials");
    let system = dir.path().join("etc/tencentcloud/credentials");
    let chain = DefaultChain::from_providers(vec![
        Box::new(env(&[(ENV_SESSION_TOKEN, TOKEN)])),
        Box::new(ProfileProvider::with_paths([&user, &system]).profile("prod")),
    ]);
    let error = chain.provide_credentials().await.unwrap_err();
    assert!(error.is_not_found());
    let CredentialsError::Chain { failures } = &error else {
        panic!("unexpected {error:?}");
    };
    let names: Vec<&str> = failures.iter().map(|f| f.provider.as_str()).collect();
    assert_eq!(names, ["environment", "profile file"]);
    assert!(failures.iter().all(|f| f.error.is_not_found()));

    let message = error.to_string();
    assert_eq!(
        message,
        format!(
            "no credentials from the provider chain; tried environment: no credentials found in \
             environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY; then \
             profile file: no credentials found in credentials files {}, {} (none exists; \
             profile [prod])",
            user.display(),
            system.display()
        )
    );
    assert_no_secret_in_both(&error);
}

#[tokio::test]
async fn chain_stops_at_a_broken_configuration() {
    // The environment has a secret key but no SecretId: that is a mistake to report,
    // not a reason to fall back to other credentials.
    let (next, next_calls) = counting(|| Ok(Credential::new("fallback", "fallback")));
    let chain = DefaultChain::from_providers(vec![
        Box::new(env(&[(ENV_SECRET_KEY, SECRET_KEY)])),
        Box::new(next),
    ]);
    let error = chain.provide_credentials().await.unwrap_err();
    assert_eq!(next_calls.load(Ordering::SeqCst), 0);
    assert!(!error.is_not_found());
    let CredentialsError::Chain { failures } = &error else {
        panic!("unexpected {error:?}");
    };
    assert_eq!(failures.len(), 1);
    assert!(matches!(
        failures[0].error,
        CredentialsError::Incomplete { .. }
    ));
    assert!(error.to_string().contains(ENV_SECRET_ID));
    assert_no_secret_in_both(&error);
}

#[tokio::test]
async fn chain_awaits_async_providers_and_nests() {
    let (slow, slow_calls) = counting(|| Err(CredentialsError::other("metadata server down")));
    let inner = DefaultChain::from_providers(vec![Box::new(env(&[]))]);
    let chain = DefaultChain::from_providers(vec![Box::new(inner), Box::new(slow)]);
    let error = chain.provide_credentials().await.unwrap_err();
    assert_eq!(slow_calls.load(Ordering::SeqCst), 1);
    let message = error.to_string();
    assert!(
        message.contains("provider chain: no credentials"),
        "{message}"
    );
    assert!(
        message.contains("counting: metadata server down"),
        "{message}"
    );
}

#[tokio::test]
async fn empty_chain_says_so() {
    let error = DefaultChain::from_providers(Vec::new())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        "no credentials: the provider chain is empty"
    );
}

#[test]
fn custom_provider_has_a_default_name() {
    #[derive(Debug)]
    struct Custom;
    impl ProvideCredentials for Custom {
        fn provide_credentials(&self) -> CredentialsFuture<'_> {
            Box::pin(async { Err(CredentialsError::other("nope")) })
        }
    }
    assert_eq!(Custom.name(), "custom provider");
}

#[test]
fn errors_are_std_errors_with_sources() {
    let io = std::io::Error::other("connection refused");
    let error = CredentialsError::Other {
        message: "cannot reach the metadata server".to_owned(),
        source: Some(Box::new(io)),
    };
    let as_std: &dyn std::error::Error = &error;
    assert_eq!(
        as_std.source().map(ToString::to_string).as_deref(),
        Some("connection refused")
    );
    fn assert_traits<T: std::error::Error + Send + Sync + 'static>() {}
    assert_traits::<CredentialsError>();
}

// ---- secrets never formatted ---------------------------------------------------

#[tokio::test]
async fn debug_of_credentials_and_providers_never_shows_secrets() {
    let credential = Credential::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let debug = format!("{credential:?} {credential:#?}");
    assert!(
        debug.contains(SECRET_ID),
        "the SecretId is not secret: {debug}"
    );
    assert_no_secret(&debug);

    let dir = TempDir::new("debug");
    let file = dir.write("credentials", profile_text());
    let profile = ProfileProvider::with_paths([&file]).profile("prod");
    // A provider that has served credentials, so anything it cached would show.
    profile.provide_credentials().await.unwrap();
    let environment = full_env();
    environment.provide_credentials().await.unwrap();

    let chain = DefaultChain::from_providers(vec![
        Box::new(environment),
        Box::new(profile.clone()),
        Box::new(credential.clone()),
    ]);
    chain.provide_credentials().await.unwrap();
    for text in [
        format!("{profile:?}"),
        format!("{:?}", full_env()),
        format!("{chain:?}"),
        format!("{chain:#?}"),
    ] {
        assert_no_secret(&text);
    }
}

#[tokio::test]
async fn display_and_debug_of_every_error_never_show_secrets() {
    let dir = TempDir::new("errors");
    let file = dir.write(
        "credentials",
        format!("[default]\nsecret_key = {SECRET_KEY}\ntoken = {TOKEN}\n[x\n{SECRET_KEY}"),
    );
    let half = dir.write(
        "half",
        format!("[default]\nsecret_key = {SECRET_KEY}\ntoken = {TOKEN}\n"),
    );
    let providers: Vec<Box<dyn ProvideCredentials>> = vec![
        Box::new(env(&[
            (ENV_SECRET_KEY, SECRET_KEY),
            (ENV_SESSION_TOKEN, TOKEN),
        ])),
        Box::new(env(&[
            (ENV_SECRET_ID, SECRET_ID),
            (ENV_SESSION_TOKEN, TOKEN),
        ])),
        Box::new(ProfileProvider::with_paths([&file])),
        Box::new(ProfileProvider::with_paths([&half])),
        Box::new(ProfileProvider::with_paths([&half]).profile(TOKEN)),
    ];
    for provider in &providers {
        let error = provider.provide_credentials().await.unwrap_err();
        if let CredentialsError::NotFound { .. } = &error {
            // The profile name is the caller's choice; here it is the token on
            // purpose, and a profile name is printed.
            continue;
        }
        assert_no_secret_in_both(&error);
    }
    let chain = DefaultChain::from_providers(providers.into_iter().take(4).collect());
    let error = chain.provide_credentials().await.unwrap_err();
    assert_no_secret_in_both(&error);
}

// ---- zeroize wiring --------------------------------------------------------------

#[test]
fn credential_secrets_are_zeroizing() {
    // `ZeroizeOnDrop` is only implemented by types that wipe themselves when dropped;
    // `Credential` claims it because its secrets are `Zeroizing` buffers.
    fn assert_zeroize_on_drop<T: ZeroizeOnDrop>() {}
    assert_zeroize_on_drop::<Credential>();
    assert_zeroize_on_drop::<Zeroizing<String>>();

    // Explicit wiping empties the credential, whether it shares its secrets with a
    // clone (it lets go of them) or holds them alone (they are wiped in place).
    let mut credential = Credential::new(SECRET_ID, SECRET_KEY).with_token(TOKEN);
    let mut copy = credential.clone();
    credential.zeroize();
    assert_eq!(credential.secret_key(), "");
    assert_eq!(credential.token(), None);
    assert_eq!(credential.secret_id(), "");
    // The clone keeps the secrets, now held by it alone.
    assert_eq!(copy.secret_key(), SECRET_KEY);
    assert_eq!(copy.token(), Some(TOKEN));
    copy.zeroize();
    assert_eq!(copy.secret_key(), "");
    assert_eq!(copy.token(), None);
    assert_eq!(copy, credential);
    // A token added to a clone stays on that clone.
    let plain = Credential::new(SECRET_ID, SECRET_KEY);
    let with_token = plain.clone().with_token(TOKEN);
    assert_eq!(plain.token(), None);
    assert_eq!(with_token.token(), Some(TOKEN));
}

#[test]
fn providers_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Credential>();
    assert_send_sync::<EnvProvider>();
    assert_send_sync::<ProfileProvider>();
    assert_send_sync::<DefaultChain>();
    assert_send_sync::<CredentialsError>();
    fn assert_send<T: Send>(_: &T) {}
    let provider = full_env();
    assert_send(&provider.provide_credentials());
}
