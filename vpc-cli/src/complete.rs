//! Completion: the scripts for bash, zsh and fish, which ask the tool itself
//! (`tcvpc __complete <words>`) for the candidates of the last word: services,
//! actions, members and options, waiters and their ID member, and the values of
//! `--output`. The tables
//! are in the binary, so a completion costs one start of it and no file reading.

use crate::args;
use crate::table;

/// The completion script for `shell` (`bash`, `zsh`, `fish`). Under `alias tccli=tcvpc`
/// (defined before the script is loaded), bash and zsh complete `tccli` too; fish's
/// `alias` makes a function that wraps `tcvpc`, so it inherits the completions itself.
pub fn script(shell: &str) -> String {
    match shell {
        "zsh" => "#compdef tcvpc\n_tcvpc() {\n  local -a candidates\n  candidates=(\"${(@f)$(tcvpc __complete \"${(@)words[2,CURRENT]}\" 2>/dev/null)}\")\n  compadd -a candidates\n}\ncompdef _tcvpc tcvpc\n# `alias tccli=tcvpc`: tccli completes as tcvpc (zsh expands aliases unless complete_aliases is set).\nif [[ \"${aliases[tccli]}\" == *tcvpc* ]]; then compdef _tcvpc tccli; fi\n".to_owned(),
        "fish" => "complete -c tcvpc -f -a '(tcvpc __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'\n# `alias tccli=tcvpc` wraps tcvpc: fish completes tccli with these.\n".to_owned(),
        _ => "_tcvpc() {\n  local IFS=$'\\n'\n  COMPREPLY=( $(tcvpc __complete \"${COMP_WORDS[@]:1:COMP_CWORD}\" 2>/dev/null) )\n}\ncomplete -o default -F _tcvpc tcvpc\n# `alias tccli=tcvpc`, defined before this script: tccli completes as tcvpc.\nif [[ \"$(alias tccli 2>/dev/null)\" == *tcvpc* ]]; then complete -o default -F _tcvpc tccli; fi\n".to_owned(),
    }
}

/// The candidates for the last of `words` (the words after the program name, the
/// last one being completed), one a line.
pub fn candidates(words: &[String]) -> String {
    let (partial, before) = match words.split_last() {
        Some((last, before)) => (last.as_str(), before),
        None => ("", &[][..]),
    };
    let mut out: Vec<String> = Vec::new();
    match before {
        [] => {
            out.extend(table::services().iter().map(|s| s.name.to_owned()));
            out.extend(["configure", "completion", "help"].map(str::to_owned));
        }
        [first] if first == "configure" => {
            out.extend(["set", "get", "list", "remove"].map(str::to_owned))
        }
        [first] if first == "completion" => out.extend(["bash", "zsh", "fish"].map(str::to_owned)),
        [service] => {
            if let Some(service) = table::service(service) {
                out.extend(service.actions().map(|a| a.name.to_owned()));
                out.extend(["wait", "help"].map(str::to_owned));
            }
        }
        [service, wait] if wait == "wait" => {
            if let Some(service) = table::service(service) {
                out.extend(
                    service
                        .waiter_commands()
                        .into_iter()
                        .map(|(name, _, _)| name),
                );
            }
        }
        [service, wait, waiter, rest @ ..] if wait == "wait" => {
            let previous = rest.last().map(String::as_str);
            let commands = table::service(service)
                .map(|s| s.waiter_commands())
                .unwrap_or_default();
            if previous == Some("--output") {
                out.extend(["json", "text", "table"].map(str::to_owned));
            } else if let Some((_, waiter, _)) = commands.iter().find(|(name, _, _)| name == waiter)
            {
                // The ID member first, as the issue writes it (`--NatGatewayId`).
                let singular = waiter.ids.strip_suffix('s').unwrap_or(waiter.ids);
                out.push(format!("--{singular}"));
                out.push(format!("--{}", waiter.ids));
                out.extend(args::global_names().map(|g| format!("--{g}")));
            }
        }
        [service, action, rest @ ..] => {
            let previous = rest.last().map(String::as_str);
            if previous == Some("--output") {
                out.extend(["json", "text", "table"].map(str::to_owned));
            } else if let Some(action) = table::service(service).and_then(|s| s.action(action)) {
                out.extend(action.input.iter().map(|m| format!("--{}", m.name)));
                out.extend(args::global_names().map(|g| format!("--{g}")));
            }
        }
    }
    let mut text = String::new();
    for candidate in out.into_iter().filter(|c| c.starts_with(partial)) {
        text.push_str(&candidate);
        text.push('\n');
    }
    text
}
