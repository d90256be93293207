//! Retries: the [`RetryPolicy`] (how many attempts, exponential backoff with jitter and a
//! cap), which failures are worth another attempt, and the small random source the
//! jitter uses.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::action::ActionError;
use crate::error::{Error, TransportErrorKind};

/// How a client retries a call that failed in a way worth another attempt.
///
/// The delay before retry `n` (`n = 1` before the second attempt) is
/// `min(max_delay, base_delay * 2^(n-1))`, of which the jitter fraction is random:
/// with jitter `j` the delay is drawn uniformly from `[d * (1 - j), d]`. The default
/// (`j = 0.5`, "equal jitter") keeps at least half of the backoff, so that clients
/// throttled together spread out without retrying at once.
///
/// What is retried, whatever the action: connections that could not be established
/// (the request never left), the `RequestLimitExceeded` family, `InternalError`,
/// `ServiceUnavailable`, and HTTP 502, 503 and 504. A timeout, or a connection lost after
/// the request may have been sent, is retried only for actions the spec marks safe to
/// retry ([`Action::RETRY_SAFE`](crate::Action::RETRY_SAFE)) and for actions made
/// idempotent by their `ClientToken` ([`Action::CLIENT_TOKEN`](crate::Action::CLIENT_TOKEN):
/// every attempt carries the same token, so the service runs the request once). Nothing
/// else is: a definitive answer is returned at once.
///
/// ```
/// use std::time::Duration;
/// use vpc_client::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_attempts(8)
///     .with_base_delay(Duration::from_millis(500))
///     .with_max_delay(Duration::from_secs(20));
/// assert_eq!(patient.max_attempts(), 8);
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: f64,
}

impl RetryPolicy {
    /// Attempts per call by default, the first one included.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
    /// The backoff before the first retry, by default (then doubled each time).
    pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(200);
    /// The longest backoff, by default.
    pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(5);
    /// The random fraction of each backoff, by default.
    pub const DEFAULT_JITTER: f64 = 0.5;

    /// No retries: every call is made once (a clock-skew correction, which resends a
    /// request the service refused before doing anything, still happens; see
    /// [`ClientBuilder::clock_skew_correction`](crate::ClientBuilder::clock_skew_correction)).
    pub fn none() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// At most `attempts` attempts per call, the first one included (0 counts as 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; each further retry doubles it.
    #[must_use]
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff.
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The random fraction of each backoff, clamped to `0.0..=1.0`: 0 waits exactly
    /// the exponential delay, 1 anywhere between zero and it ("full jitter").
    #[must_use]
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Attempts per call, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest backoff.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The random fraction of each backoff.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The longest backoff before retry `retry` (1 before the second attempt), before
    /// jitter takes its share.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }

    /// The backoff before retry `retry`, with `unit` (in `0.0..1.0`) choosing where in
    /// the jitter range it falls.
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // `mul_f64` panics when the product does not fit a Duration (a ceiling near
        // `Duration::MAX` rounds up in f64); the ceiling itself is always a valid answer.
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * (1.0 - self.jitter * unit))
            .map_or(ceiling, |delay| delay.min(ceiling))
    }
}

impl Default for RetryPolicy {
    /// [`DEFAULT_MAX_ATTEMPTS`](Self::DEFAULT_MAX_ATTEMPTS) attempts, backoff from
    /// [`DEFAULT_BASE_DELAY`](Self::DEFAULT_BASE_DELAY) doubling up to
    /// [`DEFAULT_MAX_DELAY`](Self::DEFAULT_MAX_DELAY), jitter
    /// [`DEFAULT_JITTER`](Self::DEFAULT_JITTER).
    fn default() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            base_delay: Self::DEFAULT_BASE_DELAY,
            max_delay: Self::DEFAULT_MAX_DELAY,
            jitter: Self::DEFAULT_JITTER,
        }
    }
}

/// Why a failed attempt is worth another one, or `None` when its error is definitive.
///
/// The reasons are fixed strings (they go into logs): no server-controlled text.
pub(crate) fn retry_reason<E: ActionError>(
    error: &Error<E>,
    retry_safe: bool,
) -> Option<&'static str> {
    match error {
        Error::Service(error) => {
            let error = error.service_error();
            if error.is_throttling() {
                Some("throttled (RequestLimitExceeded)")
            } else {
                match error.category() {
                    "InternalError" => Some("InternalError"),
                    "ServiceUnavailable" => Some("ServiceUnavailable"),
                    _ => None,
                }
            }
        }
        Error::Transport(error) => match error.kind {
            TransportErrorKind::Connect => Some("connection not established"),
            TransportErrorKind::Timeout if retry_safe => Some("timeout (retry-safe action)"),
            TransportErrorKind::Interrupted if retry_safe => {
                Some("connection lost mid-request (retry-safe action)")
            }
            _ => None,
        },
        Error::Response(error) => match error.status {
            502 => Some("HTTP 502"),
            503 => Some("HTTP 503"),
            504 => Some("HTTP 504"),
            _ => None,
        },
        Error::Credentials(_) | Error::Request(_) | Error::Exhausted(_) => None,
    }
}

