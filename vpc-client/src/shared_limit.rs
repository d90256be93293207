//! Pacing shared by a fleet (feature `redis`): one account's documented limits, counted
//! for every process that uses the same keys, through one Redis server.
//!
//! Tencent counts a limit per action, per region and per sub-account, across every
//! caller. The in-process limiter ([`RateLimitPolicy`]) paces one process; eight replicas
//! of a controller that share a sub-account each pace themselves and together send eight
//! times the limit. With [`ClientBuilder::shared_rate_limit`](crate::ClientBuilder::shared_rate_limit)
//! every call first reserves its slot in Redis:
//!
//! - **Algorithm:** GCRA in the form that reserves a slot. One Lua script per call reads
//!   the server's clock (`TIME`, never the clients'), reserves the next slot of the key
//!   and answers how long to wait; the client sleeps, then sends. One round trip per
//!   call, no polling, first come first served across the fleet. Everything is in
//!   integer microseconds. A call whose wait would pass its deadline reserves nothing
//!   and fails as with the in-process limiter ([`TransportErrorKind::RateLimited`](crate::TransportErrorKind::RateLimited)).
//! - **Key:** `<prefix><service>:<region>:<account>:<action>`, where `<account>` is the
//!   first 16 bytes, in hex, of a SHA-256 over a fixed label and the SecretId: the key
//!   tells accounts apart without holding the SecretId (let alone the SecretKey), so a
//!   `KEYS *` or a Redis log shows nothing an attacker could sign with or correlate with
//!   Tencent's console. A key expires when its bucket is idle again.
//! - **Rate:** the client's [`RateLimitPolicy`] (factor, per-action limits, burst), the
//!   same as for the in-process limiter.
//! - **When Redis cannot be reached:** every Redis call has a short timeout (100 ms by
//!   default). Past it, or on any Redis error, the client paces the call with its own
//!   in-process bucket at the configured [share](SharedRateLimit::with_fallback_share)
//!   of the limit (1/N for N processes), says so once with a `tracing` warning, and
//!   asks Redis again every [probe interval](SharedRateLimit::with_probe_interval)
//!   (one call goes to Redis, the others keep to the fallback); when Redis answers, the
//!   client says so (`info`) and uses it again. [`SharedRateLimit::fail_closed`] makes
//!   such a call fail instead. A Redis restart (without persistence) loses the buckets,
//!   which is at most one burst per key.
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use vpc_client::{Client, SharedRateLimit};
//!
//! let client = Client::builder()
//!     .region("ap-guangzhou")
//!     // One of 8 replicas: while Redis is away, each paces at 1/8 of every limit.
//!     .shared_rate_limit(
//!         SharedRateLimit::new("redis://redis.internal:6379/")?.with_fallback_share(1.0 / 8.0),
//!     )
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! The Redis client is redis-rs 1.x with three features only: `tokio-comp` (its async
//! connection over Tokio), `connection-manager` (the connection that reconnects by
//! itself) and `script` (`EVALSHA`, which loads the script again after a `SCRIPT FLUSH`
//! or a restart). There is no TLS (`rediss://`) and no Redis Cluster support yet. The
//! connection is made on the first call, on the Tokio runtime of that call: use one
//! runtime per client.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};

use crate::rate_limit::{RateLimitPolicy, RateLimiter, Slot, interval_for};

/// Reserves the next slot of `KEYS[1]` and answers `{reserved (0 or 1), wait (µs)}`.
///
/// `ARGV[1]` is the spacing of calls, `ARGV[2]` how far ahead of its theoretical time a
/// burst may go (spacing × (burst − 1)), `ARGV[3]` the longest wait the call accepts
/// (negative: no deadline); all in integer microseconds. The key holds the theoretical
/// arrival time of the next call (µs on the server's clock) and expires when that time
/// has passed, when the bucket is idle again. Numbers go to Redis as Lua numbers, which
/// Redis prints with 17 significant digits: microsecond times (16 digits) stay exact.
const SCRIPT: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local start = tat - tolerance
if start < now then start = now end
local wait = start - now
if max_wait >= 0 and wait > max_wait then return {0, wait} end
local next = tat + interval
redis.call('SET', KEYS[1], next, 'PX', math.floor((next - now) / 1000) + 1)
return {1, wait}
";

/// The label hashed with the SecretId into a key's account part.
const ACCOUNT_LABEL: &[u8] = b"vpc-client shared rate limit account\0";

/// How a client shares its pacing through Redis: the server, the key prefix, the
/// timeout and what to do without Redis. Given to
/// [`ClientBuilder::shared_rate_limit`](crate::ClientBuilder::shared_rate_limit); the
/// rates come from the client's [`RateLimitPolicy`]. See the [module](self).
#[derive(Clone)]
pub struct SharedRateLimit {
    client: redis::Client,
    /// The URL without its password, for `Debug`.
    url: String,
    prefix: String,
    timeout: Duration,
    fallback_share: f64,
    fail_closed: bool,
    probe_interval: Duration,
}

impl fmt::Debug for SharedRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedRateLimit")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("fallback_share", &self.fallback_share)
            .field("fail_closed", &self.fail_closed)
            .field("probe_interval", &self.probe_interval)
            .finish()
    }
}

