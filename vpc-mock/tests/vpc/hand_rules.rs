//! The hand rules of families whose rows no description makes (issue 25): endpoint
//! service allowlists, ClassicLink, CCN route table selection policies, product quotas
//! and `TransformAddress`. Each test creates what it lists, so an answer copied from an
//! example fails it.

use serde_json::{Value, json};

use super::families::{call, client, start};

fn text<'a>(answer: &'a Value, pointer: &str) -> &'a str {
    answer
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no text at {pointer} in {answer}"))
}

fn code(result: Result<Value, String>) -> String {
    let error = result.expect_err("refused");
    error
        .split_once(": ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map_or(error.clone(), |(code, _)| code.to_owned())
}

async fn vpc(client: &vpc_client::Client, block: &str) -> String {
    let answer = call(
        client,
        "CreateVpc",
        &json!({"VpcName": "v", "CidrBlock": block}),
    )
    .await
    .expect("a VPC");
    text(&answer, "/Vpc/VpcId").to_owned()
}

#[tokio::test]
async fn an_endpoint_services_allowlist_is_kept() {
    let server = start().await;
    let client = client(&server);
    let vpc = vpc(&client, "10.0.0.0/16").await;
    let service = call(
        &client,
        "CreateVpcEndPointService",
        &json!({"VpcId": vpc, "EndPointServiceName": "s", "AutoAcceptFlag": true, "ServiceInstanceId": "lb-7xwasqqy"}),
    )
    .await
    .expect("a service");
    // `EndPointServiceName` fills the object's `ServiceName` (the generic create's
    // name rule).
    assert_eq!(text(&service, "/EndPointService/ServiceName"), "s");
    let service = text(&service, "/EndPointService/EndPointServiceId").to_owned();
    let list = |filters: Value| {
        let client = &client;
        async move {
            call(
                client,
                "DescribeVpcEndPointServiceWhiteList",
                &json!({ "Filters": filters }),
            )
            .await
            .expect("listed")
        }
    };
    assert_eq!(
        list(json!([])).await["TotalCount"],
        0,
        "nothing allowed yet"
    );
    for (uin, description) in [("100000000001", "one"), ("100000000002", "two")] {
        call(
            &client,
            "CreateVpcEndPointServiceWhiteList",
            &json!({"UserUin": uin, "EndPointServiceId": service, "Description": description}),
        )
        .await
        .expect("allowed");
    }
    let all = list(json!([])).await;
    assert_eq!(all["TotalCount"], 2);
    assert_eq!(
        all["VpcEndpointServiceUserSet"], all["VpcEndPointServiceUserSet"],
        "both names of the set carry it"
    );
    let one = list(json!([{"Name": "user-uin", "Values": ["100000000002"]}])).await;
    assert_eq!(one["TotalCount"], 1);
    assert_eq!(
        text(&one, "/VpcEndPointServiceUserSet/0/Description"),
        "two"
    );
    assert_eq!(
        text(&one, "/VpcEndPointServiceUserSet/0/EndPointServiceId"),
        service
    );
    call(
        &client,
        "ModifyVpcEndPointServiceWhiteList",
        &json!({"UserUin": "100000000002", "EndPointServiceId": service, "Description": "renamed"}),
    )
    .await
    .expect("modified");
    let one = list(json!([{"Name": "user-uin", "Values": ["100000000002"]}])).await;
    assert_eq!(
        text(&one, "/VpcEndPointServiceUserSet/0/Description"),
        "renamed"
    );
    let absent = call(
        &client,
        "ModifyVpcEndPointServiceWhiteList",
        &json!({"UserUin": "100000000009", "EndPointServiceId": service}),
    )
    .await;
    assert_eq!(code(absent), "UnsupportedOperation.UinNotFound");
    let malformed = call(
        &client,
        "CreateVpcEndPointServiceWhiteList",
        &json!({"UserUin": "abc", "EndPointServiceId": service}),
    )
    .await;
    assert_eq!(code(malformed), "InvalidParameterValue.Malformed");
    call(
        &client,
        "DeleteVpcEndPointServiceWhiteList",
        &json!({"UserUin": ["100000000001"], "EndPointServiceId": service}),
    )
    .await
    .expect("deleted");
    assert_eq!(list(json!([])).await["TotalCount"], 1);
    call(
        &client,
        "DeleteVpcEndPointService",
        &json!({"EndPointServiceId": service}),
    )
    .await
    .expect("service deleted");
    assert_eq!(
        list(json!([])).await["TotalCount"],
        0,
        "the service's allowlist goes with it"
    );
    let gone = call(
        &client,
        "CreateVpcEndPointServiceWhiteList",
        &json!({"UserUin": "100000000001", "EndPointServiceId": service}),
    )
    .await;
    assert_eq!(code(gone), "ResourceNotFound");
    server.shutdown().await;
}

#[tokio::test]
async fn classic_links_are_listed_and_hold_their_vpc() {
    let server = start().await;
    let client = client(&server);
    let vpc = vpc(&client, "10.0.0.0/16").await;
    let other = self::vpc(&client, "10.1.0.0/16").await;
    let listed = |filters: Value| {
        let client = &client;
        async move {
            call(
                client,
                "DescribeClassicLinkInstances",
                &json!({ "Filters": filters }),
            )
            .await
            .expect("listed")
        }
    };
    assert_eq!(listed(json!([])).await["TotalCount"], 0);
    call(
        &client,
        "AttachClassicLinkVpc",
        &json!({"VpcId": vpc, "InstanceIds": ["ins-11112222", "ins-11113333"]}),
    )
    .await
    .expect("linked");
    let again = call(
        &client,
        "AttachClassicLinkVpc",
        &json!({"VpcId": other, "InstanceIds": ["ins-11112222"]}),
    )
    .await;
    assert_eq!(
        code(again),
        "UnsupportedOperation.ClassicInstanceIdAlreadyExists"
    );
    let malformed = call(
        &client,
        "AttachClassicLinkVpc",
        &json!({"VpcId": other, "InstanceIds": ["i-1"]}),
    )
    .await;
    assert_eq!(code(malformed), "InvalidParameterValue.Malformed");
    let mine = listed(json!([{"Name": "vpc-id", "Values": [vpc]}])).await;
    assert_eq!(mine["TotalCount"], 2);
    assert_eq!(
        text(&mine, "/ClassicLinkInstanceSet/0/InstanceId"),
        "ins-11112222"
    );
    let none = listed(json!([{"Name": "vpc-id", "Values": [other]}])).await;
    assert_eq!(none["TotalCount"], 0);
    let held = call(&client, "DeleteVpc", &json!({"VpcId": vpc})).await;
    assert!(held.is_err(), "a VPC with links is not deleted");
    call(
        &client,
        "DetachClassicLinkVpc",
        &json!({"VpcId": vpc, "InstanceIds": ["ins-11112222", "ins-11113333"]}),
    )
    .await
    .expect("detached");
    let twice = call(
        &client,
        "DetachClassicLinkVpc",
        &json!({"VpcId": vpc, "InstanceIds": ["ins-11112222"]}),
    )
    .await;
    assert_eq!(code(twice), "ResourceNotFound");
    assert_eq!(listed(json!([])).await["TotalCount"], 0);
    call(&client, "DeleteVpc", &json!({"VpcId": vpc}))
        .await
        .expect("deleted once unlinked");
    server.shutdown().await;
}

#[tokio::test]
async fn route_table_selection_policies_follow_attachments_and_tables() {
    let server = start().await;
    let client = client(&server);
    let vpc = vpc(&client, "10.0.0.0/16").await;
    let ccn = call(&client, "CreateCcn", &json!({"CcnName": "c"}))
        .await
        .expect("a CCN");
    let ccn = text(&ccn, "/Ccn/CcnId").to_owned();
    let tables = call(
        &client,
        "CreateCcnRouteTables",
        &json!({"RouteTable": [{"CcnId": ccn, "Name": "t", "Description": "d"}]}),
    )
    .await
    .expect("a route table");
    let table = text(&tables, "/CcnRouteTableSet/0/CcnRouteTableId").to_owned();
    let policy = |instance: &str, block: &str| json!({"CcnId": ccn, "SelectionPolicies": [{"InstanceType": "VPC", "InstanceId": instance, "SourceCidrBlock": block, "RouteTableId": table, "Description": "p"}]});
    let unattached = call(
        &client,
        "ModifyRouteTableSelectionPolicies",
        &policy(&vpc, "10.0.0.0/24"),
    )
    .await;
    assert_eq!(code(unattached), "UnsupportedOperation.InstanceNotExist");
    call(
        &client,
        "AttachCcnInstances",
        &json!({"CcnId": ccn, "Instances": [{"InstanceId": vpc, "InstanceType": "VPC", "InstanceRegion": "ap-guangzhou"}]}),
    )
    .await
    .expect("attached");
    let mut wrong_table = policy(&vpc, "10.0.0.0/24");
    wrong_table["SelectionPolicies"][0]["RouteTableId"] = Value::from("ccnrtb-00000000");
    assert_eq!(
        code(call(&client, "ModifyRouteTableSelectionPolicies", &wrong_table).await),
        "UnsupportedOperation.CcnRouteTableNotExist"
    );
    call(
        &client,
        "ModifyRouteTableSelectionPolicies",
        &policy(&vpc, "10.0.0.0/24"),
    )
    .await
    .expect("a policy");
    call(
        &client,
        "ModifyRouteTableSelectionPolicies",
        &policy(&vpc, "10.0.0.0/24"),
    )
    .await
    .expect("the same policy again replaces it");
    let listed = call(
        &client,
        "DescribeRouteTableSelectionPolicies",
        &json!({"Filters": [{"Name": "ccn-id", "Values": [ccn]}]}),
    )
    .await
    .expect("listed");
    assert_eq!(listed["TotalCount"], 1);
    assert_eq!(
        text(&listed, "/RouteSelectionPolicySet/0/RouteTableId"),
        table
    );
    assert_eq!(
        text(&listed, "/RouteSelectionPolicySet/0/InstanceName"),
        "v"
    );
    let by_table = call(
        &client,
        "DescribeRouteTableSelectionPolicies",
        &json!({"Filters": [{"Name": "ccn-route-table-id", "Values": ["ccnrtb-00000000"]}]}),
    )
    .await
    .expect("listed");
    assert_eq!(by_table["TotalCount"], 0);
    call(
        &client,
        "ClearRouteTableSelectionPolicies",
        &json!({"CcnId": ccn}),
    )
    .await
    .expect("cleared");
    let after = call(&client, "DescribeRouteTableSelectionPolicies", &json!({}))
        .await
        .expect("listed");
    assert_eq!(after["TotalCount"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn product_quotas_count_the_callers_rows_and_ccns_are_limited() {
    let server = start().await;
    let client = client(&server);
    let current = |answer: &Value| answer["ProductQuotaSet"][0]["QuotaCurrent"].as_u64();
    let quota = |product: &str| {
        let client = &client;
        let product = product.to_owned();
        async move {
            call(
                client,
                "DescribeProductQuota",
                &json!({ "Product": product }),
            )
            .await
            .expect("quota")
        }
    };
    assert_eq!(current(&quota("vpc").await), Some(0));
    vpc(&client, "10.0.0.0/16").await;
    assert_eq!(current(&quota("vpc").await), Some(1));
    call(&client, "CreateCcn", &json!({"CcnName": "c"}))
        .await
        .expect("a CCN");
    let ccns = quota("ccn").await;
    assert_eq!(current(&ccns), Some(1));
    assert_eq!(ccns["ProductQuotaSet"][0]["QuotaRegion"], false);
    assert_eq!(quota("clb").await["TotalCount"], 0);
    let unknown = call(&client, "DescribeProductQuota", &json!({"Product": "cvm"})).await;
    assert_eq!(code(unknown), "InvalidParameterValue");
    server.shutdown().await;

    // CreateCcn holds to the quota of CCNs per account.
    let emulator = vpc_mock::emulator::Emulator::builder()
        .quota(vpc_mock::emulator::CCNS_PER_ACCOUNT, 1)
        .build()
        .expect("an emulator");
    let server = vpc_mock::MockServer::vpc_emulated(vpc_mock::VpcState::seeded(), emulator)
        .expect("the shipped spec loads")
        .credential(vpc_mock::demo_credential())
        .without_rate_limits()
        .start()
        .await
        .expect("start");
    let client = super::families::client(&server);
    call(&client, "CreateCcn", &json!({"CcnName": "a"}))
        .await
        .expect("the first CCN");
    let over = call(&client, "CreateCcn", &json!({"CcnName": "b"})).await;
    assert_eq!(code(over), "LimitExceeded");
    server.shutdown().await;
}

#[tokio::test]
async fn transform_address_makes_a_bound_eip() {
    let server = start().await;
    let client = client(&server);
    let answer = call(
        &client,
        "TransformAddress",
        &json!({"InstanceId": "ins-11112222"}),
    )
    .await
    .expect("transformed");
    let id = text(&answer, "/AddressId").to_owned();
    let listed = call(&client, "DescribeAddresses", &json!({"AddressIds": [id]}))
        .await
        .expect("listed");
    assert_eq!(listed["TotalCount"], 1);
    assert_eq!(text(&listed, "/AddressSet/0/AddressStatus"), "BIND");
    assert_eq!(text(&listed, "/AddressSet/0/InstanceId"), "ins-11112222");
    let again = call(
        &client,
        "TransformAddress",
        &json!({"InstanceId": "ins-11112222"}),
    )
    .await;
    assert_eq!(code(again), "InvalidInstanceId.AlreadyBindEip");
    let malformed = call(&client, "TransformAddress", &json!({"InstanceId": "x"})).await;
    assert_eq!(code(malformed), "InvalidParameterValue.InstanceIdMalformed");
    server.shutdown().await;
}

#[tokio::test]
async fn ccn_routes_are_learned_from_attachments_and_switched() {
    let server = start().await;
    let client = client(&server);
    let first = vpc(&client, "10.0.0.0/16").await;
    let second = vpc(&client, "10.0.0.0/16").await;
    let ccn = call(&client, "CreateCcn", &json!({"CcnName": "c"}))
        .await
        .expect("a CCN");
    let ccn = text(&ccn, "/Ccn/CcnId").to_owned();
    let routes = || {
        let client = &client;
        let ccn = ccn.clone();
        async move {
            call(client, "DescribeCcnRoutes", &json!({ "CcnId": ccn }))
                .await
                .expect("listed")
        }
    };
    assert_eq!(routes().await["TotalCount"], 0, "no attachment, no route");
    let attach = |vpc: &str| json!({"CcnId": ccn, "Instances": [{"InstanceId": vpc, "InstanceType": "VPC", "InstanceRegion": "ap-guangzhou"}]});
    call(&client, "AttachCcnInstances", &attach(&first))
        .await
        .expect("attached");
    let learned = routes().await;
    assert_eq!(learned["TotalCount"], 1);
    assert_eq!(
        text(&learned, "/RouteSet/0/DestinationCidrBlock"),
        "10.0.0.0/16"
    );
    assert_eq!(text(&learned, "/RouteSet/0/InstanceId"), first);
    assert_eq!(learned["RouteSet"][0]["Enabled"], true);
    assert!(
        learned["RouteSet"][0].get("CcnId").is_none(),
        "a CcnRoute has no CcnId"
    );
    let first_route = text(&learned, "/RouteSet/0/RouteId").to_owned();
    // The second VPC's block overlaps the first's: learned disabled, and not enabled
    // while the first is.
    call(&client, "AttachCcnInstances", &attach(&second))
        .await
        .expect("attached");
    let both = routes().await;
    assert_eq!(both["TotalCount"], 2);
    assert_eq!(both["RouteSet"][1]["Enabled"], false);
    let second_route = text(&both, "/RouteSet/1/RouteId").to_owned();
    let overlap = call(
        &client,
        "EnableCcnRoutes",
        &json!({"CcnId": ccn, "RouteIds": [second_route]}),
    )
    .await;
    assert_eq!(code(overlap), "UnsupportedOperation.CcnRouteCidrOverlap");
    call(
        &client,
        "DisableCcnRoutes",
        &json!({"CcnId": ccn, "RouteIds": [first_route]}),
    )
    .await
    .expect("disabled");
    call(
        &client,
        "EnableCcnRoutes",
        &json!({"CcnId": ccn, "RouteIds": [second_route]}),
    )
    .await
    .expect("enabled once the other is not");
    let by_instance = call(
        &client,
        "DescribeCcnRoutes",
        &json!({"CcnId": ccn, "Filters": [{"Name": "instance-id", "Values": [second]}]}),
    )
    .await
    .expect("listed");
    assert_eq!(by_instance["TotalCount"], 1);
    assert_eq!(by_instance["RouteSet"][0]["Enabled"], true);
    let unknown = call(
        &client,
        "DisableCcnRoutes",
        &json!({"CcnId": ccn, "RouteIds": ["ccnr-00000000"]}),
    )
    .await;
    assert_eq!(code(unknown), "ResourceNotFound");
    call(
        &client,
        "DetachCcnInstances",
        &json!({"CcnId": ccn, "Instances": [{"InstanceId": first, "InstanceType": "VPC", "InstanceRegion": "ap-guangzhou"}]}),
    )
    .await
    .expect("detached");
    let left = routes().await;
    assert_eq!(left["TotalCount"], 1, "a detached VPC's routes go");
    assert_eq!(text(&left, "/RouteSet/0/RouteId"), second_route);
    server.shutdown().await;
}

#[tokio::test]
async fn routes_are_enabled_disabled_replaced_and_reset() {
    let server = start().await;
    let client = client(&server);
    let vpc = vpc(&client, "10.0.0.0/16").await;
    let table = call(
        &client,
        "CreateRouteTable",
        &json!({"VpcId": vpc, "RouteTableName": "t"}),
    )
    .await
    .expect("a table");
    let table = text(&table, "/RouteTable/RouteTableId").to_owned();
    let route = |block: &str, gateway: &str| json!({"DestinationCidrBlock": block, "GatewayType": "NORMAL_CVM", "GatewayId": gateway});
    call(
        &client,
        "CreateRoutes",
        &json!({"RouteTableId": table, "Routes": [route("192.168.0.0/16", "10.0.0.5")]}),
    )
    .await
    .expect("a route");
    let set = || {
        let client = &client;
        let table = table.clone();
        async move {
            call(
                client,
                "DescribeRouteTables",
                &json!({ "RouteTableIds": [table] }),
            )
            .await
            .expect("listed")["RouteTableSet"][0]["RouteSet"]
                .clone()
        }
    };
    let routes = set().await;
    let number = routes[0]["RouteId"].as_u64().expect("a RouteId");
    let item = routes[0]["RouteItemId"]
        .as_str()
        .expect("an item")
        .to_owned();
    call(
        &client,
        "DisableRoutes",
        &json!({"RouteTableId": table, "RouteIds": [number]}),
    )
    .await
    .expect("disabled");
    assert_eq!(set().await[0]["Enabled"], false);
    let both = call(
        &client,
        "EnableRoutes",
        &json!({"RouteTableId": table, "RouteIds": [number], "RouteItemIds": [item]}),
    )
    .await;
    assert_eq!(code(both), "InvalidParameter.Coexist");
    call(
        &client,
        "EnableRoutes",
        &json!({"RouteTableId": table, "RouteItemIds": [item]}),
    )
    .await
    .expect("enabled");
    assert_eq!(set().await[0]["Enabled"], true);
    let missing = call(
        &client,
        "EnableRoutes",
        &json!({"RouteTableId": table, "RouteIds": [999]}),
    )
    .await;
    assert_eq!(code(missing), "ResourceNotFound");
    let mut replacement = route("192.168.0.0/16", "10.0.0.9");
    replacement["RouteId"] = Value::from(number);
    let replaced = call(
        &client,
        "ReplaceRoutes",
        &json!({"RouteTableId": table, "Routes": [replacement]}),
    )
    .await
    .expect("replaced");
    assert_eq!(text(&replaced, "/OldRouteSet/0/GatewayId"), "10.0.0.5");
    assert_eq!(text(&replaced, "/NewRouteSet/0/GatewayId"), "10.0.0.9");
    assert_eq!(set().await[0]["GatewayId"], "10.0.0.9");
    let inside = call(
        &client,
        "ReplaceRoutes",
        &json!({"RouteTableId": table, "Routes": [{"RouteId": number, "DestinationCidrBlock": "10.0.1.0/24", "GatewayType": "NORMAL_CVM", "GatewayId": "10.0.0.9"}]}),
    )
    .await;
    assert_eq!(code(inside), "InvalidParameterValue.VpcCidrConflict");
    call(
        &client,
        "ResetRoutes",
        &json!({"RouteTableId": table, "RouteTableName": "reset", "Routes": [route("172.16.0.0/16", "10.0.0.7"), route("172.17.0.0/16", "10.0.0.7")]}),
    )
    .await
    .expect("reset");
    let after = set().await;
    assert_eq!(after.as_array().map(Vec::len), Some(2), "{after}");
    assert_eq!(after[0]["DestinationCidrBlock"], "172.16.0.0/16");
    let refused = call(
        &client,
        "ResetRoutes",
        &json!({"RouteTableId": table, "RouteTableName": "again", "Routes": [route("10.0.2.0/24", "10.0.0.7")]}),
    )
    .await;
    assert!(refused.is_err(), "a route inside the VPC is refused");
    let kept = call(
        &client,
        "DescribeRouteTables",
        &json!({ "RouteTableIds": [table] }),
    )
    .await
    .expect("listed");
    assert_eq!(text(&kept, "/RouteTableSet/0/RouteTableName"), "reset");
    assert_eq!(
        kept["RouteTableSet"][0]["RouteSet"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "a refused reset leaves the table as it was"
    );
    server.shutdown().await;
}
