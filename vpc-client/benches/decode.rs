//! Benchmarks of decoding large answers: `vpc_client::decode` (what every call does:
//! envelope, RequestId, error detection, then the typed response with its JSON path on
//! failure) against the floor, a direct `serde_json::from_slice` of the typed envelope
//! `{"Response": ...Response}` from the same bytes.
//!
//! The answers are Tencent's own example outputs (from the spec, as imported from
//! tccli), their list scaled to 100 and 1,000 items by repeating the first item:
//!
//! - `DescribeVpcs`: `VpcSet`;
//! - `DescribeAddresses`: `AddressSet` (elastic IPs, the example's largest list item);
//! - `DescribeSecurityGroupPolicies`: `SecurityGroupPolicySet`, half of the items in
//!   `Ingress` and half in `Egress`.
//!
//! `error_answer` decodes the `DescribeVpcs` error answer a server sends with HTTP 200
//! (`{"Response":{"Error":{...},"RequestId":...}}`), the other path `decode` takes.
//!
//! Run with `cargo bench -p vpc-client --bench decode`.

use divan::{Bencher, black_box};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use vpc_client::vpc::{
    DescribeAddressesError, DescribeAddressesResponse, DescribeSecurityGroupPoliciesError,
    DescribeSecurityGroupPoliciesResponse, DescribeVpcsError, DescribeVpcsResponse,
};
use vpc_client::{ActionError, Error, RawAnswer, decode};

const SPEC: &str = include_str!("../../api-spec/vpc.json");

fn main() {
    divan::main();
}

/// The first example output of `action` from the spec.
fn example(action: &str) -> Value {
    let spec: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    spec["actions"][action]["examples"][0]["output"].clone()
}

/// `list` (a JSON pointer into the output) made `items` copies of its first item.
fn scale(output: &mut Value, list: &str, items: usize) {
    let slot = output.pointer_mut(list).expect("the example has the list");
    let first = slot[0].clone();
    *slot = Value::Array(vec![first; items]);
}

fn serialize(output: &Value) -> Vec<u8> {
    serde_json::to_vec(output).expect("serializes")
}

/// Tencent's `DescribeVpcs` example answer with `items` VPCs.
fn vpcs(items: usize) -> Vec<u8> {
    let mut output = example("DescribeVpcs");
    scale(&mut output, "/Response/VpcSet", items);
    output["Response"]["TotalCount"] = Value::from(items);
    serialize(&output)
}

/// Tencent's `DescribeAddresses` example answer with `items` elastic IPs.
fn addresses(items: usize) -> Vec<u8> {
    let mut output = example("DescribeAddresses");
    scale(&mut output, "/Response/AddressSet", items);
    output["Response"]["TotalCount"] = Value::from(items);
    serialize(&output)
}

/// Tencent's `DescribeSecurityGroupPolicies` example answer with `items` policies.
fn policies(items: usize) -> Vec<u8> {
    let mut output = example("DescribeSecurityGroupPolicies");
    scale(
        &mut output,
        "/Response/SecurityGroupPolicySet/Ingress",
        items / 2,
    );
    scale(
        &mut output,
        "/Response/SecurityGroupPolicySet/Egress",
        items - items / 2,
    );
    serialize(&output)
}

#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned")]
struct Envelope<R> {
    #[serde(rename = "Response")]
    response: R,
}

fn bench_client<R: DeserializeOwned, E: ActionError>(bencher: Bencher, body: &[u8]) {
    // Checked once, outside the timing: the body decodes to a response. (Divan drops
    // what a benchmark returns outside the timing, as for the floor.)
    let ok = |body| {
        decode::<R, E>(RawAnswer {
            status: 200,
            content_type: Some("application/json"),
            body,
        })
    };
    assert!(ok(body).is_ok(), "the answer decodes");
    bencher.bench(|| ok(black_box(body)));
}

fn bench_floor<R: DeserializeOwned>(bencher: Bencher, body: &[u8]) {
    bencher.bench(|| {
        serde_json::from_slice::<Envelope<R>>(black_box(body))
            .expect("decodes")
            .response
    });
}

#[divan::bench_group]
mod describe_vpcs {
    use super::*;

    #[divan::bench(args = [100, 1000])]
    fn client_decode(bencher: Bencher, items: usize) {
        bench_client::<DescribeVpcsResponse, DescribeVpcsError>(bencher, &vpcs(items));
    }

    #[divan::bench(args = [100, 1000])]
    fn floor_from_slice(bencher: Bencher, items: usize) {
        bench_floor::<DescribeVpcsResponse>(bencher, &vpcs(items));
    }
}

#[divan::bench_group]
mod describe_addresses {
    use super::*;

    #[divan::bench(args = [100, 1000])]
    fn client_decode(bencher: Bencher, items: usize) {
        bench_client::<DescribeAddressesResponse, DescribeAddressesError>(
            bencher,
            &addresses(items),
        );
    }

    #[divan::bench(args = [100, 1000])]
    fn floor_from_slice(bencher: Bencher, items: usize) {
        bench_floor::<DescribeAddressesResponse>(bencher, &addresses(items));
    }
}

#[divan::bench_group]
mod describe_security_group_policies {
    use super::*;

    #[divan::bench(args = [100, 1000])]
    fn client_decode(bencher: Bencher, items: usize) {
        bench_client::<DescribeSecurityGroupPoliciesResponse, DescribeSecurityGroupPoliciesError>(
            bencher,
            &policies(items),
        );
    }

    #[divan::bench(args = [100, 1000])]
    fn floor_from_slice(bencher: Bencher, items: usize) {
        bench_floor::<DescribeSecurityGroupPoliciesResponse>(bencher, &policies(items));
    }
}

/// An error answer: the typed error, with code, message and RequestId.
#[divan::bench]
fn error_answer(bencher: Bencher) {
    let body = br#"{"Response":{"Error":{"Code":"ResourceNotFound","Message":"The resource does not exist."},"RequestId":"6e9ef4f0-2b5a-4d4a-9f0e-9d4b1a3c7e21"}}"#;
    bencher.bench(|| {
        let outcome = decode::<DescribeVpcsResponse, DescribeVpcsError>(RawAnswer {
            status: 200,
            content_type: Some("application/json"),
            body: black_box(body),
        });
        matches!(outcome, Err(Error::Service(_)))
    });
}
