"""Multi-session consoles: ``switcher login --stdout`` (the installed command) against the
sandbox's federation endpoint never wraps the sign-in in a logout where the browser holds
several identities, and says so on stderr; elsewhere the wrapper stays."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import tomli_w

from switcher.core.aws.signin import parse_login_url
from tests.fixtures.aws import BASE_PROFILE, http_get, run_switcher, switcher_ok

pytestmark = pytest.mark.keyring

NOTE = "logout-first skipped: AWS console multi-session is on"


@pytest.fixture
def env(switcher_env, aws_stack):
    switcher_ok(switcher_env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1")
    return switcher_env


def _edit_config(env, edit) -> None:
    path = Path(env["SWITCHER_CONFIG_DIR"]) / "config.toml"
    data = tomllib.loads(path.read_text())
    edit(data)
    path.write_text(tomli_w.dumps(data))


def _settings(**values):
    return lambda data: data.setdefault("settings", {}).update(values)


def _login(env, *args):
    result = run_switcher(env, "login", "dev/Admin", "--stdout", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), result.stderr


def _is_plain_login(url: str, aws_stack) -> bool:
    return url.startswith(aws_stack.federation_url + "?Action=login&")


def test_flag_asks_logout_first_but_multi_session_signs_in_plainly(env, aws_stack):
    _edit_config(env, _settings(multi_session=True))
    url, err = _login(env, "--logout-first")
    assert _is_plain_login(url, aws_stack) and "oauth?Action=logout" not in url
    assert parse_login_url(url)["SigninToken"]
    assert err.count("\n") == 1 and NOTE in err
    status, page = http_get(url)
    assert status == 200 and "<dd id='role'>Admin</dd>" in page


def test_account_setting_wins_over_the_global_logout_first(env, aws_stack):
    def edit(data):
        data["settings"] = {**data.get("settings", {}), "logout_first": True}
        data["accounts"][0]["multi_session"] = True

    _edit_config(env, edit)
    url, err = _login(env)
    assert _is_plain_login(url, aws_stack) and NOTE in err


def test_without_multi_session_the_logout_wrapper_stays(env, aws_stack):
    _edit_config(env, _settings(multi_session=False, logout_first=True))
    url, err = _login(env)
    base = aws_stack.federation_url.rsplit("/federation", 1)[0]
    assert url.startswith(f"{base}/oauth?Action=logout&redirect_uri=")
    assert err == ""


def test_multi_session_without_logout_first_says_nothing(env, aws_stack):
    _edit_config(env, _settings(multi_session=True))
    url, err = _login(env)
    assert _is_plain_login(url, aws_stack) and err == ""
