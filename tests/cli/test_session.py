"""``switcher creds / exec / login --stdout`` in-process, against moto over HTTP (through
the recording STS proxy) and the local federation endpoint."""

from __future__ import annotations

import configparser
import json
import os
import shlex
import socket
import sys
import time
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest

from switcher.core import config as store
from switcher.core.secrets.keystore import SESSIONS_SERVICE

SERIAL = "arn:aws:iam::210987654321:mfa/alice"


@pytest.fixture
def cli(aws_cli, aws_stack):
    aws_cli.ok("add", "dev", "--account", "123456789012", "--role", "Admin",
               "--source", "base", "--region", "eu-west-1", "--color", "green")
    aws_cli.ok("add", "dev", "--account", "123456789012", "--role", "Deep", "--via", "dev/Admin")
    aws_cli.ok("add", "mfa", "--account", "210987654321", "--role", "Guarded",
               "--source", "base", "--mfa-serial", SERIAL)
    aws_stack.clear_log()
    return aws_cli


def assume_calls(aws_stack) -> list[dict]:
    return aws_stack.events("sts", "AssumeRole")


def arn_of(aws_stack, keys) -> str:
    return aws_stack.sts(keys).get_caller_identity()["Arn"]


def exports(text: str) -> dict[str, str]:
    """``export NAME=VALUE`` lines of the env format, unquoted as a shell would."""
    values = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export "):].partition("=")
            (values[name],) = shlex.split(value)
    return values


# -- creds ---------------------------------------------------------------------------


