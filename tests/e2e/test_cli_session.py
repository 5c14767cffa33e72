"""The installed ``switcher`` against moto over HTTP, the local federation endpoint and a
real SecretService keyring: creds in every format, the cache, exec, MFA, keyring sources,
login, the AWS CLI as a credential_process consumer, and bad input of every kind."""

from __future__ import annotations

import configparser
import json
import shlex
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from switcher.core import config as store
from switcher.core import paths
from tests.fixtures.aws import SWITCHER, run_switcher

SERIAL = "arn:aws:iam::210987654321:mfa/alice"
AWS_CLI = Path(sys.executable).with_name("aws")


def ok(env, *args, input=None):
    done = run_switcher(env, *args, input=input)
    assert done.returncode == 0, f"switcher {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture
def env(switcher_env, aws_stack):
    ok(switcher_env, "add", "dev", "--account", "123456789012", "--role", "Admin",
       "--source", "base", "--region", "eu-west-1", "--color", "green")
    ok(switcher_env, "add", "dev", "--account", "123456789012", "--role", "Deep",
       "--via", "dev/Admin")
    ok(switcher_env, "add", "mfa", "--account", "210987654321", "--role", "Guarded",
       "--source", "base", "--mfa-serial", SERIAL)
    aws_stack.clear_log()
    return switcher_env


def config_file(env) -> Path:
    return Path(env["SWITCHER_CONFIG_DIR"]) / paths.CONFIG_NAME


def assume_calls(aws_stack) -> list[dict]:
    return aws_stack.events("sts", "AssumeRole")


def identity(aws_stack, keys) -> str:
    return aws_stack.sts(keys).get_caller_identity()["Arn"]


def eval_env(text: str) -> dict[str, str]:
    names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
             "AWS_DEFAULT_REGION", "AWS_CREDENTIAL_EXPIRATION"]
    script = text + "printf '%s\\0' " + " ".join(f'"${n}"' for n in names)
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True).stdout
    return dict(zip(names, out.decode().split("\0")[:-1], strict=True))


