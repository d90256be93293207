//! Authentication: Authorization parsing, timestamp, SecretId, signature, token.

use vpc_client::credentials::Credential;

use crate::common::{Auth, Req, builder, now, seen, send};

#[tokio::test]
async fn authorization_header_is_required_and_well_formed() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    let mut req = Req::reset();
    req.auth = Auth::Missing;
    let message = send(addr, &req)
        .await
        .expect_error("AuthFailure.InvalidAuthorization");
    assert!(message.contains("missing"), "{message}");

    let sig = "0".repeat(64);
    for raw in [
        String::new(),
        "Bearer abc".to_owned(),
        format!("TC3-HMAC-SHA256 Credential=AKIDMOCKTEST/2024-01-01/vpc/tc3_request, Signature={sig}"),
        format!("TC3-HMAC-SHA256 Credential=AKIDMOCKTEST/vpc/tc3_request, SignedHeaders=content-type;host, Signature={sig}"),
        format!("TC3-HMAC-SHA256 Credential=AKIDMOCKTEST/2024-01-01/vpc/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature={sig}"),
        "TC3-HMAC-SHA256 Credential=AKIDMOCKTEST/2024-01-01/vpc/tc3_request, SignedHeaders=content-type;host, Signature=xyz".to_owned(),
    ] {
        let mut req = Req::reset();
        req.auth = Auth::Raw(raw.clone());
        send(addr, &req)
            .await
            .expect_error("AuthFailure.InvalidAuthorization");
    }
}

#[tokio::test]
async fn timestamp_checks() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    let mut req = Req::reset();
    req.timestamp = None;
    let message = send(addr, &req).await.expect_error("MissingParameter");
    assert!(message.contains("X-TC-Timestamp"), "{message}");

    for bad in ["soon", "-1", "1.7e9", ""] {
        let mut req = Req::reset();
        req.timestamp = Some(bad.into());
        req.tamper.timestamp = Some(now());
        let message = send(addr, &req).await.expect_error("InvalidParameter");
        assert!(message.contains("X-TC-Timestamp"), "{message}");
    }

    // Correctly signed, but too far from the server clock, either way.
    for ts in [now() - 400, now() + 400] {
        let mut req = Req::reset();
        req.timestamp = Some(ts.to_string());
        let message = send(addr, &req)
            .await
            .expect_error("AuthFailure.SignatureExpire");
        assert!(message.contains(&ts.to_string()), "{message}");
    }
    // Within the window.
    for ts in [now() - 200, now() + 200] {
        let mut req = Req::reset();
        req.timestamp = Some(ts.to_string());
        send(addr, &req).await.expect_success();
    }
}

#[tokio::test]
async fn configured_clock_skew() {
    let server = builder(&seen())
        .max_clock_skew(std::time::Duration::from_secs(10))
        .start()
        .await
        .expect("start");
    let mut req = Req::reset();
    req.timestamp = Some((now() - 60).to_string());
    send(server.local_addr(), &req)
        .await
        .expect_error("AuthFailure.SignatureExpire");
}

#[tokio::test]
async fn unknown_secret_id() {
    let server = builder(&seen()).start().await.expect("start");
    let mut req = Req::reset();
    req.auth = Auth::Sign(Credential::new("AKIDSTRANGER", "whatever"));
    let message = send(server.local_addr(), &req)
        .await
        .expect_error("AuthFailure.SecretIdNotFound");
    assert!(message.contains("AKIDSTRANGER"), "{message}");
}

