//! The validated intermediate representation the generator consumes.
//!
//! Only [`crate::load_str`] and [`crate::load_file`] build a [`Service`], and only from a
//! spec that passed every check: wire names are valid and unique, every Rust name
//! (type, field, method, variant, module) is distinct where it must be (names that
//! would collide after case conversion are told apart by [`crate::names`]' rules),
//! every object reference resolves, every error code is well formed, and every output
//! declares `RequestId`. The generator can therefore emit without checking anything
//! again.

/// One service at one API version.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Service name for hosts and signing (`vpc`).
    pub name: String,
    /// API version (`2017-03-12`).
    pub version: String,
    /// Human product name.
    pub title: String,
    /// The description's own summary of the product, in its language, if the spec has one.
    pub brief: Option<String>,
    /// The default host.
    pub default_host: String,
    /// Other well-known hosts by short name, sorted by name.
    pub alternative_hosts: Vec<(String, String)>,
    /// The regional host pattern with `{region}`, if any.
    pub regional_host: Option<String>,
    /// Error codes shared by all actions, in spec order.
    pub common_errors: Vec<ErrorCase>,
    /// The actions, sorted by name.
    pub actions: Vec<Action>,
    /// The object types, sorted by name.
    pub objects: Vec<Object>,
    /// The state waiters, sorted by resource name.
    pub waiters: Vec<Waiter>,
}

/// A resource's state waiter, checked against its describe action: every member named
/// exists with the type it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// The resource name (`NatGateway`).
    pub resource: String,
    /// The describe action's name (`DescribeNatGateways`).
    pub describe: String,
    /// The method waiting for availability (`wait_until_nat_gateway_available`).
    pub available_method: String,
    /// The method waiting for the resource to be gone, where the spec says it can be
    /// (`wait_until_nat_gateway_deleted`).
    pub deleted_method: Option<String>,
    /// The request's list-of-text field taking the ID (Rust name).
    pub ids: String,
    /// The response's list of items (Rust name; an `Option` when the field is).
    pub items: String,
    /// Whether the items field is an `Option`.
    pub items_optional: bool,
    /// The item's ID member.
    pub id: WaiterPath,
    /// The item's state member, through nested objects.
    pub state: WaiterPath,
    /// The state member's wire path (`State`), for documentation.
    pub state_wire: String,
    /// Success states.
    pub success: Vec<String>,
    /// Failure states.
    pub failure: Vec<String>,
    /// Codes meaning "no such resource".
    pub not_found: Vec<String>,
}

/// A path of fields from an item to a text member: each step's Rust name and whether
/// it is an `Option`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiterPath {
    /// The steps, outermost first.
    pub steps: Vec<(String, bool)>,
}

/// One action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The exact API name (`ResetVpnConnection`).
    pub name: String,
    /// The snake_case method name, keyword-escaped (`reset_vpn_connection`).
    pub method: String,
    /// The module and file name of the action's generated code (`reset_vpn_connection`),
    /// distinct among the actions.
    pub module: String,
    /// What the action does.
    pub document: String,
    /// A short human title, if the spec has one (`Resets a VPN tunnel`).
    pub title: Option<String>,
    /// Whether the spec marks the action deprecated.
    pub deprecated: bool,
    /// Published on the China site only (called through the China endpoint).
    pub china_only: bool,
    /// Published on the international site only.
    pub intl_only: bool,
    /// Whether the spec marks the action offline (taken offline by Tencent).
    pub offline: bool,
    /// Documented requests per second, if any.
    pub rate_limit: Option<u32>,
    /// Whether a request that may have reached the server can be sent again.
    pub retry_safe: bool,
    /// Whether the action is sent unsigned (`Authorization: SKIP`), as Tencent marks a
    /// few actions whose caller has no keys yet (STS `AssumeRoleWithWebIdentity`).
    pub skip_sign: bool,
    /// Input fields, in spec order.
    pub input: Vec<Field>,
    /// Output fields, in spec order, `RequestId` included.
    pub output: Vec<Field>,
    /// The action's own error codes, in spec order.
    pub errors: Vec<ErrorCase>,
    /// Worked examples.
    pub examples: Vec<Example>,
    /// How the action's answers come in pages, if they do.
    pub pagination: Option<Pagination>,
    /// How the asynchronous task the action starts is followed, if it starts one (the
    /// rule is in [`crate::tasks`]).
    pub task: Option<crate::tasks::TaskPoll>,
}

/// How a paged action's answers come: the request's `Offset` and `Limit`, the answer's
/// list member and, where it has one, its total count. Every member named here exists
/// with the type given (the loader checked it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The snake_case name of the paging method (`describe_vpcs_pages`), distinct from
    /// every action method.
    pub method: String,
    /// The request's `Offset` field: its Rust name and scalar type (`String`, `Int64` or
    /// `UInt64`).
    pub offset: PageField,
    /// The request's `Limit` field.
    pub limit: PageField,
    /// The response field holding one page of items.
    pub items: PageField,
    /// The element type of the items list.
    pub item: Type,
    /// The response field with the total number of items, if the answers have one.
    pub count: Option<PageField>,
    /// The largest `Limit` the service accepts, used when the caller sets none: from the
    /// spec, else from the `Limit` member's document.
    pub max_limit: Option<u64>,
}

/// A field a paginator reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// The exact wire name (`Offset`).
    pub wire_name: String,
    /// The Rust field name (`offset`).
    pub rust_name: String,
    /// The field's type.
    pub ty: Type,
}

impl Action {
    /// The wire name of the idempotency-token member every service of the Tencent Cloud
    /// API 3.0 uses: an action whose request has it is idempotent when it repeats.
    pub const CLIENT_TOKEN: &'static str = "ClientToken";

