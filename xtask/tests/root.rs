//! `cargo xtask` acts on the checkout it runs in: the workspace root is found at run
//! time, never from where the binary was compiled. A target directory shared by two
//! checkouts (a global `CARGO_TARGET_DIR`) once made `codegen --check` in one checkout
//! read the other's spec; these tests run the built binary against a second, broken
//! checkout and see it report that checkout's spec.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A minimal second checkout: a workspace manifest, an `xtask` directory and a spec
/// that is not JSON, so reading it (and not this checkout's) shows in the output.
fn broken_checkout(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-root-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("xtask/src")).expect("mkdir");
    std::fs::create_dir_all(dir.join("api-spec")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"xtask\"]\n",
    )
    .expect("write");
    std::fs::write(dir.join("api-spec/vpc.json"), "{ not json").expect("write");
    dir
}

fn run(cwd: &Path, manifest_dir: Option<&Path>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(["codegen", "--check"]).current_dir(cwd);
    match manifest_dir {
        Some(dir) => command.env("CARGO_MANIFEST_DIR", dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    let output = command.output().expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_current_directory_decides_when_cargo_sets_nothing() {
    let other = broken_checkout("cwd");
    let nested = other.join("xtask/src");
    let (ok, stderr) = run(&nested, None);
    assert!(!ok);
    assert!(
        stderr.contains("spec api-spec/vpc.json:1:3:") && stderr.contains("malformed JSON"),
        "read another checkout's spec: {stderr}"
    );
    std::fs::remove_dir_all(other).ok();
}

#[test]
fn cargo_run_s_manifest_dir_decides_over_the_current_directory() {
    // Run from inside this (valid) checkout with the other one's manifest dir: the
    // other one's broken spec must be what is read.
    let other = broken_checkout("manifest");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (ok, stderr) = run(here, Some(&other.join("xtask")));
    assert!(!ok);
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    std::fs::remove_dir_all(other).ok();
}

#[test]
fn outside_any_workspace_the_error_says_where_it_looked() {
    let nowhere = std::env::temp_dir().join(format!("xtask-root-{}-none", std::process::id()));
    std::fs::create_dir_all(&nowhere).expect("mkdir");
    let err = xtask::find_root(None, Some(&nowhere)).expect_err("no workspace");
    assert!(
        err.to_string().contains(&nowhere.display().to_string()),
        "{err}"
    );
    std::fs::remove_dir_all(nowhere).ok();
}

#[test]
fn this_checkout_is_found_from_any_of_its_directories() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.parent().expect("xtask sits in the workspace");
    let from_nested = xtask::find_root(None, Some(&here.join("src"))).expect("found");
    assert_eq!(from_nested, root);
    let from_manifest = xtask::find_root(Some(here), Some(Path::new("/"))).expect("found");
    assert_eq!(from_manifest, root);
}
