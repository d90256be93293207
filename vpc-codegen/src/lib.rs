//! The generator: turns a validated [`api_spec::ir::Service`] into Rust tokens for a
//! client (request and response structs, one error enum per action, the `Action` trait
//! impls and the call methods).
//!
//! The generator is the only emitter: `vpc-macros` returns its tokens to the compiler,
//! and `cargo xtask codegen` formats them with [`format_file`] and writes them into
//! `vpc-client`. Emitted code names everything by absolute path and reaches serde and the
//! runtime through [`Config::runtime`], so the same output works inside `vpc-client`
//! (`crate`) and in a user's crate (`::vpc_client`).
//!
//! ```
//! let service = api_spec::load_str(include_str!("../../api-spec/vpc.json"), "vpc.json")
//!     .expect("valid spec");
//! let tokens = vpc_codegen::generate(&service, &vpc_codegen::Config::default())
//!     .expect("every selected action exists");
//! let code = vpc_codegen::format_file(tokens, "example").expect("generated code parses");
//! assert!(code.contains("pub struct ResetVpnConnectionRequest"));
//! ```

mod cli;
mod docs;
mod emit;
mod files;
mod paginate;
mod server;
mod wait;

use proc_macro2::TokenStream;

pub use cli::CliConfig;
pub use emit::GenerateError;

/// How the call methods are attached to the runtime client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientMethods {
    /// An inherent `impl Client { ... }` block: only possible inside the runtime crate.
    Inherent,
    /// A trait with this name, implemented for the runtime `Client`; works in any crate.
    Trait(String),
}

/// What to generate and how to refer to the runtime.
#[derive(Clone)]
pub struct Config {
    /// Path of the runtime crate as seen from the generated code: `crate` inside
    /// `vpc-client`, `::vpc_client` elsewhere.
    pub runtime: syn::Path,
    /// How call methods are attached to the client.
    pub client_methods: ClientMethods,
    /// Only these actions (by exact API name); `None` means every action of the spec.
    pub actions: Option<Vec<String>>,
    /// How users name the generated module (`vpc_client::vpc`), for doc examples. With
    /// it, each paged action's example is a doctest and cannot rot; without it (a
    /// user's crate, whose module path the generator cannot know) the example is shown
    /// as written and not compiled.
    pub doc_module: Option<String>,
    /// How users name the runtime crate in doc examples (`vpc_client`), where
    /// [`runtime`](Self::runtime) is `crate`. Default: `vpc_client`.
    pub doc_runtime: Option<String>,
    /// Put each action behind the cargo feature named after it (`ResetVpnConnection`),
    /// so a crate that enables one action compiles only that action and the object types
    /// it uses; the server's serde derives and `visit_actions` go behind the runtime's
    /// `server` feature. Only for the split layout inside `vpc-client`, whose
    /// `Cargo.toml` declares the features; the macro never gates.
    pub feature_gates: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let runtime = &self.runtime;
        f.debug_struct("Config")
            .field("runtime", &quote::quote!(#runtime).to_string())
            .field("client_methods", &self.client_methods)
            .field("actions", &self.actions)
            .field("doc_module", &self.doc_module)
            .field("doc_runtime", &self.doc_runtime)
            .field("feature_gates", &self.feature_gates)
            .finish()
    }
}

impl Config {
    /// For code that lives inside `vpc-client` itself: `crate` paths and inherent
    /// methods on `Client`. This is what `cargo xtask codegen` uses.
    pub fn inside_runtime() -> Self {
        Self {
            runtime: syn::parse_quote!(crate),
            client_methods: ClientMethods::Inherent,
            actions: None,
            doc_module: None,
            doc_runtime: None,
            feature_gates: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            runtime: syn::parse_quote!(::vpc_client),
            client_methods: ClientMethods::Trait("VpcApi".to_owned()),
            actions: None,
            doc_module: None,
            doc_runtime: None,
            feature_gates: false,
        }
    }
}

/// Generates the client code for `service`.
///
/// Fails only when [`Config::actions`] names an action the spec lacks.
pub fn generate(
    service: &api_spec::ir::Service,
    config: &Config,
) -> Result<TokenStream, GenerateError> {
    emit::generate(service, config)
}

/// One file of the split layout [`generate_files`] produces.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// Path relative to the generated module's directory, with `/` separators
    /// (`mod.rs`, `actions/reset_vpn_connection.rs`).
    pub path: String,
    /// The file's items; [`format_file`] turns them into text.
    pub tokens: TokenStream,
}

