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
