//! Signed calls from the generated client to the local endpoint (`vpc-mock`), which
//! recomputes every signature from what arrived and rejects a mismatch; and every way an
//! answer can come back, decoded into the right typed result. Retries are off here, so
//! that each call is exactly one request (`reliability.rs` tests them).

use std::time::Duration;

use vpc_client::credentials::Credential;
use vpc_client::vpc::{CommonError, ResetVpnConnectionError, ResetVpnConnectionRequest};
use vpc_client::{Client, Endpoint, Error, ResponseErrorKind, RetryPolicy};
use vpc_mock::{Fault, RunningServer, demo_credential, start_vpc};

const ACTION: &str = "ResetVpnConnection";

async fn server() -> RunningServer {
    start_vpc(demo_credential())
        .await
        .expect("local endpoint starts")
}

fn client(
    server: &RunningServer,
    credentials: impl vpc_client::credentials::ProvideCredentials + 'static,
) -> Client {
    Client::builder()
        .credentials(credentials)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn example_request() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z")
}

type CallResult =
    Result<vpc_client::vpc::ResetVpnConnectionResponse, Error<ResetVpnConnectionError>>;

async fn call_with_fault(fault: Fault) -> CallResult {
    let server = server().await;
    server.faults().inject(ACTION, fault, 1);
    let result = client(&server, demo_credential())
        .reset_vpn_connection(&example_request())
        .await;
    server.shutdown().await;
    result
}

fn response_error(result: CallResult) -> Box<vpc_client::ResponseError> {
    match result {
        Err(Error::Response(error)) => error,
        other => panic!("expected a response error, got {other:?}"),
    }
}

