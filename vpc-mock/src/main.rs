//! `vpc-mock`: serves the local Tencent Cloud VPC endpoint on 127.0.0.1 until it is
//! interrupted (Ctrl-C).
//!
//! It prints the URL on its first line (`vpc-mock listening on http://127.0.0.1:PORT`,
//! `https://` with `--tls-cert` and `--tls-key`), then the credential it accepts. Run `vpc-mock --help` for the options.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use vpc_client::credentials::Credential;
use vpc_mock::{DEMO_SECRET_ID, DEMO_SECRET_KEY, MockServer, VpcState};

const USAGE: &str = "\
vpc-mock: a local Tencent Cloud VPC API endpoint (TC3-HMAC-SHA256 signed, for tests and demos)

Usage: vpc-mock [OPTIONS]

Options:
  --port P             Port on 127.0.0.1 (default 0: any free port)
  --secret-id ID       SecretId to accept (default: the demo SecretId AKIDLOCALMOCKEXAMPLE)
  --secret-key KEY     SecretKey to accept (default: the demo SecretKey local-mock-secret-key)
  --credential ID:KEY  Accept one more credential, another account (repeatable)
  --state FILE         Keep the emulator's state in FILE: loaded at start, written after every change
  --seed N             Make the emulator's IDs repeatable (the same IDs for the same N)
  --async-delay-ms MS  How long PENDING resources and async tasks take (default 0: at once)
  --fail ACTION        Make the tasks and states ACTION starts end FAILED (repeatable)
  --fixture FILE       Load ResetVpnConnection's gateways and tunnels from a JSON fixture
  --reset-delay-ms MS  How long a fixture tunnel stays RESETTING after a reset (default 2000)
  --no-rate-limit      Turn off every action's documented rate limit (for benchmarks)
  --examples-only      No emulator: every action but ResetVpnConnection answers its published example
  --tls-cert FILE      Serve HTTPS with this certificate chain (PEM, server certificate first)
  --tls-key FILE       ... and this private key (PEM); both or neither
  -h, --help           Print this help

The demo credential is public and local only: it is no Tencent Cloud credential.
Stop the server with Ctrl-C.
";

/// The parsed command line.
#[derive(Debug)]
struct Options {
    port: u16,
    secret_id: String,
    secret_key: String,
    /// More credentials, one account each.
    credentials: Vec<(String, String)>,
    /// The emulator's state file.
    state: Option<String>,
    /// The VPN tunnels' fixture.
    fixture: Option<String>,
    reset_delay_ms: Option<u64>,
    async_delay_ms: Option<u64>,
    failing: Vec<String>,
    /// The emulator's ID seed.
    seed: Option<u64>,
    no_rate_limit: bool,
    /// Without the emulator: every action answers its example (as the official
    /// examples' checks need).
    examples_only: bool,
    /// The certificate chain and key files, for HTTPS.
    tls: Option<(String, String)>,
}

