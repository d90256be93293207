//! Emulated NAT gateways through the typed client: the happy path (create in a VPC and
//! subnet, list by ID, with filters and a tag filter, delete), each rule with its
//! documented code (the VPC must exist, the addresses, the bandwidth, the quotas, a VPC
//! or subnet with a NAT gateway is not deleted), isolation of accounts and regions,
//! and the `PENDING` → `AVAILABLE` (or `PENDFAILURE`) state a poller watches.

use std::net::Ipv4Addr;
use std::time::Duration;

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    CreateNatGatewayRequest, DeleteNatGatewayRequest, DeleteSubnetRequest, DeleteVpcRequest,
    DescribeNatGatewaysRequest, DescribeVpcLimitsRequest, NatGateway,
};
use vpc_mock::Emulator;
use vpc_mock::emulator::NAT_GATEWAYS_PER_VPC;

use crate::emulator::{
    OTHER_ACCOUNT, client, client_as, code, create_vpc, filter, start, subnet, tag,
};

fn nat(vpc_id: &str, name: &str, count: u64) -> CreateNatGatewayRequest {
    let mut request = CreateNatGatewayRequest::new(name, vpc_id);
    request.address_count = Some(count);
    request
}

async fn create_nat(client: &Client, request: &CreateNatGatewayRequest) -> NatGateway {
    client
        .call(request)
        .await
        .expect("created")
        .nat_gateway_set
        .and_then(|mut set| set.pop())
        .expect("the new gateway")
}

async fn list(client: &Client, request: &DescribeNatGatewaysRequest) -> Vec<NatGateway> {
    client
        .call(request)
        .await
        .expect("listed")
        .nat_gateway_set
        .unwrap_or_default()
}

fn by_ids(ids: &[&str]) -> DescribeNatGatewaysRequest {
    let mut request = DescribeNatGatewaysRequest::new();
    request.nat_gateway_ids = Some(ids.iter().map(|id| (*id).to_owned()).collect());
    request
}

async fn state_of(client: &Client, id: &str) -> String {
    list(client, &by_ids(&[id]))
        .await
        .pop()
        .and_then(|g| g.state)
        .expect("listed with a state")
}

/// Polls until the gateway leaves `PENDING`, at most 10 s (the delay is 300 ms).
async fn settled_state(client: &Client, id: &str) -> String {
    crate::common::poll_until(
        &format!("the NAT gateway `{id}` to leave PENDING"),
        || async {
            let state = state_of(client, id).await;
            (state != "PENDING").then_some(state)
        },
    )
    .await
}

