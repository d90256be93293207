//! Test helpers: a standard server configuration and a tiny HTTP/1.1 client over a raw
//! `TcpStream`, so that every byte on the wire (Host, Content-Type, body) is under the
//! test's control, signed with `vpc_client::signing`.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vpc_client::credentials::Credential;
use vpc_client::signing::{
    SignableRequest, Signer, canonical_request, derive_signing_key, hashed_payload, signature_hex,
};
use vpc_mock::{ActionInfo, ApiError, Call, MockServer, MockServerBuilder, ParamInfo, ParamKind};

pub(crate) const ID: &str = "AKIDMOCKTEST";
pub(crate) const KEY: &str = "mock-secret-key";
pub(crate) const TMP_ID: &str = "AKIDMOCKTEMP";
pub(crate) const TMP_KEY: &str = "mock-temp-key";
pub(crate) const TOKEN: &str = "mock-session-token";

pub(crate) const RESET_BODY: &str =
    r#"{"VpnGatewayId": "vpngw-kjllnkew", "VpnConnectionId": "vpnx-f29e6u0z"}"#;

pub(crate) fn credential() -> Credential {
    Credential::new(ID, KEY)
}

pub(crate) fn temp_credential() -> Credential {
    Credential::new(TMP_ID, TMP_KEY).with_token(TOKEN)
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// The calls the handler saw, in order.
pub(crate) type Seen = Arc<Mutex<Vec<Call>>>;

/// Actions: ResetVpnConnection (two required strings, 100/s), DescribeThings (nested
/// Filters, Limit integer, Ratio float, DryRun bool), Fail (handler answers an error),
/// Panic (handler panics), Limited (3/s).
pub(crate) fn actions() -> Vec<ActionInfo> {
    vec![
        ActionInfo::new("ResetVpnConnection")
            .rate_limit_per_second(100)
            .param(ParamInfo::required("VpnGatewayId", ParamKind::String))
            .param(ParamInfo::required("VpnConnectionId", ParamKind::String)),
        ActionInfo::new("DescribeThings")
            .param(ParamInfo::optional("Limit", ParamKind::Integer))
            .param(ParamInfo::optional("Ratio", ParamKind::Float))
            .param(ParamInfo::optional("DryRun", ParamKind::Bool))
            .param(ParamInfo::optional(
                "Filters",
                ParamKind::list(ParamKind::Object(vec![
                    ParamInfo::required("Name", ParamKind::String),
                    ParamInfo::required("Values", ParamKind::list(ParamKind::String)),
                ])),
            )),
        ActionInfo::new("Fail"),
        ActionInfo::new("Panic"),
        ActionInfo::new("Limited").rate_limit_per_second(3),
    ]
}

/// A builder with both test credentials, the test actions and a recording handler.
pub(crate) fn builder(seen: &Seen) -> MockServerBuilder {
    let seen = Arc::clone(seen);
    MockServer::builder()
        .credential(credential())
        .credential(temp_credential())
        .actions(actions())
        .handler(move |call: Call| {
            seen.lock().expect("lock").push(call.clone());
            async move {
                match call.action.as_str() {
                    "Fail" => Err(ApiError::new(
                        "UnsupportedOperation.VpnConnInvalidState",
                        "The tunnel is not available now.",
                    )),
                    "Panic" => panic!("handler panics on purpose"),
                    "DescribeThings" => {
                        let mut out = Map::new();
                        out.insert("TotalCount".into(), json!(1));
                        out.insert("Echo".into(), Value::Object(call.params));
                        Ok(out)
                    }
                    _ => Ok(Map::new()),
                }
            }
        })
}

pub(crate) fn seen() -> Seen {
    Arc::new(Mutex::new(Vec::new()))
}

/// How the `Authorization` header is produced.
#[derive(Clone)]
pub(crate) enum Auth {
    /// No `Authorization` header.
    Missing,
    /// This exact value.
    Raw(String),
    /// Signed with this credential over what is sent, except the overrides in [`Tamper`].
    Sign(Credential),
}

/// What the signature covers when it differs from what is sent (a field altered after
/// signing, or a signer that does something else).
#[derive(Clone, Default)]
pub(crate) struct Tamper {
    pub(crate) host: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) timestamp: Option<u64>,
    pub(crate) body: Option<Vec<u8>>,
    /// Credential-scope date (the string to sign uses it too, as a consistent but
    /// wrong signer would).
    pub(crate) date: Option<String>,
    /// Credential-scope service.
    pub(crate) service: Option<String>,
}

