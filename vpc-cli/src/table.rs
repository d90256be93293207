//! The types of the generated command-line tables (`src/generated/`), and the look-ups
//! the runtime makes in them. The tables are data: a new action in the spec is a new
//! entry after `cargo xtask codegen`, and a new command without a code change.

/// A member's value type, as the spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
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
    List(&'static Ty),
    /// An object type, by its API name.
    Object(&'static str),
}

impl Ty {
    /// The type's name as tccli's skeleton and help show it (`String`, `Integer`,
    /// `Array of Filter`).
    pub fn display(&self) -> String {
        match self {
            Ty::List(inner) => format!("Array of {}", inner.display()),
            Ty::Object(name) => (*name).to_owned(),
            other => other.skeleton().to_owned(),
        }
    }

    /// The placeholder tccli's `--generate-cli-skeleton` prints for a scalar.
    pub fn skeleton(&self) -> &'static str {
        match self {
            Ty::String => "String",
            Ty::Int64 | Ty::UInt64 => "Integer",
            Ty::Float => "Float",
            Ty::Bool => "Boolean",
            Ty::DateTime | Ty::DateTimeIso | Ty::Date => "Timestamp",
            Ty::List(_) => "Array",
            Ty::Object(_) => "Object",
        }
    }

    /// Whether a value of this type is given as JSON text on the command line.
    pub fn is_json(&self) -> bool {
        matches!(self, Ty::List(_) | Ty::Object(_))
    }
}

/// One member of a request, an answer or an object.
#[derive(Debug)]
pub struct Member {
    /// The exact wire name.
    pub name: &'static str,
    /// The declared type.
    pub ty: Ty,
    /// Whether a request must carry it.
    pub required: bool,
    /// Its document as plain text.
    pub doc: &'static str,
}

/// How a paged action's answers come.
#[derive(Debug)]
pub struct Paging {
    /// The request's offset member.
    pub offset: &'static str,
    /// The request's page-size member.
    pub limit: &'static str,
    /// The answer's list of items.
    pub items: &'static str,
    /// The answer's total count, if it has one.
    pub count: Option<&'static str>,
    /// The largest page size the service accepts, if known.
    pub max_limit: Option<u64>,
    /// Whether offset and limit are text on the wire (as for `DescribeVpcs`).
    pub text: bool,
}

/// How the asynchronous task an action starts is followed (the spec's task rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Poll `DescribeVpcTaskResult` with the call's `RequestId` until `Status` is
    /// `SUCCESS` or `FAILED` (its message in `Output`).
    RequestId,
    /// Poll `DescribeTaskResult` with the answer's `TaskId` until `Result` is `SUCCESS`
    /// or `FAILED`.
    TaskId,
}

/// One action.
#[derive(Debug)]
pub struct Action {
    /// The exact API name.
    pub name: &'static str,
    /// A short title, or empty.
    pub title: &'static str,
    /// Its document as plain text.
    pub doc: &'static str,
    /// The request's members, in spec order.
    pub input: &'static [Member],
    /// The answer's members, in spec order, `RequestId` included.
    pub output: &'static [Member],
    /// How its answers come in pages, if they do.
    pub paging: Option<Paging>,
    /// Whether a request that may have reached the server can be sent again.
    pub retry_safe: bool,
    /// Whether it is sent unsigned.
    pub skip_sign: bool,
    /// Documented requests per second, if any.
    pub rate_limit: Option<u32>,
    /// The asynchronous task it starts, if it starts one (`--wait` follows it).
    pub task: Option<Task>,
}

/// One object type.
#[derive(Debug)]
pub struct Object {
    /// The API name.
    pub name: &'static str,
    /// Its document as plain text.
    pub doc: &'static str,
    /// Its members, in spec order.
    pub members: &'static [Member],
}

