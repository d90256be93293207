//! Property tests: `api_spec::load_str` on arbitrary text and on the real spec's
//! `ResetVpnConnection` (`tests/data/reset_vpn_connection.json`, checked against
//! `api-spec/vpc.json` by `tests/load.rs`; the whole spec is too large to mutate
//! thousands of times in a debug build) mutated at the text level (deleted, inserted, swapped and
//! truncated characters) and at the JSON level (values replaced by other types, members
//! removed, renamed, copied and duplicated at random JSON pointers).
//!
//! Whatever the input: no panic; an error is `SpecError::Invalid` with at least one
//! diagnostic, and every diagnostic names the file and a `line:column` that lies inside
//! the input (columns count characters), in its fields and in its rendering. An `Ok`
//! needs well-formed JSON; a duplicated key is always reported, at its pointer.
//!
//! Cases: each property has its own small default (64 to 256) so that the file runs in
//! seconds in a debug build; `PROPTEST_CASES=<n>` replaces every default.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};

const SPEC: &str = include_str!("data/reset_vpn_connection.json");
const FILE: &str = "mutated.json";

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

// ---- the oracle --------------------------------------------------------------------

/// Whether 1-based `line`:`column` lies inside `text`: an existing line, and a column
/// at most one past that line's last character (where "end of input" errors point).
fn within(text: &str, line: usize, column: usize) -> bool {
    let Some(content) = text.split('\n').nth(line.wrapping_sub(1)) else {
        return false;
    };
    column >= 1 && column <= content.chars().count() + 1
}

/// Loads `text` and checks everything that must hold for any input. Returns whether
/// it loaded.
fn check(text: &str) -> Result<bool, TestCaseError> {
    let result = api_spec::load_str(text, FILE);
    match &result {
        Ok(service) => {
            // Only well-formed JSON can load, and the IR says what the document says.
            let value: Value = serde_json::from_str(text)
                .map_err(|err| TestCaseError::fail(format!("loaded malformed JSON: {err}")))?;
            prop_assert_eq!(
                value.get("service").and_then(Value::as_str),
                Some(service.name.as_str())
            );
            prop_assert_eq!(
                value.get("version").and_then(Value::as_str),
                Some(service.version.as_str())
            );
        }
        Err(api_spec::SpecError::Io { .. }) => {
            return Err(TestCaseError::fail("load_str reported an I/O error"));
        }
        Err(error @ api_spec::SpecError::Invalid(diagnostics)) => {
            prop_assert!(!diagnostics.is_empty(), "an error without diagnostics");
            prop_assert_eq!(error.diagnostics(), diagnostics.as_slice());
            let rendered = error.to_string();
            for diagnostic in diagnostics {
                let api_spec::Position { line, column } = diagnostic.position;
                prop_assert!(
                    within(text, line, column),
                    "{}:{} is outside the input ({} lines): {}",
                    line,
                    column,
                    text.split('\n').count(),
                    diagnostic
                );
                prop_assert_eq!(diagnostic.file.as_str(), FILE);
                prop_assert!(
                    diagnostic.pointer.is_empty() || diagnostic.pointer.starts_with('/'),
                    "not a JSON pointer: {:?}",
                    diagnostic.pointer
                );
                prop_assert!(!diagnostic.message.is_empty());
                let line_text = diagnostic.to_string();
                let prefix = format!("spec {FILE}:{line}:{column}: ");
                prop_assert!(
                    line_text.starts_with(&prefix),
                    "{:?} does not start with {:?}",
                    line_text,
                    prefix
                );
                prop_assert!(rendered.contains(&line_text));
            }
        }
    }
    // Deterministic: the same text gives the same answer.
    let again = api_spec::load_str(text, FILE);
    match (&result, &again) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => prop_assert_eq!(a.diagnostics(), b.diagnostics()),
        _ => prop_assert!(false, "two loads of one text disagree"),
    }
    Ok(result.is_ok())
}

#[test]
fn the_unmutated_spec_loads() {
    assert_eq!(check(SPEC).map_err(|e| e.to_string()), Ok(true));
}

#[test]
fn within_counts_characters() {
    assert!(within("", 1, 1));
    assert!(!within("", 1, 2));
    assert!(!within("", 0, 1));
    assert!(!within("a", 2, 1));
    assert!(within("a\n", 2, 1));
    assert!(within("éé\nx", 1, 3));
    assert!(!within("éé\nx", 1, 4));
}

