//! Strict, located JSON reading shared by the import's phases: every problem names the
//! file, the JSON pointer and the line:column, and duplicate keys are errors, not silently
//! collapsed as `serde_json` would.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

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
    let (line, column) = position(text, err);
    let message = message_of(err);
    let pointer = if pointer.is_empty() {
        "(top level)"
    } else {
        pointer
    };
    anyhow::anyhow!("{file}:{line}:{column}: {pointer}: {message}")
}

/// The line and character column (both 1-based) a `serde_json` error points at.
pub(crate) fn position(text: &str, err: &serde_json::Error) -> (usize, usize) {
    (err.line(), char_column(text, err.line(), err.column()))
}

/// A `serde_json` error's message without the trailing ` at line L column C`.
pub(crate) fn message_of(err: &serde_json::Error) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

/// serde_json counts columns in bytes (0 right after a newline); people count characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let offset = byte_column.saturating_sub(1);
    let content = text
        .split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    content
        .char_indices()
        .take_while(|&(start, _)| start < offset)
        .count()
        + 1
}

/// The JSON pointer (RFC 6901) of a serde_path_to_error path.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            serde_path_to_error::Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&escape_token(key));
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}

/// One JSON pointer token: `~` becomes `~0`, `/` becomes `~1`.
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `parent/token`, the token escaped.
pub(crate) fn child(parent: &str, token: &str) -> String {
    format!("{parent}/{}", escape_token(token))
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
