//! TLS, proxies and a caller's own HTTP client, against the local endpoint serving
//! HTTPS with a certificate authority each test makes, and a proxy the tests start, all
//! on 127.0.0.1.

#[path = "support/pki.rs"]
mod pki;
#[path = "support/proxy.rs"]
mod proxy;

use std::process::Command;
use std::time::Duration;

use vpc_client::vpc::{ResetVpnConnectionError, ResetVpnConnectionRequest};
use vpc_client::{
    BuildError, Client, ClientBuilder, Endpoint, Error, RetryPolicy, TransportErrorKind,
};
use vpc_mock::vpc::seed;
use vpc_mock::{RunningServer, VpcState};

use pki::TestPki;
use proxy::{TestProxy, base64};

type CallError = Error<ResetVpnConnectionError>;

/// The endpoint with its default seed, on plain HTTP or (with `pki`) HTTPS.
async fn endpoint(pki: Option<&TestPki>) -> RunningServer {
    let state = VpcState::seeded().with_reset_delay(Duration::ZERO);
    let mut builder = vpc_mock::MockServer::vpc(state)
        .expect("the spec validates")
        .credential(vpc_mock::demo_credential());
    if let Some(pki) = pki {
        builder = builder.tls(pki.server_config());
    }
    builder.start().await.expect("the endpoint starts")
}

fn builder(url: String) -> ClientBuilder {
    Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url))
}

/// One signed call of the demo's action (the endpoint's tunnels are ready again at
/// once).
async fn reset(client: &Client) -> Result<(), CallError> {
    let request = ResetVpnConnectionRequest::new(seed::GATEWAY, seed::TUNNEL);
    client.reset_vpn_connection(&request).await.map(drop)
}

