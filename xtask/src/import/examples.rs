//! Examples conversion: tccli's request texts become JSON request bodies of the declared
//! types, checked against the schema the local endpoint enforces; responses are kept as
//! published.
//!
//! A request is either HTTP text (`POST / HTTP/1.1`, headers, the `<Common request
//! parameters>` placeholder, a blank line, a JSON body) or a GET URL with one parameter per
//! line (`https://host/?Action=X`, `&Key=value`, dotted keys for nesting). Both become a
//! JSON object: the API 3.0 common parameters are dropped (`Action` and `Version` must
//! match), values are coerced to the declared member types, and the result must pass the
//! endpoint's own check, [`api_spec::validate`] (required members present, no undeclared
//! member, every value of its declared JSON type, recursively). Anything else is a [`Failure`] with a reason; the
//! caller reports it, nothing is dropped silently.

use std::collections::BTreeMap;

use api_spec::locate::serde_json_position;
use api_spec::model::{Example, Member, Object};
use api_spec::validate::{self, Declared, describe_value};
use serde_json::{Map, Number, Value};

use super::tccli::ApiExample;

/// The API 3.0 common parameters; they travel as headers, never in a request body.
pub(crate) const COMMON_PARAMETERS: &[&str] = &[
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// What an example is checked against: the action's input members and the spec's objects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schema<'a> {
    /// The action name (`X-TC-Action` and a GET's `Action` must equal it).
    pub(crate) action: &'a str,
    /// The API version (a GET's `Version` or an `X-TC-Version` header must equal it).
    pub(crate) version: &'a str,
    /// The action's input members.
    pub(crate) input: &'a [Member],
    /// The spec's object types.
    pub(crate) objects: &'a BTreeMap<String, Object>,
}

/// A converted example.
#[derive(Debug)]
pub(crate) struct Converted {
    /// The spec's example.
    pub(crate) example: Example,
    /// Things worth a look that did not stop the conversion.
    pub(crate) notes: Vec<String>,
    /// How many values were coerced to their declared type.
    pub(crate) coerced: usize,
}

/// Why an example was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The kind of problem, for grouping in the summary.
    pub(crate) kind: SkipKind,
    /// What exactly is wrong.
    pub(crate) reason: String,
}

/// Kinds of skipped examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipKind {
    /// Neither HTTP text nor a GET URL.
    UnrecognizedRequest,
    /// A line that is neither a header, a parameter nor the placeholder.
    MalformedRequest,
    /// `Action`/`X-TC-Action` names another action.
    ActionMismatch,
    /// `Version`/`X-TC-Version` names another API version.
    VersionMismatch,
    /// The POST body is not a JSON object.
    BodyNotJson,
    /// A GET key given twice, or both a value and a container.
    ConflictingKeys,
    /// A GET list with a missing index.
    ListGap,
    /// The converted body does not pass the endpoint's check.
    SchemaMismatch,
    /// The response text is not JSON.
    OutputNotJson,
    /// The response is JSON but not `{"Response": {...}}`.
    OutputShape,
    /// `examples.json` has examples for an action `api.json` does not declare.
    UnknownAction,
}

impl SkipKind {
    /// A short label for the summary.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::UnrecognizedRequest => "request is neither HTTP text nor a GET URL",
            Self::MalformedRequest => "malformed request line",
            Self::ActionMismatch => "request names another action",
            Self::VersionMismatch => "request names another API version",
            Self::BodyNotJson => "request body is not a JSON object",
            Self::ConflictingKeys => "conflicting GET parameters",
            Self::ListGap => "GET list index missing",
            Self::SchemaMismatch => "input does not match the declared members",
            Self::OutputNotJson => "output is not JSON",
            Self::OutputShape => "output is not {\"Response\": {...}}",
            Self::UnknownAction => "action not in api.json",
        }
    }
}

fn fail(kind: SkipKind, reason: impl Into<String>) -> Failure {
    Failure {
        kind,
        reason: reason.into(),
    }
}

