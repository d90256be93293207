// A server runtime path without a server trait to generate is a mistake, not a no-op.
vpc_macros::generate! {
    spec = "../../../../vpc-macros/ui/tests/ui/specs/valid.json",
    server_runtime = ::vpc_mock,
}

fn main() {}
