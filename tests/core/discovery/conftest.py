"""The sandbox Identity Center over real HTTP with a directory the test can change, a
source signed in to it (its token in the in-memory keyring), and the cache dir."""

from __future__ import annotations

import pytest

from switcher.core.model import Config, SsoSource
from switcher.core.sso import sources, tokens
from switcher.sandbox.identity_center import IdentityCenter, SsoAccount, make_accounts
from switcher.sandbox.sso_errors import ApiError

START_URL = "https://d-discovery.awsapps.com/start"
REGION = "eu-west-1"


class Directory(IdentityCenter):
    """The stand-in, plus what a test needs to change under it: the accounts, and
    accounts whose ListAccountRoles fails (``broken``: id -> (status, error code))."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.broken: dict[str, tuple[int, str]] = {}

    def set_accounts(self, accounts: list[SsoAccount]) -> None:
        self.accounts = list(accounts)
        self._by_id = {a.account_id: a for a in self.accounts}

    def list_account_roles(self, query):
        failure = self.broken.get(query.get("account_id", ""))
        if failure:
            raise ApiError(failure[0], failure[1], "refused by the test")
        return super().list_account_roles(query)


@pytest.fixture(scope="session")
def directory_server():
    center = Directory(make_accounts(3), start_url=START_URL, region=REGION)
    center.start()
    yield center
    center.stop()


def sign_in(center: IdentityCenter, source: sources.Source) -> None:
    """A device-code sign-in approved at once, as a user on the verification page would."""
    tokens.login(source, device_code=True, sleep=lambda s: None,
                 show_device_code=lambda url, code: center.oidc.answer_device(code, True))


@pytest.fixture
def directory(directory_server, tmp_path, monkeypatch, memory_keyring) -> Directory:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION",
                 "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in directory_server.endpoint_env.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "switcher"))
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    from switcher.core.secrets import keystore

    keystore.reset()
    directory_server.set_accounts(make_accounts(3))
    directory_server.broken = {}
    directory_server.throttle = None
    directory_server.reset_stats()
    yield directory_server
    directory_server.throttle = None
    keystore.reset()


@pytest.fixture
def config(directory) -> Config:
    config = Config(sso=(SsoSource("corp", START_URL, REGION),))
    (source,) = sources.all_sources(config, {})
    sign_in(directory, source)
    directory.reset_stats()
    return config
