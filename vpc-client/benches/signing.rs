//! Benchmarks of TC3-HMAC-SHA256 signing, on the 70-byte body of test vector C.
//!
//! - `sign_warm`: `Signer::sign` with the derived key cached (same signer, key, date).
//! - `sign_cold_alternating_keys` / `sign_cold_new_signer`: every signature derives
//!   the key (three more HMACs and two key schedules).
//! - `signed_headers`: a whole request's signed header set, as a client builds it.
//! - `hashing_floor`: the hashing no TC3 implementation can avoid: SHA-256 of the
//!   body, SHA-256 of the canonical request, one HMAC over the string to sign from a
//!   pre-keyed state, through the streaming `sha2`/`hmac` APIs. `sign_warm` divided by
//!   this is the overhead of everything else.
//! - `compression_floor`: the same 8 SHA-256 block compressions (2 body, 3 canonical
//!   request, 2 inner and 1 outer HMAC), called directly with nothing around them. No
//!   implementation can go below it; `sign_warm` divided by this is the strict ratio.
//!
//! Run with `cargo bench -p vpc-client --bench signing`.

use divan::{Bencher, black_box};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use vpc_client::credentials::Credential;
use vpc_client::signing::{
    SignableRequest, Signer, canonical_request, derive_signing_key, hashed_payload, string_to_sign,
};

const BODY: &[u8] = br#"{"VpnGatewayId":"vpngw-kjllnkew","VpnConnectionId":"vpnx-f29e6u0z"}"#;
const HOST: &str = "vpc.tencentcloudapi.com";
const CONTENT_TYPE: &str = "application/json";
const TIMESTAMP: u64 = 1_700_000_000;
const SERVICE: &str = "vpc";

fn main() {
    divan::main();
}

fn request() -> SignableRequest<'static> {
    SignableRequest {
        service: SERVICE,
        host: HOST,
        content_type: CONTENT_TYPE,
        timestamp: TIMESTAMP,
        body: BODY,
    }
}

fn credential() -> Credential {
    Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE")
}

#[divan::bench]
fn sign_warm(bencher: Bencher<'_, '_>) {
    let signer = Signer::new();
    let credential = credential();
    let request = request();
    // Fills the cache; every measured call hits it.
    let signed = signer.sign(&credential, &request);
    assert_eq!(
        signed.signature(),
        "45544f75da5f0f0b31703f9e8c0207019be0119f9d4fb76fa9da13de51505a4a"
    );
    bencher.bench_local(|| signer.sign(black_box(&credential), black_box(&request)));
}

#[divan::bench]
fn sign_cold_alternating_keys(bencher: Bencher<'_, '_>) {
    let signer = Signer::new();
    let credentials = [
        credential(),
        Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE2"),
    ];
    let request = request();
    let mut turn = 0;
    bencher.bench_local(|| {
        turn ^= 1;
        signer.sign(black_box(&credentials[turn]), black_box(&request))
    });
}

#[divan::bench]
fn sign_cold_new_signer(bencher: Bencher<'_, '_>) {
    let credential = credential();
    let request = request();
    bencher.bench_local(|| Signer::new().sign(black_box(&credential), black_box(&request)));
}

/// The header values of one signed `ResetVpnConnection` request, built from the public
/// API only, as a client would before handing them to its HTTP library.
fn signed_header_values(
    signer: &Signer,
    credential: &Credential,
    request: &SignableRequest<'_>,
) -> Vec<(&'static str, String)> {
    let signature = signer.sign(credential, request);
    let mut headers = Vec::with_capacity(9);
    headers.push(("Authorization", signature.authorization));
    headers.push(("Content-Type", request.content_type.to_owned()));
    headers.push(("Host", request.host.to_owned()));
    headers.push(("X-TC-Action", "ResetVpnConnection".to_owned()));
    headers.push(("X-TC-Version", "2017-03-12".to_owned()));
    headers.push(("X-TC-Region", "ap-guangzhou".to_owned()));
    headers.push(("X-TC-Timestamp", request.timestamp.to_string()));
    if let Some(token) = credential.token() {
        headers.push(("X-TC-Token", token.to_owned()));
    }
    headers
}

#[divan::bench]
fn signed_headers(bencher: Bencher<'_, '_>) {
    let signer = Signer::new();
    let credential = credential();
    let request = request();
    let headers = signed_header_values(&signer, &credential, &request);
    assert_eq!(headers.len(), 7);
    bencher
        .bench_local(|| signed_header_values(&signer, black_box(&credential), black_box(&request)));
}

#[divan::bench]
fn hashing_floor(bencher: Bencher<'_, '_>) {
    let canonical = canonical_request(CONTENT_TYPE, HOST, &hashed_payload(BODY));
    let sts = string_to_sign(TIMESTAMP, SERVICE, &hashed_payload(canonical.as_bytes()));
    let key = derive_signing_key("SECRETEXAMPLE", "2023-11-14", SERVICE);
    let keyed = match <Hmac<Sha256> as KeyInit>::new_from_slice(&*key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    bencher.bench_local(|| {
        let body_hash = Sha256::digest(black_box(BODY));
        let canonical_hash = Sha256::digest(black_box(canonical.as_bytes()));
        let mut mac = black_box(&keyed).clone();
        mac.update(black_box(sts.as_bytes()));
        (body_hash, canonical_hash, mac.finalize().into_bytes())
    });
}

#[divan::bench]
fn compression_floor(bencher: Bencher<'_, '_>) {
    // Eight distinct blocks, compressed one call each, as the signer's messages are.
    let blocks: [[u8; 64]; 8] = std::array::from_fn(|i| [i as u8; 64]);
    bencher.bench_local(|| {
        let mut state = [0x6a09_e667u32; 8];
        for block in black_box(&blocks) {
            sha2::block_api::compress256(&mut state, std::slice::from_ref(block));
        }
        state
    });
}