    /// The request's idempotency token: a text input member named
    /// [`CLIENT_TOKEN`](Self::CLIENT_TOKEN). The service runs a request whose token it
    /// has seen (from the same account, with the same parameters) only once, so the
    /// client fills a fresh token when the caller leaves it empty and may resend such a
    /// request after a timeout. Decided here, from the spec alone, for both front ends
    /// and the local endpoint.
    pub fn client_token(&self) -> Option<&Field> {
        self.input
            .iter()
            .find(|field| field.wire_name == Self::CLIENT_TOKEN && field.ty == Type::String)
    }

    /// Name of the generated request type.
    pub fn request_type(&self) -> String {
        format!("{}Request", self.name)
    }
    /// Name of the generated response type.
    pub fn response_type(&self) -> String {
        format!("{}Response", self.name)
    }
    /// Name of the generated error enum.
    pub fn error_type(&self) -> String {
        format!("{}Error", self.name)
    }
}

/// A worked example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its title.
    pub title: String,
    /// What it shows.
    pub document: String,
    /// The request body (a JSON object).
    pub input: serde_json::Value,
    /// The full response (`{"Response": {...}}`).
    pub output: serde_json::Value,
}

/// A named object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The exact API name.
    pub name: String,
    /// The Rust type name.
    pub rust_name: String,
    /// The module and file name of the object's generated code, distinct among the
    /// objects.
    pub module: String,
    /// What it describes.
    pub document: String,
    /// Its fields, in spec order.
    pub fields: Vec<Field>,
}

/// One member of a request, response or object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The exact wire name.
    pub wire_name: String,
    /// The Rust field name, snake_case and keyword-escaped (`r#type`).
    pub rust_name: String,
    /// The value type.
    pub ty: Type,
    /// The caller must send it (the spec's `required`), or it is an output's
    /// `RequestId`. Decides whether the generated field is an `Option`.
    pub required: bool,
    /// Output: the description says the server always returns it (`output_required`).
    /// Documentation only: Tencent's own examples show such members missing, so the
    /// generated response field is an `Option` all the same.
    pub output_required: bool,
    /// Output: the server may answer `null`.
    pub nullable: bool,
    /// The member is deprecated.
    pub deprecated: bool,
    /// Published on the China site only: the international site's description of the
    /// same action or object does not have it.
    pub china_only: bool,
    /// Published on the international site only: the China site's description of the
    /// same action or object does not have it.
    pub intl_only: bool,
    /// The member is accepted but has no effect.
    pub disabled: bool,
    /// The value is a secret (the spec's `sensitive`): generated code prints
    /// `"<redacted>"` for it in `Debug`.
    pub sensitive: bool,
    /// What the member means.
    pub document: String,
    /// An example value.
    pub example: Option<String>,
}

impl Field {
    /// Whether the generated field is an `Option`: not required, or allowed to be null.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }

    /// Whether this is the `RequestId` every output carries: the one member a response
    /// decodes strictly.
    pub fn is_request_id(&self) -> bool {
        self.wire_name == "RequestId" && self.ty == Type::String
    }
}

/// A member's value type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// Text.
    String,
    /// A signed 64-bit integer.
    Int64,
    /// An unsigned 64-bit integer.
    UInt64,
    /// A floating-point number.
    Float,
    /// A boolean.
    Bool,
    /// A timestamp as text, `YYYY-MM-DD hh:mm:ss`.
    DateTime,
    /// A timestamp as ISO 8601 text.
    DateTimeIso,
    /// A date as text, `YYYY-MM-DD`.
    Date,
    /// A list of values.
    List(Box<Type>),
    /// A named object: (API name, Rust type name).
    Object(String, String),
}

/// One error code and its enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCase {
    /// The dotted code.
    pub code: String,
    /// The PascalCase variant name.
    pub variant: String,
    /// What the code means.
    pub description: String,
}

impl Service {
    /// The action with this exact name.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|action| action.name == name)
    }

    /// The object with this exact name.
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects.iter().find(|object| object.name == name)
    }

    /// The objects the given actions use, directly or through other objects, sorted by name.
    pub fn objects_used_by<'a>(&'a self, actions: &[&'a Action]) -> Vec<&'a Object> {
        let mut used: Vec<&str> = Vec::new();
        let mut stack: Vec<&Type> = actions
            .iter()
            .flat_map(|action| action.input.iter().chain(&action.output))
            .map(|field| &field.ty)
            .collect();
        while let Some(ty) = stack.pop() {
            match ty {
                Type::List(inner) => stack.push(inner),
                Type::Object(name, _) if !used.contains(&name.as_str()) => {
                    used.push(name);
                    if let Some(object) = self.object(name) {
                        stack.extend(object.fields.iter().map(|field| &field.ty));
                    }
                }
                _ => {}
            }
        }
        self.objects
            .iter()
            .filter(|object| used.contains(&object.name.as_str()))
            .collect()
    }

    /// Whether `code` is one of the service's common codes.
    pub fn is_common(&self, code: &str) -> bool {
        self.common_errors.iter().any(|common| common.code == code)
    }

    /// The codes an action's enum has as variants of its own: those its document lists
    /// that are not common, in spec order. (A documented common code decodes to the
    /// enum's `Common` variant, as it does for every action.)
    pub fn own_errors<'a>(&self, action: &'a Action) -> Vec<&'a ErrorCase> {
        action
            .errors
            .iter()
            .filter(|case| !self.is_common(&case.code))
            .collect()
    }

    /// The common codes an action's document lists, in the action's spec order.
    pub fn documented_common<'a>(&self, action: &'a Action) -> Vec<&'a ErrorCase> {
        action
            .errors
            .iter()
            .filter(|case| self.is_common(&case.code))
            .collect()
    }
}
