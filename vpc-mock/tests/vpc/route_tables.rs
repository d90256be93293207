//! Emulated route tables through the typed client: the default route table of a VPC,
//! subnets associated with it and moved, custom tables with filters and tags, routes,
//! each rule with its documented code, quotas, and isolation of accounts and regions.

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    CreateRouteTableRequest, CreateRoutesRequest, DeleteRouteTableRequest, DeleteRoutesRequest,
    DeleteSubnetRequest, DeleteVpcRequest, DescribeRouteTablesRequest, DescribeSubnetsRequest,
    ReplaceRouteTableAssociationRequest, Route, RouteTable,
};
use vpc_mock::Emulator;
use vpc_mock::emulator::{ROUTE_TABLES_PER_VPC, ROUTES_PER_ROUTE_TABLE};

use crate::emulator::{
    OTHER_ACCOUNT, client, client_as, code, create_vpc, filter, start, subnet, tag,
};

/// The route tables a filter lists.
async fn tables(client: &Client, filters: &[(&str, &[&str])]) -> Vec<RouteTable> {
    let mut request = DescribeRouteTablesRequest::new();
    request.filters = Some(filters.iter().map(|(n, v)| filter(n, v)).collect());
    let answer = client.call(&request).await.expect("listed");
    let set = answer.route_table_set.expect("set");
    assert_eq!(answer.total_count, Some(set.len() as u64));
    set
}

/// The one route table with `id`.
async fn table(client: &Client, id: &str) -> RouteTable {
    let mut request = DescribeRouteTablesRequest::new();
    request.route_table_ids = Some(vec![id.to_owned()]);
    let mut set = client
        .call(&request)
        .await
        .expect("listed")
        .route_table_set
        .expect("set");
    assert_eq!(set.len(), 1, "{id}");
    set.remove(0)
}

fn associated(table: &RouteTable) -> Vec<String> {
    table
        .association_set
        .iter()
        .flatten()
        .filter_map(|a| a.subnet_id.clone())
        .collect()
}

fn route(destination: &str, kind: &str, gateway: &str) -> Route {
    Route {
        destination_cidr_block: destination.to_owned(),
        gateway_type: kind.to_owned(),
        gateway_id: gateway.to_owned(),
        ..Route::default()
    }
}

async fn create_table(client: &Client, vpc_id: &str, name: &str) -> String {
    client
        .call(&CreateRouteTableRequest::new(vpc_id, name))
        .await
        .expect("route table created")
        .route_table
        .and_then(|t| t.route_table_id)
        .expect("an ID")
}

async fn create_subnet(client: &Client, vpc_id: &str, cidr: &str) -> (String, String) {
    let created = client
        .call(&subnet(vpc_id, "s", cidr))
        .await
        .expect("subnet created")
        .subnet
        .expect("subnet");
    (
        created.subnet_id.expect("id"),
        created.route_table_id.unwrap_or_default(),
    )
}

