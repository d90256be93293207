#!/usr/bin/env python3
"""Call the local endpoint (vpc-mock) with Tencent Cloud's official Python SDK.

A client nobody in this project wrote signs every request here, so this checks that the
endpoint verifies TC3-HMAC-SHA256 and answers ResetVpnConnection the way a real client
expects: success with a RequestId, each documented error code as the SDK reports it in
TencentCloudSDKException.code (with a RequestId), and a wrong secret key rejected.

Usage:
    check.py URL [--secret-id ID] [--secret-key KEY] [--region REGION]

URL is the endpoint vpc-mock prints (http://127.0.0.1:PORT); it may also come from
VPC_MOCK_URL. The credential defaults to VPC_MOCK_SECRET_ID / VPC_MOCK_SECRET_KEY, else
the mock's public demo credential. The endpoint must be freshly started with the default
seed (see vpc-mock/README.md) and a reset delay of at least a second or two: a tunnel
reset here must still be RESETTING when the next case runs.

Prints one line per case and a summary; exits 0 when every case passed, 1 when any
failed, 2 on bad usage or when the SDK is not installed.
"""

import argparse
import os
import sys
import urllib.parse

try:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.vpc.v20170312 import models, vpc_client
except ImportError as error:  # pragma: no cover - depends on the environment
    print(
        "check.py: the official SDK is not installed ({}); run "
        "`pip install -r vpc-mock/tests/python_sdk/requirements.txt`".format(error),
        file=sys.stderr,
    )
    sys.exit(2)

DEMO_SECRET_ID = "AKIDLOCALMOCKEXAMPLE"
DEMO_SECRET_KEY = "local-mock-secret-key"

# The seeded state (vpc-mock/src/vpc.rs, module `seed`).
GATEWAY = "vpngw-kjllnkew"  # AVAILABLE, the documented example
TUNNEL = "vpnx-f29e6u0z"  # AVAILABLE tunnel of GATEWAY, the documented example
FAILED_TUNNEL = "vpnx-failed01"  # FAILED tunnel of GATEWAY
OTHER_GATEWAY = "vpngw-other001"  # AVAILABLE
OTHER_TUNNEL = "vpnx-other001"  # AVAILABLE tunnel of OTHER_GATEWAY
PENDING_GATEWAY = "vpngw-pending1"  # PENDING
PENDING_TUNNEL = "vpnx-pending1"  # AVAILABLE tunnel of PENDING_GATEWAY


