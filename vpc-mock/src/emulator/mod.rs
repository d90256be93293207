//! The stateful emulator of the core VPC resources (issue 19): real VPCs and subnets,
//! scoped by account and region, with the filters, paging, IDs and error codes the spec
//! documents.
//!
//! Three rooms: [`engine`] holds what is derived from the spec once for every resource
//! (scopes, ID shapes and their seeded source, filter names, paging, tags, the
//! documented-codes rule); `vpc.rs` and `subnet.rs` hold each resource's actions and the
//! hand-written rules no description holds (CIDR blocks, dependencies, quotas), each
//! naming the document it follows; this file is the HTTP-facing side: the
//! [`Emulator`] handle, its builder and the [`Handler`] that serves the emulated
//! actions and hands every other one to a fallback.
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

pub mod cidr;
pub mod engine;
mod subnet;
mod vpc;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use api_spec::ir::{Action, Service};
use serde_json::{Map, Value};

use crate::handler::{ApiError, Call, Handler, HandlerFuture};
use engine::{Codes, FilterNames, IdShape, IdSource, Scope, Table};

/// The actions the emulator serves from its state.
pub const EMULATED_ACTIONS: &[&str] = &[
    "CreateVpc",
    "DescribeVpcs",
    "ModifyVpcAttribute",
    "DeleteVpc",
    "DescribeVpcLimits",
    "CreateSubnet",
    "CreateSubnets",
    "DescribeSubnets",
    "ModifySubnetAttribute",
    "DeleteSubnet",
];

/// The quota type of VPCs per region (`DescribeVpcLimits`).
pub const VPCS_PER_REGION: &str = "appid-max-vpcs";
/// The quota type of subnets per VPC (`DescribeVpcLimits`).
pub const SUBNETS_PER_VPC: &str = "vpc-max-subnets";

/// Quotas by `DescribeVpcLimits` type.
///
/// The defaults are Tencent Cloud's documented defaults ("VPC > Use Limits"): 20 VPCs
/// per region, 100 subnets per VPC, 10 route tables per VPC, 200 routes per route
/// table. Only the first two are enforced so far (the others' resources are not
/// emulated yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotas(pub BTreeMap<String, u64>);

impl Default for Quotas {
    fn default() -> Self {
        Self(
            [
                (VPCS_PER_REGION, 20),
                (SUBNETS_PER_VPC, 100),
                ("vpc-max-route-tables", 10),
                ("route-table-max-policies", 200),
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
}

/// Builds an [`Emulator`].
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    seed: Option<u64>,
    quotas: Quotas,
}

impl EmulatorBuilder {
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

    /// The emulator, with an empty state.
    ///
    /// # Errors
    ///
    /// When the embedded spec does not validate, or lacks an emulated action or an
    /// example showing an ID's shape.
    pub fn build(self) -> Result<Emulator, EmulatorError> {
        let service = crate::spec::shared_vpc_service()?;
        let spec = Spec::read(service)?;
        let ids = self.ids();
        Ok(Emulator {
            shared: Arc::new(Shared {
                spec,
                seed: self.seed,
                world: Mutex::new(World {
                    scopes: HashMap::new(),
                    ids,
                    quotas: self.quotas,
                }),
            }),
        })
    }

    fn ids(&self) -> IdSource {
        self.seed
            .map_or_else(IdSource::from_clock, IdSource::seeded)
    }
}

/// What the emulator reads from the spec, once.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) actions: HashMap<&'static str, ActionSpec>,
    pub(crate) vpc_id: IdShape,
    pub(crate) subnet_id: IdShape,
}

/// One emulated action's spec-derived rules.
#[derive(Debug)]
pub(crate) struct ActionSpec {
    pub(crate) action: &'static Action,
    pub(crate) codes: Codes,
    pub(crate) filters: FilterNames,
}

impl Spec {
    fn read(service: &'static Service) -> Result<Self, EmulatorError> {
        let mut actions = HashMap::new();
        for name in EMULATED_ACTIONS {
            let action = service
                .action(name)
                .ok_or_else(|| EmulatorError::Unsupported(format!("no action `{name}`")))?;
            actions.insert(
                *name,
                ActionSpec {
                    action,
                    codes: Codes::of(service, action),
                    filters: FilterNames::of(action),
                },
            );
        }
        let shape = |member: &str| {
            IdShape::from_spec(service, member).ok_or_else(|| {
                EmulatorError::Unsupported(format!("no example shows the shape of `{member}`"))
            })
        };
        Ok(Self {
            actions,
            vpc_id: shape("VpcId")?,
            subnet_id: shape("SubnetId")?,
        })
    }
}

/// The resources of one scope (account and region).
#[derive(Debug, Clone, Default)]
pub(crate) struct Region {
    pub(crate) vpcs: Table,
    pub(crate) subnets: Table,
}

#[derive(Debug)]
pub(crate) struct World {
    pub(crate) scopes: HashMap<Scope, Region>,
    pub(crate) ids: IdSource,
    pub(crate) quotas: Quotas,
}

#[derive(Debug)]
struct Shared {
    spec: Spec,
    seed: Option<u64>,
    world: Mutex<World>,
}

/// The emulator: a cheap handle (clones share the state), so a test can keep one to
/// reset or inspect the state a server changes.
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    /// A builder (IDs from the clock, the default quotas).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Whether the emulator serves `action`.
    pub fn emulates(action: &str) -> bool {
        EMULATED_ACTIONS.contains(&action)
    }

