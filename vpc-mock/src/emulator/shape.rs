//! Answer shapes from the spec: the default a member gets from its declared type and
//! document, a request value coerced to a member's type, and the completion of an
//! answer so that it carries every member its action's output declares, at every depth
//! (issue 25: answers as complete as the examples, never with the examples' values).
//!
//! Defaults: text is empty, numbers are zero, booleans false, lists empty and objects
//! filled member by member (down to [`MAX_DEPTH`]); a time member (`CreatedTime`,
//! `CreateTime`, a `Timestamp` type) is now; a state member (`State`, `Status`, ending
//! so) is one of the upper-case values its document lists, the first of
//! [`SETTLED_STATES`] it names, else the first it names.

use api_spec::ir::{Field, Service, Type};
use serde_json::{Map, Value};

use super::engine;

/// How deep objects are filled and completed; deeper members stay as they are.
pub const MAX_DEPTH: usize = 4;

/// The states a new row settles in, in order of preference, when its document names
/// them.
pub const SETTLED_STATES: [&str; 8] = [
    "AVAILABLE",
    "ACTIVE",
    "NORMAL",
    "RUNNING",
    "SUCCESS",
    "CREATED",
    "ENABLE",
    "ENABLED",
];

fn service() -> Option<&'static Service> {
    crate::spec::shared_vpc_service().ok()
}

/// Whether `member` names a state.
pub fn is_state(member: &str) -> bool {
    member == "State"
        || member == "Status"
        || member.ends_with("State")
        || member.ends_with("Status")
}

/// Whether `member` names a time of creation or change.
fn is_time(member: &str) -> bool {
    member.ends_with("Time") || member.ends_with("Timestamp")
}

