//! Compiles the macro's expansion of every codegen fixture (the same code the snapshots
//! show) and of the real spec, and checks what the generated types do on the wire.

mod optional_members {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/optional_members.json" }
}
mod lists {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/lists.json" }
}
mod nested_objects {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/nested_objects.json" }
}
mod several_actions {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/several_actions.json", client_trait = DemoApi }
}
mod keywords_acronyms {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/keywords_acronyms.json" }
}
mod case_collisions {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/case_collisions.json" }
}
mod unknown_error_fallback {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/unknown_error_fallback.json" }
}
mod skip_sign {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/skip_sign.json" }
}
mod client_token {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/client_token.json" }
}
mod sensitive {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/sensitive.json" }
}
mod waiters {
    vpc_macros::generate! { spec = "../vpc-codegen/tests/data/waiters.json", client_trait = ThingApi }
}
mod vpc {
    vpc_macros::generate! {
        spec = "../api-spec/vpc.json",
        actions = [ResetVpnConnection],
        runtime = ::vpc_client,
    }
}

use serde_json::json;
use vpc_client::{Action, ActionError, ServiceError};

fn service_error(code: &str) -> ServiceError {
    ServiceError {
        code: code.to_owned(),
        message: format!("message of {code}"),
        request_id: Some("req-1".to_owned()),
    }
}

#[test]
fn optional_members_are_skipped_and_wire_names_kept() {
    let request = optional_members::CreateThingRequest::new("thing-1");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"Name": "thing-1"})
    );
    let full = optional_members::CreateThingRequest {
        size: Some(-5),
        count: Some(7),
        ratio: Some(0.5),
        dry_run: Some(true),
        expire_at: Some("2024-01-01 00:00:00".into()),
        ..request
    };
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        json!({"Name": "thing-1", "Size": -5, "Count": 7, "Ratio": 0.5, "DryRun": true, "ExpireAt": "2024-01-01 00:00:00"})
    );
    // A nullable output member accepts null; unknown members are ignored.
    let response: optional_members::CreateThingResponse = serde_json::from_value(
        json!({"ThingId": "t-1", "Note": null, "RequestId": "r", "AddedLater": 1}),
    )
    .unwrap();
    assert_eq!(response.note, None);
    assert_eq!(response.thing_id, "t-1");
}

/// The spec's `skip_sign` reaches the macro's output: the flagged action is unsigned,
/// the other signed.
#[test]
fn skip_sign_is_honoured() {
    const { assert!(<skip_sign::AssumeThingWithTokenRequest as Action>::SKIP_SIGN) };
    const { assert!(!<skip_sign::DescribeThingsRequest as Action>::SKIP_SIGN) };
    const { assert!(!<lists::DeleteThingsRequest as Action>::SKIP_SIGN) };
}

/// The spec's `sensitive` reaches the macro's output: `Debug` prints `<redacted>` for a
/// sensitive member (required or optional, in a request or an object an answer holds)
/// and everything else as the derive would; the wire format keeps the value.
#[test]
fn sensitive_members_are_redacted_from_debug() {
    let request = sensitive::AssumeThingRequest {
        code: Some("code-314159".into()),
        r#type: Some("kind-visible".into()),
        ..sensitive::AssumeThingRequest::new("token-271828")
    };
    for shown in [format!("{request:?}"), format!("{request:#?}")] {
        assert!(!shown.contains("token-271828"), "{shown}");
        assert!(!shown.contains("code-314159"), "{shown}");
        assert!(shown.contains("kind-visible"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
    assert_eq!(
        format!("{request:?}"),
        r#"AssumeThingRequest { token: "<redacted>", code: Some("<redacted>"), type: Some("kind-visible") }"#
    );
    let unset = sensitive::AssumeThingRequest::new("token-271828");
    assert!(format!("{unset:?}").contains("code: None"), "{unset:?}");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"Token": "token-271828", "Code": "code-314159", "Type": "kind-visible"})
    );

    let response: sensitive::AssumeThingResponse = serde_json::from_value(json!({
        "Credentials": {"SecretId": "id-visible", "SecretKey": "key-161803"},
        "RequestId": "req-visible"
    }))
    .unwrap();
    for shown in [format!("{response:?}"), format!("{response:#?}")] {
        assert!(!shown.contains("key-161803"), "{shown}");
        assert!(shown.contains("id-visible"), "{shown}");
        assert!(shown.contains("req-visible"), "{shown}");
    }
    // A struct without sensitive members keeps the derive.
    let plain = sensitive::DescribeThingsResponse {
        request_id: "req-plain".into(),
    };
    assert_eq!(
        format!("{plain:?}"),
        r#"DescribeThingsResponse { request_id: "req-plain" }"#
    );
}

#[test]
fn lists_serialize_as_arrays() {
    let request = lists::DeleteThingsRequest::new(vec!["a".into(), "b".into()]);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"ThingIds": ["a", "b"]})
    );
    const { assert!(<lists::DeleteThingsRequest as Action>::RETRY_SAFE) };
}

