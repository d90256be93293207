//! `vpc-mock`: serves the local Tencent Cloud VPC endpoint (and STS beside it) on
//! 127.0.0.1 until it is interrupted (Ctrl-C).
//!
//! It prints the URL on its first line (`vpc-mock listening on http://127.0.0.1:PORT`,
//! `https://` with `--tls-cert` and `--tls-key`), then the credential it accepts. Run
//! `vpc-mock --help` for the options; they are parsed by clap, and a bad one is
//! answered with an error naming it and exit status 2.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory as _, FromArgMatches as _, Parser};
use vpc_client::credentials::Credential;
use vpc_mock::emulator::Quotas;
use vpc_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, KeyStore, MockServer, StsState, VpcState};

/// vpc-mock: a local Tencent Cloud VPC API endpoint (TC3-HMAC-SHA256 signed, for tests
/// and demos), serving STS beside it
#[derive(Debug, Parser)]
#[command(name = "vpc-mock")]
struct Options {
    /// Port on 127.0.0.1 (0: any free port)
    #[arg(
        long,
        value_name = "P",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    port: u16,
    /// SecretId to accept (default: the demo SecretId AKIDLOCALMOCKEXAMPLE)
    #[arg(long, value_name = "ID", default_value = DEMO_SECRET_ID, hide_default_value = true,
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    secret_id: String,
    /// SecretKey to accept (default: the demo SecretKey local-mock-secret-key)
    #[arg(long, value_name = "KEY", default_value = DEMO_SECRET_KEY, hide_default_value = true,
          value_parser = clap::builder::NonEmptyStringValueParser::new())]
    secret_key: String,
    /// Accept one more credential, another account (repeatable)
    #[arg(long = "credential", value_name = "ID:KEY", value_parser = parse_credential)]
    credentials: Vec<(String, String)>,
    /// Keep the emulator's state in FILE: loaded at start, written after every change
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Make the emulator's IDs repeatable (the same IDs for the same N)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    seed: Option<u64>,
    /// How long PENDING resources and async tasks take (default 0: at once)
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    async_delay_ms: Option<u64>,
    /// Make the tasks and states ACTION starts end FAILED (repeatable)
    #[arg(long = "fail", value_name = "ACTION")]
    failing: Vec<String>,
    /// Set one emulator quota, e.g. `appid-max-vpcs=300` (repeatable; names below)
    #[arg(long = "quota", value_name = "NAME=VALUE", value_parser = parse_quota,
          conflicts_with = "examples_only")]
    quotas: Vec<(String, u64)>,
    /// Load ResetVpnConnection's gateways and tunnels from a JSON fixture
    #[arg(long, value_name = "FILE")]
    fixture: Option<PathBuf>,
    /// How long a fixture tunnel stays RESETTING after a reset (default 2000)
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    reset_delay_ms: Option<u64>,
    /// Turn off every action's documented rate limit (for benchmarks)
    #[arg(long)]
    no_rate_limit: bool,
    /// No emulator: every action but ResetVpnConnection answers its published example
    #[arg(long)]
    examples_only: bool,
    /// Serve VPC only, not STS beside it
    #[arg(long)]
    no_sts: bool,
    /// Make STS AssumeRoleWithWebIdentity accept TOKEN from the identity provider
    /// PROVIDER (`OIDC` for TKE; repeatable)
    #[arg(long = "web-identity", value_name = "PROVIDER:TOKEN", value_parser = parse_web_identity,
          conflicts_with = "no_sts")]
    web_identities: Vec<(String, String)>,
    /// STS issues credentials that live SECONDS, whatever DurationSeconds asks (default:
    /// as asked, 7200 when not)
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..),
          conflicts_with = "no_sts", allow_negative_numbers = true)]
    sts_lifetime: Option<u64>,
    /// Serve HTTPS with this certificate chain (PEM, server certificate first)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// ... and this private key (PEM); both or neither
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// `ID:KEY`, both non-empty (a SecretKey may hold colons; a SecretId may not).
fn parse_credential(text: &str) -> Result<(String, String), String> {
    text.split_once(':')
        .filter(|(id, key)| !id.is_empty() && !key.is_empty())
        .map(|(id, key)| (id.to_owned(), key.to_owned()))
        .ok_or_else(|| "expected SECRET_ID:SECRET_KEY, both non-empty".to_owned())
}

