//! The command line, read against the generated tables: tccli's grammar
//! (`<service> <Action> --<Member> <value>`, its global options anywhere after the
//! action, a unique prefix of an option accepted as argparse accepts it), and the
//! commands tccli lacks (`wait`, `completion`).

use crate::error::CliError;
use crate::table::{self, Action, Service, Ty, Waiter};

/// The options every call takes, named as tccli names them. Its `Debug` redacts the
/// credentials (`--secretId` masked, `--secretKey` and `--token` only shown as set).
#[derive(Default, Clone)]
pub struct Globals {
    /// `--secretId`.
    pub secret_id: Option<String>,
    /// `--secretKey`.
    pub secret_key: Option<String>,
    /// `--token`.
    pub token: Option<String>,
    /// `--role-arn`.
    pub role_arn: Option<String>,
    /// `--role-session-name`.
    pub role_session_name: Option<String>,
    /// `--use-cvm-role`.
    pub use_cvm_role: bool,
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint`: a host (`vpc.tencentcloudapi.com`, `127.0.0.1:8443`) or a URL.
    pub endpoint: Option<String>,
    /// `--version` after an action: the API version, which must be the spec's.
    pub api_version: Option<String>,
    /// `--language` (`zh-CN`, `en-US`).
    pub language: Option<String>,
    /// `--filter`, a JMESPath expression.
    pub filter: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--timeout` in seconds.
    pub timeout: Option<String>,
    /// `--output` (`json`, `text`, `table`).
    pub output: Option<String>,
    /// `--https-proxy`.
    pub https_proxy: Option<String>,
    /// `--generate-cli-skeleton`.
    pub skeleton: bool,
    /// `--cli-input-json file://...`.
    pub cli_input_json: Option<String>,
    /// `--cli-unfold-argument`.
    pub unfold: bool,
    /// `--all-pages`: every page of a paged action, the items joined.
    pub all_pages: bool,
    /// `--dry-run`: print the signed request, secrets redacted, and send nothing.
    pub dry_run: bool,
    /// `--ca-file`: a PEM bundle of extra trusted roots.
    pub ca_file: Option<String>,
    /// `--wait-timeout` of a waiter or of `--wait`, in seconds.
    pub wait_timeout: Option<String>,
    /// `--wait`: follow the asynchronous task the action starts until it ends.
    pub wait_task: bool,
}

impl std::fmt::Debug for Globals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("Globals")
            .field(
                "secret_id",
                &self.secret_id.as_deref().map(crate::config::mask),
            )
            .field("secret_key", &secret(&self.secret_key))
            .field("token", &secret(&self.token))
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("use_cvm_role", &self.use_cvm_role)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("api_version", &self.api_version)
            .field("language", &self.language)
            .field("filter", &self.filter)
            .field("profile", &self.profile)
            .field("timeout", &self.timeout)
            .field("output", &self.output)
            .field("https_proxy", &self.https_proxy)
            .field("skeleton", &self.skeleton)
            .field("cli_input_json", &self.cli_input_json)
            .field("unfold", &self.unfold)
            .field("all_pages", &self.all_pages)
            .field("dry_run", &self.dry_run)
            .field("ca_file", &self.ca_file)
            .field("wait_timeout", &self.wait_timeout)
            .field("wait_task", &self.wait_task)
            .finish()
    }
}

