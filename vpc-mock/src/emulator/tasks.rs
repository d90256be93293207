//! Asynchronous tasks: `DescribeVpcTaskResult` (tasks followed by the starting call's
//! RequestId) and `DescribeTaskResult` (elastic IP tasks followed by the `TaskId` the
//! starting call answered). Which actions start a task is the spec's rule
//! ([`api_spec::tasks`]); a task runs for the emulator's delay, then ends `SUCCESS`, or
//! `FAILED` when its action was made to fail.

use api_spec::ir::{Action, Type};
use api_spec::tasks::TaskPoll;
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::context::Context;
use super::engine::Scope;
use super::world::{TaskEnd, World};
use super::{ActionFn, Resource};
use crate::handler::{ApiError, Call};

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("DescribeVpcTaskResult", describe_vpc_task as ActionFn),
        ("DescribeTaskResult", describe_task),
    ],
    kinds: &[],
    references: &[],
};

/// Starts the task a successful `call` of `action` starts, if it starts one: under the
/// call's RequestId (`DescribeVpcTaskResult`), or under a fresh number put in the
/// answer's `TaskId` (`DescribeTaskResult`), typed as the spec types that member.
pub(super) fn start(
    world: &mut World,
    action: &Action,
    call: &Call,
    answer: &mut Map<String, Value>,
    now: Instant,
) {
    let scope = Scope::of(call);
    match action.task {
        Some(TaskPoll::RequestId) => {
            world.start_task(&scope, &action.name, call.request_id.clone(), now);
        }
        Some(TaskPoll::TaskId) => {
            let id = world.next_task_number();
            let as_text = action
                .output
                .iter()
                .any(|f| f.wire_name == "TaskId" && f.ty == Type::String);
            let value = if as_text {
                Value::from(id.clone())
            } else {
                id.parse::<u64>()
                    .map_or_else(|_| Value::from(id.clone()), Value::from)
            };
            answer.insert("TaskId".into(), value);
            world.start_task(&scope, &action.name, id, now);
        }
        None => {}
    }
}

/// The text a task ID parameter holds (a number or a string).
fn task_id(cx: &Context<'_>) -> Result<String, ApiError> {
    match cx.params.get("TaskId") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(cx.error(
            &["MissingParameter", "InvalidParameter"],
            "The parameter `TaskId` is missing.",
        )),
    }
}

fn describe_vpc_task(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = task_id(cx)?;
    let task = world
        .tasks
        .get(&id)
        .filter(|task| task.scope == cx.scope)
        .ok_or_else(|| {
            cx.error(
                &["ResourceNotFound"],
                format!(
                    "The task `{id}` does not exist in region `{}`.",
                    cx.scope.region
                ),
            )
        })?;
    let status = task.status(cx.now);
    let output = match (&task.end, status) {
        (TaskEnd::Failed(message), "FAILED") => message.clone(),
        (_, "SUCCESS") => "SUCCESS".to_owned(),
        _ => String::new(),
    };
    let mut out = Map::new();
    out.insert("Status".into(), Value::from(status));
    out.insert("Output".into(), Value::from(output));
    out.insert("Result".into(), Value::Array(Vec::new()));
    Ok(out)
}

fn describe_task(world: &mut World, cx: &Context<'_>) -> Result<Map<String, Value>, ApiError> {
    let id = task_id(cx)?;
    // DescribeTaskResult documents no not-found code: an unknown task is an invalid
    // parameter.
    let task = world
        .tasks
        .get(&id)
        .filter(|task| task.scope == cx.scope)
        .ok_or_else(|| {
            cx.error(
                &["InvalidParameter"],
                format!(
                    "The task `{id}` does not exist in region `{}`.",
                    cx.scope.region
                ),
            )
        })?;
    let number: u64 = id.parse().map_err(|_| {
        cx.error(
            &["InvalidParameter"],
            format!("The task ID `{id}` is not a number."),
        )
    })?;
    let mut out = Map::new();
    out.insert("TaskId".into(), Value::from(number));
    out.insert("Result".into(), Value::from(task.status(cx.now)));
    Ok(out)
}
