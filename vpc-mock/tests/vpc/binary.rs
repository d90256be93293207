//! The `vpc-mock` binary: starts on a free port, prints its URL and credential, serves
//! the generated client, keeps the emulator's state across a restart (`--state`) for
//! several accounts (`--credential`), serves STS beside VPC (vpc-client's AssumeRole
//! and web-identity providers), sets quotas (`--quota`), and reports bad options,
//! fixtures and state files.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use vpc_client::vpc::{ResetVpnConnectionError as E, ResetVpnConnectionRequest};
use vpc_mock::vpc::seed;
use vpc_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY};

use crate::common::{DELAY, client};

/// Kills the child when dropped, so a failing test leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpc-mock"))
}

#[tokio::test]
async fn serves_until_killed() {
    let child = binary()
        .args(["--port", "0", "--reset-delay-ms"])
        .arg(DELAY.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vpc-mock");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("UTF-8");
    let url = first
        .strip_prefix("vpc-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rest: Vec<String> = lines.by_ref().take(2).map(|l| l.expect("UTF-8")).collect();
    assert!(rest[0].contains(DEMO_SECRET_ID), "{rest:?}");
    assert!(
        rest[1].contains(DEMO_SECRET_KEY) && rest[1].contains("local"),
        "{rest:?}"
    );

    let client = client(url);
    let reset = ResetVpnConnectionRequest::new(seed::GATEWAY, seed::TUNNEL);
    client.reset_vpn_connection(&reset).await.expect("reset");
    assert!(matches!(
        client.reset_vpn_connection(&reset).await,
        Err(vpc_client::Error::Service(
            E::UnsupportedOperationVpnConnInvalidState(_)
        ))
    ));
    tokio::time::sleep(DELAY * 2).await;
    client
        .reset_vpn_connection(&reset)
        .await
        .expect("reset after the delay");

    running.0.kill().expect("kill");
    let status = running.0.wait().expect("wait");
    assert!(!status.success());
}

/// A CA made here, and a certificate it signed for 127.0.0.1 with its key, all in PEM.
fn test_ca_and_server_certificate() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("key")).expect("CA");
    let key = KeyPair::generate().expect("key");
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("params")
        .signed_by(&key, &ca)
        .expect("server certificate");
    (ca.pem(), server.pem(), key.serialize_pem())
}

