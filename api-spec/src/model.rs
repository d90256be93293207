//! The serde model of a spec file: exactly what the JSON says, before validation.
//!
//! Field names and the member vocabulary (`type`, `member`, `required`, `document`,
//! `example`, `disabled`, `value_allowed_null`, `output_required`) follow Tencent's own
//! `api.json`, so an entry imported from tccli needs no renaming. What `api.json` lacks
//! (error codes, rate limit, retry safety, endpoints, examples) is added beside it.

use std::collections::BTreeMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole spec file: one service at one API version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Where editors find the JSON Schema of this format (ignored by the loader).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The service name used in hosts and signatures, for example `vpc`.
    pub service: String,
    /// The API version sent as `X-TC-Version`, for example `2017-03-12`.
    pub version: String,
    /// A human name for the product, for example `Virtual Private Cloud`.
    pub title: String,
    /// The description's own one-paragraph summary of the product (tccli's
    /// `metadata.api_brief`), in the language of the description; absent where the
    /// description has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
    /// Where the service can be reached.
    pub endpoints: Endpoints,
    /// Error codes any action of any service may answer (Tencent's common error codes).
    #[serde(default)]
    pub common_errors: Vec<ErrorCode>,
    /// The actions, by their exact API name (`ResetVpnConnection`).
    pub actions: BTreeMap<String, Action>,
    /// Named object types that members refer to, by their exact API name.
    #[serde(default)]
    pub objects: BTreeMap<String, Object>,
    /// State waiters, by resource name (`NatGateway`): how to poll one resource until it
    /// reaches a state, declared by hand (the overlay's `waiters`) because Tencent's
    /// descriptions do not say it machine-readably.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiters: BTreeMap<String, Waiter>,
}

/// One resource's state waiter: which describe action lists it, how to ask for one ID,
/// where its state is and which states end the wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// Free text for people reading the file; ignored.
    #[serde(rename = "$comment", default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The describe action (`DescribeNatGateways`).
    pub describe: String,
    /// The describe action's input member that takes a list of IDs (`NatGatewayIds`):
    /// the waiter sends the one ID it waits for.
    pub ids: String,
    /// The output list holding the resources. Default: the output's only list of
    /// objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// The item's text member holding its ID (`NatGatewayId`), to pick the resource out
    /// of the list.
    pub id: String,
    /// The item's text member holding its state (`State`); a dotted path reaches into
    /// nested objects.
    pub state: String,
    /// The states that mean the resource is ready (`["AVAILABLE"]`); at least one.
    pub success: Vec<String>,
    /// The states that mean it never will be (`["FAILED"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failure: Vec<String>,
    /// Whether the describe action can say the resource is gone (it is no longer
    /// listed): generates a `wait_until_<resource>_deleted` method.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
    /// Error codes of the describe action that mean "no such resource" (read as not
    /// listed); each is a code the action documents or a common one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_found: Vec<String>,
}

/// The hosts a service answers on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// The host used unless the user picks another, for example `vpc.intl.tencentcloudapi.com`.
    pub default: String,
    /// Other well-known hosts (for example the China site), by a short name.
    #[serde(default)]
    pub alternatives: BTreeMap<String, String>,
    /// The regional host pattern, with `{region}` standing for the region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional: Option<String>,
}

/// One API action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What the action does, as the official document says it.
    pub document: String,
    /// A short human title (`api.json`'s `name`, for example `Resets a VPN tunnel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The Chinese document, where `document` holds another language's (the English one
    /// of the international site); absent when `document` is the only text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_zh: Option<String>,
    /// The Chinese title, where `title` holds another language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// Published on the China site only: the international site's description does not
    /// have it, so it is called through the China endpoint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub china_only: bool,
    /// Published on the international site only: the China site's description does not
    /// have it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intl_only: bool,
    /// Whether the action is online, deprecated or offline; absent where the description
    /// does not say (read as online).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Tencent marks a few actions as answered without a signature (STS
    /// `AssumeRoleWithWebIdentity`, whose caller has no keys yet): the client sends them
    /// with `Authorization: SKIP` and no credentials, and the local endpoint accepts an
    /// unsigned request only for them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_sign: bool,
    /// The documented limit in requests per second, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Whether the action may be sent again after a request may already have reached the
    /// server (a timeout or a connection lost mid-request). Reads are; most writes are not.
    #[serde(default)]
    pub retry_safe: bool,
    /// The input parameters (the common parameters travel as headers and are not listed).
    pub input: Vec<Member>,
    /// The output members, `RequestId` included.
    pub output: Vec<Member>,
    /// The error codes the action's document lists, besides the common ones.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Worked examples: a request body and the response it gets.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// How the action's answers come in pages. Absent: decided by the action's shape
    /// (`Offset` and `Limit` in, `TotalCount` and exactly one list out); `false`: never
    /// paged; `true` or an object: paged, with the members the object names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// Whether and how an action is paged by `Offset` and `Limit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum Pagination {
    /// `false`: never paged, whatever its shape. `true`: paged, with the members the
    /// shape rule finds (an error where it finds none).
    Enabled(bool),
    /// Paged, with members named where the shape is irregular.
    Members(PageMembers),
}

