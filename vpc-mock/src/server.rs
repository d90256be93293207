//! The HTTP server: configuration, the accept loop, graceful shutdown and the
//! per-request pipeline (see the crate documentation for the order of the checks).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Either, Full};
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST, HeaderMap, HeaderValue,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use vpc_client::clock::format_http_date;
use vpc_client::credentials::Credential;

use crate::action::{ActionInfo, validate_params};
use crate::auth::{self, SignedParts};
use crate::codes;
use crate::envelope::{error_body, new_request_id, success_body};
use crate::faults::{Fault, Faults};
use crate::handler::{ApiError, Call, Handler, call_catching_panics, empty_output};
use crate::idempotency::{Claim, DEFAULT_IDEMPOTENCY_CAPACITY, Store};
use crate::keys::KeyStore;
use crate::rate_limit::RateLimiter;

/// The service name the credential scope must carry by default.
pub const DEFAULT_SERVICE: &str = "vpc";
/// The API version served by default.
pub const DEFAULT_VERSION: &str = "2017-03-12";
/// The largest accepted body by default: 10 MB, the limit of TC3-signed POST requests.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// The largest accepted distance between `X-TC-Timestamp` and the server clock.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(300);
/// How long [`RunningServer::shutdown`] lets in-flight requests finish by default.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// The regions accepted by default: the public VPC regions of Tencent Cloud.
pub const DEFAULT_REGIONS: &[&str] = &[
    "ap-bangkok",
    "ap-beijing",
    "ap-chengdu",
    "ap-chongqing",
    "ap-guangzhou",
    "ap-hongkong",
    "ap-jakarta",
    "ap-mumbai",
    "ap-nanjing",
    "ap-seoul",
    "ap-shanghai",
    "ap-shanghai-fsi",
    "ap-shenzhen-fsi",
    "ap-singapore",
    "ap-tokyo",
    "eu-frankfurt",
    "na-ashburn",
    "na-siliconvalley",
    "sa-saopaulo",
];

/// Bytes read and thrown away after the body limit is exceeded, so that the client
/// finishes sending and reads the answer instead of seeing a reset connection.
const MAX_DRAIN_BYTES: usize = 64 * 1024 * 1024;

const HTML_500: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Entry point: `MockServer::builder()...start().await`.
#[derive(Debug)]
pub struct MockServer {
    _private: (),
}

impl MockServer {
    /// A builder with the defaults: `127.0.0.1:0`, no accepted credentials, service
    /// `vpc`, version `2017-03-12`, [`DEFAULT_REGIONS`], no actions, a handler that
    /// answers every call with no output members, a 10 MB body limit and 300 s of
    /// allowed clock skew.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }
}

/// One more service a server answers besides its first one (see
/// [`MockServerBuilder::also_serve`]): its name (the credential scope's service), API
/// version, action table and handler.
pub struct ServiceMount {
    name: String,
    version: String,
    actions: Vec<ActionInfo>,
    handler: Arc<dyn Handler>,
}

impl fmt::Debug for ServiceMount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceMount")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("actions", &self.actions.len())
            .finish_non_exhaustive()
    }
}

impl ServiceMount {
    /// The service `name` at API `version`, served by `handler`, with no actions yet.
    pub fn new(name: impl Into<String>, version: impl Into<String>, handler: impl Handler) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            actions: Vec::new(),
            handler: Arc::new(handler),
        }
    }

    /// Adds actions to its table.
    #[must_use]
    pub fn actions(mut self, actions: impl IntoIterator<Item = ActionInfo>) -> Self {
        self.actions.extend(actions);
        self
    }
}

/// Configures and starts a [`RunningServer`].
pub struct MockServerBuilder {
    addr: SocketAddr,
    keys: KeyStore,
    credentials: Vec<Credential>,
    mounts: Vec<ServiceMount>,
    service: String,
    version: String,
    regions: Vec<String>,
    actions: Vec<ActionInfo>,
    handler: Option<Arc<dyn Handler>>,
    max_body_bytes: usize,
    max_clock_skew: Duration,
    clock_offset: i64,
    shutdown_timeout: Duration,
    rate_limits: bool,
    tls: Option<Arc<rustls::ServerConfig>>,
    idempotency_capacity: usize,
    reset: Option<ResetHook>,
}

