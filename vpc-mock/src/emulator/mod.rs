//! The stateful emulator of the core VPC resources (issue 19): real VPCs, subnets and tasks,
//! scoped by account and region, with the filters, paging, IDs and error codes the spec
//! documents.
//!
//! The rooms:
//! - [`engine`]: what is derived from the spec once for every resource (scopes, ID
//!   shapes and their seeded source, filter names, paging, tags, the documented-codes
//!   rule);
//! - `context.rs`: what one call sees, and the generic steps actions are made of (read
//!   an ID, find or answer not found, list, delete with the declared references);
//! - [`world`]: the state (tables of rows by kind, the references between kinds, states
//!   that change after a delay, tasks);
//! - one file per resource (`vpc.rs`, `subnet.rs`, `tasks.rs`, ...): its [`Kind`]s,
//!   references and actions, with the hand-written rules no description holds (CIDR
//!   blocks, dependencies, quotas), each naming the document it follows;
//! - this file: the [`Emulator`] handle, its builder, and the [`Handler`] that serves
//!   the emulated actions and hands every other one to a fallback.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use vpc_mock::emulator::Emulator;
//! use vpc_mock::{MockServer, VpcState};
//!
//! let emulator = Emulator::builder().seed(7).build()?;
//! let server = MockServer::vpc_emulated(VpcState::seeded(), emulator.clone())?
//!     .credential(vpc_mock::demo_credential())
//!     .start()
//!     .await?;
//! // ... create VPCs through a client pointed at server.url() ...
//! emulator.reset(); // an empty state again, the same IDs again
//! # server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod address;
mod ccn;
pub mod cidr;
mod classic_link;
mod context;
pub mod coverage;
mod customer_gateway;
mod endpoint_service;
pub mod engine;
pub mod families;
mod generic;
pub mod kinds;
mod nat_gateway;
mod network_interface;
mod peering;
pub mod persist;
mod quotas;
mod route_table;
mod security_group;
pub mod shape;
mod subnet;
mod tasks;
mod vpc;
mod vpn_connection;
mod vpn_gateway;
pub mod world;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::handler::{ApiError, Call, Handler, HandlerFuture};
use context::{Context, Spec};
use engine::IdSource;
pub use engine::Scope;
pub use quotas::{
    BANDWIDTH_PACKAGES_PER_REGION, CCNS_PER_ACCOUNT, IP6_RULES_PER_TRANSLATOR,
    IP6_TRANSLATORS_PER_REGION, PRIVATE_NAT_GATEWAYS_PER_VPC,
};
use world::{Kind, Reference, World};

/// What one emulated action does to the world.
pub(crate) type ActionFn = fn(&mut World, &Context<'_>) -> Result<Map<String, Value>, ApiError>;

/// What a resource module declares: its actions, its kinds and how they refer to
/// other kinds. Adding a resource is adding a module and a line to `RESOURCES`.
pub(crate) struct Resource {
    /// The actions it serves, by name.
    pub(crate) actions: &'static [(&'static str, ActionFn)],
    /// The kinds it keeps (their ID shapes are read from the spec).
    pub(crate) kinds: &'static [&'static Kind],
    /// How its kinds refer to others.
    pub(crate) references: &'static [&'static Reference],
}

/// Every resource the emulator holds.
const RESOURCES: &[&Resource] = &[
    &vpc::RESOURCE,
    &subnet::RESOURCE,
    &tasks::RESOURCE,
    &route_table::RESOURCE,
    &security_group::RESOURCE,
    &nat_gateway::RESOURCE,
    &vpn_gateway::RESOURCE,
    &customer_gateway::RESOURCE,
    &vpn_connection::RESOURCE,
    &network_interface::RESOURCE,
    &address::RESOURCE,
    &peering::RESOURCE,
    &quotas::RESOURCE,
    &ccn::RESOURCE,
    &endpoint_service::RESOURCE,
    &classic_link::RESOURCE,
];

