//! The stateful emulator through the typed client: a scenario (VPC, two subnets, a
//! filtered listing, a refused delete, cleanup), each rule with its documented code,
//! isolation of accounts and regions, real paging with the client's paginator, and
//! seeded IDs.

use futures_util::StreamExt;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    CreateSubnetRequest, CreateSubnetsRequest, CreateVpcRequest, DeleteSubnetRequest,
    DeleteVpcRequest, DescribeSubnetsRequest, DescribeVpcLimitsRequest, DescribeVpcsRequest,
    Filter, ModifySubnetAttributeRequest, ModifyVpcAttributeRequest, SubnetInput, Tag,
};
use vpc_client::{ActionError, Client, Endpoint, Error, RateLimitPolicy, RetryPolicy};
use vpc_mock::emulator::{SUBNETS_PER_VPC, VPCS_PER_REGION, emulated_actions};
use vpc_mock::{Emulator, MockServer, RunningServer, VpcState, demo_credential, vpc_service};

pub(crate) const OTHER_ACCOUNT: (&str, &str) = ("AKIDOTHERACCOUNT0001", "other-account-secret");

pub(crate) async fn start(emulator: &Emulator) -> RunningServer {
    MockServer::vpc_emulated(VpcState::seeded(), emulator.clone())
        .expect("the shipped spec loads")
        .credential(demo_credential())
        .credential(Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1))
        .without_rate_limits()
        .start()
        .await
        .expect("start")
}

pub(crate) fn client_as(server: &RunningServer, credential: Credential, region: &str) -> Client {
    Client::builder()
        .credentials(credential)
        .region(region)
        .endpoint(Endpoint::Url(server.url()))
        .retry(RetryPolicy::none())
        .rate_limit(RateLimitPolicy::none())
        .build()
        .expect("client")
}

/// How many VPCs and subnets the emulator holds, in all scopes.
fn vpcs_and_subnets(emulator: &Emulator) -> (usize, usize) {
    let counts = emulator.counts();
    (counts["vpcs"], counts["subnets"])
}

pub(crate) fn client(server: &RunningServer) -> Client {
    client_as(server, demo_credential(), "ap-guangzhou")
}

/// The code of a refused call, checked to be one `action` documents or a common one.
pub(crate) fn code<T: std::fmt::Debug, E: ActionError>(
    action: &str,
    result: Result<T, Error<E>>,
) -> String {
    let error = result.expect_err("refused");
    let code = error
        .service_error()
        .unwrap_or_else(|| panic!("{action}: not a service error: {error:?}"))
        .code
        .clone();
    let service = vpc_service().expect("spec");
    let documented = service
        .action(action)
        .expect("action")
        .errors
        .iter()
        .any(|e| e.code == code);
    assert!(
        documented || service.is_common(&code),
        "{action} answered `{code}`, which it does not document"
    );
    code
}

pub(crate) fn vpc(name: &str, cidr: &str) -> CreateVpcRequest {
    let mut request = CreateVpcRequest::new(name);
    request.cidr_block = Some(cidr.to_owned());
    request
}

pub(crate) fn subnet(vpc_id: &str, name: &str, cidr: &str) -> CreateSubnetRequest {
    let mut request = CreateSubnetRequest::new(vpc_id, name, "ap-guangzhou-3");
    request.cidr_block = Some(cidr.to_owned());
    request
}

pub(crate) fn filter(name: &str, values: &[&str]) -> Filter {
    Filter {
        name: name.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

pub(crate) fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned(),
        value: Some(value.to_owned()),
    }
}

pub(crate) async fn create_vpc(client: &Client, name: &str, cidr: &str) -> String {
    client
        .call(&vpc(name, cidr))
        .await
        .expect("created")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("an ID")
}

