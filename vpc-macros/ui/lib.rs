//! Nothing to use: this crate holds the trybuild tests of `vpc_macros::generate!`
//! (`tests/ui.rs`, cases in `tests/ui/fail/`). They live apart from `vpc-macros` because
//! trybuild compiles every dev-dependency of the crate it runs in; here that is the macro
//! alone, not `vpc-client` with its whole generated VPC API.