/// A small, lock-free xorshift64* generator for backoff jitter: not cryptographic, only
/// different between processes, clients and calls.
#[derive(Debug)]
pub(crate) struct Jitter {
    state: AtomicU64,
}

impl Jitter {
    /// Seeded from the clock, the generator's own address and a process-wide counter.
    pub(crate) fn new() -> Self {
        static INSTANCES: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let local = 0u8;
        let address = std::ptr::addr_of!(local) as usize as u64;
        let count = INSTANCES.fetch_add(1, Ordering::Relaxed);
        let seed = splitmix(nanos ^ address.rotate_left(32) ^ splitmix(count));
        Self::with_seed(seed)
    }

    fn with_seed(seed: u64) -> Self {
        Self {
            // xorshift must never be all zeros.
            state: AtomicU64::new(if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            }),
        }
    }

    /// A number in `0.0..1.0`.
    pub(crate) fn next_unit(&self) -> f64 {
        let step = |mut x: u64| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x
        };
        // `fetch_update` with a closure that always returns `Some` cannot fail; both arms
        // carry the previous state.
        let previous = match self
            .state
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |x| Some(step(x)))
        {
            Ok(x) | Err(x) => x,
        };
        let output = step(previous).wrapping_mul(0x2545_F491_4F6C_DD1D);
        (output >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A fresh idempotency token for an action's `ClientToken`, shaped like a UUID v4
/// (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lower-case hex), as the official SDKs send
/// one. Its 122 random bits come from the operating system's generator, so that tokens
/// of different processes and machines never meet; should that generator fail, from
/// the clock, a process-wide counter and an address, mixed (unique within a process).
pub(crate) fn new_client_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let local = 0u8;
        let address = std::ptr::addr_of!(local) as usize as u64;
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let high = splitmix(nanos ^ address.rotate_left(32) ^ splitmix(count));
        let low = splitmix(high ^ count);
        bytes[..8].copy_from_slice(&high.to_be_bytes());
        bytes[8..].copy_from_slice(&low.to_be_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut token = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            token.push('-');
        }
        token.push(char::from(HEX[usize::from(byte >> 4)]));
        token.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    token
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_delays_never_panic() {
        for jitter in [0.0, 0.5, 1.0] {
            let policy = RetryPolicy::default()
                .with_base_delay(Duration::MAX)
                .with_max_delay(Duration::MAX)
                .with_jitter(jitter);
            for unit in [0.0, 0.5, 0.999, 1.0, f64::NAN] {
                for retry in [1, 2, 40, u32::MAX] {
                    assert!(policy.backoff(retry, unit) <= Duration::MAX);
                }
            }
        }
        let policy = RetryPolicy::default().with_jitter(0.0);
        assert_eq!(policy.backoff(1, 0.3), RetryPolicy::DEFAULT_BASE_DELAY);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(700))
            .with_jitter(0.0);
        let delays: Vec<_> = (1..=6)
            .map(|n| policy.backoff(n, 0.99).as_millis())
            .collect();
        assert_eq!(delays, [100, 200, 400, 700, 700, 700]);
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_millis(700));
    }

    #[test]
    fn jitter_takes_its_fraction_of_the_delay() {
        let policy = RetryPolicy::default()
            .with_base_delay(Duration::from_millis(1000))
            .with_jitter(0.5);
        assert_eq!(policy.backoff(1, 0.0), Duration::from_millis(1000));
        assert_eq!(policy.backoff(1, 0.5), Duration::from_millis(750));
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(500));
        let full = policy.with_jitter(7.0);
        assert_eq!(full.jitter(), 1.0);
        assert_eq!(full.backoff(1, 1.0), Duration::ZERO);
        assert_eq!(policy.with_jitter(f64::NAN).jitter(), 0.0);
        assert_eq!(policy.backoff(1, f64::NAN), Duration::from_millis(1000));
    }

    #[test]
    fn none_means_one_attempt() {
        assert_eq!(RetryPolicy::none().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn client_tokens_are_uuid_v4_shaped_and_distinct() {
        let tokens: std::collections::HashSet<String> =
            (0..1_000).map(|_| new_client_token()).collect();
        assert_eq!(tokens.len(), 1_000);
        for token in &tokens {
            let groups: Vec<&str> = token.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{token}");
            assert!(
                token
                    .bytes()
                    .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{token}"
            );
            assert!(groups[2].starts_with('4'), "{token}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{token}");
        }
    }

    #[test]
    fn jitter_source_is_spread_over_the_unit_interval() {
        let jitter = Jitter::with_seed(42);
        let samples: Vec<f64> = (0..10_000).map(|_| jitter.next_unit()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        let below_half = samples.iter().filter(|x| **x < 0.5).count();
        assert!((4_500..5_500).contains(&below_half), "{below_half}");
        let zero = Jitter::with_seed(0);
        assert_ne!(zero.next_unit(), zero.next_unit());
        assert_ne!(Jitter::new().next_unit(), Jitter::new().next_unit());
    }
}
