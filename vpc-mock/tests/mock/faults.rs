//! Fault injection, observed on the wire.

use std::time::{Duration, Instant};

use vpc_mock::Fault;

use crate::common::{Req, builder, exchange, parse_response, seen, send};

#[tokio::test]
async fn error_fault_for_the_next_n_calls_of_an_action() {
    let seen = seen();
    let server = builder(&seen).start().await.expect("start");
    let addr = server.local_addr();
    let faults = server.faults();
    faults.inject(
        "ResetVpnConnection",
        Fault::error("ResourceNotFound", "The resource does not exist."),
        2,
    );
    assert_eq!(faults.pending(), 2);

    // Another action is not affected.
    send(addr, &Req::new("DescribeThings", "{}"))
        .await
        .expect_success();
    for _ in 0..2 {
        let message = send(addr, &Req::reset())
            .await
            .expect_error("ResourceNotFound");
        assert_eq!(message, "The resource does not exist.");
    }
    assert_eq!(faults.pending(), 0);
    send(addr, &Req::reset()).await.expect_success();
    // The handler ran only for the unaffected calls.
    assert_eq!(seen.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn faults_for_any_action_fifo_and_before_other_checks() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let faults = server.faults();
    faults.inject_any(Fault::error("InternalError", "first"), 1);
    faults.inject(
        "ResetVpnConnection",
        Fault::error("InternalError", "second"),
        1,
    );
    faults.inject_any(Fault::error("InternalError", "third"), 1);

    assert_eq!(
        send(addr, &Req::reset())
            .await
            .expect_error("InternalError"),
        "first"
    );
    assert_eq!(
        send(addr, &Req::reset())
            .await
            .expect_error("InternalError"),
        "second"
    );
    // Any-action faults apply even to requests that would fail later checks.
    let mut unknown = Req::reset();
    unknown.action = Some("DescribeUnicorns".into());
    assert_eq!(
        send(addr, &unknown).await.expect_error("InternalError"),
        "third"
    );
    send(addr, &unknown).await.expect_error("InvalidAction");

    // A request that fails authentication consumes nothing.
    faults.inject_any(Fault::error("InternalError", "kept"), 1);
    let mut bad = Req::reset();
    bad.tamper.body = Some(b"{}".to_vec());
    send(addr, &bad)
        .await
        .expect_error("AuthFailure.SignatureFailure");
    assert_eq!(faults.pending(), 1);
    faults.clear();
    send(addr, &Req::reset()).await.expect_success();
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    server.faults().inject(
        "ResetVpnConnection",
        Fault::Delay(Duration::from_millis(150)),
        1,
    );
    let started = Instant::now();
    send(addr, &Req::reset()).await.expect_success();
    assert!(started.elapsed() >= Duration::from_millis(150));
    let started = Instant::now();
    send(addr, &Req::reset()).await.expect_success();
    assert!(started.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn drop_connection_closes_without_an_answer() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    server
        .faults()
        .inject("ResetVpnConnection", Fault::DropConnection, 1);
    let raw = exchange(addr, &Req::reset().to_bytes(addr)).await;
    assert!(raw.is_empty(), "{:?}", String::from_utf8_lossy(&raw));
    // Also on a kept-alive connection.
    server
        .faults()
        .inject("ResetVpnConnection", Fault::DropConnection, 1);
    let mut req = Req::reset();
    req.close = false;
    let raw = exchange(addr, &req.to_bytes(addr)).await;
    assert!(raw.is_empty());
    send(addr, &Req::reset()).await.expect_success();
}

#[tokio::test]
async fn html_500() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    server.faults().inject_any(Fault::Html500, 1);
    let resp = send(addr, &Req::reset()).await;
    assert_eq!(resp.status, 500);
    assert_eq!(resp.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&resp.body).contains("<html>"));
}

#[tokio::test]
async fn raw_answers() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let faults = server.faults();
    let truncated = br#"{"Response":{"RequestId":"abc"#.to_vec();
    let error_utf8 =
        br#"{"Response":{"Error":{"Code":"InternalError","Message":"x"},"RequestId":"r"}}"#
            .to_vec();
    faults.inject_any(Fault::raw(200, "application/json", truncated.clone()), 1);
    faults.inject_any(
        Fault::raw(200, "application/json", b"{\"Result\":{}}".to_vec()),
        1,
    );
    faults.inject_any(
        Fault::raw(200, "application/json; charset=utf-8", error_utf8.clone()),
        1,
    );
    faults.inject_any(
        Fault::Raw {
            status: 503,
            content_type: None,
            body: b"busy".to_vec(),
        },
        1,
    );
    faults.inject_any(Fault::raw(2000, "text/plain", b"bad status".to_vec()), 1);

    let resp = send(addr, &Req::reset()).await;
    assert_eq!((resp.status, resp.body), (200, truncated));

    let resp = send(addr, &Req::reset()).await;
    assert_eq!(resp.body, b"{\"Result\":{}}");

    let resp = send(addr, &Req::reset()).await;
    assert_eq!(
        resp.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(resp.body, error_utf8);

    let raw = exchange(addr, &Req::reset().to_bytes(addr)).await;
    let resp = parse_response(&raw);
    assert_eq!(resp.status, 503);
    assert_eq!(resp.header("content-type"), None);
    assert_eq!(resp.body, b"busy");

    let resp = send(addr, &Req::reset()).await;
    assert_eq!(resp.status, 500);
}
