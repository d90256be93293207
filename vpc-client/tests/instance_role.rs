//! The CVM instance-role provider against a stand-in metadata service on 127.0.0.1:
//! role discovery, the credentials answer, caching and refresh ahead of expiry, expiry
//! measured in the service's clock (its `Date` header), one shared fetch for
//! concurrent callers, cached credentials served without waiting while a refresh is in
//! flight or has just failed, `NotFound` off a CVM so that a chain goes on, errors that
//! name the URL, base URLs with a password refused, and no secret in any `Debug` or
//! `Display`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use vpc_client::clock::format_http_date;
use vpc_client::credentials::{
    Credential, CredentialsError, DefaultChain, EnvProvider, INSTANCE_METADATA_URL,
    INSTANCE_ROLE_PATH, INSTANCE_ROLE_REFRESH_BACKOFF, INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY,
    InstanceRoleProvider, ProvideCredentials,
};
use vpc_client::vpc::ResetVpnConnectionRequest;
use vpc_client::{Client, Endpoint};

// Distinctive values: any occurrence in formatted output is a leak.
const SECRET_ID: &str = "AKIDtmpRoleSecretId0001";
const SECRET_KEY: &str = "tmpkey-Qx9!unmistakable-ROLE-SECRET-3b1d";
const TOKEN: &str = "tmptok-Hj4@unmistakable-ROLE-TOKEN-c0de";
const ROLE: &str = "cvm-test-role";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        .try_into()
        .expect("fits i64")
}

fn credentials_json(expires_in: i64) -> String {
    credentials_json_expiring_at(unix_now() + expires_in)
}

/// The credentials answer with this `ExpiredTime` (Unix seconds).
fn credentials_json_expiring_at(expired_time: i64) -> String {
    format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","ExpiredTime":{expired_time},"Expiration":"2030-01-01T00:00:00Z","Token":"{TOKEN}","Code":"Success"}}"#
    )
}

/// One canned answer: status and body.
type Answer = (u16, String);

/// What the stand-in answers for a path.
type Handler = dyn Fn(&str) -> Answer + Send + Sync;

