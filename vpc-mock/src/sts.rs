//! The local STS (Security Token Service): `AssumeRole` (signed, like every VPC call)
//! and `AssumeRoleWithWebIdentity` (unsigned, `Authorization: SKIP`) answer fresh
//! temporary credentials and register them in the server's [`KeyStore`], so that a
//! call signed with them (and their token in `X-TC-Token`) is accepted until they
//! expire. The other STS actions answer their spec's example.
//!
//! [`StsState`] is the handle a test keeps: it registers web-identity tokens, counts the
//! calls per action, sets the lifetime of what it issues and fails the next calls with
//! a chosen code. [`start_vpc_with_sts`](crate::start_vpc_with_sts) starts one server
//! serving VPC and STS over one key store.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api_spec::ir::Service;
use serde_json::{Map, Value};
use vpc_client::credentials::Credential;
use vpc_client::sts::{
    AssumeRoleError, AssumeRoleRequest, AssumeRoleResponse, AssumeRoleWithWebIdentityError,
    AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse, Credentials,
};

use crate::envelope::new_request_id;
use crate::handler::{ApiError, Call, Handler, HandlerFuture};
use crate::keys::KeyStore;
use crate::server::ServiceMount;
use crate::spec::{ExampleHandler, actions_from_service};
use crate::sts_service::{StsService, StsServiceDispatcher};
use crate::typed::{self, Refusal};

/// The shipped STS spec (`api-spec/sts.json`), embedded at compile time.
pub const STS_SPEC_JSON: &str = include_str!("../../api-spec/sts.json");

/// The origin named in errors about [`STS_SPEC_JSON`].
pub const STS_SPEC_ORIGIN: &str = "api-spec/sts.json";

/// The lifetime of issued credentials when the request names none (STS's default).
pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);

/// The longest lifetime STS issues (its documented maximum, 43,200 s).
pub const MAX_DURATION: Duration = Duration::from_secs(43_200);

/// Error codes the STS side answers, from STS's error table.
pub mod codes {
    /// A parameter is malformed (a role ARN, a session name, a duration out of range).
    pub const PARAM_ERROR: &str = "InvalidParameter.ParamError";
    /// The web-identity token (with its provider) is not one the test registered.
    pub const WEB_IDENTITY_TOKEN_ERROR: &str = "InvalidParameter.WebIdentityTokenError";
}

/// Loads the embedded STS spec, validated once per process.
///
/// # Errors
///
/// When the embedded spec does not validate (the crate's tests make sure it does).
pub fn sts_service() -> Result<Service, api_spec::SpecError> {
    shared_sts_service().cloned()
}

pub(crate) fn shared_sts_service() -> Result<&'static Service, api_spec::SpecError> {
    static LOADED: OnceLock<Result<Service, Vec<api_spec::Diagnostic>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(|| {
        api_spec::load_str(STS_SPEC_JSON, STS_SPEC_ORIGIN)
            .map_err(|error| error.diagnostics().to_vec())
    });
    match loaded {
        Ok(service) => Ok(service),
        Err(diagnostics) => Err(api_spec::SpecError::Invalid(diagnostics.clone())),
    }
}

/// The local STS's state, shared by its clones: what a test configures and reads.
#[derive(Clone)]
pub struct StsState {
    inner: Arc<Inner>,
}

struct Inner {
    keys: KeyStore,
    /// `(ProviderId, WebIdentityToken)` pairs `AssumeRoleWithWebIdentity` accepts.
    web_identities: Mutex<Vec<(String, String)>>,
    calls: Mutex<BTreeMap<String, u64>>,
    lifetime: Mutex<Option<Duration>>,
    /// How many of the next calls fail, and with what.
    failures: Mutex<Option<(u32, ApiError)>>,
    issued: Mutex<Vec<Issued>>,
    serial: AtomicU64,
}

