//! The state file (`--state FILE`, [`EmulatorBuilder::state_file`](super::EmulatorBuilder::state_file)):
//! the emulator's whole state as versioned JSON a person can read, loaded at start and
//! written back after every change, atomically (a temporary file beside it, then a
//! rename), so a crash never leaves half a file.
//!
//! ```json
//! {
//!   "version": 1,
//!   "ids": 7,
//!   "task_numbers": 0,
//!   "scopes": [
//!     { "account": "AKID...", "region": "ap-guangzhou",
//!       "tables": { "vpcs": [ { "VpcId": "vpc-...", ... } ] } }
//!   ],
//!   "pending": [ { "account": "...", "region": "...", "table": "nat_gateways",
//!                  "id": "nat-...", "member": "State", "value": "AVAILABLE",
//!                  "remaining_ms": 1500 } ],
//!   "tasks": [ { "id": "<RequestId>", "account": "...", "region": "...",
//!                "action": "CreateNetworkInterface", "remaining_ms": 0, "failed": null } ]
//! }
//! ```
//!
//! Rows are kept as the API answers them. Times still to come are written as what
//! remains of them, and count again from the restart. The quotas, the delay and the
//! failing actions are options, not state: they are not in the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::engine::{IdSource, Scope, Table};
use super::world::{Kind, Region, Task, TaskEnd, Transition, World};

/// The version this emulator writes and reads.
pub const STATE_VERSION: u32 = 1;

