"""The overall network deadline, against real sockets that misbehave: a server that
trickles a byte a second, one that never answers, one that sends 10 MB, one that answers
HTTP 500 in plain text. STS is reached through core.switch (what `switcher creds` and the
tray call), the federation endpoint through SWITCHER_FEDERATION_URL, and a botocore
``sso`` client through the same mechanism, for the IAM Identity Center code."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from switcher.core import switch
from switcher.core.aws import deadline, signin, sts
from switcher.core.credentials import ASSUMED, Credentials
from switcher.core.errors import AwsError
from switcher.core.model import Account, Config, Role, Settings
from switcher.core.targets import resolve
from tests.fixtures.net import FaultServer

LIMIT = 2  # seconds: the trickle would take 100000 s, a silent server forever
SLACK = 3  # what the guard, a retry's back-off and a slow CI machine may add

CONFIG = Config(
    accounts=(Account("dev", "123456789012", region="us-east-1", source="base",
                      roles=(Role("Admin"),)),),
    settings=Settings(network_deadline_seconds=LIMIT),
)


@pytest.fixture
def aws_env(tmp_path, monkeypatch, kr):
    """Static keys in profile ``base`` (resolving them needs no network) and nothing of
    the developer's AWS setup."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                 "SWITCHER_FEDERATION_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config").write_text("[profile base]\nregion = us-east-1\n")
    (tmp_path / "credentials").write_text(
        "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = secret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


@pytest.fixture
def fault(request):
    server = FaultServer(request.param)
    yield server
    server.close()


def timed(fn):
    start = time.monotonic()
    with pytest.raises(AwsError) as info:
        fn()
    return time.monotonic() - start, str(info.value)


SESSION = Credentials("ASIAEXAMPLEEXAMPLE00", "secret", "token",
                      datetime.now(UTC) + timedelta(hours=1), ASSUMED)


# -- STS through core.switch ---------------------------------------------------------


@pytest.mark.parametrize("fault", ["trickle", "silent"], indirect=True)
def test_sts_that_does_not_answer_fails_within_the_deadline(aws_env, fault):
    aws_env.setenv("AWS_ENDPOINT_URL_STS", fault.url)
    took, message = timed(lambda: switch.get_credentials(CONFIG, resolve(CONFIG, "dev")))
    assert message == f"no answer from {fault.url} within {LIMIT} s"
    assert LIMIT - 0.2 <= took < LIMIT + SLACK, took


@pytest.mark.parametrize("fault", ["huge"], indirect=True)
def test_sts_body_of_10_mb_is_refused_in_one_short_line(aws_env, fault):
    aws_env.setenv("AWS_ENDPOINT_URL_STS", fault.url)
    config = replace(CONFIG, settings=Settings(network_deadline_seconds=30))
    took, message = timed(lambda: switch.get_credentials(config, resolve(config, "dev")))
    assert message.startswith(f"{fault.url} sent 10240 KB, more than an AWS answer")
    assert len(message) < 200 and "\n" not in message


@pytest.mark.parametrize("fault", ["text500"], indirect=True)
def test_sts_http_500_in_plain_text_is_named_as_such(aws_env, fault):
    aws_env.setenv("AWS_ENDPOINT_URL_STS", fault.url)
    _, message = timed(lambda: switch.get_credentials(CONFIG, resolve(CONFIG, "dev")))
    assert message == (f"HTTP 500 from {fault.url}: Internal Server Error upstream connect "
                       "error or disconnect/reset before headers")


def test_one_deadline_covers_the_whole_switch(aws_env):
    """A chain of calls shares the deadline: the second one gets what the first left."""
    with deadline.ensure(5) as outer:
        with deadline.ensure(30) as inner:
            assert inner is outer
        time.sleep(0.2)
        assert outer.left() < 4.9
    assert deadline.current() is None


def test_time_spent_on_an_mfa_prompt_does_not_count(aws_env):
    with deadline.ensure(1) as limit:
        with deadline.paused():
            time.sleep(1.2)
        assert not limit.expired and limit.left() > 0.7


# -- the federation endpoint ---------------------------------------------------------


def _sign_in():
    return signin.login_url(SESSION, region="us-east-1")


@pytest.mark.parametrize("fault", ["trickle", "silent"], indirect=True)
def test_federation_that_does_not_answer_fails_within_the_deadline(monkeypatch, fault):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", f"{fault.url}/federation")

    def sign_in_under_a_short_deadline():
        with deadline.ensure(LIMIT):
            _sign_in()

    took, message = timed(sign_in_under_a_short_deadline)
    assert message == f"no answer from {fault.url}/federation within {LIMIT} s"
    assert LIMIT - 0.2 <= took < LIMIT + SLACK, took


@pytest.mark.parametrize("fault", ["huge"], indirect=True)
def test_federation_body_is_capped(monkeypatch, fault):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", f"{fault.url}/federation")
    _, message = timed(_sign_in)
    assert message == (f"the console sign-in endpoint {fault.url}/federation sent more than "
                       "64 KB; is the endpoint right?")


@pytest.mark.parametrize("fault", ["text500"], indirect=True)
def test_federation_http_500_is_named_as_such(monkeypatch, fault):
    monkeypatch.setenv("SWITCHER_FEDERATION_URL", f"{fault.url}/federation")
    _, message = timed(_sign_in)
    assert message == f"console sign-in failed: HTTP 500 from {fault.url}/federation"


@pytest.mark.parametrize("fault", ["silent"], indirect=True)
def test_console_url_through_switch_uses_the_setting(aws_env, fault, kr):
    """The whole `switcher login` path: a cached session, then a silent federation."""
    from switcher.core.secrets import cache

    aws_env.setenv("SWITCHER_FEDERATION_URL", f"{fault.url}/federation")
    target = resolve(CONFIG, "dev")
    cache.store(target, SESSION)
    took, message = timed(lambda: switch.console_url(CONFIG, target))
    assert message == f"no answer from {fault.url}/federation within {LIMIT} s"
    assert took < LIMIT + SLACK


# -- a botocore client of the IAM Identity Center kind ---------------------------------


@pytest.mark.parametrize("fault", ["silent", "trickle"], indirect=True)
def test_an_sso_client_obeys_the_deadline(aws_env, fault):
    from botocore import UNSIGNED
    from botocore.config import Config as BotoConfig

    def get_role_credentials():
        with deadline.ensure(LIMIT) as limit:
            client = sts.new_session().create_client(
                "sso", region_name="eu-west-1", endpoint_url=fault.url,
                config=limit.client_config(BotoConfig(signature_version=UNSIGNED)))
            try:
                client.get_role_credentials(roleName="Admin", accountId="123456789012",
                                            accessToken="token")
            except Exception as exc:
                raise limit.error_for(exc) or AwsError("another failure") from None

    took, message = timed(get_role_credentials)
    assert message == f"no answer from {fault.url}/federation/credentials within {LIMIT} s"
    assert took < LIMIT + SLACK


def test_a_finished_deadline_leaves_no_timer_and_no_socket_behind():
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    before = threading.active_count()
    with deadline.ensure(0.5):
        client = socket.create_connection(listener.getsockname())
        assert threading.active_count() == before + 1  # the guard's timer
    time.sleep(0.8)
    try:
        client.sendall(b"still open")  # not shut down: the block ended in time
        assert threading.active_count() == before
    finally:
        client.close()
        listener.close()
