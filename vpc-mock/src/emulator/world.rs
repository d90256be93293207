//! The emulator's state: the resources of every scope (account and region) kept as
//! tables of JSON rows by kind, the declared references between kinds (which make
//! deletes refused or cascade, and which the randomized run checks), the timeline of
//! states that change after a delay, and the asynchronous tasks `DescribeVpcTaskResult`
//! and `DescribeTaskResult` answer.
//!
//! Nothing here knows a particular resource: each resource module declares its
//! [`Kind`]s and [`Reference`]s, and the rules here apply to all of them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::time::Instant;

use super::Quotas;
use super::engine::{IdSource, Scope, Table, text};

/// One kind of resource: the table it lives in, the member that holds its ID, and the
/// noun messages use.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// The table's name, e.g. `vpcs` (also its name in a state file).
    pub table: &'static str,
    /// The ID member, e.g. `VpcId` (its shape is read from the spec's examples).
    pub id: &'static str,
    /// E.g. `VPC`, in messages.
    pub noun: &'static str,
}

/// How a row of one kind refers to a row of another, e.g. a subnet's `VpcId`.
#[derive(Debug)]
pub struct Reference {
    /// The kind holding the reference.
    pub from: &'static Kind,
    /// The member holding the referred ID: a text, or a list of texts (`GroupSet`), or
    /// `Outer.Inner` for a member of an object member.
    pub member: &'static str,
    /// The kind referred to.
    pub to: &'static Kind,
    /// What deleting the referred row does while such a row exists.
    pub on_delete: OnDelete,
}

/// What deleting a referred row does to the rows referring to it.
#[derive(Debug, Clone, Copy)]
pub enum OnDelete {
    /// The delete is refused while a referring row exists that passes the test (a VPC
    /// with subnets). Rows that fail the test do not block.
    Refuse(fn(&Map<String, Value>) -> bool),
    /// The referring rows that pass the test go with it (a VPC's default route table).
    Cascade(fn(&Map<String, Value>) -> bool),
    /// Neither: the reference is kept (and the invariants do not require its target).
    Keep,
}

/// Every row counts.
pub fn always(_: &Map<String, Value>) -> bool {
    true
}

/// The values `row` holds at `member` (see [`Reference::member`]).
pub fn referred_ids<'a>(row: &'a Map<String, Value>, member: &str) -> Vec<&'a str> {
    let mut current = vec![row];
    let mut parts = member.split('.').peekable();
    let mut out = Vec::new();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        let mut next = Vec::new();
        for map in current {
            match map.get(part) {
                Some(Value::String(s)) if last && !s.is_empty() => out.push(s.as_str()),
                Some(Value::Array(items)) => {
                    for item in items {
                        match item {
                            Value::String(s) if last && !s.is_empty() => out.push(s.as_str()),
                            Value::Object(inner) if !last => next.push(inner),
                            _ => {}
                        }
                    }
                }
                Some(Value::Object(inner)) if !last => next.push(inner),
                _ => {}
            }
        }
        current = next;
    }
    out
}

/// The resources of one scope (account and region): a table per kind.
#[derive(Debug, Clone, Default)]
pub struct Region {
    tables: BTreeMap<&'static str, Table>,
}

static EMPTY: Table = Table::new();

impl Region {
    /// The table of `kind` (empty when none was created).
    pub fn table(&self, kind: &Kind) -> &Table {
        self.tables.get(kind.table).unwrap_or(&EMPTY)
    }

    /// The table of `kind`, to change it.
    pub fn table_mut(&mut self, kind: &'static Kind) -> &mut Table {
        self.tables.entry(kind.table).or_default()
    }

    /// The row of `kind` with `id`.
    pub fn get(&self, kind: &Kind, id: &str) -> Option<&Map<String, Value>> {
        self.table(kind).get(kind.id, id)
    }