/// Why a state file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file cannot be read or written.
    #[error("state file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a state file this emulator reads.
    #[error("state file {path}:{line}:{column}: at `{pointer}`: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where (1-based).
        line: usize,
        /// Where (1-based, in characters).
        column: usize,
        /// The JSON pointer of the value at fault (empty for the whole document).
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    ids: u64,
    #[serde(default)]
    task_numbers: u64,
    #[serde(default)]
    scopes: Vec<ScopeState>,
    #[serde(default)]
    pending: Vec<PendingState>,
    #[serde(default)]
    tasks: Vec<TaskState>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeState {
    account: String,
    region: String,
    tables: BTreeMap<String, Vec<Map<String, Value>>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PendingState {
    account: String,
    region: String,
    table: String,
    id: String,
    member: String,
    value: Value,
    remaining_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskState {
    id: String,
    account: String,
    region: String,
    action: String,
    remaining_ms: u64,
    failed: Option<String>,
}

fn remaining(at: Instant, now: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX)
}

/// The state of `world` as the text of a state file.
pub(super) fn to_text(world: &World, now: Instant) -> String {
    let mut scopes: Vec<ScopeState> = world
        .scopes
        .iter()
        .map(|(scope, region)| ScopeState {
            account: scope.account.clone(),
            region: scope.region.clone(),
            tables: region
                .tables()
                .iter()
                .map(|(name, table)| ((*name).to_owned(), table.rows().to_vec()))
                .collect(),
        })
        .collect();
    scopes.sort_by(|a, b| (&a.account, &a.region).cmp(&(&b.account, &b.region)));
    let pending = world
        .timeline
        .iter()
        .map(|t| PendingState {
            account: t.scope.account.clone(),
            region: t.scope.region.clone(),
            table: t.kind.table.to_owned(),
            id: t.id.clone(),
            member: t.member.clone(),
            value: t.value.clone(),
            remaining_ms: remaining(t.at, now),
        })
        .collect();
    let mut tasks: Vec<TaskState> = world
        .tasks
        .iter()
        .map(|(id, task)| TaskState {
            id: id.clone(),
            account: task.scope.account.clone(),
            region: task.scope.region.clone(),
            action: task.action.clone(),
            remaining_ms: remaining(task.at, now),
            failed: match &task.end {
                TaskEnd::Success => None,
                TaskEnd::Failed(output) => Some(output.clone()),
            },
        })
        .collect();
    tasks.sort_by(|a, b| a.id.cmp(&b.id));
    let file = StateFile {
        version: STATE_VERSION,
        ids: world.ids.state(),
        task_numbers: world.task_numbers,
        scopes,
        pending,
        tasks,
    };
    // A state of JSON values and plain structs always serializes.
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `text` to `path` atomically: a temporary file beside it, then a rename.
pub(super) fn write(path: &Path, text: &str) -> Result<(), StateError> {
    let io = |source| StateError::Io {
        path: path.to_owned(),
        source,
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}

/// Reads the state file at `path` into `world` (which keeps its options), if the file
/// exists; a missing file is an empty state, written on the first change.
pub(super) fn load(
    path: &Path,
    world: &mut World,
    kinds: &[&'static Kind],
    now: Instant,
) -> Result<(), StateError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StateError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let invalid = |pointer: &str, message: String| {
        let position = api_spec::locate::position_of(&text, pointer);
        StateError::Invalid {
            path: path.to_owned(),
            line: position.line,
            column: position.column,
            pointer: pointer.to_owned(),
            message,
        }
    };
    let located = |pointer: String, error: &serde_json::Error| {
        let (position, message) = api_spec::locate::serde_json_position(&text, error);
        StateError::Invalid {
            path: path.to_owned(),
            line: position.line,
            column: position.column,
            pointer,
            message,
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let file: StateFile = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| located(api_spec::locate::pointer_of(error.path()), error.inner()))?;
    deserializer
        .end()
        .map_err(|error| located(String::new(), &error))?;
    if file.version != STATE_VERSION {
        return Err(invalid(
            "/version",
            format!(
                "version {} is not the version this emulator reads ({STATE_VERSION})",
                file.version
            ),
        ));
    }
    let kind_of = |name: &str| kinds.iter().copied().find(|k| k.table == name);
    let mut scopes = std::collections::HashMap::new();
    for (i, scope) in file.scopes.into_iter().enumerate() {
        let mut region = Region::default();
        for (name, rows) in scope.tables {
            let pointer = format!(
                "/scopes/{i}/tables/{}",
                api_spec::locate::escape_token(&name)
            );
            let kind = kind_of(&name).ok_or_else(|| {
                invalid(
                    &pointer,
                    format!("no kind of resource is kept in a table `{name}`"),
                )
            })?;
            for (j, row) in rows.iter().enumerate() {
                if !row.get(kind.id).is_some_and(Value::is_string) {
                    return Err(invalid(
                        &format!("{pointer}/{j}"),
                        format!("a row of `{name}` has no text `{}`", kind.id),
                    ));
                }
            }
            let mut table = Table::new();
            rows.into_iter().for_each(|row| table.push(row));
            region.set_table(&name, table, kinds);
        }
        scopes.insert(
            Scope {
                account: scope.account,
                region: scope.region,
            },
            region,
        );
    }
    let mut timeline = Vec::new();
    for (i, pending) in file.pending.into_iter().enumerate() {
        let kind = kind_of(&pending.table).ok_or_else(|| {
            invalid(
                &format!("/pending/{i}/table"),
                format!("no kind of resource is kept in a table `{}`", pending.table),
            )
        })?;
        timeline.push(Transition {
            scope: Scope {
                account: pending.account,
                region: pending.region,
            },
            kind,
            id: pending.id,
            member: pending.member,
            value: pending.value,
            at: now + Duration::from_millis(pending.remaining_ms),
        });
    }
    world.scopes = scopes;
    world.timeline = timeline;
    world.tasks = file
        .tasks
        .into_iter()
        .map(|task| {
            (
                task.id,
                Task {
                    scope: Scope {
                        account: task.account,
                        region: task.region,
                    },
                    action: task.action,
                    at: now + Duration::from_millis(task.remaining_ms),
                    end: task.failed.map_or(TaskEnd::Success, TaskEnd::Failed),
                },
            )
        })
        .collect();
    world.task_numbers = file.task_numbers;
    world.ids = IdSource::seeded(file.ids);
    Ok(())
}