/// The upper-case words a state member's document lists (`PENDING`, `AVAILABLE`),
/// in order.
pub fn documented_states(document: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in
        document.split(|c: char| !(c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
    {
        let word = word.trim_matches('_');
        let upper = word.chars().filter(char::is_ascii_uppercase).count();
        if upper >= 3
            && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && !out.iter().any(|w| w == word)
        {
            // Acronyms in prose (`VPC`, `CCN`, `ID`, `IP`) are not states.
            if !matches!(
                word,
                "VPC"
                    | "CCN"
                    | "ENI"
                    | "EIP"
                    | "NAT"
                    | "VPN"
                    | "CVM"
                    | "API"
                    | "HTTP"
                    | "HTTPS"
                    | "TCP"
                    | "UDP"
                    | "ICMP"
                    | "IPV"
                    | "CIDR"
                    | "BGP"
                    | "SSL"
                    | "CDC"
                    | "HAVIP"
                    | "DNAT"
                    | "SNAT"
                    | "ACL"
                    | "UTC"
                    | "GRE"
                    | "IPSEC"
                    | "IKE"
                    | "MD5"
                    | "SHA"
                    | "DES"
                    | "AES"
                    | "CLB"
                    | "GWLB"
                    | "IDC"
            ) {
                out.push(word.to_owned());
            }
        }
    }
    out
}

/// The state a new row of `field` starts in: a settled state its document names, else
/// the first it names, else `AVAILABLE`.
pub fn settled_state(field: &Field) -> String {
    let states = documented_states(&field.document);
    SETTLED_STATES
        .iter()
        .find(|s| states.iter().any(|w| w == *s))
        .map(|s| (*s).to_owned())
        .or_else(|| states.first().cloned())
        .unwrap_or_else(|| "AVAILABLE".to_owned())
}

/// Now, as ISO 8601 (`2020-03-19T19:22:12Z`).
fn iso_now() -> String {
    engine::created_time().replacen(' ', "T", 1) + "Z"
}

/// The default of `field`: its type's empty value, now for a time, a settled state for
/// a state.
pub fn default_of(field: &Field, depth: usize) -> Value {
    match &field.ty {
        Type::String if is_time(&field.wire_name) => Value::from(engine::created_time()),
        Type::String if is_state(&field.wire_name) => Value::from(settled_state(field)),
        other => default_of_type(other, depth),
    }
}

/// The empty value of a type.
pub fn default_of_type(ty: &Type, depth: usize) -> Value {
    match ty {
        Type::String => Value::from(""),
        Type::DateTime => Value::from(engine::created_time()),
        Type::DateTimeIso => Value::from(iso_now()),
        Type::Date => Value::from(engine::created_time().chars().take(10).collect::<String>()),
        Type::Int64 | Type::UInt64 => Value::from(0),
        Type::Float => Value::from(0.0),
        Type::Bool => Value::Bool(false),
        Type::List(_) => Value::Array(Vec::new()),
        Type::Object(name, _) => {
            let mut map = Map::new();
            if depth < MAX_DEPTH
                && let Some(object) = service().and_then(|s| s.object(name))
            {
                for field in &object.fields {
                    map.insert(field.wire_name.clone(), default_of(field, depth + 1));
                }
            }
            Value::Object(map)
        }
    }
}

/// `value` as `ty` declares it, or `None` when it cannot be (a list for a scalar).
/// Scalars convert between text, numbers and booleans as the client's decoding rule
/// does; objects keep the members their type declares.
pub fn coerce(value: &Value, ty: &Type) -> Option<Value> {
    match (ty, value) {
        (_, Value::Null) => None,
        (Type::String | Type::DateTime | Type::DateTimeIso | Type::Date, Value::String(_)) => {
            Some(value.clone())
        }
        (Type::String | Type::DateTime | Type::DateTimeIso | Type::Date, Value::Number(n)) => {
            Some(Value::from(n.to_string()))
        }
        (Type::String | Type::DateTime | Type::DateTimeIso | Type::Date, Value::Bool(b)) => {
            Some(Value::from(b.to_string()))
        }
        (Type::Int64, Value::Number(n)) if n.is_i64() => Some(value.clone()),
        (Type::UInt64, Value::Number(n)) if n.is_u64() => Some(value.clone()),
        (Type::Int64, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (Type::UInt64, Value::String(s)) => s.trim().parse::<u64>().ok().map(Value::from),
        (Type::Int64 | Type::UInt64, Value::Bool(b)) => Some(Value::from(u8::from(*b))),
        (Type::Float, Value::Number(_)) => Some(value.clone()),
        (Type::Float, Value::String(s)) => s.trim().parse::<f64>().ok().map(Value::from),
        (Type::Bool, Value::Bool(_)) => Some(value.clone()),
        (Type::Bool, Value::String(s)) => match s.trim() {
            "true" | "TRUE" | "True" | "1" => Some(Value::Bool(true)),
            "false" | "FALSE" | "False" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        (Type::Bool, Value::Number(n)) => Some(Value::Bool(n.as_f64().is_some_and(|n| n != 0.0))),
        (Type::List(inner), Value::Array(items)) => Some(Value::Array(
            items
                .iter()
                .filter_map(|item| coerce(item, inner))
                .collect(),
        )),
        (Type::Object(name, _), Value::Object(map)) => {
            let object = service()?.object(name)?;
            let mut out = Map::new();
            for field in &object.fields {
                if let Some(v) = map.get(&field.wire_name).and_then(|v| coerce(v, &field.ty)) {
                    out.insert(field.wire_name.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        _ => None,
    }
}

/// Completes `answer` so that it carries every member `fields` declare, at every depth
/// down to [`MAX_DEPTH`]: a missing member gets its default, a member of the wrong JSON
/// type is coerced or replaced by its default, and the objects inside (list items too)
/// are completed alike. `RequestId` is the server's.
pub fn complete(answer: &mut Map<String, Value>, fields: &[Field]) {
    complete_fields(answer, fields, 0);
}

fn complete_fields(map: &mut Map<String, Value>, fields: &[Field], depth: usize) {
    for field in fields {
        if field.is_request_id() {
            continue;
        }
        match map.get_mut(&field.wire_name) {
            None | Some(Value::Null) => {
                map.insert(field.wire_name.clone(), default_of(field, depth));
            }
            Some(value) => complete_value(value, &field.ty, depth),
        }
    }
}

fn complete_value(value: &mut Value, ty: &Type, depth: usize) {
    if depth >= MAX_DEPTH {
        return;
    }
    match (ty, &mut *value) {
        (Type::List(inner), Value::Array(items)) => {
            for item in items {
                complete_value(item, inner, depth);
            }
        }
        (Type::Object(name, _), Value::Object(map)) => {
            if let Some(object) = service().and_then(|s| s.object(name)) {
                complete_fields(map, &object.fields, depth + 1);
            }
        }
        _ => {
            if !fits(value, ty) {
                *value = coerce(value, ty).unwrap_or_else(|| default_of_type(ty, depth));
            }
        }
    }
}

/// Whether `value`'s JSON type is the one `ty` declares.
pub fn fits(value: &Value, ty: &Type) -> bool {
    match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => value.is_string(),
        Type::Int64 => value.is_i64() || value.is_u64(),
        Type::UInt64 => value.is_u64(),
        Type::Float => value.is_number(),
        Type::Bool => value.is_boolean(),
        Type::List(_) => value.is_array(),
        Type::Object(..) => value.is_object(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_read_from_documents() {
        assert_eq!(
            documented_states(
                "State of the gateway: PENDING: creating; AVAILABLE: running; DELETING"
            ),
            ["PENDING", "AVAILABLE", "DELETING"]
        );
        assert_eq!(
            documented_states("The VPC ID of the CCN"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn values_are_coerced_to_declared_types() {
        assert_eq!(
            coerce(&Value::from("12"), &Type::UInt64),
            Some(Value::from(12))
        );
        assert_eq!(
            coerce(&Value::from("true"), &Type::Bool),
            Some(Value::Bool(true))
        );
        assert_eq!(
            coerce(&Value::from(5), &Type::String),
            Some(Value::from("5"))
        );
        assert_eq!(coerce(&Value::from("x"), &Type::Int64), None);
        assert_eq!(coerce(&Value::Array(vec![]), &Type::String), None);
    }
}