#[test]
fn nested_objects_round_trip() {
    let response: nested_objects::DescribeThingsResponse = serde_json::from_value(json!({
        "ThingSet": [{"ThingId": "t", "Tags": [{"Key": "k"}], "Children": [{"ThingId": "c", "Tags": []}]}],
        "RequestId": "r"
    }))
    .unwrap();
    let thing = &response.thing_set[0];
    assert_eq!(thing.tags[0].key, "k");
    assert_eq!(thing.children.as_ref().unwrap()[0].thing_id, "c");
    let request = nested_objects::DescribeThingsRequest {
        filters: Some(vec![nested_objects::Filter {
            name: "n".into(),
            values: vec!["v".into()],
        }]),
        ..nested_objects::DescribeThingsRequest::new(nested_objects::Page {
            offset: Some(0),
            limit: Some(10),
        })
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"Filters": [{"Name": "n", "Values": ["v"]}], "Page": {"Offset": 0, "Limit": 10}})
    );
}

#[test]
fn several_actions_have_their_own_errors_and_settings() {
    use several_actions::{StartThingError, StopThingError};
    const { assert!(<several_actions::StartThingRequest as Action>::RATE_LIMIT.is_some()) };
    assert_eq!(
        <several_actions::StartThingRequest as Action>::NAME,
        "StartThing"
    );
    use several_actions::CommonError;
    assert!(matches!(
        StartThingError::from_service_error(service_error("ResourceNotFound")),
        StartThingError::ResourceNotFound(_)
    ));
    // A common code decodes to the shared enum, whether the action documents it
    // (`StopThing` documents `InternalError`) or not.
    for error in [
        StopThingError::from_service_error(service_error("InternalError")),
        StopThingError::from_service_error(service_error("RequestLimitExceeded")),
    ] {
        let code = error.service_error().code.clone();
        let StopThingError::Common(common) = &error else {
            panic!("{code} decoded as {error:?}");
        };
        assert_eq!(error.common(), Some(common));
        assert_eq!(common.service_error(), error.service_error());
        assert!(CommonError::CODES.contains(&code.as_str()));
    }
    assert!(matches!(
        StartThingError::from_service_error(service_error("InternalError")),
        StartThingError::Common(CommonError::InternalError(_))
    ));
    assert!(matches!(
        StartThingError::from_service_error(service_error("RequestLimitExceeded")),
        StartThingError::Common(CommonError::RequestLimitExceeded(_))
    ));
    assert_eq!(
        CommonError::from_service_error(service_error("ResourceNotFound")),
        Err(service_error("ResourceNotFound"))
    );
    assert_eq!(
        StartThingError::from_service_error(service_error("ResourceNotFound")).common(),
        None
    );
    // The list keeps the documented common code.
    assert_eq!(
        StopThingError::DOCUMENTED_CODES,
        ["ResourceNotFound", "InternalError"]
    );
    // The trait is named as asked and implemented for the runtime client.
    fn takes<T: several_actions::DemoApi>(_: &T) {}
    let client = vpc_client::Client::builder()
        .region("ap-guangzhou")
        .credentials(vpc_client::credentials::Credential::new("id", "key"))
        .build()
        .unwrap();
    takes(&client);
}

#[test]
fn keywords_and_acronyms_get_rust_names_and_keep_wire_names() {
    let request = keywords_acronyms::MatchRequest {
        self_: Some("s".into()),
        private_ipv6_address: Some("::1".into()),
        ike_version: Some("IKEV2".into()),
        vpc_id: Some("vpc-1".into()),
        r#async: Some(true),
        ..keywords_acronyms::MatchRequest::new("t")
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"Type": "t", "Self": "s", "PrivateIPv6Address": "::1", "IKEVersion": "IKEV2", "VPCId": "vpc-1", "Async": true})
    );
    // The method of action `Match` is `r#match`.
    fn takes<T: keywords_acronyms::VpcApi>(client: &T, request: &keywords_acronyms::MatchRequest) {
        let _future = client.r#match(request);
    }
    let _ = takes::<vpc_client::Client>;
}

#[test]
fn codes_named_like_the_enums_own_variants_are_renamed() {
    use case_collisions::{CommonError, DescribeError};
    // Names decided over the whole service: `Auth.Failure` (common) and `AuthFailure`
    // meet, `Unknown` and `Common` would take the enum's own variants.
    type Check = fn(&DescribeError) -> bool;
    let cases: [(&str, Check); 5] = [
        ("Unknown", |e| matches!(e, DescribeError::UnknownCode(_))),
        ("Common", |e| matches!(e, DescribeError::CommonCode(_))),
        ("AuthFailure", |e| {
            matches!(e, DescribeError::AuthFailure(_))
        }),
        ("Auth.Failure", |e| {
            matches!(e, DescribeError::Common(CommonError::AuthDotFailure(_)))
        }),
        ("Brand.New", |e| matches!(e, DescribeError::Unknown(_))),
    ];
    for (code, check) in cases {
        let error = DescribeError::from_service_error(service_error(code));
        assert!(check(&error), "{code} decoded as {error:?}");
        assert_eq!(error.service_error().code, code);
    }
}

