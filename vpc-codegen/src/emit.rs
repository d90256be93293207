//! Emission: IR -> tokens, with `quote!` and `format_ident!` only.

use std::fmt;

use api_spec::ir::{Action, ErrorCase, Field, Object, Service, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::{ClientMethods, Config, wait};
use crate::{docs, paginate};

/// Why generation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenerateError {
    /// [`Config::actions`] names actions the spec does not declare.
    UnknownActions {
        /// The names that were not found.
        unknown: Vec<String>,
        /// The actions the spec does declare.
        available: Vec<String>,
    },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::UnknownActions { unknown, available } => write!(
                f,
                "the spec has no action {}; it declares {}",
                unknown
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                available
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Turns a validated name into an identifier (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Rustdoc attributes for a block of spec text: one `#[doc]` per line, so the emitted
/// file shows ordinary `///` lines.
/// A path as a user would write it (`crate`, `::vpc_client`), for docs and literals.
pub(crate) fn path_text(path: &syn::Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

pub(crate) fn doc_lines(text: &str) -> TokenStream {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| format!(" {}", line.trim_end()))
        .collect();
    quote! { #( #[doc = #lines] )* }
}

fn doc_paragraph(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return quote!();
    }
    let doc = doc_lines(text);
    quote! { #[doc = ""] #doc }
}

/// Everything the client side of one spec generates, as separate pieces: the flat
/// macro output and the split files are both assembled from these.
pub(crate) struct Pieces<'a> {
    /// `SERVICE` and `visit_actions` (and, in trait mode, the client trait).
    pub(crate) root: TokenStream,
    /// `CommonError`, the enum of the service's common codes; `None` for a service
    /// without common codes.
    pub(crate) common: Option<TokenStream>,
    /// Per selected action: the action and its types (and, in inherent mode, its call
    /// method).
    pub(crate) actions: Vec<(&'a Action, TokenStream)>,
    /// Per object the selected actions use: the object and its type.
    pub(crate) objects: Vec<(&'a Object, TokenStream)>,
}

pub(crate) fn pieces<'a>(
    service: &'a Service,
    config: &Config,
) -> Result<Pieces<'a>, GenerateError> {
    let actions = select(service, config.actions.as_deref())?;
    let cx = Cx::new(&config.runtime, config.feature_gates);
    let rt = &config.runtime;

    let service_name = &service.name;
    let version = &service.version;
    let default_host = &service.default_host;
    let title = &service.title;
    let mut service_doc = format!(
        "{title} (`{service_name}`), API version {version}: service identity and default host."
    );
    if let Some(brief) = brief_doc(service) {
        service_doc.push_str("\n\n");
        service_doc.push_str(&brief);
    }
    let service_doc = doc_lines(&service_doc);
    let requests = actions.iter().map(|action| ident(&action.request_type()));
    let gates: Vec<TokenStream> = actions
        .iter()
        .map(|action| feature_gate(action, config.feature_gates))
        .collect();
    // The visitor's bounds ask for the server's derives (see [`derives`]).
    let visit_gate = if config.feature_gates {
        quote!(#[cfg(feature = "server")])
    } else {
        quote!()
    };
    let visit_doc = format!(
        " Calls [`visit`]({}::ActionVisitor::visit) once for every generated action's \
         request type, in spec order.",
        path_text(rt)
    );
    // Each action's title and document are cleaned once, for every item that shows them.
    let texts: Vec<ActionText> = actions
        .iter()
        .map(|action| ActionText::new(action))
        .collect();
    let client_trait = match &config.client_methods {
        ClientMethods::Inherent => quote!(),
        ClientMethods::Trait(name) => emit_trait(service, &actions, &texts, rt, name),
    };
    let root = quote! {
        #service_doc
        pub const SERVICE: #rt::ServiceInfo = #rt::ServiceInfo {
            name: #service_name,
            version: #version,
            default_host: #default_host,
        };

        #[doc = #visit_doc]
        #visit_gate
        pub fn visit_actions<V: #rt::ActionVisitor + ?::core::marker::Sized>(visitor: &mut V) {
            #( #gates visitor.visit::<#requests>(); )*
        }

        #client_trait
    };

    let per_action = actions
        .iter()
        .zip(&texts)
        .map(|(action, text)| {
            let mut tokens = emit_action(service, action, text, &cx);
            if let Some(pagination) = &action.pagination {
                tokens.extend(paginate::emit_paginated(action, pagination, rt));
            }
            if let Some(query) = wait::emit_task_query(action, rt) {
                tokens.extend(query);
            }
            if let Some(poll) = action.task {
                let poller = wait::poll_action(poll);
                let gate = service
                    .action(poller)
                    .map(|poller| feature_gate(poller, config.feature_gates))
                    .unwrap_or_default();
                let selected = |name: &str| actions.iter().any(|a| a.name == name);
                tokens.extend(wait::emit_task_method(service, action, &selected, rt, gate));
            }
            if config.client_methods == ClientMethods::Inherent {
                tokens.extend(emit_inherent_method(action, text, rt, config));
                for waiter in service.waiters.iter().filter(|w| w.describe == action.name) {
                    if let Some(waiter) = wait::emit_waiter(service, waiter, rt, true) {
                        let support = waiter.support;
                        let methods = waiter.methods;
                        tokens.extend(quote! {
                            #support
                            impl #rt::Client {
                                #( #methods )*
                            }
                        });
                    }
                }
            }
            (*action, tokens)
        })
        .collect();
    let objects = service
        .objects_used_by(&actions)
        .into_iter()
        .map(|object| (object, emit_object(object, &cx)))
        .collect();
    Ok(Pieces {
        root,
        common: emit_common(service, rt),
        actions: per_action,
        objects,
    })
}

/// The paragraph on the request type and the call methods of an action the spec marks
/// offline (a line of documentation, not `#[deprecated]`: that would warn wherever the
/// generated code itself names the action, in tests and registries).
pub(crate) const OFFLINE_NOTE: &str = "\n\n**Offline**: Tencent has taken this action offline.";

/// The spec's summary of the product as rustdoc, where it has a non-empty one.
pub(crate) fn brief_doc(service: &Service) -> Option<String> {
    let brief = docs::rustdoc(service.brief.as_deref()?);
    let brief = brief.trim();
    (!brief.is_empty()).then(|| brief.to_owned())
}

/// `#[cfg(feature = "<action name>")]` when `gated`, else nothing: how the split layout
/// puts each action behind its cargo feature.
pub(crate) fn feature_gate(action: &Action, gated: bool) -> TokenStream {
    if gated {
        let name = &action.name;
        quote!(#[cfg(feature = #name)])
    } else {
        quote!()
    }
}

/// The whole client side as one token stream, items side by side (the macro's output).
pub(crate) fn generate(service: &Service, config: &Config) -> Result<TokenStream, GenerateError> {
    let Pieces {
        root,
        common,
        actions,
        objects,
    } = pieces(service, config)?;
    let actions = actions.into_iter().map(|(_, tokens)| tokens);
    let objects = objects.into_iter().map(|(_, tokens)| tokens);
    Ok(quote! {
        #root
        #common
        #( #actions )*
        #( #objects )*
    })
}

pub(crate) fn select<'a>(
    service: &'a Service,
    actions: Option<&[String]>,
) -> Result<Vec<&'a Action>, GenerateError> {
    let Some(wanted) = actions else {
        return Ok(service.actions.iter().collect());
    };
    let unknown: Vec<String> = wanted
        .iter()
        .filter(|name| service.action(name).is_none())
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(GenerateError::UnknownActions {
            unknown,
            available: service.actions.iter().map(|a| a.name.clone()).collect(),
        });
    }
    // Spec order (sorted by name), whatever order the filter lists them in.
    Ok(service
        .actions
        .iter()
        .filter(|action| wanted.contains(&action.name))
        .collect())
}

