//! Property tests: `vpc_client::decode` (the public response decoder the client uses) on
//! arbitrary bytes, status codes and content types, and on valid `ResetVpnConnection`
//! envelopes (success and error) mutated: truncated, members replaced by other JSON
//! types, removed or renamed, huge strings, deep nesting.
//!
//! Whatever the input: no panic and no stack overflow; every result is `Ok`,
//! `Error::Service` or `Error::Response`. A valid success envelope with a 2xx status
//! decodes to `Ok` with its RequestId; a valid error envelope decodes to the typed error
//! with code, message and RequestId kept, whatever the status. Checked for every input
//! against the body itself (parsed here with serde_json): an `Ok` only for a 2xx status
//! and a `Response` object without `Error`, with the body's own RequestId; a string
//! `Code` and `Message` always give `Error::Service` with the body's code, message and
//! RequestId; a `ResponseError` carries the answer's status and content type and no
//! RequestId other than the body's; the `Content-Type` never changes the outcome.
//!
//! Cases: each property has its own default (128 or 256); `PROPTEST_CASES=<n>` replaces
//! every default.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value, json};
use vpc_client::vpc::{CommonError, ResetVpnConnectionError, ResetVpnConnectionResponse};
use vpc_client::{ActionError, Error, RawAnswer, ResponseError, ServiceError, decode};

type Outcome = Result<ResetVpnConnectionResponse, Error<ResetVpnConnectionError>>;

/// `default_cases`, unless `PROPTEST_CASES` says otherwise. (`with_cases` would override
/// the variable that `ProptestConfig::default()` reads, so read it here.)
fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn decode_reset(status: u16, content_type: Option<&str>, body: &[u8]) -> Outcome {
    decode::<ResetVpnConnectionResponse, ResetVpnConnectionError>(RawAnswer {
        status,
        content_type,
        body,
    })
}

// ---- the oracle --------------------------------------------------------------------

/// Decodes one answer and checks it against the body; returns the outcome.
fn check(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<Outcome, TestCaseError> {
    let outcome = decode_reset(status, content_type, body);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let response = parsed
        .as_ref()
        .and_then(|v| v.get("Response"))
        .and_then(Value::as_object);
    let body_id = response
        .and_then(|r| r.get("RequestId"))
        .and_then(Value::as_str);
    let error = response.and_then(|r| r.get("Error"));
    let code = error.and_then(|e| e.get("Code")).and_then(Value::as_str);
    let message = error.and_then(|e| e.get("Message")).and_then(Value::as_str);

    match &outcome {
        Ok(decoded) => {
            prop_assert!((200..300).contains(&status), "Ok for HTTP {}", status);
            prop_assert!(response.is_some(), "Ok without a `Response` object");
            prop_assert!(error.is_none(), "Ok for a body with `Response.Error`");
            prop_assert_eq!(Some(decoded.request_id.as_str()), body_id);
        }
        Err(Error::Service(typed)) => {
            let service = typed.service_error();
            prop_assert_eq!(Some(service.code.as_str()), code);
            prop_assert_eq!(Some(service.message.as_str()), message);
            prop_assert_eq!(service.request_id.as_deref(), body_id);
            prop_assert!(!typed.to_string().is_empty());
        }
        Err(Error::Response(response_error)) => {
            prop_assert!(
                code.is_none() || message.is_none(),
                "a string Code and Message did not give a service error: {}",
                response_error
            );
            check_response_error(response_error, status, content_type, body, body_id)?;
        }
        Err(other) => {
            return Err(TestCaseError::fail(format!(
                "decoding produced a non-answer error: {other:?}"
            )));
        }
    }
    Ok(outcome)
}

fn check_response_error(
    error: &ResponseError,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    body_id: Option<&str>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(error.status, status);
    prop_assert_eq!(error.content_type.as_deref(), content_type);
    if let Some(id) = &error.request_id {
        prop_assert_eq!(Some(id.as_str()), body_id, "a RequestId not from the body");
    }
    // The excerpt is the start of the body: at most EXCERPT_BYTES bytes, each of
    // which decodes to at most one U+FFFD (3 bytes), plus the note of what was cut.
    let limit = ResponseError::EXCERPT_BYTES;
    prop_assert!(error.body_excerpt.len() <= 3 * limit + 40);
    if body.len() <= limit {
        prop_assert_eq!(&error.body_excerpt, &String::from_utf8_lossy(body));
    } else {
        let note = format!("… ({} more bytes)", body.len() - limit);
        prop_assert!(
            error.body_excerpt.ends_with(&note),
            "{}",
            error.body_excerpt
        );
    }
    let rendered = error.to_string();
    let status_text = format!("HTTP {status}");
    prop_assert!(rendered.contains(&status_text));
    Ok(())
}

/// The outcome with the content type taken out, to compare two decodings.
fn normalized(outcome: Outcome) -> Result<ResetVpnConnectionResponse, String> {
    match outcome {
        Ok(response) => Ok(response),
        Err(Error::Service(typed)) => Err(format!("service {typed:?}")),
        Err(Error::Response(mut error)) => {
            error.content_type = None;
            Err(format!("response {error:?}"))
        }
        Err(other) => Err(format!("other {other:?}")),
    }
}

// ---- strategies --------------------------------------------------------------------

fn statuses() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        3 => prop::sample::select(vec![
            200u16, 201, 204, 299, 300, 302, 400, 401, 403, 404, 413, 429, 500, 502, 503, 504,
        ]),
        1 => any::<u16>(),
    ]
}

