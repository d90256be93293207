//! The waiters' glue: what differs per action or per resource, the waiting itself
//! being the runtime's (`<runtime>::waiter`).
//!
//! - The task-polling actions (`DescribeVpcTaskResult`, `DescribeTaskResult`) get a
//!   `TaskQuery` impl: which task a request asks about, what an answer says.
//! - Every action the rule `api_spec::tasks` finds gets a `task()` method on its
//!   response, giving the polling request for its task.
//! - Every state waiter of the spec gets `wait_until_<resource>_available` (and
//!   `_deleted` where declared) on the client.

use api_spec::ir::{Action, Field, Service, Type, Waiter, WaiterPath};
use api_spec::tasks::{TASK_ID_ACTION, TaskPoll, VPC_TASK_ACTION};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{doc_lines, ident, path_text};

/// The polling action of a task kind.
pub(crate) fn poll_action(poll: TaskPoll) -> &'static str {
    match poll {
        TaskPoll::RequestId => VPC_TASK_ACTION,
        TaskPoll::TaskId => TASK_ID_ACTION,
    }
}

fn member<'a>(fields: &'a [Field], wire: &str) -> Option<&'a Field> {
    fields.iter().find(|field| field.wire_name == wire)
}

/// An expression reading the text field `field` of `base` as `Option<&str>`.
fn text(base: TokenStream, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    if field.is_optional() {
        quote!(#base.#name.as_deref())
    } else {
        quote!(::core::option::Option::Some(#base.#name.as_str()))
    }
}

/// The `TaskQuery` impl of a polling action, when it has the members Tencent documents
/// (`TaskId` in; `Status` and `Output`, or `Result`, out). `None` for any other action.
pub(crate) fn emit_task_query(action: &Action, rt: &syn::Path) -> Option<TokenStream> {
    let request = ident(&action.request_type());
    let task_id = member(&action.input, "TaskId")?;
    let task_field = ident(&task_id.rust_name);
    let (status, message) = match action.name.as_str() {
        VPC_TASK_ACTION => (
            member(&action.output, "Status")?,
            member(&action.output, "Output")?,
        ),
        TASK_ID_ACTION => (
            member(&action.output, "Result")?,
            member(&action.output, "Result")?,
        ),
        _ => return None,
    };
    for field in [status, message] {
        if field.ty != Type::String {
            return None;
        }
    }
    let task = match (&task_id.ty, task_id.is_optional()) {
        (Type::String, false) => quote!(::std::clone::Clone::clone(&self.#task_field)),
        (Type::String, true) => quote!(self.#task_field.clone().unwrap_or_default()),
        (Type::UInt64 | Type::Int64, false) => {
            quote!(::std::string::ToString::to_string(&self.#task_field))
        }
        (Type::UInt64 | Type::Int64, true) => quote!(
            self.#task_field
                .map(|id| ::std::string::ToString::to_string(&id))
                .unwrap_or_default()
        ),
        _ => return None,
    };
    let status = text(quote!(response), status);
    let message = text(quote!(response), message);
    Some(quote! {
        impl #rt::waiter::TaskQuery for #request {
            fn task(&self) -> ::std::string::String {
                #task
            }

            fn status(response: &Self::Response) -> #rt::waiter::TaskStatus {
                #rt::waiter::TaskStatus::from_words(#status, #message)
            }
        }
    })
}

/// Whether `service`'s polling action for `poll` gets a `TaskQuery` impl.
pub(crate) fn has_task_query(service: &Service, poll: TaskPoll, rt: &syn::Path) -> bool {
    service
        .action(poll_action(poll))
        .is_some_and(|action| emit_task_query(action, rt).is_some())
}

/// The `task()` method of a task-starting action's response; `None` when the action
/// starts none, or the polling action is not generated (`selected` says which are).
pub(crate) fn emit_task_method(
    service: &Service,
    action: &Action,
    selected: &dyn Fn(&str) -> bool,
    rt: &syn::Path,
    gate: TokenStream,
) -> Option<TokenStream> {
    let poll = action.task?;
    let poller = poll_action(poll);
    if !selected(poller) || !has_task_query(service, poll, rt) {
        return None;
    }
    let poll_action = service.action(poller)?;
    let response = ident(&action.response_type());
    let query = ident(&poll_action.request_type());
    let rt_text = path_text(rt);
    match poll {
        TaskPoll::RequestId => {
            let doc = doc_lines(&format!(
                "The task this call started, as the `{poller}` request that polls it (with \
                 this answer's `RequestId`): wait for it with \
                 [`Client::wait_for_task`]({rt_text}::Client::wait_for_task). The call \
                 returns before the work is done; a task that ends `FAILED` is an error."
            ));
            Some(quote! {
                #gate
                impl #response {
                    #doc
                    pub fn task(&self) -> #query {
                        #query::new(::std::clone::Clone::clone(&self.request_id))
                    }
                }
            })
        }
        TaskPoll::TaskId => {
            let answer = member(&action.output, "TaskId")?;
            let request_field = member(&poll_action.input, "TaskId")?;
            if !request_field.is_optional() || request_field.ty != Type::UInt64 {
                return None;
            }
            let answer_field = ident(&answer.rust_name);
            let request_field = ident(&request_field.rust_name);
            let id = match (&answer.ty, answer.is_optional()) {
                (Type::String, true) => {
                    quote!(self.#answer_field.as_deref().and_then(|id| id.trim().parse::<u64>().ok()))
                }
                (Type::String, false) => quote!(self.#answer_field.trim().parse::<u64>().ok()),
                (Type::UInt64, true) => quote!(self.#answer_field),
                (Type::UInt64, false) => quote!(::core::option::Option::Some(self.#answer_field)),
                _ => return None,
            };
            let doc = doc_lines(&format!(
                "The task this call started, as the `{poller}` request that polls it (with \
                 this answer's `TaskId`): wait for it with \
                 [`Client::wait_for_task`]({rt_text}::Client::wait_for_task). `None` when \
                 the answer has no task number. A task that ends `FAILED` is an error."
            ));
            Some(quote! {
                #gate
                impl #response {
                    #doc
                    pub fn task(&self) -> ::core::option::Option<#query> {
                        let id = #id?;
                        let mut query = #query::new();
                        query.#request_field = ::core::option::Option::Some(id);
                        ::core::option::Option::Some(query)
                    }
                }
            })
        }
    }
}

/// The pieces of one state waiter's methods.
pub(crate) struct WaiterMethods {
    /// What the methods share, once, beside them: a private unit type whose associated
    /// items are the waiter's declaration, how to read an answer and how to ask for one
    /// ID.
    pub(crate) support: TokenStream,
    /// Method signatures with their docs (for a trait), one or two.
    pub(crate) signatures: Vec<TokenStream>,
    /// The same methods with bodies.
    pub(crate) methods: Vec<TokenStream>,
}

/// Reads a path of fields from `item` as `Option<&str>`, as an associated fn.
fn path_fn(name: &syn::Ident, item: &TokenStream, path: &WaiterPath) -> TokenStream {
    let steps = path.steps.iter().map(|(field, optional)| {
        let field = ident(field);
        if *optional {
            quote!(let value = value.#field.as_ref()?;)
        } else {
            quote!(let value = &value.#field;)
        }
    });
    quote! {
        fn #name(item: &#item) -> ::core::option::Option<&str> {
            let value = item;
            #( #steps )*
            ::core::option::Option::Some(value.as_str())
        }
    }
}

/// The methods of one state waiter, or `None` when its describe action is not
/// generated.
pub(crate) fn emit_waiter(
    service: &Service,
    waiter: &Waiter,
    rt: &syn::Path,
    public: bool,
) -> Option<WaiterMethods> {
    let vis = if public { quote!(pub) } else { quote!() };
    let action = service.action(&waiter.describe)?;
    let items_field = action
        .output
        .iter()
        .find(|field| field.rust_name == waiter.items)?;
    let item = match &items_field.ty {
        Type::List(inner) => match &**inner {
            Type::Object(_, rust) => ident(rust),
            _ => return None,
        },
        _ => return None,
    };
    let item = quote!(#item);
    let ids_field = action
        .input
        .iter()
        .find(|field| field.rust_name == waiter.ids)?;
    let request = ident(&action.request_type());
    let response = ident(&action.response_type());
    let error = ident(&action.error_type());
    let items = ident(&waiter.items);
    let ids = ident(&waiter.ids);
    let request_init = if ids_field.is_optional() {
        quote! {
            let mut request = #request::new();
            request.#ids = ::core::option::Option::Some(::std::vec![::std::borrow::ToOwned::to_owned(id)]);
            request
        }
    } else {
        quote!(#request::new(::std::vec![::std::borrow::ToOwned::to_owned(id)]))
    };
    let items_expr = if waiter.items_optional {
        quote!(response.#items.as_deref().unwrap_or_default())
    } else {
        quote!(response.#items.as_slice())
    };
    let id_fn = path_fn(&ident("id_of"), &item, &waiter.id);
    let state_fn = path_fn(&ident("state_of"), &item, &waiter.state);
    let resource = &waiter.resource;
    let success = &waiter.success;
    let failure = &waiter.failure;
    let not_found = &waiter.not_found;
    let holder = ident(&format!("{}StateWaiter", waiter.resource));
    let holder_doc = format!(
        " The `{resource}` waiter: its states, how `{}` answers about one ID, and how to ask for it.",
        waiter.describe
    );
    let support = quote! {
        #[doc = #holder_doc]
        struct #holder;
        impl #holder {
            const WAITER: #rt::waiter::StateWaiter = #rt::waiter::StateWaiter {
                resource: #resource,
                success: &[#( #success ),*],
                failure: &[#( #failure ),*],
                not_found_codes: &[#( #not_found ),*],
            };
            #id_fn
            #state_fn
            fn observe(response: &#response, id: &str) -> #rt::waiter::Observed {
                let items: &[#item] = #items_expr;
                match items.iter().find(|item| Self::id_of(item) == ::core::option::Option::Some(id)) {
                    ::core::option::Option::None => #rt::waiter::Observed::Missing,
                    ::core::option::Option::Some(item) => #rt::waiter::Observed::State(
                        Self::state_of(item).map(::std::borrow::ToOwned::to_owned),
                    ),
                }
            }
            fn request(id: &str) -> #request {
                #request_init
            }
        }
    };
    let rt_text = path_text(rt);
    let list = |states: &[String]| {
        states
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let failure_text = if waiter.failure.is_empty() {
        String::new()
    } else {
        format!(
            " A failure state ({}) is [`WaitError::Failed`]({rt_text}::WaitError::Failed).",
            list(&waiter.failure)
        )
    };
    let describe = &waiter.describe;
    let state = &waiter.state_wire;
    let common = format!(
        "\n\nEach poll is an ordinary `{describe}` call (retried and rate-limited like any \
         call; a throttled poll is polled again), backing off and giving up as `options` \
         says ([`WaitOptions`]({rt_text}::WaitOptions)). `Ok` says how many polls it took \
         and how long.{failure_text}"
    );
    let available = ident(&waiter.available_method);
    let available_doc = doc_lines(&format!(
        "Waits until the `{resource}` `id` is ready: `{describe}` lists it with `{state}` \
         {}. A resource not listed is polled again for \
         [`WaitOptions::not_found_grace`]({rt_text}::WaitOptions::not_found_grace) (reads \
         lag writes), then is [`WaitError::NotFound`]({rt_text}::WaitError::NotFound); one \
         that disappears during the wait is \
         [`WaitError::Gone`]({rt_text}::WaitError::Gone).{common}",
        if waiter.success.len() == 1 {
            format!("`{}`", waiter.success[0])
        } else {
            format!("one of {}", list(&waiter.success))
        }
    ));
    let result = quote!(::core::result::Result);
    let available_output = quote!(#result<#rt::Waited<#response>, #rt::WaitError<#error>>);
    let mut signatures = vec![quote! {
        #available_doc
        fn #available(
            &self,
            id: &str,
            options: &#rt::WaitOptions,
        ) -> impl ::core::future::Future<Output = #available_output> + ::core::marker::Send;
    }];
    let mut methods = vec![quote! {
        #available_doc
        #vis async fn #available(
            &self,
            id: &str,
            options: &#rt::WaitOptions,
        ) -> #available_output {
            let request = #holder::request(id);
            self.wait_until_available(&#holder::WAITER, id, &request, #holder::observe, options)
                .await
        }
    }];
    if let Some(deleted) = &waiter.deleted_method {
        let deleted = ident(deleted);
        let not_found_text = if waiter.not_found.is_empty() {
            String::new()
        } else {
            format!(", or answers {}", list(&waiter.not_found))
        };
        let deleted_doc = doc_lines(&format!(
            "Waits until the `{resource}` `id` is gone: `{describe}` no longer lists \
             it{not_found_text}. `Ok` holds the last answer (`None` after a not-found \
             code).{common}"
        ));
        let deleted_output =
            quote!(#result<#rt::Waited<::core::option::Option<#response>>, #rt::WaitError<#error>>);
        signatures.push(quote! {
            #deleted_doc
            fn #deleted(
                &self,
                id: &str,
                options: &#rt::WaitOptions,
            ) -> impl ::core::future::Future<Output = #deleted_output> + ::core::marker::Send;
        });
        methods.push(quote! {
            #deleted_doc
            #vis async fn #deleted(
                &self,
                id: &str,
                options: &#rt::WaitOptions,
            ) -> #deleted_output {
                let request = #holder::request(id);
                self.wait_for_state(
                    &#holder::WAITER,
                    #rt::waiter::Target::Gone,
                    id,
                    &request,
                    #holder::observe,
                    options,
                )
                .await
            }
        });
    }
    Some(WaiterMethods {
        support,
        signatures,
        methods,
    })
}
