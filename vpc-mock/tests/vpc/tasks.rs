//! Asynchronous tasks through the typed client: an action whose document says to poll
//! `DescribeVpcTaskResult` starts a task under its RequestId (here `DeleteHaVip`, a
//! generic family's delete, so the rule is the spec's and not per resource), an
//! action answering a `TaskId` starts one `DescribeTaskResult` follows; tasks run for
//! the emulator's delay, fail when asked to, and belong to their account.

use std::time::Duration;

use vpc_client::credentials::Credential;
use vpc_client::vpc::{
    AllocateAddressesRequest, CreateHaVipRequest, CreateVpcRequest, DeleteHaVipRequest,
    DescribeTaskResultRequest, DescribeVpcTaskResultRequest, ModifyAddressesBandwidthRequest,
};
use vpc_client::{Client, Endpoint, RateLimitPolicy, RetryPolicy};
use vpc_mock::{Emulator, MockServer, RunningServer, VpcState, demo_credential};

const OTHER: (&str, &str) = ("AKIDTASKSOTHER000001", "other-tasks-secret");

async fn start(emulator: &Emulator) -> RunningServer {
    MockServer::vpc_emulated(VpcState::seeded(), emulator.clone())
        .expect("the shipped spec loads")
        .credential(demo_credential())
        .credential(Credential::new(OTHER.0, OTHER.1))
        .without_rate_limits()
        .start()
        .await
        .expect("start")
}

fn client_as(server: &RunningServer, credential: Credential) -> Client {
    Client::builder()
        .credentials(credential)
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(server.url()))
        .retry(RetryPolicy::none())
        .rate_limit(RateLimitPolicy::none())
        .build()
        .expect("client")
}

/// A fresh HAVIP of the caller's (in a fresh VPC).
async fn a_ha_vip(client: &Client) -> String {
    let vpc = client
        .call(&CreateVpcRequest::new("tasks"))
        .await
        .expect("a VPC")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    client
        .call(&CreateHaVipRequest::new(&vpc, "ha"))
        .await
        .expect("a HAVIP")
        .ha_vip
        .and_then(|h| h.ha_vip_id)
        .expect("a HAVIP ID")
}

async fn vpc_task_status(client: &Client, id: &str) -> (String, String) {
    let answer = client
        .describe_vpc_task_result(&DescribeVpcTaskResultRequest::new(id))
        .await
        .expect("the task is known");
    (
        answer.status.unwrap_or_default(),
        answer.output.unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_task_starting_action_starts_a_task_that_succeeds() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client_as(&server, demo_credential());
    let started = client
        .delete_ha_vip(&DeleteHaVipRequest::new(a_ha_vip(&client).await))
        .await
        .expect("deleted");
    let (status, output) = vpc_task_status(&client, &started.request_id).await;
    assert_eq!((status.as_str(), output.as_str()), ("SUCCESS", "SUCCESS"));

    // Another account does not see it; an unknown task is not found either.
    let other = client_as(&server, Credential::new(OTHER.0, OTHER.1));
    for (client, id) in [
        (&other, started.request_id.as_str()),
        (&client, "no-such-task"),
    ] {
        let error = client
            .describe_vpc_task_result(&DescribeVpcTaskResultRequest::new(id))
            .await
            .expect_err("not found");
        let code = error.service_error().expect("a service error").code.clone();
        assert_eq!(code, "ResourceNotFound", "{error}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_task_runs_for_the_delay_and_fails_when_asked_to() {
    let delay = Duration::from_millis(400);
    let emulator = Emulator::builder()
        .async_delay(delay)
        .failing("DeleteHaVip")
        .build()
        .expect("emulator");
    let server = start(&emulator).await;
    let client = client_as(&server, demo_credential());
    let started = client
        .delete_ha_vip(&DeleteHaVipRequest::new(a_ha_vip(&client).await))
        .await
        .expect("answered");
    let begun = tokio::time::Instant::now();
    let (status, _) = vpc_task_status(&client, &started.request_id).await;
    // The first poll comes well within the delay (unless the machine stalled).
    if begun.elapsed() < delay / 2 {
        assert_eq!(status, "RUNNING");
    }
    let deadline = begun + Duration::from_secs(20);
    let (status, output) = loop {
        let (status, output) = vpc_task_status(&client, &started.request_id).await;
        if status != "RUNNING" || tokio::time::Instant::now() > deadline {
            break (status, output);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status, "FAILED");
    assert!(output.contains("DeleteHaVip"), "{output}");

    // Asked to succeed again: the next task succeeds.
    emulator.set_failing("DeleteHaVip", false);
    emulator.set_async_delay(Duration::ZERO);
    let again = client
        .delete_ha_vip(&DeleteHaVipRequest::new(a_ha_vip(&client).await))
        .await
        .expect("answered");
    assert_eq!(
        vpc_task_status(&client, &again.request_id).await.0,
        "SUCCESS"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_task_id_answer_is_a_task_describe_task_result_follows() {
    let emulator = Emulator::builder().build().expect("emulator");
    let server = start(&emulator).await;
    let client = client_as(&server, demo_credential());
    let address = client
        .call(&AllocateAddressesRequest::new())
        .await
        .expect("an elastic IP")
        .address_set
        .into_iter()
        .flatten()
        .next()
        .expect("one ID");
    let request = ModifyAddressesBandwidthRequest::new(vec![address], 10);
    let first = client
        .modify_addresses_bandwidth(&request)
        .await
        .expect("answered")
        .task_id
        .expect("a TaskId");
    let second = client
        .modify_addresses_bandwidth(&request)
        .await
        .expect("answered")
        .task_id
        .expect("a TaskId");
    assert_ne!(first, second, "each call starts a task of its own");
    let mut describe = DescribeTaskResultRequest::new();
    describe.task_id = Some(second.parse().expect("a numeric task ID"));
    let answer = client
        .describe_task_result(&describe)
        .await
        .expect("the task is known");
    assert_eq!(answer.result.as_deref(), Some("SUCCESS"));
    assert_eq!(answer.task_id.map(|id| id.to_string()), Some(second));
    describe.task_id = Some(1);
    let error = client
        .describe_task_result(&describe)
        .await
        .expect_err("no such task");
    assert_eq!(
        error.service_error().expect("service error").code,
        "InvalidParameter"
    );
    server.shutdown().await;
}
