//! Every published example runs through the CLI: each example request of every action
//! of the spec, sent by `tcvpc` to the local endpoint serving the published examples
//! (`--examples-only`), prints the example's answer as tccli prints it (every declared
//! member in spec order, `null` where the example has none), the RequestId aside.

mod support;

use serde_json::Value;
use support::{DEMO_ENV, Local, fresh_home, stderr, stdout, tcvpc};

#[test]
fn every_published_example_runs_through_the_cli() {
    let spec = api_spec::load_file(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../api-spec/vpc.json"
    )))
    .expect("the spec");
    let tables = vpc_cli::table::service("vpc").expect("vpc");
    let local = Local::examples();
    let home = fresh_home();
    let url = local.url();
    let (mut ran, mut failures) = (0, Vec::new());
    for action in &spec.actions {
        // The fixture's stateful tunnels answer ResetVpnConnection, not its example.
        if action.name == "ResetVpnConnection" {
            continue;
        }
        let table = tables
            .action(&action.name)
            .expect("every action has a command");
        for (index, example) in action.examples.iter().enumerate() {
            let input = home.join(format!("{}-{index}.json", action.name));
            // The examples of one action may share a ClientToken with different members,
            // which the endpoint refuses as a reused token: leave it to the endpoint.
            let mut body = example.input.clone();
            if let Some(map) = body.as_object_mut() {
                map.remove("ClientToken");
            }
            std::fs::write(&input, body.to_string()).expect("write");
            let arg = format!("file://{}", input.display());
            let output = tcvpc(
                &home,
                &[
                    "vpc",
                    &action.name,
                    "--cli-input-json",
                    &arg,
                    "--endpoint",
                    &url,
                ],
                DEMO_ENV,
            );
            ran += 1;
            if output.status.code() != Some(0) {
                failures.push(format!(
                    "{} #{index}: exit {:?}: {}",
                    action.name,
                    output.status.code(),
                    stderr(&output)
                ));
                continue;
            }
            let Ok(mut printed) = serde_json::from_str::<Value>(&stdout(&output)) else {
                failures.push(format!(
                    "{} #{index}: not JSON: {}",
                    action.name,
                    stdout(&output)
                ));
                continue;
            };
            // The endpoint answers with the example whose request is closest to the one
            // sent: the printed answer must be one of the action's examples, projected.
            if let Some(map) = printed.as_object_mut() {
                map.remove("RequestId");
            }
            let matches = action.examples.iter().any(|candidate| {
                let answer = candidate
                    .output
                    .get("Response")
                    .unwrap_or(&candidate.output);
                let mut expected = vpc_cli::output::project(tables, table.output, answer);
                if let Some(map) = expected.as_object_mut() {
                    map.remove("RequestId");
                }
                expected == printed
            });
            if !matches {
                failures.push(format!(
                    "{} #{index}: printed\n{printed}\nwhich is no example's answer",
                    action.name
                ));
            }
        }
    }
    assert!(ran > 400, "only {ran} examples ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
