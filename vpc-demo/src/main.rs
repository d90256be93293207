//! Resets a VPN tunnel with a real signed ResetVpnConnection call.
//!
//! With no `--endpoint`, the example starts the local endpoint (`vpc-mock`) in-process
//! on 127.0.0.1 and signs with its demo credentials: no network, no account needed; the
//! endpoint verifies the signature exactly as Tencent Cloud does. With `--endpoint`
//! (`intl`, `china`, `regional` or a URL) it calls that endpoint with credentials from
//! the default chain (environment, then `~/.tencentcloud/credentials`, then the CVM
//! instance role).
//!
//! ```text
//! cargo run -p vpc-demo -- [--endpoint E] [--region R]
//!     [--vpn-gateway-id ID] [--vpn-connection-id ID] [--json]
//! ```
//!
//! A crate of its own, the README's first command: it depends on the client, the local
//! endpoint and tokio only, so a fresh machine builds nothing a demo does not need (an
//! example of `vpc-client` would build all of that crate's dev-dependencies first).

use std::process::ExitCode;

use vpc_client::credentials::DefaultChain;
use vpc_client::vpc::{CommonError, ResetVpnConnectionError, ResetVpnConnectionRequest};
use vpc_client::{Client, Endpoint, Error};

struct Args {
    endpoint: Option<String>,
    region: Option<String>,
    gateway: String,
    tunnel: String,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        endpoint: None,
        region: None,
        gateway: "vpngw-kjllnkew".to_owned(),
        tunnel: "vpnx-f29e6u0z".to_owned(),
        json: false,
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--endpoint" => args.endpoint = Some(value("--endpoint")?),
            "--region" => args.region = Some(value("--region")?),
            "--vpn-gateway-id" => args.gateway = value("--vpn-gateway-id")?,
            "--vpn-connection-id" => args.tunnel = value("--vpn-connection-id")?,
            "--json" => args.json = true,
            "--help" | "-h" => {
                return Err("usage: vpc-demo [--endpoint intl|china|regional|URL] \
                     [--region R] [--vpn-gateway-id ID] [--vpn-connection-id ID] [--json]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let region = args
        .region
        .clone()
        .or_else(|| std::env::var(vpc_client::ENV_REGION).ok())
        .unwrap_or_else(|| "ap-guangzhou".to_owned());

    // No endpoint chosen: run against the local endpoint, never against a real account.
    let mut local = None;
    let builder = Client::builder().region(&region);
    let builder = match args.endpoint.as_deref() {
        None => {
            let server = match vpc_mock::start_vpc(vpc_mock::demo_credential()).await {
                Ok(server) => server,
                Err(err) => {
                    eprintln!("cannot start the local endpoint: {err}");
                    return ExitCode::FAILURE;
                }
            };
            println!(
                "using a local endpoint at {} (vpc-mock, verifies TC3 signatures; demo credentials, no network)",
                server.url()
            );
            let builder = builder
                .endpoint(Endpoint::Url(server.url()))
                .credentials(vpc_mock::demo_credential());
            local = Some(server);
            builder
        }
        Some(endpoint) => {
            let endpoint = match endpoint {
                "intl" | "default" => Endpoint::Default,
                "china" => Endpoint::China,
                "regional" => Endpoint::Regional,
                url => Endpoint::Url(url.to_owned()),
            };
            println!("using endpoint {endpoint:?} with credentials from the default chain");
            builder.endpoint(endpoint).credentials(DefaultChain::new())
        }
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("cannot build the client: {err}");
            return ExitCode::FAILURE;
        }
    };

    let request = ResetVpnConnectionRequest::new(&args.gateway, &args.tunnel);
    println!(
        "ResetVpnConnection VpnGatewayId={} VpnConnectionId={} region={region}",
        request.vpn_gateway_id, request.vpn_connection_id
    );
    match client.reset_vpn_connection(&request).await {
        Ok(response) if args.json => match serde_json::to_string_pretty(&response) {
            Ok(json) => println!("{json}"),
            Err(err) => println!("(cannot print as JSON: {err})"),
        },
        Ok(response) => println!("ok: tunnel reset, RequestId {}", response.request_id),
        Err(err) => {
            eprintln!("failed: {err}");
            return ExitCode::FAILURE;
        }
    }

    if let Some(server) = local {
        // Show one typed error being matched: a tunnel that does not exist.
        let missing = ResetVpnConnectionRequest::new(&args.gateway, "vpnx-00000000");
        println!(
            "ResetVpnConnection VpnGatewayId={} VpnConnectionId={} (does not exist)",
            missing.vpn_gateway_id, missing.vpn_connection_id
        );
        match client.reset_vpn_connection(&missing).await {
            // `ResourceNotFound` is common to every action: its variant is the shared
            // `CommonError`'s, and the printed text names that pattern.
            Err(Error::Service(ResetVpnConnectionError::Common(
                CommonError::ResourceNotFound(e),
            ))) => {
                println!(
                    "matched ResetVpnConnectionError::Common(CommonError::ResourceNotFound): {} (RequestId {})",
                    e.message,
                    e.request_id.as_deref().unwrap_or("none")
                );
            }
            Ok(_) => {
                eprintln!("unexpected success for a missing tunnel");
                return ExitCode::FAILURE;
            }
            Err(other) => {
                eprintln!("unexpected error: {other}");
                return ExitCode::FAILURE;
            }
        }
        server.shutdown().await;
    }
    ExitCode::SUCCESS
}
