//! Tencent's document texts as rustdoc Markdown: [`rustdoc`] is the one place that turns an
//! official description (an action, object or member `document`, a member `example`, an
//! example's `title` or `document`, an error code's description) into Markdown that the
//! generator emits as `///` lines and that passes `rustdoc -D warnings` and
//! `clippy -D warnings`.
//!
//! The texts mix Markdown and loose HTML: `<li>` without `</li>`, `<br>`, `<b>`, `<p>`,
//! tables, tabs, indented lines, `[5,100]` ranges, bare URLs, placeholders such as
//! `<Common request parameters>`, list items followed by lazy continuation lines. The
//! function never fails and never panics; it applies these rules:
//!
//! 1. **Characters.** Line endings become `\n`, a tab becomes four spaces, control
//!    characters and the bidirectional overrides that rustc rejects in comments are dropped.
//! 2. **One block per line.** Outside code blocks and tables every source line, `<br>`,
//!    `<p>` and `<div>` ends a paragraph, and every paragraph is its own Markdown block,
//!    separated from the next by a blank line. Nothing can be a lazy continuation line, and
//!    leading indentation (which would make a Rust doctest) is dropped. Chinese text breaks
//!    lines mid-sentence: a line after a full-width comma (`，`, `、`), or a sentence's end
//!    (`接口。`) after a line without a stop, joins the paragraph or item before it.
//! 3. **Lists.** `<li>` (inside `<ul>`/`<ol>` or on its own) and `- `, `* `, `+ `, `1. `
//!    at the start of a paragraph become list items; consecutive items form a tight list,
//!    nested `<ul>` and Markdown items indented two columns past their parent's marker a
//!    nested list. A newline ends an `<li>` unless its `</li>` comes later, in which case
//!    the following lines are paragraphs of that item, indented exactly to its content. A
//!    line after a Markdown item that goes on with its sentence (starts in lower case) joins
//!    the item, as it would in Markdown; `</li>.` loses its stray full stop. An indented
//!    `<p style="padding-left: ...">` right after an item is a paragraph of that item.
//! 4. **Code.** Fenced blocks keep their language when it is a known non-Rust one (`json`,
//!    `xml`, ...) and otherwise get `text`; `<pre>` becomes a `text` block; an unclosed
//!    fence is closed. `<code>` becomes a code span; an unmatched backtick is escaped.
//! 5. **Tables.** `<table>` and Markdown pipe tables become one pipe table with the first
//!    row as header, so a reader sees a grid in the source and in the rendered page.
//! 6. **Inline HTML.** `<b>`/`<strong>` become `**`, `<i>`/`<em>` `*`, `<a href>` a
//!    Markdown link (a relative one its text and path); `**x**` and `~~x~~` on one line
//!    stay bold and struck through. Emphasis markers are placed where `CommonMark`'s
//!    flanking rules accept them: a space after `**Note:**` before a letter, and a
//!    full-width `：，。` moved out (`**说明：**若` becomes `**说明**：若`). Layout-only
//!    tags (`<font>`, `<span>`, ...) are dropped. Every other `<` that could open a tag is
//!    escaped as `\<`, so `<instance-id>` reads literally.
//! 7. **Links.** `[text](http...)` stays a link, `[text](/document/...)` becomes its
//!    text and path like a relative `<a href>`; every other `[` and `]` is escaped, so
//!    `[5,100]` is no intra-doc link. A bare URL becomes an autolink `<https://...>`. Two
//!    lone `~` in a paragraph are escaped (`1~100 and 5~10` is no strikethrough).
//! 8. **Block starts.** `>` at a line start becomes a block quote (Tencent writes `>?` and
//!    `>!` for notes), `# ` a heading, `---` a rule. A paragraph or item text that would
//!    start a construct the text did not mean (`>=`, `+ ` or `# ` inside an item, `1.`
//!    alone, `***`) gets a backslash.
//!
//! The result has no trailing whitespace, no run of blank lines, and ends with a complete
//! block (no open fence, table or HTML), so the caller can append its own paragraph after
//! a blank line. It is empty only when the input is blank.

/// Turns one official document text into Markdown for `///` lines (see the module docs).
///
/// The result holds one output line per `\n`; it is empty exactly when `text` has no
/// visible character.
pub(crate) fn rustdoc(text: &str) -> String {
    let text = normalize(text);
    if text.trim().is_empty() {
        return String::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let tokens = Lexer::new(&chars, true).run();
    let out = layout(&Builder::default().build(tokens));
    if out.is_empty() {
        // Only tags, say `<ul></ul>`: show the text rather than an empty doc.
        fallback(&text)
    } else {
        out
    }
}

// ---------------------------------------------------------------------------------------
// Characters
// ---------------------------------------------------------------------------------------

/// Line endings to `\n`, tabs to spaces (clippy's `tabs_in_doc_comments`), no control
/// characters, and none of the bidirectional overrides that rustc's
/// `text_direction_codepoint_in_comment` lint denies.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Every ASCII punctuation character escaped: a safe rendering of any text.
fn fallback(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------

/// What the lexer sees in a text.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Plain text, escaped when rendered.
    Text(String),
    /// Markdown kept as written: a backtick code span or a backslash escape.
    Raw(String),
    /// The content of a `<code>` element, rendered as a code span.
    Code(String),
    /// A URL, rendered as an autolink.
    Url(String),
    Open(Style),
    Close(Mark),
    Block(Tag),
    /// A source line ends.
    Newline,
    /// A non-blank source line starts, indented by this many spaces (for nested
    /// Markdown lists; the indentation itself is not kept).
    Indent(usize),
    /// The current source line is quoted (`>` at its start).
    Quote,
    /// A fenced or `<pre>` block: language and lines.
    CodeBlock(String, Vec<String>),
}

/// An inline style that needs a closing counterpart.
#[derive(Debug, Clone, PartialEq)]
enum Style {
    Bold,
    Italic,
    /// `~~text~~`, Tencent's mark of a withdrawn sentence.
    Strike,
    /// `<a href>` or `[text](url)`; the URL may be relative (`/document/...`).
    Link(String),
}

/// The closing counterpart of a [`Style`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mark {
    Bold,
    Italic,
    Strike,
    Link,
}

impl Style {
    fn mark(&self) -> Mark {
        match self {
            Self::Bold => Mark::Bold,
            Self::Italic => Mark::Italic,
            Self::Strike => Mark::Strike,
            Self::Link(_) => Mark::Link,
        }
    }
}

/// HTML that shapes blocks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tag {
    /// `<br>`.
    Br,
    /// `<p>`, `<div>` and similar, opening or closing.
    Para,
    /// `<p style="padding-left: ...">`: Tencent's way to write the description of the
    /// item before it (`<li><b>NAME</b></li><p style="padding-left: 30px;">...</p>`).
    IndentedPara,
    /// `<ul>` or `<ol>` (`true`).
    ListOpen(bool),
    ListClose,
    ItemOpen,
    ItemClose,
    TableOpen,
    TableClose,
    RowOpen,
    CellOpen,
}

// ---------------------------------------------------------------------------------------
// Lexer: text to tokens
// ---------------------------------------------------------------------------------------

/// Languages a fenced block may keep; anything else (Rust, rustdoc attributes, unknown
/// words) becomes `text`, so no block is ever compiled as a doctest.
const FENCE_LANGUAGES: &str = "bash c c++ cpp cs csharp css csv diff dockerfile go golang \
    graphql html http ini java javascript js json kotlin lua markdown md nginx perl php \
    powershell proto protobuf python py ruby scala sh shell sql swift text toml ts typescript \
    xml yaml yml";

/// How far a Markdown link or an HTML tag may reach; keeps odd inputs linear.
const SCAN_LIMIT: usize = 2000;

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    /// End of the current source line (index of its `\n` or of the end).
    line_end: usize,
    /// Recognise fences, pipe tables and quotes at line starts (off in link texts and cells).
    blocks: bool,
    /// Inside the text of a Markdown link: no nested link or autolink.
    in_link: bool,
    tokens: Vec<Token>,
    text: String,
    /// Closing strings (`</code`, `-->`) known to be absent after the current position.
    absent: Vec<String>,
    /// Backtick run lengths known to have no closing run on the current line.
    unmatched_ticks: Vec<usize>,
    /// Where the `**` closing the open Markdown bold starts (on the current line).
    bold_close: Option<usize>,
    /// Where the `~~` closing the open strikethrough starts (on the current line).
    strike_close: Option<usize>,
}

/// A tag as written: `<name attrs>` or `</name>`.
struct HtmlTag {
    closing: bool,
    name: String,
    attrs: String,
    /// Index just after the `>`.
    end: usize,
}

/// What an HTML tag turns into.
enum Html {
    Emit(Token),
    /// Known but without Markdown counterpart (`<font>`, `</td>`): dropped.
    Ignore,
    /// Not a tag we know: the `<` is text.
    Unknown,
}

impl<'a> Lexer<'a> {
    fn new(chars: &'a [char], blocks: bool) -> Self {
        Self {
            chars,
            pos: 0,
            line_end: 0,
            blocks,
            in_link: false,
            tokens: Vec::new(),
            text: String::new(),
            absent: Vec::new(),
            unmatched_ticks: Vec::new(),
            bold_close: None,
            strike_close: None,
        }
    }

    fn run(mut self) -> Vec<Token> {
        let mut line_start = true;
        while self.pos < self.chars.len() {
            if line_start {
                line_start = false;
                self.line_end = self.find_line_end(self.pos);
                self.unmatched_ticks.clear();
                self.bold_close = None;
                self.strike_close = None;
                if self.blocks && self.line_block() {
                    line_start = true;
                    continue;
                }
            }
            let Some(c) = self.at(self.pos) else { break };
            match c {
                '\n' => {
                    self.flush_text();
                    self.tokens.push(Token::Newline);
                    self.pos += 1;
                    line_start = true;
                }
                '\\' => self.backslash(),
                '`' => self.backticks(),
                '<' => self.angle(),
                '*' | '~' => self.delimiters(c),
                '[' if !self.in_link => self.bracket(),
                c => {
                    self.text.push(c);
                    self.pos += 1;
                }
            }
        }
        self.flush_text();
        self.tokens
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn collect(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn find_line_end(&self, from: usize) -> usize {
        (from..self.chars.len())
            .find(|&i| self.chars[i] == '\n')
            .unwrap_or(self.chars.len())
    }

    /// Moves to `to`, which may lie on a later line (after `<pre>` or a multi-line `<code>`).
    fn jump(&mut self, to: usize) {
        self.pos = to.min(self.chars.len());
        if self.pos > self.line_end {
            self.line_end = self.find_line_end(self.pos);
            self.unmatched_ticks.clear();
        }
    }

    fn run_len(&self, from: usize, c: char) -> usize {
        self.chars
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&x| x == c)
            .count()
    }

    fn starts_with_ci(&self, at: usize, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.at(at + k).is_some_and(|x| x.to_ascii_lowercase() == c))
    }