impl SharedRateLimit {
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "vpc-client:rate:";
    /// The default timeout of one Redis call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(100);
    /// The default time between two attempts to reach Redis again.
    pub const DEFAULT_PROBE_INTERVAL: Duration = Duration::from_secs(1);

    /// Shares through the Redis server at `url` (`redis://[:password@]host[:port][/db]`
    /// or `redis+unix:///path`), with the defaults: prefix [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX),
    /// timeout [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT), fallback at the full limit
    /// (share 1), fail open. Nothing is connected yet: that happens on the first call.
    ///
    /// # Errors
    ///
    /// When `url` is not a Redis URL this build can use (the error shows the URL
    /// without its password).
    pub fn new(url: &str) -> Result<Self, SharedRateLimitError> {
        let redacted = redact_url(url);
        let client =
            redis::Client::open(url).map_err(|error| SharedRateLimitError::InvalidUrl {
                url: redacted.clone(),
                reason: format!("{:?}", error.kind()),
            })?;
        Ok(Self {
            client,
            url: redacted,
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            fallback_share: 1.0,
            fail_closed: false,
            probe_interval: Self::DEFAULT_PROBE_INTERVAL,
        })
    }

    /// The prefix of every key (default [`DEFAULT_PREFIX`](Self::DEFAULT_PREFIX)):
    /// fleets that must not share buckets on one server use different prefixes.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one Redis call may take before the client goes on without Redis
    /// (default 100 ms). A zero timeout is taken as 1 ms.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The share of each limit the client paces at by itself while Redis cannot be
    /// reached: `1.0 / N` for a fleet of `N` processes keeps the fleet under the limit.
    /// Default 1 (each process as if it were alone). A share that is not in `(0, 1]`
    /// is ignored.
    #[must_use]
    pub fn with_fallback_share(mut self, share: f64) -> Self {
        if share.is_finite() && share > 0.0 && share <= 1.0 {
            self.fallback_share = share;
        }
        self
    }

    /// Fails a paced call (with [`TransportErrorKind::RateLimited`](crate::TransportErrorKind::RateLimited),
    /// never sent) instead of falling back when Redis cannot be reached.
    #[must_use]
    pub fn fail_closed(mut self) -> Self {
        self.fail_closed = true;
        self
    }

