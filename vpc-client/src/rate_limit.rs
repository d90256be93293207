//! Client-side rate limiting: a token bucket per action at the spec's rate
//! ([`Action::RATE_LIMIT`](crate::Action::RATE_LIMIT)), shared by every clone of a
//! client, so that a burst of calls is spread out instead of being throttled by the
//! service.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How a client paces its calls, per action.
///
/// By default every action with a documented limit (`rate_limit` in the spec, e.g. 100
/// requests per second for `ResetVpnConnection`) gets a token bucket at that rate with
/// room for one token: calls are spaced evenly, [`PACING_MARGIN`] wider than the rate
/// (10.2 ms apart at 100/s), so that a one-second window the service counts in holds
/// fewer calls than its limit even when network jitter bunches a few of them. (Jitter
/// larger than the margin can still cause an occasional throttle, which the retries
/// absorb.) Actions without a documented limit are not paced.
///
/// Buckets are per service and action name; the overrides below are by action name and
/// apply to every service's action of that name.
///
/// The buckets are the process's own. Processes that share an account's limits (a
/// fleet of replicas with one sub-account) can reserve their slots in one Redis server
/// instead, at the rates this policy gives: the feature `redis` (`shared_limit`,
/// `ClientBuilder::shared_rate_limit`).
///
/// ```
/// use vpc_client::RateLimitPolicy;
///
/// // Share an account's limit with another process: use half of each documented rate,
/// // and at most 20 resets per second.
/// let policy = RateLimitPolicy::from_spec()
///     .with_factor(0.5)
///     .with_limit("ResetVpnConnection", 20.0);
/// assert_eq!(policy.rate_for("ResetVpnConnection", Some(100)), Some(20.0));
/// assert_eq!(policy.rate_for("DescribeVpcs", Some(100)), Some(50.0));
/// assert_eq!(RateLimitPolicy::none().rate_for("ResetVpnConnection", Some(100)), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitPolicy {
    enabled: bool,
    factor: f64,
    burst: u32,
    overrides: BTreeMap<String, Option<f64>>,
}

impl RateLimitPolicy {
    /// The spec's documented rates, a burst of one: the default.
    pub fn from_spec() -> Self {
        Self {
            enabled: true,
            factor: 1.0,
            burst: 1,
            overrides: BTreeMap::new(),
        }
    }

    /// No client-side pacing at all (throttling answers are still retried).
    pub fn none() -> Self {
        Self {
            enabled: false,
            ..Self::from_spec()
        }
    }

    /// Scales every documented rate by `factor` (per-action limits set with
    /// [`with_limit`](Self::with_limit) are taken as they are). A factor that is not a
    /// positive number is ignored.
    #[must_use]
    pub fn with_factor(mut self, factor: f64) -> Self {
        if factor.is_finite() && factor > 0.0 {
            self.factor = factor;
        }
        self
    }

    /// Paces `action` at `per_second` requests per second, whatever the spec says. A
    /// rate that is not a positive number removes the action's limit.
    #[must_use]
    pub fn with_limit(mut self, action: impl Into<String>, per_second: f64) -> Self {
        let rate = (per_second.is_finite() && per_second > 0.0).then_some(per_second);
        self.overrides.insert(action.into(), rate);
        self
    }

    /// Does not pace `action`, whatever the spec says.
    #[must_use]
    pub fn without_limit(mut self, action: impl Into<String>) -> Self {
        self.overrides.insert(action.into(), None);
        self
    }

    /// How many calls may go at once after a quiet period (default 1, the minimum).
    ///
    /// More than one lets a short burst through at full speed; the service counts
    /// requests in one-second windows, so a burst of `b` on top of the steady rate may
    /// exceed its limit for a moment, which the retries then absorb.
    #[must_use]
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// Whether any pacing happens.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The burst size.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// The rate `action` is paced at, given its documented limit: `None` when it is
    /// not paced.
    pub fn rate_for(&self, action: &str, documented: Option<u32>) -> Option<f64> {
        if !self.enabled {
            return None;
        }
        match self.overrides.get(action) {
            Some(rate) => *rate,
            None => documented
                .filter(|limit| *limit > 0)
                .map(|limit| f64::from(limit) * self.factor),
        }
    }
}

