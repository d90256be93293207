//! Emulated security groups through the typed client: groups with filters and tags,
//! policy sets whose `Version` moves on every change and guards concurrent edits,
//! insertion at an index, deletion by index and by content, each rule with its
//! documented code, quotas, and isolation of accounts and regions.

use vpc_client::Client;
use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    CreateSecurityGroupPoliciesRequest, CreateSecurityGroupRequest,
    DeleteSecurityGroupPoliciesRequest, DeleteSecurityGroupRequest,
    DescribeSecurityGroupPoliciesRequest, DescribeSecurityGroupsRequest, SecurityGroupPolicy,
    SecurityGroupPolicySet,
};
use vpc_mock::Emulator;
use vpc_mock::emulator::{POLICIES_PER_SECURITY_GROUP, SECURITY_GROUPS_PER_REGION};

use crate::emulator::{OTHER_ACCOUNT, client, client_as, code, filter, start, tag};

async fn create_group(client: &Client, name: &str) -> String {
    client
        .call(&CreateSecurityGroupRequest::new(name, "a group"))
        .await
        .expect("group created")
        .security_group
        .expect("group")
        .security_group_id
}

/// A TCP policy from `cidr` to `port`.
fn tcp(cidr: &str, port: &str, action: &str) -> SecurityGroupPolicy {
    SecurityGroupPolicy {
        protocol: Some("tcp".into()),
        port: Some(port.into()),
        cidr_block: Some(cidr.into()),
        action: Some(action.into()),
        ..SecurityGroupPolicy::default()
    }
}

fn ingress(version: Option<&str>, policies: Vec<SecurityGroupPolicy>) -> SecurityGroupPolicySet {
    SecurityGroupPolicySet {
        version: version.map(str::to_owned),
        ingress: Some(policies),
        ..SecurityGroupPolicySet::default()
    }
}

async fn policy_set(client: &Client, id: &str) -> SecurityGroupPolicySet {
    client
        .call(&DescribeSecurityGroupPoliciesRequest::new(id))
        .await
        .expect("policies")
        .security_group_policy_set
        .expect("set")
}

