//! Strict, located JSON reading shared by the import's phases: every problem names the
//! file, the JSON pointer and the line:column, and duplicate keys are errors, not silently
//! collapsed as `serde_json` would.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use api_spec::locate::{pointer_of, serde_json_position};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};

/// Parses `text` (named `file` in errors) as `T`. With `T` built from
/// `deny_unknown_fields` structs, a key the struct does not know, a missing key, a value of
/// the wrong type, a duplicate key in a [`unique_map`] or trailing text is an error of the
/// form `file:line:column: /json/pointer: message`.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, file: &str) -> anyhow::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let pointer = pointer_of(err.path());
        located(file, text, &pointer, &err.into_inner())
    })?;
    de.end().map_err(|err| located(file, text, "", &err))?;
    Ok(value)
}

/// `file:line:column: pointer: message` for a `serde_json` error (whose own message ends in
/// ` at line L column C`, cut here; the column is counted in characters, 1-based).
pub(crate) fn located(
    file: &str,
    text: &str,
    pointer: &str,
    err: &serde_json::Error,
) -> anyhow::Error {
    let (position, message) = serde_json_position(text, err);
    let pointer = if pointer.is_empty() {
        "(top level)"
    } else {
        pointer
    };
    anyhow::anyhow!("{file}:{position}: {pointer}: {message}")
}

/// `#[serde(deserialize_with = "unique_map")]`: a JSON object read into a sorted map, a key
/// given twice being an error (serde_json alone keeps the last one and says nothing).
pub(crate) fn unique_map<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct UniqueMap<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueMap<V> {
        type Value = BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object with distinct keys")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate key `{key}` (JSON readers keep only one of them)"
                    )));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(UniqueMap(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        #[serde(deserialize_with = "unique_map")]
        items: BTreeMap<String, Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
    }

    #[test]
    fn unknown_key_names_file_pointer_and_position() {
        let text = "{\"items\": {\"a/b\": {\"name\": \"x\",\n  \"extra\": 1}}}";
        let err = parse::<Doc>(text, "f.json").unwrap_err().to_string();
        assert!(err.starts_with("f.json:2:"), "{err}");
        assert!(err.contains("/items/a~1b"), "{err}");
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let text = "{\"items\": {\"a\": {\"name\": \"x\"}, \"a\": {\"name\": \"y\"}}}";
        let err = parse::<Doc>(text, "f.json").unwrap_err().to_string();
        assert!(err.contains("duplicate key `a`"), "{err}");
        assert!(err.starts_with("f.json:1:"), "{err}");
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"items\": {\"é\": {\"name\": 1}}}";
        let err = parse::<Doc>(text, "f.json").unwrap_err().to_string();
        // `1` is the 26th character (27th byte).
        assert!(err.starts_with("f.json:1:26: "), "{err}");
        assert!(err.contains("/items/é/name"), "{err}");
    }

    #[test]
    fn trailing_text_is_an_error() {
        let err = parse::<Doc>("{\"items\": {}} x", "f.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("trailing characters"), "{err}");
    }
}
