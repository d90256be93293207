//! The emulated ENIs through the typed client: the happy path (create, list by ID and
//! with filters, assign and return private IPs, delete), each rule with its documented
//! code, IPs running out in a /28 without a duplicate, the VPC and subnet refused while
//! ENIs exist, isolation of accounts and regions, and the `PENDING` → `AVAILABLE` state
//! with its `DescribeVpcTaskResult` task (and the fault option).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    AssignPrivateIpAddressesRequest, CreateNetworkInterfaceRequest, DeleteNetworkInterfaceRequest,
    DeleteSubnetRequest, DeleteVpcRequest, DescribeNetworkInterfacesRequest,
    DescribeSubnetsRequest, DescribeVpcTaskResultRequest, NetworkInterface,
    PrivateIpAddressSpecification, UnassignPrivateIpAddressesRequest,
};
use vpc_mock::Emulator;
use vpc_mock::emulator::{ENIS_PER_VPC, PRIVATE_IPS_PER_ENI};

use crate::emulator::{
    OTHER_ACCOUNT, client, client_as, code, create_vpc, filter, start, subnet, tag,
};

/// A VPC with one subnet of `block`: their IDs.
pub(crate) async fn vpc_and_subnet(
    client: &Client,
    vpc_block: &str,
    block: &str,
) -> (String, String) {
    let vpc_id = create_vpc(client, "eni-vpc", vpc_block).await;
    let subnet_id = client
        .call(&subnet(&vpc_id, "eni-subnet", block))
        .await
        .expect("subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("a subnet ID");
    (vpc_id, subnet_id)
}

/// Creates an ENI, returning it as answered.
pub(crate) async fn create_eni(client: &Client, vpc_id: &str, subnet_id: &str) -> NetworkInterface {
    client
        .call(&CreateNetworkInterfaceRequest::new(
            vpc_id, "eni", subnet_id,
        ))
        .await
        .expect("ENI created")
        .network_interface
        .expect("an ENI")
}

/// `(address, primary)` of each private IP of `eni`.
fn ips(eni: &NetworkInterface) -> Vec<(String, bool)> {
    eni.private_ip_address_set
        .iter()
        .flatten()
        .map(|e| {
            (
                e.private_ip_address.clone().unwrap_or_default(),
                e.primary.unwrap_or_default(),
            )
        })
        .collect()
}

fn named(ip: &str) -> PrivateIpAddressSpecification {
    PrivateIpAddressSpecification {
        private_ip_address: Some(ip.to_owned()),
        ..PrivateIpAddressSpecification::default()
    }
}

async fn describe_one(client: &Client, id: &str) -> NetworkInterface {
    let mut request = DescribeNetworkInterfacesRequest::new();
    request.network_interface_ids = Some(vec![id.to_owned()]);
    let mut set = client
        .call(&request)
        .await
        .expect("listed")
        .network_interface_set
        .expect("a set");
    assert_eq!(set.len(), 1, "{id}");
    set.remove(0)
}

async fn available_ips(client: &Client, subnet_id: &str) -> Option<u64> {
    let mut request = DescribeSubnetsRequest::new();
    request.subnet_ids = Some(vec![subnet_id.to_owned()]);
    client
        .call(&request)
        .await
        .expect("listed")
        .subnet_set
        .and_then(|set| set.into_iter().next())
        .and_then(|s| s.available_ip_address_count)
}

#[tokio::test]
async fn scenario_create_list_assign_return_refuse_delete() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    assert_eq!(available_ips(&client, &subnet_id).await, Some(253));

    let mut request = CreateNetworkInterfaceRequest::new(&vpc_id, "web-eni", &subnet_id);
    request.secondary_private_ip_address_count = Some(2);
    request.tags = Some(vec![tag("env", "prod")]);
    request.network_interface_description = Some("front".into());
    let eni = client
        .call(&request)
        .await
        .expect("created")
        .network_interface
        .expect("an ENI");
    let eni_id = eni.network_interface_id.clone().expect("an ID");
    assert!(eni_id.starts_with("eni-"), "{eni_id}");
    // No delay: available at once. The first usable addresses: .0, .1 and .255 are kept.
    assert_eq!(eni.state.as_deref(), Some("AVAILABLE"));
    assert_eq!(
        ips(&eni),
        [
            ("10.0.1.2".to_owned(), true),
            ("10.0.1.3".to_owned(), false),
            ("10.0.1.4".to_owned(), false)
        ]
    );
    assert_eq!(eni.vpc_id.as_deref(), Some(vpc_id.as_str()));
    assert_eq!(eni.zone.as_deref(), Some("ap-guangzhou-3"));
    assert_eq!(eni.tag_set, Some(vec![tag("env", "prod")]));
    assert_eq!(available_ips(&client, &subnet_id).await, Some(250));
    let other = create_eni(&client, &vpc_id, &subnet_id).await;
    assert_eq!(ips(&other), [("10.0.1.5".to_owned(), true)]);

    // By ID, and with filters (a tag, the subnet, the VPC and the name ANDed).
    assert_eq!(describe_one(&client, &eni_id).await, eni);
    let mut list = DescribeNetworkInterfacesRequest::new();
    list.filters = Some(vec![filter("tag:env", &["prod"])]);
    let found = client.call(&list).await.expect("listed");
    assert_eq!(found.total_count, Some(1));
    list.filters = Some(vec![filter("subnet-id", &[&subnet_id])]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(2)
    );
    list.filters = Some(vec![
        filter("vpc-id", &[&vpc_id]),
        filter("network-interface-name", &["web-eni"]),
    ]);
    assert_eq!(
        client.call(&list).await.expect("listed").total_count,
        Some(1)
    );

    // Assign a named IP and one given out, then return the named one.
    let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assign.private_ip_addresses = Some(vec![named("10.0.1.100")]);
    assign.secondary_private_ip_address_count = Some(1);
    let added = client
        .call(&assign)
        .await
        .expect("assigned")
        .private_ip_address_set
        .expect("a set");
    let added: Vec<Option<String>> = added.into_iter().map(|e| e.private_ip_address).collect();
    assert_eq!(added, [Some("10.0.1.100".into()), Some("10.0.1.6".into())]);
    assert_eq!(ips(&describe_one(&client, &eni_id).await).len(), 5);
    assert_eq!(available_ips(&client, &subnet_id).await, Some(247));
    client
        .call(&UnassignPrivateIpAddressesRequest::new(
            &eni_id,
            vec![named("10.0.1.100")],
        ))
        .await
        .expect("returned");
    assert_eq!(ips(&describe_one(&client, &eni_id).await).len(), 4);
    assert_eq!(available_ips(&client, &subnet_id).await, Some(248));
    // The returned address is free again.
    let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assign.private_ip_addresses = Some(vec![named("10.0.1.100")]);
    client.call(&assign).await.expect("assigned again");

    // The primary IP is not returned.
    let refused = client
        .call(&UnassignPrivateIpAddressesRequest::new(
            &eni_id,
            vec![named("10.0.1.2")],
        ))
        .await;
    assert_eq!(
        code("UnassignPrivateIpAddresses", refused),
        "UnsupportedOperation"
    );

    // The VPC and the subnet are refused while ENIs are in them.
    let refused = client.call(&DeleteVpcRequest::new(&vpc_id)).await;
    assert_eq!(code("DeleteVpc", refused), "ResourceInUse");
    let refused = client.call(&DeleteSubnetRequest::new(&subnet_id)).await;
    assert_eq!(code("DeleteSubnet", refused), "ResourceInUse");

    for id in [&eni_id, other.network_interface_id.as_ref().expect("id")] {
        client
            .call(&DeleteNetworkInterfaceRequest::new(id))
            .await
            .expect("ENI deleted");
    }
    assert_eq!(available_ips(&client, &subnet_id).await, Some(253));
    let gone = client
        .call(&DeleteNetworkInterfaceRequest::new(&eni_id))
        .await;
    assert_eq!(code("DeleteNetworkInterface", gone), "ResourceNotFound");
    client
        .call(&DeleteSubnetRequest::new(&subnet_id))
        .await
        .expect("subnet deleted");
    client
        .call(&DeleteVpcRequest::new(&vpc_id))
        .await
        .expect("VPC deleted");
    assert!(emulator.dangling_references().is_empty());
    assert_eq!(emulator.counts()["network_interfaces"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn twenty_enis_run_a_28_out_of_addresses_without_a_duplicate() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.0.16/28").await;
    let mut seen = BTreeSet::new();
    let mut refused = Vec::new();
    for _ in 0..20 {
        let result = client
            .call(&CreateNetworkInterfaceRequest::new(
                &vpc_id, "eni", &subnet_id,
            ))
            .await;
        match result {
            Ok(answer) => {
                let eni = answer.network_interface.expect("an ENI");
                for (ip, _) in ips(&eni) {
                    let ip: Ipv4Addr = ip.parse().expect("an IPv4 address");
                    assert!(seen.insert(ip), "{ip} given twice");
                }
            }
            Err(error) => refused.push(code("CreateNetworkInterface", Err::<(), _>(error))),
        }
    }
    // 16 addresses, 3 kept by Tencent (.16, .17 and .31): 13 ENIs, 7 refused.
    assert_eq!(seen.len(), 13);
    assert_eq!(refused, vec!["ResourceInsufficient.Subnet"; 7]);
    let expected: BTreeSet<Ipv4Addr> = (18..=30)
        .map(|last| Ipv4Addr::new(10, 0, 0, last))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(available_ips(&client, &subnet_id).await, Some(0));
    // Named, a free address no longer exists either.
    let mut request = CreateNetworkInterfaceRequest::new(&vpc_id, "eni", &subnet_id);
    request.private_ip_addresses = Some(vec![named("10.0.0.20")]);
    let taken = client.call(&request).await;
    assert_eq!(code("CreateNetworkInterface", taken), "ResourceInUse");
    server.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_its_documented_code() {
    let emulator = Emulator::builder()
        .quota(ENIS_PER_VPC, 3)
        .quota(PRIVATE_IPS_PER_ENI, 4)
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let (other_vpc, other_subnet) = vpc_and_subnet(&client, "10.1.0.0/16", "10.1.1.0/24").await;
    let create = |vpc: &str, subnet: &str| CreateNetworkInterfaceRequest::new(vpc, "eni", subnet);
    let action = "CreateNetworkInterface";

    // The VPC and the subnet exist, and the subnet is the VPC's.
    let refused = client.call(&create("vpc-00000000", &subnet_id)).await;
    assert_eq!(code(action, refused), "ResourceNotFound");
    let refused = client.call(&create(&vpc_id, "subnet-00000000")).await;
    assert_eq!(code(action, refused), "ResourceNotFound");
    let refused = client.call(&create(&vpc_id, &other_subnet)).await;
    assert_eq!(code(action, refused), "ResourceNotFound");
    let refused = client.call(&create("vpc-bad", &subnet_id)).await;
    assert_eq!(code(action, refused), "InvalidParameterValue.Malformed");
    // Security groups must exist (none does here).
    let mut request = create(&vpc_id, &subnet_id);
    request.security_group_ids = Some(vec!["sg-00000000".into()]);
    assert_eq!(
        code(action, client.call(&request).await),
        "ResourceNotFound"
    );

    // Named IPs: inside the block, not kept, well formed, at most 10, one primary.
    for (ip, expected) in [
        ("10.0.2.5", "InvalidParameterValue.Range"),
        ("10.0.1.0", "InvalidParameterValue.Reserved"),
        ("10.0.1.1", "InvalidParameterValue.Reserved"),
        ("10.0.1.255", "InvalidParameterValue.Reserved"),
        ("10.0.1.x", "InvalidParameterValue.Malformed"),
    ] {
        let mut request = create(&vpc_id, &subnet_id);
        request.private_ip_addresses = Some(vec![named(ip)]);
        assert_eq!(code(action, client.call(&request).await), expected, "{ip}");
    }
    let mut request = create(&vpc_id, &subnet_id);
    request.private_ip_addresses = Some((10..21).map(|i| named(&format!("10.0.1.{i}"))).collect());
    assert_eq!(
        code(action, client.call(&request).await),
        "InvalidParameterValue.LimitExceeded"
    );
    let mut request = create(&vpc_id, &subnet_id);
    let primary = |ip: &str| PrivateIpAddressSpecification {
        primary: Some(true),
        ..named(ip)
    };
    request.private_ip_addresses = Some(vec![primary("10.0.1.10"), primary("10.0.1.11")]);
    assert_eq!(
        code(action, client.call(&request).await),
        "InvalidParameterValue"
    );
    // A named secondary IP marked primary becomes the primary one, first in the set.
    request.private_ip_addresses = Some(vec![named("10.0.1.10"), primary("10.0.1.11")]);
    let eni = client
        .call(&request)
        .await
        .expect("created")
        .network_interface
        .expect("an ENI");
    assert_eq!(
        ips(&eni),
        [
            ("10.0.1.11".to_owned(), true),
            ("10.0.1.10".to_owned(), false)
        ]
    );
    let eni_id = eni.network_interface_id.expect("an ID");
    // Taken, in this subnet.
    let mut request = create(&vpc_id, &subnet_id);
    request.private_ip_addresses = Some(vec![named("10.0.1.10")]);
    assert_eq!(code(action, client.call(&request).await), "ResourceInUse");

    // Quota: private IPs per ENI (4 here).
    let mut request = create(&vpc_id, &subnet_id);
    request.secondary_private_ip_address_count = Some(4);
    assert_eq!(code(action, client.call(&request).await), "LimitExceeded");
    let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assign.secondary_private_ip_address_count = Some(3);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "LimitExceeded"
    );
    // Assign: something to assign, not a primary, not taken, not twice.
    let assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "MissingParameter"
    );
    let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assign.private_ip_addresses = Some(vec![primary("10.0.1.50")]);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "InvalidParameterValue"
    );
    assign.private_ip_addresses = Some(vec![named("10.0.1.50"), named("10.0.1.50")]);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "InvalidParameterValue.DuplicatePara"
    );
    assign.private_ip_addresses = Some(vec![named("10.0.1.10")]);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "ResourceInUse"
    );
    // Unassign: IPs of this ENI, each once.
    let unassign = |ips: &[&str]| {
        UnassignPrivateIpAddressesRequest::new(&eni_id, ips.iter().map(|ip| named(ip)).collect())
    };
    assert_eq!(
        code(
            "UnassignPrivateIpAddresses",
            client.call(&unassign(&["10.0.1.77"])).await
        ),
        "UnsupportedOperation.AttachmentNotFound"
    );
    assert_eq!(
        code(
            "UnassignPrivateIpAddresses",
            client.call(&unassign(&["10.0.1.10", "10.0.1.10"])).await
        ),
        "InvalidParameterValue.DuplicatePara"
    );
    assert_eq!(
        code(
            "UnassignPrivateIpAddresses",
            client.call(&unassign(&[])).await
        ),
        "MissingParameter"
    );

    // Quota: ENIs per VPC (3 here), counted per VPC.
    create_eni(&client, &vpc_id, &subnet_id).await;
    create_eni(&client, &vpc_id, &subnet_id).await;
    assert_eq!(
        code(action, client.call(&create(&vpc_id, &subnet_id)).await),
        "LimitExceeded.NetworkInterfaceLimitExceeded"
    );
    create_eni(&client, &other_vpc, &other_subnet).await;
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn accounts_and_regions_do_not_see_each_other() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let home = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&home, "10.0.0.0/16", "10.0.1.0/24").await;
    let eni_id = create_eni(&home, &vpc_id, &subnet_id)
        .await
        .network_interface_id
        .expect("an ID");
    let strangers = [
        client_as(&server, vpc_mock::demo_credential(), "ap-shanghai"),
        client_as(
            &server,
            Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1),
            "ap-guangzhou",
        ),
    ];
    for stranger in &strangers {
        let mut by_id = DescribeNetworkInterfacesRequest::new();
        by_id.network_interface_ids = Some(vec![eni_id.clone()]);
        assert_eq!(
            stranger.call(&by_id).await.expect("listed").total_count,
            Some(0)
        );
        let refused = stranger
            .call(&DeleteNetworkInterfaceRequest::new(&eni_id))
            .await;
        assert_eq!(code("DeleteNetworkInterface", refused), "ResourceNotFound");
        let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
        assign.secondary_private_ip_address_count = Some(1);
        let refused = stranger.call(&assign).await;
        assert_eq!(
            code("AssignPrivateIpAddresses", refused),
            "ResourceNotFound"
        );
        let refused = stranger
            .call(&CreateNetworkInterfaceRequest::new(
                &vpc_id, "eni", &subnet_id,
            ))
            .await;
        assert_eq!(code("CreateNetworkInterface", refused), "ResourceNotFound");
    }
    server.shutdown().await;
}

