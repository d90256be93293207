//! Side by side with the real tccli 3.1.189.1: the same commands through both against
//! the local endpoint over HTTPS (a test CA, appended to tccli's venv `certifi` bundle,
//! since tccli ignores `REQUESTS_CA_BUNDLE`), their standard output compared byte for
//! byte with the RequestIds masked, and their exit codes.
//!
//! tccli is installed from PyPI into `target/tccli-venv` (made once, reused). Without
//! `python3`, or when the venv cannot be made (no `venv` module, PyPI unreachable), the
//! check is skipped with a loud warning; under `CI=true` either fails it. The warning is
//! written to the process's standard error itself (libtest captures `eprintln!` of a
//! passing test, not that) and to `target/tccli-check-skipped.txt`, which `cargo xtask
//! test` prints after the tests, beside the Python SDK check's own warning.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Local, fresh_home, mask_request_ids, pki::TestPki, stderr, stdout, tcvpc};

const TCCLI_VERSION: &str = "3.1.189.1";

/// The file `cargo xtask test` reads after the tests to repeat the skip warning.
const SKIPPED_NOTE: &str = "tccli-check-skipped.txt";

/// Whether this runs under CI (`CI=true`, as `.ci/run` is run).
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The loud warning of a skip, shown even though the test passes.
fn banner(reason: &str) {
    use std::io::Write as _;
    let line = "!".repeat(78);
    let text = format!(
        "{line}\n!! SKIPPED: the side-by-side check against tccli {TCCLI_VERSION} (vpc-cli/tests/tccli.rs)\n\
         !!   reason: {reason}\n!! tcvpc was NOT compared with tccli this time. Install python3 and\n\
         !! python3-venv and let pip reach PyPI to run it (under CI=true it fails instead).\n{line}\n"
    );
    // Straight to the file descriptor: libtest's capture only takes the print macros.
    let _ = std::io::stderr().write_all(text.as_bytes());
    let _ = std::fs::write(skipped_note(), &text);
}

/// Where the skip is noted: `target/tccli-check-skipped.txt`, or `TCVPC_TCCLI_SKIP_NOTE`
/// (the test of the skip itself, which must not leave a note about the real check).
fn skipped_note() -> PathBuf {
    std::env::var_os("TCVPC_TCCLI_SKIP_NOTE")
        .map_or_else(|| target_dir().join(SKIPPED_NOTE), PathBuf::from)
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf()
}

fn venv() -> PathBuf {
    target_dir().join("tccli-venv")
}

/// The venv's `tccli`, made if needed; `Err(reason)` to skip (never under `CI=true`).
fn tccli() -> Result<PathBuf, String> {
    let found = tccli_venv();
    if let Err(reason) = &found {
        assert!(
            !ci(),
            "{reason} (CI=true: the side-by-side check must run; .ci/run installs python3 and python3-venv)"
        );
    }
    found
}

/// The venv's `tccli`, made if needed, or why it cannot be.
fn tccli_venv() -> Result<PathBuf, String> {
    let python3 = Command::new("python3").arg("--version").output();
    if !python3.is_ok_and(|out| out.status.success()) {
        return Err("python3 is not installed".to_owned());
    }
    let venv = venv();
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args(["-c", "import tccli; print(tccli.__version__)"])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == TCCLI_VERSION);
    if !installed {
        let made = Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success());
        let pip = made
            && Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .arg(format!("tccli=={TCCLI_VERSION}"))
                .status()
                .is_ok_and(|s| s.success());
        if !pip {
            return Err(format!(
                "cannot make {} with tccli {TCCLI_VERSION} (is python3-venv installed, is PyPI reachable?)",
                venv.display()
            ));
        }
    }
    Ok(venv.join("bin/tccli"))
}

/// Appends `ca` to the venv's certifi bundle (over a kept copy of the original).
fn trust(ca: &str) {
    let out = Command::new(venv().join("bin/python"))
        .args(["-c", "import certifi; print(certifi.where())"])
        .output()
        .expect("python runs");
    let bundle = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let original = bundle.with_extension("pem.orig");
    if !original.exists() {
        std::fs::copy(&bundle, &original).expect("keep certifi's bundle");
    }
    let mut text = std::fs::read_to_string(&original).expect("certifi's bundle");
    text.push('\n');
    text.push_str(ca);
    std::fs::write(&bundle, text).expect("write certifi's bundle");
}

