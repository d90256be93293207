//! Property tests: `Signer::sign` and the public step functions of `signing` agree with
//! a plain, straight-line TC3-HMAC-SHA256 written here from the published algorithm.
//!
//! The reference computes everything itself, the UTC date included (by walking years
//! and months, not by the civil-from-days arithmetic `signing.rs` uses), and is checked
//! against the three published test vectors first.
//!
//! Cases: 256 by default; `PROPTEST_CASES=<n>` raises (or lowers) it, because the
//! configuration starts from `ProptestConfig::default()`, which reads that variable.
//! (`ProptestConfig::with_cases` would override it.)

use std::sync::LazyLock;

use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use vpc_client::credentials::Credential;
use vpc_client::signing::{
    SignableRequest, Signer, authorization, canonical_request, derive_signing_key, hashed_payload,
    signature_hex, string_to_sign, utc_date,
};

// ---- the straight-line reference ---------------------------------------------------

fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    lower_hex(digest.as_slice())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn is_leap(year: u64) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => unreachable!("months are 1..=12"),
    }
}

/// Days from 1970-01-01 to the first day of `year`-`month`, by walking.
fn days_before(year: u64, month: u64) -> u64 {
    let years: u64 = (1970..year)
        .map(|y| if is_leap(y) { 366 } else { 365 })
        .sum();
    let months: u64 = (1..month).map(|m| days_in_month(year, m)).sum();
    years + months
}

/// `YYYY-MM-DD` of a Unix timestamp, by walking years and months from 1970.
fn reference_date(timestamp: u64) -> String {
    let mut days = timestamp / 86_400;
    let mut year = 1970;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let mut month = 1;
    while days >= days_in_month(year, month) {
        days -= days_in_month(year, month);
        month += 1;
    }
    format!("{year:04}-{month:02}-{:02}", days + 1)
}

/// Every intermediate value of one TC3 signature.
#[derive(Debug)]
struct Reference {
    hashed_payload: String,
    canonical_request: String,
    hashed_canonical_request: String,
    date: String,
    string_to_sign: String,
    signing_key: Vec<u8>,
    signature: String,
    authorization: String,
}

fn reference_sign(secret_id: &str, secret_key: &str, request: &SignableRequest<'_>) -> Reference {
    let hashed_payload = sha256_hex(request.body);
    let canonical_request = [
        "POST".to_owned(),
        "/".to_owned(),
        String::new(),
        format!("content-type:{}", request.content_type),
        format!("host:{}", request.host),
        String::new(),
        "content-type;host".to_owned(),
        hashed_payload.clone(),
    ]
    .join("\n");
    let hashed_canonical_request = sha256_hex(canonical_request.as_bytes());
    let date = reference_date(request.timestamp);
    let scope = format!("{date}/{}/tc3_request", request.service);
    let string_to_sign = [
        "TC3-HMAC-SHA256".to_owned(),
        request.timestamp.to_string(),
        scope.clone(),
        hashed_canonical_request.clone(),
    ]
    .join("\n");
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, request.service.as_bytes());
    let signing_key = hmac_sha256(&k_service, b"tc3_request");
    let signature = lower_hex(&hmac_sha256(&signing_key, string_to_sign.as_bytes()));
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders=content-type;host, \
         Signature={signature}"
    );
    Reference {
        hashed_payload,
        canonical_request,
        hashed_canonical_request,
        date,
        string_to_sign,
        signing_key,
        signature,
        authorization,
    }
}

// ---- the reference itself against the published vectors ---------------------------

