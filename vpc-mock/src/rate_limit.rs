//! Per-action request rate limits: a sliding one-second window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// Remembers, per action, when the calls of the last second were accepted.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Admits a call of `action` at `now` if fewer than `limit` calls were admitted in
    /// the second before it. A refused call is not counted.
    pub(crate) fn admit(&self, action: &str, limit: u32, now: Instant) -> bool {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows.entry(action.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            window.pop_front();
        }
        if window.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            return false;
        }
        window.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert!(limiter.admit("A", 2, t0));
        assert!(limiter.admit("A", 2, t0 + Duration::from_millis(500)));
        assert!(!limiter.admit("A", 2, t0 + Duration::from_millis(900)));
        assert!(limiter.admit("B", 2, t0 + Duration::from_millis(900)));
        // The first call leaves the window one second after it was admitted.
        assert!(limiter.admit("A", 2, t0 + Duration::from_millis(1000)));
        assert!(!limiter.admit("A", 2, t0 + Duration::from_millis(1400)));
        assert!(limiter.admit("A", 2, t0 + Duration::from_millis(1500)));
        assert!(!limiter.admit("Z", 0, t0));
    }
}
