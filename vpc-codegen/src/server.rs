//! Emission of the server side: a service trait with one async method per action and a
//! dispatcher that routes authenticated calls to it by action name.
//!
//! The server side reuses the client's request, response and error types (by path, see
//! [`ServerConfig::types`]), so client and server can never disagree about the wire
//! format: both are the same structs with the same serde attributes.

use api_spec::ir::{Action, Service};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{GenerateError, doc_lines, feature_gate, ident, path_text, select};
use crate::{GeneratedFile, ServerConfig};

/// The server side as one token stream (the macro's output).
pub(crate) fn generate(
    service: &Service,
    config: &ServerConfig,
) -> Result<TokenStream, GenerateError> {
    let (service_trait, dispatcher) = pieces(service, config)?;
    Ok(quote! { #service_trait #dispatcher })
}

/// The server side as files: `mod.rs` (the trait, re-exporting the dispatcher) and
/// `dispatcher.rs`, so neither grows past what a reader can browse.
pub(crate) fn generate_files(
    service: &Service,
    config: &ServerConfig,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let (service_trait, dispatcher) = pieces(service, config)?;
    let trait_ident = ident(&config.trait_name);
    let dispatcher_doc = format!(" The dispatcher of [`{}`].", config.trait_name);
    Ok(vec![
        GeneratedFile {
            path: "mod.rs".to_owned(),
            tokens: quote! {
                mod dispatcher;
                pub use dispatcher::*;
                #service_trait
            },
        },
        GeneratedFile {
            path: "dispatcher.rs".to_owned(),
            tokens: quote! {
                #![doc = #dispatcher_doc]
                use super::#trait_ident;
                #dispatcher
            },
        },
    ])
}

fn pieces(
    service: &Service,
    config: &ServerConfig,
) -> Result<(TokenStream, TokenStream), GenerateError> {
    let actions = select(service, config.actions.as_deref())?;
    let server = &config.server;
    let types = &config.types;
    let trait_ident = ident(&config.trait_name);
    let dispatcher = format_ident!("{}Dispatcher", config.trait_name);

    let trait_doc = doc_lines(&format!(
        "The `{name}` service (API version {version}) as a server implements it: one \
         method per action, typed request in, typed response or the action's typed error \
         out.\n\n\
         Every method has a default that answers \
         [`Refusal::NotImplemented`]({server_path}::Refusal::NotImplemented), which makes \
         [`{dispatcher}`] hand the call to its fallback handler (the spec's example, for \
         the local endpoint); override the methods you implement.",
        name = service.name,
        version = service.version,
        server_path = path_text(server),
    ));
    let gates: Vec<TokenStream> = actions
        .iter()
        .map(|action| {
            let gated = config.feature_gates && !config.ungated.contains(&action.name);
            feature_gate(action, gated)
        })
        .collect();
    let methods = actions
        .iter()
        .zip(&gates)
        .map(|(action, gate)| emit_method(action, gate, server, types));
    let arms = actions
        .iter()
        .zip(&gates)
        .map(|(action, gate)| emit_arm(action, gate, server));
    let names: Vec<&str> = actions.iter().map(|action| action.name.as_str()).collect();

    let dispatcher_doc = doc_lines(&format!(
        "Serves a [`{trait_name}`] as a [`Handler`]({server_path}::Handler): decodes each \
         call's parameters into the typed request, calls the action's method and encodes \
         its typed answer.\n\n\
         Calls of actions the trait does not have, and of methods that answer \
         [`Refusal::NotImplemented`]({server_path}::Refusal::NotImplemented), go to the \
         fallback handler.",
        trait_name = config.trait_name,
        server_path = path_text(server),
    ));

    let service_trait = quote! {
        #trait_doc
        pub trait #trait_ident: ::core::marker::Send + ::core::marker::Sync + 'static {
            #( #methods )*
        }
    };
    let dispatcher = quote! {
        #dispatcher_doc
        pub struct #dispatcher<S> {
            service: ::std::sync::Arc<S>,
            fallback: ::std::sync::Arc<dyn #server::Handler>,
        }

        impl<S> ::core::clone::Clone for #dispatcher<S> {
            fn clone(&self) -> Self {
                Self {
                    service: ::std::sync::Arc::clone(&self.service),
                    fallback: ::std::sync::Arc::clone(&self.fallback),
                }
            }
        }

        impl<S> ::core::fmt::Debug for #dispatcher<S> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#dispatcher))
                    .field("actions", &Self::ACTIONS)
                    .finish_non_exhaustive()
            }
        }

        impl<S> #dispatcher<S> {
            /// The actions the trait has a method for, in spec order.
            pub const ACTIONS: &'static [&'static str] = &[ #( #gates #names ),* ];
        }

        impl<S: #trait_ident> #dispatcher<S> {
            /// Serves `service`, handing calls it does not implement to `fallback`.
            pub fn new(service: S, fallback: impl #server::Handler) -> Self {
                Self::from_shared(
                    ::std::sync::Arc::new(service),
                    ::std::sync::Arc::new(fallback),
                )
            }

            /// Like [`new`](Self::new), for a service and fallback that are already shared.
            pub fn from_shared(
                service: ::std::sync::Arc<S>,
                fallback: ::std::sync::Arc<dyn #server::Handler>,
            ) -> Self {
                Self { service, fallback }
            }

            /// The service served.
            pub fn service(&self) -> &S {
                &self.service
            }
        }

        impl<S: #trait_ident> #server::Handler for #dispatcher<S> {
            fn handle(&self, call: #server::Call) -> #server::HandlerFuture {
                let service = ::std::sync::Arc::clone(&self.service);
                let fallback = ::std::sync::Arc::clone(&self.fallback);
                match call.action.as_str() {
                    #( #arms )*
                    _ => fallback.handle(call),
                }
            }
        }
    };
    Ok((service_trait, dispatcher))
}

fn emit_method(
    action: &Action,
    gate: &TokenStream,
    server: &syn::Path,
    types: &syn::Path,
) -> TokenStream {
    let method = ident(&action.method);
    let request = ident(&action.request_type());
    let response = ident(&action.response_type());
    let error = ident(&action.error_type());
    let mut doc = format!(
        "Serves `{}` ([`{request}`]({}::{request})).",
        action.name,
        path_text(types)
    );
    if let Some(limit) = action.rate_limit {
        doc.push_str(&format!(
            "\n\nThe server answers `RequestLimitExceeded` beyond the documented {limit} \
             requests per second before this method is called."
        ));
    }
    let doc = doc_lines(&doc);
    quote! {
        #doc
        #gate
        fn #method(
            &self,
            call: &#server::Call,
            request: #types::#request,
        ) -> impl ::core::future::Future<
            Output = #server::typed::Reply<#types::#response, #types::#error>,
        > + ::core::marker::Send {
            #server::typed::not_implemented(call, request)
        }
    }
}

fn emit_arm(action: &Action, gate: &TokenStream, server: &syn::Path) -> TokenStream {
    let name = &action.name;
    let method: Ident = ident(&action.method);
    quote! {
        #gate
        #name => ::std::boxed::Box::pin(async move {
            let request = #server::typed::request(&call)?;
            let outcome = service.#method(&call, request).await;
            #server::typed::answer(outcome, call, fallback.as_ref()).await
        }),
    }
}