/// One request, as it goes on the wire.
#[derive(Clone)]
pub(crate) struct Req {
    pub(crate) method: String,
    pub(crate) path: String,
    /// `None`: the server's `127.0.0.1:PORT`.
    pub(crate) host: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) action: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) region: Option<String>,
    /// The raw `X-TC-Timestamp` value; `None` sends none (signing then uses `now`).
    pub(crate) timestamp: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) body: Vec<u8>,
    pub(crate) auth: Auth,
    pub(crate) tamper: Tamper,
    /// Send the body with `Transfer-Encoding: chunked` instead of `Content-Length`.
    pub(crate) chunked: bool,
    /// Ask the server to close the connection after answering.
    pub(crate) close: bool,
}

impl Req {
    /// A correctly signed `POST /` of `action` with `body`, by the permanent credential.
    pub(crate) fn new(action: &str, body: &str) -> Self {
        Self {
            method: "POST".into(),
            path: "/".into(),
            host: None,
            content_type: Some("application/json".into()),
            action: Some(action.into()),
            version: Some("2017-03-12".into()),
            region: Some("ap-guangzhou".into()),
            timestamp: Some(now().to_string()),
            token: None,
            language: None,
            body: body.as_bytes().to_vec(),
            auth: Auth::Sign(credential()),
            tamper: Tamper::default(),
            chunked: false,
            close: true,
        }
    }

    pub(crate) fn reset() -> Self {
        Self::new("ResetVpnConnection", RESET_BODY)
    }

    /// The same request signed by the temporary credential, sending its token.
    pub(crate) fn with_temp_credential(mut self) -> Self {
        self.auth = Auth::Sign(temp_credential());
        self.token = Some(TOKEN.into());
        self
    }