/// The value of the stand-in's `Date` header, made when an answer is written.
type DateHeader = dyn Fn() -> String + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1:0 that counts the requests per path and
/// answers each through a handler, after a delay (changeable) and once its gate is
/// open (it starts open), then closes the connection. It sends a `Date` header only
/// when started with one.
struct Metadata {
    base_url: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    requests: Arc<Mutex<Vec<String>>>,
    delay_ms: Arc<AtomicU64>,
    gate: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Metadata {
    async fn start(
        delay: Duration,
        handler: impl Fn(&str) -> Answer + Send + Sync + 'static,
    ) -> Self {
        Self::start_with_date(delay, None, handler).await
    }

    async fn start_with_date(
        delay: Duration,
        date: Option<Arc<DateHeader>>,
        handler: impl Fn(&str) -> Answer + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let delay_ms = Arc::new(AtomicU64::new(
            delay.as_millis().try_into().expect("delay fits u64"),
        ));
        let (gate, gate_open) = watch::channel(true);
        let handler: Arc<Handler> = Arc::new(handler);
        let task = tokio::spawn({
            let hits = hits.clone();
            let requests = requests.clone();
            let delay_ms = delay_ms.clone();
            async move {
                loop {
                    let Ok((mut stream, _)) = listener.accept().await else {
                        return;
                    };
                    let hits = hits.clone();
                    let requests = requests.clone();
                    let handler = handler.clone();
                    let date = date.clone();
                    let delay = Duration::from_millis(delay_ms.load(Ordering::SeqCst));
                    let mut gate_open = gate_open.clone();
                    tokio::spawn(async move {
                        let mut head = Vec::new();
                        let mut buf = [0u8; 1024];
                        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                            match stream.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => head.extend_from_slice(&buf[..n]),
                            }
                        }
                        let head = String::from_utf8_lossy(&head).into_owned();
                        let request_line = head.lines().next().unwrap_or_default().to_owned();
                        let path = request_line
                            .split(' ')
                            .nth(1)
                            .unwrap_or_default()
                            .to_owned();
                        *hits.lock().expect("lock").entry(path.clone()).or_default() += 1;
                        requests.lock().expect("lock").push(request_line);
                        tokio::time::sleep(delay).await;
                        // A dropped sender (the test is over) opens the gate too.
                        let _ = gate_open.wait_for(|open| *open).await;
                        let (status, body) = handler(&path);
                        // Made after the handler, so never earlier than its clock.
                        let date = date
                            .map(|date| format!("Date: {}\r\n", date()))
                            .unwrap_or_default();
                        let response = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\n{date}\
                             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    });
                }
            }
        });
        Self {
            base_url: format!("http://{addr}"),
            hits,
            requests,
            delay_ms,
            gate,
            task,
        }
    }

    /// The delay of the answers to requests that arrive from now on.
    fn set_delay(&self, delay: Duration) {
        self.delay_ms.store(
            delay.as_millis().try_into().expect("delay fits u64"),
            Ordering::SeqCst,
        );
    }

    /// Holds every answer (requests are still counted) until [`Self::open_gate`].
    fn close_gate(&self) {
        self.gate.send_replace(false);
    }

    fn open_gate(&self) {
        self.gate.send_replace(true);
    }

    /// Waits, for 5 s at most, until `what` of the server holds.
    async fn wait_until(&self, what: impl Fn(&Self) -> bool) {
        tokio::time::timeout(Duration::from_secs(5), async {
            while !what(self) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the server saw what was expected");
    }

    /// The usual service: role `ROLE`, credentials expiring `expires_in` seconds after
    /// each answer (read at answer time, so a test can change it).
    async fn with_role(delay: Duration, expires_in: Arc<AtomicI64>) -> Self {
        Self::start(delay, move |path| {
            if path == INSTANCE_ROLE_PATH {
                (200, format!("{ROLE}\n"))
            } else if path == format!("{INSTANCE_ROLE_PATH}{ROLE}") {
                (200, credentials_json(expires_in.load(Ordering::SeqCst)))
            } else {
                (404, "not found".to_owned())
            }
        })
        .await
    }

    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    fn role_list_hits(&self) -> usize {
        self.hits(INSTANCE_ROLE_PATH)
    }

    fn credential_hits(&self) -> usize {
        self.hits(&format!("{INSTANCE_ROLE_PATH}{ROLE}"))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    fn provider(&self) -> InstanceRoleProvider {
        InstanceRoleProvider::builder()
            .base_url(&self.base_url)
            .build()
            .expect("valid base URL")
    }
}

impl Drop for Metadata {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_KEY), "secret key leaked: {text}");
    assert!(!text.contains(TOKEN), "token leaked: {text}");
}

fn assert_error_hides_secrets(error: &CredentialsError) {
    assert_no_secret(&format!("{error} {error:?} {error:#?}"));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_no_secret(&format!("{cause} {cause:?}"));
        source = cause.source();
    }
}

/// An address on which nothing listens: bound, then released.
async fn refused_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

fn one_hour() -> Arc<AtomicI64> {
    Arc::new(AtomicI64::new(3600))
}

// ---- the happy path -----------------------------------------------------------------

#[tokio::test]
async fn gets_the_role_then_its_credentials_with_token() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let credential = server
        .provider()
        .provide_credentials()
        .await
        .expect("credentials");
    assert_eq!(credential.secret_id(), SECRET_ID);
    assert_eq!(credential.secret_key(), SECRET_KEY);
    assert_eq!(credential.token(), Some(TOKEN));
    assert_eq!(
        *server.requests.lock().expect("lock"),
        [
            format!("GET {INSTANCE_ROLE_PATH} HTTP/1.1"),
            format!("GET {INSTANCE_ROLE_PATH}{ROLE} HTTP/1.1"),
        ]
    );
}

#[tokio::test]
async fn role_list_is_trimmed_and_only_its_first_line_used() {
    let server = Metadata::start(Duration::ZERO, |path| {
        if path == INSTANCE_ROLE_PATH {
            (200, format!("  \n {ROLE}  \r\nsecond-role\n"))
        } else if path == format!("{INSTANCE_ROLE_PATH}{ROLE}") {
            (200, credentials_json(3600))
        } else {
            (404, String::new())
        }
    })
    .await;
    let credential = server
        .provider()
        .provide_credentials()
        .await
        .expect("credentials");
    assert_eq!(credential.token(), Some(TOKEN));
    assert_eq!(server.credential_hits(), 1);
}

