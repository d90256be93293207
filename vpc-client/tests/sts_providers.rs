//! The STS credential providers against the local endpoint (VPC and STS on one server,
//! 127.0.0.1): `AssumeRoleProvider` (signed `AssumeRole`) and `WebIdentityProvider`
//! (unsigned `AssumeRoleWithWebIdentity`, the TKE variables, the rotating token file),
//! their shared refresh cache under 100 concurrent calls, typed STS errors, and that no
//! secret reaches `Debug` or `Display`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use vpc_client::credentials::{
    AssumeRoleProvider, Credential, CredentialsError, DefaultChain, ENV_TKE_PROVIDER_ID,
    ENV_TKE_REGION, ENV_TKE_ROLE_ARN, ENV_TKE_WEB_IDENTITY_TOKEN_FILE, ProvideCredentials,
    StsError, WebIdentityProvider,
};
use vpc_client::sts::{AssumeRoleError, AssumeRoleWithWebIdentityError};
use vpc_client::vpc::{DescribeVpcsRequest, ResetVpnConnectionRequest};
use vpc_client::{Client, Endpoint, Error};
use vpc_mock::{RunningServer, StsState, demo_credential, start_vpc_with_sts};

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/deployer";
const PROVIDER_ID: &str = "OIDC";
// Distinctive: any occurrence in formatted output is a leak.
const WEB_TOKEN: &str = "eyJ-unmistakable-WEB-identity-token-5c1d";
const WEB_TOKEN_2: &str = "eyJ-unmistakable-ROTATED-identity-token-8e2f";

async fn server() -> (RunningServer, StsState) {
    start_vpc_with_sts(demo_credential())
        .await
        .expect("the local endpoint starts")
}

fn assume_role(server: &RunningServer) -> vpc_client::credentials::AssumeRoleProviderBuilder {
    AssumeRoleProvider::builder(demo_credential(), ROLE_ARN, "tests")
        .endpoint(Endpoint::Url(server.url()))
}

/// A VPC client signing with `provider`'s credentials, against the local endpoint.
fn vpc_client(server: &RunningServer, provider: impl ProvideCredentials + 'static) -> Client {
    Client::builder()
        .credentials(provider)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .build()
        .expect("client builds")
}

fn reset_request() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z")
}

/// 100 calls at once (of an action without state, so that each succeeds whenever its
/// credentials do); each call's outcome.
async fn hundred_calls(client: &Client) -> Vec<Result<(), String>> {
    let mut calls = JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .describe_vpcs(&DescribeVpcsRequest::default())
                .await
                .map(|_| ())
                .map_err(|error| match error {
                    Error::Credentials(error) => format!("credentials: {error}"),
                    other => format!("{other}"),
                })
        });
    }
    let mut outcomes = Vec::new();
    while let Some(outcome) = calls.join_next().await {
        outcomes.push(outcome.expect("no call panics"));
    }
    outcomes
}

/// A file holding the web identity token, removed on drop.
struct TokenFile(PathBuf);

impl TokenFile {
    fn new(name: &str, token: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "vpc-client-web-identity-{}-{name}-{n}",
            std::process::id()
        ));
        std::fs::write(&path, format!("{token}\n")).expect("token file written");
        Self(path)
    }

    fn rotate(&self, token: &str) {
        std::fs::write(&self.0, token).expect("token file rewritten");
    }
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The TKE variables as a lookup, instead of the process environment.
fn tke_env(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn tke_vars(token_file: &TokenFile) -> Vec<(&'static str, String)> {
    vec![
        (ENV_TKE_REGION, "ap-guangzhou".to_owned()),
        (ENV_TKE_PROVIDER_ID, PROVIDER_ID.to_owned()),
        (
            ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
            token_file.0.display().to_string(),
        ),
        (ENV_TKE_ROLE_ARN, ROLE_ARN.to_owned()),
    ]
}

fn web_identity(server: &RunningServer, token_file: &TokenFile) -> WebIdentityProvider {
    WebIdentityProvider::builder()
        .env_lookup(tke_env(&tke_vars(token_file)))
        .endpoint(Endpoint::Url(server.url()))
        .session_name("pod-tests")
        .build()
        .expect("provider builds")
}

fn assert_not_in(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !secret.is_empty() && !text.contains(secret),
            "a secret leaked into {text:?}"
        );
    }
}

