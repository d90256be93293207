//! Snapshots of the command-line tables (`generate_cli_files`) of small fixtures: what
//! `vpc-cli` builds its commands from.

use std::path::Path;

fn tables(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let service = api_spec::load_file(&path).expect("fixture is valid");
    let files = vpc_codegen::generate_cli_files(&service, &vpc_codegen::CliConfig::default());
    let mut out = String::new();
    for file in files {
        out.push_str(&format!("==> {} <==\n", file.path));
        out.push_str(&vpc_codegen::format_file(file.tokens, relative).expect("parses"));
    }
    out
}

#[test]
fn paging_tables() {
    insta::assert_snapshot!("cli_paging", tables("tests/data/paging.json"));
}

#[test]
fn waiter_tables() {
    let text = tables("tests/data/waiters.json");
    assert!(
        text.contains("waiters: &["),
        "the service lists its waiters"
    );
    insta::assert_snapshot!("cli_waiters", text);
}

#[test]
fn nested_object_tables() {
    insta::assert_snapshot!(
        "cli_nested_objects",
        tables("tests/data/nested_objects.json")
    );
}
