#!/usr/bin/env python3
"""Call the local endpoint (vpc-mock) with Tencent Cloud's official Python SDK.

A client nobody in this project wrote signs and types every request here. Two kinds of
case, one function each:

* ResetVpnConnection, the action the endpoint implements on in-memory state: success
  with a RequestId, each documented error code as the SDK reports it in
  TencentCloudSDKException.code (with a RequestId), and a wrong secret key rejected;
  then one scenario against the emulator (a VPC and two subnets created, listed with a
  filter, the VPC's delete refused with ResourceInUse, everything deleted).
* Every worked example of the spec (api-spec/vpc.json): the example's input goes through
  the SDK's own typed model (`models.<Action>Request().from_json_string(...)`), the model
  must serialise back to exactly that input (compared as JSON values, types included: the
  endpoint answers the example whose input equals the request), and `client.<Action>`
  must accept the endpoint's answer: success with a RequestId on the typed response, or,
  where the published answer is an error, a TencentCloudSDKException with its code.
  The action list comes from the spec, so the check widens with it; actions the SDK
  lacks are listed by name (and fail the check with --require-every-action).

Usage:
    check.py URL [--examples-url URL2] [--only reset|examples] [--spec FILE]
             [--require-every-action] [--verbose]
             [--secret-id ID] [--secret-key KEY] [--region REGION]

URL is the endpoint vpc-mock prints (http://127.0.0.1:PORT); it may also come from
VPC_MOCK_URL. The credential defaults to VPC_MOCK_SECRET_ID / VPC_MOCK_SECRET_KEY, else
the mock's public demo credential. Both parts need a freshly started endpoint with the
default seed (see vpc-mock/README.md), and not the same one: the ResetVpnConnection cases
reset the seeded documented tunnel and expect it RESETTING afterwards (so URL needs a
reset delay of at least a second or two), and the spec's ResetVpnConnection example
resets that same tunnel expecting success. So the examples go to --examples-url, best
started with --no-rate-limit (cargo xtask python-sdk starts both); with one endpoint, run
one part with --only.

Prints one line per ResetVpnConnection case, one per failing example (every example
with --verbose), the counts, and the closing line `python-sdk: N passed, M failed`;
exits 0 when every case passed, 1 when any failed, 2 on bad usage or when the SDK is not
installed.
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
import warnings
from pathlib import Path

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

# The spec the endpoint serves (vpc-mock embeds this file), relative to this script.
DEFAULT_SPEC = Path(__file__).resolve().parents[3] / "api-spec" / "vpc.json"

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
        "--examples-url",
        help="a second, fresh endpoint for the spec's examples (needed when both parts run)",
    )
    parser.add_argument(
        "--only",
        choices=("reset", "examples"),
        help="run only the ResetVpnConnection cases or only the spec's examples",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=DEFAULT_SPEC,
        help="the spec whose examples to send (default: api-spec/vpc.json of this checkout)",
    )
    parser.add_argument(
        "--require-every-action",
        action="store_true",
        help="fail when the SDK lacks an action of the spec (default: list them only)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print a line for every example, not only the failing ones",
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
    if args.only == "examples" and args.examples_url:
        parser.error("--only examples sends the examples to URL; drop --examples-url")
    if args.only is None and not args.examples_url:
        parser.error(
            "the ResetVpnConnection cases and the spec's examples need two fresh "
            "endpoints (both reset the seeded documented tunnel): pass "
            "--examples-url URL2, or run one part with --only reset|examples"
        )
    url = parse_url(parser, args.url)
    examples_url = url if args.only == "examples" else None
    if args.examples_url:
        examples_url = parse_url(parser, args.examples_url)
        if examples_url.netloc == url.netloc:
            parser.error("--examples-url must be another endpoint than URL")
    return args, url, examples_url


def parse_url(parser, text):
    url = urllib.parse.urlsplit(text)
    if url.scheme not in ("http", "https") or not url.hostname or url.path not in ("", "/"):
        parser.error("`{}` is not an endpoint URL like http://127.0.0.1:18080".format(text))
    return url


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


def reset_cases(client, wrong_key_client):
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
        (
            "the emulator: create, list with a filter, refused delete, cleanup",
            lambda: emulator_scenario(client),
        ),
    ]


def emulator_scenario(client):
    """The emulator through the SDK's typed models, as one case: a VPC and two subnets
    are created, listed with a filter, the VPC's delete is refused with ResourceInUse
    while it has subnets, then everything is deleted and the listing is empty again.
    """
    vpc_request = models.CreateVpcRequest()
    vpc_request.VpcName = "python-sdk"
    vpc_request.CidrBlock = "10.8.0.0/16"
    vpc_id = client.CreateVpc(vpc_request).Vpc.VpcId
    subnet_ids = []
    for name, block in (("web", "10.8.1.0/24"), ("db", "10.8.2.0/24")):
        subnet_request = models.CreateSubnetRequest()
        subnet_request.VpcId = vpc_id
        subnet_request.SubnetName = name
        subnet_request.CidrBlock = block
        subnet_request.Zone = "ap-guangzhou-3"
        subnet_ids.append(client.CreateSubnet(subnet_request).Subnet.SubnetId)

    def listed():
        request = models.DescribeSubnetsRequest()
        vpc_filter = models.Filter()
        vpc_filter.Name = "vpc-id"
        vpc_filter.Values = [vpc_id]
        request.Filters = [vpc_filter]
        answer = client.DescribeSubnets(request)
        return answer.TotalCount, sorted(s.SubnetId for s in answer.SubnetSet)

    if listed() != (2, sorted(subnet_ids)):
        raise CaseFailed("the filtered listing is {}, not {}".format(listed(), subnet_ids))
    delete_vpc = models.DeleteVpcRequest()
    delete_vpc.VpcId = vpc_id
    try:
        client.DeleteVpc(delete_vpc)
    except TencentCloudSDKException as error:
        if error.get_code() != "ResourceInUse":
            raise CaseFailed(
                "DeleteVpc of a VPC with subnets answered {} ({})".format(
                    error.get_code(), error.get_message()
                )
            )
    else:
        raise CaseFailed("DeleteVpc of a VPC with subnets succeeded")
    for subnet_id in subnet_ids:
        request = models.DeleteSubnetRequest()
        request.SubnetId = subnet_id
        client.DeleteSubnet(request)
    if listed() != (0, []):
        raise CaseFailed("after the cleanup the listing is {}".format(listed()))
    client.DeleteVpc(delete_vpc)
    return "VPC {} and subnets {}: listed by filter, delete refused, cleaned up".format(
        vpc_id, ", ".join(subnet_ids)
    )


class Example:
    """One worked example of the spec: its action, title, input and published answer."""

    def __init__(self, action, title, params, answer, answered_by):
        self.action = action
        self.title = title
        # The request body, as the spec's `examples[].input` gives it.
        self.params = params
        # The published answer's `Response` without its RequestId.
        self.answer = answer
        # The title of the example the endpoint answers for this input: this one, or an
        # earlier one of the action with the very same input.
        self.answered_by = answered_by

    def expected_error(self):
        """The published answer's `Error` object; None when it is a success."""
        error = self.answer.get("Error")
        return error if isinstance(error, dict) else None

    def name(self):
        return "{} / {}".format(self.action, self.title)


