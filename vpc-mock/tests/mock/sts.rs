//! VPC and STS on one server (`start_vpc_with_sts`): temporary credentials issued by
//! `AssumeRole` (signed) and `AssumeRoleWithWebIdentity` (unsigned) are accepted by
//! VPC calls until they expire; `Authorization: SKIP` only for a `skip_sign` action,
//! both ways; the test hooks (call counts, lifetime, injected failures, web-identity
//! tokens); routing by `Host` and by `X-TC-Version`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use vpc_client::credentials::{Credential, CredentialsError, ProvideCredentials};
use vpc_client::sts::{
    AssumeRoleError, AssumeRoleRequest, AssumeRoleWithWebIdentityError,
    AssumeRoleWithWebIdentityRequest, CommonError as StsCommonError,
};
use vpc_client::vpc::{CommonError, ResetVpnConnectionError, ResetVpnConnectionRequest};
use vpc_client::{Action, ActionVisitor, Client, Endpoint, Error, RetryPolicy};
use vpc_mock::{Fault, RunningServer, StsState, codes, demo_credential, start_vpc_with_sts};

use crate::common::{Auth, RESET_BODY, Req, send};

const ROLE: &str = "qcs::cam::uin/100015158414:roleName/readOnlyRole";
const PROVIDER: &str = "OIDC";
const WEB_TOKEN: &str = "eyJraWQiOiJ0ZXN0In0.projected.token";

async fn server() -> (RunningServer, StsState) {
    start_vpc_with_sts(demo_credential())
        .await
        .expect("VPC and STS start")
}

fn client(server: &RunningServer, credentials: impl ProvideCredentials + 'static) -> Client {
    Client::builder()
        .credentials(credentials)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn assume_role_body() -> String {
    format!(r#"{{"RoleArn":"{ROLE}","RoleSessionName":"s1"}}"#)
}

/// A raw request signed by the demo key (the one the server accepts).
fn raw(action: &str, body: &str) -> Req {
    let mut request = Req::new(action, body);
    request.auth = Auth::Sign(demo_credential());
    request
}

/// A raw STS request: STS's version, the scope naming `sts`.
fn raw_sts(action: &str, body: &str) -> Req {
    let mut request = raw(action, body);
    request.version = Some("2018-08-13".into());
    request.tamper.service = Some("sts".into());
    request
}

fn reset() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z")
}

/// A provider that never has credentials and counts how often it was asked.
#[derive(Debug, Default, Clone)]
struct Nothing(Arc<AtomicUsize>);

impl ProvideCredentials for Nothing {
    fn provide_credentials(&self) -> vpc_client::credentials::CredentialsFuture<'_> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Box::pin(async { Err(CredentialsError::other("no credentials in this test")) })
    }
}