/// A column past the end of a line full of multi-byte characters: serde_json counts
/// bytes, the loader must report characters.
#[test]
fn malformed_json_columns_count_characters() {
    let text = "{\"title\": \"ééééééééé\" !}";
    let error = api_spec::load_str(text, FILE).unwrap_err();
    let [diagnostic] = error.diagnostics() else {
        panic!("one diagnostic expected: {error}");
    };
    assert_eq!(
        diagnostic.position,
        api_spec::Position {
            line: 1,
            column: 23
        },
        "{diagnostic}"
    );
    // And an error right after a newline still points at a real line.
    let error = api_spec::load_str("{\n", FILE).unwrap_err();
    for diagnostic in error.diagnostics() {
        assert!(within(
            "{\n",
            diagnostic.position.line,
            diagnostic.position.column
        ));
    }
}

// ---- mutations of the text -----------------------------------------------------------

/// Text that means something to JSON, or to the spec format.
fn tokens() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "{", "}", "[", "]", "\"", ",", ":", "null", "true", "false", "0", "-1", "1e999",
            "\\", "\\u", "\n", " ", "\"\":", "{}", "[]", "\"x\"", "\u{0}", "é", "\u{1F600}",
        ])
        .prop_map(str::to_owned),
        1 => "[0-9]{1,25}",
        1 => any::<char>().prop_map(String::from),
    ]
}

#[derive(Debug, Clone)]
enum TextMutation {
    DeleteChar(Index),
    DeleteSpan(Index, usize),
    Insert(Index, String),
    /// Exchanges two non-overlapping spans of characters.
    SwapSpans(Index, Index, usize, usize),
    Truncate(Index),
    /// Repeats one line (in the pretty-printed spec, usually one member: a duplicate key).
    DuplicateLine(Index),
}

fn text_mutations() -> impl Strategy<Value = TextMutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(TextMutation::DeleteChar),
        1 => (any::<Index>(), 1usize..60).prop_map(|(at, len)| TextMutation::DeleteSpan(at, len)),
        3 => (any::<Index>(), tokens()).prop_map(|(at, token)| TextMutation::Insert(at, token)),
        1 => (any::<Index>(), any::<Index>(), 1usize..40, 1usize..40)
            .prop_map(|(a, b, la, lb)| TextMutation::SwapSpans(a, b, la, lb)),
        1 => any::<Index>().prop_map(TextMutation::Truncate),
        1 => any::<Index>().prop_map(TextMutation::DuplicateLine),
    ]
}

fn apply_text(text: &str, mutation: &TextMutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    // Positions are taken in 0..=len so that the end of the text can be chosen too.
    let at = |index: &Index, len: usize| index.index(len + 1);
    match mutation {
        TextMutation::DeleteChar(index) => {
            if !chars.is_empty() {
                chars.remove(index.index(chars.len()));
            }
        }
        TextMutation::DeleteSpan(index, len) => {
            let start = at(index, chars.len());
            let end = (start + len).min(chars.len());
            chars.drain(start..end);
        }
        TextMutation::Insert(index, token) => {
            let start = at(index, chars.len());
            chars.splice(start..start, token.chars());
        }
        TextMutation::SwapSpans(a, b, len_a, len_b) => {
            let (mut a, mut b) = (at(a, chars.len()), at(b, chars.len()));
            if a > b {
                std::mem::swap(&mut a, &mut b);
            }
            let a_end = (a + len_a).min(b);
            let b_end = (b + len_b).min(chars.len());
            let mut out = Vec::with_capacity(chars.len());
            out.extend_from_slice(&chars[..a]);
            out.extend_from_slice(&chars[b..b_end]);
            out.extend_from_slice(&chars[a_end..b]);
            out.extend_from_slice(&chars[a..a_end]);
            out.extend_from_slice(&chars[b_end..]);
            chars = out;
        }
        TextMutation::Truncate(index) => {
            let cut = at(index, chars.len());
            chars.truncate(cut);
        }
        TextMutation::DuplicateLine(index) => {
            let lines: Vec<&str> = text.split('\n').collect();
            let chosen = index.index(lines.len());
            let mut out: Vec<&str> = Vec::with_capacity(lines.len() + 1);
            out.extend_from_slice(&lines[..=chosen]);
            out.extend_from_slice(&lines[chosen..]);
            return out.join("\n");
        }
    }
    chars.into_iter().collect()
}

// ---- mutations of the JSON tree --------------------------------------------------------