/// `PROVIDER:TOKEN`, both non-empty (a token may hold colons).
fn parse_web_identity(text: &str) -> Result<(String, String), String> {
    text.split_once(':')
        .filter(|(provider, token)| !provider.is_empty() && !token.is_empty())
        .map(|(provider, token)| (provider.to_owned(), token.to_owned()))
        .ok_or_else(|| "expected PROVIDER:TOKEN (e.g. OIDC:<the token>), both non-empty".to_owned())
}

/// The quota names the emulator knows: the keys of its default quotas.
fn quota_names() -> Vec<String> {
    Quotas::default().0.into_keys().collect()
}

/// `NAME=VALUE`: a known quota name and a whole number.
fn parse_quota(text: &str) -> Result<(String, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| "expected NAME=VALUE, e.g. appid-max-vpcs=300".to_owned())?;
    let names = quota_names();
    if !names.iter().any(|known| known == name) {
        return Err(format!(
            "unknown quota `{name}`; the quotas are {}",
            names.join(", ")
        ));
    }
    let value = value
        .parse::<u64>()
        .map_err(|_| format!("`{value}` is not a whole number (0-18446744073709551615)"))?;
    Ok((name.to_owned(), value))
}

/// The command with its help's closing text (the quotas and their defaults).
fn command() -> clap::Command {
    let quotas: Vec<String> = Quotas::default()
        .0
        .into_iter()
        .map(|(name, value)| format!("  {name} (default {value})"))
        .collect();
    Options::command().after_help(format!(
        "Quotas (--quota NAME=VALUE):\n{}\n\n\
         STS (2018-08-13) is served beside VPC unless --no-sts: a request goes to the\n\
         service its X-TC-Version names. The demo credential is public and local only:\n\
         it is no Tencent Cloud credential. Stop the server with Ctrl-C.",
        quotas.join("\n")
    ))
}

/// Parses the command line (the program name first); `Err` is clap's error (or help),
/// which prints itself.
fn parse<I, T>(args: I) -> Result<Options, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut command = command();
    let matches = command.try_get_matches_from_mut(args)?;
    Options::from_arg_matches(&matches).map_err(|error| error.format(&mut command))
}

