//! Reading tccli's description of one service at one version: `api.json` (actions, objects,
//! metadata) and `examples.json` (per action, an HTTP request text and a JSON response).
//!
//! Every struct denies unknown fields, so a key Tencent adds to the format is an error
//! naming the file, the JSON pointer and the line:column ([`super::json::parse`]) instead of
//! being dropped. Optional keys are `Option`s, so "absent" and "false" stay apart until the
//! assembly decides what the spec says.

use std::collections::BTreeMap;
use std::fmt;

use api_spec::model::Status;
use serde::Deserialize;
use serde::de::{Deserializer, Visitor};

use super::json::unique_map;

/// `api.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiJson {
    /// The actions by name; `input`/`output` name objects in `objects`.
    #[serde(deserialize_with = "unique_map")]
    pub(crate) actions: BTreeMap<String, ApiAction>,
    /// Which service and version the file describes.
    pub(crate) metadata: Metadata,
    /// Every object type, the actions' request and response structures included.
    #[serde(deserialize_with = "unique_map")]
    pub(crate) objects: BTreeMap<String, ApiObject>,
    /// The file format's version (`"1.0"`), absent in a few services.
    #[serde(default)]
    pub(crate) version: Option<String>,
}

/// `api.json`'s `metadata`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Metadata {
    /// The API version, `2017-03-12`.
    #[serde(rename = "apiVersion")]
    pub(crate) api_version: String,
    /// A one-paragraph summary of the product, in the description's language (the
    /// Chinese descriptions have it); carried into the spec's `brief`. `Some(None)` is an
    /// explicit `null` (a few services), which the assembly reports.
    #[serde(default, deserialize_with = "present")]
    pub(crate) api_brief: Option<Option<String>>,
    /// The product's Chinese name (`私有网络`), absent in a few services; the spec's
    /// English title comes from the overlay, and the report shows this one.
    #[serde(rename = "serviceNameCN", default)]
    pub(crate) service_name_cn: Option<String>,
    /// The service name used in hosts and signatures, `vpc`.
    #[serde(rename = "serviceShortName")]
    pub(crate) service_short_name: String,
}

/// A key that is present, `null` or not: `Some(None)` for `null`, `None` (the default)
/// when the key is absent.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// One entry of `api.json`'s `actions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiAction {
    /// What the action does.
    pub(crate) document: String,
    /// The request structure's object name (`XRequest`).
    pub(crate) input: String,
    /// A short human title (`Resets a VPN tunnel`).
    pub(crate) name: String,
    /// The response structure's object name (`XResponse`).
    pub(crate) output: String,
    /// `online`, `deprecated` or `offline`; absent in some services.
    #[serde(default)]
    pub(crate) status: Option<Status>,
    /// Set on a few actions (of STS) answered without a signature.
    #[serde(default)]
    pub(crate) skip_sign: Option<bool>,
}

/// One entry of `api.json`'s `objects`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiObject {
    /// What the object describes (`X request structure.` for request structures).
    pub(crate) document: String,
    /// The members, in document order.
    pub(crate) members: Vec<ApiMember>,
    /// `"object"` on request/response structures and some others. It carries no
    /// information (every entry of `objects` is an object), so the spec has no place for
    /// it; any other value is an error rather than a silent loss.
    #[serde(rename = "type", default)]
    pub(crate) _kind: Option<ObjectKind>,
    /// Where the object is used (`in`, `out`, `both`); carried into the spec's `usage`.
    #[serde(default)]
    pub(crate) usage: Option<Usage>,
}

/// The only value `api.json` gives an object's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ObjectKind {
    /// `"object"`.
    Object,
}

/// An object's `usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Usage {
    /// Only in requests.
    In,
    /// Only in responses.
    Out,
    /// In both.
    Both,
}

impl Usage {
    /// The spelling in `api.json` and in the spec.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
            Self::Both => "both",
        }
    }
}

/// One member of an object.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiMember {
    /// The wire name.
    pub(crate) name: String,
    /// `string`, `int`, `float`, `bool`, `list` or `object`.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The scalar type, or the object name for objects and lists of objects.
    pub(crate) member: String,
    /// Whether the member is required; absent means not.
    #[serde(default)]
    pub(crate) required: Option<Flag>,
    /// What the member means.
    pub(crate) document: String,
    /// An example value, as text.
    #[serde(default)]
    pub(crate) example: Option<String>,
    /// Accepted but without effect.
    #[serde(default)]
    pub(crate) disabled: Option<bool>,
    /// The server may answer `null`.
    #[serde(default)]
    pub(crate) value_allowed_null: Option<bool>,
    /// Always present in answers.
    #[serde(default)]
    pub(crate) output_required: Option<bool>,
}