    /// First index at or after `from` where `needle` (lower case) starts, ignoring case.
    fn find_ci(&mut self, from: usize, needle: &str) -> Option<usize> {
        if self.absent.iter().any(|a| a == needle) {
            return None;
        }
        let found = (from..self.chars.len()).find(|&i| self.starts_with_ci(i, needle));
        if found.is_none() {
            self.absent.push(needle.to_owned());
        }
        found
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.tokens.push(Token::Text(text));
        }
    }

    fn push(&mut self, token: Token) {
        self.flush_text();
        self.tokens.push(token);
    }

    /// At a line start: a fence or a pipe table (consumed whole, `true`), or a quote
    /// marker and the indentation (skipped, so no line becomes an indented code block).
    fn line_block(&mut self) -> bool {
        let start = self.pos;
        let first = (start..self.line_end)
            .find(|&i| self.chars[i] != ' ')
            .unwrap_or(self.line_end);
        if self.fence(start, first) || self.pipe_table(start) {
            return true;
        }
        self.pos = first;
        if first < self.line_end {
            self.push(Token::Indent(first - start));
        }
        // `>=` and `>5` are comparisons, not quotes.
        let quote = self.at(first) == Some('>')
            && !self
                .at(first + 1)
                .is_some_and(|c| c == '=' || c.is_ascii_digit());
        if quote {
            self.push(Token::Quote);
            self.pos = first + 1;
            // Tencent's `>?` (note) and `>!` (warning) markers.
            if matches!(self.at(self.pos), Some('?' | '!')) {
                self.pos += 1;
            }
            while self.at(self.pos) == Some(' ') {
                self.pos += 1;
            }
        }
        false
    }

    /// A fenced block opening at `first`: its lines up to the closing fence, dedented by the
    /// opening fence's indentation. Without a closing line, a line ending in the fence
    /// closes it (Tencent writes ``{...}``` `` at the end of a line), else the text's end does.
    fn fence(&mut self, start: usize, first: usize) -> bool {
        let Some(ch) = self.at(first).filter(|&c| c == '`' || c == '~') else {
            return false;
        };
        let run = self.run_len(first, ch);
        if run < 3 {
            return false;
        }
        let info = self.collect(first + run, self.line_end);
        if ch == '`' && info.contains('`') {
            return false; // ```x``` is a code span
        }
        let indent = first - start;
        let fence: String = std::iter::repeat_n(ch, run).collect();
        let mut lines = Vec::new(); // (line, index after its end)
        let mut closed = None;
        let mut line = self.line_end + 1;
        while line < self.chars.len() {
            let end = self.find_line_end(line);
            let text = self.collect(line, end);
            let trimmed = text.trim_start_matches(' ');
            if trimmed.starts_with(&fence) && trimmed.trim_start_matches(ch).trim().is_empty() {
                closed = Some(end + 1);
                break;
            }
            lines.push((dedent(&text, indent), end + 1));
            line = end + 1;
        }
        let next = match closed {
            Some(next) => next,
            None => match lines
                .iter()
                .position(|(l, _)| l.trim_end().ends_with(&fence))
            {
                Some(k) => {
                    let next = lines[k].1;
                    lines.truncate(k + 1);
                    if let Some((last, _)) = lines.last_mut() {
                        *last = last.trim_end().trim_end_matches(ch).to_owned();
                    }
                    next
                }
                None => self.chars.len(),
            },
        };
        let body = lines.into_iter().map(|(l, _)| l).collect();
        self.push(Token::CodeBlock(fence_language(&info), body));
        self.jump(next);
        true
    }

    /// A Markdown pipe table starting at `start`: header, delimiter row, rows with `|`.
    fn pipe_table(&mut self, start: usize) -> bool {
        let header = self.collect(start, self.line_end);
        if !header.contains('|') || self.line_end + 1 >= self.chars.len() {
            return false;
        }
        let delimiter_end = self.find_line_end(self.line_end + 1);
        let delimiter = self.collect(self.line_end + 1, delimiter_end);
        let header = split_row(&header);
        if !is_delimiter_row(&delimiter, header.len()) {
            return false;
        }
        let mut rows = vec![header];
        let mut line = delimiter_end + 1;
        while line < self.chars.len() {
            let end = self.find_line_end(line);
            let text = self.collect(line, end);
            if text.trim().is_empty() || !text.contains('|') {
                break;
            }
            rows.push(split_row(&text));
            line = end + 1;
        }
        self.push(Token::Block(Tag::TableOpen));
        for row in rows {
            self.tokens.push(Token::Block(Tag::RowOpen));
            for cell in row {
                self.tokens.push(Token::Block(Tag::CellOpen));
                let chars: Vec<char> = cell.chars().collect();
                self.tokens.extend(Lexer::new(&chars, false).run());
            }
        }
        self.tokens.push(Token::Block(Tag::TableClose));
        self.jump(line);
        true
    }

    /// `\` before ASCII punctuation is a Markdown escape and stays as written.
    fn backslash(&mut self) {
        match self.at(self.pos + 1) {
            Some(c) if c.is_ascii_punctuation() => {
                self.push(Token::Raw(format!("\\{c}")));
                self.pos += 2;
            }
            _ => {
                self.text.push('\\');
                self.pos += 1;
            }
        }
    }

    /// A code span if a run of as many backticks closes it on this line, else escaped
    /// backticks (an unmatched one would swallow text up to a later backtick).
    fn backticks(&mut self) {
        let n = self.run_len(self.pos, '`');
        if let Some(close) = self.closing_ticks(self.pos + n, n) {
            let span = self.collect(self.pos, close + n);
            self.push(Token::Raw(span));
            self.pos = close + n;
        } else {
            self.push(Token::Raw("\\`".repeat(n)));
            self.pos += n;
        }
    }

    /// Start of the next run of exactly `n` backticks on the current line.
    fn closing_ticks(&mut self, from: usize, n: usize) -> Option<usize> {
        if self.unmatched_ticks.contains(&n) {
            return None;
        }
        let mut i = from;
        while i < self.line_end {
            if self.chars[i] == '`' {
                let m = self.run_len(i, '`');
                if m == n {
                    return Some(i);
                }
                i += m;
            } else {
                i += 1;
            }
        }
        self.unmatched_ticks.push(n);
        None
    }

    /// `**text**` on one line is bold, `~~text~~` struck through: the writer then places
    /// the markers where `CommonMark`'s flanking rules accept them (`**说明：**若` is no
    /// bold as written). Any other run of asterisks or tildes is text.
    fn delimiters(&mut self, c: char) {
        let n = self.run_len(self.pos, c);
        let (style, mark) = if c == '*' {
            (Style::Bold, Mark::Bold)
        } else {
            (Style::Strike, Mark::Strike)
        };
        let pending = if c == '*' {
            self.bold_close
        } else {
            self.strike_close
        };
        if n == 2 {
            if pending == Some(self.pos) {
                self.set_close(c, None);
                self.push(Token::Close(mark));
                self.pos += 2;
                return;
            }
            if pending.is_none()
                && let Some(close) = self.closing_pair(self.pos + 2, c)
            {
                self.set_close(c, Some(close));
                self.push(Token::Open(style));
                self.pos += 2;
                return;
            }
        }
        self.text.extend(std::iter::repeat_n(c, n));
        self.pos += n;
    }

    fn set_close(&mut self, c: char, at: Option<usize>) {
        if c == '*' {
            self.bold_close = at;
        } else {
            self.strike_close = at;
        }
    }

    /// Start of the `**` (or `~~`) closing a pair opened just before `from`: the first run
    /// of exactly two on the line after a non-blank character, outside code spans.
    fn closing_pair(&mut self, from: usize, c: char) -> Option<usize> {
        if self.at(from).is_none_or(char::is_whitespace) {
            return None;
        }
        let mut i = from;
        while i < self.line_end {
            match self.chars[i] {
                x if x == c => {
                    let m = self.run_len(i, c);
                    if m == 2 && i > from && !self.chars[i - 1].is_whitespace() {
                        return Some(i);
                    }
                    i += m;
                }
                '`' => {
                    let n = self.run_len(i, '`');
                    i = self
                        .closing_ticks(i + n, n)
                        .map_or(i + n, |close| close + n);
                }
                '\\' => i += 2,
                _ => i += 1,
            }
        }
        None
    }

    /// `<`: an autolink, a comment, a known tag, or text.
    fn angle(&mut self) {
        let p = self.pos;
        if let Some(end) = self.autolink(p) {
            let url = self.collect(p + 1, end);
            self.push(Token::Url(url));
            self.pos = end + 1;
            return;
        }
        if self.starts_with_ci(p, "<!--")
            && let Some(end) = self.find_ci(p + 4, "-->")
        {
            self.text.push(' ');
            self.jump(end + 3);
            return;
        }
        if let Some(tag) = self.parse_tag(p)
            && self.html(&tag)
        {
            return;
        }
        self.text.push('<');
        self.pos += 1;
    }

    /// `<http://...>` on one line: index of the `>`.
    fn autolink(&self, p: usize) -> Option<usize> {
        let scheme = if self.starts_with_ci(p + 1, "https://") {
            8
        } else if self.starts_with_ci(p + 1, "http://") {
            7
        } else {
            return None;
        };
        let end = (p + 1 + scheme..self.line_end).find(|&i| {
            let c = self.chars[i];
            c == '>' || c == '<' || c.is_whitespace()
        })?;
        (self.chars[end] == '>' && end > p + 1 + scheme).then_some(end)
    }

    /// A tag's syntax at `p` (name, attributes with quoted values, `>`), known or not.
    fn parse_tag(&self, p: usize) -> Option<HtmlTag> {
        let mut i = p + 1;
        let closing = self.at(i) == Some('/');
        if closing {
            i += 1;
        }
        let name_start = i;
        if !self.at(i)?.is_ascii_alphabetic() {
            return None;
        }
        while self
            .at(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            i += 1;
        }
        let name = self.collect(name_start, i).to_ascii_lowercase();
        let attrs_start = i;
        if !matches!(self.at(i)?, '>' | '/') && !self.at(i)?.is_whitespace() {
            return None;
        }
        let mut quote = None;
        loop {
            let c = self.at(i)?;
            if i - p > SCAN_LIMIT {
                return None;
            }
            match (quote, c) {
                (None, '>') => break,
                (None, '<') => return None,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        Some(HtmlTag {
            closing,
            name,
            attrs: self.collect(attrs_start, i),
            end: i + 1,
        })
    }

    /// Emits a known tag and moves past it; `false` for a tag we do not know.
    fn html(&mut self, tag: &HtmlTag) -> bool {
        let block = |t| Html::Emit(Token::Block(t));
        let result = match (tag.name.as_str(), tag.closing) {
            ("br", _) => block(Tag::Br),
            ("p", false) if is_indented(&tag.attrs) => block(Tag::IndentedPara),
            (
                "p" | "div" | "section" | "article" | "blockquote" | "center" | "hr" | "h1" | "h2"
                | "h3" | "h4" | "h5" | "h6" | "dl" | "dt" | "dd" | "dx-alert" | "header" | "footer",
                _,
            ) => block(Tag::Para),
            // `<ui>` and `<ur>` are typos for `<ul>` in the descriptions.
            ("ul" | "ui" | "ur" | "ol", false) => block(Tag::ListOpen(tag.name == "ol")),
            ("ul" | "ui" | "ur" | "ol", true) => block(Tag::ListClose),
            ("li" | "lil", false) => block(Tag::ItemOpen),
            ("li" | "lil", true) => block(Tag::ItemClose),
            ("table", false) => block(Tag::TableOpen),
            ("table", true) => block(Tag::TableClose),
            ("tr", false) => block(Tag::RowOpen),
            ("td" | "th", false) => block(Tag::CellOpen),
            ("b" | "strong", false) => Html::Emit(Token::Open(Style::Bold)),
            ("b" | "strong", true) => Html::Emit(Token::Close(Mark::Bold)),
            ("i" | "em", false) => Html::Emit(Token::Open(Style::Italic)),
            ("i" | "em", true) => Html::Emit(Token::Close(Mark::Italic)),
            ("a", false) => {
                let href = attribute(&tag.attrs, "href").unwrap_or_default();
                Html::Emit(Token::Open(Style::Link(decode_entities(&href))))
            }
            ("a", true) => Html::Emit(Token::Close(Mark::Link)),
            ("code" | "tt" | "kbd" | "samp", false) => return self.code_element(tag),
            ("pre", false) => return self.pre_element(tag),
            ("img", _) => return self.image(tag),
            ("sup", false) => Html::Emit(Token::Text("^".to_owned())),
            (
                "tr" | "td" | "th" | "thead" | "tbody" | "tfoot" | "caption" | "colgroup" | "col"
                | "code" | "tt" | "kbd" | "samp" | "pre" | "sup" | "sub" | "font" | "span" | "u"
                | "small" | "big" | "mark" | "del" | "s" | "strike" | "ins" | "label" | "nobr"
                | "wbr" | "abbr" | "cite" | "q" | "svg" | "path" | "g" | "figure" | "figcaption",
                _,
            ) => Html::Ignore,
            _ => Html::Unknown,
        };
        match result {
            Html::Unknown => return false,
            Html::Ignore => {}
            // A link text is one line of inline Markdown: blocks and links flatten to text.
            Html::Emit(Token::Block(_)) if self.in_link => self.text.push(' '),
            Html::Emit(Token::Open(Style::Link(_)) | Token::Close(Mark::Link)) if self.in_link => {}
            Html::Emit(token) => self.push(token),
        }
        self.jump(tag.end);
        true
    }

    /// The element's inner text up to `</name`, and the index after that closing tag.
    fn element_text(&mut self, tag: &HtmlTag) -> Option<(String, usize)> {
        let close = self.find_ci(tag.end, &format!("</{}", tag.name))?;
        let end = (close..self.chars.len())
            .find(|&i| self.chars[i] == '>')
            .map_or(self.chars.len(), |i| i + 1);
        Some((self.collect(tag.end, close), end))
    }

    /// `<code>...</code>` as one code span (inner tags dropped, entities decoded).
    fn code_element(&mut self, tag: &HtmlTag) -> bool {
        match self.element_text(tag) {
            Some((inner, end)) => {
                let code = decode_entities(&strip_tags(&inner, " "));
                self.push(Token::Code(code));
                self.jump(end);
            }
            None => self.jump(tag.end), // unclosed: drop the tag
        }
        true
    }

    /// `<pre>...</pre>` as a `text` block.
    fn pre_element(&mut self, tag: &HtmlTag) -> bool {
        match self.element_text(tag) {
            Some((inner, end)) => {
                let text = decode_entities(&strip_tags(&inner, "\n"));
                let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
                let indent = lines
                    .iter()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start_matches(' ').len())
                    .min()
                    .unwrap_or(0);
                let body = lines.iter().map(|l| dedent(l, indent)).collect();
                self.push(Token::CodeBlock("text".to_owned(), body));
                self.jump(end);
            }
            None => self.jump(tag.end),
        }
        true
    }

    /// `<img>`: a link to the image when it has an http(s) `src`, else its `alt` text.
    fn image(&mut self, tag: &HtmlTag) -> bool {
        let alt = attribute(&tag.attrs, "alt").map(|a| decode_entities(&a));
        match attribute(&tag.attrs, "src").filter(|s| is_http(s)) {
            Some(src) if !self.in_link => {
                self.push(Token::Open(Style::Link(decode_entities(&src))));
                self.push(Token::Text(alt.unwrap_or_else(|| "image".to_owned())));
                self.push(Token::Close(Mark::Link));
            }
            _ => self.text.push_str(&alt.unwrap_or_default()),
        }
        self.jump(tag.end);
        true
    }

    /// `[`: a Markdown link to an http(s) URL or a site path (`/document/...`, shown like
    /// a relative `<a href>`: its text, then the path), or a literal bracket.
    fn bracket(&mut self) {
        if let Some(link) = self.markdown_link(self.pos)
            && (is_http(&link.url) || is_site_path(&link.url))
        {
            let inner = self.chars.get(link.text.0..link.text.1).unwrap_or_default();
            let blank = inner.iter().all(|c| c.is_whitespace());
            if blank && !is_http(&link.url) {
                self.push(Token::Code(link.url));
            } else if blank {
                self.push(Token::Url(link.url));
            } else {
                self.push(Token::Open(Style::Link(link.url)));
                let mut lexer = Lexer::new(inner, false);
                lexer.in_link = true;
                self.tokens.extend(lexer.run());
                self.tokens.push(Token::Close(Mark::Link));
            }
            self.pos = link.end;
            return;
        }
        self.text.push('[');
        self.pos += 1;
    }

    /// `[text](url "title")` on the current line, starting at `p`.
    fn markdown_link(&mut self, p: usize) -> Option<MarkdownLink> {
        let limit = self.line_end.min(p + SCAN_LIMIT);
        let mut i = p + 1;
        let mut depth = 0usize;
        while i < limit {
            match self.chars[i] {
                '\\' => i += 1,
                '`' => {
                    let n = self.run_len(i, '`');
                    i = self
                        .closing_ticks(i + n, n)
                        .map_or(i + n, |close| close + n);
                    continue;
                }
                '[' => depth += 1,
                ']' if depth == 0 => break,
                ']' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        if i >= limit || self.at(i) != Some(']') || self.at(i + 1) != Some('(') {
            return None;
        }
        let text = (p + 1, i);
        let mut j = i + 2;
        let skip_spaces = |j: &mut usize| {
            while self.at(*j) == Some(' ') {
                *j += 1;
            }
        };
        skip_spaces(&mut j);
        let url = if self.at(j) == Some('<') {
            let close = (j + 1..limit).find(|&k| matches!(self.chars[k], '>' | '<'))?;
            if self.chars[close] != '>' {
                return None;
            }
            let url = self.collect(j + 1, close);
            j = close + 1;
            url
        } else {
            let start = j;
            let mut parens = 0usize;
            while let Some(c) = self.at(j).filter(|_| j < limit) {
                match c {
                    c if c.is_whitespace() => break,
                    '(' => parens += 1,
                    ')' if parens == 0 => break,
                    ')' => parens -= 1,
                    _ => {}
                }
                j += 1;
            }
            self.collect(start, j)
        };
        skip_spaces(&mut j);
        if let Some(q @ ('"' | '\'')) = self.at(j) {
            j = (j + 1..limit).find(|&k| self.chars[k] == q)? + 1;
            skip_spaces(&mut j);
        }
        (self.at(j) == Some(')')).then_some(MarkdownLink {
            text,
            url,
            end: j + 1,
        })
    }
}

struct MarkdownLink {
    /// Range of the link text.
    text: (usize, usize),
    url: String,
    /// Index after the `)`.
    end: usize,
}

/// `/document/product/213/1941`: a path on Tencent's documentation site.
fn is_site_path(url: &str) -> bool {
    url.strip_prefix('/')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
}

fn is_http(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") && lower.len() > 8)
        || (lower.starts_with("http://") && lower.len() > 7)
}

/// The first word of a fence's info string if it names a known non-Rust language.
fn fence_language(info: &str) -> String {
    let word = info
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if FENCE_LANGUAGES
        .split_whitespace()
        .any(|known| known == word)
    {
        word
    } else {
        "text".to_owned()
    }
}

/// `line` without up to `indent` leading spaces.
fn dedent(line: &str, indent: usize) -> String {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    line[spaces.min(indent)..].to_owned()
}

/// Cells of a pipe-table row: outer pipes dropped, split on unescaped `|`.
fn split_row(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = match line.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => line,
    };
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            cells.push(String::new());
        } else if let Some(cell) = cells.last_mut() {
            cell.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// `| --- | :-: |`, with as many cells as the header or with pipes.
fn is_delimiter_row(line: &str, header_cells: usize) -> bool {
    let cells = split_row(line);
    let valid = cells.iter().all(|c| {
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        !c.is_empty() && c.chars().all(|x| x == '-')
    });
    valid && (line.contains('|') || cells.len() == header_cells)
}

/// Whether a tag's `style` indents it (`padding-left` or `margin-left` but zero).
fn is_indented(attrs: &str) -> bool {
    let style = attribute(attrs, "style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace(' ', "");
    ["padding-left:", "margin-left:"].iter().any(|property| {
        style.split(';').any(|declaration| {
            declaration
                .strip_prefix(property)
                .is_some_and(|value| value.starts_with(|c: char| c.is_ascii_digit() && c != '0'))
        })
    })
}

/// The value of attribute `name` in a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(offset) = lower.get(from..)?.find(name) {
        let at = from + offset;
        from = at + name.len();
        let boundary = lower[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let Some(rest) = attrs.get(from..).map(str::trim_start) else {
            break;
        };
        let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        if !boundary {
            continue;
        }
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
            _ => value.split(char::is_whitespace).next().unwrap_or_default(),
        };
        return Some(value.trim_end_matches('/').trim().to_owned());
    }
    None
}

/// An official document as plain text for a terminal (the CLI's help): tags dropped,
/// `<li>` items as `- ` lines, `<br>` and `<p>` as line breaks, entities decoded, each
/// line trimmed, runs of blank lines made one. Never fails.
pub(crate) fn plain_text(text: &str) -> String {
    let marked = text
        .replace("\r\n", "\n")
        .replace("<li>", "\n- <li>")
        .replace("<p>", "\n<p>")
        .replace('\t', " ");
    let stripped = decode_entities(&strip_tags(&marked, "\n"));
    let mut out = String::with_capacity(stripped.len());
    let mut blank = true;
    for line in stripped.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.extend(line.chars().filter(|c| !c.is_control()));
        blank = false;
    }
    out.trim_end().to_owned()
}

