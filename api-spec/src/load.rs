//! Load (text -> model), validate (collect every problem) and lower (model -> IR).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::error::{Diagnostic, SpecError};
use crate::ir;
use crate::locate::{SourceMap, pointer_of, serde_json_position};
use crate::model;
use crate::names;
use crate::paging;

/// Reads, checks and lowers the spec file at `path`. The file is named in diagnostics
/// as `path` displays.
pub fn load_file(path: &Path) -> Result<ir::Service, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    load_str(&text, &path.display().to_string())
}

/// Checks and lowers spec text; `file` names it in diagnostics.
pub fn load_str(text: &str, file: &str) -> Result<ir::Service, SpecError> {
    let mut cx = Context::new(text, file);
    let spec = parse(&mut cx, text);
    let service = spec.and_then(|spec| lower(&mut cx, &spec));
    match (service, cx.diagnostics.is_empty()) {
        (Some(service), true) => Ok(service),
        _ => Err(SpecError::Invalid(cx.finish())),
    }
}

/// Collects diagnostics, serde_derive's `Ctxt` style: every check reports and goes on.
struct Context<'a> {
    file: &'a str,
    map: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    fn new(text: &str, file: &'a str) -> Self {
        Self {
            file,
            map: SourceMap::scan(text),
            diagnostics: Vec::new(),
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            position: self.map.position(pointer),
            message: message.into(),
        });
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        self.diagnostics
            .sort_by(|a, b| (a.position, &a.pointer).cmp(&(b.position, &b.pointer)));
        self.diagnostics.dedup();
        self.diagnostics
    }
}

fn ptr(parent: &str, token: &str) -> String {
    crate::locate::child(parent, token)
}

// ---------------------------------------------------------------------------------------
// Load: JSON text -> model, reporting every structural problem it can find at once.

fn parse(cx: &mut Context<'_>, text: &str) -> Option<model::Spec> {
    let mut value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            let (position, message) = serde_json_position(text, &err);
            cx.diagnostics.push(Diagnostic {
                file: cx.file.to_owned(),
                pointer: String::new(),
                position,
                message: format!("malformed JSON: {message}"),
            });
            return None;
        }
    };

    for (pointer, position) in std::mem::take(&mut cx.map.duplicates) {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", &pointer));
        let what = match parent {
            "/actions" => "action",
            "/objects" => "object",
            _ => "key",
        };
        cx.diagnostics.push(Diagnostic {
            file: cx.file.to_owned(),
            pointer: pointer.clone(),
            position,
            message: format!(
                "duplicate {what} `{}`: JSON keeps only the last one",
                key.replace("~1", "/").replace("~0", "~")
            ),
        });
    }

    // Deserialize actions and objects one by one, so one broken entry does not hide the
    // problems of the others; drop the broken ones before the whole document is read.
    let mut structural_ok = true;
    for section in ["actions", "objects", "waiters"] {
        let Some(Value::Object(entries)) = value.get_mut(section) else {
            continue;
        };
        let mut broken = Vec::new();
        for (name, entry) in entries.iter() {
            let base = ptr(&format!("/{section}"), name);
            let result = match section {
                "actions" => deserialize::<model::Action>(entry).map(drop),
                "objects" => deserialize::<model::Object>(entry).map(drop),
                _ => deserialize::<model::Waiter>(entry).map(drop),
            };
            if let Err((path, message)) = result {
                cx.error(&format!("{base}{path}"), message);
                broken.push(name.clone());
            }
        }
        structural_ok &= broken.is_empty();
        for name in broken {
            entries.remove(&name);
        }
    }
    match deserialize::<model::Spec>(&value) {
        Ok(spec) if structural_ok => Some(spec),
        Ok(_) => None,
        Err((path, message)) => {
            cx.error(&path, message);
            None
        }
    }
}

/// Deserializes with the failing path as a JSON pointer.
fn deserialize<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let pointer = pointer_of(err.path());
        (pointer, err.into_inner().to_string())
    })
}