#[tokio::test]
async fn a_fixed_role_name_skips_the_role_list() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let provider = InstanceRoleProvider::builder()
        .base_url(format!("{}/", server.base_url))
        .role_name(ROLE)
        .build()
        .expect("valid");
    assert_eq!(provider.role_name(), Some(ROLE));
    assert_eq!(
        provider.base_url(),
        server.base_url,
        "trailing slash dropped"
    );
    let credential = provider.provide_credentials().await.expect("credentials");
    assert_eq!(credential.secret_key(), SECRET_KEY);
    assert_eq!(server.role_list_hits(), 0);
    assert_eq!(server.credential_hits(), 1);
}

#[tokio::test]
async fn an_expired_time_given_as_a_string_is_accepted() {
    let server = Metadata::start(Duration::ZERO, |path| {
        if path == INSTANCE_ROLE_PATH {
            (200, ROLE.to_owned())
        } else {
            let expires = unix_now() + 3600;
            (
                200,
                format!(
                    r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}","ExpiredTime":"{expires}"}}"#
                ),
            )
        }
    })
    .await;
    let provider = server.provider();
    provider.provide_credentials().await.expect("credentials");
    provider.provide_credentials().await.expect("cached");
    assert_eq!(
        server.credential_hits(),
        1,
        "a one-hour credential is cached"
    );
}

#[tokio::test]
async fn the_credential_signs_a_real_call_with_its_token() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let endpoint = vpc_mock::start_vpc(Credential::new(SECRET_ID, SECRET_KEY).with_token(TOKEN))
        .await
        .expect("local endpoint starts");
    let client = Client::builder()
        .credentials(server.provider())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(endpoint.url()))
        .build()
        .expect("client builds");
    let response = client
        .reset_vpn_connection(&ResetVpnConnectionRequest::new(
            "vpngw-kjllnkew",
            "vpnx-f29e6u0z",
        ))
        .await
        .expect("the endpoint accepts the temporary credential and its X-TC-Token");
    assert!(!response.request_id.is_empty());
    endpoint.shutdown().await;
}

// ---- caching and refresh ------------------------------------------------------------

#[tokio::test]
async fn caches_credentials_with_an_hour_left() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let provider = server.provider();
    let first = provider.provide_credentials().await.expect("first");
    let second = provider.provide_credentials().await.expect("second");
    assert_eq!(first, second);
    // A clone shares the cache.
    provider.clone().provide_credentials().await.expect("clone");
    assert_eq!(server.role_list_hits(), 1);
    assert_eq!(server.credential_hits(), 1);
}

#[tokio::test]
async fn refreshes_credentials_with_less_than_the_margin_left() {
    assert_eq!(
        INSTANCE_ROLE_REFRESH_BEFORE_EXPIRY,
        Duration::from_secs(300)
    );
    let expires_in = Arc::new(AtomicI64::new(299));
    let server = Metadata::with_role(Duration::ZERO, expires_in.clone()).await;
    let provider = server.provider();
    provider.provide_credentials().await.expect("first");
    provider.provide_credentials().await.expect("second");
    assert_eq!(server.credential_hits(), 2, "299 s left: fetched again");

    expires_in.store(3600, Ordering::SeqCst);
    provider.provide_credentials().await.expect("third");
    assert_eq!(
        server.credential_hits(),
        3,
        "still 299 s left: fetched again"
    );
    provider.provide_credentials().await.expect("fourth");
    provider.provide_credentials().await.expect("fifth");
    assert_eq!(server.credential_hits(), 3, "an hour left: cached");
    // The role is asked again at each refresh, so that a changed role is followed.
    assert_eq!(server.role_list_hits(), 3);
}

#[tokio::test]
async fn a_failed_refresh_keeps_credentials_that_have_not_expired() {
    let failing = Arc::new(AtomicU16::new(200));
    let server = Metadata::start(Duration::ZERO, {
        let failing = failing.clone();
        move |path| {
            let status = failing.load(Ordering::SeqCst);
            if status != 200 {
                (status, "down".to_owned())
            } else if path == INSTANCE_ROLE_PATH {
                (200, ROLE.to_owned())
            } else {
                (200, credentials_json(100))
            }
        }
    })
    .await;
    let provider = server.provider();
    let first = provider.provide_credentials().await.expect("first");
    failing.store(500, Ordering::SeqCst);
    let second = provider
        .provide_credentials()
        .await
        .expect("100 s left: the cached credentials outlive a failed refresh");
    assert_eq!(first, second);
    assert_eq!(server.role_list_hits(), 2, "a refresh was attempted");
}