    /// The row of `kind` with `id`, to change it.
    pub fn get_mut(&mut self, kind: &'static Kind, id: &str) -> Option<&mut Map<String, Value>> {
        self.table_mut(kind).get_mut(kind.id, id)
    }

    /// Every table, by name (for the state file and the invariants).
    pub fn tables(&self) -> &BTreeMap<&'static str, Table> {
        &self.tables
    }

    /// Puts a table back by name (loading a state file); `None` for an unknown name.
    pub fn set_table(&mut self, name: &str, table: Table, kinds: &[&'static Kind]) -> Option<()> {
        let kind = kinds.iter().find(|k| k.table == name)?;
        self.tables.insert(kind.table, table);
        Some(())
    }

    /// The first reference that blocks deleting `id` of `kind`: the referring kind and
    /// how many of its rows refer.
    pub fn blocker(
        &self,
        kind: &Kind,
        id: &str,
        references: &[&Reference],
    ) -> Option<(&'static Kind, usize)> {
        references.iter().find_map(|reference| {
            let OnDelete::Refuse(counts) = reference.on_delete else {
                return None;
            };
            if reference.to != kind {
                return None;
            }
            let n = self
                .table(reference.from)
                .count(|row| counts(row) && referred_ids(row, reference.member).contains(&id));
            (n > 0).then_some((reference.from, n))
        })
    }

    /// Removes `id` of `kind` and the rows that cascade with it; whether it existed.
    pub fn remove(&mut self, kind: &'static Kind, id: &str, references: &[&Reference]) -> bool {
        if !self.table_mut(kind).remove(kind.id, id) {
            return false;
        }
        for reference in references {
            if let OnDelete::Cascade(goes) = reference.on_delete
                && reference.to == kind
            {
                let member = reference.member;
                let gone: Vec<String> = self
                    .table(reference.from)
                    .rows()
                    .iter()
                    .filter(|row| goes(row) && referred_ids(row, member).contains(&id))
                    .filter_map(|row| text(row.get(reference.from.id)).map(str::to_owned))
                    .collect();
                for child in gone {
                    self.remove(reference.from, &child, references);
                }
            }
        }
        true
    }

    /// The references whose target is gone: `(from kind, row ID, member, missing ID)`.
    /// Empty in a consistent state (the randomized run checks it after every call).
    pub fn dangling(&self, references: &[&Reference]) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        for reference in references {
            if matches!(reference.on_delete, OnDelete::Keep) {
                continue;
            }
            let targets: BTreeSet<&str> = self
                .table(reference.to)
                .rows()
                .iter()
                .filter_map(|row| text(row.get(reference.to.id)))
                .collect();
            for row in self.table(reference.from).rows() {
                for target in referred_ids(row, reference.member) {
                    if !targets.contains(target) {
                        out.push((
                            reference.from.table.to_owned(),
                            text(row.get(reference.from.id))
                                .unwrap_or_default()
                                .to_owned(),
                            reference.member.to_owned(),
                            target.to_owned(),
                        ));
                    }
                }
            }
        }
        out
    }
}

/// A member that takes a new value after the asynchronous delay: a NAT gateway's
/// `State` going from `PENDING` to `AVAILABLE`.
#[derive(Debug, Clone)]
pub struct Transition {
    /// Whose row.
    pub scope: Scope,
    /// The row's kind.
    pub kind: &'static Kind,
    /// The row's ID.
    pub id: String,
    /// The member that changes, e.g. `State`.
    pub member: String,
    /// Its value once the delay has passed.
    pub value: Value,
    /// When.
    pub at: Instant,
}

/// How an asynchronous task ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEnd {
    /// `SUCCESS`.
    Success,
    /// `FAILED`, with the output text.
    Failed(String),
}

/// An asynchronous task: the action that started it, when it ends and how.
#[derive(Debug, Clone)]
pub struct Task {
    /// Whose task (another account's is not found).
    pub scope: Scope,
    /// The action that started it.
    pub action: String,
    /// When it stops `RUNNING`.
    pub at: Instant,
    /// How it ends.
    pub end: TaskEnd,
}