// ---------------------------------------------------------------------------------------
// Validate and lower: model -> IR, reporting every semantic problem.

/// Type names the generator emits besides the per-action ones.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Error", "Result", "CommonError", "Service"];
/// Methods the runtime `Client` has; an action method may not shadow them.
const RESERVED_METHODS: &[&str] = &[
    "builder", "call", "config", "clone", "new", "pages", "signer",
];

fn lower(cx: &mut Context<'_>, spec: &model::Spec) -> Option<ir::Service> {
    check_header(cx, spec);
    let variants = service_variants(spec);
    let common_errors = lower_errors(cx, "/common_errors", &spec.common_errors, &variants);

    // Type names: the three types of every action are fixed by its name (a clash among
    // them is an error); objects take their PascalCase name unless that is reserved or
    // taken, and are then told apart (see `object_rust_names`).
    let mut type_names: HashMap<String, String> = HashMap::new();
    let mut claim_type = |cx: &mut Context<'_>, name: String, pointer: &str, owner: String| {
        if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
            cx.error(
                pointer,
                format!("{owner} would generate type `{name}`, which the generator reserves"),
            );
        } else if let Some(other) = type_names.get(&name) {
            cx.error(
                pointer,
                format!("{owner} would generate type `{name}`, which {other} also generates"),
            );
        } else {
            type_names.insert(name, owner);
        }
    };
    for name in spec.actions.keys() {
        if valid_action_name(name) {
            for suffix in ["Request", "Response", "Error"] {
                claim_type(
                    cx,
                    format!("{name}{suffix}"),
                    &ptr("/actions", name),
                    format!("action `{name}`"),
                );
            }
        }
    }
    let object_names = object_rust_names(spec, &type_names);
    let object_modules = disambiguated(
        object_names
            .iter()
            .map(|(name, rust)| (name.as_str(), names::module_name(rust))),
        "_",
        &[],
    );

    let mut objects = Vec::new();
    for (name, object) in &spec.objects {
        let pointer = ptr("/objects", name);
        if !names::is_identifier(name) {
            cx.error(
                &pointer,
                format!("object name `{name}` is not an identifier"),
            );
            continue;
        }
        let fields = lower_members(
            cx,
            &object_names,
            &ptr(&pointer, "members"),
            &object.members,
        );
        objects.push(ir::Object {
            name: name.clone(),
            rust_name: object_names[name].clone(),
            module: object_modules[name.as_str()].clone(),
            document: object.document.clone(),
            fields,
        });
    }
    check_object_cycles(cx, spec);

    let valid_actions: Vec<&String> = spec
        .actions
        .keys()
        .filter(|name| valid_action_name(name))
        .collect();
    let reserved_methods: Vec<String> = RESERVED_METHODS.iter().map(|m| (*m).to_owned()).collect();
    let methods = disambiguated(
        valid_actions.iter().map(|name| {
            let snake = names::words(name).join("_");
            let base = if reserved_methods.contains(&snake) {
                format!("{snake}_action")
            } else {
                snake
            };
            (name.as_str(), base)
        }),
        "_",
        &reserved_methods,
    );
    let modules = disambiguated(
        valid_actions
            .iter()
            .map(|name| (name.as_str(), names::module_name(name))),
        "_",
        &[],
    );

    let mut actions = Vec::new();
    for (name, action) in &spec.actions {
        let pointer = ptr("/actions", name);
        if !valid_action_name(name) {
            cx.error(
                &pointer,
                format!("action name `{name}` is not a PascalCase identifier"),
            );
            continue;
        }
        if action.rate_limit == Some(0) {
            cx.error(
                &ptr(&pointer, "rate_limit"),
                "rate limit must be at least 1 request per second",
            );
        }
        let input = lower_members(cx, &object_names, &ptr(&pointer, "input"), &action.input);
        let mut output = lower_members(cx, &object_names, &ptr(&pointer, "output"), &action.output);
        match output.iter_mut().find(|field| field.is_request_id()) {
            // Every answer carries a RequestId, whatever the member's flags say.
            Some(request_id) => {
                request_id.required = true;
                request_id.nullable = false;
            }
            None => cx.error(
                &ptr(&pointer, "output"),
                format!("output of `{name}` must declare `RequestId` of type string"),
            ),
        }
        let errors = lower_errors(cx, &ptr(&pointer, "errors"), &action.errors, &variants);
        let examples = lower_examples(cx, &ptr(&pointer, "examples"), &action.examples);
        let pagination = match paging::shape(action.pagination.as_ref(), &input, &output) {
            Ok(shape) => shape.map(|shape| {
                let method = pages_method(&methods[name.as_str()], &methods, &reserved_methods);
                ir::Pagination {
                    method: names::escape_keyword(&method),
                    offset: shape.offset,
                    limit: shape.limit,
                    items: shape.items,
                    item: shape.item,
                    count: shape.count,
                    max_limit: shape.max_limit,
                }
            }),
            Err(problem) => {
                let mut at = ptr(&pointer, "pagination");
                if let Some(key) = problem.key {
                    at = ptr(&at, key);
                }
                cx.error(&at, problem.message);
                None
            }
        };
        actions.push(ir::Action {
            name: name.clone(),
            method: names::escape_keyword(&methods[name.as_str()]),
            module: modules[name.as_str()].clone(),
            document: action.document.clone(),
            title: action.title.clone(),
            deprecated: action.status == Some(model::Status::Deprecated),
            china_only: action.china_only,
            intl_only: action.intl_only,
            offline: action.status == Some(model::Status::Offline),
            rate_limit: action.rate_limit,
            retry_safe: action.retry_safe,
            skip_sign: action.skip_sign,
            input,
            output,
            errors,
            examples,
            pagination,
            task: crate::tasks::task_poll(name, action, |other| spec.actions.contains_key(other)),
        });
    }
    if spec.actions.is_empty() {
        cx.error("/actions", "the spec declares no action");
    }
    let waiters = lower_waiters(cx, spec, &actions, &objects, &common_errors);

    Some(ir::Service {
        name: spec.service.clone(),
        version: spec.version.clone(),
        title: spec.title.clone(),
        brief: spec.brief.clone(),
        default_host: spec.endpoints.default.clone(),
        alternative_hosts: spec
            .endpoints
            .alternatives
            .iter()
            .map(|(name, host)| (name.clone(), host.clone()))
            .collect(),
        regional_host: spec.endpoints.regional.clone(),
        common_errors,
        actions,
        objects,
        waiters,
    })
}

