//! The one refresh cache of the providers whose credentials expire (the CVM instance
//! role, [`AssumeRoleProvider`](super::AssumeRoleProvider),
//! [`WebIdentityProvider`](super::WebIdentityProvider)): credentials kept until they
//! are due, refreshed by one caller at a time, the outcome shared by every waiting
//! caller and by every clone of the provider. A provider supplies only its fetch.
//!
//! The rules, which each provider's documentation repeats for its users:
//!
//! - Credentials with at least the refresh margin left are returned at once.
//! - With cached credentials that are still valid but due for a refresh, the caller
//!   that finds no refresh in flight does it (and waits for it); any other caller gets
//!   the cached credentials at once. If the refresh fails, its caller gets the cached
//!   credentials too, and for the backoff every caller does, without a new refresh, as
//!   long as they are valid.
//! - Without valid credentials (the first call, or after they expired), callers wait
//!   for the fetch in flight and share its outcome. If it failed, the first of them to
//!   get its turn starts one more fetch and the others share that one's outcome; none
//!   start a third. A caller waits for at most two fetches.
//! - A fetch whose caller gives up (its future is dropped) counts as not made: the
//!   next waiter fetches.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Credential, CredentialsError, ProviderFailure};

/// How long before they expire cached temporary credentials are refreshed by default:
/// 300 s, as the official SDKs do for the CVM instance role. Credentials with less
/// time left than this are fetched again on the next call, so that a signed request
/// never carries credentials that expire while it is on its way.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// How long after a failed refresh of credentials that are still valid no other
/// refresh is tried, by default: 10 s. Meanwhile every caller gets the cached
/// credentials at once, so that a credentials service that is down or hangs sees one
/// request per 10 s rather than one per call. Callers without valid credentials (none
/// fetched yet, or expired) are not held back by it: they have nothing else to use.
pub const REFRESH_BACKOFF: Duration = Duration::from_secs(10);

/// Credentials a fetch got, and when they expire on the local monotonic clock.
pub(crate) struct Expiring {
    pub(crate) credential: Credential,
    pub(crate) expires_at: Instant,
}

impl Expiring {
    /// Credentials that expire at `expired_time` (Unix seconds) on a server whose clock
    /// read `server_now` (Unix seconds) when the answer arrived at `received_at`: the
    /// lifetime is measured on the server's clock and counted down on the monotonic
    /// one, so a local wall clock that is off, or is set meanwhile, changes nothing.
    /// No time left (or less than none) is expired already.
    pub(crate) fn at_server_time(
        credential: Credential,
        expired_time: u64,
        server_now: u64,
        received_at: Instant,
    ) -> Self {
        let lifetime = Duration::from_secs(expired_time.saturating_sub(server_now));
        Self {
            credential,
            expires_at: instant_after(received_at, lifetime),
        }
    }
}

/// The cache and its single-flight guard. Providers keep it behind their `Arc`, so
/// clones share it.
pub(crate) struct RefreshCache {
    /// The single-flight guard, held by the caller that fetches for the whole fetch.
    refresh: tokio::sync::Mutex<()>,
    /// What the fetches got. Locked only briefly and never across an `await`, so that
    /// callers read it while a fetch is in flight.
    state: Mutex<State>,
    refresh_before_expiry: Duration,
    backoff: Duration,
}

#[derive(Default)]
struct State {
    cached: Option<Expiring>,
    /// The last fetch's failure; `None` once a fetch succeeds.
    failure: Option<FetchFailure>,
    /// Fetches finished so far, successful or not: a caller that waited for the
    /// single-flight guard tells from it how many finished meanwhile.
    fetches: u64,
}

struct FetchFailure {
    /// When the fetch failed.
    at: Instant,
    /// Its error, as the callers that waited for the fetch get it.
    error: CredentialsError,
}

/// What the cache offers a caller.
enum Lookup {
    /// Credentials to return without fetching: fresh ones, or valid ones while a
    /// failed refresh's backoff runs.
    Ready(Credential),
    /// Valid credentials that are due for a refresh.
    Stale(Credential),
    /// No valid credentials.
    Missing,
}

