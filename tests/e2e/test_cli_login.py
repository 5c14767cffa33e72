"""``switcher login --stdout`` — the installed command against moto (through the recording
STS proxy) and the local federation endpoint, with a real SecretService keyring."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from switcher.core.aws.signin import parse_login_url
from tests.fixtures.aws import BASE_PROFILE, http_get, run_switcher, switcher_ok
from tests.fixtures.net import closed_port

pytestmark = pytest.mark.keyring


@pytest.fixture
def env(switcher_env, aws_stack):
    switcher_ok(switcher_env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1", "--color", "green")
    switcher_ok(switcher_env, "add", "audit", "--account", "333333333333", "--role", "Auditor",
                "--via", "dev/Admin", "--region", "us-west-2")
    aws_stack.clear_log()
    return switcher_env


def _login(env, *args) -> str:
    url = switcher_ok(env, "login", *args, "--stdout").strip()
    assert "\n" not in url and url.startswith("http://127.0.0.1:")
    return url


def test_direct_target_signs_in_with_session_duration(env, aws_stack):
    url = _login(env, "dev/Admin", "--duration", "7200")
    query = parse_login_url(url)
    assert query["Destination"] == (
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1")
    status, page = http_get(url)
    assert status == 200
    assert "<dd id='account'>111111111111</dd>" in page and "<dd id='role'>Admin</dd>" in page
    assert "<dd id='duration'>7200 s</dd>" in page

    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["role_arn"] == "arn:aws:iam::111111111111:role/Admin"
    assert assume["chained"] is False
    [token] = aws_stack.events("federation", "getSigninToken")
    assert (token["status"], token["session_duration"], token["method"]) == (200, 7200, "POST")
    assert token["kind"] == "assumed"
    assert http_get(url)[0] == 400  # the printed URL works once


def test_chained_target_never_sends_session_duration(env, aws_stack):
    url = _login(env, "audit/Auditor", "--duration", "3600")
    status, page = http_get(url)
    assert status == 200 and "<dd id='account'>333333333333</dd>" in page
    assert "<dd id='region'>us-west-2</dd>" in page

    assumes = aws_stack.events("sts", "AssumeRole")
    assert [(e["role_arn"].rsplit(":", 1)[1], e["chained"]) for e in assumes] == [
        ("role/Admin", False), ("role/Auditor", True)]
    assert "<dd id='duration'>as the credentials allow</dd>" in page
    # exactly one getSigninToken and no SessionDuration: not even a first try and a retry
    [token] = aws_stack.events("federation", "getSigninToken")
    assert token["session_duration"] is None and token["status"] == 200
    assert token["kind"] == "chained"


def test_second_login_uses_the_cached_session(env, aws_stack):
    first, second = _login(env, "dev/Admin"), _login(env, "dev/Admin")
    assert len(aws_stack.events("sts", "AssumeRole")) == 1
    assert parse_login_url(first)["SigninToken"] != parse_login_url(second)["SigninToken"]
    assert http_get(first)[0] == http_get(second)[0] == 200


def test_region_service_and_destination(env, aws_stack):
    url = _login(env, "dev/Admin", "--region", "ap-southeast-2", "--service", "ec2")
    assert parse_login_url(url)["Destination"] == (
        "https://ap-southeast-2.console.aws.amazon.com/ec2/home?region=ap-southeast-2")
    url = _login(env, "dev/Admin", "--service", "iam")
    assert parse_login_url(url)["Destination"] == "https://console.aws.amazon.com/iam/home"
    dest = "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1"
    url = _login(env, "dev", "--destination", dest)
    assert parse_login_url(url)["Destination"] == dest
    status, page = http_get(url)
    assert status == 200 and "/s3/buckets" in page


def test_other_partitions(env, aws_stack):
    switcher_ok(env, "add", "gov", "--account", "555555555555", "--role", "Operator", "--source",
                BASE_PROFILE, "--region", "us-gov-west-1")
    switcher_ok(env, "add", "china", "--account", "666666666666", "--role", "Viewer", "--source",
                BASE_PROFILE, "--region", "cn-north-1")
    for target, account, host in [("gov/Operator", "555555555555", "console.amazonaws-us-gov.com"),
                                  ("china/Viewer", "666666666666", "console.amazonaws.cn")]:
        url = _login(env, target)
        assert urlsplit(parse_login_url(url)["Destination"]).hostname == host
        status, page = http_get(url)
        assert status == 200 and f"<dd id='account'>{account}</dd>" in page
    arns = [e["role_arn"] for e in aws_stack.events("sts", "AssumeRole")]
    assert arns == ["arn:aws-us-gov:iam::555555555555:role/Operator",
                    "arn:aws-cn:iam::666666666666:role/Viewer"]


def test_logout_first(env, aws_stack):
    url = _login(env, "dev/Admin", "--logout-first")
    base = aws_stack.federation_url.rsplit("/federation", 1)[0]
    assert url.startswith(f"{base}/oauth?Action=logout&redirect_uri=")
    inner = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    assert inner.startswith(aws_stack.federation_url + "?Action=login&")
    status, page = http_get(url)
    assert status == 200 and "<dd id='role'>Admin</dd>" in page


def test_mfa_role(env, aws_stack):
    switcher_ok(env, "add", "prod", "--account", "222222222222", "--role", "Admin", "--source",
                BASE_PROFILE, "--mfa-serial", "arn:aws:iam::123456789012:mfa/me")
    result = run_switcher(env, "login", "prod/Admin", "--stdout")  # no TTY, no code
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("switcher: ") and result.stderr.count("\n") == 1
    url = _login(env, "prod/Admin", "--mfa-code", "123456")
    assert http_get(url)[0] == 200
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["mfa"] is True


@pytest.mark.parametrize("args, message", [
    (["dev/Admin", "--destination", "https://evil.example.com/"], "destination"),
    (["dev/Admin", "--service", "ec2/../x"], "service"),
    (["dev/Admin", "--region", "moon-1"], "region"),
    (["dev/Admin", "--duration", "60"], "duration"),
    (["nobody/Admin"], "unknown target"),
])
def test_bad_input_exits_2_before_any_aws_call(env, aws_stack, args, message):
    result = run_switcher(env, "login", *args, "--stdout")
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and message in result.stderr
    assert result.stderr.startswith("switcher: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert aws_stack.events("sts", "AssumeRole") == []


def test_bad_federation_override_exits_2_before_any_aws_call(env, aws_stack):
    aws_stack.clear_log()
    env = {**env, "SWITCHER_FEDERATION_URL": "http://signin.example.com/federation"}
    result = run_switcher(env, "login", "dev/Admin", "--stdout")
    assert result.returncode == 2 and "SWITCHER_FEDERATION_URL" in result.stderr
    assert aws_stack.events("sts", "AssumeRole") == []


def test_federation_endpoint_down_exits_1_with_one_line(env):
    env = {**env, "SWITCHER_FEDERATION_URL": f"http://127.0.0.1:{closed_port()}/federation"}
    result = run_switcher(env, "login", "dev/Admin", "--stdout")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("switcher: cannot reach the console sign-in endpoint")
    assert result.stderr.count("\n") == 1


def test_the_sign_in_url_is_not_logged_anywhere(env, aws_stack, tmp_path):
    url = _login(env, "dev/Admin")
    token = parse_login_url(url)["SigninToken"]
    result = run_switcher(env, "doctor")
    assert token not in result.stdout + result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
