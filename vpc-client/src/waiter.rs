//! Waiters: polling until what Tencent does asynchronously is done.
//!
//! Two kinds, both generated from the spec (see `ARCHITECTURE.md`):
//!
//! - **Task waiters** ([`Client::wait_for_task`]). An action whose document says it
//!   starts a task (the rule is `api_spec::tasks`) gets a `task()` method on its
//!   response, which gives the request that polls the task: `DescribeVpcTaskResult`
//!   with the call's `RequestId`, or `DescribeTaskResult` with the answer's `TaskId`.
//!   A task that ends `FAILED` is [`WaitError::TaskFailed`], never a success.
//! - **State waiters** (`client.wait_until_nat_gateway_available(id, &options)` and
//!   `..._deleted`), declared once per resource in the spec's `waiters` section: they
//!   describe one resource by its ID until its state is one of the success states
//!   ([`WaitError::Failed`] on a failure state), or until it is gone.
//!
//! Each poll is an ordinary [`Client::call`], with its retries, rate limiter and
//! deadline; a poll throttled past its retries is one more unsuccessful poll, never the
//! end of the wait. Between polls the waiter backs off exponentially from
//! [`WaitOptions::min_delay`] to [`WaitOptions::max_delay`] with jitter, and gives up
//! at its own [`WaitOptions::deadline`] ([`WaitError::Deadline`]). The outcome,
//! [`Waited`], says how many polls it took and how long. Each wait is one `tracing`
//! span, `vpc_client.wait`, with each poll a debug event.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::action::Action;
use crate::client::Client;
use crate::error::Error;

/// How a waiter polls: its delays, its deadline and its patience with a resource not
/// found yet. [`Default`] gives the documented defaults; each `with_*` changes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    min_delay: Duration,
    max_delay: Duration,
    deadline: Duration,
    not_found_grace: Duration,
}

impl WaitOptions {
    /// The first delay between two polls: 2 s.
    pub const DEFAULT_MIN_DELAY: Duration = Duration::from_secs(2);
    /// The longest delay between two polls: 30 s.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);
    /// How long a waiter waits in all: 10 minutes.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(600);
    /// How long a resource may be missing while waiting for it to become available
    /// (Tencent's reads lag its writes): 20 s.
    pub const DEFAULT_NOT_FOUND_GRACE: Duration = Duration::from_secs(20);

    /// The delay after the first poll; each later delay doubles, up to
    /// [`max_delay`](Self::max_delay).
    pub fn with_min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self.max_delay = self.max_delay.max(delay);
        self
    }

    /// The longest delay between two polls (at least the minimum delay).
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay.max(self.min_delay);
        self
    }

    /// How long the wait may take in all, polls included.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// How long a resource not found is polled again while waiting for it to become
    /// available, counted from the start of the wait.
    pub fn with_not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }

    /// The first delay between two polls.
    pub fn min_delay(&self) -> Duration {
        self.min_delay
    }

    /// The longest delay between two polls.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// How long the wait may take in all.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// How long a resource not found yet is polled again.
    pub fn not_found_grace(&self) -> Duration {
        self.not_found_grace
    }

    /// The delay after poll `poll` (1-based): `min_delay * 2^(poll-1)`, at most
    /// `max_delay`, of which up to half is taken off at random (`unit` in `0.0..1.0`),
    /// never below `min_delay`.
    pub fn delay(&self, poll: u32, unit: f64) -> Duration {
        let doublings = poll.saturating_sub(1).min(31);
        let ceiling = self
            .min_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * (1.0 - 0.5 * unit))
            .map_or(ceiling, |delay| delay.clamp(self.min_delay, ceiling))
    }
}

impl Default for WaitOptions {
    /// [`DEFAULT_MIN_DELAY`](Self::DEFAULT_MIN_DELAY) to
    /// [`DEFAULT_MAX_DELAY`](Self::DEFAULT_MAX_DELAY) between polls, at most
    /// [`DEFAULT_DEADLINE`](Self::DEFAULT_DEADLINE) in all, a resource missing for up to
    /// [`DEFAULT_NOT_FOUND_GRACE`](Self::DEFAULT_NOT_FOUND_GRACE).
    fn default() -> Self {
        Self {
            min_delay: Self::DEFAULT_MIN_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            deadline: Self::DEFAULT_DEADLINE,
            not_found_grace: Self::DEFAULT_NOT_FOUND_GRACE,
        }
    }
}

