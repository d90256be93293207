//! The stateful VPC implementation: in-memory VPN gateways and tunnels
//! ([`VpcState`]), a JSON fixture format to seed them, and the [`VpcHandler`] that
//! serves the actions it implements from that state and the rest from the spec's
//! examples.
//!
//! # Fixture format
//!
//! ```json
//! {
//!   "reset_delay_ms": 2000,
//!   "gateways": [{ "id": "vpngw-kjllnkew", "state": "AVAILABLE" }],
//!   "tunnels": [{ "id": "vpnx-f29e6u0z", "gateway": "vpngw-kjllnkew", "state": "AVAILABLE" }]
//! }
//! ```
//!
//! `reset_delay_ms` is optional ([`DEFAULT_RESET_DELAY`] when absent), unknown members
//! are rejected, IDs must have the shape the service gives them (`vpngw-` or `vpnx-`
//! followed by 8 lowercase letters or digits), must be unique, and a tunnel's gateway
//! must be one of the fixture's gateways. A tunnel listed as `RESETTING` finishes its
//! reset one reset delay after the fixture is loaded.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use vpc_client::vpc::{
    ResetVpnConnectionError, ResetVpnConnectionRequest, ResetVpnConnectionResponse,
};

use crate::handler::{ApiError, Call};
use crate::typed::{self, Refusal};
use crate::{VpcService, VpcServiceDispatcher};

/// How long a tunnel stays `RESETTING` after a successful reset, by default.
pub const DEFAULT_RESET_DELAY: Duration = Duration::from_secs(2);

/// Error codes the VPC implementation answers.
pub mod codes {
    /// An ID does not have the shape of the resource it names.
    pub const MALFORMED: &str = "InvalidParameterValue.Malformed";
    /// The gateway or tunnel does not exist (or the tunnel belongs to another gateway).
    pub const RESOURCE_NOT_FOUND: &str = "ResourceNotFound";
    /// The gateway is not in a state that allows the operation.
    pub const INVALID_STATE: &str = "UnsupportedOperation.InvalidState";
    /// The tunnel is not available (failed, pending, deleting or already resetting).
    pub const VPN_CONN_INVALID_STATE: &str = "UnsupportedOperation.VpnConnInvalidState";
}

/// The gateway and tunnel IDs of the default seed ([`VpcState::seeded`]).
pub mod seed {
    /// The documented example gateway, `AVAILABLE`.
    pub const GATEWAY: &str = "vpngw-kjllnkew";
    /// The documented example tunnel of [`GATEWAY`], `AVAILABLE`.
    pub const TUNNEL: &str = "vpnx-f29e6u0z";
    /// A second tunnel of [`GATEWAY`], `FAILED` (not available).
    pub const FAILED_TUNNEL: &str = "vpnx-failed01";
    /// A gateway still being created, `PENDING`.
    pub const PENDING_GATEWAY: &str = "vpngw-pending1";
    /// The tunnel of [`PENDING_GATEWAY`], `AVAILABLE` itself.
    pub const PENDING_GATEWAY_TUNNEL: &str = "vpnx-pending1";
    /// Another `AVAILABLE` gateway.
    pub const OTHER_GATEWAY: &str = "vpngw-other001";
    /// The tunnel of [`OTHER_GATEWAY`], `AVAILABLE`.
    pub const OTHER_TUNNEL: &str = "vpnx-other001";
}

/// The state of a VPN gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GatewayState {
    /// Being created.
    Pending,
    /// Usable.
    Available,
    /// Being deleted.
    Deleting,
}

/// The state of a VPN tunnel (connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TunnelState {
    /// Being created.
    Pending,
    /// Usable.
    Available,
    /// Being reset; `AVAILABLE` again after the reset delay.
    Resetting,
    /// Broken: not available.
    Failed,
    /// Being deleted.
    Deleting,
}

impl fmt::Display for GatewayState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pending => "PENDING",
            Self::Available => "AVAILABLE",
            Self::Deleting => "DELETING",
        })
    }
}

