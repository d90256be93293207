//! The built `tcvpc` against the local endpoint: output, errors and exit codes, bad
//! input, help at every level, configuration files, paging, dry runs, completion.

mod support;

use serde_json::Value;
use support::{DEMO_ENV, Local, fresh_home, stderr, stdout, tcvpc};

fn call(local: &Local, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    let url = local.url();
    all.extend(["--endpoint", &url]);
    tcvpc(home, &all, DEMO_ENV)
}

#[test]
fn a_plain_call_prints_every_declared_member_in_spec_order() {
    let local = Local::emulator();
    let home = fresh_home();
    let created = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "cli",
            "--CidrBlock",
            "10.0.0.0/16",
        ],
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let output = call(&local, &home, &["vpc", "DescribeVpcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("{\n    \"TotalCount\": 1,\n    \"VpcSet\": [\n"),
        "{text}"
    );
    let value: Value = serde_json::from_str(&text).expect("JSON");
    let keys: Vec<&str> = value["VpcSet"][0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let declared: Vec<&str> = vpc_cli::table::service("vpc")
        .and_then(|s| s.object("Vpc"))
        .expect("Vpc")
        .members
        .iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(keys, declared);
    // A call writes nothing: no ~/.tccli, no log.
    assert!(
        std::fs::read_dir(&home).expect("home").next().is_none(),
        "a call wrote into HOME"
    );
}

#[test]
fn members_the_answer_lacks_print_as_null() {
    let local = Local::examples();
    let home = fresh_home();
    let output = call(&local, &home, &["vpc", "DescribeVpcs"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("\"EnableRouteVpcPublish\": null"), "{text}");
    assert!(text.contains("\"StackType\": null"), "{text}");
}

#[test]
fn scalars_are_typed_as_declared_and_filter_selects() {
    let local = Local::emulator();
    let home = fresh_home();
    // Limit is text for DescribeVpcs: `--Limit 5` is sent as "5", and accepted.
    let output = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--Limit",
            "5",
            "--filter",
            "TotalCount",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "0\n");
    let dry = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--Limit", "5", "--dry-run"],
    );
    assert!(
        stdout(&dry).ends_with("{\"Limit\":\"5\"}\n"),
        "{}",
        stdout(&dry)
    );
    // An integer member refuses text before sending.
    let bad = call(
        &local,
        &home,
        &["vpc", "DescribeAddressQuota", "--Bogus", "x"],
    );
    assert_eq!(bad.status.code(), Some(252));
}