#[test]
fn unknown_codes_keep_code_message_and_request_id() {
    use unknown_error_fallback::PingError;
    let error = PingError::from_service_error(service_error("Brand.NewCode"));
    // No common codes in the spec: no `Common` variant, and no common error.
    let PingError::Unknown(inner) = &error;
    assert!(error.common().is_none());
    assert_eq!(inner.code, "Brand.NewCode");
    assert_eq!(inner.message, "message of Brand.NewCode");
    assert_eq!(inner.request_id.as_deref(), Some("req-1"));
    assert_eq!(
        error.to_string(),
        "Brand.NewCode: message of Brand.NewCode (RequestId: req-1)"
    );
}

#[test]
fn macro_and_xtask_agree_on_the_real_spec() {
    // The macro's types for the real spec behave exactly like vpc-client's checked-in ones.
    let ours = vpc::ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
    let checked_in =
        vpc_client::vpc::ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
    assert_eq!(
        serde_json::to_string(&ours).unwrap(),
        serde_json::to_string(&checked_in).unwrap()
    );
    assert_eq!(
        vpc::ResetVpnConnectionError::DOCUMENTED_CODES,
        vpc_client::vpc::ResetVpnConnectionError::DOCUMENTED_CODES
    );
    assert_eq!(vpc::SERVICE, vpc_client::vpc::SERVICE);
}

#[test]
fn client_token_actions_name_their_token_and_fill_only_an_empty_one() {
    use client_token::{CreateOtherRequest, CreateThingRequest, RenameThingRequest};
    assert_eq!(CreateThingRequest::CLIENT_TOKEN, Some("ClientToken"));
    assert_eq!(CreateOtherRequest::CLIENT_TOKEN, Some("ClientToken"));
    assert_eq!(RenameThingRequest::CLIENT_TOKEN, None);

    // Absent or empty: a copy with the fresh token, everything else kept.
    let absent = CreateThingRequest::new("thing-1");
    let filled = absent.with_client_token(|| "fresh".to_owned()).unwrap();
    assert_eq!(
        serde_json::to_value(&filled).unwrap(),
        json!({"Name": "thing-1", "ClientToken": "fresh"})
    );
    let empty = CreateThingRequest {
        client_token: Some(String::new()),
        ..absent.clone()
    };
    assert_eq!(
        empty
            .with_client_token(|| "fresh".to_owned())
            .unwrap()
            .client_token
            .as_deref(),
        Some("fresh")
    );
    // The caller's own token is kept: no copy, and no token drawn.
    let given = CreateThingRequest {
        client_token: Some("mine".to_owned()),
        ..absent
    };
    assert_eq!(given.with_client_token(|| unreachable!("not drawn")), None);
    // A required token member: filled when empty only.
    let required = CreateOtherRequest::new("");
    assert_eq!(
        required
            .with_client_token(|| "fresh".to_owned())
            .unwrap()
            .client_token,
        "fresh"
    );
    assert_eq!(
        CreateOtherRequest::new("mine").with_client_token(|| "fresh".to_owned()),
        None
    );
    // Other actions: never a copy.
    assert_eq!(
        RenameThingRequest::new("n").with_client_token(|| "fresh".to_owned()),
        None
    );
}

/// The macro's waiters: `task()` on the task-starting answers, the `TaskQuery` of the
/// polling actions, and the state waiter methods on its trait, whose futures are `Send`.
#[test]
fn the_macro_generates_the_same_waiters() {
    use vpc_client::waiter::{TaskQuery, TaskStatus};
    use waiters::ThingApi;

    let answer: waiters::CreateThingResponse =
        serde_json::from_value(json!({"RequestId": "req-7"})).unwrap();
    let query = answer.task();
    assert_eq!(query.task_id, "req-7");
    assert_eq!(TaskQuery::task(&query), "req-7");
    let status: waiters::DescribeVpcTaskResultResponse =
        serde_json::from_value(json!({"Status": "FAILED", "Output": "no quota", "RequestId": "r"}))
            .unwrap();
    assert_eq!(
        waiters::DescribeVpcTaskResultRequest::status(&status),
        TaskStatus::Failed("no quota".into())
    );

    let answer: waiters::AllocateSlotResponse =
        serde_json::from_value(json!({"TaskId": "1234", "RequestId": "r"})).unwrap();
    assert_eq!(answer.task().and_then(|q| q.task_id), Some(1234));
    let answer: waiters::AllocateSlotResponse =
        serde_json::from_value(json!({"RequestId": "r"})).unwrap();
    assert!(answer.task().is_none());

    fn assert_send<T: Send>(_: T) {}
    let client = vpc_client::Client::builder()
        .credentials(vpc_client::credentials::Credential::new("AKID", "secret"))
        .region("ap-guangzhou")
        .build()
        .expect("client");
    let options = vpc_client::WaitOptions::default();
    assert_send(client.wait_until_thing_available("thing-1", &options));
    assert_send(client.wait_until_thing_deleted("thing-1", &options));
}