impl RefreshCache {
    /// An empty cache that refreshes `refresh_before_expiry` before credentials expire
    /// and waits `backoff` after a failed refresh of valid ones.
    pub(crate) fn new(refresh_before_expiry: Duration, backoff: Duration) -> Self {
        Self {
            refresh: tokio::sync::Mutex::new(()),
            state: Mutex::new(State::default()),
            refresh_before_expiry,
            backoff,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held, and the state is consistent after
        // every statement: a poisoned lock still holds a usable cache.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whole seconds the cached credentials have left (zero once expired), or `None`
    /// before any were fetched: for `Debug` output.
    pub(crate) fn expires_in(&self) -> Option<Duration> {
        self.state().cached.as_ref().map(|cached| {
            let left = cached.expires_at.saturating_duration_since(Instant::now());
            Duration::from_secs(left.as_secs())
        })
    }

    fn lookup(&self, state: &State, now: Instant) -> Lookup {
        match &state.cached {
            Some(cached) if self.is_fresh(cached, now) => Lookup::Ready(cached.credential.clone()),
            Some(cached) if cached.expires_at > now => {
                let backing_off = state.failure.as_ref().is_some_and(|failure| {
                    now.saturating_duration_since(failure.at) < self.backoff
                });
                if backing_off {
                    Lookup::Ready(cached.credential.clone())
                } else {
                    Lookup::Stale(cached.credential.clone())
                }
            }
            _ => Lookup::Missing,
        }
    }

    /// More than the refresh margin left: usable without asking again.
    fn is_fresh(&self, cached: &Expiring, now: Instant) -> bool {
        cached
            .expires_at
            .checked_duration_since(now)
            .is_some_and(|left| left >= self.refresh_before_expiry)
    }

    /// The cached credentials, or the outcome of `fetch`, by the rules of the module
    /// documentation. `fetch` is called at most once, and only by the caller that
    /// holds the single-flight guard.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Credential, CredentialsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Expiring, CredentialsError>>,
    {
        let (lookup, seen) = {
            let state = self.state();
            (self.lookup(&state, Instant::now()), state.fetches)
        };
        let guard = match lookup {
            Lookup::Ready(credential) => return Ok(credential),
            // Valid credentials never wait for somebody else's refresh.
            Lookup::Stale(credential) => match self.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(credential),
            },
            Lookup::Missing => self.refresh.lock().await,
        };
        {
            // Look again: a fetch may have finished since the first look.
            let state = self.state();
            let finished = state.fetches.wrapping_sub(seen);
            match self.lookup(&state, Instant::now()) {
                Lookup::Ready(credential) => return Ok(credential),
                // Refreshed meanwhile, if only to credentials that are due again.
                Lookup::Stale(credential) if finished > 0 => return Ok(credential),
                Lookup::Stale(_) => {}
                // The fetch in flight when this caller came, and one more after it,
                // both failed (or got expired credentials): share the latest outcome
                // rather than fetching a third time.
                Lookup::Missing if finished >= 2 => {
                    if let Some(failure) = &state.failure {
                        return Err(share_error(&failure.error));
                    }
                    if let Some(cached) = &state.cached {
                        return Ok(cached.credential.clone());
                    }
                }
                Lookup::Missing => {}
            }
        }
        let result = fetch().await;
        let now = Instant::now();
        let mut state = self.state();
        state.fetches = state.fetches.wrapping_add(1);
        let outcome = match result {
            Ok(fresh) => {
                let credential = fresh.credential.clone();
                state.cached = Some(fresh);
                state.failure = None;
                Ok(credential)
            }
            Err(error) => {
                // A failed refresh does not throw away credentials that still work.
                let valid = state
                    .cached
                    .as_ref()
                    .filter(|cached| cached.expires_at > now)
                    .map(|cached| cached.credential.clone());
                state.failure = Some(FetchFailure {
                    at: now,
                    error: share_error(&error),
                });
                valid.ok_or(error)
            }
        };
        // The outcome is in the cache before the next caller gets the guard.
        drop(state);
        drop(guard);
        outcome
    }
}

impl fmt::Debug for RefreshCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshCache")
            .field("refresh_before_expiry", &self.refresh_before_expiry)
            .field("cached_expires_in", &self.expires_in())
            .finish_non_exhaustive()
    }
}

/// `start + after`, saturating: when the platform cannot represent that instant, the
/// latest it can on the way there (credentials that practically never expire).
pub(crate) fn instant_after(start: Instant, after: Duration) -> Instant {
    let mut after = after;
    loop {
        if let Some(instant) = start.checked_add(after) {
            return instant;
        }
        // Ends at zero at the latest, which always fits.
        after /= 2;
    }
}

/// A copy of `error` for the callers that waited for the fetch that failed with it:
/// the same variant and message, an underlying cause kept as its text.
pub(crate) fn share_error(error: &CredentialsError) -> CredentialsError {
    match error {
        CredentialsError::NotFound { looked_at } => CredentialsError::NotFound {
            looked_at: looked_at.clone(),
        },
        CredentialsError::Incomplete { location, missing } => CredentialsError::Incomplete {
            location: location.clone(),
            missing: missing.clone(),
        },
        CredentialsError::File { path, reason } => CredentialsError::File {
            path: path.clone(),
            reason: reason.clone(),
        },
        CredentialsError::Chain { failures } => CredentialsError::Chain {
            failures: failures
                .iter()
                .map(|failure| ProviderFailure {
                    provider: failure.provider.clone(),
                    error: share_error(&failure.error),
                })
                .collect(),
        },
        CredentialsError::Sts(error) => CredentialsError::Sts(error.clone()),
        CredentialsError::Other { message, source } => CredentialsError::Other {
            message: message.clone(),
            source: source.as_deref().map(|cause| {
                Box::new(CauseText::of(cause)) as Box<dyn StdError + Send + Sync + 'static>
            }),
        },
    }
}

/// An underlying error kept as the text of its chain of causes.
#[derive(Debug)]
struct CauseText(String);

