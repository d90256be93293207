//! The paging rule: which actions come in pages, and through which members.
//!
//! An action is paged when its spec entry says so (`pagination`) or, where the entry is
//! silent, when its shape says so: the input has scalar `Offset` and `Limit` members
//! (text or integers), and the output has an integer `TotalCount` and exactly one list
//! member besides. Everything is decided from the spec, never from a list of names, so
//! an action added to the spec is paged the moment it has the shape.

use crate::ir::{Field, PageField, Type};
use crate::model::{PageMembers, Pagination};

/// The members a paged action pages through, before the method name is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) offset: PageField,
    pub(crate) limit: PageField,
    pub(crate) items: PageField,
    pub(crate) item: Type,
    pub(crate) count: Option<PageField>,
    pub(crate) max_limit: Option<u64>,
}

/// Why an entry's `pagination` cannot be honoured: the key at fault (`None`: the
/// setting as a whole) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) key: Option<&'static str>,
    pub(crate) message: String,
}

/// The wire name of the request member where a page starts.
pub const OFFSET: &str = "Offset";
/// The wire name of the request member with the page size.
pub const LIMIT: &str = "Limit";
/// The wire name of the count the shape rule recognises.
pub const TOTAL_COUNT: &str = "TotalCount";

/// Decides whether an action is paged, and through which members.
///
/// `Ok(None)`: not paged (the entry says `false`, or says nothing and the shape does
/// not match). `Err`: the entry asks for paging that its members cannot support; the
/// message says what is missing and which key of `pagination` fixes it.
pub(crate) fn shape(
    setting: Option<&Pagination>,
    input: &[Field],
    output: &[Field],
) -> Result<Option<Shape>, Problem> {
    let default = PageMembers::default();
    let members = match setting {
        Some(Pagination::Enabled(false)) => return Ok(None),
        Some(Pagination::Enabled(true)) | None => &default,
        Some(Pagination::Members(members)) => members,
    };
    let explicit = setting.is_some();
    // Where the entry is silent, a shape that does not match is simply not paged.
    let not_paged = |reason: String| {
        if explicit {
            Err(Problem {
                key: None,
                message: reason,
            })
        } else {
            Ok(None)
        }
    };
    let at = |key: &'static str, message: String| Problem {
        key: Some(key),
        message,
    };

    let Some(offset) = page_param(input, OFFSET) else {
        return not_paged(format!(
            "a paged action needs an input member `{OFFSET}` of type string or int"
        ));
    };
    let Some(limit) = page_param(input, LIMIT) else {
        return not_paged(format!(
            "a paged action needs an input member `{LIMIT}` of type string or int"
        ));
    };

    let (items, item) = match &members.items {
        Some(name) => match output.iter().find(|field| &field.wire_name == name) {
            Some(
                field @ Field {
                    ty: Type::List(item),
                    ..
                },
            ) => (page_field(field), (**item).clone()),
            Some(_) => return Err(at("items", format!("output member `{name}` is not a list"))),
            None => return Err(at("items", format!("the output has no member `{name}`"))),
        },
        None => {
            let lists: Vec<(&Field, &Type)> = output
                .iter()
                .filter_map(|field| match &field.ty {
                    Type::List(item) => Some((field, &**item)),
                    _ => None,
                })
                .collect();
            match lists.as_slice() {
                [(field, item)] => (page_field(field), (*item).clone()),
                _ => {
                    return not_paged(format!(
                        "the output has {} list members, not one: name the paged one with \
                         `items`",
                        lists.len()
                    ));
                }
            }
        }
    };

    let count = match (&members.count, members.no_count) {
        (Some(_), true) => {
            return Err(at(
                "no_count",
                "`count` and `no_count` contradict each other".into(),
            ));
        }
        (_, true) => None,
        (Some(name), false) => match output.iter().find(|field| &field.wire_name == name) {
            Some(field) if is_integer(&field.ty) => Some(page_field(field)),
            Some(_) => return Err(at("count", format!("output member `{name}` is not an int"))),
            None => return Err(at("count", format!("the output has no member `{name}`"))),
        },
        (None, false) => match output.iter().find(|field| field.wire_name == TOTAL_COUNT) {
            Some(field) if is_integer(&field.ty) => Some(page_field(field)),
            _ => {
                return not_paged(format!(
                    "the output has no int member `{TOTAL_COUNT}`: name the count with \
                     `count`, or set `no_count`"
                ));
            }
        },
    };

    let max_limit = match members.max_limit {
        Some(0) => return Err(at("max_limit", "a page holds at least 1 item".into())),
        Some(max) => Some(max),
        None => input
            .iter()
            .find(|field| field.wire_name == LIMIT)
            .and_then(|field| documented_max(&field.document)),
    };
    Ok(Some(Shape {
        offset,
        limit,
        items,
        item,
        count,
        max_limit,
    }))
}

