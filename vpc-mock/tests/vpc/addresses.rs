//! The emulated elastic IPs through the typed client: allocate (with its
//! `DescribeTaskResult` task), list by ID and with filters, bind to an ENI's private IP
//! and to an instance, unbind, release; each rule with its documented code; EIPs
//! unbound when their ENI IP is returned or their ENI deleted; isolation of accounts
//! and regions; `CREATING` → `UNBIND` (and the fault option).

use std::collections::BTreeSet;
use std::time::Duration;

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    Address, AllocateAddressesRequest, AssignPrivateIpAddressesRequest, AssociateAddressRequest,
    DeleteNetworkInterfaceRequest, DescribeAddressesRequest, DescribeNetworkInterfacesRequest,
    DescribeTaskResultRequest, DisassociateAddressRequest, PrivateIpAddressSpecification,
    ReleaseAddressesRequest, UnassignPrivateIpAddressesRequest,
};
use vpc_mock::Emulator;
use vpc_mock::emulator::ADDRESSES_PER_REGION;

use crate::emulator::{OTHER_ACCOUNT, client, client_as, code, filter, start, tag};
use crate::network_interfaces::{create_eni, vpc_and_subnet};

/// Allocates `count` EIPs: their IDs and the task number.
async fn allocate(client: &Client, count: i64) -> (Vec<String>, u64) {
    let mut request = AllocateAddressesRequest::new();
    request.address_count = Some(count);
    let answer = client.call(&request).await.expect("allocated");
    let task = answer
        .task_id
        .expect("a task ID")
        .parse()
        .expect("a numeric task ID");
    (answer.address_set.expect("a set"), task)
}

async fn describe_one(client: &Client, id: &str) -> Address {
    let mut request = DescribeAddressesRequest::new();
    request.address_ids = Some(vec![id.to_owned()]);
    let mut set = client
        .call(&request)
        .await
        .expect("listed")
        .address_set
        .expect("a set");
    assert_eq!(set.len(), 1, "{id}");
    set.remove(0)
}

async fn count(client: &Client, filters: &[(&str, &[&str])]) -> Option<i64> {
    let mut request = DescribeAddressesRequest::new();
    request.filters = Some(filters.iter().map(|(n, v)| filter(n, v)).collect());
    client.call(&request).await.expect("listed").total_count
}

fn to_eni(address: &str, eni: &str, ip: &str) -> AssociateAddressRequest {
    let mut request = AssociateAddressRequest::new(address);
    request.network_interface_id = Some(eni.to_owned());
    request.private_ip_address = Some(ip.to_owned());
    request
}

fn to_instance(address: &str, instance: &str) -> AssociateAddressRequest {
    let mut request = AssociateAddressRequest::new(address);
    request.instance_id = Some(instance.to_owned());
    request
}

/// `(private IP, AddressId, PublicIpAddress)` of each entry of the ENI `id`.
async fn eni_entries(client: &Client, id: &str) -> Vec<(String, String, String)> {
    let mut request = DescribeNetworkInterfacesRequest::new();
    request.network_interface_ids = Some(vec![id.to_owned()]);
    client
        .call(&request)
        .await
        .expect("listed")
        .network_interface_set
        .into_iter()
        .flatten()
        .flat_map(|eni| eni.private_ip_address_set.unwrap_or_default())
        .map(|e| {
            (
                e.private_ip_address.unwrap_or_default(),
                e.address_id.unwrap_or_default(),
                e.public_ip_address.unwrap_or_default(),
            )
        })
        .collect()
}

/// Polls `DescribeTaskResult` until the task leaves `RUNNING`; its final result.
async fn wait_for_task(client: &Client, task: u64) -> String {
    crate::common::poll_until(&format!("task {task} to stop RUNNING"), || async {
        let mut request = DescribeTaskResultRequest::new();
        request.task_id = Some(task);
        let answer = client.call(&request).await.expect("the task is known");
        assert_eq!(answer.task_id, Some(task));
        let result = answer.result.expect("a result");
        (result != "RUNNING").then_some(result)
    })
    .await
}

/// Polls until the EIP `id` has `status`, or panics after 10 s.
async fn wait_for_status(client: &Client, id: &str, status: &str) {
    crate::common::poll_until(&format!("{id} to be {status}"), || async {
        let address = describe_one(client, id).await;
        (address.address_status.as_deref() == Some(status)).then_some(())
    })
    .await;
}

