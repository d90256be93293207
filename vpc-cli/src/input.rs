//! The request body: members from the command line typed as the spec declares them
//! (tccli's rules: a number for an integer, text for text even when it looks like a
//! number, JSON for lists and objects), `--cli-unfold-argument`'s dotted members,
//! `--cli-input-json file://...`, and the check of the whole body against the tables
//! before anything is sent: an unknown member or a wrongly typed value is refused,
//! naming its JSON path.

use serde_json::{Map, Value};

use crate::error::CliError;
use crate::table::{Action, Member, Service, Ty};

/// Builds the body of `action` from the command line's members (and a
/// `--cli-input-json` body, whose members the command line's override), then checks it.
///
/// # Errors
///
/// A usage error naming the member at fault.
pub fn build(
    service: &Service,
    action: &Action,
    members: &[(String, Vec<String>)],
    unfold: bool,
    input_json: Option<Map<String, Value>>,
) -> Result<Map<String, Value>, CliError> {
    let mut body = Map::new();
    if unfold {
        let mut tree = Map::new();
        for (path, values) in members {
            let ty = unfold_type(service, action.input, path)?;
            let value = match ty {
                Ty::List(inner) if !inner.is_json() => Value::Array(
                    values
                        .iter()
                        .map(|text| scalar(*inner, text, path))
                        .collect::<Result<_, _>>()?,
                ),
                _ => {
                    let [text] = values.as_slice() else {
                        return Err(CliError::usage(format!(
                            "argument --{path}: expected one argument"
                        )));
                    };
                    value(ty, text, path)?
                }
            };
            insert_path(&mut tree, path, value)?;
        }
        for (key, value) in tree {
            body.insert(key.clone(), arrays(value, &format!("--{key}"))?);
        }
    } else {
        for (name, values) in members {
            let member = action
                .input
                .iter()
                .find(|m| m.name == name)
                .ok_or_else(|| CliError::usage(format!("unrecognized arguments: --{name}")))?;
            let text = values.first().map(String::as_str).unwrap_or_default();
            body.insert(member.name.to_owned(), value(member.ty, text, name)?);
        }
    }
    if let Some(loaded) = input_json {
        for (key, value) in loaded {
            body.entry(key).or_insert(value);
        }
    }
    check_members(service, action.input, &body, "")?;
    for member in action.input.iter().filter(|m| m.required) {
        if !body.contains_key(member.name) {
            return Err(CliError::usage(format!(
                "the following arguments are required: --{} ({} of {})",
                member.name,
                member.ty.display(),
                action.name
            )));
        }
    }
    Ok(body)
}

/// Reads `--cli-input-json`'s value: `file://<path>` only, as tccli.
///
/// # Errors
///
/// A usage error for another form, an unreadable file (named) or text that is not a
/// JSON object.
pub fn read_input_json(arg: &str) -> Result<Map<String, Value>, CliError> {
    let Some(path) = arg.strip_prefix("file://") else {
        return Err(CliError::usage(
            "--cli-input-json parameter must be followed by a value beginning with 'file://'",
        ));
    };
    let path = expand_home(path);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::usage(format!("unable to load paramfile {path}: {e}")))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(CliError::usage(format!(
            "argument --cli-input-json: {path}: invalid type: expecting a JSON object, received {}",
            kind(&other)
        ))),
        Err(e) => Err(CliError::usage(format!(
            "argument --cli-input-json: {path}: invalid JSON received: {e}"
        ))),
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_owned(),
    }
}

/// One command-line value as the member's type: a scalar coerced, JSON parsed.
fn value(ty: Ty, text: &str, flag: &str) -> Result<Value, CliError> {
    if ty.is_json() {
        serde_json::from_str(text).map_err(|e| {
            CliError::usage(format!(
                "argument --{flag}: invalid JSON: {e}\nJSON received: {text}"
            ))
        })
    } else {
        scalar(ty, text, flag)
    }
}

fn scalar(ty: Ty, text: &str, flag: &str) -> Result<Value, CliError> {
    let bad =
        |what: &str| CliError::usage(format!("argument --{flag}: invalid {what} value: '{text}'"));
    Ok(match ty {
        Ty::Int64 => Value::from(text.trim().parse::<i64>().map_err(|_| bad("int"))?),
        Ty::UInt64 => Value::from(text.trim().parse::<u64>().map_err(|_| bad("int"))?),
        Ty::Float => {
            let number = text.trim().parse::<f64>().map_err(|_| bad("float"))?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| bad("float"))?
        }
        Ty::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Value::Bool(true),
            "false" | "f" | "0" => Value::Bool(false),
            _ => {
                return Err(CliError::usage(format!(
                    "argument --{flag}: Value of Boolean must be true/false, t/f, 1/0"
                )));
            }
        },
        _ => Value::String(text.to_owned()),
    })
}

