//! Other services, as a new user imports them: a checked-in sample of the newest
//! (Chinese) tccli's descriptions (`tests/data/tccli-sample/`, see its README) imports
//! without an error table or overlay, loads and validates through `api_spec`, and goes
//! through the generator; what Tencent publishes there (`api_brief`, `status: "offline"`,
//! a missing `serviceNameCN`) is carried or reported, never dropped silently.

use std::path::{Path, PathBuf};
use std::process::Command;

use api_spec::model::Status;
use serde_json::Value;
use xtask::import::{self, Imported, Paths};

/// The sample's descriptions, `<svc>/<version>`.
const SAMPLE: &[&str] = &[
    "chdfs/v20190718",
    "cim/v20190318",
    "eis/v20200715",
    "habo/v20181203",
    "smop/v20201203",
    "tsw/v20210412",
];

const NO_TABLE: &str = "no error table given: no action has codes of its own";

fn dir(description: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tccli-sample")
        .join(description)
}

fn import(description: &str) -> Imported {
    let paths = Paths::tccli(&dir(description), None, None, Path::new("unused.json"));
    import::import_paths(&paths)
        .unwrap_or_else(|err| panic!("{description} does not import: {err:#}"))
}

/// `api.json` read as plain JSON, not through the import's structs.
fn api_json(description: &str) -> Value {
    let text = std::fs::read_to_string(dir(description).join("api.json"))
        .expect("the sample's api.json is readable");
    serde_json::from_str(&text).expect("the sample's api.json is JSON")
}

fn load(description: &str, imported: &Imported) -> api_spec::ir::Service {
    api_spec::load_str(&imported.text, description)
        .unwrap_or_else(|err| panic!("the spec of {description} does not load: {err}"))
}

/// The flat client code (the macro's) and the split files (xtask's), formatted.
fn generated(description: &str, service: &api_spec::ir::Service) -> (String, Vec<String>) {
    let config = vpc_codegen::Config::default();
    let tokens = vpc_codegen::generate(service, &config)
        .unwrap_or_else(|err| panic!("{description} does not generate: {err}"));
    let flat = vpc_codegen::format_file(tokens, description)
        .unwrap_or_else(|err| panic!("the code of {description} does not parse: {err}"));
    let files = vpc_codegen::generate_files(service, &config)
        .unwrap_or_else(|err| panic!("{description} does not generate files: {err}"))
        .into_iter()
        .map(|file| {
            vpc_codegen::format_file(file.tokens, &file.path)
                .unwrap_or_else(|err| panic!("{description} {}: {err}", file.path))
        })
        .collect();
    (flat, files)
}

#[test]
fn every_sample_imports_loads_and_generates_without_an_error_table() {
    for description in SAMPLE {
        let imported = import(description);
        let api = api_json(description);
        let metadata = &api["metadata"];
        let spec = &imported.spec;
        assert_eq!(spec.service, metadata["serviceShortName"], "{description}");
        assert_eq!(spec.version, metadata["apiVersion"], "{description}");
        assert_eq!(
            spec.actions.len(),
            api["actions"].as_object().unwrap().len(),
            "{description}"
        );
        for (name, action) in &spec.actions {
            assert!(action.errors.is_empty(), "{description} {name}");
            let published = &api["actions"][name];
            assert_eq!(
                serde_json::to_value(action.status).unwrap(),
                published.get("status").cloned().unwrap_or(Value::Null),
                "{description} {name}"
            );
        }
        let examples: Value = serde_json::from_str(
            &std::fs::read_to_string(dir(description).join("examples.json")).unwrap(),
        )
        .unwrap();
        let published: usize = examples["actions"]
            .as_object()
            .unwrap()
            .values()
            .map(|list| list.as_array().unwrap().len())
            .sum();
        let in_spec: usize = spec.actions.values().map(|a| a.examples.len()).sum();
        assert_eq!(
            published,
            in_spec + imported.report.skipped.len(),
            "{description}: no example vanishes"
        );

        let report = &imported.report;
        assert!(!report.error_table, "{description}");
        let summary = report.summary();
        assert!(summary.contains(NO_TABLE), "{description}: {summary}");
        assert!(
            !summary.contains("actions without a table entry"),
            "{summary}"
        );

        let service = load(description, &imported);
        assert_eq!(service.actions.len(), spec.actions.len(), "{description}");
        let (flat, files) = generated(description, &service);
        assert!(flat.contains("pub trait VpcApi"), "{description}");
        assert!(
            files.len() >= 2 + spec.actions.len(),
            "{description}: mod.rs, actions/mod.rs and one file per action at least"
        );
    }
}