/// What `POST /__emulator/reset` runs (see [`MockServerBuilder::on_reset`]).
type ResetHook = Arc<dyn Fn() + Send + Sync>;

/// The path of the reset endpoint: not part of Tencent's API, which serves `POST /` only.
pub const RESET_PATH: &str = "/__emulator/reset";

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: KeyStore::new(),
            credentials: Vec::new(),
            mounts: Vec::new(),
            service: DEFAULT_SERVICE.to_owned(),
            version: DEFAULT_VERSION.to_owned(),
            regions: DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            actions: Vec::new(),
            handler: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            clock_offset: 0,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            rate_limits: true,
            tls: None,
            idempotency_capacity: DEFAULT_IDEMPOTENCY_CAPACITY,
            reset: None,
        }
    }
}

impl fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServerBuilder")
            .field("addr", &self.addr)
            .field("credentials", &self.credentials)
            .field("service", &self.service)
            .field("version", &self.version)
            .field("regions", &self.regions)
            .field("actions", &self.actions.len())
            .field("also_serves", &self.mounts)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("clock_offset", &self.clock_offset)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

impl MockServerBuilder {
    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts requests signed with this credential. If it has a token, requests must
    /// send it in `X-TC-Token`. A later credential with the same SecretId replaces an
    /// earlier one.
    #[must_use]
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credentials.push(credential);
        self
    }

    /// Accepts requests signed with any of these credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: impl IntoIterator<Item = Credential>) -> Self {
        self.credentials.extend(credentials);
        self
    }

    /// Accepts the keys of this store, shared: keys added to it later (through any
    /// clone, such as [`RunningServer::keys`] or the STS side's) are accepted from then
    /// on. The builder's [`credential`](Self::credential)s are added to it at start.
    /// Default: a store of the server's own.
    #[must_use]
    pub fn key_store(mut self, keys: KeyStore) -> Self {
        self.keys = keys;
        self
    }

    /// Serves one more service besides the first (the one [`service`](Self::service),
    /// [`version`](Self::version), [`action`](Self::action) and
    /// [`handler`](Self::handler) configure). A request goes to the service its `Host`
    /// names (`sts.tencentcloudapi.com`, `sts.localhost:8080`: the first label), else to
    /// the one whose API version its `X-TC-Version` carries (a client pointed at this
    /// server by URL sends one `Host` for every service), else to the first. The
    /// credential scope must then name that service, as Tencent's hosts require (from
    /// a local `Host`, or the `Host`'s first label: see the crate's "What a request goes
    /// through", step 7).
    #[must_use]
    pub fn also_serve(mut self, mount: ServiceMount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// The service the credential scope must name (default `vpc`).
    #[must_use]
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// The API version `X-TC-Version` must carry (default `2017-03-12`).
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Replaces the accepted regions.
    #[must_use]
    pub fn regions<S: Into<String>>(mut self, regions: impl IntoIterator<Item = S>) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// Accepts one more region.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.regions.push(region.into());
        self
    }

    /// Adds an action to the table (a later one with the same name replaces it).
    #[must_use]
    pub fn action(mut self, action: ActionInfo) -> Self {
        self.actions.push(action);
        self
    }

    /// Adds actions to the table.
    #[must_use]
    pub fn actions(mut self, actions: impl IntoIterator<Item = ActionInfo>) -> Self {
        self.actions.extend(actions);
        self
    }

    /// The handler serving every action of the table.
    #[must_use]
    pub fn handler(self, handler: impl Handler) -> Self {
        self.shared_handler(Arc::new(handler))
    }

    /// The handler serving every action of the table, already shared.
    #[must_use]
    pub fn shared_handler(mut self, handler: Arc<dyn Handler>) -> Self {
        self.handler = Some(handler);
        self
    }

    /// The largest accepted body in bytes (default 10 MB).
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The largest accepted distance between `X-TC-Timestamp` and the server clock,
    /// in whole seconds (default 300 s).
    #[must_use]
    pub fn max_clock_skew(mut self, skew: Duration) -> Self {
        self.max_clock_skew = skew;
        self
    }

    /// Runs the server's clock `seconds` ahead of the real one (behind, if negative):
    /// the `X-TC-Timestamp` check uses it and every answer's `Date` header shows it, as
    /// a service whose clock differs from the client's would (default 0).
    #[must_use]
    pub fn clock_offset(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// How long [`RunningServer::shutdown`] waits for in-flight requests before it
    /// closes their connections (default 5 s).
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Serves [`RESET_PATH`] (`POST /__emulator/reset`, a path Tencent never serves,
    /// unsigned: the endpoint is local): runs `reset` and answers an empty success, so
    /// a test clears the state between cases without a restart. Without it, that path is
    /// `UnsupportedProtocol` like any other.
    #[must_use]
    pub fn on_reset(mut self, reset: impl Fn() + Send + Sync + 'static) -> Self {
        self.reset = Some(Arc::new(reset));
        self
    }

    /// Enforces no action's rate limit, whatever the action table says (for benchmarks
    /// that measure calls, not pacing). Default: every action's documented limit holds.
    #[must_use]
    pub fn without_rate_limits(mut self) -> Self {
        self.rate_limits = false;
        self
    }

    /// Serves HTTPS with this configuration instead of plain HTTP (see [`crate::tls`] to
    /// make one from PEM). Each connection's handshake runs in its own task; one that
    /// fails closes that connection only. The signature is still checked against the
    /// `Host` header as received, port included.
    #[must_use]
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// How many idempotency tokens (`ClientToken`) the server remembers, over all
    /// accounts, regions and actions; past it, the oldest is forgotten (and, for
    /// [`RunningServer::client_tokens_seen`], the oldest record). 0 remembers none: every
    /// request runs. Default: [`DEFAULT_IDEMPOTENCY_CAPACITY`].
    #[must_use]
    pub fn idempotency_capacity(mut self, capacity: usize) -> Self {
        self.idempotency_capacity = capacity;
        self
    }

    /// Binds the address and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound.
    pub async fn start(self) -> Result<RunningServer, io::Error> {
        let listener = TcpListener::bind(self.addr).await?;
        let local_addr = listener.local_addr()?;
        for credential in self.credentials {
            self.keys.insert(credential);
        }
        let rate_limits = self.rate_limits;
        let table = |actions: Vec<ActionInfo>| -> HashMap<String, ActionInfo> {
            actions
                .into_iter()
                .map(|mut a| {
                    if !rate_limits {
                        a.rate_limit_per_second = None;
                    }
                    (a.name.clone(), a)
                })
                .collect()
        };
        let first = Served {
            name: self.service,
            version: self.version,
            actions: table(self.actions),
            handler: self.handler.unwrap_or_else(|| Arc::new(empty_output)),
        };
        let mut services = vec![first];
        services.extend(self.mounts.into_iter().map(|mount| Served {
            name: mount.name,
            version: mount.version,
            actions: table(mount.actions),
            handler: mount.handler,
        }));
        let shared = Arc::new(Shared {
            keys: self.keys,
            services,
            regions: self.regions.into_iter().collect(),
            max_body_bytes: self.max_body_bytes,
            max_clock_skew: self.max_clock_skew.as_secs(),
            clock_offset: self.clock_offset,
            faults: Faults::new(),
            limiter: RateLimiter::default(),
            requests: AtomicU64::new(0),
            idempotency: Store::new(self.idempotency_capacity),
            tokens_seen: Mutex::new(VecDeque::new()),
            tokens_capacity: self.idempotency_capacity,
            handler_calls: Mutex::new(HashMap::new()),
            reset: self.reset,
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let task = tokio::spawn(accept_loop(
            listener,
            self.tls.map(tokio_rustls::TlsAcceptor::from),
            Arc::clone(&shared),
            shutdown_rx,
            self.shutdown_timeout,
        ));
        Ok(RunningServer {
            scheme,
            local_addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }
}

/// A server accepting connections in the background.
///
/// [`shutdown`](Self::shutdown) stops it gracefully; dropping it without that aborts
/// the accept loop and every connection at once.
pub struct RunningServer {
    /// `http` or `https`.
    scheme: &'static str,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningServer")
            .field("local_addr", &self.local_addr)
            .field("requests_received", &self.requests_received())
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// The base URL, e.g. `http://127.0.0.1:40123` (`https://` when serving TLS).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.local_addr)
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle on the fault queue (shared: faults injected through any clone apply).
    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// The keys the server accepts (shared: a key added through it is accepted by the
    /// next request).
    pub fn keys(&self) -> KeyStore {
        self.shared.keys.clone()
    }

    /// Accepts `credential` from now on (see [`KeyStore::insert`]).
    pub fn add_credential(&self, credential: Credential) {
        self.shared.keys.insert(credential);
    }

    /// How many HTTP requests reached the server, whatever their outcome (a
    /// connection closed before a complete request head is not counted).
    pub fn requests_received(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// How many times the handler ran for `action` (a request answered from an
    /// idempotency token's first answer does not run it).
    pub fn handler_calls(&self, action: &str) -> u64 {
        lock(&self.shared.handler_calls)
            .get(action)
            .copied()
            .unwrap_or(0)
    }

    /// The idempotency tokens the requests of `action` carried, in arrival order (the
    /// most recent ones, as many as the idempotency capacity), for requests that
    /// reached the token check.
    pub fn client_tokens_seen(&self, action: &str) -> Vec<String> {
        lock(&self.shared.tokens_seen)
            .iter()
            .filter(|(seen_for, _)| seen_for == action)
            .map(|(_, token)| token.clone())
            .collect()
    }

    /// Stops accepting connections, closes idle keep-alive connections, lets
    /// in-flight requests finish (up to the shutdown timeout, then closes them) and
    /// waits for the accept task to end. No task of the server survives it.
    pub async fn shutdown(mut self) {
        // Sending fails only if the accept loop is gone already.
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            // A join error means the loop panicked or was aborted: it is over either way.
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            // Aborting the loop drops its JoinSet, which aborts every connection task.
            task.abort();
        }
    }
}

/// One service the server answers.
struct Served {
    name: String,
    version: String,
    actions: HashMap<String, ActionInfo>,
    handler: Arc<dyn Handler>,
}

struct Shared {
    keys: KeyStore,
    /// The first is the builder's own service; never empty.
    services: Vec<Served>,
    regions: HashSet<String>,
    max_body_bytes: usize,
    max_clock_skew: u64,
    clock_offset: i64,
    faults: Faults,
    limiter: RateLimiter,
    requests: AtomicU64,
    idempotency: Store,
    /// (action, token) of the requests that reached the token check, most recent last.
    tokens_seen: Mutex<VecDeque<(String, String)>>,
    tokens_capacity: usize,
    /// Handler runs per action (only actions of the table reach the handler).
    handler_calls: Mutex<HashMap<String, u64>>,
    /// What [`RESET_PATH`] runs, if it is served.
    reset: Option<ResetHook>,
}

/// The guard of a record that stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Resolves once shutdown is requested or the sender is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard is dropped at once: holding it across an await would block the sender.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let connection_shutdown = shutdown.clone();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stopped(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Small answers go out at once; nothing to tune if this fails.
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    let shutdown = connection_shutdown.clone();
                    match &tls {
                        None => connections.spawn(serve_connection(stream, shared, shutdown)),
                        Some(acceptor) => {
                            connections.spawn(serve_tls(acceptor.clone(), stream, shared, shutdown))
                        }
                    };
                    // Reap finished connections so the set does not grow forever.
                    while connections.try_join_next().is_some() {}
                }
                // Accept errors are per connection or transient (EMFILE): back off a
                // little and keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drain).await.is_err() {
        connections.shutdown().await;
    }
}

/// The TLS handshake, then HTTP over it; a failed handshake (a client that does not
/// trust the certificate, say) just closes the connection. Shutdown during the
/// handshake ends it.
async fn serve_tls(
    acceptor: tokio_rustls::TlsAcceptor,
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let stream = tokio::select! {
        accepted = acceptor.accept(stream) => match accepted {
            Ok(stream) => stream,
            Err(_) => return,
        },
        () = stopped(&mut shutdown) => return,
    };
    serve_connection(stream, shared, shutdown).await;
}

async fn serve_connection<S>(stream: S, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { respond(&shared, request).await }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        // The connection ended (closed by the client, or an error): nothing to do.
        _ = connection.as_mut() => return,
        () = stopped(&mut shutdown) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// Returned to hyper to make it close the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
struct ConnectionDropped;

/// The body of an answer: complete, or broken off by [`Fault::ResetMidResponse`].
type AnswerBody = Either<Full<Bytes>, BrokenBody>;

/// Sends its bytes, waits a moment (so that they leave, not just the head), then fails,
/// which makes hyper close the connection short of the announced `Content-Length`.
struct BrokenBody {
    data: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body for BrokenBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        let pause = self
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(20))));
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "answer broken off by an injected fault",
            )))),
        }
    }
}