def test_creds_in_every_format_come_from_one_real_session(cli, aws_stack):
    text = cli.ok("creds", "dev/Admin")
    assert text.splitlines()[0] == "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN"
    env = exports(text)
    keys = (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])
    assert arn_of(aws_stack, keys).startswith("arn:aws:sts::123456789012:assumed-role/Admin/")
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"

    data = json.loads(cli.ok("creds", "dev/Admin", "--format", "json"))
    assert data["Version"] == 1
    assert (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"]) == keys
    assert data["Expiration"] == env["AWS_CREDENTIAL_EXPIRATION"]

    ini = configparser.ConfigParser()
    ini.read_string(cli.ok("creds", "dev/Admin", "--format", "ini"))
    section = ini["dev/Admin"]
    assert (section["aws_access_key_id"], section["aws_secret_access_key"],
            section["aws_session_token"]) == keys

    fish = cli.ok("creds", "dev/Admin", "--format", "fish")
    assert f"set -gx AWS_ACCESS_KEY_ID '{keys[0]}'" in fish.splitlines()
    assert "set -gx AWS_REGION 'eu-west-1'" in fish.splitlines()
    powershell = cli.ok("creds", "dev/Admin", "--format", "powershell")
    assert f"$Env:AWS_SESSION_TOKEN = '{keys[2]}'" in powershell.splitlines()
    assert len(assume_calls(aws_stack)) == 1


def test_creds_default_format_follows_the_setting(cli):
    store.update(lambda c: replace(c, settings=replace(c.settings, creds_format="json")))
    assert json.loads(cli.ok("creds", "dev/Admin"))["Version"] == 1


def test_creds_are_cached_in_the_keyring_until_refresh(cli, aws_stack):
    first = json.loads(cli.ok("creds", "dev/Admin", "--format", "json"))
    cached = [name for service, name in cli.keyring.store
              if service == SESSIONS_SERVICE and name.startswith("dev/Admin#")]
    assert len(cached) == 1
    assert json.loads(cli.ok("creds", "dev/Admin", "--format", "json")) == first
    assert len(assume_calls(aws_stack)) == 1
    refreshed = json.loads(cli.ok("creds", "dev/Admin", "--format", "json", "--refresh"))
    assert refreshed["AccessKeyId"] != first["AccessKeyId"]
    assert len(assume_calls(aws_stack)) == 2


def test_creds_of_a_chained_target(cli, aws_stack):
    data = json.loads(cli.ok("creds", "dev/Deep", "--format", "json", "--duration", "3600"))
    keys = (data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"])
    assert "assumed-role/Deep/" in arn_of(aws_stack, keys)
    calls = assume_calls(aws_stack)
    assert [(c["role_arn"].rsplit("/", 1)[1], c["chained"]) for c in calls] == [
        ("Admin", False), ("Deep", True)]
    assert calls[1]["duration_seconds"] == 3600


def test_creds_with_an_mfa_code(cli, aws_stack):
    cli.ok("creds", "mfa/Guarded", "--mfa-code", "123456")
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_creds_without_an_mfa_code_and_no_terminal(cli, aws_stack):
    code, out, err = cli("creds", "mfa/Guarded")
    assert (code, out) == (2, "")
    assert err == ("switcher: target mfa/Guarded needs an MFA code: pass --mfa-code or set "
                   "mfa_process\n")
    assert assume_calls(aws_stack) == []


def test_unreachable_sts_is_exit_1(cli, closed_sts):
    code, out, err = cli("creds", "dev/Admin", env={"AWS_ENDPOINT_URL_STS": closed_sts})
    assert (code, out) == (1, "")
    assert f"cannot reach AWS STS at {closed_sts}" in err and err.count("\n") == 1


@pytest.fixture
def closed_sts():
    from tests.fixtures.net import closed_port

    return f"http://127.0.0.1:{closed_port()}"


BAD = [
    (("creds", "nope/Admin"), "unknown target 'nope/Admin'"),
    (("creds", "dev"), "say which"),
    (("creds", "dev/Admin", "--duration", "100"), "between 900 and 43200"),
    (("creds", "dev/Deep", "--duration", "7200"), "1 hour"),
    (("creds", "dev/Admin", "--mfa-code", "12a456"), "6 digits"),
    (("creds", "dev/Deep", "--mfa-code", "123456"), "dev/Deep does not use MFA; drop --mfa-code"),
    (("creds", "dev/Admin", "--format", "yaml"), "invalid choice: 'yaml'"),
    (("login", "dev/Admin", "--region", "cn-north-1", "--stdout"), "partition aws-cn"),
    (("login", "dev/Admin", "--service", "ec2", "--destination", "https://x"), "not allowed"),
    (("exec", "dev/Admin", "--mfa-code", "1", "--", "true"), "6 digits"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_exit_2_before_any_sts_call(cli, aws_stack, argv, message):
    before = cli.config_bytes()
    code, out, err = cli(*argv)
    assert code == 2, err
    assert out == ""
    assert err.startswith("switcher: ") and err.count("\n") == 1 and message in err, err
    assert cli.config_bytes() == before
    assert assume_calls(aws_stack) == []


# -- exec ----------------------------------------------------------------------------

PRINT_ENV = ("import os; print('|'.join(os.environ.get(n, '-') for n in "
             "('AWS_ACCESS_KEY_ID', 'AWS_REGION', 'AWS_PROFILE', 'SWITCHER_TARGET', "
             "'SWITCHER_CALL_DEPTH')))")


def test_exec_gives_a_real_child_the_session(cli, aws_stack):
    code, out, err = cli("exec", "dev/Admin", "--", sys.executable, "-c", PRINT_ENV,
                         env={"AWS_PROFILE": "base"})
    assert code == 0, err
    key, region, profile, target, depth = out.strip().split("|")
    assert (region, profile, target) == ("eu-west-1", "-", "dev/Admin")
    # the child runs one level down: a switcher it starts counts from there
    assert depth == "1"
    assert key == json.loads(cli.ok("creds", "dev/Admin", "--format", "json"))["AccessKeyId"]
    assert len(assume_calls(aws_stack)) == 1


def test_exec_returns_the_childs_exit_code(cli):
    code, _, err = cli("exec", "dev/Admin", "--", sys.executable, "-c", "raise SystemExit(7)")
    assert code == 7, err


def test_exec_options_after_the_target_and_a_command_with_dashes(cli, aws_stack):
    code, out, err = cli("exec", "mfa/Guarded", "--mfa-code", "123456", "--",
                         sys.executable, "-c", "import os; print(os.environ['AWS_REGION'])")
    assert (code, out) == (0, "us-east-1\n"), err
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_exec_refuses_to_nest_into_another_target(cli, aws_stack):
    code, _, err = cli("exec", "mfa/Guarded", "--mfa-code", "123456", "--", "true",
                       env={"SWITCHER_TARGET": "dev/Admin"})
    assert code == 2
    assert err == "switcher: already inside switcher exec for dev/Admin; exit that shell first\n"
    assert assume_calls(aws_stack) == []


@pytest.mark.parametrize("cmd,message", [
    ((), "switcher: no command given: switcher exec TARGET [--mfa-code CODE] -- CMD [ARG]...\n"),
    (("no-such-command-xyz", "arg"), "switcher: command not found: no-such-command-xyz\n"),
])
def test_exec_without_a_runnable_command_is_exit_2(cli, cmd, message):
    code, out, err = cli("exec", "dev/Admin", "--", *cmd)
    assert (code, out, err) == (2, "", message)


def test_exec_leaves_ctrl_c_to_the_child(cli):
    # an ignored SIGINT would be inherited across exec: the child could not be interrupted
    code, out, err = cli("exec", "dev/Admin", "--", sys.executable, "-c",
                         "import signal; print(signal.getsignal(signal.SIGINT) is "
                         "signal.default_int_handler)")
    assert (code, out) == (0, "True\n"), err


# -- exec --server -------------------------------------------------------------------

SERVER_CHILD = """
import json, os, sys, urllib.request
import boto3
names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
         "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION", "SWITCHER_TARGET")
seen = {n: os.environ.get(n) for n in names}
seen["url"] = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
seen["arn"] = boto3.client("sts").get_caller_identity()["Arn"]
seen["key"] = boto3.Session().get_credentials().get_frozen_credentials().access_key
print(json.dumps(seen))
sys.exit(int(sys.argv[1]))
"""


def test_exec_server_gives_boto3_the_session_and_no_static_keys(cli, aws_stack):
    code, out, err = cli("exec", "dev/Admin", "--server", "--", sys.executable, "-c",
                         SERVER_CHILD, "5",
                         env={"AWS_PROFILE": "base", "AWS_ACCESS_KEY_ID": "AKIASTALE",
                              "AWS_SECRET_ACCESS_KEY": "stale", "AWS_SESSION_TOKEN": "stale"})
    assert code == 5, err  # the child's exit code
    assert err == ""
    seen = json.loads(out)
    assert seen.pop("arn").startswith("arn:aws:sts::123456789012:assumed-role/Admin/")
    url = urlsplit(seen.pop("url"))
    assert (url.scheme, url.hostname) == ("http", "127.0.0.1")
    assert seen.pop("key") == json.loads(
        cli.ok("creds", "dev/Admin", "--format", "json"))["AccessKeyId"]
    assert seen == {
        "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None, "AWS_CREDENTIAL_EXPIRATION": None, "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1", "SWITCHER_TARGET": "dev/Admin"}
    assert len(assume_calls(aws_stack)) == 1
    # the server went with the child
    with pytest.raises(OSError):
        socket.create_connection((url.hostname, url.port), timeout=2).close()


def test_exec_server_for_an_mfa_role_asks_the_first_code_up_front(cli, aws_stack):
    code, out, err = cli("exec", "mfa/Guarded", "--mfa-code", "123456", "--server", "--",
                         sys.executable, "-c", SERVER_CHILD, "0")
    assert code == 0, err
    assert json.loads(out)["arn"].startswith("arn:aws:sts::210987654321:assumed-role/Guarded/")
    (call,) = assume_calls(aws_stack)
    assert call["mfa"] is True


def test_exec_server_renewal_of_an_mfa_role_fails_clearly_without_mfa_process(cli, aws_stack):
    from switcher.cli.session import _renewal
    from switcher.core.errors import InputError
    from switcher.core.targets import resolve

    config = store.load(cli.config_path)
    renew = _renewal(config, resolve(config, "mfa/Guarded"), None)
    with pytest.raises(InputError) as failed:
        renew()
    assert str(failed.value) == (
        "mfa/Guarded needs a new MFA code, which cannot be asked while the command runs; "
        "set mfa_process to renew it unattended")
    assert assume_calls(aws_stack) == []
    # with an mfa_process the renewal needs nobody
    command = f"{shlex.quote(sys.executable)} -c 'print(654321)'"
    store.update(lambda c: c.with_account(replace(c.account("mfa"), mfa_process=command)),
                 cli.config_path)
    config = store.load(cli.config_path)
    first = _renewal(config, resolve(config, "mfa/Guarded"), None)()
    second = _renewal(config, resolve(config, "mfa/Guarded"), None)()
    assert first.access_key_id != second.access_key_id  # each a new session, not the cache
    assert [c["mfa"] for c in assume_calls(aws_stack)] == [True, True]


@pytest.mark.parametrize("file,section,line", [
    ("aws_credentials", "default", "aws_access_key_id = AKIADEFAULT"),
    ("aws_config", "default", "credential_process = /bin/true"),
    ("aws_config", "profile default", "role_arn = arn:aws:iam::111111111111:role/R"),
])
def test_exec_server_refuses_a_default_profile_that_would_shadow_it(cli, aws_stack, file,
                                                                    section, line):
    path = getattr(cli, file)
    path.write_text(path.read_text() + f"\n[{section}]\n{line}\n")
    code, out, err = cli("exec", "dev/Admin", "--server", "--", "true")
    assert (code, out) == (2, ""), err
    assert err == (f"switcher: the default profile in {path} has credentials of its own, which "
                   "SDKs use before the server's; move them to a named profile or run exec "
                   "without --server\n")
    assert assume_calls(aws_stack) == []
    assert cli("exec", "dev/Admin", "--", "true").code == 0  # plain exec's keys win anyway


def test_exec_server_accepts_a_default_profile_with_only_settings(cli):
    cli.aws_config.write_text(cli.aws_config.read_text() + "\n[default]\nregion = us-west-2\n")
    code, out, err = cli("exec", "dev/Admin", "--server", "--", sys.executable, "-c",
                         SERVER_CHILD, "0")
    assert code == 0, err
    assert json.loads(out)["arn"].startswith("arn:aws:sts::123456789012:assumed-role/Admin/")


def test_exec_server_without_a_runnable_command_opens_nothing(cli, aws_stack):
    code, out, err = cli("exec", "dev/Admin", "--server", "--", "no-such-command-xyz")
    assert (code, out, err) == (2, "", "switcher: command not found: no-such-command-xyz\n")


# -- login ---------------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_login_stdout_prints_a_federation_url(cli, aws_stack):
    out = cli.ok("login", "dev/Admin", "--stdout", "--duration", "43200", "--service", "ec2")
    assert out.count("\n") == 1 and out.startswith(aws_stack.federation_url + "?")
    query = _query(out.strip())
    assert query["Action"] == "login" and query["SigninToken"]
    assert query["Destination"].startswith("https://eu-west-1.console.aws.amazon.com/ec2/")
    chained = cli.ok("login", "dev/Deep", "--stdout", "--region", "us-west-2")
    assert _query(chained.strip())["Destination"].startswith("https://us-west-2.console.")
    tokens = aws_stack.events("federation", "getSigninToken")
    assert [(t["kind"], t["session_duration"], t["status"]) for t in tokens] == [
        ("assumed", 43200, 200), ("chained", None, 200)]


def test_login_opens_the_url_in_the_browser(cli, tmp_path, monkeypatch):
    import webbrowser

    # webbrowser reads $BROWSER once per process; another in-process test may have been first
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    seen = tmp_path / "url"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {seen}\n')
    browser.chmod(0o755)
    code, out, err = cli("login", "dev/Admin", env={"BROWSER": str(browser)})
    assert (code, out) == (0, ""), err
    assert _query(seen.read_text())["Action"] == "login"


# -- login in a multi-session browser: the console ledger ---------------------------


@pytest.fixture
def chromium(cli, tmp_path, monkeypatch):
    """A stand-in ``chromium`` on PATH that writes the argv it was started with."""
    bin_dir, seen = tmp_path / "bin", tmp_path / "argv"
    bin_dir.mkdir()
    script = bin_dir / "chromium"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {seen}.tmp && mv {seen}.tmp {seen}\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    config = store.load(cli.config_path)
    store.save(replace(config, settings=replace(config.settings, browser="chromium",
                                                multi_session=True)), cli.config_path)

    def argv() -> list[str]:
        deadline = time.monotonic() + 10
        while not seen.exists():
            assert time.monotonic() < deadline, "chromium was never started"
            time.sleep(0.02)
        lines = seen.read_text().splitlines()
        seen.unlink()
        return lines

    return argv


def _five_others(browser: str) -> None:
    from switcher.core.console_ledger import Identity, Ledger

    for n in range(1, 6):
        Ledger().record(Identity(browser, f"other{n}/Admin", f"{n:012d}", "Admin",
                                 time.time() + 3600))


def test_login_records_the_identity_in_the_ledger_without_secrets(cli, chromium):
    from switcher.core.console_ledger import Ledger

    code, out, err = cli("login", "dev/Admin")
    assert (code, out, err) == (0, "", "")
    assert chromium()[-1].startswith("http://127.0.0.1:")
    [identity] = Ledger().live("chromium")
    assert (identity.target, identity.account_id, identity.role) == (
        "dev/Admin", "123456789012", "Admin")
    assert identity.expires > time.time() + 600
    assert "SigninToken" not in Ledger().path.read_text()


def test_a_sixth_identity_gets_a_note_and_opens_as_asked(cli, chromium):
    from switcher.core.console_ledger import Ledger

    _five_others("chromium")
    code, out, err = cli("login", "dev/Admin")
    assert (code, out) == (0, "")
    assert err.count("\n") == 1 and "already holds 5 console identities" in err
    assert "--isolated" in err
    argv = chromium()
    assert not any(a.startswith("--user-data-dir") for a in argv)
    assert len(Ledger().live("chromium")) == 6
    # signed in again, the same identity is no sixth
    assert cli("login", "dev/Admin").err == ""


def test_login_isolated_opens_the_accounts_own_profile(cli, chromium):
    from switcher.core.console_ledger import Ledger

    _five_others("chromium")
    code, out, err = cli("login", "dev/Admin", "--isolated")
    assert (code, out, err) == (0, "", "")
    argv = chromium()
    assert any(a.startswith("--user-data-dir=") and a.endswith("/chromium/dev") for a in argv)
    assert [i.target for i in Ledger().live("chromium:isolated:dev")] == ["dev/Admin"]


def test_login_isolated_is_refused_where_it_cannot_apply(cli, aws_stack):
    before = cli.config_bytes()
    code, out, err = cli("login", "dev/Admin", "--isolated", "--stdout")
    assert (code, out) == (2, "") and "drop one" in err and err.count("\n") == 1
    code, out, err = cli("login", "dev/Admin", "--isolated")  # the default browser has none
    assert (code, out) == (2, "") and "has no isolated profile" in err
    assert aws_stack.events("sts", "AssumeRole") == [] and cli.config_bytes() == before
