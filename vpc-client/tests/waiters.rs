//! Waiters against the local endpoint: task waiters against the emulator's tasks
//! (both kinds succeed, a failing task is an error, the waiter's deadline, throttled
//! polls waited out), state waiters against scripted describe answers (every declared
//! resource reaches its success state, a failure state, a resource deleted during the
//! wait, one never found, the `_deleted` waiters), the same state waiters against the
//! emulator's NAT gateways, VPN gateways and connections, ENIs and elastic IPs (success
//! after the delay, a failed creation's failure state, a deleted NAT gateway gone), and
//! the rule's matches pinned.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use vpc_client::vpc::{AllocateAddressesRequest, DeleteHaVipRequest};
use vpc_client::{Client, Endpoint, RateLimitPolicy, RetryPolicy, WaitError, WaitOptions};
use vpc_mock::{
    ApiError, Call, Emulator, Fault, MockServer, RunningServer, VpcState, demo_credential,
    vpc_service,
};

/// Short delays, so that a test waits tens of milliseconds.
fn fast() -> WaitOptions {
    WaitOptions::default()
        .with_min_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(40))
        .with_deadline(Duration::from_secs(20))
        .with_not_found_grace(Duration::from_millis(200))
}

fn client(server: &RunningServer) -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        // No retries: a throttled poll reaches the waiter itself.
        .retry(RetryPolicy::none())
        .rate_limit(RateLimitPolicy::none())
        .build()
        .expect("client")
}

async fn emulated(emulator: &Emulator) -> RunningServer {
    MockServer::vpc_emulated(VpcState::seeded(), emulator.clone())
        .expect("the shipped spec loads")
        .credential(demo_credential())
        .without_rate_limits()
        .start()
        .await
        .expect("start")
}

fn emulator(delay: Duration, failing: &[&str]) -> Emulator {
    let mut builder = Emulator::builder().async_delay(delay);
    for action in failing {
        builder = builder.failing(action);
    }
    builder.build().expect("emulator")
}

#[test]
fn the_rule_finds_32_request_id_and_10_task_id_actions_in_the_real_spec() {
    use api_spec::tasks::TaskPoll;
    let service = vpc_service().expect("spec");
    let count = |poll| {
        service
            .actions
            .iter()
            .filter(|a| a.task == Some(poll))
            .count()
    };
    assert_eq!(count(TaskPoll::RequestId), 32);
    assert_eq!(count(TaskPoll::TaskId), 10);
    for name in [
        "CreateNetworkInterface",
        "AttachNetworkInterface",
        "AssignPrivateIpAddresses",
        "CreateVpnConnection",
        "DeleteHaVip",
    ] {
        assert_eq!(
            service.action(name).and_then(|a| a.task),
            Some(TaskPoll::RequestId),
            "{name}"
        );
    }
    assert_eq!(
        service.action("AllocateAddresses").and_then(|a| a.task),
        Some(TaskPoll::TaskId)
    );
    let resources: Vec<&str> = service
        .waiters
        .iter()
        .map(|w| w.resource.as_str())
        .collect();
    assert_eq!(
        resources,
        [
            "Address",
            "NatGateway",
            "NetworkInterface",
            "VpnConnection",
            "VpnGateway"
        ]
    );
}

#[tokio::test]
async fn a_request_id_task_is_waited_for_until_success() {
    let emulator = emulator(Duration::from_millis(300), &[]);
    let server = emulated(&emulator).await;
    let client = client(&server);
    let answer = client
        .delete_ha_vip(&DeleteHaVipRequest::new(ha_vip(&client).await))
        .await
        .expect("deleted");
    let waited = client
        .wait_for_task(&answer.task(), &fast())
        .await
        .expect("the task succeeds");
    assert_eq!(waited.response.status.as_deref(), Some("SUCCESS"));
    assert!(waited.polls >= 2, "RUNNING first: {} polls", waited.polls);
    assert!(
        waited.elapsed >= Duration::from_millis(250),
        "{:?}",
        waited.elapsed
    );
}

#[tokio::test]
async fn a_task_id_task_is_waited_for_until_success() {
    let emulator = emulator(Duration::from_millis(200), &[]);
    let server = emulated(&emulator).await;
    let client = client(&server);
    let answer = client
        .allocate_addresses(&AllocateAddressesRequest::new())
        .await
        .expect("allocated");
    let query = answer.task().expect("the answer has a task number");
    let waited = client
        .wait_for_task(&query, &fast())
        .await
        .expect("the task succeeds");
    assert_eq!(waited.response.result.as_deref(), Some("SUCCESS"));
    assert!(waited.polls >= 2, "{} polls", waited.polls);
}

