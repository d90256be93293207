//! The contract between generated code and the runtime: [`Action`] ties a request type
//! to its action name, response and error types; [`ActionError`] builds the typed error
//! from a decoded [`ServiceError`], and [`CommonErrors`] is the service's shared enum of
//! the codes common to every action, which each action's error holds in one variant.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ServiceError;

/// Identity of one service at one API version, generated from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Service name for hosts and signing (`vpc`).
    pub name: &'static str,
    /// API version sent as `X-TC-Version` (`2017-03-12`).
    pub version: &'static str,
    /// The host used when the client is given no endpoint.
    pub default_host: &'static str,
}

/// A request type of one API action. Implemented by generated code.
pub trait Action: Serialize + Sync {
    /// The exact action name sent as `X-TC-Action`.
    const NAME: &'static str;
    /// The service the action belongs to.
    const SERVICE: &'static ServiceInfo;
    /// The documented limit in requests per second, if any.
    const RATE_LIMIT: Option<u32>;
    /// Whether a request that may have reached the server may be sent again.
    const RETRY_SAFE: bool;
    /// Whether the action is sent unsigned: `Authorization: SKIP`, no signature, no
    /// `X-TC-Token`, and no credentials fetched (the spec's `skip_sign`; STS
    /// `AssumeRoleWithWebIdentity`, whose caller has no keys yet). Every other action is
    /// signed.
    const SKIP_SIGN: bool;
    /// The wire name of the request's idempotency-token member (`ClientToken`), for an
    /// action whose request has one; `None` for every other action (the default).
    ///
    /// The service runs a request whose token it has seen (same account, same
    /// parameters) only once and answers the first answer again, so
    /// [`Client::call`](crate::Client::call) fills a fresh random token when the caller
    /// left it empty ([`with_client_token`](Self::with_client_token)), sends that same
    /// token in every attempt of the call, and resends such a request after a timeout or
    /// a lost connection as it does a [`RETRY_SAFE`](Self::RETRY_SAFE) one.
    const CLIENT_TOKEN: Option<&'static str> = None;
    /// The decoded success answer. Generated answers also serialize, for servers, with
    /// the crate's `server` feature (or always, from `vpc_macros::generate!`).
    type Response: DeserializeOwned + Send + 'static;
    /// The action's typed error.
    type Error: ActionError;

    /// For an action with a [`CLIENT_TOKEN`](Self::CLIENT_TOKEN) member: a copy of this
    /// request holding `token()` there when the caller left it empty (absent or empty
    /// text), or `None` when the caller set one (it is sent as it is). `None` for every
    /// other action (the default), without calling `token`.
    fn with_client_token<F: FnOnce() -> String>(&self, token: F) -> Option<Self>
    where
        Self: Sized,
    {
        let _ = token;
        None
    }
}

/// The typed error enum of one action. Implemented by generated code.
///
/// A generated enum has a variant per code the action documents that is not common to
/// the service, then `Common(CommonError)` (the service's shared enum of common codes,
/// [`Self::CommonError`]), then `Unknown` for codes the client does not know.
pub trait ActionError: std::error::Error + Send + Sync + Sized + 'static {
    /// The service's enum of the codes common to every action (`vpc::CommonError`), or
    /// [`NoCommonErrors`] for a service that has none.
    type CommonError: CommonErrors;
    /// Picks the variant for the error's code; unknown codes land in the fallback.
    fn from_service_error(error: ServiceError) -> Self;
    /// The code, message and RequestId behind the variant.
    fn service_error(&self) -> &ServiceError;
    /// The common code behind the variant, if it is one (the `Common` variant).
    fn common(&self) -> Option<&Self::CommonError>;
}

/// The enum of the error codes common to every action of one service (`vpc::CommonError`):
/// one variant per code, each holding the [`ServiceError`]. Implemented by generated
/// code, and by [`NoCommonErrors`].
///
/// Generic code can handle the common codes of every action in one place:
///
/// ```
/// use vpc_client::vpc::CommonError;
/// use vpc_client::{ActionError, Error};
///
/// fn is_missing<E: ActionError<CommonError = CommonError>>(error: &Error<E>) -> bool {
///     matches!(error.common(), Some(CommonError::ResourceNotFound(_)))
/// }
/// # let _ = is_missing::<vpc_client::vpc::ResetVpnConnectionError>;
/// ```
pub trait CommonErrors: std::error::Error + Send + Sync + Sized + 'static {
    /// Every common code, in spec order.
    const CODES: &'static [&'static str];
    /// The variant for the error's code, or the error back when its code is not common.
    fn from_service_error(error: ServiceError) -> Result<Self, ServiceError>;
    /// The code, message and RequestId behind the variant.
    fn service_error(&self) -> &ServiceError;
}

/// The [`ActionError::CommonError`] of a service without common codes: it has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCommonErrors {}

impl std::fmt::Display for NoCommonErrors {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {}
    }
}

impl std::error::Error for NoCommonErrors {}

impl CommonErrors for NoCommonErrors {
    const CODES: &'static [&'static str] = &[];

    fn from_service_error(error: ServiceError) -> Result<Self, ServiceError> {
        Err(error)
    }

    fn service_error(&self) -> &ServiceError {
        match *self {}
    }
}

/// Visits the request types of a generated service, one call per action.
///
/// Generated code provides `visit_actions(&mut visitor)`, which calls
/// [`visit`](Self::visit) once for every action it generated, in spec order. It lets code
/// that must cover every action (a test that round-trips each one, a registry keyed by
/// [`Action::NAME`]) enumerate them without a hand-kept list, so a new spec entry is
/// covered the moment it is generated. Each type it visits also deserializes, and its
/// answer serializes, as a server needs them: `vpc_client::vpc::visit_actions` is there
/// with this crate's `server` feature (which `vpc-mock` turns on).
///
/// ```
/// use vpc_client::{Action, ActionVisitor};
///
/// struct Names(Vec<&'static str>);
///
/// impl ActionVisitor for Names {
///     fn visit<A>(&mut self)
///     where
///         A: Action + serde::de::DeserializeOwned + Send + 'static,
///         A::Response: serde::Serialize,
///     {
///         self.0.push(A::NAME);
///     }
/// }
///
/// let mut names = Names(Vec::new());
/// vpc_client::vpc::visit_actions(&mut names);
/// assert!(names.0.contains(&"ResetVpnConnection"));
/// ```
pub trait ActionVisitor {
    /// Called once per generated action with its request type.
    fn visit<A>(&mut self)
    where
        A: Action + DeserializeOwned + Send + 'static,
        A::Response: Serialize;
}