#[test]
fn a_service_error_prints_code_message_and_request_id_and_exits_255() {
    let local = Local::emulator();
    let home = fresh_home();
    let output = call(
        &local,
        &home,
        &["vpc", "DeleteVpc", "--VpcId", "vpc-zzzzzzzz"],
    );
    assert_eq!(output.status.code(), Some(255));
    let err = stderr(&output);
    assert!(
        err.starts_with("[TencentCloudSDKException] code:ResourceNotFound message:"),
        "{err}"
    );
    assert!(
        err.contains(" requestId:") && !err.contains("requestId:None"),
        "{err}"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn bad_input_is_a_clear_usage_error_never_a_panic() {
    let local = Local::emulator();
    let home = fresh_home();
    let cases: &[(&[&str], &str)] = &[
        (
            &["vpc", "DescribeVpcs", "--VpcIds", "[bad"],
            "argument --VpcIds: invalid JSON",
        ),
        (
            &["vpc", "DescribeVpcs", "--Bogus", "1"],
            "`DescribeVpcs` has no member `Bogus`",
        ),
        (
            &[
                "vpc",
                "DescribeVpcs",
                "--Filters",
                r#"[{"Name":"vpc-id","Valuez":["a"]}]"#,
            ],
            "unknown member `Filters[0].Valuez`",
        ),
        (
            &["vpc", "DescribeVpcs", "--Filters", r#"[{"Name":5}]"#],
            "member `Filters[0].Name`: expected String, got a number",
        ),
        (
            &["vpc", "DeleteVpc"],
            "the following arguments are required: --VpcId",
        ),
        (
            &[
                "vpc",
                "DescribeVpcs",
                "--cli-input-json",
                "file:///nonexistent/in.json",
            ],
            "unable to load paramfile /nonexistent/in.json",
        ),
        (
            &["vpc", "DescribeVpcs", "--cli-input-json", "in.json"],
            "must be followed by a value beginning with 'file://'",
        ),
        (&["vpc", "DescribeVpcz"], "is no action of vpc"),
        (&["nosuch"], "invalid choice: `nosuch`"),
        (
            &["vpc", "DescribeVpcs", "--output", "yaml"],
            "Unknown output format: yaml",
        ),
        (
            &["vpc", "DescribeVpcs", "--filter", "VpcSet[?"],
            "argument --filter",
        ),
        (
            &[
                "vpc",
                "DescribeVpcs",
                "--waiter",
                "{\"expr\":\"__import__('os')\"}",
            ],
            "--waiter is not supported",
        ),
        (
            &[
                "vpc",
                "DescribeVpcs",
                "--cli-unfold-argument",
                "--Filters.1.Name",
                "x",
            ],
            "must start from 0",
        ),
    ];
    for (args, expected) in cases {
        let output = call(&local, &home, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(252), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_broken_configuration_file_is_named_with_its_path() {
    let local = Local::emulator();
    let home = fresh_home();
    std::fs::create_dir_all(home.join(".tccli")).expect("mkdir");
    std::fs::write(
        home.join(".tccli/default.credential"),
        "{\"secretId\": \"AKIDx\", ",
    )
    .expect("write");
    let output = call(&local, &home, &["vpc", "DescribeVpcs"]);
    assert_eq!(output.status.code(), Some(255));
    let err = stderr(&output);
    assert!(
        err.contains(".tccli/default.credential is not json format"),
        "{err}"
    );
    assert!(
        !err.contains("AKIDx"),
        "the file's contents stay out of the message: {err}"
    );
}

#[test]
fn profiles_environment_and_options_follow_tccli_precedence() {
    let local = Local::emulator();
    let home = fresh_home();
    let dir = home.join(".tccli");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let endpoint = format!(
        "{{\"_sys_param\": {{\"region\": \"ap-guangzhou\", \"output\": \"json\"}}, \"vpc\": {{\"endpoint\": \"{}\", \"version\": \"2017-03-12\"}}}}",
        local.host()
    );
    std::fs::write(dir.join("test.configure"), &endpoint).expect("write");
    std::fs::write(
        dir.join("test.credential"),
        format!(
            "{{\"secretId\": \"{}\", \"secretKey\": \"{}\"}}",
            vpc_mock::DEMO_SECRET_ID,
            vpc_mock::DEMO_SECRET_KEY
        ),
    )
    .expect("write");
    // The profile's endpoint is a host: https:// is added, as tccli does; over HTTP the
    // local endpoint needs the URL, so give it on the command line.
    let ok = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--profile",
            "test",
            "--endpoint",
            &local.url(),
        ],
        &[],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // With --profile, the environment's keys are not used: wrong keys there change nothing.
    let ok = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--profile",
            "test",
            "--endpoint",
            &local.url(),
        ],
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDwrong"),
            ("TENCENTCLOUD_SECRET_KEY", "wrong"),
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // Without it, TCCLI_PROFILE picks the profile, and the environment's keys win over it.
    let refused = tcvpc(
        &home,
        &["vpc", "DescribeVpcs", "--endpoint", &local.url()],
        &[
            ("TCCLI_PROFILE", "test"),
            ("TENCENTCLOUD_SECRET_ID", "AKIDwrong"),
            ("TENCENTCLOUD_SECRET_KEY", "wrong-secret-value"),
        ],
    );
    assert_eq!(refused.status.code(), Some(255));
    assert!(
        stderr(&refused).contains("AuthFailure"),
        "{}",
        stderr(&refused)
    );
    assert!(!stderr(&refused).contains("wrong-secret-value"));
    // And the command line wins over both.
    let ok = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--endpoint",
            &local.url(),
            "--secretId",
            vpc_mock::DEMO_SECRET_ID,
            "--secretKey",
            vpc_mock::DEMO_SECRET_KEY,
        ],
        &[
            ("TCCLI_PROFILE", "test"),
            ("TENCENTCLOUD_SECRET_ID", "AKIDwrong"),
            ("TENCENTCLOUD_SECRET_KEY", "wrong"),
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let missing = tcvpc(
        &fresh_home(),
        &["vpc", "DescribeVpcs", "--region", "ap-guangzhou"],
        &[],
    );
    assert_eq!(missing.status.code(), Some(255));
    assert!(
        stderr(&missing).contains("secretId is invalid"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn configure_writes_tccli_files_with_mode_0600_and_masks_secrets() {
    let home = fresh_home();
    let set = tcvpc(
        &home,
        &[
            "configure",
            "set",
            "secretId",
            "AKIDsecretid1234",
            "secretKey",
            "verysecretkey9876",
            "region",
            "ap-beijing",
            "vpc.endpoint",
            "vpc.ap-beijing.tencentcloudapi.com",
        ],
        &[],
    );
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    assert!(stdout(&set).is_empty());
    let cred = std::fs::read_to_string(home.join(".tccli/default.credential")).expect("credential");
    let cred: Value = serde_json::from_str(&cred).expect("JSON");
    assert_eq!(cred["secretKey"], "verysecretkey9876");
    let conf: Value = serde_json::from_str(
        &std::fs::read_to_string(home.join(".tccli/default.configure")).expect("configure"),
    )
    .expect("JSON");
    assert_eq!(conf["_sys_param"]["region"], "ap-beijing");
    assert_eq!(
        conf["vpc"]["endpoint"],
        "vpc.ap-beijing.tencentcloudapi.com"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["default.credential", "default.configure"] {
            let mode = std::fs::metadata(home.join(".tccli").join(file))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    let list = tcvpc(&home, &["configure", "list"], &[]);
    let text = stdout(&list);
    assert!(text.contains("secretKey = ****************9876"), "{text}");
    assert!(!text.contains("verysecretkey"), "{text}");
    assert!(text.contains("region = ap-beijing"), "{text}");
    let get = tcvpc(&home, &["configure", "get", "secretId", "region"], &[]);
    assert_eq!(
        stdout(&get),
        "secretId = ****************1234\nregion = ap-beijing\n"
    );
    let remove = tcvpc(&home, &["configure", "remove"], &[]);
    assert_eq!(remove.status.code(), Some(0));
    assert!(!home.join(".tccli/default.credential").exists());
}

#[test]
fn help_answers_at_every_level() {
    let home = fresh_home();
    for args in [
        &["help"][..],
        &["--help"],
        &["-h"],
        &[],
        &["vpc", "help"],
        &["vpc", "-h"],
        &["vpc", "DescribeVpcs", "help"],
        &["vpc", "DescribeVpcs", "--help"],
        &["vpc", "DescribeVpcs", "--VpcIds", "[]", "-h"],
        &["vpc", "wait", "help"],
        &["configure", "help"],
        &["sts", "AssumeRole", "help"],
    ] {
        let output = tcvpc(&home, args, &[]);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&output).is_empty(), "{args:?}");
    }
    let action = stdout(&tcvpc(&home, &["vpc", "DeleteVpc", "help"], &[]));
    assert!(action.contains("--VpcId (String, required)"), "{action}");
    assert!(
        !action.contains("<li>") && !action.contains("<br"),
        "help is plain text"
    );
    let service = stdout(&tcvpc(&home, &["vpc", "help"], &[]));
    assert!(service.contains("DescribeVpcs"));
    let waiters = stdout(&tcvpc(&home, &["vpc", "wait", "help"], &[]));
    assert!(waiters.contains("nat-gateway-available"), "{waiters}");
}

#[test]
fn help_as_a_member_value_is_a_value_and_the_options_list_wait() {
    let local = Local::emulator();
    let home = fresh_home();
    let created = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "help",
            "--CidrBlock",
            "10.0.0.0/16",
            "--filter",
            "Vpc.VpcName",
        ],
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    assert_eq!(stdout(&created), "\"help\"\n");
    let inline = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--VpcIds=[\"-h\"]", "--dry-run"],
    );
    assert!(
        stdout(&inline).ends_with("{\"VpcIds\":[\"-h\"]}\n"),
        "{}",
        stdout(&inline)
    );
    // In an option's place, `help` still asks for help, after a mistake too.
    for args in [
        &["vpc", "CreateVpc", "--VpcName", "x", "help"][..],
        &["vpc", "CreateVpc", "--NoSuchMember", "x", "help"],
        &["vpc", "CreateVpc", "--NoSuchMember", "x", "--help"],
    ] {
        let output = tcvpc(&home, args, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).contains("--CidrBlock"), "{args:?}");
    }
    for args in [&["help"][..], &["vpc", "ReleaseAddresses", "help"]] {
        let text = stdout(&tcvpc(&home, args, &[]));
        assert!(text.contains("    --wait\n"), "{args:?}: {text}");
        assert!(text.contains("    --wait-timeout\n"), "{args:?}: {text}");
    }
}

#[test]
fn a_prefix_of_cli_unfold_argument_enables_dotted_members() {
    let home = fresh_home();
    for flag in ["--cli-unfold-argument", "--cli-unfold", "--cli-u"] {
        let output = tcvpc(
            &home,
            &[
                "vpc",
                "DescribeVpcs",
                flag,
                "--Filters.0.Name",
                "vpc-name",
                "--Filters.0.Values",
                "a",
                "b",
                "--dry-run",
                "--endpoint",
                "http://127.0.0.1:9",
            ],
            DEMO_ENV,
        );
        assert_eq!(output.status.code(), Some(0), "{flag}: {}", stderr(&output));
        assert!(
            stdout(&output)
                .ends_with("{\"Filters\":[{\"Name\":\"vpc-name\",\"Values\":[\"a\",\"b\"]}]}\n"),
            "{flag}: {}",
            stdout(&output)
        );
    }
    // `--cli-` could be either `--cli-input-json` or `--cli-unfold-argument`.
    let ambiguous = tcvpc(
        &home,
        &["vpc", "DescribeVpcs", "--cli-", "--Filters.0.Name", "x"],
        DEMO_ENV,
    );
    assert_eq!(ambiguous.status.code(), Some(252), "{}", stderr(&ambiguous));
}

#[test]
fn skeleton_unfold_and_input_json() {
    let local = Local::emulator();
    let home = fresh_home();
    let skeleton = stdout(&tcvpc(
        &home,
        &["vpc", "DescribeVpcs", "--generate-cli-skeleton"],
        &[],
    ));
    assert!(skeleton.starts_with("{\n    \"VpcIds\": [\n        \"String\"\n    ],\n    \"Filters\": [\n        {\n            \"Name\": \"String\","), "{skeleton}");
    let dry = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--cli-unfold-argument",
            "--Filters.0.Name",
            "vpc-id",
            "--Filters.0.Values",
            "vpc-1",
            "vpc-2",
            "--dry-run",
        ],
    );
    let text = stdout(&dry);
    assert!(
        text.ends_with("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"vpc-1\",\"vpc-2\"]}]}\n"),
        "{text}"
    );
    let input = home.join("in.json");
    std::fs::write(&input, r#"{"VpcIds": ["vpc-1"], "Limit": "7"}"#).expect("write");
    let arg = format!("file://{}", input.display());
    let dry = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--cli-input-json",
            &arg,
            "--Limit",
            "3",
            "--dry-run",
        ],
    );
    assert!(
        stdout(&dry).ends_with("{\"Limit\":\"3\",\"VpcIds\":[\"vpc-1\"]}\n"),
        "the command line wins: {}",
        stdout(&dry)
    );
}

#[test]
fn dry_run_prints_the_signed_request_with_secrets_redacted() {
    let local = Local::emulator();
    let home = fresh_home();
    let output = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--dry-run",
            "--endpoint",
            &local.url(),
            "--token",
            "tok-secret-123",
        ],
        DEMO_ENV,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("X-TC-Action: DescribeVpcs"), "{text}");
    assert!(text.contains("Signature=<redacted>"), "{text}");
    assert!(text.contains("X-TC-Token: <redacted>"), "{text}");
    assert!(
        !text.contains(vpc_mock::DEMO_SECRET_KEY)
            && !text.contains("tok-secret-123")
            && !text.contains(vpc_mock::DEMO_SECRET_ID),
        "{text}"
    );
    assert_eq!(
        local.server.requests_received(),
        0,
        "a dry run sends nothing"
    );
}

