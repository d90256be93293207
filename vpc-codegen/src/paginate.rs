//! The paging glue of a paged action: its `Paginated` impl (where the request's
//! `Offset` and `Limit` are, where an answer's items and count are) and its
//! `x_pages(request)` method. The listing itself is the runtime's
//! (`<runtime>::paginate`); what is generated here is only what differs per action.

use api_spec::ir::{Action, Pagination};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{ActionText, OFFLINE_NOTE, doc_lines, ident, path_text, rust_type};

/// The `Paginated` impl of a paged action.
pub(crate) fn emit_paginated(
    action: &Action,
    pagination: &Pagination,
    rt: &syn::Path,
) -> TokenStream {
    let request = ident(&action.request_type());
    let item = rust_type(&pagination.item);
    let offset = ident(&pagination.offset.rust_name);
    let limit = ident(&pagination.limit.rust_name);
    let items = ident(&pagination.items.rust_name);
    let max_limit = match pagination.max_limit {
        Some(max) => {
            let max = proc_macro2::Literal::u64_unsuffixed(max);
            quote!(::core::option::Option::Some(#max))
        }
        None => quote!(::core::option::Option::None),
    };
    let total_count = match &pagination.count {
        Some(count) => {
            let count = ident(&count.rust_name);
            quote!(#rt::paginate::PageCount::page_count(&response.#count))
        }
        None => quote! {
            let _ = response;
            ::core::option::Option::None
        },
    };
    let result = quote!(::core::result::Result);
    let string = quote!(::std::string::String);
    quote! {
        impl #rt::Paginated for #request {
            type Item = #item;
            const MAX_LIMIT: ::core::option::Option<u64> = #max_limit;

            fn offset(&self) -> #result<::core::option::Option<u64>, #string> {
                #rt::paginate::PageParam::page_value(&self.#offset)
            }

            fn set_offset(&mut self, offset: u64) -> #result<(), #string> {
                #rt::paginate::PageParam::set_page_value(&mut self.#offset, offset)
            }

            fn limit(&self) -> #result<::core::option::Option<u64>, #string> {
                #rt::paginate::PageParam::page_value(&self.#limit)
            }

            fn set_limit(&mut self, limit: u64) -> #result<(), #string> {
                #rt::paginate::PageParam::set_page_value(&mut self.#limit, limit)
            }

            fn total_count(response: &Self::Response) -> ::core::option::Option<u64> {
                #total_count
            }

            fn page_len(response: &Self::Response) -> usize {
                #rt::paginate::PageItems::page_len(&response.#items)
            }

            fn into_items(response: Self::Response) -> ::std::vec::Vec<#item> {
                #rt::paginate::PageItems::into_page_items(response.#items)
            }
        }
    }
}

/// How the paging method's doc example names things: compiled against the module's
/// public path, or shown as written for a module whose path the generator does not know.
pub(crate) enum Example<'a> {
    /// The generated module is reachable as this path (`vpc_client::vpc`): the example
    /// is a doctest.
    Compiled { module: &'a str, runtime: &'a str },
    /// In a crate the generator does not know: shown, not compiled. The call methods
    /// come from this trait, or are inherent on the client when there is none.
    Shown { client_trait: Option<&'a str> },
}

/// The rustdoc of a paging method: what it lists, its page size, and an example.
pub(crate) fn pages_doc(
    action: &Action,
    pagination: &Pagination,
    text: &ActionText,
    rt: &syn::Path,
    example: Example<'_>,
) -> TokenStream {
    let name = &action.name;
    let items = &pagination.items.wire_name;
    let mut doc = format!(
        "Lists `{name}`{} page by page: a stream of its answers, one call per page \
         (retried and rate-limited like any call), from the request's `{}` on.",
        text.summary(),
        pagination.offset.wire_name
    );
    let size = match pagination.max_limit {
        Some(max) => format!(
            "Each page asks for the request's `{}` items, or {max} (the documented maximum) \
             when it has none.",
            pagination.limit.wire_name
        ),
        None => format!(
            "Each page asks for the request's `{}` items, or the server's default when it \
             has none (the document states no maximum).",
            pagination.limit.wire_name
        ),
    };
    let end = match &pagination.count {
        Some(count) => format!(
            "The listing ends once the items received reach `{}`, or at an empty page.",
            count.wire_name
        ),
        None => {
            "The answers carry no count: the listing ends at a short or an empty page.".to_owned()
        }
    };
    doc.push_str(&format!(
        "\n\n{size} {end} `.items()` turns it into a stream of the `{items}` items; see \
         [`{}::paginate`] for what happens at the ends and on errors.",
        path_text(rt)
    ));
    if action.offline {
        doc.push_str(OFFLINE_NOTE);
    }
    let method = &pagination.method;
    let body = format!(
        "let mut items = client.{method}(request).items();\n\
         while let Some(item) = items.next().await {{\n    \
             let item = item?;\n    \
             println!(\"{{item:?}}\");\n\
         }}"
    );
    match example {
        Example::Compiled { module, runtime } => doc.push_str(&format!(
            "\n\n```no_run\n\
             # async fn list(\n\
             #     client: &{runtime}::Client,\n\
             #     request: {module}::{request},\n\
             # ) -> Result<(), {runtime}::Error<{module}::{error}>> {{\n\
             {body}\n\
             # Ok(())\n\
             # }}\n\
             ```",
            request = action.request_type(),
            error = action.error_type(),
        )),
        Example::Shown { client_trait } => {
            let scope = match client_trait {
                Some(name) => format!("With the `{name}` trait in scope, in"),
                None => "In".to_owned(),
            };
            doc.push_str(&format!(
                "\n\n```ignore\n\
                 // {scope} an async fn that returns a `Result<_, Error<{error}>>`:\n\
                 {body}\n\
                 ```",
                error = action.error_type(),
            ));
        }
    }
    doc_lines(&doc)
}