/// How a request is answered.
enum Answer {
    Output(Map<String, Value>),
    Error(ApiError),
    Raw {
        status: StatusCode,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    Broken {
        body: Vec<u8>,
    },
    Drop,
}

impl From<ApiError> for Answer {
    fn from(error: ApiError) -> Self {
        Self::Error(error)
    }
}

fn reject(code: &str, message: impl Into<String>) -> Answer {
    Answer::Error(ApiError::new(code, message))
}

async fn respond(
    shared: &Shared,
    request: Request<Incoming>,
) -> Result<Response<AnswerBody>, ConnectionDropped> {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    let request_id = new_request_id();
    let answer = match pipeline(shared, request, &request_id).await {
        Ok(answer) | Err(answer) => answer,
    };
    // hyper's automatic `Date` shows the real clock; show the server's own.
    let date = HeaderValue::from_str(&format_http_date(server_now(shared))).ok();
    let (status, content_type, body) = match answer {
        Answer::Output(members) => (
            StatusCode::OK,
            Some("application/json".to_owned()),
            success_body(members, &request_id),
        ),
        Answer::Error(error) => (
            StatusCode::OK,
            Some("application/json".to_owned()),
            error_body(&error, &request_id),
        ),
        Answer::Raw {
            status,
            content_type,
            body,
        } => (status, content_type, body),
        Answer::Broken { body } => {
            let half = body.len() / 2;
            let mut response = Response::new(Either::Right(BrokenBody {
                data: Some(Bytes::from(body[..half].to_vec())),
                pause: None,
            }));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
            if let Some(date) = date {
                headers.insert(DATE, date);
            }
            return Ok(response);
        }
        Answer::Drop => return Err(ConnectionDropped),
    };
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *response.status_mut() = status;
    if let Some(value) = content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    if let Some(date) = date {
        response.headers_mut().insert(DATE, date);
    }
    Ok(response)
}

/// A header as text; bytes that are not UTF-8 are replaced (such a value cannot verify).
fn header_text(headers: &HeaderMap, name: impl hyper::header::AsHeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// `application/json`, in any case, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/json")
}

/// The server's clock in Unix seconds: the real one plus the configured offset.
fn server_now(shared: &Shared) -> u64 {
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    real.saturating_add_signed(shared.clock_offset)
}

enum BodyError {
    TooLarge,
    Broken,
}

/// Reads at most `limit` bytes; past it, drains (up to [`MAX_DRAIN_BYTES`]) and
/// reports [`BodyError::TooLarge`].
async fn read_body(
    mut body: Incoming,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut too_large = declared.is_some_and(|n| n > limit as u64);
    let capacity = declared.map_or(0, |n| {
        usize::try_from(n).unwrap_or(0).min(limit).min(1 << 20)
    });
    let mut buffer = Vec::with_capacity(if too_large { 0 } else { capacity });
    let mut drained = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(BodyError::Broken);
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if too_large {
            drained = drained.saturating_add(data.len());
            if drained > MAX_DRAIN_BYTES {
                break;
            }
        } else if buffer.len().saturating_add(data.len()) > limit {
            too_large = true;
            buffer = Vec::new();
        } else {
            buffer.extend_from_slice(&data);
        }
    }
    if too_large {
        Err(BodyError::TooLarge)
    } else {
        Ok(buffer)
    }
}

