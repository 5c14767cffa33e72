"""Export formats: every shell format must assign values verbatim under eval."""

from __future__ import annotations

import configparser
import json
import subprocess
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from switcher.core.credentials import Credentials
from switcher.core.creds_text import render
from switcher.core.errors import InputError
from tests.fixtures.tools import require_tool

EXP = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
CREDS = Credentials("ASIAEXAMPLE", "sec/ret+key", "tok=en", EXP)

# Shell-hostile values: quotes, spaces, $, backticks, newlines, backslashes, globs.
NASTY = st.text(
    alphabet=st.sampled_from(list("aZ09 '\"$`\\\n\t!*?;&|(){}[]#~=%") + ["é", "\u2019"]),
    min_size=0, max_size=40,
)


def _eval_sh(text: str) -> dict[str, str]:
    script = text + 'printf "%s\\0" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" ' \
                    '"$AWS_SESSION_TOKEN" "$AWS_REGION" "$AWS_DEFAULT_REGION" ' \
                    '"$AWS_CREDENTIAL_EXPIRATION"'
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True).stdout
    keys = ["id", "secret", "token", "region", "default_region", "exp"]
    return dict(zip(keys, out.decode().split("\0")[:-1], strict=True))


@given(key=NASTY, secret=NASTY, token=NASTY)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_env_survives_eval_in_sh(key, secret, token):
    text = render(Credentials(key, secret, token, EXP), "env", region="eu-west-1")
    got = _eval_sh(text)
    assert (got["id"], got["secret"], got["token"]) == (key, secret, token)
    assert got["region"] == got["default_region"] == "eu-west-1"
    assert got["exp"] == "2030-01-02T03:04:05Z"


def test_env_lines_are_exports():
    text = render(CREDS, "env", region="us-east-1")
    assert "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE" in text.splitlines()
    assert "export AWS_SESSION_TOKEN=tok=en" in text
    assert "export AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z" in text


def test_env_without_token_unsets_it():
    text = render(Credentials("AKIA", "s", None, None), "env")
    assert "unset AWS_SESSION_TOKEN" in text
    assert "AWS_REGION" not in text


def test_env_unsets_variables_that_would_override_the_keys():
    text = render(CREDS, "env", region="us-east-1")
    assert "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN" in text.splitlines()
    script = text + 'printf "%s|%s|%s" "${AWS_PROFILE-unset}" "${AWS_DEFAULT_PROFILE-unset}" ' \
                    '"${AWS_SECURITY_TOKEN-unset}"'
    env = {"PATH": "/usr/bin:/bin", "AWS_PROFILE": "corp", "AWS_DEFAULT_PROFILE": "corp",
           "AWS_SECURITY_TOKEN": "old"}
    out = subprocess.run(["sh", "-c", script], env=env, capture_output=True, check=True).stdout
    assert out == b"unset|unset|unset"


def test_powershell_removes_variables_that_would_override_the_keys():
    lines = render(CREDS, "powershell").splitlines()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"):
        assert f"Remove-Item Env:{name} -ErrorAction SilentlyContinue" in lines


@pytest.fixture(scope="module")
def fish():
    return require_tool("fish")["fish"]  # skips on a laptop without fish; CI installs it


@given(secret=NASTY)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fish_survives_eval(fish, secret):
    text = render(Credentials("A", secret, "t", EXP), "fish")
    out = subprocess.run([fish, "--no-config", "-c", text + 'printf "%s" "$AWS_SECRET_ACCESS_KEY"'],
                         capture_output=True, check=True).stdout.decode()
    assert out == secret


def test_fish_erases_variables_that_would_override_the_keys(fish):
    text = render(CREDS, "fish")
    env = {"PATH": "/usr/bin:/bin", "AWS_PROFILE": "corp", "AWS_DEFAULT_PROFILE": "corp",
           "AWS_SECURITY_TOKEN": "old", "HOME": "/nonexistent"}
    probe = 'printf "%s|" (set -q AWS_PROFILE; and echo set; or echo unset) ' \
            '(set -q AWS_DEFAULT_PROFILE; and echo set; or echo unset) ' \
            '(set -q AWS_SECURITY_TOKEN; and echo set; or echo unset) "$AWS_ACCESS_KEY_ID"'
    done = subprocess.run([fish, "--no-config", "-c", text + probe], env=env,
                          capture_output=True, check=True)
    assert done.stdout == b"unset|unset|unset|ASIAEXAMPLE|"
    assert done.stderr == b""


def _fish_unquote(text: str) -> str:
    """The value of the single-quoted word ``text`` starts with, up to its closing quote."""
    assert text[0] == "'"
    out, i = [], 1
    while text[i] != "'":
        if text[i] == "\\" and text[i + 1] in "\\'":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    assert text[i + 1] == "\n", "the value must end at the end of the line"
    return "".join(out)


@given(secret=NASTY)
def test_fish_quoting_round_trips(secret):
    text = render(Credentials("A", secret, "t", EXP), "fish")
    prefix = "\nset -gx AWS_SECRET_ACCESS_KEY "
    assert prefix in text
    assert _fish_unquote(text.split(prefix, 1)[1]) == secret


@given(secret=NASTY)
def test_powershell_quoting_round_trips(secret):
    text = render(Credentials("A", secret, "t", EXP), "powershell", region="us-east-1")
    prefix = "\n$Env:AWS_SECRET_ACCESS_KEY = '"
    assert prefix in text
    body = text.split(prefix, 1)[1]
    # the value ends at the first quote that is not doubled
    out, i = [], 0
    quotes = "'\u2018\u2019\u201a\u201b"
    while True:
        c = body[i]
        if c in quotes:
            if i + 1 < len(body) and body[i + 1] == c:
                out.append(c)
                i += 2
                continue
            break
        out.append(c)
        i += 1
    assert "".join(out) == secret
    assert "$Env:AWS_REGION = 'us-east-1'" in text


def test_json_is_credential_process_schema():
    data = json.loads(render(CREDS, "json"))
    assert data == {
        "Version": 1,
        "AccessKeyId": "ASIAEXAMPLE",
        "SecretAccessKey": "sec/ret+key",
        "SessionToken": "tok=en",
        "Expiration": "2030-01-02T03:04:05Z",
    }


def test_ini_block_reads_back_with_configparser():
    text = render(CREDS, "ini", profile="dev/Admin")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    section = parser["dev/Admin"]
    assert section["aws_access_key_id"] == "ASIAEXAMPLE"
    assert section["aws_secret_access_key"] == "sec/ret+key"
    assert section["aws_session_token"] == "tok=en"


def test_ini_refuses_line_breaks():
    with pytest.raises(InputError):
        render(Credentials("A", "x\ny", "t", EXP), "ini", profile="p")


def test_one_list_of_formats():
    from switcher.cli.parser import build_parser
    from switcher.core import creds_text as exports
    from switcher.core import model

    assert exports.FORMATS is model.CREDS_FORMATS
    creds = build_parser()._subparsers._group_actions[0].choices["creds"]
    (fmt,) = [a for a in creds._actions if a.dest == "format"]
    assert fmt.choices is model.CREDS_FORMATS


def test_unknown_format_is_input_error():
    with pytest.raises(InputError, match="format"):
        render(CREDS, "yaml")