// By hand rather than `untagged`, so that a mistake inside the object (an unknown key, a
// wrong type) is reported as itself, not as "did not match any variant".
impl<'de> Deserialize<'de> for Pagination {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Pagination;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("`true`, `false` or an object of page members")
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Pagination, E> {
                Ok(Pagination::Enabled(value))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Pagination, A::Error> {
                PageMembers::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Pagination::Members)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The members of a paged action, for shapes the rule does not recognise. Every field
/// is optional; what is left out is found as the shape rule finds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PageMembers {
    /// The output list member whose items are paged. Default: the output's only list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// The integer output member with the total number of items. Default: `TotalCount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<String>,
    /// The answers carry no count: a listing ends at a short or an empty page.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_count: bool,
    /// The largest `Limit` the service accepts, used when the caller sets none.
    /// Default: the maximum the `Limit` member's document states, if it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_limit: Option<u64>,
}

/// The lifecycle state of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In service.
    #[default]
    Online,
    /// Still answered, but callers should move away from it.
    Deprecated,
    /// Taken offline by Tencent: still described, but the service no longer offers it.
    Offline,
}

/// A named object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Object {
    /// What the object describes.
    pub document: String,
    /// The Chinese document, where `document` holds another language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_zh: Option<String>,
    /// Published on the China site only (the international description does not have it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub china_only: bool,
    /// Published on the international site only (the China site's description does not
    /// have it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intl_only: bool,
    /// The object's members.
    pub members: Vec<Member>,
    /// Where Tencent uses it (`in`, `out` or `both`), informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
}

/// One parameter, output member or object member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The exact wire name, for example `VpnGatewayId` or `PrivateIPv6Address`.
    pub name: String,
    /// The kind of value: `string`, `int`, `float`, `bool`, `list` or `object`.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["string", "int", "float", "bool", "list", "object"]))
    )]
    pub kind: String,
    /// The scalar type (`string`, `int64`, `uint64`, `float`, `bool`, `datetime`,
    /// `datetime_iso`, `date`), or for `object` and lists of objects the object's name.
    pub member: String,
    /// Whether the caller must send it (input) or the server always returns it (output).
    #[serde(default)]
    pub required: bool,
    /// What the member means.
    #[serde(default)]
    pub document: String,
    /// An example value, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// The Chinese document, where `document` holds another language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_zh: Option<String>,
    /// The Chinese description's example value, where it differs from `example`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_zh: Option<String>,
    /// Published on the China site only: the international site's description has the
    /// action or object but not this member. (Members of an action or object that is
    /// `china_only` itself are not marked one by one.)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub china_only: bool,
    /// Published on the international site only: the China site's description has the
    /// action or object but not this member (members of an `intl_only` action or object
    /// are not marked one by one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intl_only: bool,
    /// Tencent marks some members disabled: accepted but without effect.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// The member is kept for compatibility; new code should not use it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The server may answer `null` for this output member.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub value_allowed_null: bool,
    /// Tencent's flag for output members that are always present.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub output_required: bool,
    /// The value is a secret (a key, a token, a password, a pre-shared key), like
    /// Smithy's `@sensitive`: generated code never shows it in `Debug`. Tencent's
    /// descriptions do not say which members are secret; the import takes it from the
    /// hand-kept overlay's `sensitive` list.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The dotted code, for example `UnsupportedOperation.VpnConnInvalidState`.
    pub code: String,
    /// What the code means, as the document says it.
    pub description: String,
    /// The Chinese description, where `description` holds another language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_zh: Option<String>,
}

/// A worked example from the action's document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The example's title.
    pub title: String,
    /// What the example shows.
    #[serde(default)]
    pub document: String,
    /// The Chinese title of the same example, where `title` holds another language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// The Chinese document of the same example, where `document` holds another
    /// language's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_zh: Option<String>,
    /// The request body.
    pub input: serde_json::Value,
    /// The full response, `{"Response": {...}}`.
    pub output: serde_json::Value,
}