/// The ingress policies' (index, port, action).
fn ingress_rows(set: &SecurityGroupPolicySet) -> Vec<(i64, String, String)> {
    set.ingress
        .iter()
        .flatten()
        .map(|p| {
            (
                p.policy_index.unwrap_or(-1),
                p.port.clone().unwrap_or_default(),
                p.action.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn groups_are_created_listed_filtered_and_deleted() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let mut request = CreateSecurityGroupRequest::new("web", "web servers");
    request.tags = Some(vec![tag("env", "prod")]);
    let created = client
        .call(&request)
        .await
        .expect("created")
        .security_group
        .expect("group");
    assert_eq!(created.security_group_name, "web");
    assert_eq!(created.security_group_desc, "web servers");
    assert_eq!(created.project_id.as_deref(), Some("0"));
    assert_eq!(created.tag_set, Some(vec![tag("env", "prod")]));
    let id = created.security_group_id.clone();
    let other = create_group(&client, "db").await;

    let mut list = DescribeSecurityGroupsRequest::new();
    list.security_group_ids = Some(vec![id.clone()]);
    let found = client.call(&list).await.expect("listed");
    assert_eq!(found.total_count, Some(1));
    assert_eq!(found.security_group_set.expect("set")[0], created);
    for (name, values, expected) in [
        ("security-group-name", &["db"][..], vec![other.clone()]),
        ("tag:env", &["prod", "dev"][..], vec![id.clone()]),
        ("tag-key", &["env"][..], vec![id.clone()]),
        ("project-id", &["0"][..], vec![id.clone(), other.clone()]),
        (
            "security-group-id",
            &[other.as_str()][..],
            vec![other.clone()],
        ),
    ] {
        let mut list = DescribeSecurityGroupsRequest::new();
        list.filters = Some(vec![filter(name, values)]);
        let ids: Vec<String> = client
            .call(&list)
            .await
            .expect("listed")
            .security_group_set
            .expect("set")
            .into_iter()
            .map(|g| g.security_group_id)
            .collect();
        assert_eq!(ids, expected, "{name}");
    }
    list.filters = Some(vec![filter("security-group-name", &["web"])]);
    assert_eq!(
        code("DescribeSecurityGroups", client.call(&list).await),
        "InvalidParameter.Coexist"
    );

    for id in [&id, &other] {
        client
            .call(&DeleteSecurityGroupRequest::new(id))
            .await
            .expect("deleted");
    }
    assert_eq!(emulator.counts()["security_groups"], 0);
    let gone = client.call(&DeleteSecurityGroupRequest::new(&id)).await;
    assert_eq!(code("DeleteSecurityGroup", gone), "ResourceNotFound");
    server.shutdown().await;
}

#[tokio::test]
async fn policy_sets_move_their_version_and_follow_their_rules() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let id = create_group(&client, "web").await;
    let peer = create_group(&client, "peer").await;

    let empty = policy_set(&client, &id).await;
    assert_eq!(empty.version.as_deref(), Some("0"));
    assert_eq!(empty.ingress, Some(vec![]));
    assert_eq!(empty.egress, Some(vec![]));

    // Appended, then inserted before the first.
    let add = CreateSecurityGroupPoliciesRequest::new(
        &id,
        ingress(
            None,
            vec![
                tcp("10.0.0.0/8", "22", "accept"),
                tcp("0.0.0.0/0", "80-90", "ACCEPT"),
            ],
        ),
    );
    client.call(&add).await.expect("added");
    let mut first = tcp("1.2.3.4", "443", "drop");
    first.policy_index = Some(0);
    let insert = CreateSecurityGroupPoliciesRequest::new(&id, ingress(Some("1"), vec![first]));
    client.call(&insert).await.expect("inserted");
    let set = policy_set(&client, &id).await;
    assert_eq!(set.version.as_deref(), Some("2"));
    assert_eq!(
        ingress_rows(&set),
        vec![
            (0, "443".into(), "DROP".into()),
            (1, "22".into(), "ACCEPT".into()),
            (2, "80-90".into(), "ACCEPT".into()),
        ]
    );
    assert_eq!(
        set.ingress.as_ref().expect("ingress")[1]
            .protocol
            .as_deref(),
        Some("TCP")
    );

    // A stale version is refused, and changes nothing.
    let stale = CreateSecurityGroupPoliciesRequest::new(
        &id,
        ingress(Some("1"), vec![tcp("10.1.0.0/16", "8080", "ACCEPT")]),
    );
    assert_eq!(
        code("CreateSecurityGroupPolicies", client.call(&stale).await),
        "UnsupportedOperation.VersionMismatch"
    );
    assert_eq!(policy_set(&client, &id).await.version.as_deref(), Some("2"));

    // Each rule, with its documented code.
    let mut both = ingress(None, vec![tcp("10.1.0.0/16", "8080", "ACCEPT")]);
    both.egress = Some(vec![tcp("10.1.0.0/16", "8080", "ACCEPT")]);
    let mut two_sources = tcp("10.1.0.0/16", "8080", "ACCEPT");
    two_sources.security_group_id = Some(peer.clone());
    let mut icmp_port = tcp("10.1.0.0/16", "8080", "ACCEPT");
    icmp_port.protocol = Some("ICMP".into());
    let mut far = tcp("10.1.0.0/16", "8080", "ACCEPT");
    far.policy_index = Some(9);
    let mut unknown_group = tcp("", "8080", "ACCEPT");
    unknown_group.cidr_block = None;
    unknown_group.security_group_id = Some("sg-00000000".into());
    let cases = [
        (both, "InvalidParameter.Coexist"),
        (ingress(None, vec![]), "InvalidParameterValue.Empty"),
        (ingress(None, vec![two_sources]), "InvalidParameter.Coexist"),
        (
            ingress(None, vec![tcp("10.0.0.0/8", "22", "ACCEPT")]),
            "UnsupportedOperation.DuplicatePolicy",
        ),
        (
            ingress(None, vec![tcp("10.1.0.0/16", "8080", "MAYBE")]),
            "InvalidParameterValue.Range",
        ),
        (
            ingress(None, vec![tcp("10.1.0.0/16", "70000", "ACCEPT")]),
            "InvalidParameterValue.Range",
        ),
        (
            ingress(None, vec![icmp_port]),
            "InvalidParameterValue.Range",
        ),
        (
            ingress(None, vec![tcp("10.1.0.300/16", "80", "ACCEPT")]),
            "InvalidParameterValue.Malformed",
        ),
        (ingress(None, vec![far]), "InvalidParameterValue.Range"),
        (ingress(None, vec![unknown_group]), "ResourceNotFound"),
    ];
    for (set, expected) in cases {
        let request = CreateSecurityGroupPoliciesRequest::new(&id, set.clone());
        assert_eq!(
            code("CreateSecurityGroupPolicies", client.call(&request).await),
            expected,
            "{set:?}"
        );
    }
    assert_eq!(policy_set(&client, &id).await.version.as_deref(), Some("2"));

    // Filters over policies; an undocumented one is refused.
    let mut filtered = DescribeSecurityGroupPoliciesRequest::new(&id);
    filtered.filters = Some(vec![filter("poly", &["DROP"])]);
    let drops = client
        .call(&filtered)
        .await
        .expect("listed")
        .security_group_policy_set
        .expect("set");
    assert_eq!(ingress_rows(&drops), vec![(0, "443".into(), "DROP".into())]);
    filtered.filters = Some(vec![filter("direction", &["OUTBOUND"])]);
    let out = client
        .call(&filtered)
        .await
        .expect("listed")
        .security_group_policy_set
        .expect("set");
    assert_eq!(ingress_rows(&out), vec![]);
    filtered.filters = Some(vec![filter("ip", &["10.0"]), filter("port", &["2"])]);
    let ip = client
        .call(&filtered)
        .await
        .expect("listed")
        .security_group_policy_set
        .expect("set");
    assert_eq!(ingress_rows(&ip), vec![(1, "22".into(), "ACCEPT".into())]);
    filtered.filters = Some(vec![filter("colour", &["red"])]);
    assert_eq!(
        code(
            "DescribeSecurityGroupPolicies",
            client.call(&filtered).await
        ),
        "InvalidParameter.FilterInvalidKey"
    );

    // Deleting by index (the indices of the set the version names), then by content.
    let mut by_index = ingress(Some("2"), vec![]);
    by_index.ingress = Some(
        [2, 0]
            .into_iter()
            .map(|i| SecurityGroupPolicy {
                policy_index: Some(i),
                ..SecurityGroupPolicy::default()
            })
            .collect(),
    );
    let delete = DeleteSecurityGroupPoliciesRequest::new(&id, by_index.clone());
    client.call(&delete).await.expect("deleted by index");
    let set = policy_set(&client, &id).await;
    assert_eq!(set.version.as_deref(), Some("3"));
    assert_eq!(ingress_rows(&set), vec![(0, "22".into(), "ACCEPT".into())]);
    assert_eq!(
        code("DeleteSecurityGroupPolicies", client.call(&delete).await),
        "UnsupportedOperation.VersionMismatch"
    );
    let mut past = by_index.clone();
    past.version = None;
    assert_eq!(
        code(
            "DeleteSecurityGroupPolicies",
            client
                .call(&DeleteSecurityGroupPoliciesRequest::new(&id, past))
                .await
        ),
        "InvalidParameterValue.Range"
    );
    let no_match = ingress(None, vec![tcp("10.0.0.0/8", "23", "ACCEPT")]);
    assert_eq!(
        code(
            "DeleteSecurityGroupPolicies",
            client
                .call(&DeleteSecurityGroupPoliciesRequest::new(&id, no_match))
                .await
        ),
        "ResourceNotFound"
    );
    let mut mixed = ingress(
        None,
        vec![
            tcp("10.0.0.0/8", "22", "ACCEPT"),
            tcp("10.0.0.0/8", "22", "ACCEPT"),
        ],
    );
    if let Some(list) = mixed.ingress.as_mut() {
        list[0].policy_index = Some(0);
    }
    assert_eq!(
        code(
            "DeleteSecurityGroupPolicies",
            client
                .call(&DeleteSecurityGroupPoliciesRequest::new(&id, mixed))
                .await
        ),
        "InvalidParameter.Coexist"
    );
    let by_content = ingress(Some("3"), vec![tcp("10.0.0.0/8", "22", "Accept")]);
    client
        .call(&DeleteSecurityGroupPoliciesRequest::new(&id, by_content))
        .await
        .expect("deleted by content");
    let set = policy_set(&client, &id).await;
    assert_eq!(set.version.as_deref(), Some("4"));
    assert_eq!(ingress_rows(&set), vec![]);
    server.shutdown().await;
}

#[tokio::test]
async fn groups_named_in_other_groups_policies_stay_and_quotas_hold() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client(&server);
    let used = create_group(&client, "used").await;
    let user = create_group(&client, "user").await;

    // `user` lets `used` in, and itself: `used` is in use, `user` is not.
    let from = |group: &str| SecurityGroupPolicy {
        protocol: Some("ALL".into()),
        port: Some("all".into()),
        security_group_id: Some(group.to_owned()),
        action: Some("ACCEPT".into()),
        ..SecurityGroupPolicy::default()
    };
    let add = CreateSecurityGroupPoliciesRequest::new(
        &user,
        ingress(None, vec![from(&used), from(&user)]),
    );
    client.call(&add).await.expect("added");
    let egress = SecurityGroupPolicySet {
        egress: Some(vec![from(&used)]),
        ..SecurityGroupPolicySet::default()
    };
    client
        .call(&CreateSecurityGroupPoliciesRequest::new(&used, egress))
        .await
        .expect("added");
    let refused = client.call(&DeleteSecurityGroupRequest::new(&used)).await;
    assert_eq!(code("DeleteSecurityGroup", refused), "ResourceInUse");
    let set = policy_set(&client, &used).await;
    assert_eq!(set.egress.map(|e| e.len()), Some(1));
    assert_eq!(
        set.policy_statistics
            .map(|s| (s.egress_ipv4_total_count, s.ingress_ipv4_total_count)),
        Some((1, 0))
    );
    client
        .call(&DeleteSecurityGroupRequest::new(&user))
        .await
        .expect("a group naming itself is deleted");
    client
        .call(&DeleteSecurityGroupRequest::new(&used))
        .await
        .expect("no longer in use");

    // Quotas: groups per region, policies per group and direction.
    emulator.set_quota(SECURITY_GROUPS_PER_REGION, 1);
    let id = create_group(&client, "only").await;
    let over = client
        .call(&CreateSecurityGroupRequest::new("more", "x"))
        .await;
    assert_eq!(code("CreateSecurityGroup", over), "LimitExceeded");
    emulator.set_quota(POLICIES_PER_SECURITY_GROUP, 2);
    let two = ingress(
        None,
        vec![
            tcp("10.0.0.0/8", "22", "ACCEPT"),
            tcp("10.0.0.0/8", "23", "ACCEPT"),
        ],
    );
    client
        .call(&CreateSecurityGroupPoliciesRequest::new(&id, two))
        .await
        .expect("two");
    let third = ingress(None, vec![tcp("10.0.0.0/8", "24", "ACCEPT")]);
    assert_eq!(
        code(
            "CreateSecurityGroupPolicies",
            client
                .call(&CreateSecurityGroupPoliciesRequest::new(&id, third.clone()))
                .await
        ),
        "LimitExceeded.SecurityGroupPolicySet"
    );
    let outbound = SecurityGroupPolicySet {
        egress: third.ingress,
        ..SecurityGroupPolicySet::default()
    };
    client
        .call(&CreateSecurityGroupPoliciesRequest::new(&id, outbound))
        .await
        .expect("the other direction has its own quota");

    // Another account, and another region, do not see the group.
    let credential = Credential::new(OTHER_ACCOUNT.0, OTHER_ACCOUNT.1);
    for other in [
        client_as(&server, credential, "ap-guangzhou"),
        client_as(&server, vpc_mock::demo_credential(), "ap-shanghai"),
    ] {
        let refused = other
            .call(&DescribeSecurityGroupPoliciesRequest::new(&id))
            .await;
        assert_eq!(
            code("DescribeSecurityGroupPolicies", refused),
            "ResourceNotFound"
        );
        let refused = other.call(&DeleteSecurityGroupRequest::new(&id)).await;
        assert_eq!(code("DeleteSecurityGroup", refused), "ResourceNotFound");
        let mut list = DescribeSecurityGroupsRequest::new();
        list.security_group_ids = Some(vec![id.clone()]);
        assert_eq!(
            other.call(&list).await.expect("listed").total_count,
            Some(0)
        );
        // Its own quota is untouched by the first scope's group.
        create_group(&other, "mine").await;
    }
    server.shutdown().await;
}