async fn pipeline(
    shared: &Shared,
    request: Request<Incoming>,
    request_id: &str,
) -> Result<Answer, Answer> {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;

    // 0. The emulator's reset, outside Tencent's API (see `MockServerBuilder::on_reset`).
    if let Some(reset) = &shared.reset
        && parts.method == Method::POST
        && parts.uri.path() == RESET_PATH
    {
        reset();
        return Ok(Answer::Output(Map::new()));
    }

    // 1. Method and path.
    if parts.method != Method::POST || parts.uri.path() != "/" || parts.uri.query().is_some() {
        return Err(reject(
            codes::UNSUPPORTED_PROTOCOL,
            format!(
                "The request `{} {}` is not supported: this endpoint serves `POST /` with a JSON body.",
                parts.method, parts.uri
            ),
        ));
    }

    // 2. Content type.
    let content_type = header_text(headers, CONTENT_TYPE).unwrap_or_default();
    if !is_json(&content_type) {
        return Err(reject(
            codes::UNSUPPORTED_PROTOCOL,
            format!("The Content-Type `{content_type}` is not supported: use `application/json`."),
        ));
    }

    // 3. Body, read with the limit.
    let body = match read_body(body, headers, shared.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            return Err(reject(
                codes::REQUEST_SIZE_LIMIT_EXCEEDED,
                format!(
                    "The request body exceeds the limit of {} bytes.",
                    shared.max_body_bytes
                ),
            ));
        }
        // The client went away mid-body: there is nobody to answer.
        Err(BodyError::Broken) => return Err(Answer::Drop),
    };

    // Which service: the one the Host names, else the one of X-TC-Version, else the first.
    let host = header_text(headers, HOST).unwrap_or_default();
    let served = route(
        shared,
        &host,
        header_text(headers, "x-tc-version").as_deref(),
    );
    let action_name = header_text(headers, "x-tc-action").filter(|a| !a.is_empty());

    // 4.–8. Authentication.
    let authorization = header_text(headers, AUTHORIZATION).ok_or_else(|| {
        reject(
            codes::INVALID_AUTHORIZATION,
            "The Authorization header is missing.",
        )
    })?;
    let secret_id = if authorization == SKIP {
        // Unsigned: only for an action its spec marks so (STS AssumeRoleWithWebIdentity),
        // whose caller has no keys; the timestamp is still checked.
        let action = action_name.as_deref().unwrap_or_default();
        if !served.actions.get(action).is_some_and(|a| a.skip_sign) {
            return Err(Answer::Error(auth::skip_on_signed_action(action)));
        }
        let timestamp = auth::parse_timestamp(header_text(headers, "x-tc-timestamp").as_deref())?;
        auth::check_skew(timestamp, server_now(shared), shared.max_clock_skew)?;
        String::new()
    } else {
        let authorization = auth::parse_authorization(&authorization)?;
        let timestamp = auth::parse_timestamp(header_text(headers, "x-tc-timestamp").as_deref())?;
        let now = server_now(shared);
        auth::check_skew(timestamp, now, shared.max_clock_skew)?;
        let token = header_text(headers, "x-tc-token");
        let key = shared.keys.get(authorization.secret_id);
        if let Some(expires_at) = key.as_ref().and_then(|key| key.expires_at)
            && now >= expires_at
        {
            return Err(reject(
                codes::TOKEN_FAILURE,
                format!(
                    "The temporary credential `{}` expired at {expires_at} (server time {now}).",
                    authorization.secret_id
                ),
            ));
        }
        auth::verify(
            key.as_ref().map(|key| &key.credential),
            &served.name,
            &authorization,
            &SignedParts {
                host: &host,
                content_type: &content_type,
                timestamp,
                body: &body,
                token: token.as_deref(),
            },
        )?
        .secret_id()
        .to_owned()
    };

    // 9. Injected faults.
    let mut lose_answer = false;
    if let Some(fault) = shared.faults.take(action_name.as_deref()) {
        match fault {
            Fault::Error(error) => return Err(Answer::Error(error)),
            Fault::Delay(delay) => tokio::time::sleep(delay).await,
            Fault::DropConnection => return Err(Answer::Drop),
            Fault::LoseAnswer => lose_answer = true,
            Fault::ResetMidResponse => {
                let members = Map::from_iter([(
                    "Note".to_owned(),
                    Value::String("this answer is broken off halfway".to_owned()),
                )]);
                return Err(Answer::Broken {
                    body: success_body(members, request_id),
                });
            }
            Fault::Html500 => {
                return Err(Answer::Raw {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    content_type: Some("text/html".to_owned()),
                    body: HTML_500.as_bytes().to_vec(),
                });
            }
            Fault::Raw {
                status,
                content_type,
                body,
            } => {
                return Err(Answer::Raw {
                    status: StatusCode::from_u16(status)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    content_type,
                    body,
                });
            }
        }
    }

    let answer = serve(
        shared,
        served,
        headers,
        action_name,
        &body,
        &secret_id,
        request_id,
    )
    .await;
    if lose_answer {
        return Err(Answer::Drop);
    }
    answer
}

