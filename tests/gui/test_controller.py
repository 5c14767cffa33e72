"""The Controller with the real core against moto + the local federation endpoint:
actions, signals, MFA prompt on the main thread, cancel, errors, a hanging network (the
event loop keeps ticking: measured), config reload on external change, session expiry."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QElapsedTimer, QThread, QTimer
from PySide6.QtWidgets import QApplication

from switcher.core import config as config_store
from switcher.core.aws.signin import parse_login_url
from switcher.core.errors import ConfigError, InputError
from switcher.core.model import Account, Config, Role, Settings
from switcher.core.targets import list_targets
from switcher.gui.clipboard import SECRET_HINT_MIME
from switcher.gui.controller import Controller, console_job, credentials_job
from tests.fixtures.net import HangingServer, closed_port

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


class Recorder:
    def __init__(self, controller: Controller) -> None:
        self.events: list[tuple] = []
        controller.switch_started.connect(lambda *a: self.events.append(("started", *a)))
        controller.switch_succeeded.connect(lambda *a: self.events.append(("ok", *a)))
        controller.switch_failed.connect(lambda *a: self.events.append(("failed", *a)))
        controller.switch_cancelled.connect(lambda *a: self.events.append(("cancelled", *a)))
        controller.busy_changed.connect(lambda b: self.events.append(("busy", b)))

    def finished(self) -> bool:
        return any(e[0] in ("ok", "failed") for e in self.events)

    def last(self) -> tuple:
        return [e for e in self.events if e[0] in ("ok", "failed")][-1]


@pytest.fixture
def controller(qtbot, core_env):
    c = Controller(config_path=core_env)
    yield c
    c.shutdown()
    c.jobs.pool.waitForDone(30_000)


def _wait(qtbot, rec: Recorder, timeout=30_000):
    qtbot.waitUntil(rec.finished, timeout=timeout)
    return rec.last()


def test_open_console_reaches_the_browser_with_a_valid_login_url(qtbot, controller, browser_stand_in, aws_stack):
    rec = Recorder(controller)
    controller.open_console("dev/Admin", region="eu-central-1")
    assert rec.events[:2] == [("started", "dev/Admin", "console"), ("busy", True)]
    event = _wait(qtbot, rec)
    assert event[0] == "ok", event
    qtbot.waitUntil(lambda: browser_stand_in.exists() and bool(browser_stand_in.read_text().strip()), timeout=10_000)
    [url] = browser_stand_in.read_text().split()
    query = parse_login_url(url)
    assert query["Destination"].startswith("https://eu-central-1.console.aws.amazon.com/")
    assert query["SigninToken"]
    [assume] = aws_stack.events("sts", "AssumeRole")
    assert assume["role_arn"] == "arn:aws:iam::111111111111:role/Admin"
    assert ("busy", False) in rec.events
    assert controller.usage().recent(1) == ["dev/Admin"]
    left = controller.session_seconds_left("dev/Admin")
    assert left is not None and 0 < left <= 3600
    assert url not in event[3]  # the secret URL never lands in a message


def test_copy_credentials_marks_the_clipboard_secret(qtbot, controller):
    rec = Recorder(controller)
    controller.copy_credentials("dev", "fish")  # shorthand resolves to dev/... only with one role
    event = _wait(qtbot, rec)
    assert event[0] == "failed" and "has 2 roles" in event[3]  # one clear line

    rec = Recorder(controller)
    controller.copy_credentials("dev/team/ReadOnly", "fish")
    event = _wait(qtbot, rec)
    assert event[0] == "ok" and "(fish)" in event[3] and "clears in 30\u00a0s" in event[3]  # "s" never wraps alone
    data = QApplication.clipboard().mimeData()
    assert "set -gx AWS_ACCESS_KEY_ID" in data.text()
    assert bytes(data.data(SECRET_HINT_MIME)) == b"secret"
    assert controller.clipboard.pending_clear_ms() > 25_000


def test_copy_link_is_not_secret_and_not_cleared(qtbot, controller):
    rec = Recorder(controller)
    controller.copy_link("dev/Admin")
    assert rec.last()[0] == "ok"
    data = QApplication.clipboard().mimeData()
    assert data.text().startswith("https://signin.aws.amazon.com/switchrole?account=111111111111")
    assert not data.hasFormat(SECRET_HINT_MIME)
    assert controller.clipboard.pending_clear_ms() == -1


def test_mfa_prompt_runs_on_the_main_thread_and_its_code_is_used(qtbot, core_env, aws_stack):
    asked = []

    def prompt(target, device):
        asked.append((target.name, device, QThread.currentThread() is QApplication.instance().thread()))
        return "123456"

    c = Controller(config_path=core_env, mfa_prompt=prompt)
    try:
        rec = Recorder(c)
        c.copy_credentials("prod", "env")
        event = _wait(qtbot, rec)
        assert event[0] == "ok", event
        assert asked == [("prod/Deploy", "arn:aws:iam::222222222222:mfa/tester", True)]
        [assume] = aws_stack.events("sts", "AssumeRole")
        assert assume["mfa"] is True
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_cancelled_mfa_prompt_ends_quietly(qtbot, core_env, aws_stack):
    c = Controller(config_path=core_env, mfa_prompt=lambda target, device: None)
    try:
        rec = Recorder(c)
        c.open_console("prod/Deploy")
        event = _wait(qtbot, rec)
        assert event == ("failed", "prod/Deploy", "console", "")
        assert ("cancelled", "prod/Deploy", "console") in rec.events
        assert aws_stack.events("sts", "AssumeRole") == []
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_a_hanging_network_never_freezes_the_event_loop(qtbot, controller, monkeypatch):
    server = HangingServer()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.url)
    rec = Recorder(controller)
    try:
        controller.copy_credentials("dev/Admin")
        qtbot.waitUntil(lambda: bool(server.accepted), timeout=10_000)  # the request is in flight
        ticks: list[int] = []
        clock = QElapsedTimer()
        clock.start()
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(clock.elapsed()))
        timer.start(10)
        qtbot.wait(1500)
        timer.stop()
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert controller.is_busy() and not rec.finished()
        assert len(ticks) >= 75, f"only {len(ticks)} ticks of 10 ms in 1.5 s"
        assert max(gaps) < 150, f"the event loop stalled for {max(gaps)} ms"
    finally:
        server.close()
    # the network "comes back" refusing: the failure arrives as one line, not a traceback
    event = _wait(qtbot, rec, timeout=120_000)
    assert event[0] == "failed" and event[3] and "\n" not in event[3]
    assert not controller.is_busy()


def test_unreachable_endpoint_is_a_one_line_error(qtbot, controller, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{closed_port()}")
    rec = Recorder(controller)
    controller.open_console("dev/Admin")
    event = _wait(qtbot, rec, timeout=120_000)
    assert event[0] == "failed" and "\n" not in event[3] and "Traceback" not in event[3]


def test_external_config_change_is_reloaded(qtbot, controller, core_env):
    changed = []
    controller.targets_changed.connect(lambda: changed.append(True))
    # what `switcher add` does: an atomic save of the file
    config_store.update(
        lambda c: c.with_account(Account("new-one", "333333333333", roles=(Role("Ops"),))), core_env)
    qtbot.waitUntil(lambda: "new-one/Ops" in [t.name for t in controller.targets()], timeout=5000)
    assert changed

    errors = []
    controller.config_error.connect(errors.append)
    core_env.write_text("version = 1\n[[accounts]\n")
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(core_env) in errors[0] and "line" in errors[0]
    assert "new-one/Ops" in [t.name for t in controller.targets()]  # last good config kept


def test_save_config_validates_and_keeps_the_file(qtbot, controller, core_env):
    before = core_env.read_bytes()
    core_env.write_text("version = 1\n[[accounts]\n")
    broken = core_env.read_bytes()
    with pytest.raises(ConfigError) as exc:
        controller.save_config(replace(controller.config, accounts=()))
    assert "line" in str(exc.value)
    assert core_env.read_bytes() == broken
    core_env.write_bytes(before)


def test_expiring_session_warns_once(qtbot, controller):
    warned = []
    controller.session_expiring.connect(lambda name, left: warned.append((name, left)))
    now = datetime.now(UTC)
    controller.session_tracker.note("dev/Admin", now + timedelta(seconds=200))
    controller.session_tracker.note("prod/Deploy", now + timedelta(hours=1))
    controller.check_expiry()
    controller.check_expiry()
    assert [w[0] for w in warned] == ["dev/Admin"] and 0 < warned[0][1] <= 200
    controller.session_tracker.note("dev/Admin", now - timedelta(seconds=1))
    sessions_changed = []
    controller.sessions_changed.connect(lambda: sessions_changed.append(True))
    controller.check_expiry()
    assert sessions_changed and controller.session_seconds_left("dev/Admin") is None
    assert list(controller.sessions()) == ["prod/Deploy"]


def test_main_thread_stays_free_while_switching(qtbot, controller):
    rec = Recorder(controller)
    started = time.perf_counter()
    controller.open_console("dev/Admin")
    assert time.perf_counter() - started < 0.1  # returns at once: the work is in a worker
    _wait(qtbot, rec)


@pytest.mark.parametrize(("browser", "expected"), [
    ("edge", "browser edge is not installed"),
    ("cmd:/nonexistent/browser {url}", "cannot start browser /nonexistent/browser"),
])
def test_a_missing_browser_is_reported_without_the_url(qtbot, core_env, browser, expected):
    config_store.update(
        lambda c: c.with_account(replace(c.account("dev"), browser=browser)), core_env)
    c = Controller(config_path=core_env)
    try:
        rec = Recorder(c)
        c.open_console("dev/Admin")
        event = _wait(qtbot, rec)
        assert event[0] == "failed" and expected in event[3]
        assert "SigninToken" not in event[3] and "federation" not in event[3]
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_only_a_successful_switch_is_recorded_in_recents(qtbot, core_env):
    c = Controller(config_path=core_env, mfa_prompt=lambda target, device: None)
    try:
        rec = Recorder(c)
        c.copy_credentials("prod/Deploy", "env")  # MFA prompt cancelled
        _wait(qtbot, rec)
        rec = Recorder(c)
        c.copy_credentials("dev", "env")  # fails: dev has two roles
        assert _wait(qtbot, rec)[0] == "failed"
        assert c.usage().recent(5) == []
        rec = Recorder(c)
        c.copy_link("dev/Admin")
        assert rec.last()[0] == "ok"
        assert c.usage().recent(5) == ["dev/Admin"]
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_a_switch_already_running_is_not_started_again(qtbot, core_env):
    prompts = []

    def prompt(target, device):
        prompts.append(target.name)
        # Enter pressed again while the MFA prompt of the first run is open
        c.copy_credentials("prod/Deploy", "env")
        return None

    c = Controller(config_path=core_env, mfa_prompt=prompt)
    try:
        rec = Recorder(c)
        c.copy_credentials("prod/Deploy", "env")
        c.copy_credentials("prod/Deploy", "env")
        qtbot.waitUntil(lambda: any(e[0] == "failed" for e in rec.events), timeout=30_000)
        qtbot.wait(300)
        c.jobs.pool.waitForDone(30_000)
        qtbot.wait(100)
        assert [e for e in rec.events if e[0] == "started"] == [("started", "prod/Deploy", "creds")]
        assert prompts == ["prod/Deploy"]
        assert not c.in_flight("prod/Deploy", "creds")
        rec = Recorder(c)
        c.copy_credentials("prod/Deploy", "env")  # once finished it runs again
        _wait(qtbot, rec)
        assert prompts == ["prod/Deploy", "prod/Deploy"]
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_errors_point_gui_users_to_settings_not_to_cli_flags(qtbot, core_env):
    config = config_store.load(core_env)
    config = replace(config, keyring_sources=("work-keys",)).with_account(
        Account("nokeys", "333333333333", source="work-keys", roles=(Role("Admin"),)))
    config_store.save(config, core_env)
    c = Controller(config_path=core_env)
    try:
        rec = Recorder(c)
        c.copy_credentials("nokeys/Admin", "env")
        event = _wait(qtbot, rec)
        assert event[0] == "failed"
        assert "work-keys" in event[3] and "Settings" in event[3]
        assert "switcher keys add" not in event[3] and "--source" not in event[3]
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


SECRET_URL = "https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET-TOKEN"


def _boom(*_a, **_kw):
    raise RuntimeError(f"could not open {SECRET_URL}")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_shows_only_its_type_unless_debugging(qtbot, controller, monkeypatch, capfd, debug):
    if debug:
        monkeypatch.setenv("SWITCHER_DEBUG", "1")
    else:
        monkeypatch.delenv("SWITCHER_DEBUG", raising=False)
    monkeypatch.setattr(controller.core, "console_url", _boom)
    monkeypatch.setattr(controller.core, "switch_role_link", _boom)
    expected = "internal error (RuntimeError); run with SWITCHER_DEBUG=1 for details"
    rec = Recorder(controller)
    controller.copy_console_url("dev/Admin")
    assert _wait(qtbot, rec)[3] == expected  # a worker's failure
    rec = Recorder(controller)
    controller.copy_link("dev/Admin")
    assert rec.last()[3] == expected  # a failure on the main thread
    err = capfd.readouterr().err
    if debug:
        assert err.count("SECRET-TOKEN") >= 2 and "Traceback" in err
    else:
        assert "SECRET-TOKEN" not in err


def test_a_switch_records_its_session_on_the_main_thread(qtbot, controller):
    noted = []
    real_note = controller.session_tracker.note

    def note(name, expiration):
        noted.append((name, QThread.currentThread() is QApplication.instance().thread()))
        real_note(name, expiration)

    controller.session_tracker.note = note
    rec = Recorder(controller)
    controller.copy_credentials("dev/Admin", "env")
    assert _wait(qtbot, rec)[0] == "ok"
    assert noted == [("dev/Admin", True)]
    assert controller.session_seconds_left("dev/Admin") is not None


class _FakeCore:
    def __init__(self, expiration, render_error=None):
        self.expiration, self.render_error = expiration, render_error

    def get_credentials(self, config, target, *, mfa_prompt):
        return SimpleNamespace(expiration=self.expiration)

    def cached_credentials(self, target):
        return SimpleNamespace(expiration=self.expiration)

    def console_url(self, config, target, *, mfa_prompt, region=None):
        return f"https://signin.example/{target.name}?region={region}"

    def render(self, creds, fmt, *, region=None):
        if self.render_error:
            raise self.render_error
        return f"{fmt} creds for {region}"


def _config_with_browser():
    account = Account("dev", "111111111111", region="eu-west-1", color="B7CA9D", browser="firefox",
                      roles=(Role("Admin"),))
    return replace(Config(accounts=(account,)), settings=Settings(browser="chrome"))


def test_jobs_are_functions_of_their_arguments():
    end = datetime.now(UTC) + timedelta(hours=1)
    config = _config_with_browser()
    targets = list_targets(config, include_profiles=False)
    outcome = credentials_job(_FakeCore(end), config, targets, "dev/Admin", "env", None)
    assert (outcome.target.name, outcome.text, outcome.expiration, outcome.error) == (
        "dev/Admin", "env creds for eu-west-1", end, None)

    opened = []

    def open_browser(url, **kw):
        opened.append((url, kw))
        return "firefox"

    outcome = console_job(_FakeCore(end), config, targets, "dev", "us-east-1", None, open_browser)
    assert outcome.text == "Console for dev/Admin in us-east-1 opened (firefox)"
    assert opened == [("https://signin.example/dev/Admin?region=us-east-1",
                       {"account": "dev", "color": "B7CA9D", "spec_text": "firefox"})]


def test_a_step_failing_after_the_session_was_made_keeps_its_expiration():
    end = datetime.now(UTC) + timedelta(hours=1)
    config = _config_with_browser()
    targets = list_targets(config, include_profiles=False)
    broken = InputError("unknown format")
    outcome = credentials_job(_FakeCore(end, broken), config, targets, "dev/Admin", "nope", None)
    assert (outcome.error, outcome.expiration) == (broken, end)

    def no_browser(url, **kw):
        raise InputError("browser firefox is not installed")

    outcome = console_job(_FakeCore(end), config, targets, "dev/Admin", None, None, no_browser)
    assert str(outcome.error) == "browser firefox is not installed" and outcome.expiration == end


def _names(controller: Controller) -> list[str]:
    return [t.name for t in controller.targets()]


def test_a_config_created_after_start_is_picked_up(qtbot, core_env, monkeypatch, capsys):
    from switcher.cli.main import main

    # a first `switcher add` after the tray started: not even the directories exist yet
    home = core_env.parent.parent / "home"
    home.mkdir()
    config_dir = home / ".config" / "switcher"
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(config_dir))
    c = Controller()
    try:
        assert not config_dir.parent.exists() and _names(c) == []
        assert main(["add", "later", "--account", "333333333333", "--role", "Ops"]) == 0
        qtbot.waitUntil(lambda: "later/Ops" in _names(c), timeout=5000)
        # and the file keeps being followed once it exists
        assert main(["add", "later", "--account", "333333333333", "--role", "Dev"]) == 0
        qtbot.waitUntil(lambda: "later/Dev" in _names(c), timeout=5000)
    finally:
        c.shutdown()
    capsys.readouterr()


def test_an_aws_config_created_after_start_is_picked_up(qtbot, core_env, monkeypatch):
    aws_config = core_env.parent.parent / "no-aws-yet" / ".aws" / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    c = Controller(config_path=core_env)
    try:
        assert "later-admin" not in _names(c)
        aws_config.parent.mkdir(parents=True)
        aws_config.write_text("[profile later-admin]\nrole_arn = arn:aws:iam::444444444444:role/Admin\n"
                              "source_profile = base\n")
        qtbot.waitUntil(lambda: "later-admin" in _names(c), timeout=5000)
    finally:
        c.shutdown()


def test_an_unrelated_change_beside_a_missing_config_dir_reloads_nothing(qtbot, core_env, monkeypatch):
    parent = core_env.parent.parent / "home-like"
    parent.mkdir()
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(parent / "switcher"))
    c = Controller()
    try:
        changed = []
        c.targets_changed.connect(lambda: changed.append(True))
        (parent / "notes.txt").write_text("a file the user saved at home\n")
        qtbot.wait(600)
        assert changed == []
        assert str(parent) in c._watcher.directories()
    finally:
        c.shutdown()