/// One set of temporary credentials the local STS issued (what a test may check).
#[derive(Clone, PartialEq, Eq)]
pub struct Issued {
    /// The action that issued it.
    pub action: String,
    /// Its `TmpSecretId`.
    pub secret_id: String,
    /// Its `ExpiredTime` (Unix seconds).
    pub expired_time: u64,
    /// The role ARN it was issued for.
    pub role_arn: String,
    /// The session name it was issued for.
    pub role_session_name: String,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The SecretId is no secret; the key and token are not kept here at all.
        f.debug_struct("Issued")
            .field("action", &self.action)
            .field("secret_id", &self.secret_id)
            .field("expired_time", &self.expired_time)
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .finish()
    }
}

impl fmt::Debug for StsState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsState")
            .field("calls", &*lock(&self.inner.calls))
            .field("lifetime", &*lock(&self.inner.lifetime))
            .field("issued", &lock(&self.inner.issued).len())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is one small update: a poisoned lock holds good data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl StsState {
    /// A local STS issuing into `keys` (the store the server verifies against).
    pub fn new(keys: KeyStore) -> Self {
        Self {
            inner: Arc::new(Inner {
                keys,
                web_identities: Mutex::new(Vec::new()),
                calls: Mutex::new(BTreeMap::new()),
                lifetime: Mutex::new(None),
                failures: Mutex::new(None),
                issued: Mutex::new(Vec::new()),
                serial: AtomicU64::new(0),
            }),
        }
    }

    /// The key store it issues into.
    pub fn keys(&self) -> &KeyStore {
        &self.inner.keys
    }

    /// `AssumeRoleWithWebIdentity` accepts `token` from the identity provider
    /// `provider_id` (`OIDC` for TKE) from now on; any other pair is answered
    /// `InvalidParameter.WebIdentityTokenError`.
    pub fn register_web_identity(&self, provider_id: impl Into<String>, token: impl Into<String>) {
        lock(&self.inner.web_identities).push((provider_id.into(), token.into()));
    }

    /// `AssumeRoleWithWebIdentity` no longer accepts `token` from `provider_id` (a
    /// rotated token that expired); whether it did.
    pub fn forget_web_identity(&self, provider_id: &str, token: &str) -> bool {
        let mut identities = lock(&self.inner.web_identities);
        let before = identities.len();
        identities.retain(|(p, t)| !(p == provider_id && t == token));
        identities.len() != before
    }

    /// Issued credentials live `lifetime` whatever `DurationSeconds` asks (`None`: as
    /// the request asks, [`DEFAULT_DURATION`] when it does not). For tests of refreshing:
    /// a few seconds.
    pub fn set_lifetime(&self, lifetime: Option<Duration>) {
        *lock(&self.inner.lifetime) = lifetime;
    }

    /// The next `count` STS calls (of any action, after authentication) are answered
    /// with `code` and `message` and issue nothing; they are counted like the others.
    pub fn fail_next(&self, count: u32, code: impl Into<String>, message: impl Into<String>) {
        *lock(&self.inner.failures) = (count > 0).then(|| (count, ApiError::new(code, message)));
    }

    /// How many calls of `action` reached the STS side (authenticated and valid;
    /// failed ones included).
    pub fn calls(&self, action: &str) -> u64 {
        lock(&self.inner.calls).get(action).copied().unwrap_or(0)
    }

    /// The calls per action, as [`calls`](Self::calls) counts them.
    pub fn all_calls(&self) -> BTreeMap<String, u64> {
        lock(&self.inner.calls).clone()
    }

    /// Every set of credentials issued so far, oldest first.
    pub fn issued(&self) -> Vec<Issued> {
        lock(&self.inner.issued).clone()
    }

    /// The local STS as a service a [`MockServer`](crate::MockServer) mounts beside its
    /// first one: the spec's action table, this state's typed methods, the spec's
    /// examples for the rest.
    ///
    /// # Errors
    ///
    /// When the embedded STS spec does not validate.
    pub fn mount(&self) -> Result<ServiceMount, api_spec::SpecError> {
        let service = shared_sts_service()?;
        let handler = StsHandler {
            state: self.clone(),
            dispatcher: StsServiceDispatcher::new(self.clone(), ExampleHandler::new(service)),
        };
        Ok(
            ServiceMount::new(service.name.clone(), service.version.clone(), handler)
                .actions(actions_from_service(service)),
        )
    }

    /// Issues credentials for `role_arn` and registers them, living `requested` seconds
    /// (or the override).
    fn issue(
        &self,
        action: &str,
        role_arn: &str,
        role_session_name: &str,
        requested: Option<i64>,
    ) -> Result<(Credentials, u64, String), ApiError> {
        check_role_arn(role_arn)?;
        check_session_name(role_session_name)?;
        let asked = match requested {
            None => DEFAULT_DURATION,
            Some(seconds) => u64::try_from(seconds)
                .ok()
                .map(Duration::from_secs)
                .filter(|d| !d.is_zero() && *d <= MAX_DURATION)
                .ok_or_else(|| {
                    ApiError::new(
                        codes::PARAM_ERROR,
                        format!(
                            "The parameter `DurationSeconds` ({seconds}) must be between 1 and {}.",
                            MAX_DURATION.as_secs()
                        ),
                    )
                })?,
        };
        let lifetime = lock(&self.inner.lifetime).unwrap_or(asked);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let expired_time = now.saturating_add(lifetime.as_secs().max(1));
        let serial = self.inner.serial.fetch_add(1, Ordering::Relaxed);
        let secret_id = format!("AKIDTMP{serial:04}{}", new_request_id().replace('-', ""));
        let secret_key = new_request_id().replace('-', "");
        let token = format!("tmptoken-{}", new_request_id());
        self.inner.keys.insert_expiring(
            Credential::new(secret_id.clone(), secret_key.clone()).with_token(token.clone()),
            expired_time,
        );
        lock(&self.inner.issued).push(Issued {
            action: action.to_owned(),
            secret_id: secret_id.clone(),
            expired_time,
            role_arn: role_arn.to_owned(),
            role_session_name: role_session_name.to_owned(),
        });
        let credentials = Credentials {
            token: Some(token),
            tmp_secret_id: Some(secret_id),
            tmp_secret_key: Some(secret_key),
        };
        Ok((credentials, expired_time, iso8601(expired_time)))
    }
}

