//! The check of a request body against an action's declared input: the one place its
//! rules live, used by the importer (on converted example requests) and by the local
//! endpoint (on every request it serves).
//!
//! A request is checked against [`Param`]s, a resolved tree of JSON shapes. It is built
//! from the spec's model ([`model_params`], what the importer has while it writes a spec)
//! or from the IR ([`ir_params`], what a loaded spec gives), and the local endpoint also
//! builds it by hand for actions no spec declares. Object types are expanded
//! [`MAX_OBJECT_DEPTH`] levels deep and never through a cycle; there, and for a type the
//! spec format does not know or an object it does not declare, any value but `null`
//! passes ([`Shape::Any`]).
//!
//! The rules, in the order problems are found: in each object, first every `required`
//! member that is missing (in declaration order), then every member that is not declared
//! (in the body's order), then the value of each present member (in declaration order,
//! recursing into objects and lists). `null` never passes. An integer is a JSON number
//! without fraction or exponent that fits `i64` or `u64`; a float is any JSON number;
//! dates and times are strings. Each [`Problem`] names its JSON path and kind; the
//! caller words its own message (the endpoint answers `MissingParameter`,
//! `UnknownParameter` and `InvalidParameter`).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use crate::{ir, model};

/// How deep object types are expanded into [`Shape::Object`]; below this depth, and
/// wherever an object contains itself (directly or through others), a member is
/// [`Shape::Any`].
pub const MAX_OBJECT_DEPTH: usize = 8;

/// One declared member: its wire name, whether it is required and its JSON shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The wire name (`VpnGatewayId`).
    pub name: String,
    /// Whether the member must be present.
    pub required: bool,
    /// The JSON shape its value must have.
    pub kind: Shape,
}

impl Param {
    /// A required member.
    pub fn required(name: impl Into<String>, kind: Shape) -> Self {
        Self {
            name: name.into(),
            required: true,
            kind,
        }
    }

    /// An optional member.
    pub fn optional(name: impl Into<String>, kind: Shape) -> Self {
        Self {
            name: name.into(),
            required: false,
            kind,
        }
    }
}

/// The JSON shape a value must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A JSON string (also dates and times, which travel as strings).
    String,
    /// A JSON number without fraction or exponent that fits `i64` or `u64`.
    Integer,
    /// Any JSON number.
    Float,
    /// `true` or `false`.
    Bool,
    /// A JSON array whose elements all have the given shape.
    List(Box<Shape>),
    /// A JSON object with the given members (undeclared members are rejected).
    Object(Vec<Param>),
    /// Any JSON value except `null`, for members whose shape is not described.
    Any,
}

impl Shape {
    /// A list of the given element shape.
    pub fn list(element: Shape) -> Self {
        Self::List(Box::new(element))
    }

    /// What a value of this shape is, for messages (`an integer`).
    pub fn expected(&self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Float => "a number",
            Self::Bool => "a boolean",
            Self::List(_) => "an array",
            Self::Object(_) => "an object",
            Self::Any => "a value",
        }
    }
}