pub(crate) fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => {
            quote!(::std::string::String)
        }
        Type::Int64 => quote!(i64),
        Type::UInt64 => quote!(u64),
        Type::Float => quote!(f64),
        Type::Bool => quote!(bool),
        Type::List(inner) => {
            let inner = rust_type(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Object(_, rust_name) => {
            let name = ident(rust_name);
            quote!(#name)
        }
    }
}

fn type_note(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::DateTime => Some("A timestamp as text, `YYYY-MM-DD hh:mm:ss`."),
        Type::DateTimeIso => Some("A timestamp as ISO 8601 text."),
        Type::Date => Some("A date as text, `YYYY-MM-DD`."),
        Type::List(inner) => type_note(inner),
        _ => None,
    }
}

/// How a field decodes: strictly (a request's own members, a response's `RequestId`)
/// or by the lenient rule (`<runtime>::lenient`: response and object members).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decode {
    Strict,
    Lenient,
}

fn emit_field(field: &Field, cx: &Cx, decode: Decode) -> TokenStream {
    let name = ident(&field.rust_name);
    let wire = &field.wire_name;
    let ty = rust_type(&field.ty);
    let mut doc = docs::rustdoc(&field.document);
    if doc.is_empty() {
        doc = format!("`{wire}`.");
    }
    let mut notes = Vec::new();
    if let Some(note) = type_note(&field.ty) {
        notes.push(note.to_owned());
    }
    if field.output_required {
        notes.push(
            "Documented as always returned; `None` when an answer omits it anyway.".to_owned(),
        );
    }
    if field.nullable {
        notes.push("The service may answer `null`.".to_owned());
    }
    if field.deprecated {
        notes.push("**Deprecated.**".to_owned());
    }
    if field.china_only {
        notes.push(CHINA_ONLY_MEMBER.to_owned());
    }
    if field.intl_only {
        notes.push(INTL_ONLY_MEMBER.to_owned());
    }
    if field.disabled {
        notes.push("Disabled: the service accepts it but ignores it.".to_owned());
    }
    if field.sensitive {
        notes.push(SENSITIVE_NOTE.to_owned());
    }
    if let Some(example) = field.example.as_deref().filter(|e| !e.trim().is_empty()) {
        let example: String = example
            .trim()
            .chars()
            .map(|c| match c {
                '`' => '\'',
                '\n' | '\r' | '\t' => ' ',
                c => c,
            })
            .collect();
        notes.push(format!("Example: `{example}`"));
    }
    let doc = doc_lines(&doc);
    let notes = notes.iter().map(|note| doc_paragraph(note));
    let optional = field.is_optional();
    let lenient = if optional {
        &cx.lenient_optional
    } else {
        &cx.lenient_required
    };
    let ty = if optional {
        quote!(::core::option::Option<#ty>)
    } else {
        ty
    };
    let serde = match (decode, optional) {
        (Decode::Strict, false) => quote!(#[serde(rename = #wire)]),
        (Decode::Strict, true) => quote! {
            #[serde(
                rename = #wire,
                default,
                skip_serializing_if = "::core::option::Option::is_none"
            )]
        },
        (Decode::Lenient, false) => {
            quote!(#[serde(rename = #wire, default, deserialize_with = #lenient)])
        }
        (Decode::Lenient, true) => quote! {
            #[serde(
                rename = #wire,
                default,
                deserialize_with = #lenient,
                skip_serializing_if = "::core::option::Option::is_none"
            )]
        },
    };
    quote! {
        #doc
        #( #notes )*
        #serde
        pub #name: #ty,
    }
}

