//! The action table derived from the spec.

use vpc_mock::spec::{MAX_OBJECT_DEPTH, action_info, param_kind};
use vpc_mock::{ActionInfo, ParamInfo, ParamKind, actions_from_service, vpc_service};

use crate::common::extended_spec;

#[test]
fn shipped_spec_loads_and_reset_vpn_connection_matches_it() {
    let service = vpc_service().expect("the shipped spec is valid");
    let table = actions_from_service(&service);
    assert_eq!(table.len(), service.actions.len());
    let reset = table
        .iter()
        .find(|a| a.name == "ResetVpnConnection")
        .expect("ResetVpnConnection is in the table");
    assert_eq!(
        *reset,
        ActionInfo::new("ResetVpnConnection")
            .rate_limit_per_second(100)
            .param(ParamInfo::required("VpnGatewayId", ParamKind::String))
            .param(ParamInfo::required("VpnConnectionId", ParamKind::String))
    );
    // Every action of the spec, with its own rate limit and input names in spec order.
    for (info, action) in table.iter().zip(&service.actions) {
        assert_eq!(info.name, action.name);
        assert_eq!(info.rate_limit_per_second, action.rate_limit);
        let names: Vec<&str> = info.params.iter().map(|p| p.name.as_str()).collect();
        let wire: Vec<&str> = action.input.iter().map(|f| f.wire_name.as_str()).collect();
        assert_eq!(names, wire);
    }
}

#[test]
fn objects_lists_and_recursion() {
    let service = extended_spec();
    let action = service.action("DescribeThings").expect("action");
    let info = action_info(&service, action);
    assert_eq!(info.rate_limit_per_second, Some(20));
    let filter = ParamKind::Object(vec![
        ParamInfo::required("Name", ParamKind::String),
        ParamInfo::optional("Values", ParamKind::list(ParamKind::String)),
    ]);
    assert_eq!(
        info.params[0],
        ParamInfo::optional("Filters", ParamKind::list(filter))
    );
    assert_eq!(
        info.params[1],
        ParamInfo::optional("Limit", ParamKind::Integer)
    );
    // `ThingNode` contains a list of `ThingNode`s: expanded once, then `Any` where it recurs.
    assert_eq!(
        info.params[2],
        ParamInfo::optional(
            "Tree",
            ParamKind::Object(vec![
                ParamInfo::required("Id", ParamKind::String),
                ParamInfo::optional("Children", ParamKind::list(ParamKind::Any)),
            ])
        )
    );
    let deleting = action_info(&service, service.action("DeleteThing").expect("action"));
    assert_eq!(deleting.rate_limit_per_second, None);
    assert_eq!(
        param_kind(&service, &api_spec::ir::Type::DateTime),
        ParamKind::String
    );
    assert_eq!(
        param_kind(&service, &api_spec::ir::Type::UInt64),
        ParamKind::Integer
    );
}

#[test]
fn deep_object_chains_are_capped() {
    // L0 contains L1 contains ... L11: expanded MAX_OBJECT_DEPTH levels, then `Any`.
    let mut spec: serde_json::Value =
        serde_json::from_str(vpc_mock::spec::VPC_SPEC_JSON).expect("JSON");
    for i in 0..12 {
        let mut members = vec![serde_json::json!(
            {"name": "Id", "type": "string", "member": "string", "document": "Id."}
        )];
        if i < 11 {
            members.push(serde_json::json!(
                {"name": "Next", "type": "object", "member": format!("L{}", i + 1), "document": "Next."}
            ));
        }
        spec["objects"][format!("L{i}")] =
            serde_json::json!({"document": "A level.", "members": members});
    }
    let service = api_spec::load_str(&spec.to_string(), "deep.json").expect("valid");
    let mut kind = param_kind(
        &service,
        &api_spec::ir::Type::Object("L0".into(), "L0".into()),
    );
    let mut depth = 0;
    while let ParamKind::Object(members) = kind {
        depth += 1;
        kind = members
            .into_iter()
            .find(|m| m.name == "Next")
            .map_or(ParamKind::String, |m| m.kind);
    }
    assert_eq!(depth, MAX_OBJECT_DEPTH);
    assert_eq!(kind, ParamKind::Any);
}

/// `vpc-mock/COVERAGE.md` is the table the emulator's registry makes now (`cargo xtask
/// coverage` writes it), so a plain `cargo test` fails on a stale one.
#[test]
fn coverage_table_is_fresh() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("COVERAGE.md");
    let checked_in = std::fs::read_to_string(&path).expect("COVERAGE.md is checked in");
    assert!(
        checked_in == vpc_mock::emulator::coverage::markdown(),
        "{} is stale: run `cargo xtask coverage`",
        path.display()
    );
}
