//! Asynchronous tasks: `DescribeVpcTaskResult` (tasks followed by the starting call's
//! RequestId) and `DescribeTaskResult` (elastic IP tasks followed by the `TaskId` the
//! starting call answered). Which actions start a task is the spec's rule
//! ([`api_spec::tasks`]); a task runs for the emulator's delay, then ends `SUCCESS`, or
//! `FAILED` when its action was made to fail.

use api_spec::ir::Action;
use api_spec::tasks::TaskPoll;
use serde_json::{Map, Value};

use super::context::Context;
use super::world::{TaskEnd, World};
use super::{ActionFn, Resource};
use crate::handler::ApiError;

pub(super) static RESOURCE: Resource = Resource {
    actions: &[
        ("DescribeVpcTaskResult", describe_vpc_task as ActionFn),
        ("DescribeTaskResult", describe_task),
    ],
    kinds: &[],
    references: &[],
};

/// Whether a successful call of `action` starts a task followed by its RequestId.
pub(super) fn starts_vpc_task(action: &Action) -> bool {
    action.task == Some(TaskPoll::RequestId)
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
