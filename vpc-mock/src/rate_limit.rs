//! Request rate limits as Tencent counts them: per account (the SecretId that signed),
//! region and action, in a sliding one-second window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

/// A window's account (SecretId, empty for an unsigned call), region and action.
type WindowKey = (String, String, String);

/// Remembers, per account, region and action, when the calls of the last second were
/// accepted.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<WindowKey, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Admits a call of `action` by `account` in `region` at `now` if fewer than
    /// `limit` such calls were admitted in the second before it. A refused call is not
    /// counted.
    pub(crate) fn admit(
        &self,
        account: &str,
        region: &str,
        action: &str,
        limit: u32,
        now: Instant,
    ) -> bool {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows
            .entry((account.to_owned(), region.to_owned(), action.to_owned()))
            .or_default();
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
        let admit = |action: &str, limit: u32, at: Duration| {
            limiter.admit("AKID1", "ap-guangzhou", action, limit, t0 + at)
        };
        let ms = Duration::from_millis;
        assert!(admit("A", 2, ms(0)));
        assert!(admit("A", 2, ms(500)));
        assert!(!admit("A", 2, ms(900)));
        assert!(admit("B", 2, ms(900)));
        // The first call leaves the window one second after it was admitted.
        assert!(admit("A", 2, ms(1000)));
        assert!(!admit("A", 2, ms(1400)));
        assert!(admit("A", 2, ms(1500)));
        assert!(!admit("Z", 0, ms(0)));
    }

    #[test]
    fn accounts_regions_and_actions_are_counted_apart() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert!(limiter.admit("AKID1", "ap-guangzhou", "A", 1, t0));
        assert!(!limiter.admit("AKID1", "ap-guangzhou", "A", 1, t0));
        assert!(limiter.admit("AKID2", "ap-guangzhou", "A", 1, t0));
        assert!(limiter.admit("AKID1", "ap-shanghai", "A", 1, t0));
        assert!(limiter.admit("AKID1", "ap-guangzhou", "B", 1, t0));
        assert!(!limiter.admit("AKID2", "ap-guangzhou", "A", 1, t0));
    }
}
