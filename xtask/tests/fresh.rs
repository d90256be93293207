//! A plain `cargo test` fails when a checked-in generated file is stale, so a stale
//! checkout cannot pass CI; this also proves the checked-in client code is exactly the
//! generator's output for the spec.

#[test]
fn checked_in_generated_files_are_fresh() {
    let root = xtask::workspace_root().expect("the test runs inside the workspace");
    let stale = xtask::stale(&root).expect("generation succeeds");
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo xtask codegen`): {stale:?}"
    );
}

/// The per-action features of both manifests are generated: one per action of the spec,
/// `all-actions` in the client's `default`, and the endpoint's forwarding to the client's.
#[test]
fn manifests_declare_one_feature_per_action() {
    let root = xtask::workspace_root().expect("the test runs inside the workspace");
    let spec = std::fs::read_to_string(root.join(xtask::SPEC)).expect("spec");
    let service = api_spec::load_str(&spec, xtask::SPEC).expect("valid");
    let client = std::fs::read_to_string(root.join(xtask::CLIENT_MANIFEST)).expect("manifest");
    let server = std::fs::read_to_string(root.join(xtask::SERVER_MANIFEST)).expect("manifest");
    assert!(client.contains("default = [\"rustls-ring\", \"all-actions\"]"));
    for action in &service.actions {
        let name = &action.name;
        assert!(client.contains(&format!("\n{name} = []\n")), "{name}");
        assert!(client.contains(&format!("\n    \"{name}\",\n")), "{name}");
        if !xtask::SERVER_UNGATED.contains(&name.as_str()) {
            assert!(
                server.contains(&format!("\n{name} = [\"vpc-client/{name}\"]\n")),
                "{name}"
            );
        }
    }
}

#[test]
fn splicing_replaces_only_the_generated_features() {
    let manifest = format!(
        "[package]\nname = \"x\"\n\n[features]\ndefault = []\n{}\nold = []\n{}\nmine = []\n",
        xtask::FEATURES_BEGIN,
        xtask::FEATURES_END
    );
    let spliced = xtask::splice_features(&manifest, "new = []\n").expect("markers present");
    assert_eq!(
        spliced,
        format!(
            "[package]\nname = \"x\"\n\n[features]\ndefault = []\n{}\nnew = []\n{}\nmine = []\n",
            xtask::FEATURES_BEGIN,
            xtask::FEATURES_END
        )
    );
    // Splicing what it produced changes nothing.
    assert_eq!(
        xtask::splice_features(&spliced, "new = []\n").expect("markers present"),
        spliced
    );
}

#[test]
fn splicing_without_markers_says_which_lines_it_needs() {
    let err =
        xtask::splice_features("[features]\ndefault = []\n", "new = []\n").expect_err("no markers");
    let message = err.to_string();
    assert!(message.contains(xtask::FEATURES_BEGIN), "{message}");
    assert!(message.contains(xtask::FEATURES_END), "{message}");
    let reversed = format!("{}\n{}\n", xtask::FEATURES_END, xtask::FEATURES_BEGIN);
    let err = xtask::splice_features(&reversed, "").expect_err("out of order");
    assert!(err.to_string().contains("comes before"), "{err}");
}

/// Every service's call methods are inherent methods of one `Client`: a method two
/// services would share is refused, naming both actions; the shipped services share
/// none.
#[test]
fn call_methods_of_two_services_may_not_clash() {
    let root = xtask::workspace_root().expect("the test runs inside the workspace");
    let load = |output: &xtask::ServiceOutput| {
        let text = std::fs::read_to_string(root.join(output.spec)).expect("spec");
        api_spec::load_str(&text, output.spec).expect("valid")
    };
    let shipped: Vec<_> = xtask::SERVICES.iter().map(|o| (o, load(o))).collect();
    xtask::check_method_clashes(&shipped).expect("VPC and STS share no method");
    // STS twice, as if a second service had the same actions.
    let mut other = xtask::STS;
    other.spec = "api-spec/sts-copy.json";
    let twice = [
        (&xtask::STS, load(&xtask::STS)),
        (&other, load(&xtask::STS)),
    ];
    let message = xtask::check_method_clashes(&twice)
        .expect_err("same methods")
        .to_string();
    assert!(
        message.contains("`Client::assume_role` would be generated twice")
            && message.contains("api-spec/sts-copy.json"),
        "{message}"
    );
}
