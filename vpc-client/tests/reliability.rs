//! Reliability against the local endpoint's fault injection: every fault answered with
//! the exact typed error or the exact recovery, retries only where resending is safe,
//! the per-call deadline, client-side rate limiting (a burst of 1,000 calls), clock-skew
//! correction, the tracing span of a call, and no secret (nor proxy password) in
//! anything printed.
//!
//! Nothing here measures time except the burst's lower bound: a hang or a backoff that
//! outlives the deadline is caught by [`guard`], which fails a call that takes 20 s.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use serde::{Serialize, Serializer};
use tokio::task::JoinSet;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use vpc_client::credentials::{
    Credential, CredentialsError, CredentialsFuture, ProvideCredentials,
};
use vpc_client::vpc::{
    CommonError, ResetVpnConnectionError as E, ResetVpnConnectionRequest,
    ResetVpnConnectionResponse,
};
use vpc_client::{
    Action, Client, ClientBuilder, Endpoint, Error, RateLimitPolicy, ResponseErrorKind,
    RetryPolicy, ServiceInfo, StopReason, TransportErrorKind,
};
#[path = "support/proxy.rs"]
mod proxy;

use proxy::TestProxy;
use vpc_mock::{
    ActionInfo, Call, Fault, MockServer, MockServerBuilder, RunningServer, demo_credential,
    vpc_service,
};

const ACTION: &str = "ResetVpnConnection";
const REGION: &str = "ap-guangzhou";

type CallResult = Result<ResetVpnConnectionResponse, Error<E>>;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Fails the test instead of hanging: no call here should come close to 20 s.
async fn guard<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("the call hung (or slept past its deadline)")
}

/// A retry-safe action the spec does not have, defined by hand: the local endpoint
/// serves it (see [`builder_for`]) and answers `{"Response": {"RequestId": ...}}`.
#[derive(Debug, Serialize)]
struct DescribeThing {}

impl Action for DescribeThing {
    const NAME: &'static str = "DescribeThing";
    const SERVICE: &'static ServiceInfo = &vpc_client::vpc::SERVICE;
    const RATE_LIMIT: Option<u32> = None;
    const RETRY_SAFE: bool = true;
    const SKIP_SIGN: bool = false;
    type Response = ResetVpnConnectionResponse;
    type Error = E;
}

/// A request that cannot be serialized: the one way to get [`Error::Request`].
#[derive(Debug)]
struct Unserializable;

impl Serialize for Unserializable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "this request cannot be serialized",
        ))
    }
}

impl Action for Unserializable {
    const NAME: &'static str = "DescribeThing";
    const SERVICE: &'static ServiceInfo = &vpc_client::vpc::SERVICE;
    const RATE_LIMIT: Option<u32> = None;
    const RETRY_SAFE: bool = true;
    const SKIP_SIGN: bool = false;
    type Response = ResetVpnConnectionResponse;
    type Error = E;
}

/// The VPC spec's action table (ResetVpnConnection at 100/s) plus `DescribeThing`,
/// every call answered with success: a stateless endpoint, so that any number of
/// resets succeed.
fn builder_for(credential: Credential) -> MockServerBuilder {
    let service = vpc_service().expect("the embedded spec is valid");
    MockServer::builder()
        .credential(credential)
        .spec(&service)
        .action(ActionInfo::new(DescribeThing::NAME))
        .handler(|_call: Call| async { Ok(serde_json::Map::new()) })
}

async fn server() -> RunningServer {
    builder_for(demo_credential())
        .start()
        .await
        .expect("local endpoint starts")
}

/// Retries as by default, with short delays so that the tests stay fast.
fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(ms(10))
        .with_max_delay(ms(40))
}

fn client_builder(url: String, credential: impl ProvideCredentials + 'static) -> ClientBuilder {
    Client::builder()
        .credentials(credential)
        .region(REGION)
        .endpoint(Endpoint::Url(url))
        .timeout(ms(1000))
        .max_response_bytes(1024)
        .retry(quick())
}

fn client(server: &RunningServer) -> Client {
    client_builder(server.url(), demo_credential())
        .build()
        .expect("client builds")
}

fn reset() -> ResetVpnConnectionRequest {
    ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z")
}