/// A resource's state waiter, as the spec declares it, by wire names.
#[derive(Debug)]
pub struct Waiter {
    /// The resource (`NatGateway`).
    pub resource: &'static str,
    /// The describe action.
    pub describe: &'static str,
    /// The request's list-of-text member taking the ID.
    pub ids: &'static str,
    /// The answer's list of items.
    pub items: &'static str,
    /// The path from an item to its ID.
    pub id: &'static [&'static str],
    /// The path from an item to its state.
    pub state: &'static [&'static str],
    /// Success states.
    pub success: &'static [&'static str],
    /// Failure states.
    pub failure: &'static [&'static str],
    /// Codes meaning "no such resource".
    pub not_found: &'static [&'static str],
    /// Whether waiting for the resource to be gone is offered.
    pub deletable: bool,
}

/// One service's tables.
#[derive(Debug)]
pub struct Service {
    /// The service name (`vpc`).
    pub name: &'static str,
    /// The API version (`2017-03-12`).
    pub version: &'static str,
    /// The product name.
    pub title: &'static str,
    /// The product summary, or empty.
    pub brief: &'static str,
    /// The default host.
    pub default_host: &'static str,
    /// The actions, in groups by first letter, each sorted by name.
    pub actions: &'static [&'static [Action]],
    /// The object types, in groups by first letter, each sorted by name.
    pub objects: &'static [&'static [Object]],
    /// The state waiters.
    pub waiters: &'static [Waiter],
    /// The members whose values are secrets (the spec's `sensitive`), as (owner, member):
    /// the owner is an action (its request or answer) or an object type.
    pub sensitive: &'static [(&'static str, &'static str)],
}

impl Service {
    /// Every action, sorted by name.
    pub fn actions(&self) -> impl Iterator<Item = &'static Action> + use<> {
        let groups = self.actions;
        groups.iter().flat_map(|group| group.iter())
    }

    /// The action named exactly `name`.
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions().find(|action| action.name == name)
    }

    /// The object type named `name`.
    pub fn object(&self, name: &str) -> Option<&'static Object> {
        let groups = self.objects;
        groups
            .iter()
            .flat_map(|group| group.iter())
            .find(|object| object.name == name)
    }

    /// Whether `member` of `owner` (an action or an object type) holds a secret.
    pub fn is_sensitive(&self, owner: &str, member: &str) -> bool {
        self.sensitive
            .iter()
            .any(|(o, m)| *o == owner && *m == member)
    }

    /// The waiter command names (`nat-gateway-available`, `nat-gateway-deleted`) with
    /// their waiters and whether they wait for the resource to be gone.
    pub fn waiter_commands(&self) -> Vec<(String, &'static Waiter, bool)> {
        let waiters = self.waiters;
        let mut commands = Vec::new();
        for waiter in waiters {
            let base = kebab(waiter.resource);
            commands.push((format!("{base}-available"), waiter, false));
            if waiter.deletable {
                commands.push((format!("{base}-deleted"), waiter, true));
            }
        }
        commands
    }
}

/// `NatGateway` → `nat-gateway`, `HaVip` → `ha-vip`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev_lower || (next_lower && chars[i - 1].is_ascii_uppercase()) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Every service the tool knows, by command name.
pub fn services() -> [&'static Service; 2] {
    [
        &crate::generated::vpc::SERVICE,
        &crate::generated::sts::SERVICE,
    ]
}

/// The service named `name`.
pub fn service(name: &str) -> Option<&'static Service> {
    services().into_iter().find(|service| service.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case_names() {
        assert_eq!(kebab("NatGateway"), "nat-gateway");
        assert_eq!(kebab("HaVip"), "ha-vip");
        assert_eq!(kebab("VPNGateway"), "vpn-gateway");
        assert_eq!(kebab("Vpc"), "vpc");
    }

    #[test]
    fn the_tables_hold_the_spec() {
        let vpc = service("vpc").expect("vpc");
        let describe = vpc.action("DescribeVpcs").expect("DescribeVpcs");
        let limit = describe
            .input
            .iter()
            .find(|m| m.name == "Limit")
            .expect("Limit");
        assert_eq!(
            limit.ty,
            Ty::String,
            "Limit is text for DescribeVpcs, as on the wire"
        );
        assert!(vpc.object("Vpc").is_some());
        assert!(describe.paging.is_some());
        assert!(vpc.actions().count() > 400);
        assert!(
            service("sts")
                .and_then(|s| s.action("AssumeRole"))
                .is_some()
        );
    }
}