#[tokio::test]
async fn signed_call_succeeds_and_returns_the_request_id() {
    let server = server().await;
    let response = client(&server, demo_credential())
        .reset_vpn_connection(&example_request())
        .await
        .expect("the endpoint accepts our signature");
    assert_eq!(response.request_id.len(), 36, "{}", response.request_id);
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_key_is_rejected_by_signature_check() {
    let server = server().await;
    let wrong = Credential::new(vpc_mock::DEMO_SECRET_ID, "not-the-key");
    let err = client(&server, wrong)
        .reset_vpn_connection(&example_request())
        .await
        .expect_err("bad signature");
    assert!(
        matches!(&err, Error::Service(ResetVpnConnectionError::Common(CommonError::AuthFailureSignatureFailure(e))) if e.request_id.is_some()),
        "{err:?}"
    );
    assert!(err.is_auth_failure());
    server.shutdown().await;
}

#[tokio::test]
async fn every_documented_code_decodes_to_its_variant() {
    type Check = fn(&ResetVpnConnectionError) -> bool;
    let cases: [(&str, Check); 4] = [
        ("InvalidParameterValue.Malformed", |e| {
            matches!(
                e,
                ResetVpnConnectionError::InvalidParameterValueMalformed(_)
            )
        }),
        // Documented and common: the common enum's, as for every action.
        ("ResourceNotFound", |e| {
            matches!(
                e,
                ResetVpnConnectionError::Common(CommonError::ResourceNotFound(_))
            )
        }),
        ("UnsupportedOperation.InvalidState", |e| {
            matches!(
                e,
                ResetVpnConnectionError::UnsupportedOperationInvalidState(_)
            )
        }),
        ("UnsupportedOperation.VpnConnInvalidState", |e| {
            matches!(
                e,
                ResetVpnConnectionError::UnsupportedOperationVpnConnInvalidState(_)
            )
        }),
    ];
    assert_eq!(
        cases.iter().map(|(code, _)| *code).collect::<Vec<_>>(),
        ResetVpnConnectionError::DOCUMENTED_CODES
    );
    let server = server().await;
    let client = client(&server, demo_credential());
    for (code, check) in cases {
        server
            .faults()
            .inject(ACTION, Fault::error(code, format!("said {code}")), 1);
        match client.reset_vpn_connection(&example_request()).await {
            Err(Error::Service(error)) => {
                assert!(check(&error), "{code} decoded as {error:?}");
                let inner = vpc_client::ActionError::service_error(&error);
                assert_eq!(inner.code, code);
                assert_eq!(inner.message, format!("said {code}"));
                assert_eq!(inner.request_id.as_deref().map(str::len), Some(36));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn common_codes_decode_and_classify() {
    let server = server().await;
    let client = client(&server, demo_credential());
    // (code, throttling, retryable, auth failure); `ResourceNotFound` is also one of the
    // action's documented codes.
    let cases = [
        ("RequestLimitExceeded", true, true, false),
        ("RequestLimitExceeded.UinLimitExceeded", true, true, false),
        ("InternalError", false, true, false),
        ("AuthFailure.UnauthorizedOperation", false, false, true),
        ("LimitExceeded", false, false, false),
        ("ResourceNotFound", false, false, false),
    ];
    for (code, throttling, retryable, auth) in cases {
        server.faults().inject(ACTION, Fault::error(code, "m"), 1);
        let err = client
            .reset_vpn_connection(&example_request())
            .await
            .expect_err(code);
        let inner = err.service_error().expect("service error");
        assert_eq!(inner.code, code);
        let Error::Service(ResetVpnConnectionError::Common(common)) = &err else {
            panic!("{code} is common but decoded as {err:?}");
        };
        assert_eq!(common.service_error(), inner, "{code}");
        assert_eq!(err.common(), Some(common), "{code}");
        assert_eq!(common.to_string(), err.to_string(), "{code}");
        assert_eq!(err.kind_name(), "service", "{code}");
        assert_eq!(err.is_throttling(), throttling, "{code}");
        assert_eq!(err.is_retryable(), retryable, "{code}");
        assert_eq!(err.is_auth_failure(), auth, "{code}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_code_keeps_code_message_and_request_id() {
    let err = call_with_fault(Fault::error("FailedOperation.BrandNew", "something new"))
        .await
        .expect_err("error");
    let Error::Service(ResetVpnConnectionError::Unknown(inner)) = &err else {
        panic!("expected the fallback: {err:?}");
    };
    assert_eq!(inner.code, "FailedOperation.BrandNew");
    assert_eq!(inner.message, "something new");
    let id = inner.request_id.clone().expect("request id");
    assert_eq!(
        err.to_string(),
        format!("FailedOperation.BrandNew: something new (RequestId: {id})")
    );
}

#[tokio::test]
async fn html_500_keeps_status_content_type_and_excerpt() {
    let error = response_error(call_with_fault(Fault::Html500).await);
    assert_eq!(error.status, 500);
    assert_eq!(error.kind, ResponseErrorKind::HttpStatus);
    assert!(
        error
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert!(
        error.body_excerpt.contains("<html"),
        "{}",
        error.body_excerpt
    );
}

#[tokio::test]
async fn truncated_json_is_not_json_with_position() {
    let error = response_error(
        call_with_fault(Fault::raw(
            200,
            "application/json",
            r#"{"Response": {"RequestId": "ab"#,
        ))
        .await,
    );
    assert_eq!(error.status, 200);
    let ResponseErrorKind::NotJson { message } = &error.kind else {
        panic!("{error:?}");
    };
    assert!(message.contains("line 1 column"), "{message}");
    assert!(error.body_excerpt.starts_with("{\"Response\""));
}

#[tokio::test]
async fn missing_response_envelope() {
    let error = response_error(
        call_with_fault(Fault::raw(200, "application/json", r#"{"RequestId": "x"}"#)).await,
    );
    assert_eq!(error.kind, ResponseErrorKind::MissingEnvelope);
}

#[tokio::test]
async fn wrong_field_type_names_the_json_path_and_keeps_request_id() {
    let error = response_error(
        call_with_fault(Fault::raw(
            200,
            "application/json",
            r#"{"Response": {"RequestId": 42}}"#,
        ))
        .await,
    );
    let ResponseErrorKind::Mismatch { path, .. } = &error.kind else {
        panic!("{error:?}");
    };
    assert_eq!(path, "Response.RequestId");

    let error = response_error(
        call_with_fault(Fault::raw(
            200,
            "application/json",
            r#"{"Response": {"Error": {"Code": 7}, "RequestId": "rid-1"}}"#,
        ))
        .await,
    );
    assert_eq!(error.kind, ResponseErrorKind::MalformedError);
    assert_eq!(error.request_id.as_deref(), Some("rid-1"));
}

#[tokio::test]
async fn error_body_with_charset_is_still_an_error() {
    let body = r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "gone"}, "RequestId": "rid-2"}}"#;
    let err = call_with_fault(Fault::raw(200, "application/json; charset=utf-8", body))
        .await
        .expect_err("must not be taken for success");
    let Error::Service(ResetVpnConnectionError::Common(CommonError::ResourceNotFound(inner))) = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(inner.message, "gone");
    assert_eq!(inner.request_id.as_deref(), Some("rid-2"));
}

#[tokio::test]
async fn dropped_connection_is_a_transport_error() {
    let err = call_with_fault(Fault::DropConnection)
        .await
        .expect_err("dropped");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        !err.is_retryable(),
        "the request was sent: not blindly retryable"
    );
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let server = server().await;
    let url = server.url();
    server.shutdown().await;
    let client = Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url))
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let err = client
        .reset_vpn_connection(&example_request())
        .await
        .expect_err("nobody listens");
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(transport.kind, vpc_client::TransportErrorKind::Connect);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn oversized_answer_is_cut_at_the_limit() {
    let server = server().await;
    let big = format!(r#"{{"Response": {{"RequestId": "{}"}}}}"#, "x".repeat(4096));
    server
        .faults()
        .inject(ACTION, Fault::raw(200, "application/json", big), 1);
    let client = Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .max_response_bytes(1024)
        .build()
        .expect("builds");
    let error = response_error(client.reset_vpn_connection(&example_request()).await);
    assert_eq!(error.kind, ResponseErrorKind::TooLarge { limit: 1024 });
    server.shutdown().await;
}

#[tokio::test]
async fn debug_and_errors_never_show_the_secret() {
    let secret = "S3CR3T-never-print-me";
    let token = "T0K3N-never-print-me";
    let server = server().await;
    let credential = Credential::new(vpc_mock::DEMO_SECRET_ID, secret).with_token(token);
    let client = client(&server, credential.clone());
    let err = client
        .reset_vpn_connection(&example_request())
        .await
        .expect_err("wrong key and unexpected token");
    for text in [
        format!("{client:?}"),
        format!("{credential:?}"),
        format!("{err:?}"),
        err.to_string(),
    ] {
        assert!(!text.contains(secret) && !text.contains(token), "{text}");
    }
    server.shutdown().await;
}

#[test]
fn an_unparseable_endpoint_with_a_password_is_not_echoed() {
    for url in [
        "http://u:hunter2@[::1",
        "http://u:hunter2@host:99999/",
        "u:hunter2@x",
    ] {
        let err = Client::builder()
            .credentials(Credential::new("AKIDEXAMPLE", "secret"))
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(url.into()))
            .build()
            .expect_err("invalid");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn an_endpoint_with_a_password_is_refused_without_echoing_it() {
    let err = Client::builder()
        .credentials(Credential::new("AKIDEXAMPLE", "secret"))
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url("https://user:hunter2@vpc.example/".into()))
        .build()
        .expect_err("userinfo is refused");
    let text = format!("{err} {err:?}");
    assert!(text.contains("user name or password"), "{text}");
    assert!(
        !text.contains("hunter2") && !text.contains("user:"),
        "{text}"
    );
}

#[test]
fn a_region_that_cannot_be_a_header_is_refused_at_build() {
    for region in ["", "ap-guangzhou\n", "ap guangzhou", "ap-广州"] {
        let err = Client::builder()
            .credentials(demo_credential())
            .region(region)
            .build()
            .expect_err("invalid region");
        assert!(
            matches!(err, vpc_client::BuildError::InvalidRegion(_)),
            "{region:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_a_request_error_and_never_retried() {
    let server = server().await;
    // A token (as a metadata service could hand out) that no header may carry.
    let credential = demo_credential().with_token("bad\ntoken");
    let client = Client::builder()
        .credentials(credential)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .build() // retries on (the default)
        .expect("client builds");
    let err = client
        .reset_vpn_connection(&example_request())
        .await
        .expect_err("cannot be sent");
    assert!(matches!(err, Error::Request(_)), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.requests_received(), 0);
    server.shutdown().await;
}

/// A credentials source that takes far longer than any call may.
#[derive(Debug)]
struct Stuck;

impl vpc_client::credentials::ProvideCredentials for Stuck {
    fn provide_credentials(&self) -> vpc_client::credentials::CredentialsFuture<'_> {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(demo_credential())
        })
    }
}

#[tokio::test]
async fn the_deadline_bounds_fetching_credentials_and_nothing_is_sent() {
    let server = server().await;
    let client = Client::builder()
        .credentials(Stuck)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .deadline(Duration::from_millis(200))
        .build()
        .expect("client builds");
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        client.reset_vpn_connection(&example_request()),
    )
    .await
    .expect("the deadline ends the call")
    .expect_err("no credentials in time");
    assert!(err.is_deadline_exhausted(), "{err:?}");
    assert_eq!(err.attempts(), 0);
    assert!(
        matches!(err.last_attempt(), Error::Credentials(_)),
        "{err:?}"
    );
    assert_eq!(server.requests_received(), 0);
    server.shutdown().await;
}

/// Holds credentials already, and has no other way to give them.
#[derive(Debug)]
struct HeldOnly(Credential);

impl vpc_client::credentials::ProvideCredentials for HeldOnly {
    fn provide_credentials(&self) -> vpc_client::credentials::CredentialsFuture<'_> {
        Box::pin(std::future::ready(Err(
            vpc_client::credentials::CredentialsError::other("asked through the future"),
        )))
    }

    fn credentials_now(&self) -> Option<Credential> {
        Some(self.0.clone())
    }
}

#[tokio::test]
async fn credentials_held_already_are_used_without_the_future() {
    let server = server().await;
    let client = client(&server, HeldOnly(demo_credential()));
    let response = client
        .reset_vpn_connection(&example_request())
        .await
        .expect("signed with the held credentials");
    assert!(!response.request_id.is_empty());
    assert_eq!(server.requests_received(), 1);
    server.shutdown().await;
}
