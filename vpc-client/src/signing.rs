//! TC3-HMAC-SHA256 request signing, exactly as Tencent Cloud API 3.0 specifies it.
//!
//! The building blocks ([`hashed_payload`], [`canonical_request`], [`string_to_sign`],
//! [`derive_signing_key`], [`signature_hex`]) are public so that other tools can sign
//! requests this crate does not cover. [`Signer`] is the fast path the client uses: it
//! streams the canonical request into the hasher without building it, and caches the
//! derived signing key per (secret key, date, service).

use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::credentials::Credential;

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name that opens the `Authorization` header and the string to sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The headers covered by the signature, in canonical order.
pub const SIGNED_HEADERS: &str = "content-type;host";

/// Everything about one HTTP request that the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The service name, the first label of the host (`vpc`).
    pub service: &'a str,
    /// The `Host` header exactly as it is sent, port included when the URL has one.
    pub host: &'a str,
    /// The `Content-Type` header exactly as it is sent.
    pub content_type: &'a str,
    /// Unix seconds, the value of `X-TC-Timestamp`.
    pub timestamp: u64,
    /// The exact body bytes sent.
    pub body: &'a [u8],
}

/// The result of signing one request.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// The complete value of the `Authorization` header.
    pub authorization: String,
}

impl Signature {
    /// The lowercase hex signature alone: the last 64 characters of
    /// [`authorization`](Self::authorization), borrowed from it (one allocation per
    /// signature instead of two).
    pub fn signature(&self) -> &str {
        let start = self.authorization.len().saturating_sub(64);
        self.authorization.get(start..).unwrap_or_default()
    }
}

impl fmt::Debug for Signature {
    // A signature is not a secret, but it is a bearer token for one request for five
    // minutes; keep it out of logs anyway.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature").finish_non_exhaustive()
    }
}

/// Lowercase hex of SHA-256 of the body: step 1 of the algorithm.
pub fn hashed_payload(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

/// The canonical request text: step 2 of the algorithm (always `POST /` with no query).
pub fn canonical_request(content_type: &str, host: &str, hashed_payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{content_type}\nhost:{host}\n\n{SIGNED_HEADERS}\n{hashed_payload}"
    )
}

/// The string to sign: step 3 of the algorithm.
pub fn string_to_sign(timestamp: u64, service: &str, hashed_canonical_request: &str) -> String {
    let date = utc_date(timestamp);
    format!("{ALGORITHM}\n{timestamp}\n{date}/{service}/tc3_request\n{hashed_canonical_request}")
}

/// The derived signing key `kSigning` for one secret key, UTC date and service: step 4.
pub fn derive_signing_key(secret_key: &str, date: &str, service: &str) -> Zeroizing<[u8; 32]> {
    let mut prefixed = Zeroizing::new(Vec::with_capacity(3 + secret_key.len()));
    prefixed.extend_from_slice(b"TC3");
    prefixed.extend_from_slice(secret_key.as_bytes());
    let k_date = hmac(&prefixed, date.as_bytes());
    let k_service = hmac(&*k_date, service.as_bytes());
    hmac(&*k_service, b"tc3_request")
}