/// Which way a generated struct travels, for its serde derives.
#[derive(Clone, Copy)]
enum Direction {
    /// An object type: requests and answers both carry them.
    Both,
    /// An action's request: a client serializes it, a server deserializes it.
    Request,
    /// An action's answer: a client deserializes it, a server serializes it.
    Response,
}

/// The derives every generated struct gets. Unknown fields are ignored on purpose: a
/// response must keep decoding when Tencent adds members. The server's direction (a
/// request's `Deserialize`, an answer's `Serialize`) sits behind the runtime crate's
/// `server` feature when the output is feature-gated (xtask, inside `vpc-client`): a
/// client never uses it, and it was a third of the crate's build time. A struct with a
/// sensitive field does not derive `Debug`: [`redacting_debug`] writes it.
fn derives(cx: &Cx, direction: Direction, fields: &[Field]) -> TokenStream {
    let path = &cx.serde;
    let literal = &cx.serde_literal;
    let both = quote!(#path::Serialize, #path::Deserialize,);
    let (serde, gated) = match direction {
        Direction::Request if cx.server_gate => (
            quote!(#path::Serialize,),
            quote!(#[cfg_attr(feature = "server", derive(#path::Deserialize))]),
        ),
        Direction::Response if cx.server_gate => (
            quote!(#path::Deserialize,),
            quote!(#[cfg_attr(feature = "server", derive(#path::Serialize))]),
        ),
        Direction::Both | Direction::Request | Direction::Response => (both, quote!()),
    };
    let debug = (!fields.iter().any(|field| field.sensitive)).then(|| quote!(::core::fmt::Debug,));
    quote! {
        #[derive(
            #debug
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::core::default::Default,
            #serde
        )]
        #gated
        #[serde(crate = #literal)]
    }
}

/// The rustdoc note on a sensitive field.
const SENSITIVE_NOTE: &str = "Sensitive: redacted from `Debug`.";

/// What `Debug` prints in place of a sensitive value.
const REDACTED: &str = "<redacted>";

/// `Debug` for a struct with sensitive fields (none: nothing, the struct derives it):
/// the derive's output, field by field in declaration order, but [`REDACTED`] for a
/// sensitive value (`Some("<redacted>")` or `None` for an optional one, so that whether
/// it is set still shows). Like Smithy's `@sensitive`, so that logging a request or an
/// answer never logs a secret.
fn redacting_debug(name: &Ident, fields: &[Field]) -> TokenStream {
    if !fields.iter().any(|field| field.sensitive) {
        return quote!();
    }
    let label = name.to_string();
    let entries = fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        // The derive prints a raw identifier without its `r#`.
        let shown = field.rust_name.trim_start_matches("r#");
        let value = match (field.sensitive, field.is_optional()) {
            (false, _) => quote!(&self.#member),
            (true, false) => quote!(&#REDACTED),
            (true, true) => quote!(&self.#member.as_ref().map(|_| #REDACTED)),
        };
        quote!(.field(#shown, #value))
    });
    quote! {
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#label)
                    #( #entries )*
                    .finish()
            }
        }
    }
}

/// Paths the emitted code needs, computed once: serde as the generated code reaches it
/// (through the runtime's re-export, so a user's crate needs no serde dependency of its
/// own), and the runtime's lenient member decoder as a `deserialize_with` literal.
pub(crate) struct Cx {
    rt: syn::Path,
    serde: syn::Path,
    serde_literal: String,
    lenient_optional: String,
    lenient_required: String,
    /// The server's derives behind the runtime's `server` feature ([`derives`]).
    server_gate: bool,
}

impl Cx {
    pub(crate) fn new(rt: &syn::Path, server_gate: bool) -> Self {
        let serde: syn::Path = syn::parse_quote!(#rt::__private::serde);
        let serde_literal = path_text(&serde);
        Self {
            rt: rt.clone(),
            serde,
            serde_literal,
            lenient_optional: format!("{}::lenient::optional", path_text(rt)),
            lenient_required: format!("{}::lenient::required", path_text(rt)),
            server_gate,
        }
    }
}

fn emit_object(object: &Object, cx: &Cx) -> TokenStream {
    let name = ident(&object.rust_name);
    let mut doc = docs::rustdoc(&object.document);
    if doc.is_empty() {
        doc = format!("The `{}` object.", object.name);
    }
    let doc = doc_lines(&doc);
    let derives = derives(cx, Direction::Both, &object.fields);
    let debug = redacting_debug(&name, &object.fields);
    let fields = object
        .fields
        .iter()
        .map(|field| emit_field(field, cx, Decode::Lenient));
    let rt = &cx.rt;
    let serde = &cx.serde;
    quote! {
        #doc
        #derives
        pub struct #name {
            #( #fields )*
        }

        #debug

        impl #rt::lenient::Lenient for #name {
            fn deserialize_lenient<'de, D: #serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<::core::option::Option<Self>, D::Error> {
                <Self as #serde::Deserialize<'de>>::deserialize(deserializer)
                    .map(::core::option::Option::Some)
            }
        }
    }
}

fn emit_action(service: &Service, action: &Action, text: &ActionText, cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let request_derives = derives(cx, Direction::Request, &action.input);
    let response_derives = derives(cx, Direction::Response, &action.output);
    let name = &action.name;
    let request = ident(&action.request_type());
    let response = ident(&action.response_type());
    let request_debug = redacting_debug(&request, &action.input);
    let response_debug = redacting_debug(&response, &action.output);
    let error = ident(&action.error_type());

    let mut request_doc = format!("Input of `{name}`{}.", text.summary);
    if let Some(line) = site_line(action) {
        request_doc.push_str("\n\n");
        request_doc.push_str(line);
    }
    if !text.document.is_empty() {
        request_doc.push_str("\n\n");
        request_doc.push_str(&text.document);
    }
    if let Some(limit) = action.rate_limit {
        request_doc.push_str(&format!(
            "\n\nThe service accepts at most {limit} requests per second for this action."
        ));
    }
    let client_token = action.client_token();
    request_doc.push_str(if action.retry_safe {
        "\n\nSafe to retry: sending it twice has the effect of sending it once."
    } else if client_token.is_some() {
        "\n\nIdempotent through `ClientToken`: the client fills a fresh random token when it \
         is empty and sends the same token in every attempt, so a request that may have \
         reached the service is sent again after a timeout or a lost connection, and the \
         service runs it once."
    } else {
        "\n\nNot safe to retry blindly: a request that may have reached the service is not sent again."
    });
    if action.skip_sign {
        request_doc
            .push_str("\n\nSent unsigned (`Authorization: SKIP`): the call needs no credentials.");
    }
    if action.deprecated {
        request_doc.push_str("\n\n**Deprecated** by the service.");
    }
    if action.offline {
        request_doc.push_str(OFFLINE_NOTE);
    }
    for example in &action.examples {
        let body = serde_json::to_string_pretty(&example.input).unwrap_or_default();
        request_doc.push_str(&format!(
            "\n\n# Example: {}\n\n```json\n{body}\n```",
            docs::rustdoc(&example.title).replace('\n', " ")
        ));
    }
    let request_doc = doc_lines(&request_doc);
    // A request's own members decode strictly (a server reading one gets exactly the
    // declared types); objects are shared with responses and decode leniently.
    let request_fields = action
        .input
        .iter()
        .map(|field| emit_field(field, cx, Decode::Strict));

    let required: Vec<&Field> = action.input.iter().filter(|f| !f.is_optional()).collect();
    let params = required.iter().map(|field| {
        let name = ident(&field.rust_name);
        match field.ty {
            Type::String | Type::DateTime | Type::DateTimeIso | Type::Date => {
                quote!(#name: impl ::core::convert::Into<::std::string::String>)
            }
            _ => {
                let ty = rust_type(&field.ty);
                quote!(#name: #ty)
            }
        }
    });
    let inits = action.input.iter().map(|field| {
        let name = ident(&field.rust_name);
        if field.is_optional() {
            quote!(#name: ::core::option::Option::None)
        } else if matches!(
            field.ty,
            Type::String | Type::DateTime | Type::DateTimeIso | Type::Date
        ) {
            quote!(#name: #name.into())
        } else {
            quote!(#name)
        }
    });
    let new_doc = doc_lines(if required.is_empty() {
        "A request with every optional parameter unset."
    } else {
        "A request with every required parameter; optional ones start unset."
    });

    let response_doc = doc_lines(&format!(
        "Output of `{name}`{}.\n\nEvery member but `RequestId` decodes by the lenient rule of \
         [`lenient`]({}::lenient): missing, `null` and scalars sent as text are accepted.",
        text.summary,
        path_text(rt)
    ));
    let response_fields = action.output.iter().map(|field| {
        let decode = if field.is_request_id() {
            Decode::Strict
        } else {
            Decode::Lenient
        };
        emit_field(field, cx, decode)
    });

    let own = service.own_errors(action);
    let variants = own.iter().map(|case| error_variant(case, rt));
    let arms = own.iter().map(|case| {
        let variant = ident(&case.variant);
        let code = &case.code;
        quote!(#code => Self::#variant(error),)
    });
    let has_common = !service.common_errors.is_empty();
    // A code the action does not have a variant of its own for: common, else unknown.
    let fallback = if has_common {
        quote! {
            match CommonError::from_service_error(error) {
                ::core::result::Result::Ok(common) => Self::Common(common),
                ::core::result::Result::Err(error) => Self::Unknown(error),
            }
        }
    } else {
        quote!(Self::Unknown(error))
    };
    let from_body = if own.is_empty() {
        fallback
    } else {
        quote! {
            match error.code.as_str() {
                #( #arms )*
                _ => #fallback,
            }
        }
    };
    let own_variants: Vec<Ident> = own
        .iter()
        .map(|case| ident(&case.variant))
        .chain(std::iter::once(ident("Unknown")))
        .collect();
    let documented_codes = action.errors.iter().map(|case| &case.code);
    let documented_doc = if has_common {
        " The codes the action's own document lists, common ones included."
    } else {
        " The codes the action's own document lists."
    };
    let error_type = action.error_type();
    let (common_variant, common_type, common_arm, common_accessor) = if has_common {
        let documented: Vec<String> = service
            .documented_common(action)
            .iter()
            .map(|case| format!("`{}`", case.code))
            .collect();
        let doc = if documented.is_empty() {
            " A code common to every action of the service ([`CommonError`]).".to_owned()
        } else {
            format!(
                " A code common to every action of the service ([`CommonError`]); the action's \
                 document lists {}.",
                documented.join(", ")
            )
        };
        (
            quote! { #[doc = #doc] Common(CommonError), },
            quote!(CommonError),
            quote!(Self::Common(common) => common.service_error(),),
            quote! {
                match self {
                    Self::Common(common) => ::core::option::Option::Some(common),
                    _ => ::core::option::Option::None,
                }
            },
        )
    } else {
        (
            quote!(),
            quote!(#rt::NoCommonErrors),
            quote!(),
            quote!(::core::option::Option::None),
        )
    };
    let error_doc = doc_lines(&if has_common {
        format!(
            "Errors `{name}` can answer: the codes its document lists that are not common, \
             [`{error_type}::Common`] for the codes common to every action, and\n\
             [`{error_type}::Unknown`] for codes this client does not know yet.\n\n\
             Every variant keeps the code, the message and the RequestId."
        )
    } else {
        format!(
            "Errors `{name}` can answer: the codes its document lists, and\n\
             [`{error_type}::Unknown`] for codes this client does not know yet.\n\n\
             Every variant keeps the code, the message and the RequestId."
        )
    });

    let rate_limit = match action.rate_limit {
        Some(limit) => quote!(::core::option::Option::Some(#limit)),
        None => quote!(::core::option::Option::None),
    };
    let retry_safe = action.retry_safe;
    let skip_sign = action.skip_sign;
    // The idempotency token: a constant naming the member, and the copy with a fresh
    // token when the caller left it empty. Other actions keep the trait's defaults.
    let client_token = client_token.map(|field| {
        let wire = &field.wire_name;
        let member = ident(&field.rust_name);
        // The other members, copied (none when the token is the request's only member).
        let rest = (action.input.len() > 1).then(|| quote!(..::core::clone::Clone::clone(self)));
        let fill = if field.is_optional() {
            quote! {
                match &self.#member {
                    ::core::option::Option::Some(given) if !given.is_empty() => {
                        ::core::option::Option::None
                    }
                    _ => ::core::option::Option::Some(Self {
                        #member: ::core::option::Option::Some(token()),
                        #rest
                    }),
                }
            }
        } else {
            quote! {
                if self.#member.is_empty() {
                    ::core::option::Option::Some(Self {
                        #member: token(),
                        #rest
                    })
                } else {
                    ::core::option::Option::None
                }
            }
        };
        quote! {
            const CLIENT_TOKEN: ::core::option::Option<&'static str> =
                ::core::option::Option::Some(#wire);

            fn with_client_token<F: ::core::ops::FnOnce() -> ::std::string::String>(
                &self,
                token: F,
            ) -> ::core::option::Option<Self> {
                #fill
            }
        }
    });

    quote! {
        #request_doc
        #request_derives
        pub struct #request {
            #( #request_fields )*
        }

        #request_debug

        impl #request {
            #new_doc
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits ),* }
            }
        }

        #response_doc
        #response_derives
        pub struct #response {
            #( #response_fields )*
        }

        #response_debug

        #error_doc
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        #[non_exhaustive]
        pub enum #error {
            #( #variants )*
            #common_variant
            /// A code this client does not know; its code, message and RequestId are kept.
            Unknown(#rt::ServiceError),
        }

        impl #error {
            #[doc = #documented_doc]
            pub const DOCUMENTED_CODES: &'static [&'static str] = &[ #( #documented_codes ),* ];
        }

        impl ::core::fmt::Display for #error {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(#rt::ActionError::service_error(self), f)
            }
        }

        impl ::std::error::Error for #error {}

        impl #rt::ActionError for #error {
            type CommonError = #common_type;

            fn from_service_error(error: #rt::ServiceError) -> Self {
                #from_body
            }

            fn service_error(&self) -> &#rt::ServiceError {
                match self {
                    #( Self::#own_variants(error) )|* => error,
                    #common_arm
                }
            }

            fn common(&self) -> ::core::option::Option<&#common_type> {
                #common_accessor
            }
        }

        impl #rt::Action for #request {
            const NAME: &'static str = #name;
            const SERVICE: &'static #rt::ServiceInfo = &SERVICE;
            const RATE_LIMIT: ::core::option::Option<u32> = #rate_limit;
            const RETRY_SAFE: bool = #retry_safe;
            const SKIP_SIGN: bool = #skip_sign;
            type Response = #response;
            type Error = #error;
            #client_token
        }
    }
}