/// Converts one example of `schema.action`.
pub(crate) fn convert(example: &ApiExample, schema: &Schema<'_>) -> Result<Converted, Failure> {
    let mut notes = Vec::new();
    let mut body = request_body(&example.input, schema, &mut notes)?;
    let mut coerced = 0;
    coerce_object(&mut body, schema.input, schema.objects, &mut coerced);
    let params = validate::model_params(schema.input, schema.objects);
    let problems: Vec<String> = validate::check(&params, &body)
        .iter()
        .map(ToString::to_string)
        .collect();
    if !problems.is_empty() {
        return Err(fail(SkipKind::SchemaMismatch, problems.join("; ")));
    }
    let output = response(&example.output, &mut notes)?;
    Ok(Converted {
        example: Example {
            title: example.title.clone(),
            document: example.document.clone(),
            title_zh: None,
            document_zh: None,
            input: Value::Object(body),
            output,
        },
        notes,
        coerced,
    })
}

// ---------------------------------------------------------------------------------------
// Request text -> JSON object.

/// The request body of an example input, common parameters dropped.
pub(crate) fn request_body(
    text: &str,
    schema: &Schema<'_>,
    notes: &mut Vec<String>,
) -> Result<Map<String, Value>, Failure> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    let Some(start) = lines.iter().position(|line| !line.trim().is_empty()) else {
        return Err(fail(SkipKind::UnrecognizedRequest, "the request is empty"));
    };
    let first = lines[start].trim();
    let mut body = if first.starts_with("POST ") {
        http_body(&lines[start + 1..], schema, notes)?
    } else if first.starts_with("https://") || first.starts_with("http://") {
        query_body(&lines[start..], schema, notes)?
    } else {
        return Err(fail(
            SkipKind::UnrecognizedRequest,
            format!("the request starts with `{first}`, neither `POST` nor a URL"),
        ));
    };
    drop_common_parameters(&mut body, schema)?;
    Ok(body)
}

/// Whether a line is tccli's stand-in for the common parameters: `<Common request
/// parameters>` in any case, singular or plural, or in the Chinese descriptions
/// `<公共请求参数>` (also `<公共参数>`, `<其他公共请求参数与 TC3 签名>`), with or without a
/// leading `&`.
pub(crate) fn is_placeholder(line: &str) -> bool {
    let line = line.trim();
    let line = line.strip_prefix('&').unwrap_or(line).trim();
    line.strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .is_some_and(|inner| {
            let inner = inner.trim();
            inner.contains("公共请求参数")
                || inner.contains("公共参数")
                || inner
                    .to_ascii_lowercase()
                    .starts_with("common request parameter")
        })
}

/// Headers after the request line, then the JSON body.
fn http_body(
    lines: &[&str],
    schema: &Schema<'_>,
    notes: &mut Vec<String>,
) -> Result<Map<String, Value>, Failure> {
    let mut body_start = lines.len();
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            body_start = index + 1;
            break;
        }
        if line.trim_start().starts_with('{') {
            notes.push("no blank line between the headers and the body".to_owned());
            body_start = index;
            break;
        }
        if is_placeholder(line) {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(fail(
                SkipKind::MalformedRequest,
                format!("`{line}` is neither a header nor the common-parameters placeholder"),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("X-TC-Action") && value != schema.action {
            return Err(fail(
                SkipKind::ActionMismatch,
                format!("X-TC-Action is `{value}`, not `{}`", schema.action),
            ));
        }
        if name.eq_ignore_ascii_case("X-TC-Version") && value != schema.version {
            return Err(fail(
                SkipKind::VersionMismatch,
                format!("X-TC-Version is `{value}`, not `{}`", schema.version),
            ));
        }
    }
    let text = lines.get(body_start..).unwrap_or_default().join("\n");
    if text.trim().is_empty() {
        return Err(fail(SkipKind::BodyNotJson, "the request has no body"));
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(other) => Err(fail(
            SkipKind::BodyNotJson,
            format!("the body is {}, not an object", describe_value(&other)),
        )),
        Err(err) => {
            let (at, message) = serde_json_position(&text, &err);
            Err(fail(
                SkipKind::BodyNotJson,
                format!(
                    "the body is not JSON: {message} (body line {}, column {})",
                    at.line, at.column
                ),
            ))
        }
    }
}

/// `https://host/?Action=X` then `&Key=value` lines (or all on one line): the pairs in
/// order, percent-decoded, dotted keys nested.
fn query_body(
    lines: &[&str],
    schema: &Schema<'_>,
    notes: &mut Vec<String>,
) -> Result<Map<String, Value>, Failure> {
    let pairs = query_pairs(lines, notes)?;
    let mut root = Node::Map(Vec::new());
    for (key, value) in pairs {
        if !key.contains('.') && is_dropped(&key, schema) {
            check_common(&key, &value, schema)?;
            continue;
        }
        let segments: Vec<&str> = key.split('.').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(fail(
                SkipKind::MalformedRequest,
                format!("`{key}` has an empty segment"),
            ));
        }
        root.place(&key, &segments, value)?;
    }
    match root.into_value("")? {
        Value::Object(body) => Ok(body),
        _ => Ok(Map::new()),
    }
}

