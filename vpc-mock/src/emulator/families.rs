//! Resource families derived from the spec, once for the whole API (issue 25): the
//! kind a `Describe*` action lists (its object type and `…Id` member), and every action
//! that creates, lists, changes or deletes rows of it. Nothing here names a resource:
//! the rules read action names, members and object types only.
//!
//! The rules, in order:
//! 1. **A family is what a `Describe*` lists.** Its object is the type of the listed
//!    items (the paging rule's item list, else the first list of objects in the
//!    answer); its ID member is the `X` of an input list `XIds` that the object has,
//!    else the object's `<Object>Id`, else `<Noun>Id` of the action's noun
//!    (`DescribeHaVips` → `HaVip`). An ID member two describes claim goes to the one
//!    whose object or noun is named like it (`NatGatewayId` to `DescribeNatGateways`);
//!    the other becomes a reading action of that family.
//! 2. **A family needs an ID shape** read from the examples (`havip-` and 8), one its
//!    examples agree on (at least four in five of them); else it is left out, with the
//!    reason (IDs such as `ResourceId` that name several kinds).
//! 3. **Its actions** are found by name, then by input: `Create<Noun>`,
//!    `Create<Noun>s`, `Allocate<Noun>s` create; an action naming the ID member (or a
//!    list of it) belongs to the family with the longest noun in its name; among those,
//!    `Delete<Noun>`, `Delete<Noun>s`, `Release<Noun>s` delete, reading verbs
//!    (`Describe`, `Inquir`, `Check`, `Get`) read, and every other verb changes.
//! 4. **References** are the object's scalar members named like another family's ID
//!    member (a `HaVip`'s `VpcId` and `SubnetId`): they must exist when given, and they
//!    refuse deleting what they name.
//!
//! The families of the hand-written resources (VPCs, subnets, ...) use their kinds from
//! `kinds.rs`, so the generic actions of those families (`ModifyAddressAttribute`)
//! change the very rows the hand-written ones keep.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use api_spec::ir::{Action, Field, Object, Service, Type};

use super::engine::IdShape;
use super::world::{Kind, OnDelete, Reference, always};

/// What a generic action does to its family's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verb {
    /// Adds rows filled from the request (`CreateHaVip`).
    Create,
    /// Lists rows by IDs, filters and pages (the family's `Describe*`).
    Describe,
    /// Reads the named rows and answers from them (`DescribeFlowLog`, `Inquiry…`).
    Read,
    /// Changes the members the request names on the named rows (`Modify…`, `Enable…`).
    Change,
    /// Removes the named rows, as the references allow (`DeleteHaVip`).
    Delete,
}

impl Verb {
    /// The verb's name in the coverage table.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Describe => "describe",
            Self::Read => "read",
            Self::Change => "change",
            Self::Delete => "delete",
        }
    }
}

/// One resource family.
#[derive(Debug)]
pub struct Family {
    /// Its kind: table, ID member, noun.
    pub kind: &'static Kind,
    /// The object type its rows have.
    pub object: &'static Object,
    /// The noun actions are named with (`HaVip`): the ID member's stem.
    pub noun: String,
    /// Every noun actions may name it by: the ID member's stem, the object's name and
    /// the describe's noun (`EndPoint`, `VpcEndPoint`).
    pub nouns: Vec<String>,
    /// The action listing it.
    pub describe: &'static str,
    /// The listing's item member (`HaVipSet`).
    pub set: String,
    /// The listing's ID filter member (`HaVipIds`), if it has one.
    pub ids: Option<String>,
    /// Its ID shape, from the examples.
    pub shape: IdShape,
    /// Nothing creates its rows (the CVM `InstanceId`s, a flow log's `ResourceId`): it
    /// serves no action, and a reference to it is to what the emulator cannot hold.
    pub barren: bool,
    /// Whether its rows are kept by a hand-written resource (`kinds.rs`).
    pub hand_kind: bool,
    /// The references its object's members make to other families.
    pub references: Vec<&'static Reference>,
}

/// Every family of a service, and which family and verb serve each action.
#[derive(Debug, Default)]
pub struct Families {
    /// The families, in the order of their describe actions.
    pub list: Vec<Family>,
    /// Action name → (family index, verb).
    pub routes: BTreeMap<&'static str, (usize, Verb)>,
    /// Describe actions that list something the rules cannot make a family of, with
    /// the reason.
    pub left_out: BTreeMap<&'static str, String>,
}