#[tokio::test]
async fn a_failed_refresh_of_expired_credentials_is_an_error() {
    let expires_in = Arc::new(AtomicI64::new(-10));
    let failing = Arc::new(AtomicU16::new(200));
    let server = Metadata::start(Duration::ZERO, {
        let failing = failing.clone();
        move |path| {
            let status = failing.load(Ordering::SeqCst);
            if status != 200 {
                (status, "down".to_owned())
            } else if path == INSTANCE_ROLE_PATH {
                (200, ROLE.to_owned())
            } else {
                (200, credentials_json(expires_in.load(Ordering::SeqCst)))
            }
        }
    })
    .await;
    let provider = server.provider();
    provider.provide_credentials().await.expect("first");
    failing.store(503, Ordering::SeqCst);
    let error = provider
        .provide_credentials()
        .await
        .expect_err("expired and no fresh ones");
    assert!(!error.is_not_found(), "{error}");
    assert!(error.to_string().contains("503"), "{error}");
}

#[tokio::test]
async fn concurrent_callers_share_one_fetch() {
    let expires_in = one_hour();
    // Slow answers make the 20 callers overlap with the fetch in flight.
    let server = Metadata::with_role(Duration::from_millis(150), expires_in.clone()).await;

    let call_20 = |provider: &InstanceRoleProvider| {
        let mut callers = JoinSet::new();
        for _ in 0..20 {
            let provider = provider.clone();
            callers.spawn(async move { provider.provide_credentials().await });
        }
        callers.join_all()
    };

    // An empty cache.
    let results = call_20(&server.provider()).await;
    assert_eq!(results.len(), 20);
    for result in results {
        assert_eq!(result.expect("credentials").token(), Some(TOKEN));
    }
    assert_eq!(server.role_list_hits(), 1);
    assert_eq!(server.credential_hits(), 1);

    // A cache due for a refresh: 100 s left, then the service hands out an hour.
    let provider = server.provider();
    expires_in.store(100, Ordering::SeqCst);
    provider.provide_credentials().await.expect("near expiry");
    assert_eq!(server.credential_hits(), 2);
    expires_in.store(3600, Ordering::SeqCst);
    let results = call_20(&provider).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.role_list_hits(), 3);
    assert_eq!(server.credential_hits(), 3);
}

/// `n` callers at once, each with its own clone of `provider`; their results.
async fn call_concurrently(
    provider: &InstanceRoleProvider,
    n: usize,
) -> Vec<Result<Credential, CredentialsError>> {
    let mut callers = JoinSet::new();
    for _ in 0..n {
        let provider = provider.clone();
        callers.spawn(async move { provider.provide_credentials().await });
    }
    callers.join_all().await
}

/// A service that answers the role list and credentials expiring `expires_in` seconds
/// after each answer while `status` is 200, and `status` with no body otherwise.
async fn failing_when(status: Arc<AtomicU16>, expires_in: i64) -> Metadata {
    Metadata::start(Duration::ZERO, move |path| {
        let status = status.load(Ordering::SeqCst);
        if status != 200 {
            (status, "down".to_owned())
        } else if path == INSTANCE_ROLE_PATH {
            (200, ROLE.to_owned())
        } else {
            (200, credentials_json(expires_in))
        }
    })
    .await
}

#[tokio::test]
async fn a_failing_refresh_is_tried_once_and_every_caller_gets_the_cached_credentials() {
    let status = Arc::new(AtomicU16::new(200));
    let server = failing_when(status.clone(), 100).await;
    let provider = server.provider();
    let cached = provider.provide_credentials().await.expect("first");
    assert_eq!(server.role_list_hits(), 1);

    // 100 s left: due for a refresh, which hangs for 1 s, then fails.
    status.store(500, Ordering::SeqCst);
    server.set_delay(Duration::from_secs(1));
    let results = call_concurrently(&provider, 8).await;
    assert_eq!(results.len(), 8);
    for result in results {
        assert_eq!(result.expect("the cached credentials"), cached);
    }
    assert_eq!(
        server.role_list_hits(),
        2,
        "one refresh for 8 callers, not one each"
    );
    assert_eq!(server.credential_hits(), 1);

    // Within the backoff after the failure: the cached credentials, no new request.
    assert_eq!(INSTANCE_ROLE_REFRESH_BACKOFF, Duration::from_secs(10));
    for _ in 0..3 {
        let again = provider.provide_credentials().await.expect("cached");
        assert_eq!(again, cached);
    }
    assert_eq!(server.role_list_hits(), 2, "no refresh during the backoff");
}