/// The decoded `key=value` pairs of a GET URL spread over lines.
pub(crate) fn query_pairs(
    lines: &[&str],
    notes: &mut Vec<String>,
) -> Result<Vec<(String, String)>, Failure> {
    let mut pairs = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let part = if index == 0 {
            match line.split_once('?') {
                Some((_, query)) => query,
                None => "",
            }
        } else {
            line
        };
        for item in part.split('&') {
            let item = item.trim();
            if item.is_empty() || is_placeholder(item) {
                continue;
            }
            let Some((key, value)) = item.split_once('=') else {
                return Err(fail(
                    SkipKind::MalformedRequest,
                    format!("`{item}` is not `key=value`"),
                ));
            };
            let decoded_key = percent_decode(key)?;
            let decoded_value = percent_decode(value)?;
            if item.contains('+') {
                notes.push(format!(
                    "`{item}`: `+` kept as a plus sign (percent-decoding only, not form decoding)"
                ));
            }
            pairs.push((decoded_key, decoded_value));
        }
    }
    Ok(pairs)
}

/// Percent-decoding (RFC 3986): `%XX` is a byte; a `%` not followed by two hex digits
/// stays as it is, and so does `+` (the examples are written by hand: `+08:00` in a time
/// means plus, so `+` is not read as a space as form encoding would). The bytes must be
/// UTF-8.
pub(crate) fn percent_decode(text: &str) -> Result<String, Failure> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        fail(
            SkipKind::MalformedRequest,
            format!("`{text}` does not decode to UTF-8 text"),
        )
    })
}

/// Whether a top-level key is a common parameter to drop (an action may declare a member
/// of the same name; then it is a member).
fn is_dropped(key: &str, schema: &Schema<'_>) -> bool {
    COMMON_PARAMETERS.contains(&key) && !schema.input.iter().any(|m| m.name == key)
}

/// `Action` must name the action, `Version` the API version.
fn check_common(key: &str, value: &str, schema: &Schema<'_>) -> Result<(), Failure> {
    match key {
        "Action" if value != schema.action => Err(fail(
            SkipKind::ActionMismatch,
            format!("Action is `{value}`, not `{}`", schema.action),
        )),
        "Version" if value != schema.version => Err(fail(
            SkipKind::VersionMismatch,
            format!("Version is `{value}`, not `{}`", schema.version),
        )),
        _ => Ok(()),
    }
}

fn drop_common_parameters(
    body: &mut Map<String, Value>,
    schema: &Schema<'_>,
) -> Result<(), Failure> {
    let dropped: Vec<String> = body
        .keys()
        .filter(|key| is_dropped(key, schema))
        .cloned()
        .collect();
    for key in dropped {
        if let Some(value) = body.remove(&key) {
            let text = match &value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            check_common(&key, &text, schema)?;
        }
    }
    Ok(())
}

/// A GET parameter tree under construction.
#[derive(Debug)]
enum Node {
    /// Not yet known: created by a key that goes deeper.
    Empty,
    /// A value.
    Leaf(String),
    /// Named members, in first-seen order.
    Map(Vec<(String, Node)>),
    /// Indexed elements.
    List(BTreeMap<usize, Node>),
}