/// The JSON shape a member of the spec declares, object types not yet expanded.
///
/// The importer walks it to coerce example values to their declared types (without the
/// depth limit of [`Param`]s: it changes values, it does not judge them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared<'a> {
    /// A text type (`string`, `datetime`, `datetime_iso`, `date`).
    String,
    /// `int64` or `uint64`.
    Integer,
    /// `float`.
    Float,
    /// `bool`.
    Bool,
    /// A list of the given element type.
    List(Box<Declared<'a>>),
    /// The object type of this name.
    Object(&'a str),
    /// A `type`/`member` pair the spec format does not know.
    Unknown,
}

impl<'a> Declared<'a> {
    /// What a model member declares: its `type` (`string`, `int`, `float`, `bool`,
    /// `list`, `object`) and its `member` (the scalar or the object type).
    pub fn of_member(member: &'a model::Member) -> Self {
        match member.kind.as_str() {
            "string" | "int" | "float" | "bool" => {
                Self::scalar(&member.member).unwrap_or(Self::Unknown)
            }
            "object" => Self::Object(&member.member),
            "list" => Self::List(Box::new(
                Self::scalar(&member.member).unwrap_or(Self::Object(&member.member)),
            )),
            _ => Self::Unknown,
        }
    }

    /// What an IR type declares.
    pub fn of_type(ty: &'a ir::Type) -> Self {
        match ty {
            ir::Type::String | ir::Type::DateTime | ir::Type::DateTimeIso | ir::Type::Date => {
                Self::String
            }
            ir::Type::Int64 | ir::Type::UInt64 => Self::Integer,
            ir::Type::Float => Self::Float,
            ir::Type::Bool => Self::Bool,
            ir::Type::List(element) => Self::List(Box::new(Self::of_type(element))),
            ir::Type::Object(name, _) => Self::Object(name),
        }
    }

    fn scalar(member: &str) -> Option<Self> {
        Some(match member {
            "string" | "datetime" | "datetime_iso" | "date" => Self::String,
            "int64" | "uint64" => Self::Integer,
            "float" => Self::Float,
            "bool" => Self::Bool,
            _ => return None,
        })
    }
}

/// The [`Param`]s of model members (an action's input), object types resolved in
/// `objects`.
pub fn model_params(
    members: &[model::Member],
    objects: &BTreeMap<String, model::Object>,
) -> Vec<Param> {
    let resolver = Resolver(|name: &str| {
        objects
            .get_key_value(name)
            .map(|(name, object)| (name.as_str(), object.members.as_slice()))
    });
    resolver.params(members, &mut Vec::new())
}

/// The [`Param`]s of IR fields (an action's input), object types resolved through
/// [`ir::Service::object`].
pub fn ir_params(service: &ir::Service, fields: &[ir::Field]) -> Vec<Param> {
    ir_resolver(service).params(fields, &mut Vec::new())
}

/// The [`Shape`] of an IR type, object types resolved through [`ir::Service::object`].
pub fn ir_shape(service: &ir::Service, ty: &ir::Type) -> Shape {
    ir_resolver(service).shape(&Declared::of_type(ty), &mut Vec::new())
}

fn ir_resolver<'a>(
    service: &'a ir::Service,
) -> Resolver<impl Fn(&str) -> Option<(&'a str, &'a [ir::Field])> + 'a> {
    Resolver(move |name: &str| {
        service
            .object(name)
            .map(|object| (object.name.as_str(), object.fields.as_slice()))
    })
}

/// A member of the model or the IR, as the expansion sees it.
trait Declares {
    /// Its wire name, whether it is required and its declared shape.
    fn declares(&self) -> (&str, bool, Declared<'_>);
}

impl Declares for model::Member {
    fn declares(&self) -> (&str, bool, Declared<'_>) {
        (&self.name, self.required, Declared::of_member(self))
    }
}

impl Declares for ir::Field {
    fn declares(&self) -> (&str, bool, Declared<'_>) {
        (&self.wire_name, self.required, Declared::of_type(&self.ty))
    }
}

/// Expands declared members into [`Param`]s, the same way for the model and the IR; it
/// holds the lookup of an object type's name and members.
struct Resolver<O>(O);

impl<'a, T, O> Resolver<O>
where
    T: Declares + 'a,
    O: Fn(&str) -> Option<(&'a str, &'a [T])>,
{
    /// `stack` holds the objects being expanded, outermost first.
    fn params(&self, members: &'a [T], stack: &mut Vec<&'a str>) -> Vec<Param> {
        members
            .iter()
            .map(|member| {
                let (name, required, declared) = member.declares();
                Param {
                    name: name.to_owned(),
                    required,
                    kind: self.shape(&declared, stack),
                }
            })
            .collect()
    }

    fn shape(&self, declared: &Declared<'_>, stack: &mut Vec<&'a str>) -> Shape {
        match declared {
            Declared::String => Shape::String,
            Declared::Integer => Shape::Integer,
            Declared::Float => Shape::Float,
            Declared::Bool => Shape::Bool,
            Declared::List(element) => Shape::list(self.shape(element, stack)),
            Declared::Object(name) => {
                if stack.len() >= MAX_OBJECT_DEPTH || stack.contains(name) {
                    return Shape::Any;
                }
                // A validated spec resolves every reference; accept anything otherwise
                // (the loader reports the unknown object).
                let Some((name, members)) = (self.0)(name) else {
                    return Shape::Any;
                };
                stack.push(name);
                let members = self.params(members, stack);
                stack.pop();
                Shape::Object(members)
            }
            // The loader reports the unknown type.
            Declared::Unknown => Shape::Any,
        }
    }
}

/// Where a value sits in a request body: member names and list indexes from the top.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(Vec<Segment>);

impl Path {
    /// The steps, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A member of an object, by wire name.
    Member(String),
    /// An element of a list, from 0.
    Index(usize),
}

impl fmt::Display for Path {
    /// Dotted, as the API writes nested parameters: `Filters.0.Name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            if position > 0 {
                f.write_str(".")?;
            }
            match segment {
                Segment::Member(name) => f.write_str(name)?,
                Segment::Index(index) => write!(f, "{index}")?,
            }
        }
        Ok(())
    }
}

