//! The spec is not JSON.
vpc_macros::generate! { spec = "../../../../vpc-macros/ui/tests/ui/specs/malformed.json" }

fn main() {}