fn success_statuses() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), 200u16..300]
}

fn content_types() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            "application/json",
            "application/json; charset=utf-8",
            "text/html",
            "text/plain; charset=iso-8859-1",
            "",
        ])
        .prop_map(|s| Some(s.to_owned())),
        any::<String>().prop_map(Some),
    ]
}

fn request_ids() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        1 => Just(String::new()),
        1 => any::<String>(),
        // Strings of every kind of escape serde_json writes.
        1 => "[\"\\\\/\u{0}-\u{1f}\u{7f}é\u{2028}\u{1F600}]{0,30}",
        // Huge.
        1 => (1usize..200_000).prop_map(|n| "x".repeat(n)),
    ]
}

/// The codes the action documents, some common ones, and codes no client knows.
fn codes() -> impl Strategy<Value = String> {
    let mut known: Vec<&'static str> = ResetVpnConnectionError::DOCUMENTED_CODES.to_vec();
    known.extend([
        "AuthFailure.SignatureFailure",
        "AuthFailure.SignatureExpire",
        "RequestLimitExceeded",
        "InternalError",
        "UnsupportedRegion",
    ]);
    prop_oneof![
        3 => prop::sample::select(known).prop_map(str::to_owned),
        1 => "Zz[A-Za-z]{0,10}(\\.[A-Za-z]{1,10}){0,2}",
        1 => any::<String>(),
    ]
}

fn messages() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ -~]{0,80}",
        1 => any::<String>(),
        1 => (1usize..100_000).prop_map(|n| "é".repeat(n)),
    ]
}

/// Extra members a newer server may add to `Response`: ignored on success.
fn extras() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec(("[A-Z][A-Za-z]{0,12}", json_values()), 0..3).prop_map(|members| {
        members
            .into_iter()
            .filter(|(k, _)| k != "RequestId" && k != "Error")
            .collect()
    })
}

/// Arbitrary JSON of a small depth.
fn json_values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "RequestId",
            "Error",
            "Code",
            "Message",
            "Response",
            ""
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[A-Za-z]{1,10}|\\PC{0,6}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn success_envelope(id: &str, extras: &[(String, Value)]) -> Value {
    let mut response = Map::new();
    response.insert("RequestId".to_owned(), Value::String(id.to_owned()));
    for (key, value) in extras {
        response.insert(key.clone(), value.clone());
    }
    json!({ "Response": response })
}

fn error_envelope(code: &str, message: &str, id: &str) -> Value {
    json!({
        "Response": {
            "Error": { "Code": code, "Message": message },
            "RequestId": id,
        }
    })
}

fn serialize(value: &Value, pretty: bool) -> Vec<u8> {
    let text = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    text.expect("a Value always serializes")
}

// ---- mutations ---------------------------------------------------------------------