/// Polls until `done` holds of the ENI, or panics after 10 s.
async fn wait_for_state(client: &Client, id: &str, state: &str) {
    let eni = crate::common::poll_until(&format!("{id} to be {state}"), || async {
        let eni = describe_one(client, id).await;
        (eni.state.as_deref() == Some(state)).then_some(eni)
    })
    .await;
    assert_eq!(eni.network_interface_state.as_deref(), Some(state));
}

/// Polls `DescribeVpcTaskResult` until the task leaves `RUNNING`; its final status.
async fn wait_for_task(client: &Client, task: &str) -> String {
    crate::common::poll_until(&format!("{task} to stop RUNNING"), || async {
        let status = client
            .call(&DescribeVpcTaskResultRequest::new(task))
            .await
            .expect("the task is known")
            .status
            .expect("a status");
        (status != "RUNNING").then_some(status)
    })
    .await
}

#[tokio::test]
async fn a_new_eni_is_pending_then_available_and_its_task_succeeds() {
    let emulator = Emulator::builder()
        .async_delay(Duration::from_millis(300))
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let answer = client
        .call(&CreateNetworkInterfaceRequest::new(
            &vpc_id, "eni", &subnet_id,
        ))
        .await
        .expect("created");
    let eni = answer.network_interface.expect("an ENI");
    let id = eni.network_interface_id.clone().expect("an ID");
    assert_eq!(eni.state.as_deref(), Some("PENDING"));
    // The task follows the creating call's RequestId, RUNNING for the delay.
    let first = client
        .call(&DescribeVpcTaskResultRequest::new(&answer.request_id))
        .await
        .expect("the task is known");
    assert_eq!(first.status.as_deref(), Some("RUNNING"));
    // A pending ENI takes no change.
    let mut assign = AssignPrivateIpAddressesRequest::new(&id);
    assign.secondary_private_ip_address_count = Some(1);
    assert_eq!(
        code("AssignPrivateIpAddresses", client.call(&assign).await),
        "UnsupportedOperation.InvalidState"
    );
    let refused = client.call(&DeleteNetworkInterfaceRequest::new(&id)).await;
    assert_eq!(
        code("DeleteNetworkInterface", refused),
        "UnsupportedOperation.InvalidState"
    );
    wait_for_state(&client, &id, "AVAILABLE").await;
    assert_eq!(wait_for_task(&client, &answer.request_id).await, "SUCCESS");
    client.call(&assign).await.expect("assigned once available");
    server.shutdown().await;
}