#[tokio::test]
async fn callers_with_valid_credentials_do_not_wait_for_a_refresh_in_flight() {
    let expires_in = Arc::new(AtomicI64::new(100));
    let server = Metadata::with_role(Duration::ZERO, expires_in.clone()).await;
    let provider = server.provider();
    let cached = provider.provide_credentials().await.expect("first");
    assert_eq!(server.credential_hits(), 1);

    // The next answer would last an hour, but the service holds it back.
    expires_in.store(3600, Ordering::SeqCst);
    server.close_gate();
    let refresher = tokio::spawn({
        let provider = provider.clone();
        async move { provider.provide_credentials().await }
    });
    server.wait_until(|s| s.role_list_hits() == 2).await;

    // With the refresh in flight, others get the cached credentials without waiting:
    // they all return while the service still holds its answer.
    let results = tokio::time::timeout(Duration::from_secs(5), call_concurrently(&provider, 8))
        .await
        .expect("callers with valid credentials do not wait for the refresh");
    for result in results {
        assert_eq!(result.expect("the cached credentials"), cached);
    }
    assert!(!refresher.is_finished(), "the refresh is still held back");
    assert_eq!(server.role_list_hits(), 2, "no second refresh");
    assert_eq!(server.credential_hits(), 1);

    server.open_gate();
    let refreshed = refresher
        .await
        .expect("refresher task")
        .expect("refreshed credentials");
    assert_eq!(refreshed.token(), Some(TOKEN));
    assert_eq!(server.credential_hits(), 2);
    // An hour left now: cached.
    provider.provide_credentials().await.expect("cached");
    assert_eq!(server.role_list_hits(), 2);
    assert_eq!(server.credential_hits(), 2);
}

#[tokio::test]
async fn callers_without_credentials_share_a_failing_fetch_and_retry_at_most_once() {
    // A real error: every caller gets it, and the service sees the fetch the callers
    // waited for plus at most one more, not one per caller.
    let server = Metadata::start(Duration::from_millis(200), |_| (500, "down".to_owned())).await;
    let results = call_concurrently(&server.provider(), 8).await;
    assert_eq!(results.len(), 8);
    for result in results {
        let error = result.expect_err("no credentials anywhere");
        assert!(!error.is_not_found(), "{error:?}");
        let message = error.to_string();
        assert!(message.contains("500"), "{message}");
        assert!(
            message.contains(&server.url(INSTANCE_ROLE_PATH)),
            "{message}"
        );
    }
    let fetches = server.role_list_hits();
    assert!(
        (1..=2).contains(&fetches),
        "{fetches} fetches for 8 callers"
    );

    // Not a CVM: every caller gets `NotFound`, so that a chain goes on.
    let server = Metadata::start(Duration::from_millis(200), |_| (404, String::new())).await;
    for result in call_concurrently(&server.provider(), 8).await {
        let error = result.expect_err("no role");
        assert!(
            matches!(&error, CredentialsError::NotFound { .. }),
            "{error:?}"
        );
    }
    let fetches = server.role_list_hits();
    assert!(
        (1..=2).contains(&fetches),
        "{fetches} fetches for 8 callers"
    );
}