    /// How long the client keeps to its fallback after Redis failed before one call
    /// asks Redis again (default 1 s).
    #[must_use]
    pub fn with_probe_interval(mut self, interval: Duration) -> Self {
        self.probe_interval = interval;
        self
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The timeout of one Redis call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The share of each limit used while Redis cannot be reached.
    pub fn fallback_share(&self) -> f64 {
        self.fallback_share
    }

    /// Whether calls fail instead of falling back while Redis cannot be reached.
    pub fn is_fail_closed(&self) -> bool {
        self.fail_closed
    }
}

/// A [`SharedRateLimit`] that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SharedRateLimitError {
    /// The URL is not a Redis URL this build can use.
    #[error("invalid Redis URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, without its password.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// How a client's calls were paced so far by its shared limiter
/// ([`Client::shared_rate_limit_stats`](crate::Client::shared_rate_limit_stats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SharedRateLimitStats {
    /// Calls whose slot Redis reserved (or refused past their deadline).
    pub shared: u64,
    /// Calls paced by the in-process fallback because Redis could not be reached.
    pub fallback: u64,
    /// Calls failed because Redis could not be reached in fail-closed mode.
    pub failed_closed: u64,
    /// Redis calls that failed or timed out.
    pub redis_failures: u64,
    /// Whether the last Redis call answered (`true` before the first).
    pub reachable: bool,
}

/// The shared limiter of one client (shared by its clones).
pub(crate) struct SharedLimiter {
    config: SharedRateLimit,
    policy: RateLimitPolicy,
    script: redis::Script,
    fallback: RateLimiter,
    connection: Mutex<Option<ConnectionManager>>,
    health: Mutex<Health>,
    shared: AtomicU64,
    fallback_calls: AtomicU64,
    failed_closed: AtomicU64,
    redis_failures: AtomicU64,
}

/// Whether Redis answered last time, and when to ask it again if not.
#[derive(Debug)]
struct Health {
    down: bool,
    next_probe: Instant,
}

/// Why a Redis call failed, as logged: never the error's text, which may hold the URL.
#[derive(Debug, Clone, Copy)]
enum Failure {
    Timeout,
    Redis(redis::ErrorKind),
    Reply,
}

impl fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimiter")
            .field("config", &self.config)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whole microseconds, rounded up, saturating.
fn micros(duration: Duration) -> i64 {
    let whole = duration.as_micros() + u128::from(!duration.subsec_nanos().is_multiple_of(1000));
    i64::try_from(whole).unwrap_or(i64::MAX)
}

impl SharedLimiter {
    pub(crate) fn new(config: SharedRateLimit, policy: RateLimitPolicy) -> Self {
        let fallback = RateLimiter::with_share(policy.clone(), config.fallback_share);
        Self {
            script: redis::Script::new(SCRIPT),
            fallback,
            policy,
            config,
            connection: Mutex::new(None),
            health: Mutex::new(Health {
                down: false,
                next_probe: Instant::now(),
            }),
            shared: AtomicU64::new(0),
            fallback_calls: AtomicU64::new(0),
            failed_closed: AtomicU64::new(0),
            redis_failures: AtomicU64::new(0),
        }
    }

    pub(crate) fn config(&self) -> &SharedRateLimit {
        &self.config
    }

    pub(crate) fn stats(&self) -> SharedRateLimitStats {
        SharedRateLimitStats {
            shared: self.shared.load(Ordering::Relaxed),
            fallback: self.fallback_calls.load(Ordering::Relaxed),
            failed_closed: self.failed_closed.load(Ordering::Relaxed),
            redis_failures: self.redis_failures.load(Ordering::Relaxed),
            reachable: !lock(&self.health).down,
        }
    }

    /// The Redis key of one bucket.
    pub(crate) fn key(
        &self,
        service: &str,
        region: &str,
        secret_id: Option<&str>,
        action: &str,
    ) -> String {
        let account = match secret_id {
            Some(secret_id) => account_hash(secret_id),
            None => "unsigned".to_owned(),
        };
        format!(
            "{}{service}:{region}:{account}:{action}",
            self.config.prefix
        )
    }

