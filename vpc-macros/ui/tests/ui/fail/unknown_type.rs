//! A member has an unknown type.
vpc_macros::generate! { spec = "../../../../vpc-macros/ui/tests/ui/specs/unknown_type.json" }

fn main() {}