/// Checks the `waiters` section against the actions and objects, and lowers it.
fn lower_waiters(
    cx: &mut Context<'_>,
    spec: &model::Spec,
    actions: &[ir::Action],
    objects: &[ir::Object],
    common: &[ir::ErrorCase],
) -> Vec<ir::Waiter> {
    let taken: HashSet<String> = actions
        .iter()
        .map(|a| a.method.clone())
        .chain(
            actions
                .iter()
                .filter_map(|a| a.pagination.as_ref().map(|p| p.method.clone())),
        )
        .chain(RESERVED_METHODS.iter().map(|m| (*m).to_owned()))
        .collect();
    let mut out = Vec::new();
    for (resource, waiter) in &spec.waiters {
        let at = ptr("/waiters", resource);
        if let Some(waiter) = lower_waiter(cx, &at, resource, waiter, actions, objects, common) {
            for method in std::iter::once(&waiter.available_method).chain(&waiter.deleted_method) {
                if taken.contains(method) {
                    cx.error(
                        &at,
                        format!("waiter `{resource}` would generate method `{method}`, which an action or the client already has"),
                    );
                }
            }
            out.push(waiter);
        }
    }
    out
}

fn lower_waiter(
    cx: &mut Context<'_>,
    at: &str,
    resource: &str,
    waiter: &model::Waiter,
    actions: &[ir::Action],
    objects: &[ir::Object],
    common: &[ir::ErrorCase],
) -> Option<ir::Waiter> {
    let before = cx.diagnostics.len();
    if !valid_action_name(resource) {
        cx.error(
            at,
            format!("waiter name `{resource}` is not a PascalCase resource name"),
        );
    }
    let Some(action) = actions.iter().find(|a| a.name == waiter.describe) else {
        cx.error(
            &ptr(at, "describe"),
            format!("unknown action `{}`", waiter.describe),
        );
        return None;
    };
    let describe = &action.name;
    let string_list = ir::Type::List(Box::new(ir::Type::String));
    let ids = match action.input.iter().find(|f| f.wire_name == waiter.ids) {
        Some(field) if field.ty == string_list => Some(field.rust_name.clone()),
        Some(_) => {
            cx.error(
                &ptr(at, "ids"),
                format!("`{describe}` member `{}` is not a list of text", waiter.ids),
            );
            None
        }
        None => {
            cx.error(
                &ptr(at, "ids"),
                format!("`{describe}` has no input member `{}`", waiter.ids),
            );
            None
        }
    };
    for field in action
        .input
        .iter()
        .filter(|f| f.required && f.wire_name != waiter.ids)
    {
        cx.error(
            &ptr(at, "describe"),
            format!(
                "`{describe}` requires `{}`, which a waiter cannot fill",
                field.wire_name
            ),
        );
    }
    let object_list = |field: &&ir::Field| matches!(&field.ty, ir::Type::List(inner) if matches!(**inner, ir::Type::Object(..)));
    let items = match &waiter.items {
        Some(name) => match action.output.iter().find(|f| &f.wire_name == name) {
            Some(field) if object_list(&field) => Some(field),
            Some(_) => {
                cx.error(
                    &ptr(at, "items"),
                    format!("`{describe}` output `{name}` is not a list of objects"),
                );
                None
            }
            None => {
                cx.error(
                    &ptr(at, "items"),
                    format!("`{describe}` has no output member `{name}`"),
                );
                None
            }
        },
        None => {
            let lists: Vec<&ir::Field> = action.output.iter().filter(object_list).collect();
            if let [only] = lists[..] {
                Some(only)
            } else {
                cx.error(
                    at,
                    format!(
                        "`{describe}` answers {} lists of objects: name one as `items`",
                        lists.len()
                    ),
                );
                None
            }
        }
    };
    let item = items.and_then(|field| match &field.ty {
        ir::Type::List(inner) => match &**inner {
            ir::Type::Object(name, _) => objects.iter().find(|o| &o.name == name),
            _ => None,
        },
        _ => None,
    });
    let path = |cx: &mut Context<'_>, key: &str, wire: &str| -> Option<ir::WaiterPath> {
        let mut object = item?;
        let mut steps = Vec::new();
        let parts: Vec<&str> = wire.split('.').collect();
        for (index, part) in parts.iter().enumerate() {
            let Some(field) = object.fields.iter().find(|f| f.wire_name == *part) else {
                cx.error(
                    &ptr(at, key),
                    format!("`{}` has no member `{part}`", object.name),
                );
                return None;
            };
            steps.push((field.rust_name.clone(), field.is_optional()));
            let last = index + 1 == parts.len();
            match (&field.ty, last) {
                (ir::Type::String, true) => {}
                (ir::Type::Object(name, _), false) => {
                    object = objects.iter().find(|o| &o.name == name)?;
                }
                _ => {
                    cx.error(
                        &ptr(at, key),
                        format!(
                            "`{}` member `{part}` is not {}",
                            object.name,
                            if last { "text" } else { "an object" }
                        ),
                    );
                    return None;
                }
            }
        }
        Some(ir::WaiterPath { steps })
    };
    let id = path(cx, "id", &waiter.id);
    let state = path(cx, "state", &waiter.state);
    if waiter.success.is_empty() {
        cx.error(
            &ptr(at, "success"),
            "a waiter needs at least one success state",
        );
    }
    for (index, state) in waiter.failure.iter().enumerate() {
        if waiter.success.contains(state) {
            cx.error(
                &ptr(&ptr(at, "failure"), &index.to_string()),
                format!("state `{state}` is both a success and a failure"),
            );
        }
    }
    for (index, code) in waiter.not_found.iter().enumerate() {
        let known = action
            .errors
            .iter()
            .chain(common)
            .any(|case| &case.code == code);
        if !known {
            cx.error(
                &ptr(&ptr(at, "not_found"), &index.to_string()),
                format!("`{describe}` does not document error code `{code}`"),
            );
        }
    }
    if cx.diagnostics.len() != before {
        return None;
    }
    let snake = names::words(resource).join("_");
    Some(ir::Waiter {
        resource: resource.to_owned(),
        describe: describe.clone(),
        available_method: format!("wait_until_{snake}_available"),
        deleted_method: waiter.gone.then(|| format!("wait_until_{snake}_deleted")),
        ids: ids?,
        items: items?.rust_name.clone(),
        items_optional: items?.is_optional(),
        id: id?,
        state: state?,
        state_wire: waiter.state.clone(),
        success: waiter.success.clone(),
        failure: waiter.failure.clone(),
        not_found: waiter.not_found.clone(),
    })
}