    /// Reserves the next slot of the bucket of (`service`, `region`, the account of
    /// `secret_id`, `action`) in Redis, or in the fallback when Redis cannot be
    /// reached; like [`RateLimiter::reserve`] otherwise.
    pub(crate) async fn reserve(
        &self,
        limiter_key: (
            std::borrow::Cow<'static, str>,
            std::borrow::Cow<'static, str>,
        ),
        region: &str,
        secret_id: Option<&str>,
        documented: Option<u32>,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Slot {
        let (service, action) = limiter_key;
        let Some(rate) = self.policy.rate_for(&action, documented) else {
            return Slot::Unlimited;
        };
        if self.should_ask(now) {
            let interval = interval_for(rate);
            let tolerance = interval.saturating_mul(self.policy.burst() - 1);
            let max_wait = deadline.map_or(-1, |deadline| {
                i64::try_from(deadline.saturating_duration_since(now).as_micros())
                    .unwrap_or(i64::MAX)
            });
            let key = self.key(&service, region, secret_id, &action);
            let answer = tokio::time::timeout(
                self.config.timeout,
                self.run_script(&key, micros(interval).max(1), micros(tolerance), max_wait),
            )
            .await;
            let failure = match answer {
                Ok(Ok((reserved, wait))) if wait >= 0 => {
                    self.mark_up();
                    self.shared.fetch_add(1, Ordering::Relaxed);
                    // Counted from the answer's arrival: a slot is never taken early.
                    let received = Instant::now();
                    let at = received
                        .checked_add(Duration::from_micros(wait.unsigned_abs()))
                        .unwrap_or(received);
                    return if reserved == 1 {
                        Slot::At(at)
                    } else {
                        Slot::PastDeadline(at)
                    };
                }
                Ok(Ok(_)) => Failure::Reply,
                Ok(Err(error)) => Failure::Redis(error.kind()),
                Err(_) => Failure::Timeout,
            };
            self.mark_down(failure);
        }
        if self.config.fail_closed {
            self.failed_closed.fetch_add(1, Ordering::Relaxed);
            return Slot::Unavailable;
        }
        self.fallback_calls.fetch_add(1, Ordering::Relaxed);
        self.fallback
            .reserve(service, action, documented, Instant::now(), deadline)
    }

    /// Whether this call asks Redis: always while it answers; after a failure, one
    /// call per probe interval.
    fn should_ask(&self, now: Instant) -> bool {
        let mut health = lock(&self.health);
        if !health.down {
            return true;
        }
        if now < health.next_probe {
            return false;
        }
        health.next_probe = now + self.config.probe_interval;
        true
    }

    fn mark_up(&self) {
        let mut health = lock(&self.health);
        if health.down {
            health.down = false;
            tracing::info!(
                prefix = %self.config.prefix,
                "the shared rate limiter's Redis answers again: pacing through it"
            );
        }
    }

    fn mark_down(&self, failure: Failure) {
        self.redis_failures.fetch_add(1, Ordering::Relaxed);
        // A fresh connection at the next attempt: the manager's own may be stuck on a
        // server that went away.
        lock(&self.connection).take();
        let mut health = lock(&self.health);
        health.next_probe = Instant::now() + self.config.probe_interval;
        if !health.down {
            health.down = true;
            let failure = match failure {
                Failure::Timeout => {
                    format!("no answer within {} ms", self.config.timeout.as_millis())
                }
                Failure::Redis(kind) => format!("Redis error ({kind:?})"),
                Failure::Reply => "an unexpected reply to the script".to_owned(),
            };
            if self.config.fail_closed {
                tracing::warn!(
                    prefix = %self.config.prefix,
                    failure,
                    "the shared rate limiter cannot reach Redis: paced calls fail (fail-closed) until it answers"
                );
            } else {
                tracing::warn!(
                    prefix = %self.config.prefix,
                    failure,
                    fallback_share = self.config.fallback_share,
                    "the shared rate limiter cannot reach Redis: pacing in-process at a share of each limit until it answers"
                );
            }
        }
    }

    async fn run_script(
        &self,
        key: &str,
        interval: i64,
        tolerance: i64,
        max_wait: i64,
    ) -> redis::RedisResult<(i64, i64)> {
        let mut connection = self.connection()?;
        let mut invocation = self.script.key(key);
        invocation.arg(interval).arg(tolerance).arg(max_wait);
        invocation.invoke_async(&mut connection).await
    }

    /// The connection manager, made on first use (it needs the Tokio runtime).
    fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let mut connection = lock(&self.connection);
        if let Some(connection) = &*connection {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.config.timeout))
            .set_response_timeout(Some(self.config.timeout))
            // No retries of its own: the limiter asks again at its probe interval.
            .set_number_of_retries(0);
        let manager = ConnectionManager::new_lazy_with_config(self.config.client.clone(), config)?;
        *connection = Some(manager.clone());
        Ok(manager)
    }
}