impl Task {
    /// `RUNNING`, `SUCCESS` or `FAILED` at `now`.
    pub fn status(&self, now: Instant) -> &'static str {
        match (&self.end, now >= self.at) {
            (_, false) => "RUNNING",
            (TaskEnd::Success, true) => "SUCCESS",
            (TaskEnd::Failed(_), true) => "FAILED",
        }
    }
}

/// Everything the emulator holds.
#[derive(Debug)]
pub struct World {
    /// The resources, by scope.
    pub scopes: HashMap<Scope, Region>,
    /// Fresh IDs.
    pub ids: IdSource,
    /// The quotas in force.
    pub quotas: Quotas,
    /// How long states and tasks take (zero: at once).
    pub delay: Duration,
    /// The actions whose tasks and states end in failure (the fault option).
    pub failing: BTreeSet<String>,
    /// The member changes still to come, oldest first.
    pub timeline: Vec<Transition>,
    /// The tasks, by ID (a VPC task's ID is the starting call's RequestId; an elastic
    /// IP task's is a number).
    pub tasks: HashMap<String, Task>,
    /// The last number given to an elastic IP task.
    pub task_numbers: u64,
}

impl World {
    /// An empty world.
    pub fn new(ids: IdSource, quotas: Quotas, delay: Duration) -> Self {
        Self {
            scopes: HashMap::new(),
            ids,
            quotas,
            delay,
            failing: BTreeSet::new(),
            timeline: Vec::new(),
            tasks: HashMap::new(),
            task_numbers: 0,
        }
    }

    /// The region of `scope`, created empty on first use.
    pub fn region(&mut self, scope: &Scope) -> &mut Region {
        self.scopes.entry(scope.clone()).or_default()
    }

    /// Applies every transition due at `now`. Called before each call is served, so a
    /// poller sees states change between its calls.
    pub fn settle(&mut self, now: Instant) {
        if self.timeline.iter().all(|t| t.at > now) {
            return;
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.timeline)
            .into_iter()
            .partition(|t| t.at <= now);
        self.timeline = later;
        for transition in due {
            if let Some(region) = self.scopes.get_mut(&transition.scope)
                && let Some(row) = region.get_mut(transition.kind, &transition.id)
            {
                row.insert(transition.member, transition.value);
            }
        }
    }

    /// Whether `action`'s tasks and states end in failure.
    pub fn fails(&self, action: &str) -> bool {
        self.failing.contains(action)
    }

    /// Sets `member` of a row to `passing` now and to `success` (or `failure`, when
    /// `action` is made to fail) after the delay; at once when there is no delay.
    #[allow(clippy::too_many_arguments)]
    pub fn change_later(
        &mut self,
        scope: &Scope,
        kind: &'static Kind,
        id: &str,
        member: &'static str,
        passing: Value,
        (success, failure): (Value, Value),
        action: &str,
        now: Instant,
    ) {
        let end = if self.fails(action) { failure } else { success };
        let at = now + self.delay;
        let immediate = self.delay.is_zero();
        if let Some(row) = self.region(scope).get_mut(kind, id) {
            row.insert(
                member.to_owned(),
                if immediate { end.clone() } else { passing },
            );
        }
        if !immediate {
            self.timeline.push(Transition {
                scope: scope.clone(),
                kind,
                id: id.to_owned(),
                member: member.to_owned(),
                value: end,
                at,
            });
        }
    }

    /// Starts a task of `action` under `id`; it runs for the delay, then succeeds, or
    /// fails when `action` is made to fail.
    pub fn start_task(&mut self, scope: &Scope, action: &str, id: String, now: Instant) {
        let end = if self.fails(action) {
            TaskEnd::Failed(format!(
                "The task of {action} failed (a fault the emulator was asked for)."
            ))
        } else {
            TaskEnd::Success
        };
        self.tasks.insert(
            id,
            Task {
                scope: scope.clone(),
                action: action.to_owned(),
                at: now + self.delay,
                end,
            },
        );
    }

