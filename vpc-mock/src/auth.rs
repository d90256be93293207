//! Authentication: parsing the `Authorization` header, checking the timestamp, the
//! SecretId, the credential scope, the TC3-HMAC-SHA256 signature and the session token.

use std::collections::HashMap;

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

/// Verifies a parsed `Authorization` against the accepted credentials: SecretId,
/// credential scope, signature, then token. Returns the matching credential.
pub(crate) fn verify<'c>(
    credentials: &'c HashMap<String, Credential>,
    service: &str,
    authorization: &Authorization<'_>,
    parts: &SignedParts<'_>,
) -> Result<&'c Credential, ApiError> {
    let credential = credentials.get(authorization.secret_id).ok_or_else(|| {
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
    if authorization.service != service {
        return Err(ApiError::new(
            codes::SIGNATURE_FAILURE,
            format!(
                "The provided credentials could not be validated: the credential service `{}` is not `{service}`.",
                authorization.service
            ),
        ));
    }

    let canonical = canonical_request(parts.content_type, parts.host, &hashed_payload(parts.body));
    let to_sign = string_to_sign(
        parts.timestamp,
        service,
        &hashed_payload(canonical.as_bytes()),
    );
    let key = derive_signing_key(credential.secret_key(), &expected_date, service);
    let expected = signature_hex(&key, &to_sign);
    if !constant_time_eq(expected.as_bytes(), authorization.signature.as_bytes()) {
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

fn token_failure(message: &str) -> ApiError {
    ApiError::new(codes::TOKEN_FAILURE, message)
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
        verify(&credentials, "vpc", &auth, &parts).unwrap();
        let tampered = SignedParts {
            body: b"{}",
            ..parts
        };
        assert_eq!(
            verify(&credentials, "vpc", &auth, &tampered)
                .unwrap_err()
                .code,
            "AuthFailure.SignatureFailure"
        );
    }
}
