//! `generate!`: the proc-macro front end of `vpc-codegen`. It reads a spec file at
//! compile time and expands to the same items `cargo xtask codegen` writes into
//! `vpc-client`, with the call methods on a trait so that they work from any crate.
//!
//! ```
//! vpc_macros::generate! {
//!     // Relative to the calling crate's Cargo.toml.
//!     spec = "../vpc-codegen/tests/data/several_actions.json",
//!     actions = [StartThing, StopThing],  // optional: only these actions
//!     client_trait = DemoApi,             // optional: the trait's name (default VpcApi)
//!     runtime = ::vpc_client,             // optional: path of the runtime crate
//! }
//!
//! async fn start(client: &vpc_client::Client) {
//!     match client.start_thing(&StartThingRequest::new("thing-1")).await {
//!         Ok(response) => println!("started, RequestId {}", response.request_id),
//!         Err(vpc_client::Error::Service(StartThingError::ResourceNotFound(e))) => {
//!             println!("no such thing: {e}")
//!         }
//!         Err(other) => println!("failed: {other}"),
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! With `server_trait = Name` the macro also emits the server side from the same spec
//! and the same types: a trait `Name` with one async method per action (typed request
//! in, typed response or `vpc_mock::Refusal` of the typed error out; each defaults to
//! "not implemented") and a `NameDispatcher` that serves it as a `vpc_mock::Handler`,
//! falling back to another handler (the spec's examples) for what it does not
//! implement. `server_runtime = path` changes the `::vpc_mock` path. The caller needs
//! `vpc-mock` as a (dev-)dependency for it.
//!
//! Every spec problem becomes a compile error at the macro argument, carrying the
//! same file, JSON pointer and line:column message the loader gives. The macro never
//! panics.

use std::path::PathBuf;

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Path, Token, bracketed};

/// Generates request and response types, error enums and a client trait from a spec
/// file. See the crate documentation for the arguments.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    match expand(input.into()) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

struct Args {
    spec: LitStr,
    actions: Option<Vec<Ident>>,
    client_trait: Option<Ident>,
    runtime: Option<Path>,
    server_trait: Option<Ident>,
    server_runtime: Option<Path>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut spec = None;
        let mut actions = None;
        let mut client_trait = None;
        let mut runtime = None;
        let mut server_trait = None;
        let mut server_runtime = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let duplicate = || syn::Error::new(key.span(), format!("`{key}` is given twice"));
            match key.to_string().as_str() {
                "spec" if spec.is_none() => spec = Some(input.parse::<LitStr>()?),
                "actions" if actions.is_none() => {
                    let content;
                    bracketed!(content in input);
                    let list: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse, Token![,])?;
                    actions = Some(list.into_iter().collect());
                }
                "client_trait" if client_trait.is_none() => client_trait = Some(input.parse()?),
                "runtime" if runtime.is_none() => runtime = Some(input.parse()?),
                "server_trait" if server_trait.is_none() => server_trait = Some(input.parse()?),
                "server_runtime" if server_runtime.is_none() => {
                    server_runtime = Some(input.parse()?)
                }
                "spec" | "actions" | "client_trait" | "runtime" | "server_trait"
                | "server_runtime" => return Err(duplicate()),
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{key}`: expected `spec`, `actions`, `client_trait`, `runtime`, `server_trait` or `server_runtime`"
                        ),
                    ));
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        let spec = spec.ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                "missing `spec = \"path/to/spec.json\"` (relative to the crate's Cargo.toml)",
            )
        })?;
        Ok(Args {
            spec,
            actions,
            client_trait,
            runtime,
            server_trait,
            server_runtime,
        })
    }
}

fn expand(input: proc_macro2::TokenStream) -> syn::Result<proc_macro2::TokenStream> {
    let args: Args = syn::parse2(input)?;
    let shown = args.spec.value();
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = manifest_dir.join(&shown);
    let text = std::fs::read_to_string(&path).map_err(|err| {
        syn::Error::new(
            args.spec.span(),
            format!("spec {shown}: cannot read the file: {err}"),
        )
    })?;
    let service = api_spec::load_str(&text, &shown)
        .map_err(|err| syn::Error::new(args.spec.span(), err.to_string()))?;

    if let Some(actions) = &args.actions {
        let mut errors: Option<syn::Error> = None;
        for action in actions {
            if service.action(&action.to_string()).is_none() {
                let available: Vec<String> = service
                    .actions
                    .iter()
                    .map(|a| format!("`{}`", a.name))
                    .collect();
                let err = syn::Error::new(
                    action.span(),
                    format!(
                        "spec {shown} has no action `{action}`; it declares {}",
                        available.join(", ")
                    ),
                );
                match &mut errors {
                    Some(errors) => errors.combine(err),
                    None => errors = Some(err),
                }
            }
        }
        if let Some(errors) = errors {
            return Err(errors);
        }
    }

    let mut config = vpc_codegen::Config::default();
    if let Some(runtime) = args.runtime {
        config.runtime = runtime;
    }
    if let Some(name) = &args.client_trait {
        config.client_methods = vpc_codegen::ClientMethods::Trait(name.to_string());
    }
    config.actions = args
        .actions
        .map(|actions| actions.iter().map(ToString::to_string).collect());
    let generated = vpc_codegen::generate(&service, &config)
        .map_err(|err| syn::Error::new(args.spec.span(), err.to_string()))?;
    let server = match (args.server_trait, args.server_runtime) {
        (Some(name), server_runtime) => {
            let server_config = vpc_codegen::ServerConfig {
                types: syn::parse_quote!(self),
                server: server_runtime.unwrap_or_else(|| syn::parse_quote!(::vpc_mock)),
                trait_name: name.to_string(),
                actions: config.actions.clone(),
                ..vpc_codegen::ServerConfig::inside_mock()
            };
            vpc_codegen::generate_server(&service, &server_config)
                .map_err(|err| syn::Error::new(args.spec.span(), err.to_string()))?
        }
        (None, Some(server_runtime)) => {
            return Err(syn::Error::new_spanned(
                server_runtime,
                "`server_runtime` needs `server_trait = Name` (the server side is generated only when asked for)",
            ));
        }
        (None, None) => proc_macro2::TokenStream::new(),
    };

    // Make the compiler rebuild this crate when the spec file changes.
    let tracked = path.to_string_lossy().into_owned();
    Ok(quote! {
        const _: &[u8] = ::core::include_bytes!(#tracked);
        #generated
        #server
    })
}
