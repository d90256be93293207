//! A local Tencent Cloud API 3.0 endpoint that speaks the real protocol and verifies
//! TC3-HMAC-SHA256 signatures the way the real service does.
//!
//! The crate has a generic core that knows the protocol (headers, signing, envelopes,
//! common error codes) but nothing about individual actions, and the VPC endpoint on
//! top of it: [`spec`] derives the action table from an `api-spec` service and answers
//! with the spec's examples, [`vpc`] keeps VPN gateways and tunnels in memory and
//! implements `ResetVpnConnection` on them. [`start_vpc`] (or [`MockServer::vpc`])
//! puts it all together, and the `vpc-mock` binary serves it from the command line.
//! It serves plain HTTP, or HTTPS with [`MockServerBuilder::tls`] (a configuration from
//! PEM by [`tls`]; `--tls-cert FILE --tls-key FILE` for the binary).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use vpc_client::vpc::ResetVpnConnectionRequest;
//! use vpc_client::{Client, Endpoint};
//!
//! let server = vpc_mock::start_vpc(vpc_mock::demo_credential()).await?;
//! let client = Client::builder()
//!     .credentials(vpc_mock::demo_credential())
//!     .region("ap-guangzhou")
//!     .endpoint(Endpoint::Url(server.url()))
//!     .build()?;
//! let request = ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
//! client.reset_vpn_connection(&request).await?;
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # VPC and STS on one server
//!
//! [`start_vpc_with_sts`] serves both services on one `127.0.0.1:0` server over one
//! [`KeyStore`]: STS's `AssumeRole` (signed) and `AssumeRoleWithWebIdentity` (unsigned,
//! `Authorization: SKIP`) issue temporary credentials and register them, so VPC calls
//! signed with them (token in `X-TC-Token`) are accepted until they expire. A request
//! goes to the service its `Host` names, else to the one whose version its
//! `X-TC-Version` carries (a client pointed at the server by URL sends one `Host` for
//! both), so one client, or two, reach both. [`StsState`] is the test's handle:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use vpc_client::credentials::Credential;
//! use vpc_client::sts::{AssumeRoleRequest, AssumeRoleWithWebIdentityRequest};
//! use vpc_client::{Client, Endpoint};
//!
//! let (server, sts) = vpc_mock::start_vpc_with_sts(vpc_mock::demo_credential()).await?;
//! server.add_credential(Credential::new("AKIDOTHER", "other-secret")); // another long-term key
//! sts.register_web_identity("OIDC", "the-projected-token");    // accepted by AssumeRoleWithWebIdentity
//! sts.set_lifetime(Some(Duration::from_secs(3)));              // whatever DurationSeconds asks
//! sts.fail_next(1, "InternalError.SystemError", "try again");   // the next STS call fails
//!
//! let client = Client::builder()
//!     .credentials(vpc_mock::demo_credential())
//!     .region("ap-guangzhou")
//!     .endpoint(Endpoint::Url(server.url()))
//!     .build()?;
//! let role = "qcs::cam::uin/100015158414:roleName/readOnlyRole";
//! let _ = client.call(&AssumeRoleRequest::new(role, "session")).await; // the injected failure
//! let assumed = client.call(&AssumeRoleRequest::new(role, "session")).await?;
//! assert_eq!(sts.calls("AssumeRole"), 2);
//! // Unsigned: needs no credentials at all.
//! let request = AssumeRoleWithWebIdentityRequest::new("OIDC", "the-projected-token", role, "pod");
//! let web = client.call(&request).await?;
//! # let _ = (assumed, web);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Unknown web-identity tokens are answered `InvalidParameter.WebIdentityTokenError`,
//! a malformed `RoleArn`, `RoleSessionName` or `DurationSeconds`
//! `InvalidParameter.ParamError`, a request signed with an unknown key
//! `AuthFailure.SecretIdNotFound` and one signed with an expired temporary key
//! `AuthFailure.TokenFailure`. A server of your own mounts the STS side with
//! [`MockServerBuilder::also_serve`]`(sts.mount()?)` and
//! [`MockServerBuilder::key_store`] (the store the [`StsState`] issues into).
//!
//! In the core, actions are described by [`ActionInfo`] (name, rate limit, input
//! members) and served by one [`Handler`] that receives the validated JSON body as a
//! [`Call`] and returns the output members or an [`ApiError`]:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use vpc_client::credentials::Credential;
//! use vpc_mock::{ActionInfo, Call, MockServer, ParamInfo, ParamKind};
//!
//! let server = MockServer::builder()
//!     .credential(Credential::new("AKIDEXAMPLE", "SECRETEXAMPLE"))
//!     .action(
//!         ActionInfo::new("ResetVpnConnection")
//!             .rate_limit_per_second(100)
//!             .param(ParamInfo::required("VpnGatewayId", ParamKind::String))
//!             .param(ParamInfo::required("VpnConnectionId", ParamKind::String)),
//!     )
//!     .handler(|_call: Call| async { Ok(serde_json::Map::new()) })
//!     .start()
//!     .await?;
//! println!("listening on {}", server.url());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! On top of that core, the server side generated from the spec gives each action a
//! typed method: implement [`VpcService`] (every method defaults to
//! [`Refusal::NotImplemented`]) and serve it with [`VpcServiceDispatcher`], which
//! decodes the parameters into the client's own request type and encodes the typed
//! response or error, falling back to another handler for what it does not implement:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use vpc_client::vpc::{
//!     ResetVpnConnectionError, ResetVpnConnectionRequest, ResetVpnConnectionResponse,
//! };
//! use vpc_mock::{Call, ExampleHandler, MockServer, Refusal, VpcService, VpcServiceDispatcher};
//!
//! struct AlwaysOk;
//!
//! impl VpcService for AlwaysOk {
//!     async fn reset_vpn_connection(
//!         &self,
//!         call: &Call,
//!         _request: ResetVpnConnectionRequest,
//!     ) -> Result<ResetVpnConnectionResponse, Refusal<ResetVpnConnectionError>> {
//!         Ok(ResetVpnConnectionResponse { request_id: call.request_id.clone() })
//!     }
//! }
//!
//! let spec = vpc_mock::vpc_service()?;
//! let server = MockServer::builder()
//!     .spec(&spec)
//!     .credential(vpc_mock::demo_credential())
//!     .handler(VpcServiceDispatcher::new(AlwaysOk, ExampleHandler::new(&spec)))
//!     .start()
//!     .await?;
//! # server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # What a request goes through
//!
//! A server built with [`MockServerBuilder::on_reset`] (every [`MockServer::vpc`]
//! endpoint: it clears its [`Emulator`]) first answers `POST /__emulator/reset`
//! ([`RESET_PATH`], a path Tencent never serves, unsigned) with an empty success.
//!
//! Every rejection is HTTP 200 with the Tencent error envelope
//! `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}` and
//! `Content-Type: application/json`; every answer carries a fresh random UUID-v4
//! RequestId. The checks run in this order, the first failure wins:
//!
//! 1. Method and path: only `POST /` without a query string. Anything else is
//!    `UnsupportedProtocol` (the real service also serves `GET` with a query string and
//!    form bodies; this endpoint only speaks the JSON + TC3 dialect the client uses).
//! 2. `Content-Type` must be `application/json`, with any parameters
//!    (`application/json; charset=utf-8` is fine): otherwise `UnsupportedProtocol`.
//! 3. Body size: more than the limit (10 MB by default) is `RequestSizeLimitExceeded`.
//!    The body is read with the limit; the excess is drained without being kept.
//! 4. `Authorization: SKIP` (an unsigned request) is accepted only for an action whose
//!    spec marks it `skip_sign` (STS `AssumeRoleWithWebIdentity`): steps 6–8 are skipped
//!    and the call has no SecretId. For any other action it is
//!    `AuthFailure.SignatureFailure` (Tencent documents no code for this case; see
//!    `auth.rs`). Otherwise, `Authorization` missing or malformed (wrong algorithm, a `Credential` that is not
//!    `<id>/<YYYY-MM-DD>/<service>/tc3_request`, `SignedHeaders` other than
//!    `content-type;host`, a `Signature` that is not 64 hex digits):
//!    `AuthFailure.InvalidAuthorization`.
//! 5. `X-TC-Timestamp` missing: `MissingParameter`; not a decimal number:
//!    `InvalidParameter`; more than the allowed skew (300 s) away from the server clock:
//!    `AuthFailure.SignatureExpire`.
//! 6. Unknown SecretId: `AuthFailure.SecretIdNotFound`.
//! 7. A credential scope whose date is not the UTC date of the timestamp, or whose
//!    service is not the configured one: `AuthFailure.SignatureFailure` (the real service
//!    derives the key from the scope, so such a request can never verify; the message
//!    says which part is wrong). Then the signature is recomputed over the `Host` and
//!    `Content-Type` headers exactly as received, the timestamp and the exact body bytes,
//!    and compared in constant time: a mismatch is `AuthFailure.SignatureFailure`. From
//!    a local `Host` (an IP literal or `localhost`) two variants that official SDKs sign
//!    there are also accepted: the scope's service may be the `Host`'s first
//!    dot-separated label (`127`, as Tencent's Node.js SDK derives it), and the host may
//!    be signed without its port; the HMAC with the account's key over the body and the
//!    headers is checked all the same (`vpc-mock/README.md`, "Signatures from a local
//!    endpoint").
//! 8. Token: a credential with a token requires `X-TC-Token` equal to it; a token sent
//!    for a credential without one (an empty header counts as absent), or a wrong one,
//!    is `AuthFailure.TokenFailure`.
//! 9. Injected [`Faults`] apply here, after authentication, matched by the raw
//!    `X-TC-Action` value (see [`Faults`]).
//! 10. `X-TC-Action` missing: `MissingParameter`; not in the action table:
//!     `InvalidAction`.
//! 11. `X-TC-Version` missing: `MissingParameter`; not the configured version:
//!     `NoSuchVersion`.
//! 12. `X-TC-Region` missing: `MissingParameter`; not an accepted region:
//!     `UnsupportedRegion`.
//! 13. The body must be a JSON object: otherwise `InvalidParameter`. Then it is checked
//!     against the action's parameters, object by object: a missing required member is
//!     `MissingParameter`, an undeclared member `UnknownParameter`, a value of the wrong
//!     JSON type (including `null`) `InvalidParameter`. Messages name the member with its
//!     path, e.g. ``The parameter `Filters.0.Name` is missing.``
//! 14. The action's rate limit, counted as Tencent counts it: a sliding one-second
//!     window per account (the SecretId that signed), region and action; rejected
//!     calls do not count: `RequestLimitExceeded`.
//! 15. For an action with an idempotency token ([`ActionInfo::idempotency`]; from the
//!     spec, the 10 VPC actions with a `ClientToken`) whose request carries a non-empty
//!     one: a token seen before from the same SecretId, region and action with the same
//!     parameters is answered the first success's output again (with a fresh
//!     RequestId) without running the handler; with other parameters, the action's
//!     mismatch code ([`Idempotency::mismatch_code`]). A failed run leaves the token
//!     free. The [`DEFAULT_IDEMPOTENCY_CAPACITY`] most recent tokens are remembered.
//! 16. The handler runs; its output members are answered inside `Response` with the
//!     RequestId added, its [`ApiError`] inside the error envelope. A panicking handler
//!     is answered with `InternalError`. [`Fault::LoseAnswer`] drops the connection
//!     here, after the handler ran, instead of answering.