#[test]
fn reference_reproduces_published_vectors() {
    let a_body =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let a = reference_sign(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        &SignableRequest {
            service: "cvm",
            host: "cvm.tencentcloudapi.com",
            content_type: "application/json; charset=utf-8",
            timestamp: 1_551_113_065,
            body: a_body.as_bytes(),
        },
    );
    assert_eq!(
        a.hashed_payload,
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    );
    assert_eq!(
        a.hashed_canonical_request,
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(a.date, "2019-02-25");
    assert_eq!(
        a.signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );

    let vpc = |body: &'static str| SignableRequest {
        service: "vpc",
        host: "vpc.tencentcloudapi.com",
        content_type: "application/json",
        timestamp: 1_700_000_000,
        body: body.as_bytes(),
    };
    let b = reference_sign(
        "AKIDEXAMPLE",
        "SECRETEXAMPLE",
        &vpc(r#"{"VpnGatewayId": "vpngw-kjllnkew", "VpnConnectionId": "vpnx-f29e6u0z"}"#),
    );
    assert_eq!(
        b.hashed_payload,
        "1c785de69ed2d5862476bab5f6f3f45205e6faf2042ff37c36cfe0e36d8f7005"
    );
    assert_eq!(
        b.hashed_canonical_request,
        "5881535f46bef7167e4b556442ae9eae872d637d5bd0c65a5798f816dec6daa6"
    );
    assert_eq!(
        lower_hex(&b.signing_key),
        "caf100a8ea8369e70ca73fc2cc8a588c19dc4cf8ec8f7780b3c766c5b9de13f2"
    );
    assert_eq!(
        b.signature,
        "487e67a261e5b658f5d2b5815fc5ba272fb1a45e0da4a319ce23497377dae3fa"
    );

    let c = reference_sign(
        "AKIDEXAMPLE",
        "SECRETEXAMPLE",
        &vpc(r#"{"VpnGatewayId":"vpngw-kjllnkew","VpnConnectionId":"vpnx-f29e6u0z"}"#),
    );
    assert_eq!(
        c.hashed_payload,
        "8f9ba980aa2f8306adf9d95b39e8702f165bf6b952b8570ad5bc6aa94b2934ed"
    );
    assert_eq!(
        c.hashed_canonical_request,
        "21697e4813330ce49e25966278fc270270994d44185cf792d6ea9be05d23a048"
    );
    assert_eq!(
        c.signature,
        "45544f75da5f0f0b31703f9e8c0207019be0119f9d4fb76fa9da13de51505a4a"
    );
    assert_eq!(
        c.authorization,
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/vpc/tc3_request, \
         SignedHeaders=content-type;host, \
         Signature=45544f75da5f0f0b31703f9e8c0207019be0119f9d4fb76fa9da13de51505a4a"
    );
}

#[test]
fn reference_dates() {
    for (timestamp, date) in [
        (0, "1970-01-01"),
        (86_399, "1970-01-01"),
        (86_400, "1970-01-02"),
        (951_782_399, "2000-02-28"),
        (951_782_400, "2000-02-29"),
        (951_868_800, "2000-03-01"),
        (1_709_164_800, "2024-02-29"),
        (4_102_444_799, "2099-12-31"),
        (4_102_444_800, "2100-01-01"),
        (4_107_456_000, "2100-02-28"),
        (4_107_542_400, "2100-03-01"),
        (253_402_300_799, "9999-12-31"),
    ] {
        assert_eq!(reference_date(timestamp), date, "{timestamp}");
        assert_eq!(utc_date(timestamp), date, "{timestamp}");
    }
    assert_eq!(days_before(2000, 3) * 86_400, 951_868_800);
}

// ---- strategies --------------------------------------------------------------------

/// The last second of 9999-12-31: beyond it dates need five digits, which `signing`
/// deliberately does not produce (Tencent rejects such timestamps anyway).
const MAX_TIMESTAMP: u64 = 253_402_300_799;
const MAX_DAY: u64 = MAX_TIMESTAMP / 86_400;

fn timestamps() -> impl Strategy<Value = u64> {
    prop_oneof![
        // Anywhere up to 9999-12-31.
        0..=MAX_TIMESTAMP,
        // Around today, where real requests are.
        1_500_000_000u64..2_100_000_000,
        // Seconds around a UTC midnight.
        (1..=MAX_DAY, -3i64..=3)
            .prop_map(|(day, delta)| (day * 86_400).saturating_add_signed(delta)),
        // Year ends and the end of February, leap years and century years included.
        (
            1970u64..=9999,
            prop::sample::select(vec![(1, 1), (2, 28), (3, 1), (12, 31)]),
            -2i64..=2
        )
            .prop_map(|(year, (month, day), delta)| {
                let midnight = (days_before(year, month) + day - 1) * 86_400;
                midnight.saturating_add_signed(delta).min(MAX_TIMESTAMP)
            }),
        // The leap days themselves, and the seconds just around them.
        (0u64..2007, -2i64..=86_401).prop_map(|(n, offset)| {
            // 1972, 1976, ..., 9996; the century years that are not leap become 2000.
            let year = 1972 + 4 * n;
            let year = if is_leap(year) { year } else { 2000 };
            let leap_day = days_before(year, 2) + 28;
            (leap_day * 86_400).saturating_add_signed(offset)
        }),
        Just(0u64),
        Just(MAX_TIMESTAMP),
    ]
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        // Arbitrary bytes, usually not UTF-8.
        prop::collection::vec(any::<u8>(), 0..600),
        // Text, including multi-byte characters.
        any::<String>().prop_map(String::into_bytes),
        // A JSON-like body.
        "\\{\"[A-Za-z]{1,12}\": ?\"[a-z0-9-]{0,20}\"\\}".prop_map(String::into_bytes),
        // Longer than a SHA-256 block many times over.
        prop::collection::vec(any::<u8>(), 4096..9000),
    ]
}

fn secret_keys() -> impl Strategy<Value = String> {
    prop_oneof![
        // A small pool, so that consecutive signatures often hit the key cache.
        prop::sample::select(vec![
            "SECRETEXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            ""
        ])
        .prop_map(str::to_owned),
        // Arbitrary Unicode, longer than an HMAC block sometimes.
        any::<String>(),
        "\\PC{60,100}",
    ]
}

fn secret_ids() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AKIDEXAMPLE".to_owned()),
        "AKID[A-Za-z0-9]{0,32}",
        any::<String>(),
    ]
}

