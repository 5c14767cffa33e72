"""The installed ``switcher sso`` against the sandbox Identity Center over HTTP with a real
SecretService keyring: the browser sign-in (a $BROWSER stand-in following the authorize
URL), --no-browser, and sign-out; tokens end up in the keyring and in no file."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.aws import SWITCHER, run_switcher
from tests.fixtures.identity_center import running_stand_in, url_following_browser

START_URL = "https://d-sandbox.awsapps.com/start"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def identity_center():
    with running_stand_in(START_URL, REGION, accounts=2) as center:
        yield center


@pytest.fixture
def env(switcher_env, identity_center, tmp_path):
    script = url_following_browser(tmp_path)
    env = {**switcher_env, **identity_center.endpoint_env, "BROWSER": str(script)}
    done = run_switcher(env, "sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    assert done.returncode == 0, done.stderr
    return env


def _keyring_token(env) -> dict | None:
    code = ("import json, keyring\n"
            f"print(json.dumps(keyring.get_password('switcher:sso', 'token {START_URL}')))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=30, check=True).stdout
    raw = json.loads(out)
    return json.loads(raw) if raw else None


def _files_holding(root: Path, secrets_: list[str]) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()
            and any(s.encode() in p.read_bytes() for s in secrets_)]


def test_browser_sign_in_keeps_tokens_in_the_secret_service(env, identity_center):
    done = run_switcher(env, "sso", "login", "corp")
    assert done.returncode == 0, done.stderr
    token = _keyring_token(env)
    assert identity_center.oidc.check_access(token["accessToken"]) is not None
    secrets_ = [token["accessToken"], token["refreshToken"]]
    root = Path(env["HOME"]).parent  # HOME, XDG dirs, config dir, AWS files
    assert _files_holding(root, secrets_) == []
    assert not any(s in done.stdout + done.stderr for s in secrets_)
    (row,) = json.loads(run_switcher(env, "sso", "list", "--json").stdout)
    assert (row["state"], row["token_from"]) == ("signed-in", "keyring")

    done = run_switcher(env, "sso", "logout", "corp")
    assert done.returncode == 0 and done.stderr == "signed out of corp\n"
    assert identity_center.oidc.check_access(token["accessToken"]) is None
    assert _keyring_token(env) is None


def test_no_browser_prints_the_url_to_follow(env, identity_center):
    login = subprocess.Popen([str(SWITCHER), "sso", "login", "corp", "--no-browser"],
                             env={k: v for k, v in env.items() if k != "BROWSER"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = login.stdout.readline().strip()
        assert url.startswith(f"{identity_center.url}/authorize?response_type=code")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=10) as page:  # the user, in some browser
            assert "You can close this tab" in page.read().decode()
        assert login.wait(timeout=30) == 0, login.stderr.read()
    finally:
        if login.poll() is None:
            login.kill()
        login.stdout.close()
        login.stderr.close()
    assert identity_center.oidc.check_access(_keyring_token(env)["accessToken"]) is not None