/// Every JSON pointer of `value`, the root included.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, here: String, out: &mut Vec<String>) {
        out.push(here.clone());
        match value {
            Value::Object(members) => {
                for (key, child) in members {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{here}/{token}"), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{here}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

#[derive(Debug, Clone)]
enum TreeMutation {
    /// The value at a pointer becomes another value (usually of another type).
    Replace(Index, Value),
    /// The member or item at a pointer disappears (`RequestId` missing, ...).
    Remove(Index),
    /// An object member gets another name.
    Rename(Index, String),
    /// The value at a pointer is wrapped in `depth` arrays.
    Nest(Index, usize),
}

#[derive(Debug, Clone)]
enum ByteMutation {
    Truncate(Index),
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
}

fn tree_mutations() -> impl Strategy<Value = TreeMutation> {
    prop_oneof![
        3 => (any::<Index>(), json_values()).prop_map(|(at, v)| TreeMutation::Replace(at, v)),
        2 => any::<Index>().prop_map(TreeMutation::Remove),
        1 => (any::<Index>(), prop_oneof![
            prop::sample::select(vec!["RequestId", "requestId", "Error", "Code", "Message", "Response", ""])
                .prop_map(str::to_owned),
            "\\PC{0,8}",
        ])
            .prop_map(|(at, name)| TreeMutation::Rename(at, name)),
        1 => (any::<Index>(), prop_oneof![1usize..130, 130usize..1_000])
            .prop_map(|(at, depth)| TreeMutation::Nest(at, depth)),
    ]
}

fn byte_mutations() -> impl Strategy<Value = ByteMutation> {
    prop_oneof![
        any::<Index>().prop_map(ByteMutation::Truncate),
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| ByteMutation::Flip(at, b)),
        (
            any::<Index>(),
            prop_oneof![
                prop::sample::select(vec![
                    &b"{"[..],
                    b"}",
                    b"[",
                    b"]",
                    b"\"",
                    b",",
                    b":",
                    b"null",
                    b"\\",
                    b"\xff",
                    b"\xc3",
                ])
                .prop_map(<[u8]>::to_vec),
                prop::collection::vec(any::<u8>(), 1..8),
            ]
        )
            .prop_map(|(at, bytes)| ByteMutation::Insert(at, bytes)),
        (any::<Index>(), 1usize..20).prop_map(|(at, n)| ByteMutation::Delete(at, n)),
    ]
}

fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let (parent, token) = pointer.rsplit_once('/')?;
    Some((parent, token.replace("~1", "/").replace("~0", "~")))
}

fn apply_tree(root: &mut Value, mutation: &TreeMutation) {
    let all = pointers(root);
    let pick = |index: &Index| all[index.index(all.len())].clone();
    match mutation {
        TreeMutation::Replace(at, value) => {
            if let Some(node) = root.pointer_mut(&pick(at)) {
                *node = value.clone();
            }
        }
        TreeMutation::Remove(at) => {
            let pointer = pick(at);
            let Some((parent, token)) = split_pointer(&pointer) else {
                return;
            };
            match root.pointer_mut(parent) {
                Some(Value::Object(members)) => {
                    members.shift_remove(&token);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = token.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
        }
        TreeMutation::Rename(at, name) => {
            let pointer = pick(at);
            let Some((parent, token)) = split_pointer(&pointer) else {
                return;
            };
            if let Some(Value::Object(members)) = root.pointer_mut(parent) {
                let renamed: Map<String, Value> = std::mem::take(members)
                    .into_iter()
                    .map(|(k, v)| {
                        if k == token {
                            (name.clone(), v)
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
                *members = renamed;
            }
        }
        TreeMutation::Nest(at, depth) => {
            if let Some(node) = root.pointer_mut(&pick(at)) {
                // Built iteratively; serde_json's Drop for Value is recursive, so stay
                // well below what the test thread's stack holds when it is dropped.
                let mut nested = node.take();
                for _ in 0..*depth {
                    nested = Value::Array(vec![nested]);
                }
                *node = nested;
            }
        }
    }
}

fn apply_bytes(body: &mut Vec<u8>, mutation: &ByteMutation) {
    let at = |index: &Index, len: usize| index.index(len + 1);
    match mutation {
        ByteMutation::Truncate(index) => body.truncate(at(index, body.len())),
        ByteMutation::Flip(index, byte) => {
            if !body.is_empty() {
                let i = index.index(body.len());
                body[i] = *byte;
            }
        }
        ByteMutation::Insert(index, bytes) => {
            let i = at(index, body.len());
            body.splice(i..i, bytes.iter().copied());
        }
        ByteMutation::Delete(index, n) => {
            let i = at(index, body.len());
            let end = (i + n).min(body.len());
            body.drain(i..end);
        }
    }
}

/// A valid success or error envelope.
fn envelopes() -> impl Strategy<Value = Value> {
    prop_oneof![
        (request_ids(), extras()).prop_map(|(id, extras)| success_envelope(&id, &extras)),
        (codes(), messages(), request_ids())
            .prop_map(|(code, message, id)| error_envelope(&code, &message, &id)),
    ]
}

// ---- the properties -----------------------------------------------------------------

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [127, 128, 129, 1_000, 10_000, 1_000_000] {
        for body in [
            "[".repeat(depth),
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
            format!(
                "{{\"Response\":{{\"RequestId\":\"id\",\"X\":{}0{}}}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            format!("{}{}", "{\"Response\":".repeat(depth), "}".repeat(depth)),
        ] {
            let outcome = check(200, Some("application/json"), body.as_bytes())
                .unwrap_or_else(|e| panic!("depth {depth}: {e}"));
            if depth >= 128 {
                assert!(outcome.is_err(), "depth {depth}");
            }
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Any bytes, any status, any content type.
    #[test]
    fn arbitrary_answers(
        status in statuses(),
        content_type in content_types(),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2_000),
            any::<String>().prop_map(String::into_bytes),
            json_values().prop_map(|v| serialize(&v, false)),
        ],
    ) {
        let _ = check(status, content_type.as_deref(), &body)?;
    }

    /// A valid success envelope with a 2xx status: `Ok` with its RequestId, whatever
    /// else `Response` carries and whatever the content type says.
    #[test]
    fn valid_success_decodes(
        status in success_statuses(),
        content_type in content_types(),
        id in request_ids(),
        extras in extras(),
        pretty in any::<bool>(),
    ) {
        let body = serialize(&success_envelope(&id, &extras), pretty);
        match check(status, content_type.as_deref(), &body)? {
            Ok(response) => prop_assert_eq!(response.request_id, id),
            Err(error) => prop_assert!(false, "a valid success failed: {:?}", error),
        }
    }

    /// A valid error envelope, any status: the typed error, code, message and
    /// RequestId kept; common codes decode to `Common` (documented or not), the other
    /// documented codes to their own variant, unknown ones to `Unknown`.
    #[test]
    fn valid_error_decodes(
        status in statuses(),
        content_type in content_types(),
        code in codes(),
        message in messages(),
        id in request_ids(),
        pretty in any::<bool>(),
    ) {
        let body = serialize(&error_envelope(&code, &message, &id), pretty);
        match check(status, content_type.as_deref(), &body)? {
            Err(Error::Service(typed)) => {
                let expected = ServiceError { code: code.clone(), message, request_id: Some(id) };
                prop_assert_eq!(typed.service_error(), &expected);
                let unknown = matches!(typed, ResetVpnConnectionError::Unknown(_));
                let common = CommonError::CODES.contains(&code.as_str());
                prop_assert_eq!(
                    typed.common().map(|c| c.service_error()),
                    common.then_some(&expected),
                    "code {} and the common variant disagree", &code
                );
                if ResetVpnConnectionError::DOCUMENTED_CODES.contains(&code.as_str()) {
                    prop_assert!(!unknown, "documented code {} decoded as Unknown", code);
                }
                if code.starts_with("Zz") {
                    prop_assert!(unknown, "made-up code {} got a variant", code);
                }
            }
            other => prop_assert!(false, "a valid error decoded as {:?}", other),
        }
    }

    /// The `Content-Type` never decides how a body is read.
    #[test]
    fn content_type_never_changes_the_outcome(
        status in statuses(),
        a in content_types(),
        b in content_types(),
        body in prop_oneof![
            envelopes().prop_map(|v| serialize(&v, false)),
            prop::collection::vec(any::<u8>(), 0..200),
        ],
    ) {
        let one = normalized(check(status, a.as_deref(), &body)?);
        let two = normalized(check(status, b.as_deref(), &body)?);
        prop_assert_eq!(one, two);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Valid envelopes with one to four JSON-level mutations: wrong types, missing or
    /// renamed members (`RequestId`, `Error`, `Code`, ...), deep nesting.
    #[test]
    fn mutated_envelopes(
        envelope in envelopes(),
        mutations in prop::collection::vec(tree_mutations(), 1..5),
        status in statuses(),
        content_type in content_types(),
        pretty in any::<bool>(),
    ) {
        let mut value = envelope;
        for mutation in &mutations {
            apply_tree(&mut value, mutation);
        }
        let _ = check(status, content_type.as_deref(), &serialize(&value, pretty))?;
    }

    /// Valid envelopes with byte-level damage: truncated, bytes flipped (invalid UTF-8
    /// included), JSON punctuation inserted, spans deleted.
    #[test]
    fn damaged_envelopes(
        envelope in envelopes(),
        mutations in prop::collection::vec(byte_mutations(), 1..5),
        status in statuses(),
        content_type in content_types(),
        pretty in any::<bool>(),
    ) {
        let mut body = serialize(&envelope, pretty);
        for mutation in &mutations {
            apply_bytes(&mut body, mutation);
        }
        let _ = check(status, content_type.as_deref(), &body)?;
    }

    /// Every truncation of a valid envelope is an error (a prefix of one JSON object is
    /// never a JSON object), and never one with another RequestId.
    #[test]
    fn truncated_envelopes(envelope in envelopes(), cut in any::<Index>(), status in statuses()) {
        let body = serialize(&envelope, false);
        let cut = cut.index(body.len());
        let outcome = check(status, Some("application/json"), &body[..cut])?;
        prop_assert!(outcome.is_err());
    }
}