    /// A fresh numeric task ID (elastic IP tasks), as text.
    pub fn next_task_number(&mut self) -> String {
        self.task_numbers += 1;
        // Tencent's examples show 7-digit task IDs (`1684395`).
        (1_000_000 + self.task_numbers).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static PARENT: Kind = Kind {
        table: "parents",
        id: "ParentId",
        noun: "parent",
    };
    static CHILD: Kind = Kind {
        table: "children",
        id: "ChildId",
        noun: "child",
    };
    static OWNED: Kind = Kind {
        table: "owned",
        id: "OwnedId",
        noun: "owned",
    };
    static CHILD_OF: Reference = Reference {
        from: &CHILD,
        member: "Parents",
        to: &PARENT,
        on_delete: OnDelete::Refuse(always),
    };
    static OWNED_BY: Reference = Reference {
        from: &OWNED,
        member: "Link.ParentId",
        to: &PARENT,
        on_delete: OnDelete::Cascade(always),
    };

    fn row(pairs: Value) -> Map<String, Value> {
        pairs.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn references_block_cascade_and_dangle() {
        let refs = [&CHILD_OF, &OWNED_BY];
        let mut region = Region::default();
        region
            .table_mut(&PARENT)
            .push(row(serde_json::json!({"ParentId": "p-1"})));
        region.table_mut(&CHILD).push(row(
            serde_json::json!({"ChildId": "c-1", "Parents": ["p-1"]}),
        ));
        region.table_mut(&OWNED).push(row(
            serde_json::json!({"OwnedId": "o-1", "Link": {"ParentId": "p-1"}}),
        ));
        assert_eq!(
            region
                .blocker(&PARENT, "p-1", &refs)
                .map(|(k, n)| (k.table, n)),
            Some(("children", 1))
        );
        assert!(region.dangling(&refs).is_empty());
        assert!(region.remove(&CHILD, "c-1", &refs));
        assert_eq!(region.blocker(&PARENT, "p-1", &refs), None);
        assert!(region.remove(&PARENT, "p-1", &refs));
        assert!(region.table(&OWNED).rows().is_empty(), "cascaded");
        assert!(!region.remove(&PARENT, "p-1", &refs));
        region.table_mut(&CHILD).push(row(
            serde_json::json!({"ChildId": "c-2", "Parents": ["p-9"]}),
        ));
        assert_eq!(region.dangling(&refs).len(), 1);
    }

    #[test]
    fn transitions_wait_for_their_time() {
        let scope = Scope {
            account: "a".into(),
            region: "r".into(),
        };
        let mut world = World::new(
            IdSource::seeded(1),
            Quotas::default(),
            Duration::from_secs(5),
        );
        world
            .region(&scope)
            .table_mut(&PARENT)
            .push(row(serde_json::json!({"ParentId": "p-1"})));
        let start = Instant::now();
        let states = (Value::from("AVAILABLE"), Value::from("FAILED"));
        world.change_later(
            &scope,
            &PARENT,
            "p-1",
            "State",
            "PENDING".into(),
            states,
            "X",
            start,
        );
        let state = |w: &World| w.scopes[&scope].get(&PARENT, "p-1").unwrap()["State"].clone();
        assert_eq!(state(&world), "PENDING");
        world.settle(start + Duration::from_secs(4));
        assert_eq!(state(&world), "PENDING");
        world.settle(start + Duration::from_secs(5));
        assert_eq!(state(&world), "AVAILABLE");
        world.failing.insert("X".into());
        world.start_task(&scope, "X", "t".into(), start);
        assert_eq!(world.tasks["t"].status(start), "RUNNING");
        assert_eq!(
            world.tasks["t"].status(start + Duration::from_secs(5)),
            "FAILED"
        );
    }
}