#[tokio::test]
async fn a_signed_call_succeeds_over_https_with_the_test_ca() {
    let pki = TestPki::localhost();
    let server = endpoint(Some(&pki)).await;
    let url = server.url();
    // The Host the client signs and the endpoint checks carries this port.
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert_ne!(server.local_addr().port(), 443);
    let client = builder(url)
        .add_root_certificates_pem(&pki.ca_pem)
        .build()
        .expect("builds");
    reset(&client).await.expect("signed call over TLS");
    assert_eq!(server.requests_received(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn several_pem_texts_and_bundles_add_up() {
    let pki = TestPki::localhost();
    let other = TestPki::new("another test CA", &["127.0.0.1"]);
    let server = endpoint(Some(&pki)).await;
    // The right root second, after an unrelated one, in one bundle with a key section.
    let bundle = format!("{}{}{}", other.ca_pem, other.server_key_pem, pki.ca_pem);
    let client = builder(server.url())
        .add_root_certificates_pem(&other.ca_pem)
        .add_root_certificates_pem(bundle)
        .build()
        .expect("builds");
    reset(&client).await.expect("trusted by the bundle");
    server.shutdown().await;
}

#[tokio::test]
async fn without_the_ca_the_handshake_fails_with_a_certificate_error() {
    let pki = TestPki::localhost();
    let server = endpoint(Some(&pki)).await;
    let url = server.url();
    let client = builder(url.clone()).build().expect("builds");
    let error = reset(&client).await.expect_err("an unknown issuer");
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::Certificate);
    assert_eq!(error.kind_name(), "transport.certificate");
    let message = error.to_string();
    println!("the certificate error reads: {message}");
    assert!(
        message.starts_with(&format!(
            "TLS certificate refused: cannot connect to {url}/"
        )),
        "{message}"
    );
    assert!(message.contains("UnknownIssuer"), "{message}");
    // Not retried (the next handshake would fail the same way), nothing arrived.
    assert!(!error.is_retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests_received(), 0);

    // A certificate for another name: refused for the name, with the CA trusted.
    let elsewhere = TestPki::new("vpc-client test CA", &["vpc.example"]);
    let other_server = endpoint(Some(&elsewhere)).await;
    let client = builder(other_server.url())
        .add_root_certificates_pem(&elsewhere.ca_pem)
        .build()
        .expect("builds");
    let error = reset(&client)
        .await
        .expect_err("another host's certificate");
    assert!(
        matches!(&error, Error::Transport(t) if t.kind == TransportErrorKind::Certificate),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("certificate not valid for name"),
        "{error}"
    );
    server.shutdown().await;
    other_server.shutdown().await;
}

#[test]
fn a_pem_without_a_usable_certificate_fails_the_build() {
    let pki = TestPki::localhost();
    for (pem, expected) in [
        (
            "not a PEM at all".to_owned(),
            "no `BEGIN CERTIFICATE` section",
        ),
        (pki.server_key_pem.clone(), "no `BEGIN CERTIFICATE` section"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_owned(),
            "certificate 1 of the PEM text is no usable root",
        ),
    ] {
        let error = builder("https://127.0.0.1:1".to_owned())
            .add_root_certificates_pem(&pki.ca_pem)
            .add_root_certificates_pem(&pem)
            .build()
            .expect_err("refused");
        assert!(
            matches!(error, BuildError::InvalidRootCertificate(_)),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.starts_with("invalid root certificate: "), "{text}");
        assert!(text.contains(expected), "{text}");
    }
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel_of_the_proxy() {
    let pki = TestPki::localhost();
    let server = endpoint(Some(&pki)).await;
    let proxy = TestProxy::start().await;
    let client = builder(server.url())
        .add_root_certificates_pem(&pki.ca_pem)
        .proxy(proxy.url())
        .build()
        .expect("builds");
    for _ in 0..2 {
        reset(&client).await.expect("through the tunnel");
    }
    // Both calls over one kept-alive tunnel; nothing forwarded in the clear.
    assert_eq!(proxy.tunnels(), 1);
    assert_eq!(proxy.forwarded(), 0);
    assert_eq!(server.requests_received(), 2);
    assert_eq!(proxy.authorizations(), vec![None]);

    // The same endpoint without the proxy: no tunnel more.
    let direct = builder(server.url())
        .add_root_certificates_pem(&pki.ca_pem)
        .build()
        .expect("builds");
    reset(&direct).await.expect("direct");
    assert_eq!(proxy.tunnels(), 1);
    assert_eq!(server.requests_received(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn plain_http_is_forwarded_by_the_proxy() {
    let server = endpoint(None).await;
    let proxy = TestProxy::start().await;
    let client = builder(server.url())
        .proxy(proxy.url())
        .build()
        .expect("builds");
    reset(&client).await.expect("signed call forwarded");
    assert_eq!((proxy.forwarded(), proxy.tunnels()), (1, 0));
    server.shutdown().await;
}

#[tokio::test]
async fn proxy_credentials_arrive_but_are_never_shown() {
    const PASSWORD: &str = "pr0xy-S3CR3T-never-print-me";
    let pki = TestPki::localhost();
    let server = endpoint(Some(&pki)).await;
    let proxy = TestProxy::start().await;
    let proxy_url = proxy.url_with_credentials("alice", PASSWORD);
    let configured = builder(server.url())
        .add_root_certificates_pem(&pki.ca_pem)
        .proxy(proxy_url.clone());
    let mut printed = vec![format!("{configured:?}")];
    let client = configured.build().expect("builds");
    printed.push(format!("{client:?}"));
    printed.push(format!("{client:#?}"));
    reset(&client).await.expect("through the tunnel");
    assert_eq!(proxy.tunnels(), 1);
    let expected = format!("Basic {}", base64(format!("alice:{PASSWORD}").as_bytes()));
    assert_eq!(proxy.authorizations(), vec![Some(expected)]);
    // The proxy shows where it is, without user name or password.
    assert!(
        printed[1].contains(&format!("proxy http://***@{}", &proxy.url()[7..])),
        "{}",
        printed[1]
    );

    // Errors through a proxy with credentials: a proxy that is gone, and one that
    // does not parse.
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };
    let client = builder(server.url())
        .add_root_certificates_pem(&pki.ca_pem)
        .proxy(format!("http://alice:{PASSWORD}@{gone}"))
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let error = reset(&client).await.expect_err("no proxy there");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    printed.push(format!("{error:?}"));
    printed.push(error.to_string());
    let error = builder(server.url())
        .proxy(format!("http://alice:{PASSWORD}@[::1"))
        .build()
        .expect_err("does not parse");
    assert!(
        matches!(error, BuildError::InvalidProxy { .. }),
        "{error:?}"
    );
    printed.push(format!("{error:?}"));
    printed.push(error.to_string());
    for text in &printed {
        assert!(!text.contains(PASSWORD), "{text}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn an_own_http_client_is_used_as_it_is() {
    let server = endpoint(None).await;
    let proxy = TestProxy::start().await;
    // The test sees that this client was used: only it knows the proxy.
    let http = vpc_client::tls::http_client_builder()
        .expect("TLS")
        .proxy(reqwest::Proxy::all(proxy.url()).expect("proxy"))
        .build()
        .expect("reqwest client");
    let client = builder(server.url())
        .http_client(http)
        .build()
        .expect("builds");
    assert!(
        format!("{client:?}").contains("the caller's own reqwest::Client"),
        "{client:?}"
    );
    reset(&client).await.expect("through the given client");
    assert_eq!(proxy.forwarded(), 1);
    assert_eq!(server.requests_received(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn an_own_http_client_gets_the_builders_timeout_on_each_request() {
    let server = endpoint(None).await;
    server.faults().inject(
        "ResetVpnConnection",
        vpc_mock::Fault::Delay(Duration::from_secs(3)),
        1,
    );
    let http = vpc_client::tls::http_client_builder()
        .expect("TLS")
        .build()
        .expect("reqwest client without a timeout");
    let client = builder(server.url())
        .http_client(http)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .expect("builds");
    let error = reset(&client).await.expect_err("slower than the timeout");
    assert!(
        matches!(&error, Error::Transport(t) if t.kind == TransportErrorKind::Timeout),
        "{error:?}"
    );
    server.shutdown().await;
}

/// Sets one builder option.
type SetOption = fn(ClientBuilder) -> ClientBuilder;

#[test]
fn options_an_own_http_client_would_ignore_are_refused() {
    let own = || {
        vpc_client::tls::http_client_builder()
            .expect("TLS")
            .build()
            .expect("reqwest client")
    };
    let cases: [(&str, SetOption); 3] = [
        ("connect_timeout", |b| {
            b.connect_timeout(std::time::Duration::from_secs(1))
        }),
        ("proxy", |b| b.proxy("http://127.0.0.1:3128")),
        ("add_root_certificates_pem", |b| {
            b.add_root_certificates_pem(TestPki::localhost().ca_pem)
        }),
    ];
    for (name, set) in cases {
        let error = set(builder("http://127.0.0.1:1".to_owned()).http_client(own()))
            .build()
            .expect_err("conflict");
        assert!(
            matches!(error, BuildError::ConflictsWithHttpClient { option } if option == name),
            "{error:?}"
        );
        assert!(
            error.to_string().contains(&format!("`.{name}(...)`")),
            "{error}"
        );
    }
    // `timeout` is no conflict: the client sets it on each request.
    builder("http://127.0.0.1:1".to_owned())
        .http_client(own())
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("timeout is kept");
}

/// Set in the environment of the child process [`environment_proxies_apply_without_an_explicit_proxy`]
/// starts: mode (`env` or `explicit`), endpoint URL, CA file and proxy URL, one a line.
const CHILD: &str = "VPC_CLIENT_TEST_PROXY_CHILD";

/// reqwest reads `HTTPS_PROXY` and `NO_PROXY` when no proxy is set, and an explicit
/// proxy replaces them. The variables are set for a child process (this same test,
/// run alone) because they are process-wide: the parent runs the endpoint and the proxy
/// and counts the tunnels.
#[tokio::test]
async fn environment_proxies_apply_without_an_explicit_proxy() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec).await;
    }
    let pki = TestPki::localhost();
    let server = endpoint(Some(&pki)).await;
    let proxy = TestProxy::start().await;
    let ca_file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vpc-client-tls-{}-ca.pem", std::process::id()));
    std::fs::write(&ca_file, &pki.ca_pem).expect("write the CA");
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("address"))
    };
    let run = |mode: &str, env: &[(&str, &str)]| {
        let spec = format!(
            "{mode}\n{}\n{}\n{}",
            server.url(),
            ca_file.display(),
            proxy.url()
        );
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let mode = mode.to_owned();
        // The child's call goes through this process's proxy and endpoint: wait for it
        // off the runtime's threads.
        tokio::task::spawn_blocking(move || run_child(&mode, &spec, &env))
    };
    let proxy_url = proxy.url();
    run("env", &[("HTTPS_PROXY", &proxy_url)])
        .await
        .expect("child");
    assert_eq!(proxy.tunnels(), 1, "HTTPS_PROXY is used");
    run(
        "env",
        &[("HTTPS_PROXY", &proxy_url), ("NO_PROXY", "127.0.0.1")],
    )
    .await
    .expect("child");
    assert_eq!(proxy.tunnels(), 1, "NO_PROXY bypasses it");
    run("explicit", &[("HTTPS_PROXY", &gone)])
        .await
        .expect("child");
    assert_eq!(
        proxy.tunnels(),
        2,
        "the explicit proxy wins over HTTPS_PROXY"
    );
    assert_eq!(server.requests_received(), 3);
    let _ = std::fs::remove_file(&ca_file);
    server.shutdown().await;
}

/// Runs this test alone in a child process, its proxy variables replaced by `env`.
fn run_child(mode: &str, spec: &str, env: &[(String, String)]) {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "environment_proxies_apply_without_an_explicit_proxy",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD, spec);
    for name in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(name, value)| (name, value)));
    let output = command.output().expect("run the child");
    assert!(
        output.status.success(),
        "child `{mode}` failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The child's side: one call, with the explicit proxy in mode `explicit`.
async fn child(spec: &str) {
    let parts: Vec<&str> = spec.split('\n').collect();
    let [mode, url, ca_file, proxy_url] = parts[..] else {
        panic!("bad {CHILD}: {spec}");
    };
    let ca = std::fs::read(ca_file).expect("the CA file");
    let mut client = builder(url.to_owned())
        .add_root_certificates_pem(ca)
        .retry(RetryPolicy::none());
    if mode == "explicit" {
        client = client.proxy(proxy_url);
    }
    let client = client.build().expect("builds");
    reset(&client).await.expect("the call succeeds");
}