    /// Clears every resource of every account and region, and restarts the ID source
    /// (a seeded emulator gives the same IDs again). Not part of Tencent's API: a test
    /// calls it between cases instead of restarting the server.
    pub fn reset(&self) {
        let mut world = self.lock();
        world.scopes.clear();
        world.ids = self
            .shared
            .seed
            .map_or_else(IdSource::from_clock, IdSource::seeded);
    }

    /// Sets one quota from now on (see [`Quotas`]).
    pub fn set_quota(&self, kind: &str, value: u64) {
        self.lock().quotas.0.insert(kind.to_owned(), value);
    }

    /// How many VPCs and subnets exist in all scopes.
    pub fn counts(&self) -> (usize, usize) {
        let world = self.lock();
        world.scopes.values().fold((0, 0), |(v, s), region| {
            (
                v + region.vpcs.rows().len(),
                s + region.subnets.rows().len(),
            )
        })
    }

    /// Serves one call of an emulated action.
    ///
    /// # Errors
    ///
    /// The action's documented error, or `InvalidAction` for an action the emulator
    /// does not serve.
    pub fn call(&self, call: &Call) -> Result<Map<String, Value>, ApiError> {
        let spec = &self.shared.spec;
        let Some(action) = spec.actions.get(call.action.as_str()) else {
            return Err(ApiError::new(
                crate::codes::INVALID_ACTION,
                format!("The emulator does not serve `{}`.", call.action),
            ));
        };
        let mut world = self.lock();
        let cx = Context {
            spec,
            action,
            scope: Scope::of(call),
            params: &call.params,
        };
        match call.action.as_str() {
            "CreateVpc" => vpc::create(&mut world, &cx),
            "DescribeVpcs" => vpc::describe(&mut world, &cx),
            "ModifyVpcAttribute" => vpc::modify(&mut world, &cx),
            "DeleteVpc" => vpc::delete(&mut world, &cx),
            "DescribeVpcLimits" => vpc::limits(&world, &cx),
            "CreateSubnet" => subnet::create_one(&mut world, &cx),
            "CreateSubnets" => subnet::create_many(&mut world, &cx),
            "DescribeSubnets" => subnet::describe(&mut world, &cx),
            "ModifySubnetAttribute" => subnet::modify(&mut world, &cx),
            "DeleteSubnet" => subnet::delete(&mut world, &cx),
            other => Err(ApiError::new(
                crate::codes::INVALID_ACTION,
                format!("The emulator does not serve `{other}`."),
            )),
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

/// What one action's code sees: the spec's rules, the caller's scope and parameters.
pub(crate) struct Context<'a> {
    pub(crate) spec: &'a Spec,
    pub(crate) action: &'a ActionSpec,
    pub(crate) scope: Scope,
    pub(crate) params: &'a Map<String, Value>,
}

impl Context<'_> {
    /// An error with the first of `candidates` the action documents (see
    /// [`Codes::error`]).
    pub(crate) fn error(&self, candidates: &[&str], message: impl Into<String>) -> ApiError {
        self.action.codes.error(candidates, message)
    }
}

/// Serves [`EMULATED_ACTIONS`] from an [`Emulator`] and everything else from a
/// fallback handler.
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
        if Emulator::emulates(&call.action) {
            let answer = self.emulator.call(&call);
            Box::pin(std::future::ready(answer))
        } else {
            self.fallback.handle(call)
        }
    }
}
