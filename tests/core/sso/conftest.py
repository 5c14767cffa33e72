"""The sandbox Identity Center over real HTTP, reached through botocore's own
AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, and an isolated HOME and AWS config."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from switcher.core.model import Config, SsoSource
from switcher.core.sso import sources
from switcher.sandbox.identity_center import IdentityCenter, make_accounts

START_URL = "https://d-sandbox.awsapps.com/start"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def identity_center():
    center = IdentityCenter(make_accounts(3), start_url=START_URL, region=REGION,
                            auto_approve=False)
    center.start()
    yield center
    center.stop()


@pytest.fixture
def center(identity_center, tmp_path, monkeypatch) -> IdentityCenter:
    """The stand-in with its default lifetimes and no auto-approval, and this process
    pointed at it with nothing of the developer's AWS setup in the way."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in identity_center.endpoint_env.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "switcher"))
    monkeypatch.setattr(identity_center, "auto_approve", False)
    lifetimes = identity_center.lifetimes
    for name in ("access_token", "refresh_token", "client", "device_code", "interval"):
        monkeypatch.setattr(lifetimes, name, getattr(lifetimes, name))
    return identity_center


@pytest.fixture
def source(center) -> sources.Source:
    (found,) = sources.all_sources(Config(sso=(SsoSource("corp", START_URL, REGION),)), {})
    return found


class HeadlessBrowser:
    """What a browser does with the authorize URL when the stand-in auto-approves: follow
    its redirect to the loopback callback. Runs in a thread, as a browser is another
    program; ``urls`` records what it was asked to open."""

    def __init__(self, before=None) -> None:
        self.urls: list[str] = []
        self.pages: list[str] = []
        self._before = before
        self._threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        thread = threading.Thread(target=self._follow, args=(url,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _follow(self, url: str) -> None:
        if self._before is not None:
            self._before(url)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=10) as response:
            self.pages.append(response.read().decode())

    def join(self) -> None:
        for thread in self._threads:
            thread.join(timeout=10)