fn run_tccli(tccli: &Path, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(tccli);
    command.args(args).env("HOME", home);
    for name in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_REGION",
        "TCCLI_PROFILE",
        "COLUMNS",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("tccli runs")
}

#[test]
fn tcvpc_prints_what_tccli_prints() {
    let _ = std::fs::remove_file(skipped_note());
    let tccli = match tccli() {
        Ok(tccli) => tccli,
        Err(reason) => return banner(&reason),
    };
    let pki = TestPki::localhost();
    trust(&pki.ca_pem);
    let local = Local::emulator_tls(&pki);
    let host = local.host();
    let work = fresh_home();
    let ca = work.join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("write the CA");
    let ca_text = ca.display().to_string();
    let (tccli_home, tcvpc_home) = (fresh_home(), fresh_home());
    let creds = [
        ("TENCENTCLOUD_SECRET_ID", vpc_mock::DEMO_SECRET_ID),
        ("TENCENTCLOUD_SECRET_KEY", vpc_mock::DEMO_SECRET_KEY),
        ("TENCENTCLOUD_REGION", "ap-guangzhou"),
    ];
    let mut tcvpc_env = creds.to_vec();
    tcvpc_env.push(("SSL_CERT_FILE", &ca_text));

    // A resource to show, made through tcvpc.
    let made = tcvpc(
        &tcvpc_home,
        &[
            "vpc",
            "CreateVpc",
            "--VpcName",
            "side",
            "--CidrBlock",
            "10.8.0.0/16",
            "--endpoint",
            &host,
        ],
        &tcvpc_env,
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let vpc_id =
        serde_json::from_str::<serde_json::Value>(&stdout(&made)).expect("JSON")["Vpc"]["VpcId"]
            .as_str()
            .expect("VpcId")
            .to_owned();
    let input = work.join("input.json");
    std::fs::write(&input, format!("{{\"VpcIds\": [\"{vpc_id}\"]}}")).expect("write");
    let input_arg = format!("file://{}", input.display());
    // A profile file, the same in both homes (tccli rewrites default.configure, not it).
    for home in [&tccli_home, &tcvpc_home] {
        let dir = home.join(".tccli");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("side.configure"), format!(
            "{{\"_sys_param\": {{\"region\": \"ap-guangzhou\", \"output\": \"json\"}}, \"vpc\": {{\"endpoint\": \"{host}\", \"version\": \"2017-03-12\"}}}}"
        )).expect("write");
        std::fs::write(
            dir.join("side.credential"),
            format!(
                "{{\"secretId\": \"{}\", \"secretKey\": \"{}\"}}",
                vpc_mock::DEMO_SECRET_ID,
                vpc_mock::DEMO_SECRET_KEY
            ),
        )
        .expect("write");
    }

    let filter_obj = "VpcSet[0]";
    let cases: Vec<(&str, Vec<&str>, bool)> = vec![
        (
            "a plain call",
            vec!["vpc", "DescribeVpcs", "--endpoint", &host],
            true,
        ),
        (
            "--filter",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--filter",
                "VpcSet[].VpcId",
            ],
            true,
        ),
        (
            "--filter of an object",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--filter",
                filter_obj,
            ],
            true,
        ),
        (
            "--filter with a multiselect hash",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--filter",
                "VpcSet[?VpcName=='side'].{name: VpcName, id: VpcId, cidr: CidrBlock}",
            ],
            true,
        ),
        (
            "--output table",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--output",
                "table",
            ],
            true,
        ),
        (
            "--output text",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--output",
                "text",
            ],
            true,
        ),
        (
            "--cli-unfold-argument",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--cli-unfold-argument",
                "--Filters.0.Name",
                "vpc-name",
                "--Filters.0.Values",
                "side",
                "other",
            ],
            true,
        ),
        (
            "--cli-input-json",
            vec![
                "vpc",
                "DescribeVpcs",
                "--endpoint",
                &host,
                "--cli-input-json",
                &input_arg,
            ],
            true,
        ),
        (
            "--generate-cli-skeleton",
            vec!["vpc", "DescribeVpcs", "--generate-cli-skeleton"],
            true,
        ),
        (
            "a service error",
            vec![
                "vpc",
                "DeleteVpc",
                "--endpoint",
                &host,
                "--VpcId",
                "vpc-zzzzzzzz",
            ],
            true,
        ),
        (
            "a profile file",
            vec!["vpc", "DescribeVpcs", "--profile", "side"],
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (name, args, with_env) in &cases {
        let env: &[(&str, &str)] = if *with_env { &creds } else { &[] };
        let theirs = run_tccli(&tccli, &tccli_home, args, env);
        let mut ours_env: Vec<(&str, &str)> = env.to_vec();
        ours_env.push(("SSL_CERT_FILE", &ca_text));
        let ours = tcvpc(&tcvpc_home, args, &ours_env);
        let expected = if *name == "a service error" {
            Some(255)
        } else {
            Some(0)
        };
        assert_eq!(
            theirs.status.code(),
            expected,
            "tccli, {name}: {}",
            stderr(&theirs)
        );
        let (a, b) = (
            mask_request_ids(&stdout(&theirs)),
            mask_request_ids(&stdout(&ours)),
        );
        assert!(
            expected == Some(255) || !a.is_empty(),
            "tccli printed nothing for {name}"
        );
        if a != b || theirs.status.code() != ours.status.code() {
            failures.push(format!(
                "{name}: exit {:?} vs {:?}\n--- tccli\n{a}{}\n--- tcvpc\n{b}{}",
                theirs.status.code(),
                ours.status.code(),
                stderr(&theirs),
                stderr(&ours)
            ));
        } else if name == &"a service error" {
            let (a, b) = (
                mask_request_ids(&stderr(&theirs)),
                mask_request_ids(&stderr(&ours)),
            );
            if a != b {
                failures.push(format!(
                    "{name}: stderr differs\n--- tccli\n{a}\n--- tcvpc\n{b}"
                ));
            }
        }
        eprintln!(
            "side by side: {name}: {}",
            if failures.last().is_some_and(|f| f.starts_with(name)) {
                "DIFFERS"
            } else {
                "same bytes"
            }
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The side-by-side test run again in a child process of this test binary, with no
/// `python3` on PATH: a loud, visible skip that passes, and a failure under `CI=true`.
#[test]
fn without_python3_the_check_skips_loudly_and_fails_under_ci() {
    let note = fresh_home().join("skipped.txt");
    let run = |ci: Option<&str>| {
        let mut command = Command::new(std::env::current_exe().expect("this test binary"));
        command
            .args([
                "--exact",
                "tcvpc_prints_what_tccli_prints",
                "--test-threads",
                "1",
            ])
            .env("PATH", "/nonexistent")
            .env("TCVPC_TCCLI_SKIP_NOTE", &note)
            .env_remove("CI");
        if let Some(ci) = ci {
            command.env("CI", ci);
        }
        command.output().expect("the test binary runs")
    };
    let skipped = run(None);
    assert!(skipped.status.success(), "{}", stdout(&skipped));
    // The warning is on the child's standard error although its test passed.
    assert!(
        stderr(&skipped).contains("SKIPPED: the side-by-side check against tccli")
            && stderr(&skipped).contains("python3 is not installed"),
        "{}",
        stderr(&skipped)
    );
    let noted = std::fs::read_to_string(&note).expect("the skip is noted for cargo xtask test");
    assert!(noted.contains("python3 is not installed"), "{noted}");
    let under_ci = run(Some("true"));
    assert!(
        !under_ci.status.success(),
        "under CI=true a missing python3 fails: {}",
        stdout(&under_ci)
    );
    assert!(
        stdout(&under_ci).contains("CI=true: the side-by-side check must run"),
        "{}",
        stdout(&under_ci)
    );
}