#[test]
fn dry_run_redacts_the_secret_members_the_spec_marks() {
    let local = Local::emulator();
    let home = fresh_home();
    let output = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpnConnection",
            "--VpnGatewayId",
            "vpngw-12345678",
            "--CustomerGatewayId",
            "cgw-12345678",
            "--VpnConnectionName",
            "c",
            "--PreShareKey",
            "psk-top-secret-0042",
            "--dry-run",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains("psk-top-secret-0042"), "{text}");
    assert!(text.contains("\"PreShareKey\":\"<redacted>\""), "{text}");
    // The other members are shown as sent.
    assert!(text.contains("\"VpnConnectionName\":\"c\""), "{text}");
    assert_eq!(local.server.requests_received(), 0);
}

#[test]
fn debug_of_the_parsed_command_line_holds_no_secret() {
    let args: Vec<String> = [
        "vpc",
        "CreateVpnConnection",
        "--secretId",
        "AKIDdebugsecretid0001",
        "--secretKey",
        "debug-secret-key-0002",
        "--token",
        "debug-token-0003",
        "--PreShareKey",
        "debug-psk-0004",
    ]
    .map(str::to_owned)
    .to_vec();
    let command = vpc_cli::args::parse(&args).expect("parses");
    let vpc_cli::args::Command::Call(call) = &command else {
        panic!("a call: {command:?}");
    };
    for text in [format!("{command:?}"), format!("{:?}", call.globals)] {
        for secret in [
            "AKIDdebugsecretid",
            "debug-secret-key",
            "debug-token",
            "debug-psk",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("secret_key: Some(\"<redacted>\")"), "{text}");
    }
    let text = format!("{command:?}");
    assert!(
        text.contains("\"PreShareKey\""),
        "the member is named: {text}"
    );
}

