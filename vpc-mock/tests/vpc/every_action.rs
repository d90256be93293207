//! Every action of the shipped spec, called with each of its example inputs on a fresh
//! seeded endpoint, succeeds and answers every required output member: a new spec entry
//! is covered without a new test.

use vpc_mock::{VpcState, vpc_service};

use crate::common::{raw_call, server};

#[tokio::test]
async fn every_shipped_action_round_trips_its_examples() {
    let service = vpc_service().expect("the shipped spec is valid");
    let mut calls = 0;
    for action in &service.actions {
        assert!(
            !action.examples.is_empty()
                || vpc_mock::vpc::STATEFUL_ACTIONS.contains(&action.name.as_str()),
            "`{}` has neither an example nor an implementation",
            action.name
        );
        for example in &action.examples {
            let server = server(VpcState::seeded()).await;
            let body = serde_json::to_string(&example.input).expect("serialize");
            let answer = raw_call(&server, &action.name, &body).await;
            let response = &answer["Response"];
            assert!(
                response.get("Error").is_none(),
                "`{}` example `{}` failed: {answer}",
                action.name,
                example.title
            );
            for field in action.output.iter().filter(|f| f.required) {
                assert!(
                    response.get(&field.wire_name).is_some(),
                    "`{}` answer lacks `{}`: {answer}",
                    action.name,
                    field.wire_name
                );
            }
            let request_id = response["RequestId"].as_str().expect("RequestId");
            assert_ne!(
                Some(request_id),
                example.output["Response"]["RequestId"].as_str()
            );
            server.shutdown().await;
            calls += 1;
        }
    }
    assert!(calls >= 1);
}