def load_examples(spec_path):
    """Every example of the spec, in the spec's order, and the actions without one."""
    with open(spec_path, encoding="utf-8") as file:
        spec = json.load(file)
    examples = []
    without_example = []
    for action, description in spec["actions"].items():
        published = description.get("examples") or []
        if not published:
            without_example.append(action)
        for example in published:
            # The endpoint answers the first example whose input equals the request.
            first = next(
                earlier
                for earlier in published
                if not json_differences(earlier["input"], example["input"])
            )
            answer = dict(first["output"].get("Response") or {})
            answer.pop("RequestId", None)
            examples.append(
                Example(
                    action, example["title"], example["input"], answer, first["title"]
                )
            )
    return spec["actions"], examples, without_example


def sdk_lacks(action):
    """What the SDK lacks of `action`, e.g. `models.FooRequest` ("" when it has it all)."""
    missing = []
    if not isinstance(getattr(models, action + "Request", None), type):
        missing.append("models.{}Request".format(action))
    if not callable(getattr(vpc_client.VpcClient, action, None)):
        missing.append("VpcClient.{}".format(action))
    return ", ".join(missing)


def json_kind(value):
    """The JSON type of a decoded value (Python's True == 1 == 1.0 hides these)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def json_differences(expected, actual, path="", null_is_absent=False):
    """Where `actual` is not the JSON value `expected`, one line each.

    Compares what the endpoint compares: JSON values, member order aside, but an integer
    is not a number with a fraction (1 vs 1.0) nor a boolean. With `null_is_absent`, a
    member that is null in `expected` may be missing from `actual` (the SDK's models
    serialise without their None members).
    """
    kind, actual_kind = json_kind(expected), json_kind(actual)
    if kind != actual_kind:
        return [
            "{}: {} {} expected, the SDK's is {} {}".format(
                path or "(body)", kind, json.dumps(expected), actual_kind, json.dumps(actual)
            )
        ]
    if kind == "object":
        differences = []
        for key, value in expected.items():
            member = "{}.{}".format(path, key) if path else key
            if key in actual:
                differences.extend(
                    json_differences(value, actual[key], member, null_is_absent)
                )
            elif not (null_is_absent and value is None):
                differences.append("{}: missing from the SDK's".format(member))
        for key in actual:
            if key not in expected:
                member = "{}.{}".format(path, key) if path else key
                differences.append(
                    "{}: the SDK's has it ({}), unexpected".format(
                        member, json.dumps(actual[key])
                    )
                )
        return differences
    if kind == "array":
        if len(expected) != len(actual):
            return [
                "{}: {} items expected, the SDK's has {}".format(
                    path or "(body)", len(expected), len(actual)
                )
            ]
        differences = []
        for index, (item, sent) in enumerate(zip(expected, actual)):
            differences.extend(
                json_differences(item, sent, "{}.{}".format(path, index), null_is_absent)
            )
        return differences
    if expected != actual:
        return [
            "{}: {} expected, the SDK's is {}".format(
                path or "(body)", json.dumps(expected), json.dumps(actual)
            )
        ]
    return []


def typed_request(example):
    """The SDK's typed request made from the example's input.

    It must serialise back to exactly that input: `_serialize()` is what the SDK's client
    itself sends (`json.dumps(request._serialize())`), and the endpoint answers the
    example whose input equals the request's body.
    """
    request = getattr(models, example.action + "Request")()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request.from_json_string(json.dumps(example.params))
    differences = json_differences(example.params, request._serialize())
    if differences:
        said = "; ".join(str(warning.message) for warning in caught)
        raise CaseFailed(
            "models.{}Request does not send the example's input: {}{}".format(
                example.action,
                "; ".join(differences),
                " (the SDK warned: {})".format(said) if said else "",
            )
        )
    return request


def example_case(client, example):
    """Sends one example through the SDK; returns (kind, detail, the SDK's warnings).

    kind is "success" (the typed response has a RequestId and carries every member of
    the published answer) or "expected error" (the published answer's code and message,
    with a RequestId); any other outcome raises CaseFailed.
    """
    request = typed_request(example)
    call = getattr(client, example.action)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            response = call(request)
        except TencentCloudSDKException as error:
            response, raised = None, error
    said = [str(warning.message) for warning in caught]
    expected = example.expected_error()
    if response is None:
        return "expected error", expect_published_error(example, raised), said
    if expected is not None:
        raise CaseFailed(
            "expected code {} (the published answer), the call succeeded: {}".format(
                expected.get("Code"), response.to_json_string()
            )
        )
    if not isinstance(response.RequestId, str) or not response.RequestId:
        raise CaseFailed(
            "success without a RequestId on {}Response: {}".format(
                example.action, response.to_json_string()
            )
        )
    typed = response._serialize()
    typed.pop("RequestId", None)
    differences = json_differences(example.answer, typed, null_is_absent=True)
    if differences:
        raise CaseFailed(
            "{}Response does not carry the published answer{}: {}".format(
                example.action,
                ""
                if example.answered_by == example.title
                else " (of `{}`, the earlier example with this input)".format(
                    example.answered_by
                ),
                "; ".join(differences),
            )
        )
    return "success", "RequestId {}".format(response.RequestId), said


def expect_published_error(example, raised):
    """Checks the SDK's exception against the published error answer; returns a detail."""
    expected = example.expected_error()
    if expected is None:
        raise CaseFailed(
            "expected success, the SDK raised code={} message={!r} RequestId={}".format(
                raised.get_code(), raised.get_message(), raised.get_request_id()
            )
        )
    if (raised.get_code(), raised.get_message()) != (
        expected.get("Code"),
        expected.get("Message"),
    ):
        raise CaseFailed(
            "expected code {} message {!r} (the published answer), the SDK reported "
            "code={} message={!r}".format(
                expected.get("Code"),
                expected.get("Message"),
                raised.get_code(),
                raised.get_message(),
            )
        )
    if not raised.get_request_id():
        raise CaseFailed("code {} without a RequestId".format(raised.get_code()))
    return "{} RequestId {}".format(raised.get_code(), raised.get_request_id())


def run_examples(client, spec_path, require_every_action, verbose):
    """Sends every example of the spec; prints failures and the counts.

    Returns (passed, failed).
    """
    actions, examples, without_example = load_examples(spec_path)
    lacking = {}
    for action in actions:
        missing = sdk_lacks(action)
        if missing:
            lacking[action] = missing
    counts = {"success": 0, "expected error": 0}
    failed = 0
    covered = set()
    warned = []
    started = time.monotonic()
    for example in examples:
        if example.action in lacking:
            continue
        covered.add(example.action)
        try:
            kind, detail, said = example_case(client, example)
        except CaseFailed as error:
            failed += 1
            print("FAIL example {}: {}".format(example.name(), error))
        else:
            counts[kind] += 1
            if said:
                warned.append((example, said))
            if verbose:
                print("ok   example {}: {}".format(example.name(), detail))
        sys.stdout.flush()
    elapsed = time.monotonic() - started
    sent = sum(counts.values()) + failed
    print(
        "examples: {} actions covered (of {} in the spec), {} sent: {}, {}, {} "
        "({:.1f} s, {:.1f} ms an example)".format(
            len(covered),
            len(actions),
            counted(sent, "example"),
            counted(counts["success"], "success", "successes"),
            counted(counts["expected error"], "expected error"),
            counted(failed, "failure"),
            elapsed,
            1000 * elapsed / sent if sent else 0,
        )
    )
    shared = [example for example in examples if example.answered_by != example.title]
    if shared:
        print(
            "examples: {} share their input with an earlier example of their action, so "
            "the endpoint answers (and the check expects) the earlier one's answer: "
            "{}".format(
                len(shared),
                "; ".join(
                    "{} (as `{}`)".format(example.name(), example.answered_by)
                    for example in shared
                ),
            )
        )
    if without_example:
        print(
            "examples: {} actions have no example in the spec: {}".format(
                len(without_example), ", ".join(without_example)
            )
        )
    print(
        "examples: the SDK (tencentcloud-sdk-python-vpc {}) lacks {} of the spec's {} "
        "actions{}".format(
            sdk_version(),
            len(lacking),
            len(actions),
            "" if lacking else " (it has them all)",
        )
    )
    for action, missing in lacking.items():
        print(
            "{} the SDK lacks {}: {} (its examples were not sent)".format(
                "FAIL" if require_every_action else "note", action, missing
            )
        )
    if warned:
        print(
            "examples: {} answers carry members the SDK's response models do not "
            "declare (it ignores them, with a warning; --verbose lists them)".format(
                len(warned)
            )
        )
        if verbose:
            for example, said in warned:
                print("note {}: {}".format(example.name(), "; ".join(said)))
    if not examples:
        failed += 1
        print("FAIL the spec {} has no example at all".format(spec_path))
    if require_every_action:
        failed += len(lacking)
    return sum(counts.values()), failed


def counted(number, singular, plural=None):
    """`1 example`, `2 examples`."""
    return "{} {}".format(number, singular if number == 1 else plural or singular + "s")


def run_reset_cases(client, wrong_key_client):
    """Runs the ResetVpnConnection cases in order; prints one line each.

    Returns (passed, failed).
    """
    passed = failed = 0
    for name, run in reset_cases(client, wrong_key_client):
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
    return passed, failed


def main(argv):
    args, url, examples_url = parse_args(argv)
    # requests honours HTTP_PROXY; the endpoint is local, so never send it to a proxy.
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        os.environ[name] = ",".join(filter(None, [current, "127.0.0.1", "localhost"]))

    print(
        "official Python SDK (tencentcloud-sdk-python-vpc {}) as {} in {}".format(
            sdk_version(), args.secret_id, args.region
        )
    )
    passed = failed = 0
    if args.only in (None, "reset"):
        print("ResetVpnConnection cases against {}".format(url.geturl()))
        client = make_client(url, args.secret_id, args.secret_key, args.region)
        wrong_key_client = make_client(
            url, args.secret_id, args.secret_key + "-wrong", args.region
        )
        ok, bad = run_reset_cases(client, wrong_key_client)
        passed, failed = passed + ok, failed + bad
    if examples_url is not None:
        print(
            "the examples of {} against {}".format(args.spec, examples_url.geturl())
        )
        client = make_client(examples_url, args.secret_id, args.secret_key, args.region)
        ok, bad = run_examples(
            client, args.spec, args.require_every_action, args.verbose
        )
        passed, failed = passed + ok, failed + bad
    print("python-sdk: {} passed, {} failed".format(passed, failed))
    if failed:
        print(
            "check.py: {} of {} cases failed (lines starting with FAIL above)".format(
                failed, passed + failed
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