#[tokio::test]
async fn serves_https_with_tls_cert_and_key() {
    let (ca, cert, key) = test_ca_and_server_certificate();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let cert_file = dir.join(format!("vpc-mock-bin-{}-cert.pem", std::process::id()));
    let key_file = dir.join(format!("vpc-mock-bin-{}-key.pem", std::process::id()));
    std::fs::write(&cert_file, cert).expect("write");
    std::fs::write(&key_file, key).expect("write");
    let child = binary()
        .arg("--tls-cert")
        .arg(&cert_file)
        .arg("--tls-key")
        .arg(&key_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vpc-mock");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("UTF-8");
    let url = first
        .strip_prefix("vpc-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    // Read the rest, so the server never writes to a closed pipe (which would end it).
    std::thread::spawn(move || lines.for_each(drop));
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let client = vpc_client::Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(vpc_client::Endpoint::Url(url))
        .add_root_certificates_pem(ca)
        .build()
        .expect("client");
    let reset = ResetVpnConnectionRequest::new(seed::GATEWAY, seed::TUNNEL);
    client
        .reset_vpn_connection(&reset)
        .await
        .expect("a signed call over HTTPS");
    let _ = std::fs::remove_file(&cert_file);
    let _ = std::fs::remove_file(&key_file);
}

#[test]
fn unreadable_tls_files_are_reported() {
    let (ok, _, err) = run_to_end(&["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "k"]);
    assert!(
        !ok && err.contains("cannot read the certificate file `/nonexistent/cert.pem`"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&["--tls-cert", "c.pem"]);
    assert!(
        !ok && err.contains("required") && err.contains("--tls-key <FILE>"),
        "{err}"
    );
}

fn run_to_end(args: &[&str]) -> (bool, String, String) {
    let output = binary().args(args).output().expect("run vpc-mock");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_and_bad_arguments() {
    let (ok, out, _) = run_to_end(&["--help"]);
    assert!(
        ok && out.contains("--port") && out.contains("--state") && out.contains("--fixture"),
        "{out}"
    );
    let output = binary().args(["--port", "nope"]).output().expect("run");
    let err = String::from_utf8_lossy(&output.stderr);
    // A usage error: status 2, the argument and the value named.
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("'--port <P>'") && err.contains("'nope'"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&["--frobnicate"]);
    assert!(
        !ok && err.contains("unexpected argument '--frobnicate'"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&["--quota", "max-vpcs=30"]);
    assert!(
        !ok && err.contains("'--quota <NAME=VALUE>'")
            && err.contains("unknown quota `max-vpcs`")
            && err.contains("appid-max-vpcs"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&["--quota", "appid-max-vpcs=-1"]);
    assert!(
        !ok && err.contains("--quota") && err.contains("-1"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&["--web-identity", "OIDC"]);
    assert!(!ok && err.contains("PROVIDER:TOKEN"), "{err}");
    for text in [&out, &err] {
        assert!(!text.contains("panicked"), "{text}");
    }
}

/// Creates VPCs until one is refused; how many were created (at most `limit`).
async fn vpcs_until_refused(client: &vpc_client::Client, limit: usize) -> (usize, Option<String>) {
    for created in 0..limit {
        let request = vpc_request(&format!("v{created}"), "10.0.0.0/16");
        if let Err(error) = client.create_vpc(&request).await {
            let code = error
                .service_error()
                .map_or_else(|| format!("{error}"), |service| service.code.clone());
            return (created, Some(code));
        }
    }
    (limit, None)
}

/// The default quota of 20 VPCs per region refuses the 21st; `--quota
/// appid-max-vpcs=25` lets 25 be made and refuses the 26th, and `DescribeVpcLimits`
/// answers the quota set.
#[tokio::test]
async fn quota_option_allows_more_than_twenty_vpcs() {
    let (_default, url) = start_binary(&[]);
    let made = vpcs_until_refused(&client(url), 30).await;
    assert_eq!(made, (20, Some("LimitExceeded".to_owned())));

    let (_raised, url) = start_binary(&[
        "--quota".as_ref(),
        "appid-max-vpcs=25".as_ref(),
        "--quota=vpc-max-subnets=1".as_ref(),
    ]);
    let client = client(url);
    let made = vpcs_until_refused(&client, 30).await;
    assert_eq!(made, (25, Some("LimitExceeded".to_owned())));
    let limits = vpc_client::vpc::DescribeVpcLimitsRequest::new(vec![
        "appid-max-vpcs".to_owned(),
        "vpc-max-subnets".to_owned(),
    ]);
    let answer = client
        .describe_vpc_limits(&limits)
        .await
        .expect("DescribeVpcLimits");
    let mut set: Vec<(String, u64)> = answer
        .vpc_limit_set
        .into_iter()
        .flatten()
        .filter_map(|limit| Some((limit.limit_type?, limit.limit_value?)))
        .collect();
    set.sort();
    assert_eq!(
        set,
        vec![
            ("appid-max-vpcs".to_owned(), 25),
            ("vpc-max-subnets".to_owned(), 1)
        ]
    );
}

const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/binary-tests";

/// STS through the binary: vpc-client's `AssumeRoleProvider` and `WebIdentityProvider`
/// (TKE's OIDC variables, the token registered with `--web-identity`) get temporary
/// credentials that sign VPC calls; `--sts-lifetime` sets their lifetime; a token the
/// binary was not given is refused.
#[tokio::test]
async fn serves_sts_for_assume_role_and_web_identity() {
    use vpc_client::credentials::{
        AssumeRoleProvider, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
        ENV_TKE_WEB_IDENTITY_TOKEN_FILE, ProvideCredentials, WebIdentityProvider,
    };
    use vpc_client::sts::AssumeRoleRequest;
    use vpc_client::vpc::DescribeVpcsRequest;
    use vpc_client::{Client, Endpoint};

    let (_running, url) = start_binary(&[
        "--web-identity".as_ref(),
        "OIDC:binary-web-identity-token".as_ref(),
        "--sts-lifetime".as_ref(),
        "600".as_ref(),
    ]);
    let role = AssumeRoleProvider::builder(vpc_mock::demo_credential(), ROLE_ARN, "binary")
        .endpoint(Endpoint::Url(url.clone()))
        .build()
        .expect("provider builds");
    let credential = role
        .provide_credentials()
        .await
        .expect("AssumeRole through the binary");
    assert!(credential.token().is_some(), "temporary credentials");
    assert_ne!(credential.secret_id(), DEMO_SECRET_ID);
    let vpc_as = |provider: Box<dyn ProvideCredentials>| {
        Client::builder()
            .credentials(provider)
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(url.clone()))
            .build()
            .expect("client")
    };
    vpc_as(Box::new(role))
        .describe_vpcs(&DescribeVpcsRequest::new())
        .await
        .expect("a VPC call signed with the role's credentials");

    // The lifetime: 600 s, whatever DurationSeconds (7200 by default) asks.
    let answer = client(url.clone())
        .call(&AssumeRoleRequest::new(ROLE_ARN, "lifetime"))
        .await
        .expect("AssumeRole");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let left = answer.expired_time.expect("ExpiredTime") - i64::try_from(now).expect("now fits");
    assert!((590..=600).contains(&left), "{left} s left");

    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let token_file = dir.join(format!("vpc-mock-bin-{}-web-token", std::process::id()));
    let web_identity = |token: &str| {
        std::fs::write(&token_file, token).expect("write the token file");
        let vars: std::collections::HashMap<&str, String> = [
            (ENV_TKE_REGION, "ap-guangzhou".to_owned()),
            (ENV_TKE_PROVIDER_ID, "OIDC".to_owned()),
            (
                ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
                token_file.display().to_string(),
            ),
            (ENV_TKE_ROLE_ARN, ROLE_ARN.to_owned()),
        ]
        .into_iter()
        .collect();
        WebIdentityProvider::builder()
            .env_lookup(move |name| vars.get(name).cloned())
            .endpoint(Endpoint::Url(url.clone()))
            .build()
            .expect("provider builds")
    };
    let pod = web_identity("binary-web-identity-token");
    let credential = pod
        .provide_credentials()
        .await
        .expect("AssumeRoleWithWebIdentity through the binary");
    assert!(credential.token().is_some(), "temporary credentials");
    vpc_as(Box::new(pod))
        .describe_vpcs(&DescribeVpcsRequest::new())
        .await
        .expect("a VPC call signed with the pod's credentials");
    let stranger = web_identity("a-token-nobody-registered");
    let error = stranger
        .provide_credentials()
        .await
        .expect_err("an unknown token is refused");
    assert!(
        format!("{error}").contains("InvalidParameter.WebIdentityTokenError"),
        "{error}"
    );
    let _ = std::fs::remove_file(&token_file);
}

/// With `--no-sts` the binary serves VPC only: an STS call goes to VPC, whose
/// credential scope is `vpc`, so the STS-signed request is refused there.
#[tokio::test]
async fn no_sts_serves_vpc_only() {
    use vpc_client::sts::AssumeRoleRequest;

    let (_running, url) = start_binary(&["--no-sts".as_ref()]);
    let error = client(url)
        .call(&AssumeRoleRequest::new(ROLE_ARN, "none"))
        .await
        .expect_err("no STS");
    let service = error.service_error().expect("a service error");
    assert_eq!(service.code, "AuthFailure.SignatureFailure", "{error}");
    assert!(
        service
            .message
            .contains("the credential service `sts` is not `vpc`"),
        "{error}"
    );
}

#[test]
fn broken_fixture_file_is_reported() {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vpc-mock-bin-{}-broken.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"gateways": [{"id": "vpngw-aaaa0001", "state": "ON"}]}"#,
    )
    .expect("write");
    let mut child = binary()
        .arg("--fixture")
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    let status = child.wait().expect("wait");
    assert!(!status.success());
    assert!(
        err.contains("gateways[0].state") && err.contains("ON"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}

/// Starts the binary with `args`; the running child and the URL it printed.
fn start_binary(args: &[&std::ffi::OsStr]) -> (Running, String) {
    let child = binary()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vpc-mock");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("UTF-8");
    let url = first
        .strip_prefix("vpc-mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    // Read the rest, so the server never writes to a closed pipe (which would end it).
    std::thread::spawn(move || lines.for_each(drop));
    (running, url)
}

fn vpc_request(name: &str, cidr: &str) -> vpc_client::vpc::CreateVpcRequest {
    let mut request = vpc_client::vpc::CreateVpcRequest::new(name);
    request.cidr_block = Some(cidr.to_owned());
    request
}

/// Two accounts create VPCs, the binary is restarted on the same state file, and each
/// account still sees its own VPC (and only it); the IDs go on where they stopped.
#[tokio::test]
async fn the_state_file_survives_a_restart_for_every_account() {
    use vpc_client::vpc::DescribeVpcsRequest;

    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vpc-mock-bin-{}-state.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let other = vpc_client::credentials::Credential::new("AKIDSECONDACCOUNT01", "second-key");
    let args: Vec<&std::ffi::OsStr> = vec![
        "--state".as_ref(),
        path.as_os_str(),
        "--seed".as_ref(),
        "5".as_ref(),
        "--credential".as_ref(),
        "AKIDSECONDACCOUNT01:second-key".as_ref(),
    ];
    let client_as = |url: &str, credential| {
        vpc_client::Client::builder()
            .credentials(credential)
            .region("ap-guangzhou")
            .endpoint(vpc_client::Endpoint::Url(url.to_owned()))
            .build()
            .expect("client")
    };
    let (running, url) = start_binary(&args);
    let mine = client_as(&url, vpc_mock::demo_credential())
        .create_vpc(&vpc_request("mine", "10.0.0.0/16"))
        .await
        .expect("create as the demo account")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    let theirs = client_as(&url, other.clone())
        .create_vpc(&vpc_request("theirs", "10.1.0.0/16"))
        .await
        .expect("create as the second account")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    drop(running);
    let text = std::fs::read_to_string(&path).expect("the state file is written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["version"], 1, "{text}");
    assert!(text.contains(&mine) && text.contains(&theirs), "{text}");

    let (_running, url) = start_binary(&args);
    let listed = |credential| {
        let client = client_as(&url, credential);
        async move {
            client
                .describe_vpcs(&DescribeVpcsRequest::new())
                .await
                .expect("describe")
                .vpc_set
                .into_iter()
                .flatten()
                .filter_map(|v| v.vpc_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        listed(vpc_mock::demo_credential()).await,
        vec![mine.clone()]
    );
    assert_eq!(listed(other.clone()).await, vec![theirs.clone()]);
    let third = client_as(&url, vpc_mock::demo_credential())
        .create_vpc(&vpc_request("third", "10.2.0.0/16"))
        .await
        .expect("create after the restart")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("a VPC ID");
    assert!(third != mine && third != theirs, "the IDs go on: {third}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn broken_state_file_is_reported_with_its_place() {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "vpc-mock-bin-{}-bad-state.json",
        std::process::id()
    ));
    std::fs::write(&path, "{\n  \"version\": 1,\n  \"ids\": \"seven\"\n}\n").expect("write");
    let (ok, _, err) = run_to_end(&["--state", path.to_str().expect("UTF-8 path")]);
    assert!(!ok, "{err}");
    assert!(
        err.contains(":3:") && err.contains("/ids") && err.contains("seven"),
        "{err}"
    );
    std::fs::write(&path, "{\"version\": 9, \"ids\": 1}").expect("write");
    let (ok, _, err) = run_to_end(&["--state", path.to_str().expect("UTF-8 path")]);
    assert!(
        !ok && err.contains("/version") && err.contains("version 9"),
        "{err}"
    );
    let _ = std::fs::remove_file(path);
}