/// The actions the emulator shares with a handler before it, each with the ID member
/// naming a row and the row's kind: the emulator serves only the calls naming one of its
/// own rows ([`Emulator::serves`]) and its [`EmulatorHandler`] hands the others on.
const SHARED: &[&(&str, &str, &Kind)] = &[&vpn_connection::SHARED];

/// The actions the emulator serves from its state: the hand-written resources' first,
/// then those of the families derived from the spec ([`families`]).
pub fn emulated_actions() -> impl Iterator<Item = &'static str> {
    let hand = hand_actions();
    let derived: Vec<&'static str> = families()
        .map(|f| {
            f.routes
                .keys()
                .copied()
                .filter(|name| action_fn(name).is_none())
                .collect()
        })
        .unwrap_or_default();
    hand.chain(derived)
}

/// Whether a hand-written resource serves `action` (a family's verb may still route
/// it: the hand rule then runs instead of the generic one).
pub fn hand_written(action: &str) -> bool {
    action_fn(action).is_some()
}

/// The actions of the hand-written resources.
fn hand_actions() -> impl Iterator<Item = &'static str> {
    RESOURCES
        .iter()
        .flat_map(|r| r.actions.iter().map(|(name, _)| *name))
}

/// The kinds the hand-written resources keep.
fn hand_kinds() -> Vec<&'static Kind> {
    RESOURCES
        .iter()
        .flat_map(|r| r.kinds.iter().copied())
        .collect()
}

/// Kinds keyed by another resource's ID (a CCN attachment by its instance's): rows of
/// no family of their own.
const ATTACHMENTS: &[&Kind] = &[
    &kinds::CCN_ATTACHMENT,
    &kinds::CCN_SELECTION_POLICY,
    &kinds::ENDPOINT_SERVICE_USER,
    &kinds::CLASSIC_LINK,
];

/// The hand-written kinds a family may keep its rows in: all but the attachments.
fn family_kinds() -> Vec<&'static Kind> {
    hand_kinds()
        .into_iter()
        .filter(|k| !ATTACHMENTS.iter().any(|a| std::ptr::eq(*a, *k)))
        .collect()
}

/// The families of the shipped spec (`None` if it does not validate, which its tests
/// rule out).
pub fn families() -> Option<&'static families::Families> {
    let service = crate::spec::shared_vpc_service().ok()?;
    Some(families::shared(service, &family_kinds()))
}

/// Every kind of resource the emulator holds: the hand-written resources' and the
/// derived families'.
pub fn kinds() -> impl Iterator<Item = &'static Kind> {
    let derived: Vec<&'static Kind> = families()
        .map(|f| f.derived_kinds().collect())
        .unwrap_or_default();
    hand_kinds().into_iter().chain(derived)
}