/// One error variant holding the runtime's `ServiceError`, with the code and its
/// description as rustdoc.
fn error_variant(case: &ErrorCase, rt: &syn::Path) -> TokenStream {
    let variant = ident(&case.variant);
    let label = format!("`{}`", case.code);
    let description = docs::rustdoc(&case.description);
    let description = if description.is_empty() {
        "No description published.".to_owned()
    } else {
        description
    };
    // One line where the description is one line (nearly always). After the label, a
    // line that would start a block (a list item, a heading) is plain text.
    let doc = if !description.contains('\n') {
        doc_lines(&format!("{label}: {description}"))
    } else {
        doc_lines(&format!("{label}:\n\n{description}"))
    };
    quote! { #doc #variant(#rt::ServiceError), }
}

/// `CommonError`: the service's common codes, one variant each, shared by every
/// action's error enum (its `Common` variant) instead of repeated in each. `None` for a
/// service without common codes.
fn emit_common(service: &Service, rt: &syn::Path) -> Option<TokenStream> {
    let cases = &service.common_errors;
    if cases.is_empty() {
        return None;
    }
    let variants = cases.iter().map(|case| error_variant(case, rt));
    let names: Vec<Ident> = cases.iter().map(|case| ident(&case.variant)).collect();
    let codes: Vec<&String> = cases.iter().map(|case| &case.code).collect();
    let doc = doc_lines(&format!(
        "The error codes common to every action of the {} API (`{}`): every action's \
         error enum holds one in its `Common` variant, whether the action's document lists \
         the code or not.\n\n\
         Every variant keeps the code, the message and the RequestId.",
        service.title, service.name
    ));
    Some(quote! {
        #doc
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        #[non_exhaustive]
        pub enum CommonError {
            #( #variants )*
        }

        impl CommonError {
            /// Every common code, in spec order.
            pub const CODES: &'static [&'static str] = &[ #( #codes ),* ];

            /// The variant for the error's code, or the error back when its code is not
            /// common.
            pub fn from_service_error(
                error: #rt::ServiceError,
            ) -> ::core::result::Result<Self, #rt::ServiceError> {
                match error.code.as_str() {
                    #( #codes => ::core::result::Result::Ok(Self::#names(error)), )*
                    _ => ::core::result::Result::Err(error),
                }
            }

            /// The code, message and RequestId behind the variant.
            pub fn service_error(&self) -> &#rt::ServiceError {
                match self {
                    #( Self::#names(error) )|* => error,
                }
            }
        }

        impl ::core::fmt::Display for CommonError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(self.service_error(), f)
            }
        }

        impl ::std::error::Error for CommonError {}

        impl #rt::CommonErrors for CommonError {
            const CODES: &'static [&'static str] = CommonError::CODES;

            fn from_service_error(
                error: #rt::ServiceError,
            ) -> ::core::result::Result<Self, #rt::ServiceError> {
                CommonError::from_service_error(error)
            }

            fn service_error(&self) -> &#rt::ServiceError {
                CommonError::service_error(self)
            }
        }
    })
}