def test_creds_in_every_format_are_real_sessions(env, aws_stack):
    values = eval_env(ok(env, "creds", "dev/Admin"))  # env is the default format
    keys = (values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"],
            values["AWS_SESSION_TOKEN"])
    assert identity(aws_stack, keys).startswith(
        "arn:aws:sts::123456789012:assumed-role/Admin/")
    assert values["AWS_REGION"] == values["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert values["AWS_CREDENTIAL_EXPIRATION"].endswith("Z")

    data = json.loads(ok(env, "creds", "dev/Admin", "--format", "json"))
    assert data["Version"] == 1
    assert (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"]) == keys
    assert data["Expiration"] == values["AWS_CREDENTIAL_EXPIRATION"]

    ini = configparser.ConfigParser()
    ini.read_string(ok(env, "creds", "dev/Admin", "--format", "ini"))
    section = ini["dev/Admin"]
    assert (section["aws_access_key_id"], section["aws_secret_access_key"],
            section["aws_session_token"]) == keys

    fish = ok(env, "creds", "dev/Admin", "--format", "fish")
    assert f"set -gx AWS_ACCESS_KEY_ID '{keys[0]}'" in fish
    assert "set -gx AWS_REGION 'eu-west-1'" in fish
    ps = ok(env, "creds", "dev/Admin", "--format", "powershell")
    assert f"$Env:AWS_SESSION_TOKEN = '{keys[2]}'" in ps
    assert len(assume_calls(aws_stack)) == 1  # all five came from one session


def test_two_creds_calls_make_one_sts_call_and_the_cached_one_no_boto(env, aws_stack):
    ok(env, "creds", "dev/Admin", "--format", "json")
    assert len(assume_calls(aws_stack)) == 1
    aws_stack.clear_log()
    cached = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "switcher", "creds", "dev/Admin",
         "--format", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert cached.returncode == 0, cached.stderr
    assert aws_stack.log() == []  # no network request at all
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in cached.stderr.splitlines() if line.startswith("import time:")}
    assert "switcher" in imported
    assert not {"boto3", "botocore"} & imported
    ok(env, "creds", "dev/Admin", "--refresh")
    assert len(assume_calls(aws_stack)) == 1


def test_aws_cli_consumes_credential_process(env, aws_stack, tmp_path):
    cli_config = tmp_path / "cli-config"
    command = f"{SWITCHER} creds dev/Admin --format json"
    cli_config.write_text(f"[profile via-switcher]\ncredential_process = {command}\n"
                          "region = eu-west-1\n")
    cli_env = {**env, "AWS_CONFIG_FILE": str(cli_config)}
    done = subprocess.run(
        [str(AWS_CLI), "sts", "get-caller-identity", "--profile", "via-switcher",
         "--output", "json"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    arn = json.loads(done.stdout)["Arn"]
    assert arn.startswith("arn:aws:sts::123456789012:assumed-role/Admin/")
    assert [e["action"] for e in aws_stack.events("sts")] == ["AssumeRole", "GetCallerIdentity"]


def test_chained_target(env, aws_stack):
    data = json.loads(ok(env, "creds", "dev/Deep", "--format", "json", "--duration", "3600"))
    keys = (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"])
    assert "assumed-role/Deep/" in identity(aws_stack, keys)
    calls = assume_calls(aws_stack)
    assert [(c["role_arn"].rsplit("/", 1)[1], c["chained"]) for c in calls] == [
        ("Admin", False), ("Deep", True)]
    assert calls[1]["duration_seconds"] == 3600


def test_a_stale_aws_profile_leaves_chained_targets_alone(env, aws_stack):
    stale = {**env, "AWS_PROFILE": "nope"}
    data = json.loads(ok(stale, "creds", "dev/Deep", "--format", "json"))
    assert "assumed-role/Deep/" in identity(
        aws_stack, (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"]))
    ok(stale, "add", "plain", "--account", "444444444444", "--role", "R")  # default chain
    done = run_switcher(stale, "creds", "plain")
    assert done.returncode == 2
    assert done.stderr == (
        f"switcher: AWS_PROFILE names profile 'nope', which is not in {env['AWS_CONFIG_FILE']}\n")


def test_exec_runs_the_command_with_the_session(env, aws_stack, tmp_path):
    out = tmp_path / "seen"
    script = (f'printf "%s|%s|%s|%s" "$AWS_REGION" "${{AWS_PROFILE-unset}}" "$SWITCHER_TARGET" '
              f'"$AWS_ACCESS_KEY_ID" > {out}; exit 7')
    done = run_switcher({**env, "AWS_PROFILE": "base"}, "exec", "dev/Admin", "--",
                        "sh", "-c", script)
    assert done.returncode == 7, done.stderr
    region, profile, target, key = out.read_text().split("|")
    assert (region, profile, target) == ("eu-west-1", "unset", "dev/Admin")
    creds = json.loads(ok(env, "creds", "dev/Admin", "--format", "json"))
    assert key == creds["AccessKeyId"]
    # options after TARGET and a command that itself starts with dashes
    done = run_switcher(env, "exec", "mfa/Guarded", "--mfa-code", "123456", "--",
                        sys.executable, "-c", "import os,sys; sys.exit(os.environ['AWS_REGION'] != 'us-east-1')")
    assert done.returncode == 0, done.stderr


def test_exec_does_not_nest_into_another_target(env, aws_stack):
    inside = {**env, "SWITCHER_TARGET": "dev/Admin"}
    done = run_switcher(inside, "exec", "mfa/Guarded", "--mfa-code", "123456", "--", "true")
    assert done.returncode == 2
    assert done.stderr == (
        "switcher: already inside switcher exec for dev/Admin; exit that shell first\n")
    assert assume_calls(aws_stack) == []
    assert run_switcher(inside, "exec", "dev/Admin", "--", "true").returncode == 0


def test_exec_missing_command_is_exit_2(env, aws_stack):
    done = run_switcher(env, "exec", "dev/Admin", "--", "no-such-command-xyz", "arg")
    assert done.returncode == 2
    assert done.stderr.strip() == "switcher: command not found: no-such-command-xyz"
    done = run_switcher(env, "exec", "dev/Admin", "--")
    assert done.returncode == 2 and "no command given" in done.stderr


def test_mfa_code_flag(env, aws_stack):
    ok(env, "creds", "mfa/Guarded", "--mfa-code", "123456")
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_mfa_process(env, aws_stack):
    command = f"{shlex.quote(sys.executable)} -c 'print(\"654321\")'"
    store.update(lambda c: c.with_account(replace(c.account("mfa"), mfa_process=command)),
                 config_file(env))
    ok(env, "creds", "mfa/Guarded", input="")
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_mfa_missing_without_tty_fails_fast(env, aws_stack):
    started = time.monotonic()
    done = run_switcher(env, "creds", "mfa/Guarded", input="")
    assert time.monotonic() - started < 10
    assert done.returncode == 2
    assert done.stderr == (
        "switcher: target mfa/Guarded needs an MFA code: pass --mfa-code or set mfa_process\n")
    assert assume_calls(aws_stack) == []


def test_keys_add_from_stdin_then_creds_from_the_keyring_source(env, aws_stack):
    key_id, secret = aws_stack.user_keys()
    ok(env, "keys", "add", "ci", input=f"{key_id}\n{secret}\n")
    assert ok(env, "keys", "list").split() == ["ci"]
    assert secret not in config_file(env).read_text()
    ok(env, "add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    data = json.loads(ok(env, "creds", "keyed", "--format", "json"))
    assert "assumed-role/Deploy/" in identity(
        aws_stack, (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"]))
    (call,) = assume_calls(aws_stack)
    assert call["caller"] == "long-term" and call["chained"] is False
    refused = run_switcher(env, "keys", "remove", "ci")
    assert refused.returncode == 2 and "used by keyed" in refused.stderr
    ok(env, "remove", "keyed")
    ok(env, "keys", "remove", "ci")
    assert ok(env, "keys", "list") == ""


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_login_stdout_session_duration_rule(env, aws_stack):
    direct = ok(env, "login", "dev/Admin", "--stdout", "--duration", "43200", "--service", "ec2")
    query = _query(direct.strip())
    assert direct.startswith(aws_stack.federation_url + "?")
    assert query["Action"] == "login" and query["SigninToken"]
    assert query["Destination"].startswith("https://eu-west-1.console.aws.amazon.com/ec2/")
    chained = ok(env, "login", "dev/Deep", "--stdout", "--duration", "3600", "--region",
                 "us-west-2")
    assert _query(chained.strip())["Destination"].startswith("https://us-west-2.console.")
    tokens = aws_stack.events("federation", "getSigninToken")
    assert [(t["kind"], t["session_duration"], t["status"]) for t in tokens] == [
        ("assumed", 43200, 200), ("chained", None, 200)]
    assert all(t["method"] == "POST" and not t["session_in_query"] for t in tokens)


def test_login_opens_the_browser(env, aws_stack, tmp_path):
    seen = tmp_path / "url"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {seen}\n')
    browser.chmod(0o755)
    ok({**env, "BROWSER": str(browser)}, "login", "dev/Admin", "--logout-first")
    url = seen.read_text()
    assert "/oauth?" in url and _query(url)["Action"] == "logout"


def test_login_uses_the_accounts_browser_setting(env, aws_stack, tmp_path):
    """Like the tray: the account's browser wins over $BROWSER."""
    seen = tmp_path / "url"
    browser = tmp_path / "account-browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s %s" "$1" "$2" > {seen}\n')
    browser.chmod(0o755)
    decoy = tmp_path / "decoy.sh"
    decoy.write_text(f"#!/bin/sh\ntouch {tmp_path / 'decoy-ran'}\n")
    decoy.chmod(0o755)
    store.update(lambda c: c.with_account(replace(
        c.account("dev"), browser=f"cmd:{browser} --new-window {{url}}")), config_file(env))
    ok({**env, "BROWSER": str(decoy)}, "login", "dev/Admin")
    flag, url = seen.read_text().split(" ", 1)
    assert flag == "--new-window" and _query(url)["Action"] == "login"
    assert not (tmp_path / "decoy-ran").exists()


BAD = [
    (("creds", "nope/Admin"), "unknown target"),
    (("creds", "dev/Admin", "--duration", "100"), "between 900 and 43200"),
    (("creds", "dev/Admin", "--duration", "50000"), "between 900 and 43200"),
    (("creds", "dev/Deep", "--duration", "7200"), "1 hour"),
    (("creds", "dev/Admin", "--mfa-code", "12a456"), "6 digits"),
    (("creds", "dev/Deep", "--mfa-code", "123456"), "dev/Deep does not use MFA; drop --mfa-code"),
    (("login", "dev/Admin", "--mfa-code", "123456", "--stdout"), "does not use MFA"),
    (("creds", "dev/Admin", "--format", "yaml"), "invalid choice"),
    (("creds", "dev"), "say which"),
    (("login", "dev/Admin", "--region", "mars"), "region"),
    (("login", "dev/Admin", "--region", "cn-north-1", "--stdout"), "partition aws-cn"),
    (("login", "dev/Deep", "--duration", "7200"), "1 hour"),
    (("login", "dev/Admin", "--destination", "http://evil.example/"), ""),
    (("login", "dev/Admin", "--service", "ec2", "--destination", "https://x"), "not allowed"),
    (("exec", "dev/Admin", "--mfa-code", "1", "--", "true"), "6 digits"),
    (("exec", "dev/Admin", "--duration", "5", "--", "true"), "duration"),
    (("keys", "add", "bad name!"), "source name"),
    (("keys", "remove", "never-added"), "not a keyring source"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_exit_2_and_changes_nothing(env, aws_stack, args, message):
    before = config_file(env).read_bytes()
    done = run_switcher(env, *args, input="")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("switcher: ") and done.stderr.count("\n") == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert config_file(env).read_bytes() == before
    assert assume_calls(aws_stack) == []


@pytest.mark.parametrize("stdin,message", [
    ("", "expected two lines"),
    ("AKIAONLYONELINE00000\n", "expected two lines"),
    ("not-a-key\nsecretsecretsecret\n", "access key id"),
    ("ASIATEMPORARYKEY0000\nsecretsecretsecret\n", "temporary"),
])
def test_keys_add_bad_stdin(env, stdin, message):
    before = config_file(env).read_bytes()
    done = run_switcher(env, "keys", "add", "ci", input=stdin)
    assert done.returncode == 2 and message in done.stderr
    assert config_file(env).read_bytes() == before
    assert ok(env, "keys", "list") == ""


def test_broken_config_is_reported_and_kept(env, aws_stack):
    path = config_file(env)
    path.write_text(path.read_text() + "\n[[accounts]\n")
    before = path.read_bytes()
    for args in (("creds", "dev/Admin"), ("keys", "add", "ci")):
        done = run_switcher(env, *args, input="AKIAEXAMPLEEXAMPLE00\nsecretsecretsecret\n")
        assert done.returncode == 2 and str(path) in done.stderr
    assert path.read_bytes() == before


def test_unreachable_sts_is_exit_1(env):
    done = run_switcher({**env, "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"},
                        "creds", "dev/Admin", "--refresh")
    assert done.returncode == 1
    assert "cannot reach AWS STS at http://127.0.0.1:9" in done.stderr
    assert done.stderr.count("\n") == 1


def test_missing_source_profile_is_exit_2(env):
    ok(env, "add", "lost", "--account", "444444444444", "--role", "R", "--source", "base")
    aws_config = Path(env["AWS_CONFIG_FILE"])
    aws_config.write_text("")
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text("")
    done = run_switcher(env, "creds", "lost")
    assert done.returncode == 2 and "'base'" in done.stderr


def test_without_a_keyring_creds_work_uncached_with_one_warning(env, aws_stack):
    no_keyring = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    for _ in range(2):
        done = run_switcher(no_keyring, "creds", "dev/Deep", "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["Version"] == 1
        assert done.stderr == ("switcher: warning: no OS keyring (install or unlock a "
                               "SecretService); sessions are not cached\n")
        assert len(done.stderr) <= 100  # one short line, on stderr only
    assert len(assume_calls(aws_stack)) == 4  # two hops, twice: nothing was cached
    refused = run_switcher(no_keyring, "keys", "add", "ci",
                           input="AKIAEXAMPLEEXAMPLE00\nsecretsecretsecret\n")
    assert refused.returncode == 2 and "no OS keyring" in refused.stderr


def test_removing_a_target_forgets_its_cached_session(env, aws_stack):
    ok(env, "creds", "mfa/Guarded", "--mfa-code", "123456")
    ok(env, "remove", "mfa")
    ok(env, "add", "mfa", "--account", "210987654321", "--role", "Guarded",
       "--source", "base", "--mfa-serial", SERIAL)
    done = run_switcher(env, "creds", "mfa/Guarded", input="")
    assert done.returncode == 2 and "needs an MFA code" in done.stderr  # not served from cache
    assert len(assume_calls(aws_stack)) == 1


def on_terminal(env, args, answers):
    """Run switcher with a pty as its controlling terminal, answering each prompt (a
    bytes marker) with a line; returns (exit code, everything the terminal showed)."""
    import os
    import pty
    import select
    import signal

    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal, as in a real shell
        os.execve(str(SWITCHER), [str(SWITCHER), *args], env)
    output = b""
    deadline = time.monotonic() + 30
    pending = list(answers)
    try:
        while time.monotonic() < deadline:
            if pending and pending[0][0] in output:
                os.write(fd, pending.pop(0)[1] + b"\n")
                continue
            if not select.select([fd], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        done, status = os.waitpid(pid, os.WNOHANG)
        grace = time.monotonic() + 10
        while not done and time.monotonic() < min(grace, deadline + 10):
            time.sleep(0.05)
            done, status = os.waitpid(pid, os.WNOHANG)
        if not done:  # a prompt never came: do not wait for the pytest timeout
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output


def test_mfa_prompt_on_a_terminal(env, aws_stack):
    code, output = on_terminal(env, ["creds", "mfa/Guarded", "--format", "json"],
                               [(b"MFA code for mfa/Guarded (" + SERIAL.encode(), b"123456")])
    assert code == 0, output
    assert b'"AccessKeyId"' in output
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_keys_add_prompts_on_a_terminal_without_echoing_the_secret(env, aws_stack):
    key_id, secret = aws_stack.user_keys()
    code, output = on_terminal(env, ["keys", "add", "ci"], [
        (b"Access key id: ", key_id.encode()), (b"Secret access key: ", secret.encode())])
    assert code == 0, output
    assert key_id.encode() in output and secret.encode() not in output
    ok(env, "add", "keyed", "--account", "333333333333", "--role", "Deploy", "--source", "ci")
    assert json.loads(ok(env, "creds", "keyed", "--format", "json"))["Version"] == 1


def _subparsers(parser):
    import argparse

    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action


@pytest.mark.parametrize("command", ["login", "creds", "exec", "keys"])
def test_every_argument_of_the_session_commands_has_help(command):
    import argparse

    from switcher.cli.parser import build_parser

    parsers = [_subparsers(build_parser()).choices[command]]
    if command == "keys":
        parsers += list(_subparsers(parsers[0]).choices.values())
    for parser in parsers:
        for action in parser._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help and action.help != argparse.SUPPRESS, (
                    f"{parser.prog} {action.dest} has no help")
    if command == "creds":
        (fmt,) = [a for a in parsers[0]._actions if a.dest == "format"]
        assert "settings.creds_format" in fmt.help


def test_bare_switcher_prints_help_to_stderr_and_exits_2(capsys):
    from switcher.cli.main import main

    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: switcher")