fn hosts() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("vpc.tencentcloudapi.com".to_owned()),
        Just("127.0.0.1:18080".to_owned()),
        Just("vpc.intl.tencentcloudapi.com".to_owned()),
        Just("vpc.ap-guangzhou.tencentcloudapi.com".to_owned()),
        "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){0,3}",
        "[a-z0-9.-]{1,30}:[0-9]{1,5}",
        "\\[[0-9a-f:]{2,20}\\]:[0-9]{1,5}",
    ]
}

fn content_types() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_owned()),
        Just("application/json; charset=utf-8".to_owned()),
        "[ -~]{0,40}",
    ]
}

fn services() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("vpc".to_owned()),
        Just("cvm".to_owned()),
        "[a-z]{1,12}"
    ]
}

#[derive(Debug, Clone)]
struct Case {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    service: String,
    host: String,
    content_type: String,
    timestamp: u64,
    body: Vec<u8>,
}

impl Case {
    fn request(&self) -> SignableRequest<'_> {
        SignableRequest {
            service: &self.service,
            host: &self.host,
            content_type: &self.content_type,
            timestamp: self.timestamp,
            body: &self.body,
        }
    }

    fn credential(&self) -> Credential {
        let credential = Credential::new(self.secret_id.as_str(), self.secret_key.as_str());
        match &self.token {
            Some(token) => credential.with_token(token.as_str()),
            None => credential,
        }
    }
}

fn cases() -> impl Strategy<Value = Case> {
    (
        secret_ids(),
        secret_keys(),
        prop::option::of("[A-Za-z0-9]{1,40}"),
        services(),
        hosts(),
        content_types(),
        timestamps(),
        bodies(),
    )
        .prop_map(
            |(secret_id, secret_key, token, service, host, content_type, timestamp, body)| Case {
                secret_id,
                secret_key,
                token,
                service,
                host,
                content_type,
                timestamp,
                body,
            },
        )
}

/// One signer for every case of every property, so its single-entry key cache sees
/// keys, dates and services change (and stay the same) between signatures.
static SIGNER: LazyLock<Signer> = LazyLock::new(Signer::new);

/// Signs `case` with the shared signer and checks everything against the reference.
fn check_case(case: &Case) -> Result<(), TestCaseError> {
    let request = case.request();
    let expected = reference_sign(&case.secret_id, &case.secret_key, &request);

    let signed = SIGNER.sign(&case.credential(), &request);
    prop_assert_eq!(signed.signature(), expected.signature.as_str());
    prop_assert_eq!(&signed.authorization, &expected.authorization);

    // The step functions, one by one.
    prop_assert_eq!(hashed_payload(&case.body), expected.hashed_payload.clone());
    let canonical = canonical_request(&case.content_type, &case.host, &expected.hashed_payload);
    prop_assert_eq!(&canonical, &expected.canonical_request);
    prop_assert_eq!(utc_date(case.timestamp), expected.date.clone());
    let sts = string_to_sign(
        case.timestamp,
        &case.service,
        &expected.hashed_canonical_request,
    );
    prop_assert_eq!(&sts, &expected.string_to_sign);
    let key = derive_signing_key(&case.secret_key, &expected.date, &case.service);
    prop_assert_eq!(&key[..], &expected.signing_key[..]);
    prop_assert_eq!(signature_hex(&key, &sts), expected.signature.clone());
    prop_assert_eq!(
        authorization(
            &case.secret_id,
            case.timestamp,
            &case.service,
            &expected.signature
        ),
        expected.authorization.clone()
    );
    Ok(())
}

proptest! {
    // `default()` already applies PROPTEST_CASES (and the other PROPTEST_* variables);
    // its own default is 256 cases.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn signer_and_steps_match_reference(case in cases()) {
        check_case(&case)?;
    }

    /// Several requests in a row through the shared signer: same key on another day,
    /// another key on the same day, and back, so a stale cache entry would show.
    #[test]
    fn cache_never_serves_a_stale_key(
        first in cases(),
        others in prop::collection::vec(cases(), 1..5),
        same_key_next_day in any::<bool>(),
    ) {
        check_case(&first)?;
        for mut case in others {
            if same_key_next_day {
                case.secret_key.clone_from(&first.secret_key);
                case.service.clone_from(&first.service);
                case.timestamp = (first.timestamp + 86_400).min(MAX_TIMESTAMP);
            }
            check_case(&case)?;
        }
        check_case(&first)?;
        check_case(&first)?;
    }

    /// Keys differing only in their last character never share a signature.
    #[test]
    fn distinct_keys_sign_differently(key in "\\PC{0,40}", a in any::<char>(), b in any::<char>()) {
        prop_assume!(a != b);
        let request = SignableRequest {
            service: "vpc",
            host: "vpc.tencentcloudapi.com",
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body: b"{}",
        };
        let one = SIGNER.sign(&Credential::new("AKID", format!("{key}{a}")), &request);
        let two = SIGNER.sign(&Credential::new("AKID", format!("{key}{b}")), &request);
        prop_assert_ne!(one.signature(), two.signature());
    }
}