#[tokio::test]
async fn anything_altered_after_signing_fails_the_signature() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();
    let port = addr.port();

    // Baseline: the host with its port, as received, is what is signed.
    send(addr, &Req::reset()).await.expect_success();

    let mut cases: Vec<(&str, Req)> = Vec::new();

    let mut req = Req::reset();
    req.tamper.body =
        Some(br#"{"VpnGatewayId":"vpngw-other","VpnConnectionId":"vpnx-f29e6u0z"}"#.to_vec());
    cases.push(("body", req));

    let mut req = Req::reset();
    req.tamper.body = Some(crate::common::RESET_BODY.replace(", ", ",").into_bytes());
    cases.push(("body whitespace", req));

    let mut req = Req::reset();
    req.host = Some(format!("localhost:{port}"));
    req.tamper.host = Some(format!("127.0.0.1:{port}"));
    cases.push(("host", req));

    // Signing another port (the local rule lets the port go unsigned, not differ).
    let mut req = Req::reset();
    req.tamper.host = Some(format!("127.0.0.1:{}", port.wrapping_add(1)));
    cases.push(("another port", req));

    // The official Node SDK's way (scope `127`, host without its port), which the
    // local rule accepts, with a wrong key or a changed body.
    let mut req = Req::reset();
    req.tamper.host = Some("127.0.0.1".into());
    req.tamper.service = Some("127".into());
    req.auth = Auth::Sign(Credential::new(crate::common::ID, "wrong-key"));
    cases.push(("secret key, signed as the Node SDK does", req));

    let mut req = Req::reset();
    req.tamper.host = Some("127.0.0.1".into());
    req.tamper.service = Some("127".into());
    req.tamper.body =
        Some(br#"{"VpnGatewayId":"vpngw-other","VpnConnectionId":"vpnx-f29e6u0z"}"#.to_vec());
    cases.push(("body, signed as the Node SDK does", req));

    let mut req = Req::reset();
    req.content_type = Some("application/json; charset=utf-8".into());
    req.tamper.content_type = Some("application/json".into());
    cases.push(("content type", req));

    let mut req = Req::reset();
    let ts = now();
    req.timestamp = Some((ts + 1).to_string());
    req.tamper.timestamp = Some(ts);
    cases.push(("timestamp", req));

    let mut req = Req::reset();
    req.auth = Auth::Sign(Credential::new(crate::common::ID, "wrong-key"));
    cases.push(("secret key", req));

    let mut req = Req::reset();
    req.tamper.date = Some("2001-01-01".into());
    cases.push(("credential date", req));

    let mut req = Req::reset();
    req.tamper.service = Some("cvm".into());
    cases.push(("credential service", req));

    for (what, req) in cases {
        let (code, message) = send(addr, &req).await.error();
        assert_eq!(code, "AuthFailure.SignatureFailure", "{what}: {message}");
    }

    // From this local Host, the Node SDK's variants verify, alone and together.
    for (host, service) in [("127.0.0.1", None), ("127.0.0.1", Some("127"))] {
        let mut req = Req::reset();
        req.tamper.host = Some(host.into());
        req.tamper.service = service.map(str::to_owned);
        send(addr, &req).await.expect_success();
    }
    let mut req = Req::reset();
    req.tamper.service = Some("127".into());
    send(addr, &req).await.expect_success();

    // The right signature in uppercase hex is well-formed but does not match.
    let req = Req::reset();
    let bytes = req.to_bytes(addr);
    let text = String::from_utf8(bytes).expect("ASCII");
    let (before, after) = text.split_once("Signature=").expect("signature");
    let (sig, rest) = after.split_at(64);
    let upper = format!("{before}Signature={}{rest}", sig.to_uppercase());
    let resp =
        crate::common::parse_response(&crate::common::exchange(addr, upper.as_bytes()).await);
    resp.expect_error("AuthFailure.SignatureFailure");
}

#[tokio::test]
async fn authentication_comes_before_action_checks() {
    let server = builder(&seen()).start().await.expect("start");
    let mut req = Req::reset();
    req.action = Some("NoSuchThing".into());
    req.region = Some("xx".into());
    req.tamper.body = Some(b"{}".to_vec());
    send(server.local_addr(), &req)
        .await
        .expect_error("AuthFailure.SignatureFailure");
}

#[tokio::test]
async fn session_tokens() {
    let server = builder(&seen()).start().await.expect("start");
    let addr = server.local_addr();

    send(addr, &Req::reset().with_temp_credential())
        .await
        .expect_success();

    let mut missing = Req::reset().with_temp_credential();
    missing.token = None;
    send(addr, &missing)
        .await
        .expect_error("AuthFailure.TokenFailure");

    let mut wrong = Req::reset().with_temp_credential();
    wrong.token = Some("another-token".into());
    send(addr, &wrong)
        .await
        .expect_error("AuthFailure.TokenFailure");

    let mut unexpected = Req::reset();
    unexpected.token = Some("a-token".into());
    send(addr, &unexpected)
        .await
        .expect_error("AuthFailure.TokenFailure");

    // An empty header is the same as none.
    let mut empty = Req::reset();
    empty.token = Some(String::new());
    send(addr, &empty).await.expect_success();

    // The token is checked only once the signature verifies.
    let mut bad_sig = Req::reset().with_temp_credential();
    bad_sig.token = None;
    bad_sig.tamper.body = Some(b"{}".to_vec());
    send(addr, &bad_sig)
        .await
        .expect_error("AuthFailure.SignatureFailure");
}
