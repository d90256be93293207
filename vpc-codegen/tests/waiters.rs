//! The waiters of the real spec: every action the task rule finds gets its `task()`
//! method, and every declared state waiter its methods, in the split layout `cargo
//! xtask codegen` writes.

use std::path::Path;

use api_spec::tasks::TaskPoll;

#[test]
fn every_task_starting_action_and_every_state_waiter_gets_its_methods() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec/vpc.json");
    let service = api_spec::load_file(&path).expect("the shipped spec is valid");
    let config = vpc_codegen::Config {
        feature_gates: true,
        ..vpc_codegen::Config::inside_runtime()
    };
    let files = vpc_codegen::generate_files(&service, &config).expect("generates");
    let file = |module: &str| -> String {
        let path = format!("actions/{module}.rs");
        let found = files
            .iter()
            .find(|file| file.path == path)
            .expect("action file");
        found.tokens.to_string()
    };
    let mut counts = (0, 0);
    for action in &service.actions {
        let code = file(&action.module);
        let has_task = code.contains("pub fn task (& self)");
        assert_eq!(has_task, action.task.is_some(), "{}", action.name);
        match action.task {
            Some(TaskPoll::RequestId) => {
                counts.0 += 1;
                assert!(
                    code.contains("-> DescribeVpcTaskResultRequest"),
                    "{}",
                    action.name
                );
            }
            Some(TaskPoll::TaskId) => {
                counts.1 += 1;
                assert!(
                    code.contains("Option < DescribeTaskResultRequest >"),
                    "{}",
                    action.name
                );
            }
            None => {}
        }
    }
    assert_eq!(counts, (32, 10));
    assert_eq!(service.waiters.len(), 5);
    for waiter in &service.waiters {
        let describe = service.action(&waiter.describe).expect("describe action");
        let code = file(&describe.module);
        for method in std::iter::once(&waiter.available_method).chain(&waiter.deleted_method) {
            assert!(code.contains(&format!("pub async fn {method}")), "{method}");
        }
    }
}