/// The URL of an endpoint that was started and stopped: nothing listens there.
async fn closed_url() -> String {
    let server = server().await;
    let url = server.url();
    server.shutdown().await;
    url
}

/// Calls `ResetVpnConnection` once with `fault` injected `times` and returns the result
/// and how many requests reached the server for it.
async fn with_fault(
    server: &RunningServer,
    client: &Client,
    fault: Fault,
    times: usize,
) -> (CallResult, u64) {
    server.faults().inject(ACTION, fault, times);
    let before = server.requests_received();
    let result = guard(client.reset_vpn_connection(&reset())).await;
    server.faults().clear();
    (result, server.requests_received() - before)
}

fn response_error(error: &Error<E>) -> &vpc_client::ResponseError {
    match error {
        Error::Response(response) => response,
        other => panic!("expected a response error, got {other:?}"),
    }
}

fn transport_kind(error: &Error<E>) -> TransportErrorKind {
    match error {
        Error::Transport(transport) => transport.kind,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn exhausted(error: &Error<E>) -> &vpc_client::Exhausted<E> {
    match error {
        Error::Exhausted(exhausted) => exhausted,
        other => panic!("expected the client to have given up retrying, got {other:?}"),
    }
}

type Check = fn(&Error<E>);

/// Answers that are definitive for `ResetVpnConnection` (not safe to retry): each is
/// returned as it is, after exactly one request.
fn definitive_cases() -> Vec<(&'static str, Fault, Check)> {
    let big = format!(r#"{{"Response": {{"RequestId": "{}"}}}}"#, "x".repeat(4096));
    vec![
        (
            "connection reset mid-response",
            Fault::ResetMidResponse,
            |e| assert_eq!(transport_kind(e), TransportErrorKind::Interrupted),
        ),
        (
            "connection closed without an answer",
            Fault::DropConnection,
            |e| assert_eq!(transport_kind(e), TransportErrorKind::Interrupted),
        ),
        ("slower than the timeout", Fault::Delay(ms(2500)), |e| {
            assert_eq!(transport_kind(e), TransportErrorKind::Timeout)
        }),
        ("500 with HTML", Fault::Html500, |e| {
            let r = response_error(e);
            assert_eq!((r.status, &r.kind), (500, &ResponseErrorKind::HttpStatus));
            assert_eq!(r.content_type.as_deref(), Some("text/html"));
            assert!(r.body_excerpt.contains("<html>"), "{}", r.body_excerpt);
        }),
        (
            "200 with truncated JSON",
            Fault::raw(200, "application/json", r#"{"Response": {"RequestId": "ab"#),
            |e| {
                let r = response_error(e);
                assert_eq!(r.status, 200);
                assert!(
                    matches!(&r.kind, ResponseErrorKind::NotJson { message } if message.contains("EOF")),
                    "{r:?}"
                );
            },
        ),
        (
            "200 with a non-JSON body",
            Fault::raw(200, "text/plain", "upstream says hello"),
            |e| {
                let r = response_error(e);
                assert_eq!(r.status, 200);
                assert!(matches!(r.kind, ResponseErrorKind::NotJson { .. }), "{r:?}");
                assert_eq!(r.body_excerpt, "upstream says hello");
            },
        ),
        (
            "an error body with charset=utf-8",
            Fault::raw(
                200,
                "application/json; charset=utf-8",
                r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "gone"}, "RequestId": "rid-7"}}"#,
            ),
            |e| {
                let Error::Service(E::Common(CommonError::ResourceNotFound(inner))) = e else {
                    panic!("{e:?}");
                };
                assert_eq!(inner.message, "gone");
                assert_eq!(inner.request_id.as_deref(), Some("rid-7"));
            },
        ),
        (
            "a success without RequestId",
            Fault::raw(200, "application/json", r#"{"Response": {}}"#),
            |e| {
                let r = response_error(e);
                let ResponseErrorKind::Mismatch { path, message } = &r.kind else {
                    panic!("{r:?}");
                };
                assert_eq!(path, "Response");
                assert!(message.contains("RequestId"), "{message}");
            },
        ),
        (
            "an error without RequestId",
            Fault::raw(
                200,
                "application/json",
                r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "gone"}}}"#,
            ),
            |e| {
                let Error::Service(E::Common(CommonError::ResourceNotFound(inner))) = e else {
                    panic!("{e:?}");
                };
                assert_eq!(inner.request_id, None);
                assert_eq!(e.to_string(), "ResourceNotFound: gone (no RequestId)");
            },
        ),
        (
            "a body over the size limit",
            Fault::raw(200, "application/json", big),
            |e| {
                let r = response_error(e);
                assert_eq!(r.kind, ResponseErrorKind::TooLarge { limit: 1024 });
            },
        ),
        (
            "500 with a JSON body that is not a Tencent error",
            Fault::raw(500, "application/json", r#"{"message": "oops"}"#),
            |e| {
                let r = response_error(e);
                assert_eq!((r.status, &r.kind), (500, &ResponseErrorKind::HttpStatus));
            },
        ),
    ]
}

