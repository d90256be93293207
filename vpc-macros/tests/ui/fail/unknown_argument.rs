//! A misspelt argument.
vpc_macros::generate! { spek = "../../../../vpc-macros/tests/ui/specs/valid.json" }

fn main() {}