impl Default for RateLimitPolicy {
    /// [`RateLimitPolicy::from_spec`].
    fn default() -> Self {
        Self::from_spec()
    }
}

/// How much wider than the paced rate calls are spaced: 2 %, so that the calls one
/// sliding second holds stay under the limit despite a little network jitter.
pub const PACING_MARGIN: f64 = 1.02;

/// The longest spacing between two calls of one action.
const MAX_INTERVAL: Duration = Duration::from_secs(365 * 24 * 3600);

/// The spacing of calls at `rate` per second, [`PACING_MARGIN`] included. A rate below
/// one call a year is taken as one call a year, so that instants stay representable.
pub(crate) fn interval_for(rate: f64) -> Duration {
    Duration::try_from_secs_f64(PACING_MARGIN / rate)
        .unwrap_or(MAX_INTERVAL)
        .min(MAX_INTERVAL)
}

/// A bucket's service and action name.
type BucketKey = (Cow<'static, str>, Cow<'static, str>);

/// The buckets of one client (shared by its clones), keyed by service and action name.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    policy: RateLimitPolicy,
    /// The part of each rate this limiter paces at: 1, but for the fallback of the
    /// shared limiter (its configured share).
    share: f64,
    /// Borrowed names for generated actions (no allocation per call), owned ones for
    /// [untyped calls](crate::UntypedRequest); both hash and compare as text.
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

/// A token bucket in its GCRA form: the theoretical arrival time of the next request
/// at the steady rate, and how far ahead of it a burst may go.
#[derive(Debug)]
struct Bucket {
    next: Instant,
    interval: Duration,
    tolerance: Duration,
}

/// When a request may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The action is not paced: now.
    Unlimited,
    /// At this instant (possibly now); the slot is reserved.
    At(Instant),
    /// Not before this instant, which is past the deadline: nothing was reserved.
    PastDeadline(Instant),
    /// The shared limiter could not be reached and is set to fail closed: nothing was
    /// reserved, and the call must not be sent.
    #[cfg(feature = "redis")]
    Unavailable,
}

impl RateLimiter {
    pub(crate) fn new(policy: RateLimitPolicy) -> Self {
        Self::with_share(policy, 1.0)
    }