#[test]
fn mask_never_shows_a_short_secret() {
    for short in ["k", "abcd", "abcde", "abcdefghijk"] {
        let masked = vpc_cli::config::mask(short);
        assert_eq!(masked, "*".repeat(16), "{short}");
    }
    assert_eq!(
        vpc_cli::config::mask("abcdefghijkl"),
        format!("{}ijkl", "*".repeat(16))
    );
    let home = fresh_home();
    let set = tcvpc(
        &home,
        &["configure", "set", "secretId", "AKID1", "secretKey", "s3cr"],
        &[],
    );
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let list = stdout(&tcvpc(&home, &["configure", "list"], &[]));
    assert!(!list.contains("s3cr") && !list.contains("AKID1"), "{list}");
    assert!(list.contains("secretKey = ****************\n"), "{list}");
}

#[test]
fn all_pages_lists_every_page() {
    let local = Local::emulator();
    let home = fresh_home();
    for i in 0..5 {
        let name = format!("v{i}");
        let cidr = format!("10.{i}.0.0/16");
        let created = call(
            &local,
            &home,
            &["vpc", "CreateVpc", "--VpcName", &name, "--CidrBlock", &cidr],
        );
        assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    }
    let one_page = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--Limit",
            "2",
            "--filter",
            "length(VpcSet)",
        ],
    );
    assert_eq!(stdout(&one_page), "2\n");
    let before = local.server.requests_received();
    let all = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--Limit",
            "2",
            "--all-pages",
            "--filter",
            "length(VpcSet)",
        ],
    );
    assert_eq!(stdout(&all), "5\n", "{}", stderr(&all));
    assert_eq!(
        local.server.requests_received() - before,
        3,
        "three pages of two"
    );
    let refused = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "x",
            "--CidrBlock",
            "10.9.0.0/16",
            "--all-pages",
        ],
    );
    assert_eq!(refused.status.code(), Some(252));
}

#[test]
fn output_text_and_table() {
    let local = Local::emulator();
    let home = fresh_home();
    let created = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "t",
            "--CidrBlock",
            "10.0.0.0/16",
            "--output",
            "text",
            "--filter",
            "Vpc.[VpcName,CidrBlock]",
        ],
    );
    assert_eq!(stdout(&created), "t\t10.0.0.0/16\n");
    let table = stdout(&call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--output",
            "table",
            "--filter",
            "{Total: TotalCount}",
        ],
    ));
    assert_eq!(
        table,
        "----------------\n|    action    |\n+--------+-----+\n|  Total |  1  |\n+--------+-----+\n"
    );
}

#[test]
fn waiters_poll_the_spec_waiters_and_never_evaluate_their_argument() {
    let local = Local::emulator();
    let home = fresh_home();
    let unknown = call(
        &local,
        &home,
        &[
            "vpc",
            "wait",
            "nat-gateway-available",
            "--NatGatewayIds",
            "nat-zzzzzzzz",
            "--wait-timeout",
            "1",
        ],
    );
    assert_ne!(unknown.status.code(), Some(0), "{}", stderr(&unknown));
    let injection = call(
        &local,
        &home,
        &[
            "vpc",
            "wait",
            "nat-gateway-available",
            "--NatGatewayIds",
            "__import__('os').system('touch pwned')",
            "--wait-timeout",
            "1",
        ],
    );
    assert_ne!(injection.status.code(), Some(0));
    assert!(!home.join("pwned").exists() && !std::path::Path::new("pwned").exists());
    let bad = tcvpc(&home, &["vpc", "wait", "no-such-waiter"], &[]);
    assert_eq!(bad.status.code(), Some(252));
}