// ---- AssumeRoleProvider ----------------------------------------------------------

#[tokio::test]
async fn assume_role_is_signed_by_the_source_and_its_credentials_sign_vpc_calls() {
    let (server, sts) = server().await;
    let role = assume_role(&server).build().expect("provider builds");
    let credential = role.provide_credentials().await.expect("STS answers");
    assert!(credential.token().is_some(), "temporary credentials");
    assert_ne!(credential.secret_id(), demo_credential().secret_id());
    let issued = sts.issued();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].action, "AssumeRole");
    assert_eq!(issued[0].secret_id, credential.secret_id());
    assert_eq!(issued[0].role_arn, ROLE_ARN);
    assert_eq!(issued[0].role_session_name, "tests");

    // Cached: asked again, no new STS call.
    let again = role.provide_credentials().await.expect("cached");
    assert_eq!(again.secret_id(), credential.secret_id());
    assert_eq!(sts.calls("AssumeRole"), 1);

    let client = vpc_client(&server, role.clone());
    client
        .reset_vpn_connection(&reset_request())
        .await
        .expect("the endpoint accepts the role's credentials");
    assert_eq!(sts.calls("AssumeRole"), 1, "clones share the cache");
}

#[tokio::test]
async fn assume_role_with_unknown_source_keys_is_a_typed_sts_error() {
    let (server, sts) = server().await;
    let role = AssumeRoleProvider::builder(
        Credential::new("AKIDnobodyknowsthis01", "wrong-key"),
        ROLE_ARN,
        "tests",
    )
    .endpoint(Endpoint::Url(server.url()))
    .build()
    .expect("provider builds");
    let error = role.provide_credentials().await.unwrap_err();
    let CredentialsError::Sts(sts_error) = &error else {
        panic!("expected an STS error, got {error:?}");
    };
    let service = sts_error.service_error().expect("a service error");
    assert_eq!(service.code, "AuthFailure.SecretIdNotFound");
    assert!(
        service
            .request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty())
    );
    assert!(matches!(
        &**sts_error,
        StsError::AssumeRole {
            error: Error::Service(AssumeRoleError::Common(_)),
            ..
        }
    ));
    assert_eq!(sts.calls("AssumeRole"), 0, "refused before the STS side");
}

#[tokio::test]
async fn an_error_sts_answers_comes_back_typed_with_code_message_and_request_id() {
    let (server, sts) = server().await;
    sts.fail_next(1, "ResourceNotFound.RoleNotFound", "role not found");
    let role = assume_role(&server).build().expect("provider builds");
    let error = role.provide_credentials().await.unwrap_err();
    let CredentialsError::Sts(sts_error) = &error else {
        panic!("expected an STS error, got {error:?}");
    };
    let StsError::AssumeRole {
        error: Error::Service(typed),
        role_arn,
    } = &**sts_error
    else {
        panic!("expected AssumeRole's service error, got {sts_error:?}");
    };
    assert!(
        matches!(typed, AssumeRoleError::ResourceNotFoundRoleNotFound(_)),
        "{typed:?}"
    );
    assert_eq!(role_arn, ROLE_ARN);
    let service = sts_error.service_error().expect("code, message, RequestId");
    assert_eq!(service.message, "role not found");
    assert!(
        service
            .request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty())
    );
    let text = error.to_string();
    assert!(text.contains("ResourceNotFound.RoleNotFound"), "{text}");
    assert!(text.contains(ROLE_ARN), "{text}");
}

