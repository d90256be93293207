//! Fault injection: make the next calls of an action (or of any action) misbehave.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::handler::ApiError;

/// One way for a call to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this error in the normal envelope (HTTP 200, `application/json`).
    Error(ApiError),
    /// Wait this long, then process the call normally (the rest of the checks and the
    /// handler run after the wait).
    Delay(Duration),
    /// Close the connection without answering, before any further check or the handler.
    DropConnection,
    /// Process the call normally, the handler included, then close the connection
    /// without answering: the call took effect but its answer is lost, as when a
    /// connection breaks on the way back. What makes a client's resend of a creating
    /// call create twice, unless an idempotency token stops it.
    LoseAnswer,
    /// Start a success answer and break off: HTTP 200, `application/json`, a
    /// `Content-Length` of the whole envelope, then only its first half, then the
    /// connection closes. What a client sees when a connection is reset mid-response
    /// (the request has been received: the client cannot know whether it was handled).
    ResetMidResponse,
    /// Answer HTTP 500 with an HTML body and `Content-Type: text/html`, as a gateway
    /// in front of the service might.
    Html500,
    /// Answer exactly this: status, optional `Content-Type` and body bytes.
    Raw {
        /// The HTTP status; a value that is not a valid status code (outside
        /// 100..=999) is answered as 500.
        status: u16,
        /// The `Content-Type` header, or none at all.
        content_type: Option<String>,
        /// The body bytes, sent as they are (truncated JSON, no `Response`, ...).
        body: Vec<u8>,
    },
}

impl Fault {
    /// [`Fault::Error`] with the given code and message.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Error(ApiError::new(code, message))
    }

    /// [`Fault::Raw`] with a `Content-Type`.
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Self::Raw {
            status,
            content_type: Some(content_type.into()),
            body: body.into(),
        }
    }
}

struct Entry {
    /// `None` matches every action.
    action: Option<String>,
    fault: Fault,
    remaining: usize,
}

/// A shared, cloneable handle on the faults queued for a running server (from
/// [`RunningServer::faults`](crate::RunningServer::faults)).
///
/// Faults apply after authentication succeeds (a request with a bad signature is
/// rejected as usual and consumes nothing) and before every other check, matched on the
/// `X-TC-Action` header as sent (a request without it only matches
/// [`inject_any`](Self::inject_any) faults). Each matching call consumes one use of the
/// oldest queued fault that matches its action, so faults are consumed in FIFO order
/// per action, whether they were injected for that action or for any action.
#[derive(Clone, Default)]
pub struct Faults {
    queue: Arc<Mutex<VecDeque<Entry>>>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Faults")
            .field("pending", &self.pending())
            .finish()
    }
}

impl Faults {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Entry>> {
        // The queue stays consistent even if a holder panicked.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes the next `times` calls of `action` misbehave with `fault`.
    pub fn inject(&self, action: impl Into<String>, fault: Fault, times: usize) {
        self.push(Some(action.into()), fault, times);
    }

    /// Makes the next `times` calls of any action misbehave with `fault`.
    pub fn inject_any(&self, fault: Fault, times: usize) {
        self.push(None, fault, times);
    }

    fn push(&self, action: Option<String>, fault: Fault, times: usize) {
        if times > 0 {
            self.lock().push_back(Entry {
                action,
                fault,
                remaining: times,
            });
        }
    }

    /// Removes every queued fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The number of calls that will still be affected, over all actions.
    pub fn pending(&self) -> usize {
        self.lock().iter().map(|e| e.remaining).sum()
    }

    /// Consumes one use of the oldest fault matching `action`.
    pub(crate) fn take(&self, action: Option<&str>) -> Option<Fault> {
        let mut queue = self.lock();
        let index = queue
            .iter()
            .position(|e| e.action.is_none() || e.action.as_deref() == action)?;
        let entry = queue.get_mut(index)?;
        entry.remaining = entry.remaining.saturating_sub(1);
        if entry.remaining == 0 {
            queue.remove(index).map(|e| e.fault)
        } else {
            Some(entry.fault.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_per_action_and_counts() {
        let faults = Faults::new();
        faults.inject("A", Fault::DropConnection, 2);
        faults.inject_any(Fault::Html500, 1);
        faults.inject("B", Fault::error("X", "y"), 1);
        assert_eq!(faults.pending(), 4);
        assert_eq!(faults.take(Some("B")), Some(Fault::Html500));
        assert_eq!(faults.take(Some("B")), Some(Fault::error("X", "y")));
        assert_eq!(faults.take(Some("B")), None);
        assert_eq!(faults.take(None), None);
        assert_eq!(faults.take(Some("A")), Some(Fault::DropConnection));
        assert_eq!(faults.take(Some("A")), Some(Fault::DropConnection));
        assert_eq!(faults.take(Some("A")), None);
        faults.inject("A", Fault::Delay(Duration::from_millis(1)), 0);
        assert_eq!(faults.pending(), 0);
        faults.inject("A", Fault::Delay(Duration::from_millis(1)), 3);
        faults.clear();
        assert_eq!(faults.take(Some("A")), None);
    }
}