#[tokio::test]
async fn scenario_create_list_refuse_delete_clean_up() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);

    let mut request = vpc("prod-network", "10.0.0.0/16");
    request.tags = Some(vec![tag("env", "prod")]);
    let created = client
        .call(&request)
        .await
        .expect("created")
        .vpc
        .expect("vpc");
    let vpc_id = created.vpc_id.clone().expect("id");
    assert_eq!(created.cidr_block.as_deref(), Some("10.0.0.0/16"));
    assert_eq!(created.tag_set, Some(vec![tag("env", "prod")]));
    let other = create_vpc(&client, "staging", "172.16.0.0/16").await;

    let a = client
        .call(&subnet(&vpc_id, "web", "10.0.1.0/24"))
        .await
        .expect("subnet a")
        .subnet
        .expect("subnet");
    assert_eq!(a.vpc_id.as_deref(), Some(vpc_id.as_str()));
    assert_eq!(a.total_ip_address_count, Some(256));
    let mut many = CreateSubnetsRequest::new(
        &vpc_id,
        vec![SubnetInput {
            subnet_name: "db".into(),
            zone: "ap-guangzhou-4".into(),
            cidr_block: Some("10.0.2.0/24".into()),
            ..SubnetInput::default()
        }],
    );
    many.tags = Some(vec![tag("tier", "db")]);
    let b = client
        .call(&many)
        .await
        .expect("subnet b")
        .subnet_set
        .expect("set");
    assert_eq!(b.len(), 1);

    // Filters: a fuzzy name, a tag, values ORed, filters ANDed.
    let mut list = DescribeVpcsRequest::new();
    list.filters = Some(vec![filter("vpc-name", &["prod"])]);
    let found = client.call(&list).await.expect("listed");
    assert_eq!(found.total_count, Some(1));
    assert_eq!(
        found.vpc_set.expect("set")[0].vpc_id.as_deref(),
        Some(vpc_id.as_str())
    );
    list.filters = Some(vec![filter("tag:env", &["prod", "dev"])]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(1)
    );
    list.filters = Some(vec![filter("tag-key", &["nope"])]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(0)
    );
    list.filters = Some(vec![
        filter("cidr-block", &["10.0.0.0/16", "172.16.0.0/16"]),
        filter("is-default", &["false"]),
    ]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(2)
    );
    list.filters = Some(vec![
        filter("cidr-block", &["10.0.0.0/16", "172.16.0.0/16"]),
        filter("vpc-id", &[&other]),
    ]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(1)
    );

    let mut subnets = DescribeSubnetsRequest::new();
    subnets.filters = Some(vec![filter("vpc-id", &[&vpc_id])]);
    assert_eq!(
        client.call(&subnets).await.expect("listed").total_count,
        Some(2)
    );
    subnets.filters = Some(vec![
        filter("vpc-id", &[&vpc_id]),
        filter("tag:tier", &["db"]),
    ]);
    let db = client
        .call(&subnets)
        .await
        .expect("listed")
        .subnet_set
        .expect("set");
    assert_eq!(db.len(), 1);
    assert_eq!(db[0].zone.as_deref(), Some("ap-guangzhou-4"));

    // Modify, then see it.
    let mut rename = ModifySubnetAttributeRequest::new(a.subnet_id.clone().expect("id"));
    rename.subnet_name = Some("web-2".into());
    client.call(&rename).await.expect("renamed");
    subnets.filters = Some(vec![filter("subnet-name", &["web-2"])]);
    assert_eq!(
        client.call(&subnets).await.expect("listed").total_count,
        Some(1)
    );
    let mut rename = ModifyVpcAttributeRequest::new(&vpc_id);
    rename.vpc_name = Some("prod-2".into());
    client.call(&rename).await.expect("renamed");
    list.filters = Some(vec![filter("vpc-name", &["prod-2"])]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(1)
    );

    // A VPC with subnets is not deleted.
    let refused = client.call(&DeleteVpcRequest::new(&vpc_id)).await;
    assert_eq!(code("DeleteVpc", refused), "ResourceInUse");

    // Cleanup.
    for id in [a.subnet_id.clone(), b[0].subnet_id.clone()] {
        client
            .call(&DeleteSubnetRequest::new(id.expect("id")))
            .await
            .expect("subnet deleted");
    }
    for id in [&vpc_id, &other] {
        client
            .call(&DeleteVpcRequest::new(id))
            .await
            .expect("vpc deleted");
    }
    assert_eq!(vpcs_and_subnets(&emulator), (0, 0));
    let gone = client.call(&DeleteVpcRequest::new(&vpc_id)).await;
    assert_eq!(code("DeleteVpc", gone), "ResourceNotFound");
    server.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_its_documented_code() {
    let emulator = Emulator::builder()
        .quota(VPCS_PER_REGION, 2)
        .quota(SUBNETS_PER_VPC, 2)
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);

    // VPC blocks: private ranges, masks /12 (/16 in 192.168) to /28.
    for bad in ["8.8.0.0/16", "10.0.0.0/8", "192.168.0.0/15", "10.0.0.0/29"] {
        let refused = client.call(&vpc("v", bad)).await;
        assert_eq!(code("CreateVpc", refused), "InvalidParameterValue", "{bad}");
    }
    let refused = client.call(&vpc("v", "10.0.0.1/16")).await;
    assert_eq!(
        code("CreateVpc", refused),
        "InvalidParameterValue.Malformed"
    );
    let refused = client.call(&vpc(&"n".repeat(61), "10.0.0.0/16")).await;
    assert_eq!(code("CreateVpc", refused), "InvalidParameterValue.TooLong");
    let mut twice = vpc("v", "10.0.0.0/16");
    twice.tags = Some(vec![tag("k", "1"), tag("k", "2")]);
    assert_eq!(
        code("CreateVpc", client.call(&twice).await),
        "InvalidParameterValue.TagDuplicateKey"
    );

    let vpc_id = create_vpc(&client, "a", "10.0.0.0/16").await;
    create_vpc(&client, "b", "10.1.0.0/16").await;
    // Quota: VPCs per region.
    let refused = client.call(&vpc("c", "10.2.0.0/16")).await;
    assert_eq!(code("CreateVpc", refused), "LimitExceeded");
    let limits = client
        .call(&DescribeVpcLimitsRequest::new(vec![
            VPCS_PER_REGION.into(),
            SUBNETS_PER_VPC.into(),
        ]))
        .await
        .expect("limits")
        .vpc_limit_set
        .expect("set");
    let values: Vec<(Option<String>, Option<u64>)> = limits
        .into_iter()
        .map(|l| (l.limit_type, l.limit_value))
        .collect();
    assert_eq!(
        values,
        [
            (Some(VPCS_PER_REGION.into()), Some(2)),
            (Some(SUBNETS_PER_VPC.into()), Some(2))
        ]
    );

    // Subnets: inside the VPC, no overlap, the quota per VPC.
    let refused = client.call(&subnet(&vpc_id, "s", "10.9.0.0/24")).await;
    assert_eq!(
        code("CreateSubnet", refused),
        "InvalidParameterValue.SubnetRange"
    );
    let refused = client.call(&subnet(&vpc_id, "s", "10.0.0.0/30")).await;
    assert_eq!(
        code("CreateSubnet", refused),
        "InvalidParameterValue.SubnetRange"
    );
    client
        .call(&subnet(&vpc_id, "s1", "10.0.0.0/24"))
        .await
        .expect("subnet");
    let refused = client.call(&subnet(&vpc_id, "s", "10.0.0.128/25")).await;
    assert_eq!(
        code("CreateSubnet", refused),
        "InvalidParameterValue.SubnetConflict"
    );
    // CreateSubnets checks its own subnets against each other too, and creates none.
    let input = |cidr: &str| SubnetInput {
        subnet_name: "x".into(),
        zone: "ap-guangzhou-3".into(),
        cidr_block: Some(cidr.into()),
        ..SubnetInput::default()
    };
    let request =
        CreateSubnetsRequest::new(&vpc_id, vec![input("10.0.5.0/24"), input("10.0.5.0/25")]);
    let refused = client.call(&request).await;
    assert_eq!(
        code("CreateSubnets", refused),
        "InvalidParameterValue.SubnetConflict"
    );
    assert_eq!(vpcs_and_subnets(&emulator), (2, 1));
    let request =
        CreateSubnetsRequest::new(&vpc_id, vec![input("10.0.5.0/24"), input("10.0.6.0/24")]);
    let refused = client.call(&request).await;
    assert_eq!(code("CreateSubnets", refused), "LimitExceeded");
    let refused = client
        .call(&subnet("vpc-00000000", "s", "10.0.9.0/24"))
        .await;
    assert_eq!(code("CreateSubnet", refused), "ResourceNotFound");
    let refused = client.call(&subnet("vpc-bad", "s", "10.0.9.0/24")).await;
    assert_eq!(
        code("CreateSubnet", refused),
        "InvalidParameterValue.Malformed"
    );

    // Listings: unknown filter, IDs with filters, Limit over the maximum.
    let mut list = DescribeVpcsRequest::new();
    list.filters = Some(vec![filter("colour", &["blue"])]);
    assert_eq!(
        code("DescribeVpcs", client.call(&list).await),
        "InvalidParameter.FilterInvalidKey"
    );
    let mut list = DescribeSubnetsRequest::new();
    list.filters = Some(vec![filter("vpc-name", &["a"])]);
    assert_eq!(
        code("DescribeSubnets", client.call(&list).await),
        "InvalidParameter.FilterInvalidKey"
    );
    let mut list = DescribeVpcsRequest::new();
    list.vpc_ids = Some(vec![vpc_id.clone()]);
    list.filters = Some(vec![filter("vpc-name", &["a"])]);
    assert_eq!(
        code("DescribeVpcs", client.call(&list).await),
        "InvalidParameter.Coexist"
    );
    let mut list = DescribeSubnetsRequest::new();
    list.subnet_ids = Some(vec!["subnet-00000000".into()]);
    list.filters = Some(vec![filter("zone", &["x"])]);
    assert_eq!(
        code("DescribeSubnets", client.call(&list).await),
        "InvalidParameter.Coexist"
    );
    let mut list = DescribeVpcsRequest::new();
    list.limit = Some("101".into());
    assert_eq!(
        code("DescribeVpcs", client.call(&list).await),
        "InvalidParameterValue.Range"
    );
    list.limit = Some("ten".into());
    assert_eq!(
        code("DescribeVpcs", client.call(&list).await),
        "InvalidParameterValue.Malformed"
    );
    let mut list = DescribeSubnetsRequest::new();
    list.limit = Some("101".into());
    assert_eq!(
        code("DescribeSubnets", client.call(&list).await),
        "InvalidParameterValue.Range"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn accounts_and_regions_do_not_see_each_other() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let home = client(&server);
    let vpc_id = create_vpc(&home, "mine", "10.0.0.0/16").await;
    let strangers = [
        client_as(&server, demo_credential(), "ap-shanghai"),
        client_as(
            &server,
            Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1),
            "ap-guangzhou",
        ),
    ];
    for stranger in &strangers {
        let listed = stranger
            .call(&DescribeVpcsRequest::new())
            .await
            .expect("listed");
        assert_eq!(listed.total_count, Some(0));
        let mut by_id = DescribeVpcsRequest::new();
        by_id.vpc_ids = Some(vec![vpc_id.clone()]);
        assert_eq!(
            stranger.call(&by_id).await.expect("listed").total_count,
            Some(0)
        );
        let refused = stranger.call(&DeleteVpcRequest::new(&vpc_id)).await;
        assert_eq!(code("DeleteVpc", refused), "ResourceNotFound");
        let refused = stranger.call(&subnet(&vpc_id, "s", "10.0.0.0/24")).await;
        assert_eq!(code("CreateSubnet", refused), "ResourceNotFound");
        let mut rename = ModifyVpcAttributeRequest::new(&vpc_id);
        rename.vpc_name = Some("theirs".into());
        let refused = stranger.call(&rename).await;
        assert_eq!(code("ModifyVpcAttribute", refused), "ResourceNotFound");
    }
    // Each scope has its own quota too: the stranger can create the same block.
    create_vpc(&strangers[0], "theirs", "10.0.0.0/16").await;
    assert_eq!(
        home.call(&DescribeVpcsRequest::new())
            .await
            .expect("listed")
            .total_count,
        Some(1)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_paginator_lists_250_emulated_vpcs_in_3_calls() {
    let emulator = Emulator::builder()
        .quota(VPCS_PER_REGION, 300)
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let mut created = Vec::new();
    for i in 0..250 {
        created.push(create_vpc(&client, &format!("vpc-{i}"), "10.0.0.0/16").await);
    }
    let before = server.handler_calls("DescribeVpcs");
    let pages: Vec<_> = client
        .describe_vpcs_pages(DescribeVpcsRequest::new())
        .collect()
        .await;
    assert_eq!(server.handler_calls("DescribeVpcs") - before, 3);
    assert_eq!(pages.len(), 3);
    let listed: Vec<String> = pages
        .into_iter()
        .flat_map(|page| page.expect("a page").vpc_set.expect("set"))
        .map(|vpc| vpc.vpc_id.expect("id"))
        .collect();
    // Every VPC once, in creation order.
    assert_eq!(listed, created);

    // Offset and Limit by hand: the window of the same order.
    let mut window = DescribeVpcsRequest::new();
    window.offset = Some("245".into());
    window.limit = Some("10".into());
    let answer = client.call(&window).await.expect("listed");
    assert_eq!(answer.total_count, Some(250));
    let ids: Vec<String> = answer
        .vpc_set
        .expect("set")
        .into_iter()
        .map(|v| v.vpc_id.expect("id"))
        .collect();
    assert_eq!(ids, created[245..]);
    server.shutdown().await;
}

#[tokio::test]
async fn seeded_ids_repeat_after_a_reset_and_in_another_emulator_and_have_the_example_shape() {
    let run = |emulator: Emulator| async move {
        let server = start(&emulator).await;
        let client = client(&server);
        let mut ids = Vec::new();
        for i in 0..3 {
            let vpc_id = create_vpc(&client, "v", &format!("10.{i}.0.0/16")).await;
            let subnet_id = client
                .call(&subnet(&vpc_id, "s", &format!("10.{i}.0.0/24")))
                .await
                .expect("subnet")
                .subnet
                .and_then(|s| s.subnet_id)
                .expect("id");
            ids.push(vpc_id);
            ids.push(subnet_id);
        }
        emulator.reset();
        assert_eq!(vpcs_and_subnets(&emulator), (0, 0));
        let again = create_vpc(&client, "v", "10.0.0.0/16").await;
        server.shutdown().await;
        (ids, again)
    };
    let (first, again) = run(Emulator::builder().seed(42).build().expect("emulator")).await;
    assert_eq!(again, first[0], "a reset starts the seeded IDs over");
    let (second, _) = run(Emulator::builder().seed(42).build().expect("emulator")).await;
    assert_eq!(first, second);
    let (third, _) = run(Emulator::builder().seed(43).build().expect("emulator")).await;
    assert_ne!(first, third);
    // The shape of the spec's examples: `vpc-f49l6u0z`, `subnet-pxir56ns`.
    for (i, id) in first.iter().enumerate() {
        let prefix = if i % 2 == 0 { "vpc-" } else { "subnet-" };
        let rest = id.strip_prefix(prefix).unwrap_or_else(|| panic!("{id}"));
        assert_eq!(rest.len(), 8, "{id}");
        assert!(
            rest.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "{id}"
        );
    }
}

#[test]
fn the_emulated_actions_are_in_the_spec_and_their_filters_are_read_from_it() {
    let service = vpc_service().expect("spec");
    for name in emulated_actions() {
        assert!(service.action(name).is_some(), "{name}");
    }
    let describe = service.action("DescribeVpcs").expect("DescribeVpcs");
    let names = vpc_mock::emulator::engine::FilterNames::of(describe);
    let names: Vec<&str> = names.names.iter().map(String::as_str).collect();
    // The English list, and the China site's three more.
    assert_eq!(
        names,
        [
            "address-type",
            "cidr-block",
            "ipv6-cidr-block",
            "is-default",
            "isp-type",
            "tag-key",
            "tag:",
            "vpc-id",
            "vpc-name"
        ]
    );
}

#[tokio::test]
async fn the_reset_path_clears_the_state_without_a_restart() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    create_vpc(&client, "v", "10.0.0.0/16").await;
    assert_eq!(vpcs_and_subnets(&emulator), (1, 0));
    let http = vpc_client::tls::http_client_builder()
        .expect("TLS is set up")
        .build()
        .expect("reqwest client");
    let answer: serde_json::Value = http
        .post(format!("{}{}", server.url(), vpc_mock::RESET_PATH))
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .map(|body| serde_json::from_slice(&body).expect("JSON"))
        .expect("a body");
    assert!(answer["Response"]["RequestId"].is_string(), "{answer}");
    assert!(answer["Response"].get("Error").is_none(), "{answer}");
    assert_eq!(vpcs_and_subnets(&emulator), (0, 0));
    let listed = client
        .call(&DescribeVpcsRequest::new())
        .await
        .expect("listed");
    assert_eq!(listed.total_count, Some(0));
    // Any other path is still refused, as before.
    let other: serde_json::Value = http
        .post(format!("{}/__emulator/other", server.url()))
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .map(|body| serde_json::from_slice(&body).expect("JSON"))
        .expect("a body");
    assert_eq!(other["Response"]["Error"]["Code"], "UnsupportedProtocol");
    server.shutdown().await;
}