mod action;
mod auth;
pub mod emulator;
mod envelope;
mod faults;
mod handler;
mod idempotency;
mod keys;
mod rate_limit;
mod server;
pub mod spec;
pub mod sts;
pub mod tls;
pub mod typed;
pub mod vpc;

// Written by `cargo xtask codegen` from the spec (prettyplease, not rustfmt: `cargo fmt`
// must not touch it, or the freshness check would fail).
#[rustfmt::skip]
#[path = "generated/vpc_service/mod.rs"]
mod service;

// The STS side, generated the same way from `api-spec/sts.json`.
#[rustfmt::skip]
#[path = "generated/sts_service/mod.rs"]
mod sts_service;

pub use action::{ActionInfo, ParamInfo, ParamKind};
pub use emulator::{Emulator, EmulatorError};
pub use faults::{Fault, Faults};
pub use handler::{ApiError, Call, Handler, HandlerFuture};
pub use idempotency::{DEFAULT_IDEMPOTENCY_CAPACITY, IDEMPOTENT_PARAMETER_MISMATCH, Idempotency};
pub use keys::KeyStore;
pub use server::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_REGIONS, DEFAULT_SERVICE,
    DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_VERSION, MockServer, MockServerBuilder, RESET_PATH,
    RunningServer, ServiceMount,
};
pub use service::{VpcService, VpcServiceDispatcher};
pub use spec::{ExampleHandler, actions_from_service, vpc_service};
pub use sts::{Issued, StsState, sts_service};
pub use sts_service::{StsService, StsServiceDispatcher};
pub use typed::Refusal;
pub use vpc::{VpcHandler, VpcState};

