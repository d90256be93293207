//! What the endpoint knows about each action, and the check of a request body against
//! the action's declared parameters.

use api_spec::validate::{self, ProblemKind};
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

/// One input member: its wire name, whether it is required and its JSON shape
/// ([`api_spec::validate::Param`], where the rules of the check live).
pub use api_spec::validate::Param as ParamInfo;

/// The JSON shape of a parameter value, enough to answer `InvalidParameter` when a value
/// has the wrong type ([`api_spec::validate::Shape`]).
pub use api_spec::validate::Shape as ParamKind;

/// Checks a request body against the declared top-level members, answering the first
/// problem [`api_spec::validate`] finds: a missing required member is
/// `MissingParameter`, an undeclared one `UnknownParameter`, a value of the wrong type
/// `InvalidParameter`, each naming the member's dotted path.
pub(crate) fn validate_params(
    params: &[ParamInfo],
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    let Some(problem) = validate::first_problem(params, body) else {
        return Ok(());
    };
    let path = &problem.path;
    Err(match problem.kind {
        ProblemKind::Missing => ApiError::new(
            codes::MISSING_PARAMETER,
            format!("The parameter `{path}` is missing."),
        ),
        ProblemKind::Unknown => ApiError::new(
            codes::UNKNOWN_PARAMETER,
            format!("The parameter `{path}` is not recognized."),
        ),
        ProblemKind::WrongType { expected, found } => ApiError::new(
            codes::INVALID_PARAMETER,
            format!(
                "The value of parameter `{path}` must be {expected}, got {}.",
                validate::describe_value(found)
            ),
        ),
    })
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