#[test]
fn assume_role_refuses_what_sts_would() {
    for (duration, ok) in [
        (Duration::from_secs(0), false),
        (Duration::from_millis(1500), false),
        (Duration::from_secs(43_201), false),
        (Duration::from_secs(900), true),
        (Duration::from_secs(43_200), true),
    ] {
        let built = AssumeRoleProvider::builder(demo_credential(), ROLE_ARN, "s")
            .duration(duration)
            .build();
        assert_eq!(built.is_ok(), ok, "{duration:?}");
    }
    assert!(
        AssumeRoleProvider::builder(demo_credential(), "", "s")
            .build()
            .is_err()
    );
    assert!(
        AssumeRoleProvider::builder(demo_credential(), ROLE_ARN, "")
            .build()
            .is_err()
    );
}

// ---- one refresh for 100 callers -------------------------------------------------

#[tokio::test]
async fn a_hundred_concurrent_calls_cause_one_sts_call_per_refresh() {
    let (server, sts) = server().await;
    // Credentials live 8 s (7 s to the client, which allows for whole seconds) and are
    // due 5 s before they expire: fresh for 2 s, then due but still valid for 5 s, so
    // that a crowd of calls using them while one refreshes has seconds to spare even
    // on a loaded machine.
    sts.set_lifetime(Some(Duration::from_secs(8)));
    let role = assume_role(&server)
        .refresh_before_expiry(Duration::from_secs(5))
        .build()
        .expect("provider builds");
    let client = vpc_client(&server, role);
    let run = async {
        // No credentials yet: every caller waits for one fetch.
        let first_fetch = tokio::time::Instant::now();
        let outcomes = hundred_calls(&client).await;
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(sts.calls("AssumeRole"), 1);

        // Due for a refresh but still valid: one caller refreshes, the others go on
        // with the cached credentials.
        tokio::time::sleep_until(first_fetch + Duration::from_millis(2_500)).await;
        let refresh = tokio::time::Instant::now();
        let outcomes = hundred_calls(&client).await;
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(sts.calls("AssumeRole"), 2);

        // Expired mid-run: every caller waits for one fetch again.
        tokio::time::sleep_until(refresh + Duration::from_millis(7_500)).await;
        let outcomes = hundred_calls(&client).await;
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(sts.calls("AssumeRole"), 3);
    };
    tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("never hangs");
    let issued: HashSet<String> = sts.issued().into_iter().map(|i| i.secret_id).collect();
    assert_eq!(issued.len(), 3, "one set of credentials per refresh");
}

#[tokio::test]
async fn a_failed_refresh_fails_the_waiting_calls_with_the_sts_error() {
    let (server, sts) = server().await;
    // More failures than any crowd of callers causes: each caller waits for at most
    // two fetches.
    // A code no client retries, so that each fetch is one STS call.
    sts.fail_next(1_000, "ResourceNotFound.RoleNotFound", "role not found");
    let role = assume_role(&server).build().expect("provider builds");
    let client = vpc_client(&server, role);
    let outcomes = tokio::time::timeout(Duration::from_secs(60), hundred_calls(&client))
        .await
        .expect("never hangs");
    assert_eq!(outcomes.len(), 100);
    for outcome in &outcomes {
        let error = outcome.as_ref().unwrap_err();
        assert!(error.starts_with("credentials: "), "{error}");
        assert!(error.contains("ResourceNotFound.RoleNotFound"), "{error}");
    }
    let calls = sts.calls("AssumeRole");
    assert!(
        (1..=2).contains(&calls),
        "one failed fetch and at most one more for 100 callers, not {calls}"
    );
    assert_eq!(
        server.requests_received(),
        calls,
        "the STS calls only: no VPC call went out without credentials"
    );
}

// ---- WebIdentityProvider ---------------------------------------------------------