/// Creates a NAT gateway in a fresh VPC and answers its ID.
fn create_nat_gateway(local: &Local, home: &std::path::Path) -> String {
    let vpc = call(
        local,
        home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "w",
            "--CidrBlock",
            "10.0.0.0/16",
            "--filter",
            "Vpc.VpcId",
        ],
    );
    assert_eq!(vpc.status.code(), Some(0), "{}", stderr(&vpc));
    let vpc_id = stdout(&vpc).trim().trim_matches('"').to_owned();
    let nat = call(
        local,
        home,
        &[
            "vpc",
            "CreateNatGateway",
            "--NatGatewayName",
            "n",
            "--VpcId",
            &vpc_id,
            "--AddressCount",
            "1",
            "--filter",
            "NatGatewaySet[0].NatGatewayId",
        ],
    );
    assert_eq!(nat.status.code(), Some(0), "{}", stderr(&nat));
    let id = stdout(&nat).trim().trim_matches('"').to_owned();
    assert!(id.starts_with("nat-"), "{id}");
    id
}

#[test]
fn a_waiter_takes_the_issues_own_example_and_succeeds_once_available() {
    // A NAT gateway is PENDING for a second after it is created, then AVAILABLE.
    let emulator = vpc_mock::Emulator::builder()
        .async_delay(std::time::Duration::from_secs(1))
        .build()
        .expect("emulator");
    let local = Local::emulator_with(emulator);
    let home = fresh_home();
    let id = create_nat_gateway(&local, &home);
    let pending = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeNatGateways",
            "--filter",
            "NatGatewaySet[0].State",
        ],
    );
    assert_eq!(stdout(&pending), "\"PENDING\"\n", "{}", stderr(&pending));
    let before = local.server.requests_received();
    // The issue's own example: the singular of the list member `NatGatewayIds`.
    let waited = call(
        &local,
        &home,
        &[
            "vpc",
            "wait",
            "nat-gateway-available",
            "--NatGatewayId",
            &id,
            "--wait-timeout",
            "30",
        ],
    );
    assert_eq!(waited.status.code(), Some(0), "{}", stderr(&waited));
    let item: Value = serde_json::from_str(&stdout(&waited)).expect("JSON");
    assert_eq!(item["NatGatewayId"], id.as_str());
    assert_eq!(item["State"], "AVAILABLE");
    assert!(
        local.server.requests_received() - before >= 2,
        "the waiter polled until the state changed"
    );
    // The list member itself, a prefix of it (as tccli accepts), and its JSON list.
    let json_list = format!("[\"{id}\"]");
    for (flag, value) in [
        ("--NatGatewayIds", id.as_str()),
        ("--NatGat", id.as_str()),
        ("--NatGatewayIds", json_list.as_str()),
    ] {
        let again = call(
            &local,
            &home,
            &["vpc", "wait", "nat-gateway-available", flag, value],
        );
        assert_eq!(again.status.code(), Some(0), "{flag}: {}", stderr(&again));
    }
    // Another member of the describe action is not a waiter's.
    let other = call(
        &local,
        &home,
        &["vpc", "wait", "nat-gateway-available", "--Limit", "1"],
    );
    assert_eq!(other.status.code(), Some(252), "{}", stderr(&other));
    let missing = call(&local, &home, &["vpc", "wait", "nat-gateway-available"]);
    assert_eq!(missing.status.code(), Some(252));
    assert!(
        stderr(&missing).contains("--NatGatewayId"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_waiter_exits_non_zero_on_the_failure_state() {
    // The emulator's fault option: the NAT gateways CreateNatGateway makes end PENDFAILURE.
    let emulator = vpc_mock::Emulator::builder()
        .failing("CreateNatGateway")
        .build()
        .expect("emulator");
    let local = Local::emulator_with(emulator);
    let home = fresh_home();
    let id = create_nat_gateway(&local, &home);
    let waited = call(
        &local,
        &home,
        &[
            "vpc",
            "wait",
            "nat-gateway-available",
            "--NatGatewayId",
            &id,
            "--wait-timeout",
            "30",
        ],
    );
    assert_eq!(waited.status.code(), Some(255), "{}", stdout(&waited));
    assert!(
        stderr(&waited).contains("failure state PENDFAILURE"),
        "{}",
        stderr(&waited)
    );
    assert_eq!(stdout(&waited), "", "a failure prints no answer");
}

#[test]
fn completion_candidates_come_from_the_tables() {
    let home = fresh_home();
    let actions = stdout(&tcvpc(&home, &["__complete", "vpc", "DescribeVp"], &[]));
    assert!(actions.lines().any(|l| l == "DescribeVpcs"), "{actions}");
    assert!(
        actions.lines().all(|l| l.starts_with("DescribeVp")),
        "{actions}"
    );
    let members = stdout(&tcvpc(
        &home,
        &["__complete", "vpc", "DescribeVpcs", "--Vpc"],
        &[],
    ));
    assert_eq!(members, "--VpcIds\n");
    let outputs = stdout(&tcvpc(
        &home,
        &["__complete", "vpc", "DescribeVpcs", "--output", ""],
        &[],
    ));
    assert_eq!(outputs, "json\ntext\ntable\n");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&tcvpc(&home, &["completion", shell], &[]));
        assert!(script.contains("tcvpc __complete"), "{shell}");
    }
}