impl CauseText {
    fn of(error: &(dyn StdError + 'static)) -> Self {
        let mut text = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        Self(text)
    }
}

impl fmt::Display for CauseText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for CauseText {}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    fn expiring_in(left: Duration, now: Instant) -> Expiring {
        Expiring {
            credential: Credential::new("AKIDunit", "unit-key").with_token("unit-token"),
            expires_at: now + left,
        }
    }

    fn cache_with(cached: Expiring) -> RefreshCache {
        let cache = RefreshCache::new(REFRESH_BEFORE_EXPIRY, REFRESH_BACKOFF);
        cache.state().cached = Some(cached);
        cache
    }

    fn lookup_at(cache: &RefreshCache, now: Instant) -> Lookup {
        cache.lookup(&cache.state(), now)
    }

    #[test]
    fn lookup_follows_the_refresh_margin_and_the_backoff() {
        let now = Instant::now();
        let hour = Duration::from_secs(3600);
        assert!(matches!(
            lookup_at(&cache_with(expiring_in(hour, now)), now),
            Lookup::Ready(_)
        ));
        let cache = cache_with(expiring_in(Duration::from_secs(100), now));
        assert!(matches!(lookup_at(&cache, now), Lookup::Stale(_)));
        // A refresh failed 1 s ago: use the cached credentials without asking.
        cache.state().failure = Some(FetchFailure {
            at: now,
            error: CredentialsError::other("down"),
        });
        assert!(matches!(
            lookup_at(&cache, now + Duration::from_secs(1)),
            Lookup::Ready(_)
        ));
        // The backoff is over: due again.
        assert!(matches!(
            lookup_at(&cache, now + REFRESH_BACKOFF),
            Lookup::Stale(_)
        ));
        // Expired: the backoff does not hold back a caller without valid credentials.
        assert!(matches!(
            lookup_at(&cache, now + Duration::from_secs(100)),
            Lookup::Missing
        ));
        let empty = RefreshCache::new(REFRESH_BEFORE_EXPIRY, REFRESH_BACKOFF);
        assert!(matches!(lookup_at(&empty, now), Lookup::Missing));
        // No time left at all is expired at once.
        assert!(matches!(
            lookup_at(&cache_with(expiring_in(Duration::ZERO, now)), now),
            Lookup::Missing
        ));
    }

    #[test]
    fn the_margin_is_the_caches_own() {
        let now = Instant::now();
        let cache = RefreshCache::new(Duration::from_secs(1), REFRESH_BACKOFF);
        cache.state().cached = Some(expiring_in(Duration::from_secs(100), now));
        assert!(matches!(lookup_at(&cache, now), Lookup::Ready(_)));
        assert!(matches!(
            lookup_at(&cache, now + Duration::from_millis(99_500)),
            Lookup::Stale(_)
        ));
    }

    #[test]
    fn lifetimes_are_measured_on_the_servers_clock() {
        let now = Instant::now();
        let credential = Credential::new("AKIDunit", "unit-key");
        let fetched = Expiring::at_server_time(credential.clone(), 1_000_600, 1_000_000, now);
        assert_eq!(fetched.expires_at, now + Duration::from_secs(600));
        let expired = Expiring::at_server_time(credential, 999_000, 1_000_000, now);
        assert_eq!(expired.expires_at, now);
    }

    #[tokio::test]
    async fn a_fetch_runs_only_when_due() {
        let cache = RefreshCache::new(REFRESH_BEFORE_EXPIRY, REFRESH_BACKOFF);
        let mut fetches = 0;
        for _ in 0..3 {
            let credential = cache
                .get(|| {
                    fetches += 1;
                    std::future::ready(Ok(expiring_in(Duration::from_secs(3600), Instant::now())))
                })
                .await
                .expect("fetched or cached");
            assert_eq!(credential.secret_id(), "AKIDunit");
        }
        assert_eq!(fetches, 1);
        assert!(
            cache
                .expires_in()
                .is_some_and(|left| left.as_secs() >= 3599)
        );
    }

    #[test]
    fn instant_after_saturates() {
        let now = Instant::now();
        assert_eq!(
            instant_after(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
        let far = instant_after(now, Duration::MAX);
        assert!(far > now + Duration::from_secs(100 * 365 * 86_400));
    }

    #[test]
    fn shared_errors_keep_variant_message_and_cause_text() {
        let not_found = CredentialsError::NotFound {
            looked_at: "somewhere".to_owned(),
        };
        let shared = share_error(&not_found);
        assert!(matches!(&shared, CredentialsError::NotFound { .. }));
        assert_eq!(shared.to_string(), not_found.to_string());

        let cause = io::Error::new(io::ErrorKind::ConnectionReset, "reset by peer");
        let other = CredentialsError::Other {
            message: "cannot read".to_owned(),
            source: Some(Box::new(cause)),
        };
        let shared = share_error(&other);
        assert_eq!(shared.to_string(), "cannot read");
        let source = StdError::source(&shared).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("reset by peer"));
    }
}