#[tokio::test]
async fn a_fetch_given_up_by_its_caller_leaves_the_next_caller_to_fetch() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let provider = server.provider();
    server.close_gate();
    let abandoned = tokio::spawn({
        let provider = provider.clone();
        async move { provider.provide_credentials().await }
    });
    server.wait_until(|s| s.role_list_hits() == 1).await;
    let waiting = tokio::spawn({
        let provider = provider.clone();
        async move { provider.provide_credentials().await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    abandoned.abort();
    server.wait_until(|s| s.role_list_hits() == 2).await;
    server.open_gate();
    let credential = waiting
        .await
        .expect("waiting task")
        .expect("credentials from its own fetch");
    assert_eq!(credential.token(), Some(TOKEN));
}

// ---- expiry in the metadata service's clock -------------------------------------------

/// A service whose clock is `offset` seconds off the local one, sent as its `Date`
/// header, and whose credentials expire `lifetime` seconds after its own time.
async fn skewed(offset: i64, lifetime: i64) -> Metadata {
    let date: Arc<DateHeader> =
        Arc::new(move || format_http_date((unix_now() + offset).try_into().expect("after 1970")));
    Metadata::start_with_date(Duration::ZERO, Some(date), move |path| {
        if path == INSTANCE_ROLE_PATH {
            (200, ROLE.to_owned())
        } else {
            (
                200,
                credentials_json_expiring_at(unix_now() + offset + lifetime),
            )
        }
    })
    .await
}

#[tokio::test]
async fn expiry_is_measured_in_the_service_clock_from_its_date_header() {
    // (clock offset, lifetime in the service's clock, fetches for two calls)
    for (offset, lifetime, fetches) in [
        // An hour left: cached, though by the local clock the service behind by an
        // hour hands out credentials expiring now.
        (-3600, 3600, 1),
        (3600, 3600, 1),
        // 100 s left: due for a refresh, though by the local clock the service ahead by
        // an hour hands out credentials with more than an hour left.
        (3600, 100, 2),
        (-3600, 100, 2),
        // None left: expired already.
        (3600, 0, 2),
    ] {
        let server = skewed(offset, lifetime).await;
        let provider = server.provider();
        let first = provider.provide_credentials().await.expect("first");
        assert_eq!(first.token(), Some(TOKEN));
        provider.provide_credentials().await.expect("second");
        assert_eq!(
            server.credential_hits(),
            fetches,
            "clock offset {offset} s, lifetime {lifetime} s"
        );
    }
}

#[tokio::test]
async fn without_a_usable_date_header_the_local_clock_is_used() {
    let date: Arc<DateHeader> = Arc::new(|| "yesterday, around noon".to_owned());
    let server = Metadata::start_with_date(Duration::ZERO, Some(date), |path| {
        if path == INSTANCE_ROLE_PATH {
            (200, ROLE.to_owned())
        } else {
            (200, credentials_json(3600))
        }
    })
    .await;
    let provider = server.provider();
    provider.provide_credentials().await.expect("first");
    provider.provide_credentials().await.expect("cached");
    assert_eq!(server.credential_hits(), 1);
}

// ---- off a CVM: NotFound, and the chain goes on ---------------------------------------

#[tokio::test]
async fn connection_refused_is_not_found_and_a_chain_goes_on() {
    let base = refused_base_url().await;
    let provider = InstanceRoleProvider::builder()
        .base_url(&base)
        .build()
        .expect("valid");
    let error = provider
        .provide_credentials()
        .await
        .expect_err("nobody listens");
    assert!(
        matches!(&error, CredentialsError::NotFound { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("{base}{INSTANCE_ROLE_PATH}")),
        "{message}"
    );

    // Env (nothing set), instance role (nothing there), then static credentials.
    let chain = DefaultChain::from_providers(vec![
        Box::new(EnvProvider::from_lookup(|_| None)),
        Box::new(provider.clone()),
    ])
    .with_provider(Credential::new("AKIDnext", "next-key"));
    let credential = chain.provide_credentials().await.expect("chain goes on");
    assert_eq!(credential.secret_id(), "AKIDnext");

    // Without a next provider the chain reports the instance role among the failures.
    let chain = DefaultChain::from_providers(vec![Box::new(provider)]);
    let error = chain
        .provide_credentials()
        .await
        .expect_err("nothing anywhere");
    assert!(error.is_not_found(), "{error}");
    assert!(error.to_string().contains("instance role"), "{error}");
}

#[tokio::test]
async fn connection_refused_with_a_fixed_role_is_not_found() {
    let provider = InstanceRoleProvider::builder()
        .base_url(refused_base_url().await)
        .role_name(ROLE)
        .build()
        .expect("valid");
    let error = provider
        .provide_credentials()
        .await
        .expect_err("nobody listens");
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn role_list_404_or_empty_is_not_found() {
    let server = Metadata::start(Duration::ZERO, |_| (404, "no role".to_owned())).await;
    let error = server
        .provider()
        .provide_credentials()
        .await
        .expect_err("no role");
    assert!(
        matches!(&error, CredentialsError::NotFound { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&server.url(INSTANCE_ROLE_PATH)),
        "{error}"
    );
    assert_eq!(server.role_list_hits(), 1);

    let server = Metadata::start(Duration::ZERO, |_| (200, " \n".to_owned())).await;
    let error = server
        .provider()
        .provide_credentials()
        .await
        .expect_err("no role");
    assert!(
        matches!(&error, CredentialsError::NotFound { .. }),
        "{error:?}"
    );
}

#[test]
fn default_chain_ends_with_the_instance_role() {
    let chain = DefaultChain::new();
    let names: Vec<&str> = chain.providers().iter().map(|p| p.name()).collect();
    assert_eq!(names.last(), Some(&"instance role"));
    let provider = InstanceRoleProvider::new();
    assert_eq!(provider.base_url(), INSTANCE_METADATA_URL);
    assert_eq!(INSTANCE_METADATA_URL, "http://metadata.tencentyun.com");
    assert_eq!(provider.role_name(), None);
}

// ---- real errors: named URL, no secret ----------------------------------------------

/// A service whose role list names `ROLE` and whose credentials answer is `body`.
async fn answering(status: u16, body: String) -> Metadata {
    Metadata::start(Duration::ZERO, move |path| {
        if path == INSTANCE_ROLE_PATH {
            (200, ROLE.to_owned())
        } else {
            (status, body.clone())
        }
    })
    .await
}

async fn real_error(status: u16, body: String) -> (CredentialsError, String) {
    let server = answering(status, body).await;
    let error = server
        .provider()
        .provide_credentials()
        .await
        .expect_err("a broken answer");
    assert!(!error.is_not_found(), "must stop a chain: {error:?}");
    let url = server.url(&format!("{INSTANCE_ROLE_PATH}{ROLE}"));
    assert!(error.to_string().contains(&url), "names {url}: {error}");
    assert_error_hides_secrets(&error);
    (error, url)
}

#[tokio::test]
async fn malformed_json_names_the_url_and_hides_the_secret() {
    let truncated =
        format!(r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}""#);
    let (error, _) = real_error(200, truncated).await;
    assert!(error.to_string().contains("malformed"), "{error}");

    // Wrong types, with the secrets where serde_json would quote them.
    let wrong = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}","ExpiredTime":{{"x":"{SECRET_KEY}"}}}}"#
    );
    real_error(200, wrong).await;
    let wrong = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":["{SECRET_KEY}"],"Token":"{TOKEN}","ExpiredTime":1}}"#
    );
    real_error(200, wrong).await;
    let not_a_number = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}","ExpiredTime":"{SECRET_KEY}"}}"#
    );
    let (error, _) = real_error(200, not_a_number).await;
    assert!(error.to_string().contains("ExpiredTime"), "{error}");
    real_error(200, format!("<html>{SECRET_KEY}</html>")).await;
}