/// `text` without anything that parses as a tag; `<br>` becomes `br`.
fn strip_tags(text: &str, br: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lexer = Lexer::new(&chars, false);
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '<'
            && let Some(tag) = lexer.parse_tag(i)
        {
            if tag.name == "br" {
                out.push_str(br);
            }
            i = tag.end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The usual named entities and numeric references, for text that becomes code.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest
            .get(1..)
            .and_then(|r| r.find(';').filter(|&end| end <= 10).map(|end| &r[..end]));
        let decoded = entity.and_then(|name| match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code).filter(|c| !c.is_control())
            }
        });
        if let (Some(name), Some(c)) = (entity, decoded) {
            out.push(c);
            rest = &rest[name.len() + 2..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------
// Builder: tokens to blocks
// ---------------------------------------------------------------------------------------

/// One output block before layout.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    quote: bool,
    /// Enclosing list items (for an item: its own nesting level, from 1).
    depth: usize,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// One line of inline Markdown.
    Para(String),
    Item(Marker, String),
    Heading(usize, String),
    Code(String, Vec<String>),
    /// Rendered cells; the first row is the header.
    Table(Vec<Vec<String>>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Marker {
    Bullet,
    Ordered(u32),
}

impl Marker {
    fn text(self) -> String {
        match self {
            Self::Bullet => "-".to_owned(),
            Self::Ordered(n) => format!("{n}."),
        }
    }

    fn ordered(self) -> bool {
        matches!(self, Self::Ordered(_))
    }

    /// Whether a list starting with this marker may follow a paragraph line directly.
    fn can_interrupt(self) -> bool {
        matches!(self, Self::Bullet | Self::Ordered(1))
    }
}

/// An HTML list (`<ul>`, `<ol>`, or implied by a bare `<li>`) and its current item.
struct List {
    ordered: bool,
    /// Opened by `<ul>`/`<ol>`; an implied list ends with its item.
    explicit: bool,
    count: u32,
    /// An item is open.
    open: bool,
    /// The open item has no text yet: its first paragraph carries the marker.
    fresh: bool,
}

type Row = Vec<Vec<Token>>;

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    lists: Vec<List>,
    para: Vec<Token>,
    quote: bool,
    table: Option<Vec<Row>>,
    lazy: Lazy,
    /// Open Markdown list items: the column of each marker in the source.
    markdown: Vec<usize>,
    /// Indentation of the current source line.
    indent: usize,
    /// Inside `<p style="padding-left: ...">`: a paragraph right after an item belongs to it.
    item_para: bool,
}

/// Where the last Markdown list item or paragraph stands, for [`Builder::join_lazy_line`].
#[derive(Default, Clone, Copy, PartialEq)]
enum Lazy {
    #[default]
    None,
    /// The item or paragraph was the last block, on the current line.
    ItemLine,
    /// ... and the current line is the next one.
    NextLine,
}

/// How far a newline looks for the `</li>` that keeps its item open.
const ITEM_LOOKAHEAD: usize = 10_000;

impl Builder {
    fn build(mut self, mut tokens: Vec<Token>) -> Vec<Block> {
        for i in 0..tokens.len() {
            let token = std::mem::replace(&mut tokens[i], Token::Newline);
            if self.table.is_some() {
                self.table_token(token);
                continue;
            }
            match token {
                Token::Newline => self.newline(tokens.get(i + 1..).unwrap_or_default()),
                Token::Indent(indent) => {
                    self.indent = indent;
                    self.end_markdown_items();
                }
                Token::Quote => {
                    self.flush();
                    self.quote = true;
                    self.lazy = Lazy::None;
                    self.markdown.clear();
                }
                Token::CodeBlock(language, body) => {
                    self.flush();
                    self.push(0, Kind::Code(language, body));
                    self.markdown.clear();
                }
                Token::Block(tag) => self.tag(tag),
                inline => self.para.push(inline),
            }
        }
        self.flush();
        if let Some(rows) = self.table.take() {
            self.emit_table(&rows);
        }
        self.blocks
    }

    fn push(&mut self, depth: usize, kind: Kind) {
        self.lazy = Lazy::None;
        self.blocks.push(Block {
            quote: self.quote,
            depth,
            kind,
        });
    }

    /// Ends the Markdown items the current line is not inside: a line belongs to an item
    /// when indented at least two columns past its marker (`- a` then `  - b`, or `1. a`
    /// then `  more`), as Tencent writes nested lists.
    fn end_markdown_items(&mut self) {
        while self
            .markdown
            .last()
            .is_some_and(|&column| self.indent < column + 2)
        {
            self.markdown.pop();
        }
    }

    fn depth(&self) -> usize {
        self.lists.iter().filter(|l| l.open).count() + self.markdown.len()
    }

    fn tag(&mut self, tag: Tag) {
        self.flush();
        self.lazy = Lazy::None;
        self.item_para = tag == Tag::IndentedPara;
        if !matches!(tag, Tag::Br | Tag::Para | Tag::IndentedPara) {
            // HTML lists and tables restart the structure; Markdown nesting ends there.
            self.markdown.clear();
        }
        match tag {
            Tag::Br
            | Tag::Para
            | Tag::IndentedPara
            | Tag::TableClose
            | Tag::RowOpen
            | Tag::CellOpen => {}
            Tag::ListOpen(ordered) => self.lists.push(List {
                ordered,
                explicit: true,
                count: 0,
                open: false,
                fresh: false,
            }),
            Tag::ListClose => {
                if let Some(i) = self.lists.iter().rposition(|l| l.explicit) {
                    self.lists.truncate(i);
                }
            }
            Tag::ItemOpen => {
                if self.lists.is_empty() {
                    self.lists.push(List {
                        ordered: false,
                        explicit: false,
                        count: 0,
                        open: false,
                        fresh: false,
                    });
                }
                if let Some(list) = self.lists.last_mut() {
                    list.open = true;
                    list.fresh = true;
                    list.count = list.count.saturating_add(1);
                }
            }
            Tag::ItemClose => {
                if let Some(i) = self.lists.iter().rposition(|l| l.open) {
                    self.close_item(i);
                }
            }
            Tag::TableOpen => self.table = Some(Vec::new()),
        }
    }

    /// Closes the item of list `i`, with the lists inside it.
    fn close_item(&mut self, i: usize) {
        self.lists.truncate(i + 1);
        if let Some(list) = self.lists.last_mut() {
            list.open = false;
            list.fresh = false;
            if !list.explicit {
                self.lists.pop();
            }
        }
    }

    /// A source newline ends the paragraph, the quote, and the innermost item unless that
    /// item's `</li>` follows (then the next lines are more paragraphs of the item).
    fn newline(&mut self, rest: &[Token]) {
        self.flush();
        self.quote = false;
        self.lazy = match self.lazy {
            Lazy::ItemLine => Lazy::NextLine,
            _ => Lazy::None,
        };
        let last = self.lists.len().wrapping_sub(1);
        if self.lists.get(last).is_some_and(|l| l.open) && !closed_later(rest) {
            self.close_item(last);
        }
    }

    /// Ends the current paragraph: the first text of an item, a Markdown list item, the
    /// lazy continuation of one, a heading, or a paragraph.
    fn flush(&mut self) {
        if self.para.is_empty() {
            return;
        }
        let text = inline(&std::mem::take(&mut self.para), false);
        if text.is_empty() {
            return;
        }
        let depth = self.depth();
        let fresh = self
            .lists
            .iter_mut()
            .rev()
            .find(|l| l.open)
            .filter(|l| l.fresh);
        if let Some(list) = fresh {
            list.fresh = false;
            let marker = if list.ordered {
                Marker::Ordered(list.count)
            } else {
                Marker::Bullet
            };
            // `<li>- text`: one marker is enough.
            let text = match split_marker(&text) {
                Some((Marker::Bullet, rest)) => rest,
                _ => &text,
            };
            self.push(depth, Kind::Item(marker, escape_block_start(text)));
        } else if let Some((marker, rest)) = split_marker(&text) {
            self.end_markdown_items(); // for an item after `<br>`, on the same line
            let depth = self.depth();
            self.push(depth + 1, Kind::Item(marker, escape_block_start(rest)));
            self.markdown.push(self.indent);
            self.lazy = Lazy::ItemLine;
        } else if let Some((level, rest)) = heading(&text).filter(|_| depth == 0 && !self.quote) {
            self.push(0, Kind::Heading(level, rest.to_owned()));
        } else if !self.join_lazy_line(&text) && !self.stray_punctuation(&text) {
            // `---` is a rule in Markdown source (`******` rather a masked example value);
            // anything else must not start a construct.
            let rule = text.len() >= 3 && text.chars().all(|c| c == '-');
            let text = if rule {
                text
            } else {
                escape_block_start(&text)
            };
            let depth = match self.blocks.last() {
                Some(Block {
                    kind: Kind::Item(..),
                    depth: item,
                    quote,
                }) if self.item_para && depth == 0 && *quote == self.quote => *item,
                _ => depth,
            };
            self.push(depth, Kind::Para(text));
            if !rule {
                self.lazy = Lazy::ItemLine;
            }
        }
    }

    /// A line right after a Markdown list item that goes on with its sentence (`* ... call
    /// [X](...)` then `to change it.`) is, in Markdown, part of the item: join it.
    /// A line that starts a new sentence (`Note: ...`) stays a paragraph of its own.
    /// Chinese text breaks lines mid-sentence too, after a paragraph as after an item:
    /// see [`continues_sentence`].
    fn join_lazy_line(&mut self, text: &str) -> bool {
        if self.lazy != Lazy::NextLine {
            return false;
        }
        let (quote, depth) = (self.quote, self.depth());
        let previous = match self.blocks.last_mut() {
            Some(Block {
                kind: Kind::Item(_, item),
                quote: item_quote,
                ..
            }) if *item_quote == quote => {
                let english = text.starts_with(|c: char| c.is_ascii_lowercase())
                    && !item.ends_with(|c: char| ".:;!?。：；！？".contains(c));
                (english || continues_sentence(item, text)).then_some(item)
            }
            Some(Block {
                kind: Kind::Para(para),
                quote: para_quote,
                depth: para_depth,
            }) if *para_quote == quote && *para_depth == depth => {
                continues_sentence(para, text).then_some(para)
            }
            _ => None,
        };
        let Some(previous) = previous else {
            return false;
        };
        let wide = |c: Option<char>| c.is_some_and(is_wide);
        if !wide(previous.chars().next_back()) && !wide(text.chars().next()) {
            previous.push(' ');
        }
        previous.push_str(text);
        self.lazy = Lazy::ItemLine;
        true
    }

    /// `<li>...</li>.`: the stray punctuation after an item says nothing; drop it.
    fn stray_punctuation(&self, text: &str) -> bool {
        text.chars().all(|c| ".,;:。，；：".contains(c))
            && self
                .blocks
                .last()
                .is_some_and(|b| matches!(b.kind, Kind::Item(..)))
    }

    /// Inside `<table>` (or a pipe table): tokens go to the current cell; whatever shapes
    /// blocks inside a cell flattens to spaces, since a cell is one line.
    fn table_token(&mut self, token: Token) {
        let Some(rows) = self.table.as_mut() else {
            return;
        };
        match token {
            Token::Block(Tag::TableClose) => {
                if let Some(rows) = self.table.take() {
                    self.emit_table(&rows);
                }
            }
            Token::Block(Tag::RowOpen) => rows.push(Vec::new()),
            Token::Block(Tag::CellOpen) => {
                if rows.is_empty() {
                    rows.push(Vec::new());
                }
                if let Some(row) = rows.last_mut() {
                    row.push(Vec::new());
                }
            }
            Token::Block(Tag::TableOpen) | Token::Indent(_) => {}
            Token::Block(Tag::ItemOpen) => cell_push(rows, Token::Text(" • ".to_owned())),
            Token::Block(_) | Token::Newline | Token::Quote => {
                cell_push(rows, Token::Text(" ".to_owned()));
            }
            Token::CodeBlock(_, body) => cell_push(rows, Token::Code(body.join(" "))),
            inline => cell_push(rows, inline),
        }
    }

    fn emit_table(&mut self, rows: &[Row]) {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| inline(cell, true))
                    .collect::<Vec<_>>()
            })
            .filter(|row| row.iter().any(|cell| !cell.is_empty()))
            .collect();
        if !rows.is_empty() {
            self.push(0, Kind::Table(rows));
        }
    }
}

