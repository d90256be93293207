//! Authentication: parsing the `Authorization` header, checking the timestamp, the
//! SecretId, the credential scope, the TC3-HMAC-SHA256 signature and the session token.

use vpc_client::credentials::Credential;
use vpc_client::signing::{
    ALGORITHM, SIGNED_HEADERS, canonical_request, derive_signing_key, hashed_payload,
    signature_hex, string_to_sign, utc_date,
};

use crate::codes;
use crate::handler::ApiError;

/// The parts of a well-formed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization<'a> {
    pub(crate) secret_id: &'a str,
    pub(crate) date: &'a str,
    pub(crate) service: &'a str,
    pub(crate) signature: &'a str,
}

fn invalid_authorization(reason: &str) -> ApiError {
    ApiError::new(
        codes::INVALID_AUTHORIZATION,
        format!("The Authorization header is invalid: {reason}."),
    )
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
/// SignedHeaders=content-type;host, Signature=<64 hex>`. The three fields may come in
/// any order, with optional spaces after the commas; each must appear exactly once.
pub(crate) fn parse_authorization(value: &str) -> Result<Authorization<'_>, ApiError> {
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| invalid_authorization("it must start with `TC3-HMAC-SHA256 `"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim_matches(' ');
        let (key, field_value) = part
            .split_once('=')
            .ok_or_else(|| invalid_authorization(&format!("`{part}` is not a key=value pair")))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => return Err(invalid_authorization(&format!("unknown field `{other}`"))),
        };
        if slot.replace(field_value).is_some() {
            return Err(invalid_authorization(&format!(
                "field `{key}` appears twice"
            )));
        }
    }
    let credential = credential.ok_or_else(|| invalid_authorization("`Credential` is missing"))?;
    let signed_headers =
        signed_headers.ok_or_else(|| invalid_authorization("`SignedHeaders` is missing"))?;
    let signature = signature.ok_or_else(|| invalid_authorization("`Signature` is missing"))?;

    let scope: Vec<&str> = credential.split('/').collect();
    let [secret_id, date, service, terminator] = scope.as_slice() else {
        return Err(invalid_authorization(
            "`Credential` must be `<SecretId>/<YYYY-MM-DD>/<service>/tc3_request`",
        ));
    };
    if secret_id.is_empty() {
        return Err(invalid_authorization(
            "the SecretId in `Credential` is empty",
        ));
    }
    if !is_date(date) {
        return Err(invalid_authorization(&format!(
            "the date `{date}` in `Credential` is not YYYY-MM-DD"
        )));
    }
    if service.is_empty() {
        return Err(invalid_authorization(
            "the service in `Credential` is empty",
        ));
    }
    if *terminator != "tc3_request" {
        return Err(invalid_authorization(
            "`Credential` must end with `/tc3_request`",
        ));
    }
    if signed_headers != SIGNED_HEADERS {
        return Err(invalid_authorization(&format!(
            "`SignedHeaders` must be `{SIGNED_HEADERS}`, got `{signed_headers}`"
        )));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid_authorization("`Signature` must be 64 hex digits"));
    }
    Ok(Authorization {
        secret_id,
        date,
        service,
        signature,
    })
}

fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Parses `X-TC-Timestamp`: one or more ASCII digits that fit `u64`.
pub(crate) fn parse_timestamp(value: Option<&str>) -> Result<u64, ApiError> {
    let value = value.ok_or_else(|| {
        ApiError::new(
            codes::MISSING_PARAMETER,
            "The request is missing the required parameter `X-TC-Timestamp`.",
        )
    })?;
    let parsed = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        ApiError::new(
            codes::INVALID_PARAMETER,
            format!("The value `{value}` of parameter `X-TC-Timestamp` is not a Unix timestamp in seconds."),
        )
    })
}

/// Rejects a timestamp more than `max_skew` seconds away from `now`.
pub(crate) fn check_skew(timestamp: u64, now: u64, max_skew: u64) -> Result<(), ApiError> {
    if timestamp.abs_diff(now) > max_skew {
        return Err(ApiError::new(
            codes::SIGNATURE_EXPIRE,
            format!(
                "The signature has expired: X-TC-Timestamp `{timestamp}` is more than {max_skew} seconds away from the server time {now}. Please synchronize your clock."
            ),
        ));
    }
    Ok(())
}

/// What the signature covers, as received.
pub(crate) struct SignedParts<'a> {
    pub(crate) host: &'a str,
    pub(crate) content_type: &'a str,
    pub(crate) timestamp: u64,
    pub(crate) body: &'a [u8],
    pub(crate) token: Option<&'a str>,
}