class CaseFailed(Exception):
    """A case's expectation did not hold."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Check the local endpoint with the official Tencent Cloud Python SDK."
    )
    parser.add_argument(
        "url",
        nargs="?",
        default=os.environ.get("VPC_MOCK_URL"),
        help="endpoint URL, e.g. http://127.0.0.1:18080 (default: $VPC_MOCK_URL)",
    )
    parser.add_argument(
        "--secret-id",
        default=os.environ.get("VPC_MOCK_SECRET_ID", DEMO_SECRET_ID),
        help="SecretId the endpoint accepts (default: $VPC_MOCK_SECRET_ID or the demo one)",
    )
    parser.add_argument(
        "--secret-key",
        default=os.environ.get("VPC_MOCK_SECRET_KEY", DEMO_SECRET_KEY),
        help="SecretKey the endpoint accepts (default: $VPC_MOCK_SECRET_KEY or the demo one)",
    )
    parser.add_argument(
        "--region", default="ap-guangzhou", help="region to call (default: ap-guangzhou)"
    )
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("no endpoint URL: pass it as the first argument or set VPC_MOCK_URL")
    url = urllib.parse.urlsplit(args.url)
    if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
        parser.error(
            "`{}` is not an endpoint URL like http://127.0.0.1:18080".format(args.url)
        )
    return args, url


def make_client(url, secret_id, secret_key, region):
    # The SDK takes the endpoint as host[:port] and the scheme separately; it sends and
    # signs exactly this string as the Host header.
    http_profile = HttpProfile(protocol=url.scheme, endpoint=url.netloc, reqTimeout=10)
    profile = ClientProfile(httpProfile=http_profile, disable_region_breaker=True)
    return vpc_client.VpcClient(
        credential.Credential(secret_id, secret_key), region, profile
    )


def reset(client, gateway, tunnel):
    request = models.ResetVpnConnectionRequest()
    request.VpnGatewayId = gateway
    request.VpnConnectionId = tunnel
    return client.ResetVpnConnection(request)


def expect_success(client, gateway, tunnel):
    try:
        response = reset(client, gateway, tunnel)
    except TencentCloudSDKException as error:
        raise CaseFailed(
            "expected success, the SDK raised code={} message={!r} RequestId={}".format(
                error.get_code(), error.get_message(), error.get_request_id()
            )
        )
    if not isinstance(response.RequestId, str) or not response.RequestId:
        raise CaseFailed(
            "success without a RequestId: {}".format(response.to_json_string())
        )
    return "RequestId {}".format(response.RequestId)


def expect_error(client, code, gateway, tunnel):
    try:
        response = reset(client, gateway, tunnel)
    except TencentCloudSDKException as error:
        if error.get_code() != code:
            raise CaseFailed(
                "expected code {}, the SDK reported code={} message={!r} RequestId={}".format(
                    code, error.get_code(), error.get_message(), error.get_request_id()
                )
            )
        if not error.get_request_id():
            raise CaseFailed(
                "code {} without a RequestId (message {!r})".format(
                    code, error.get_message()
                )
            )
        return "{} RequestId {} ({})".format(
            error.get_code(), error.get_request_id(), error.get_message()
        )
    raise CaseFailed(
        "expected code {}, the call succeeded: {}".format(
            code, response.to_json_string()
        )
    )


def cases(client, wrong_key_client):
    """(name, thunk) in the order they must run."""
    return [
        # The successful reset first, and right after it the same reset again: the
        # tunnel stays RESETTING for the mock's reset delay.
        (
            "success on the documented example {}/{}".format(GATEWAY, TUNNEL),
            lambda: expect_success(client, GATEWAY, TUNNEL),
        ),
        (
            "UnsupportedOperation.VpnConnInvalidState: {} again while it is resetting".format(
                TUNNEL
            ),
            lambda: expect_error(
                client, "UnsupportedOperation.VpnConnInvalidState", GATEWAY, TUNNEL
            ),
        ),
        (
            "success on another gateway {}/{}".format(OTHER_GATEWAY, OTHER_TUNNEL),
            lambda: expect_success(client, OTHER_GATEWAY, OTHER_TUNNEL),
        ),
        (
            "InvalidParameterValue.Malformed: gateway ID of the wrong shape",
            lambda: expect_error(
                client, "InvalidParameterValue.Malformed", "vpngw-KJLL", TUNNEL
            ),
        ),
        (
            "InvalidParameterValue.Malformed: tunnel ID of the wrong shape",
            lambda: expect_error(
                client, "InvalidParameterValue.Malformed", GATEWAY, "vpn-f29e6u0z"
            ),
        ),
        (
            "ResourceNotFound: unknown tunnel vpnx-zzzzzzzz",
            lambda: expect_error(client, "ResourceNotFound", GATEWAY, "vpnx-zzzzzzzz"),
        ),
        (
            "ResourceNotFound: unknown gateway vpngw-zzzzzzzz",
            lambda: expect_error(client, "ResourceNotFound", "vpngw-zzzzzzzz", TUNNEL),
        ),
        (
            "ResourceNotFound: tunnel {} of another gateway".format(OTHER_TUNNEL),
            lambda: expect_error(client, "ResourceNotFound", GATEWAY, OTHER_TUNNEL),
        ),
        (
            "UnsupportedOperation.InvalidState: pending gateway {}".format(
                PENDING_GATEWAY
            ),
            lambda: expect_error(
                client,
                "UnsupportedOperation.InvalidState",
                PENDING_GATEWAY,
                PENDING_TUNNEL,
            ),
        ),
        (
            "UnsupportedOperation.VpnConnInvalidState: failed tunnel {}".format(
                FAILED_TUNNEL
            ),
            lambda: expect_error(
                client,
                "UnsupportedOperation.VpnConnInvalidState",
                GATEWAY,
                FAILED_TUNNEL,
            ),
        ),
        (
            "AuthFailure.SignatureFailure: wrong secret key",
            lambda: expect_error(
                wrong_key_client, "AuthFailure.SignatureFailure", GATEWAY, TUNNEL
            ),
        ),
    ]


def main(argv):
    args, url = parse_args(argv)
    # requests honours HTTP_PROXY; the endpoint is local, so never send it to a proxy.
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        os.environ[name] = ",".join(filter(None, [current, "127.0.0.1", "localhost"]))

    client = make_client(url, args.secret_id, args.secret_key, args.region)
    wrong_key_client = make_client(
        url, args.secret_id, args.secret_key + "-wrong", args.region
    )
    print(
        "official Python SDK (tencentcloud-sdk-python {}) against {} as {} in {}".format(
            sdk_version(), args.url, args.secret_id, args.region
        )
    )
    passed = failed = 0
    for name, run in cases(client, wrong_key_client):
        try:
            detail = run()
        except CaseFailed as error:
            failed += 1
            print("FAIL {}: {}".format(name, error))
        except TencentCloudSDKException as error:
            failed += 1
            print(
                "FAIL {}: the SDK raised code={} message={!r}".format(
                    name, error.get_code(), error.get_message()
                )
            )
        else:
            passed += 1
            print("ok   {}: {}".format(name, detail))
        sys.stdout.flush()
    print("python-sdk: {} passed, {} failed".format(passed, failed))
    if failed:
        print(
            "check.py: {} of {} cases failed against {} (lines starting with FAIL above)".format(
                failed, passed + failed, args.url
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def sdk_version():
    try:
        from importlib.metadata import version

        return version("tencentcloud-sdk-python-vpc")
    except Exception:  # pragma: no cover - metadata missing
        return "unknown version"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