/// A boolean flag as `api.json` writes it: `true`/`false`, or (in a few services) the
/// integers `0`/`1`, which the assembly reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag {
    /// The flag's meaning.
    pub(crate) value: bool,
    /// Written as `0` or `1` rather than a JSON boolean.
    pub(crate) from_integer: bool,
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;

        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean (or the integer 0 or 1)")
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Flag, E> {
                Ok(Flag {
                    value,
                    from_integer: false,
                })
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Flag, E> {
                match value {
                    0 | 1 => Ok(Flag {
                        value: value == 1,
                        from_integer: true,
                    }),
                    _ => Err(E::invalid_value(
                        serde::de::Unexpected::Unsigned(value),
                        &self,
                    )),
                }
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Flag, E> {
                match u64::try_from(value) {
                    Ok(value) => self.visit_u64(value),
                    Err(_) => Err(E::invalid_value(
                        serde::de::Unexpected::Signed(value),
                        &self,
                    )),
                }
            }
        }

        deserializer.deserialize_any(FlagVisitor)
    }
}

/// `examples.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamplesJson {
    /// The examples of each action, in document order.
    #[serde(deserialize_with = "unique_map")]
    pub(crate) actions: BTreeMap<String, Vec<ApiExample>>,
    /// The file format's version (`"1.0"`), absent in a few services.
    #[serde(default)]
    pub(crate) version: Option<String>,
}

/// One worked example.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiExample {
    /// What the example shows.
    pub(crate) document: String,
    /// The request: an HTTP text (`POST / HTTP/1.1 ...`) or a GET URL with one parameter
    /// per line.
    pub(crate) input: String,
    /// The response as JSON text.
    pub(crate) output: String,
    /// The example's title.
    pub(crate) title: String,
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    const API: &str = r#"{
  "actions": {
    "Ping": {"document": "Pings.", "input": "PingRequest", "name": "Ping", "output": "PingResponse", "status": "online"}
  },
  "metadata": {"apiVersion": "2020-01-01", "serviceNameCN": "x", "serviceShortName": "demo"},
  "objects": {
    "PingRequest": {"document": "Ping request structure.", "members": [
      {"document": "d", "member": "string", "name": "Id", "required": 1, "type": "string"}
    ], "type": "object"}
  }
}"#;

    #[test]
    fn reads_api_json_with_integer_flags() {
        let api: ApiJson = parse(API, "api.json").unwrap();
        let member = &api.objects["PingRequest"].members[0];
        assert_eq!(
            member.required,
            Some(Flag {
                value: true,
                from_integer: true
            })
        );
        assert_eq!(api.actions["Ping"].status, Some(Status::Online));
        assert_eq!(api.version, None);
    }

    #[test]
    fn reads_the_brief_an_offline_status_and_no_chinese_name() {
        let text = API
            .replace("\"status\": \"online\"", "\"status\": \"offline\"")
            .replace("\"serviceNameCN\": \"x\"", "\"api_brief\": \"简介\"");
        let api: ApiJson = parse(&text, "api.json").unwrap();
        assert_eq!(api.actions["Ping"].status, Some(Status::Offline));
        assert_eq!(api.metadata.api_brief, Some(Some("简介".to_owned())));
        assert_eq!(api.metadata.service_name_cn, None);
    }

    #[test]
    fn a_null_brief_is_told_from_an_absent_one() {
        let text = API.replace("\"serviceNameCN\": \"x\"", "\"api_brief\": null");
        let api: ApiJson = parse(&text, "api.json").unwrap();
        assert_eq!(api.metadata.api_brief, Some(None));
        let api: ApiJson = parse(API, "api.json").unwrap();
        assert_eq!(api.metadata.api_brief, None);
    }

    #[test]
    fn an_unknown_metadata_key_is_located() {
        let text = API.replace("\"serviceNameCN\": \"x\"", "\"serviceNameEN\": \"x\"");
        let err = parse::<ApiJson>(&text, "api.json").unwrap_err().to_string();
        assert!(err.starts_with("api.json:5:"), "{err}");
        assert!(err.contains("/metadata"), "{err}");
        assert!(err.contains("unknown field `serviceNameEN`"), "{err}");
    }

    #[test]
    fn unknown_member_key_is_located() {
        let text = API.replace("\"required\": 1,", "\"required\": true, \"enum\": [\"a\"],");
        let err = parse::<ApiJson>(&text, "api.json").unwrap_err().to_string();
        assert!(err.starts_with("api.json:8:"), "{err}");
        assert!(err.contains("/objects/PingRequest/members/0"), "{err}");
        assert!(err.contains("unknown field `enum`"), "{err}");
    }

    #[test]
    fn an_object_type_other_than_object_is_an_error() {
        let text = API.replace("\"type\": \"object\"", "\"type\": \"map\"");
        let err = parse::<ApiJson>(&text, "api.json").unwrap_err().to_string();
        assert!(err.contains("/objects/PingRequest/type"), "{err}");
    }

    #[test]
    fn flags_other_than_zero_or_one_are_errors() {
        let text = API.replace("\"required\": 1", "\"required\": 2");
        assert!(parse::<ApiJson>(&text, "api.json").is_err());
    }
}