/// Failures worth another attempt for any action.
fn retryable_cases() -> Vec<(&'static str, Fault, Check)> {
    let gateway = |status| Fault::raw(status, "text/html", "<html>bad gateway</html>");
    vec![
        (
            "RequestLimitExceeded",
            Fault::error("RequestLimitExceeded", "slow down"),
            |e| {
                assert!(
                    matches!(
                        e,
                        Error::Service(E::Common(CommonError::RequestLimitExceeded(_)))
                    ),
                    "{e:?}"
                )
            },
        ),
        (
            "RequestLimitExceeded.UinLimitExceeded",
            Fault::error("RequestLimitExceeded.UinLimitExceeded", "slow down"),
            |e| {
                assert!(
                    matches!(
                        e,
                        Error::Service(E::Common(
                            CommonError::RequestLimitExceededUinLimitExceeded(_)
                        ))
                    ),
                    "{e:?}"
                )
            },
        ),
        (
            "InternalError",
            Fault::error("InternalError", "oops"),
            |e| {
                assert!(
                    matches!(e, Error::Service(E::Common(CommonError::InternalError(_)))),
                    "{e:?}"
                )
            },
        ),
        (
            "ServiceUnavailable",
            Fault::error("ServiceUnavailable", "later"),
            |e| {
                assert!(
                    matches!(
                        e,
                        Error::Service(E::Common(CommonError::ServiceUnavailable(_)))
                    ),
                    "{e:?}"
                )
            },
        ),
        ("HTTP 502", gateway(502), |e| {
            assert_eq!(response_error(e).status, 502)
        }),
        ("HTTP 503", gateway(503), |e| {
            assert_eq!(response_error(e).status, 503)
        }),
        ("HTTP 504", gateway(504), |e| {
            assert_eq!(response_error(e).status, 504)
        }),
    ]
}

#[tokio::test]
async fn definitive_answers_come_back_typed_after_exactly_one_request() {
    let server = server().await;
    let client = client(&server);
    for (name, fault, check) in definitive_cases() {
        let (result, requests) = with_fault(&server, &client, fault, 1).await;
        let error = result.expect_err(name);
        check(&error);
        assert_eq!(requests, 1, "{name}: resent");
        assert_eq!(error.attempts(), 1, "{name}");
        assert!(!error.to_string().contains("gave up"), "{name}: {error}");
    }
    // The endpoint is fine afterwards.
    guard(client.reset_vpn_connection(&reset()))
        .await
        .expect("healthy");
}

#[tokio::test]
async fn retryable_failures_that_clear_after_two_attempts_succeed_on_the_third() {
    let server = server().await;
    let client = client(&server);
    for (name, fault, _) in retryable_cases() {
        let (result, requests) = with_fault(&server, &client, fault, 2).await;
        let response = result.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(response.request_id.len(), 36, "{name}");
        assert_eq!(requests, 3, "{name}");
    }
}

