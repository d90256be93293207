//! Snapshots of the generated code: one small fixture spec per feature, and the real
//! spec. The same fixtures are compiled and exercised by `vpc-macros/tests/fixtures.rs`.

use std::path::Path;

fn generate(relative: &str) -> String {
    generate_actions(relative, None)
}

/// The macro's output for the spec at `relative`, only for `actions` when given.
fn generate_actions(relative: &str, actions: Option<&[&str]>) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let service = api_spec::load_file(&path).expect("fixture is valid");
    let config = vpc_codegen::Config {
        actions: actions.map(|names| names.iter().map(|name| (*name).to_owned()).collect()),
        ..vpc_codegen::Config::default()
    };
    let tokens = vpc_codegen::generate(&service, &config).expect("generates");
    vpc_codegen::format_file(tokens, relative).expect("parses")
}

macro_rules! snapshot {
    ($name:ident, $path:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), generate($path));
        }
    };
}

snapshot!(optional_members, "tests/data/optional_members.json");
snapshot!(lists, "tests/data/lists.json");
snapshot!(nested_objects, "tests/data/nested_objects.json");
snapshot!(several_actions, "tests/data/several_actions.json");
snapshot!(keywords_acronyms, "tests/data/keywords_acronyms.json");
snapshot!(
    unknown_error_fallback,
    "tests/data/unknown_error_fallback.json"
);
snapshot!(case_collisions, "tests/data/case_collisions.json");
snapshot!(paging, "tests/data/paging.json");
snapshot!(skip_sign, "tests/data/skip_sign.json");
snapshot!(client_token, "tests/data/client_token.json");
snapshot!(sensitive, "tests/data/sensitive.json");
snapshot!(waiters, "tests/data/waiters.json");

/// Two real CVM codes whose plain variants meet (`InvalidParameter.ValueTooLarge`,
/// `InvalidParameterValue.TooLarge`) become two variants; only the error enum is kept
/// in the snapshot.
#[test]
fn cvm_colliding_codes() {
    let code = generate_actions("../vpc-macros/tests/data/cvm.json", Some(&["CreateImage"]));
    let start = code
        .find("pub enum CreateImageError")
        .expect("the error enum");
    let end = start + code[start..].find("\n}\n").expect("its end") + 3;
    insta::assert_snapshot!("cvm_colliding_codes", &code[start..end]);
}

/// The real spec's first action, as the macro emits it (the whole spec is checked in
/// generated form under `vpc-client/src/generated/`, and `xtask/tests/fresh.rs` guards
/// it).
#[test]
fn vpc_spec() {
    insta::assert_snapshot!(
        "vpc_spec",
        generate_actions("../api-spec/vpc.json", Some(&["ResetVpnConnection"]))
    );
}

/// The server side (service trait and dispatcher) of a spec, as the macro emits it.
fn generate_server(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let service = api_spec::load_file(&path).expect("fixture is valid");
    let config = vpc_codegen::ServerConfig {
        types: syn::parse_quote!(self),
        server: syn::parse_quote!(::vpc_mock),
        trait_name: "ThingService".to_owned(),
        ..vpc_codegen::ServerConfig::inside_mock()
    };
    let tokens = vpc_codegen::generate_server(&service, &config).expect("generates");
    vpc_codegen::format_file(tokens, relative).expect("parses")
}

/// The split layout with each action behind its cargo feature, as `cargo xtask codegen`
/// writes it into `vpc-client` and `vpc-mock`: the files that carry the gates (the
/// indexes and the server side), one after another; an action's or object's own file
/// is the same gated or not.
fn generate_gated(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let service = api_spec::load_file(&path).expect("fixture is valid");
    let config = vpc_codegen::Config {
        feature_gates: true,
        ..vpc_codegen::Config::inside_runtime()
    };
    let server = vpc_codegen::ServerConfig {
        feature_gates: true,
        ungated: vec!["GetQuota".to_owned()],
        ..vpc_codegen::ServerConfig::inside_mock()
    };
    let client = vpc_codegen::generate_files(&service, &config).expect("generates");
    let server = vpc_codegen::generate_server_files(&service, &server).expect("generates");
    let mut out = String::new();
    for (dir, file) in client
        .into_iter()
        .map(|file| ("client", file))
        .chain(server.into_iter().map(|file| ("server", file)))
    {
        let leaf = (file.path.starts_with("actions/") || file.path.starts_with("objects/"))
            && !file.path.ends_with("/mod.rs");
        if leaf {
            continue;
        }
        out.push_str(&format!("===== {dir}/{}\n", file.path));
        out.push_str(&vpc_codegen::format_file(file.tokens, relative).expect("parses"));
    }
    out
}