#[tokio::test]
async fn scenario_allocate_bind_unbind_release() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);

    let mut request = AllocateAddressesRequest::new();
    request.address_count = Some(2);
    request.address_name = Some("front".into());
    request.tags = Some(vec![tag("env", "prod")]);
    let answer = client.call(&request).await.expect("allocated");
    let ids = answer.address_set.expect("a set");
    assert_eq!(ids.len(), 2);
    assert!(ids.iter().all(|id| id.starts_with("eip-")), "{ids:?}");
    // The TaskId answered is followed by DescribeTaskResult.
    let task: u64 = answer
        .task_id
        .expect("a task ID")
        .parse()
        .expect("a number");
    assert_eq!(wait_for_task(&client, task).await, "SUCCESS");

    let first = describe_one(&client, &ids[0]).await;
    assert_eq!(first.address_status.as_deref(), Some("UNBIND"));
    assert_eq!(first.address_ip.as_deref(), Some("203.0.113.1"));
    assert_eq!(first.address_name.as_deref(), Some("front"));
    assert_eq!(first.tag_set, Some(vec![tag("env", "prod")]));
    let created = first.created_time.clone().expect("a creation time");
    assert!(created.ends_with('Z') && created.contains('T'), "{created}");
    assert_eq!(
        describe_one(&client, &ids[1]).await.address_ip.as_deref(),
        Some("203.0.113.2")
    );
    assert_eq!(count(&client, &[("tag:env", &["prod"])]).await, Some(2));
    assert_eq!(
        count(&client, &[("address-status", &["BIND_ENI"])]).await,
        Some(0)
    );
    assert_eq!(
        count(&client, &[("address-ip", &["203.0.113.2"])]).await,
        Some(1)
    );

    // Bind the first to an ENI's primary IP.
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let eni = create_eni(&client, &vpc_id, &subnet_id).await;
    let eni_id = eni.network_interface_id.expect("an ID");
    client
        .call(&to_eni(&ids[0], &eni_id, "10.0.1.2"))
        .await
        .expect("bound");
    let bound = describe_one(&client, &ids[0]).await;
    assert_eq!(bound.address_status.as_deref(), Some("BIND_ENI"));
    assert_eq!(bound.network_interface_id.as_deref(), Some(eni_id.as_str()));
    assert_eq!(bound.private_address_ip.as_deref(), Some("10.0.1.2"));
    assert_eq!(
        eni_entries(&client, &eni_id).await,
        [(
            "10.0.1.2".to_owned(),
            ids[0].clone(),
            "203.0.113.1".to_owned()
        )]
    );
    assert_eq!(
        count(&client, &[("network-interface-id", &[&eni_id])]).await,
        Some(1)
    );
    // One EIP per private IP; a bound EIP binds nowhere else, and is not released.
    let refused = client.call(&to_eni(&ids[1], &eni_id, "10.0.1.2")).await;
    assert_eq!(
        code("AssociateAddress", refused),
        "InvalidPrivateIpAddress.AlreadyBindEip"
    );
    let refused = client.call(&to_instance(&ids[0], "ins-12345678")).await;
    assert_eq!(
        code("AssociateAddress", refused),
        "UnsupportedOperation.AddressStatusNotPermit"
    );
    let refused = client
        .call(&ReleaseAddressesRequest::new(vec![ids[0].clone()]))
        .await;
    assert_eq!(code("ReleaseAddresses", refused), "InvalidAddressState");

    // Unbind: the ENI's entry forgets it.
    client
        .call(&DisassociateAddressRequest::new(&ids[0]))
        .await
        .expect("unbound");
    assert_eq!(
        describe_one(&client, &ids[0])
            .await
            .address_status
            .as_deref(),
        Some("UNBIND")
    );
    assert_eq!(
        eni_entries(&client, &eni_id).await,
        [("10.0.1.2".to_owned(), String::new(), String::new())]
    );
    let refused = client.call(&DisassociateAddressRequest::new(&ids[0])).await;
    assert_eq!(
        code("DisassociateAddress", refused),
        "UnsupportedOperation.AddressStatusNotPermit"
    );

    // An instance (not emulated: an `ins-` ID is taken as is) holds one EIP.
    client
        .call(&to_instance(&ids[0], "ins-12345678"))
        .await
        .expect("bound to an instance");
    let bound = describe_one(&client, &ids[0]).await;
    assert_eq!(bound.address_status.as_deref(), Some("BIND"));
    assert_eq!(bound.instance_id.as_deref(), Some("ins-12345678"));
    let refused = client.call(&to_instance(&ids[1], "ins-12345678")).await;
    assert_eq!(
        code("AssociateAddress", refused),
        "InvalidInstanceId.AlreadyBindEip"
    );
    client
        .call(&DisassociateAddressRequest::new(&ids[0]))
        .await
        .expect("unbound");

    let released = client
        .call(&ReleaseAddressesRequest::new(ids.clone()))
        .await
        .expect("released");
    assert!(released.task_id.is_some());
    assert_eq!(count(&client, &[]).await, Some(0));
    let gone = client.call(&DisassociateAddressRequest::new(&ids[0])).await;
    assert_eq!(
        code("DisassociateAddress", gone),
        "InvalidAddressId.NotFound"
    );
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_its_documented_code() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (ids, _) = allocate(&client, 1).await;
    let eip = &ids[0];
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let eni_id = create_eni(&client, &vpc_id, &subnet_id)
        .await
        .network_interface_id
        .expect("an ID");
    let action = "AssociateAddress";

    // The private IP is one of the ENI's; the ENI exists.
    let refused = client.call(&to_eni(eip, &eni_id, "10.0.1.9")).await;
    assert_eq!(code(action, refused), "InvalidNetworkInterfaceId.NotFound");
    let refused = client.call(&to_eni(eip, "eni-00000000", "10.0.1.2")).await;
    assert_eq!(code(action, refused), "InvalidNetworkInterfaceId.NotFound");
    // An ENI goes with a private IP; an ENI or an instance, not both, not neither.
    let mut request = to_eni(eip, &eni_id, "10.0.1.2");
    request.private_ip_address = None;
    assert_eq!(
        code(action, client.call(&request).await),
        "MissingParameter"
    );
    request.private_ip_address = Some("10.0.1.2".into());
    request.instance_id = Some("ins-12345678".into());
    assert_eq!(
        code(action, client.call(&request).await),
        "InvalidParameterConflict"
    );
    let refused = client.call(&AssociateAddressRequest::new(eip)).await;
    assert_eq!(
        code(action, refused),
        "InvalidParameterValue.MissingAssociateEntity"
    );
    let refused = client.call(&to_instance(eip, "i-123")).await;
    assert_eq!(
        code(action, refused),
        "InvalidParameterValue.InstanceIdMalformed"
    );
    // EIP IDs: shape, existence.
    let refused = client.call(&to_instance("eip-x", "ins-12345678")).await;
    assert_eq!(
        code(action, refused),
        "InvalidParameterValue.AddressIdMalformed"
    );
    let refused = client
        .call(&to_instance("eip-00000000", "ins-12345678"))
        .await;
    assert_eq!(code(action, refused), "InvalidAddressId.NotFound");
    let refused = client
        .call(&ReleaseAddressesRequest::new(vec![
            eip.clone(),
            "eip-00000000".into(),
        ]))
        .await;
    assert_eq!(
        code("ReleaseAddresses", refused),
        "InvalidAddressId.NotFound"
    );
    assert_eq!(count(&client, &[]).await, Some(1), "all or none");
    let mut list = DescribeAddressesRequest::new();
    list.address_ids = Some(vec!["eip-x".into()]);
    assert_eq!(
        code("DescribeAddresses", client.call(&list).await),
        "InvalidParameterValue.AddressIdMalformed"
    );

    // Quota: 20 EIPs per region by default; a count below 1 is out of range.
    let mut request = AllocateAddressesRequest::new();
    request.address_count = Some(20);
    assert_eq!(
        code("AllocateAddresses", client.call(&request).await),
        "AddressQuotaLimitExceeded"
    );
    request.address_count = Some(0);
    assert_eq!(
        code("AllocateAddresses", client.call(&request).await),
        "InvalidParameterValue.Range"
    );
    allocate(&client, 19).await;
    let mut request = DescribeAddressesRequest::new();
    request.limit = Some(100);
    let listed = client.call(&request).await.expect("listed");
    assert_eq!(listed.total_count, Some(20));
    let addresses: BTreeSet<String> = listed
        .address_set
        .expect("a set")
        .into_iter()
        .filter_map(|a| a.address_ip)
        .collect();
    assert_eq!(addresses.len(), 20, "never an address twice");
    assert_eq!(emulator.counts()["addresses"], 20);
    let refused = client.call(&AllocateAddressesRequest::new()).await;
    assert_eq!(
        code("AllocateAddresses", refused),
        "AddressQuotaLimitExceeded"
    );
    emulator.set_quota(ADDRESSES_PER_REGION, 21);
    allocate(&client, 1).await;
    server.shutdown().await;
}