impl Node {
    fn place(&mut self, key: &str, rest: &[&str], value: String) -> Result<(), Failure> {
        let conflict = |what: &str| fail(SkipKind::ConflictingKeys, format!("`{key}` {what}"));
        let Some((segment, deeper)) = rest.split_first() else {
            return match self {
                Self::Empty => {
                    *self = Self::Leaf(value);
                    Ok(())
                }
                Self::Leaf(old) => Err(conflict(&format!(
                    "is given twice (`{old}`, then `{value}`)"
                ))),
                Self::Map(_) | Self::List(_) => {
                    Err(conflict("is given a value and also has members"))
                }
            };
        };
        if let Some(index) = list_index(segment) {
            if matches!(self, Self::Empty) {
                *self = Self::List(BTreeMap::new());
            }
            match self {
                Self::List(items) => items
                    .entry(index)
                    .or_insert(Self::Empty)
                    .place(key, deeper, value),
                Self::Leaf(_) => Err(conflict("goes inside a parameter that has a value")),
                _ => Err(conflict("mixes list indexes and member names")),
            }
        } else {
            if matches!(self, Self::Empty) {
                *self = Self::Map(Vec::new());
            }
            match self {
                Self::Map(members) => {
                    let position = match members.iter().position(|(name, _)| name == segment) {
                        Some(position) => position,
                        None => {
                            members.push(((*segment).to_owned(), Self::Empty));
                            members.len() - 1
                        }
                    };
                    members[position].1.place(key, deeper, value)
                }
                Self::Leaf(_) => Err(conflict("goes inside a parameter that has a value")),
                _ => Err(conflict("mixes list indexes and member names")),
            }
        }
    }

    /// The JSON value; `path` is the dotted key of this node.
    fn into_value(self, path: &str) -> Result<Value, Failure> {
        let join = |segment: &str| {
            if path.is_empty() {
                segment.to_owned()
            } else {
                format!("{path}.{segment}")
            }
        };
        Ok(match self {
            Self::Empty => Value::Null,
            Self::Leaf(text) => Value::String(text),
            Self::Map(members) => {
                let mut map = Map::new();
                for (name, node) in members {
                    let value = node.into_value(&join(&name))?;
                    map.insert(name, value);
                }
                Value::Object(map)
            }
            Self::List(items) => {
                if let Some(missing) = (0..items.len()).find(|i| !items.contains_key(i)) {
                    let given: Vec<String> = items.keys().map(usize::to_string).collect();
                    return Err(fail(
                        SkipKind::ListGap,
                        format!(
                            "list `{path}` has indexes {} ({missing} is missing)",
                            given.join(", ")
                        ),
                    ));
                }
                let mut values = Vec::with_capacity(items.len());
                for (index, node) in items {
                    values.push(node.into_value(&join(&index.to_string()))?);
                }
                Value::Array(values)
            }
        })
    }
}

/// A dotted-key segment that is a list index (decimal digits).
fn list_index(segment: &str) -> Option<usize> {
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        segment.parse().ok()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Coercion to the declared types.

fn coerce_object(
    object: &mut Map<String, Value>,
    members: &[Member],
    objects: &BTreeMap<String, Object>,
    coerced: &mut usize,
) {
    for (key, value) in object.iter_mut() {
        if let Some(member) = members.iter().find(|m| m.name == *key) {
            coerce(value, &Declared::of_member(member), objects, coerced);
        }
    }
}

/// Text holding a number or boolean (`true`/`false` in any case: some examples write
/// Python's `True`) where one is declared becomes that number or boolean; a number or boolean where a string is declared becomes its text. Anything
/// else is left for the check to report.
fn coerce(
    value: &mut Value,
    shape: &Declared<'_>,
    objects: &BTreeMap<String, Object>,
    coerced: &mut usize,
) {
    let replacement = match (shape, &mut *value) {
        (Declared::String, Value::Number(n)) => Some(Value::String(n.to_string())),
        (Declared::String, Value::Bool(b)) => Some(Value::String(b.to_string())),
        (Declared::Integer, Value::String(s)) => integer(s),
        (Declared::Float, Value::String(s)) => integer(s).or_else(|| {
            s.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
        }),
        (Declared::Bool, Value::String(s)) if s.eq_ignore_ascii_case("true") => {
            Some(Value::Bool(true))
        }
        (Declared::Bool, Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Some(Value::Bool(false))
        }
        (Declared::List(element), Value::Array(items)) => {
            for item in items {
                coerce(item, element, objects, coerced);
            }
            None
        }
        (Declared::Object(name), Value::Object(map)) => {
            if let Some(object) = objects.get(*name) {
                coerce_object(map, &object.members, objects, coerced);
            }
            None
        }
        _ => None,
    };
    if let Some(replacement) = replacement {
        *value = replacement;
        *coerced += 1;
    }
}

fn integer(text: &str) -> Option<Value> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    text.parse::<u64>().ok().map(Value::from)
}