/// Where `help` was asked.
#[derive(Debug, Clone, Copy)]
pub enum HelpTopic {
    /// The tool.
    Top,
    /// A service and its actions.
    Service(&'static Service),
    /// One action and its members.
    Action(&'static Service, &'static Action),
    /// A service's waiters.
    Wait(&'static Service),
    /// `configure`.
    Configure,
}

/// A `configure` subcommand.
#[derive(Debug, Clone)]
pub enum Configure {
    /// `configure set key value [key value ...]`.
    Set(Vec<(String, String)>),
    /// `configure get key [key ...]`.
    Get(Vec<String>),
    /// `configure list`.
    List,
    /// `configure remove`.
    Remove,
}

/// A call of an action. Its `Debug` names the members given, not their values (a
/// member may be a secret, `--PreShareKey`), and redacts the credentials.
pub struct Call {
    /// The service.
    pub service: &'static Service,
    /// The action.
    pub action: &'static Action,
    /// The members given, as flag paths (`VpcIds`, `Filters.0.Name`) with their values.
    pub members: Vec<(String, Vec<String>)>,
    /// The options.
    pub globals: Globals,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let members: Vec<&str> = self.members.iter().map(|(path, _)| path.as_str()).collect();
        f.debug_struct("Call")
            .field("service", &self.service.name)
            .field("action", &self.action.name)
            .field("members", &members)
            .field("globals", &self.globals)
            .finish()
    }
}

/// A waiter run.
#[derive(Debug)]
pub struct Wait {
    /// The service.
    pub service: &'static Service,
    /// The waiter.
    pub waiter: &'static Waiter,
    /// Whether it waits for the resource to be gone.
    pub deleted: bool,
    /// The resource's ID.
    pub id: String,
    /// The options.
    pub globals: Globals,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// `--version`.
    Version,
    /// `help`, `-h`, `--help`.
    Help(HelpTopic),
    /// `configure ...`, with `--profile`.
    Configure(Configure, Option<String>),
    /// `completion bash|zsh|fish`.
    Completion(String),
    /// `__complete <words>`: the candidates for the last word (used by the scripts).
    Complete(Vec<String>),
    /// A call.
    Call(Call),
    /// A waiter.
    Wait(Wait),
}

/// A global option: its name, and whether it takes a value.
const GLOBALS: &[(&str, Arity)] = &[
    ("secretId", Arity::One),
    ("secretKey", Arity::One),
    ("token", Arity::One),
    ("role-arn", Arity::One),
    ("role-session-name", Arity::One),
    ("use-cvm-role", Arity::Flag),
    ("region", Arity::One),
    ("endpoint", Arity::One),
    ("version", Arity::One),
    ("language", Arity::One),
    ("filter", Arity::One),
    ("profile", Arity::One),
    ("timeout", Arity::One),
    ("output", Arity::One),
    ("https-proxy", Arity::One),
    ("generate-cli-skeleton", Arity::Optional),
    ("cli-input-json", Arity::One),
    ("cli-unfold-argument", Arity::Flag),
    ("all-pages", Arity::Flag),
    ("dry-run", Arity::Flag),
    ("ca-file", Arity::One),
    ("wait-timeout", Arity::One),
    ("wait", Arity::Flag),
    ("waiter", Arity::One),
    ("help", Arity::Flag),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arity {
    Flag,
    One,
    Optional,
}

/// The global option names, for completion and help.
pub fn global_names() -> impl Iterator<Item = &'static str> {
    GLOBALS.iter().map(|(name, _)| *name)
}

/// Reads the command line.
///
/// # Errors
///
/// A usage error naming what is wrong: an unknown service, action or option, an
/// ambiguous prefix, a missing value.
pub fn parse(args: &[String]) -> Result<Command, CliError> {
    let Some(first) = args.first() else {
        return Ok(Command::Help(HelpTopic::Top));
    };
    match first.as_str() {
        "help" | "-h" | "--help" => return Ok(Command::Help(HelpTopic::Top)),
        "--version" | "-v" => return Ok(Command::Version),
        "configure" => return parse_configure(&args[1..]),
        "completion" => {
            return match args.get(1).map(String::as_str) {
                Some(shell @ ("bash" | "zsh" | "fish")) => {
                    Ok(Command::Completion(shell.to_owned()))
                }
                Some(other) => Err(CliError::usage(format!(
                    "unknown shell `{other}` (choose bash, zsh or fish)"
                ))),
                None => Err(CliError::usage(
                    "completion needs a shell: bash, zsh or fish",
                )),
            };
        }
        "__complete" => return Ok(Command::Complete(args[1..].to_vec())),
        _ => {}
    }
    let Some(service) = table::service(first) else {
        let known: Vec<&str> = table::services().iter().map(|s| s.name).collect();
        return Err(CliError::usage(format!(
            "invalid choice: `{first}` (choose from {}, configure, completion, help)",
            known.join(", ")
        )));
    };
    let Some(second) = args.get(1) else {
        return Ok(Command::Help(HelpTopic::Service(service)));
    };
    if matches!(second.as_str(), "help" | "-h" | "--help") {
        return Ok(Command::Help(HelpTopic::Service(service)));
    }
    if second == "wait" {
        return parse_wait(service, &args[2..]);
    }
    let Some(action) = service.action(second) else {
        let close: Vec<&str> = service
            .actions()
            .filter(|a| {
                a.name
                    .to_ascii_lowercase()
                    .starts_with(&second.to_ascii_lowercase())
            })
            .map(|a| a.name)
            .take(8)
            .collect();
        let hint = if close.is_empty() {
            format!("see `tcvpc {} help`", service.name)
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(CliError::usage(format!(
            "invalid choice: `{second}` is no action of {} ({hint})",
            service.name
        )));
    };
    let rest = &args[2..];
    let help = Command::Help(HelpTopic::Action(service, action));
    match parse_call(service, action, rest) {
        Ok(Some(call)) => Ok(Command::Call(call)),
        Ok(None) => Ok(help),
        // `help` where no value is expected, or `--help`, asks for help even after a
        // mistake, as argparse answers `--help` before it checks the rest.
        Err(_) if rest.iter().any(|arg| arg == "--help") => Ok(help),
        Err(_)
            if rest
                .last()
                .is_some_and(|arg| matches!(arg.as_str(), "help" | "-h")) =>
        {
            Ok(help)
        }
        Err(error) => Err(error),
    }
}

/// The members and options of a call; `None` when they ask for help: `help` or `-h`
/// where an option is expected, or `--help` (`--VpcName help` is a value).
fn parse_call(
    service: &'static Service,
    action: &'static Action,
    rest: &[String],
) -> Result<Option<Call>, CliError> {
    let unfold = rest.iter().any(|arg| {
        arg.strip_prefix("--")
            .is_some_and(|name| name.len() >= 5 && "cli-unfold-argument".starts_with(name))
    });
    let mut globals = Globals::default();
    let mut members = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let arg = &rest[i];
        if matches!(arg.as_str(), "help" | "-h") {
            return Ok(None);
        }
        let Some(option) = arg.strip_prefix("--") else {
            return Err(CliError::usage(format!("unrecognized arguments: {arg}")));
        };
        let (name, inline) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (option, None),
        };
        i += 1;
        match resolve(name, action, unfold)? {
            Resolved::Global("help", _) => return Ok(None),
            Resolved::Global(global, arity) => {
                let value = match arity {
                    Arity::Flag => None,
                    Arity::One => Some(match inline {
                        Some(value) => value,
                        None => take_one(rest, &mut i, global)?,
                    }),
                    Arity::Optional => inline.or_else(|| {
                        let next = rest.get(i).filter(|next| *next == "input").cloned();
                        if next.is_some() {
                            i += 1;
                        }
                        next
                    }),
                };
                set_global(&mut globals, global, value)?;
            }
            Resolved::Member(path, many) => {
                let mut values = Vec::new();
                if let Some(value) = inline {
                    values.push(value);
                }
                if many {
                    while let Some(next) = rest.get(i).filter(|next| !next.starts_with("--")) {
                        values.push(next.clone());
                        i += 1;
                    }
                } else if values.is_empty() {
                    values.push(take_one(rest, &mut i, &path)?);
                }
                members.push((path, values));
            }
        }
    }
    Ok(Some(Call {
        service,
        action,
        members,
        globals,
    }))
}

