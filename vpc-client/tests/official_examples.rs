//! Every example answer Tencent publishes (`api-spec/sources/intl/examples.json`, verbatim
//! from tccli-intl-en 3.1.193.1, and `api-spec/sources/china/examples.json`, from tccli
//! 3.1.189.1) decodes into its action's generated response type, as
//! the client decodes a body off the wire: `vpc_client::decode` on the published bytes,
//! whether or not the example's request could be converted.
//!
//! Two kinds of published answer cannot: text that is not JSON (a raw line break inside
//! a string), and an answer without `RequestId`, which the decoding rule requires. Both
//! are counted and must fail with an error that says why, never with a panic or a
//! success.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use vpc_client::{
    Action, ActionError, ActionVisitor, Error, RawAnswer, ResponseError, ResponseErrorKind, decode,
};

/// Each site's `examples.json`: its name, its text, and how many published answers it
/// has (the sources are pinned).
const SITES: [(&str, &str, usize); 2] = [
    (
        "intl",
        include_str!("../../api-spec/sources/intl/examples.json"),
        370,
    ),
    (
        "china",
        include_str!("../../api-spec/sources/china/examples.json"),
        521,
    ),
];

/// How one action's answers are decoded, without naming its types: `Ok(None)` for a
/// typed response, `Ok(Some(code))` for a typed error.
type Decode = fn(&[u8]) -> Result<Option<String>, Box<ResponseError>>;

#[derive(Default)]
struct Decoders(BTreeMap<&'static str, Decode>);

impl ActionVisitor for Decoders {
    fn visit<A>(&mut self)
    where
        A: Action + DeserializeOwned + Send + 'static,
        A::Response: serde::Serialize,
    {
        self.0.insert(A::NAME, decode_as::<A>);
    }
}

fn decode_as<A: Action>(body: &[u8]) -> Result<Option<String>, Box<ResponseError>> {
    let answer = RawAnswer {
        status: 200,
        content_type: Some("application/json"),
        body,
    };
    match decode::<A::Response, A::Error>(answer) {
        Ok(_) => Ok(None),
        Err(Error::Response(response)) => Err(response),
        // A documented error answer decodes to the typed error: that is a decode too.
        Err(Error::Service(error)) => Ok(Some(error.service_error().code.clone())),
        Err(other) => panic!("decoding cannot fail otherwise: {other}"),
    }
}

/// What one site's published answers did: decoded, not JSON, without `RequestId`.
fn decode_site(decoders: &Decoders, text: &str) -> (usize, Vec<String>, Vec<String>) {
    let examples: Value = serde_json::from_str(text).expect("examples.json is JSON");
    let actions = examples["actions"].as_object().expect("actions");
    let (mut decoded, mut not_json, mut without_request_id) = (0, Vec::new(), Vec::new());
    for (action, list) in actions {
        let decode = decoders.0.get(action.as_str()).unwrap_or_else(|| {
            panic!("examples.json has `{action}`, the generated client does not")
        });
        for example in list.as_array().expect("a list of examples") {
            let title = example["title"].as_str().unwrap_or_default();
            let text = example["output"].as_str().expect("output text");
            let parsed: Option<Value> = serde_json::from_str(text).ok();
            let result = decode(text.as_bytes());
            match parsed {
                None => {
                    let err = result.expect_err("text that is not JSON cannot decode");
                    assert!(
                        matches!(err.kind, ResponseErrorKind::NotJson { .. }),
                        "{action} {title}: {err}"
                    );
                    not_json.push(format!("{action} \"{title}\""));
                }
                Some(value) if value["Response"].get("RequestId").is_none() => {
                    let err = result.expect_err("no RequestId");
                    assert!(err.to_string().contains("RequestId"), "{action}: {err}");
                    without_request_id.push(format!("{action} \"{title}\""));
                }
                Some(value) => {
                    let code = result.unwrap_or_else(|e| panic!("{action} \"{title}\": {e}"));
                    // An error answer decodes to the typed error with the example's code.
                    let published = value["Response"]["Error"]["Code"].as_str();
                    assert_eq!(code.as_deref(), published, "{action} \"{title}\"");
                    decoded += 1;
                }
            }
        }
    }
    (decoded, not_json, without_request_id)
}

#[test]
fn every_published_example_answer_of_both_sites_decodes_into_its_typed_response() {
    let mut decoders = Decoders::default();
    vpc_client::vpc::visit_actions(&mut decoders);
    let mut counts = Vec::new();
    for (site, text, published) in SITES {
        let (decoded, not_json, without_request_id) = decode_site(&decoders, text);
        println!(
            "{site}: {decoded} published answers decoded; not JSON: {} ({}); without RequestId: {} ({})",
            not_json.len(),
            not_json.join(", "),
            without_request_id.len(),
            without_request_id.join(", ")
        );
        assert_eq!(
            decoded + not_json.len() + without_request_id.len(),
            published,
            "{site}: every published answer is counted"
        );
        counts.push((site, decoded, not_json.len(), without_request_id.len()));
    }
    assert_eq!(counts, [("intl", 363, 1, 6), ("china", 521, 0, 0)]);
}