/// One way a request body fails its declared members.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem<'v> {
    /// Where: the missing or undeclared member, or the value of the wrong type.
    pub path: Path,
    /// What is wrong.
    pub kind: ProblemKind<'v>,
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind<'v> {
    /// A required member is missing.
    Missing,
    /// A member that is not declared.
    Unknown,
    /// A value that does not have its declared shape (`null` never has).
    WrongType {
        /// What the value must be ([`Shape::expected`]).
        expected: &'static str,
        /// The value given.
        found: &'v Value,
    },
}

impl fmt::Display for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.kind {
            ProblemKind::Missing => write!(f, "`{path}` is required but missing"),
            ProblemKind::Unknown => write!(f, "`{path}` is not a declared member"),
            ProblemKind::WrongType { expected, found } => {
                write!(
                    f,
                    "`{path}` must be {expected}, got {}",
                    describe_value(found)
                )?;
                if matches!(found, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
                    write!(f, " (`{found}`)")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Problem<'_> {}

/// What kind of JSON value this is, for messages (`an integer`, `null`).
pub fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Every problem of `body` against `params`, in the order of the rules (see the module
/// documentation); empty when the body passes.
pub fn check<'v>(params: &[Param], body: &'v Map<String, Value>) -> Vec<Problem<'v>> {
    let mut problems = Vec::new();
    let _ = check_object(&mut Vec::new(), params, body, &mut |problem| {
        problems.push(problem);
        ControlFlow::Continue(())
    });
    problems
}

/// The first problem of `body` against `params` ([`check`]'s first), if any; stops there.
pub fn first_problem<'v>(params: &[Param], body: &'v Map<String, Value>) -> Option<Problem<'v>> {
    let mut first = None;
    let _ = check_object(&mut Vec::new(), params, body, &mut |problem| {
        first = Some(problem);
        ControlFlow::Break(())
    });
    first
}

type Sink<'s, 'v> = dyn FnMut(Problem<'v>) -> ControlFlow<()> + 's;

fn report<'v>(
    path: &[Segment],
    last: Option<Segment>,
    kind: ProblemKind<'v>,
    sink: &mut Sink<'_, 'v>,
) -> ControlFlow<()> {
    let mut segments = path.to_vec();
    segments.extend(last);
    sink(Problem {
        path: Path(segments),
        kind,
    })
}

fn check_object<'v>(
    path: &mut Vec<Segment>,
    params: &[Param],
    object: &'v Map<String, Value>,
    sink: &mut Sink<'_, 'v>,
) -> ControlFlow<()> {
    for param in params {
        if param.required && !object.contains_key(&param.name) {
            let member = Segment::Member(param.name.clone());
            report(path, Some(member), ProblemKind::Missing, sink)?;
        }
    }
    for key in object.keys() {
        if !params.iter().any(|param| param.name == *key) {
            let member = Segment::Member(key.clone());
            report(path, Some(member), ProblemKind::Unknown, sink)?;
        }
    }
    for param in params {
        if let Some(value) = object.get(&param.name) {
            path.push(Segment::Member(param.name.clone()));
            let flow = check_value(path, &param.kind, value, sink);
            path.pop();
            flow?;
        }
    }
    ControlFlow::Continue(())
}

