//! Another official service through the macro: CVM's description imported by
//! `cargo xtask import` (`tests/data/cvm.json`, kept fresh by `xtask/tests/import.rs`).
//! Its `CreateImage` documents two codes whose plain variant names meet,
//! `InvalidParameter.ValueTooLarge` and `InvalidParameterValue.TooLarge`; they generate
//! as two variants (`vpc-codegen/tests/snapshots/snapshots__cvm_colliding_codes.snap`
//! shows the names).

vpc_macros::generate! {
    spec = "tests/data/cvm.json",
    actions = [CreateImage, DescribeInstances],
    client_trait = CvmApi,
}

use vpc_client::{ActionError, ServiceError};

fn decode(code: &str) -> CreateImageError {
    CreateImageError::from_service_error(ServiceError {
        code: code.to_owned(),
        message: "m".to_owned(),
        request_id: Some("r".to_owned()),
    })
}

#[test]
fn codes_whose_names_meet_are_two_variants() {
    assert!(matches!(
        decode("InvalidParameter.ValueTooLarge"),
        CreateImageError::InvalidParameterDotValueTooLarge(_)
    ));
    assert!(matches!(
        decode("InvalidParameterValue.TooLarge"),
        CreateImageError::InvalidParameterValueDotTooLarge(_)
    ));
    assert!(CreateImageError::DOCUMENTED_CODES.contains(&"InvalidParameter.ValueTooLarge"));
    assert!(CreateImageError::DOCUMENTED_CODES.contains(&"InvalidParameterValue.TooLarge"));
}

#[test]
fn cvm_requests_serialize_their_wire_names() {
    let request = DescribeInstancesRequest {
        limit: Some(20),
        ..DescribeInstancesRequest::default()
    };
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        serde_json::json!({"Limit": 20})
    );
    assert_eq!(SERVICE.name, "cvm");
}