#[test]
fn version_prints_without_touching_home() {
    let home = fresh_home();
    let output = tcvpc(&home, &["--version"], &[]);
    assert_eq!(stdout(&output), format!("{}\n", env!("CARGO_PKG_VERSION")));
    assert!(std::fs::read_dir(&home).expect("home").next().is_none());
}

#[test]
fn wait_follows_the_task_an_action_starts() {
    let local = Local::emulator();
    let home = fresh_home();
    let allocated = call(
        &local,
        &home,
        &[
            "vpc",
            "AllocateAddresses",
            "--AddressCount",
            "1",
            "--filter",
            "AddressSet[0]",
        ],
    );
    assert_eq!(allocated.status.code(), Some(0), "{}", stderr(&allocated));
    let id = stdout(&allocated).trim().trim_matches('"').to_owned();
    let ids = format!("[\"{id}\"]");
    let before = local.server.requests_received();
    let released = call(
        &local,
        &home,
        &[
            "vpc",
            "ReleaseAddresses",
            "--AddressIds",
            &ids,
            "--wait",
            "--wait-timeout",
            "30",
        ],
    );
    assert_eq!(released.status.code(), Some(0), "{}", stderr(&released));
    assert!(
        stdout(&released).contains("\"TaskId\""),
        "{}",
        stdout(&released)
    );
    assert!(
        local.server.requests_received() - before >= 2,
        "the task was polled"
    );
    let refused = call(&local, &home, &["vpc", "DescribeVpcs", "--wait"]);
    assert_eq!(refused.status.code(), Some(252));
    assert!(
        stderr(&refused).contains("starts no task"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn sts_actions_are_commands_too() {
    let local = Local::with_sts();
    let home = fresh_home();
    let output = call(
        &local,
        &home,
        &["sts", "GetCallerIdentity", "--filter", "Type"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "\"CAMUser\"\n");
    let assumed = call(
        &local,
        &home,
        &[
            "sts",
            "AssumeRole",
            "--RoleArn",
            "qcs::cam::uin/100000000001:roleName/test",
            "--RoleSessionName",
            "s1",
            "--filter",
            "Credentials.TmpSecretId",
        ],
    );
    assert_eq!(assumed.status.code(), Some(0), "{}", stderr(&assumed));
    let missing = call(
        &local,
        &home,
        &["sts", "AssumeRole", "--RoleSessionName", "s1"],
    );
    assert_eq!(missing.status.code(), Some(252));
    assert!(
        stderr(&missing).contains("--RoleArn"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn call_options_region_version_language_and_timeout() {
    let local = Local::emulator();
    let home = fresh_home();
    // --region on a success path: the VPC is made in ap-beijing, not in the
    // environment's ap-guangzhou.
    let created = call(
        &local,
        &home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "bj",
            "--CidrBlock",
            "10.0.0.0/16",
            "--region",
            "ap-beijing",
        ],
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let count = |region: Option<&str>| {
        let mut args = vec!["vpc", "DescribeVpcs", "--filter", "TotalCount"];
        if let Some(region) = region {
            args.extend(["--region", region]);
        }
        let output = call(&local, &home, &args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    assert_eq!(count(Some("ap-beijing")), "1\n");
    assert_eq!(count(None), "0\n");
    // --version after an action: the spec's API version, with or without dashes.
    for version in ["2017-03-12", "20170312"] {
        let ok = call(
            &local,
            &home,
            &["vpc", "DescribeVpcs", "--version", version],
        );
        assert_eq!(ok.status.code(), Some(0), "{version}: {}", stderr(&ok));
    }
    let other = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--version", "2020-01-01"],
    );
    assert_ne!(other.status.code(), Some(0));
    assert!(
        stderr(&other).contains("available versions: 2017-03-12"),
        "{}",
        stderr(&other)
    );
    // --language: sent as X-TC-Language; a language the API lacks is refused.
    let dry = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--language", "en-US", "--dry-run"],
    );
    assert!(
        stdout(&dry).contains("\nX-TC-Language: en-US\n"),
        "{}",
        stdout(&dry)
    );
    let zh = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--language", "zh-CN"],
    );
    assert_eq!(zh.status.code(), Some(0), "{}", stderr(&zh));
    let bad = call(
        &local,
        &home,
        &["vpc", "DescribeVpcs", "--language", "fr-FR"],
    );
    assert_eq!(bad.status.code(), Some(252), "{}", stderr(&bad));
    // --timeout: a slow answer within it is waited for; past it, the call fails.
    local.server.faults().inject(
        "DescribeVpcs",
        vpc_mock::Fault::Delay(std::time::Duration::from_secs(2)),
        1,
    );
    let patient = call(&local, &home, &["vpc", "DescribeVpcs", "--timeout", "30"]);
    assert_eq!(patient.status.code(), Some(0), "{}", stderr(&patient));
    local.server.faults().inject(
        "DescribeVpcs",
        vpc_mock::Fault::Delay(std::time::Duration::from_secs(20)),
        10,
    );
    let started = std::time::Instant::now();
    let impatient = call(&local, &home, &["vpc", "DescribeVpcs", "--timeout", "1"]);
    assert_eq!(impatient.status.code(), Some(255), "{}", stdout(&impatient));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "--timeout 1 gave up before the 20 s answer ({:?})",
        started.elapsed()
    );
    let text = call(&local, &home, &["vpc", "DescribeVpcs", "--timeout", "soon"]);
    assert_eq!(text.status.code(), Some(252), "{}", stderr(&text));
}

#[test]
fn a_private_ca_from_ca_file_ssl_cert_file_and_requests_ca_bundle() {
    let pki = support::pki::TestPki::localhost();
    let local = Local::emulator_tls(&pki);
    let home = fresh_home();
    let ca = home.join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("write the CA");
    let ca = ca.display().to_string();
    let host = local.host();
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "vpc",
            "DescribeVpcs",
            "--endpoint",
            &host,
            "--filter",
            "TotalCount",
        ];
        args.extend(extra);
        let mut all = DEMO_ENV.to_vec();
        all.extend(env);
        tcvpc(&home, &args, &all)
    };
    let untrusted = run(&[], &[]);
    assert_eq!(untrusted.status.code(), Some(255), "{}", stdout(&untrusted));
    for (extra, env) in [
        (&["--ca-file", ca.as_str()][..], &[][..]),
        (&[], &[("REQUESTS_CA_BUNDLE", ca.as_str())][..]),
        (&[], &[("SSL_CERT_FILE", ca.as_str())][..]),
    ] {
        let trusted = run(extra, env);
        assert_eq!(
            trusted.status.code(),
            Some(0),
            "{extra:?} {env:?}: {}",
            stderr(&trusted)
        );
        assert_eq!(stdout(&trusted), "0\n");
    }
    let missing = run(&["--ca-file", "/nonexistent/ca.pem"], &[]);
    assert_eq!(missing.status.code(), Some(252), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("/nonexistent/ca.pem"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn option_prefixes_are_accepted_when_unique_and_actions_are_exact() {
    let home = fresh_home();
    let dry = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dry-run", "--endpoint", "http://127.0.0.1:9"]);
        tcvpc(&home, &all, DEMO_ENV)
    };
    // Members and options by a unique prefix, as argparse accepts them.
    let ok = dry(&[
        "vpc",
        "CreateVpc",
        "--VpcN",
        "x",
        "--Cidr",
        "10.0.0.0/16",
        "--regi",
        "ap-beijing",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(
        stdout(&ok).ends_with("{\"VpcName\":\"x\",\"CidrBlock\":\"10.0.0.0/16\"}\n"),
        "{}",
        stdout(&ok)
    );
    assert!(
        stdout(&ok).contains("X-TC-Region: ap-beijing"),
        "{}",
        stdout(&ok)
    );
    // An ambiguous prefix names its candidates: two members, two options.
    let members = dry(&["vpc", "ModifyVpcAttribute", "--Vpc", "x"]);
    assert_eq!(members.status.code(), Some(252));
    assert!(
        stderr(&members).contains("--VpcId, --VpcName"),
        "{}",
        stderr(&members)
    );
    let options = dry(&["vpc", "DescribeVpcs", "--role", "x"]);
    assert_eq!(options.status.code(), Some(252));
    assert!(
        stderr(&options).contains("--role-arn, --role-session-name"),
        "{}",
        stderr(&options)
    );
    // An action is named exactly, as tccli names it; a prefix gets the candidates.
    let action = dry(&["vpc", "DescribeVp"]);
    assert_eq!(action.status.code(), Some(252));
    assert!(
        stderr(&action).contains("did you mean") && stderr(&action).contains("DescribeVpcs"),
        "{}",
        stderr(&action)
    );
}

#[test]
fn integer_members_refuse_text_and_boolean_members_coerce() {
    let home = fresh_home();
    let dry = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--dry-run", "--endpoint", "http://127.0.0.1:9"]);
        tcvpc(&home, &all, DEMO_ENV)
    };
    // DescribeAddresses.Limit is an Int64: a number on the wire, text refused.
    let number = dry(&["vpc", "DescribeAddresses", "--Limit", "5"]);
    assert_eq!(number.status.code(), Some(0), "{}", stderr(&number));
    assert!(
        stdout(&number).ends_with("{\"Limit\":5}\n"),
        "{}",
        stdout(&number)
    );
    let text = dry(&["vpc", "DescribeAddresses", "--Limit", "five"]);
    assert_eq!(text.status.code(), Some(252));
    assert!(stderr(&text).contains("--Limit"), "{}", stderr(&text));
    // CreateNatGateway.PublicIpFromSameZone is a Boolean: true/false, t/f, 1/0.
    for (given, sent) in [
        ("t", "true"),
        ("1", "true"),
        ("False", "false"),
        ("0", "false"),
    ] {
        let output = dry(&[
            "vpc",
            "CreateNatGateway",
            "--NatGatewayName",
            "n",
            "--VpcId",
            "vpc-12345678",
            "--PublicIpFromSameZone",
            given,
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{given}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains(&format!("\"PublicIpFromSameZone\":{sent}")),
            "{given}: {}",
            stdout(&output)
        );
    }
    let yes = dry(&[
        "vpc",
        "CreateNatGateway",
        "--NatGatewayName",
        "n",
        "--VpcId",
        "vpc-12345678",
        "--PublicIpFromSameZone",
        "yes",
    ]);
    assert_eq!(yes.status.code(), Some(252));
    assert!(
        stderr(&yes).contains("Value of Boolean must be true/false"),
        "{}",
        stderr(&yes)
    );
}

/// A HOME whose default profile points STS at the local endpoint (`sts.endpoint`).
fn home_with_local_sts(local: &Local) -> std::path::PathBuf {
    let home = fresh_home();
    std::fs::create_dir_all(home.join(".tccli")).expect("mkdir");
    std::fs::write(
        home.join(".tccli/default.configure"),
        format!("{{\"sts\": {{\"endpoint\": \"{}\"}}}}", local.url()),
    )
    .expect("write");
    home
}

#[test]
fn role_arn_and_role_session_name_assume_the_role_through_sts() {
    let local = Local::with_sts();
    let sts = local.sts.clone().expect("the local STS");
    let home = home_with_local_sts(&local);
    let output = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--role-arn",
            "qcs::cam::uin/100000000001:roleName/test",
            "--role-session-name",
            "cli-session",
            "--filter",
            "TotalCount",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sts.calls("AssumeRole"), 1, "the role was assumed once");
    let issued = sts.issued();
    assert_eq!(issued.len(), 1);
    // A role STS refuses is a service error of the credential step, exit 255.
    let refused = call(
        &local,
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--role-arn",
            "not-a-role",
            "--role-session-name",
            "cli-session",
        ],
    );
    assert_eq!(refused.status.code(), Some(255), "{}", stdout(&refused));
    assert!(
        !stderr(&refused).contains(vpc_mock::DEMO_SECRET_KEY),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn tke_oidc_from_the_tke_variables() {
    let local = Local::with_sts();
    let sts = local.sts.clone().expect("the local STS");
    sts.register_web_identity("oidc-cli", "web-identity-token-0001");
    let home = home_with_local_sts(&local);
    let token_file = home.join("token");
    std::fs::write(&token_file, "web-identity-token-0001").expect("write");
    let token_path = token_file.display().to_string();
    let url = local.url();
    let tke = |provider: &str| {
        tcvpc(
            &home,
            &[
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &url,
                "--filter",
                "TotalCount",
            ],
            &[
                ("TENCENTCLOUD_REGION", "ap-guangzhou"),
                ("TKE_REGION", "ap-guangzhou"),
                ("TKE_PROVIDER_ID", provider),
                ("TKE_WEB_IDENTITY_TOKEN_FILE", &token_path),
                ("TKE_ROLE_ARN", "qcs::cam::uin/100000000001:roleName/tke"),
            ],
        )
    };
    let output = tke("oidc-cli");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(sts.calls("AssumeRoleWithWebIdentity"), 1);
    let unknown = tke("oidc-unknown");
    assert_eq!(unknown.status.code(), Some(255), "{}", stdout(&unknown));
    assert!(
        !stderr(&unknown).contains("web-identity-token-0001"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn use_cvm_role_selects_the_instance_role_before_keys() {
    // The instance metadata address is fixed (metadata.tencentyun.com), so the fetch
    // itself is vpc-client's test (tests/instance_role.rs); here, which credential the
    // command line picks, shown by a dry run without any network.
    let home = fresh_home();
    let output = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--use-cvm-role",
            "--dry-run",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
        DEMO_ENV,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Credential=<from CvmRole>"),
        "{}",
        stdout(&output)
    );
    let keys = tcvpc(
        &home,
        &[
            "vpc",
            "DescribeVpcs",
            "--dry-run",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
        DEMO_ENV,
    );
    assert!(!stdout(&keys).contains("CvmRole"), "{}", stdout(&keys));
}

#[test]
fn completion_of_services_waiter_ids_and_the_tccli_alias() {
    let home = fresh_home();
    let complete = |words: &[&str]| {
        let mut args = vec!["__complete"];
        args.extend(words);
        stdout(&tcvpc(&home, &args, &[]))
    };
    // The top level: the services, then the commands.
    assert_eq!(complete(&[""]), "vpc\nsts\nconfigure\ncompletion\nhelp\n");
    assert_eq!(complete(&["s"]), "sts\n");
    // After `wait <waiter>`: its ID member first, the list member, then the options.
    let ids = complete(&["vpc", "wait", "nat-gateway-available", "--Nat"]);
    assert_eq!(ids, "--NatGatewayId\n--NatGatewayIds\n");
    let options = complete(&["vpc", "wait", "nat-gateway-available", "--wait-"]);
    assert_eq!(options, "--wait-timeout\n");
    // bash, for real: under `alias tccli=tcvpc`, `tccli vpc DescribeV<TAB>` completes.
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_tcvpc"))
        .parent()
        .expect("the binary's directory")
        .display()
        .to_string();
    let script = "alias tccli=tcvpc\nsource <(tcvpc completion bash)\ncomplete -p tccli\n\
                  COMP_WORDS=(tccli vpc DescribeVpc); COMP_CWORD=2; _tcvpc\n\
                  printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    let path = format!("{bin_dir}:/usr/bin:/bin");
    // bash runs CI itself (.ci/run is a bash script).
    let output = std::process::Command::new("bash")
        .args(["-c", script])
        .env("PATH", &path)
        .env("HOME", &home)
        .output()
        .expect("bash runs");
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(
        text.starts_with("complete -o default -F _tcvpc tccli\n"),
        "{text}"
    );
    assert!(text.lines().any(|l| l == "DescribeVpcs"), "{text}");
    assert!(
        text.lines().skip(1).all(|l| l.starts_with("DescribeVpc")),
        "{text}"
    );
    let zsh = stdout(&tcvpc(&home, &["completion", "zsh"], &[]));
    assert!(zsh.contains("compdef _tcvpc tccli"), "{zsh}");
}