#[tokio::test]
async fn retryable_failures_that_never_clear_are_reported_with_their_attempts() {
    let server = server().await;
    let client = client(&server);
    for (name, fault, check) in retryable_cases() {
        let (result, requests) = with_fault(&server, &client, fault, 1000).await;
        let error = result.expect_err(name);
        let gave_up = exhausted(&error);
        assert_eq!(
            gave_up.attempts,
            RetryPolicy::DEFAULT_MAX_ATTEMPTS,
            "{name}"
        );
        assert_eq!(gave_up.reason, StopReason::MaxAttempts, "{name}");
        assert_eq!(
            requests,
            u64::from(RetryPolicy::DEFAULT_MAX_ATTEMPTS),
            "{name}"
        );
        check(error.last_attempt());
        assert_eq!(error.attempts(), 5);
        assert!(!error.is_deadline_exhausted());
        assert!(error.is_retryable(), "{name}");
        assert!(
            error.to_string().ends_with("(gave up after 5 attempts)"),
            "{name}: {error}"
        );
    }
    // Throttling keeps its typed variant and its classification through the wrapper.
    let (result, _) = with_fault(
        &server,
        &client,
        Fault::error("RequestLimitExceeded", "slow down"),
        1000,
    )
    .await;
    let error = result.expect_err("throttled");
    assert!(error.is_throttling());
    assert!(matches!(
        error.service(),
        Some(E::Common(CommonError::RequestLimitExceeded(_)))
    ));
    assert_eq!(
        error.service_error().map(|e| e.code.as_str()),
        Some("RequestLimitExceeded")
    );
    assert!(error.request_id().is_some_and(|id| id.len() == 36));
    assert!(matches!(
        error.into_last_attempt(),
        Error::Service(E::Common(CommonError::RequestLimitExceeded(_)))
    ));
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = server().await;
    let client = client_builder(server.url(), demo_credential())
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let (result, requests) = with_fault(
        &server,
        &client,
        Fault::error("RequestLimitExceeded", "slow down"),
        1,
    )
    .await;
    let error = result.expect_err("throttled");
    assert!(
        matches!(
            error,
            Error::Service(E::Common(CommonError::RequestLimitExceeded(_)))
        ),
        "{error:?}"
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn connection_refused_is_retried_and_reported_with_its_attempts() {
    let client = client_builder(closed_url().await, demo_credential())
        .retry(quick().with_max_attempts(3))
        .build()
        .expect("builds");
    let error = guard(client.reset_vpn_connection(&reset()))
        .await
        .expect_err("nobody listens");
    let gave_up = exhausted(&error);
    assert_eq!(
        (gave_up.attempts, gave_up.reason),
        (3, StopReason::MaxAttempts)
    );
    assert_eq!(transport_kind(&gave_up.last), TransportErrorKind::Connect);
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to http://127.0.0.1:"),
        "{error}"
    );
    assert!(
        error.to_string().ends_with("(gave up after 3 attempts)"),
        "{error}"
    );
}

/// Static demo credentials that start the endpoint on `addr` when asked for the second
/// time, that is, just before the second attempt: the first attempt finds nothing
/// listening, the second an endpoint that has seen no request before it.
#[derive(Debug)]
struct StartsEndpointBeforeSecondAttempt {
    addr: SocketAddr,
    calls: AtomicUsize,
    started: Arc<Mutex<Option<RunningServer>>>,
}

impl ProvideCredentials for StartsEndpointBeforeSecondAttempt {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            if self.calls.fetch_add(1, Ordering::SeqCst) == 1 {
                let server = builder_for(demo_credential())
                    .bind(self.addr)
                    .start()
                    .await
                    .map_err(|e| CredentialsError::other(e.to_string()))?;
                *self.started.lock().expect("lock") = Some(server);
            }
            Ok(demo_credential())
        })
    }
}

