//! A state waiter names a state member its item does not have.
vpc_macros::generate! { spec = "../../../../vpc-macros/ui/tests/ui/specs/bad_waiter.json" }

fn main() {}