impl Families {
    /// The family whose ID member is `id` and whose shape `value` has (two kinds may
    /// share an ID member's name: `NatGatewayId` of `nat-` and `intranat-` gateways).
    pub fn by_id(&self, id: &str, value: &str) -> Option<&Family> {
        let mut named = self.list.iter().filter(|f| f.kind.id == id);
        let first = named.next()?;
        if first.shape.matches(value) {
            return Some(first);
        }
        named.find(|f| f.shape.matches(value)).or(Some(first))
    }

    /// The family and verb serving `action`.
    pub fn route(&self, action: &str) -> Option<(&Family, Verb)> {
        let (index, verb) = self.routes.get(action)?;
        Some((self.list.get(*index)?, *verb))
    }

    /// Every kind of a family that no hand-written resource keeps.
    pub fn derived_kinds(&self) -> impl Iterator<Item = &'static Kind> + '_ {
        self.list.iter().filter(|f| !f.hand_kind).map(|f| f.kind)
    }

    /// Every reference the families declare.
    pub fn references(&self) -> impl Iterator<Item = &'static Reference> + '_ {
        self.list.iter().flat_map(|f| f.references.iter().copied())
    }
}

/// The families of the shipped VPC spec, derived once per process. `hand` are the
/// kinds of the hand-written resources.
pub(crate) fn shared(service: &'static Service, hand: &[&'static Kind]) -> &'static Families {
    static DERIVED: OnceLock<Families> = OnceLock::new();
    DERIVED.get_or_init(|| derive(service, hand))
}

/// The listed object of a describe action: the paging rule's items, else the first
/// list of objects it answers.
fn listed(
    service: &'static Service,
    action: &'static Action,
) -> Option<(&'static Field, &'static Object)> {
    let field = match &action.pagination {
        Some(p) => action
            .output
            .iter()
            .find(|f| f.wire_name == p.items.wire_name),
        None => None,
    }
    .or_else(|| {
        action
            .output
            .iter()
            .find(|f| matches!(&f.ty, Type::List(inner) if matches!(**inner, Type::Object(..))))
    })?;
    let Type::List(inner) = &field.ty else {
        return None;
    };
    let Type::Object(name, _) = &**inner else {
        return None;
    };
    Some((field, service.object(name)?))
}