/// An action's texts as rustdoc, cleaned once for the request, response and method docs.
pub(crate) struct ActionText {
    /// ` (title)` for a first paragraph, where the spec has a one-line title; else empty.
    summary: String,
    /// The action's document, cleaned (empty where it has none).
    document: String,
}

impl ActionText {
    /// ` (title)`, or empty where the action has no one-line title.
    pub(crate) fn summary(&self) -> &str {
        &self.summary
    }

    fn new(action: &Action) -> Self {
        let summary = match action.title.as_deref().map(docs::rustdoc) {
            Some(title) if !title.is_empty() && !title.contains('\n') => format!(" ({title})"),
            _ => String::new(),
        };
        Self {
            summary,
            document: docs::rustdoc(&action.document),
        }
    }
}

/// The line an action only the China site publishes carries (request and call method).
const CHINA_ONLY_ACTION: &str = "China site only: call it through the China endpoint (`Endpoint::China` or `Endpoint::Regional`); the international site does not publish this action.";

/// The line a member only the China site's description has carries.
const CHINA_ONLY_MEMBER: &str =
    "China site only: the international site's description does not have this member.";

/// The line an action only the international site publishes carries.
const INTL_ONLY_ACTION: &str = "International site only: call it through the international endpoint (`Endpoint::Default`); the China site does not publish this action.";

