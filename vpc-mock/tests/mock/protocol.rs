//! Request shape, envelopes, common parameters and body validation.

use serde_json::json;

use crate::common::{Req, builder, exchange, parse_response, seen, send};

#[tokio::test]
async fn success_envelope_and_call() {
    let seen = seen();
    let server = builder(&seen).start().await.expect("start");
    let addr = server.local_addr();
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", addr.port()));
    assert_ne!(addr.port(), 0);

    let mut req = Req::reset();
    req.language = Some("en-US".into());
    let resp = send(addr, &req).await;
    let response = resp.expect_success();
    assert_eq!(response.len(), 1, "only RequestId: {response:?}");
    let first_id = response["RequestId"].as_str().expect("id").to_owned();

    let calls = seen.lock().expect("lock").clone();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.action, "ResetVpnConnection");
    assert_eq!(call.region, "ap-guangzhou");
    assert_eq!(call.secret_id, "AKIDMOCKTEST");
    assert_eq!(call.request_id, first_id);
    assert_eq!(call.language.as_deref(), Some("en-US"));
    assert_eq!(
        serde_json::Value::Object(call.params.clone()),
        json!({"VpnGatewayId": "vpngw-kjllnkew", "VpnConnectionId": "vpnx-f29e6u0z"})
    );

    // Output members travel inside Response; every answer has a fresh RequestId.
    let mut req = Req::new(
        "DescribeThings",
        r#"{"Limit":10,"Ratio":0.5,"DryRun":false,"Filters":[{"Name":"vpc-id","Values":["vpc-1"]}]}"#,
    );
    req.content_type = Some("application/json; charset=utf-8".into());
    let response = send(addr, &req).await.expect_success();
    assert_eq!(response["TotalCount"], json!(1));
    assert_eq!(response["Echo"]["Filters"][0]["Values"][0], json!("vpc-1"));
    assert_ne!(response["RequestId"].as_str(), Some(first_id.as_str()));
    assert_eq!(server.requests_received(), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn method_path_and_query_are_unsupported_protocol() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    for (method, path) in [
        ("GET", "/"),
        ("PUT", "/"),
        ("POST", "/v1"),
        ("POST", "/?Action=x"),
    ] {
        let mut req = Req::reset();
        req.method = method.into();
        req.path = path.into();
        let message = send(addr, &req).await.expect_error("UnsupportedProtocol");
        assert!(message.contains(method), "{message}");
    }
}

#[tokio::test]
async fn content_type_must_be_json() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonp"),
        None,
    ] {
        let mut req = Req::reset();
        req.content_type = ct.map(Into::into);
        let message = send(addr, &req).await.expect_error("UnsupportedProtocol");
        assert!(message.contains("application/json"), "{message}");
    }
    let mut req = Req::reset();
    req.content_type = Some("Application/JSON;charset=UTF-8".into());
    send(addr, &req).await.expect_success();
}

#[tokio::test]
async fn body_size_limit() {
    let server = builder(&seen())
        .max_body_bytes(1024)
        .start()
        .await
        .expect("start");
    let addr = server.local_addr();

    // Exactly at the limit: accepted (valid JSON padded with spaces).
    let mut at_limit = RESET_PADDED.to_owned();
    at_limit.push_str(&" ".repeat(1024 - at_limit.len()));
    send(addr, &Req::new("ResetVpnConnection", &at_limit))
        .await
        .expect_success();

    let over = format!("{at_limit} ");
    let message = send(addr, &Req::new("ResetVpnConnection", &over))
        .await
        .expect_error("RequestSizeLimitExceeded");
    assert!(message.contains("1024"), "{message}");

    // Without Content-Length the limit is enforced while reading.
    let mut chunked = Req::new("ResetVpnConnection", &over.repeat(50));
    chunked.chunked = true;
    send(addr, &chunked)
        .await
        .expect_error("RequestSizeLimitExceeded");

    // The size check comes before authentication.
    let mut unsigned = Req::new("ResetVpnConnection", &over);
    unsigned.auth = crate::common::Auth::Missing;
    send(addr, &unsigned)
        .await
        .expect_error("RequestSizeLimitExceeded");
}

const RESET_PADDED: &str = crate::common::RESET_BODY;

#[tokio::test]
async fn default_body_limit_is_ten_megabytes() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let body = " ".repeat(10 * 1024 * 1024 + 1);
    send(addr, &Req::new("ResetVpnConnection", &body))
        .await
        .expect_error("RequestSizeLimitExceeded");
}