/// Lowercase hex of HMAC-SHA256(signing key, string to sign): the final signature.
pub fn signature_hex(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&*hmac(signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value for a signature.
pub fn authorization(secret_id: &str, timestamp: u64, service: &str, signature: &str) -> String {
    let date = utc_date(timestamp);
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, \
         SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix timestamp.
pub fn utc_date(timestamp: u64) -> String {
    let bytes = utc_date_bytes(timestamp);
    // The bytes are ASCII digits and dashes by construction.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Signs requests, caching the derived key of the last (secret key, date, service).
///
/// One `Signer` is shared by every clone of a client. The cache holds a single entry:
/// a client signs with one credential at a time, and a new day, service or key simply
/// replaces the entry. A key is never reused for a different secret key.
///
/// The warm path hashes at the block level: the cache keeps the two SHA-256 states an
/// HMAC keyed with `kSigning` starts from, and each message (body, canonical request,
/// string to sign) is padded in place and handed to the SHA-256 compression function
/// directly. It compresses exactly the blocks the textbook steps compress; it only
/// skips the copying through a streaming hasher's buffer. The property tests check it
/// against the step functions above, which use the streaming `sha2`/`hmac` APIs.
#[derive(Default)]
pub struct Signer {
    cache: Mutex<Option<CachedKey>>,
}

struct CachedKey {
    secret_key: Zeroizing<String>,
    /// Days since the Unix epoch of `date`: a timestamp of the same day reuses it.
    day: u64,
    date: [u8; 10],
    service: String,
    keyed: KeyedStates,
}

/// The SHA-256 states after the first block of an HMAC-SHA256 (key XOR ipad, key XOR
/// opad). Starting from them skips the key schedule. Wiped when dropped: they are as
/// good as the key for signing.
#[derive(Clone)]
struct KeyedStates {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Drop for KeyedStates {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl KeyedStates {
    fn new(key: &[u8; 32]) -> Self {
        let mut ipad = Zeroizing::new([[0x36u8; 64]]);
        let mut opad = Zeroizing::new([[0x5cu8; 64]]);
        for (i, byte) in key.iter().enumerate() {
            ipad[0][i] ^= byte;
            opad[0][i] ^= byte;
        }
        let mut states = Self {
            inner: SHA256_IV,
            outer: SHA256_IV,
        };
        compress256(&mut states.inner, &*ipad);
        compress256(&mut states.outer, &*opad);
        states
    }

    /// HMAC-SHA256 of `parts`, joined, under the key these states were made from.
    fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        // The inner hash is not wiped: it does not reveal the key, and the MAC it
        // leads to is sent anyway. (The state copies made on the way live on the
        // stack only, as with the `hmac` crate's clones before.)
        let inner = sha256_joined(self.inner, 64, parts);
        // 32 bytes after the opad block: one padded block, one compression.
        sha256_from(self.outer, 64, &inner)
    }
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Finishes a SHA-256 that has compressed `prefix_len` bytes into `state` (a multiple
/// of 64) with `message`: its whole blocks straight from the slice, then the tail with
/// the padding and the bit length (FIPS 180-4, 5.1.1) in one or two blocks.
fn sha256_from(mut state: [u32; 8], prefix_len: u64, message: &[u8]) -> [u8; 32] {
    let (blocks, tail) = message.as_chunks::<64>();
    compress256(&mut state, blocks);
    let mut last = [[0u8; 64]; 2];
    let used = if tail.len() < 56 { 1 } else { 2 };
    let flat = last.as_flattened_mut();
    flat[..tail.len()].copy_from_slice(tail);
    flat[tail.len()] = 0x80;
    let bits = (prefix_len + message.len() as u64).wrapping_mul(8);
    flat[used * 64 - 8..used * 64].copy_from_slice(&bits.to_be_bytes());
    compress256(&mut state, &last[..used]);
    digest_bytes(&state)
}

fn digest_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// SHA-256 of `parts` joined: on the stack when they fit 256 bytes (the usual case),
/// else on the heap (a long host or content type). Either way the message is
/// contiguous, so [`sha256_from`] compresses its whole blocks in place.
fn sha256_joined(state: [u32; 8], prefix_len: u64, parts: &[&[u8]]) -> [u8; 32] {
    let mut stack = [0u8; 256];
    let total: usize = parts.iter().map(|part| part.len()).sum();
    if total > stack.len() {
        return sha256_from(state, prefix_len, &parts.concat());
    }
    let mut at = 0;
    for part in parts {
        stack[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    sha256_from(state, prefix_len, &stack[..at])
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with an empty key cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs `request` with `credential` and returns the `Authorization` header value.
    pub fn sign(&self, credential: &Credential, request: &SignableRequest<'_>) -> Signature {
        let (keyed, date) = self.keyed(credential.secret_key(), request);

        let payload_hex = hex_array(&sha256_from(SHA256_IV, 0, request.body));
        let canonical_hex = hex_array(&sha256_joined(
            SHA256_IV,
            0,
            &[
                b"POST\n/\n\ncontent-type:",
                request.content_type.as_bytes(),
                b"\nhost:",
                request.host.as_bytes(),
                b"\n\ncontent-type;host\n",
                &payload_hex,
            ],
        ));

        let mut ts_buf = [0u8; 20];
        let ts = format_u64(request.timestamp, &mut ts_buf);
        let sig = hex_array(&keyed.mac(&[
            b"TC3-HMAC-SHA256\n",
            ts,
            b"\n",
            &date,
            b"/",
            request.service.as_bytes(),
            b"/tc3_request\n",
            &canonical_hex,
        ]));

        const CREDENTIAL: &[u8] = b" Credential=";
        const SCOPE_END: &[u8] = b"/tc3_request, SignedHeaders=content-type;host, Signature=";
        let parts: [&[u8]; 9] = [
            ALGORITHM.as_bytes(),
            CREDENTIAL,
            credential.secret_id().as_bytes(),
            b"/",
            &date,
            b"/",
            request.service.as_bytes(),
            SCOPE_END,
            &sig,
        ];
        // The exact length, so that the header is built in one allocation.
        let mut authorization = Vec::with_capacity(parts.iter().map(|part| part.len()).sum());
        for part in parts {
            authorization.extend_from_slice(part);
        }
        // The SecretId and the service are text, everything else ASCII: one check.
        let authorization = match String::from_utf8(authorization) {
            Ok(text) => text,
            Err(_) => unreachable!("text joined with ASCII is text"),
        };
        Signature { authorization }
    }

    /// The keyed states for this secret key, the request's UTC day and service, and
    /// that day as `YYYY-MM-DD`: from the cache when it holds them, else derived.
    fn keyed(&self, secret_key: &str, request: &SignableRequest<'_>) -> (KeyedStates, [u8; 10]) {
        let day = request.timestamp / 86_400;
        // A poisoned lock only means another thread panicked mid-update; the entry is
        // then rebuilt below, so recover the guard instead of propagating the panic.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = cache.as_ref()
            && entry.day == day
            && entry.service == request.service
            && entry.secret_key.as_str() == secret_key
        {
            return (entry.keyed.clone(), entry.date);
        }
        let date = utc_date_bytes(request.timestamp);
        let date_str = String::from_utf8_lossy(&date);
        let key = derive_signing_key(secret_key, &date_str, request.service);
        let keyed = KeyedStates::new(&key);
        *cache = Some(CachedKey {
            secret_key: Zeroizing::new(secret_key.to_owned()),
            day,
            date,
            service: request.service.to_owned(),
            keyed: keyed.clone(),
        });
        (keyed, date)
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = new_mac(key);
    mac.update(data);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_array(bytes: &[u8; 32]) -> [u8; 64] {
    // Branch-free digit arithmetic over fixed-size arrays, which the compiler turns
    // into a few vector instructions (a table load per byte does not vectorize).
    let digit = |nibble: u8| nibble + b'0' + u8::from(nibble > 9) * (b'a' - b'0' - 10);
    let mut high = [0u8; 32];
    let mut low = [0u8; 32];
    for i in 0..32 {
        high[i] = digit(bytes[i] >> 4);
        low[i] = digit(bytes[i] & 0x0f);
    }
    let mut out = [0u8; 64];
    for i in 0..32 {
        out[2 * i] = high[i];
        out[2 * i + 1] = low[i];
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// `YYYY-MM-DD` of a Unix timestamp (the same calendar arithmetic as HTTP dates).
fn utc_date_bytes(timestamp: u64) -> [u8; 10] {
    let (year, month, day) = crate::clock::civil_from_days(timestamp / 86_400);
    // Years past 9999 (timestamps beyond 253402300799) wrap to four digits; Tencent's
    // servers reject such timestamps long before that matters.
    let year = (year % 10_000) as u32;
    let (month, day) = (month as u32, day as u32);
    let digit = |v: u32| b'0' + (v % 10) as u8;
    [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha_hex(s: &str) -> String {
        hashed_payload(s.as_bytes())
    }

    #[test]
    fn vector_a_tencent_worked_example() {
        let body = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
        let payload = hashed_payload(body.as_bytes());
        assert_eq!(
            payload,
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let canonical = canonical_request(
            "application/json; charset=utf-8",
            "cvm.tencentcloudapi.com",
            &payload,
        );
        assert_eq!(
            sha_hex(&canonical),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let sts = string_to_sign(1_551_113_065, "cvm", &sha_hex(&canonical));
        let key = derive_signing_key("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm");
        assert_eq!(
            signature_hex(&key, &sts),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );

        let credential = Credential::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        );
        let signed = Signer::new().sign(
            &credential,
            &SignableRequest {
                service: "cvm",
                host: "cvm.tencentcloudapi.com",
                content_type: "application/json; charset=utf-8",
                timestamp: 1_551_113_065,
                body: body.as_bytes(),
            },
        );
        assert_eq!(
            signed.signature(),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    fn vector_b_c(body: &str, payload: &str, canonical_hash: &str, sig: &str) {
        assert_eq!(hashed_payload(body.as_bytes()), payload);
        let canonical = canonical_request("application/json", "vpc.tencentcloudapi.com", payload);
        assert_eq!(sha_hex(&canonical), canonical_hash);
        let key = derive_signing_key("SECRETEXAMPLE", "2023-11-14", "vpc");
        assert_eq!(
            hex(&*key),
            "caf100a8ea8369e70ca73fc2cc8a588c19dc4cf8ec8f7780b3c766c5b9de13f2"
        );
        assert_eq!(
            signature_hex(&key, &string_to_sign(1_700_000_000, "vpc", canonical_hash)),
            sig
        );
        let signer = Signer::new();
        let credential = Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE");
        let request = SignableRequest {
            service: "vpc",
            host: "vpc.tencentcloudapi.com",
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body: body.as_bytes(),
        };
        // Twice: once deriving the key, once from the cache.
        for _ in 0..2 {
            let signed = signer.sign(&credential, &request);
            assert_eq!(signed.signature(), sig);
            assert_eq!(
                signed.authorization,
                format!(
                    "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/vpc/tc3_request, \
                     SignedHeaders=content-type;host, Signature={sig}"
                )
            );
            assert_eq!(
                signed.authorization,
                authorization("AKIDEXAMPLE", 1_700_000_000, "vpc", sig)
            );
        }
    }

    #[test]
    fn vector_b_reset_vpn_connection_python_sdk_body() {
        vector_b_c(
            r#"{"VpnGatewayId": "vpngw-kjllnkew", "VpnConnectionId": "vpnx-f29e6u0z"}"#,
            "1c785de69ed2d5862476bab5f6f3f45205e6faf2042ff37c36cfe0e36d8f7005",
            "5881535f46bef7167e4b556442ae9eae872d637d5bd0c65a5798f816dec6daa6",
            "487e67a261e5b658f5d2b5815fc5ba272fb1a45e0da4a319ce23497377dae3fa",
        );
    }

    #[test]
    fn vector_c_compact_body() {
        vector_b_c(
            r#"{"VpnGatewayId":"vpngw-kjllnkew","VpnConnectionId":"vpnx-f29e6u0z"}"#,
            "8f9ba980aa2f8306adf9d95b39e8702f165bf6b952b8570ad5bc6aa94b2934ed",
            "21697e4813330ce49e25966278fc270270994d44185cf792d6ea9be05d23a048",
            "45544f75da5f0f0b31703f9e8c0207019be0119f9d4fb76fa9da13de51505a4a",
        );
    }

    #[test]
    fn cache_is_keyed_by_secret_key() {
        let signer = Signer::new();
        let request = SignableRequest {
            service: "vpc",
            host: "vpc.tencentcloudapi.com",
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body: b"{}",
        };
        let a = signer.sign(&Credential::new("ID", "key-a"), &request);
        let b = signer.sign(&Credential::new("ID", "key-b"), &request);
        let a_again = signer.sign(&Credential::new("ID", "key-a"), &request);
        assert_ne!(a.signature(), b.signature());
        assert_eq!(a, a_again);
        assert_eq!(
            b,
            Signer::new().sign(&Credential::new("ID", "key-b"), &request)
        );
    }

    /// Every padding case: every length 0..=383, so tails of 0..=63 bytes (one or two
    /// final blocks, 55/56 the boundary) after 0 to 5 whole blocks, with and without a
    /// compressed prefix block.
    #[test]
    fn block_level_sha256_matches_the_streaming_hasher() {
        let data: Vec<u8> = (0..=u8::MAX).cycle().take(64 * 5 + 64).collect();
        let prefix = [0xa5u8; 64];
        let mut after_prefix = SHA256_IV;
        compress256(&mut after_prefix, &[prefix]);
        for len in 0..data.len() {
            let message = &data[..len];
            let expected: [u8; 32] = Sha256::digest(message).into();
            assert_eq!(sha256_from(SHA256_IV, 0, message), expected, "length {len}");

            let mut streaming = Sha256::new();
            streaming.update(prefix);
            streaming.update(message);
            let expected: [u8; 32] = streaming.finalize().into();
            assert_eq!(
                sha256_from(after_prefix, 64, message),
                expected,
                "length {len} after a block"
            );
        }
    }

    #[test]
    fn keyed_states_match_the_hmac_crate() {
        let key = derive_signing_key("SECRETEXAMPLE", "2023-11-14", "vpc");
        let keyed = KeyedStates::new(&key);
        let data: Vec<u8> = (0..=u8::MAX).cycle().take(300).collect();
        for len in 0..data.len() {
            let message = &data[..len];
            assert_eq!(keyed.mac(&[message]), *hmac(&*key, message), "length {len}");
        }
    }

    #[test]
    fn long_parts_are_joined_on_the_heap() {
        let long = vec![b'h'; 300];
        let expected: [u8; 32] = Sha256::digest([&b"host:"[..], &long].concat()).into();
        assert_eq!(sha256_joined(SHA256_IV, 0, &[b"host:", &long]), expected);
        let expected: [u8; 32] = Sha256::digest(b"abc").into();
        assert_eq!(sha256_joined(SHA256_IV, 0, &[b"a", b"", b"bc"]), expected);
        // A long host changes nothing but where the canonical request is joined.
        let credential = Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE");
        let host = "h".repeat(300);
        let request = SignableRequest {
            service: "vpc",
            host: &host,
            content_type: "application/json",
            timestamp: 1_700_000_000,
            body: b"{}",
        };
        let canonical = canonical_request("application/json", &host, &hashed_payload(b"{}"));
        let key = derive_signing_key("SECRETEXAMPLE", "2023-11-14", "vpc");
        let expected = signature_hex(
            &key,
            &string_to_sign(1_700_000_000, "vpc", &sha_hex(&canonical)),
        );
        assert_eq!(
            Signer::new().sign(&credential, &request).signature(),
            expected
        );
    }

    #[test]
    fn a_new_day_derives_a_new_key() {
        let signer = Signer::new();
        let credential = Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE");
        let at = |timestamp| SignableRequest {
            service: "vpc",
            host: "vpc.tencentcloudapi.com",
            content_type: "application/json",
            timestamp,
            body: b"{}",
        };
        // The last second of 2023-11-14 and the first of 2023-11-15, from one signer.
        for timestamp in [1_700_006_399, 1_700_006_400, 1_700_006_399] {
            let signed = signer.sign(&credential, &at(timestamp));
            assert_eq!(signed, Signer::new().sign(&credential, &at(timestamp)));
            assert!(
                signed
                    .authorization
                    .contains(&format!("/{}/vpc/", utc_date(timestamp)))
            );
        }
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(951_868_799), "2000-02-29");
        assert_eq!(utc_date(951_868_800), "2000-03-01");
        assert_eq!(utc_date(4_102_444_800), "2100-01-01");
    }
}