/// Every JSON pointer of `value`, the root (`""`) included, in document order.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, here: String, out: &mut Vec<String>) {
        match value {
            Value::Object(members) => {
                out.push(here.clone());
                for (key, child) in members {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{here}/{token}"), out);
                }
            }
            Value::Array(items) => {
                out.push(here.clone());
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{here}/{i}"), out);
                }
            }
            _ => out.push(here),
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

/// Pointers of the objects that have at least one member.
fn object_pointers(value: &Value) -> Vec<String> {
    pointers(value)
        .into_iter()
        .filter(|p| matches!(value.pointer(p), Some(Value::Object(m)) if !m.is_empty()))
        .collect()
}

/// Arbitrary JSON, near-miss spec values (names, codes, member kinds) included.
fn json_values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "string",
            "int",
            "float",
            "bool",
            "list",
            "object",
            "int64",
            "uint64",
            "datetime",
            "RequestId",
            "Unknown",
            "Client",
            "online",
            "deprecated",
            "ResourceNotFound",
            "A.B",
            "a b",
            "vpc",
            "2017-03-12",
            "x.example.com",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        "[A-Za-z][A-Za-z0-9._]{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[A-Za-z_]{1,12}|\\PC{0,8}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

#[derive(Debug, Clone)]
enum TreeMutation {
    /// Replaces the value at a pointer (any node, the root included).
    Replace(Index, Value),
    /// Puts a copy of another node's value in place of a node.
    CopyNode(Index, Index),
    /// Removes an object member or an array item.
    Remove(Index),
    /// Renames an object member.
    RenameKey(Index, Index, String),
    /// Adds a member to an object.
    AddMember(Index, String, Value),
}

fn tree_mutations() -> impl Strategy<Value = TreeMutation> {
    prop_oneof![
        3 => (any::<Index>(), json_values()).prop_map(|(at, v)| TreeMutation::Replace(at, v)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(to, from)| TreeMutation::CopyNode(to, from)),
        2 => any::<Index>().prop_map(TreeMutation::Remove),
        1 => (any::<Index>(), any::<Index>(), "[A-Za-z_]{0,20}|\\PC{0,8}")
            .prop_map(|(at, key, name)| TreeMutation::RenameKey(at, key, name)),
        1 => (any::<Index>(), "[a-z_]{1,16}|\\PC{0,8}", json_values())
            .prop_map(|(at, name, v)| TreeMutation::AddMember(at, name, v)),
    ]
}

