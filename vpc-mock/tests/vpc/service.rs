//! The generated server side: a service written against the generated `VpcService`
//! trait, served by the generated dispatcher, answers typed responses and typed errors
//! that the generated client decodes into the same types; methods left out fall back.

use vpc_client::vpc::{
    ResetVpnConnectionError, ResetVpnConnectionRequest, ResetVpnConnectionResponse,
};
use vpc_client::{Error, ServiceError};
use vpc_mock::{
    Call, ExampleHandler, MockServer, Refusal, RunningServer, VpcService, VpcServiceDispatcher,
    demo_credential, vpc_service,
};

use crate::common::client;

/// Answers every reset with the typed "tunnel busy" error, unless the tunnel is
/// `vpnx-free0000`, and a code the client does not know for `vpnx-odd00000`.
struct Busy;

impl VpcService for Busy {
    async fn reset_vpn_connection(
        &self,
        call: &Call,
        request: ResetVpnConnectionRequest,
    ) -> Result<ResetVpnConnectionResponse, Refusal<ResetVpnConnectionError>> {
        let error = |code: &str, message: &str| ServiceError {
            code: code.to_owned(),
            message: message.to_owned(),
            request_id: Some(call.request_id.clone()),
        };
        match request.vpn_connection_id.as_str() {
            "vpnx-free0000" => Ok(ResetVpnConnectionResponse {
                request_id: "replaced by the endpoint".to_owned(),
            }),
            "vpnx-odd00000" => Err(ResetVpnConnectionError::Unknown(error(
                "FailedOperation.Custom",
                "a code of this service's own",
            )))?,
            _ => Err(
                ResetVpnConnectionError::UnsupportedOperationVpnConnInvalidState(error(
                    "UnsupportedOperation.VpnConnInvalidState",
                    "busy",
                )),
            )?,
        }
    }
}

/// Implements nothing: every call falls back to the spec's example.
struct Nothing;

impl VpcService for Nothing {}

async fn serve(service: impl VpcService) -> RunningServer {
    let spec = vpc_service().expect("the shipped spec is valid");
    MockServer::builder()
        .spec(&spec)
        .credential(demo_credential())
        .handler(VpcServiceDispatcher::new(
            service,
            ExampleHandler::new(&spec),
        ))
        .start()
        .await
        .expect("start")
}

#[tokio::test]
async fn typed_answers_reach_the_typed_client() {
    let server = serve(Busy).await;
    let client = client(server.url());

    let ok = client
        .reset_vpn_connection(&ResetVpnConnectionRequest::new(
            "vpngw-kjllnkew",
            "vpnx-free0000",
        ))
        .await
        .expect("success");
    assert_eq!(ok.request_id.len(), 36, "the endpoint's own RequestId");

    let busy = client
        .reset_vpn_connection(&ResetVpnConnectionRequest::new(
            "vpngw-kjllnkew",
            "vpnx-f29e6u0z",
        ))
        .await;
    match busy {
        Err(Error::Service(ResetVpnConnectionError::UnsupportedOperationVpnConnInvalidState(
            e,
        ))) => {
            assert_eq!(e.message, "busy");
            assert_eq!(e.request_id.as_deref().map(str::len), Some(36));
        }
        other => panic!("expected the typed busy error, got {other:?}"),
    }

    let odd = client
        .reset_vpn_connection(&ResetVpnConnectionRequest::new(
            "vpngw-kjllnkew",
            "vpnx-odd00000",
        ))
        .await;
    match odd {
        Err(Error::Service(ResetVpnConnectionError::Unknown(e))) => {
            assert_eq!(e.code, "FailedOperation.Custom");
        }
        other => panic!("expected an unknown code kept, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn methods_left_out_answer_the_fallback() {
    let server = serve(Nothing).await;
    // The spec's example answer (a fresh RequestId), whatever the IDs.
    let ok = client(server.url())
        .reset_vpn_connection(&ResetVpnConnectionRequest::new(
            "vpngw-aaaaaaaa",
            "vpnx-aaaaaaaa",
        ))
        .await
        .expect("the example answer");
    assert_eq!(ok.request_id.len(), 36);
    server.shutdown().await;
}

#[test]
fn the_dispatcher_lists_its_actions() {
    let dispatcher =
        VpcServiceDispatcher::new(Nothing, ExampleHandler::new(&vpc_service().expect("spec")));
    assert!(format!("{dispatcher:?}").contains("ResetVpnConnection"));
}