/// Verifies a parsed `Authorization` against the accepted credential with its SecretId
/// (`None` when there is none): SecretId, credential scope, signature, then token.
/// Returns the matching credential.
///
/// `service` is the served service's name (`vpc`), the credential scope's service as
/// Tencent's hosts require it. From a [local host](is_local_host) two more variants are
/// accepted, because official SDKs sign them when pointed at `127.0.0.1:PORT` (see
/// `vpc-mock/README.md`): the scope's service may be the `Host`'s first dot-separated
/// label (`127`, what the Node.js SDK derives from its endpoint), and the signed host
/// may be the `Host` without its port. Either way the HMAC is recomputed over the body,
/// the `Content-Type`, the host and the timestamp with the account's key, so a wrong key
/// or any other change still fails.
pub(crate) fn verify<'c>(
    credential: Option<&'c Credential>,
    service: &str,
    authorization: &Authorization<'_>,
    parts: &SignedParts<'_>,
) -> Result<&'c Credential, ApiError> {
    let credential = credential.ok_or_else(|| {
        ApiError::new(
            codes::SECRET_ID_NOT_FOUND,
            format!(
                "The SecretId `{}` is not found, please ensure that your SecretId is correct.",
                authorization.secret_id
            ),
        )
    })?;
    let expected_date = utc_date(parts.timestamp);
    if authorization.date != expected_date {
        return Err(ApiError::new(
            codes::SIGNATURE_FAILURE,
            format!(
                "The provided credentials could not be validated: the credential date `{}` is not the UTC date `{expected_date}` of X-TC-Timestamp.",
                authorization.date
            ),
        ));
    }
    let local = is_local_host(parts.host);
    let host_label = parts.host.split('.').next().unwrap_or_default();
    let scope_service = if authorization.service == service {
        service
    } else if local && authorization.service == host_label {
        authorization.service
    } else {
        let also = if local {
            format!(" (nor `{host_label}`, the first label of the local Host)")
        } else {
            String::new()
        };
        return Err(ApiError::new(
            codes::SIGNATURE_FAILURE,
            format!(
                "The provided credentials could not be validated: the credential service `{}` is not `{service}`{also}.",
                authorization.service
            ),
        ));
    };

    // The host as received, then (local hosts only) without its port.
    let without_port = split_port(parts.host)
        .map(|(name, _)| name)
        .filter(|_| local);
    let body_hash = hashed_payload(parts.body);
    let key = derive_signing_key(credential.secret_key(), &expected_date, scope_service);
    let mut matched = false;
    for host in std::iter::once(parts.host).chain(without_port) {
        let canonical = canonical_request(parts.content_type, host, &body_hash);
        let to_sign = string_to_sign(
            parts.timestamp,
            scope_service,
            &hashed_payload(canonical.as_bytes()),
        );
        let expected = signature_hex(&key, &to_sign);
        matched |= constant_time_eq(expected.as_bytes(), authorization.signature.as_bytes());
    }
    if !matched {
        return Err(ApiError::new(
            codes::SIGNATURE_FAILURE,
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }

    let sent_token = parts.token.filter(|t| !t.is_empty());
    match (credential.token(), sent_token) {
        (None, None) => Ok(credential),
        (Some(expected), Some(sent)) if constant_time_eq(expected.as_bytes(), sent.as_bytes()) => {
            Ok(credential)
        }
        (Some(_), Some(_)) => Err(token_failure("The token in X-TC-Token is invalid.")),
        (Some(_), None) => Err(token_failure(
            "The credential is temporary but X-TC-Token is missing.",
        )),
        (None, Some(_)) => Err(token_failure(
            "X-TC-Token was sent, but the credential is not a temporary one.",
        )),
    }
}

/// Whether a `Host` header names this machine: an IPv4 literal, a bracketed IPv6
/// literal or `localhost` (any case), with or without a port. Tencent's own hosts are
/// names under `tencentcloudapi.com`, never these, so the local signing variants
/// [`verify`] accepts for them cannot meet a request meant for Tencent.
pub(crate) fn is_local_host(host: &str) -> bool {
    let name = split_port(host).map_or(host, |(name, _)| name);
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
            .is_some_and(|inner| inner.parse::<std::net::Ipv6Addr>().is_ok())
}

/// A `Host` header split into its name and its port (decimal, at most 65535), when it
/// ends with one; a bare IPv6 address (colons, no brackets) has none.
fn split_port(host: &str) -> Option<(&str, &str)> {
    let (name, port) = host.rsplit_once(':')?;
    let is_port =
        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok();
    let whole_name = !name.is_empty() && (!name.contains(':') || name.ends_with(']'));
    (is_port && whole_name).then_some((name, port))
}

fn token_failure(message: &str) -> ApiError {
    ApiError::new(codes::TOKEN_FAILURE, message)
}

/// `Authorization: SKIP` on an action that must be signed.
///
/// Which code Tencent answers here is not documented anywhere we could find (the
/// official SDKs send `SKIP` only for the actions the API description marks
/// `skip_sign`, and no published answer shows the other case): the request's signature
/// cannot be validated, so this endpoint answers `AuthFailure.SignatureFailure`, the
/// code for a signature that does not verify.
pub(crate) fn skip_on_signed_action(action: &str) -> ApiError {
    ApiError::new(
        codes::SIGNATURE_FAILURE,
        format!(
            "The provided credentials could not be validated: `Authorization: SKIP` is accepted only for actions that are called unsigned, and `{action}` must be signed."
        ),
    )
}

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SIG: &str = "487e67a261e5b658f5d2b5815fc5ba272fb1a45e0da4a319ce23497377dae3fa";

    fn code(r: Result<Authorization<'_>, ApiError>) -> String {
        r.unwrap_err().code
    }

    #[test]
    fn parses_the_official_shape_and_tolerates_order_and_spacing() {
        let header = format!(
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/vpc/tc3_request, SignedHeaders=content-type;host, Signature={SIG}"
        );
        let parsed = parse_authorization(&header).unwrap();
        assert_eq!(
            parsed,
            Authorization {
                secret_id: "AKIDEXAMPLE",
                date: "2023-11-14",
                service: "vpc",
                signature: SIG,
            }
        );
        let reordered = format!(
            "TC3-HMAC-SHA256 Signature={SIG},SignedHeaders=content-type;host,Credential=AKIDEXAMPLE/2023-11-14/vpc/tc3_request"
        );
        assert_eq!(parse_authorization(&reordered).unwrap(), parsed);
    }

    #[test]
    fn rejects_malformed_headers() {
        let good_cred = "Credential=AKID/2023-11-14/vpc/tc3_request";
        let sh = "SignedHeaders=content-type;host";
        let sig = format!("Signature={SIG}");
        let cases = [
            String::new(),
            "TC3-HMAC-SHA256".to_owned(),
            format!("HMAC-SHA256 {good_cred}, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256X {good_cred}, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 {good_cred}, {sig}"),
            format!("TC3-HMAC-SHA256 {good_cred}, {sh}"),
            format!("TC3-HMAC-SHA256 {good_cred}, {good_cred}, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 {good_cred}, {sh}, {sig}, Extra=1"),
            format!("TC3-HMAC-SHA256 {good_cred}, {sh}, {sig}, junk"),
            format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/vpc, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/vpc/tc3/x, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 Credential=/2023-11-14/vpc/tc3_request, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 Credential=AKID/20231114/vpc/tc3_request, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14//tc3_request, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 Credential=AKID/2023-11-14/vpc/aws4_request, {sh}, {sig}"),
            format!("TC3-HMAC-SHA256 {good_cred}, SignedHeaders=host, {sig}"),
            format!("TC3-HMAC-SHA256 {good_cred}, {sh}, Signature=abc"),
            format!(
                "TC3-HMAC-SHA256 {good_cred}, {sh}, Signature={}",
                "g".repeat(64)
            ),
            format!(
                "TC3-HMAC-SHA256 {good_cred}, {sh}, Signature={}",
                "é".repeat(32)
            ),
        ];
        for case in &cases {
            assert_eq!(
                code(parse_authorization(case)),
                "AuthFailure.InvalidAuthorization",
                "{case}"
            );
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp(Some("1700000000")).unwrap(), 1_700_000_000);
        assert_eq!(parse_timestamp(None).unwrap_err().code, "MissingParameter");
        for bad in [
            "",
            "abc",
            "-5",
            "+5",
            "1.5",
            " 1",
            "99999999999999999999999",
        ] {
            assert_eq!(
                parse_timestamp(Some(bad)).unwrap_err().code,
                "InvalidParameter",
                "{bad}"
            );
        }
    }

    #[test]
    fn skew() {
        check_skew(1000, 1300, 300).unwrap();
        check_skew(1600, 1300, 300).unwrap();
        assert_eq!(
            check_skew(999, 1300, 300).unwrap_err().code,
            "AuthFailure.SignatureExpire"
        );
        assert_eq!(
            check_skew(1601, 1300, 300).unwrap_err().code,
            "AuthFailure.SignatureExpire"
        );
        assert!(check_skew(u64::MAX, 0, 300).is_err());
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn verifies_vector_b() {
        let mut credentials = HashMap::new();
        credentials.insert(
            "AKIDEXAMPLE".to_owned(),
            Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE"),
        );
        let body = br#"{"VpnGatewayId": "vpngw-kjllnkew", "VpnConnectionId": "vpnx-f29e6u0z"}"#;
        let header = format!(
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/vpc/tc3_request, SignedHeaders=content-type;host, Signature={SIG}"
        );
        let auth = parse_authorization(&header).unwrap();
        let parts = SignedParts {
            host: "vpc.tencentcloudapi.com",
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body,
            token: None,
        };
        verify(credentials.get("AKIDEXAMPLE"), "vpc", &auth, &parts).unwrap();
        let tampered = SignedParts {
            body: b"{}",
            ..parts
        };
        assert_eq!(
            verify(credentials.get("AKIDEXAMPLE"), "vpc", &auth, &tampered)
                .unwrap_err()
                .code,
            "AuthFailure.SignatureFailure"
        );
    }

    #[test]
    fn local_hosts() {
        for local in [
            "127.0.0.1",
            "127.0.0.1:18080",
            "10.1.2.3:80",
            "localhost",
            "LocalHost:8080",
            "[::1]",
            "[::1]:18080",
        ] {
            assert!(is_local_host(local), "{local}");
        }
        for other in [
            "",
            "vpc.tencentcloudapi.com",
            "vpc.tencentcloudapi.com:443",
            "127.0.0.1.example.com",
            "localhost.example.com",
            "127.0.0.1:",
            "127.0.0.1:99999",
            "127.0.0.1:x",
            "::1",
            "[::1",
            "[vpc]:80",
            "256.0.0.1",
        ] {
            assert!(!is_local_host(other), "{other}");
        }
        assert_eq!(split_port("[::1]:80"), Some(("[::1]", "80")));
        assert_eq!(split_port("::1"), None);
    }

    /// Signs like an SDK does: `service` in the scope, `signed_host` in the canonical
    /// request (whatever `Host` is then sent).
    fn signed_header(key: &str, service: &str, signed_host: &str, body: &[u8]) -> String {
        const TIMESTAMP: u64 = 1_700_000_000;
        let date = utc_date(TIMESTAMP);
        let canonical = canonical_request("application/json", signed_host, &hashed_payload(body));
        let to_sign = string_to_sign(TIMESTAMP, service, &hashed_payload(canonical.as_bytes()));
        let signature = signature_hex(&derive_signing_key(key, &date, service), &to_sign);
        format!(
            "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}"
        )
    }

    /// What `verify` answers for a VPC request sent with `Host: host` and signed as
    /// [`signed_header`] does; `body_sent` is what arrives.
    fn check(
        key: &str,
        service: &str,
        host: &str,
        signed_host: &str,
        body_sent: &[u8],
    ) -> Result<(), String> {
        let credential = Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE");
        let body = br#"{"VpcName":"\u4e2d\u6587","CidrBlock":"10.0.0.0/16"}"#;
        let header = signed_header(key, service, signed_host, body);
        let auth = parse_authorization(&header).map_err(|e| e.code)?;
        let parts = SignedParts {
            host,
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body: body_sent,
            token: None,
        };
        verify(Some(&credential), "vpc", &auth, &parts)
            .map(drop)
            .map_err(|e| e.code)
    }

    /// The Node.js SDK's two variants (scope service `127`, host signed without its
    /// port), alone and together, verify from a local host, and a wrong key or a
    /// tampered body still fails under each.
    #[test]
    fn local_signing_variants_still_prove_the_key_and_the_body() {
        const KEY: &str = "SECRETEXAMPLE";
        let body: &[u8] = br#"{"VpcName":"\u4e2d\u6587","CidrBlock":"10.0.0.0/16"}"#;
        let tampered: &[u8] = br#"{"VpcName":"\u4e2d\u6587","CidrBlock":"10.9.0.0/16"}"#;
        let failure = Err("AuthFailure.SignatureFailure".to_owned());
        for (host, service, signed_host) in [
            // The Python SDK and vpc-client: `vpc`, the Host as sent.
            ("127.0.0.1:18080", "vpc", "127.0.0.1:18080"),
            // The Node.js SDK: both variants.
            ("127.0.0.1:18080", "127", "127.0.0.1"),
            // Each variant alone.
            ("127.0.0.1:18080", "127", "127.0.0.1:18080"),
            ("127.0.0.1:18080", "vpc", "127.0.0.1"),
            // `localhost:PORT` has no dot: the Node.js SDK's service is all of it.
            ("localhost:8080", "localhost:8080", "localhost"),
            ("[::1]:8080", "[::1]:8080", "[::1]"),
        ] {
            let case = format!("{host} signed as {service} / {signed_host}");
            assert_eq!(
                check(KEY, service, host, signed_host, body),
                Ok(()),
                "{case}"
            );
            assert_eq!(
                check("WRONGKEY", service, host, signed_host, body),
                failure,
                "wrong key: {case}"
            );
            assert_eq!(
                check(KEY, service, host, signed_host, tampered),
                failure,
                "tampered body: {case}"
            );
        }
    }

    /// Away from a local host neither variant is accepted, and a local host accepts no
    /// other service than the served one and its own first label.
    #[test]
    fn signing_variants_are_refused_elsewhere() {
        const KEY: &str = "SECRETEXAMPLE";
        let body: &[u8] = br#"{"VpcName":"\u4e2d\u6587","CidrBlock":"10.0.0.0/16"}"#;
        let failure = Err("AuthFailure.SignatureFailure".to_owned());
        for (host, service, signed_host) in [
            // A port dropped from a name that is not local.
            (
                "vpc.tencentcloudapi.com:443",
                "vpc",
                "vpc.tencentcloudapi.com",
            ),
            ("vpc.example.test:8080", "vpc", "vpc.example.test"),
            // The first label of a host that is not local.
            ("cvm.tencentcloudapi.com", "cvm", "cvm.tencentcloudapi.com"),
            // Another service, from a local host.
            ("127.0.0.1:18080", "sts", "127.0.0.1:18080"),
            ("127.0.0.1:18080", "0", "127.0.0.1"),
            // A host signed with another port, or another host.
            ("127.0.0.1:18080", "127", "127.0.0.1:18081"),
            ("127.0.0.1:18080", "127", "127.0.0.2"),
        ] {
            let case = format!("{host} signed as {service} / {signed_host}");
            assert_eq!(
                check(KEY, service, host, signed_host, body),
                failure,
                "{case}"
            );
        }
        // The proper signature of Tencent's host still verifies.
        assert_eq!(
            check(
                KEY,
                "vpc",
                "vpc.tencentcloudapi.com",
                "vpc.tencentcloudapi.com",
                body
            ),
            Ok(())
        );
    }
}

/// Property tests: a request signed by `vpc_client`'s `Signer` verifies; any one change
/// to what the signature covers, to the signature or to the credential scope after
/// signing is rejected with the code Tencent answers; garbage never panics.
///
/// Cases: 256 per property by default (`ProptestConfig::default()`), which
/// `PROPTEST_CASES=<n>` replaces.
#[cfg(test)]
mod props {
    use std::collections::HashMap;

    use proptest::prelude::*;
    use proptest::sample::Index;
    use vpc_client::credentials::Credential;
    use vpc_client::signing::{SignableRequest, Signer, utc_date};

    use super::{
        Authorization, SignedParts, check_skew, is_local_host, parse_authorization,
        parse_timestamp, split_port, verify,
    };
    use crate::codes;
    use crate::handler::ApiError;

    const SERVICE: &str = "vpc";
    const MAX_SKEW: u64 = 300;
    /// The last second of 9999-12-31.
    const MAX_TIMESTAMP: u64 = 253_402_300_799;
    /// A second accepted credential, whose key is not the signer's.
    const OTHER_ID: &str = "OTHERID";

    /// One request exactly as the server would receive it.
    #[derive(Debug, Clone)]
    struct Received {
        authorization: String,
        timestamp: Option<String>,
        now: u64,
        host: String,
        content_type: String,
        body: Vec<u8>,
        token: Option<String>,
    }

    /// The server's authentication steps in its order (parse the header, the timestamp,
    /// check the clock, then verify), as `server.rs` runs them.
    fn authenticate(
        credentials: &HashMap<String, Credential>,
        request: &Received,
    ) -> Result<(), ApiError> {
        let authorization = parse_authorization(&request.authorization)?;
        let timestamp = parse_timestamp(request.timestamp.as_deref())?;
        check_skew(timestamp, request.now, MAX_SKEW)?;
        verify(
            credentials.get(authorization.secret_id),
            SERVICE,
            &authorization,
            &SignedParts {
                host: &request.host,
                content_type: &request.content_type,
                timestamp,
                body: &request.body,
                token: request.token.as_deref(),
            },
        )
        .map(drop)
    }

    /// What a client signs, and the credential it signs with.
    #[derive(Debug, Clone)]
    struct Case {
        secret_id: String,
        secret_key: String,
        token: Option<String>,
        host: String,
        content_type: String,
        timestamp: u64,
        body: Vec<u8>,
        /// Where the server clock is, relative to the timestamp, within the skew.
        clock: i64,
    }

    impl Case {
        fn credentials(&self) -> HashMap<String, Credential> {
            let credential = Credential::new(self.secret_id.as_str(), self.secret_key.as_str());
            let credential = match &self.token {
                Some(token) => credential.with_token(token.as_str()),
                None => credential,
            };
            let mut credentials = HashMap::new();
            credentials.insert(self.secret_id.clone(), credential);
            credentials.insert(
                OTHER_ID.to_owned(),
                Credential::new(OTHER_ID, format!("other-{}", self.secret_key)),
            );
            credentials
        }

        /// Signs with the client's signer and returns the request as received.
        fn signed(&self) -> Received {
            let credential = Credential::new(self.secret_id.as_str(), self.secret_key.as_str());
            let signature = Signer::new().sign(
                &credential,
                &SignableRequest {
                    service: SERVICE,
                    host: &self.host,
                    content_type: &self.content_type,
                    timestamp: self.timestamp,
                    body: &self.body,
                },
            );
            Received {
                authorization: signature.authorization,
                timestamp: Some(self.timestamp.to_string()),
                now: self.timestamp.saturating_add_signed(self.clock),
                host: self.host.clone(),
                content_type: self.content_type.clone(),
                body: self.body.clone(),
                token: self.token.clone(),
            }
        }
    }

    fn timestamps() -> impl Strategy<Value = u64> {
        prop_oneof![
            0..=MAX_TIMESTAMP,
            1_500_000_000u64..2_100_000_000,
            // Seconds around a UTC midnight.
            (1..=MAX_TIMESTAMP / 86_400, -3i64..=3)
                .prop_map(|(day, delta)| (day * 86_400).saturating_add_signed(delta)),
        ]
    }

    fn hosts() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("vpc.tencentcloudapi.com".to_owned()),
            Just("127.0.0.1:18080".to_owned()),
            "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){0,3}(:[0-9]{1,5})?",
            any::<String>(),
        ]
    }

    fn content_types() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("application/json".to_owned()),
            Just("application/json; charset=utf-8".to_owned()),
            "[ -~]{0,40}",
        ]
    }

    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(Vec::new()),
            Just(
                br#"{"VpnGatewayId":"vpngw-kjllnkew","VpnConnectionId":"vpnx-f29e6u0z"}"#.to_vec()
            ),
            prop::collection::vec(any::<u8>(), 0..600),
            any::<String>().prop_map(String::into_bytes),
        ]
    }

    fn cases() -> impl Strategy<Value = Case> {
        (
            // A SecretId the header can carry: no `/`, `,`, `=` or spaces.
            "AKID[A-Za-z0-9_-]{1,32}",
            any::<String>(),
            prop::option::of("[A-Za-z0-9]{1,40}"),
            hosts(),
            content_types(),
            timestamps(),
            bodies(),
            -(MAX_SKEW as i64)..=MAX_SKEW as i64,
        )
            .prop_map(
                |(secret_id, secret_key, token, host, content_type, timestamp, body, clock)| Case {
                    secret_id,
                    secret_key,
                    token,
                    host,
                    content_type,
                    timestamp,
                    body,
                    clock,
                },
            )
    }

    /// The Authorization header from its parts.
    fn header(id: &str, date: &str, service: &str, terminator: &str, signature: &str) -> String {
        format!(
            "TC3-HMAC-SHA256 Credential={id}/{date}/{service}/{terminator}, \
             SignedHeaders=content-type;host, Signature={signature}"
        )
    }

    /// One change after signing, and the code it must be rejected with.
    #[derive(Debug, Clone)]
    enum Mutation {
        /// Replace one body byte with another value.
        BodyByte(Index, u8),
        /// Add bytes to the body at a position.
        BodyInsert(Index, Vec<u8>),
        /// Remove one body byte.
        BodyDelete(Index),
        /// Move the timestamp by a nonzero number of seconds within the skew.
        TimestampNear(i64),
        /// Move the timestamp out of the skew.
        TimestampFar(u64, bool),
        /// Send a timestamp that is not a number of seconds.
        TimestampMalformed(String),
        /// Send no timestamp.
        TimestampMissing,
        /// Change the host: a character added somewhere.
        HostInsert(Index, char),
        /// Change the host: one character removed.
        HostDelete(Index),
        /// Change the content type: a character added somewhere.
        ContentTypeInsert(Index, char),
        /// Replace one signature digit with another hex digit.
        SignatureDigit(Index, Index),
        /// Replace one signature digit with a character that is not a hex digit.
        SignatureNonHex(Index, char),
        /// Make the signature shorter or longer.
        SignatureLength(Index, bool),
        /// Another SecretId nobody accepts.
        UnknownSecretId(String),
        /// The other accepted SecretId, whose key did not sign.
        OtherSecretId,
        /// Another well-formed date in the credential scope.
        ScopeDate(u64),
        /// A malformed date in the credential scope.
        ScopeDateMalformed(String),
        /// Another service in the credential scope.
        ScopeService(String),
        /// No service in the credential scope.
        ScopeServiceEmpty,
        /// Another terminator than `tc3_request`.
        ScopeTerminator(String),
        /// Another token, no token, or a token the credential does not have.
        Token(Option<String>),
    }

    fn mutations() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::BodyByte(i, b)),
            (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
                .prop_map(|(i, b)| Mutation::BodyInsert(i, b)),
            any::<Index>().prop_map(Mutation::BodyDelete),
            prop_oneof![-(MAX_SKEW as i64)..0, 1..=MAX_SKEW as i64]
                .prop_map(Mutation::TimestampNear),
            (
                prop_oneof![MAX_SKEW + 1..=100_000, MAX_SKEW + 1..=u64::MAX / 2],
                any::<bool>()
            )
                .prop_map(|(d, later)| Mutation::TimestampFar(d, later)),
            prop_oneof![
                Just(String::new()),
                "[+ -][0-9]{1,10}",
                "[0-9]{1,10}[ .a-z]",
                // Past u64::MAX. (Leading zeros would not be: `000…0` parses as 0.)
                "[1-9][0-9]{20,29}",
                // Never all digits: a letter follows.
                "\\PC{0,10}[a-z]",
            ]
            .prop_map(Mutation::TimestampMalformed),
            Just(Mutation::TimestampMissing),
            (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::HostInsert(i, c)),
            any::<Index>().prop_map(Mutation::HostDelete),
            (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::ContentTypeInsert(i, c)),
            (any::<Index>(), any::<Index>()).prop_map(|(i, d)| Mutation::SignatureDigit(i, d)),
            (
                any::<Index>(),
                // Mapped, not filtered, so that long runs never hit the reject limit.
                any::<char>().prop_map(|c| if c.is_ascii_hexdigit() || c == ',' {
                    'g'
                } else {
                    c
                })
            )
                .prop_map(|(i, c)| Mutation::SignatureNonHex(i, c)),
            (any::<Index>(), any::<bool>()).prop_map(|(i, l)| Mutation::SignatureLength(i, l)),
            "[A-Za-z0-9_-]{1,20}".prop_map(Mutation::UnknownSecretId),
            Just(Mutation::OtherSecretId),
            (0..=MAX_TIMESTAMP).prop_map(Mutation::ScopeDate),
            prop_oneof![
                Just(String::new()),
                "[0-9]{8}",
                "[0-9]{4}-[0-9]{2}-[0-9]",
                "[0-9]{4}-[0-9]{2}-[0-9]{3}",
                "[0-9]{4}/[0-9]{2}/[0-9]{2}",
                "[a-z]{4}-[a-z]{2}-[a-z]{2}",
            ]
            .prop_map(Mutation::ScopeDateMalformed),
            "[a-z]{1,12}".prop_map(Mutation::ScopeService),
            Just(Mutation::ScopeServiceEmpty),
            "[a-z0-9_]{0,14}".prop_map(Mutation::ScopeTerminator),
            prop::option::of("[A-Za-z0-9]{1,40}").prop_map(Mutation::Token),
        ]
    }

    /// `None` when `received` is the signed local host with a port added: the local
    /// variant that signs the host without its port (see [`verify`]) accepts it.
    fn port_only_added(signed: &str, received: &str) -> Option<()> {
        let added =
            is_local_host(received) && split_port(received).is_some_and(|(name, _)| name == signed);
        (!added).then_some(())
    }

    /// Applies `mutation` to a signed request. `None` when it happens to change
    /// nothing for this case (an empty body has no byte to delete, the token drawn is
    /// the one sent, ...); otherwise the code the server must answer.
    fn apply(case: &Case, received: &mut Received, mutation: &Mutation) -> Option<&'static str> {
        let signature = received
            .authorization
            .rsplit_once("Signature=")
            .map(|(_, s)| s.to_owned())
            .unwrap_or_default();
        let date = utc_date(case.timestamp);
        let rebuild = |id: &str, date: &str, service: &str, terminator: &str, sig: &str| {
            header(id, date, service, terminator, sig)
        };
        match mutation {
            Mutation::BodyByte(i, byte) => {
                let i = (!received.body.is_empty()).then(|| i.index(received.body.len()))?;
                if received.body[i] == *byte {
                    return None;
                }
                received.body[i] = *byte;
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::BodyInsert(i, bytes) => {
                let i = i.index(received.body.len() + 1);
                received.body.splice(i..i, bytes.iter().copied());
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::BodyDelete(i) => {
                let i = (!received.body.is_empty()).then(|| i.index(received.body.len()))?;
                received.body.remove(i);
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::TimestampNear(delta) => {
                let moved = case.timestamp.checked_add_signed(*delta)?;
                received.timestamp = Some(moved.to_string());
                received.now = case.timestamp;
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::TimestampFar(distance, later) => {
                let moved = if *later {
                    case.timestamp.checked_add(*distance)?
                } else {
                    case.timestamp.checked_sub(*distance)?
                };
                received.timestamp = Some(moved.to_string());
                received.now = case.timestamp;
                Some(codes::SIGNATURE_EXPIRE)
            }
            Mutation::TimestampMalformed(text) => {
                received.timestamp = Some(text.clone());
                Some(codes::INVALID_PARAMETER)
            }
            Mutation::TimestampMissing => {
                received.timestamp = None;
                Some(codes::MISSING_PARAMETER)
            }
            Mutation::HostInsert(i, c) => {
                let mut chars: Vec<char> = received.host.chars().collect();
                chars.insert(i.index(chars.len() + 1), *c);
                received.host = chars.into_iter().collect();
                port_only_added(&case.host, &received.host)?;
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::HostDelete(i) => {
                let mut chars: Vec<char> = received.host.chars().collect();
                let i = (!chars.is_empty()).then(|| i.index(chars.len()))?;
                chars.remove(i);
                received.host = chars.into_iter().collect();
                port_only_added(&case.host, &received.host)?;
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::ContentTypeInsert(i, c) => {
                let mut chars: Vec<char> = received.content_type.chars().collect();
                chars.insert(i.index(chars.len() + 1), *c);
                received.content_type = chars.into_iter().collect();
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::SignatureDigit(i, digit) => {
                let mut sig: Vec<char> = signature.chars().collect();
                let i = i.index(sig.len());
                // The 21 other spellings of a hex digit, uppercase ones included: the
                // signature is compared as the lowercase hex the client sends.
                let others: Vec<char> = "0123456789abcdefABCDEF"
                    .chars()
                    .filter(|c| *c != sig[i])
                    .collect();
                sig[i] = others[digit.index(others.len())];
                let sig: String = sig.into_iter().collect();
                received.authorization =
                    rebuild(&case.secret_id, &date, SERVICE, "tc3_request", &sig);
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::SignatureNonHex(i, c) => {
                let mut sig: Vec<char> = signature.chars().collect();
                let i = i.index(sig.len());
                sig[i] = *c;
                let sig: String = sig.into_iter().collect();
                received.authorization =
                    rebuild(&case.secret_id, &date, SERVICE, "tc3_request", &sig);
                Some(codes::INVALID_AUTHORIZATION)
            }
            Mutation::SignatureLength(i, longer) => {
                let mut sig = signature.clone();
                let i = i.index(sig.len());
                if *longer {
                    sig.insert(i, 'a');
                } else {
                    sig.remove(i);
                }
                received.authorization =
                    rebuild(&case.secret_id, &date, SERVICE, "tc3_request", &sig);
                Some(codes::INVALID_AUTHORIZATION)
            }
            Mutation::UnknownSecretId(id) => {
                if *id == case.secret_id || id == OTHER_ID {
                    return None;
                }
                received.authorization = rebuild(id, &date, SERVICE, "tc3_request", &signature);
                Some(codes::SECRET_ID_NOT_FOUND)
            }
            Mutation::OtherSecretId => {
                received.authorization =
                    rebuild(OTHER_ID, &date, SERVICE, "tc3_request", &signature);
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::ScopeDate(other) => {
                let other = utc_date(*other);
                if other == date {
                    return None;
                }
                received.authorization =
                    rebuild(&case.secret_id, &other, SERVICE, "tc3_request", &signature);
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::ScopeDateMalformed(other) => {
                received.authorization =
                    rebuild(&case.secret_id, other, SERVICE, "tc3_request", &signature);
                Some(codes::INVALID_AUTHORIZATION)
            }
            Mutation::ScopeService(other) => {
                if other == SERVICE {
                    return None;
                }
                received.authorization =
                    rebuild(&case.secret_id, &date, other, "tc3_request", &signature);
                Some(codes::SIGNATURE_FAILURE)
            }
            Mutation::ScopeServiceEmpty => {
                received.authorization =
                    rebuild(&case.secret_id, &date, "", "tc3_request", &signature);
                Some(codes::INVALID_AUTHORIZATION)
            }
            Mutation::ScopeTerminator(other) => {
                if other == "tc3_request" {
                    return None;
                }
                received.authorization =
                    rebuild(&case.secret_id, &date, SERVICE, other, &signature);
                Some(codes::INVALID_AUTHORIZATION)
            }
            Mutation::Token(token) => {
                // An empty X-TC-Token counts as none.
                if *token == received.token {
                    return None;
                }
                received.token = token.clone();
                Some(codes::TOKEN_FAILURE)
            }
        }
    }

    /// Every code authentication may answer.
    const AUTH_CODES: &[&str] = &[
        codes::INVALID_AUTHORIZATION,
        codes::SECRET_ID_NOT_FOUND,
        codes::SIGNATURE_EXPIRE,
        codes::SIGNATURE_FAILURE,
        codes::TOKEN_FAILURE,
        codes::INVALID_PARAMETER,
        codes::MISSING_PARAMETER,
    ];

    /// Inserts, deletes or replaces one character of a string, or swaps two spans.
    #[derive(Debug, Clone)]
    enum Edit {
        Insert(Index, char),
        Delete(Index),
        Replace(Index, char),
        Swap(Index, Index, usize),
    }

    fn edits() -> impl Strategy<Value = Edit> {
        let chars = prop_oneof![
            prop::sample::select(vec![' ', ',', '=', '/', ';', '-', 'a', '0', 'T', 'é']),
            any::<char>(),
        ];
        prop_oneof![
            (any::<Index>(), chars.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
            any::<Index>().prop_map(Edit::Delete),
            (any::<Index>(), chars).prop_map(|(i, c)| Edit::Replace(i, c)),
            (any::<Index>(), any::<Index>(), 1usize..12).prop_map(|(a, b, n)| Edit::Swap(a, b, n)),
        ]
    }

    fn edit(text: &str, edit: &Edit) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        match edit {
            Edit::Insert(i, c) => chars.insert(i.index(chars.len() + 1), *c),
            Edit::Delete(i) => {
                if !chars.is_empty() {
                    chars.remove(i.index(chars.len()));
                }
            }
            Edit::Replace(i, c) => {
                if !chars.is_empty() {
                    let i = i.index(chars.len());
                    chars[i] = *c;
                }
            }
            Edit::Swap(a, b, n) => {
                let (mut a, mut b) = (a.index(chars.len() + 1), b.index(chars.len() + 1));
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                let len = (*n).min(b - a).min(chars.len() - b);
                for k in 0..len {
                    chars.swap(a + k, b + k);
                }
            }
        }
        chars.into_iter().collect()
    }

    fn check_parsed(header: &str, parsed: &Authorization<'_>) -> Result<(), TestCaseError> {
        // Everything parsed is a piece of the header, and well-formed.
        prop_assert!(header.starts_with("TC3-HMAC-SHA256 "));
        for piece in [
            parsed.secret_id,
            parsed.date,
            parsed.service,
            parsed.signature,
        ] {
            prop_assert!(header.contains(piece));
        }
        prop_assert!(!parsed.secret_id.is_empty() && !parsed.service.is_empty());
        prop_assert_eq!(parsed.date.len(), 10);
        prop_assert_eq!(parsed.signature.len(), 64);
        prop_assert!(parsed.signature.bytes().all(|b| b.is_ascii_hexdigit()));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::default())]

        /// What the client signs, the server accepts (clock anywhere within the skew).
        #[test]
        fn signed_requests_verify(case in cases()) {
            let received = case.signed();
            prop_assert_eq!(
                &received.authorization,
                &header(
                    &case.secret_id,
                    &utc_date(case.timestamp),
                    SERVICE,
                    "tc3_request",
                    received.authorization.rsplit_once('=').map_or("", |(_, s)| s),
                )
            );
            let result = authenticate(&case.credentials(), &received);
            prop_assert_eq!(result, Ok(()));
        }

        /// One change after signing is rejected, with the code for that change.
        #[test]
        fn one_change_after_signing_is_rejected(case in cases(), mutation in mutations()) {
            let mut received = case.signed();
            let Some(expected) = apply(&case, &mut received, &mutation) else {
                return Ok(());
            };
            match authenticate(&case.credentials(), &received) {
                Ok(()) => prop_assert!(false, "accepted after {:?}: {:?}", mutation, received),
                Err(error) => {
                    prop_assert_eq!(error.code.as_str(), expected, "{}", error.message);
                    prop_assert!(!error.message.is_empty());
                }
            }
        }

        /// Random edits of a signed Authorization header: accepted only when the edit
        /// kept every field (a space dropped after a comma), rejected otherwise, with a
        /// header, SecretId or signature code.
        #[test]
        fn edited_headers(case in cases(), edits in prop::collection::vec(edits(), 1..4)) {
            let mut received = case.signed();
            let original = received.authorization.clone();
            for e in &edits {
                received.authorization = edit(&received.authorization, e);
            }
            let parsed = parse_authorization(&received.authorization);
            if let Ok(parsed) = &parsed {
                check_parsed(&received.authorization, parsed)?;
            }
            match authenticate(&case.credentials(), &received) {
                Ok(()) => {
                    let before = parse_authorization(&original).map_err(|e| e.message);
                    let after = parsed.map_err(|e| e.message);
                    prop_assert_eq!(before, after, "accepted {:?}", received.authorization);
                }
                Err(error) => prop_assert!(
                    [
                        codes::INVALID_AUTHORIZATION,
                        codes::SECRET_ID_NOT_FOUND,
                        codes::SIGNATURE_FAILURE,
                    ]
                    .contains(&error.code.as_str()),
                    "{:?}",
                    error
                ),
            }
        }

        /// Garbage everywhere: never a panic, never an acceptance, always an
        /// authentication code.
        #[test]
        fn garbage_never_panics(
            authorization in prop_oneof![
                any::<String>(),
                "TC3-HMAC-SHA256 [ -~]{0,200}",
                (
                    "[A-Za-z0-9/=, -]{0,40}",
                    "[0-9-]{0,12}",
                    "[a-z]{0,5}",
                    "[0-9a-fA-F]{60,68}",
                )
                    .prop_map(|(id, date, service, sig)| header(&id, &date, &service, "tc3_request", &sig)),
            ],
            timestamp in prop::option::of(prop_oneof!["[0-9]{0,25}", any::<String>()]),
            now in any::<u64>(),
            host in any::<String>(),
            content_type in any::<String>(),
            body in prop::collection::vec(any::<u8>(), 0..300),
            token in prop::option::of(any::<String>()),
        ) {
            let mut credentials = HashMap::new();
            credentials.insert("AKIDEXAMPLE".to_owned(), Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE"));
            let received = Received { authorization, timestamp, now, host, content_type, body, token };
            if let Ok(parsed) = parse_authorization(&received.authorization) {
                check_parsed(&received.authorization, &parsed)?;
            }
            if let Some(text) = &received.timestamp {
                let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
                let expected = if digits { text.parse::<u64>().ok() } else { None };
                prop_assert_eq!(parse_timestamp(Some(text)).ok(), expected);
            }
            match authenticate(&credentials, &received) {
                Ok(()) => prop_assert!(false, "garbage accepted: {:?}", received),
                Err(error) => prop_assert!(AUTH_CODES.contains(&error.code.as_str()), "{:?}", error),
            }
        }

        /// The clock check: symmetric, no overflow at the ends of `u64`.
        #[test]
        fn skew_is_symmetric(timestamp in any::<u64>(), now in any::<u64>(), skew in any::<u64>()) {
            let forward = check_skew(timestamp, now, skew).is_ok();
            prop_assert_eq!(forward, check_skew(now, timestamp, skew).is_ok());
            prop_assert_eq!(forward, timestamp.abs_diff(now) <= skew);
        }
    }
}