/// Adds to the last cell; text outside any cell opens one unless it is layout whitespace.
fn cell_push(rows: &mut Vec<Row>, token: Token) {
    if rows.last().is_none_or(Vec::is_empty) {
        if matches!(&token, Token::Text(t) if t.trim().is_empty()) {
            return;
        }
        if rows.is_empty() {
            rows.push(Vec::new());
        }
        if let Some(row) = rows.last_mut() {
            row.push(Vec::new());
        }
    }
    if let Some(cell) = rows.last_mut().and_then(|row| row.last_mut()) {
        cell.push(token);
    }
}

/// Whether the item open at the start of `rest` is closed by its own `</li>` (rather
/// than by the next `<li>`, the end of its list, or the end of the text).
fn closed_later(rest: &[Token]) -> bool {
    let mut level = 0usize;
    for token in rest.iter().take(ITEM_LOOKAHEAD) {
        match token {
            Token::Block(Tag::ListOpen(_)) => level += 1,
            Token::Block(Tag::ListClose | Tag::ItemOpen) if level == 0 => return false,
            Token::Block(Tag::ListClose) => level -= 1,
            Token::Block(Tag::ItemClose) if level == 0 => return true,
            _ => {}
        }
    }
    false
}

/// Whether a Chinese line `next` goes on with the sentence of the line before it: that
/// line ends with a full-width comma (`，` or `、`, which never end a sentence), or `next`
/// is the end of a sentence (starts with a Chinese character, ends with a stop, holds no
/// label such as `注意：`) after a Chinese line without a stop or closing bracket
/// (`...轮询[DescribeVpcTaskResult](...)` then `接口。`; but not `...封禁（DescribeTenantCcns）`
/// then `如有需要, ...`, nor a list of values, one a line).
fn continues_sentence(previous: &str, next: &str) -> bool {
    let Some(last) = previous.chars().next_back() else {
        return false;
    };
    if "，、".contains(last) {
        return true;
    }
    next.starts_with(is_han)
        && next.ends_with(['。', '！', '？'])
        && !next.contains([':', '：'])
        && !".:;!?。：；！？）】".contains(last)
        && previous.chars().any(is_han)
}

