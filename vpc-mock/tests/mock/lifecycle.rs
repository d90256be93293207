//! Rate limits, graceful shutdown and drop.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use vpc_mock::Fault;

use crate::common::{Req, builder, read_one, read_to_close, seen, send};

#[tokio::test]
async fn rate_limit_per_action() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    for _ in 0..3 {
        send(addr, &Req::new("Limited", "{}"))
            .await
            .expect_success();
    }
    let message = send(addr, &Req::new("Limited", "{}"))
        .await
        .expect_error("RequestLimitExceeded");
    assert!(
        message.contains('3') && message.contains("Limited"),
        "{message}"
    );
    // Other actions have their own budget.
    send(addr, &Req::reset()).await.expect_success();
    // Invalid calls are rejected before the limiter and do not count.
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    for _ in 0..5 {
        send(addr, &Req::new("Limited", "{\"X\":1}"))
            .await
            .expect_error("UnknownParameter");
    }
    send(addr, &Req::new("Limited", "{}"))
        .await
        .expect_success();
}

#[tokio::test]
async fn graceful_shutdown() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    // An idle kept-alive connection.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    let mut req = Req::reset();
    req.close = false;
    idle.write_all(&req.to_bytes(addr)).await.expect("write");
    read_one(&mut idle).await.expect_success();

    // An in-flight request, slowed down.
    server.faults().inject(
        "ResetVpnConnection",
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let slow = Req::reset();
    let in_flight = tokio::spawn(async move { send(addr, &slow).await });
    // Let the request reach the server.
    while server.requests_received() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let started = Instant::now();
    server.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2));

    // The in-flight request was answered, the idle connection closed, nothing listens.
    in_flight.await.expect("join").expect_success();
    assert!(read_to_close(&mut idle).await.is_empty());
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_timeout_cuts_slow_requests() {
    let server = builder(&seen())
        .shutdown_timeout(Duration::from_millis(50))
        .start()
        .await
        .expect("start");
    let addr = server.local_addr();
    server
        .faults()
        .inject_any(Fault::Delay(Duration::from_secs(30)), 1);
    let slow =
        tokio::spawn(
            async move { crate::common::exchange(addr, &Req::reset().to_bytes(addr)).await },
        );
    while server.requests_received() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    server.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(slow.await.expect("join").is_empty());
}

#[tokio::test]
async fn drop_aborts_the_server() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    send(addr, &Req::reset()).await.expect_success();
    drop(server);
    // The abort takes effect the next time the runtime polls the task.
    let mut refused = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused);
}