#[tokio::test]
async fn a_failing_task_is_an_error_never_a_success() {
    let emulator = emulator(
        Duration::from_millis(100),
        &["DeleteHaVip", "AllocateAddresses"],
    );
    let server = emulated(&emulator).await;
    let client = client(&server);
    let answer = client
        .delete_ha_vip(&DeleteHaVipRequest::new(ha_vip(&client).await))
        .await
        .expect("the call itself succeeds");
    let error = client
        .wait_for_task(&answer.task(), &fast())
        .await
        .expect_err("a FAILED task is an error");
    match &error {
        WaitError::TaskFailed { task, polls, .. } => {
            assert_eq!(task, &answer.request_id);
            assert!(*polls >= 1);
        }
        other => panic!("not TaskFailed: {other:?}"),
    }
    assert!(error.to_string().contains("failed"), "{error}");

    let answer = client
        .allocate_addresses(&AllocateAddressesRequest::new())
        .await
        .expect("the call itself succeeds");
    let error = client
        .wait_for_task(&answer.task().expect("task number"), &fast())
        .await
        .expect_err("a FAILED task is an error");
    assert!(matches!(error, WaitError::TaskFailed { .. }), "{error:?}");
}

#[tokio::test]
async fn a_deadline_shorter_than_the_task_ends_the_wait() {
    let emulator = emulator(Duration::from_secs(30), &[]);
    let server = emulated(&emulator).await;
    let client = client(&server);
    let answer = client
        .delete_ha_vip(&DeleteHaVipRequest::new(ha_vip(&client).await))
        .await
        .expect("deleted");
    let options = fast().with_deadline(Duration::from_millis(300));
    let error = client
        .wait_for_task(&answer.task(), &options)
        .await
        .expect_err("the deadline passes first");
    match &error {
        WaitError::Deadline {
            last_state,
            polls,
            elapsed,
            ..
        } => {
            assert_eq!(last_state.as_deref(), Some("RUNNING"));
            assert!(*polls >= 2);
            assert!(*elapsed <= Duration::from_secs(5), "{elapsed:?}");
        }
        other => panic!("not Deadline: {other:?}"),
    }
}

#[tokio::test]
async fn throttled_polls_are_waited_out() {
    let emulator = emulator(Duration::from_millis(50), &[]);
    let server = emulated(&emulator).await;
    let client = client(&server);
    let answer = client
        .delete_ha_vip(&DeleteHaVipRequest::new(ha_vip(&client).await))
        .await
        .expect("deleted");
    server.faults().inject(
        "DescribeVpcTaskResult",
        Fault::error("RequestLimitExceeded", "slow down"),
        4,
    );
    let waited = client
        .wait_for_task(&answer.task(), &fast())
        .await
        .expect("throttling never ends the wait");
    assert!(
        waited.polls >= 5,
        "4 throttled polls, then more: {}",
        waited.polls
    );
    assert_eq!(server.faults().pending(), 0);
}

// ---------------------------------------------------------------------------------------
// State waiters, against scripted describe answers.

type Script = Arc<Mutex<VecDeque<Result<Value, ApiError>>>>;