// ---------------------------------------------------------------------------------------
// Response text, verbatim.

/// The example output as published (parsed, not coerced: the client must cope with what
/// Tencent really sends).
fn response(text: &str, notes: &mut Vec<String>) -> Result<Value, Failure> {
    let value: Value = serde_json::from_str(text).map_err(|err| {
        let (at, message) = serde_json_position(text, &err);
        fail(
            SkipKind::OutputNotJson,
            format!(
                "the output is not JSON: {message} (output line {}, column {})",
                at.line, at.column
            ),
        )
    })?;
    let Some(response) = value.get("Response") else {
        return Err(fail(
            SkipKind::OutputShape,
            format!(
                "the output is {} without `Response`",
                describe_value(&value)
            ),
        ));
    };
    let Some(response) = response.as_object() else {
        return Err(fail(
            SkipKind::OutputShape,
            format!(
                "the output's `Response` is {}, not an object",
                describe_value(response)
            ),
        ));
    };
    if let Some(code) = response.get("Error").and_then(|e| e.get("Code")) {
        notes.push(format!("the output is an error answer (Code {code})"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn member(name: &str, kind: &str, element: &str, required: bool) -> Member {
        Member {
            name: name.into(),
            kind: kind.into(),
            member: element.into(),
            required,
            document: String::new(),
            example: None,
            document_zh: None,
            example_zh: None,
            china_only: false,
            intl_only: false,
            disabled: false,
            deprecated: false,
            value_allowed_null: false,
            output_required: false,
            sensitive: false,
        }
    }

    fn objects() -> BTreeMap<String, Object> {
        BTreeMap::from([
            (
                "Filter".to_owned(),
                Object {
                    document: String::new(),
                    document_zh: None,
                    china_only: false,
                    intl_only: false,
                    members: vec![
                        member("Name", "string", "string", true),
                        member("Values", "list", "string", false),
                    ],
                    usage: None,
                },
            ),
            (
                "Node".to_owned(),
                Object {
                    document: String::new(),
                    document_zh: None,
                    china_only: false,
                    intl_only: false,
                    members: vec![
                        member("Id", "int", "int64", false),
                        member("Next", "object", "Node", false),
                    ],
                    usage: None,
                },
            ),
        ])
    }

    fn input() -> Vec<Member> {
        vec![
            member("VpcId", "string", "string", true),
            member("Limit", "int", "uint64", false),
            member("Ratio", "float", "float", false),
            member("DryRun", "bool", "bool", false),
            member("Filters", "list", "Filter", false),
            member("Ids", "list", "int64", false),
            member("Node", "object", "Node", false),
        ]
    }

    fn run(text: &str) -> Result<(Value, Vec<String>, usize), Failure> {
        let input = input();
        let objects = objects();
        let schema = Schema {
            action: "DescribeThings",
            version: "2017-03-12",
            input: &input,
            objects: &objects,
        };
        let example = ApiExample {
            document: "doc".into(),
            input: text.into(),
            output: r#"{"Response": {"RequestId": "r"}}"#.into(),
            title: "t".into(),
        };
        convert(&example, &schema).map(|c| (c.example.input, c.notes, c.coerced))
    }

    #[test]
    fn get_urls_build_nested_values_from_dotted_keys() {
        let (body, _, coerced) = run(
            "https://vpc.tencentcloudapi.com/?Action=DescribeThings\r\n&VpcId=vpc-1\r\n\
             &Filters.0.Name=zone\r\n&Filters.0.Values.0=ap-1\r\n&Filters.0.Values.1=ap-2\r\n\
             &Filters.1.Name=state\r\n&Limit=2\r\n&Version=2017-03-12\r\n&<Common request parameters>",
        )
        .unwrap();
        assert_eq!(
            body,
            json!({
                "VpcId": "vpc-1",
                "Filters": [{"Name": "zone", "Values": ["ap-1", "ap-2"]}, {"Name": "state"}],
                "Limit": 2
            })
        );
        assert_eq!(coerced, 1);
    }

    #[test]
    fn parameters_may_share_the_url_line_and_be_percent_encoded() {
        let (body, notes, _) = run(
            "https://x/?Action=DescribeThings&VpcId=vpc%2D1%20a%\n&Filters.0.Name=a+b%2Bc%e2%82%ac",
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"VpcId": "vpc-1 a%", "Filters": [{"Name": "a+b+c€"}]})
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`+` kept as a plus sign"), "{notes:?}");
        let err = run("https://x/?Action=DescribeThings&VpcId=%ff").unwrap_err();
        assert_eq!(err.kind, SkipKind::MalformedRequest);
    }

    #[test]
    fn placeholders_in_any_spelling_are_ignored() {
        for placeholder in [
            "<Common request parameters>",
            "&<common request parameters>",
            "<Common request parameter>",
            "  &< Common Request Parameters >  ",
            "<公共请求参数>",
            "&<公共请求参数>",
            "&<公共参数>",
            "<其他公共请求参数与 TC3 签名>",
        ] {
            assert!(is_placeholder(placeholder), "{placeholder}");
        }
        assert!(!is_placeholder("<Other>"));
        assert!(!is_placeholder("Common request parameters"));
        assert!(!is_placeholder("<LogGroupList 的 PB 格式压缩包内容>"));
    }

    #[test]
    fn list_gaps_are_reported() {
        let err =
            run("https://x/?Action=DescribeThings\n&VpcId=v\n&Ids.0=1\n&Ids.2=3").unwrap_err();
        assert_eq!(err.kind, SkipKind::ListGap);
        assert_eq!(err.reason, "list `Ids` has indexes 0, 2 (1 is missing)");
    }

    #[test]
    fn a_key_given_twice_is_a_conflict() {
        let err = run(
            "https://x/?Action=DescribeThings\n&VpcId=v\n&Filters.0.Name=n\n\
             &Filters.0.Values.0=a\n&Filters.0.Values.0=b",
        )
        .unwrap_err();
        assert_eq!(err.kind, SkipKind::ConflictingKeys);
        assert_eq!(
            err.reason,
            "`Filters.0.Values.0` is given twice (`a`, then `b`)"
        );
        let err = run("https://x/?Action=DescribeThings\n&VpcId=v\n&Ids=1\n&Ids.0=2").unwrap_err();
        assert_eq!(err.kind, SkipKind::ConflictingKeys);
    }

    #[test]
    fn strings_become_numbers_and_booleans() {
        let (body, _, coerced) = run(
            "https://x/?Action=DescribeThings\n&VpcId=v\n&Limit=18446744073709551615\n&Ratio=1.5\n\
             &DryRun=False\n&Ids.0=-3\n&Node.Id=4\n&Node.Next.Id=5",
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"VpcId": "v", "Limit": 18446744073709551615u64, "Ratio": 1.5, "DryRun": false,
                   "Ids": [-3], "Node": {"Id": 4, "Next": {"Id": 5}}})
        );
        assert_eq!(coerced, 6);
    }

    #[test]
    fn numbers_and_booleans_become_strings_where_strings_are_declared() {
        let (body, _, coerced) = run(
            "POST / HTTP/1.1\nHost: x\nX-TC-Action: DescribeThings\n<Common request parameters>\n\n\
             {\"VpcId\": 12, \"Filters\": [{\"Name\": true, \"Values\": [1.5, \"a\"]}], \"Ratio\": \"2\"}",
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"VpcId": "12", "Filters": [{"Name": "true", "Values": ["1.5", "a"]}], "Ratio": 2})
        );
        assert_eq!(coerced, 4);
    }

    #[test]
    fn values_that_cannot_be_coerced_fail_the_check() {
        let err = run(
            "POST / HTTP/1.1\nX-TC-Action: DescribeThings\n\n\
             {\"Limit\": \"many\", \"DryRun\": \"yes\", \"Extra\": 1, \"Ids\": [1.5], \"Filters\": [{}], \"Ratio\": null}",
        )
        .unwrap_err();
        assert_eq!(err.kind, SkipKind::SchemaMismatch);
        assert_eq!(
            err.reason,
            "`VpcId` is required but missing; `Extra` is not a declared member; \
             `Limit` must be an integer, got a string (`\"many\"`); `Ratio` must be a number, got null; \
             `DryRun` must be a boolean, got a string (`\"yes\"`); `Filters.0.Name` is required but missing; \
             `Ids.0` must be an integer, got a number (`1.5`)"
        );
    }

    #[test]
    fn http_text_without_a_blank_line_before_the_body_is_noted() {
        let (body, notes, _) =
            run("POST / HTTP/1.1\r\nHost: x\r\nX-TC-Action: DescribeThings\r\n<common request parameters>\r\n{\"VpcId\": \"v\"}")
                .unwrap();
        assert_eq!(body, json!({"VpcId": "v"}));
        assert_eq!(notes, ["no blank line between the headers and the body"]);
    }

    #[test]
    fn another_action_or_version_is_a_skip() {
        let err = run("POST / HTTP/1.1\nX-TC-Action: DescribeOther\n\n{}").unwrap_err();
        assert_eq!(err.kind, SkipKind::ActionMismatch);
        assert_eq!(
            err.reason,
            "X-TC-Action is `DescribeOther`, not `DescribeThings`"
        );
        let err = run("https://x/?Action=DescribeOther\n&VpcId=v").unwrap_err();
        assert_eq!(err.kind, SkipKind::ActionMismatch);
        let err =
            run("https://x/?Action=DescribeThings\n&Version=2020-01-01\n&VpcId=v").unwrap_err();
        assert_eq!(err.kind, SkipKind::VersionMismatch);
    }

    #[test]
    fn common_parameters_are_dropped_from_both_forms() {
        let (body, _, _) = run(
            "https://x/?Action=DescribeThings\n&Region=ap-guangzhou\n&Nonce=1\n&Timestamp=2\n&SecretId=s\n\
             &Signature=x\n&SignatureMethod=HmacSHA256\n&Token=t\n&Language=en-US\n&RequestClient=c\n&VpcId=v",
        )
        .unwrap();
        assert_eq!(body, json!({"VpcId": "v"}));
        let (body, _, _) =
            run("POST / HTTP/1.1\n\n{\"Region\": \"ap-guangzhou\", \"VpcId\": \"v\"}").unwrap();
        assert_eq!(body, json!({"VpcId": "v"}));
    }

    #[test]
    fn malformed_requests_are_skips_with_reasons() {
        let err = run("GET something").unwrap_err();
        assert_eq!(err.kind, SkipKind::UnrecognizedRequest);
        let err = run("POST / HTTP/1.1\nnot a header\n\n{}").unwrap_err();
        assert_eq!(err.kind, SkipKind::MalformedRequest);
        let err = run("POST / HTTP/1.1\nHost: x\n\n{\"VpcId\": }").unwrap_err();
        assert_eq!(err.kind, SkipKind::BodyNotJson);
        assert!(
            err.reason.contains("body line 1, column 11"),
            "{}",
            err.reason
        );
        let err = run("https://x/?Action=DescribeThings\n&VpcId").unwrap_err();
        assert_eq!(err.kind, SkipKind::MalformedRequest);
    }

    #[test]
    fn recursive_objects_are_checked_to_the_endpoints_depth() {
        let mut text = String::from("https://x/?Action=DescribeThings\n&VpcId=v\n&Node");
        // The endpoint expands `Node` once, then accepts any value through the cycle.
        text.push_str(".Next.Id=not-a-number");
        assert!(run(&text).is_ok());
        let err = run("https://x/?Action=DescribeThings\n&VpcId=v\n&Node.Id=x").unwrap_err();
        assert_eq!(
            err.reason,
            "`Node.Id` must be an integer, got a string (`\"x\"`)"
        );
    }

    #[test]
    fn outputs_are_kept_verbatim_or_skipped_with_a_reason() {
        let mut notes = Vec::new();
        let text = r#"{"Response": {"Count": "3", "Error": {"Code": "X", "Message": "m"}}}"#;
        assert_eq!(
            response(text, &mut notes).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(notes, ["the output is an error answer (Code \"X\")"]);
        let err = response("{\"Response\": {\"a\": \"x\ny\"}}", &mut notes).unwrap_err();
        assert_eq!(err.kind, SkipKind::OutputNotJson);
        assert!(err.reason.contains("control character"), "{}", err.reason);
        let err = response("{\"Response\": []}", &mut notes).unwrap_err();
        assert_eq!(err.kind, SkipKind::OutputShape);
        let err = response("[]", &mut notes).unwrap_err();
        assert_eq!(err.kind, SkipKind::OutputShape);
    }
}