/// Steps 10 to 16: the action, version, region, parameters, rate limit, idempotency
/// token and handler.
async fn serve(
    shared: &Shared,
    served: &Served,
    headers: &HeaderMap,
    action_name: Option<String>,
    body: &[u8],
    secret_id: &str,
    request_id: &str,
) -> Result<Answer, Answer> {
    // 10. Action.
    let action_name = action_name.ok_or_else(|| {
        reject(
            codes::MISSING_PARAMETER,
            "The request is missing the required parameter `X-TC-Action`.",
        )
    })?;
    let action = served.actions.get(&action_name).ok_or_else(|| {
        reject(
            codes::INVALID_ACTION,
            format!("The action `{action_name}` does not exist."),
        )
    })?;

    // 11. Version.
    let version = header_text(headers, "x-tc-version")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            reject(
                codes::MISSING_PARAMETER,
                "The request is missing the required parameter `X-TC-Version`.",
            )
        })?;
    if version != served.version {
        return Err(reject(
            codes::NO_SUCH_VERSION,
            format!(
                "The API version `{version}` does not exist; this endpoint serves `{}`.",
                served.version
            ),
        ));
    }

    // 12. Region.
    let region = header_text(headers, "x-tc-region")
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            reject(
                codes::MISSING_PARAMETER,
                "The request is missing the required parameter `X-TC-Region`.",
            )
        })?;
    if !shared.regions.contains(&region) {
        return Err(reject(
            codes::UNSUPPORTED_REGION,
            format!("The region `{region}` is not supported."),
        ));
    }

    // 13. Body shape and parameters.
    let params = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(params)) => params,
        Ok(other) => {
            return Err(reject(
                codes::INVALID_PARAMETER,
                format!(
                    "The request body must be a JSON object, got {}.",
                    api_spec::validate::describe_value(&other)
                ),
            ));
        }
        Err(error) => {
            return Err(reject(
                codes::INVALID_PARAMETER,
                format!("The request body is not valid JSON: {error}."),
            ));
        }
    };
    validate_params(&action.params, &params)?;

    // 14. Rate limit.
    if let Some(limit) = action.rate_limit_per_second
        && !shared
            .limiter
            .admit(secret_id, &region, &action.name, limit, Instant::now())
    {
        return Err(reject(
            codes::REQUEST_LIMIT_EXCEEDED,
            format!(
                "The request rate of action `{}` exceeds the limit of {limit} requests per second. Please reduce the frequency of calls.",
                action.name
            ),
        ));
    }

    // 15. Idempotency token.
    let token =
        action
            .idempotency
            .as_ref()
            .and_then(|idempotency| match params.get(&idempotency.member) {
                Some(Value::String(token)) if !token.is_empty() => {
                    Some((idempotency, token.clone()))
                }
                _ => None,
            });
    let call = Call {
        action: action_name,
        region,
        params,
        secret_id: secret_id.to_owned(),
        request_id: request_id.to_owned(),
        language: header_text(headers, "x-tc-language"),
    };
    let Some((idempotency, token)) = token else {
        return run_handler(shared, served, call).await;
    };
    {
        let mut seen = lock(&shared.tokens_seen);
        if shared.tokens_capacity > 0 {
            if seen.len() >= shared.tokens_capacity {
                seen.pop_front();
            }
            seen.push_back((call.action.clone(), token.clone()));
        }
    }
    let key = (
        call.secret_id.clone(),
        call.region.clone(),
        call.action.clone(),
        token,
    );
    let cell = match shared.idempotency.claim(key.clone(), &call.params) {
        Claim::Run(cell) => cell,
        Claim::Mismatch => {
            return Err(reject(
                &idempotency.mismatch_code,
                format!(
                    "The {} `{}` was already used with other parameters.",
                    idempotency.member, key.3
                ),
            ));
        }
    };
    // The first request of a token runs the handler; one that comes while it runs waits
    // for it; later ones get its output. A failure answers as usual and frees the token.
    let outcome = cell
        .get_or_try_init(|| async {
            match run_handler(shared, served, call).await {
                Ok(Answer::Output(members)) => Ok(members),
                Ok(other) | Err(other) => Err(other),
            }
        })
        .await;
    match outcome {
        Ok(members) => Ok(Answer::Output(members.clone())),
        Err(answer) => {
            shared.idempotency.release(&key, &cell);
            Err(answer)
        }
    }
}