/// The paging method of the action whose method is `method`: `<method>_pages`, numbered
/// (`_pages_2`, ...) in the rare spec where that is another action's method.
fn pages_method(method: &str, methods: &HashMap<&str, String>, reserved: &[String]) -> String {
    let taken = |candidate: &str| {
        methods.values().any(|other| other == candidate) || reserved.iter().any(|r| r == candidate)
    };
    let base = format!("{method}_pages");
    let mut candidate = base.clone();
    let mut number = 2;
    while taken(&candidate) {
        candidate = format!("{base}_{number}");
        number += 1;
    }
    candidate
}

fn valid_action_name(name: &str) -> bool {
    names::is_identifier(name) && name.starts_with(|c: char| c.is_ascii_uppercase())
}

/// [`names::disambiguate`] over `(key, base)` pairs, as a map from key to name.
fn disambiguated<'a>(
    items: impl Iterator<Item = (&'a str, String)>,
    sep: &str,
    taken: &[String],
) -> HashMap<&'a str, String> {
    let items: Vec<(&'a str, String)> = items.collect();
    let resolved = names::disambiguate(&items, sep, taken);
    items
        .into_iter()
        .map(|(key, _)| key)
        .zip(resolved)
        .collect()
}

/// The Rust type name of every object with a valid name: its PascalCase name, with
/// `Object` appended where that is reserved or an action's type (`Error`, `Result`,
/// `FooRequest` when action `Foo` exists), then numbered apart where two objects still
/// meet (see [`names::disambiguate`]).
fn object_rust_names(
    spec: &model::Spec,
    action_types: &HashMap<String, String>,
) -> HashMap<String, String> {
    let taken: Vec<String> = RESERVED_TYPE_NAMES
        .iter()
        .map(|name| (*name).to_owned())
        .chain(action_types.keys().cloned())
        .collect();
    let bases: Vec<(&str, String)> = spec
        .objects
        .keys()
        .filter(|name| names::is_identifier(name))
        .map(|name| {
            let pascal = names::pascal_case(name);
            let base = if taken.contains(&pascal) {
                format!("{pascal}Object")
            } else {
                pascal
            };
            (name.as_str(), base)
        })
        .collect();
    let resolved = names::disambiguate(&bases, "", &taken);
    bases
        .into_iter()
        .map(|(name, _)| name.to_owned())
        .zip(resolved)
        .collect()
}

