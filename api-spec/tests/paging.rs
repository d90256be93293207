//! The paging rule on Tencent's own description: which VPC actions page, through which
//! members, and with which documented maximum page size.

use std::path::Path;

use api_spec::ir::{Service, Type};

fn vpc() -> Service {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("vpc.json");
    api_spec::load_file(&path).expect("the shipped spec is valid")
}

fn ty_name(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Int64 => "int64",
        Type::UInt64 => "uint64",
        _ => "other",
    }
}

#[test]
fn seventy_eight_vpc_actions_page_and_every_offset_limit_action_is_one_of_them() {
    let service = vpc();
    let paged: Vec<_> = service
        .actions
        .iter()
        .filter(|action| action.pagination.is_some())
        .collect();
    assert_eq!(paged.len(), 78);
    // Every action taking both Offset and Limit pages, but the five the overlay says do not
    // (`"pagination": false`, each with its reason): none is left out by the rule unseen.
    let not_paged = [
        "DescribeAddressTemplateGroupInstances",
        "DescribeAddressTemplateInstances",
        "DescribeServiceTemplateGroupInstances",
        "DescribeServiceTemplateInstances",
        "DescribeTrafficMirrorFilterRules",
    ];
    for action in &service.actions {
        let has = |name: &str| action.input.iter().any(|field| field.wire_name == name);
        assert_eq!(
            has("Offset") && has("Limit") && !not_paged.contains(&action.name.as_str()),
            action.pagination.is_some(),
            "{}",
            action.name
        );
    }
    // The page fields' types (at 309 actions the issue counted 9 text, 37 uint64, 8 int64).
    let mut kinds = std::collections::BTreeMap::new();
    for action in &paged {
        let pagination = action.pagination.as_ref().expect("paged");
        assert_eq!(pagination.offset.ty, pagination.limit.ty, "{}", action.name);
        *kinds.entry(ty_name(&pagination.offset.ty)).or_insert(0) += 1;
        assert_eq!(pagination.method, format!("{}_pages", action.method));
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [("int64", 11), ("string", 12), ("uint64", 55)]
    );
}

#[test]
fn regular_and_irregular_shapes_page_through_the_right_members() {
    let service = vpc();
    let shape = |name: &str| {
        let pagination = service
            .action(name)
            .and_then(|action| action.pagination.clone())
            .unwrap_or_else(|| panic!("{name} pages"));
        (
            ty_name(&pagination.offset.ty),
            pagination.items.wire_name,
            pagination.count.map(|count| count.wire_name),
            pagination.max_limit,
        )
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        shape("DescribeVpcs"),
        ("string", "VpcSet".into(), some("TotalCount"), Some(100))
    );
    assert_eq!(
        shape("DescribeAddresses"),
        ("int64", "AddressSet".into(), some("TotalCount"), Some(100))
    );
    assert_eq!(
        shape("DescribeSnapshotPolicies"),
        (
            "uint64",
            "SnapshotPolicySet".into(),
            some("TotalCount"),
            Some(200)
        )
    );
    // "The returned quantity": no maximum is documented, so none is assumed.
    assert_eq!(
        shape("DescribeCcns"),
        ("uint64", "CcnSet".into(), some("TotalCount"), None)
    );
    // The three irregular ones, named in the overlay.
    assert_eq!(
        shape("DescribeFlowLogs"),
        ("uint64", "FlowLog".into(), some("TotalNum"), None)
    );
    assert_eq!(
        shape("DescribeNatGatewayDirectConnectGatewayRoute"),
        (
            "int64",
            "NatDirectConnectGatewayRouteSet".into(),
            some("Total"),
            Some(200)
        )
    );
    assert_eq!(
        shape("DescribeTrafficMirrors"),
        ("uint64", "TrafficMirrorSet".into(), None, Some(100))
    );
    let item = service
        .action("DescribeVpcs")
        .and_then(|action| action.pagination.as_ref())
        .map(|pagination| pagination.item.clone());
    assert_eq!(item, Some(Type::Object("Vpc".into(), "Vpc".into())));
}

#[test]
fn pagination_false_turns_the_shape_rule_off() {
    let text = include_str!("../vpc.json");
    let mut spec: serde_json::Value = serde_json::from_str(text).expect("JSON");
    spec["actions"]["DescribeVpcs"]["pagination"] = serde_json::Value::Bool(false);
    let service = api_spec::load_str(&spec.to_string(), "vpc.json").expect("valid");
    assert!(
        service
            .action("DescribeVpcs")
            .expect("action")
            .pagination
            .is_none()
    );
    assert!(
        service
            .action("DescribeSubnets")
            .expect("action")
            .pagination
            .is_some()
    );
}
