//! Benchmarks of decoding large answers: `vpc_client::decode` (what every call does:
//! envelope, RequestId, error detection, then the typed response with its JSON path on
//! failure) against the floor, a direct `serde_json::from_slice` of the typed envelope
//! `{"Response": DescribeVpcsResponse}` from the same bytes.
//!
//! The answers are Tencent's own `DescribeVpcs` example (from the spec, as imported
//! from tccli) with its `VpcSet` item repeated to 100 and 1,000 items.
//!
//! Run with `cargo bench -p vpc-client --bench decode`. A first measurement of the
//! costs issue (11), not its finished benchmark set.

use divan::{Bencher, black_box};
use serde::Deserialize;
use serde_json::Value;
use vpc_client::vpc::{DescribeVpcsError, DescribeVpcsResponse};
use vpc_client::{RawAnswer, decode};

const SPEC: &str = include_str!("../../api-spec/vpc.json");

fn main() {
    divan::main();
}

/// Tencent's `DescribeVpcs` example answer with `items` VPCs.
fn answer(items: usize) -> Vec<u8> {
    let spec: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    let mut output = spec["actions"]["DescribeVpcs"]["examples"][0]["output"].clone();
    let vpc = output["Response"]["VpcSet"][0].clone();
    output["Response"]["VpcSet"] = Value::Array(vec![vpc; items]);
    output["Response"]["TotalCount"] = Value::from(items);
    serde_json::to_vec(&output).expect("serializes")
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: DescribeVpcsResponse,
}

#[divan::bench(args = [100, 1000])]
fn client_decode(bencher: Bencher, items: usize) {
    let body = answer(items);
    bencher.bench(|| {
        let answer = RawAnswer {
            status: 200,
            content_type: Some("application/json"),
            body: black_box(&body),
        };
        decode::<DescribeVpcsResponse, DescribeVpcsError>(answer).expect("decodes")
    });
}

#[divan::bench(args = [100, 1000])]
fn floor_from_slice(bencher: Bencher, items: usize) {
    let body = answer(items);
    bencher.bench(|| {
        serde_json::from_slice::<Envelope>(black_box(&body))
            .expect("decodes")
            .response
    });
}
