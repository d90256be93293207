//! A typed, signed client for the Tencent Cloud VPC API (version 2017-03-12), and for
//! STS (Security Token Service, 2018-08-13), whose temporary credentials it can use.
//!
//! The request, response and error types and the call methods in [`vpc`] and [`sts`]
//! are generated from `api-spec/vpc.json` and `api-spec/sts.json` by `cargo xtask
//! codegen`; the rest of the crate is the
//! runtime they use: [`credentials`], [`signing`] (TC3-HMAC-SHA256), the [`Client`] and
//! its transport, the decoding of answers into typed results, [`paginate`] (every
//! page of a list action as a stream) and [`waiter`] (waiting for tasks and states).
//!
//! # Cargo features
//!
//! - `all-actions` (default): every action of [`vpc`]. Each action is also a feature of
//!   its own, named as Tencent names it (`ResetVpnConnection`, `DescribeVpcs`), so a crate
//!   that calls a few actions compiles only those: `vpc-client = { version = "0.1",
//!   default-features = false, features = ["rustls-ring", "DescribeVpcs"] }`. An object
//!   type is compiled with the actions that use it. The generated code of all 448 actions is most of this
//!   crate's build time.
//! - `rustls-ring` (default): TLS by rustls over *ring*. `rustls-aws-lc`: over aws-lc-rs
//!   instead (FIPS-capable, post-quantum key exchange; a C build of over a minute). See
//!   [`tls`].
//! - `server` (off): what a server needs of the generated types and a client does not:
//!   each request's `Deserialize`, each answer's `Serialize`, and `vpc::visit_actions`.
//!   `vpc-mock` turns it on; left off, the crate builds about a third faster.
//!
//! ```no_run
//! use vpc_client::{Client, Endpoint};
//! use vpc_client::credentials::Credential;
//! use vpc_client::vpc::{CommonError, ResetVpnConnectionError, ResetVpnConnectionRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .credentials(Credential::new("AKID...", "secret"))
//!     .region("ap-guangzhou")
//!     .endpoint(Endpoint::Url("http://127.0.0.1:18080".into()))
//!     .build()?;
//! let request = ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
//! match client.reset_vpn_connection(&request).await {
//!     Ok(response) => println!("reset, RequestId {}", response.request_id),
//!     Err(vpc_client::Error::Service(ResetVpnConnectionError::UnsupportedOperationVpnConnInvalidState(e))) => {
//!         println!("tunnel busy: {}", e.message)
//!     }
//!     // A code common to every action: one shared enum, matched the same for each.
//!     Err(vpc_client::Error::Service(ResetVpnConnectionError::Common(CommonError::ResourceNotFound(e)))) => {
//!         println!("no such tunnel: {}", e.message)
//!     }
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```

mod action;
mod build_error;
mod client;
pub mod clock;
pub mod credentials;
mod decode;
mod error;
mod http;
pub mod lenient;
pub mod paginate;
mod rate_limit;
mod retry;
#[cfg(feature = "redis")]
pub mod shared_limit;
pub mod signing;
pub mod tls;
pub mod waiter;
// Its common codes are the generated `vpc::CommonError`, left out of unit tests as the
// module is (below).
#[cfg(not(test))]
mod untyped;

// Formatted by the generator (prettyplease), not by rustfmt: `cargo fmt` must not touch
// it, or the freshness check would fail.
//
// Left out of this crate's own unit-test build: no unit test uses it, and compiling the
// ~180k generated lines a second time (for `cargo test` and `clippy --all-targets`)
// would add minutes to every CI run. Integration tests, doc tests and every dependent
// crate see it as usual.
#[cfg(not(test))]
#[rustfmt::skip]
#[path = "generated/vpc/mod.rs"]
pub mod vpc;

// STS (Security Token Service), generated like `vpc` from `api-spec/sts.json`: seven
// actions, never feature-gated (the credential providers need `AssumeRole` and
// `AssumeRoleWithWebIdentity` whatever features a user names), a few hundred lines.
#[rustfmt::skip]
#[path = "generated/sts/mod.rs"]
pub mod sts;

pub use action::{Action, ActionError, ActionVisitor, CommonErrors, NoCommonErrors, ServiceInfo};
pub use build_error::BuildError;
pub use client::{
    CONTENT_TYPE, Client, ClientBuilder, ENV_REGION, Endpoint, Language, REQUEST_CLIENT,
};
pub use decode::{RawAnswer, decode};
pub use error::{
    Error, Exhausted, ResponseError, ResponseErrorKind, ServiceError, StopReason, TransportError,
    TransportErrorKind,
};
pub use paginate::{Items, Pages, Paginated};
pub use rate_limit::{PACING_MARGIN, RateLimitPolicy};
pub use retry::RetryPolicy;
#[cfg(feature = "redis")]
pub use shared_limit::{SharedRateLimit, SharedRateLimitError, SharedRateLimitStats};
#[cfg(not(test))]
pub use untyped::{UntypedError, UntypedRequest};
pub use waiter::{TaskQuery, WaitError, WaitOptions, Waited};

#[doc(hidden)]
pub mod __private {
    //! Re-exports for generated code, so that a crate using `vpc-macros` needs no serde
    //! dependency of its own. Not a public API.
    pub use serde;
}

/// The workspace README's Rust examples, compiled as doc tests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// `docs/client.md`'s Rust examples, compiled as doc tests too.
#[cfg(doctest)]
#[doc = include_str!("../../docs/client.md")]
pub struct ClientGuideDoctests;