/// The account part of a key: 16 bytes of SHA-256 over a fixed label and the SecretId,
/// in hex. Not reversible, and not the hash of the bare SecretId either.
pub(crate) fn account_hash(secret_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(ACCOUNT_LABEL)
        .chain_update(secret_id.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// `url` without the password of its user information, if any.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            let user = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                "***".to_owned()
            };
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_no_secret_id() {
        let limiter = SharedLimiter::new(
            SharedRateLimit::new("redis://127.0.0.1:1/").expect("url"),
            RateLimitPolicy::from_spec(),
        );
        let key = limiter.key("vpc", "ap-guangzhou", Some("AKIDsecretid"), "DescribeVpcs");
        assert!(!key.contains("AKIDsecretid"), "{key}");
        assert!(
            key.starts_with("vpc-client:rate:vpc:ap-guangzhou:"),
            "{key}"
        );
        assert!(key.ends_with(":DescribeVpcs"), "{key}");
        assert_eq!(account_hash("AKIDsecretid").len(), 32);
        assert_ne!(account_hash("AKIDsecretid"), account_hash("AKIDsecretie"));
        assert_eq!(account_hash("AKIDsecretid"), account_hash("AKIDsecretid"));
        assert_eq!(
            limiter.key("vpc", "ap-guangzhou", None, "A"),
            "vpc-client:rate:vpc:ap-guangzhou:unsigned:A"
        );
    }

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            redact_url("redis://:hunter2@host:6379/0"),
            "redis://:***@host:6379/0"
        );
        assert_eq!(
            redact_url("redis://user:hunter2@host/"),
            "redis://user:***@host/"
        );
        assert_eq!(redact_url("redis://token@host"), "redis://***@host");
        assert_eq!(redact_url("redis://host:1/2"), "redis://host:1/2");
        let config = SharedRateLimit::new("redis://:hunter2@127.0.0.1:6379/").expect("url");
        assert!(!format!("{config:?}").contains("hunter2"));
        let error = SharedRateLimit::new("http://:hunter2@127.0.0.1/").expect_err("not redis");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
    }

    #[test]
    fn options() {
        let config = SharedRateLimit::new("redis://127.0.0.1/")
            .expect("url")
            .with_prefix("fleet:")
            .with_timeout(Duration::ZERO)
            .with_fallback_share(0.25)
            .with_fallback_share(0.0)
            .with_fallback_share(1.5)
            .fail_closed();
        assert_eq!(config.prefix(), "fleet:");
        assert_eq!(config.timeout(), Duration::from_millis(1));
        assert_eq!(config.fallback_share(), 0.25);
        assert!(config.is_fail_closed());
    }

    #[test]
    fn microseconds_round_up() {
        assert_eq!(micros(Duration::from_micros(10_200)), 10_200);
        assert_eq!(micros(Duration::from_nanos(10_200_001)), 10_201);
        assert_eq!(micros(Duration::ZERO), 0);
        assert_eq!(micros(Duration::MAX), i64::MAX);
    }
}
