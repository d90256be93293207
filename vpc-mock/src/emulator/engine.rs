//! The emulator's generic engine: everything read from the spec rather than written per
//! resource. Scopes (account and region), ID shapes and their seeded source, the filter
//! names an action documents and how a filter matches a resource, paging, tags, and the
//! rule that an error is always one the action documents (or a common one).
//!
//! Resources are kept as JSON objects in the shape the spec gives their output object
//! (`Vpc`, `Subnet`): a filter named `vpc-name` reads the member `VpcName`, so the
//! engine needs no code per resource to filter, page or answer.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use api_spec::ir::{Action, Service};
use serde_json::{Map, Value};

use crate::handler::{ApiError, Call};

/// Who owns a resource and where it lives.
///
/// The account is the credential's owner. The endpoint has no account directory, so for
/// now the SecretId that signed the call stands for its account: two keys are two
/// accounts (temporary STS keys are therefore accounts of their own).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// The account: the SecretId that signed the call.
    pub account: String,
    /// The region, `X-TC-Region`.
    pub region: String,
}

impl Scope {
    /// The scope of a call.
    pub fn of(call: &Call) -> Self {
        Self {
            account: call.secret_id.clone(),
            region: call.region.clone(),
        }
    }
}

/// A table of one kind of resource in one scope, in creation order (the stable order
/// every listing uses).
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: Vec<Map<String, Value>>,
}

impl Table {
    /// An empty table.
    pub const fn new() -> Self {
        Self { rows: Vec::new() }
    }

    /// Every row, oldest first.
    pub fn rows(&self) -> &[Map<String, Value>] {
        &self.rows
    }

    /// Adds a row at the end.
    pub fn push(&mut self, row: Map<String, Value>) {
        self.rows.push(row);
    }

    /// The row whose member `key` is the text `id`.
    pub fn get(&self, key: &str, id: &str) -> Option<&Map<String, Value>> {
        self.rows.iter().find(|row| text(row.get(key)) == Some(id))
    }

    /// The row whose member `key` is the text `id`, to change it.
    pub fn get_mut(&mut self, key: &str, id: &str) -> Option<&mut Map<String, Value>> {
        self.rows
            .iter_mut()
            .find(|row| text(row.get(key)) == Some(id))
    }

    /// Removes the row whose member `key` is `id`; whether there was one.
    pub fn remove(&mut self, key: &str, id: &str) -> bool {
        let before = self.rows.len();
        self.rows.retain(|row| text(row.get(key)) != Some(id));
        self.rows.len() != before
    }

    /// Keeps only the rows that satisfy `keep`.
    pub fn retain(&mut self, keep: impl FnMut(&Map<String, Value>) -> bool) {
        let mut keep = keep;
        self.rows.retain(|row| keep(row));
    }

    /// Every row, to change them.
    pub fn rows_mut(&mut self) -> &mut [Map<String, Value>] {
        &mut self.rows
    }

    /// How many rows satisfy `keep`.
    pub fn count(&self, keep: impl Fn(&Map<String, Value>) -> bool) -> usize {
        self.rows.iter().filter(|row| keep(row)).count()
    }
}