/// The type at a dotted flag path (`Filters.0.Values`).
fn unfold_type(service: &Service, members: &[Member], path: &str) -> Result<Ty, CliError> {
    let mut segments = path.split('.');
    let head = segments.next().unwrap_or_default();
    let mut ty = members
        .iter()
        .find(|m| m.name == head)
        .map(|m| m.ty)
        .ok_or_else(|| CliError::usage(format!("unrecognized arguments: --{path}")))?;
    for segment in segments {
        ty = match ty {
            Ty::List(inner) if segment.parse::<usize>().is_ok() => *inner,
            Ty::Object(name) => {
                let object = service
                    .object(name)
                    .ok_or_else(|| CliError::usage(format!("unrecognized arguments: --{path}")))?;
                object
                    .members
                    .iter()
                    .find(|m| m.name == segment)
                    .map(|m| m.ty)
                    .ok_or_else(|| {
                        CliError::usage(format!(
                            "unrecognized arguments: --{path} (`{name}` has no member `{segment}`; it has {})",
                            names(object.members)
                        ))
                    })?
            }
            _ => {
                return Err(CliError::usage(format!(
                    "unrecognized arguments: --{path} (`{segment}` goes below a {})",
                    ty.display()
                )));
            }
        };
    }
    Ok(ty)
}

fn insert_path(tree: &mut Map<String, Value>, path: &str, value: Value) -> Result<(), CliError> {
    match path.split_once('.') {
        None => {
            tree.insert(path.to_owned(), value);
            Ok(())
        }
        Some((head, rest)) => {
            let entry = tree
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            match entry {
                Value::Object(map) => insert_path(map, rest, value),
                _ => Err(CliError::usage(format!(
                    "argument --{path}: `{head}` is given both whole and by its parts"
                ))),
            }
        }
    }
}

/// Objects keyed `0`, `1`, ... become lists, as tccli's `handle_array`.
fn arrays(value: Value, parent: &str) -> Result<Value, CliError> {
    let Value::Object(map) = value else {
        return Ok(value);
    };
    if map.keys().any(|k| k.chars().all(|c| c.is_ascii_digit())) {
        let mut items: Vec<(usize, Value)> = Vec::with_capacity(map.len());
        for (key, item) in map {
            let index = key.parse::<usize>().map_err(|_| index_error(parent))?;
            items.push((index, item));
        }
        items.sort_by_key(|(index, _)| *index);
        if items.iter().enumerate().any(|(i, (index, _))| i != *index) {
            return Err(index_error(parent));
        }
        items
            .into_iter()
            .map(|(index, item)| arrays(item, &format!("{parent}.{index}")))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
    } else {
        map.into_iter()
            .map(|(key, item)| {
                let path = format!("{parent}.{key}");
                arrays(item, &path).map(|item| (key, item))
            })
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object)
    }
}

fn index_error(parent: &str) -> CliError {
    CliError::usage(format!(
        "The index of the array parameter: {parent} must start from 0, and the step size is 1"
    ))
}

fn names(members: &[Member]) -> String {
    members
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks that every key of `body` is one of `members`, with a value of its type.
///
/// # Errors
///
/// A usage error naming the JSON path of the first member at fault.
pub fn check_members(
    service: &Service,
    members: &[Member],
    body: &Map<String, Value>,
    path: &str,
) -> Result<(), CliError> {
    for (key, value) in body {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(member) = members.iter().find(|m| m.name == key) else {
            return Err(CliError::usage(format!(
                "unknown member `{here}` (expected one of: {})",
                names(members)
            )));
        };
        check_value(service, member.ty, value, &here)?;
    }
    Ok(())
}

fn check_value(service: &Service, ty: Ty, value: &Value, path: &str) -> Result<(), CliError> {
    let ok = match (ty, value) {
        (_, Value::Null) => true,
        (Ty::String | Ty::DateTime | Ty::DateTimeIso | Ty::Date, Value::String(_)) => true,
        (Ty::Int64, Value::Number(n)) => n.is_i64(),
        (Ty::UInt64, Value::Number(n)) => n.is_u64(),
        (Ty::Float, Value::Number(_)) => true,
        (Ty::Bool, Value::Bool(_)) => true,
        (Ty::List(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                check_value(service, *inner, item, &format!("{path}[{index}]"))?;
            }
            true
        }
        (Ty::Object(name), Value::Object(map)) => {
            if let Some(object) = service.object(name) {
                check_members(service, object.members, map, path)?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "member `{path}`: expected {}, got {}",
            ty.display(),
            kind(value)
        )))
    }
}

/// tccli's `--generate-cli-skeleton`: every member with its type's placeholder, objects
/// expanded, a list as one element; an object met again inside itself is a placeholder
/// text, as tccli's safe variant prints.
pub fn skeleton(service: &Service, members: &[Member]) -> Value {
    skeleton_in(service, members, &mut Vec::new())
}

fn skeleton_in(service: &Service, members: &[Member], seen: &mut Vec<&'static str>) -> Value {
    let mut map = Map::new();
    for member in members {
        map.insert(
            member.name.to_owned(),
            skeleton_of(service, member.name, member.ty, seen),
        );
    }
    Value::Object(map)
}

fn skeleton_of(service: &Service, name: &str, ty: Ty, seen: &mut Vec<&'static str>) -> Value {
    match ty {
        Ty::List(inner) => Value::Array(vec![skeleton_of(service, name, *inner, seen)]),
        Ty::Object(object_name) => {
            if seen.contains(&object_name) {
                return Value::String(format!(
                    "<recursive: fill '{name}' with a JSON object of type {object_name} (self-referenced)>"
                ));
            }
            match service.object(object_name) {
                Some(object) => {
                    seen.push(object_name);
                    let value = skeleton_in(service, object.members, seen);
                    seen.pop();
                    value
                }
                None => Value::String("Object".to_owned()),
            }
        }
        scalar => Value::String(scalar.skeleton().to_owned()),
    }
}