/// Counts each call and applies the injected failures, then serves it typed.
struct StsHandler {
    state: StsState,
    dispatcher: StsServiceDispatcher<StsState>,
}

impl Handler for StsHandler {
    fn handle(&self, call: Call) -> HandlerFuture {
        *lock(&self.state.inner.calls)
            .entry(call.action.clone())
            .or_insert(0) += 1;
        let failure = {
            let mut failures = lock(&self.state.inner.failures);
            let failure = failures.as_ref().map(|(_, error)| error.clone());
            if let Some((left, _)) = failures.as_mut() {
                *left -= 1;
                if *left == 0 {
                    *failures = None;
                }
            }
            failure
        };
        match failure {
            Some(error) => Box::pin(async move { Err::<Map<String, Value>, _>(error) }),
            None => self.dispatcher.handle(call),
        }
    }
}

impl StsService for StsState {
    async fn assume_role(
        &self,
        call: &Call,
        request: AssumeRoleRequest,
    ) -> Result<AssumeRoleResponse, Refusal<AssumeRoleError>> {
        let (credentials, expired_time, expiration) = self
            .issue(
                "AssumeRole",
                &request.role_arn,
                &request.role_session_name,
                request
                    .duration_seconds
                    .map(|seconds| i64::try_from(seconds).unwrap_or(i64::MAX)),
            )
            .map_err(|error| typed::error::<AssumeRoleError>(call, error))?;
        Ok(AssumeRoleResponse {
            credentials: Some(credentials),
            expired_time: Some(i64::try_from(expired_time).unwrap_or(i64::MAX)),
            expiration: Some(expiration),
            request_id: call.request_id.clone(),
        })
    }

