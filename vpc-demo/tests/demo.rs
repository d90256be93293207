//! The README's first command, run as a user runs it: the built binary, no arguments,
//! no credentials in the environment, no network.

use std::process::Command;

fn demo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vpc-demo"))
        .args(args)
        .env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env_remove("TENCENTCLOUD_SESSION_TOKEN")
        .env_remove("TENCENTCLOUD_REGION")
        .output()
        .expect("the demo runs")
}

#[test]
fn a_signed_call_and_a_typed_error_against_the_local_endpoint() {
    let output = demo(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("using a local endpoint at http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("ok: tunnel reset, RequestId "), "{stdout}");
    assert!(
        stdout.contains("matched ResetVpnConnectionError::Common(CommonError::ResourceNotFound): "),
        "{stdout}"
    );
}

#[test]
fn json_prints_the_typed_response() {
    let output = demo(&["--json"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("\"RequestId\": "), "{stdout}");
}

#[test]
fn a_wrong_argument_says_how_to_call_it() {
    let output = demo(&["--nope"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown argument `--nope`"), "{stderr}");
    let help = demo(&["--help"]);
    assert!(String::from_utf8_lossy(&help.stderr).contains("usage: vpc-demo"));
}

/// The first command builds `url`'s IDNA support through `idna_adapter`; its 1.1 line uses
/// unicode-rs, its 1.2 line ICU4X, whose crates took 60 of the cold build's 448
/// unit-seconds. The lock file pins 1.1 (`cargo update -p idna_adapter --precise 1.1.0`);
/// a plain `cargo update` would move it back, and this test says so.
#[test]
fn the_lock_keeps_the_unicode_rs_idna_back_end() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .expect("the workspace has a lock file");
    let versions: Vec<&str> = lock
        .split("[[package]]")
        .filter(|package| package.contains("\nname = \"idna_adapter\"\n"))
        .filter_map(|package| {
            package
                .lines()
                .find_map(|line| line.strip_prefix("version = \""))
                .map(|rest| rest.trim_end_matches('"'))
        })
        .collect();
    assert!(
        versions.iter().all(|version| version.starts_with("1.1.")),
        "idna_adapter {versions:?} in Cargo.lock: run `cargo update -p idna_adapter --precise 1.1.0` \
         (1.2 brings ICU4X back into the first command's build)"
    );
    assert_eq!(versions.len(), 1, "url no longer uses idna_adapter?");
}
