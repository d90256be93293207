#!/usr/bin/env python3
"""The Python side of `cargo xtask compare-python`: sequential ResetVpnConnection calls
through Tencent Cloud's official Python SDK against a running vpc-mock, timed after a
warm-up.

Usage:
    calls_python_sdk.py URL [--calls N] [--warmup N] [--server-pid PID]

The client is made as in vpc-mock/tests/python_sdk/check.py (the SDK's defaults, the
region breaker off, the endpoint given as host:port). The mock must run with
--no-rate-limit --reset-delay-ms 0 and accept the demo credential. The SDK comes from
the virtualenv `cargo xtask compare-python` prepares (the pins of
vpc-mock/tests/python_sdk/requirements.txt).

Prints one line, `result calls=N wall_s=S cpu_s=S server_cpu_s=S`: the timed calls'
wall time and the CPU time this process and the server process (if --server-pid is
given) used meanwhile, each the sum of /proc/PID/task/*/schedstat (Linux only), exactly
as vpc-client/examples/calls_driver.rs measures this crate's client.
"""

import argparse
import os
import sys
import time
import urllib.parse

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.vpc.v20170312 import models, vpc_client

DEMO_SECRET_ID = "AKIDLOCALMOCKEXAMPLE"
DEMO_SECRET_KEY = "local-mock-secret-key"


def cpu_seconds(pid):
    """CPU seconds the threads of process `pid` (or "self") have run so far."""
    tasks = "/proc/{}/task".format(pid)
    total_ns = 0
    for tid in os.listdir(tasks):
        try:
            with open(os.path.join(tasks, tid, "schedstat")) as stat:
                total_ns += int(stat.read().split()[0])
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return total_ns / 1e9


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--server-pid", type=int)
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    # requests honours HTTP_PROXY; the endpoint is local, so never send it to a proxy.
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        os.environ[name] = ",".join(filter(None, [current, "127.0.0.1", "localhost"]))

    url = urllib.parse.urlsplit(args.url)
    http_profile = HttpProfile(protocol=url.scheme, endpoint=url.netloc, reqTimeout=10)
    profile = ClientProfile(httpProfile=http_profile, disable_region_breaker=True)
    client = vpc_client.VpcClient(
        credential.Credential(DEMO_SECRET_ID, DEMO_SECRET_KEY), "ap-guangzhou", profile
    )
    request = models.ResetVpnConnectionRequest()
    request.VpnGatewayId = "vpngw-kjllnkew"
    request.VpnConnectionId = "vpnx-f29e6u0z"

    # Each call raises TencentCloudSDKException unless it succeeds; that ends the run.
    for _ in range(args.warmup):
        client.ResetVpnConnection(request)
    cpu0 = cpu_seconds("self")
    server0 = cpu_seconds(args.server_pid) if args.server_pid else None
    started = time.perf_counter()
    for _ in range(args.calls):
        client.ResetVpnConnection(request)
    wall = time.perf_counter() - started
    cpu1 = cpu_seconds("self")
    server = (
        "{:.6f}".format(cpu_seconds(args.server_pid) - server0)
        if args.server_pid
        else "none"
    )
    print(
        "result calls={} wall_s={:.6f} cpu_s={:.6f} server_cpu_s={}".format(
            args.calls, wall, cpu1 - cpu0, server
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