#[tokio::test]
async fn vpcs_get_a_default_route_table_subnets_follow_it_and_move() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "net", "10.0.0.0/16").await;

    // The default route table, created with the VPC.
    let listed = tables(&client, &[("vpc-id", &[&vpc_id])]).await;
    assert_eq!(listed.len(), 1);
    let default = listed[0].clone();
    let default_id = default.route_table_id.clone().expect("id");
    assert_eq!(default.main, Some(true));
    assert_eq!(default.route_table_name.as_deref(), Some("default"));
    assert!(associated(&default).is_empty());

    // A new subnet is associated with it; the association is listed.
    let (subnet_id, route_table_id) = create_subnet(&client, &vpc_id, "10.0.1.0/24").await;
    assert_eq!(route_table_id, default_id);
    assert_eq!(
        associated(&table(&client, &default_id).await),
        vec![subnet_id.clone()]
    );

    // A custom table with a tag, found by ID, by tag, by name and as not main.
    let mut request = CreateRouteTableRequest::new(&vpc_id, "custom");
    request.tags = Some(vec![tag("env", "test")]);
    let custom = client
        .call(&request)
        .await
        .expect("created")
        .route_table
        .expect("table");
    let custom_id = custom.route_table_id.clone().expect("id");
    assert_eq!(custom.main, Some(false));
    assert_eq!(custom.tag_set, Some(vec![tag("env", "test")]));
    assert_eq!(
        table(&client, &custom_id).await.vpc_id,
        Some(vpc_id.clone())
    );
    let ids = |set: Vec<RouteTable>| -> Vec<String> {
        set.into_iter().filter_map(|t| t.route_table_id).collect()
    };
    assert_eq!(
        ids(tables(&client, &[("tag:env", &["test"])]).await),
        vec![custom_id.clone()]
    );
    assert_eq!(
        ids(tables(&client, &[("route-table-name", &["custom"])]).await),
        vec![custom_id.clone()]
    );
    assert_eq!(
        ids(tables(&client, &[("association.main", &["false"])]).await),
        vec![custom_id.clone()]
    );
    assert_eq!(
        ids(tables(
            &client,
            &[("association.main", &["true"]), ("vpc-id", &[&vpc_id])]
        )
        .await),
        vec![default_id.clone()]
    );
    let mut unknown = DescribeRouteTablesRequest::new();
    unknown.filters = Some(vec![filter("association.nope", &["x"])]);
    assert_eq!(
        code("DescribeRouteTables", client.call(&unknown).await),
        "InvalidParameter.FilterInvalidKey"
    );

    // Moving the subnet: the associations follow, and the subnet row says so.
    let mut replace = ReplaceRouteTableAssociationRequest::new(&custom_id);
    replace.subnet_id = Some(subnet_id.clone());
    client.call(&replace).await.expect("replaced");
    assert_eq!(
        associated(&table(&client, &custom_id).await),
        vec![subnet_id.clone()]
    );
    assert!(associated(&table(&client, &default_id).await).is_empty());
    let mut subnets = DescribeSubnetsRequest::new();
    subnets.subnet_ids = Some(vec![subnet_id.clone()]);
    let row = client
        .call(&subnets)
        .await
        .expect("listed")
        .subnet_set
        .expect("set");
    assert_eq!(row[0].route_table_id.as_deref(), Some(custom_id.as_str()));

    // A table with subnets, and the default table, are not deleted.
    let refused = client.call(&DeleteRouteTableRequest::new(&custom_id)).await;
    assert_eq!(
        code("DeleteRouteTable", refused),
        "UnsupportedOperation.DelRouteWithSubnet"
    );
    let refused = client
        .call(&DeleteRouteTableRequest::new(&default_id))
        .await;
    assert_eq!(
        code("DeleteRouteTable", refused),
        "UnsupportedOperation.NotSupportDeleteDefaultRouteTable"
    );

    // Deleting the subnet leaves no association behind; then the table goes.
    client
        .call(&DeleteSubnetRequest::new(&subnet_id))
        .await
        .expect("subnet deleted");
    assert!(associated(&table(&client, &custom_id).await).is_empty());
    assert!(emulator.dangling_references().is_empty());
    client
        .call(&DeleteRouteTableRequest::new(&custom_id))
        .await
        .expect("deleted");
    let gone = client.call(&DeleteRouteTableRequest::new(&custom_id)).await;
    assert_eq!(code("DeleteRouteTable", gone), "ResourceNotFound");

    // Deleting the VPC removes its route tables, the custom ones too.
    create_table(&client, &vpc_id, "left-over").await;
    assert_eq!(emulator.counts()["route_tables"], 2);
    client
        .call(&DeleteVpcRequest::new(&vpc_id))
        .await
        .expect("vpc deleted");
    assert_eq!(emulator.counts()["route_tables"], 0);
    assert!(emulator.dangling_references().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn routes_are_added_refused_by_their_rules_and_deleted() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let vpc_id = create_vpc(&client, "net", "10.0.0.0/16").await;
    let id = create_table(&client, &vpc_id, "routes").await;

    let request = CreateRoutesRequest::new(
        &id,
        vec![
            route("192.168.0.0/16", "NORMAL_CVM", "10.0.1.5"),
            route("0.0.0.0/0", "NAT", "nat-12345678"),
        ],
    );
    let answer = client.call(&request).await.expect("routes created");
    assert_eq!(answer.total_count, Some(2));
    let routes = answer.route_table_set.expect("set")[0]
        .route_set
        .clone()
        .expect("routes");
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[0].route_id, Some(1));
    assert_eq!(routes[1].route_id, Some(2));
    for route in &routes {
        let item = route.route_item_id.as_deref().expect("item ID");
        assert!(
            item.starts_with("rti-") && item.len() == 12,
            "the examples' shape: {item}"
        );
        assert_eq!(route.route_type.as_deref(), Some("USER"));
        assert_eq!(route.route_table_id.as_deref(), Some(id.as_str()));
    }
    assert_eq!(
        table(&client, &id).await.route_set.map(|r| r.len()),
        Some(2)
    );
    let mut without = DescribeRouteTablesRequest::new();
    without.route_table_ids = Some(vec![id.clone()]);
    without.need_router_info = Some(false);
    let bare = client
        .call(&without)
        .await
        .expect("listed")
        .route_table_set
        .expect("set");
    assert_eq!(bare[0].route_set.as_ref().map(Vec::len), Some(0));

    // Each rule, with its documented code.
    let refuse = |routes: Vec<Route>| CreateRoutesRequest::new(&id, routes);
    let cases = [
        (
            route("192.168.0.0/16", "NORMAL_CVM", "10.0.1.5"),
            "InvalidParameterValue.Duplicate",
        ),
        (
            route("192.168.0.0/16", "NORMAL_CVM", "10.0.1.6"),
            "UnsupportedOperation.EcmpWithUserRoute",
        ),
        (
            route("10.0.3.0/24", "NORMAL_CVM", "10.0.1.6"),
            "InvalidParameterValue.VpcCidrConflict",
        ),
        (
            route("172.16.0.0/16", "TELEPORT", "x"),
            "InvalidParameterValue.RouteNextHopInvalid",
        ),
        (
            route("172.16.0.0/16", "NAT", ""),
            "InvalidParameterValue.RouteNextHopInvalid",
        ),
        (
            route("172.16.0.1/16", "NAT", "nat-12345678"),
            "InvalidParameterValue.Malformed",
        ),
    ];
    for (wrong, expected) in cases {
        let refused = client.call(&refuse(vec![wrong.clone()])).await;
        assert_eq!(code("CreateRoutes", refused), expected, "{wrong:?}");
    }
    let twice = refuse(vec![
        route("172.16.0.0/16", "NAT", "nat-12345678"),
        route("172.16.0.0/16", "NAT", "nat-12345678"),
    ]);
    assert_eq!(
        code("CreateRoutes", client.call(&twice).await),
        "InvalidParameterValue.Duplicate"
    );
    assert_eq!(
        table(&client, &id).await.route_set.map(|r| r.len()),
        Some(2),
        "all or none"
    );

    // The quota of routes per table.
    emulator.set_quota(ROUTES_PER_ROUTE_TABLE, 3);
    client
        .call(&refuse(vec![route("172.16.0.0/16", "NAT", "nat-12345678")]))
        .await
        .expect("the third route");
    let over = client
        .call(&refuse(vec![route("172.17.0.0/16", "NAT", "nat-12345678")]))
        .await;
    assert_eq!(code("CreateRoutes", over), "LimitExceeded");

    // Deleting by RouteItemId and by RouteId; an unknown route is not found.
    let mut delete = DeleteRoutesRequest::new(&id);
    delete.routes = Some(vec![
        Route {
            route_item_id: routes[0].route_item_id.clone(),
            ..Route::default()
        },
        Route {
            route_id: Some(2),
            ..Route::default()
        },
    ]);
    let deleted = client
        .call(&delete)
        .await
        .expect("deleted")
        .route_set
        .expect("set");
    assert_eq!(deleted.len(), 2);
    assert_eq!(deleted[0].destination_cidr_block, "192.168.0.0/16");
    let left = table(&client, &id).await.route_set.expect("routes");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].route_id, Some(3));
    assert_eq!(
        code("DeleteRoutes", client.call(&delete).await),
        "ResourceNotFound"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn route_table_quotas_vpcs_and_scopes_are_kept() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let a = create_vpc(&client, "a", "10.0.0.0/16").await;
    let b = create_vpc(&client, "b", "10.1.0.0/16").await;

    // The quota counts the default table.
    emulator.set_quota(ROUTE_TABLES_PER_VPC, 2);
    let in_b = create_table(&client, &b, "one").await;
    let over = client.call(&CreateRouteTableRequest::new(&b, "two")).await;
    assert_eq!(code("CreateRouteTable", over), "LimitExceeded");
    let missing = client
        .call(&CreateRouteTableRequest::new("vpc-00000000", "x"))
        .await;
    assert_eq!(code("CreateRouteTable", missing), "ResourceNotFound");

    // A subnet moves only within its VPC.
    let (subnet_id, _) = create_subnet(&client, &a, "10.0.1.0/24").await;
    let mut replace = ReplaceRouteTableAssociationRequest::new(&in_b);
    replace.subnet_id = Some(subnet_id.clone());
    assert_eq!(
        code("ReplaceRouteTableAssociation", client.call(&replace).await),
        "UnsupportedOperation.VpcMismatch"
    );
    replace.subnet_id = Some("subnet-00000000".into());
    assert_eq!(
        code("ReplaceRouteTableAssociation", client.call(&replace).await),
        "ResourceNotFound"
    );

    // Another account, and another region, do not see the table.
    let credential = Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1);
    for other in [
        client_as(&server, credential, "ap-guangzhou"),
        client_as(&server, vpc_mock::demo_credential(), "ap-shanghai"),
    ] {
        let mut request = DescribeRouteTablesRequest::new();
        request.route_table_ids = Some(vec![in_b.clone()]);
        assert_eq!(
            other.call(&request).await.expect("listed").total_count,
            Some(0)
        );
        let refused = other.call(&DeleteRouteTableRequest::new(&in_b)).await;
        assert_eq!(code("DeleteRouteTable", refused), "ResourceNotFound");
        let routes = CreateRoutesRequest::new(&in_b, vec![route("172.16.0.0/16", "NAT", "nat-1")]);
        assert_eq!(
            code("CreateRoutes", other.call(&routes).await),
            "ResourceNotFound"
        );
    }
    assert_eq!(
        table(&client, &in_b).await.route_table_name.as_deref(),
        Some("one")
    );
    server.shutdown().await;
}
