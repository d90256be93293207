//! Loader tests: the shipped spec loads, every invalid fixture reports all of its
//! problems with file, pointer and line:column (snapshots), and the schema is fresh.

use std::path::Path;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn shipped_spec_loads_and_says_what_the_document_says() {
    let service = api_spec::load_file(&manifest_dir().join("vpc.json")).expect("valid spec");
    assert_eq!(service.name, "vpc");
    assert_eq!(service.version, "2017-03-12");
    assert_eq!(service.default_host, "vpc.intl.tencentcloudapi.com");
    let action = service.action("ResetVpnConnection").expect("action");
    assert_eq!(action.rate_limit, Some(100));
    assert!(!action.retry_safe);
    let inputs: Vec<_> = action
        .input
        .iter()
        .map(|f| (f.wire_name.as_str(), f.rust_name.as_str(), f.required))
        .collect();
    assert_eq!(
        inputs,
        [
            ("VpnGatewayId", "vpn_gateway_id", true),
            ("VpnConnectionId", "vpn_connection_id", true)
        ]
    );
    let codes: Vec<_> = action.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "InvalidParameterValue.Malformed",
            "ResourceNotFound",
            "UnsupportedOperation.InvalidState",
            "UnsupportedOperation.VpnConnInvalidState"
        ]
    );
    assert_eq!(action.examples.len(), 1);
    assert_eq!(service.common_errors.len(), 38);
    // ResourceNotFound is both documented and common: it is the common enum's, and the
    // action's own variants are the other three.
    let own: Vec<_> = service
        .own_errors(action)
        .iter()
        .map(|e| e.code.as_str())
        .collect();
    assert_eq!(
        own,
        [
            "InvalidParameterValue.Malformed",
            "UnsupportedOperation.InvalidState",
            "UnsupportedOperation.VpnConnInvalidState"
        ]
    );
    let common: Vec<_> = service
        .documented_common(action)
        .iter()
        .map(|e| e.code.as_str())
        .collect();
    assert_eq!(common, ["ResourceNotFound"]);
}

#[test]
fn invalid_fixtures_report_every_problem_located() {
    let dir = manifest_dir().join("tests/data/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "fixtures went missing: {files:?}");
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let shown = format!("tests/data/invalid/{stem}.json");
        let err = api_spec::load_str(&text, &shown).expect_err("fixture must be invalid");
        for diagnostic in err.diagnostics() {
            assert_eq!(diagnostic.file, shown);
            assert!(diagnostic.position.line >= 1 && diagnostic.position.column >= 1);
        }
        insta::assert_snapshot!(stem, err.to_string());
    }
}

#[test]
fn missing_file_names_the_path() {
    let err = api_spec::load_file(Path::new("does/not/exist.json")).expect_err("missing");
    let message = err.to_string();
    assert!(
        message.starts_with("spec does/not/exist.json: cannot read the file:"),
        "{message}"
    );
}

#[test]
fn checked_in_schema_is_fresh() {
    let on_disk = std::fs::read_to_string(manifest_dir().join("schema.json")).unwrap_or_default();
    assert!(
        on_disk == api_spec::json_schema(),
        "api-spec/schema.json is stale: run `cargo xtask codegen`"
    );
}

/// `tests/data/reset_vpn_connection.json` is the shipped spec with only its
/// `ResetVpnConnection`: the small real spec the text-level tests mutate.
#[test]
fn the_small_spec_is_the_shipped_spec_cut_to_one_action() {
    let read = |path: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(manifest_dir().join(path)).expect("read");
        serde_json::from_str(&text).expect("JSON")
    };
    let mut shipped = read("vpc.json");
    let small = read("tests/data/reset_vpn_connection.json");
    let action = shipped["actions"]["ResetVpnConnection"].take();
    shipped["actions"] = serde_json::json!({ "ResetVpnConnection": action });
    shipped["objects"] = serde_json::json!({});
    // The waiters name describe actions the cut leaves out.
    if let Some(spec) = shipped.as_object_mut() {
        spec.remove("waiters");
    }
    shipped["$schema"] = small["$schema"].clone();
    assert_eq!(small, shipped);
}

#[test]
fn the_whole_shipped_spec_loads() {
    let service = api_spec::load_file(&manifest_dir().join("vpc.json")).expect("valid spec");
    assert_eq!(service.actions.len(), 448);
    assert_eq!(service.objects.len(), 185);
}

#[test]
fn never_panics_on_truncations_of_the_real_spec() {
    let text = std::fs::read_to_string(manifest_dir().join("tests/data/reset_vpn_connection.json"))
        .expect("spec");
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            assert!(api_spec::load_str(&text[..cut], "cut.json").is_err());
        }
        cut += 97;
    }
}
