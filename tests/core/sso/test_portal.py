"""GetRoleCredentials through botocore's ``sso`` client against the sandbox Identity
Center (connected to moto, so the credentials are real sessions), and the switch of an
Identity Center target built on it: the keyring cache, the console sign-in without
SessionDuration, the portal's console shortcut, the sign-in fix."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from switcher.core import switch
from switcher.core.credentials import CHAINED
from switcher.core.errors import AwsError, Fix, InputError
from switcher.core.model import Config, SsoSource
from switcher.core.sso import portal, sources, tokens
from switcher.core.targets import SSO, Target
from switcher.sandbox.identity_center import IdentityCenter, make_accounts

START_URL = "https://d-portal.awsapps.com/start"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def stand_in(aws_stack):
    center = IdentityCenter(make_accounts(2), start_url=START_URL, region=REGION)
    center.connect(aws_stack.moto_url, aws_stack.ledger)
    center.start()
    yield center
    center.stop()


@pytest.fixture
def config(stand_in, aws_stack, memory_keyring, tmp_path, monkeypatch) -> Config:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**aws_stack.base_env, **stand_in.endpoint_env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(tmp_path / "switcher"))
    from switcher.core.secrets import keystore

    keystore.reset()  # its memo of the keyring's answers must not outlive the keyring
    config = Config(sso=(SsoSource("corp", START_URL, REGION),))
    (source,) = sources.all_sources(config, {})
    tokens.login(source, device_code=True, sleep=lambda s: None,
                 show_device_code=lambda url, code: stand_in.oidc.answer_device(code, True))
    stand_in.reset_stats()
    return config


def _target(role: str = "AdministratorAccess", account: str = "100000000000") -> Target:
    return Target(name=f"Account-00000/{role}", kind=SSO, account_id=account, role_name=role,
                  region=REGION, source="corp", discovered=True, sso_start_url=START_URL,
                  sso_region=REGION)


def _calls(center) -> int:
    return center.stats()["requests"].get("GetRoleCredentials", 0)


def test_role_credentials_are_a_real_session_of_the_permission_set(config, stand_in, aws_stack):
    creds = portal.role_credentials(config, _target())
    assert creds.kind == CHAINED  # what the console sign-in and a chained hop must know
    arn = aws_stack.sts((creds.access_key_id, creds.secret_access_key,
                         creds.session_token)).get_caller_identity()["Arn"]
    assert ":assumed-role/AWSReservedSSO_AdministratorAccess_" in arn
    assert creds.seconds_left() > 600


def test_a_switch_caches_them_and_the_next_one_calls_nothing(config, stand_in):
    first = switch.get_credentials(config, _target())
    assert _calls(stand_in) == 1
    assert switch.get_credentials(config, _target()).access_key_id == first.access_key_id
    assert _calls(stand_in) == 1


def test_the_console_sign_in_never_sends_session_duration(config, stand_in, aws_stack):
    aws_stack.clear_log()
    url = switch.console_url(replace(config, settings=replace(
        config.settings, default_duration=7200)), _target())
    assert "SigninToken=" in url
    posts = aws_stack.events("federation", "getSigninToken")
    assert [(p["kind"], p["session_duration"], p["status"]) for p in posts] == [
        ("sso", None, 200)]


def test_portal_console_opens_the_access_portal_shortcut(config, stand_in):
    portal_config = replace(config, sso=(replace(config.sso[0], console="portal"),))
    url = switch.console_url(portal_config, _target(), service="s3")
    assert url.startswith("https://d-portal.awsapps.com/start/#/console?account_id=100000000000"
                          "&role_name=AdministratorAccess&destination=https%3A%2F%2F")
    assert "s3" in url
    assert _calls(stand_in) == 0  # the portal signs the browser in itself


def test_a_duration_is_refused_for_an_identity_center_role(config, stand_in):
    with pytest.raises(InputError, match="permission set"):
        switch.get_credentials(config, _target(), duration=3600)
    assert _calls(stand_in) == 0


def test_signed_out_says_how_to_sign_in(config, stand_in):
    (source,) = sources.all_sources(config, {})
    tokens.logout(source)
    with pytest.raises(AwsError) as caught:
        switch.get_credentials(config, _target())
    assert (caught.value.fix, caught.value.fix_for) == (Fix.SSO_LOGIN, "corp")
    assert str(caught.value).endswith("sign in with: switcher sso login corp")


def test_a_revoked_token_says_how_to_sign_in(config, stand_in):
    (source,) = sources.all_sources(config, {})
    stand_in.oidc.revoke(tokens.load(source).access_token)  # still valid in the keyring
    with pytest.raises(AwsError) as caught:
        portal.role_credentials(config, _target())
    assert caught.value.fix == Fix.SSO_LOGIN


def test_an_unassigned_role_is_one_line_without_the_token(config, stand_in):
    (source,) = sources.all_sources(config, {})
    with pytest.raises(AwsError, match="no access to Billing in account 100000000000") as caught:
        portal.role_credentials(config, _target("Billing"))
    assert caught.value.fix is None
    assert tokens.load(source).access_token not in str(caught.value)


def test_a_cached_switch_imports_no_botocore(config, stand_in, tmp_path):
    """The warm path of `switcher creds` for an Identity Center target: keyring only."""
    code = (
        "import json, sys\n"
        "from datetime import UTC, datetime, timedelta\n"
        "from switcher.core import switch\n"
        "from switcher.core.credentials import CHAINED, Credentials\n"
        "from switcher.core.model import Config, SsoSource\n"
        "from switcher.core.secrets import cache\n"
        "from switcher.core.targets import SSO, Target\n"
        f"t = Target(name='a/R', kind=SSO, account_id='100000000000', role_name='R',"
        f" region='{REGION}', source='corp', discovered=True, sso_start_url='{START_URL}',"
        f" sso_region='{REGION}')\n"
        "cache.store(t, Credentials('ASIAWARMWARMWARMWARM', 's', 't',"
        " datetime.now(UTC) + timedelta(hours=1), CHAINED))\n"
        f"c = Config(sso=(SsoSource('corp', '{START_URL}', '{REGION}'),))\n"
        "got = switch.get_credentials(c, t)\n"
        "print(json.dumps([got.access_key_id, 'botocore' in sys.modules]))\n")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={"PYTHON_KEYRING_BACKEND": "switcher.sandbox.memkeyring.MemoryKeyring",
             "HOME": str(tmp_path), "SWITCHER_CONFIG_DIR": str(tmp_path / "cfg"),
             "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["ASIAWARMWARMWARMWARM", False]
