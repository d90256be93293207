//! `help`, `-h` and `--help` at every level: the tool, a service and its actions, an
//! action and its members (each with its type, whether it is required, and its
//! document as plain text: English, Chinese where that is all the spec has), the
//! waiters, `configure`.

use std::fmt::Write as _;

use crate::args::{self, HelpTopic};
use crate::table::{self, Action, Service};

/// The usage line printed before a usage error, as tccli prints its own.
pub const USAGE: &str = "tcvpc [options] <service> <action> [--<Member> <value> ...]\n\
To see help text, you can run:\n\n  tcvpc help\n  tcvpc configure help\n  tcvpc vpc help\n  tcvpc vpc DescribeVpcs help\n";

/// The help text of `topic`.
pub fn render(topic: HelpTopic) -> String {
    match topic {
        HelpTopic::Top => top(),
        HelpTopic::Service(service) => service_help(service),
        HelpTopic::Action(service, action) => action_help(service, action),
        HelpTopic::Wait(service) => wait_help(service),
        HelpTopic::Configure => CONFIGURE.to_owned(),
    }
}

const CONFIGURE: &str = "NAME\n    configure\n\nDESCRIPTION\n    Reads and writes tccli's files, ~/.tccli/<profile>.configure and\n    <profile>.credential (mode 0600).\n\nUSAGE\n    tcvpc configure set <key> <value> [<key> <value> ...] [--profile <name>]\n    tcvpc configure get <key> [<key> ...] [--profile <name>]\n    tcvpc configure list [--profile <name>]\n    tcvpc configure remove [--profile <name>]\n\nKEYS\n    secretId, secretKey, token, role-arn, role-session-name, use-cvm-role\n    region, output (json, text, table), language (zh-CN, en-US)\n    <service>.endpoint, <service>.version\n\nSecrets are masked in `get` and `list` output.\n";

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn top() -> String {
    let mut out = format!(
        "tcvpc {}: Tencent Cloud APIs from the shell, tccli's grammar.\n\nUSAGE\n    {}\nSERVICES\n",
        crate::VERSION,
        USAGE.lines().next().unwrap_or_default()
    );
    for service in table::services() {
        let _ = writeln!(
            out,
            "    {:<8}{} ({}, {} actions)",
            service.name,
            service.title,
            service.version,
            service.actions().count()
        );
    }
    out.push_str(
        "\nCOMMANDS\n    configure           tccli's configuration files (see `tcvpc configure help`)\n    \
         <service> wait      wait for a resource's state (see `tcvpc vpc wait help`)\n    \
         completion <shell>  a completion script for bash, zsh or fish\n\nOPTIONS\n",
    );
    out.push_str(&options());
    out
}

fn options() -> String {
    let mut out = String::new();
    for (name, text) in [
        (
            "secretId / --secretKey / --token",
            "credentials (else the environment, else the profile)",
        ),
        ("role-arn / --role-session-name", "assume this role"),
        ("use-cvm-role", "the instance's role"),
        ("region", "the region"),
        ("endpoint", "a host (https:// is added) or a URL"),
        ("version", "the API version (the spec's only)"),
        ("language", "zh-CN or en-US"),
        (
            "profile",
            "the profile (default: $TCCLI_PROFILE, else default)",
        ),
        ("timeout", "seconds per request"),
        ("https-proxy", "a proxy URL"),
        (
            "ca-file",
            "extra trusted roots (also SSL_CERT_FILE, REQUESTS_CA_BUNDLE)",
        ),
        ("filter", "a JMESPath expression applied to the answer"),
        ("output", "json, text or table"),
        (
            "generate-cli-skeleton",
            "print the request's skeleton, send nothing",
        ),
        (
            "cli-input-json",
            "file://<path>: the request's members from a JSON file",
        ),
        (
            "cli-unfold-argument",
            "members by dotted paths (--Filters.0.Name vpc-id)",
        ),
        (
            "all-pages",
            "every page of a paged action, the items joined",
        ),
        (
            "dry-run",
            "print the signed request (secrets redacted), send nothing",
        ),
        (
            "wait",
            "follow the asynchronous task the action starts until it ends",
        ),
        (
            "wait-timeout",
            "seconds before --wait or a waiter gives up (600)",
        ),
    ] {
        let _ = writeln!(out, "    --{name}\n        {text}");
    }
    debug_assert!(args::global_names().count() > 0);
    out
}

fn service_help(service: &Service) -> String {
    let mut out = format!(
        "NAME\n    {}\n\nDESCRIPTION\n    {} (API version {})\n",
        service.name, service.title, service.version
    );
    if !service.brief.is_empty() {
        let _ = writeln!(out, "{}", indent(service.brief, 4));
    }
    let _ = writeln!(
        out,
        "\nUSAGE\n    tcvpc {} <action> [--<Member> <value> ...]\n\nAVAILABLE ACTIONS",
        service.name
    );
    for action in service.actions() {
        let title = if action.title.is_empty() {
            first_line(action.doc)
        } else {
            action.title
        };
        let _ = writeln!(out, "    {}\n        {}", action.name, title);
    }
    if !service.waiters.is_empty() {
        let _ = writeln!(out, "\nWAITERS\n    tcvpc {} wait help", service.name);
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn action_help(service: &Service, action: &Action) -> String {
    let mut out = format!(
        "NAME\n    {}\n\nDESCRIPTION\n{}\n\nUSAGE\n    tcvpc {} {}",
        action.name,
        indent(action.doc, 4),
        service.name,
        action.name
    );
    for member in action.input.iter().filter(|m| m.required) {
        let _ = write!(out, " --{} <{}>", member.name, member.ty.display());
    }
    out.push_str(" [options]\n\nPARAMETERS\n");
    if action.input.is_empty() {
        out.push_str("    (none)\n");
    }
    for member in action.input {
        let how = if member.required {
            "required"
        } else {
            "optional"
        };
        let json = if member.ty.is_json() { ", as JSON" } else { "" };
        let _ = writeln!(
            out,
            "    --{} ({}{json}, {how})",
            member.name,
            member.ty.display()
        );
        if !member.doc.is_empty() {
            let _ = writeln!(out, "{}", indent(member.doc, 8));
        }
    }
    out.push_str("\nANSWER\n");
    for member in action.output {
        let _ = writeln!(out, "    {} ({})", member.name, member.ty.display());
    }
    if let Some(paging) = &action.paging {
        let _ = writeln!(
            out,
            "\nPAGING\n    --all-pages lists every page ({} and {}, items in {})",
            paging.offset, paging.limit, paging.items
        );
    }
    out.push_str("\nOPTIONS\n");
    out.push_str(&options());
    out
}

fn wait_help(service: &Service) -> String {
    let mut out = format!(
        "NAME\n    tcvpc {} wait\n\nUSAGE\n    tcvpc {} wait <waiter> --<IdMember> <id> [--wait-timeout <seconds>] [options]\n\nWAITERS\n",
        service.name, service.name
    );
    for (name, waiter, deleted) in service.waiter_commands() {
        let what = if deleted {
            "until it is gone".to_owned()
        } else {
            format!(
                "until {} is {}",
                waiter.state.join("."),
                waiter.success.join(" or ")
            )
        };
        let _ = writeln!(
            out,
            "    {name} --{} <id>\n        polls {} {what} (also --{} <id> or a prefix)",
            waiter.ids.strip_suffix('s').unwrap_or(waiter.ids),
            waiter.describe,
            waiter.ids
        );
    }
    out
}