#[tokio::test]
async fn a_failing_creation_ends_deleting_and_its_task_failed() {
    let emulator = Emulator::builder()
        .failing("CreateNetworkInterface")
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let answer = client
        .call(&CreateNetworkInterfaceRequest::new(
            &vpc_id, "eni", &subnet_id,
        ))
        .await
        .expect("created");
    let id = answer
        .network_interface
        .and_then(|e| e.network_interface_id)
        .expect("an ID");
    wait_for_state(&client, &id, "DELETING").await;
    assert_eq!(wait_for_task(&client, &answer.request_id).await, "FAILED");
    // A failed ENI can be cleaned up.
    client
        .call(&DeleteNetworkInterfaceRequest::new(&id))
        .await
        .expect("deleted");
    assert_eq!(available_ips(&client, &subnet_id).await, Some(253));
    server.shutdown().await;
}

/// A security group an ENI uses cannot be deleted (DeleteSecurityGroup: `ResourceInUse`);
/// once the ENI is gone, it can.
#[tokio::test]
async fn a_security_group_bound_to_an_eni_is_not_deleted() {
    use vpc_client::vpc::{CreateSecurityGroupRequest, DeleteSecurityGroupRequest};

    let emulator = Emulator::builder().seed(11).build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let group = client
        .call(&CreateSecurityGroupRequest::new("web", "web servers"))
        .await
        .expect("group created")
        .security_group
        .expect("group")
        .security_group_id;
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let mut request =
        CreateNetworkInterfaceRequest::new(vpc_id.as_str(), "eni", subnet_id.as_str());
    request.security_group_ids = Some(vec![group.clone()]);
    let eni = client
        .call(&request)
        .await
        .expect("ENI created")
        .network_interface
        .expect("an ENI");
    assert_eq!(eni.group_set, Some(vec![group.clone()]));
    let refused = client
        .call(&DeleteSecurityGroupRequest::new(group.as_str()))
        .await;
    assert_eq!(code("DeleteSecurityGroup", refused), "ResourceInUse");
    client
        .call(&DeleteNetworkInterfaceRequest::new(
            eni.network_interface_id.expect("an ID"),
        ))
        .await
        .expect("ENI deleted");
    client
        .call(&DeleteSecurityGroupRequest::new(group.as_str()))
        .await
        .expect("the group is free again");
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}
