//! A misspelt argument.
vpc_macros::generate! { spek = "../../../../vpc-macros/ui/tests/ui/specs/valid.json" }

fn main() {}
