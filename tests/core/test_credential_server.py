"""The credential server for ``exec --server``: botocore's own ContainerProvider reads it,
only with the token, only over GET on its path, only on 127.0.0.1; it renews a real STS
session (moto over HTTP) before the session's last five minutes, on a clock the test moves."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from botocore.credentials import ContainerProvider

from switcher.core import switch
from switcher.core.credential_server import PATH, CredentialServer
from switcher.core.credentials import Credentials
from switcher.core.model import Account, Config, Role
from switcher.core.secrets import keystore
from switcher.core.targets import resolve

CONFIG = Config(keyring_sources=("ci",), accounts=(
    Account("dev", "123456789012", source="ci", region="eu-west-1", roles=(Role("Admin"),)),
))


class Clock:
    """Wall-clock time that a test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def session(key: str, seconds: float) -> Credentials:
    return Credentials(key, "secret-" + key, "token-" + key,
                       datetime.now(UTC) + timedelta(seconds=seconds))


def get(server: CredentialServer, path: str = PATH, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def sts_source(aws_stack, memory_keyring, monkeypatch):
    """Keyring source ``ci`` with a moto IAM user's keys; STS through the recording proxy."""
    keystore.reset()
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in aws_stack.base_env.items():
        monkeypatch.setenv(name, value)
    keystore.store_keys("ci", *aws_stack.user_keys())
    aws_stack.clear_log()
    yield aws_stack
    keystore.reset()


def test_botocore_reads_the_session_with_the_token(sts_source):
    target = resolve(CONFIG, "dev/Admin")
    first = switch.get_credentials(CONFIG, target, duration=900)
    with CredentialServer(first, lambda: pytest.fail("renewed too early")) as server:
        creds = ContainerProvider(environ=server.environment()).load()
        frozen = creds.get_frozen_credentials()
        assert (frozen.access_key, frozen.secret_key, frozen.token) == (
            first.access_key_id, first.secret_access_key, first.session_token)
        assert abs((creds._expiry_time - first.expiration).total_seconds()) < 1
        arn = sts_source.sts(frozen).get_caller_identity()["Arn"]
        assert arn.startswith("arn:aws:sts::123456789012:assumed-role/Admin/")


def test_a_missing_or_wrong_token_is_refused():
    with CredentialServer(session("A", 3600), lambda: session("B", 3600)) as server:
        status, body = get(server)
        assert status == 401 and b"secret" not in body
        for wrong in (server.token[:-1], server.token + "x", "", "caf\u00e9"):
            status, body = get(server, headers={"Authorization": wrong})
            assert status == 403 and b"secret-A" not in body, wrong
        assert get(server, headers={"Authorization": server.token})[0] == 200


def test_only_get_on_its_one_path():
    with CredentialServer(session("A", 3600), lambda: session("B", 3600)) as server:
        auth = {"Authorization": server.token}
        for method in ("POST", "PUT", "DELETE", "PATCH", "HEAD"):
            assert get(server, method=method, headers=auth)[0] == 405, method
        for path in ("/", PATH + "/", PATH + "?x=1", "/credentials/../credentials"):
            status, body = get(server, path=path, headers=auth)
            assert status == 404 and b"secret-A" not in body, path


def test_listens_on_loopback_only():
    with CredentialServer(session("A", 3600), lambda: session("B", 3600)) as server:
        host, port = server.address
        assert host == "127.0.0.1" and port > 0
        assert server._http.socket.getsockname()[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{port}{PATH}"
        # another local address of this machine does not reach it
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent; this picks a local address
            own = probe.getsockname()[0]
        if own != "127.0.0.1":
            with pytest.raises(OSError):
                socket.create_connection((own, port), timeout=2).close()


def test_two_servers_have_different_ports_and_tokens():
    with (CredentialServer(session("A", 3600), lambda: session("B", 3600)) as one,
          CredentialServer(session("A", 3600), lambda: session("B", 3600)) as two):
        assert one.address[1] != two.address[1]
        assert one.token != two.token and len(one.token) >= 40


def test_renews_a_real_session_before_its_last_five_minutes(sts_source):
    target = resolve(CONFIG, "dev/Admin")

    clock = Clock()

    def renew():
        fresh = switch.get_credentials(CONFIG, target, duration=900, refresh=True)
        # moto dates the new session from the real time: the clock follows it again
        clock.offset = timedelta()
        return fresh

    first = renew()
    assert 890 < first.seconds_left() <= 900  # DurationSeconds 900 reached moto
    with CredentialServer(first, renew, clock=clock, poll=0.05) as server:
        clock.offset = timedelta(seconds=590)  # still more than 5 minutes left
        time.sleep(0.3)
        assert server.current() == first
        assert len(sts_source.events("sts", "AssumeRole")) == 1
        clock.offset = timedelta(seconds=601)  # less than 5 minutes left
        wait_for(lambda: server.current() != first)
        served = ContainerProvider(environ=server.environment()).load().get_frozen_credentials()
        fresh = server.current()
        assert served.access_key == fresh.access_key_id != first.access_key_id
        assert fresh.expiration > first.expiration
        assert len(sts_source.events("sts", "AssumeRole")) == 2
        time.sleep(0.3)  # the new session is not renewed again
        assert len(sts_source.events("sts", "AssumeRole")) == 2


def test_a_failed_renewal_is_reported_retried_and_then_refused_after_expiry():
    allowed, reports, attempts = threading.Event(), [], []

    def renew():
        attempts.append(1)
        if not allowed.is_set():
            raise RuntimeError("STS said no" if len(attempts) < 4 else "still no")
        return session("B", 3600)

    clock = Clock()
    with CredentialServer(session("A", 900), renew, clock=clock, poll=0.05, retry=0.05,
                          report=reports.append) as server:
        clock.offset = timedelta(seconds=901)  # expired before any renewal worked
        wait_for(lambda: len(attempts) >= 5)  # tried again
        status, body = get(server, headers={"Authorization": server.token})
        assert status == 503 and b"still no" in body and b"secret" not in body
        allowed.set()
        wait_for(lambda: server.current().access_key_id == "B")
        assert get(server, headers={"Authorization": server.token})[0] == 200
    assert reports == [  # once per reason
        "cannot renew the session: STS said no; trying again every 0.05 s",
        "cannot renew the session: still no; trying again every 0.05 s"]
    assert all("secret" not in line and server.token not in line for line in reports)


def test_stop_closes_the_port_and_ends_the_threads():
    server = CredentialServer(session("A", 3600), lambda: session("B", 3600)).start()
    port = server.address[1]
    assert get(server, headers={"Authorization": server.token})[0] == 200
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    names = {t.name for t in threading.enumerate()}
    assert not {"credential-server", "credential-renewer"} & names


def test_sessions_shorter_than_the_margin_are_not_renewed_in_a_tight_loop():
    fetched = []

    def renew():
        fetched.append(1)
        return session(f"S{len(fetched)}", 200)

    with CredentialServer(session("A", 200), renew, poll=0.2) as server:
        wait_for(lambda: fetched)
        time.sleep(0.5)
        assert server.current().access_key_id != "A"
    assert len(fetched) <= 4