impl fmt::Display for TunnelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pending => "PENDING",
            Self::Available => "AVAILABLE",
            Self::Resetting => "RESETTING",
            Self::Failed => "FAILED",
            Self::Deleting => "DELETING",
        })
    }
}

/// A gateway as a fixture lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayFixture {
    /// `vpngw-` and 8 lowercase letters or digits.
    pub id: String,
    /// Its state.
    pub state: GatewayState,
}

/// A tunnel as a fixture lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunnelFixture {
    /// `vpnx-` and 8 lowercase letters or digits.
    pub id: String,
    /// The ID of the gateway it belongs to.
    pub gateway: String,
    /// Its state.
    pub state: TunnelState,
}

/// The fixture file format (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// How long a reset lasts, in milliseconds; [`DEFAULT_RESET_DELAY`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_delay_ms: Option<u64>,
    /// The gateways.
    #[serde(default)]
    pub gateways: Vec<GatewayFixture>,
    /// The tunnels.
    #[serde(default)]
    pub tunnels: Vec<TunnelFixture>,
}

impl Fixture {
    /// The default seed (see [`seed`]).
    pub fn seed() -> Self {
        use GatewayState as G;
        use TunnelState as T;
        let gateway = |id: &str, state| GatewayFixture {
            id: id.to_owned(),
            state,
        };
        let tunnel = |id: &str, gateway: &str, state| TunnelFixture {
            id: id.to_owned(),
            gateway: gateway.to_owned(),
            state,
        };
        Self {
            reset_delay_ms: None,
            // Sorted by ID, the order of [`VpcState::snapshot`].
            gateways: vec![
                gateway(seed::GATEWAY, G::Available),
                gateway(seed::OTHER_GATEWAY, G::Available),
                gateway(seed::PENDING_GATEWAY, G::Pending),
            ],
            tunnels: vec![
                tunnel(seed::TUNNEL, seed::GATEWAY, T::Available),
                tunnel(seed::FAILED_TUNNEL, seed::GATEWAY, T::Failed),
                tunnel(seed::OTHER_TUNNEL, seed::OTHER_GATEWAY, T::Available),
                tunnel(
                    seed::PENDING_GATEWAY_TUNNEL,
                    seed::PENDING_GATEWAY,
                    T::Available,
                ),
            ],
        }
    }
}