/// A wait that succeeded: the last answer, and what it took.
#[derive(Debug, Clone)]
pub struct Waited<T> {
    /// The answer of the last poll (the task's result, or the describe answer showing
    /// the resource in a success state, or not showing it when waiting for it to go).
    pub response: T,
    /// How many polls it took.
    pub polls: u32,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why a wait ended without success. Every variant says how many polls were made and
/// how long the wait took.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<E> {
    /// The task ended `FAILED`.
    TaskFailed {
        /// The task's identity (the starting call's `RequestId`, or the `TaskId`).
        task: String,
        /// Tencent's text about the failure (`Output` or `Result`), as it sent it.
        message: String,
        /// Polls made.
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
    /// The resource reached a state the spec names as a failure.
    Failed {
        /// The resource kind (`NatGateway`).
        resource: &'static str,
        /// Its ID.
        id: String,
        /// The state it reached.
        state: String,
        /// Polls made.
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
    /// The resource was never found while waiting for it to become available, not even
    /// after the grace period ([`WaitOptions::not_found_grace`]).
    NotFound {
        /// The resource kind.
        resource: &'static str,
        /// Its ID.
        id: String,
        /// Polls made.
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
    /// The resource was seen, then disappeared (deleted) while waiting for it to become
    /// available.
    Gone {
        /// The resource kind.
        resource: &'static str,
        /// Its ID.
        id: String,
        /// The last state seen.
        last_state: Option<String>,
        /// Polls made.
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
    /// The waiter's own deadline ([`WaitOptions::deadline`]) passed first.
    Deadline {
        /// What was waited for (`task ...` or `NatGateway nat-...`).
        target: String,
        /// The last state seen, if any.
        last_state: Option<String>,
        /// Polls made.
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
    /// A poll failed with an error that is not worth another poll.
    Call {
        /// The poll's error.
        error: Error<E>,
        /// Polls made (the failed one included).
        polls: u32,
        /// Time taken.
        elapsed: Duration,
    },
}

impl<E> WaitError<E> {
    /// How many polls were made.
    pub fn polls(&self) -> u32 {
        match self {
            WaitError::TaskFailed { polls, .. }
            | WaitError::Failed { polls, .. }
            | WaitError::NotFound { polls, .. }
            | WaitError::Gone { polls, .. }
            | WaitError::Deadline { polls, .. }
            | WaitError::Call { polls, .. } => *polls,
        }
    }

    /// How long the wait took.
    pub fn elapsed(&self) -> Duration {
        match self {
            WaitError::TaskFailed { elapsed, .. }
            | WaitError::Failed { elapsed, .. }
            | WaitError::NotFound { elapsed, .. }
            | WaitError::Gone { elapsed, .. }
            | WaitError::Deadline { elapsed, .. }
            | WaitError::Call { elapsed, .. } => *elapsed,
        }
    }

    /// A short fixed name of the variant, for logs and traces.
    pub fn kind_name(&self) -> &'static str {
        match self {
            WaitError::TaskFailed { .. } => "task_failed",
            WaitError::Failed { .. } => "failed",
            WaitError::NotFound { .. } => "not_found",
            WaitError::Gone { .. } => "gone",
            WaitError::Deadline { .. } => "deadline",
            WaitError::Call { .. } => "call",
        }
    }
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let took = |polls: &u32, elapsed: &Duration| {
            format!("after {polls} polls in {:.1} s", elapsed.as_secs_f64())
        };
        match self {
            WaitError::TaskFailed {
                task,
                message,
                polls,
                elapsed,
            } => write!(
                f,
                "task {task} failed: {message} ({})",
                took(polls, elapsed)
            ),
            WaitError::Failed {
                resource,
                id,
                state,
                polls,
                elapsed,
            } => write!(
                f,
                "{resource} {id} reached failure state {state} ({})",
                took(polls, elapsed)
            ),
            WaitError::NotFound {
                resource,
                id,
                polls,
                elapsed,
            } => write!(f, "{resource} {id} not found ({})", took(polls, elapsed)),
            WaitError::Gone {
                resource,
                id,
                polls,
                elapsed,
                ..
            } => write!(
                f,
                "{resource} {id} disappeared (deleted) while waiting for it ({})",
                took(polls, elapsed)
            ),
            WaitError::Deadline {
                target,
                last_state,
                polls,
                elapsed,
            } => {
                write!(f, "waiter deadline passed waiting for {target}")?;
                if let Some(state) = last_state {
                    write!(f, " (last state {state})")?;
                }
                write!(f, " ({})", took(polls, elapsed))
            }
            WaitError::Call {
                error,
                polls,
                elapsed,
            } => write!(f, "poll failed: {error} ({})", took(polls, elapsed)),
        }
    }
}

impl<E: fmt::Debug + fmt::Display + 'static> std::error::Error for WaitError<E>
where
    Error<E>: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Call { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// What a task's status answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStatus {
    /// Still running (or a status the client does not know, or none).
    Running,
    /// Done.
    Success,
    /// Failed, with Tencent's text.
    Failed(String),
}

impl TaskStatus {
    /// Reads Tencent's status words: `SUCCESS`, `FAILED` (with `message`), anything
    /// else (`RUNNING`, absent) is still running.
    pub fn from_words(status: Option<&str>, message: Option<&str>) -> Self {
        match status.map(str::trim) {
            Some(s) if s.eq_ignore_ascii_case("SUCCESS") => TaskStatus::Success,
            Some(s) if s.eq_ignore_ascii_case("FAILED") => {
                TaskStatus::Failed(message.unwrap_or_default().to_owned())
            }
            _ => TaskStatus::Running,
        }
    }
}

/// The request that polls a task (`DescribeVpcTaskResult`, `DescribeTaskResult`),
/// implemented by generated code: which task it asks about, and what an answer says.
pub trait TaskQuery: Action {
    /// The task's identity, for errors and traces.
    fn task(&self) -> String;
    /// The task's status in an answer.
    fn status(response: &Self::Response) -> TaskStatus;
}

/// Whether a state waiter waits for the resource to be ready or to be gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// In one of the success states.
    Available,
    /// No longer listed (or answered with a not-found code).
    Gone,
}

/// A state waiter as the spec declares it (generated code holds one per resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateWaiter {
    /// The resource kind (`NatGateway`).
    pub resource: &'static str,
    /// The states that end the wait for availability successfully.
    pub success: &'static [&'static str],
    /// The states that end any wait with [`WaitError::Failed`].
    pub failure: &'static [&'static str],
    /// Error codes of the describe action that mean "no such resource".
    pub not_found_codes: &'static [&'static str],
}

