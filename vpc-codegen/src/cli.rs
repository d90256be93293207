//! The command-line front end: static tables a CLI builds its command tree from at run
//! time (per service its actions with their members, types, required flags and plain-text
//! documents, its object types, paging and state waiters), from the same IR as the client.
//!
//! ```text
//! mod.rs          SERVICE: name, version, host, and the groups below
//! actions_d.rs    the actions whose name starts with `D`, sorted by name
//! objects_v.rs    the object types whose name starts with `V`, sorted by name
//! ```
//!
//! The tables name their types through [`CliConfig::tables`] (`crate::table` inside
//! `vpc-cli`), which declares `Service`, `Action`, `Member`, `Ty`, `Object`, `Paging`,
//! `Task` and `Waiter`. A type is a small enum; an object member names its object, which the runtime
//! finds in the object groups. Nothing here is Rust that a CLI must compile per action: it
//! is data, so 448 actions cost what a few megabytes of constants cost.

use std::collections::BTreeMap;

use api_spec::ir::{Action, Field, Object, Service, Type, Waiter, WaiterPath};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::GeneratedFile;
use crate::docs::plain_text;

/// How the generated tables refer to the table types.
#[derive(Clone)]
pub struct CliConfig {
    /// The module that declares `Service`, `Action`, `Member`, `Ty`, `Object`, `Paging`,
    /// `Task` and `Waiter` (`crate::table` inside `vpc-cli`).
    pub tables: syn::Path,
}

impl std::fmt::Debug for CliConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tables = &self.tables;
        f.debug_struct("CliConfig")
            .field("tables", &quote!(#tables).to_string())
            .finish()
    }
}

impl Default for CliConfig {
    fn default() -> Self {
        Self {
            tables: syn::parse_quote!(crate::table),
        }
    }
}

