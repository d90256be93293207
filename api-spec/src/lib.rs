//! The JSON API-description format for Tencent Cloud APIs: its serde model, a loader that
//! reports every problem with file, JSON pointer and line:column, and the validated IR
//! the generator consumes.
//!
//! The phases are one module each: [`model`] (what the JSON says), `load` (text -> model
//! -> checked IR, never panicking), [`ir`] (what the generator may rely on), [`names`]
//! (wire names -> Rust names, shared by validation and generation), [`paging`] (which
//! actions come in pages, and through which members), [`validate`] (the check of a
//! request body against an action's declared input, for the importer and the endpoint).
//!
//! ```
//! let text = include_str!("../vpc.json");
//! let service = api_spec::load_str(text, "api-spec/vpc.json").expect("the shipped spec is valid");
//! assert!(service.action("ResetVpnConnection").is_some());
//! ```

mod error;
pub mod ir;
mod load;
pub mod locate;
pub mod model;
pub mod names;
pub mod paging;
pub mod tasks;
pub mod validate;

pub use error::{Diagnostic, Position, SpecError};
pub use load::{load_file, load_str};

/// The JSON Schema of the spec format, pretty-printed with a trailing newline.
///
/// Only with the `schema` feature (which `xtask` enables): a program that just loads
/// specs, such as the local endpoint, does not compile schemars.
///
/// `cargo xtask codegen` writes it to `api-spec/schema.json`, and the tests fail when
/// that file is stale.
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(model::Spec);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
