//! What the CLI's tests share: a local endpoint kept running on its own runtime, a
//! fresh HOME per test, and running the built `tcvpc` in it.

#![allow(dead_code, reason = "each test binary uses part of it")]

pub(crate) mod pki;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use vpc_mock::{MockServer, MockServerBuilder, RunningServer, VpcState};

/// The local endpoint and the runtime serving it.
pub(crate) struct Local {
    pub(crate) server: RunningServer,
    /// The local STS's handle, when it is served ([`Local::with_sts`]).
    pub(crate) sts: Option<vpc_mock::StsState>,
    _rt: tokio::runtime::Runtime,
}

impl Local {
    /// The emulator (HTTP), demo credential.
    pub(crate) fn emulator() -> Self {
        Self::start(|| {
            MockServer::vpc(VpcState::seeded())
                .expect("spec")
                .credential(vpc_mock::demo_credential())
        })
    }

    /// The emulator with the local STS beside it (HTTP), demo credential.
    pub(crate) fn with_sts() -> Self {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let (server, sts) = rt
            .block_on(vpc_mock::start_vpc_with_sts(vpc_mock::demo_credential()))
            .expect("local endpoint starts");
        Self {
            server,
            sts: Some(sts),
            _rt: rt,
        }
    }

    /// The emulator built by `emulator` (a delay, an action made to fail), HTTP, demo
    /// credential.
    pub(crate) fn emulator_with(emulator: vpc_mock::Emulator) -> Self {
        Self::start(move || {
            MockServer::vpc_emulated(VpcState::seeded(), emulator)
                .expect("spec")
                .credential(vpc_mock::demo_credential())
        })
    }

    /// Every action answering its published example (HTTP), demo credential.
    pub(crate) fn examples() -> Self {
        Self::start(|| {
            MockServer::vpc_examples(VpcState::seeded())
                .expect("spec")
                .credential(vpc_mock::demo_credential())
                .without_rate_limits()
        })
    }

    /// The emulator over HTTPS with `pki`'s server certificate.
    pub(crate) fn emulator_tls(pki: &pki::TestPki) -> Self {
        let config = pki.server_config();
        Self::start(move || {
            MockServer::vpc(VpcState::seeded())
                .expect("spec")
                .credential(vpc_mock::demo_credential())
                .tls(config)
        })
    }

    fn start(builder: impl FnOnce() -> MockServerBuilder) -> Self {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let server = rt
            .block_on(async { builder().start().await })
            .expect("local endpoint starts");
        Self {
            server,
            sts: None,
            _rt: rt,
        }
    }

    /// `host:port`, as `--endpoint` takes it.
    pub(crate) fn host(&self) -> String {
        self.server.local_addr().to_string()
    }

    /// The base URL.
    pub(crate) fn url(&self) -> String {
        self.server.url()
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty directory under the target directory, for HOME.
pub(crate) fn fresh_home() -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = base.join(format!(
        "home-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir home");
    dir
}

/// `tcvpc args` with HOME at `home` and nothing else of the caller's configuration.
pub(crate) fn tcvpc(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tcvpc"));
    command.args(args).env("HOME", home);
    for name in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_TOKEN",
        "TENCENTCLOUD_REGION",
        "TENCENTCLOUD_ROLE_ARN",
        "TENCENTCLOUD_ROLE_SESSION_NAME",
        "TCCLI_PROFILE",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
        "COLUMNS",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("tcvpc runs")
}

/// The demo credential and a region in the environment.
pub(crate) const DEMO_ENV: &[(&str, &str)] = &[
    ("TENCENTCLOUD_SECRET_ID", vpc_mock::DEMO_SECRET_ID),
    ("TENCENTCLOUD_SECRET_KEY", vpc_mock::DEMO_SECRET_KEY),
    ("TENCENTCLOUD_REGION", "ap-guangzhou"),
];

/// Text of stdout.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Text of stderr.
pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every RequestId-like UUID replaced by `<RequestId>`.
pub(crate) fn mask_request_ids(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let shape = [8, 4, 4, 4, 12];
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        let mut j = i;
        for (k, len) in shape.iter().enumerate() {
            for _ in 0..*len {
                if !bytes.get(j).is_some_and(|c| c.is_ascii_hexdigit()) {
                    out.push(bytes[i]);
                    i += 1;
                    continue 'outer;
                }
                j += 1;
            }
            if k < 4 {
                if bytes.get(j) != Some(&'-') {
                    out.push(bytes[i]);
                    i += 1;
                    continue 'outer;
                }
                j += 1;
            }
        }
        out.push_str("<RequestId>");
        i = j;
    }
    out
}
