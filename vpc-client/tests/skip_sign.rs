//! Unsigned actions (`Action::SKIP_SIGN`, the spec's `skip_sign`): sent with
//! `Authorization: SKIP`, no signature and no `X-TC-Token`, the other headers as for a
//! signed call, and without asking the credentials provider (a caller of
//! `AssumeRoleWithWebIdentity` has no keys); every other action stays signed. A raw
//! HTTP server on 127.0.0.1 records exactly what arrived.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vpc_client::credentials::{
    Credential, CredentialsError, CredentialsFuture, ProvideCredentials,
};
use vpc_client::sts::{AssumeRoleRequest, AssumeRoleWithWebIdentityRequest};
use vpc_client::{Action, Client, Endpoint, RetryPolicy};

/// Every generated action's flag comes from the spec: the two unsigned STS actions,
/// and nothing else.
#[test]
fn the_flag_follows_the_spec() {
    const { assert!(<AssumeRoleWithWebIdentityRequest as Action>::SKIP_SIGN) };
    const { assert!(<vpc_client::sts::AssumeRoleWithSAMLRequest as Action>::SKIP_SIGN) };
    const { assert!(!<AssumeRoleRequest as Action>::SKIP_SIGN) };
    const { assert!(!<vpc_client::vpc::ResetVpnConnectionRequest as Action>::SKIP_SIGN) };
}

/// The head of one request, lowercased header names.
#[derive(Debug, Clone, Default)]
struct Seen {
    headers: Vec<(String, String)>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A server answering every request with a minimal STS success and recording its head.
async fn recording_server() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buffer = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buffer[..n]);
                    if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at;
                    }
                };
                let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
                let headers: Vec<(String, String)> = head
                    .lines()
                    .skip(1)
                    .filter_map(|line| line.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                while data.len() < head_end + 4 + length {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buffer[..n]),
                    }
                }
                record.lock().expect("not poisoned").push(Seen { headers });
                let body = r#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"AKIDTMP","TmpSecretKey":"k"},"ExpiredTime":1543914376,"Expiration":"2018-12-04T09:06:16Z","RequestId":"req-1"}}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// A provider that counts how often it is asked, and answers `answer`.
#[derive(Debug, Clone)]
struct Counting {
    asked: Arc<AtomicUsize>,
    answer: Option<Credential>,
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        self.asked.fetch_add(1, Ordering::Relaxed);
        let answer = self.answer.clone();
        Box::pin(async move {
            answer.ok_or_else(|| CredentialsError::other("this test has no credentials"))
        })
    }
}

fn client(url: &str, credentials: impl ProvideCredentials + 'static) -> Client {
    Client::builder()
        .credentials(credentials)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url.to_owned()))
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn web_identity() -> AssumeRoleWithWebIdentityRequest {
    AssumeRoleWithWebIdentityRequest::new(
        "OIDC",
        "projected-token",
        "qcs::cam::uin/100015158414:roleName/pod-role",
        "pod",
    )
}

#[tokio::test]
async fn an_unsigned_action_is_sent_with_skip_and_asks_for_no_credentials() {
    let (url, seen) = recording_server().await;
    // Even a provider that has credentials with a token is not asked.
    let asked = Arc::new(AtomicUsize::new(0));
    let provider = Counting {
        asked: Arc::clone(&asked),
        answer: Some(Credential::new("AKIDLONG", "secret").with_token("session-token")),
    };
    let answer = client(&url, provider)
        .call(&web_identity())
        .await
        .expect("the answer decodes");
    assert_eq!(answer.request_id, "req-1");
    assert_eq!(asked.load(Ordering::Relaxed), 0, "no credentials asked for");
    let seen = seen.lock().expect("not poisoned")[0].clone();
    assert_eq!(seen.header("authorization"), Some("SKIP"));
    assert_eq!(seen.header("x-tc-token"), None);
    assert_eq!(
        seen.header("x-tc-action"),
        Some("AssumeRoleWithWebIdentity")
    );
    assert_eq!(seen.header("x-tc-version"), Some("2018-08-13"));
    assert_eq!(seen.header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let timestamp: u64 = seen
        .header("x-tc-timestamp")
        .and_then(|t| t.parse().ok())
        .expect("a timestamp, as the official SDKs send it");
    assert!(timestamp > 1_700_000_000, "{timestamp}");
}

#[tokio::test]
async fn an_unsigned_action_works_without_any_credentials() {
    let (url, seen) = recording_server().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let nothing = Counting {
        asked: Arc::clone(&asked),
        answer: None,
    };
    client(&url, nothing.clone())
        .call(&web_identity())
        .await
        .expect("no credentials needed");
    // A client built with no provider at all (the default chain, never consulted).
    let default_chain = Client::builder()
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(url.clone()))
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds");
    default_chain
        .call(&web_identity())
        .await
        .expect("the default chain is not consulted");
    assert_eq!(seen.lock().expect("not poisoned").len(), 2);
    // A signed action through the same keyless provider fails before sending.
    let error = client(&url, nothing)
        .call(&AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "s1"))
        .await
        .expect_err("signed needs credentials");
    assert!(
        matches!(error, vpc_client::Error::Credentials(_)),
        "{error:?}"
    );
    assert_eq!(asked.load(Ordering::Relaxed), 1);
    assert_eq!(seen.lock().expect("not poisoned").len(), 2, "nothing sent");
}

#[tokio::test]
async fn every_other_action_stays_signed() {
    let (url, seen) = recording_server().await;
    let credential = Credential::new("AKIDLONG", "secret").with_token("session-token");
    client(&url, credential)
        .call(&AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "s1"))
        .await
        .expect("the answer decodes");
    let seen = seen.lock().expect("not poisoned")[0].clone();
    let authorization = seen.header("authorization").expect("signed");
    assert!(
        authorization.starts_with("TC3-HMAC-SHA256 Credential=AKIDLONG/")
            && authorization.contains("/sts/tc3_request"),
        "{authorization}"
    );
    assert_eq!(seen.header("x-tc-token"), Some("session-token"));
}