    async fn assume_role_with_web_identity(
        &self,
        call: &Call,
        request: AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityResponse, Refusal<AssumeRoleWithWebIdentityError>> {
        let refuse = |error| typed::error::<AssumeRoleWithWebIdentityError>(call, error);
        let known = lock(&self.inner.web_identities)
            .iter()
            .any(|(provider, token)| {
                *provider == request.provider_id && *token == request.web_identity_token
            });
        if !known {
            return Err(refuse(ApiError::new(
                codes::WEB_IDENTITY_TOKEN_ERROR,
                format!(
                    "The WebIdentityToken is not valid for the identity provider `{}`.",
                    request.provider_id
                ),
            ))
            .into());
        }
        let (credentials, expired_time, expiration) = self
            .issue(
                "AssumeRoleWithWebIdentity",
                &request.role_arn,
                &request.role_session_name,
                request.duration_seconds,
            )
            .map_err(refuse)?;
        Ok(AssumeRoleWithWebIdentityResponse {
            expired_time: Some(expired_time),
            expiration: Some(expiration),
            credentials: Some(credentials),
            request_id: call.request_id.clone(),
        })
    }
}

/// `qcs::cam::uin/<account>:roleName/<name>` or `qcs::cam::uin/<account>:role/<id>`, as
/// STS documents a role ARN (the account is not checked further: Tencent's own examples
/// mask it, `7989***`).
fn check_role_arn(arn: &str) -> Result<(), ApiError> {
    let valid = arn
        .strip_prefix("qcs::cam::uin/")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(uin, role)| {
            !uin.is_empty()
                && (role
                    .strip_prefix("roleName/")
                    .is_some_and(|name| !name.is_empty())
                    || role.strip_prefix("role/").is_some_and(|id| !id.is_empty()))
        });
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(
            codes::PARAM_ERROR,
            format!(
                "The parameter `RoleArn` (`{arn}`) is not a role ARN such as `qcs::cam::uin/12345678:roleName/testRole`."
            ),
        ))
    }
}

/// 2-128 characters of `[\w+=,.@-]`, as STS documents a session name.
fn check_session_name(name: &str) -> Result<(), ApiError> {
    let length = name.chars().count();
    let valid = (2..=128).contains(&length)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-'));
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(
            codes::PARAM_ERROR,
            format!(
                "The parameter `RoleSessionName` (`{name}`) must be 2 to 128 letters, digits or `_+=,.@-`."
            ),
        ))
    }
}

/// `2018-12-04T09:06:16Z` for a Unix second.
fn iso8601(unix: u64) -> String {
    let days = unix / 86_400;
    let seconds = unix % 86_400;
    let (year, month, day) = vpc_client::clock::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_the_documented_example() {
        // STS's own example: ExpiredTime 1543914376, Expiration 2018-12-04T09:06:16Z.
        assert_eq!(iso8601(1_543_914_376), "2018-12-04T09:06:16Z");
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn role_arns_and_session_names() {
        check_role_arn("qcs::cam::uin/100015158414:roleName/readOnlyRole").unwrap();
        check_role_arn("qcs::cam::uin/12345678:role/4611686018427397919").unwrap();
        for bad in [
            "",
            "qcs::cam::uin/:roleName/x",
            "qcs::cam::uin/123:roleName/",
            "qcs::cam::uin/123:role/",
            "qcs::cam::uin/123:user/x",
            "arn:aws:iam::123:role/x",
        ] {
            assert_eq!(
                check_role_arn(bad).unwrap_err().code,
                codes::PARAM_ERROR,
                "{bad}"
            );
        }
        check_session_name("test_OIDC").unwrap();
        check_session_name("cts").unwrap();
        for bad in ["", "a", "has space", &"x".repeat(129)] {
            assert_eq!(
                check_session_name(bad).unwrap_err().code,
                codes::PARAM_ERROR,
                "{bad}"
            );
        }
    }
}