#[tokio::test]
async fn returning_an_ip_or_deleting_its_eni_unbinds_its_eip() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (ids, _) = allocate(&client, 2).await;
    let (vpc_id, subnet_id) = vpc_and_subnet(&client, "10.0.0.0/16", "10.0.1.0/24").await;
    let eni_id = create_eni(&client, &vpc_id, &subnet_id)
        .await
        .network_interface_id
        .expect("an ID");
    let mut assign = AssignPrivateIpAddressesRequest::new(&eni_id);
    assign.secondary_private_ip_address_count = Some(1);
    client.call(&assign).await.expect("assigned");
    client
        .call(&to_eni(&ids[0], &eni_id, "10.0.1.2"))
        .await
        .expect("bound");
    client
        .call(&to_eni(&ids[1], &eni_id, "10.0.1.3"))
        .await
        .expect("bound");
    assert_eq!(
        count(&client, &[("address-status", &["BIND_ENI"])]).await,
        Some(2)
    );

    // UnassignPrivateIpAddresses: "the EIP will be automatically unassociated as well".
    let returned = PrivateIpAddressSpecification {
        private_ip_address: Some("10.0.1.3".into()),
        ..PrivateIpAddressSpecification::default()
    };
    client
        .call(&UnassignPrivateIpAddressesRequest::new(
            &eni_id,
            vec![returned],
        ))
        .await
        .expect("returned");
    let unbound = describe_one(&client, &ids[1]).await;
    assert_eq!(unbound.address_status.as_deref(), Some("UNBIND"));
    assert_eq!(unbound.network_interface_id.as_deref(), Some(""));

    // DeleteNetworkInterface releases every private IP, so their EIPs are unbound.
    client
        .call(&DeleteNetworkInterfaceRequest::new(&eni_id))
        .await
        .expect("deleted");
    assert_eq!(
        count(&client, &[("address-status", &["UNBIND"])]).await,
        Some(2)
    );
    assert!(emulator.dangling_references().is_empty());
    client
        .call(&ReleaseAddressesRequest::new(ids))
        .await
        .expect("released");
    server.shutdown().await;
}

