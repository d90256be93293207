//! A `pagination` entry names a count the output does not have.
vpc_macros::generate! { spec = "../../../../vpc-macros/ui/tests/ui/specs/bad_pagination.json" }

fn main() {}