/// The line a member only the international site's description has carries.
const INTL_ONLY_MEMBER: &str =
    "International site only: the China site's description does not have this member.";

/// The line saying which one site publishes an action, if only one does.
fn site_line(action: &Action) -> Option<&'static str> {
    if action.china_only {
        Some(CHINA_ONLY_ACTION)
    } else if action.intl_only {
        Some(INTL_ONLY_ACTION)
    } else {
        None
    }
}

fn method_doc(action: &Action, text: &ActionText) -> TokenStream {
    let mut doc = format!("Calls `{}`{}.", action.name, text.summary);
    if let Some(line) = site_line(action) {
        doc.push_str("\n\n");
        doc.push_str(line);
    }
    if !text.document.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&text.document);
    }
    doc.push_str(&format!(
        "\n\nSends {} [`{}`] and decodes the answer into [`{}`] or [`{}`].",
        if action.skip_sign {
            "an unsigned (`Authorization: SKIP`, no credentials needed)"
        } else {
            "a signed"
        },
        action.request_type(),
        action.response_type(),
        action.error_type()
    ));
    if action.offline {
        doc.push_str(OFFLINE_NOTE);
    }
    doc_lines(&doc)
}

/// One action's call method, inherent on the runtime's `Client` (inside the runtime
/// crate only): it sits in the action's own file.
fn emit_inherent_method(
    action: &Action,
    text: &ActionText,
    rt: &syn::Path,
    config: &Config,
) -> TokenStream {
    let doc = method_doc(action, text);
    let name = ident(&action.method);
    let request = ident(&action.request_type());
    let response = ident(&action.response_type());
    let error = ident(&action.error_type());
    let pages = action.pagination.as_ref().map(|pagination| {
        let runtime = config.doc_runtime.as_deref().unwrap_or("vpc_client");
        let example = match &config.doc_module {
            Some(module) => paginate::Example::Compiled { module, runtime },
            None => paginate::Example::Shown { client_trait: None },
        };
        let doc = paginate::pages_doc(action, pagination, text, rt, example);
        let method = ident(&pagination.method);
        quote! {
            #doc
            pub fn #method(&self, request: #request) -> #rt::Pages<#request> {
                self.pages(request)
            }
        }
    });
    quote! {
        impl #rt::Client {
            #doc
            pub async fn #name(
                &self,
                request: &#request,
            ) -> ::core::result::Result<#response, #rt::Error<#error>> {
                self.call(request).await
            }
            #pages
        }
    }
}