/// 16. The handler, counted.
async fn run_handler(shared: &Shared, served: &Served, call: Call) -> Result<Answer, Answer> {
    *lock(&shared.handler_calls)
        .entry(call.action.clone())
        .or_default() += 1;
    match call_catching_panics(&*served.handler, call).await {
        Some(Ok(members)) => Ok(Answer::Output(members)),
        Some(Err(error)) => Err(Answer::Error(error)),
        None => Err(reject(
            codes::INTERNAL_ERROR,
            "An internal error occurred: the handler panicked.",
        )),
    }
}

/// The `Authorization` value of an unsigned request.
const SKIP: &str = "SKIP";

/// The service a request goes to: the one whose name is the first label of a `Host`
/// with a dot in it, else the one whose version is `X-TC-Version`, else the first.
fn route<'s>(shared: &'s Shared, host: &str, version: Option<&str>) -> &'s Served {
    let label = host
        .split_once('.')
        .map(|(label, _)| label)
        .filter(|label| !label.is_empty());
    let by_host = label.and_then(|label| shared.services.iter().find(|s| s.name == label));
    let by_version =
        || version.and_then(|version| shared.services.iter().find(|s| s.version == version));
    by_host.or_else(by_version).unwrap_or(&shared.services[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/JSON;charset=UTF-8"));
        assert!(is_json(" application/json "));
        assert!(!is_json(""));
        assert!(!is_json("application/jsonx"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