/// An endpoint with the VPC action table whose every call takes the next scripted
/// answer (the last one repeats), recording the describe requests' parameters.
async fn scripted(
    answers: Vec<Result<Value, ApiError>>,
) -> (RunningServer, Arc<Mutex<Vec<Map<String, Value>>>>) {
    let script: Script = Arc::new(Mutex::new(answers.into()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler_seen = Arc::clone(&seen);
    let service = vpc_service().expect("spec");
    let server = MockServer::builder()
        .spec(&service)
        .credential(demo_credential())
        .without_rate_limits()
        .handler(move |call: Call| {
            handler_seen
                .lock()
                .expect("not poisoned")
                .push(call.params.clone());
            let mut script = script.lock().expect("not poisoned");
            let answer = if script.len() > 1 {
                script.pop_front()
            } else {
                script.front().cloned()
            };
            let answer = answer
                .unwrap_or_else(|| Err(ApiError::new("InternalError", "no script")))
                .map(|value| match value {
                    Value::Object(map) => map,
                    _ => Map::new(),
                });
            async move { answer }
        })
        .start()
        .await
        .expect("start");
    (server, seen)
}

/// A describe answer listing `items` under `set`.
fn listing(set: &str, items: Vec<Value>) -> Result<Value, ApiError> {
    Ok(json!({ set: items, "TotalCount": items.len() }))
}

fn item(id_member: &str, id: &str, state_member: &str, state: &str) -> Value {
    json!({ id_member: id, state_member: state })
}

#[tokio::test]
async fn a_nat_gateway_pending_twice_then_available_takes_three_polls() {
    let nat = |state| {
        listing(
            "NatGatewaySet",
            vec![item("NatGatewayId", "nat-1", "State", state)],
        )
    };
    let (server, seen) = scripted(vec![nat("PENDING"), nat("PENDING"), nat("AVAILABLE")]).await;
    let waited = client(&server)
        .wait_until_nat_gateway_available("nat-1", &fast())
        .await
        .expect("available");
    assert_eq!(waited.polls, 3);
    let gateways = waited.response.nat_gateway_set.expect("listed");
    assert_eq!(gateways[0].state.as_deref(), Some("AVAILABLE"));
    // Each poll asks for the one ID.
    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|params| params["NatGatewayIds"] == json!(["nat-1"]))
    );
}

#[tokio::test]
async fn every_declared_resource_reaches_its_success_state() {
    let options = fast();
    let script = |set: &str, id_member: &str, id: &str, state_member: &str, states: &[&str]| {
        states
            .iter()
            .map(|state| {
                listing(
                    set,
                    vec![
                        item(id_member, "other", state_member, "PENDING"),
                        item(id_member, id, state_member, state),
                    ],
                )
            })
            .collect::<Vec<_>>()
    };
    let (server, _) = scripted(script(
        "VpnGatewaySet",
        "VpnGatewayId",
        "vpngw-1",
        "State",
        &["PENDING", "AVAILABLE"],
    ))
    .await;
    let waited = client(&server)
        .wait_until_vpn_gateway_available("vpngw-1", &options)
        .await
        .expect("vpn gateway");
    assert_eq!(waited.polls, 2);

    let (server, _) = scripted(script(
        "VpnConnectionSet",
        "VpnConnectionId",
        "vpnx-1",
        "State",
        &["PENDING", "AVAILABLE"],
    ))
    .await;
    let waited = client(&server)
        .wait_until_vpn_connection_available("vpnx-1", &options)
        .await
        .expect("vpn connection");
    assert_eq!(waited.polls, 2);

    let (server, _) = scripted(script(
        "NetworkInterfaceSet",
        "NetworkInterfaceId",
        "eni-1",
        "State",
        &["PENDING", "ATTACHING", "AVAILABLE"],
    ))
    .await;
    let waited = client(&server)
        .wait_until_network_interface_available("eni-1", &options)
        .await
        .expect("eni");
    assert_eq!(waited.polls, 3);

    // An EIP is settled when bound or not: CREATING, then UNBIND.
    let (server, _) = scripted(script(
        "AddressSet",
        "AddressId",
        "eip-1",
        "AddressStatus",
        &["CREATING", "UNBIND"],
    ))
    .await;
    let waited = client(&server)
        .wait_until_address_available("eip-1", &options)
        .await
        .expect("eip");
    assert_eq!(waited.polls, 2);
    let (server, _) = scripted(script(
        "AddressSet",
        "AddressId",
        "eip-2",
        "AddressStatus",
        &["BINDING", "BIND"],
    ))
    .await;
    let waited = client(&server)
        .wait_until_address_available("eip-2", &options)
        .await
        .expect("bound eip");
    assert_eq!(waited.polls, 2);
}

#[tokio::test]
async fn a_failure_state_is_an_error() {
    let nat = |state| {
        listing(
            "NatGatewaySet",
            vec![item("NatGatewayId", "nat-1", "State", state)],
        )
    };
    let (server, _) = scripted(vec![nat("PENDING"), nat("FAILED")]).await;
    let error = client(&server)
        .wait_until_nat_gateway_available("nat-1", &fast())
        .await
        .expect_err("FAILED");
    match &error {
        WaitError::Failed {
            resource,
            id,
            state,
            polls,
            ..
        } => {
            assert_eq!(
                (*resource, id.as_str(), state.as_str(), *polls),
                ("NatGateway", "nat-1", "FAILED", 2)
            );
        }
        other => panic!("not Failed: {other:?}"),
    }
    assert_eq!(
        error.to_string().split(" (").next(),
        Some("NatGateway nat-1 reached failure state FAILED")
    );
}