#[tokio::test]
async fn a_request_that_was_sent_is_not_resent_unless_the_action_is_retry_safe() {
    let server = server().await;
    let client = client(&server);
    // ResetVpnConnection is not retry-safe: once the request may have reached the
    // service, a lost answer is reported, never resent.
    for fault in [
        Fault::DropConnection,
        Fault::ResetMidResponse,
        Fault::Delay(ms(2500)),
    ] {
        let (result, requests) = with_fault(&server, &client, fault.clone(), 1).await;
        let error = result.expect_err("lost answer");
        assert!(
            matches!(
                transport_kind(&error),
                TransportErrorKind::Interrupted | TransportErrorKind::Timeout
            ),
            "{fault:?}: {error:?}"
        );
        assert_eq!(requests, 1, "{fault:?}: the reset was sent again");
    }
    // The same failures are retried for a retry-safe action, which then succeeds.
    for fault in [
        Fault::DropConnection,
        Fault::ResetMidResponse,
        Fault::Delay(ms(2500)),
    ] {
        server
            .faults()
            .inject(DescribeThing::NAME, fault.clone(), 1);
        let before = server.requests_received();
        guard(client.call(&DescribeThing {}))
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(server.requests_received() - before, 2, "{fault:?}");
    }
    // Drop, not shutdown: the delayed requests are still sleeping server-side.
    drop(server);

    // A connection that could not be established is retried even for a reset: the
    // request never left.
    let addr = closed_url()
        .await
        .trim_start_matches("http://")
        .parse()
        .expect("socket address");
    let started = Arc::new(Mutex::new(None));
    let credentials = StartsEndpointBeforeSecondAttempt {
        addr,
        calls: AtomicUsize::new(0),
        started: Arc::clone(&started),
    };
    let client = client_builder(format!("http://{addr}"), credentials)
        .retry(quick().with_max_attempts(2))
        .build()
        .expect("builds");
    guard(client.reset_vpn_connection(&reset()))
        .await
        .expect("the second attempt reaches the endpoint");
    let server = started.lock().expect("lock").take().expect("started");
    assert_eq!(
        server.requests_received(),
        1,
        "only the second attempt arrived"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_deadline_expiring_during_backoff_fails_at_once() {
    let server = server().await;
    // A backoff of 30 to 60 s cannot fit in a 2 s deadline: the client must not start
    // it (if it did, `guard` would fail the test).
    let client = client_builder(server.url(), demo_credential())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_secs(60)))
        .deadline(Duration::from_secs(2))
        .build()
        .expect("builds");
    let (result, requests) = with_fault(
        &server,
        &client,
        Fault::error("RequestLimitExceeded", "slow down"),
        1000,
    )
    .await;
    let error = result.expect_err("throttled");
    let gave_up = exhausted(&error);
    assert_eq!(
        (gave_up.attempts, gave_up.reason),
        (1, StopReason::Deadline)
    );
    assert!(matches!(
        gave_up.last,
        Error::Service(E::Common(CommonError::RequestLimitExceeded(_)))
    ));
    assert!(error.is_deadline_exhausted() && error.is_throttling());
    assert!(
        error
            .to_string()
            .ends_with("(gave up after 1 attempt: the call's deadline came)"),
        "{error}"
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn the_deadline_bounds_all_attempts_together() {
    let server = server().await;
    // Backoffs of 0.5 s, 1 s, 2 s, ... without jitter: attempts start near 0, 0.5 and
    // 1.5 s; the 2 s backoff after the third would end past the 2.5 s deadline.
    let client = client_builder(server.url(), demo_credential())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_base_delay(ms(500))
                .with_jitter(0.0),
        )
        .deadline(ms(2500))
        .build()
        .expect("builds");
    let (result, requests) =
        with_fault(&server, &client, Fault::error("InternalError", "x"), 1000).await;
    let error = result.expect_err("failing");
    let gave_up = exhausted(&error);
    assert_eq!(
        (gave_up.attempts, gave_up.reason),
        (3, StopReason::Deadline)
    );
    assert_eq!(requests, 3);
    assert!(
        error
            .to_string()
            .ends_with("(gave up after 3 attempts: the call's deadline came)")
    );
}

#[tokio::test]
async fn the_deadline_cuts_an_attempt_short() {
    let server = server().await;
    let client = client_builder(server.url(), demo_credential())
        .timeout(Duration::from_secs(10))
        .deadline(ms(300))
        .build()
        .expect("builds");
    let (result, requests) = with_fault(&server, &client, Fault::Delay(ms(2500)), 1).await;
    let error = result.expect_err("too slow");
    let gave_up = exhausted(&error);
    assert_eq!(
        (gave_up.attempts, gave_up.reason),
        (1, StopReason::Deadline)
    );
    assert_eq!(transport_kind(&gave_up.last), TransportErrorKind::Timeout);
    assert!(
        error.to_string().contains("deadline (300 ms) passed"),
        "{error}"
    );
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_rate_limit_slot_past_the_deadline_fails_before_sending() {
    let server = server().await;
    // One reset every 2 s, a 1 s deadline: the second call cannot get a slot in time.
    let client = client_builder(server.url(), demo_credential())
        .rate_limit(RateLimitPolicy::from_spec().with_limit(ACTION, 0.5))
        .deadline(Duration::from_secs(1))
        .build()
        .expect("builds");
    guard(client.reset_vpn_connection(&reset()))
        .await
        .expect("first");
    let error = guard(client.clone().reset_vpn_connection(&reset()))
        .await
        .expect_err("no slot before the deadline");
    let gave_up = exhausted(&error);
    assert_eq!(
        (gave_up.attempts, gave_up.reason),
        (0, StopReason::Deadline)
    );
    assert_eq!(
        transport_kind(&gave_up.last),
        TransportErrorKind::RateLimited
    );
    assert!(error.is_retryable());
    assert_eq!(server.requests_received(), 1);
}

/// A burst of 1,000 resets from clones of one client against an endpoint enforcing the
/// spec's 100 requests per second: none is throttled back to the caller, and the burst
/// takes about 10 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_1000_calls_is_paced_to_the_spec_rate() {
    const CALLS: u64 = 1000;
    let server = server().await;
    let client = client_builder(server.url(), demo_credential())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::default())
        .build()
        .expect("builds");
    let started = Instant::now();
    let mut calls = JoinSet::new();
    for _ in 0..CALLS {
        let client = client.clone();
        calls.spawn(async move { client.reset_vpn_connection(&reset()).await });
    }
    let mut failures = Vec::new();
    while let Some(joined) = calls.join_next().await {
        if let Err(error) = joined.expect("the call task ends normally") {
            failures.push(error.to_string());
        }
    }
    let elapsed = started.elapsed();
    let throttled = server.requests_received() - CALLS;
    println!(
        "{CALLS} calls in {:.2} s; the endpoint answered RequestLimitExceeded {throttled} times",
        elapsed.as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    assert!(
        elapsed >= ms(8_500),
        "{elapsed:?}: the rate limit was not applied"
    );
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    // Spaced 10.2 ms apart (2 % margin), calls exceed the endpoint's one-second window
    // only when the scheduler stalls and bunches them by more than that; each such
    // throttle is retried. (0 here on an idle machine; the bound leaves room for load.)
    assert!(throttled <= CALLS / 20, "{throttled} throttled answers");
}

#[tokio::test]
async fn clock_skew_is_corrected_from_the_date_header_and_shared_by_clones() {
    for offset in [3600i64, -7200] {
        let server = builder_for(demo_credential())
            .clock_offset(offset)
            .start()
            .await
            .expect("starts");
        let client = client_builder(server.url(), demo_credential())
            .retry(RetryPolicy::none())
            .build()
            .expect("builds");
        assert_eq!(client.clock_offset(), 0);
        guard(client.reset_vpn_connection(&reset()))
            .await
            .unwrap_or_else(|e| panic!("offset {offset}: {e:?}"));
        assert_eq!(
            server.requests_received(),
            2,
            "expired once, then re-signed"
        );
        let learnt = client.clock_offset();
        assert!(
            (offset - 2..=offset + 2).contains(&learnt),
            "{offset} vs {learnt}"
        );
        // A clone signs with the corrected clock from the start.
        guard(client.clone().reset_vpn_connection(&reset()))
            .await
            .expect("clone");
        assert_eq!(server.requests_received(), 3);
        server.shutdown().await;
    }
}

#[tokio::test]
async fn clock_skew_correction_can_be_turned_off() {
    let server = builder_for(demo_credential())
        .clock_offset(3600)
        .start()
        .await
        .expect("starts");
    let client = client_builder(server.url(), demo_credential())
        .clock_skew_correction(false)
        .build()
        .expect("builds");
    let error = guard(client.reset_vpn_connection(&reset()))
        .await
        .expect_err("expired");
    assert!(
        matches!(
            error,
            Error::Service(E::Common(CommonError::AuthFailureSignatureExpire(_)))
        ),
        "{error:?}"
    );
    assert_eq!(server.requests_received(), 1);
    assert_eq!(client.clock_offset(), 0);
}

/// Everything traced on one test thread while it lives, one line per span, field record
/// and event.
///
/// It works through one global subscriber, [`Router`], installed once: a scoped
/// (`set_default`) subscriber would miss callsites that another test thread happens to
/// register first, because tracing caches each callsite's interest globally.
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
}

