"""OIDC through botocore's sso-oidc client against the sandbox stand-in: registration, the
authorization code flow with PKCE, the device code flow, refresh."""

from __future__ import annotations

import base64
import hashlib
import urllib.request
from urllib.parse import parse_qsl, urlsplit

import pytest

from switcher.core.errors import AwsError, InputError
from switcher.core.sso import oidc
from tests.core.sso.conftest import HeadlessBrowser


def test_registration_is_a_public_client_for_the_portal(center, source):
    client = oidc.client("sso-oidc", source)
    assert client.meta.endpoint_url == center.url
    code = oidc.register(client, source, oidc.CODE)
    device = oidc.register(client, source, oidc.DEVICE)
    registered = {c.client_id: c for c in center.oidc._clients.values()}
    assert registered[code.client_id].grant_types == ("authorization_code", "refresh_token")
    assert registered[code.client_id].redirect_uris == ("http://127.0.0.1/oauth/callback",)
    assert registered[code.client_id].scopes == ("sso:account:access",)
    assert registered[device.client_id].grant_types == (oidc.DEVICE_GRANT, "refresh_token")
    assert code.expires_at > 0 and code.client_secret not in repr(code)


def test_authorize_url_and_pkce(center, source):
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.CODE)
    verifier, challenge = oidc.pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert challenge == expected.rstrip(b"=").decode()
    url = oidc.authorize_url(client, registration, "http://127.0.0.1:5555/oauth/callback",
                             "st", challenge)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{center.url}/authorize"
    assert parse_qsl(parts.query) == [
        ("response_type", "code"), ("client_id", registration.client_id),
        ("redirect_uri", "http://127.0.0.1:5555/oauth/callback"), ("state", "st"),
        ("code_challenge_method", "S256"), ("scopes", "sso:account:access"),
        ("code_challenge", challenge)]


def _stray_callback(url: str) -> None:
    """A page that knows the callback's address but not its state tries first."""
    query = dict(parse_qsl(urlsplit(url).query))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(query["redirect_uri"] + "?code=forged&state=guess", timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 400


def test_browser_flow_ignores_a_wrong_state(center, source):
    center.auto_approve = True
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.CODE)
    browser = HeadlessBrowser(before=_stray_callback)
    tokens = oidc.sign_in_with_browser(client, registration, open_url=browser, timeout=20)
    browser.join()
    assert tokens.flow == oidc.CODE and tokens.refresh_token
    assert center.oidc.check_access(tokens.access_token) is not None
    port = int(dict(parse_qsl(urlsplit(browser.urls[0]).query))["redirect_uri"]
               .split(":")[2].split("/")[0])
    import socket

    with socket.socket() as probe:  # the listener is gone
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_browser_flow_times_out_when_nobody_approves(center, source):
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.CODE)
    with pytest.raises(AwsError, match="no answer from the browser within 0.5 s"):
        oidc.sign_in_with_browser(client, registration, open_url=lambda url: None, timeout=0.5)


class Clock:
    """time.sleep and time.monotonic on a clock of our own: the stand-in's 1 s interval
    and slow_down's 5 s more pass in a moment. Real time passes too, by ``real`` seconds
    per sleep, so the stand-in sees the polls as spaced or not."""

    def __init__(self, real: list[float]) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._real = real

    def sleep(self, seconds: float) -> None:
        import time

        self.sleeps.append(seconds)
        self.now += seconds
        time.sleep(self._real.pop(0) if self._real else 1.05)

    def monotonic(self) -> float:
        return self.now


def test_device_flow_honours_pending_and_slow_down(center, source):
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.DEVICE)
    shown = []
    # first poll on time (pending), the second too soon (slow_down), then approved
    clock = Clock(real=[1.05, 0.0])

    def show(url, code):
        shown.append((url, code))

    def sleep(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 3:
            assert center.oidc.answer_device(shown[0][1], True)

    tokens = oidc.sign_in_with_device_code(client, registration, source, show=show,
                                           sleep=sleep, clock=clock.monotonic)
    assert clock.sleeps == [1, 1, 1 + oidc.SLOW_DOWN_STEP]
    assert center.stats()["errors"].get("CreateToken", 0) >= 2
    assert tokens.flow == oidc.DEVICE and center.oidc.check_access(tokens.access_token)
    (url, code), = shown
    assert url.endswith(f"/device?user_code={code}")


def test_device_flow_stops_at_expiry_and_on_denial(center, source):
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.DEVICE)
    center.lifetimes.device_code = 3
    clock = Clock(real=[0.0] * 5)  # polls too fast: each slow_down stretches the wait
    with pytest.raises(AwsError, match="^the device code expired before the sign-in was "
                       "approved; sign in again$"):
        oidc.sign_in_with_device_code(client, registration, source, show=lambda u, c: None,
                                      sleep=clock.sleep, clock=clock.monotonic)
    assert clock.sleeps == [1, 1, 1 + oidc.SLOW_DOWN_STEP]

    center.lifetimes.device_code = 600
    with pytest.raises(AwsError, match="denied on the verification page"):
        oidc.sign_in_with_device_code(
            client, registration, source, sleep=Clock(real=[0.0]).sleep,
            show=lambda url, code: center.oidc.answer_device(code, False))


def test_refresh_rotates_and_a_used_one_is_refused(center, source):
    center.auto_approve = True
    client = oidc.client("sso-oidc", source)
    registration = oidc.register(client, source, oidc.CODE)
    browser = HeadlessBrowser()
    first = oidc.sign_in_with_browser(client, registration, open_url=browser, timeout=20)
    second = oidc.refresh(client, registration, first.refresh_token)
    assert second.refresh_token != first.refresh_token
    with pytest.raises(oidc.Refused, match="InvalidGrantException") as info:
        oidc.refresh(client, registration, first.refresh_token)
    assert first.refresh_token not in str(info.value)


def test_plain_http_endpoints_only_on_loopback(center, source, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", "http://oidc.example.com")
    with pytest.raises(InputError, match="the sso-oidc endpoint http://oidc.example.com must be "
                       "https"):
        oidc.client("sso-oidc", source)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SSO_OIDC")
    monkeypatch.delenv("AWS_ENDPOINT_URL_SSO")
    assert oidc.client("sso-oidc", source).meta.endpoint_url == "https://oidc.us-east-1.amazonaws.com"
    assert oidc.client("sso", source).meta.endpoint_url == "https://portal.sso.us-east-1.amazonaws.com"


def test_an_unreachable_endpoint_is_one_line(center, source, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", f"http://127.0.0.1:{port}")
    client = oidc.client("sso-oidc", source)
    with pytest.raises(AwsError, match=r"^cannot reach IAM Identity Center at "
                       rf"http://127.0.0.1:{port}/client/register \(the client registration\)"):
        oidc.register(client, source, oidc.CODE)


def test_a_client_made_within_a_switch_waits_no_longer_than_its_deadline(center, source):
    from switcher.core.aws import deadline

    alone = oidc.client("sso-oidc", source)
    assert (alone.meta.config.connect_timeout, alone.meta.config.read_timeout) == (5, 20)
    with deadline.ensure(2.0):
        capped = oidc.client("sso-oidc", source)
    assert capped.meta.config.connect_timeout <= 2.0 and capped.meta.config.read_timeout <= 2.0