    /// The request bytes for a server at `addr`.
    pub(crate) fn to_bytes(&self, addr: SocketAddr) -> Vec<u8> {
        let host = self.host.clone().unwrap_or_else(|| addr.to_string());
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        let mut header = |name: &str, value: &str| {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        };
        header("Host", &host);
        if let Some(ct) = &self.content_type {
            header("Content-Type", ct);
        }
        for (name, value) in [
            ("X-TC-Action", &self.action),
            ("X-TC-Version", &self.version),
            ("X-TC-Region", &self.region),
            ("X-TC-Timestamp", &self.timestamp),
            ("X-TC-Token", &self.token),
            ("X-TC-Language", &self.language),
        ] {
            if let Some(value) = value {
                header(name, value);
            }
        }
        if let Some(authorization) = self.authorization(&host) {
            header("Authorization", &authorization);
        }
        if self.close {
            header("Connection", "close");
        }
        if self.chunked {
            header("Transfer-Encoding", "chunked");
        } else {
            header("Content-Length", &self.body.len().to_string());
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if self.chunked {
            for chunk in self.body.chunks(1000) {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
        } else {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }

    fn authorization(&self, sent_host: &str) -> Option<String> {
        let credential = match &self.auth {
            Auth::Missing => return None,
            Auth::Raw(value) => return Some(value.clone()),
            Auth::Sign(credential) => credential,
        };
        let t = &self.tamper;
        let host = t.host.as_deref().unwrap_or(sent_host);
        let content_type = t
            .content_type
            .as_deref()
            .or(self.content_type.as_deref())
            .unwrap_or("");
        let timestamp = t.timestamp.unwrap_or_else(|| {
            self.timestamp
                .as_deref()
                .and_then(|ts| ts.parse().ok())
                .unwrap_or_else(now)
        });
        let body = t.body.as_deref().unwrap_or(&self.body);
        if t.date.is_none() && t.service.is_none() {
            let signed = Signer::new().sign(
                credential,
                &SignableRequest {
                    service: "vpc",
                    host,
                    content_type,
                    timestamp,
                    body,
                },
            );
            return Some(signed.authorization);
        }
        let date = t
            .date
            .clone()
            .unwrap_or_else(|| vpc_client::signing::utc_date(timestamp));
        let service = t.service.as_deref().unwrap_or("vpc");
        let canonical = canonical_request(content_type, host, &hashed_payload(body));
        let to_sign = format!(
            "TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{}",
            hashed_payload(canonical.as_bytes())
        );
        let key = derive_signing_key(credential.secret_key(), &date, service);
        let signature = signature_hex(&key, &to_sign);
        Some(format!(
            "TC3-HMAC-SHA256 Credential={}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}",
            credential.secret_id()
        ))
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the Tencent error envelope (HTTP 200, JSON, a UUID RequestId) and returns
    /// `(code, message)`.
    pub(crate) fn error(&self) -> (String, String) {
        assert_eq!(self.status, 200, "{self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        let response = &body["Response"];
        assert!(is_uuid_v4(
            response["RequestId"].as_str().expect("RequestId")
        ));
        let error = response
            .get("Error")
            .unwrap_or_else(|| panic!("not an error: {body}"));
        (
            error["Code"].as_str().expect("Code").to_owned(),
            error["Message"].as_str().expect("Message").to_owned(),
        )
    }

    /// Asserts an error with this code and returns its message.
    #[track_caller]
    pub(crate) fn expect_error(&self, code: &str) -> String {
        let (actual, message) = self.error();
        assert_eq!(actual, code, "message: {message}");
        message
    }

    /// Asserts a success envelope and returns the `Response` object.
    #[track_caller]
    pub(crate) fn expect_success(&self) -> Map<String, Value> {
        assert_eq!(self.status, 200, "{self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        let Some(Value::Object(response)) = body.get("Response") else {
            panic!("no Response: {body}");
        };
        assert!(response.get("Error").is_none(), "unexpected error: {body}");
        assert!(is_uuid_v4(
            response["RequestId"].as_str().expect("RequestId")
        ));
        response.clone()
    }
}

pub(crate) fn is_uuid_v4(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
        && groups[2].starts_with('4')
        && matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
}

/// Writes `bytes` on a new connection and reads until the server closes it. A reset
/// after some bytes arrived ends the read like EOF.
pub(crate) async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write request");
    read_to_close(&mut stream).await
}

pub(crate) async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return out,
            Err(e) => panic!("read: {e}"),
        }
    }
}

/// Reads one response (head, then `Content-Length` bytes) from a kept-alive connection.
pub(crate) async fn read_one(stream: &mut TcpStream) -> Resp {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = find_head_end(&data) {
            let (status, headers) = parse_head(&data[..end]);
            let length: usize = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map(|(_, v)| v.parse().expect("content-length"))
                .expect("keep-alive responses have a Content-Length");
            if data.len() >= end + 4 + length {
                return Resp {
                    status,
                    headers,
                    body: data[end + 4..end + 4 + length].to_vec(),
                };
            }
        }
        let n = stream.read(&mut buf).await.expect("read");
        assert!(n > 0, "connection closed mid-response");
        data.extend_from_slice(&buf[..n]);
    }
}

fn find_head_end(data: &[u8]) -> Option<usize> {
    data.windows(4).position(|w| w == b"\r\n\r\n")
}

fn parse_head(head: &[u8]) -> (u16, Vec<(String, String)>) {
    let head = std::str::from_utf8(head).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (status, headers)
}

/// Parses a whole response read to EOF (`Content-Length` delimits the body if present).
pub(crate) fn parse_response(data: &[u8]) -> Resp {
    let end = find_head_end(data).unwrap_or_else(|| {
        panic!(
            "no complete response head in {:?}",
            String::from_utf8_lossy(data)
        )
    });
    let (status, headers) = parse_head(&data[..end]);
    let mut body = data[end + 4..].to_vec();
    if let Some((_, length)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        body.truncate(length.parse().expect("content-length"));
    }
    Resp {
        status,
        headers,
        body,
    }
}

/// Sends one request on its own connection and parses the answer.
pub(crate) async fn send(addr: SocketAddr, req: &Req) -> Resp {
    parse_response(&exchange(addr, &req.to_bytes(addr)).await)
}
