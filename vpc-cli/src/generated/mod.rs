//! The command-line tables generated from the specs by `cargo xtask codegen` (the
//! generator's third front end, `vpc_codegen::generate_cli_files`): one module per
//! service, each split by first letter so that a reader can browse them.

// Formatted by the generator (prettyplease), not by rustfmt: `cargo fmt` must not touch
// them, or `cargo xtask codegen --check` would find them stale.
#[rustfmt::skip]
pub mod sts;
#[rustfmt::skip]
pub mod vpc;
