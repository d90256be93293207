//! The action filter names an action the spec lacks.
vpc_macros::generate! {
    spec = "../../../../vpc-macros/ui/tests/ui/specs/valid.json",
    actions = [Ping, ResetVpnConection],
}

fn main() {}