/// A CJK ideograph.
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// A character written without spaces around it in Chinese text: an ideograph or
/// full-width punctuation.
fn is_wide(c: char) -> bool {
    is_han(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
}

/// `- text`, `* text`, `+ text`, `1. text`, `1) text` at a paragraph's start.
fn split_marker(text: &str) -> Option<(Marker, &str)> {
    let bullet = ["- ", "* ", "+ "].iter().find_map(|m| text.strip_prefix(m));
    let (marker, rest) = if let Some(rest) = bullet {
        (Marker::Bullet, rest)
    } else {
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let after = &text[digits..];
        let rest = after
            .strip_prefix(". ")
            .or_else(|| after.strip_prefix(") "))?;
        (Marker::Ordered(text[..digits].parse().ok()?), rest)
    };
    let rest = rest.trim_start();
    (!rest.is_empty() && !is_thematic_break(text)).then_some((marker, rest))
}

/// `# Title` .. `###### Title`.
fn heading(text: &str) -> Option<(usize, &str)> {
    let level = text.chars().take_while(|&c| c == '#').count();
    let rest = text[level..].strip_prefix(' ')?.trim();
    ((1..=6).contains(&level) && !rest.is_empty()).then_some((level, rest))
}

/// `---`, `***`, `_ _ _`: a horizontal rule in Markdown.
fn is_thematic_break(text: &str) -> bool {
    let mut chars = text.chars().filter(|c| !c.is_whitespace());
    let Some(first @ ('-' | '*' | '_')) = chars.next() else {
        return false;
    };
    let rest: Vec<char> = chars.collect();
    rest.len() >= 2 && rest.iter().all(|&c| c == first)
}

/// A backslash before a paragraph's first character when Markdown would read it as the
/// start of a construct: a quote, heading, list item, rule or fence the text did not mean.
fn escape_block_start(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next();
    let space_or_end = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let escape = match first {
        Some('>') => true,
        Some('#') => {
            let hashes = text.chars().take_while(|&c| c == '#').count();
            hashes <= 6 && space_or_end(text.chars().nth(hashes))
        }
        Some('-' | '*' | '+') => space_or_end(chars.next()) || is_thematic_break(text),
        Some('_') => is_thematic_break(text),
        Some('~') => text.starts_with("~~~"),
        Some(c) if c.is_ascii_digit() => {
            let digits = text.chars().take_while(char::is_ascii_digit).count();
            let mut after = text[digits..].chars();
            if digits <= 9 && matches!(after.next(), Some('.' | ')')) && space_or_end(after.next())
            {
                return format!("{}\\{}", &text[..digits], &text[digits..]);
            }
            false
        }
        _ => false,
    };
    if escape {
        format!("\\{text}")
    } else {
        text.to_owned()
    }
}

// ---------------------------------------------------------------------------------------
// Inline rendering
// ---------------------------------------------------------------------------------------

/// One line of Markdown for a paragraph's tokens (`table`: for a table cell, `|` escaped).
fn inline(tokens: &[Token], table: bool) -> String {
    let paired = pair_styles(tokens);
    let tildes: usize = tokens
        .iter()
        .map(|t| match t {
            Token::Text(t) => t.matches('~').count(),
            _ => 0,
        })
        .sum();
    let mut w = Writer {
        out: String::new(),
        table,
        // Two `~` make strikethrough in rustdoc (`1~100 and 5~10`); one is harmless.
        escape_tilde: tildes >= 2,
        open: Vec::new(),
        written: 0,
        check_close: false,
    };
    for (token, paired) in tokens.iter().zip(paired) {
        match token {
            Token::Text(text) => w.text(text),
            Token::Raw(raw) if table => w.content(&escape_pipes(raw)),
            Token::Raw(raw) => w.content(raw),
            Token::Code(code) => w.content(&code_span(code, table)),
            Token::Url(url) if w.in_link() => w.content(url),
            // A table splits cells at `|` before it reads autolinks.
            Token::Url(url) if table => w.content(&format!("<{}>", url.replace('|', "%7C"))),
            Token::Url(url) => w.content(&format!("<{url}>")),
            Token::Open(style) if paired => w.open.push((style.clone(), false)),
            Token::Close(_) if paired => w.close(),
            _ => {}
        }
    }
    w.out.trim().to_owned()
}

/// Which `Open`/`Close` tokens pair up (properly nested, no style nested in itself:
/// `<b>**x**</b>` is bold once); the others are dropped, so no `**` or `[` is left dangling.
fn pair_styles(tokens: &[Token]) -> Vec<bool> {
    let mut paired = vec![false; tokens.len()];
    let mut stack: Vec<(Mark, usize)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Open(style) if !stack.iter().any(|(m, _)| *m == style.mark()) => {
                stack.push((style.mark(), i));
            }
            Token::Close(mark) => {
                if let Some(p) = stack.iter().rposition(|(m, _)| m == mark) {
                    if let Some(flag) = paired.get_mut(stack[p].1) {
                        *flag = true;
                    }
                    paired[i] = true;
                    stack.truncate(p);
                }
            }
            _ => {}
        }
    }
    paired
}

/// Builds a line of inline Markdown. Opening markers wait for the first visible content
/// (so `<b> x </b>` gives `" **x** "` and `<b></b>` nothing), and markers get a space when
/// `CommonMark`'s flanking rules would otherwise leave them literal (`**Note:**text`).
struct Writer {
    out: String,
    table: bool,
    escape_tilde: bool,
    /// Open styles, and whether their marker is left out (`<b>**x**</b>`: the text is
    /// bold already); those from `written` on have no marker in `out` yet.
    open: Vec<(Style, bool)>,
    written: usize,
    /// A closing `*`/`**` follows punctuation: the next content must not be a letter.
    check_close: bool,
}

impl Writer {
    /// Inside the text of a Markdown link (where a URL needs no autolink, and can have none).
    fn in_link(&self) -> bool {
        self.open
            .iter()
            .any(|(s, _)| matches!(s, Style::Link(url) if is_http(url)))
    }

    fn space(&mut self) {
        self.check_close = false;
        if !self.out.is_empty() && !self.out.ends_with(' ') {
            self.out.push(' ');
        }
    }

    fn text(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space();
            }
            let mut rest = word;
            while !rest.is_empty() {
                let (before, url, after) = match find_url(rest) {
                    Some((start, end)) => (&rest[..start], &rest[start..end], &rest[end..]),
                    None => (rest, "", ""),
                };
                let escaped = self.escape(before);
                self.content(&escaped);
                if self.in_link() {
                    let escaped = self.escape(url);
                    self.content(&escaped);
                } else if !url.is_empty() {
                    self.content(&format!("<{url}>"));
                }
                rest = after;
            }
        }
    }

    /// Escapes what would be Markdown or HTML in plain text (not in URLs): brackets
    /// (intra-doc links), `<` before a tag-like character, `|` in cells, `~` pairs.
    fn escape(&self, word: &str) -> String {
        let mut out = String::with_capacity(word.len());
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            let escape = match c {
                '[' | ']' => true,
                // `a < b` and `<=` are no tags.
                '<' => chars
                    .peek()
                    .is_some_and(|&n| n.is_ascii_alphabetic() || "/!?".contains(n)),
                '|' => self.table,
                '~' => self.escape_tilde,
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    /// Appends visible content, writing pending opening markers first.
    fn content(&mut self, s: &str) {
        let Some(first) = s.chars().next() else {
            return;
        };
        if std::mem::take(&mut self.check_close) && !is_punctuation(first) {
            self.out.push(' ');
        }
        if self.written < self.open.len() {
            let prev = self.out.chars().next_back();
            if is_punctuation(first)
                && prev.is_some_and(|p| !p.is_whitespace() && !is_punctuation(p))
            {
                self.out.push(' ');
            }
            if s.starts_with("**")
                && let Some((Style::Bold, absorbed)) = self.open.last_mut()
            {
                *absorbed = true;
            }
            let markers: String = self.open[self.written..]
                .iter()
                .filter(|(_, absorbed)| !absorbed)
                .map(|(style, _)| opener(style))
                .collect();
            self.emit(&markers);
            self.written = self.open.len();
        }
        self.emit(s);
    }

    /// Appends `s`, keeping pieces that were separate apart: a backslash at the end of the
    /// output would escape `s`'s first character, a `<` would open a tag with it, a
    /// backtick would lengthen its backtick run, a `!` would make a link an image.
    fn emit(&mut self, s: &str) {
        let Some(first) = s.chars().next() else {
            return;
        };
        let trailing = self.out.chars().rev().take_while(|&c| c == '\\').count();
        if trailing % 2 == 1 && first.is_ascii_punctuation() {
            self.out.push('\\');
        }
        if let Some(before) = self.out.strip_suffix('<')
            && before.chars().rev().take_while(|&c| c == '\\').count() % 2 == 0
            && (first.is_ascii_alphabetic() || "/!?".contains(first))
        {
            self.out.insert(before.len(), '\\');
        }
        if self.out.ends_with('`') && first == '`' {
            self.out.push(' ');
        }
        // Our `[` opens a link; after `!` it would be an image, whose text rustdoc checks.
        if first == '['
            && let Some(before) = self.out.strip_suffix('!')
            && before.chars().rev().take_while(|&c| c == '\\').count() % 2 == 0
        {
            self.out.insert(before.len(), '\\');
        }
        self.out.push_str(s);
    }

    fn close(&mut self) {
        let Some((style, absorbed)) = self.open.pop() else {
            return;
        };
        if self.written > self.open.len() {
            self.written = self.open.len();
        } else {
            // Nothing visible inside: an empty link shows its URL, empty emphasis nothing.
            if let Style::Link(url) = &style
                && is_http(url)
            {
                let url = format!("<{}>", url.trim());
                self.content(&url);
            }
            return;
        }
        if absorbed {
            return;
        }
        let trimmed = self.out.trim_end_matches(' ').len();
        let moved_space = trimmed < self.out.len();
        self.out.truncate(trimmed);
        let before = self.out.chars().next_back();
        match &style {
            Style::Bold | Style::Italic | Style::Strike => {
                let marker = opener(&style);
                // `**说明：**若` is no bold: a closing marker after punctuation needs a space
                // or punctuation after it. Chinese has no spaces, so a trailing full-width
                // colon, comma or stop moves out of the emphasis instead (`**说明**：若`).
                let moved = before
                    .filter(|&c| TRAILING_FULL_WIDTH.contains(c))
                    .filter(|&c| {
                        let rest = &self.out[..self.out.len() - c.len_utf8()];
                        rest.chars()
                            .next_back()
                            .is_some_and(|p| !p.is_whitespace() && !is_punctuation(p))
                    });
                if let Some(c) = moved {
                    self.out.truncate(self.out.len() - c.len_utf8());
                    self.emit(marker);
                    self.out.push(c);
                } else {
                    self.emit(marker);
                    self.check_close = before.is_some_and(is_punctuation);
                }
            }
            Style::Link(url) if is_http(url) => {
                self.emit(&format!("]({})", link_url(url, self.table)))
            }
            // A relative `<a href>`: keep the path after the text.
            Style::Link(url) if url.starts_with('/') => {
                self.emit(&format!(" ({})", code_span(url, self.table)));
            }
            Style::Link(_) => {}
        }
        if moved_space {
            self.space();
        }
    }
}

/// Full-width punctuation that ends a phrase (never opens one): it may move out of an
/// emphasis after it.
const TRAILING_FULL_WIDTH: &str = "：；，。、！？";

fn opener(style: &Style) -> &'static str {
    match style {
        Style::Bold => "**",
        Style::Italic => "*",
        Style::Strike => "~~",
        Style::Link(url) if is_http(url) => "[",
        Style::Link(_) => "",
    }
}