#[test]
fn the_brief_is_carried_into_the_spec_and_the_service_docs() {
    for (description, fragment) in [
        ("chdfs/v20190718", "介绍如何使用API对云HDFS进行操作"),
        ("tsw/v20210412", "修改链路追踪agent的配置参数"),
    ] {
        let imported = import(description);
        let published = api_json(description)["metadata"]["api_brief"].clone();
        assert_eq!(
            imported.spec.brief.as_deref(),
            published.as_str(),
            "{description}: verbatim"
        );
        let service = load(description, &imported);
        assert_eq!(service.brief, imported.spec.brief);
        let (flat, files) = generated(description, &service);
        assert!(flat.contains(fragment), "{description}: the SERVICE doc");
        assert!(
            files[0].starts_with("//") && files[0].contains(fragment),
            "{description}: the module doc of mod.rs\n{}",
            files[0]
        );
    }
}

#[test]
fn a_null_brief_is_no_brief_and_is_reported() {
    let imported = import("eis/v20200715");
    assert!(api_json("eis/v20200715")["metadata"]["api_brief"].is_null());
    assert_eq!(imported.spec.brief, None);
    let summary = imported.report.summary();
    assert!(
        summary.contains("/metadata/api_brief is null: the spec has no brief"),
        "{summary}"
    );
    // Absent in the spec, not `null`.
    assert!(!imported.text.contains("\"brief\""));
}

#[test]
fn offline_actions_are_carried_and_documented_on_the_call_method() {
    let description = "chdfs/v20190718";
    let imported = import(description);
    assert_eq!(imported.spec.actions.len(), 26);
    for (name, action) in &imported.spec.actions {
        assert_eq!(action.status, Some(Status::Offline), "{name}");
    }
    let service = load(description, &imported);
    assert!(service.actions.iter().all(|a| a.offline && !a.deprecated));
    let (flat, _) = generated(description, &service);
    let line = "/// **Offline**: Tencent has taken this action offline.";
    // Once on each request type, once on each call method of the trait, and once on
    // each pages method (chdfs has none).
    let paged = service
        .actions
        .iter()
        .filter(|a| a.pagination.is_some())
        .count();
    assert_eq!(flat.matches(line).count(), 2 * 26 + paged, "{flat}");
    let method = flat
        .find("fn create_file_system(")
        .expect("the call method");
    let doc_start = flat[..method].rfind("Calls `CreateFileSystem`").unwrap();
    assert!(flat[doc_start..method].contains(line));
    assert!(!flat.contains("#[deprecated"));

    // A deprecated action is not offline.
    let imported = import("smop/v20201203");
    let service = load("smop/v20201203", &imported);
    let action = service.action("SubmitTaskEvent").unwrap();
    assert!(action.deprecated && !action.offline);
    assert!(!generated("smop/v20201203", &service).0.contains(line));
}

#[test]
fn a_missing_chinese_name_is_reported() {
    for description in ["cim/v20190318", "habo/v20181203"] {
        assert!(api_json(description)["metadata"]["serviceNameCN"].is_null());
        let imported = import(description);
        assert_eq!(imported.report.service_name_cn, None);
        let summary = imported.report.summary();
        assert!(
            summary.contains("(no serviceNameCN in api.json)"),
            "{summary}"
        );
        assert!(
            summary.contains("/metadata has no serviceNameCN"),
            "{summary}"
        );
    }
    let imported = import("tsw/v20210412");
    assert_eq!(
        imported.report.service_name_cn.as_deref(),
        Some("微服务观测平台 TSW")
    );
}

/// The Chinese descriptions' common-parameter placeholder (`<公共请求参数>`) and request/
/// response structure boilerplate (`X请求参数结构体`) are known, so they neither skip
/// examples nor fill the notes.
#[test]
fn the_chinese_boilerplate_is_known() {
    let imported = import("tsw/v20210412");
    assert_eq!(imported.report.examples_converted, 3);
    assert!(imported.report.skipped.is_empty());
    assert!(
        imported.report.notes.is_empty(),
        "{:?}",
        imported.report.notes
    );
}

#[test]
fn the_cli_imports_without_an_error_table() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tccli-sample-tsw.json");
    let _ = std::fs::remove_file(&out);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["import", "--tccli"])
        .arg(dir("tsw/v20210412"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(NO_TABLE), "{stdout}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, import("tsw/v20210412").text);
}