use vpc_client::credentials::Credential;

/// The SecretId of the demo credential the `vpc-mock` binary accepts by default.
///
/// **Local only**: it is no Tencent Cloud credential and grants nothing anywhere else;
/// it is public so that examples and tests can talk to a local endpoint.
pub const DEMO_SECRET_ID: &str = "AKIDLOCALMOCKEXAMPLE";

/// The SecretKey of the demo credential (see [`DEMO_SECRET_ID`]): **local only**,
/// public on purpose.
pub const DEMO_SECRET_KEY: &str = "local-mock-secret-key";

/// The demo credential, [`DEMO_SECRET_ID`] and [`DEMO_SECRET_KEY`] (local only).
pub fn demo_credential() -> Credential {
    Credential::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)
}

/// Why the local VPC endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// An embedded spec (VPC's or STS's) does not validate.
    #[error("an embedded spec is invalid: {0}")]
    Spec(#[from] api_spec::SpecError),
    /// The embedded VPC spec lacks something the emulator reads from it.
    #[error("the spec cannot drive the emulator: {0}")]
    Emulator(String),
    /// The address cannot be bound.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

impl From<EmulatorError> for StartError {
    fn from(error: EmulatorError) -> Self {
        match error {
            EmulatorError::Spec(error) => Self::Spec(error),
            EmulatorError::Unsupported(message) => Self::Emulator(message),
            EmulatorError::State(error) => Self::Emulator(error.to_string()),
        }
    }
}

impl MockServer {
    /// A builder for the local VPC endpoint: the embedded VPC spec's action table
    /// ([`MockServerBuilder::spec`]) served by a fresh [`Emulator`] (IDs from the clock,
    /// default quotas) for the [emulated actions](emulator::emulated_actions), whose
    /// fallback is a [`VpcHandler`] over `state` (`ResetVpnConnection` of the fixture's
    /// tunnels; the emulator serves it for its own connections) and the spec's examples
    /// for every other action. Add credentials (and anything else) before starting it.
    ///
    /// # Errors
    ///
    /// When the embedded spec does not validate (the crate's tests make sure it does).
    pub fn vpc(state: VpcState) -> Result<MockServerBuilder, EmulatorError> {
        Self::vpc_emulated(state, Emulator::builder().build()?)
    }

    /// Like [`MockServer::vpc`], with an emulator of your own (seeded, other quotas),
    /// which you keep a handle to (to [`Emulator::reset`] it between tests).
    ///
    /// # Errors
    ///
    /// When the embedded spec does not validate.
    pub fn vpc_emulated(
        state: VpcState,
        emulator: Emulator,
    ) -> Result<MockServerBuilder, EmulatorError> {
        let service = spec::shared_vpc_service()?;
        // The emulator first: it serves its actions, and `ResetVpnConnection` for its
        // own connections; the fixture's handler serves the other resets, and the
        // examples every other action.
        let handler = emulator.handler(VpcHandler::new(state, ExampleHandler::new(service)));
        Ok(MockServer::builder()
            .spec(service)
            .handler(handler)
            .on_reset(move || emulator.reset()))
    }

    /// The local VPC endpoint without the emulator: `ResetVpnConnection` from `state`,
    /// every other action (the emulated ones too) from the spec's examples.
    ///
    /// # Errors
    ///
    /// When the embedded spec does not validate.
    pub fn vpc_examples(state: VpcState) -> Result<MockServerBuilder, api_spec::SpecError> {
        let service = spec::shared_vpc_service()?;
        let handler = VpcHandler::new(state, ExampleHandler::new(service));
        Ok(MockServer::builder().spec(service).handler(handler))
    }
}

/// Starts the local VPC endpoint on `127.0.0.1` (an ephemeral port) with the default
/// seed ([`VpcState::seeded`]), accepting requests signed with `credential`.
///
/// # Errors
///
/// When the embedded spec does not validate or the port cannot be bound.
pub async fn start_vpc(credential: Credential) -> Result<RunningServer, StartError> {
    Ok(MockServer::vpc(VpcState::seeded())?
        .credential(credential)
        .start()
        .await?)
}

/// Starts one local endpoint on `127.0.0.1` (an ephemeral port) serving VPC (as
/// [`start_vpc`] does) and STS ([`StsState`]) over one [`KeyStore`], accepting requests
/// signed with `credential` (a long-term key) and with every temporary key its STS
/// issues, until each expires. Returns the server and the STS handle.
///
/// # Errors
///
/// When an embedded spec does not validate or the port cannot be bound.
pub async fn start_vpc_with_sts(
    credential: Credential,
) -> Result<(RunningServer, StsState), StartError> {
    let keys = KeyStore::new();
    let sts = StsState::new(keys.clone());
    let server = MockServer::vpc(VpcState::seeded())?
        .key_store(keys)
        .credential(credential)
        .also_serve(sts.mount()?)
        .start()
        .await?;
    Ok((server, sts))
}

/// Error codes this endpoint answers by itself, as the real service spells them.
pub mod codes {
    /// The `Authorization` header is missing or malformed.
    pub const INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";
    /// The SecretId is not one of the accepted credentials.
    pub const SECRET_ID_NOT_FOUND: &str = "AuthFailure.SecretIdNotFound";
    /// The timestamp is too far from the server clock.
    pub const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
    /// The signature (or its credential scope) does not verify.
    pub const SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";
    /// The session token is missing, wrong or unexpected.
    pub const TOKEN_FAILURE: &str = "AuthFailure.TokenFailure";
    /// The handler failed unexpectedly.
    pub const INTERNAL_ERROR: &str = "InternalError";
    /// The action does not exist.
    pub const INVALID_ACTION: &str = "InvalidAction";
    /// A parameter has a wrong value or type, or the body is not a JSON object.
    pub const INVALID_PARAMETER: &str = "InvalidParameter";
    /// A parameter's value is not accepted: here, a `ClientToken` sent again with other
    /// parameters, for an action that does not document
    /// [`IDEMPOTENT_PARAMETER_MISMATCH`](crate::IDEMPOTENT_PARAMETER_MISMATCH).
    pub const INVALID_PARAMETER_VALUE: &str = "InvalidParameterValue";
    /// A required parameter (header or body member) is missing.
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    /// The API version does not exist.
    pub const NO_SUCH_VERSION: &str = "NoSuchVersion";
    /// The action's request rate limit is exceeded.
    pub const REQUEST_LIMIT_EXCEEDED: &str = "RequestLimitExceeded";
    /// The body is larger than the limit.
    pub const REQUEST_SIZE_LIMIT_EXCEEDED: &str = "RequestSizeLimitExceeded";
    /// The body has a member the action does not declare.
    pub const UNKNOWN_PARAMETER: &str = "UnknownParameter";
    /// Wrong method, path or content type.
    pub const UNSUPPORTED_PROTOCOL: &str = "UnsupportedProtocol";
    /// The region is not served.
    pub const UNSUPPORTED_REGION: &str = "UnsupportedRegion";
}