/// The variant of every error code in the spec, decided once for the whole service.
fn service_variants(spec: &model::Spec) -> std::collections::BTreeMap<&str, String> {
    let codes = spec
        .common_errors
        .iter()
        .chain(spec.actions.values().flat_map(|action| &action.errors))
        .map(|error| error.code.as_str())
        .filter(|code| names::is_error_code(code));
    names::error_variants(codes)
}

fn check_header(cx: &mut Context<'_>, spec: &model::Spec) {
    let service = &spec.service;
    if service.is_empty()
        || !service
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        cx.error(
            "/service",
            format!("service `{service}` must be lowercase letters and digits"),
        );
    }
    let version = spec.version.as_bytes();
    let date_shaped = version.len() == 10
        && version.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !date_shaped {
        cx.error(
            "/version",
            format!("version `{}` must look like YYYY-MM-DD", spec.version),
        );
    }
    let check_host = |cx: &mut Context<'_>, pointer: &str, host: &str| {
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '{' | '}' | ':'));
        if !ok {
            cx.error(
                pointer,
                format!("host `{host}` must be a bare host name (no scheme, no path)"),
            );
        }
    };
    check_host(cx, "/endpoints/default", &spec.endpoints.default);
    for (name, host) in &spec.endpoints.alternatives {
        check_host(cx, &ptr("/endpoints/alternatives", name), host);
    }
    if let Some(regional) = &spec.endpoints.regional {
        check_host(cx, "/endpoints/regional", regional);
        if !regional.contains("{region}") {
            cx.error(
                "/endpoints/regional",
                format!("regional host `{regional}` must contain `{{region}}`"),
            );
        }
    }
}