#[tokio::test]
async fn create_list_filter_and_delete() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "nat-vpc", "10.0.0.0/16").await;
    let subnet_id = client
        .call(&subnet(&vpc_id, "nat-subnet", "10.0.1.0/24"))
        .await
        .expect("subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("subnet ID");

    let mut request = nat(&vpc_id, "egress", 2);
    request.subnet_id = Some(subnet_id.clone());
    request.tags = Some(vec![tag("env", "test")]);
    request.internet_max_bandwidth_out = Some(200);
    let created = create_nat(&client, &request).await;
    let id = created.nat_gateway_id.clone().expect("an ID");
    assert!(id.starts_with("nat-") && id.len() == 12, "{id}");
    // No delay configured: available at once.
    assert_eq!(created.state.as_deref(), Some("AVAILABLE"));
    assert_eq!(created.vpc_id.as_deref(), Some(vpc_id.as_str()));
    assert_eq!(created.subnet_id.as_deref(), Some(subnet_id.as_str()));
    assert_eq!(created.internet_max_bandwidth_out, Some(200));
    assert_eq!(created.max_concurrent_connection, Some(1_000_000));
    // AddressCount: two distinct addresses of the benchmark range 198.18.0.0/15.
    let ips: Vec<Ipv4Addr> = created
        .public_ip_address_set
        .iter()
        .flatten()
        .filter_map(|a| a.public_ip_address.as_deref()?.parse().ok())
        .collect();
    assert_eq!(ips.len(), 2, "{created:?}");
    assert_ne!(ips[0], ips[1]);
    assert!(
        ips.iter()
            .all(|ip| ip.octets()[0] == 198 && (18..=19).contains(&ip.octets()[1])),
        "{ips:?}"
    );

    // A second gateway with an address given as is.
    let mut given = CreateNatGatewayRequest::new("given", &vpc_id);
    given.public_ip_addresses = Some(vec!["203.0.113.7".to_owned()]);
    let other = create_nat(&client, &given).await;
    let other_id = other.nat_gateway_id.clone().expect("an ID");
    let addresses: Vec<_> = other
        .public_ip_address_set
        .iter()
        .flatten()
        .filter_map(|a| a.public_ip_address.clone())
        .collect();
    assert_eq!(addresses, ["203.0.113.7"]);

    // By ID, by VPC, by name, by tag.
    let listed = list(&client, &by_ids(&[&id])).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].tag_set.as_ref().map(Vec::len), Some(1));
    for (name, value, expected) in [
        ("vpc-id", vpc_id.as_str(), 2),
        ("nat-gateway-name", "egress", 1),
        ("nat-gateway-id", other_id.as_str(), 1),
        ("tag-key", "env", 1),
        ("vpc-id", "vpc-00000000", 0),
    ] {
        let mut request = DescribeNatGatewaysRequest::new();
        request.filters = Some(vec![filter(name, &[value])]);
        let found = list(&client, &request).await;
        assert_eq!(found.len(), expected, "{name}={value}");
    }
    // `nat-state` reads `State`, together with the other filters.
    let mut request = DescribeNatGatewaysRequest::new();
    request.filters = Some(vec![
        filter("nat-state", &["AVAILABLE"]),
        filter("tag-key", &["env"]),
    ]);
    let found = list(&client, &request).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].nat_gateway_id.as_deref(), Some(id.as_str()));
    request.filters = Some(vec![filter("nat-state", &["PENDING"])]);
    assert!(list(&client, &request).await.is_empty());
    // DescribeNatGateways documents `tag-key` but no `tag:<key>` filter, nor `zone`:
    // refused with the documented code.
    for name in ["tag:env", "zone"] {
        let mut request = DescribeNatGatewaysRequest::new();
        request.filters = Some(vec![filter(name, &["test"])]);
        assert_eq!(
            code("DescribeNatGateways", client.call(&request).await),
            "InvalidParameter.FilterInvalidKey",
            "{name}"
        );
    }

    // Delete: gone from the listing; a second delete is not found.
    for gateway in [&id, &other_id] {
        client
            .call(&DeleteNatGatewayRequest::new(gateway.as_str()))
            .await
            .expect("deleted");
    }
    assert!(list(&client, &by_ids(&[&id, &other_id])).await.is_empty());
    assert_eq!(
        code(
            "DeleteNatGateway",
            client
                .call(&DeleteNatGatewayRequest::new(id.as_str()))
                .await
        ),
        "ResourceNotFound"
    );
    assert_eq!(emulator.counts()["nat_gateways"], 0);
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_its_documented_code() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "rules", "10.1.0.0/16").await;
    let create = |request: CreateNatGatewayRequest| {
        let client = client.clone();
        async move { code("CreateNatGateway", client.call(&request).await) }
    };

    // The VPC must exist; IDs keep their shape.
    assert_eq!(
        create(nat("vpc-00000000", "x", 1)).await,
        "InvalidVpcId.NotFound"
    );
    assert_eq!(
        create(nat("vpc-bad", "x", 1)).await,
        "InvalidParameterValue.Malformed"
    );
    // Either AddressCount or PublicIpAddresses.
    assert_eq!(
        create(CreateNatGatewayRequest::new("x", &vpc_id)).await,
        "MissingParameter"
    );
    // A documented bandwidth only.
    let mut request = nat(&vpc_id, "x", 1);
    request.internet_max_bandwidth_out = Some(30);
    assert_eq!(create(request).await, "InvalidParameterValue.Range");
    // At most 10 public IPs per NAT gateway.
    assert_eq!(
        create(nat(&vpc_id, "x", 11)).await,
        "LimitExceeded.PublicIpAddressPerNatGatewayLimitExceeded"
    );
    // A subnet of another VPC.
    let other_vpc = create_vpc(&client, "other", "10.2.0.0/16").await;
    let other_subnet = client
        .call(&subnet(&other_vpc, "s", "10.2.0.0/24"))
        .await
        .expect("subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("subnet ID");
    let mut request = nat(&vpc_id, "x", 1);
    request.subnet_id = Some(other_subnet.clone());
    assert_eq!(create(request).await, "InvalidParameterValue");
    assert_eq!(emulator.counts()["nat_gateways"], 0, "nothing was created");

    // A public IP is bound to one gateway.
    let mut first = CreateNatGatewayRequest::new("first", &vpc_id);
    first.public_ip_addresses = Some(vec!["203.0.113.9".to_owned()]);
    create_nat(&client, &first).await;
    assert_eq!(create(first.clone()).await, "ResourceInUse.Address");

    // The quota per VPC (3 by default, as DescribeVpcLimits answers).
    let limits = client
        .call(&DescribeVpcLimitsRequest::new(vec![
            NAT_GATEWAYS_PER_VPC.to_owned(),
        ]))
        .await
        .expect("limits")
        .vpc_limit_set
        .unwrap_or_default();
    assert_eq!(limits.len(), 1);
    assert_eq!(limits[0].limit_value, Some(3));
    create_nat(&client, &nat(&vpc_id, "second", 1)).await;
    create_nat(&client, &nat(&vpc_id, "third", 1)).await;
    assert_eq!(
        create(nat(&vpc_id, "fourth", 1)).await,
        "LimitExceeded.NatGatewayPerVpcLimitExceeded"
    );
    // Another VPC has its own quota.
    let mut in_subnet = nat(&other_vpc, "in-subnet", 1);
    in_subnet.subnet_id = Some(other_subnet.clone());
    in_subnet.deletion_protection_enabled = Some(true);
    let protected = create_nat(&client, &in_subnet).await;
    let protected_id = protected.nat_gateway_id.expect("an ID");

    // A VPC or subnet with a NAT gateway is not deleted.
    assert_eq!(
        code(
            "DeleteVpc",
            client.call(&DeleteVpcRequest::new(vpc_id.as_str())).await
        ),
        "ResourceInUse"
    );
    let refused = code(
        "DeleteSubnet",
        client
            .call(&DeleteSubnetRequest::new(other_subnet.as_str()))
            .await,
    );
    assert!(refused.starts_with("ResourceInUse"), "{refused}");
    // Deletion protection.
    assert_eq!(
        code(
            "DeleteNatGateway",
            client
                .call(&DeleteNatGatewayRequest::new(protected_id.as_str()))
                .await
        ),
        "UnsupportedOperation.DeletionProtectionEnabled"
    );
    // Malformed and unknown IDs.
    assert_eq!(
        code(
            "DeleteNatGateway",
            client.call(&DeleteNatGatewayRequest::new("nat-1")).await
        ),
        "InvalidParameterValue.Malformed"
    );
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn accounts_and_regions_do_not_see_each_other() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let mine = client(&server);
    let vpc_id = create_vpc(&mine, "mine", "10.0.0.0/16").await;
    let id = create_nat(&mine, &nat(&vpc_id, "mine", 1))
        .await
        .nat_gateway_id
        .expect("an ID");
    let other_account = client_as(
        &server,
        Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1),
        "ap-guangzhou",
    );
    let other_region = client_as(&server, vpc_mock::demo_credential(), "ap-shanghai");
    for other in [&other_account, &other_region] {
        assert!(list(other, &by_ids(&[&id])).await.is_empty());
        assert!(
            list(other, &DescribeNatGatewaysRequest::new())
                .await
                .is_empty()
        );
        assert_eq!(
            code(
                "DeleteNatGateway",
                other.call(&DeleteNatGatewayRequest::new(id.as_str())).await
            ),
            "ResourceNotFound"
        );
        // Nor can a gateway be created in a VPC of another scope.
        assert_eq!(
            code("CreateNatGateway", other.call(&nat(&vpc_id, "x", 1)).await),
            "InvalidVpcId.NotFound"
        );
    }
    assert_eq!(list(&mine, &by_ids(&[&id])).await.len(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn the_state_is_pending_then_available_and_pending_gateways_are_not_deleted() {
    let emulator = Emulator::builder()
        .async_delay(Duration::from_millis(300))
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "states", "10.0.0.0/16").await;
    let created = create_nat(&client, &nat(&vpc_id, "slow", 1)).await;
    let id = created.nat_gateway_id.expect("an ID");
    assert_eq!(created.state.as_deref(), Some("PENDING"));
    assert_eq!(settled_state(&client, &id).await, "AVAILABLE");
    client
        .call(&DeleteNatGatewayRequest::new(id.as_str()))
        .await
        .expect("deleted once available");

    // With a delay no slow machine outlasts: listed PENDING, and not deleted.
    emulator.set_async_delay(Duration::from_secs(600));
    let pending = create_nat(&client, &nat(&vpc_id, "pending", 1))
        .await
        .nat_gateway_id
        .expect("an ID");
    assert_eq!(state_of(&client, &pending).await, "PENDING");
    assert_eq!(
        code(
            "DeleteNatGateway",
            client
                .call(&DeleteNatGatewayRequest::new(pending.as_str()))
                .await
        ),
        "UnsupportedOperation.MutexOperationTaskRunning"
    );
    emulator.set_async_delay(Duration::from_millis(300));

    // The fault option: the creation ends in the documented failure state.
    emulator.set_failing("CreateNatGateway", true);
    let failed = create_nat(&client, &nat(&vpc_id, "doomed", 1))
        .await
        .nat_gateway_id
        .expect("an ID");
    assert_eq!(settled_state(&client, &failed).await, "PENDFAILURE");
    server.shutdown().await;
}