/// The first bare `http://` or `https://` URL in a word: up to a character that cannot
/// be in a URL here (a quote, a bracket, an entity such as `&quot;`, an unbalanced `)`),
/// less trailing punctuation. Byte range.
fn find_url(word: &str) -> Option<(usize, usize)> {
    let lower = word.to_ascii_lowercase();
    let mut from = 0;
    while let Some(offset) = lower.get(from..)?.find("http") {
        let start = from + offset;
        let scheme = ["https://", "http://"]
            .iter()
            .find(|s| lower[start..].starts_with(*s))
            .map_or(0, |s| s.len());
        from = start + 4;
        if scheme == 0 {
            continue;
        }
        let body = start + scheme;
        let mut end = body;
        let mut parens = 0usize;
        for (i, c) in word[body..].char_indices() {
            let entity = c == '&'
                && ["&quot;", "&lt;", "&gt;", "&nbsp;", "&#39;"]
                    .iter()
                    .any(|e| lower[body + i..].starts_with(e));
            if !c.is_ascii_graphic() || "<>\"'`[]|\\{}^".contains(c) || entity {
                break;
            }
            match c {
                '(' => parens += 1,
                ')' if parens == 0 => break,
                ')' => parens -= 1,
                _ => {}
            }
            end = body + i + 1;
        }
        while word[start..end].ends_with(|c: char| ".,:;!?*_~".contains(c)) && end > body {
            end -= 1;
        }
        if word[body..end].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Some((start, end));
        }
    }
    None
}

/// Punctuation in `CommonMark`'s sense, roughly: neither alphanumeric nor whitespace.
fn is_punctuation(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// A link destination without the characters that would end or break it.
fn link_url(url: &str, table: bool) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '`' => out.push_str("%60"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            '|' if table => out.push_str("%7C"),
            c => out.push(c),
        }
    }
    out
}

/// A code span for `code`, with a backtick run longer than any inside it.
fn code_span(code: &str, table: bool) -> String {
    let code = code.replace('\n', " ");
    let code = code.trim();
    if code.is_empty() {
        return String::new();
    }
    let code = if table {
        escape_pipes(code)
    } else {
        code.to_owned()
    };
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if code.starts_with('`') || code.ends_with('`') {
        format!("{fence} {code} {fence}")
    } else {
        format!("{fence}{code}{fence}")
    }
}

/// `|` as `\|` (inside a table cell, even in a code span).
fn escape_pipes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escaped = false;
    for c in text.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Layout: blocks to lines
// ---------------------------------------------------------------------------------------

