"""``switcher exec TARGET --server -- CMD``, the installed binary against moto over HTTP:
the real AWS CLI and boto3 in the child find the credential server with no configuration,
the server refuses requests without its token, and it ends with the child (Ctrl-C too)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.aws import SWITCHER, run_switcher

AWS_CLI = Path(sys.executable).with_name("aws")

CHILD = f"""
import json, os, subprocess, sys, urllib.error, urllib.request
import boto3

def status(headers):
    request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code

token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
cli = subprocess.run([{str(AWS_CLI)!r}, "sts", "get-caller-identity", "--output", "json"],
                     capture_output=True, text=True, timeout=120)
print(json.dumps({{
    "cli": json.loads(cli.stdout)["Arn"] if cli.returncode == 0 else cli.stderr,
    "boto3": boto3.client("sts").get_caller_identity()["Arn"],
    "statuses": [status({{}}), status({{"Authorization": token + "x"}}),
                 status({{"Authorization": token}})],
    "static": [n for n in os.environ if n in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                               "AWS_SESSION_TOKEN", "AWS_PROFILE")],
    "url": os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
}}))
sys.exit(3)
"""


@pytest.fixture
def env(switcher_env, aws_stack):
    done = run_switcher(switcher_env, "add", "dev", "--account", "123456789012", "--role",
                        "Admin", "--source", "base", "--region", "eu-west-1")
    assert done.returncode == 0, done.stderr
    aws_stack.clear_log()
    return switcher_env


def refused(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return True
    return False


def test_aws_cli_and_boto3_in_the_child_use_the_server(env, aws_stack):
    done = run_switcher({**env, "AWS_PROFILE": "base"}, "exec", "dev/Admin", "--server",
                        "--", sys.executable, "-c", CHILD, timeout=180)
    assert done.returncode == 3, done.stderr  # the child's exit code
    assert done.stderr == ""
    seen = json.loads(done.stdout)
    assert seen["cli"].startswith("arn:aws:sts::123456789012:assumed-role/Admin/"), seen["cli"]
    assert seen["boto3"] == seen["cli"]
    assert seen["statuses"] == [401, 403, 200]
    assert seen["static"] == []
    assert urlsplit(seen["url"]).hostname == "127.0.0.1"
    # one session for everything: the server asked STS once, the clients only it
    assert len(aws_stack.events("sts", "AssumeRole")) == 1
    assert refused(seen["url"])  # the server ended with the child


def test_ctrl_c_reaches_the_child_and_the_server_ends(env, tmp_path):
    url_file = tmp_path / "url"
    child = ("import os, pathlib, time\n"
             f"pathlib.Path({str(url_file)!r}).write_text("
             "os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'])\n"
             "time.sleep(120)\n")
    # a process group of its own, as a terminal's foreground job: Ctrl-C goes to all of it
    proc = subprocess.Popen([str(SWITCHER), "exec", "dev/Admin", "--server", "--",
                             sys.executable, "-c", child], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not url_file.exists() or not url_file.read_text():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        url = url_file.read_text()
        assert not refused(url)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 128 + signal.SIGINT, err  # killed by SIGINT, as a shell says
    assert "KeyboardInterrupt" in err  # the child got it; switcher itself said nothing
    assert refused(url)