#[tokio::test]
async fn web_identity_is_unsigned_and_rereads_the_rotating_token() {
    let (server, sts) = server().await;
    sts.register_web_identity(PROVIDER_ID, WEB_TOKEN);
    sts.register_web_identity(PROVIDER_ID, WEB_TOKEN_2);
    sts.set_lifetime(Some(Duration::from_secs(3)));
    let token = TokenFile::new("rotate", WEB_TOKEN);
    let provider = WebIdentityProvider::builder()
        .env_lookup(tke_env(&tke_vars(&token)))
        .endpoint(Endpoint::Url(server.url()))
        .session_name("pod-tests")
        .refresh_before_expiry(Duration::from_secs(2))
        .build()
        .expect("provider builds");
    let first = provider.provide_credentials().await.expect("STS answers");
    assert!(first.token().is_some());
    assert_eq!(sts.calls("AssumeRoleWithWebIdentity"), 1);
    let issued = sts.issued();
    assert_eq!(issued[0].action, "AssumeRoleWithWebIdentity");
    assert_eq!(issued[0].role_arn, ROLE_ARN);
    assert_eq!(issued[0].role_session_name, "pod-tests");

    // The projected token rotates; the old one stops working.
    token.rotate(WEB_TOKEN_2);
    sts.forget_web_identity(PROVIDER_ID, WEB_TOKEN);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let second = provider.provide_credentials().await.expect("refreshed");
    assert_ne!(
        second.secret_id(),
        first.secret_id(),
        "refreshed with the new token"
    );
    assert_eq!(sts.calls("AssumeRoleWithWebIdentity"), 2);

    let client = vpc_client(&server, provider.clone());
    client
        .reset_vpn_connection(&reset_request())
        .await
        .expect("the endpoint accepts the pod's credentials");
}

#[tokio::test]
async fn web_identity_with_a_token_sts_refuses_is_a_typed_error_without_the_token() {
    let (server, _sts) = server().await;
    let token = TokenFile::new("refused", WEB_TOKEN);
    let provider = web_identity(&server, &token);
    let error = provider.provide_credentials().await.unwrap_err();
    let CredentialsError::Sts(sts_error) = &error else {
        panic!("expected an STS error, got {error:?}");
    };
    assert!(
        matches!(
            &**sts_error,
            StsError::AssumeRoleWithWebIdentity {
                error: Error::Service(
                    AssumeRoleWithWebIdentityError::InvalidParameterWebIdentityTokenError(_)
                ),
                ..
            }
        ),
        "{sts_error:?}"
    );
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{provider:?}"),
    ] {
        assert_not_in(&text, &[WEB_TOKEN]);
    }
}

#[tokio::test]
async fn web_identity_without_the_variables_finds_nothing_and_the_chain_goes_on() {
    let provider = WebIdentityProvider::builder()
        .env_lookup(|_| None)
        .build()
        .expect("provider builds");
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(error.to_string().contains(ENV_TKE_ROLE_ARN), "{error}");

    let chain = DefaultChain::from_providers(vec![
        Box::new(provider),
        Box::new(Credential::new("AKIDchained", "key")),
    ]);
    let credential = chain.provide_credentials().await.expect("the next one");
    assert_eq!(credential.secret_id(), "AKIDchained");
}