fn check_value<'v>(
    path: &mut Vec<Segment>,
    shape: &Shape,
    value: &'v Value,
    sink: &mut Sink<'_, 'v>,
) -> ControlFlow<()> {
    let matches = match (shape, value) {
        (_, Value::Null) => false,
        (Shape::Any, _) => true,
        (Shape::String, Value::String(_)) | (Shape::Bool, Value::Bool(_)) => true,
        (Shape::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Shape::Float, Value::Number(_)) => true,
        (Shape::List(element), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Segment::Index(index));
                let flow = check_value(path, element, item, sink);
                path.pop();
                flow?;
            }
            true
        }
        (Shape::Object(members), Value::Object(object)) => {
            check_object(path, members, object, sink)?;
            true
        }
        _ => false,
    };
    if matches {
        return ControlFlow::Continue(());
    }
    let kind = ProblemKind::WrongType {
        expected: shape.expected(),
        found: value,
    };
    report(path, None, kind, sink)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A model member, as the spec writes it.
    fn member(name: &str, kind: &str, element: &str, required: bool) -> model::Member {
        let text = json!({"name": name, "type": kind, "member": element, "required": required});
        serde_json::from_value(text).expect("a valid member")
    }

    fn object(members: Vec<model::Member>) -> model::Object {
        let text = json!({"document": "", "members": members});
        serde_json::from_value(text).expect("a valid object")
    }

    /// `Filter {Name, Values}` and the recursive `Node {Id, Next: Node}`.
    fn objects() -> BTreeMap<String, model::Object> {
        BTreeMap::from([
            (
                "Filter".to_owned(),
                object(vec![
                    member("Name", "string", "string", true),
                    member("Values", "list", "string", false),
                ]),
            ),
            (
                "Node".to_owned(),
                object(vec![
                    member("Id", "int", "int64", false),
                    member("Next", "object", "Node", false),
                ]),
            ),
        ])
    }

    fn input() -> Vec<model::Member> {
        vec![
            member("VpcId", "string", "string", true),
            member("Limit", "int", "uint64", false),
            member("Ratio", "float", "float", false),
            member("DryRun", "bool", "bool", false),
            member("Since", "string", "datetime", false),
            member("Filters", "list", "Filter", false),
            member("Ids", "list", "int64", false),
            member("Node", "object", "Node", false),
        ]
    }

    fn params() -> Vec<Param> {
        model_params(&input(), &objects())
    }

    fn object_of(body: &Value) -> &Map<String, Value> {
        body.as_object().expect("test bodies are objects")
    }

    /// Every problem, as `Display` words it.
    fn all(body: &Value) -> Vec<String> {
        check(&params(), object_of(body))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_model_lowers_to_shapes_with_objects_expanded_once_per_cycle() {
        let filter = Shape::Object(vec![
            Param::required("Name", Shape::String),
            Param::optional("Values", Shape::list(Shape::String)),
        ]);
        let node = Shape::Object(vec![
            Param::optional("Id", Shape::Integer),
            Param::optional("Next", Shape::Any),
        ]);
        assert_eq!(
            params(),
            vec![
                Param::required("VpcId", Shape::String),
                Param::optional("Limit", Shape::Integer),
                Param::optional("Ratio", Shape::Float),
                Param::optional("DryRun", Shape::Bool),
                Param::optional("Since", Shape::String),
                Param::optional("Filters", Shape::list(filter)),
                Param::optional("Ids", Shape::list(Shape::Integer)),
                Param::optional("Node", node),
            ]
        );
    }

    #[test]
    fn unknown_types_and_undeclared_objects_accept_any_value() {
        let members = vec![
            member("Odd", "strng", "string", false),
            member("Gone", "object", "Missing", false),
        ];
        assert_eq!(
            model_params(&members, &BTreeMap::new()),
            vec![
                Param::optional("Odd", Shape::Any),
                Param::optional("Gone", Shape::Any)
            ]
        );
    }

    #[test]
    fn objects_are_expanded_to_the_maximum_depth() {
        // L0 contains L1 contains ... L11: expanded MAX_OBJECT_DEPTH levels, then `Any`.
        let objects: BTreeMap<String, model::Object> = (0..12)
            .map(|level| {
                let next = format!("L{}", level + 1);
                (
                    format!("L{level}"),
                    object(vec![member("Next", "object", &next, false)]),
                )
            })
            .collect();
        let mut kind = model_params(&[member("Top", "object", "L0", true)], &objects)
            .remove(0)
            .kind;
        let mut depth = 0;
        while let Shape::Object(mut members) = kind {
            depth += 1;
            kind = members.remove(0).kind;
        }
        assert_eq!(depth, MAX_OBJECT_DEPTH);
        assert_eq!(kind, Shape::Any);
    }

    #[test]
    fn the_ir_lowers_like_the_model() {
        fn field(name: &str, ty: ir::Type, required: bool) -> ir::Field {
            ir::Field {
                wire_name: name.into(),
                rust_name: name.to_lowercase(),
                ty,
                required,
                output_required: false,
                nullable: false,
                deprecated: false,
                china_only: false,
                intl_only: false,
                disabled: false,
                sensitive: false,
                document: String::new(),
                example: None,
            }
        }
        let object = |name: &str, fields| ir::Object {
            name: name.into(),
            rust_name: name.into(),
            module: name.to_lowercase(),
            document: String::new(),
            fields,
        };
        let reference = |name: &str| ir::Type::Object(name.into(), name.into());
        let service = ir::Service {
            name: "vpc".into(),
            version: "2017-03-12".into(),
            title: String::new(),
            brief: None,
            default_host: String::new(),
            alternative_hosts: Vec::new(),
            regional_host: None,
            common_errors: Vec::new(),
            actions: Vec::new(),
            objects: vec![
                object(
                    "Filter",
                    vec![
                        field("Name", ir::Type::String, true),
                        field("Values", ir::Type::List(Box::new(ir::Type::String)), false),
                    ],
                ),
                object(
                    "Node",
                    vec![
                        field("Id", ir::Type::Int64, false),
                        field("Next", reference("Node"), false),
                    ],
                ),
            ],
            waiters: Vec::new(),
        };
        let fields = vec![
            field("VpcId", ir::Type::String, true),
            field("Limit", ir::Type::UInt64, false),
            field("Ratio", ir::Type::Float, false),
            field("DryRun", ir::Type::Bool, false),
            field("Since", ir::Type::DateTime, false),
            field(
                "Filters",
                ir::Type::List(Box::new(reference("Filter"))),
                false,
            ),
            field("Ids", ir::Type::List(Box::new(ir::Type::Int64)), false),
            field("Node", reference("Node"), false),
        ];
        assert_eq!(ir_params(&service, &fields), params());
        assert_eq!(ir_shape(&service, &ir::Type::DateTimeIso), Shape::String);
        assert_eq!(ir_shape(&service, &reference("Nowhere")), Shape::Any);
    }

    #[test]
    fn well_typed_bodies_pass() {
        let bodies = [
            json!({"VpcId": "vpc-1"}),
            json!({
                "VpcId": "vpc-1", "Limit": 18446744073709551615u64, "Ratio": 1, "DryRun": false,
                "Since": "2020-01-01 00:00:00", "Ids": [-3, 4], "Filters": [{"Name": "n", "Values": ["a"]}],
                "Node": {"Id": 1, "Next": {"Id": "through the cycle, anything but null"}}
            }),
            json!({"VpcId": "vpc-1", "Ratio": 0.5, "Filters": [], "Node": {}}),
        ];
        for body in &bodies {
            assert_eq!(all(body), Vec::<String>::new(), "{body}");
            assert_eq!(first_problem(&params(), object_of(body)), None, "{body}");
        }
    }

    #[test]
    fn a_missing_required_member_is_named_by_its_path() {
        let body = json!({"Filters": [{"Name": "a"}, {"Values": []}]});
        let problems = check(&params(), object_of(&body));
        let kinds: Vec<(String, &ProblemKind<'_>)> = problems
            .iter()
            .map(|problem| (problem.path.to_string(), &problem.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("VpcId".to_owned(), &ProblemKind::Missing),
                ("Filters.1.Name".to_owned(), &ProblemKind::Missing)
            ]
        );
        assert_eq!(
            problems[1].path.segments(),
            [
                Segment::Member("Filters".into()),
                Segment::Index(1),
                Segment::Member("Name".into())
            ]
        );
        assert_eq!(problems[0].to_string(), "`VpcId` is required but missing");
    }

    #[test]
    fn an_undeclared_member_is_named_at_any_depth() {
        assert_eq!(
            all(&json!({"VpcId": "v", "Bogus": 1, "Filters": [{"Name": "a", "Nope": 1}]})),
            [
                "`Bogus` is not a declared member",
                "`Filters.0.Nope` is not a declared member"
            ]
        );
        assert_eq!(
            all(&json!({"VpcId": "v", "Node": {"Next": {"Id": 1}, "Extra": true}})),
            ["`Node.Extra` is not a declared member"]
        );
    }

    #[test]
    fn each_value_must_have_its_declared_shape() {
        let cases = [
            (
                json!({"VpcId": 5}),
                "`VpcId` must be a string, got an integer (`5`)",
            ),
            (json!({"VpcId": null}), "`VpcId` must be a string, got null"),
            (
                json!({"VpcId": "v", "Limit": 1.5}),
                "`Limit` must be an integer, got a number (`1.5`)",
            ),
            (
                json!({"VpcId": "v", "Limit": "10"}),
                "`Limit` must be an integer, got a string (`\"10\"`)",
            ),
            (
                json!({"VpcId": "v", "Ratio": "1"}),
                "`Ratio` must be a number, got a string (`\"1\"`)",
            ),
            (
                json!({"VpcId": "v", "DryRun": 1}),
                "`DryRun` must be a boolean, got an integer (`1`)",
            ),
            (
                json!({"VpcId": "v", "Since": false}),
                "`Since` must be a string, got a boolean (`false`)",
            ),
            (
                json!({"VpcId": "v", "Ids": "a"}),
                "`Ids` must be an array, got a string (`\"a\"`)",
            ),
            (
                json!({"VpcId": "v", "Ids": [1, 2.5]}),
                "`Ids.1` must be an integer, got a number (`2.5`)",
            ),
            (
                json!({"VpcId": "v", "Filters": {"Name": "a"}}),
                "`Filters` must be an array, got an object",
            ),
            (
                json!({"VpcId": "v", "Filters": [["a"]]}),
                "`Filters.0` must be an object, got an array",
            ),
            (
                json!({"VpcId": "v", "Filters": [{"Name": "a", "Values": [true]}]}),
                "`Filters.0.Values.0` must be a string, got a boolean (`true`)",
            ),
            (
                json!({"VpcId": "v", "Node": {"Id": "x"}}),
                "`Node.Id` must be an integer, got a string (`\"x\"`)",
            ),
            (
                json!({"VpcId": "v", "Node": {"Next": null}}),
                "`Node.Next` must be a value, got null",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(all(&body), [message], "{body}");
        }
        let body = json!({"VpcId": "v", "Limit": -1.0e3});
        let problem = first_problem(&params(), object_of(&body)).expect("a problem");
        assert_eq!(
            problem.kind,
            ProblemKind::WrongType {
                expected: "an integer",
                found: &json!(-1.0e3)
            }
        );
    }

    #[test]
    fn problems_come_missing_then_undeclared_then_values_and_the_first_stops_there() {
        let body = json!({
            "Limit": "many", "DryRun": "yes", "Extra": 1, "Ids": [1.5], "Filters": [{}], "Ratio": null
        });
        let every = all(&body);
        assert_eq!(
            every,
            [
                "`VpcId` is required but missing",
                "`Extra` is not a declared member",
                "`Limit` must be an integer, got a string (`\"many\"`)",
                "`Ratio` must be a number, got null",
                "`DryRun` must be a boolean, got a string (`\"yes\"`)",
                "`Filters.0.Name` is required but missing",
                "`Ids.0` must be an integer, got a number (`1.5`)",
            ]
        );
        let first = first_problem(&params(), object_of(&body)).expect("a problem");
        assert_eq!(first.to_string(), every[0]);
        let body = json!({"VpcId": "v", "Filters": [{"Name": 1}, {"Name": 2}]});
        let first = first_problem(&params(), object_of(&body)).expect("a problem");
        assert_eq!(first.path.to_string(), "Filters.0.Name");
    }

    #[test]
    fn hand_built_shapes_check_inline_objects_and_any() {
        let params = vec![
            Param::optional("Extra", Shape::Any),
            Param::required(
                "Tags",
                Shape::list(Shape::Object(vec![Param::required("Key", Shape::String)])),
            ),
        ];
        let body = json!({"Extra": {"x": [1]}, "Tags": [{"Key": "k"}]});
        assert!(check(&params, object_of(&body)).is_empty());
        let body = json!({"Extra": null, "Tags": [{"Key": 1}]});
        let paths: Vec<String> = check(&params, object_of(&body))
            .iter()
            .map(|problem| problem.path.to_string())
            .collect();
        assert_eq!(paths, ["Extra", "Tags.0.Key"]);
    }

    #[test]
    fn values_are_described_by_kind() {
        let described: Vec<&str> = [
            json!(null),
            json!(true),
            json!(-1),
            json!(u64::MAX),
            json!(0.5),
            json!("s"),
            json!([]),
            json!({}),
        ]
        .iter()
        .map(describe_value)
        .collect();
        assert_eq!(
            described,
            [
                "null",
                "a boolean",
                "an integer",
                "an integer",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }
}
