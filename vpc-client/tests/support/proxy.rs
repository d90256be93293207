//! A small HTTP proxy on 127.0.0.1 for tests: it answers `CONNECT host:port` with 200
//! and copies bytes both ways (a tunnel), forwards plain `http://` requests to their
//! host, and counts both and records each `Proxy-Authorization` it was sent.
// Each test binary that includes this file uses part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Default)]
struct Seen {
    tunnels: AtomicUsize,
    forwarded: AtomicUsize,
    authorizations: Mutex<Vec<Option<String>>>,
}

/// The running proxy; dropping it stops accepting.
pub(crate) struct TestProxy {
    addr: SocketAddr,
    seen: Arc<Seen>,
    task: JoinHandle<()>,
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestProxy {
    /// Listens on an ephemeral port of 127.0.0.1.
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let seen = Arc::new(Seen::default());
        let task = tokio::spawn({
            let seen = Arc::clone(&seen);
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(serve(stream, Arc::clone(&seen)));
                }
            }
        });
        Self { addr, seen, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL with `user:password@`.
    pub(crate) fn url_with_credentials(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// `CONNECT` tunnels opened so far.
    pub(crate) fn tunnels(&self) -> usize {
        self.seen.tunnels.load(Ordering::SeqCst)
    }

    /// Plain HTTP connections forwarded so far.
    pub(crate) fn forwarded(&self) -> usize {
        self.seen.forwarded.load(Ordering::SeqCst)
    }

    /// The `Proxy-Authorization` of each connection's first request, in order.
    pub(crate) fn authorizations(&self) -> Vec<Option<String>> {
        self.seen.authorizations.lock().expect("lock").clone()
    }
}

async fn serve(mut client: TcpStream, seen: Arc<Seen>) {
    // The request head, up to the blank line (and whatever came with it).
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        if buffer.len() > 64 * 1024 {
            return;
        }
    };
    let Ok(head) = std::str::from_utf8(&buffer[..head_end]) else {
        return;
    };
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (method, target) = (
        request_line.next().unwrap_or_default().to_owned(),
        request_line.next().unwrap_or_default().to_owned(),
    );
    let authorization = lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_owned())
    });
    seen.authorizations
        .lock()
        .expect("lock")
        .push(authorization);
    let (authority, first_bytes) = if method == "CONNECT" {
        seen.tunnels.fetch_add(1, Ordering::SeqCst);
        (target, buffer[head_end..].to_vec())
    } else {
        seen.forwarded.fetch_add(1, Ordering::SeqCst);
        let Some(rest) = target.strip_prefix("http://") else {
            return;
        };
        let authority = rest.split('/').next().unwrap_or_default().to_owned();
        // The origin server takes the request as it came (hyper reads an absolute URI).
        (authority, buffer)
    };
    let Ok(mut upstream) = TcpStream::connect(&authority).await else {
        let _ = client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    };
    if method == "CONNECT"
        && client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
            .is_err()
    {
        return;
    }
    if !first_bytes.is_empty() && upstream.write_all(&first_bytes).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// Standard base64 (with padding), for the expected `Proxy-Authorization`.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