fn lower_members(
    cx: &mut Context<'_>,
    object_names: &HashMap<String, String>,
    pointer: &str,
    members: &[model::Member],
) -> Vec<ir::Field> {
    let mut wire_names: HashSet<&str> = HashSet::new();
    let mut valid: Vec<(&model::Member, ir::Type)> = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let name = &member.name;
        if !names::is_identifier(name) {
            cx.error(
                &ptr(&at, "name"),
                format!("member name `{name}` is not an identifier"),
            );
            continue;
        }
        if !wire_names.insert(name) {
            cx.error(&ptr(&at, "name"), format!("duplicate member `{name}`"));
            continue;
        }
        let Some(ty) = lower_type(cx, object_names, &at, member) else {
            continue;
        };
        valid.push((member, ty));
    }
    // Members whose snake_case names meet (`InstanceId`, `InstanceID`) are told apart
    // by numbering, in the order of their wire names.
    let bases: Vec<(&str, String)> = valid
        .iter()
        .map(|(member, _)| (member.name.as_str(), names::words(&member.name).join("_")))
        .collect();
    let rust_names = names::disambiguate(&bases, "_", &[]);
    valid
        .into_iter()
        .zip(rust_names)
        .map(|((member, ty), rust_name)| ir::Field {
            wire_name: member.name.clone(),
            rust_name: names::escape_keyword(&rust_name),
            ty,
            required: member.required,
            output_required: member.output_required,
            nullable: member.value_allowed_null,
            deprecated: member.deprecated,
            china_only: member.china_only,
            intl_only: member.intl_only,
            disabled: member.disabled,
            sensitive: member.sensitive,
            document: member.document.clone(),
            example: member.example.clone(),
        })
        .collect()
}

fn scalar(name: &str) -> Option<ir::Type> {
    Some(match name {
        "string" => ir::Type::String,
        "int64" => ir::Type::Int64,
        "uint64" => ir::Type::UInt64,
        "float" => ir::Type::Float,
        "bool" => ir::Type::Bool,
        "datetime" => ir::Type::DateTime,
        "datetime_iso" => ir::Type::DateTimeIso,
        "date" => ir::Type::Date,
        _ => return None,
    })
}

