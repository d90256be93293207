//! Members the overlays mark `sensitive` (STS's temporary secret key and token, the web
//! identity token, VPC's pre-shared keys and SSL VPN client keys) never show in the
//! generated types' `Debug`, compact or pretty; every other member still does.

use vpc_client::{sts, vpc};

/// Formats `value` both ways and checks that no secret and every visible value shows.
fn check<T: std::fmt::Debug>(value: &T, secrets: &[&str], visible: &[&str]) {
    for shown in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in secrets {
            assert!(!shown.contains(secret), "`{secret}` shows in {shown}");
        }
        for expected in visible {
            assert!(
                shown.contains(expected),
                "`{expected}` is missing from {shown}"
            );
        }
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}

/// An answer as the service sends it, decoded by the generated type.
fn decode<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> T {
    serde_json::from_value(json).expect("the answer decodes")
}

fn sts_credentials() -> serde_json::Value {
    serde_json::json!({
        "Token": "token-7f3a9c-secret",
        "TmpSecretId": "AKIDvisible5e1",
        "TmpSecretKey": "tmpkey-42b8d1-secret"
    })
}

#[test]
fn sts_credentials_hide_the_secret_key_and_the_token() {
    let credentials: sts::Credentials = decode(sts_credentials());
    check(
        &credentials,
        &["token-7f3a9c-secret", "tmpkey-42b8d1-secret"],
        &["AKIDvisible5e1", "tmp_secret_id", "tmp_secret_key", "token"],
    );
    // The wire format keeps them: only `Debug` hides them.
    assert_eq!(
        credentials.tmp_secret_key.as_deref(),
        Some("tmpkey-42b8d1-secret")
    );
}

#[test]
fn an_assume_role_answer_hides_the_credentials_it_holds() {
    let response: sts::AssumeRoleResponse = decode(serde_json::json!({
        "Credentials": sts_credentials(),
        "ExpiredTime": 1_767_225_600,
        "Expiration": "2026-01-01T00:00:00Z",
        "RequestId": "req-visible-0b1c"
    }));
    check(
        &response,
        &["token-7f3a9c-secret", "tmpkey-42b8d1-secret"],
        &[
            "AKIDvisible5e1",
            "1767225600",
            "2026-01-01T00:00:00Z",
            "req-visible-0b1c",
        ],
    );
}

#[test]
fn a_web_identity_request_hides_the_token() {
    let request = sts::AssumeRoleWithWebIdentityRequest::new(
        "OIDC-visible",
        "eyJhbGciOiJSUzI1NiJ9.oidc-secret-payload.sig",
        "qcs::cam::uin/100000000001:roleName/visible-role",
        "session-visible",
    );
    check(
        &request,
        &["eyJhbGciOiJSUzI1NiJ9", "oidc-secret-payload"],
        &["OIDC-visible", "visible-role", "session-visible"],
    );
}

#[test]
fn an_assume_role_request_hides_the_mfa_code_but_not_the_device() {
    let request = sts::AssumeRoleRequest {
        token_code: Some("913374".into()),
        serial_number: Some("qcs::cam:uin/1::mfa/softToken".into()),
        ..sts::AssumeRoleRequest::new("qcs::cam::uin/1:roleName/r", "session-visible")
    };
    check(&request, &["913374"], &["softToken", "session-visible"]);
}

#[test]
fn vpn_pre_shared_keys_are_hidden() {
    let request = vpc::CreateVpnConnectionRequest::new(
        "vpngw-visible1",
        "cgw-visible2",
        "conn-visible3",
        "psk-5d2e8f-secret",
    );
    check(
        &request,
        &["psk-5d2e8f-secret"],
        &["vpngw-visible1", "cgw-visible2", "conn-visible3"],
    );

    let response: vpc::DescribeVpnConnectionsResponse = decode(serde_json::json!({
        "TotalCount": 1,
        "VpnConnectionSet": [{
            "VpnConnectionId": "vpnx-visible4",
            "PreShareKey": "psk-9a1b7c-secret",
            "State": "AVAILABLE"
        }],
        "RequestId": "req-visible-5"
    }));
    check(
        &response,
        &["psk-9a1b7c-secret"],
        &["vpnx-visible4", "AVAILABLE", "req-visible-5"],
    );
}

#[test]
fn ssl_vpn_client_keys_are_hidden() {
    let response: vpc::DownloadVpnGatewaySslClientCertResponse = decode(serde_json::json!({
        "SslClientConfigsSet": "{\"SslVpnKey\": \"PRIVATE KEY config-set-secret\"}",
        "SslClientConfig": [{
            "SslVpnClientConfiguration": "client config-file-secret",
            "SslVpnRootCert": "CERTIFICATE root-visible",
            "SslVpnKey": "PRIVATE KEY client-key-secret",
            "SslVpnCert": "CERTIFICATE client-visible",
            "SslVpnClientId": "vpnc-visible6"
        }],
        "Authenticated": 1,
        "RequestId": "req-visible-7"
    }));
    check(
        &response,
        &[
            "config-set-secret",
            "config-file-secret",
            "client-key-secret",
        ],
        &[
            "root-visible",
            "client-visible",
            "vpnc-visible6",
            "req-visible-7",
        ],
    );
}