#[tokio::main]
async fn main() -> ExitCode {
    // `args_os`: an argument that is not UTF-8 is clap's error, not a panic.
    let options = match parse(std::env::args_os()) {
        Ok(options) => options,
        Err(error) => {
            // Help goes to stdout with status 0, an error to stderr with status 2.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vpc-mock: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let state = match &options.fixture {
        Some(path) => VpcState::from_file(path).map_err(|e| e.to_string())?,
        None => VpcState::seeded(),
    };
    if let Some(ms) = options.reset_delay_ms {
        state.set_reset_delay(Duration::from_millis(ms));
    }
    let demo = options.secret_id == DEMO_SECRET_ID && options.secret_key == DEMO_SECRET_KEY;
    let mut emulator = vpc_mock::Emulator::builder();
    if let Some(seed) = options.seed {
        emulator = emulator.seed(seed);
    }
    if let Some(ms) = options.async_delay_ms {
        emulator = emulator.async_delay(Duration::from_millis(ms));
    }
    for action in &options.failing {
        emulator = emulator.failing(action);
    }
    for (name, value) in &options.quotas {
        emulator = emulator.quota(name, *value);
    }
    if let Some(path) = &options.state {
        emulator = emulator.state_file(path);
    }
    let emulator = emulator.build().map_err(|e| e.to_string())?;
    let mut builder = if options.examples_only {
        MockServer::vpc_examples(state.clone())
            .map_err(|e| format!("the embedded VPC spec is invalid: {e}"))?
    } else {
        MockServer::vpc_emulated(state.clone(), emulator)
            .map_err(|e| format!("the embedded VPC spec is invalid: {e}"))?
    };
    // STS issues into the store the server verifies against, so what it issues signs
    // VPC calls (with the token) until it expires.
    let keys = KeyStore::new();
    builder = builder.key_store(keys.clone());
    if !options.no_sts {
        let sts = StsState::new(keys);
        for (provider, token) in &options.web_identities {
            sts.register_web_identity(provider.as_str(), token.as_str());
        }
        if let Some(seconds) = options.sts_lifetime {
            sts.set_lifetime(Some(Duration::from_secs(seconds)));
        }
        let mount = sts
            .mount()
            .map_err(|e| format!("the embedded STS spec is invalid: {e}"))?;
        builder = builder.also_serve(mount);
    }
    if options.no_rate_limit {
        builder = builder.without_rate_limits();
    }
    if let (Some(cert), Some(key)) = (&options.tls_cert, &options.tls_key) {
        let config =
            vpc_mock::tls::server_config_from_files(cert, key).map_err(|e| e.to_string())?;
        builder = builder.tls(config);
    }
    builder = builder.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, options.port)));
    for (id, key) in &options.credentials {
        builder = builder.credential(Credential::new(id.clone(), key.clone()));
    }
    let server = builder
        .credential(Credential::new(
            options.secret_id.clone(),
            options.secret_key.clone(),
        ))
        .start()
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    println!("vpc-mock listening on {}", server.url());
    println!("SecretId:  {}", options.secret_id);
    // The key is printed on purpose: it is a local mock credential the user chose (or
    // the public demo one), and clients need it to sign requests.
    println!(
        "SecretKey: {}   ({}; accepted by this local endpoint only)",
        options.secret_key,
        if demo {
            "the public demo credential"
        } else {
            "the mock credential given on the command line"
        }
    );
    println!("Region:    any public VPC region, e.g. ap-guangzhou");
    if !options.credentials.is_empty() {
        let ids: Vec<&str> = options
            .credentials
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        println!("Accounts:  also {} (one account each)", ids.join(", "));
    }
    if options.no_sts {
        println!("STS:       off (--no-sts)");
    } else {
        let providers: Vec<&str> = options
            .web_identities
            .iter()
            .map(|(provider, _)| provider.as_str())
            .collect();
        println!(
            "STS:       served too (X-TC-Version 2018-08-13: AssumeRole, AssumeRoleWithWebIdentity{})",
            if providers.is_empty() {
                String::new()
            } else {
                format!(" for {}", providers.join(", "))
            }
        );
    }
    if !options.quotas.is_empty() {
        let set: Vec<String> = options
            .quotas
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        println!("Quotas:    {}", set.join(", "));
    }
    println!(
        "State:     {}",
        options.state.as_ref().map_or_else(
            || "in memory (--state FILE keeps it)".to_owned(),
            |path| path.display().to_string()
        )
    );
    println!(
        "Fixture:   {}, reset delay {} ms",
        options.fixture.as_ref().map_or_else(
            || "default seed".to_owned(),
            |path| path.display().to_string()
        ),
        state.reset_delay().as_millis()
    );
    if options.no_rate_limit {
        println!("Rate limits: off (--no-rate-limit)");
    }
    if let Some(cert) = &options.tls_cert {
        println!("TLS:       certificate chain {}", cert.display());
    }
    println!("Press Ctrl-C to stop.");
    // Without a signal handler, Ctrl-C ends the process; the server needs no cleanup.
    std::future::pending::<()>().await;
    server.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Options, String> {
        parse(
            std::iter::once("vpc-mock")
                .chain(list.iter().copied())
                .map(str::to_owned),
        )
        .map_err(|error| error.render().to_string())
    }

    #[test]
    fn the_command_is_well_formed() {
        command().debug_assert();
    }

    #[test]
    fn parses_options() {
        let Ok(o) = args(&[
            "--port",
            "8080",
            "--secret-id=AKIDX",
            "--secret-key",
            "k",
            "--state",
            "s.json",
            "--fixture",
            "f.json",
            "--reset-delay-ms",
            "50",
            "--credential",
            "AKIDB:kb",
            "--async-delay-ms=300",
            "--fail",
            "CreateNatGateway",
            "--quota",
            "appid-max-vpcs=300",
            "--quota=vpc-max-subnets=7",
            "--web-identity",
            "OIDC:a:b",
            "--sts-lifetime",
            "3",
        ]) else {
            panic!("should parse")
        };
        assert_eq!(o.port, 8080);
        assert_eq!(o.secret_id, "AKIDX");
        assert_eq!(o.secret_key, "k");
        assert_eq!(o.state, Some(PathBuf::from("s.json")));
        assert_eq!(o.fixture, Some(PathBuf::from("f.json")));
        assert_eq!(o.credentials, vec![("AKIDB".to_owned(), "kb".to_owned())]);
        assert_eq!(o.async_delay_ms, Some(300));
        assert_eq!(o.failing, vec!["CreateNatGateway".to_owned()]);
        assert_eq!(o.reset_delay_ms, Some(50));
        assert_eq!(
            o.quotas,
            vec![
                ("appid-max-vpcs".to_owned(), 300),
                ("vpc-max-subnets".to_owned(), 7)
            ]
        );
        assert_eq!(
            o.web_identities,
            vec![("OIDC".to_owned(), "a:b".to_owned())]
        );
        assert_eq!(o.sts_lifetime, Some(3));
        assert!(!o.no_rate_limit && !o.no_sts);
        assert!(o.tls_cert.is_none());
        let Ok(o) = args(&["--tls-cert", "c.pem", "--tls-key=k.pem"]) else {
            panic!("should parse")
        };
        assert_eq!(
            (o.tls_cert, o.tls_key),
            (Some(PathBuf::from("c.pem")), Some(PathBuf::from("k.pem")))
        );
        let Ok(o) = args(&["--no-rate-limit", "--no-sts"]) else {
            panic!("should parse")
        };
        assert!(o.no_rate_limit && o.no_sts);
        assert_eq!(o.seed, None);
        let Ok(o) = args(&["--examples-only"]) else {
            panic!("parses")
        };
        assert!(o.examples_only);
        let Ok(o) = args(&["--seed", "42"]) else {
            panic!("should parse")
        };
        assert_eq!(o.seed, Some(42));
        let Ok(o) = args(&[]) else {
            panic!("should parse")
        };
        assert_eq!((o.port, o.secret_id.as_str()), (0, DEMO_SECRET_ID));
        assert_eq!(o.secret_key, DEMO_SECRET_KEY);
        let help = parse(["vpc-mock", "--help"].map(str::to_owned)).expect_err("help");
        assert_eq!(help.exit_code(), 0);
        let help = help.render().to_string();
        for name in quota_names() {
            assert!(help.contains(&name), "{name} in {help}");
        }
    }

    /// Every bad argument is an error that names it.
    #[test]
    fn rejects_bad_arguments() {
        let error = |list: &[&str]| args(list).expect_err("should be refused");
        assert!(error(&["--port"]).contains("--port"));
        let port = error(&["--port", "70000"]);
        assert!(port.contains("--port") && port.contains("70000"), "{port}");
        assert!(error(&["--bogus"]).contains("'--bogus'"));
        assert!(error(&["--seed", "x"]).contains("--seed"));
        // A negative number is a value, refused as one (not taken for an option).
        let negative = error(&["--reset-delay-ms", "-1"]);
        assert!(
            negative.contains("'--reset-delay-ms <MS>'") && negative.contains("'-1'"),
            "{negative}"
        );
        assert!(error(&["--port", "-5"]).contains("'--port <P>'"));
        assert!(error(&["--secret-key="]).contains("--secret-key"));
        assert!(error(&["--secret-id", ""]).contains("--secret-id"));
        let credential = error(&["--credential", "AKID"]);
        assert!(
            credential.contains("--credential") && credential.contains("SECRET_ID:SECRET_KEY"),
            "{credential}"
        );
        assert!(error(&["--credential", ":k"]).contains("--credential"));
        let delay = error(&["--async-delay-ms", "soon"]);
        assert!(
            delay.contains("--async-delay-ms") && delay.contains("soon"),
            "{delay}"
        );
        assert!(error(&["--tls-cert", "c.pem"]).contains("--tls-key"));
        assert!(error(&["--tls-key", "k.pem"]).contains("--tls-cert"));
        assert!(error(&["--no-rate-limit=1"]).contains("--no-rate-limit"));
        let quota = error(&["--quota", "vpcs=300"]);
        assert!(
            quota.contains("--quota") && quota.contains("unknown quota `vpcs`"),
            "{quota}"
        );
        assert!(quota.contains("appid-max-vpcs"), "{quota}");
        let quota = error(&["--quota", "appid-max-vpcs=many"]);
        assert!(
            quota.contains("--quota") && quota.contains("many"),
            "{quota}"
        );
        assert!(error(&["--quota", "appid-max-vpcs"]).contains("NAME=VALUE"));
        let both = error(&["--quota", "appid-max-vpcs=1", "--examples-only"]);
        assert!(both.contains("--examples-only"), "{both}");
        assert!(error(&["--web-identity", "OIDC"]).contains("PROVIDER:TOKEN"));
        assert!(error(&["--web-identity", "OIDC:t", "--no-sts"]).contains("--no-sts"));
        assert!(error(&["--sts-lifetime", "0"]).contains("--sts-lifetime"));
    }

    /// An argument that is not UTF-8 is a usage error (clap's, which does not name
    /// it), not a panic; a path may be any bytes.
    #[cfg(unix)]
    #[test]
    fn non_utf8_arguments_are_errors() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt as _;

        let bad = OsString::from_vec(vec![b'k', 0xff]);
        let error =
            parse([OsString::from("vpc-mock"), "--secret-key".into(), bad]).expect_err("not UTF-8");
        assert_eq!(error.exit_code(), 2);
        assert!(error.render().to_string().contains("invalid UTF-8"));
        let path = OsString::from_vec(vec![b's', 0xff]);
        let options = parse([OsString::from("vpc-mock"), "--state".into(), path.clone()])
            .expect("a path may be any bytes");
        assert_eq!(options.state, Some(PathBuf::from(path)));
    }

    /// More resets in a moment than the documented 100 per second, all admitted.
    #[tokio::test]
    async fn without_rate_limits_the_endpoint_admits_more_than_the_limit() {
        use vpc_client::vpc::ResetVpnConnectionRequest;
        use vpc_client::{Client, Endpoint, RateLimitPolicy, RetryPolicy};

        let server = MockServer::vpc(VpcState::seeded().with_reset_delay(Duration::ZERO))
            .expect("the spec validates")
            .without_rate_limits()
            .credential(vpc_mock::demo_credential())
            .start()
            .await
            .expect("the endpoint starts");
        let client = Client::builder()
            .credentials(vpc_mock::demo_credential())
            .region("ap-guangzhou")
            .endpoint(Endpoint::Url(server.url()))
            .retry(RetryPolicy::none())
            .rate_limit(RateLimitPolicy::none())
            .build()
            .expect("client builds");
        let request = ResetVpnConnectionRequest::new("vpngw-kjllnkew", "vpnx-f29e6u0z");
        for call in 0..150 {
            if let Err(error) = client.reset_vpn_connection(&request).await {
                panic!("call {call} failed: {error}");
            }
        }
        server.shutdown().await;
    }
}