#[tokio::test]
async fn a_resource_deleted_during_the_wait_is_reported() {
    let (server, _) = scripted(vec![
        listing(
            "VpnConnectionSet",
            vec![item("VpnConnectionId", "vpnx-1", "State", "PENDING")],
        ),
        listing("VpnConnectionSet", vec![]),
    ])
    .await;
    let error = client(&server)
        .wait_until_vpn_connection_available("vpnx-1", &fast())
        .await
        .expect_err("deleted");
    match error {
        WaitError::Gone {
            last_state, polls, ..
        } => {
            assert_eq!(last_state.as_deref(), Some("PENDING"));
            assert_eq!(polls, 2);
        }
        other => panic!("not Gone: {other:?}"),
    }
}

#[tokio::test]
async fn a_resource_not_found_is_polled_for_the_grace_period_then_an_error() {
    // Missing at first (reads lag writes), then listed: success.
    let eni = |state| {
        listing(
            "NetworkInterfaceSet",
            vec![item("NetworkInterfaceId", "eni-1", "State", state)],
        )
    };
    let (server, _) = scripted(vec![
        listing("NetworkInterfaceSet", vec![]),
        Err(ApiError::new("ResourceNotFound", "not yet")),
        eni("AVAILABLE"),
    ])
    .await;
    let waited = client(&server)
        .wait_until_network_interface_available("eni-1", &fast())
        .await
        .expect("found within the grace period");
    assert_eq!(waited.polls, 3);

    // Never listed: an error once the grace period is over.
    let (server, _) = scripted(vec![listing("NetworkInterfaceSet", vec![])]).await;
    let options = fast().with_not_found_grace(Duration::from_millis(100));
    let error = client(&server)
        .wait_until_network_interface_available("eni-1", &options)
        .await
        .expect_err("never found");
    assert!(matches!(error, WaitError::NotFound { .. }), "{error:?}");
    assert!(error.elapsed() >= Duration::from_millis(100));
}

#[tokio::test]
async fn deleted_waiters_end_when_the_resource_is_gone() {
    let vpngw = |state| {
        listing(
            "VpnGatewaySet",
            vec![item("VpnGatewayId", "vpngw-1", "State", state)],
        )
    };
    let (server, _) = scripted(vec![vpngw("DELETING"), listing("VpnGatewaySet", vec![])]).await;
    let waited = client(&server)
        .wait_until_vpn_gateway_deleted("vpngw-1", &fast())
        .await
        .expect("gone");
    assert_eq!(waited.polls, 2);
    assert!(waited.response.is_some());

    // A documented not-found code means gone too.
    let (server, _) = scripted(vec![
        vpngw("DELETING"),
        Err(ApiError::new(
            "InvalidVpnGatewayId.NotFound",
            "no such gateway",
        )),
    ])
    .await;
    let waited = client(&server)
        .wait_until_vpn_gateway_deleted("vpngw-1", &fast())
        .await
        .expect("gone");
    assert!(waited.response.is_none());

    let nat = |state| {
        listing(
            "NatGatewaySet",
            vec![item("NatGatewayId", "nat-1", "State", state)],
        )
    };
    let (server, _) = scripted(vec![nat("DELETING"), listing("NatGatewaySet", vec![])]).await;
    client(&server)
        .wait_until_nat_gateway_deleted("nat-1", &fast())
        .await
        .expect("nat gone");
    let (server, _) = scripted(vec![listing("AddressSet", vec![])]).await;
    let waited = client(&server)
        .wait_until_address_deleted("eip-1", &fast())
        .await
        .expect("eip gone");
    assert_eq!(waited.polls, 1);
    let (server, _) = scripted(vec![listing("NetworkInterfaceSet", vec![])]).await;
    client(&server)
        .wait_until_network_interface_deleted("eni-1", &fast())
        .await
        .expect("eni gone");
    let (server, _) = scripted(vec![listing("VpnConnectionSet", vec![])]).await;
    client(&server)
        .wait_until_vpn_connection_deleted("vpnx-1", &fast())
        .await
        .expect("tunnel gone");
}