#[tokio::test]
async fn missing_fields_are_named() {
    let no_key = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","Token":"{TOKEN}","ExpiredTime":{}}}"#,
        unix_now() + 3600
    );
    let (error, _) = real_error(200, no_key).await;
    assert!(error.to_string().contains("TmpSecretKey"), "{error}");
    assert!(!error.to_string().contains("Token missing"), "{error}");

    let empty_token = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"","ExpiredTime":{}}}"#,
        unix_now() + 3600
    );
    let (error, _) = real_error(200, empty_token).await;
    assert!(error.to_string().contains("Token"), "{error}");

    let no_expiry = format!(
        r#"{{"TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}"}}"#
    );
    let (error, _) = real_error(200, no_expiry).await;
    assert!(error.to_string().contains("ExpiredTime"), "{error}");
}

#[tokio::test]
async fn a_failure_code_or_status_for_the_credentials_is_an_error() {
    let failed = format!(
        r#"{{"Code":"InternalError","TmpSecretId":"{SECRET_ID}","TmpSecretKey":"{SECRET_KEY}","Token":"{TOKEN}","ExpiredTime":{}}}"#,
        unix_now() + 3600
    );
    let (error, _) = real_error(200, failed).await;
    assert!(error.to_string().contains("InternalError"), "{error}");

    let (error, _) = real_error(500, format!("oops {SECRET_KEY}")).await;
    assert!(error.to_string().contains("500"), "{error}");
    // A 404 for a role the list named is not "off a CVM" either.
    real_error(404, String::new()).await;
}