#[tokio::test]
async fn common_parameters() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    let mut req = Req::reset();
    req.action = None;
    let message = send(addr, &req).await.expect_error("MissingParameter");
    assert!(message.contains("X-TC-Action"), "{message}");

    let mut req = Req::reset();
    req.action = Some("DescribeUnicorns".into());
    let message = send(addr, &req).await.expect_error("InvalidAction");
    assert!(message.contains("DescribeUnicorns"), "{message}");

    let mut req = Req::reset();
    req.version = None;
    let message = send(addr, &req).await.expect_error("MissingParameter");
    assert!(message.contains("X-TC-Version"), "{message}");

    let mut req = Req::reset();
    req.version = Some("2018-01-01".into());
    let message = send(addr, &req).await.expect_error("NoSuchVersion");
    assert!(message.contains("2018-01-01"), "{message}");

    let mut req = Req::reset();
    req.region = None;
    let message = send(addr, &req).await.expect_error("MissingParameter");
    assert!(message.contains("X-TC-Region"), "{message}");

    let mut req = Req::reset();
    req.region = Some("xx-nowhere".into());
    let message = send(addr, &req).await.expect_error("UnsupportedRegion");
    assert!(message.contains("xx-nowhere"), "{message}");

    for region in [
        "ap-shanghai",
        "ap-beijing",
        "ap-singapore",
        "na-siliconvalley",
    ] {
        let mut req = Req::reset();
        req.region = Some(region.into());
        send(addr, &req).await.expect_success();
    }

    // Action before version before region.
    let mut req = Req::reset();
    req.action = Some("Nope".into());
    req.version = Some("1999-01-01".into());
    req.region = Some("xx".into());
    send(addr, &req).await.expect_error("InvalidAction");
    req.action = Some("ResetVpnConnection".into());
    send(addr, &req).await.expect_error("NoSuchVersion");
}

#[tokio::test]
async fn configured_version_service_and_regions() {
    let server = builder(&seen())
        .version("2099-01-01")
        .regions(["mars-base-1"])
        .start()
        .await
        .expect("start");
    let addr = server.local_addr();
    let mut req = Req::reset();
    send(addr, &req).await.expect_error("NoSuchVersion");
    req.version = Some("2099-01-01".into());
    send(addr, &req).await.expect_error("UnsupportedRegion");
    req.region = Some("mars-base-1".into());
    send(addr, &req).await.expect_success();
}

#[tokio::test]
async fn body_must_be_a_json_object() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    for body in ["", "[]", "\"x\"", "null", "{\"VpnGatewayId\":", "not json"] {
        let message = send(addr, &Req::new("ResetVpnConnection", body))
            .await
            .expect_error("InvalidParameter");
        assert!(message.contains("body"), "{body}: {message}");
    }
}

#[tokio::test]
async fn parameters_are_validated() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    let message = send(
        addr,
        &Req::new("ResetVpnConnection", r#"{"VpnConnectionId":"vpnx-1"}"#),
    )
    .await
    .expect_error("MissingParameter");
    assert_eq!(message, "The parameter `VpnGatewayId` is missing.");

    let message = send(
        addr,
        &Req::new(
            "ResetVpnConnection",
            r#"{"VpnGatewayId":"g","VpnConnectionId":"c","Force":true}"#,
        ),
    )
    .await
    .expect_error("UnknownParameter");
    assert_eq!(message, "The parameter `Force` is not recognized.");

    let message = send(
        addr,
        &Req::new(
            "ResetVpnConnection",
            r#"{"VpnGatewayId":7,"VpnConnectionId":"c"}"#,
        ),
    )
    .await
    .expect_error("InvalidParameter");
    assert!(message.contains("`VpnGatewayId`"), "{message}");

    let cases = [
        (r#"{"Limit":"10"}"#, "InvalidParameter", "`Limit`"),
        (r#"{"Limit":1.5}"#, "InvalidParameter", "`Limit`"),
        (r#"{"Ratio":"x"}"#, "InvalidParameter", "`Ratio`"),
        (r#"{"DryRun":"true"}"#, "InvalidParameter", "`DryRun`"),
        (r#"{"Limit":null}"#, "InvalidParameter", "`Limit`"),
        (r#"{"Filters":{}}"#, "InvalidParameter", "`Filters`"),
        (
            r#"{"Filters":[{"Name":5,"Values":[]}]}"#,
            "InvalidParameter",
            "`Filters.0.Name`",
        ),
        (
            r#"{"Filters":[{"Name":"a","Values":[]},{"Name":"b","Values":["x",1]}]}"#,
            "InvalidParameter",
            "`Filters.1.Values.1`",
        ),
        (
            r#"{"Filters":[{"Name":"a"}]}"#,
            "MissingParameter",
            "`Filters.0.Values`",
        ),
        (
            r#"{"Filters":[{"Name":"a","Values":[],"Op":"eq"}]}"#,
            "UnknownParameter",
            "`Filters.0.Op`",
        ),
    ];
    for (body, code, path) in cases {
        let message = send(addr, &Req::new("DescribeThings", body))
            .await
            .expect_error(code);
        assert!(message.contains(path), "{body}: {message}");
    }
    send(addr, &Req::new("DescribeThings", "{}"))
        .await
        .expect_success();
}

#[tokio::test]
async fn handler_errors_and_panics() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let message = send(addr, &Req::new("Fail", "{}"))
        .await
        .expect_error("UnsupportedOperation.VpnConnInvalidState");
    assert_eq!(message, "The tunnel is not available now.");
    send(addr, &Req::new("Panic", "{}"))
        .await
        .expect_error("InternalError");
    // The server keeps serving.
    send(addr, &Req::reset()).await.expect_success();
}

#[tokio::test]
async fn keep_alive_connection_serves_several_requests() {
    use tokio::io::AsyncWriteExt;

    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut req = Req::reset();
    req.close = false;
    for _ in 0..3 {
        stream.write_all(&req.to_bytes(addr)).await.expect("write");
        crate::common::read_one(&mut stream).await.expect_success();
    }
    // A malformed request line gets hyper's own 400, not a hang.
    let raw = exchange(addr, b"NONSENSE\r\n\r\n").await;
    assert_eq!(parse_response(&raw).status, 400);
}