#[tokio::test]
async fn a_throttled_describe_is_waited_out_and_another_error_ends_the_wait() {
    let nat = |state| {
        listing(
            "NatGatewaySet",
            vec![item("NatGatewayId", "nat-1", "State", state)],
        )
    };
    let (server, _) = scripted(vec![
        Err(ApiError::new("RequestLimitExceeded", "slow down")),
        Err(ApiError::new("RequestLimitExceeded", "slow down")),
        nat("AVAILABLE"),
    ])
    .await;
    let waited = client(&server)
        .wait_until_nat_gateway_available("nat-1", &fast())
        .await
        .expect("throttling never ends the wait");
    assert_eq!(waited.polls, 3);

    let (server, _) = scripted(vec![Err(ApiError::new(
        "AuthFailure.UnauthorizedOperation",
        "no",
    ))])
    .await;
    let error = client(&server)
        .wait_until_nat_gateway_available("nat-1", &fast())
        .await
        .expect_err("a definitive error");
    match error {
        WaitError::Call { error, polls, .. } => {
            assert_eq!(polls, 1);
            assert!(error.is_auth_failure());
        }
        other => panic!("not Call: {other:?}"),
    }
}

#[tokio::test]
async fn a_state_wait_has_a_deadline() {
    let nat = listing(
        "NatGatewaySet",
        vec![item("NatGatewayId", "nat-1", "State", "PENDING")],
    );
    let (server, _) = scripted(vec![nat]).await;
    let options = fast().with_deadline(Duration::from_millis(200));
    let error = client(&server)
        .wait_until_nat_gateway_available("nat-1", &options)
        .await
        .expect_err("still PENDING");
    match error {
        WaitError::Deadline {
            last_state, target, ..
        } => {
            assert_eq!(last_state.as_deref(), Some("PENDING"));
            assert_eq!(target, "NatGateway nat-1");
        }
        other => panic!("not Deadline: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// State waiters against the emulator's resources
// ---------------------------------------------------------------------------------------

/// A HAVIP of the emulator's (in a VPC and subnet of its own), to delete: its ID.
async fn ha_vip(client: &Client) -> String {
    let (vpc_id, subnet_id) = vpc_and_subnet(client).await;
    let mut request = vpc_client::vpc::CreateHaVipRequest::new(vpc_id.as_str(), "ha");
    request.subnet_id = Some(subnet_id);
    client
        .create_ha_vip(&request)
        .await
        .expect("CreateHaVip")
        .ha_vip
        .and_then(|h| h.ha_vip_id)
        .expect("a HAVIP ID")
}

/// A VPC and a subnet in the emulator; their IDs.
async fn vpc_and_subnet(client: &Client) -> (String, String) {
    use vpc_client::vpc::{CreateSubnetRequest, CreateVpcRequest};
    let mut vpc = CreateVpcRequest::new("waiters");
    vpc.cidr_block = Some("10.0.0.0/16".into());
    let vpc_id = client
        .create_vpc(&vpc)
        .await
        .expect("CreateVpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    let mut subnet = CreateSubnetRequest::new(vpc_id.as_str(), "web", "ap-guangzhou-3");
    subnet.cidr_block = Some("10.0.1.0/24".into());
    let subnet_id = client
        .create_subnet(&subnet)
        .await
        .expect("CreateSubnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("a subnet ID");
    (vpc_id, subnet_id)
}

/// A NAT gateway with one public IP, in `vpc_id`.
fn nat_request(vpc_id: &str) -> vpc_client::vpc::CreateNatGatewayRequest {
    let mut request = vpc_client::vpc::CreateNatGatewayRequest::new("nat", vpc_id);
    request.address_count = Some(1);
    request
}

/// Every declared state waiter reaches success on resources the emulator creates
/// `PENDING` (or `CREATING`) and makes available after its delay, and the `_deleted`
/// waiter ends once a deleted NAT gateway is gone.
#[tokio::test]
async fn every_state_waiter_reaches_success_on_the_emulator() {
    use vpc_client::vpc::{
        AllocateAddressesRequest, CreateCustomerGatewayRequest, CreateNetworkInterfaceRequest,
        CreateVpnConnectionRequest, CreateVpnGatewayRequest, DeleteNatGatewayRequest,
    };
    let delay = Duration::from_millis(300);
    let emulator = emulator(delay, &[]);
    let server = emulated(&emulator).await;
    let client = client(&server);
    let (vpc_id, subnet_id) = vpc_and_subnet(&client).await;

    let nat = client
        .create_nat_gateway(&nat_request(&vpc_id))
        .await
        .expect("CreateNatGateway")
        .nat_gateway_set
        .and_then(|set| set.into_iter().next())
        .and_then(|n| n.nat_gateway_id)
        .expect("a NAT gateway ID");
    let waited = client
        .wait_until_nat_gateway_available(&nat, &fast())
        .await
        .expect("the NAT gateway becomes available");
    assert!(waited.polls >= 2, "PENDING first: {} polls", waited.polls);

    let gateway = client
        .create_vpn_gateway(&CreateVpnGatewayRequest::new(vpc_id.as_str(), "vpn", 5))
        .await
        .expect("CreateVpnGateway")
        .vpn_gateway
        .and_then(|g| g.vpn_gateway_id)
        .expect("a VPN gateway ID");
    client
        .wait_until_vpn_gateway_available(&gateway, &fast())
        .await
        .expect("the VPN gateway becomes available");
    let customer = client
        .create_customer_gateway(&CreateCustomerGatewayRequest::new("peer", "203.0.113.7"))
        .await
        .expect("CreateCustomerGateway")
        .customer_gateway
        .and_then(|c| c.customer_gateway_id)
        .expect("a customer gateway ID");
    let mut connection =
        CreateVpnConnectionRequest::new(gateway.as_str(), customer.as_str(), "tunnel", "psk-123");
    connection.vpc_id = Some(vpc_id.clone());
    let connection = client
        .create_vpn_connection(&connection)
        .await
        .expect("CreateVpnConnection")
        .vpn_connection
        .and_then(|c| c.vpn_connection_id)
        .expect("a VPN connection ID");
    client
        .wait_until_vpn_connection_available(&connection, &fast())
        .await
        .expect("the VPN connection becomes available");

    let eni = client
        .create_network_interface(&CreateNetworkInterfaceRequest::new(
            vpc_id.as_str(),
            "eni",
            subnet_id.as_str(),
        ))
        .await
        .expect("CreateNetworkInterface")
        .network_interface
        .and_then(|n| n.network_interface_id)
        .expect("an ENI ID");
    client
        .wait_until_network_interface_available(&eni, &fast())
        .await
        .expect("the ENI becomes available");

    let address = client
        .allocate_addresses(&AllocateAddressesRequest::new())
        .await
        .expect("AllocateAddresses")
        .address_set
        .and_then(|set| set.into_iter().next())
        .expect("an EIP ID");
    let waited = client
        .wait_until_address_available(&address, &fast())
        .await
        .expect("the EIP becomes UNBIND");
    assert!(waited.polls >= 2, "CREATING first: {} polls", waited.polls);

    client
        .delete_nat_gateway(&DeleteNatGatewayRequest::new(nat.as_str()))
        .await
        .expect("DeleteNatGateway");
    client
        .wait_until_nat_gateway_deleted(&nat, &fast())
        .await
        .expect("the NAT gateway is gone");
    server.shutdown().await;
}

/// A creation the emulator is asked to fail ends in the failure state the China site's
/// document names, and the waiter says so.
#[tokio::test]
async fn a_failed_creation_ends_the_state_waiter_with_its_failure_state() {
    use vpc_client::vpc::CreateVpnGatewayRequest;
    let emulator = emulator(
        Duration::from_millis(200),
        &["CreateNatGateway", "CreateVpnGateway"],
    );
    let server = emulated(&emulator).await;
    let client = client(&server);
    let (vpc_id, _) = vpc_and_subnet(&client).await;
    let nat = client
        .create_nat_gateway(&nat_request(&vpc_id))
        .await
        .expect("CreateNatGateway")
        .nat_gateway_set
        .and_then(|set| set.into_iter().next())
        .and_then(|n| n.nat_gateway_id)
        .expect("a NAT gateway ID");
    match client.wait_until_nat_gateway_available(&nat, &fast()).await {
        Err(WaitError::Failed { state, .. }) => assert_eq!(state, "PENDFAILURE"),
        other => panic!("expected the failure state, got {other:?}"),
    }
    let gateway = client
        .create_vpn_gateway(&CreateVpnGatewayRequest::new(vpc_id.as_str(), "vpn", 5))
        .await
        .expect("CreateVpnGateway")
        .vpn_gateway
        .and_then(|g| g.vpn_gateway_id)
        .expect("a VPN gateway ID");
    match client
        .wait_until_vpn_gateway_available(&gateway, &fast())
        .await
    {
        Err(WaitError::Failed { state, .. }) => assert_eq!(state, "PENDING_ERROR"),
        other => panic!("expected the failure state, got {other:?}"),
    }
    server.shutdown().await;
}