/// `ins-` and 8 lowercase letters or digits, as CVM instance IDs are (the emulator
/// holds no CVM instances: a reference of this shape is accepted as existing).
pub fn instance_shaped(id: &str) -> bool {
    id.strip_prefix("ins-").is_some_and(|rest| {
        rest.len() == 8
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The text of a JSON string member.
pub fn text(value: Option<&Value>) -> Option<&str> {
    value.and_then(Value::as_str)
}

// ---------------------------------------------------------------------------------------
// IDs
// ---------------------------------------------------------------------------------------

/// The alphabet of an ID's random part, as the spec's examples show it
/// (`vpc-f49l6u0z`): lowercase letters and digits.
const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The shape of one kind's IDs: its prefix and the length of the random part, read
/// from the values the spec's examples give a member (`VpcId: "vpc-f49l6u0z"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdShape {
    /// E.g. `vpc-`.
    pub prefix: String,
    /// E.g. 8.
    pub length: usize,
}

impl IdShape {
    /// The shape most of the spec's example values of `member` have (every example
    /// input and output, at any depth), or `None` when no example shows one.
    pub fn from_spec(service: &Service, member: &str) -> Option<Self> {
        Self::from_spec_with_share(service, member).map(|(shape, _)| shape)
    }

    /// [`IdShape::from_spec`], with the share of the examples' IDs that have it (an ID
    /// member whose examples disagree names several kinds, such as `ResourceId`).
    pub fn from_spec_with_share(service: &Service, member: &str) -> Option<(Self, f64)> {
        let examples = service.actions.iter().flat_map(|a| &a.examples);
        Self::from_examples(examples, member)
    }

    /// The shape most of `member`'s values in `examples` have, with its share.
    pub fn from_examples<'a>(
        examples: impl IntoIterator<Item = &'a api_spec::ir::Example>,
        member: &str,
    ) -> Option<(Self, f64)> {
        let mut counts: HashMap<(String, usize), usize> = HashMap::new();
        for example in examples {
            for value in [&example.input, &example.output] {
                collect_ids(value, member, &mut counts);
            }
        }
        let total: usize = counts.values().sum();
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|((prefix, length), n)| {
                // Counts of examples are small: the share is exact enough as a float.
                #[allow(clippy::cast_precision_loss)]
                let share = n as f64 / total as f64;
                (Self { prefix, length }, share)
            })
    }

    /// The shape of one ID (`vpc-f49l6u0z` → `vpc-` and 8), e.g. a member's documented
    /// example value.
    pub fn of(id: &str) -> Option<Self> {
        split_id(id).map(|(prefix, length)| Self { prefix, length })
    }

    /// Whether `id` has this shape.
    pub fn matches(&self, id: &str) -> bool {
        id.strip_prefix(&self.prefix).is_some_and(|rest| {
            rest.len() == self.length && rest.bytes().all(|b| ID_ALPHABET.contains(&b))
        })
    }
}

fn collect_ids(value: &Value, member: &str, counts: &mut HashMap<(String, usize), usize>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                if key == member
                    && let Some(id) = value.as_str().and_then(split_id)
                {
                    *counts.entry(id).or_default() += 1;
                }
                collect_ids(value, member, counts);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ids(v, member, counts)),
        _ => {}
    }
}

/// `vpc-f49l6u0z` → (`vpc-`, 8): a lowercase prefix (`ip6-` has a digit) ending in `-`,
/// then lowercase letters and digits.
fn split_id(id: &str) -> Option<(String, usize)> {
    let id = id.trim();
    let dash = id.find('-')?;
    let (prefix, rest) = id.split_at(dash + 1);
    // `vpc-`, `ip6-`: a lowercase letter, then lowercase letters and digits.
    let prefix_ok = dash > 0
        && prefix.as_bytes()[0].is_ascii_lowercase()
        && prefix[..dash]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let rest_ok = !rest.is_empty() && rest.bytes().all(|b| ID_ALPHABET.contains(&b));
    (prefix_ok && rest_ok).then(|| (prefix.to_owned(), rest.len()))
}

/// The source of fresh IDs: a small deterministic generator (SplitMix64), seeded by the
/// caller for repeatable runs or from the clock otherwise. Not for secrets.
#[derive(Debug, Clone)]
pub struct IdSource {
    state: u64,
}

impl IdSource {
    /// A source that gives the same IDs, in the same order, for the same seed.
    pub fn seeded(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Where the source is: a source [`seeded`](Self::seeded) with it goes on with the
    /// same IDs (the state file keeps it).
    pub fn state(&self) -> u64 {
        self.state
    }

    /// A source seeded from the clock.
    pub fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // Truncation is fine: any 64 bits of the clock make a seed.
        Self::seeded(nanos as u64 ^ 0x5DEE_CE66_D1CE_5EED)
    }