#[tokio::test]
async fn a_role_list_that_is_not_a_role_name_is_an_error() {
    for answer in ["<html>captive portal</html>", "../../../etc", "role?x=1"] {
        let server = Metadata::start(Duration::ZERO, move |_| (200, answer.to_owned())).await;
        let error = server
            .provider()
            .provide_credentials()
            .await
            .expect_err("not a role");
        assert!(!error.is_not_found(), "{error:?}");
        assert!(
            error.to_string().contains(&server.url(INSTANCE_ROLE_PATH)),
            "{error}"
        );
        assert_eq!(
            server.hits.lock().expect("lock").len(),
            1,
            "nothing else asked"
        );
    }
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let (error, _) = real_error(200, "x".repeat(100 * 1024)).await;
    assert!(error.to_string().contains("larger than"), "{error}");
}

#[test]
fn invalid_configuration_is_refused_by_the_builder() {
    for url in [
        "ftp://example.invalid",
        "not a url",
        "http://127.0.0.1:1/?q=1",
    ] {
        let error = InstanceRoleProvider::builder()
            .base_url(url)
            .build()
            .expect_err("invalid URL");
        assert!(error.to_string().contains(url), "{error}");
    }
    for role in ["", "a/b", "role name"] {
        InstanceRoleProvider::builder()
            .role_name(role)
            .build()
            .expect_err("invalid role name");
    }
}

#[test]
fn a_base_url_with_a_user_name_or_password_is_refused_without_showing_them() {
    const PASSWORD: &str = "hunter2-METADATA-PASSWORD";
    for url in [
        format!("http://metadata-user:{PASSWORD}@127.0.0.1:1"),
        format!("http://:{PASSWORD}@127.0.0.1:1/"),
        "http://metadata-user@127.0.0.1:1".to_owned(),
        // No slashes: still parsed as an http URL with a password.
        format!("http:metadata-user:{PASSWORD}@127.0.0.1:1"),
        // Not a URL at all, with something like a password in it.
        format!("http://metadata-user:{PASSWORD}@[::1"),
        format!("metadata-user:{PASSWORD}@127.0.0.1"),
    ] {
        let builder = InstanceRoleProvider::builder().base_url(&url);
        let debug = format!("{builder:?} {builder:#?}");
        assert!(!debug.contains(PASSWORD), "{debug}");
        assert!(!debug.contains("metadata-user"), "{debug}");
        let error = builder.build().expect_err("a URL with credentials");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PASSWORD), "password echoed: {shown}");
        assert!(!shown.contains("metadata-user"), "user echoed: {shown}");
        assert!(!error.is_not_found(), "{error:?}");
    }
    let error = InstanceRoleProvider::builder()
        .base_url(format!("http://metadata-user:{PASSWORD}@127.0.0.1:1"))
        .build()
        .expect_err("a URL with credentials");
    let message = error.to_string();
    assert!(message.contains("user name or password"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
}

// ---- secrets never formatted ----------------------------------------------------------

#[tokio::test]
async fn debug_of_provider_and_chain_never_shows_secrets() {
    let server = Metadata::with_role(Duration::ZERO, one_hour()).await;
    let builder = InstanceRoleProvider::builder()
        .base_url(&server.base_url)
        .timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_millis(500));
    let provider = builder.clone().build().expect("valid");
    // Credentials are cached now, so anything the provider holds would show.
    let credential = provider.provide_credentials().await.expect("credentials");
    assert_eq!(credential.token(), Some(TOKEN));
    let debug = format!("{provider:?} {provider:#?}");
    assert!(debug.contains(&server.base_url), "{debug}");
    assert!(debug.contains("cached_expires_in: Some("), "{debug}");
    assert!(!debug.contains(SECRET_ID), "not even the SecretId: {debug}");
    assert_no_secret(&debug);
    assert_no_secret(&format!("{builder:?}"));
    let chain = DefaultChain::from_providers(vec![Box::new(provider)]);
    assert_no_secret(&format!("{chain:?} {chain:#?}"));
}

#[test]
fn provider_is_thread_safe_and_its_future_is_send() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<InstanceRoleProvider>();
    fn assert_send<T: Send>(_: &T) {}
    let provider = InstanceRoleProvider::new();
    assert_send(&provider.provide_credentials());
}
