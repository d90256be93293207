//! Emulated VPN gateways, customer gateways and VPN connections through the typed
//! client: the happy path with filters and tags, each rule with its documented code
//! (the dependencies that refuse deletes, a duplicate customer gateway address, a
//! connection needs an available gateway), isolation of accounts and regions, the
//! `PENDING` → `AVAILABLE` states (and their failure states), and `ResetVpnConnection`
//! served by the emulator for its own connections and by the fixture for the rest.

use std::time::Duration;

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    CreateCustomerGatewayRequest, CreateVpnConnectionRequest, CreateVpnGatewayRequest,
    CustomerGateway, DeleteCustomerGatewayRequest, DeleteVpcRequest, DeleteVpnConnectionRequest,
    DeleteVpnGatewayRequest, DescribeCustomerGatewaysRequest, DescribeVpnConnectionsRequest,
    DescribeVpnGatewaysRequest, FilterObject, ResetVpnConnectionRequest, VpnConnection, VpnGateway,
};
use vpc_mock::vpc::{TunnelState, seed};
use vpc_mock::{Emulator, MockServer, RunningServer, VpcState, demo_credential};

use crate::emulator::{OTHER_ACCOUNT, client, client_as, code, create_vpc, filter, start, tag};

fn gateway_request(vpc_id: &str, name: &str) -> CreateVpnGatewayRequest {
    let mut request = CreateVpnGatewayRequest::new(vpc_id, name, 5);
    request.tags = Some(vec![tag("team", "net")]);
    request
}

async fn create_gateway(client: &Client, vpc_id: &str, name: &str) -> VpnGateway {
    client
        .call(&gateway_request(vpc_id, name))
        .await
        .expect("VPN gateway created")
        .vpn_gateway
        .expect("the new gateway")
}

async fn create_customer(client: &Client, name: &str, ip: &str) -> String {
    let mut request = CreateCustomerGatewayRequest::new(name, ip);
    request.tags = Some(vec![tag("site", name)]);
    client
        .call(&request)
        .await
        .expect("customer gateway created")
        .customer_gateway
        .and_then(|g| g.customer_gateway_id)
        .expect("an ID")
}

fn connection_request(gateway: &str, customer: &str, name: &str) -> CreateVpnConnectionRequest {
    let mut request = CreateVpnConnectionRequest::new(gateway, customer, name, "s3cret-key");
    request.tags = Some(vec![tag("tunnel", name)]);
    request
}

async fn create_connection(client: &Client, gateway: &str, customer: &str) -> VpnConnection {
    client
        .call(&connection_request(gateway, customer, "tunnel"))
        .await
        .expect("VPN connection created")
        .vpn_connection
        .expect("the new connection")
}

async fn gateways(client: &Client, request: &DescribeVpnGatewaysRequest) -> Vec<VpnGateway> {
    client
        .call(request)
        .await
        .expect("listed")
        .vpn_gateway_set
        .unwrap_or_default()
}

async fn customers(
    client: &Client,
    request: &DescribeCustomerGatewaysRequest,
) -> Vec<CustomerGateway> {
    client
        .call(request)
        .await
        .expect("listed")
        .customer_gateway_set
        .unwrap_or_default()
}

async fn connections(
    client: &Client,
    request: &DescribeVpnConnectionsRequest,
) -> Vec<VpnConnection> {
    client
        .call(request)
        .await
        .expect("listed")
        .vpn_connection_set
        .unwrap_or_default()
}

fn gateway_ids(ids: &[&str]) -> DescribeVpnGatewaysRequest {
    let mut request = DescribeVpnGatewaysRequest::new();
    request.vpn_gateway_ids = Some(ids.iter().map(|id| (*id).to_owned()).collect());
    request
}

fn connection_ids(ids: &[&str]) -> DescribeVpnConnectionsRequest {
    let mut request = DescribeVpnConnectionsRequest::new();
    request.vpn_connection_ids = Some(ids.iter().map(|id| (*id).to_owned()).collect());
    request
}

