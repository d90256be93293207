//! The endpoint with an ordinary HTTP client (reqwest over a pooled keep-alive
//! connection), signed the way vpc-client signs: Host with its port.

use vpc_client::signing::{SignableRequest, Signer};

use crate::common::{RESET_BODY, builder, credential, now, seen};

#[tokio::test]
async fn reqwest_round_trip() {
    let server = builder(&seen()).start().await.expect("start");
    let host = server.local_addr().to_string();
    let client = vpc_client::tls::http_client_builder()
        .expect("TLS is set up")
        .build()
        .expect("reqwest client");
    let signer = Signer::new();
    for _ in 0..3 {
        let timestamp = now();
        let signature = signer.sign(
            &credential(),
            &SignableRequest {
                service: "vpc",
                host: &host,
                content_type: "application/json",
                timestamp,
                body: RESET_BODY.as_bytes(),
            },
        );
        let response = client
            .post(format!("{}/", server.url()))
            .header("Content-Type", "application/json")
            .header("X-TC-Action", "ResetVpnConnection")
            .header("X-TC-Version", "2017-03-12")
            .header("X-TC-Region", "ap-guangzhou")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("Authorization", signature.authorization)
            .body(RESET_BODY)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 200);
        let body: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON");
        assert!(body["Response"]["Error"].is_null(), "{body}");
        assert!(body["Response"]["RequestId"].is_string());
    }
    // The pooled keep-alive connection does not hold the shutdown up.
    let started = std::time::Instant::now();
    server.shutdown().await;
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