    /// A limiter at `share` (a positive fraction) of every rate `policy` gives.
    pub(crate) fn with_share(policy: RateLimitPolicy, share: f64) -> Self {
        Self {
            policy,
            share,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn policy(&self) -> &RateLimitPolicy {
        &self.policy
    }

    /// Reserves the next slot of `service`'s `action` at or after `now`, unless it
    /// would start after `deadline`.
    pub(crate) fn reserve(
        &self,
        service: impl Into<Cow<'static, str>>,
        action: impl Into<Cow<'static, str>>,
        documented: Option<u32>,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Slot {
        let action = action.into();
        let Some(rate) = self.policy.rate_for(&action, documented) else {
            return Slot::Unlimited;
        };
        let interval = interval_for(rate * self.share);
        let tolerance = interval.saturating_mul(self.policy.burst - 1);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry((service.into(), action)).or_insert(Bucket {
            next: now,
            interval,
            tolerance,
        });
        let earliest = bucket.next.checked_sub(bucket.tolerance).unwrap_or(now);
        let start = earliest.max(now);
        if deadline.is_some_and(|deadline| start > deadline) {
            return Slot::PastDeadline(start);
        }
        let base = bucket.next.max(start);
        bucket.next = base.checked_add(bucket.interval).unwrap_or(base);
        Slot::At(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spacing at `rate` per second, margin included.
    fn step(rate: f64) -> Duration {
        Duration::from_secs_f64(PACING_MARGIN / rate)
    }

    fn at(slot: Slot) -> Instant {
        match slot {
            Slot::At(instant) => instant,
            other => panic!("expected a reserved slot, got {other:?}"),
        }
    }

    #[test]
    fn steady_spacing_with_a_burst_of_one() {
        let limiter = RateLimiter::new(RateLimitPolicy::from_spec());
        let t0 = Instant::now();
        let slots: Vec<Duration> = (0..4)
            .map(|_| at(limiter.reserve("svc", "A", Some(100), t0, None)) - t0)
            .collect();
        let s = step(100.0);
        assert_eq!(s, Duration::from_micros(10_200));
        assert_eq!(slots, [Duration::ZERO, s, s * 2, s * 3]);
        // Another action has its own bucket, and so has an action of the same name in
        // another service.
        assert_eq!(at(limiter.reserve("svc", "B", Some(100), t0, None)), t0);
        assert_eq!(at(limiter.reserve("other", "A", Some(100), t0, None)), t0);
        // After a quiet period the next call goes at once, and the spacing resumes.
        let later = t0 + Duration::from_secs(5);
        assert_eq!(
            at(limiter.reserve("svc", "A", Some(100), later, None)),
            later
        );
        assert_eq!(
            at(limiter.reserve("svc", "A", Some(100), later, None)),
            later + s
        );
    }

    #[test]
    fn bursts_go_at_once_then_pace() {
        let limiter = RateLimiter::new(RateLimitPolicy::from_spec().with_burst(3));
        let t0 = Instant::now();
        let slots: Vec<Duration> = (0..5)
            .map(|_| at(limiter.reserve("svc", "A", Some(10), t0, None)) - t0)
            .collect();
        let s = step(10.0);
        let zero = Duration::ZERO;
        assert_eq!(slots, [zero, zero, zero, s, s * 2]);
    }

    #[test]
    fn a_slot_past_the_deadline_is_not_reserved() {
        let limiter = RateLimiter::new(RateLimitPolicy::from_spec());
        let t0 = Instant::now();
        let s = step(100.0);
        let deadline = Some(t0 + s + s / 2);
        assert_eq!(at(limiter.reserve("svc", "A", Some(100), t0, deadline)), t0);
        let second = at(limiter.reserve("svc", "A", Some(100), t0, deadline));
        assert_eq!(second, t0 + s);
        let third = limiter.reserve("svc", "A", Some(100), t0, deadline);
        assert_eq!(third, Slot::PastDeadline(t0 + s * 2));
        // Nothing was reserved: the same slot is offered again.
        assert_eq!(
            at(limiter.reserve("svc", "A", Some(100), t0, None)),
            t0 + s * 2
        );
    }

    #[test]
    fn policy_overrides_factor_and_disabling() {
        let policy = RateLimitPolicy::from_spec()
            .with_factor(0.5)
            .with_limit("Custom", 3.0)
            .without_limit("Free")
            .with_limit("Zero", 0.0);
        assert_eq!(policy.rate_for("Documented", Some(100)), Some(50.0));
        assert_eq!(policy.rate_for("Undocumented", None), None);
        assert_eq!(policy.rate_for("Custom", Some(100)), Some(3.0));
        assert_eq!(policy.rate_for("Custom", None), Some(3.0));
        assert_eq!(policy.rate_for("Free", Some(100)), None);
        assert_eq!(policy.rate_for("Zero", Some(100)), None);
        assert_eq!(policy.clone().with_factor(-1.0), policy);
        let limiter = RateLimiter::new(RateLimitPolicy::none());
        let t0 = Instant::now();
        assert_eq!(
            limiter.reserve("svc", "A", Some(1), t0, None),
            Slot::Unlimited
        );
        assert_eq!(
            limiter.reserve("svc", "A", Some(1), t0, None),
            Slot::Unlimited
        );
    }

    #[test]
    fn tiny_rates_do_not_overflow() {
        let limiter = RateLimiter::new(RateLimitPolicy::from_spec().with_limit("A", 1e-300));
        let t0 = Instant::now();
        assert_eq!(at(limiter.reserve("svc", "A", None, t0, None)), t0);
        assert!(matches!(
            limiter.reserve("svc", "A", None, t0, Some(t0)),
            Slot::PastDeadline(_)
        ));
    }
}