fn take_one(rest: &[String], i: &mut usize, name: &str) -> Result<String, CliError> {
    match rest.get(*i) {
        Some(value) if !value.starts_with("--") => {
            *i += 1;
            Ok(value.clone())
        }
        _ => Err(CliError::usage(format!(
            "argument --{name}: expected one argument"
        ))),
    }
}

enum Resolved {
    Global(&'static str, Arity),
    /// A member's flag path, and whether it takes several values (a list of scalars
    /// under `--cli-unfold-argument`).
    Member(String, bool),
}

/// An option's full name: exact, else a unique prefix of the globals and the members.
fn resolve(name: &str, action: &Action, unfold: bool) -> Result<Resolved, CliError> {
    if let Some((global, arity)) = GLOBALS.iter().find(|(global, _)| *global == name) {
        return Ok(Resolved::Global(global, *arity));
    }
    let (head, tail) = match name.split_once('.') {
        Some((head, tail)) if unfold => (head, Some(tail)),
        _ => (name, None),
    };
    if let Some(member) = action.input.iter().find(|m| m.name == head) {
        return member_flag(member.name, member.ty, tail, unfold);
    }
    let mut candidates: Vec<String> = GLOBALS
        .iter()
        .filter(|(global, _)| global.starts_with(name) && tail.is_none())
        .map(|(global, _)| (*global).to_owned())
        .collect();
    let members: Vec<_> = action
        .input
        .iter()
        .filter(|m| m.name.starts_with(head))
        .collect();
    candidates.extend(members.iter().map(|m| m.name.to_owned()));
    match (candidates.len(), members.first()) {
        (1, Some(member)) => member_flag(member.name, member.ty, tail, unfold),
        (1, None) => {
            let (global, arity) = GLOBALS
                .iter()
                .find(|(global, _)| global.starts_with(name))
                .ok_or_else(|| CliError::usage(format!("unrecognized arguments: --{name}")))?;
            Ok(Resolved::Global(global, *arity))
        }
        (0, _) => Err(CliError::usage(format!(
            "unrecognized arguments: --{name} (`{}` has no member `{head}`; see `tcvpc <service> {} help`)",
            action.name, action.name
        ))),
        _ => Err(CliError::usage(format!(
            "ambiguous option: --{name} could match {}",
            candidates
                .iter()
                .map(|c| format!("--{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn member_flag(name: &str, ty: Ty, tail: Option<&str>, unfold: bool) -> Result<Resolved, CliError> {
    let path = match tail {
        Some(tail) => format!("{name}.{tail}"),
        None => name.to_owned(),
    };
    // Under --cli-unfold-argument a list of scalars takes its values one by one; the
    // leaf's type is checked when the body is built.
    let many = unfold && tail.is_none() && matches!(ty, Ty::List(inner) if !inner.is_json());
    let many = many || (unfold && tail.is_some());
    Ok(Resolved::Member(path, many))
}

fn set_global(globals: &mut Globals, name: &str, value: Option<String>) -> Result<(), CliError> {
    let slot = match name {
        "secretId" => &mut globals.secret_id,
        "secretKey" => &mut globals.secret_key,
        "token" => &mut globals.token,
        "role-arn" => &mut globals.role_arn,
        "role-session-name" => &mut globals.role_session_name,
        "region" => &mut globals.region,
        "endpoint" => &mut globals.endpoint,
        "version" => &mut globals.api_version,
        "language" => &mut globals.language,
        "filter" => &mut globals.filter,
        "profile" => &mut globals.profile,
        "timeout" => &mut globals.timeout,
        "output" => &mut globals.output,
        "https-proxy" => &mut globals.https_proxy,
        "cli-input-json" => &mut globals.cli_input_json,
        "ca-file" => &mut globals.ca_file,
        "wait-timeout" => &mut globals.wait_timeout,
        "use-cvm-role" => {
            globals.use_cvm_role = true;
            return Ok(());
        }
        "cli-unfold-argument" => {
            globals.unfold = true;
            return Ok(());
        }
        "all-pages" => {
            globals.all_pages = true;
            return Ok(());
        }
        "dry-run" => {
            globals.dry_run = true;
            return Ok(());
        }
        "wait" => {
            globals.wait_task = true;
            return Ok(());
        }
        "generate-cli-skeleton" => {
            globals.skeleton = true;
            return Ok(());
        }
        "waiter" => {
            return Err(CliError::usage(
                "--waiter is not supported (tccli evaluates it as Python); use \
                 `tcvpc <service> wait <waiter> --<IdMember> <id>`, see `tcvpc vpc wait help`",
            ));
        }
        _ => return Err(CliError::usage(format!("unrecognized arguments: --{name}"))),
    };
    *slot = value;
    Ok(())
}

fn parse_wait(service: &'static Service, args: &[String]) -> Result<Command, CliError> {
    let Some(name) = args.first() else {
        return Ok(Command::Help(HelpTopic::Wait(service)));
    };
    if matches!(name.as_str(), "help" | "-h" | "--help") {
        return Ok(Command::Help(HelpTopic::Wait(service)));
    }
    let commands = service.waiter_commands();
    let Some((_, waiter, deleted)) = commands.iter().find(|(command, _, _)| command == name) else {
        return Err(CliError::usage(format!(
            "invalid choice: `{name}` is no waiter of {} (see `tcvpc {} wait help`)",
            service.name, service.name
        )));
    };
    let action = service.action(waiter.describe).ok_or_else(|| {
        CliError::usage(format!(
            "the waiter's action {} is not in the tables",
            waiter.describe
        ))
    })?;
    let singular = waiter.ids.strip_suffix('s').unwrap_or(waiter.ids);
    let mut globals = Globals::default();
    let mut id = None;
    let mut i = 1;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(option) = arg.strip_prefix("--") else {
            return Err(CliError::usage(format!("unrecognized arguments: {arg}")));
        };
        if matches!(option, "help") {
            return Ok(Command::Help(HelpTopic::Wait(service)));
        }
        let (name, inline) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (option, None),
        };
        // The ID member: the describe action's list member (`NatGatewayIds`), its
        // singular (`NatGatewayId`), `id`, or a prefix of them as tccli accepts one.
        let resolved = if name == singular || name == "id" {
            Resolved::Member(waiter.ids.to_owned(), false)
        } else {
            resolve(name, action, false)?
        };
        match resolved {
            Resolved::Member(path, _) if path == waiter.ids => {
                let value = match inline {
                    Some(value) => value,
                    None => take_one(args, &mut i, name)?,
                };
                id = Some(waiter_id(waiter.ids, value)?);
            }
            Resolved::Member(path, _) => {
                return Err(CliError::usage(format!(
                    "unrecognized arguments: --{path} (a waiter takes --{singular} <id> and the \
                     call options)"
                )));
            }
            Resolved::Global(global, arity) => {
                let value = match arity {
                    Arity::Flag => None,
                    _ => Some(match inline {
                        Some(value) => value,
                        None => take_one(args, &mut i, global)?,
                    }),
                };
                set_global(&mut globals, global, value)?;
            }
        }
    }
    let id = id.ok_or_else(|| {
        CliError::usage(format!(
            "the following arguments are required: --{singular} (the ID to wait for)"
        ))
    })?;
    Ok(Command::Wait(Wait {
        service,
        waiter,
        deleted: *deleted,
        id,
        globals,
    }))
}

/// The one ID a waiter waits for: the text itself, or a JSON list of one ID (the list
/// member's own shape, `["nat-1"]`). Never evaluated.
fn waiter_id(member: &str, value: String) -> Result<String, CliError> {
    if !value.trim_start().starts_with('[') {
        return Ok(value);
    }
    match serde_json::from_str::<Vec<String>>(&value) {
        Ok(mut ids) if ids.len() == 1 => Ok(ids.remove(0)),
        Ok(ids) => Err(CliError::usage(format!(
            "argument --{member}: a waiter waits for one ID, {} given",
            ids.len()
        ))),
        Err(error) => Err(CliError::usage(format!(
            "argument --{member}: not a JSON list of IDs: {error}"
        ))),
    }
}

fn parse_configure(args: &[String]) -> Result<Command, CliError> {
    let mut profile = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--profile" {
            profile = Some(take_one(args, &mut i, "profile")?);
        } else if let Some(value) = arg.strip_prefix("--profile=") {
            profile = Some(value.to_owned());
        } else if matches!(arg.as_str(), "help" | "-h" | "--help") {
            return Ok(Command::Help(HelpTopic::Configure));
        } else {
            rest.push(arg.clone());
        }
    }
    let command = match rest.first().map(String::as_str) {
        Some("set") => {
            let pairs = &rest[1..];
            if pairs.is_empty() || pairs.len() % 2 != 0 {
                return Err(CliError::usage(
                    "configure set takes pairs: `tcvpc configure set region ap-guangzhou [output json ...]`",
                ));
            }
            Configure::Set(
                pairs
                    .chunks(2)
                    .map(|pair| (pair[0].clone(), pair[1].clone()))
                    .collect(),
            )
        }
        Some("get") if rest.len() > 1 => Configure::Get(rest[1..].to_vec()),
        Some("get") => return Err(CliError::usage("configure get takes the names to show")),
        Some("list") => Configure::List,
        Some("remove") => Configure::Remove,
        None => return Ok(Command::Help(HelpTopic::Configure)),
        Some(other) => {
            return Err(CliError::usage(format!(
                "invalid choice: `{other}` (choose from set, get, list, remove; the interactive \
                 `tccli configure` is not offered: use `configure set`)"
            )));
        }
    };
    Ok(Command::Configure(command, profile))
}
