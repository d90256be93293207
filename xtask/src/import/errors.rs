//! Reading a per-action error table (`vpc-error-codes.json` and files of its format):
//! `{about, service, version, actions: {Action: [codes]}, descriptions: {code: text}}`.
//!
//! Tencent's `api.json` carries no error codes; the table is taken from the official Go
//! SDK's `client.go` comments. Codes listed for an action may also be common codes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::json::unique_map;

/// A per-action error table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorTable {
    /// Where the table came from: provenance for people, required but not used.
    #[serde(rename = "about")]
    pub(crate) _about: String,
    /// The service it describes; must be `api.json`'s `serviceShortName`.
    pub(crate) service: String,
    /// The API version it describes; must be `api.json`'s `apiVersion`.
    pub(crate) version: String,
    /// The codes each action may answer, in the table's order.
    #[serde(deserialize_with = "unique_map")]
    pub(crate) actions: BTreeMap<String, Vec<String>>,
    /// A description for each code (possibly empty).
    #[serde(deserialize_with = "unique_map")]
    pub(crate) descriptions: BTreeMap<String, String>,
}

#[cfg(test)]
impl ErrorTable {
    /// A table of `service` at `version` that lists no codes.
    pub(crate) fn empty(service: &str, version: &str) -> Self {
        Self {
            _about: String::new(),
            service: service.to_owned(),
            version: version.to_owned(),
            actions: BTreeMap::new(),
            descriptions: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    #[test]
    fn reads_the_table_format() {
        let text = r#"{"about": "test", "service": "demo", "version": "2020-01-01",
            "actions": {"Ping": ["ResourceNotFound"]},
            "descriptions": {"ResourceNotFound": ""}}"#;
        let table: ErrorTable = parse(text, "errors.json").unwrap();
        assert_eq!(table.actions["Ping"], ["ResourceNotFound"]);
        assert_eq!(table.descriptions["ResourceNotFound"], "");
        assert_eq!(table._about, "test");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = r#"{"about": "", "service": "demo", "version": "2020-01-01",
            "actions": {}, "descriptions": {}, "common": []}"#;
        let err = parse::<ErrorTable>(text, "errors.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `common`"), "{err}");
    }
}