/// The parent pointer and the last (unescaped) token of a non-root pointer.
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
        TreeMutation::CopyNode(to, from) => {
            let copy = root.pointer(&pick(from)).cloned();
            if let (Some(node), Some(copy)) = (root.pointer_mut(&pick(to)), copy) {
                *node = copy;
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
        TreeMutation::RenameKey(at, key, name) => {
            let objects = object_pointers(root);
            if objects.is_empty() {
                return;
            }
            let pointer = &objects[at.index(objects.len())];
            if let Some(Value::Object(members)) = root.pointer_mut(pointer) {
                let old = members
                    .keys()
                    .nth(key.index(members.len()))
                    .cloned()
                    .unwrap_or_default();
                // Keep the order: rebuild the map with the one key renamed.
                let renamed: Map<String, Value> = std::mem::take(members)
                    .into_iter()
                    .map(|(k, v)| if k == old { (name.clone(), v) } else { (k, v) })
                    .collect();
                *members = renamed;
            }
        }
        TreeMutation::AddMember(at, name, value) => {
            let objects: Vec<String> = all
                .iter()
                .filter(|p| matches!(root.pointer(p), Some(Value::Object(_))))
                .cloned()
                .collect();
            if objects.is_empty() {
                return;
            }
            let pointer = &objects[at.index(objects.len())];
            if let Some(Value::Object(members)) = root.pointer_mut(pointer) {
                members.insert(name.clone(), value.clone());
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Text(TextMutation),
    Tree(TreeMutation),
}

fn mutations() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        text_mutations().prop_map(Mutation::Text),
        tree_mutations().prop_map(Mutation::Tree),
    ]
}

/// Applies the mutations in order. A tree mutation parses the current text (and is
/// skipped when that is no longer JSON) and pretty-prints the result.
fn mutate(mutations: &[Mutation]) -> String {
    let mut text = SPEC.to_owned();
    for mutation in mutations {
        match mutation {
            Mutation::Text(m) => text = apply_text(&text, m),
            Mutation::Tree(m) => {
                if let Ok(mut root) = serde_json::from_str::<Value>(&text) {
                    apply_tree(&mut root, m);
                    text = serde_json::to_string_pretty(&root).unwrap_or(text);
                }
            }
        }
    }
    text
}

/// The spec pretty-printed with one member of one object written twice: the original,
/// then a copy (or `replacement`) right after it. Returns the text and the duplicate's
/// JSON pointer.
fn with_duplicate_key(
    object: &Index,
    key: &Index,
    replacement: Option<&Value>,
) -> (String, String) {
    const SENTINEL: &str = "__props_duplicate_key_sentinel__";
    let mut root: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    let objects = object_pointers(&root);
    let pointer = objects[object.index(objects.len())].clone();
    let Some(Value::Object(members)) = root.pointer_mut(&pointer) else {
        unreachable!("object_pointers returns objects");
    };
    let position = key.index(members.len());
    let (name, value) = members
        .iter()
        .nth(position)
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("the index is in range");
    members.shift_insert(
        position + 1,
        SENTINEL.to_owned(),
        replacement.cloned().unwrap_or(value),
    );
    let text = serde_json::to_string_pretty(&root).expect("serializable");
    let quoted = serde_json::to_string(&name).expect("serializable");
    let text = text.replacen(&format!("\"{SENTINEL}\""), &quoted, 1);
    let token = name.replace('~', "~0").replace('/', "~1");
    (text, format!("{pointer}/{token}"))
}

// ---- the properties -----------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// Any Unicode text.
    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check(&text)?;
    }

    /// Text made of JSON punctuation, digits and keywords: reaches deeper into the
    /// parser than arbitrary Unicode does.
    #[test]
    fn json_like_text(text in "([{}\\[\\]\",:0-9 \n]|null|true|\"service\"|\"actions\"|é){0,200}") {
        check(&text)?;
    }

    /// Any well-formed JSON document: structurally wrong as a spec, almost always.
    #[test]
    fn arbitrary_json(value in json_values(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        check(&text.expect("serializable"))?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// One to four text-level mutations of the real spec.
    #[test]
    fn text_mutations_of_the_spec(
        mutations in prop::collection::vec(text_mutations(), 1..5),
    ) {
        let text = mutations
            .iter()
            .fold(SPEC.to_owned(), |text, m| apply_text(&text, m));
        check(&text)?;
    }

    /// One truncation at any character: never a complete document.
    #[test]
    fn truncations_of_the_spec(cut in any::<Index>()) {
        let chars: Vec<char> = SPEC.trim_end().chars().collect();
        let text: String = chars[..cut.index(chars.len())].iter().collect();
        prop_assert!(!check(&text)?, "a truncated spec loaded");
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// One to four JSON-level mutations: wrong types, missing, renamed and extra members.
    #[test]
    fn tree_mutations_of_the_spec(
        mutations in prop::collection::vec(tree_mutations(), 1..5),
    ) {
        let mutations: Vec<_> = mutations.into_iter().map(Mutation::Tree).collect();
        check(&mutate(&mutations))?;
    }

    /// Text and tree mutations interleaved.
    #[test]
    fn mixed_mutations_of_the_spec(mutations in prop::collection::vec(mutations(), 1..6)) {
        check(&mutate(&mutations))?;
    }

    /// A member written twice in one object is always reported, at the repetition.
    #[test]
    fn duplicate_keys_are_reported(
        object in any::<Index>(),
        key in any::<Index>(),
        replacement in prop::option::of(json_values()),
    ) {
        let (text, pointer) = with_duplicate_key(&object, &key, replacement.as_ref());
        let error = match api_spec::load_str(&text, FILE) {
            Ok(_) => return Err(TestCaseError::fail(format!("a duplicate {pointer} loaded"))),
            Err(error) => error,
        };
        check(&text)?;
        prop_assert!(
            error
                .diagnostics()
                .iter()
                .any(|d| d.pointer == pointer && d.message.starts_with("duplicate ")),
            "no duplicate diagnostic at {}: {}",
            pointer,
            error
        );
    }

    /// Deep nesting anywhere in the spec: an error, not a stack overflow.
    #[test]
    fn deep_nesting(
        at in any::<Index>(),
        (opener, closer) in prop::sample::select(vec![
            ("[", "]"),
            ("{\"a\":", "}"),
            ("[{\"a\":", "}]"),
            ("{\"\":[", "]}"),
        ]),
        depth in prop_oneof![1usize..300, 300usize..20_000],
        closed in any::<bool>(),
    ) {
        let mut nested = opener.repeat(depth);
        if closed {
            nested.push('0');
            nested.push_str(&closer.repeat(depth));
        }
        let text = apply_text(SPEC, &TextMutation::Insert(at, nested));
        check(&text)?;
    }
}