/// A fixture that cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file cannot be read.
    #[error("cannot read the fixture file `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid fixture.
    #[error("{origin}{}: {message}", location(*line, *column, pointer))]
    Invalid {
        /// The file name (or another name for the text).
        origin: String,
        /// Line of the problem, 1-based, when known.
        line: Option<usize>,
        /// Column of the problem, 1-based, when known.
        column: Option<usize>,
        /// Where in the document, e.g. `tunnels[1].gateway` (empty for the whole).
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

fn location(line: Option<usize>, column: Option<usize>, pointer: &str) -> String {
    let mut out = String::new();
    if let Some(line) = line {
        out.push_str(&format!(":{line}"));
        if let Some(column) = column {
            out.push_str(&format!(":{column}"));
        }
    }
    if !pointer.is_empty() && pointer != "." {
        out.push_str(&format!(": at `{pointer}`"));
    }
    out
}

/// Whether `id` is `prefix` followed by exactly 8 lowercase ASCII letters or digits.
pub fn is_valid_id(prefix: &str, id: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 8
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

const GATEWAY_PREFIX: &str = "vpngw-";
const TUNNEL_PREFIX: &str = "vpnx-";

#[derive(Debug, Clone)]
struct Tunnel {
    gateway: String,
    state: TunnelState,
    /// When `state` is `Resetting`: when it becomes `Available` (`None`: never).
    resetting_until: Option<Instant>,
}

/// When a tunnel in `state` finishes resetting: `None` when it is not resetting, or
/// when the delay is too large for the clock (the reset then never ends).
fn reset_end(state: TunnelState, now: Instant, delay: Duration) -> Option<Instant> {
    if state == TunnelState::Resetting {
        now.checked_add(delay)
    } else {
        None
    }
}

impl Tunnel {
    fn state_at(&self, now: Instant) -> TunnelState {
        match (self.state, self.resetting_until) {
            (TunnelState::Resetting, Some(until)) if now >= until => TunnelState::Available,
            (state, _) => state,
        }
    }
}

#[derive(Debug)]
struct Inner {
    reset_delay: Duration,
    gateways: BTreeMap<String, GatewayState>,
    tunnels: BTreeMap<String, Tunnel>,
}

/// The in-memory VPN gateways and tunnels.
///
/// A cheap handle: clones share the same state, so a test can keep one and look at the
/// state a server changes. [`Default`] is [`VpcState::seeded`].
#[derive(Debug, Clone)]
pub struct VpcState {
    inner: Arc<Mutex<Inner>>,
}

impl Default for VpcState {
    fn default() -> Self {
        Self::seeded()
    }
}

impl VpcState {
    /// No gateways, no tunnels, the default reset delay.
    pub fn empty() -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                reset_delay: DEFAULT_RESET_DELAY,
                gateways: BTreeMap::new(),
                tunnels: BTreeMap::new(),
            })),
        }
    }

    /// The default seed, [`Fixture::seed`]: the documented example gateway and tunnel
    /// (both `AVAILABLE`), a `FAILED` tunnel of that gateway, a `PENDING` gateway with a
    /// tunnel, and another gateway with its own tunnel. See [`seed`] for the IDs.
    pub fn seeded() -> Self {
        let state = Self::empty();
        state.apply(Fixture::seed(), Instant::now());
        state
    }

    /// Loads a fixture from JSON text; `origin` names the text in errors.
    ///
    /// # Errors
    ///
    /// [`FixtureError::Invalid`] with the line, column and path of the first problem.
    pub fn from_json_str(text: &str, origin: &str) -> Result<Self, FixtureError> {
        let fixture = parse_fixture(text, origin)?;
        check_fixture(&fixture, origin)?;
        let state = Self::empty();
        state.apply(fixture, Instant::now());
        Ok(state)
    }

    /// Loads a fixture file.
    ///
    /// # Errors
    ///
    /// [`FixtureError::Io`] when the file cannot be read, [`FixtureError::Invalid`] when
    /// it is not a valid fixture.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, FixtureError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json_str(&text, &path.display().to_string())
    }

    /// Sets how long a reset lasts (builder style).
    #[must_use]
    pub fn with_reset_delay(self, delay: Duration) -> Self {
        self.set_reset_delay(delay);
        self
    }

    /// Sets how long a reset lasts, for resets started from now on.
    pub fn set_reset_delay(&self, delay: Duration) {
        self.lock().reset_delay = delay;
    }

    /// How long a reset lasts.
    pub fn reset_delay(&self) -> Duration {
        self.lock().reset_delay
    }

    /// Adds or replaces a gateway (no shape check: tests may add odd IDs on purpose).
    pub fn insert_gateway(&self, id: impl Into<String>, state: GatewayState) {
        self.lock().gateways.insert(id.into(), state);
    }

    /// Adds or replaces a tunnel of a gateway (no check that the gateway exists).
    pub fn insert_tunnel(
        &self,
        id: impl Into<String>,
        gateway: impl Into<String>,
        state: TunnelState,
    ) {
        let delay = self.reset_delay();
        let tunnel = Tunnel {
            gateway: gateway.into(),
            state,
            resetting_until: reset_end(state, Instant::now(), delay),
        };
        self.lock().tunnels.insert(id.into(), tunnel);
    }

    /// The state of a gateway, if it exists.
    pub fn gateway_state(&self, id: &str) -> Option<GatewayState> {
        self.lock().gateways.get(id).copied()
    }

    /// The current state of a tunnel, if it exists (a finished reset reads `AVAILABLE`).
    pub fn tunnel_state(&self, id: &str) -> Option<TunnelState> {
        let now = Instant::now();
        self.lock().tunnels.get(id).map(|t| t.state_at(now))
    }

    /// The current state as a fixture (without the reset delay unless it differs from
    /// the default), e.g. to save it.
    pub fn snapshot(&self) -> Fixture {
        let now = Instant::now();
        let inner = self.lock();
        Fixture {
            reset_delay_ms: (inner.reset_delay != DEFAULT_RESET_DELAY)
                .then(|| u64::try_from(inner.reset_delay.as_millis()).unwrap_or(u64::MAX)),
            gateways: inner
                .gateways
                .iter()
                .map(|(id, state)| GatewayFixture {
                    id: id.clone(),
                    state: *state,
                })
                .collect(),
            tunnels: inner
                .tunnels
                .iter()
                .map(|(id, t)| TunnelFixture {
                    id: id.clone(),
                    gateway: t.gateway.clone(),
                    state: t.state_at(now),
                })
                .collect(),
        }
    }

    /// `ResetVpnConnection`: checks the IDs' shape, that both exist and belong
    /// together, that the gateway is `AVAILABLE` and the tunnel `AVAILABLE`, then puts
    /// the tunnel into `RESETTING` for the reset delay.
    ///
    /// # Errors
    ///
    /// `InvalidParameterValue.Malformed`, `ResourceNotFound`,
    /// `UnsupportedOperation.InvalidState` or `UnsupportedOperation.VpnConnInvalidState`,
    /// checked in that order.
    pub fn reset_vpn_connection(&self, gateway_id: &str, tunnel_id: &str) -> Result<(), ApiError> {
        self.reset_vpn_connection_at(gateway_id, tunnel_id, Instant::now())
    }

    fn reset_vpn_connection_at(
        &self,
        gateway_id: &str,
        tunnel_id: &str,
        now: Instant,
    ) -> Result<(), ApiError> {
        check_shape("VpnGatewayId", GATEWAY_PREFIX, gateway_id)?;
        check_shape("VpnConnectionId", TUNNEL_PREFIX, tunnel_id)?;
        let mut inner = self.lock();
        let delay = inner.reset_delay;
        let gateway_state = *inner.gateways.get(gateway_id).ok_or_else(|| {
            ApiError::new(
                codes::RESOURCE_NOT_FOUND,
                format!("The VPN gateway `{gateway_id}` does not exist."),
            )
        })?;
        let tunnel = inner
            .tunnels
            .get_mut(tunnel_id)
            .filter(|t| t.gateway == gateway_id)
            .ok_or_else(|| {
                ApiError::new(
                    codes::RESOURCE_NOT_FOUND,
                    format!(
                        "The VPN tunnel `{tunnel_id}` does not exist in VPN gateway `{gateway_id}`."
                    ),
                )
            })?;
        if gateway_state != GatewayState::Available {
            return Err(ApiError::new(
                codes::INVALID_STATE,
                format!("The VPN gateway `{gateway_id}` is {gateway_state}; it must be AVAILABLE."),
            ));
        }
        let tunnel_state = tunnel.state_at(now);
        if tunnel_state != TunnelState::Available {
            return Err(ApiError::new(
                codes::VPN_CONN_INVALID_STATE,
                format!(
                    "Operation failed: the VPN tunnel `{tunnel_id}` is {tunnel_state}, not available now."
                ),
            ));
        }
        tunnel.state = TunnelState::Resetting;
        tunnel.resetting_until = now.checked_add(delay);
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The state stays consistent even if a holder panicked: every update is a
        // single assignment.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply(&self, fixture: Fixture, now: Instant) {
        let mut inner = self.lock();
        if let Some(ms) = fixture.reset_delay_ms {
            inner.reset_delay = Duration::from_millis(ms);
        }
        let delay = inner.reset_delay;
        for gateway in fixture.gateways {
            inner.gateways.insert(gateway.id, gateway.state);
        }
        for tunnel in fixture.tunnels {
            inner.tunnels.insert(
                tunnel.id,
                Tunnel {
                    gateway: tunnel.gateway,
                    state: tunnel.state,
                    resetting_until: reset_end(tunnel.state, now, delay),
                },
            );
        }
    }
}