/// What one describe answer says about the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// Not in the answer.
    Missing,
    /// Listed, in this state (`None`: the answer has no state for it).
    State(Option<String>),
}

/// The clock, the count and the pauses of one wait.
struct Poller<'a> {
    client: &'a Client,
    options: &'a WaitOptions,
    started: Instant,
    polls: u32,
}

impl<'a> Poller<'a> {
    fn new(client: &'a Client, options: &'a WaitOptions) -> Self {
        Self {
            client,
            options,
            started: Instant::now(),
            polls: 0,
        }
    }

    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// One poll, cut short at the waiter's deadline (`None`).
    async fn poll<A: Action>(
        &mut self,
        request: &A,
    ) -> Option<Result<A::Response, Error<A::Error>>> {
        let remaining = self.options.deadline.checked_sub(self.elapsed())?;
        self.polls += 1;
        tokio::time::timeout(remaining, self.client.call(request))
            .await
            .ok()
    }

    /// Sleeps before the next poll; `false` when the deadline would pass first.
    async fn pause(&self, state: Option<&str>) -> bool {
        let delay = self.options.delay(self.polls, self.client.jitter_unit());
        tracing::debug!(
            poll = self.polls,
            state = state.unwrap_or(""),
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "not done yet"
        );
        if self.elapsed() + delay >= self.options.deadline {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }

    fn deadline<E>(&self, target: String, last_state: Option<String>) -> WaitError<E> {
        WaitError::Deadline {
            target,
            last_state,
            polls: self.polls,
            elapsed: self.elapsed(),
        }
    }

    fn call_error<E>(&self, error: Error<E>) -> WaitError<E> {
        WaitError::Call {
            error,
            polls: self.polls,
            elapsed: self.elapsed(),
        }
    }

    fn done<T>(&self, response: T) -> Waited<T> {
        Waited {
            response,
            polls: self.polls,
            elapsed: self.elapsed(),
        }
    }
}

/// Records a wait's outcome on its span.
fn record<T, E>(span: &tracing::Span, result: &Result<Waited<T>, WaitError<E>>) {
    let (outcome, polls, elapsed) = match result {
        Ok(waited) => ("ok", waited.polls, waited.elapsed),
        Err(error) => (error.kind_name(), error.polls(), error.elapsed()),
    };
    span.record("outcome", outcome);
    span.record("polls", polls);
    span.record(
        "elapsed_ms",
        u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    );
}

impl Client {
    /// Polls `query` until its task ends: `Ok` with the last answer when it succeeds,
    /// [`WaitError::TaskFailed`] when it fails, [`WaitError::Deadline`] when
    /// `options.deadline()` passes first, [`WaitError::Call`] when a poll fails with an
    /// error not worth another poll. A throttled poll is polled again.
    ///
    /// The query usually comes from the starting call's answer, whose `task()` method
    /// gives it; `DescribeVpcTaskResultRequest::new(request_id)` builds one by hand.
    pub async fn wait_for_task<Q: TaskQuery>(
        &self,
        query: &Q,
        options: &WaitOptions,
    ) -> Result<Waited<Q::Response>, WaitError<Q::Error>> {
        let task = query.task();
        let span = tracing::info_span!(
            "vpc_client.wait",
            waiter = Q::NAME,
            id = %task,
            polls = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let result =
            tracing::Instrument::instrument(self.task_loop(query, task, options), span.clone())
                .await;
        record(&span, &result);
        result
    }

    async fn task_loop<Q: TaskQuery>(
        &self,
        query: &Q,
        task: String,
        options: &WaitOptions,
    ) -> Result<Waited<Q::Response>, WaitError<Q::Error>> {
        let mut poller = Poller::new(self, options);
        let target = format!("task {task}");
        let mut last = None;
        loop {
            let state = match poller.poll(query).await {
                None => return Err(poller.deadline(target, last)),
                Some(Ok(response)) => match Q::status(&response) {
                    TaskStatus::Success => return Ok(poller.done(response)),
                    TaskStatus::Failed(message) => {
                        return Err(WaitError::TaskFailed {
                            task,
                            message,
                            polls: poller.polls,
                            elapsed: poller.elapsed(),
                        });
                    }
                    TaskStatus::Running => Some("RUNNING".to_owned()),
                },
                Some(Err(error)) if error.is_throttling() => None,
                Some(Err(error)) => return Err(poller.call_error(error)),
            };
            if state.is_some() {
                last = state;
            }
            if !poller.pause(last.as_deref()).await {
                return Err(poller.deadline(target, last));
            }
        }
    }

    /// Polls the describe `request` (which asks for the resource `id`) until `observe`
    /// sees the resource in one of `waiter`'s success states ([`Target::Available`]) or
    /// not at all ([`Target::Gone`]). `Ok` holds the last answer, or `None` when the
    /// resource was gone because the describe answered one of the waiter's not-found
    /// codes. The generated `wait_until_*` methods call it.
    ///
    /// Errors: a failure state ([`WaitError::Failed`]); waiting for availability, a
    /// resource never found within [`WaitOptions::not_found_grace`]
    /// ([`WaitError::NotFound`]) or seen and then missing ([`WaitError::Gone`]); the
    /// deadline; a poll's error not worth another poll (a throttled poll is polled
    /// again).
    pub async fn wait_for_state<A: Action>(
        &self,
        waiter: &StateWaiter,
        target: Target,
        id: &str,
        request: &A,
        observe: fn(&A::Response, &str) -> Observed,
        options: &WaitOptions,
    ) -> Result<Waited<Option<A::Response>>, WaitError<A::Error>> {
        let span = tracing::info_span!(
            "vpc_client.wait",
            waiter = waiter.resource,
            id = %id,
            target = ?target,
            polls = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let wait = self.state_loop(waiter, target, id, request, observe, options);
        let result = tracing::Instrument::instrument(wait, span.clone()).await;
        record(&span, &result);
        result
    }

    /// [`wait_for_state`](Self::wait_for_state) for [`Target::Available`], whose
    /// success always holds the answer that showed the resource ready.
    pub async fn wait_until_available<A: Action>(
        &self,
        waiter: &StateWaiter,
        id: &str,
        request: &A,
        observe: fn(&A::Response, &str) -> Observed,
        options: &WaitOptions,
    ) -> Result<Waited<A::Response>, WaitError<A::Error>> {
        let waited = self
            .wait_for_state(waiter, Target::Available, id, request, observe, options)
            .await?;
        match waited.response {
            Some(response) => Ok(Waited {
                response,
                polls: waited.polls,
                elapsed: waited.elapsed,
            }),
            // Not reached: availability is only ever decided on an answer.
            None => Err(WaitError::NotFound {
                resource: waiter.resource,
                id: id.to_owned(),
                polls: waited.polls,
                elapsed: waited.elapsed,
            }),
        }
    }

    async fn state_loop<A: Action>(
        &self,
        waiter: &StateWaiter,
        target: Target,
        id: &str,
        request: &A,
        observe: fn(&A::Response, &str) -> Observed,
        options: &WaitOptions,
    ) -> Result<Waited<Option<A::Response>>, WaitError<A::Error>> {
        let resource = waiter.resource;
        let label = format!("{resource} {id}");
        let mut poller = Poller::new(self, options);
        let mut seen = false;
        let mut last: Option<String> = None;
        loop {
            let (observed, response) = match poller.poll(request).await {
                None => return Err(poller.deadline(label, last)),
                Some(Ok(response)) => (observe(&response, id), Some(response)),
                Some(Err(error)) if error.is_throttling() => {
                    if !poller.pause(last.as_deref()).await {
                        return Err(poller.deadline(label, last));
                    }
                    continue;
                }
                Some(Err(error))
                    if error
                        .service_error()
                        .is_some_and(|e| waiter.not_found_codes.contains(&e.code.as_str())) =>
                {
                    (Observed::Missing, None)
                }
                Some(Err(error)) => return Err(poller.call_error(error)),
            };
            match observed {
                Observed::Missing => match target {
                    Target::Gone => return Ok(poller.done(response)),
                    Target::Available if seen => {
                        return Err(WaitError::Gone {
                            resource,
                            id: id.to_owned(),
                            last_state: last,
                            polls: poller.polls,
                            elapsed: poller.elapsed(),
                        });
                    }
                    Target::Available if poller.elapsed() >= options.not_found_grace => {
                        return Err(WaitError::NotFound {
                            resource,
                            id: id.to_owned(),
                            polls: poller.polls,
                            elapsed: poller.elapsed(),
                        });
                    }
                    Target::Available => {}
                },
                Observed::State(state) => {
                    seen = true;
                    if let Some(state) = &state {
                        if waiter.failure.contains(&state.as_str()) {
                            return Err(WaitError::Failed {
                                resource,
                                id: id.to_owned(),
                                state: state.clone(),
                                polls: poller.polls,
                                elapsed: poller.elapsed(),
                            });
                        }
                        if target == Target::Available && waiter.success.contains(&state.as_str()) {
                            return Ok(poller.done(response));
                        }
                    }
                    last = state.or(last);
                }
            }
            if !poller.pause(last.as_deref()).await {
                return Err(poller.deadline(label, last));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_the_minimum_to_the_maximum() {
        let options = WaitOptions::default();
        assert_eq!(options.delay(1, 0.0), Duration::from_secs(2));
        assert_eq!(options.delay(2, 0.0), Duration::from_secs(4));
        assert_eq!(options.delay(5, 0.0), Duration::from_secs(30));
        assert_eq!(options.delay(40, 0.0), Duration::from_secs(30));
        // Jitter takes up to half off, never below the minimum.
        assert_eq!(options.delay(1, 0.99), Duration::from_secs(2));
        assert_eq!(options.delay(5, 1.0), Duration::from_secs(15));
        assert!(options.delay(3, 0.5) < Duration::from_secs(8));
    }

    #[test]
    fn the_maximum_never_drops_below_the_minimum() {
        let options = WaitOptions::default()
            .with_min_delay(Duration::from_millis(50))
            .with_max_delay(Duration::from_millis(5));
        assert_eq!(options.max_delay(), Duration::from_millis(50));
        assert_eq!(options.delay(3, 0.3), Duration::from_millis(50));
    }

    #[test]
    fn task_words_are_read_without_mistaking_failure_for_success() {
        assert_eq!(
            TaskStatus::from_words(Some("SUCCESS"), None),
            TaskStatus::Success
        );
        assert_eq!(
            TaskStatus::from_words(Some("FAILED"), Some("quota")),
            TaskStatus::Failed("quota".into())
        );
        assert_eq!(
            TaskStatus::from_words(Some("RUNNING"), None),
            TaskStatus::Running
        );
        assert_eq!(TaskStatus::from_words(None, None), TaskStatus::Running);
    }
}