fn page_param(input: &[Field], name: &str) -> Option<PageField> {
    input
        .iter()
        .find(|field| field.wire_name == name)
        .filter(|field| matches!(field.ty, Type::String | Type::Int64 | Type::UInt64))
        .map(page_field)
}

fn page_field(field: &Field) -> PageField {
    PageField {
        wire_name: field.wire_name.clone(),
        rust_name: field.rust_name.clone(),
        ty: field.ty.clone(),
    }
}

fn is_integer(ty: &Type) -> bool {
    matches!(ty, Type::Int64 | Type::UInt64)
}

/// The largest page size a `Limit` member's document states, if it states one.
///
/// Tencent writes it several ways; each of these yields 100: `Maximum is 100`, `The
/// maximum is 100`, `Maximum value: 100`, `maximum value: 100`, `Maximum: 100`, `Value
/// range: 1-100`, `Valid range: 0-100`. A document that states no maximum (`The
/// returned quantity`) yields `None`, and the caller's or the server's default applies.
pub fn documented_max(document: &str) -> Option<u64> {
    let text = document.to_ascii_lowercase();
    for (at, _) in text.match_indices("maximum") {
        let rest = text[at + "maximum".len()..].trim_start();
        let rest = rest.strip_prefix("value").unwrap_or(rest).trim_start();
        let rest = rest
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix("is "))
            .or_else(|| rest.strip_prefix("of "))
            .unwrap_or(rest)
            .trim_start();
        if let Some(max) = leading_number(rest) {
            return Some(max);
        }
    }
    for (at, _) in text.match_indices("range:") {
        let rest = text[at + "range:".len()..].trim_start();
        let Some(low_len) = rest.find(|c: char| !c.is_ascii_digit()).filter(|&n| n > 0) else {
            continue;
        };
        let rest = rest[low_len..].trim_start();
        if let Some(high) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('~'))
            && let Some(max) = leading_number(high.trim_start())
        {
            return Some(max);
        }
    }
    None
}

fn leading_number(text: &str) -> Option<u64> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text[..end].parse().ok().filter(|&n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrasing_of_the_vpc_documents_is_read() {
        for (document, max) in [
            (
                "Number of values to be returned. The default value is 20. Maximum is 100.",
                Some(100),
            ),
            (
                "Number of returned results. Default value: 20. Maximum value: 100. For more information on Limit, see [Introduction](https://x/213/15688).",
                Some(100),
            ),
            (
                "Number of bandwidth packages returned. This value defaults to 20. The maximum is 100.",
                Some(100),
            ),
            (
                "Number of returned results. Default: 20. Maximum: 100.",
                Some(100),
            ),
            (
                "Number of results per page; default value: 20; maximum value: 100.",
                Some(100),
            ),
            (
                "Number of returned results per page. Default value: 20; maximum value: 100",
                Some(100),
            ),
            (
                "Number of returned results. Default value: 20. Maximum value: 200.",
                Some(200),
            ),
            (
                "Returned quantity. Default: 20. Value range: 1-100.",
                Some(100),
            ),
            ("Valid range: 0-200", Some(200)),
            ("The returned quantity", None),
            ("The number of rows per page. Default value: 10.", None),
            ("Pagination parameter", None),
            ("Maximum value: unlimited. Valid range: 1 - 50", Some(50)),
            ("", None),
        ] {
            assert_eq!(documented_max(document), max, "{document}");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for document in [
            "maximum",
            "Maximum value:",
            "range:",
            "range: 5",
            "range: 5-",
            "maximum is 0",
            "Maximum: 99999999999999999999999",
            "范围：1-100 maximum：",
            "range:-5",
        ] {
            let _ = documented_max(document);
        }
        assert_eq!(documented_max("maximum is 0"), None);
        assert_eq!(documented_max("Maximum: 99999999999999999999999"), None);
    }
}