/// `DescribeHaVips` → `HaVip`, `DescribeAddresses` → `Address`, `DescribeFlowLog` →
/// `FlowLog`.
fn noun_of_describe(name: &str) -> String {
    let rest = name.strip_prefix("Describe").unwrap_or(name);
    singular(rest)
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("sses") {
        return format!("{stem}ss");
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = word.strip_suffix("ses").filter(|s| s.ends_with("s")) {
        return format!("{stem}s");
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

fn has_member(object: &Object, name: &str) -> bool {
    object.fields.iter().any(|f| f.wire_name == name)
}

/// The ID member of the rows `action` lists, and the input list filtering by it.
fn id_member(action: &Action, object: &Object) -> Option<(String, Option<String>)> {
    for input in &action.input {
        if let Type::List(inner) = &input.ty
            && **inner == Type::String
            && let Some(single) = input.wire_name.strip_suffix('s')
            && single.ends_with("Id")
            && has_member(object, single)
        {
            return Some((single.to_owned(), Some(input.wire_name.clone())));
        }
    }
    let by_object = format!("{}Id", object.name).to_ascii_lowercase();
    if let Some(f) = object
        .fields
        .iter()
        .find(|f| f.wire_name.to_ascii_lowercase() == by_object)
    {
        return Some((f.wire_name.clone(), None));
    }
    let noun = noun_of_describe(&action.name);
    let by_noun = format!("{noun}Id");
    has_member(object, &by_noun).then_some((by_noun, None))
}

/// How well a describe's object or noun is named like the ID member (2: object, 1:
/// noun, 0: neither).
fn naming(action: &Action, object: &Object, id: &str) -> u8 {
    let stem = id.strip_suffix("Id").unwrap_or(id).to_ascii_lowercase();
    if object.name.to_ascii_lowercase() == stem {
        2
    } else if noun_of_describe(&action.name).to_ascii_lowercase() == stem {
        1
    } else {
        0
    }
}

/// `HaVip` → `ha_vips`, `RoutePolicy` → `route_policies`, `IPv6Address` →
/// `ipv6_addresses`: the table's name.
fn table_name(noun: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in noun.chars() {
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        previous = Some(c);
    }
    plural(&out)
}

fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if word.ends_with('s') || word.ends_with('x') {
        return format!("{word}es");
    }
    format!("{word}s")
}

/// `HaVip` → `ha vip`, the words messages use.
fn noun_words(noun: &str) -> String {
    let table = table_name(noun);
    let single = table
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| table.strip_suffix("sses").map(|s| format!("{s}ss")))
        .unwrap_or_else(|| table.trim_end_matches('s').to_owned());
    single.replace('_', " ")
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// The shape of `member` in the examples of `action` (the IDs its own answers list),
/// else the example value its object's member documents, else the one the whole spec's
/// examples agree on (four in five or more).
fn shape_for(
    service: &'static Service,
    action: &'static Action,
    member: &str,
) -> Result<IdShape, String> {
    if let Some((shape, _)) = IdShape::from_examples(&action.examples, member) {
        return Ok(shape);
    }
    // The example value the object's own member documents (`ip6-mhnrv51i`).
    if let Some((_, object)) = listed(service, action)
        && let Some(shape) = object
            .fields
            .iter()
            .find(|f| f.wire_name == member)
            .and_then(|f| f.example.as_deref())
            .and_then(IdShape::of)
    {
        return Ok(shape);
    }
    let (shape, share) = IdShape::from_spec_with_share(service, member)
        .ok_or_else(|| format!("no example shows the shape of `{member}`"))?;
    if share < 0.8 {
        return Err(format!(
            "its own examples list no `{member}`, and the others disagree on its shape (`{}` in {:.0}% of them)",
            shape.prefix,
            share * 100.0
        ));
    }
    Ok(shape)
}

/// One describe that may list a family.
type Candidate = (
    &'static Action,
    &'static Object,
    &'static Field,
    Option<String>,
);

/// Derives the families of `service`. `hand` are the hand-written resources' kinds:
/// a family with one's ID member and ID shape keeps its rows in that kind's table.
pub fn derive(service: &'static Service, hand: &[&'static Kind]) -> Families {
    let mut out = Families::default();
    // 1, 2. Candidates, by ID member and shape.
    let mut candidates: BTreeMap<(String, String), Vec<Candidate>> = BTreeMap::new();
    for action in &service.actions {
        if !action.name.starts_with("Describe") {
            continue;
        }
        let Some((field, object)) = listed(service, action) else {
            continue;
        };
        let Some((id, ids)) = id_member(action, object) else {
            out.left_out.insert(
                action.name.as_str(),
                format!(
                    "its items (`{}`) have no ID member of their own",
                    object.name
                ),
            );
            continue;
        };
        let hand_shape = hand
            .iter()
            .find(|k| k.id == id)
            .and_then(|_| IdShape::from_spec(service, &id));
        let shape = match shape_for(service, action, &id) {
            Ok(shape) => shape,
            Err(reason) => match &hand_shape {
                Some(shape) => shape.clone(),
                None => {
                    out.left_out.insert(action.name.as_str(), reason);
                    continue;
                }
            },
        };
        candidates
            .entry((id, shape.prefix))
            .or_default()
            .push((action, object, field, ids));
    }
    let shared_ids: Vec<String> = {
        let mut seen = BTreeMap::new();
        for (id, _) in candidates.keys() {
            *seen.entry(id.clone()).or_insert(0) += 1;
        }
        seen.into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(id, _)| id)
            .collect()
    };
    let mut readers: Vec<(&'static str, usize)> = Vec::new();
    for ((id, prefix), mut list) in candidates {
        // The best-named describe lists the family; plural names before singular ones.
        list.sort_by_key(|(action, object, _, _)| {
            (
                std::cmp::Reverse(naming(action, object, &id)),
                !action.name.ends_with('s'),
                action.name.len(),
            )
        });
        let (action, object, field, ids) = list[0].clone();
        let Ok(shape) =
            shape_for(service, action, &id).or_else(|_| IdShape::from_spec(service, &id).ok_or(()))
        else {
            continue;
        };
        let hand_kind = hand
            .iter()
            .find(|k| {
                k.id == id && IdShape::from_spec(service, &id).is_some_and(|s| s.prefix == prefix)
            })
            .copied();
        // A hand-written kind's rows have the shape its resource makes them with (the
        // spec-wide one): the family checks references to them by it too (a describe's
        // own examples may show another length: `vpngw-` and 4).
        let shape = match hand_kind {
            Some(_) => IdShape::from_spec(service, &id).unwrap_or(shape),
            None => shape,
        };
        let stem = id.strip_suffix("Id").unwrap_or(&id).to_owned();
        // An ID member two kinds share (`NatGatewayId` of NAT and private NAT gateways)
        // names the other kind by its describe's noun.
        let noun = if hand_kind.is_none() && shared_ids.contains(&id) {
            noun_of_describe(&action.name)
        } else {
            stem
        };
        let kind = hand_kind.unwrap_or_else(|| {
            leak(Kind {
                table: Box::leak(table_name(&noun).into_boxed_str()),
                id: Box::leak(id.clone().into_boxed_str()),
                noun: Box::leak(noun_words(&noun).into_boxed_str()),
            })
        });
        let index = out.list.len();
        out.routes
            .insert(action.name.as_str(), (index, Verb::Describe));
        for (other, ..) in &list[1..] {
            readers.push((other.name.as_str(), index));
        }
        let mut nouns = vec![
            noun.clone(),
            object.name.clone(),
            noun_of_describe(&action.name),
        ];
        nouns.sort();
        nouns.dedup();
        out.list.push(Family {
            kind,
            object,
            noun,
            nouns,
            describe: action.name.as_str(),
            set: field.wire_name.clone(),
            ids,
            shape,
            hand_kind: hand_kind.is_some(),
            barren: false,
            references: Vec::new(),
        });
    }
    // 4. References between families (derived families only: the hand-written kinds
    // declare their own).
    let targets: Vec<(&'static Kind, IdShape)> =
        out.list.iter().map(|f| (f.kind, f.shape.clone())).collect();
    for family in &mut out.list {
        if family.hand_kind {
            continue;
        }
        for field in &family.object.fields {
            if field.ty != Type::String || field.wire_name == family.kind.id {
                continue;
            }
            // A member two kinds share the name of refers to neither for sure.
            let mut to = targets.iter().filter(|(k, _)| k.id == field.wire_name);
            if let (Some((to, _)), None) = (to.next(), to.next()) {
                family.references.push(leak(Reference {
                    from: family.kind,
                    member: Box::leak(field.wire_name.clone().into_boxed_str()),
                    to,
                    on_delete: OnDelete::Refuse(always),
                }));
            }
        }
    }
    // 3. The other actions: by name first, which also tells which families can have
    // rows (a hand-written kind, or one an action creates); then by input, among those
    // only (a family nothing creates, such as the CVM `InstanceId`s DescribeInstanceJumbo
    // lists, would only ever answer an empty table, and must not take the actions of
    // another: `AttachCcnInstances` names a CCN and instances).
    let mut creatable: Vec<bool> = out.list.iter().map(|f| f.hand_kind).collect();
    for action in &service.actions {
        let name = action.name.as_str();
        if out.routes.contains_key(name) {
            continue;
        }
        if let Some(route) = route_by_name(&out.list, action) {
            if route.1 == Verb::Create {
                creatable[route.0] = true;
            }
            out.routes.insert(name, route);
        }
    }
    for (family, made) in out.list.iter_mut().zip(&creatable) {
        family.barren = !made;
    }
    // A reference to a barren family's kind is to what the emulator cannot hold: not
    // declared (no row could ever satisfy it).
    let barren_kinds: Vec<&'static Kind> = out
        .list
        .iter()
        .filter(|f| f.barren)
        .map(|f| f.kind)
        .collect();
    for family in &mut out.list {
        family
            .references
            .retain(|r| !barren_kinds.iter().any(|k| std::ptr::eq(*k, r.to)));
    }
    // The barren families' routes go; their actions may belong to another family.
    let barren: Vec<(&'static str, usize)> = out
        .routes
        .iter()
        .filter(|(_, (f, _))| !creatable[*f])
        .map(|(name, (f, _))| (*name, *f))
        .collect();
    for (name, f) in barren {
        out.routes.remove(name);
        out.left_out.insert(
            name,
            format!(
                "nothing creates rows of `{}` (no creating action), so it would only ever answer an empty table",
                out.list[f].kind.id
            ),
        );
    }
    for action in &service.actions {
        let name = action.name.as_str();
        if out.routes.contains_key(name) {
            continue;
        }
        if let Some(route) = route_by_input(&out.list, &creatable, action) {
            out.left_out.remove(name);
            out.routes.insert(name, route);
        }
    }
    // A describe listing objects that a family's rows hold in a list member
    // (`DescribeRoutes` lists the `Route`s of route tables' `RouteSet`) reads that
    // family's rows for them.
    for action in &service.actions {
        let name = action.name.as_str();
        if out.routes.contains_key(name) || !name.starts_with("Describe") {
            continue;
        }
        let Some((_, object)) = listed(service, action) else {
            continue;
        };
        let holders: Vec<usize> = out
            .list
            .iter()
            .enumerate()
            .filter(|(i, f)| {
                creatable[*i] && f.object.fields.iter().any(|m| holds(&m.ty, &object.name))
            })
            .map(|(i, _)| i)
            .collect();
        if let [holder] = holders.as_slice() {
            out.routes.insert(name, (*holder, Verb::Read));
            out.left_out.remove(name);
            continue;
        }
        // Or the rows of a family seen as another type: one naming them by their ID
        // member, most of whose members the family's object has (`CcnInstanceInfo`).
        let views: Vec<usize> = out
            .list
            .iter()
            .enumerate()
            .filter(|(i, f)| creatable[*i] && views(object, f))
            .map(|(i, _)| i)
            .collect();
        if let [family] = views.as_slice() {
            out.routes.insert(name, (*family, Verb::Read));
            out.left_out.remove(name);
        }
    }
    // Describes that lost their ID member to a better-named one read that family.
    for (name, index) in readers {
        if creatable[index] {
            out.routes.entry(name).or_insert((index, Verb::Read));
        }
    }
    out
}

/// Whether the request member `input` names rows whose ID member is `id`: the member
/// itself or its list (`HaVipId`, `HaVipIds`), a longer name ending in it
/// (`IPv6AddressIds` names `AddressId` rows, `SourceNetworkInterfaceId` ENIs), or a
/// shorter one it ends in (`GatewayId` names NAT, VPN and direct connect gateways,
/// `TemplateId` address and service templates; the value's shape tells which).
pub fn names(input: &str, id: &str) -> bool {
    let single = input.strip_suffix('s').unwrap_or(input);
    if single == id {
        return true;
    }
    // Both names are CamelCase words ending in `Id`, so a suffix is a whole word.
    let word = |name: &str| {
        name.len() > 2 && name.ends_with("Id") && name.starts_with(|c: char| c.is_ascii_uppercase())
    };
    word(single) && word(id) && (single.ends_with(id) || id.ends_with(single))
}

const CREATING: [&str; 3] = ["Create", "Allocate", "Add"];
const DELETING: [&str; 3] = ["Delete", "Release", "Remove"];
const READING: [&str; 6] = ["Describe", "Inquir", "Check", "Get", "Download", "Audit"];

/// Whether `object` shows a family's rows as another type: it names them by their ID
/// member, and the family's object has most of its members (`CcnInstanceInfo` is a
/// CCN; `CcnAttachedInstance`, which names a CCN too, is not one).
pub fn views(object: &Object, family: &Family) -> bool {
    let shared = object
        .fields
        .iter()
        .filter(|m| has_member(family.object, &m.wire_name))
        .count();
    has_member(object, family.kind.id) && shared * 2 > object.fields.len()
}

/// Whether a member of type `ty` is a list of `object`s.
pub fn holds(ty: &Type, object: &str) -> bool {
    matches!(ty, Type::List(inner) if matches!(&**inner, Type::Object(name, _) if name == object))
}

fn verb_noun<'a>(name: &'a str, verbs: &[&str]) -> Option<&'a str> {
    verbs.iter().find_map(|v| name.strip_prefix(v))
}

fn takes(action: &Action, id: &str) -> bool {
    let list = format!("{id}s");
    action
        .input
        .iter()
        .any(|f| f.wire_name == id || f.wire_name == list)
}

/// `CreateHaVip`, `CreateAddressTemplates`, `AllocateAddresses`: an action named after
/// a family's noun that does not name one of its rows.
fn route_by_name(families: &[Family], action: &Action) -> Option<(usize, Verb)> {
    let name = action.name.as_str();
    let matches = |rest: &str, f: &Family| {
        let single = singular(rest);
        f.nouns.iter().any(|n| *n == rest || *n == single)
    };
    if let Some(rest) = verb_noun(name, &CREATING)
        && let Some(i) = families
            .iter()
            .position(|f| matches(rest, f) && !takes(action, f.kind.id))
    {
        return Some((i, Verb::Create));
    }
    if let Some(rest) = verb_noun(name, &DELETING)
        && let Some(i) = families
            .iter()
            .position(|f| matches(rest, f) && takes(action, f.kind.id))
    {
        return Some((i, Verb::Delete));
    }
    None
}

/// An action naming a family's rows by their ID member: the family with the longest
/// noun in the action's name, else the first named.
fn route_by_input(
    families: &[Family],
    creatable: &[bool],
    action: &Action,
) -> Option<(usize, Verb)> {
    let service = crate::spec::shared_vpc_service().ok()?;
    // The request's members, and those of the objects in its lists
    // (`HaVipAssociationSet[].HaVipId`): exact names first, then the longer and shorter
    // ones `names` relates.
    let mut members: Vec<&str> = Vec::new();
    for input in &action.input {
        members.push(&input.wire_name);
        let inner: &Type = match &input.ty {
            Type::List(inner) => inner,
            other => other,
        };
        if let Type::Object(name, _) = inner
            && let Some(object) = service.object(name)
        {
            members.extend(object.fields.iter().map(|f| f.wire_name.as_str()));
        }
    }
    let exact: Vec<usize> = members
        .iter()
        .flat_map(|m| {
            let single = m.strip_suffix('s').unwrap_or(m);
            families
                .iter()
                .enumerate()
                .filter(move |(i, fam)| {
                    creatable[*i] && (fam.kind.id == *m || fam.kind.id == single)
                })
                .map(|(i, _)| i)
        })
        .collect();
    let named: Vec<usize> = if exact.is_empty() {
        members
            .iter()
            .flat_map(|m| {
                families
                    .iter()
                    .enumerate()
                    .filter(move |(i, fam)| creatable[*i] && names(m, fam.kind.id))
                    .map(|(i, _)| i)
            })
            .collect()
    } else {
        exact
    };
    let index = named
        .iter()
        .copied()
        .filter_map(|i| {
            let longest = families[i]
                .nouns
                .iter()
                .filter(|n| action.name.contains(n.as_str()))
                .map(String::len)
                .max()?;
            Some((i, longest))
        })
        // The longest noun wins; among equals, the first family (a hand-written kind's
        // shape sorts before a derived one's sharing its ID member: `eip-`, `eipv6-`).
        .max_by_key(|&(i, len)| (len, std::cmp::Reverse(i)))
        .map(|(i, _)| i)
        .or_else(|| named.first().copied())?;
    let verb = if READING.iter().any(|v| action.name.starts_with(v)) {
        Verb::Read
    } else {
        Verb::Change
    };
    Some((index, verb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_relate_id_members() {
        assert!(names("HaVipIds", "HaVipId"));
        assert!(names("IPv6AddressIds", "AddressId"));
        assert!(names("GatewayId", "NatGatewayId"));
        assert!(names("TemplateId", "AddressTemplateId"));
        assert!(!names("Id", "VpcId"));
        assert!(!names("VpcName", "VpcId"));
    }

    #[test]
    fn nouns_and_tables() {
        assert_eq!(noun_of_describe("DescribeHaVips"), "HaVip");
        assert_eq!(noun_of_describe("DescribeAddresses"), "Address");
        assert_eq!(noun_of_describe("DescribeRoutePolicies"), "RoutePolicy");
        assert_eq!(noun_of_describe("DescribeFlowLog"), "FlowLog");
        assert_eq!(table_name("HaVip"), "ha_vips");
        assert_eq!(table_name("RoutePolicy"), "route_policies");
        assert_eq!(table_name("IPv6Address"), "ipv6_addresses");
        assert_eq!(
            table_name("NetworkAclQuintupleEntry"),
            "network_acl_quintuple_entries"
        );
        assert_eq!(noun_words("NetworkAcl"), "network acl");
    }
}
