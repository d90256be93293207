//! The spec file does not exist.
vpc_macros::generate! { spec = "does/not/exist.json" }

fn main() {}