#[derive(Debug)]
enum Parsed {
    Run(Box<Options>),
    Help,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut options = Options {
        port: 0,
        secret_id: DEMO_SECRET_ID.to_owned(),
        secret_key: DEMO_SECRET_KEY.to_owned(),
        credentials: Vec::new(),
        state: None,
        fixture: None,
        reset_delay_ms: None,
        async_delay_ms: None,
        failing: Vec::new(),
        seed: None,
        no_rate_limit: false,
        examples_only: false,
        tls: None,
    };
    let (mut tls_cert, mut tls_key) = (None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(Parsed::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("option `{name}` needs a value"))
        };
        match name.as_str() {
            "--no-rate-limit" if inline.is_none() => options.no_rate_limit = true,
            "--examples-only" if inline.is_none() => options.examples_only = true,
            "--port" => {
                let text = value()?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("`--port {text}`: not a port number (0-65535)"))?;
            }
            "--secret-id" => options.secret_id = value()?,
            "--secret-key" => options.secret_key = value()?,
            "--state" => options.state = Some(value()?),
            "--fixture" => options.fixture = Some(value()?),
            "--fail" => options.failing.push(value()?),
            "--credential" => {
                let text = value()?;
                let (id, key) = text
                    .split_once(':')
                    .filter(|(id, key)| !id.is_empty() && !key.is_empty())
                    .ok_or_else(|| {
                        "`--credential`: expected SECRET_ID:SECRET_KEY, both non-empty".to_owned()
                    })?;
                options.credentials.push((id.to_owned(), key.to_owned()));
            }
            "--async-delay-ms" => {
                let text = value()?;
                options.async_delay_ms = Some(text.parse().map_err(|_| {
                    format!("`--async-delay-ms {text}`: not a whole number of milliseconds")
                })?);
            }
            "--tls-cert" => tls_cert = Some(value()?),
            "--tls-key" => tls_key = Some(value()?),
            "--seed" => {
                let text = value()?;
                options.seed = Some(text.parse().map_err(|_| {
                    format!("`--seed {text}`: not a whole number (0-18446744073709551615)")
                })?);
            }
            "--reset-delay-ms" => {
                let text = value()?;
                options.reset_delay_ms = Some(text.parse().map_err(|_| {
                    format!("`--reset-delay-ms {text}`: not a whole number of milliseconds")
                })?);
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    options.tls = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => return Err("`--tls-cert` needs `--tls-key` too".to_owned()),
        (None, Some(_)) => return Err("`--tls-key` needs `--tls-cert` too".to_owned()),
    };
    if options.secret_id.is_empty() || options.secret_key.is_empty() {
        return Err("the SecretId and SecretKey must not be empty".to_owned());
    }
    Ok(Parsed::Run(Box::new(options)))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => *options,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("vpc-mock: {message}\n\n{USAGE}");
            return ExitCode::from(2);
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
    if options.no_rate_limit {
        builder = builder.without_rate_limits();
    }
    if let Some((cert, key)) = &options.tls {
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
    println!(
        "State:     {}",
        options
            .state
            .as_deref()
            .unwrap_or("in memory (--state FILE keeps it)")
    );
    println!(
        "Fixture:   {}, reset delay {} ms",
        options.fixture.as_deref().unwrap_or("default seed"),
        state.reset_delay().as_millis()
    );
    if options.no_rate_limit {
        println!("Rate limits: off (--no-rate-limit)");
    }
    if let Some((cert, _)) = &options.tls {
        println!("TLS:       certificate chain {cert}");
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

    fn args(list: &[&str]) -> Result<Parsed, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_options() {
        let Ok(Parsed::Run(o)) = args(&[
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
        ]) else {
            panic!("should parse")
        };
        assert_eq!(o.port, 8080);
        assert_eq!(o.secret_id, "AKIDX");
        assert_eq!(o.secret_key, "k");
        assert_eq!(o.state.as_deref(), Some("s.json"));
        assert_eq!(o.fixture.as_deref(), Some("f.json"));
        assert_eq!(o.credentials, vec![("AKIDB".to_owned(), "kb".to_owned())]);
        assert_eq!(o.async_delay_ms, Some(300));
        assert_eq!(o.failing, vec!["CreateNatGateway".to_owned()]);
        assert_eq!(o.reset_delay_ms, Some(50));
        assert!(!o.no_rate_limit);
        assert!(o.tls.is_none());
        let Ok(Parsed::Run(o)) = args(&["--tls-cert", "c.pem", "--tls-key=k.pem"]) else {
            panic!("should parse")
        };
        assert_eq!(o.tls, Some(("c.pem".to_owned(), "k.pem".to_owned())));
        let Ok(Parsed::Run(o)) = args(&["--no-rate-limit"]) else {
            panic!("should parse")
        };
        assert!(o.no_rate_limit);
        assert_eq!(o.seed, None);
        let Ok(Parsed::Run(o)) = args(&["--examples-only"]) else {
            panic!("parses")
        };
        assert!(o.examples_only);
        let Ok(Parsed::Run(o)) = args(&["--seed", "42"]) else {
            panic!("should parse")
        };
        assert_eq!(o.seed, Some(42));
        assert!(args(&["--seed", "x"]).unwrap_err().contains("--seed x"));
        let Ok(Parsed::Run(o)) = args(&[]) else {
            panic!("should parse")
        };
        assert_eq!((o.port, o.secret_id.as_str()), (0, DEMO_SECRET_ID));
        assert!(matches!(args(&["--help"]), Ok(Parsed::Help)));
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(args(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--port", "70000"]).unwrap_err().contains("port"));
        assert!(args(&["--bogus"]).unwrap_err().contains("unknown"));
        assert!(args(&["--reset-delay-ms", "-1"]).is_err());
        assert!(args(&["--secret-key="]).unwrap_err().contains("empty"));
        assert!(
            args(&["--credential", "AKID"])
                .unwrap_err()
                .contains("SECRET_ID:SECRET_KEY")
        );
        assert!(args(&["--credential", ":k"]).is_err());
        assert!(
            args(&["--async-delay-ms", "soon"])
                .unwrap_err()
                .contains("--async-delay-ms soon")
        );
        assert!(
            args(&["--tls-cert", "c.pem"])
                .unwrap_err()
                .contains("`--tls-cert` needs `--tls-key`")
        );
        assert!(
            args(&["--tls-key", "k.pem"])
                .unwrap_err()
                .contains("`--tls-key` needs `--tls-cert`")
        );
        assert!(
            args(&["--no-rate-limit=1"])
                .unwrap_err()
                .contains("unknown")
        );
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