/// The call methods as a trait implemented for the runtime's `Client` (any crate).
fn emit_trait(
    service: &Service,
    actions: &[&Action],
    texts: &[ActionText],
    rt: &syn::Path,
    trait_name: &str,
) -> TokenStream {
    let docs: Vec<TokenStream> = actions
        .iter()
        .zip(texts)
        .map(|(action, text)| method_doc(action, text))
        .collect();
    let names: Vec<Ident> = actions.iter().map(|a| ident(&a.method)).collect();
    let requests: Vec<Ident> = actions.iter().map(|a| ident(&a.request_type())).collect();
    let responses: Vec<Ident> = actions.iter().map(|a| ident(&a.response_type())).collect();
    let errors: Vec<Ident> = actions.iter().map(|a| ident(&a.error_type())).collect();
    let trait_ident = ident(trait_name);
    let paged: Vec<(&Action, &api_spec::ir::Pagination, &ActionText)> = actions
        .iter()
        .zip(texts)
        .filter_map(|(action, text)| action.pagination.as_ref().map(|p| (*action, p, text)))
        .collect();
    let pages_docs: Vec<TokenStream> = paged
        .iter()
        .map(|(action, pagination, text)| {
            let example = paginate::Example::Shown {
                client_trait: Some(trait_name),
            };
            paginate::pages_doc(action, pagination, text, rt, example)
        })
        .collect();
    let pages_names: Vec<Ident> = paged.iter().map(|(_, p, _)| ident(&p.method)).collect();
    let pages_requests: Vec<Ident> = paged
        .iter()
        .map(|(action, _, _)| ident(&action.request_type()))
        .collect();
    let waiters: Vec<wait::WaiterMethods> = service
        .waiters
        .iter()
        .filter(|waiter| actions.iter().any(|a| a.name == waiter.describe))
        .filter_map(|waiter| wait::emit_waiter(service, waiter, rt, false))
        .collect();
    let waiter_supports: Vec<&TokenStream> = waiters.iter().map(|w| &w.support).collect();
    let waiter_signatures: Vec<TokenStream> = waiters
        .iter()
        .map(|w| {
            let signatures = &w.signatures;
            quote!(#( #signatures )*)
        })
        .collect();
    let waiter_methods: Vec<TokenStream> = waiters
        .iter()
        .map(|w| {
            let bodies = &w.methods;
            quote!(#( #bodies )*)
        })
        .collect();
    let trait_doc = format!(
        " The `{}` actions, as methods on [`{}::Client`].",
        service.name,
        path_text(rt)
    );
    quote! {
        #[doc = #trait_doc]
        pub trait #trait_ident {
            #(
                #docs
                fn #names(
                    &self,
                    request: &#requests,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#responses, #rt::Error<#errors>>,
                > + ::core::marker::Send;
            )*
            #(
                #pages_docs
                fn #pages_names(&self, request: #pages_requests) -> #rt::Pages<#pages_requests>;
            )*
            #( #waiter_signatures )*
        }

        impl #trait_ident for #rt::Client {
            #(
                fn #names(
                    &self,
                    request: &#requests,
                ) -> impl ::core::future::Future<
                    Output = ::core::result::Result<#responses, #rt::Error<#errors>>,
                > + ::core::marker::Send {
                    self.call(request)
                }
            )*
            #(
                fn #pages_names(&self, request: #pages_requests) -> #rt::Pages<#pages_requests> {
                    self.pages(request)
                }
            )*
            #( #waiter_methods )*
        }

        #( #waiter_supports )*
    }
}
