"""Tokens in the OS keyring only, renewed with the refresh token, the AWS CLI's cache read
(never written), Logout — against the sandbox Identity Center over HTTP."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from switcher.core.errors import AwsError, Fix
from switcher.core.secrets import keystore
from switcher.core.sso import oidc, tokens
from switcher.gui.error_text import for_gui
from tests.core.sso.conftest import REGION, START_URL, HeadlessBrowser


def _portal(center):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client("sso", region_name=REGION, endpoint_url=center.url,
                                          config=Config(signature_version="UNSIGNED"))


def _works(center, access_token: str) -> bool:
    sso = _portal(center)
    try:
        sso.list_accounts(accessToken=access_token)
    except sso.exceptions.UnauthorizedException:
        return False
    return True


def _login(center, source, **options):
    center.auto_approve = True
    browser = HeadlessBrowser()
    tokens.login(source, open_url=browser, **options)
    browser.join()
    center.auto_approve = False
    return browser


def _sso_entries(kr) -> dict[str, dict]:
    return {name: json.loads(value) for (service, name), value in kr.store.items()
            if service == keystore.SSO_SERVICE}


def _no_browser(url):
    raise AssertionError(f"a browser was opened for {url}")


def test_login_keeps_tokens_in_the_keyring_only(kr, center, source, tmp_path):
    browser = _login(center, source)
    assert "You can close this tab" in browser.pages[0]
    entries = _sso_entries(kr)
    token = entries[f"token {source.key}"]
    registration = entries[f"client code {REGION} {source.key}"]
    assert set(entries) == {f"token {source.key}", f"client code {REGION} {source.key}"}
    assert token["refreshToken"] and token["expiresAt"] > time.time() + 3000
    assert _works(center, token["accessToken"])
    assert tokens.access_token(source) == token["accessToken"]
    assert tokens.state(source).status == tokens.SIGNED_IN
    secrets_ = (token["accessToken"], token["refreshToken"], registration["clientSecret"])
    for path in tmp_path.rglob("*"):  # HOME, the AWS files, the config dir
        if path.is_file():
            data = path.read_bytes()
            assert not any(s.encode() in data for s in secrets_), path

    # a second sign-in reuses the registration
    center.reset_stats()
    _login(center, source)
    assert "RegisterClient" not in center.stats()["requests"]


def test_an_expired_access_token_is_renewed_without_a_browser(kr, center, source):
    center.lifetimes.access_token = 2
    _login(center, source)
    first = tokens.load(source)
    time.sleep(2.1)
    assert not _works(center, first.access_token)
    assert tokens.state(source) == tokens.State(tokens.EXPIRED, first.expires_at,
                                                tokens.KEYRING, renewable=True)
    center.reset_stats()
    renewed = tokens.access_token(source, open_url=_no_browser)
    assert center.stats()["requests"] == {"CreateToken": 1}
    assert renewed != first.access_token and _works(center, renewed)
    stored = tokens.load(source)
    assert stored.access_token == renewed and stored.refresh_token != first.refresh_token


def test_a_refresh_that_fails_asks_for_a_sign_in(kr, center, source):
    center.lifetimes.access_token = 1
    _login(center, source)
    center.oidc.revoke(tokens.load(source).access_token)  # its refresh token goes with it
    time.sleep(1.1)
    with pytest.raises(AwsError) as info:
        tokens.access_token(source, open_url=_no_browser)
    err = info.value
    assert (err.fix, err.fix_for) == (Fix.SSO_LOGIN, "corp")
    assert str(err) == ("the IAM Identity Center sign-in of corp has expired and could not be "
                        "renewed; sign in with: switcher sso login corp")
    assert for_gui(err).endswith("sign in from the tray menu (Identity Center › corp › Sign in)")
    assert tokens.state(source).status == tokens.EXPIRED


def test_never_signed_in_asks_for_a_sign_in(kr, center, source):
    with pytest.raises(AwsError, match="^not signed in to IAM Identity Center corp; sign in "
                       "with: switcher sso login corp$"):
        tokens.access_token(source)
    assert tokens.state(source).describe() == "never"


def test_interactive_signs_in_when_nothing_else_works(kr, center, source):
    center.auto_approve = True
    browser = HeadlessBrowser()
    token = tokens.access_token(source, interactive=True, open_url=browser)
    browser.join()
    assert _works(center, token) and tokens.load(source).access_token == token


def _cli_cache(center, name: str, *, expires_in: timedelta) -> tuple[dict, object]:
    """An entry as ``aws sso login`` writes it for sso-session ``name``."""
    from pathlib import Path

    client = oidc.client("sso-oidc", _source_stub())
    registration = oidc.register(client, _source_stub(), oidc.DEVICE)
    start = client.start_device_authorization(clientId=registration.client_id,
                                              clientSecret=registration.client_secret,
                                              startUrl=START_URL)
    center.oidc.answer_device(start["userCode"], True)
    reply = client.create_token(clientId=registration.client_id,
                                clientSecret=registration.client_secret,
                                grantType=oidc.DEVICE_GRANT, deviceCode=start["deviceCode"])
    entry = {"startUrl": START_URL, "region": REGION, "accessToken": reply["accessToken"],
             "expiresAt": (datetime.now(UTC) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "clientId": registration.client_id, "clientSecret": registration.client_secret,
             "refreshToken": reply["refreshToken"]}
    cache = Path.home() / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / (hashlib.sha1(name.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(entry))
    return entry, path


def _source_stub():
    from switcher.core.sso.sources import Source

    return Source("stub", START_URL, REGION, ("stub",), ())


def test_the_aws_cli_cache_is_read_when_switcher_has_no_token(kr, center, tmp_path):
    from pathlib import Path

    from switcher.core.model import Config
    from switcher.core.sso import sources

    Path.home().joinpath("aws-config").write_text(
        f"[sso-session work]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n")
    (source,) = sources.all_sources(Config())
    entry, path = _cli_cache(center, "work", expires_in=timedelta(hours=1))
    before = path.read_bytes()
    assert tokens.access_token(source, open_url=_no_browser) == entry["accessToken"]
    state = tokens.state(source)
    assert (state.status, state.origin) == (tokens.SIGNED_IN, tokens.AWS_CLI)
    assert state.describe().endswith("(AWS CLI)")
    assert path.read_bytes() == before and _sso_entries(kr) == {}

    # an expired one is not used, and never refreshed: its refresh token is the AWS CLI's
    entry, path = _cli_cache(center, "work", expires_in=timedelta(seconds=-5))
    with pytest.raises(AwsError, match="not signed in"):
        tokens.access_token(source, open_url=_no_browser)
    assert json.loads(path.read_text()) == entry


def test_logout_revokes_and_forgets_but_keeps_the_registration(kr, center, source):
    _login(center, source)
    access = tokens.load(source).access_token
    assert tokens.logout(source) is True
    assert not _works(center, access)
    assert list(_sso_entries(kr)) == [f"client code {REGION} {source.key}"]
    assert tokens.logout(source) is False
    with pytest.raises(AwsError, match="not signed in"):
        tokens.access_token(source)


def test_device_code_sign_in(kr, center, source):
    shown = []

    def approve(url, code):
        shown.append((url, code))
        assert center.oidc.answer_device(code, True)

    tokens.login(source, device_code=True, show_device_code=approve)
    ((url, code),) = shown
    assert url == f"{center.url}/device?user_code={code}"
    stored = tokens.load(source)
    assert stored.flow == oidc.DEVICE and _works(center, stored.access_token)
    assert f"client device {REGION} {source.key}" in _sso_entries(kr)