    /// The next 64 random bits (SplitMix64): for IDs here, and for any seeded
    /// choice a test makes.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A fresh ID of `shape`, not `taken`.
    pub fn fresh(&mut self, shape: &IdShape, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let mut id = shape.prefix.clone();
            for _ in 0..shape.length {
                let n = self.next_u64() % ID_ALPHABET.len() as u64;
                id.push(char::from(ID_ALPHABET[n as usize]));
            }
            if !taken(&id) {
                return id;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Errors: only documented codes
// ---------------------------------------------------------------------------------------

/// The error codes one action may answer: its documented ones and the service's common
/// ones.
#[derive(Debug, Clone)]
pub struct Codes {
    action: String,
    allowed: BTreeSet<String>,
}

impl Codes {
    /// The codes of `action`.
    pub fn of(service: &Service, action: &Action) -> Self {
        let allowed = action
            .errors
            .iter()
            .chain(&service.common_errors)
            .map(|e| e.code.clone())
            .collect();
        Self {
            action: action.name.clone(),
            allowed,
        }
    }

    /// Whether the action may answer `code`.
    pub fn allows(&self, code: &str) -> bool {
        self.allowed.contains(code)
    }

    /// An error with the first of `candidates` the action documents, else the first
    /// candidate's common parent (`InvalidParameterValue.SubnetRange` →
    /// `InvalidParameterValue`) when that is a common code, else `InvalidParameter`.
    pub fn error(&self, candidates: &[&str], message: impl Into<String>) -> ApiError {
        let code = candidates
            .iter()
            .find(|code| self.allows(code))
            .map(|code| (*code).to_owned())
            .or_else(|| {
                candidates
                    .iter()
                    .filter_map(|code| code.split('.').next())
                    .find(|parent| self.allows(parent))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| crate::codes::INVALID_PARAMETER.to_owned());
        ApiError::new(code, message)
    }

    /// The action's name.
    pub fn action(&self) -> &str {
        &self.action
    }
}

// ---------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------

/// The filters an action accepts, read from its `Filters` member's documents (the
/// English one in the IR and the Chinese one in the spec file: the China site decides
/// what exists, and its list is sometimes longer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterNames {
    /// The names, e.g. `vpc-name`, `tag-key` (`tag:tag-key` is kept as `tag:`).
    pub names: BTreeSet<String>,
    /// The names whose document says they match fuzzily (`fuzzy`, `模糊`).
    pub fuzzy: BTreeSet<String>,
}

impl FilterNames {
    /// The filters `action` documents.
    pub fn of(action: &Action) -> Self {
        let mut out = Self::default();
        let english = action
            .input
            .iter()
            .find(|f| f.wire_name == "Filters")
            .map(|f| f.document.clone())
            .unwrap_or_default();
        let chinese = chinese_document(&action.name, "Filters").unwrap_or_default();
        for document in [english, chinese] {
            for item in document.split("<li>").skip(1) {
                let item = item.split("</li>").next().unwrap_or_default();
                if let Some(name) = filter_name(item) {
                    if item.contains("fuzzy") || item.contains("模糊") {
                        out.fuzzy.insert(name.clone());
                    }
                    out.names.insert(name);
                }
            }
        }
        out
    }

    /// Whether `name` is documented (`tag:<key>` for any key when `tag:tag-key` is).
    pub fn accepts(&self, name: &str) -> bool {
        if name.starts_with("tag:") && name.len() > 4 {
            return self.names.contains("tag:");
        }
        self.names.contains(name)
    }
}

/// The filter name an `<li>` item starts with: `vpc-name`, `` `vpc-id` ``, `tag:tag-key`.
fn filter_name(item: &str) -> Option<String> {
    let item = item.trim_start().trim_start_matches('`').trim_start();
    // A dot joins words of one name (`association.main`), but ends it before anything
    // else (`zone.`).
    let bytes = item.as_bytes();
    let end = item
        .char_indices()
        .find(|&(i, c)| {
            let dotted = c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || dotted)
        })
        .map_or(item.len(), |(i, _)| i);
    // `public-ip-address- String` (DescribeVpnGateways): the dash before the type is
    // not part of the name.
    let name = item[..end].trim_end_matches('-');
    if name.is_empty() {
        return None;
    }
    if name == "tag" && item[end..].starts_with(':') {
        return Some("tag:".to_owned());
    }
    Some(name.to_owned())
}

/// The Chinese document of an action's input member, from the spec file (the IR keeps
/// the English one).
fn chinese_document(action: &str, member: &str) -> Option<String> {
    static RAW: OnceLock<Option<Value>> = OnceLock::new();
    let raw = RAW
        .get_or_init(|| serde_json::from_str(crate::spec::VPC_SPEC_JSON).ok())
        .as_ref()?;
    raw["actions"][action]["input"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == member)?["document_zh"]
        .as_str()
        .map(str::to_owned)
}

/// One filter of a request: a name and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// E.g. `vpc-name` or `tag:env`.
    pub name: String,
    /// Any of them matches.
    pub values: Vec<String>,
    /// The member it reads: [`member_of`] its name, or the row's member of that name
    /// in another case (`havip-id` reads `HaVipId`), see [`Filter::resolve`].
    pub member: String,
}

impl Filter {
    /// Reads the member of `row` named like [`Filter::member`] but for case, when the
    /// row has no member of that exact name (the rows of one table share their
    /// members, so one row tells for all).
    pub fn resolve(&mut self, row: &Map<String, Value>) {
        if row.contains_key(&self.member) {
            return;
        }
        if let Some(key) = row.keys().find(|k| k.eq_ignore_ascii_case(&self.member)) {
            self.member = key.clone();
        }
    }
}

/// The request's `Filters`, each name checked against the documented ones.
///
/// # Errors
///
/// An unknown name: the action's code for it (`InvalidParameter.FilterInvalidKey`).
pub fn read_filters(
    params: &Map<String, Value>,
    names: &FilterNames,
    codes: &Codes,
) -> Result<Vec<Filter>, ApiError> {
    let Some(list) = params.get("Filters").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut filters = Vec::new();
    for filter in list {
        let name = text(filter.get("Name")).unwrap_or_default().to_owned();
        if !names.accepts(&name) {
            return Err(codes.error(
                &["InvalidParameter.FilterInvalidKey"],
                format!(
                    "The filter `{name}` is not supported by {}: it accepts {}.",
                    codes.action(),
                    names
                        .names
                        .iter()
                        .map(|n| if n == "tag:" { "tag:<key>" } else { n })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let values = filter
            .get("Values")
            .and_then(Value::as_array)
            .map(|values| values.iter().map(scalar_text).collect())
            .unwrap_or_default();
        let member = member_of(&name);
        filters.push(Filter {
            name,
            values,
            member,
        });
    }
    Ok(filters)
}

/// A scalar as the text a filter value compares with.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `vpc-name` → `VpcName`: the member a filter reads.
pub fn member_of(filter: &str) -> String {
    filter
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// Whether `row` passes every filter (filters ANDed, values within one ORed).
///
/// `tag-key` matches a key of `TagSet`, `tag:<key>` a `TagSet` entry with that key and
/// one of the values; any other name reads the member [`member_of`] names (a fuzzy one
/// by substring). A documented name whose member the resource does not have matches
/// nothing.
pub fn matches(row: &Map<String, Value>, filters: &[Filter], names: &FilterNames) -> bool {
    filters.iter().all(|filter| {
        let tags = row.get("TagSet").and_then(Value::as_array);
        let tag = |key: &str| {
            tags.into_iter()
                .flatten()
                .find(|t| text(t.get("Key")) == Some(key))
        };
        if filter.name == "tag-key" {
            return filter.values.iter().any(|key| tag(key).is_some());
        }
        if let Some(key) = filter.name.strip_prefix("tag:") {
            let value = tag(key).and_then(|t| text(t.get("Value")));
            return value.is_some_and(|value| filter.values.iter().any(|v| v == value));
        }
        let Some(actual) = row.get(&filter.member).map(scalar_text) else {
            return false;
        };
        let fuzzy = names.fuzzy.contains(&filter.name);
        filter.values.iter().any(|v| {
            if fuzzy {
                actual.contains(v.as_str())
            } else {
                actual == *v
            }
        })
    })
}

// ---------------------------------------------------------------------------------------
// IDs given together with Filters, paging
// ---------------------------------------------------------------------------------------

/// The IDs a request lists in `member` (`VpcIds`), refused together with `Filters`
/// where the action documents `InvalidParameter.Coexist`.
///
/// # Errors
///
/// `InvalidParameter.Coexist`.
pub fn read_ids(
    params: &Map<String, Value>,
    member: &str,
    codes: &Codes,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(ids) = params.get(member).and_then(Value::as_array) else {
        return Ok(None);
    };
    let with_filters = params
        .get("Filters")
        .and_then(Value::as_array)
        .is_some_and(|f| !f.is_empty());
    if with_filters && !ids.is_empty() && codes.allows("InvalidParameter.Coexist") {
        return Err(codes.error(
            &["InvalidParameter.Coexist"],
            format!(
                "The parameters `{member}` and `Filters` cannot be specified at the same time."
            ),
        ));
    }
    Ok(Some(ids.iter().map(scalar_text).collect()))
}

/// One page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// The first item's position.
    pub offset: usize,
    /// At most this many items.
    pub limit: usize,
}

/// The page a request asks for: its `Offset` and `Limit` (integers or decimal text),
/// the defaults and maximum read from the `Limit` member's document.
///
/// # Errors
///
/// A value that is no whole number (`InvalidParameterValue.Malformed`), or a `Limit`
/// over the documented maximum (`InvalidParameterValue.Range`, or the action's
/// `InvalidParameterValue.LimitExceeded`).
pub fn read_page(
    params: &Map<String, Value>,
    action: &Action,
    codes: &Codes,
) -> Result<Page, ApiError> {
    let limit_doc = action
        .input
        .iter()
        .find(|f| f.wire_name == "Limit")
        .map(|f| f.document.as_str())
        .unwrap_or_default();
    let max = action
        .pagination
        .as_ref()
        .and_then(|p| p.max_limit)
        .unwrap_or(100);
    let default = number_after(limit_doc, "Default value: ").unwrap_or(20.min(max));
    let number = |member: &str, default: u64| -> Result<u64, ApiError> {
        match params.get(member) {
            None => Ok(default),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| malformed(codes, member)),
            Some(Value::String(s)) if s.is_empty() => Ok(default),
            Some(Value::String(s)) => s.trim().parse().map_err(|_| malformed(codes, member)),
            Some(_) => Err(malformed(codes, member)),
        }
    };
    let offset = number("Offset", 0)?;
    let limit = number("Limit", default)?;
    if limit > max {
        return Err(codes.error(
            &[
                "InvalidParameterValue.Range",
                "InvalidParameterValue.LimitExceeded",
            ],
            format!("The value `{limit}` of parameter `Limit` is over its maximum {max}."),
        ));
    }
    Ok(Page {
        offset: usize::try_from(offset).unwrap_or(usize::MAX),
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    })
}

fn malformed(codes: &Codes, member: &str) -> ApiError {
    codes.error(
        &["InvalidParameterValue.Malformed"],
        format!("The value of parameter `{member}` is not a whole number."),
    )
}

fn number_after(text: &str, marker: &str) -> Option<u64> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The answer of a listing: `TotalCount` and the page of `rows` in `set` (`VpcSet`).
pub fn listing<'a>(
    rows: impl Iterator<Item = &'a Map<String, Value>>,
    page: Page,
    set: &str,
) -> Map<String, Value> {
    let rows: Vec<&Map<String, Value>> = rows.collect();
    let total = rows.len();
    let items: Vec<Value> = rows
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .map(|row| Value::Object(row.clone()))
        .collect();
    let mut out = Map::new();
    out.insert("TotalCount".to_owned(), Value::from(total));
    out.insert(set.to_owned(), Value::Array(items));
    out
}

// ---------------------------------------------------------------------------------------
// Tags, names, parameters
// ---------------------------------------------------------------------------------------

/// The request's `Tags`, as `TagSet` keeps them.
///
/// # Errors
///
/// A key given twice: `InvalidParameterValue.TagDuplicateKey`.
pub fn read_tags(params: &Map<String, Value>, codes: &Codes) -> Result<Value, ApiError> {
    let mut seen = BTreeSet::new();
    let mut set = Vec::new();
    for tag in params
        .get("Tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = text(tag.get("Key")).unwrap_or_default();
        if !seen.insert(key.to_owned()) {
            return Err(codes.error(
                &["InvalidParameterValue.TagDuplicateKey"],
                format!("The tag key `{key}` is given twice."),
            ));
        }
        let mut entry = Map::new();
        entry.insert("Key".to_owned(), Value::from(key));
        entry.insert(
            "Value".to_owned(),
            Value::from(text(tag.get("Value")).unwrap_or_default()),
        );
        set.push(Value::Object(entry));
    }
    Ok(Value::Array(set))
}

/// A name of at most 60 characters, as the `*Name` members document ("The maximum
/// length is 60 bytes").
///
/// # Errors
///
/// `InvalidParameterValue.TooLong`, or `InvalidParameterValue.Empty` where documented
/// for an empty name.
pub fn check_name(member: &str, name: &str, codes: &Codes) -> Result<(), ApiError> {
    if name.chars().count() > 60 {
        return Err(codes.error(
            &["InvalidParameterValue.TooLong"],
            format!("The value of parameter `{member}` is longer than 60 characters."),
        ));
    }
    if name.is_empty() {
        return Err(codes.error(
            &["InvalidParameterValue.Empty", "InvalidParameterValue"],
            format!("The parameter `{member}` is empty."),
        ));
    }
    Ok(())
}

/// A text parameter.
pub fn string_param<'a>(params: &'a Map<String, Value>, member: &str) -> Option<&'a str> {
    text(params.get(member))
}

/// An ID parameter of `shape`.
///
/// # Errors
///
/// `InvalidParameterValue.Malformed` when it does not have the shape.
pub fn check_id(member: &str, id: &str, shape: &IdShape, codes: &Codes) -> Result<(), ApiError> {
    if shape.matches(id) {
        Ok(())
    } else {
        Err(codes.error(
            &["InvalidParameterValue.Malformed"],
            format!(
                "The value `{id}` of parameter `{member}` is malformed: expected `{}` followed by {} lowercase letters or digits.",
                shape.prefix, shape.length
            ),
        ))
    }
}

/// The time of creation, as the spec's `CreatedTime` members show it
/// (`2020-03-19 19:22:12`, UTC here).
pub fn created_time() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let rem = secs % 86_400;
    let (y, m, d) = vpc_client::clock::civil_from_days(secs / 86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes_split() {
        assert_eq!(split_id("vpc-f49l6u0z"), Some(("vpc-".into(), 8)));
        assert_eq!(split_id(" vpc-azd4dt1c"), Some(("vpc-".into(), 8)));
        assert_eq!(split_id("subnet-pxir56ns"), Some(("subnet-".into(), 8)));
        assert_eq!(split_id("ip6-mhnrv51i"), Some(("ip6-".into(), 8)));
        assert_eq!(split_id("VPC-1"), None);
        assert_eq!(split_id("-abc"), None);
    }

    #[test]
    fn filter_names_parse() {
        assert_eq!(filter_name("`vpc-name`: VPC"), Some("vpc-name".into()));
        assert_eq!(filter_name(" tag-key - String"), Some("tag-key".into()));
        assert_eq!(filter_name("tag:tag-key - String"), Some("tag:".into()));
        assert_eq!(
            filter_name("`tag:tag-key`: (Optional)"),
            Some("tag:".into())
        );
        assert_eq!(filter_name("is-default ：是否"), Some("is-default".into()));
        assert_eq!(
            filter_name("association.main - String"),
            Some("association.main".into())
        );
        assert_eq!(filter_name("zone. The zone"), Some("zone".into()));
        assert_eq!(filter_name("<p>"), None);
        assert_eq!(
            filter_name("public-ip-address- String"),
            Some("public-ip-address".into())
        );
    }

    #[test]
    fn members_of_filters() {
        assert_eq!(member_of("vpc-name"), "VpcName");
        assert_eq!(member_of("is-remote-vpc-snat"), "IsRemoteVpcSnat");
        assert_eq!(member_of("zone"), "Zone");
    }

    #[test]
    fn seeded_ids_repeat() {
        let shape = IdShape {
            prefix: "vpc-".into(),
            length: 8,
        };
        let a: Vec<String> = {
            let mut s = IdSource::seeded(7);
            (0..5).map(|_| s.fresh(&shape, |_| false)).collect()
        };
        let mut s = IdSource::seeded(7);
        let b: Vec<String> = (0..5).map(|_| s.fresh(&shape, |_| false)).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|id| shape.matches(id)), "{a:?}");
        let mut other = IdSource::seeded(8);
        assert_ne!(other.fresh(&shape, |_| false), a[0]);
    }

    #[test]
    fn created_times_are_shaped_like_the_specs() {
        // `2020-03-19 19:22:12`
        let time = created_time();
        let shape: String = time
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99 99:99:99", "{time}");
    }
}