/// Generates the client code for `service` as a module split into files: `mod.rs`
/// (the service, `visit_actions`, re-exports), one file per action under `actions/`
/// and one per object under `objects/`. The items and their public paths are those of
/// [`generate`].
///
/// Fails only when [`Config::actions`] names an action the spec lacks.
pub fn generate_files(
    service: &api_spec::ir::Service,
    config: &Config,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    files::generate_files(service, config)
}

/// What to generate for the server side ([`generate_server`]) and how to refer to the
/// types it shares with the client.
#[derive(Clone)]
pub struct ServerConfig {
    /// Path of the module that holds the generated request, response and error types
    /// (`::vpc_client::vpc`): the server reuses the client's types.
    pub types: syn::Path,
    /// Path of the server runtime that provides `Call`, `Handler`, `HandlerFuture`,
    /// `Refusal` and the `typed` glue: `crate` inside `vpc-mock`, `::vpc_mock` elsewhere.
    pub server: syn::Path,
    /// Name of the service trait (`VpcService`); the dispatcher is named after it
    /// (`VpcServiceDispatcher`).
    pub trait_name: String,
    /// Only these actions (by exact API name); `None` means every action of the spec.
    pub actions: Option<Vec<String>>,
    /// Put each action's method and dispatch behind the cargo feature named after it,
    /// as [`Config::feature_gates`] does for the client types it uses.
    pub feature_gates: bool,
    /// Actions compiled whatever the features, because the server crate's own code
    /// implements them (`vpc-mock`'s stateful `ResetVpnConnection`).
    pub ungated: Vec<String>,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let types = &self.types;
        let server = &self.server;
        f.debug_struct("ServerConfig")
            .field("types", &quote::quote!(#types).to_string())
            .field("server", &quote::quote!(#server).to_string())
            .field("trait_name", &self.trait_name)
            .field("actions", &self.actions)
            .field("feature_gates", &self.feature_gates)
            .field("ungated", &self.ungated)
            .finish()
    }
}

impl ServerConfig {
    /// For code that lives inside `vpc-mock` itself, serving the types `vpc-client`
    /// exports: what `cargo xtask codegen` uses.
    pub fn inside_mock() -> Self {
        Self {
            types: syn::parse_quote!(::vpc_client::vpc),
            server: syn::parse_quote!(crate),
            trait_name: "VpcService".to_owned(),
            actions: None,
            feature_gates: false,
            ungated: Vec::new(),
        }
    }
}

/// Generates the server side for `service`: a service trait with one async method per
/// action (typed request in, typed response or typed error out, each defaulting to
/// "not implemented") and a dispatcher implementing the server runtime's `Handler`.
///
/// Fails only when [`ServerConfig::actions`] names an action the spec lacks.
pub fn generate_server(
    service: &api_spec::ir::Service,
    config: &ServerConfig,
) -> Result<TokenStream, GenerateError> {
    server::generate(service, config)
}

/// Generates the server side for `service` as files: `mod.rs` (the service trait,
/// re-exporting the dispatcher) and `dispatcher.rs`. The items and their paths are
/// those of [`generate_server`].
///
/// Fails only when [`ServerConfig::actions`] names an action the spec lacks.
pub fn generate_server_files(
    service: &api_spec::ir::Service,
    config: &ServerConfig,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    server::generate_files(service, config)
}

/// Formats generated tokens as a file with the "generated, do not edit" preamble (a
/// plain comment, so a module's own documentation comes first in rustdoc).
///
/// `source` names the spec the file came from, for the preamble. Fails only if the
/// tokens do not parse as a Rust file, which would be a generator bug.
pub fn format_file(tokens: TokenStream, source: &str) -> Result<String, syn::Error> {
    Ok(with_preamble(&syn::parse2(tokens)?, source))
}

/// [`format_file`] for tokens already turned into text (`tokens.to_string()`). Text,
/// unlike a `TokenStream`, can be sent to another thread, so the files of a large spec
/// can be formatted side by side.
pub fn format_source(text: &str, source: &str) -> Result<String, syn::Error> {
    Ok(with_preamble(&syn::parse_file(text)?, source))
}

fn with_preamble(file: &syn::File, source: &str) -> String {
    let body = prettyplease::unparse(file);
    format!(
        "// Generated by `cargo xtask codegen` from `{source}`, do not edit by hand.\n\
         // Edit the spec and run `cargo xtask codegen` again.\n\n{body}"
    )
}

/// Generates the command-line tables of `service` as files: `mod.rs` (the service and
/// its waiters), one file of actions and one of object types per first letter
/// (`actions_d.rs`, `objects_v.rs`). The third front end: `vpc-cli` builds its command
/// tree from these tables at run time.
pub fn generate_cli_files(
    service: &api_spec::ir::Service,
    config: &CliConfig,
) -> Vec<GeneratedFile> {
    cli::generate_files(service, config)
}
