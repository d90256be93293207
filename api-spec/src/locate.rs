//! Source positions for JSON pointers, and duplicate keys (which serde_json silently drops).
//!
//! The small public helpers ([`escape_token`], [`child`], [`pointer_of`],
//! [`position_of`], [`serde_json_position`]) are what any strict, located JSON reader needs; the spec
//! loader and `cargo xtask import` both use them.
//!
//! serde_json tells where malformed JSON breaks, but a well-formed value carries no
//! position. This scanner walks the text once and records, for every value, the JSON
//! pointer and the line:column where it starts. It runs only on text serde_json has
//! already accepted, but it still never panics on anything.

use std::collections::{HashMap, HashSet};
use std::fmt;

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where every value of one document starts, and the keys that appear twice.
#[derive(Debug, Default)]
pub(crate) struct SourceMap {
    starts: HashMap<String, Position>,
    /// (pointer of the repeated member, position of the repetition).
    pub(crate) duplicates: Vec<(String, Position)>,
}

impl SourceMap {
    /// Scans `text`. Stops quietly at anything unexpected: positions found so far stay.
    pub(crate) fn scan(text: &str) -> Self {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            at: 0,
            pos: Position { line: 1, column: 1 },
            map: SourceMap::default(),
        };
        let _ = scanner.value(String::new(), 0);
        scanner.map
    }

    /// The position of the value at `pointer`, or of its nearest ancestor that has one.
    pub(crate) fn position(&self, pointer: &str) -> Position {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.starts.get(pointer) {
                return *position;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => return Position { line: 1, column: 1 },
            }
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901): `~` becomes `~0`, `/`
/// becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `parent/token`, the token escaped.
pub fn child(parent: &str, token: &str) -> String {
    format!("{parent}/{}", escape_token(token))
}

/// The JSON pointer of the path `serde_path_to_error` reports (`/actions/X/input/0`).
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
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

/// Where the value at `pointer` starts in `text`, or its nearest ancestor that has a
/// position (line 1, column 1 when none has): for a problem found in a well-formed
/// document after it was read, such as an entry that names something that does not exist.
pub fn position_of(text: &str, pointer: &str) -> Position {
    SourceMap::scan(text).position(pointer)
}

/// Where a `serde_json` error points in `text`, with the column counted in characters
/// (serde_json counts bytes), and its message without the trailing
/// ` at line L column C`.
pub fn serde_json_position(text: &str, err: &serde_json::Error) -> (Position, String) {
    let offset = err.column().saturating_sub(1);
    let content = text
        .split('\n')
        .nth(err.line().saturating_sub(1))
        .unwrap_or_default();
    let column = content
        .char_indices()
        .take_while(|&(start, _)| start < offset)
        .count()
        + 1;
    let message = err.to_string();
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    };
    (
        Position {
            line: err.line(),
            column,
        },
        message,
    )
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    pos: Position,
    map: SourceMap,
}

/// serde_json refuses nesting deeper than 128; the scanner never goes past this either.
const MAX_DEPTH: usize = 256;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        if byte == b'\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else if byte & 0xC0 != 0x80 {
            // Count characters: UTF-8 continuation bytes do not start a new one.
            self.pos.column += 1;
        }
        Some(byte)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        (self.bump()? == byte).then_some(())
    }

    fn value(&mut self, pointer: String, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        self.map.starts.insert(pointer.clone(), self.pos);
        match self.peek()? {
            b'{' => self.object(pointer, depth),
            b'[' => self.array(pointer, depth),
            b'"' => self.string().map(drop),
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
                ) {
                    self.bump();
                }
                Some(())
            }
        }
    }

    fn object(&mut self, pointer: String, depth: usize) -> Option<()> {
        self.bump();
        let mut seen = HashSet::new();
        self.skip_ws();
        if self.peek()? == b'}' {
            self.bump();
            return Some(());
        }
        loop {
            self.skip_ws();
            let key_pos = self.pos;
            let key = self.string()?;
            let child = format!("{pointer}/{}", escape_token(&key));
            if !seen.insert(key) {
                self.map.duplicates.push((child.clone(), key_pos));
            }
            self.expect(b':')?;
            self.value(child, depth + 1)?;
            self.skip_ws();
            match self.bump()? {
                b',' => continue,
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    fn array(&mut self, pointer: String, depth: usize) -> Option<()> {
        self.bump();
        self.skip_ws();
        if self.peek()? == b']' {
            self.bump();
            return Some(());
        }
        let mut index = 0usize;
        loop {
            self.value(format!("{pointer}/{index}"), depth + 1)?;
            index += 1;
            self.skip_ws();
            match self.bump()? {
                b',' => continue,
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        if self.bump()? != b'"' {
            return None;
        }
        let mut out = Vec::new();
        loop {
            match self.bump()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let decoded = match self.bump()? {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => self.unicode_escape()?,
                        other => char::from(other),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
                }
                byte => out.push(byte),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = char::from(self.bump()?).to_digit(16)?;
            value = value * 16 + digit;
        }
        Some(value)
    }

    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.peek() == Some(b'\\') {
            self.bump();
            if self.bump()? != b'u' {
                return None;
            }
            let second = self.hex4()?;
            let combined =
                0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF);
            return Some(char::from_u32(combined).unwrap_or('\u{FFFD}'));
        }
        Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_starts_of_nested_values() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"x\"}],\n  \"é\": true\n}";
        let map = SourceMap::scan(text);
        assert_eq!(map.position(""), Position { line: 1, column: 1 });
        assert_eq!(map.position("/a"), Position { line: 2, column: 8 });
        assert_eq!(map.position("/a/0"), Position { line: 2, column: 9 });
        assert_eq!(
            map.position("/a/1/b~1c"),
            Position {
                line: 2,
                column: 20
            }
        );
        assert_eq!(map.position("/é"), Position { line: 3, column: 8 });
        // Unknown pointers fall back to the nearest known ancestor.
        assert_eq!(
            map.position("/a/1/zzz/0"),
            Position {
                line: 2,
                column: 12
            }
        );
        assert!(map.duplicates.is_empty());
    }

    #[test]
    fn position_of_finds_a_list_item() {
        let text = "{\n  \"sensitive\": [\n    \"A.B\",\n    \"C.D\"\n  ]\n}";
        assert_eq!(
            position_of(text, "/sensitive/1"),
            Position { line: 4, column: 5 }
        );
    }

    #[test]
    fn finds_duplicate_keys_even_when_escaped_differently() {
        let text = r#"{"x": {"k": 1, "\u006b": 2}, "x": 3}"#;
        let map = SourceMap::scan(text);
        let pointers: Vec<_> = map.duplicates.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(pointers, ["/x/k", "/x"]);
    }

    #[test]
    fn never_panics_on_garbage() {
        for text in [
            "",
            "{",
            "[1,",
            "\"\\u12",
            "{\"a\" 1}",
            "\u{0}",
            "[[[[[[",
            "{\"\\ud800\\u0041\":1}",
        ] {
            let _ = SourceMap::scan(text);
        }
    }
}