fn check_shape(parameter: &str, prefix: &str, value: &str) -> Result<(), ApiError> {
    if is_valid_id(prefix, value) {
        Ok(())
    } else {
        Err(ApiError::new(
            codes::MALFORMED,
            format!(
                "The value `{value}` of parameter `{parameter}` is malformed: expected `{prefix}` followed by 8 lowercase letters or digits."
            ),
        ))
    }
}

fn parse_fixture(text: &str, origin: &str) -> Result<Fixture, FixtureError> {
    // Serde would also accept a struct written as an array; a fixture is an object.
    let start = text.len() - text.trim_start().len();
    if let Some(first) = text[start..].chars().next().filter(|c| *c != '{') {
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(FixtureError::Invalid {
            origin: origin.to_owned(),
            line: Some(line),
            column: Some(column),
            pointer: String::new(),
            message: format!("a fixture is a JSON object, found `{first}`"),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let (pointer, error) = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(fixture) => match deserializer.end() {
            Ok(()) => return Ok(fixture),
            Err(error) => (String::new(), error),
        },
        Err(error) => {
            // `?` stands for a member whose name was not read yet: drop it.
            let path = error.path().to_string();
            let path = path.strip_suffix(".?").unwrap_or(&path).to_owned();
            (path, error.into_inner())
        }
    };
    let (line, column) = if error.line() == 0 {
        (None, None)
    } else {
        (Some(error.line()), Some(error.column()))
    };
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    Err(FixtureError::Invalid {
        origin: origin.to_owned(),
        line,
        column,
        pointer,
        message,
    })
}

fn check_fixture(fixture: &Fixture, origin: &str) -> Result<(), FixtureError> {
    let invalid = |pointer: String, message: String| FixtureError::Invalid {
        origin: origin.to_owned(),
        line: None,
        column: None,
        pointer,
        message,
    };
    let mut gateways: Vec<&str> = Vec::new();
    for (index, gateway) in fixture.gateways.iter().enumerate() {
        let pointer = format!("gateways[{index}].id");
        if !is_valid_id(GATEWAY_PREFIX, &gateway.id) {
            return Err(invalid(
                pointer,
                format!(
                    "the gateway ID `{}` is malformed: expected `{GATEWAY_PREFIX}` followed by 8 lowercase letters or digits",
                    gateway.id
                ),
            ));
        }
        if gateways.contains(&gateway.id.as_str()) {
            return Err(invalid(
                pointer,
                format!("the gateway ID `{}` is listed twice", gateway.id),
            ));
        }
        gateways.push(&gateway.id);
    }
    let mut tunnels: Vec<&str> = Vec::new();
    for (index, tunnel) in fixture.tunnels.iter().enumerate() {
        let pointer = format!("tunnels[{index}].id");
        if !is_valid_id(TUNNEL_PREFIX, &tunnel.id) {
            return Err(invalid(
                pointer,
                format!(
                    "the tunnel ID `{}` is malformed: expected `{TUNNEL_PREFIX}` followed by 8 lowercase letters or digits",
                    tunnel.id
                ),
            ));
        }
        if tunnels.contains(&tunnel.id.as_str()) {
            return Err(invalid(
                pointer,
                format!("the tunnel ID `{}` is listed twice", tunnel.id),
            ));
        }
        if !gateways.contains(&tunnel.gateway.as_str()) {
            return Err(invalid(
                format!("tunnels[{index}].gateway"),
                format!(
                    "the tunnel `{}` belongs to the gateway `{}`, which the fixture does not list",
                    tunnel.id, tunnel.gateway
                ),
            ));
        }
        tunnels.push(&tunnel.id);
    }
    Ok(())
}

/// The local VPC endpoint's handler: the generated [`VpcServiceDispatcher`] over
/// [`VpcState`], which implements `ResetVpnConnection`, falling back to the spec's
/// examples ([`ExampleHandler`](crate::ExampleHandler)) for every other action.
///
/// Build it with `VpcHandler::new(state, ExampleHandler::new(&service))`.
pub type VpcHandler = VpcServiceDispatcher<VpcState>;

/// The actions [`VpcState`] implements statefully (the [`VpcService`] methods it
/// overrides).
pub const STATEFUL_ACTIONS: &[&str] = &["ResetVpnConnection"];

/// The stateful implementation: every method not written here answers
/// [`Refusal::NotImplemented`], so the dispatcher's fallback serves it.
impl VpcService for VpcState {
    async fn reset_vpn_connection(
        &self,
        call: &Call,
        request: ResetVpnConnectionRequest,
    ) -> Result<ResetVpnConnectionResponse, Refusal<ResetVpnConnectionError>> {
        self.reset_vpn_connection(&request.vpn_gateway_id, &request.vpn_connection_id)
            .map_err(|error| typed::error::<ResetVpnConnectionError>(call, error))?;
        Ok(ResetVpnConnectionResponse {
            request_id: call.request_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        assert!(is_valid_id("vpngw-", "vpngw-kjllnkew"));
        assert!(is_valid_id("vpnx-", "vpnx-f29e6u0z"));
        assert!(!is_valid_id("vpnx-", "vpnx-F29e6u0z"));
        assert!(!is_valid_id("vpnx-", "vpnx-f29e6u0"));
        assert!(!is_valid_id("vpnx-", "vpnx-f29e6u0zz"));
        assert!(!is_valid_id("vpnx-", "vpngw-kjllnkew"));
        assert!(!is_valid_id("vpnx-", "vpnx-é9e6u0z"));
        assert!(!is_valid_id("vpnx-", ""));
    }

    #[test]
    fn seed_is_a_valid_fixture() {
        check_fixture(&Fixture::seed(), "seed").unwrap();
        for id in [
            seed::GATEWAY,
            seed::PENDING_GATEWAY,
            seed::OTHER_GATEWAY,
            seed::TUNNEL,
            seed::FAILED_TUNNEL,
            seed::PENDING_GATEWAY_TUNNEL,
            seed::OTHER_TUNNEL,
        ] {
            assert!(
                is_valid_id("vpngw-", id) || is_valid_id("vpnx-", id),
                "{id}"
            );
        }
    }

    #[test]
    fn huge_delays_do_not_overflow() {
        let state = VpcState::from_json_str(
            r#"{"reset_delay_ms": 18446744073709551615,
                "gateways": [{"id": "vpngw-aaaa0001", "state": "AVAILABLE"}],
                "tunnels": [{"id": "vpnx-aaaa0001", "gateway": "vpngw-aaaa0001", "state": "RESETTING"},
                            {"id": "vpnx-aaaa0002", "gateway": "vpngw-aaaa0001", "state": "AVAILABLE"}]}"#,
            "huge.json",
        )
        .unwrap();
        assert_eq!(
            state.tunnel_state("vpnx-aaaa0001"),
            Some(TunnelState::Resetting)
        );
        state
            .reset_vpn_connection("vpngw-aaaa0001", "vpnx-aaaa0002")
            .unwrap();
        assert_eq!(
            state.tunnel_state("vpnx-aaaa0002"),
            Some(TunnelState::Resetting)
        );
        state.insert_tunnel("vpnx-aaaa0003", "vpngw-aaaa0001", TunnelState::Resetting);
    }

    #[test]
    fn reset_is_lazy_and_timed() {
        let state = VpcState::seeded().with_reset_delay(Duration::from_secs(10));
        let t0 = Instant::now();
        state
            .reset_vpn_connection_at(seed::GATEWAY, seed::TUNNEL, t0)
            .unwrap();
        let again = state
            .reset_vpn_connection_at(seed::GATEWAY, seed::TUNNEL, t0 + Duration::from_secs(9))
            .unwrap_err();
        assert_eq!(again.code, codes::VPN_CONN_INVALID_STATE);
        assert!(again.message.contains("RESETTING"), "{}", again.message);
        state
            .reset_vpn_connection_at(seed::GATEWAY, seed::TUNNEL, t0 + Duration::from_secs(10))
            .unwrap();
    }
}
