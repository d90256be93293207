//! The same action twice.
vpc_macros::generate! { spec = "../../../../vpc-macros/ui/tests/ui/specs/duplicate_action.json" }

fn main() {}
