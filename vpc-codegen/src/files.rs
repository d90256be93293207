//! The split layout `cargo xtask codegen` writes: one file per action and per object,
//! so a reader finds an action by its file name, behind the same public paths as the
//! flat macro output (everything is re-exported at the module root).
//!
//! ```text
//! mod.rs                      SERVICE, visit_actions, `pub use actions::*; pub use objects::*;`
//! common_error.rs             CommonError, the service's common codes (where it has any)
//! actions/mod.rs              one `mod x; pub use x::*;` per action
//! actions/reset_vpn_connection.rs   request, response, error enum, Action impl, call method
//! objects/mod.rs              one `mod x; pub use x::*;` per object
//! objects/vpc.rs              one object type
//! ```
//!
//! Leaf files import what they use from the module root (`use super::super::{..}`);
//! everything else is named by absolute path, as in the flat output.

use std::collections::{BTreeMap, BTreeSet};

use api_spec::ir::{Field, Service, Type};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{self, GenerateError, Pieces, feature_gate, ident, pieces};
use crate::{Config, GeneratedFile};

pub(crate) fn generate_files(
    service: &api_spec::ir::Service,
    config: &Config,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let Pieces {
        root,
        common,
        actions,
        objects,
    } = pieces(service, config)?;
    let mut files = Vec::new();
    // With every action's feature off (a crate that only makes untyped calls, such as
    // `vpc-cli`), the glob re-exports nothing.
    let actions_glob_allow = if config.feature_gates {
        quote!(#[allow(unused_imports, unreachable_pub, reason = "empty when no action's feature is on")])
    } else {
        quote!()
    };
    let selected: BTreeSet<&str> = actions.iter().map(|(a, _)| a.name.as_str()).collect();

    let action_modules: Vec<_> = actions.iter().map(|(a, _)| ident(&a.module)).collect();
    let action_gates: Vec<_> = actions
        .iter()
        .map(|(a, _)| feature_gate(a, config.feature_gates))
        .collect();
    let object_modules: Vec<_> = objects.iter().map(|(o, _)| ident(&o.module)).collect();
    // Each object is compiled with the actions that reach it; the module itself with any
    // of them (an empty glob re-export would warn), or always when some object is
    // reached by no action.
    let (object_gates, objects_gate): (Vec<TokenStream>, TokenStream) = if config.feature_gates {
        let reached = reaching_actions(service);
        let sets: Vec<Option<&BTreeSet<&str>>> = objects
            .iter()
            .map(|(o, _)| reached.get(o.name.as_str()).filter(|set| !set.is_empty()))
            .collect();
        let all: Option<BTreeSet<&str>> = sets.iter().try_fold(BTreeSet::new(), |mut all, set| {
            all.extend(set.as_ref()?.iter().copied());
            Some(all)
        });
        (
            sets.into_iter().map(object_gate).collect(),
            object_gate(all.as_ref()),
        )
    } else {
        (vec![quote!(); object_modules.len()], quote!())
    };
    let has_objects = !objects.is_empty();
    let has_common = common.is_some();
    let common_mod = has_common.then(|| {
        quote!(
            mod common_error;
            pub use common_error::*;
        )
    });
    let objects_mod = has_objects.then(|| {
        quote!(
            #objects_gate
            mod objects;
            #objects_gate
            pub use objects::*;
        )
    });
    let (common_items, common_file) = if has_common {
        (
            "; [`CommonError`], the error codes common to every action",
            ", `objects/` and `common_error.rs`",
        )
    } else {
        ("", " and `objects/`")
    };
    let mut root_doc = format!(
        " The {} API (`{}`, version {}): for each of its {} actions a request, a response and \
         an error type, and a call method on the client; the object types they use{}. Every \
         item is re-exported here from `actions/`{}.",
        service.title,
        service.name,
        service.version,
        actions.len(),
        common_items,
        common_file
    );
    if let Some(brief) = emit::brief_doc(service) {
        // A paragraph of its own, each line indented by one space as the others are.
        root_doc.push('\n');
        for line in brief.lines() {
            root_doc.push('\n');
            if !line.is_empty() {
                root_doc.push(' ');
                root_doc.push_str(line);
            }
        }
    }
    if config.feature_gates {
        root_doc.push_str(&format!(
            "\n\n Each action is compiled only with the cargo feature named after it \
             (`ResetVpnConnection`), which the default feature `all-actions` turns on for \
             every action; an object type is compiled with the actions that use it{}.",
            if has_common {
                ", `CommonError` always"
            } else {
                ""
            }
        ));
    }
    files.push(GeneratedFile {
        path: "mod.rs".to_owned(),
        tokens: quote! {
            #![doc = #root_doc]
            mod actions;
            #common_mod
            #objects_mod
            #actions_glob_allow
            pub use actions::*;
            #root
        },
    });
    if let Some(common) = common {
        files.push(GeneratedFile {
            path: "common_error.rs".to_owned(),
            tokens: quote! {
                #![doc = " `CommonError`: the error codes common to every action."]
                #common
            },
        });
    }
    files.push(GeneratedFile {
        path: "actions/mod.rs".to_owned(),
        tokens: index(
            "One module per action, each re-exported at the module root.",
            &action_modules,
            &action_gates,
        ),
    });
    for (action, tokens) in actions {
        let mut uses = vec!["SERVICE".to_owned()];
        if has_common {
            uses.push("CommonError".to_owned());
        }
        uses.extend(referenced(action.input.iter().chain(&action.output), None));
        // The polling request a task-starting answer's `task()` gives, behind the polling
        // action's own gate.
        let task_use = action
            .task
            .map(crate::wait::poll_action)
            .filter(|poller| {
                selected.contains(poller)
                    && action.task.is_some_and(|poll| {
                        crate::wait::has_task_query(service, poll, &config.runtime)
                    })
            })
            .and_then(|poller| service.action(poller))
            .map(|poller| {
                let gate = feature_gate(poller, config.feature_gates);
                let name = ident(&poller.request_type());
                quote!(#gate use super::super::#name;)
            });
        let doc = format!(
            " `{}`: request, response, error enum and call method.",
            action.name
        );
        files.push(leaf(
            format!("actions/{}.rs", action.module),
            &doc,
            &uses,
            quote!(#task_use #tokens),
        ));
    }
    if has_objects {
        files.push(GeneratedFile {
            path: "objects/mod.rs".to_owned(),
            tokens: index(
                "One module per object type, each re-exported at the module root.",
                &object_modules,
                &object_gates,
            ),
        });
    }
    for (object, tokens) in objects {
        let uses = referenced(object.fields.iter(), Some(&object.rust_name));
        let doc = format!(" The `{}` object.", object.name);
        files.push(leaf(
            format!("objects/{}.rs", object.module),
            &doc,
            &uses,
            tokens,
        ));
    }
    Ok(files)
}

/// A module index: `mod x; pub use x::*;` per module, each pair behind its gate.
/// For each object type, the actions whose request or answer reaches it (through other
/// objects too). An object is compiled when one of those actions is: a crate that calls
/// one action compiles the objects it uses, not all of them. An object no action
/// reaches is always compiled. Whatever reaches an object reaches the objects it holds,
/// so an object's types are there whenever it is.
fn reaching_actions(service: &Service) -> BTreeMap<&str, BTreeSet<&str>> {
    let by_name: BTreeMap<&str, &api_spec::ir::Object> = service
        .objects
        .iter()
        .map(|o| (o.name.as_str(), o))
        .collect();
    let mut reached: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for action in &service.actions {
        let mut stack: Vec<&str> = action
            .input
            .iter()
            .chain(&action.output)
            .filter_map(|f| object_of(&f.ty))
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            reached
                .entry(name)
                .or_default()
                .insert(action.name.as_str());
            if let Some(object) = by_name.get(name) {
                stack.extend(object.fields.iter().filter_map(|f| object_of(&f.ty)));
            }
        }
    }
    reached
}

/// The object a field's type names, through lists.
fn object_of(ty: &Type) -> Option<&str> {
    match ty {
        Type::Object(name, _) => Some(name),
        Type::List(inner) => object_of(inner),
        _ => None,
    }
}

/// `#[cfg(any(feature = "A", ...))]` over the actions reaching an object (`#[cfg(feature =
/// "A")]` for one), or nothing for an object no action reaches.
fn object_gate(actions: Option<&BTreeSet<&str>>) -> TokenStream {
    match actions {
        Some(actions) if actions.len() == 1 => {
            let names = actions.iter();
            quote!(#[cfg( #( feature = #names )* )])
        }
        Some(actions) if !actions.is_empty() => {
            let names = actions.iter();
            quote!(#[cfg(any( #( feature = #names ),* ))])
        }
        _ => quote!(),
    }
}

fn index(doc: &str, modules: &[proc_macro2::Ident], gates: &[TokenStream]) -> TokenStream {
    let doc = format!(" {doc}");
    quote! {
        #![doc = #doc]
        #( #gates mod #modules; #gates pub use #modules::*; )*
    }
}

fn leaf(path: String, doc: &str, uses: &[String], tokens: TokenStream) -> GeneratedFile {
    let names = uses.iter().map(|name| ident(name));
    let uses = if uses.is_empty() {
        quote!()
    } else {
        quote!(use super::super::{ #( #names ),* };)
    };
    GeneratedFile {
        path,
        tokens: quote! {
            #![doc = #doc]
            #uses
            #tokens
        },
    }
}

/// The object types `fields` name directly, sorted, without `except` (an object that
/// lists itself).
fn referenced<'a>(fields: impl Iterator<Item = &'a Field>, except: Option<&str>) -> Vec<String> {
    let mut names = BTreeSet::new();
    for field in fields {
        let mut ty = &field.ty;
        while let Type::List(inner) = ty {
            ty = inner;
        }
        if let Type::Object(_, rust_name) = ty
            && Some(rust_name.as_str()) != except
        {
            names.insert(rust_name.clone());
        }
    }
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Objects are reached through lists, nested objects and self-references; one no
    /// action reaches is not gated at all.
    #[test]
    fn each_object_is_gated_by_the_actions_that_reach_it() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/nested_objects.json"
        );
        let text = std::fs::read_to_string(path).expect("the fixture");
        let service = api_spec::load_str(&text, "nested_objects.json").expect("valid");
        let reached = reaching_actions(&service);
        let only = BTreeSet::from(["DescribeThings"]);
        for object in ["Filter", "Page", "Thing", "Tag"] {
            assert_eq!(reached.get(object), Some(&only), "{object}");
        }
        assert_eq!(reached.get("Unused"), None);
        assert_eq!(
            object_gate(reached.get("Tag")).to_string(),
            quote!(#[cfg(feature = "DescribeThings")]).to_string()
        );
        assert!(object_gate(None).is_empty());
    }
}
