"""Identity Center targets like any other, through the installed ``switcher`` against the
sandbox Identity Center over HTTP (its GetRoleCredentials gives real moto sessions, which
the sandbox federation endpoint signs in like AWS) and a real SecretService keyring:
`sso add` → `sso login` → `discover` / an sso-session profile → `list --json` → `creds`,
`login --stdout`, `exec`, the real AWS CLI through `credential_process`, a chained `via`,
`link`, and `export aws-config` read back by botocore's own SSO provider."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from switcher.core.aws.signin import parse_login_url
from tests.e2e.test_cli_sso import REGION, START_URL, _keyring_token
from tests.fixtures.aws import run_switcher, switcher_ok
from tests.fixtures.identity_center import running_stand_in, url_following_browser

TARGET = "Account-00000/AdministratorAccess"
AWS = Path(sys.executable).with_name("aws")


@pytest.fixture(scope="module")
def identity_center(aws_stack):
    with running_stand_in(START_URL, REGION, accounts=2, aws_stack=aws_stack) as center:
        yield center


@pytest.fixture
def env(switcher_env, identity_center, tmp_path):
    script = url_following_browser(tmp_path)
    env = {**switcher_env, **identity_center.endpoint_env, "BROWSER": str(script)}
    switcher_ok(env, "sso", "add", "corp", "--start-url", START_URL, "--region", REGION)
    switcher_ok(env, "sso", "login", "corp")
    identity_center.reset_stats()
    return env


def _role_credentials_calls(center) -> int:
    return center.stats()["requests"].get("GetRoleCredentials", 0)


def _caller(aws_stack, creds: dict) -> str:
    return aws_stack.sts((creds["AccessKeyId"], creds["SecretAccessKey"],
                          creds["SessionToken"])).get_caller_identity()["Arn"]


def test_discovered_targets_switch_like_any_other(env, identity_center, aws_stack):
    switcher_ok(env, "discover", "corp")
    rows = {r["target"]: r for r in json.loads(switcher_ok(env, "list", "--json"))}
    row = rows[TARGET]
    assert (row["source"], row["discovered"], row["kind"], row["account"]) == (
        "corp", True, "sso", "100000000000")

    creds = json.loads(switcher_ok(env, "creds", TARGET, "--format", "json"))
    assert "AWSReservedSSO_AdministratorAccess_" in _caller(aws_stack, creds)
    assert _role_credentials_calls(identity_center) == 1
    # the second answer is the keyring's
    again = json.loads(switcher_ok(env, "creds", TARGET, "--format", "json"))
    assert again["AccessKeyId"] == creds["AccessKeyId"]
    assert _role_credentials_calls(identity_center) == 1

    out = switcher_ok(env, "exec", TARGET, "--", sys.executable, "-c",
                      "import os; print(os.environ['AWS_ACCESS_KEY_ID'])")
    assert out.strip() == creds["AccessKeyId"]

    # AWS refuses SessionDuration for these: the sign-in must not depend on the retry
    aws_stack.clear_log()
    url = switcher_ok(env, "login", TARGET, "--stdout", "--logout-first").strip()
    assert parse_login_url(url)["SigninToken"]
    posts = aws_stack.events("federation", "getSigninToken")
    assert [(e["kind"], e["session_duration"], e["status"]) for e in posts] == [
        ("sso", None, 200)]


def test_the_aws_cli_uses_one_through_credential_process(env, identity_center, aws_stack):
    switcher_ok(env, "discover", "corp")
    with open(env["AWS_CONFIG_FILE"], "a") as config:
        config.write(f"\n[profile via-switcher]\ncredential_process = switcher creds "
                     f"{TARGET} --format json\nregion = us-east-1\n")
    done = subprocess.run(
        [str(AWS), "sts", "get-caller-identity", "--profile", "via-switcher", "--output", "json",
         "--endpoint-url", aws_stack.sts_url],
        env={**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "AWSReservedSSO_AdministratorAccess_" in json.loads(done.stdout)["Arn"]


def test_an_sso_session_profile_is_a_target_right_away(env, identity_center, aws_stack):
    with open(env["AWS_CONFIG_FILE"], "a") as config:
        config.write(f"\n[sso-session corp-cli]\nsso_start_url = {START_URL}\n"
                     f"sso_region = {REGION}\n\n[profile dev-ro]\nsso_session = corp-cli\n"
                     "sso_account_id = 100000000001\nsso_role_name = ReadOnlyAccess\n")
    rows = {r["target"]: r for r in json.loads(switcher_ok(env, "list", "--json"))}
    assert (rows["dev-ro"]["kind"], rows["dev-ro"]["discovered"]) == ("sso-profile", False)
    creds = json.loads(switcher_ok(env, "creds", "dev-ro", "--format", "json"))
    assert "AWSReservedSSO_ReadOnlyAccess_" in _caller(aws_stack, creds)


def test_a_discovered_target_is_the_via_of_another(env, identity_center, aws_stack):
    switcher_ok(env, "discover", "corp")
    switcher_ok(env, "add", "hop", "--account", "100000000000", "--role", "Deploy",
                "--via", TARGET)
    creds = json.loads(switcher_ok(env, "creds", "hop", "--format", "json"))
    assert ":assumed-role/Deploy/" in _caller(aws_stack, creds)
    assert _role_credentials_calls(identity_center) == 1  # the hop's base credentials
    left = datetime.fromisoformat(creds["Expiration"]) - datetime.now(UTC)
    assert left.total_seconds() <= 3600  # chained: AWS caps it at an hour
    done = run_switcher(env, "creds", "hop", "--duration", "7200")
    assert done.returncode == 2 and "1 hour limit" in done.stderr


def test_link_says_why_and_gives_the_portal_shortcut(env, identity_center):
    switcher_ok(env, "discover", "corp")
    done = run_switcher(env, "link", TARGET)
    assert done.returncode == 0, done.stderr
    assert "IAM Identity Center" in done.stderr and "Switch Role" in done.stderr
    assert done.stdout == ("https://d-sandbox.awsapps.com/start/#/console?"
                           "account_id=100000000000&role_name=AdministratorAccess\n")


def test_an_expired_sign_in_says_how_to_sign_in(env, identity_center):
    switcher_ok(env, "discover", "corp")
    switcher_ok(env, "sso", "logout", "corp")
    done = run_switcher(env, "creds", TARGET)
    assert done.returncode == 1
    assert done.stderr.strip().endswith("sign in with: switcher sso login corp")


def test_export_round_trips_through_botocores_sso_provider(env, identity_center, tmp_path):
    switcher_ok(env, "discover", "corp")
    exported = tmp_path / "exported-config"
    exported.write_text(switcher_ok(env, "export", "aws-config"))
    # botocore resolves it with the AWS CLI's sign-in: put the keyring's token there
    token = _keyring_token(env)
    cache = Path(env["HOME"]) / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / (hashlib.sha1(b"corp").hexdigest() + ".json")).write_text(json.dumps({
        "startUrl": START_URL, "region": REGION, "accessToken": token["accessToken"],
        "expiresAt": datetime.fromtimestamp(token["expiresAt"], UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ")}))
    code = (
        "import sys, botocore.configloader, botocore.session\n"
        "parsed = botocore.configloader.load_config(sys.argv[1])\n"
        "assert parsed['sso_sessions']['corp']['sso_registration_scopes'] == 'sso:account:access'\n"
        "session = botocore.session.Session(profile=sys.argv[2])\n"
        "creds = session.get_credentials()\n"
        "print(session.get_component('credential_provider').get_provider('sso').METHOD,"
        " creds.method, creds.access_key[:4])\n")
    done = subprocess.run([sys.executable, "-c", code, str(exported), TARGET],
                          env={**env, "AWS_CONFIG_FILE": str(exported)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["sso", "sso", "ASIA"]
