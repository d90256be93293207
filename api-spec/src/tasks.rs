//! Which actions start an asynchronous task, decided from the spec alone. One rule,
//! used by the generator (task waiters) and the local emulator (tasks that run).
//!
//! Tencent documents two ways to follow a task:
//! - **`DescribeVpcTaskResult`** with the call's `RequestId`: the action's document (the
//!   English or the Chinese one) names `DescribeVpcTaskResult` ("This API is async. You
//!   can call DescribeVpcTaskResult ..."), and the service has that action.
//! - **`DescribeTaskResult`** with the answer's `TaskId` (elastic IPs): the action
//!   answers a `TaskId` member whose document names `DescribeTaskResult`, and the
//!   service has that action.
//!
//! The polling actions themselves start nothing.

use crate::model;

/// The action that reports a task started by a call, polled with its `RequestId`.
pub const VPC_TASK_ACTION: &str = "DescribeVpcTaskResult";
/// The action that reports a task by the `TaskId` the starting call answered.
pub const TASK_ID_ACTION: &str = "DescribeTaskResult";

/// How a task-starting action's task is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskPoll {
    /// Poll `DescribeVpcTaskResult` with the call's `RequestId` until `Status` is
    /// `SUCCESS` or `FAILED`.
    RequestId,
    /// Poll `DescribeTaskResult` with the answer's `TaskId` until `Result` is `SUCCESS`
    /// or `FAILED`.
    TaskId,
}

/// How the task `action` (named `name`) starts is followed, if it starts one;
/// `has(action)` says whether the service has an action.
pub fn task_poll(
    name: &str,
    action: &model::Action,
    has: impl Fn(&str) -> bool,
) -> Option<TaskPoll> {
    let names = |text: &str, target: &str| text.contains(target);
    let documents = [
        Some(action.document.as_str()),
        action.document_zh.as_deref(),
    ];
    if name != VPC_TASK_ACTION
        && has(VPC_TASK_ACTION)
        && documents
            .iter()
            .flatten()
            .any(|d| names(d, VPC_TASK_ACTION))
    {
        return Some(TaskPoll::RequestId);
    }
    let task_id = action.output.iter().find(|m| m.name == "TaskId")?;
    let member_documents = [
        Some(task_id.document.as_str()),
        task_id.document_zh.as_deref(),
    ];
    (name != TASK_ID_ACTION
        && has(TASK_ID_ACTION)
        && member_documents
            .iter()
            .flatten()
            .any(|d| names(d, TASK_ID_ACTION)))
    .then_some(TaskPoll::TaskId)
}