#[tokio::test]
async fn web_identity_with_some_variables_names_the_missing_ones() {
    let provider = WebIdentityProvider::builder()
        .env_lookup(tke_env(&[
            (ENV_TKE_REGION, "ap-guangzhou".to_owned()),
            (ENV_TKE_ROLE_ARN, ROLE_ARN.to_owned()),
        ]))
        .build()
        .expect("provider builds");
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(
        matches!(&error, CredentialsError::Incomplete { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains(ENV_TKE_PROVIDER_ID), "{text}");
    assert!(text.contains(ENV_TKE_WEB_IDENTITY_TOKEN_FILE), "{text}");
    assert!(!text.contains(ENV_TKE_REGION), "{text}");

    // A broken configuration stops the chain, which says what it tried.
    let chain = DefaultChain::from_providers(vec![
        Box::new(provider),
        Box::new(Credential::new("AKIDchained", "key")),
    ]);
    let error = chain.provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("TKE web identity"), "{error}");
}

#[tokio::test]
async fn a_missing_or_empty_token_file_names_the_variable_and_the_path() {
    let (server, _sts) = server().await;
    let token = TokenFile::new("missing", WEB_TOKEN);
    let provider = web_identity(&server, &token);
    let path = token.0.clone();
    drop(token);
    let error = provider.provide_credentials().await.unwrap_err();
    let CredentialsError::File {
        path: named,
        reason,
    } = &error
    else {
        panic!("expected a file error, got {error:?}");
    };
    assert_eq!(named, &path);
    assert!(reason.contains(ENV_TKE_WEB_IDENTITY_TOKEN_FILE), "{reason}");
    assert!(error.to_string().contains(&path.display().to_string()));

    let empty = TokenFile::new("empty", "  ");
    let provider = web_identity(&server, &empty);
    let error = provider.provide_credentials().await.unwrap_err();
    assert!(error.to_string().contains("empty"), "{error}");
}

#[test]
fn the_default_chain_tries_web_identity_after_the_environment() {
    let chain = DefaultChain::new();
    let names: Vec<&str> = chain.providers().iter().map(|p| p.name()).collect();
    let position = |name: &str| names.iter().position(|n| *n == name);
    assert!(position("environment") < position("TKE web identity"));
    assert!(position("TKE web identity") < position("profile file"));
    assert!(position("TKE web identity") < position("instance role"));
}

// ---- secrets ---------------------------------------------------------------------

#[tokio::test]
async fn no_secret_in_debug_or_display_of_the_providers_and_their_errors() {
    let (server, sts) = server().await;
    sts.register_web_identity(PROVIDER_ID, WEB_TOKEN);
    let token = TokenFile::new("debug", WEB_TOKEN);
    let web = web_identity(&server, &token);
    let role = assume_role(&server)
        .policy("{\"statement\":[]}")
        .build()
        .expect("provider builds");
    let from_web = web.provide_credentials().await.expect("web identity");
    let from_role = role.provide_credentials().await.expect("assume role");
    let secrets = [
        from_web.secret_key(),
        from_web.token().unwrap_or_default(),
        from_role.secret_key(),
        from_role.token().unwrap_or_default(),
        vpc_mock::DEMO_SECRET_KEY,
        WEB_TOKEN,
    ];
    for text in [
        format!("{web:?}"),
        format!("{web:#?}"),
        format!("{role:?}"),
        format!("{role:#?}"),
        format!(
            "{:?}",
            AssumeRoleProvider::builder(demo_credential(), ROLE_ARN, "s")
        ),
        format!("{:?}", WebIdentityProvider::builder().token_file("/x")),
    ] {
        assert_not_in(&text, &secrets);
    }
    // Errors: a refused refresh of each.
    sts.fail_next(2, "ResourceNotFound.RoleNotFound", "role not found");
    let fresh_role = assume_role(&server).build().expect("provider builds");
    let fresh_web = web_identity(&server, &token);
    for error in [
        fresh_role.provide_credentials().await.unwrap_err(),
        fresh_web.provide_credentials().await.unwrap_err(),
    ] {
        assert_not_in(&format!("{error} {error:?} {error:#?}"), &secrets);
    }
}

#[test]
fn sts_errors_are_std_errors_and_shareable() {
    fn assert_traits<T: std::error::Error + Send + Sync + 'static>() {}
    assert_traits::<StsError>();
    assert_traits::<CredentialsError>();
    fn assert_clone<T: Clone + Send + Sync>() {}
    assert_clone::<AssumeRoleProvider>();
    assert_clone::<WebIdentityProvider>();
    let _: Option<Arc<StsError>> = None;
}