#[tokio::test]
async fn accounts_and_regions_do_not_see_each_other() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let home = client(&server);
    let (ids, task) = allocate(&home, 1).await;
    let strangers = [
        client_as(&server, vpc_mock::demo_credential(), "ap-shanghai"),
        client_as(
            &server,
            Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1),
            "ap-guangzhou",
        ),
    ];
    for stranger in &strangers {
        let mut by_id = DescribeAddressesRequest::new();
        by_id.address_ids = Some(ids.clone());
        assert_eq!(
            stranger.call(&by_id).await.expect("listed").total_count,
            Some(0)
        );
        let refused = stranger.call(&to_instance(&ids[0], "ins-12345678")).await;
        assert_eq!(
            code("AssociateAddress", refused),
            "InvalidAddressId.NotFound"
        );
        let refused = stranger
            .call(&ReleaseAddressesRequest::new(ids.clone()))
            .await;
        assert_eq!(
            code("ReleaseAddresses", refused),
            "InvalidAddressId.NotFound"
        );
        let mut request = DescribeTaskResultRequest::new();
        request.task_id = Some(task);
        let refused = stranger.call(&request).await;
        assert_eq!(code("DescribeTaskResult", refused), "InvalidParameter");
        // Each scope has its own pool: the same first address.
        let (theirs, _) = allocate(stranger, 1).await;
        assert_eq!(
            describe_one(stranger, &theirs[0])
                .await
                .address_ip
                .as_deref(),
            Some("203.0.113.1")
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_new_eip_is_creating_then_unbind_and_its_task_succeeds() {
    let emulator = Emulator::builder()
        .async_delay(Duration::from_millis(300))
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (ids, task) = allocate(&client, 1).await;
    assert_eq!(
        describe_one(&client, &ids[0])
            .await
            .address_status
            .as_deref(),
        Some("CREATING")
    );
    let mut request = DescribeTaskResultRequest::new();
    request.task_id = Some(task);
    let first = client.call(&request).await.expect("the task is known");
    assert_eq!(first.result.as_deref(), Some("RUNNING"));
    // Only an UNBIND EIP is bound or released.
    let refused = client.call(&to_instance(&ids[0], "ins-12345678")).await;
    assert_eq!(
        code("AssociateAddress", refused),
        "UnsupportedOperation.AddressStatusNotPermit"
    );
    let refused = client
        .call(&ReleaseAddressesRequest::new(ids.clone()))
        .await;
    assert_eq!(code("ReleaseAddresses", refused), "InvalidAddressState");
    wait_for_status(&client, &ids[0], "UNBIND").await;
    assert_eq!(wait_for_task(&client, task).await, "SUCCESS");
    client
        .call(&to_instance(&ids[0], "ins-12345678"))
        .await
        .expect("bound once created");
    server.shutdown().await;
}

#[tokio::test]
async fn a_failing_allocation_ends_offlining_and_its_task_failed() {
    let emulator = Emulator::builder()
        .failing("AllocateAddresses")
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let (ids, task) = allocate(&client, 1).await;
    wait_for_status(&client, &ids[0], "OFFLINING").await;
    assert_eq!(wait_for_task(&client, task).await, "FAILED");
    // A failed EIP can be cleaned up.
    client
        .call(&ReleaseAddressesRequest::new(ids))
        .await
        .expect("released");
    server.shutdown().await;
}