#[test]
fn feature_gated_split_layout() {
    let code = generate_gated("tests/data/several_actions.json");
    // Each action's module, its visit and its server method and dispatch are gated; the
    // ungated action's server side is not.
    for action in ["StartThing", "StopThing"] {
        assert!(
            code.contains(&format!("#[cfg(feature = \"{action}\")]")),
            "{action}"
        );
    }
    assert!(!code.contains("#[cfg(feature = \"GetQuota\")]\n    fn get_quota"));
    insta::assert_snapshot!("feature_gated_split_layout", code);
}

#[test]
fn server_several_actions() {
    insta::assert_snapshot!(
        "server_several_actions",
        generate_server("tests/data/several_actions.json")
    );
}

#[test]
fn server_filter_keeps_only_selected_actions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/several_actions.json");
    let service = api_spec::load_file(&path).expect("valid");
    let config = vpc_codegen::ServerConfig {
        actions: Some(vec!["StopThing".into()]),
        ..vpc_codegen::ServerConfig::inside_mock()
    };
    let code = vpc_codegen::format_file(
        vpc_codegen::generate_server(&service, &config).expect("generates"),
        "x",
    )
    .expect("parses");
    assert!(code.contains("fn stop_thing("));
    assert!(code.contains(r#"&["StopThing"]"#));
    assert!(!code.contains("StartThing"));
    let config = vpc_codegen::ServerConfig {
        actions: Some(vec!["Nope".into()]),
        ..vpc_codegen::ServerConfig::inside_mock()
    };
    assert!(vpc_codegen::generate_server(&service, &config).is_err());
}

#[test]
fn output_is_deterministic() {
    assert_eq!(
        generate("tests/data/nested_objects.json"),
        generate("tests/data/nested_objects.json")
    );
}

#[test]
fn action_filter_names_unknown_actions() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/several_actions.json");
    let service = api_spec::load_file(&path).expect("valid");
    let config = vpc_codegen::Config {
        actions: Some(vec!["StartThing".into(), "Nope".into()]),
        ..vpc_codegen::Config::default()
    };
    let err = vpc_codegen::generate(&service, &config).expect_err("Nope is unknown");
    assert_eq!(
        err.to_string(),
        "the spec has no action `Nope`; it declares `GetQuota`, `StartThing`, `StopThing`"
    );
}

#[test]
fn action_filter_keeps_only_selected_actions_and_their_objects() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/several_actions.json");
    let service = api_spec::load_file(&path).expect("valid");
    let config = vpc_codegen::Config {
        actions: Some(vec!["StopThing".into()]),
        ..vpc_codegen::Config::default()
    };
    let code = vpc_codegen::format_file(
        vpc_codegen::generate(&service, &config).expect("generates"),
        "x",
    )
    .expect("parses");
    assert!(code.contains("pub struct StopThingRequest"));
    assert!(!code.contains("StartThing"));
    assert!(!code.contains("GetQuota"));
}

/// An offline action says so on its request type, its call method and its pages method
/// (a line of rustdoc, never `#[deprecated]`); the spec's `brief` joins the service's
/// docs, `SERVICE` in the flat output and the module doc of the split layout's `mod.rs`.
#[test]
fn offline_actions_and_the_brief_are_documented() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/paging.json");
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    let text = text
        .replacen(
            "\"title\": \"Demo\",",
            "\"title\": \"Demo\", \"brief\": \"介绍如何使用API。\\r\\n第二行\",",
            1,
        )
        .replacen(
            "\"DescribeThings\": {",
            "\"DescribeThings\": {\n      \"status\": \"offline\",",
            1,
        );
    let service = api_spec::load_str(&text, "paging.json").expect("the edited fixture is valid");
    let config = vpc_codegen::Config::default();
    let tokens = vpc_codegen::generate(&service, &config).expect("generates");
    let code = vpc_codegen::format_file(tokens, "paging.json").expect("parses");
    let line = "/// **Offline**: Tencent has taken this action offline.";
    assert_eq!(code.matches(line).count(), 3, "{code}");
    for item in [
        "pub struct DescribeThingsRequest",
        "fn describe_things(",
        "fn describe_things_pages(",
    ] {
        let at = code.find(item).expect(item);
        let doc = &code[..at];
        let doc = &doc[doc.rfind("\n\n").map_or(0, |i| i)..];
        assert!(doc.contains(line), "{item}: {doc}");
    }
    assert!(!code.contains("#[deprecated"));
    assert!(
        code.contains("/// 介绍如何使用API。\n///\n/// 第二行\npub const SERVICE"),
        "{code}"
    );

    let files = vpc_codegen::generate_files(&service, &config).expect("generates files");
    let root = vpc_codegen::format_file(files[0].tokens.clone(), "mod.rs").expect("parses");
    assert!(root.contains("\n\n 介绍如何使用API。\n\n 第二行"), "{root}");
}