pub(crate) fn generate_files(service: &Service, config: &CliConfig) -> Vec<GeneratedFile> {
    let t = &config.tables;
    let mut files = Vec::new();
    let mut action_groups: BTreeMap<char, Vec<&Action>> = BTreeMap::new();
    for action in &service.actions {
        action_groups
            .entry(letter(&action.name))
            .or_default()
            .push(action);
    }
    let mut object_groups: BTreeMap<char, Vec<&Object>> = BTreeMap::new();
    for object in &service.objects {
        object_groups
            .entry(letter(&object.name))
            .or_default()
            .push(object);
    }
    let mut action_mods = Vec::new();
    for (letter, actions) in &action_groups {
        let module = format_ident!("actions_{}", letter.to_ascii_lowercase());
        let entries = actions.iter().map(|action| action_entry(action));
        let doc = format!(" The actions whose name starts with `{letter}`, sorted by name.");
        files.push(GeneratedFile {
            path: format!("{module}.rs"),
            tokens: quote! {
                #![doc = #doc]
                #[allow(unused_imports, reason = "a group uses the types it needs")]
                use #t::{Action, Member, Paging, Task, Ty};
                /// The actions of this group.
                pub(super) static ACTIONS: &[Action] = &[ #( #entries ),* ];
            },
        });
        action_mods.push(module);
    }
    let mut object_mods = Vec::new();
    for (letter, objects) in &object_groups {
        let module = format_ident!("objects_{}", letter.to_ascii_lowercase());
        let entries = objects.iter().map(|object| object_entry(object));
        let doc = format!(" The object types whose name starts with `{letter}`, sorted by name.");
        files.push(GeneratedFile {
            path: format!("{module}.rs"),
            tokens: quote! {
                #![doc = #doc]
                use #t::{Member, Object, Ty};
                /// The object types of this group.
                pub(super) static OBJECTS: &[Object] = &[ #( #entries ),* ];
            },
        });
        object_mods.push(module);
    }
    let waiters = service
        .waiters
        .iter()
        .filter_map(|waiter| waiter_entry(service, waiter));
    // The members whose values are secrets (the spec's `sensitive`), by their owner: an
    // action (its request or answer) or an object type.
    let mut sensitive = Vec::new();
    for action in &service.actions {
        for field in action.input.iter().chain(&action.output) {
            if field.sensitive {
                sensitive.push((action.name.as_str(), field.wire_name.as_str()));
            }
        }
    }
    for object in &service.objects {
        for field in &object.fields {
            if field.sensitive {
                sensitive.push((object.name.as_str(), field.wire_name.as_str()));
            }
        }
    }
    let sensitive = sensitive
        .iter()
        .map(|(owner, member)| quote!((#owner, #member)));
    let name = &service.name;
    let version = &service.version;
    let title = &service.title;
    let host = &service.default_host;
    let brief = service.brief.as_deref().map(plain_text).unwrap_or_default();
    let doc = format!(
        " The command-line tables of {title} (`{name}`, version {version}): {} actions and {} \
         object types, in groups by first letter.",
        service.actions.len(),
        service.objects.len()
    );
    let mut uses = vec![quote!(Service)];
    if !service.waiters.is_empty() {
        uses.push(quote!(Waiter));
    }
    files.insert(
        0,
        GeneratedFile {
            path: "mod.rs".to_owned(),
            tokens: quote! {
                #![doc = #doc]
                #( mod #action_mods; )*
                #( mod #object_mods; )*
                use #t::{ #( #uses ),* };
                /// The service's tables.
                pub static SERVICE: Service = Service {
                    name: #name,
                    version: #version,
                    title: #title,
                    brief: #brief,
                    default_host: #host,
                    actions: &[ #( #action_mods::ACTIONS ),* ],
                    objects: &[ #( #object_mods::OBJECTS ),* ],
                    waiters: &[ #( #waiters ),* ],
                    sensitive: &[ #( #sensitive ),* ],
                };
            },
        },
    );
    files
}

fn letter(name: &str) -> char {
    name.chars()
        .next()
        .filter(char::is_ascii_alphanumeric)
        .map_or('_', |c| c.to_ascii_uppercase())
}

fn ty(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(Ty::String),
        Type::Int64 => quote!(Ty::Int64),
        Type::UInt64 => quote!(Ty::UInt64),
        Type::Float => quote!(Ty::Float),
        Type::Bool => quote!(Ty::Bool),
        Type::DateTime => quote!(Ty::DateTime),
        Type::DateTimeIso => quote!(Ty::DateTimeIso),
        Type::Date => quote!(Ty::Date),
        Type::List(inner) => {
            let inner = self::ty(inner);
            quote!(Ty::List(&#inner))
        }
        Type::Object(name, _) => quote!(Ty::Object(#name)),
    }
}

fn member(field: &Field) -> TokenStream {
    let name = &field.wire_name;
    let ty = ty(&field.ty);
    let required = field.required;
    let doc = plain_text(&field.document);
    quote!(Member { name: #name, ty: #ty, required: #required, doc: #doc })
}

fn action_entry(action: &Action) -> TokenStream {
    let name = &action.name;
    let doc = plain_text(&action.document);
    let title = action.title.as_deref().unwrap_or_default();
    let input = action.input.iter().map(member);
    let output = action.output.iter().map(member);
    let retry_safe = action.retry_safe;
    let skip_sign = action.skip_sign;
    let rate_limit = match action.rate_limit {
        Some(rate) => quote!(::core::option::Option::Some(#rate)),
        None => quote!(::core::option::Option::None),
    };
    let paging = match &action.pagination {
        Some(paging) => {
            let offset = &paging.offset.wire_name;
            let limit = &paging.limit.wire_name;
            let items = &paging.items.wire_name;
            let text = paging.limit.ty == Type::String;
            let count = match &paging.count {
                Some(count) => {
                    let count = &count.wire_name;
                    quote!(::core::option::Option::Some(#count))
                }
                None => quote!(::core::option::Option::None),
            };
            let max = match paging.max_limit {
                Some(max) => quote!(::core::option::Option::Some(#max)),
                None => quote!(::core::option::Option::None),
            };
            quote!(::core::option::Option::Some(Paging {
                offset: #offset,
                limit: #limit,
                items: #items,
                count: #count,
                max_limit: #max,
                text: #text,
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let task = match action.task {
        Some(api_spec::tasks::TaskPoll::RequestId) => {
            quote!(::core::option::Option::Some(Task::RequestId))
        }
        Some(api_spec::tasks::TaskPoll::TaskId) => {
            quote!(::core::option::Option::Some(Task::TaskId))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        Action {
            name: #name,
            title: #title,
            doc: #doc,
            input: &[ #( #input ),* ],
            output: &[ #( #output ),* ],
            paging: #paging,
            retry_safe: #retry_safe,
            skip_sign: #skip_sign,
            rate_limit: #rate_limit,
            task: #task,
        }
    }
}

fn object_entry(object: &Object) -> TokenStream {
    let name = &object.name;
    let doc = plain_text(&object.document);
    let fields = object.fields.iter().map(member);
    quote!(Object { name: #name, doc: #doc, members: &[ #( #fields ),* ] })
}

/// A waiter's paths by wire name; `None` when a name does not resolve (the loader
/// checked every path, so only a generator bug gets here).
fn waiter_entry(service: &Service, waiter: &Waiter) -> Option<TokenStream> {
    let action = service.action(&waiter.describe)?;
    let ids = action
        .input
        .iter()
        .find(|field| field.rust_name == waiter.ids)?;
    let items = action
        .output
        .iter()
        .find(|field| field.rust_name == waiter.items)?;
    let item = match &items.ty {
        Type::List(inner) => match &**inner {
            Type::Object(name, _) => name.as_str(),
            _ => return None,
        },
        _ => return None,
    };
    let id = wire_path(service, item, &waiter.id)?;
    let state = wire_path(service, item, &waiter.state)?;
    let describe = &waiter.describe;
    let resource = &waiter.resource;
    let ids = &ids.wire_name;
    let items = &items.wire_name;
    let success = &waiter.success;
    let failure = &waiter.failure;
    let not_found = &waiter.not_found;
    let deletable = waiter.deleted_method.is_some();
    Some(quote! {
        Waiter {
            resource: #resource,
            describe: #describe,
            ids: #ids,
            items: #items,
            id: &[ #( #id ),* ],
            state: &[ #( #state ),* ],
            success: &[ #( #success ),* ],
            failure: &[ #( #failure ),* ],
            not_found: &[ #( #not_found ),* ],
            deletable: #deletable,
        }
    })
}

fn wire_path(service: &Service, item: &str, path: &WaiterPath) -> Option<Vec<String>> {
    let mut object = service.object(item)?;
    let mut wire = Vec::new();
    for (index, (rust, _)) in path.steps.iter().enumerate() {
        let field = object
            .fields
            .iter()
            .find(|field| &field.rust_name == rust)?;
        wire.push(field.wire_name.clone());
        if index + 1 < path.steps.len() {
            match &field.ty {
                Type::Object(name, _) => object = service.object(name)?,
                _ => return None,
            }
        }
    }
    Some(wire)
}