fn lower_type(
    cx: &mut Context<'_>,
    object_names: &HashMap<String, String>,
    at: &str,
    member: &model::Member,
) -> Option<ir::Type> {
    let element = &member.member;
    let object_ref = |cx: &mut Context<'_>| {
        if let Some(rust_name) = object_names.get(element) {
            Some(ir::Type::Object(element.clone(), rust_name.clone()))
        } else {
            cx.error(&ptr(at, "member"), format!("unknown object `{element}`"));
            None
        }
    };
    let scalar_of = |cx: &mut Context<'_>, allowed: &[&str]| {
        if allowed.contains(&element.as_str()) {
            scalar(element)
        } else {
            cx.error(
                &ptr(at, "member"),
                format!(
                    "type `{}` needs member {}, not `{element}`",
                    member.kind,
                    allowed.join(" or ")
                ),
            );
            None
        }
    };
    match member.kind.as_str() {
        "string" => scalar_of(cx, &["string", "datetime", "datetime_iso", "date"]),
        "int" => scalar_of(cx, &["int64", "uint64"]),
        "float" => scalar_of(cx, &["float"]),
        "bool" => scalar_of(cx, &["bool"]),
        "object" => object_ref(cx),
        "list" => match scalar(element) {
            Some(inner) => Some(ir::Type::List(Box::new(inner))),
            None => object_ref(cx).map(|inner| ir::Type::List(Box::new(inner))),
        },
        other => {
            cx.error(
                &ptr(at, "type"),
                format!(
                    "unknown type `{other}` (expected string, int, float, bool, list or object)"
                ),
            );
            None
        }
    }
}

fn lower_errors(
    cx: &mut Context<'_>,
    pointer: &str,
    errors: &[model::ErrorCode],
    service_variants: &std::collections::BTreeMap<&str, String>,
) -> Vec<ir::ErrorCase> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut cases = Vec::new();
    for (index, error) in errors.iter().enumerate() {
        let at = format!("{pointer}/{index}/code");
        let code = &error.code;
        if !names::is_error_code(code) {
            cx.error(&at, format!("ill-formed error code `{code}` (expected dotted PascalCase like `UnsupportedOperation.InvalidState`)"));
            continue;
        }
        if !seen.insert(code) {
            cx.error(&at, format!("duplicate error code `{code}`"));
            continue;
        }
        // Every well-formed code of the spec has its variant, distinct from every other
        // code's and from the reserved ones (see `names::error_variants`).
        let variant = service_variants
            .get(code.as_str())
            .cloned()
            .unwrap_or_else(|| names::error_variant(code));
        cases.push(ir::ErrorCase {
            code: code.clone(),
            variant,
            description: error.description.clone(),
        });
    }
    cases
}

fn lower_examples(
    cx: &mut Context<'_>,
    pointer: &str,
    examples: &[model::Example],
) -> Vec<ir::Example> {
    let mut out = Vec::new();
    for (index, example) in examples.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let input_ok = example.input.is_object();
        if !input_ok {
            cx.error(&ptr(&at, "input"), "example input must be a JSON object");
        }
        let output_ok = example.output.get("Response").is_some_and(Value::is_object);
        if !output_ok {
            cx.error(
                &ptr(&at, "output"),
                "example output must be `{\"Response\": {...}}`",
            );
        }
        if !(input_ok && output_ok) {
            continue;
        }
        out.push(ir::Example {
            title: example.title.clone(),
            document: example.document.clone(),
            input: example.input.clone(),
            output: example.output.clone(),
        });
    }
    out
}

/// An object that contains itself through `object` members (not lists) would be a type of
/// infinite size; report the cycle rather than generate code that cannot compile.
fn check_object_cycles(cx: &mut Context<'_>, spec: &model::Spec) {
    let edges: BTreeMap<&str, Vec<&str>> = spec
        .objects
        .iter()
        .map(|(name, object)| {
            let targets = object
                .members
                .iter()
                .filter(|m| m.kind == "object")
                .map(|m| m.member.as_str())
                .collect();
            (name.as_str(), targets)
        })
        .collect();
    for start in edges.keys() {
        let mut stack = vec![(*start, vec![*start])];
        let mut visited = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let cycle = path.join(" -> ");
                    cx.error(
                        &ptr("/objects", start),
                        format!("object `{start}` contains itself ({cycle} -> {start}); use a list member to break the cycle"),
                    );
                    stack.clear();
                    break;
                }
                if visited.insert(*next) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
}
