//! What the emulator reads from the spec once ([`Spec`]: each emulated action's codes
//! and filters, each kind's ID shape) and what one call's code sees ([`Context`]), with
//! the generic steps every resource's actions are made of: reading an ID of a kind,
//! finding a row or answering not found, listing with IDs, filters and paging, and
//! deleting with the declared references.

use std::collections::HashMap;

use api_spec::ir::{Action, Service};
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::EmulatorError;
use super::engine::{self, Codes, FilterNames, IdShape, Scope, text};
use super::world::{Kind, Reference, Region, World};
use crate::handler::ApiError;

/// What the emulator reads from the spec, once.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) actions: HashMap<&'static str, ActionSpec>,
    /// ID shapes by kind's table (`vpcs` → `vpc-` and 8).
    pub(crate) ids: HashMap<&'static str, IdShape>,
    /// Every declared reference between kinds.
    pub(crate) references: Vec<&'static Reference>,
    /// The families derived from the spec.
    pub(crate) families: &'static super::families::Families,
}

/// One emulated action's spec-derived rules.
#[derive(Debug)]
pub(crate) struct ActionSpec {
    pub(crate) action: &'static Action,
    pub(crate) codes: Codes,
    pub(crate) filters: FilterNames,
}

impl Spec {
    /// Reads the rules of `actions` and the ID shapes of `kinds` from `service`.
    pub(crate) fn read(
        service: &'static Service,
        actions: impl IntoIterator<Item = &'static str>,
        kinds: &[&'static Kind],
        references: Vec<&'static Reference>,
        families: &'static super::families::Families,
    ) -> Result<Self, EmulatorError> {
        let mut table = HashMap::new();
        for name in actions {
            let action = service
                .action(name)
                .ok_or_else(|| EmulatorError::Unsupported(format!("no action `{name}`")))?;
            table.insert(
                name,
                ActionSpec {
                    action,
                    codes: Codes::of(service, action),
                    filters: FilterNames::of(action),
                },
            );
        }
        let mut ids = HashMap::new();
        for kind in kinds {
            let derived = families
                .list
                .iter()
                .find(|f| !f.hand_kind && std::ptr::eq(f.kind, *kind))
                .map(|f| f.shape.clone());
            let shape = derived
                .or_else(|| IdShape::from_spec(service, kind.id))
                .ok_or_else(|| {
                    EmulatorError::Unsupported(format!(
                        "no example shows the shape of `{}`",
                        kind.id
                    ))
                })?;
            ids.insert(kind.table, shape);
        }
        Ok(Self {
            actions: table,
            ids,
            references,
            families,
        })
    }
}

/// A filter whose value is computed from a row: its name and the text it compares
/// with.
pub(crate) type Derived = (&'static str, fn(&Map<String, Value>) -> String);

/// What one action's code sees: the spec's rules, the caller's scope and parameters.
pub(crate) struct Context<'a> {
    pub(crate) spec: &'a Spec,
    pub(crate) action: &'a ActionSpec,
    pub(crate) scope: Scope,
    pub(crate) params: &'a Map<String, Value>,
    /// The time the call is served at.
    pub(crate) now: Instant,
}

impl Context<'_> {
    /// This call as a call of another emulated action with `params`: for an action
    /// made of another's steps (`CreateDefaultVpc` creates as `CreateVpc` does).
    /// `None` when `action` is not emulated.
    pub(crate) fn as_action<'p>(
        &'p self,
        action: &str,
        params: &'p Map<String, Value>,
    ) -> Option<Context<'p>> {
        Some(Context {
            spec: self.spec,
            action: self.spec.actions.get(action)?,
            scope: self.scope.clone(),
            params,
            now: self.now,
        })
    }

    /// The action's name.
    pub(crate) fn name(&self) -> &str {
        &self.action.action.name
    }

    /// An error with the first of `candidates` the action documents (see
    /// [`Codes::error`]).
    pub(crate) fn error(&self, candidates: &[&str], message: impl Into<String>) -> ApiError {
        self.action.codes.error(candidates, message)
    }

    /// Sets `member` of the row `id` of `kind` to `passing` now, and to `states.0`
    /// after the emulator's delay (`states.1` when this action is made to fail); at
    /// once when there is no delay. E.g. a NAT gateway's `State`: `PENDING`, then
    /// `AVAILABLE` (or `PENDFAILURE`).
    pub(crate) fn change_later(
        &self,
        world: &mut World,
        kind: &'static Kind,
        id: &str,
        member: &'static str,
        passing: &str,
        states: (&str, &str),
    ) {
        let states = (Value::from(states.0), Value::from(states.1));
        let (scope, name, now) = (&self.scope, self.name(), self.now);
        world.change_later(scope, kind, id, member, passing.into(), states, name, now);
    }

    /// The ID shape of `kind`.
    pub(crate) fn shape(&self, kind: &Kind) -> &IdShape {
        // Every kind a module declares is read at build time (Spec::read).
        &self.spec.ids[kind.table]
    }

    /// A fresh ID of `kind`, unused in the caller's scope.
    pub(crate) fn fresh_id(&self, world: &mut World, kind: &'static Kind) -> String {
        let region = world.scopes.entry(self.scope.clone()).or_default();
        let taken = |id: &str| region.get(kind, id).is_some();
        world.ids.fresh(&self.spec.ids[kind.table], taken)
    }

    /// The required ID parameter `member` of `kind`, checked for shape.
    ///
    /// # Errors
    ///
    /// `MissingParameter` when absent, `InvalidParameterValue.Malformed` (or the
    /// action's own) when malformed.
    pub(crate) fn id_param(&self, member: &str, kind: &Kind) -> Result<&str, ApiError> {
        let id = engine::string_param(self.params, member).ok_or_else(|| {
            self.error(
                &["MissingParameter"],
                format!("The parameter `{member}` is missing."),
            )
        })?;
        engine::check_id(member, id, self.shape(kind), &self.action.codes)?;
        Ok(id)
    }

    /// The error for a row of `kind` that does not exist in the caller's account and
    /// region (another account's or region's is not found either, as on the real
    /// service): the first of `candidates` documented, else `ResourceNotFound`.
    pub(crate) fn not_found_as(&self, candidates: &[&str], kind: &Kind, id: &str) -> ApiError {
        let mut all = candidates.to_vec();
        all.push("ResourceNotFound");
        self.error(
            &all,
            format!(
                "The {} `{id}` does not exist in region `{}`.",
                kind.noun, self.scope.region
            ),
        )
    }

    /// [`Context::not_found_as`] with `ResourceNotFound`.
    pub(crate) fn not_found(&self, kind: &Kind, id: &str) -> ApiError {
        self.not_found_as(&[], kind, id)
    }

    /// The row of `kind` with `id` in the caller's scope.
    ///
    /// # Errors
    ///
    /// [`Context::not_found`].
    pub(crate) fn find<'w>(
        &self,
        world: &'w mut World,
        kind: &'static Kind,
        id: &str,
    ) -> Result<&'w mut Map<String, Value>, ApiError> {
        world
            .region(&self.scope)
            .get_mut(kind, id)
            .ok_or_else(|| self.not_found(kind, id))
    }

    /// The generic listing: the IDs in `ids_member` (refused with `Filters` where the
    /// action documents `InvalidParameter.Coexist`, at most 100, each of `kind`'s
    /// shape), the documented filters, the page; the rows in `set`.
    ///
    /// # Errors
    ///
    /// The action's documented code of each check.
    pub(crate) fn describe(
        &self,
        region: &Region,
        kind: &Kind,
        ids_member: &str,
        set: &str,
    ) -> Result<Map<String, Value>, ApiError> {
        self.describe_with(region, kind, ids_member, set, &[])
    }

    /// [`Context::describe`], where the filters named in `derived` compare with a value
    /// computed from the row rather than with a member (`association.main` reads a route
    /// table's `Main`).
    ///
    /// # Errors
    ///
    /// The action's documented code of each check.
    pub(crate) fn describe_with(
        &self,
        region: &Region,
        kind: &Kind,
        ids_member: &str,
        set: &str,
        derived: &[Derived],
    ) -> Result<Map<String, Value>, ApiError> {
        let codes = &self.action.codes;
        let ids = engine::read_ids(self.params, ids_member, codes)?;
        let filters = engine::read_filters(self.params, &self.action.filters, codes)?;
        let page = engine::read_page(self.params, self.action.action, codes)?;
        if let Some(ids) = &ids {
            // "Each request supports a maximum of 100 instances" (the `*Ids` members of
            // the Describe actions).
            if ids.len() > 100 {
                return Err(self.error(
                    &["InvalidParameterValue.LimitExceeded"],
                    format!("At most 100 `{ids_member}` per request."),
                ));
            }
            for id in ids {
                engine::check_id(ids_member, id, self.shape(kind), codes)?;
            }
        }
        let (mut plain, mut computed) = (Vec::new(), Vec::new());
        let first = region.table(kind).rows().first();
        for mut filter in filters {
            if let Some(row) = first {
                filter.resolve(row);
            }
            match derived.iter().find(|(name, _)| *name == filter.name) {
                Some((_, value)) => computed.push((filter, *value)),
                None => plain.push(filter),
            }
        }
        let rows = region.table(kind).rows().iter().filter(|row| {
            let listed = ids.as_ref().is_none_or(|ids| {
                text(row.get(kind.id)).is_some_and(|id| ids.iter().any(|i| i == id))
            });
            listed
                && engine::matches(row, &plain, &self.action.filters)
                && computed.iter().all(|(filter, value)| {
                    let actual = value(row);
                    filter.values.contains(&actual)
                })
        });
        Ok(engine::listing(rows, page, set))
    }

    /// The listing of `rows` (rows no table holds as they are: attachments, rows made
    /// up when listed) by the documented filters and the page, in `set`. `members`
    /// names the member a filter compares where its name does not say
    /// (`("vpc-id", "UniqVpcId")`).
    ///
    /// # Errors
    ///
    /// The action's documented code of a bad filter or page.
    pub(crate) fn list(
        &self,
        rows: &[Map<String, Value>],
        set: &str,
        members: &[(&str, &str)],
    ) -> Result<Map<String, Value>, ApiError> {
        let codes = &self.action.codes;
        let mut filters = engine::read_filters(self.params, &self.action.filters, codes)?;
        for filter in &mut filters {
            match members.iter().find(|(name, _)| *name == filter.name) {
                Some((_, member)) => filter.member = (*member).to_owned(),
                None => {
                    if let Some(first) = rows.first() {
                        filter.resolve(first);
                    }
                }
            }
        }
        let page = engine::read_page(self.params, self.action.action, codes)?;
        let kept = rows
            .iter()
            .filter(|row| engine::matches(row, &filters, &self.action.filters));
        Ok(engine::listing(kept, page, set))
    }

    /// Deletes `id` of `kind` unless a declared reference blocks it (answered with the
    /// first of `in_use` the action documents, else `ResourceInUse`); the rows that
    /// cascade go with it.
    ///
    /// # Errors
    ///
    /// Not found, or in use.
    pub(crate) fn delete(
        &self,
        world: &mut World,
        kind: &'static Kind,
        id: &str,
        in_use: &[&str],
    ) -> Result<(), ApiError> {
        let references = &self.spec.references;
        let region = world.region(&self.scope);
        if region.get(kind, id).is_none() {
            return Err(self.not_found(kind, id));
        }
        if let Some((blocker, count)) = region.blocker(kind, id, references) {
            let mut codes = in_use.to_vec();
            codes.push("ResourceInUse");
            return Err(self.error(
                &codes,
                format!(
                    "The {} `{id}` is in use by {count} {}(s): delete or detach them first.",
                    kind.noun, blocker.noun
                ),
            ));
        }
        region.remove(kind, id, references);
        Ok(())
    }
}