thread_local! {
    static SINK: RefCell<Option<Arc<Mutex<Vec<String>>>>> = const { RefCell::new(None) };
}

impl Capture {
    fn start() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(Router {
                ids: AtomicU64::new(1),
            })
            .expect("no other global subscriber in this test binary");
        });
        let lines = Arc::new(Mutex::new(Vec::new()));
        SINK.with(|sink| *sink.borrow_mut() = Some(Arc::clone(&lines)));
        Self { lines }
    }

    fn text(&self) -> String {
        self.lines.lock().expect("lock").join("\n")
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

/// The global subscriber behind [`Capture`]: hands each line to the current thread's
/// capture, if any.
struct Router {
    ids: AtomicU64,
}

impl Router {
    fn push(&self, line: impl FnOnce() -> String) {
        SINK.with(|sink| {
            if let Some(lines) = &*sink.borrow() {
                lines.lock().expect("lock").push(line());
            }
        });
    }
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl Subscriber for Router {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.ids.fetch_add(1, Ordering::Relaxed);
        self.push(|| {
            let mut line = format!("span {} #{id}:", span.metadata().name());
            span.record(&mut Line(&mut line));
            line
        });
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.push(|| {
            let mut line = format!("record #{}:", span.into_u64());
            values.record(&mut Line(&mut line));
            line
        });
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        self.push(|| {
            let mut line = format!("event {}:", event.metadata().level());
            event.record(&mut Line(&mut line));
            line
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The id of the last `vpc_client.call` span in `text`, as written in its lines (`#7`).
fn last_call_span(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("span vpc_client.call #"))
        .unwrap_or_else(|| panic!("no call span in {text}"));
    let id = line["span vpc_client.call ".len()..]
        .split(':')
        .next()
        .unwrap_or_default();
    id.to_owned()
}

#[tokio::test]
async fn a_call_is_one_span_with_its_attempts_outcome_and_request_id() {
    let capture = Capture::start();
    let server = server().await;
    let client = client(&server);
    let (result, requests) = with_fault(
        &server,
        &client,
        Fault::error("RequestLimitExceeded", "slow down"),
        2,
    )
    .await;
    let response = result.expect("third attempt succeeds");
    assert_eq!(requests, 3);
    let text = capture.text();
    println!("{text}");
    let span = last_call_span(&text);
    assert!(
        text.contains(&format!(
            "span vpc_client.call {span}: action=ResetVpnConnection region=ap-guangzhou"
        )),
        "{text}"
    );
    for field in [
        "attempts=3".to_owned(),
        "outcome=ok".to_owned(),
        format!("request_id={}", response.request_id),
        "latency_ms=".to_owned(),
    ] {
        assert!(
            text.contains(&format!("record {span}: {field}")),
            "{field}: {text}"
        );
    }
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    for retry in retries {
        assert!(retry.starts_with("event DEBUG:"), "{retry}");
        assert!(
            retry.contains("reason=throttled (RequestLimitExceeded)"),
            "{retry}"
        );
        assert!(retry.contains("delay_ms="), "{retry}");
    }

    // A failure records the service's code as the outcome, and its RequestId.
    let (result, _) = with_fault(
        &server,
        &client,
        Fault::error("ResourceNotFound", "gone"),
        1,
    )
    .await;
    let error = result.expect_err("not found");
    let id = error.request_id().expect("request id");
    let text = capture.text();
    let span = last_call_span(&text);
    assert!(
        text.contains(&format!("record {span}: outcome=ResourceNotFound")),
        "{text}"
    );
    assert!(
        text.contains(&format!("record {span}: request_id={id}")),
        "{text}"
    );
}

#[derive(Debug)]
struct Unavailable;

impl ProvideCredentials for Unavailable {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async { Err(CredentialsError::other("the metadata server is down")) })
    }
}

#[tokio::test]
async fn no_secret_in_credentials_clients_errors_or_traces() {
    const SECRET: &str = "S3CR3T-KEY-never-print-me";
    const TOKEN: &str = "T0K3N-never-print-me";
    const PROXY_PASSWORD: &str = "PR0XY-PASSW0RD-never-print-me";
    let capture = Capture::start();
    let credential = Credential::new("AKIDLEAKTEST", SECRET).with_token(TOKEN);
    let server = builder_for(credential.clone())
        .start()
        .await
        .expect("starts");
    let client = client_builder(server.url(), credential.clone())
        .build()
        .expect("builds");
    let mut printed = vec![format!("{credential:?}"), format!("{client:?}")];
    let mut record = |error: &Error<E>| {
        printed.push(format!("{error:?}"));
        printed.push(error.to_string());
        printed.push(format!("{error:#?}"));
    };

    // Every error kind of the matrix, made with the secret credential.
    for (name, fault, check) in
        definitive_cases()
            .into_iter()
            .chain(retryable_cases().into_iter().map(|(name, fault, _)| {
                let check: Check = |e| assert!(matches!(e, Error::Exhausted(_)), "{e:?}");
                (name, fault, check)
            }))
    {
        server.faults().inject(ACTION, fault, 1000);
        let error = guard(client.reset_vpn_connection(&reset()))
            .await
            .expect_err(name);
        server.faults().clear();
        check(&error);
        record(&error);
    }
    let refused = client_builder(closed_url().await, credential.clone())
        .build()
        .expect("builds");
    record(
        &guard(refused.reset_vpn_connection(&reset()))
            .await
            .expect_err("refused"),
    );
    let wrong = Credential::new("AKIDLEAKTEST", "another-secret").with_token(TOKEN);
    let wrong = client_builder(server.url(), wrong).build().expect("builds");
    let error = guard(wrong.reset_vpn_connection(&reset()))
        .await
        .expect_err("bad signature");
    assert!(error.is_auth_failure(), "{error:?}");
    record(&error);
    let no_credentials = client_builder(server.url(), Unavailable)
        .build()
        .expect("builds");
    let error = guard(no_credentials.reset_vpn_connection(&reset()))
        .await
        .expect_err("no credentials");
    assert!(matches!(error, Error::Credentials(_)), "{error:?}");
    record(&error);
    let error = guard(client.call(&Unserializable))
        .await
        .expect_err("unserializable");
    assert!(matches!(error, Error::Request(_)), "{error:?}");
    record(&error);
    // Through a proxy with a password: a forwarded call, and a proxy that is gone.
    let proxy = TestProxy::start().await;
    let proxied = client_builder(server.url(), credential.clone())
        .proxy(proxy.url_with_credentials("proxy-user", PROXY_PASSWORD))
        .build()
        .expect("builds");
    let proxied_debug = format!("{proxied:?}");
    guard(proxied.reset_vpn_connection(&reset()))
        .await
        .expect("through the proxy");
    assert_eq!(proxy.forwarded(), 1);
    let gone = closed_url().await.replace("http://", "");
    let gone = client_builder(server.url(), credential.clone())
        .proxy(format!("http://proxy-user:{PROXY_PASSWORD}@{gone}"))
        .build()
        .expect("builds");
    record(
        &guard(gone.reset_vpn_connection(&reset()))
            .await
            .expect_err("no proxy there"),
    );

    let skewed = builder_for(credential.clone())
        .clock_offset(-3600)
        .start()
        .await
        .expect("starts");
    let skew_client = client_builder(skewed.url(), credential.clone())
        .build()
        .expect("builds");
    guard(skew_client.reset_vpn_connection(&reset()))
        .await
        .expect("skew corrected");
    printed.push(format!("{skew_client:?}"));

    printed.push(proxied_debug);

    let traces = capture.text();
    assert!(
        traces.contains("outcome=AuthFailure.SignatureFailure"),
        "{traces}"
    );
    assert!(traces.contains("outcome=transport.connect"), "{traces}");
    assert!(
        traces.contains("re-signing with the server's clock"),
        "{traces}"
    );
    printed.push(traces);
    for text in &printed {
        assert!(!text.contains(SECRET), "the secret key leaked: {text}");
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
        assert!(
            !text.contains(PROXY_PASSWORD),
            "the proxy password leaked: {text}"
        );
        // Nor the signature or the request body (the README promises neither is traced).
        assert!(
            !text.contains("TC3-HMAC-SHA256"),
            "an Authorization leaked: {text}"
        );
        assert!(!text.contains("Signature="), "a signature leaked: {text}");
        assert!(
            !text.contains("vpnx-f29e6u0z"),
            "a request body leaked: {text}"
        );
    }
    drop(server);
}
