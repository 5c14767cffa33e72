"""The tray as credential broker, end to end: the installed ``switcher tray`` on Xvfb with
trayer, and ``switcher creds`` run with no terminal (stdin not a tty), as an IDE or a
``credential_process`` would. The tray's dialogs are found with ``xdotool search`` and
answered with real key presses; the recording STS proxy counts the AssumeRole calls."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.fixtures.aws import BASE_PROFILE, SWITCHER, run_switcher, switcher_ok
from tests.fixtures.desktop import wait_for_window, window_ids, xdotool
from tests.fixtures.tray import TrayProcess, tray_env

pytestmark = [pytest.mark.desktop, pytest.mark.keyring]

MFA = "arn:aws:iam::222222222222:mfa/tester"


@pytest.fixture
def desk_env(switcher_env, xdisplay, tmp_path, aws_stack):
    env = tray_env(switcher_env, xdisplay, tmp_path, SWITCHER_NO_FIRST_RUN="1")
    switcher_ok(env, "add", "dev", "--account", "111111111111", "--role", "Admin",
                "--source", BASE_PROFILE, "--region", "eu-west-1")
    switcher_ok(env, "add", "prod", "--account", "222222222222", "--role", "Deploy",
                "--source", BASE_PROFILE, "--mfa-serial", MFA)
    switcher_ok(env, "add", "prod", "--account", "222222222222", "--role", "Admin",
                "--confirm")
    aws_stack.clear_log()
    return env


@pytest.fixture
def tray(desk_env):
    app = TrayProcess(desk_env)
    yield app
    app.stop()


def creds(env, target):
    """``switcher creds TARGET --format json`` with no terminal, still running."""
    return subprocess.Popen([str(SWITCHER), "creds", target, "--format", "json"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(proc, timeout=30):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_an_mfa_role_asks_in_the_trays_dialog_and_the_code_reaches_sts(tray, desk_env,
                                                                       aws_stack):
    proc = creds(desk_env, "prod/Deploy")
    win = wait_for_window(desk_env, "^Switcher MFA", timeout=20, exact=False)
    title = xdotool(desk_env, "getwindowname", win)
    assert "prod/Deploy" in title
    xdotool(desk_env, "windowfocus", "--sync", win)
    xdotool(desk_env, "type", "--delay", "50", "123456")  # the sixth digit submits it
    code, out, err = finish(proc)
    assert code == 0, err
    assert json.loads(out)["AccessKeyId"].startswith("ASIA")
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["mfa"] is True and assume["role_arn"].endswith(":role/Deploy")

    # the same target again: from the tray's memory, no STS call and no keyring read
    again = run_switcher(desk_env, "creds", "prod/Deploy", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(out)
    assert len(aws_stack.events("sts", "AssumeRole")) == 1
    assert json.loads(switcher_ok(desk_env, "status"))["broker"]["memory_hits"] == 1


def test_cancelling_the_mfa_dialog_is_exit_1_with_one_line(tray, desk_env, aws_stack):
    proc = creds(desk_env, "prod/Deploy")
    win = wait_for_window(desk_env, "^Switcher MFA", timeout=20, exact=False)
    xdotool(desk_env, "windowfocus", "--sync", win)
    xdotool(desk_env, "key", "Escape")
    code, out, err = finish(proc)
    assert (code, out) == (1, "")
    assert err == "switcher: prod/Deploy: the MFA prompt was cancelled in the Switcher tray\n"
    assert aws_stack.events("sts", "AssumeRole") == []


def test_a_confirm_role_needs_a_click_in_the_tray(tray, desk_env, aws_stack):
    proc = creds(desk_env, "prod/Admin")
    win = wait_for_window(desk_env, "^Switcher approval", timeout=20, exact=False)
    assert "prod/Admin" in xdotool(desk_env, "getwindowname", win)
    xdotool(desk_env, "windowfocus", "--sync", win)
    xdotool(desk_env, "key", "Escape")  # Esc denies
    code, out, err = finish(proc)
    assert (code, out) == (1, "")
    assert err == "switcher: prod/Admin: the request was denied in the Switcher tray\n"
    assert aws_stack.events("sts", "AssumeRole") == []

    proc = creds(desk_env, "prod/Admin")
    win = wait_for_window(desk_env, "^Switcher approval", timeout=20, exact=False)
    xdotool(desk_env, "windowfocus", "--sync", win)
    xdotool(desk_env, "key", "Return")  # Allow once, the default
    code, out, err = finish(proc)
    assert code == 0, err
    assert json.loads(out)["AccessKeyId"].startswith("ASIA")
    assert not window_ids(desk_env, "^Switcher approval", exact=False)


def test_with_no_tray_a_confirm_role_is_refused_and_others_work_alone(desk_env, aws_stack):
    done = run_switcher(desk_env, "creds", "prod/Admin", "--format", "json")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("switcher: prod/Admin needs approval in the Switcher tray, which "
                           "is not running; start it with: switcher tray\n")
    assert aws_stack.events("sts", "AssumeRole") == []
    alone = run_switcher(desk_env, "creds", "dev/Admin", "--format", "json")
    assert alone.returncode == 0, alone.stderr
    assert json.loads(alone.stdout)["AccessKeyId"].startswith("ASIA")
    assert len(aws_stack.events("sts", "AssumeRole")) == 1


def test_exec_and_login_go_through_the_tray(tray, desk_env, aws_stack):
    first = run_switcher(desk_env, "creds", "dev/Admin", "--format", "json")
    assert first.returncode == 0, first.stderr
    key = json.loads(first.stdout)["AccessKeyId"]
    ran = run_switcher(desk_env, "exec", "dev/Admin", "--", "sh", "-c", "echo $AWS_ACCESS_KEY_ID")
    assert (ran.returncode, ran.stdout.strip()) == (0, key), ran.stderr
    assert json.loads(switcher_ok(desk_env, "status"))["broker"]["memory_hits"] == 1
    login = run_switcher(desk_env, "login", "dev/Admin", "--stdout")
    assert login.returncode == 0 and "SigninToken=" in login.stdout, login.stderr
    assert len(aws_stack.events("sts", "AssumeRole")) == 1  # one session for all three