/// The blocks as Markdown lines: runs of quoted blocks get `> `, blocks are separated by a
/// blank line, except consecutive items of one list.
fn layout(blocks: &[Block]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for run in blocks.chunk_by(|a, b| a.quote == b.quote) {
        let body = layout_run(run);
        if body.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let quoted = run.first().is_some_and(|b| b.quote);
        for line in body {
            lines.push(match (quoted, line.is_empty()) {
                (false, _) => line,
                (true, true) => ">".to_owned(),
                (true, false) => format!("> {line}"),
            });
        }
    }
    let mut out = String::new();
    let mut previous_blank = true;
    for line in &lines {
        let line = line.trim_end();
        if line.is_empty() && previous_blank {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        previous_blank = line.is_empty();
    }
    out.trim_end().to_owned()
}

/// An open list item during layout.
struct OpenItem {
    /// Marker width plus its space: where the item's content starts.
    width: usize,
    ordered: bool,
}

fn layout_run(run: &[Block]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut items: Vec<OpenItem> = Vec::new();
    // Nesting level of the item whose first line is the last line of `out`.
    let mut after_item: Option<usize> = None;
    let blank = |out: &mut Vec<String>| {
        if !out.is_empty() {
            out.push(String::new());
        }
    };
    let indent = |items: &[OpenItem]| " ".repeat(items.iter().map(|i| i.width).sum());
    for block in run {
        match &block.kind {
            Kind::Item(marker, text) => {
                // Clamp: a level whose parent item never got a line is one level less.
                let depth = block.depth.clamp(1, items.len() + 1);
                let tight = match after_item {
                    Some(previous) if depth == previous + 1 => marker.can_interrupt(),
                    Some(previous) if depth <= previous => items
                        .get(depth - 1)
                        .is_some_and(|open| open.ordered == marker.ordered()),
                    _ => false,
                };
                items.truncate(depth - 1);
                if !tight {
                    blank(&mut out);
                }
                let marker = marker.text();
                out.push(format!("{}{marker} {text}", indent(&items)));
                items.push(OpenItem {
                    width: marker.len() + 1,
                    ordered: marker.ends_with('.'),
                });
                after_item = Some(depth);
                continue;
            }
            Kind::Para(text) => {
                items.truncate(block.depth.min(items.len()));
                blank(&mut out);
                out.push(format!("{}{text}", indent(&items)));
            }
            Kind::Heading(level, text) => {
                items.clear();
                blank(&mut out);
                out.push(format!("{} {text}", "#".repeat(*level)));
            }
            Kind::Code(language, body) => {
                items.clear();
                let body = tidy_code(body);
                if body.is_empty() {
                    continue;
                }
                let longest = body
                    .iter()
                    .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
                    .max()
                    .unwrap_or(0);
                let fence = "`".repeat((longest + 1).max(3));
                blank(&mut out);
                out.push(format!("{fence}{language}"));
                out.extend(body);
                out.push(fence);
            }
            Kind::Table(rows) => {
                items.clear();
                let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
                blank(&mut out);
                for (i, row) in rows.iter().enumerate() {
                    let cells: Vec<&str> = (0..columns)
                        .map(|c| row.get(c).map_or("", String::as_str))
                        .collect();
                    out.push(format!("| {} |", cells.join(" | ")));
                    if i == 0 {
                        out.push(format!("|{}|", vec![" --- "; columns].join("|")));
                    }
                }
            }
        }
        after_item = None;
    }
    out
}

/// Code lines without trailing spaces, outer blank lines or runs of blank lines.
fn tidy_code(body: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in body {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(String::is_empty) {
            continue;
        }
        out.push(line.to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{plain_text, rustdoc};

    /// Whether every fenced block in `out` is closed (`CommonMark`'s rules for backticks).
    fn fences_closed(out: &str) -> bool {
        let mut open: Option<usize> = None;
        for line in out.lines() {
            let line = line.trim_start();
            let run = line.chars().take_while(|&c| c == '`').count();
            let rest = &line[run..];
            match open {
                Some(n) if run >= n && rest.trim().is_empty() => open = None,
                None if run >= 3 && !rest.contains('`') => open = Some(run),
                _ => {}
            }
        }
        open.is_none()
    }

    #[track_caller]
    fn check(input: &str, expected: &str) {
        assert_eq!(rustdoc(input), expected, "input: {input:?}");
    }

    #[test]
    fn terminal_text_drops_tags_and_keeps_items() {
        assert_eq!(
            plain_text(
                "Filters:<br><li>vpc-id - String</li><li>vpc-name &amp; more</li>\n\n\n<b>Note</b>: at most 5."
            ),
            "Filters:\n\n- vpc-id - String\n- vpc-name & more\n\nNote: at most 5."
        );
        assert_eq!(plain_text("  私有网络实例ID。  "), "私有网络实例ID。");
        assert_eq!(plain_text(""), "");
    }

    #[test]
    fn plain_text_is_unchanged() {
        check(
            "The CCN instance ID, such as `ccn-f49l6u0z`.",
            "The CCN instance ID, such as `ccn-f49l6u0z`.",
        );
    }

    #[test]
    fn blank_input_is_empty() {
        check("", "");
        check(" \n\t\r\n ", "");
    }

    #[test]
    fn every_line_is_its_own_paragraph() {
        check(
            "Whether gateway traffic monitoring is supported\n0: No\n1: Yes\n\n\n\nNote: this field may return `null`.",
            "Whether gateway traffic monitoring is supported\n\n0: No\n\n1: Yes\n\nNote: this field may return `null`.",
        );
    }

    #[test]
    fn br_and_p_end_paragraphs() {
        check(
            "This API is used to apply for an IPv6 address for the ENI. <br />\nThis API is completed asynchronously.",
            "This API is used to apply for an IPv6 address for the ENI.\n\nThis API is completed asynchronously.",
        );
        check(
            "<p>Hot storage period</p><p>Unit: day</p>",
            "Hot storage period\n\nUnit: day",
        );
    }

    #[test]
    fn unclosed_li_items_end_at_the_line_end() {
        check(
            "This API is used to delete a direct connect gateway.\n\
             <li>For a NAT gateway, NAT and ACL rules will be cleared upon the deletion of a direct connect gateway.\n\
             <li>After the deletion of a direct connect gateway, the routing policy associated with the gateway in the route table will also be deleted.\n\
             This API is completed asynchronously.",
            "This API is used to delete a direct connect gateway.\n\n\
             - For a NAT gateway, NAT and ACL rules will be cleared upon the deletion of a direct connect gateway.\n\
             - After the deletion of a direct connect gateway, the routing policy associated with the gateway in the route table will also be deleted.\n\n\
             This API is completed asynchronously.",
        );
    }

    #[test]
    fn closed_li_items_and_a_note_after_them() {
        check(
            "Filters\nValues:\n<li>`instance-id`: Instance ID</li>\n<li>`instance-region`: Instance region</li>\nNote: at most 10 values.",
            "Filters\n\nValues:\n\n- `instance-id`: Instance ID\n- `instance-region`: Instance region\n\nNote: at most 10 values.",
        );
    }

    #[test]
    fn lines_inside_a_closed_li_are_paragraphs_of_the_item() {
        check(
            "<li> name\nFilter by [notification content template name].\nType: String\n</li>\n<li> noticeContentId\n</li>",
            "- name\n\n  Filter by \\[notification content template name\\].\n\n  Type: String\n\n- noticeContentId",
        );
    }

    #[test]
    fn nested_html_lists_are_nested_markdown_lists() {
        check(
            "The EIP line type. Default: BGP.\n<ul style=\"margin:0\"><li>For a user who has activated the static single-line IP allowlist, possible values are:<ul><li>CMCC: China Mobile</li>\n<li>CTCC: China Telecom</li></ul>Note: Only certain regions support static single-line IP addresses.</li></ul>",
            "The EIP line type. Default: BGP.\n\n\
             - For a user who has activated the static single-line IP allowlist, possible values are:\n  \
               - CMCC: China Mobile\n  \
               - CTCC: China Telecom\n\n  \
               Note: Only certain regions support static single-line IP addresses.",
        );
    }

    #[test]
    fn ordered_html_lists_are_numbered() {
        check(
            "<p>Note:</p><ol><li>Kling: default value: 5 seconds.</li><li>Hailuo: 6 seconds.</li></ol>",
            "Note:\n\n1. Kling: default value: 5 seconds.\n2. Hailuo: 6 seconds.",
        );
    }

    #[test]
    fn list_tag_typos_and_stray_markers() {
        check(
            "Whether to automatically accept VPC endpoint connection requests. Valid values: <ui><li>`true`: yes<li>`false`: no</ul>",
            "Whether to automatically accept VPC endpoint connection requests. Valid values:\n\n- `true`: yes\n- `false`: no",
        );
        check(
            "Service level\n<li>`DEFAULT`: Default level</lil>\n<li>`PT`: Gold</li>",
            "Service level\n\n- `DEFAULT`: Default level\n- `PT`: Gold",
        );
        // `</li>.` leaves a lone full stop; `<li>- x` a second marker.
        check(
            "Filters.\n<li>route-policy-id - String.</li>.\n<li>- charge-type - String.</li>.",
            "Filters.\n\n- route-policy-id - String.\n- charge-type - String.",
        );
    }

    #[test]
    fn inline_tags_become_markdown() {
        check(
            "This API does not support custom indexes <code>PolicyIndex</code>. <b>Note:</b> see <strong>ACL</strong> and <i>rules</i>.",
            "This API does not support custom indexes `PolicyIndex`. **Note:** see **ACL** and *rules*.",
        );
        // Already bold inside: no `****`.
        check(
            "<b>**[Disused]**</b> ANYCAST_ZONE_A",
            "**\\[Disused\\]** ANYCAST_ZONE_A",
        );
        // Spaces move outside the markers; empty markup disappears; punctuation keeps them apart.
        check("a<b> bold </b>b<i></i>", "a **bold** b");
        check("<b>Note:</b>text", "**Note:** text");
        // Layout-only tags are dropped.
        check(
            "<font color=\"#FF0000\">This API will be discontinued soon.</font>",
            "This API will be discontinued soon.",
        );
    }

    #[test]
    fn code_elements_decode_entities_and_keep_backticks_apart() {
        check("<code>a &lt;= b</code>", "`a <= b`");
        check("<code>x`y</code>", "``x`y``");
        check("<code></code>", "\\<code\\>\\<\\/code\\>");
    }

    #[test]
    fn anchors_become_links() {
        check(
            "You can query it on the <a href=\"https://console.cloud.tencent.com/project\">project management page</a> of the console.",
            "You can query it on the [project management page](https://console.cloud.tencent.com/project) of the console.",
        );
        // A relative link keeps its path; there is no host to link to.
        check(
            "For more information, see <a href=\"/document/product/576/18527\">ENI Use Limits</a>.",
            "For more information, see ENI Use Limits (`/document/product/576/18527`).",
        );
    }

    #[test]
    fn unknown_tags_are_escaped() {
        check(
            "&CcnId=ccn-gree226l\n&<Common request parameters>",
            "&CcnId=ccn-gree226l\n\n&\\<Common request parameters>",
        );
        check(
            "Replace <instance-id> with the ID.",
            "Replace \\<instance-id> with the ID.",
        );
        check("li>havip-id</li>", "li>havip-id");
        check("a < b, c <= d, 1<2", "a < b, c <= d, 1<2");
    }

    #[test]
    fn html_tables_become_pipe_tables() {
        check(
            "<p>Log types supported by each cloud product are as follows:</p><table><thead><tr><th>assumer_name</th><th>Supported log_type</th></tr></thead><tbody><tr><td>APIS</td><td>APIS-ACCESS</td></tr><tr><td>BH</td><td>BH-COMMANDLOG|BH-FILELOG</td></tr></tbody></table>",
            "Log types supported by each cloud product are as follows:\n\n\
             | assumer_name | Supported log_type |\n\
             | --- | --- |\n\
             | APIS | APIS-ACCESS |\n\
             | BH | BH-COMMANDLOG\\|BH-FILELOG |",
        );
    }

    #[test]
    fn pipe_tables_stay_tables() {
        check(
            "Fields:\n\n| Field Name | Type |\n|------------|------|\n| `xlsx_splitter` | Array<Number> |\n| `table_style` | see [1, 2] |\nAfter.",
            "Fields:\n\n| Field Name | Type |\n| --- | --- |\n| `xlsx_splitter` | Array\\<Number> |\n| `table_style` | see \\[1, 2\\] |\n\nAfter.",
        );
    }

    #[test]
    fn brackets_are_escaped_unless_they_make_a_link() {
        check(
            "The adjustment of the VPN gateway bandwidth is limited to [5,100] Mbps and [200,1000] Mbps.",
            "The adjustment of the VPN gateway bandwidth is limited to \\[5,100\\] Mbps and \\[200,1000\\] Mbps.",
        );
        check(
            "such as [subnet-12345678], [a] or [1, 2].",
            "such as \\[subnet-12345678\\], \\[a\\] or \\[1, 2\\].",
        );
        check(
            "Obtain it through the API [DescribeVpcs](https://www.tencentcloud.com/document/product/215/15778?from_cn_redirect=1).",
            "Obtain it through the API [DescribeVpcs](https://www.tencentcloud.com/document/product/215/15778?from_cn_redirect=1).",
        );
        check(
            "call the [`DescribeVpcTaskResult`](https://intl.cloud.tencent.com/document/api/215/59037) API",
            "call the [`DescribeVpcTaskResult`](https://intl.cloud.tencent.com/document/api/215/59037) API",
        );
        check(
            "see relevant sections in the API [overview](/document/product/362/15633).",
            "see relevant sections in the API overview (`/document/product/362/15633`).",
        );
        // Escapes in the source stay as written.
        check("\\[x\\] and \\*", "\\[x\\] and \\*");
    }

    #[test]
    fn bare_urls_become_autolinks() {
        check(
            "Note: To use a dedicated resource pool, submit a ticket (https://console.cloud.tencent.com/workorder/category) for consultation.",
            "Note: To use a dedicated resource pool, submit a ticket (<https://console.cloud.tencent.com/workorder/category>) for consultation.",
        );
        check(
            "【Linux】https://cloud.tencent.com/document/product/296/9604，see",
            "【Linux】<https://cloud.tencent.com/document/product/296/9604>，see",
        );
        check("<https://a.example/x>", "<https://a.example/x>");
        check("http:// alone", "http:// alone");
    }

    #[test]
    fn indentation_never_makes_a_code_block() {
        check(
            "    Network egress. It defaults to `center_egress1`. Valid values:\ncenter_egress1,center_egress2,center_egress3\n",
            "Network egress. It defaults to `center_egress1`. Valid values:\n\ncenter_egress1,center_egress2,center_egress3",
        );
        check("\t2022-02-03T04:05:06Z", "2022-02-03T04:05:06Z");
    }

    #[test]
    fn tabs_and_control_characters_go() {
        check(
            "List of tags to be associated.\t\t",
            "List of tags to be associated.",
        );
        check(
            "[{\"RouteTableId\": \"\trtb-qk8eyn9g\"}]",
            "\\[{\"RouteTableId\": \" rtb-qk8eyn9g\"}\\]",
        );
        check(
            "1.检查恶意进程；\r\n2.隔离\u{202E}文件",
            "1.检查恶意进程；\n\n2.隔离文件",
        );
    }

    #[test]
    fn fences_get_a_non_rust_language_and_are_closed() {
        check(
            "Content:.\n```\n{\n\t\"Service\": \"Tencent Cloud Auto Scaling\"\n}\n```",
            "Content:.\n\n```text\n{\n    \"Service\": \"Tencent Cloud Auto Scaling\"\n}\n```",
        );
        check("```json\n{\"a\": 1}\n```", "```json\n{\"a\": 1}\n```");
        check("```rust\nfn main() {}\n```", "```text\nfn main() {}\n```");
        check("```should_panic\npanic!()", "```text\npanic!()\n```");
        // A block whose last line ends with the fence, then more text.
        check(
            "```json\n{\"a\": 1}```\nAfter.",
            "```json\n{\"a\": 1}\n```\n\nAfter.",
        );
        // A fence with backticks in its info string is a code span.
        check(
            "```{\"TaskId\": \"task-video\"}```,",
            "```{\"TaskId\": \"task-video\"}```,",
        );
    }

    #[test]
    fn pre_elements_become_text_blocks() {
        check(
            "<p>Configure tags.</p><p><pre><code>[  {\n  &quot;tag_id&quot;: &quot;o_101&quot;  }]</code></pre></p>",
            "Configure tags.\n\n```text\n[  {\n  \"tag_id\": \"o_101\"  }]\n```",
        );
    }

    #[test]
    fn unmatched_backticks_are_escaped() {
        check(
            "`The `%(value)s` does not support reducing VPN bandwidth.",
            "`The `%(value)s\\` does not support reducing VPN bandwidth.",
        );
        check("a ``` b", "a \\`\\`\\` b");
    }

    #[test]
    fn markdown_items_and_their_lazy_lines() {
        // A line going on with the item's sentence joins it ...
        check(
            "* You need to call <a href=\"https://intl.cloud.tencent.com/document/product/215/15807\">CreateSecurityGroupPolicies</a>\nto change it.",
            "- You need to call [CreateSecurityGroupPolicies](https://intl.cloud.tencent.com/document/product/215/15807) to change it.",
        );
        // ... a new sentence is a paragraph after the list.
        check(
            "For a user who has enabled the static single-line IP allowlist, valid values include:\n- CMCC: China Mobile\n- CUCC: China Unicom\nNote: The static single-line IP is only supported in some regions.",
            "For a user who has enabled the static single-line IP allowlist, valid values include:\n\n- CMCC: China Mobile\n- CUCC: China Unicom\n\nNote: The static single-line IP is only supported in some regions.",
        );
        check(
            "+ Traffic (in bytes)\n+ Bandwidth (in bps)",
            "- Traffic (in bytes)\n- Bandwidth (in bps)",
        );
        check("1) one\n2) two", "1. one\n2. two");
    }

    #[test]
    fn indented_markdown_items_nest() {
        check(
            "- Prerequisites\n  1. Recording files are stored on the VOD platform.\n  2. Fees are charged.\n\n- Mode description\n  This API supports two recording modes:\n  1. Scheduled recording mode.\n    The start time and end time need to be passed in.",
            "- Prerequisites\n  1. Recording files are stored on the VOD platform.\n  2. Fees are charged.\n\
             - Mode description\n\n  This API supports two recording modes:\n\n  1. Scheduled recording mode.\n\n     The start time and end time need to be passed in.",
        );
    }

    #[test]
    fn tencent_notes_become_quotes() {
        check(
            "This API is used to create a VPN tunnel.\n>?This API is async. You can call the [`DescribeVpcTaskResult`](https://intl.cloud.tencent.com/document/api/215/59037?from_cn_redirect=1) API to query the task result.\n>",
            "This API is used to create a VPN tunnel.\n\n> This API is async. You can call the [`DescribeVpcTaskResult`](https://intl.cloud.tencent.com/document/api/215/59037?from_cn_redirect=1) API to query the task result.",
        );
        check(
            ">- Note: we recommend the SDK.\n>- You can run this API in API Explorer.\nAfter.",
            "> - Note: we recommend the SDK.\n> - You can run this API in API Explorer.\n\nAfter.",
        );
        check(">=1", "\\>=1");
    }

    #[test]
    fn headings_and_rules_are_kept() {
        check(
            "# Custom Splitting Rules\nThe request parameter is a **JSON Object**.\n\n---\n\n## `xlsx_splitter`",
            "# Custom Splitting Rules\n\nThe request parameter is a **JSON Object**.\n\n---\n\n## `xlsx_splitter`",
        );
    }

    #[test]
    fn accidental_block_starts_are_escaped() {
        check("-", "\\-");
        check("1.", "1\\.");
        check("******", "\\******");
        check("<li># not a heading</li>", "- \\# not a heading");
        check("~~~ x", "\\~\\~\\~ x");
    }

    #[test]
    fn tilde_pairs_are_escaped() {
        check(
            "Value range: 1~100, or 5~10.",
            "Value range: 1\\~100, or 5\\~10.",
        );
        check("1~100", "1~100");
    }

    // Chinese documents (VPC's China-site description), one test per shape.

    #[test]
    fn chinese_bold_after_full_width_punctuation_still_closes() {
        // `**说明：**若` is no bold in CommonMark (the closing run follows punctuation and
        // precedes a letter): the colon moves out of the bold.
        check(
            "<li>route-policy-id ：路由策略实例ID，例如：rrp-q7ywkx3w。</li>\n\n  **说明：**若同一个过滤条件（Filter）存在多个Values，则同一Filter下Values间的关系为逻辑或（OR）关系。",
            "- route-policy-id ：路由策略实例ID，例如：rrp-q7ywkx3w。\n\n**说明**：若同一个过滤条件（Filter）存在多个Values，则同一Filter下Values间的关系为逻辑或（OR）关系。",
        );
        check(
            "> 特别注意：是全量覆盖，非增量添加\n\n**路由条件支持以下四种：**\n\n- 实例类型: `instance-type`",
            "> 特别注意：是全量覆盖，非增量添加\n\n**路由条件支持以下四种**：\n\n- 实例类型: `instance-type`",
        );
        // A closing bracket stays inside; a space keeps the marker a closing one.
        check("**（注意）**若", "**（注意）** 若");
        // Lone asterisks are text; `<b>**x**</b>` is bold once.
        check(
            "每天申购次数为配额数*2 次。resource放通qcs::cvm:ap-guangzhou:uin/2126195383:instance/*。",
            "每天申购次数为配额数*2 次。resource放通qcs::cvm:ap-guangzhou:uin/2126195383:instance/*。",
        );
        check("<b>**重要**</b>", "**重要**");
    }

    #[test]
    fn chinese_lines_broken_mid_sentence_are_joined() {
        // After a link, the sentence's last word on a line of its own.
        check(
            "本接口是异步完成，如需查询异步任务执行结果，请使用本接口返回的`RequestId`轮询[DescribeVpcTaskResult](https://cloud.tencent.com/document/api/215/59037)\n接口。",
            "本接口是异步完成，如需查询异步任务执行结果，请使用本接口返回的`RequestId`轮询[DescribeVpcTaskResult](https://cloud.tencent.com/document/api/215/59037)接口。",
        );
        // After a full-width comma, whatever follows.
        check(
            "网关实例ID，目前我们支持的网关实例类型有，\n专线网关实例ID，形如，`dcg-ltjahce6`；\nNat网关实例ID，形如，`nat-ltjahce6`；",
            "网关实例ID，目前我们支持的网关实例类型有，专线网关实例ID，形如，`dcg-ltjahce6`；\n\nNat网关实例ID，形如，`nat-ltjahce6`；",
        );
        // In a list item too.
        check(
            "* 新建的安全组的入站和出站规则默认都是全部拒绝，在创建后通常您需要再调用[CreateSecurityGroupPolicies](https://cloud.tencent.com/document/product/215/15807)\n将安全组的规则设置为需要的规则。\n\n安全组规则说明：",
            "- 新建的安全组的入站和出站规则默认都是全部拒绝，在创建后通常您需要再调用[CreateSecurityGroupPolicies](https://cloud.tencent.com/document/product/215/15807)将安全组的规则设置为需要的规则。\n\n安全组规则说明：",
        );
        // Labels, notes and value lists stay lines of their own, as do sentences ended
        // by a bracket.
        check(
            "带宽包到期时间，只有预付费会返回，按量计费返回为null\n注意：此字段可能返回 null，表示取不到有效值。",
            "带宽包到期时间，只有预付费会返回，按量计费返回为null\n\n注意：此字段可能返回 null，表示取不到有效值。",
        );
        check(
            "私有网络: `VPC`\n专线网关: `DIRECTCONNECT`\n黑石私有网络: `BMVPC`",
            "私有网络: `VPC`\n\n专线网关: `DIRECTCONNECT`\n\n黑石私有网络: `BMVPC`",
        );
        check(
            "一般使用更粗的云联网实例粒度封禁（DescribeTenantCcns）\n如有需要, 可以封禁任意限速实例",
            "一般使用更粗的云联网实例粒度封禁（DescribeTenantCcns）\n\n如有需要, 可以封禁任意限速实例",
        );
        // `<br>` is an explicit break.
        check("可选值：<br>正常\n异常", "可选值：\n\n正常\n\n异常");
    }

    #[test]
    fn indented_paragraphs_after_an_item_describe_it() {
        check(
            "<p>包括：</p><li><strong>BANDWIDTH_PREPAID_BY_MONTH</strong></li><p style=\"padding-left: 30px;\">表示包月带宽预付费。</p><li><strong>TRAFFIC_POSTPAID_BY_HOUR</strong></li><p style=\"padding-left: 30px;\">表示按小时流量后付费。</p><p>注意：此字段可能返回 null。</p>",
            "包括：\n\n- **BANDWIDTH_PREPAID_BY_MONTH**\n\n  表示包月带宽预付费。\n\n- **TRAFFIC_POSTPAID_BY_HOUR**\n\n  表示按小时流量后付费。\n\n注意：此字段可能返回 null。",
        );
        // Without an item before it, or with a zero indent, it is a plain paragraph.
        check(
            "<p style=\"padding-left: 30px;\">表示包月带宽预付费。</p>",
            "表示包月带宽预付费。",
        );
        check("<li>a</li><p style=\"margin-left:0\">b</p>", "- a\n\nb");
    }

    #[test]
    fn chinese_strikethrough_is_kept() {
        check(
            "~~是否是PassService类型。该字段已废弃，请不要使用该字段。~~",
            "~~是否是PassService类型。该字段已废弃，请不要使用该字段~~。",
        );
        // Ranges stay text (escaped when two could pair).
        check(
            "带宽包数量(传统账户类型只能填1), 标准账户类型取值范围为1~20。",
            "带宽包数量(传统账户类型只能填1), 标准账户类型取值范围为1~20。",
        );
        check("取值范围1~20，默认5~10", "取值范围1\\~20，默认5\\~10");
    }

    #[test]
    fn relative_markdown_links_show_their_path() {
        check(
            "次数有所限制（可参见 [EIP 产品简介](/document/product/213/1941)）。",
            "次数有所限制（可参见 EIP 产品简介 (`/document/product/213/1941`)）。",
        );
        check(
            "见[](/document/product/213/1941)。",
            "见`/document/product/213/1941`。",
        );
        // Not a path: literal brackets.
        check("[a](b)", "\\[a\\](b)");
    }

    #[test]
    fn full_width_punctuation_and_brackets_are_plain_text() {
        check(
            "如【5,100】Mbps和【200,1000】Mbps，范围【1000-5000】，单位ms。",
            "如【5,100】Mbps和【200,1000】Mbps，范围【1000-5000】，单位ms。",
        );
        // Half-width brackets inside are still no intra-doc links; a URL in full-width
        // parentheses ends before them.
        check(
            "可选状态：[AVAILABLE|EXPIRED|EXHAUSTED]，详见（https://cloud.tencent.com/document/product/215/16702）。",
            "可选状态：\\[AVAILABLE|EXPIRED|EXHAUSTED\\]，详见（<https://cloud.tencent.com/document/product/215/16702>）。",
        );
        check(
            "<p>指定绑定的安全组，例如：[&#39;sg-1dd51d&#39;]。</p>",
            "指定绑定的安全组，例如：\\[&#39;sg-1dd51d&#39;\\]。",
        );
    }

    #[test]
    fn chinese_nested_lists_with_tabs() {
        check(
            "本接口（ModifySecurityGroupPolicies）用于重置安全组出站和入站规则（SecurityGroupPolicy）。\n\n<ul>\n<li>该接口不支持自定义索引 PolicyIndex。</li>\n<li>在 SecurityGroupPolicySet 参数中：<ul>\n\t<li> 如果指定 SecurityGroupPolicySet.Version 为0, 表示清空所有规则。</li>\n\t<li> 如果指定 SecurityGroupPolicySet.Version 不为0, 在添加出站和入站规则时：<ul>\n\t\t<li>Protocol 字段支持输入 TCP, UDP, ICMP, ICMPV6, GRE, ALL。</li>\n\t\t</ul></li></ul></li>\n</ul>",
            "本接口（ModifySecurityGroupPolicies）用于重置安全组出站和入站规则（SecurityGroupPolicy）。\n\n\
             - 该接口不支持自定义索引 PolicyIndex。\n\
             - 在 SecurityGroupPolicySet 参数中：\n  \
               - 如果指定 SecurityGroupPolicySet.Version 为0, 表示清空所有规则。\n  \
               - 如果指定 SecurityGroupPolicySet.Version 不为0, 在添加出站和入站规则时：\n    \
                 - Protocol 字段支持输入 TCP, UDP, ICMP, ICMPV6, GRE, ALL。",
        );
    }

    #[test]
    fn markup_only_input_is_shown_literally() {
        check("<ul></ul>", "\\<ul\\>\\<\\/ul\\>");
        check(">", "\\>");
    }

    #[test]
    fn output_is_tidy_and_self_contained() {
        let inputs = [
            "```\nunclosed",
            "<table><tr><td>open",
            "<ul><li>open <b>bold <a href=\"https://x.example\">link",
            "- item\nlazy",
            "> quote\nlazy",
            "<pre>open",
            "<!-- comment",
        ];
        for input in inputs {
            let out = rustdoc(input);
            assert!(!out.is_empty(), "{input:?}");
            assert!(fences_closed(&out), "{input:?} -> {out:?}");
            for line in out.lines() {
                assert_eq!(line, line.trim_end(), "{input:?} -> {out:?}");
                assert!(!line.contains('\t'), "{input:?} -> {out:?}");
            }
            assert!(!out.contains("\n\n\n"), "{input:?} -> {out:?}");
        }
    }

    /// Random mixes of the constructs above: never a panic, always tidy output.
    #[test]
    fn never_panics() {
        const PIECES: &[&str] = &[
            "<li>",
            "</li>",
            "<ul>",
            "</ul>",
            "<ol>",
            "<br>",
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<i>",
            "</em>",
            "<code>",
            "</code>",
            "<pre>",
            "</pre>",
            "<a href=\"https://x.example/a(b)\">",
            "<a href='/doc'>",
            "</a>",
            "<table>",
            "<tr>",
            "<td>",
            "</table>",
            "<img src=\"http://i\">",
            "<!--",
            "-->",
            "<",
            ">",
            "`",
            "``",
            "```",
            "~~~",
            "[",
            "]",
            "](",
            "(https://y.example)",
            "https://z.example/p?q=1&amp;r",
            "\\",
            "\\[",
            "*",
            "**",
            "_",
            "~",
            "|",
            "| a | b |\n|---|---|\n",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "1) ",
            "# ",
            "> ",
            ">?",
            "\n",
            "\n\n",
            "  ",
            "    ",
            "\t",
            "\r",
            "text",
            "Note:",
            " ",
            "中文",
            "，",
            "é",
            "\u{202E}",
            "\u{0}",
            "&lt;",
            "&#x41;",
            "&#99999999;",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = next() % 40;
            let input: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let out = rustdoc(&input);
            assert_eq!(
                out.is_empty(),
                input.trim().is_empty()
                    || input
                        .chars()
                        .all(|c| c.is_whitespace() || c.is_control() || c == '\u{202E}'),
                "{input:?} -> {out:?}"
            );
            assert!(
                !out.contains("\n\n\n") && !out.contains('\t') && !out.contains('\r'),
                "{input:?}"
            );
            assert!(
                out.lines().all(|l| l == l.trim_end()),
                "{input:?} -> {out:?}"
            );
            assert!(fences_closed(&out), "{input:?} -> {out:?}");
        }
    }
}
