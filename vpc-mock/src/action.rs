//! What the endpoint knows about each action, and the check of a request body against
//! the action's declared parameters.

use serde_json::{Map, Value};

use crate::codes;
use crate::handler::ApiError;
use crate::idempotency::{IDEMPOTENT_PARAMETER_MISMATCH, Idempotency};

/// What the core needs to know about one action (later filled from the spec's IR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// The action name, as sent in `X-TC-Action` (e.g. `ResetVpnConnection`).
    pub name: String,
    /// The documented request rate limit; `None` means unlimited.
    pub rate_limit_per_second: Option<u32>,
    /// The top-level input members of the request body.
    pub params: Vec<ParamInfo>,
    /// Whether the action is called unsigned (`Authorization: SKIP`, the spec's
    /// `skip_sign`): the only actions for which the endpoint accepts such a request.
    pub skip_sign: bool,
    /// The action's idempotency token, if it has one: a request whose token was seen
    /// runs once (see [`MockServerBuilder::idempotency_capacity`](crate::MockServerBuilder::idempotency_capacity)).
    pub idempotency: Option<Idempotency>,
}

impl ActionInfo {
    /// An action with no parameters and no rate limit.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            rate_limit_per_second: None,
            params: Vec::new(),
            skip_sign: false,
            idempotency: None,
        }
    }

    /// Accepts the action unsigned (`Authorization: SKIP`) as well as signed.
    #[must_use]
    pub fn skip_sign(mut self) -> Self {
        self.skip_sign = true;
        self
    }

    /// Makes the text member `member` the action's idempotency token (the member is
    /// added as an optional string when it is not declared yet), answering
    /// [`IDEMPOTENT_PARAMETER_MISMATCH`] when a token comes back with other parameters.
    #[must_use]
    pub fn client_token(mut self, member: impl Into<String>) -> Self {
        let member = member.into();
        if !self.params.iter().any(|param| param.name == member) {
            self.params
                .push(ParamInfo::optional(member.clone(), ParamKind::String));
        }
        self.idempotency = Some(Idempotency {
            member,
            mismatch_code: IDEMPOTENT_PARAMETER_MISMATCH.to_owned(),
        });
        self
    }

    /// Sets the rate limit (requests per second).
    #[must_use]
    pub fn rate_limit_per_second(mut self, limit: u32) -> Self {
        self.rate_limit_per_second = Some(limit);
        self
    }

    /// Adds a top-level input member.
    #[must_use]
    pub fn param(mut self, param: ParamInfo) -> Self {
        self.params.push(param);
        self
    }
}

/// One input member: its wire name, whether it is required and its JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamInfo {
    /// The wire name (`VpnGatewayId`).
    pub name: String,
    /// Whether the member must be present.
    pub required: bool,
    /// The JSON shape its value must have.
    pub kind: ParamKind,
}

impl ParamInfo {
    /// A required member.
    pub fn required(name: impl Into<String>, kind: ParamKind) -> Self {
        Self {
            name: name.into(),
            required: true,
            kind,
        }
    }

    /// An optional member.
    pub fn optional(name: impl Into<String>, kind: ParamKind) -> Self {
        Self {
            name: name.into(),
            required: false,
            kind,
        }
    }
}

/// The JSON shape of a parameter value, enough to answer `InvalidParameter` when a value
/// has the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamKind {
    /// A JSON string (also dates and times, which travel as strings).
    String,
    /// A JSON number without fraction or exponent that fits `i64` or `u64`.
    Integer,
    /// Any JSON number.
    Float,
    /// `true` or `false`.
    Bool,
    /// A JSON array whose elements all have the given shape.
    List(Box<ParamKind>),
    /// A JSON object with the given members (undeclared members are rejected).
    Object(Vec<ParamInfo>),
    /// Any JSON value except `null`, for members whose shape is not described.
    Any,
}

impl ParamKind {
    /// A list of the given element shape.
    pub fn list(element: ParamKind) -> Self {
        Self::List(Box::new(element))
    }

    fn expected(&self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Float => "a number",
            Self::Bool => "a boolean",
            Self::List(_) => "an array",
            Self::Object(_) => "an object",
            Self::Any => "a value",
        }
    }
}

pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks a request body against the declared top-level members.
///
/// Each object is checked in three passes: missing required members (in declaration
/// order), then undeclared members, then the type of each present member (recursing).
pub(crate) fn validate_params(
    params: &[ParamInfo],
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    validate_object("", params, body)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn validate_object(
    prefix: &str,
    params: &[ParamInfo],
    object: &Map<String, Value>,
) -> Result<(), ApiError> {
    if let Some(missing) = params
        .iter()
        .find(|p| p.required && !object.contains_key(&p.name))
    {
        return Err(ApiError::new(
            codes::MISSING_PARAMETER,
            format!(
                "The parameter `{}` is missing.",
                join(prefix, &missing.name)
            ),
        ));
    }
    if let Some(unknown) = object
        .keys()
        .find(|key| !params.iter().any(|p| p.name == **key))
    {
        return Err(ApiError::new(
            codes::UNKNOWN_PARAMETER,
            format!(
                "The parameter `{}` is not recognized.",
                join(prefix, unknown)
            ),
        ));
    }
    for param in params {
        if let Some(value) = object.get(&param.name) {
            validate_value(&join(prefix, &param.name), &param.kind, value)?;
        }
    }
    Ok(())
}

fn validate_value(path: &str, kind: &ParamKind, value: &Value) -> Result<(), ApiError> {
    let matches = match (kind, value) {
        (_, Value::Null) => false,
        (ParamKind::Any, _) => true,
        (ParamKind::String, Value::String(_)) | (ParamKind::Bool, Value::Bool(_)) => true,
        (ParamKind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (ParamKind::Float, Value::Number(_)) => true,
        (ParamKind::List(element), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                validate_value(&format!("{path}.{index}"), element, item)?;
            }
            true
        }
        (ParamKind::Object(members), Value::Object(object)) => {
            validate_object(path, members, object)?;
            true
        }
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(ApiError::new(
            codes::INVALID_PARAMETER,
            format!(
                "The value of parameter `{path}` must be {}, got {}.",
                kind.expected(),
                describe(value)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params() -> Vec<ParamInfo> {
        vec![
            ParamInfo::required("VpcId", ParamKind::String),
            ParamInfo::optional("Limit", ParamKind::Integer),
            ParamInfo::optional("Ratio", ParamKind::Float),
            ParamInfo::optional("DryRun", ParamKind::Bool),
            ParamInfo::optional("Ids", ParamKind::list(ParamKind::String)),
            ParamInfo::optional(
                "Filters",
                ParamKind::list(ParamKind::Object(vec![
                    ParamInfo::required("Name", ParamKind::String),
                    ParamInfo::optional("Values", ParamKind::list(ParamKind::String)),
                ])),
            ),
            ParamInfo::optional("Extra", ParamKind::Any),
        ]
    }

    fn check(body: Value) -> Result<(), ApiError> {
        let Value::Object(map) = body else {
            panic!("test bodies are objects")
        };
        validate_params(&params(), &map)
    }

    fn err(body: Value) -> (String, String) {
        let e = check(body).unwrap_err();
        (e.code, e.message)
    }

    #[test]
    fn accepts_well_typed_bodies() {
        check(json!({"VpcId": "vpc-1"})).unwrap();
        check(json!({
            "VpcId": "vpc-1", "Limit": 18446744073709551615u64, "Ratio": 1, "DryRun": false,
            "Ids": [], "Filters": [{"Name": "n", "Values": ["a", "b"]}], "Extra": {"x": [1]}
        }))
        .unwrap();
        check(json!({"VpcId": "vpc-1", "Limit": -3, "Ratio": 0.5})).unwrap();
    }

    #[test]
    fn missing_required_names_the_path() {
        assert_eq!(
            err(json!({})),
            (
                "MissingParameter".into(),
                "The parameter `VpcId` is missing.".into()
            )
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Filters": [{"Name": "a"}, {"Values": []}]})),
            (
                "MissingParameter".into(),
                "The parameter `Filters.1.Name` is missing.".into()
            )
        );
    }

    #[test]
    fn unknown_members_are_named() {
        assert_eq!(
            err(json!({"VpcId": "v", "Bogus": 1})),
            (
                "UnknownParameter".into(),
                "The parameter `Bogus` is not recognized.".into()
            )
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Filters": [{"Name": "a", "Nope": 1}]})).1,
            "The parameter `Filters.0.Nope` is not recognized."
        );
    }

    #[test]
    fn wrong_types_are_invalid_parameter_with_path() {
        assert_eq!(
            err(json!({"VpcId": 5})),
            (
                "InvalidParameter".into(),
                "The value of parameter `VpcId` must be a string, got an integer.".into()
            )
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Limit": 1.5})).0,
            "InvalidParameter"
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Limit": "10"})).0,
            "InvalidParameter"
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Ratio": "1"})).0,
            "InvalidParameter"
        );
        assert_eq!(
            err(json!({"VpcId": "v", "DryRun": 1})).0,
            "InvalidParameter"
        );
        assert_eq!(err(json!({"VpcId": "v", "Ids": "a"})).0, "InvalidParameter");
        assert_eq!(err(json!({"VpcId": null})).0, "InvalidParameter");
        assert_eq!(
            err(json!({"VpcId": "v", "Extra": null})).0,
            "InvalidParameter"
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Ids": ["a", 2]})).1,
            "The value of parameter `Ids.1` must be a string, got an integer."
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Filters": [{"Name": "a", "Values": [true]}]})).1,
            "The value of parameter `Filters.0.Values.0` must be a string, got a boolean."
        );
        assert_eq!(
            err(json!({"VpcId": "v", "Filters": {"Name": "a"}})).1,
            "The value of parameter `Filters` must be an array, got an object."
        );
    }
}