fn filter_object(name: &str, values: &[&str]) -> FilterObject {
    FilterObject {
        name: name.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

async fn gateway_state(client: &Client, id: &str) -> String {
    gateways(client, &gateway_ids(&[id]))
        .await
        .pop()
        .and_then(|g| g.state)
        .expect("listed with a state")
}

async fn connection_state(client: &Client, id: &str) -> String {
    connections(client, &connection_ids(&[id]))
        .await
        .pop()
        .and_then(|c| c.state)
        .expect("listed with a state")
}

/// Polls `state` until it is not `passing`, at most 10 s (the delay is 300 ms).
async fn settle<F, Fut>(passing: &str, state: F) -> String
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    crate::common::poll_until(&format!("to leave {passing}"), || async {
        let now = state().await;
        (now != passing).then_some(now)
    })
    .await
}

#[tokio::test]
async fn create_list_filter_and_delete() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "vpn-vpc", "10.0.0.0/16").await;

    let gateway = create_gateway(&client, &vpc_id, "gw").await;
    let gateway_id = gateway.vpn_gateway_id.clone().expect("an ID");
    assert!(gateway_id.starts_with("vpngw-") && gateway_id.len() == 14);
    assert_eq!(gateway.state.as_deref(), Some("AVAILABLE"));
    assert_eq!(gateway.r#type.as_deref(), Some("IPSEC"));
    assert_eq!(gateway.internet_max_bandwidth_out, Some(5));
    let public_ip = gateway.public_ip_address.clone().expect("a public IP");
    assert!(public_ip.starts_with("198.1"), "{public_ip}");

    let customer_id = create_customer(&client, "office", "203.0.113.10").await;
    let connection = create_connection(&client, &gateway_id, &customer_id).await;
    let connection_id = connection.vpn_connection_id.clone().expect("an ID");
    assert!(connection_id.starts_with("vpnx-") && connection_id.len() == 13);
    assert_eq!(connection.state.as_deref(), Some("AVAILABLE"));
    assert_eq!(connection.vpc_id.as_deref(), Some(vpc_id.as_str()));
    // The pre-shared key is an output member of VpnConnection: answered as given.
    assert_eq!(connection.pre_share_key.as_deref(), Some("s3cret-key"));
    let ike = connection.ike_options_specification.expect("IKE options");
    assert_eq!(ike.local_address.as_deref(), Some(public_ip.as_str()));
    assert_eq!(ike.remote_address.as_deref(), Some("203.0.113.10"));

    // Gateways by ID and by filters, a tag filter among them.
    assert_eq!(
        gateways(&client, &gateway_ids(&[&gateway_id])).await.len(),
        1
    );
    for (name, value, expected) in [
        ("vpc-id", vpc_id.as_str(), 1),
        ("vpn-gateway-name", "gw", 1),
        ("public-ip-address", public_ip.as_str(), 1),
        ("type", "SSL", 0),
    ] {
        let mut request = DescribeVpnGatewaysRequest::new();
        request.filters = Some(vec![filter_object(name, &[value])]);
        assert_eq!(
            gateways(&client, &request).await.len(),
            expected,
            "{name}={value}"
        );
    }
    // DescribeVpnGateways' Filters document no tag filter: refused, documented.
    let mut request = DescribeVpnGatewaysRequest::new();
    request.filters = Some(vec![filter_object("tag:team", &["net"])]);
    assert_eq!(
        code("DescribeVpnGateways", client.call(&request).await),
        "InvalidParameter.FilterInvalidKey"
    );

    // Customer gateways: by address; the connection count.
    let mut request = DescribeCustomerGatewaysRequest::new();
    request.filters = Some(vec![filter("ip-address", &["203.0.113.10"])]);
    let listed = customers(&client, &request).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].vpn_conn_num, Some(1));
    assert_eq!(listed[0].tag_set.as_ref().map(Vec::len), Some(1));

    // Connections: by ID, by gateway, by name.
    let listed = connections(&client, &connection_ids(&[&connection_id])).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].pre_share_key.as_deref(), Some("s3cret-key"));
    for (name, value, expected) in [
        ("vpn-gateway-id", gateway_id.as_str(), 1),
        ("customer-gateway-id", customer_id.as_str(), 1),
        ("vpn-connection-name", "tunnel", 1),
        ("vpc-id", "vpc-00000000", 0),
    ] {
        let mut request = DescribeVpnConnectionsRequest::new();
        request.filters = Some(vec![filter(name, &[value])]);
        assert_eq!(
            connections(&client, &request).await.len(),
            expected,
            "{name}={value}"
        );
    }

    // Cleanup in dependency order.
    client
        .call(&DeleteVpnConnectionRequest::new(
            gateway_id.as_str(),
            connection_id.as_str(),
        ))
        .await
        .expect("connection deleted");
    client
        .call(&DeleteCustomerGatewayRequest::new(customer_id.as_str()))
        .await
        .expect("customer gateway deleted");
    client
        .call(&DeleteVpnGatewayRequest::new(gateway_id.as_str()))
        .await
        .expect("VPN gateway deleted");
    client
        .call(&DeleteVpcRequest::new(vpc_id.as_str()))
        .await
        .expect("VPC deleted");
    let counts = emulator.counts();
    for table in [
        "vpn_gateways",
        "customer_gateways",
        "vpn_connections",
        "vpcs",
    ] {
        assert_eq!(counts[table], 0, "{table}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn each_rule_answers_its_documented_code() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "rules", "10.0.0.0/16").await;

    // CreateVpnGateway: the VPC must exist; a documented bandwidth only.
    assert_eq!(
        code(
            "CreateVpnGateway",
            client.call(&gateway_request("vpc-00000000", "gw")).await
        ),
        "InvalidVpcId.NotFound"
    );
    assert_eq!(
        code(
            "CreateVpnGateway",
            client
                .call(&CreateVpnGatewayRequest::new(vpc_id.as_str(), "gw", 7))
                .await
        ),
        "InvalidParameterValue"
    );
    let gateway_id = create_gateway(&client, &vpc_id, "gw")
        .await
        .vpn_gateway_id
        .expect("an ID");

    // CreateCustomerGateway: one per address; an address that is no public IPv4 one.
    let customer_id = create_customer(&client, "office", "203.0.113.20").await;
    for (ip, expected) in [
        ("203.0.113.20", "InvalidParameterValue.Duplicate"),
        ("not-an-ip", "InvalidParameterValue"),
        ("10.0.0.1", "InvalidParameterValue"),
    ] {
        assert_eq!(
            code(
                "CreateCustomerGateway",
                client
                    .call(&CreateCustomerGatewayRequest::new("again", ip))
                    .await
            ),
            expected,
            "{ip}"
        );
    }

    // CreateVpnConnection: both gateways must exist.
    for (gateway, customer) in [
        ("vpngw-00000000", customer_id.as_str()),
        (gateway_id.as_str(), "cgw-00000000"),
    ] {
        assert_eq!(
            code(
                "CreateVpnConnection",
                client
                    .call(&connection_request(gateway, customer, "x"))
                    .await
            ),
            "ResourceNotFound"
        );
    }
    let connection_id = create_connection(&client, &gateway_id, &customer_id)
        .await
        .vpn_connection_id
        .expect("an ID");
    // One connection per pair of gateways.
    assert_eq!(
        code(
            "CreateVpnConnection",
            client
                .call(&connection_request(&gateway_id, &customer_id, "again"))
                .await
        ),
        "InvalidParameterValue.Duplicate"
    );

    // Deletes refused while something depends on the resource, each with its code.
    assert_eq!(
        code(
            "DeleteVpnGateway",
            client
                .call(&DeleteVpnGatewayRequest::new(gateway_id.as_str()))
                .await
        ),
        "UnsupportedOperation"
    );
    assert_eq!(
        code(
            "DeleteCustomerGateway",
            client
                .call(&DeleteCustomerGatewayRequest::new(customer_id.as_str()))
                .await
        ),
        "ResourceInUse"
    );
    assert_eq!(
        code(
            "DeleteVpc",
            client.call(&DeleteVpcRequest::new(vpc_id.as_str())).await
        ),
        "ResourceInUse"
    );
    // DeleteVpnConnection names the connection's own gateway.
    let other_gateway = create_gateway(&client, &vpc_id, "other")
        .await
        .vpn_gateway_id
        .expect("an ID");
    assert_eq!(
        code(
            "DeleteVpnConnection",
            client
                .call(&DeleteVpnConnectionRequest::new(
                    other_gateway.as_str(),
                    connection_id.as_str(),
                ))
                .await
        ),
        "ResourceNotFound"
    );
    client
        .call(&DeleteVpnConnectionRequest::new(
            gateway_id.as_str(),
            connection_id.as_str(),
        ))
        .await
        .expect("deleted");
    // With the connection gone, the gateways can go.
    client
        .call(&DeleteVpnGatewayRequest::new(gateway_id.as_str()))
        .await
        .expect("VPN gateway deleted");
    client
        .call(&DeleteCustomerGatewayRequest::new(customer_id.as_str()))
        .await
        .expect("customer gateway deleted");
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn accounts_and_regions_do_not_see_each_other() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let mine = client(&server);
    let vpc_id = create_vpc(&mine, "mine", "10.0.0.0/16").await;
    let gateway_id = create_gateway(&mine, &vpc_id, "gw")
        .await
        .vpn_gateway_id
        .expect("an ID");
    let customer_id = create_customer(&mine, "office", "203.0.113.30").await;
    let connection_id = create_connection(&mine, &gateway_id, &customer_id)
        .await
        .vpn_connection_id
        .expect("an ID");
    let other_account = client_as(
        &server,
        Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1),
        "ap-guangzhou",
    );
    let other_region = client_as(&server, demo_credential(), "ap-shanghai");
    for other in [&other_account, &other_region] {
        assert!(
            gateways(other, &gateway_ids(&[&gateway_id]))
                .await
                .is_empty()
        );
        assert!(
            connections(other, &connection_ids(&[&connection_id]))
                .await
                .is_empty()
        );
        assert!(
            customers(other, &DescribeCustomerGatewaysRequest::new())
                .await
                .is_empty()
        );
        assert_eq!(
            code(
                "DeleteVpnGateway",
                other
                    .call(&DeleteVpnGatewayRequest::new(gateway_id.as_str()))
                    .await
            ),
            "ResourceNotFound"
        );
        assert_eq!(
            code(
                "CreateVpnConnection",
                other
                    .call(&connection_request(&gateway_id, &customer_id, "x"))
                    .await
            ),
            "ResourceNotFound"
        );
        // Another scope may use the same customer address.
        create_customer(other, "office", "203.0.113.30").await;
        // My connection is not theirs to reset: the fixture does not know it either.
        assert_eq!(
            code(
                "ResetVpnConnection",
                other
                    .call(&ResetVpnConnectionRequest::new(
                        gateway_id.as_str(),
                        connection_id.as_str(),
                    ))
                    .await
            ),
            "ResourceNotFound"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn states_are_pending_then_available_or_their_failure_state() {
    let emulator = Emulator::builder()
        .async_delay(Duration::from_millis(300))
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "states", "10.0.0.0/16").await;
    let customer_id = create_customer(&client, "office", "203.0.113.40").await;

    let gateway = create_gateway(&client, &vpc_id, "gw").await;
    assert_eq!(gateway.state.as_deref(), Some("PENDING"));
    let gateway_id = gateway.vpn_gateway_id.expect("an ID");
    let state = settle("PENDING", || gateway_state(&client, &gateway_id)).await;
    assert_eq!(state, "AVAILABLE");

    let connection = create_connection(&client, &gateway_id, &customer_id).await;
    assert_eq!(connection.state.as_deref(), Some("PENDING"));
    let connection_id = connection.vpn_connection_id.expect("an ID");
    let state = settle("PENDING", || connection_state(&client, &connection_id)).await;
    assert_eq!(state, "AVAILABLE");

    // With a delay no slow machine outlasts: listed PENDING; a PENDING gateway takes
    // no connection and is not deleted, a PENDING connection is not deleted.
    emulator.set_async_delay(Duration::from_secs(600));
    let slow = create_gateway(&client, &vpc_id, "slow")
        .await
        .vpn_gateway_id
        .expect("an ID");
    assert_eq!(gateway_state(&client, &slow).await, "PENDING");
    assert_eq!(
        code(
            "CreateVpnConnection",
            client
                .call(&connection_request(&slow, &customer_id, "x"))
                .await
        ),
        "UnsupportedOperation.InvalidState"
    );
    assert_eq!(
        code(
            "DeleteVpnGateway",
            client
                .call(&DeleteVpnGatewayRequest::new(slow.as_str()))
                .await
        ),
        "UnsupportedOperation"
    );
    let other_customer = create_customer(&client, "branch", "203.0.113.41").await;
    let slow_connection = create_connection(&client, &gateway_id, &other_customer)
        .await
        .vpn_connection_id
        .expect("an ID");
    assert_eq!(connection_state(&client, &slow_connection).await, "PENDING");
    assert_eq!(
        code(
            "DeleteVpnConnection",
            client
                .call(&DeleteVpnConnectionRequest::new(
                    gateway_id.as_str(),
                    slow_connection.as_str(),
                ))
                .await
        ),
        "UnsupportedOperation.DeleteVpnConnInvalidState"
    );
    emulator.set_async_delay(Duration::from_millis(300));

    // The fault option: each creation ends in its failure state.
    emulator.set_failing("CreateVpnGateway", true);
    let doomed = create_gateway(&client, &vpc_id, "doomed")
        .await
        .vpn_gateway_id
        .expect("an ID");
    let state = settle("PENDING", || gateway_state(&client, &doomed)).await;
    assert_eq!(state, "PENDING_ERROR");
    emulator.set_failing("CreateVpnConnection", true);
    let third_customer = create_customer(&client, "depot", "203.0.113.42").await;
    let doomed_connection = create_connection(&client, &gateway_id, &third_customer)
        .await
        .vpn_connection_id
        .expect("an ID");
    let state = settle("PENDING", || connection_state(&client, &doomed_connection)).await;
    assert_eq!(state, "FAILED");
    server.shutdown().await;
}

async fn start_with(state: &VpcState, emulator: &Emulator) -> RunningServer {
    MockServer::vpc_emulated(state.clone(), emulator.clone())
        .expect("the shipped spec loads")
        .credential(demo_credential())
        .without_rate_limits()
        .start()
        .await
        .expect("start")
}

#[tokio::test]
async fn reset_serves_emulated_connections_and_the_fixtures_tunnels() {
    let emulator = Emulator::builder()
        .async_delay(Duration::from_millis(300))
        .build()
        .expect("emulator");
    let state = VpcState::seeded();
    let server = start_with(&state, &emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "reset", "10.0.0.0/16").await;
    let customer_id = create_customer(&client, "office", "203.0.113.50").await;
    let gateway_id = create_gateway(&client, &vpc_id, "gw")
        .await
        .vpn_gateway_id
        .expect("an ID");
    settle("PENDING", || gateway_state(&client, &gateway_id)).await;
    let reset = |gateway: &str, connection: &str| {
        let client = client.clone();
        let request = ResetVpnConnectionRequest::new(gateway, connection);
        async move { client.call(&request).await }
    };
    let connection = |customer: String| {
        let client = client.clone();
        let gateway_id = gateway_id.clone();
        async move {
            create_connection(&client, &gateway_id, &customer)
                .await
                .vpn_connection_id
                .expect("an ID")
        }
    };
    let connection_id = connection(customer_id).await;
    settle("PENDING", || connection_state(&client, &connection_id)).await;

    // With a delay no slow machine outlasts: a PENDING connection is not reset; the
    // emulator's own AVAILABLE connection is, and shows RESETTING until the delay ends.
    emulator.set_async_delay(Duration::from_secs(600));
    let pending = connection(create_customer(&client, "branch", "203.0.113.51").await).await;
    assert_eq!(
        code("ResetVpnConnection", reset(&gateway_id, &pending).await),
        "UnsupportedOperation.VpnConnInvalidState"
    );
    reset(&gateway_id, &connection_id).await.expect("reset");
    assert_eq!(
        state.tunnel_state(&connection_id),
        None,
        "not the fixture's"
    );
    assert_eq!(connection_state(&client, &connection_id).await, "RESETTING");
    assert_eq!(
        code(
            "ResetVpnConnection",
            reset(&gateway_id, &connection_id).await
        ),
        "UnsupportedOperation.VpnConnInvalidState"
    );
    // With the short delay, a reset ends AVAILABLE again.
    emulator.set_async_delay(Duration::from_millis(300));
    let quick = connection(create_customer(&client, "depot", "203.0.113.52").await).await;
    settle("PENDING", || connection_state(&client, &quick)).await;
    reset(&gateway_id, &quick).await.expect("reset");
    let state_now = settle("RESETTING", || connection_state(&client, &quick)).await;
    assert_eq!(state_now, "AVAILABLE");
    // Named with another gateway: not found.
    let other_gateway = create_gateway(&client, &vpc_id, "other")
        .await
        .vpn_gateway_id
        .expect("an ID");
    assert_eq!(
        code(
            "ResetVpnConnection",
            reset(&other_gateway, &connection_id).await
        ),
        "ResourceNotFound"
    );

    // The fixture's tunnel, through the same endpoint, as before.
    reset(seed::GATEWAY, seed::TUNNEL)
        .await
        .expect("the fixture's tunnel resets");
    assert_eq!(
        state.tunnel_state(seed::TUNNEL),
        Some(TunnelState::Resetting)
    );
    assert_eq!(
        code(
            "ResetVpnConnection",
            reset(seed::GATEWAY, seed::FAILED_TUNNEL).await
        ),
        "UnsupportedOperation.VpnConnInvalidState"
    );
    // Neither the fixture's nor the emulator's.
    assert_eq!(
        code(
            "ResetVpnConnection",
            reset(seed::GATEWAY, "vpnx-nosuch00").await
        ),
        "ResourceNotFound"
    );
    server.shutdown().await;
}