#[tokio::test]
async fn assumed_role_credentials_sign_vpc_calls_until_they_expire() {
    let (server, sts) = server().await;
    sts.set_lifetime(Some(Duration::from_secs(2)));
    let answer = client(&server, demo_credential())
        .call(&AssumeRoleRequest::new(ROLE, "session-1"))
        .await
        .expect("AssumeRole signed with the long-term key");
    assert_eq!(sts.calls("AssumeRole"), 1);
    let issued = answer.credentials.expect("credentials");
    let expired_time = answer.expired_time.expect("ExpiredTime");
    let now = i64::try_from(crate::common::now()).expect("now fits");
    assert!(
        (1..=3).contains(&(expired_time - now)),
        "{expired_time} vs {now}"
    );
    assert!(answer.expiration.expect("Expiration").ends_with('Z'));
    let temporary = Credential::new(
        issued.tmp_secret_id.expect("TmpSecretId"),
        issued.tmp_secret_key.expect("TmpSecretKey"),
    )
    .with_token(issued.token.expect("Token"));
    let with_temporary = client(&server, temporary.clone());
    with_temporary
        .reset_vpn_connection(&reset())
        .await
        .expect("a VPC call signed with the issued credentials (and their token)");
    // The same key without its token is refused.
    let tokenless = Credential::new(temporary.secret_id(), temporary.secret_key());
    let refused = client(&server, tokenless)
        .reset_vpn_connection(&reset())
        .await
        .expect_err("no token");
    assert!(
        matches!(
            refused,
            Error::Service(ResetVpnConnectionError::Common(
                CommonError::AuthFailureTokenFailure(_)
            ))
        ),
        "{refused:?}"
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let expired = with_temporary
        .reset_vpn_connection(&reset())
        .await
        .expect_err("expired");
    assert_eq!(
        expired.service_error().map(|e| e.code.as_str()),
        Some(codes::TOKEN_FAILURE),
        "{expired:?}"
    );
    assert_eq!(sts.issued().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn assume_role_from_an_unknown_key_is_refused_and_not_counted() {
    let (server, sts) = server().await;
    let error = client(&server, Credential::new("AKIDUNKNOWN", "nope"))
        .call(&AssumeRoleRequest::new(ROLE, "session"))
        .await
        .expect_err("unknown key");
    assert!(
        matches!(
            &error,
            Error::Service(AssumeRoleError::Common(
                StsCommonError::AuthFailureSecretIdNotFound(_)
            ))
        ),
        "{error:?}"
    );
    assert_eq!(sts.calls("AssumeRole"), 0);
    assert!(sts.issued().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn web_identity_is_unsigned_needs_no_credentials_and_checks_the_token() {
    let (server, sts) = server().await;
    sts.register_web_identity(PROVIDER, WEB_TOKEN);
    let asked = Nothing::default();
    let keyless = client(&server, asked.clone());
    let mut request = AssumeRoleWithWebIdentityRequest::new(PROVIDER, WEB_TOKEN, ROLE, "pod-1");
    request.duration_seconds = Some(900);
    let answer = keyless.call(&request).await.expect("unsigned call");
    assert_eq!(
        asked.0.load(Ordering::Relaxed),
        0,
        "no credentials asked for"
    );
    let expired_time = answer.expired_time.expect("ExpiredTime");
    let now = crate::common::now();
    assert!(
        (899..=901).contains(&(expired_time - now)),
        "{expired_time}"
    );
    let issued = answer.credentials.expect("credentials");
    let temporary = Credential::new(
        issued.tmp_secret_id.expect("id"),
        issued.tmp_secret_key.expect("key"),
    )
    .with_token(issued.token.expect("token"));
    client(&server, temporary)
        .reset_vpn_connection(&reset())
        .await
        .expect("VPC accepts the web identity's credentials");

    // A token nobody registered, and one of another provider.
    for (provider, token) in [(PROVIDER, "forged"), ("other-idp", WEB_TOKEN)] {
        let request = AssumeRoleWithWebIdentityRequest::new(provider, token, ROLE, "pod-1");
        let error = keyless.call(&request).await.expect_err("unregistered");
        assert!(
            matches!(
                error,
                Error::Service(
                    AssumeRoleWithWebIdentityError::InvalidParameterWebIdentityTokenError(_)
                )
            ),
            "{error:?}"
        );
    }
    // A malformed role and session name.
    for (role, session) in [("not-an-arn", "pod-1"), (ROLE, "x")] {
        let request = AssumeRoleWithWebIdentityRequest::new(PROVIDER, WEB_TOKEN, role, session);
        let error = keyless.call(&request).await.expect_err("malformed");
        assert!(
            matches!(
                error,
                Error::Service(AssumeRoleWithWebIdentityError::InvalidParameterParamError(
                    _
                ))
            ),
            "{error:?}"
        );
    }
    assert_eq!(sts.calls("AssumeRoleWithWebIdentity"), 5);
    assert_eq!(sts.issued().len(), 1);
    assert_eq!(asked.0.load(Ordering::Relaxed), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn injected_failures_fail_the_next_calls_with_the_sts_code() {
    let (server, sts) = server().await;
    sts.fail_next(2, "InternalError.GetRoleError", "cannot get the role");
    let client = client(&server, demo_credential());
    let request = AssumeRoleRequest::new(ROLE, "session");
    for _ in 0..2 {
        let error = client.call(&request).await.expect_err("injected");
        assert!(
            matches!(&error, Error::Service(AssumeRoleError::InternalErrorGetRoleError(e)) if e.message == "cannot get the role"),
            "{error:?}"
        );
    }
    client.call(&request).await.expect("the third succeeds");
    assert_eq!(sts.calls("AssumeRole"), 3);
    assert_eq!(sts.issued().len(), 1);
    assert_eq!(sts.all_calls().len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn skip_is_refused_on_a_signed_action_in_both_services() {
    let (server, _sts) = server().await;
    let addr = server.local_addr();
    // A VPC action.
    let mut request = raw("ResetVpnConnection", RESET_BODY);
    request.auth = Auth::Raw("SKIP".into());
    let message = send(addr, &request)
        .await
        .expect_error(codes::SIGNATURE_FAILURE);
    assert!(message.contains("ResetVpnConnection"), "{message}");
    // A signed STS action.
    let mut request = raw_sts("AssumeRole", &assume_role_body());
    request.auth = Auth::Raw("SKIP".into());
    send(addr, &request)
        .await
        .expect_error(codes::SIGNATURE_FAILURE);
    // An unknown action cannot be unsigned either.
    let mut request = raw("NoSuchAction", "{}");
    request.auth = Auth::Raw("SKIP".into());
    send(addr, &request)
        .await
        .expect_error(codes::SIGNATURE_FAILURE);
    server.shutdown().await;
}

#[tokio::test]
async fn skip_is_accepted_for_the_skip_sign_action_with_a_checked_timestamp() {
    let (server, sts) = server().await;
    sts.register_web_identity(PROVIDER, WEB_TOKEN);
    let addr = server.local_addr();
    let body = format!(
        r#"{{"ProviderId":"{PROVIDER}","WebIdentityToken":"{WEB_TOKEN}","RoleArn":"{ROLE}","RoleSessionName":"pod"}}"#
    );
    let mut request = raw_sts("AssumeRoleWithWebIdentity", &body);
    request.auth = Auth::Raw("SKIP".into());
    let members = send(addr, &request).await.expect_success();
    assert!(
        members["Credentials"]["TmpSecretId"].is_string(),
        "{members:?}"
    );
    // Unsigned, the timestamp still counts.
    request.timestamp = Some((crate::common::now() - 3600).to_string());
    send(addr, &request)
        .await
        .expect_error(codes::SIGNATURE_EXPIRE);
    // Signed is fine too.
    let signed = raw_sts("AssumeRoleWithWebIdentity", &body);
    send(addr, &signed).await.expect_success();
    assert_eq!(sts.calls("AssumeRoleWithWebIdentity"), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn requests_are_routed_by_host_then_by_version() {
    let (server, sts) = server().await;
    let addr = server.local_addr();
    // Host `sts.…` wins over a VPC version: the STS table answers (NoSuchVersion, as the
    // STS host would), never VPC's InvalidAction.
    let mut request = raw_sts("AssumeRole", &assume_role_body());
    request.version = Some("2017-03-12".into());
    request.host = Some("sts.tencentcloudapi.com".into());
    send(addr, &request)
        .await
        .expect_error(codes::NO_SUCH_VERSION);
    request.version = Some("2018-08-13".into());
    send(addr, &request).await.expect_success();
    // By version, with the scope naming the other service: the signature cannot verify.
    let mut request = raw_sts("AssumeRole", &assume_role_body());
    request.tamper.service = None;
    send(addr, &request)
        .await
        .expect_error(codes::SIGNATURE_FAILURE);
    // A VPC request by an STS host is an STS request.
    let mut request = raw_sts("ResetVpnConnection", RESET_BODY);
    request.host = Some("sts.tencentcloudapi.com".into());
    send(addr, &request)
        .await
        .expect_error(codes::INVALID_ACTION);
    assert_eq!(sts.calls("AssumeRole"), 1);
    server.shutdown().await;
}

/// One closure per generated STS action: decode an example's input into the typed
/// request and call it through the typed client.
type Check = Box<
    dyn for<'a> Fn(
        &'a Client,
        serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>,
>;

struct Collect(Vec<(&'static str, Check)>);

impl ActionVisitor for Collect {
    fn visit<A>(&mut self)
    where
        A: Action + DeserializeOwned + Send + 'static,
        A::Response: serde::Serialize,
    {
        self.0.push((
            A::NAME,
            Box::new(|client, input| {
                Box::pin(async move {
                    let request: A = serde_json::from_value(input).map_err(|e| e.to_string())?;
                    client.call(&request).await.map(drop).map_err(|e| match e {
                        Error::Service(typed) => format!("Service({typed:?})"),
                        other => format!("{other:?}"),
                    })
                })
            }),
        ));
    }
}

#[tokio::test]
async fn every_sts_example_round_trips_through_the_typed_client() {
    // AssumeRole and AssumeRoleWithWebIdentity are served by the STS side (the example's
    // web-identity token registered), the others by their examples; the unsigned ones
    // (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) go out with `Authorization: SKIP`.
    let (server, sts) = server().await;
    let client = client(&server, demo_credential());
    let service = vpc_mock::sts_service().expect("STS spec");
    let mut actions = Collect(Vec::new());
    vpc_client::sts::visit_actions(&mut actions);
    assert_eq!(actions.0.len(), service.actions.len());
    let mut answered = 0;
    for (name, check) in &actions.0 {
        let action = service
            .actions
            .iter()
            .find(|a| a.name == *name)
            .expect("every generated action is in the spec");
        for example in &action.examples {
            if let Some(token) = example
                .input
                .get("WebIdentityToken")
                .and_then(|t| t.as_str())
            {
                let provider = example.input["ProviderId"].as_str().unwrap_or_default();
                sts.register_web_identity(provider, token);
            }
            check(&client, example.input.clone())
                .await
                .unwrap_or_else(|e| panic!("{name} \"{}\": {e}", example.title));
            answered += 1;
        }
    }
    assert_eq!(
        answered,
        service
            .actions
            .iter()
            .map(|a| a.examples.len())
            .sum::<usize>()
    );
    assert_eq!(sts.all_calls().values().sum::<u64>(), answered as u64);
    server.shutdown().await;
}

/// Every code an STS action documents decodes to its variant (the action's own, or
/// `Common(..)` for a common code), never `Unknown`, whether the action is signed or not.
#[tokio::test]
async fn every_documented_sts_error_decodes_to_its_variant() {
    let (server, _sts) = server().await;
    let client = client(&server, demo_credential());
    let service = vpc_mock::sts_service().expect("STS spec");
    let mut actions = Collect(Vec::new());
    vpc_client::sts::visit_actions(&mut actions);
    let mut checked = 0;
    for (name, check) in &actions.0 {
        let action = service
            .actions
            .iter()
            .find(|a| a.name == *name)
            .expect("every generated action is in the spec");
        if action.errors.is_empty() {
            continue;
        }
        let input = action
            .examples
            .first()
            .map(|example| example.input.clone())
            .expect("every STS action with codes has an example");
        for case in &action.errors {
            server
                .faults()
                .inject(*name, Fault::error(&case.code, "injected"), 1);
            let debug = check(&client, input.clone())
                .await
                .expect_err("the injected error");
            let expected = if service.is_common(&case.code) {
                format!("Service(Common({}(", case.variant)
            } else {
                format!("Service({}(", case.variant)
            };
            assert!(
                debug.starts_with(&expected),
                "`{name}` {}: expected `{expected}..`, got {debug}",
                case.code
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 77, "the codes of STS's error table");
    server.shutdown().await;
}