fn action_fn(name: &str) -> Option<ActionFn> {
    RESOURCES
        .iter()
        .flat_map(|r| r.actions.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
}

/// The quota type of VPCs per region (`DescribeVpcLimits`).
pub const VPCS_PER_REGION: &str = "appid-max-vpcs";
/// The quota type of subnets per VPC (`DescribeVpcLimits`).
pub const SUBNETS_PER_VPC: &str = "vpc-max-subnets";
/// The quota type of route tables per VPC (`DescribeVpcLimits`).
pub const ROUTE_TABLES_PER_VPC: &str = "vpc-max-route-tables";
/// The quota type of routes per route table (`DescribeVpcLimits`).
pub const ROUTES_PER_ROUTE_TABLE: &str = "route-table-max-policies";
/// The quota of security groups per region. Not a `DescribeVpcLimits` type (security
/// group quotas are CVM's), so `DescribeVpcLimits` does not answer it; it is set like
/// the others.
pub const SECURITY_GROUPS_PER_REGION: &str = "security-groups-per-region";
/// The quota of policies per security group and direction (inbound, outbound); like
/// [`SECURITY_GROUPS_PER_REGION`], not a `DescribeVpcLimits` type.
pub const POLICIES_PER_SECURITY_GROUP: &str = "security-group-policies-per-direction";
/// The quota type of NAT gateways per VPC (`DescribeVpcLimits`).
pub const NAT_GATEWAYS_PER_VPC: &str = "vpc-max-nat-gateways";
/// The quota type of public IPs per NAT gateway (`DescribeVpcLimits`).
pub const EIPS_PER_NAT_GATEWAY: &str = "nat-gateway-max-eips";

/// The quota type of ENIs per VPC (`DescribeVpcLimits`).
pub const ENIS_PER_VPC: &str = "vpc-max-enis";
/// The quota type of private IPs per ENI not bound to an instance (`DescribeVpcLimits`).
pub const PRIVATE_IPS_PER_ENI: &str = "eni-max-private-ips";
/// The quota of elastic IPs per region: `DescribeAddressQuota`'s `QuotaId` (not a
/// `DescribeVpcLimits` type).
pub const ADDRESSES_PER_REGION: &str = "TOTAL_EIP_QUOTA";

/// Quotas by `DescribeVpcLimits` type (`DescribeAddressQuota`'s `QuotaId` for elastic
/// IPs).
///
/// The defaults are Tencent Cloud's documented defaults ("VPC > Use Limits"): 20 VPCs
/// per region, 100 subnets per VPC, 10 route tables per VPC, 200 routes per route
/// table; "NAT Gateway > Use Limits": 3 NAT gateways per VPC, 10 public IPs per NAT
/// gateway; 20 elastic IPs per region (`AllocateAddresses`' `AddressQuotaLimitExceeded`:
/// "Each Tencent Cloud account can create up to 20 EIPs in each region", and
/// `DescribeAddressQuota`'s example). Not verified against a published default: 50 ENIs
/// per VPC and 20 private IPs per ENI not bound to an instance ("ENI > Use Limits" makes
/// both depend on the instance type); the security group quotas (50 groups per region,
/// 100 policies per group and direction, the figures of Tencent's CVM "Use Limits" page
/// as commonly cited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotas(pub BTreeMap<String, u64>);

impl Default for Quotas {
    fn default() -> Self {
        Self(
            [
                (VPCS_PER_REGION, 20),
                (SUBNETS_PER_VPC, 100),
                (ROUTE_TABLES_PER_VPC, 10),
                (ROUTES_PER_ROUTE_TABLE, 200),
                (SECURITY_GROUPS_PER_REGION, 50),
                (POLICIES_PER_SECURITY_GROUP, 100),
                (NAT_GATEWAYS_PER_VPC, 3),
                (EIPS_PER_NAT_GATEWAY, 10),
                (ENIS_PER_VPC, 50),
                (PRIVATE_IPS_PER_ENI, 20),
                (ADDRESSES_PER_REGION, 20),
                (quotas::BANDWIDTH_PACKAGES_PER_REGION, 20),
                (quotas::IP6_TRANSLATORS_PER_REGION, 10),
                (quotas::IP6_RULES_PER_TRANSLATOR, 50),
                (quotas::PRIVATE_NAT_GATEWAYS_PER_VPC, 1000),
                (quotas::CCNS_PER_ACCOUNT, 100),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        )
    }
}

impl Quotas {
    /// The quota of `kind` (unlimited when not set).
    pub fn get(&self, kind: &str) -> u64 {
        self.0.get(kind).copied().unwrap_or(u64::MAX)
    }
}

/// Why an emulator cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The embedded spec does not validate.
    #[error("the embedded spec is invalid: {0}")]
    Spec(#[from] api_spec::SpecError),
    /// The spec lacks something the emulator reads from it.
    #[error("the spec cannot drive the emulator: {0}")]
    Unsupported(String),
    /// The state file cannot be read.
    #[error(transparent)]
    State(#[from] persist::StateError),
}

/// Builds an [`Emulator`].
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    seed: Option<u64>,
    quotas: Quotas,
    delay: Duration,
    failing: Vec<String>,
    state_file: Option<std::path::PathBuf>,
}

impl EmulatorBuilder {
    /// Keeps the state in `path` (see [`persist`]): loaded when the emulator is built
    /// (a missing file is an empty state), written back after every change, atomically.
    #[must_use]
    pub fn state_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Makes IDs repeatable: the same seed gives the same IDs in the same order (after
    /// a [`Emulator::reset`] too).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets one quota (see [`Quotas`]), e.g. `quota(VPCS_PER_REGION, 300)`.
    #[must_use]
    pub fn quota(mut self, kind: &str, value: u64) -> Self {
        self.quotas.0.insert(kind.to_owned(), value);
        self
    }

    /// How long asynchronous work takes: resources created `PENDING` become
    /// `AVAILABLE`, and tasks stop `RUNNING`, after `delay`. The default is zero: at
    /// once, so simple tests need no waiting.
    #[must_use]
    pub fn async_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The fault option: the tasks `action` starts end `FAILED`, and the resources it
    /// creates end in their failure state instead of `AVAILABLE`.
    #[must_use]
    pub fn failing(mut self, action: &str) -> Self {
        self.failing.push(action.to_owned());
        self
    }

    /// The emulator, with an empty state.
    ///
    /// # Errors
    ///
    /// When the embedded spec does not validate, or lacks an emulated action or an
    /// example showing an ID's shape.
    pub fn build(self) -> Result<Emulator, EmulatorError> {
        let service = crate::spec::shared_vpc_service()?;
        let kinds: Vec<&'static Kind> = kinds().collect();
        let mut references: Vec<&'static Reference> = RESOURCES
            .iter()
            .flat_map(|r| r.references.iter().copied())
            .collect();
        let families = families::shared(service, &family_kinds());
        references.extend(families.references());
        // Attachments are keyed by another resource's ID (or a UIN): no shape of theirs.
        let shaped: Vec<&'static Kind> = kinds
            .iter()
            .copied()
            .filter(|k| !ATTACHMENTS.iter().any(|a| std::ptr::eq(*a, *k)))
            .collect();
        let spec = Spec::read(service, emulated_actions(), &shaped, references, families)?;
        let mut world = World::new(ids(self.seed), self.quotas, self.delay);
        world.failing.extend(self.failing);
        if let Some(path) = &self.state_file {
            persist::load(path, &mut world, &kinds, tokio::time::Instant::now())?;
        }
        Ok(Emulator {
            shared: Arc::new(Shared {
                spec,
                service,
                seed: self.seed,
                state_file: self.state_file,
                world: Mutex::new(world),
            }),
        })
    }
}

/// Whether an action may change the state (anything but a read): the state file is
/// written after each successful one.
fn changes(action: &str) -> bool {
    !(action.starts_with("Describe") || action.starts_with("Inquir") || action.starts_with("Check"))
}

fn ids(seed: Option<u64>) -> IdSource {
    seed.map_or_else(IdSource::from_clock, IdSource::seeded)
}

#[derive(Debug)]
struct Shared {
    spec: Spec,
    service: &'static api_spec::ir::Service,
    seed: Option<u64>,
    state_file: Option<std::path::PathBuf>,
    world: Mutex<World>,
}

/// The emulator: a cheap handle (clones share the state), so a test can keep one to
/// reset or inspect the state a server changes.
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    /// A builder (IDs from the clock, the default quotas, no delay).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Whether the emulator serves `action` from its state.
    pub fn emulates(action: &str) -> bool {
        action_fn(action).is_some() || families().is_some_and(|f| f.route(action).is_some())
    }

    /// Whether this emulator serves `call`: every call of an emulated action, except
    /// that an action it shares with a handler before it (`ResetVpnConnection`, with
    /// the VPN tunnel fixture) is served only when the call names one of the emulator's
    /// own rows in the caller's account and region.
    pub fn serves(&self, call: &Call) -> bool {
        if !Self::emulates(&call.action) {
            return false;
        }
        let Some((_, member, kind)) = SHARED.iter().find(|(name, ..)| *name == call.action) else {
            return true;
        };
        let Some(id) = engine::string_param(&call.params, member) else {
            return false;
        };
        let scope = Scope::of(call);
        let world = self.lock();
        world
            .scopes
            .get(&scope)
            .is_some_and(|region| region.get(kind, id).is_some())
    }

    /// Clears every resource and task of every account and region, and restarts the
    /// ID source (a seeded emulator gives the same IDs again). The quotas, the delay
    /// and the failing actions stay. Not part of Tencent's API: a test calls it between
    /// cases instead of restarting the server.
    pub fn reset(&self) {
        let mut world = self.lock();
        world.scopes.clear();
        world.timeline.clear();
        world.tasks.clear();
        world.task_numbers = 0;
        world.ids = ids(self.shared.seed);
        // A reset that cannot be written is still a reset; the next change tries again.
        let _ = self.persist(&world);
    }

    /// The whole state as the text of a state file (see [`persist`]).
    pub fn state_text(&self) -> String {
        persist::to_text(&self.lock(), tokio::time::Instant::now())
    }

    /// Writes the state file, if there is one.
    fn persist(&self, world: &World) -> Result<(), ApiError> {
        let Some(path) = &self.shared.state_file else {
            return Ok(());
        };
        let text = persist::to_text(world, tokio::time::Instant::now());
        persist::write(path, &text).map_err(|error| {
            ApiError::new(
                "InternalError",
                format!("The change was made, but the emulator cannot keep it: {error}."),
            )
        })
    }

    /// Sets one quota from now on (see [`Quotas`]).
    pub fn set_quota(&self, kind: &str, value: u64) {
        self.lock().quotas.0.insert(kind.to_owned(), value);
    }

    /// Sets the delay of asynchronous work from now on (see
    /// [`EmulatorBuilder::async_delay`]).
    pub fn set_async_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// Makes the tasks and states `action` starts from now on fail (`true`) or succeed
    /// (see [`EmulatorBuilder::failing`]).
    pub fn set_failing(&self, action: &str, failing: bool) {
        let mut world = self.lock();
        if failing {
            world.failing.insert(action.to_owned());
        } else {
            world.failing.remove(action);
        }
    }

    /// How many resources of each kind exist in all scopes, by table name (`vpcs`).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let world = self.lock();
        let mut out: BTreeMap<&'static str, usize> = kinds().map(|k| (k.table, 0)).collect();
        for region in world.scopes.values() {
            for (name, table) in region.tables() {
                *out.entry(name).or_default() += table.rows().len();
            }
        }
        out
    }

    /// Every row of the table `table` (`vpcs`, see [`kinds()`]) in every scope, as the API
    /// answers them, ordered by scope then age: to inspect what a server's callers
    /// changed.
    pub fn rows(&self, table: &str) -> Vec<(Scope, Map<String, Value>)> {
        let mut out = Vec::new();
        self.for_each_row(table, |scope, row| out.push((scope.clone(), row.clone())));
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Calls `visit` with every row of the table `table` in every scope (unordered),
    /// without copying them: for checks over a large state.
    pub fn for_each_row(&self, table: &str, mut visit: impl FnMut(&Scope, &Map<String, Value>)) {
        let world = self.lock();
        for (scope, region) in &world.scopes {
            if let Some(rows) = region.tables().get(table) {
                rows.rows().iter().for_each(|row| visit(scope, row));
            }
        }
    }

    /// The references whose target is gone, in every scope, as
    /// `(table, row ID, member, missing ID)`: empty in a consistent state.
    pub fn dangling_references(&self) -> Vec<(String, String, String, String)> {
        let world = self.lock();
        world
            .scopes
            .values()
            .flat_map(|region| region.dangling(&self.shared.spec.references))
            .collect()
    }

    /// Serves one call of an emulated action.
    ///
    /// # Errors
    ///
    /// The action's documented error, or `InvalidAction` for an action the emulator
    /// does not serve.
    pub fn call(&self, call: &Call) -> Result<Map<String, Value>, ApiError> {
        let spec = &self.shared.spec;
        let hand = action_fn(&call.action);
        let generic = spec.families.route(&call.action);
        let Some(action) = spec
            .actions
            .get(call.action.as_str())
            .filter(|_| hand.is_some() || generic.is_some())
        else {
            return Err(ApiError::new(
                crate::codes::INVALID_ACTION,
                format!("The emulator does not serve `{}`.", call.action),
            ));
        };
        let now = tokio::time::Instant::now();
        let mut world = self.lock();
        world.settle(now);
        let cx = Context {
            spec,
            action,
            scope: Scope::of(call),
            params: &call.params,
            now,
        };
        let mut answer = match (hand, generic) {
            (Some(run), _) => run(&mut world, &cx)?,
            (None, Some((family, verb))) => {
                generic::serve(&mut world, &cx, spec.families, family, verb)?
            }
            (None, None) => unreachable_action(&call.action)?,
        };
        shape::complete(&mut answer, &action.action.output);
        tasks::start(&mut world, action.action, call, &mut answer, now);
        if changes(&call.action) {
            self.persist(&world)?;
        }
        Ok(answer)
    }

    /// Starts the task a successful call of a non-emulated action starts, if its
    /// action starts one (the action answered its example; a `TaskId` in it is
    /// replaced by the new task's).
    fn record_task(&self, call: &Call, answer: &mut Map<String, Value>) {
        if let Some(action) = self.shared.service.action(&call.action)
            && action.task.is_some()
        {
            let now = tokio::time::Instant::now();
            let mut world = self.lock();
            world.settle(now);
            tasks::start(&mut world, action, call, answer, now);
            // The example's answer stands; a failed write shows on the next change.
            let _ = self.persist(&world);
        }
    }

    /// A [`Handler`] serving the emulated actions from this emulator and every other
    /// action with `fallback`.
    pub fn handler(&self, fallback: impl Handler) -> EmulatorHandler {
        EmulatorHandler {
            emulator: self.clone(),
            fallback: Arc::new(fallback),
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        // Every action checks everything before it changes anything, so the state
        // stays consistent even if a holder panicked.
        self.shared
            .world
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

fn unreachable_action(action: &str) -> Result<Map<String, Value>, ApiError> {
    Err(ApiError::new(
        crate::codes::INVALID_ACTION,
        format!("The emulator does not serve `{action}`."),
    ))
}

/// Serves the [emulated actions](emulated_actions) from an [`Emulator`] and everything
/// else from a fallback handler (recording the tasks those calls start).
#[derive(Clone)]
pub struct EmulatorHandler {
    emulator: Emulator,
    fallback: Arc<dyn Handler>,
}

impl std::fmt::Debug for EmulatorHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandler")
            .field("emulator", &self.emulator)
            .finish_non_exhaustive()
    }
}

impl Handler for EmulatorHandler {
    fn handle(&self, call: Call) -> HandlerFuture {
        if self.emulator.serves(&call) {
            let answer = self.emulator.call(&call);
            return Box::pin(std::future::ready(answer));
        }
        let emulator = self.emulator.clone();
        let answer = self.fallback.handle(call.clone());
        Box::pin(async move {
            let mut answer = answer.await;
            if let Ok(members) = &mut answer {
                emulator.record_task(&call, members);
            }
            answer
        })
    }
}
