"""A console in a multi-session browser, from the tray: the real core against moto and the
local federation endpoint, the sixth-identity question answered by the test, the ledger,
and the tooltip and menu that show it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from switcher.core import config as config_store
from switcher.core.console_ledger import Identity, Ledger
from switcher.core.request import MULTI_SESSION_NOTE
from switcher.gui.controller import Controller
from switcher.gui.tray import Tray, TrayMenu

from .tray_env import QT_LOG_IGNORE, demo_config

pytestmark = QT_LOG_IGNORE

HERE, ISOLATED = "Open here anyway", "Open in an isolated profile"


@pytest.fixture
def chromium(core_env, tmp_path, monkeypatch) -> Path:
    """``chromium`` on PATH as a stand-in that writes the argv it was started with."""
    bin_dir, seen = tmp_path / "bin", tmp_path / "chromium.argv"
    bin_dir.mkdir()
    script = bin_dir / "chromium"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {seen}.tmp && mv {seen}.tmp {seen}\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    config_store.save(demo_config(browser="chromium", multi_session=True, logout_first=True),
                      core_env)
    return seen


@pytest.fixture
def controller(qtbot, core_env, chromium):
    c = Controller(config_path=core_env, watch=False)
    yield c
    c.shutdown()
    c.jobs.pool.waitForDone(30_000)


def _five_others() -> None:
    for n in range(1, 6):
        Ledger().record(Identity("chromium", f"other{n}/Admin", f"{n:012d}", "Admin",
                                 time.time() + 3600))


def _answer(button: str, asked: list[str]) -> None:
    """Clicks ``button`` of the sixth-identity question once it is up (it runs modal)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "sixthIdentityPrompt":
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        [found] = [b for b in box.buttons() if b.text() == button]
        found.click()

    QTimer.singleShot(0, click)


def _open(qtbot, controller, name="dev/Admin") -> tuple:
    events: list[tuple] = []
    controller.switch_succeeded.connect(lambda *a: events.append(("ok", *a)))
    controller.switch_failed.connect(lambda *a: events.append(("failed", *a)))
    controller.open_console(name)
    qtbot.waitUntil(lambda: bool(events), timeout=30_000)
    return events[0]


def _argv(seen: Path) -> list[str]:
    deadline = time.monotonic() + 10
    while not seen.exists():
        assert time.monotonic() < deadline, "chromium was never started"
        time.sleep(0.02)
    return seen.read_text().splitlines()


def test_a_first_identity_opens_without_a_question_and_notes_the_skipped_logout(
        qtbot, controller, chromium, aws_stack):
    event = _open(qtbot, controller)
    assert event[0] == "ok", event
    assert event[3].endswith(f"; {MULTI_SESSION_NOTE}")
    url = _argv(chromium)[-1]
    assert "Action=logout" not in url and "Action=login" in url
    [identity] = Ledger().live("chromium")
    assert (identity.target, identity.account_id, identity.role) == (
        "dev/Admin", "111111111111", "Admin")


def test_a_sixth_identity_is_offered_an_isolated_profile(qtbot, controller, chromium):
    _five_others()
    asked: list[str] = []
    _answer(ISOLATED, asked)
    event = _open(qtbot, controller)
    assert event[0] == "ok", event
    assert asked == ["chromium already holds 5 console identities signed in by Switcher; "
                     "dev/Admin would be a sixth."]
    argv = _argv(chromium)
    assert any(a.startswith("--user-data-dir=") and a.endswith("/chromium/dev") for a in argv)
    assert [i.target for i in Ledger().live("chromium:isolated:dev")] == ["dev/Admin"]
    assert len(Ledger().live("chromium")) == 5


def test_open_here_anyway_opens_in_the_same_browser(qtbot, controller, chromium):
    _five_others()
    asked: list[str] = []
    _answer(HERE, asked)
    event = _open(qtbot, controller)
    assert event[0] == "ok" and len(asked) == 1
    assert not any(a.startswith("--user-data-dir") for a in _argv(chromium))
    assert len(Ledger().live("chromium")) == 6


def test_cancel_opens_nothing_and_asks_aws_nothing(qtbot, controller, chromium, aws_stack):
    _five_others()
    asked: list[str] = []
    _answer("Cancel", asked)
    cancelled = []
    controller.switch_cancelled.connect(lambda *a: cancelled.append(a))
    event = _open(qtbot, controller)
    assert event == ("failed", "dev/Admin", "console", "") and cancelled
    assert aws_stack.events("sts", "AssumeRole") == [] and not chromium.exists()


def test_the_same_identity_again_is_no_sixth(qtbot, core_env, chromium):
    _five_others()
    Ledger().record(Identity("chromium", "dev/Admin", "111111111111", "Admin", time.time() + 60))
    Ledger().record(Identity("chromium", "other1/Admin", "000000000001", "Admin",
                             time.time() + 3600))  # still five live
    asked = []
    c = Controller(config_path=core_env, watch=False,
                   identity_offer=lambda *question: asked.append(question))
    try:
        event = _open(qtbot, c)
        assert event[0] == "ok" and asked == [], (event, asked)
    finally:
        c.shutdown()
        c.jobs.pool.waitForDone(30_000)


def test_tooltip_and_menu_show_the_live_identities_per_browser(qtbot, controller):
    now = time.time()
    Ledger().record(Identity("chromium", "dev/Admin", "111111111111", "Admin", now + 3030))
    Ledger().record(Identity("chromium", "prod/Deploy", "222222222222", "Deploy", now + 630))
    Ledger().record(Identity("firefox:container:dev", "dev/team/ReadOnly", "111111111111",
                             "team/ReadOnly", now + 1230))
    Ledger().record(Identity("chromium", "gone/Admin", "333333333333", "Admin", now - 1))
    menu = TrayMenu(controller)
    tray = Tray(controller, menu)
    lines = tray.tooltip_text().splitlines()
    assert lines[-2:] == ["In chromium: prod/Deploy, dev/Admin",
                          "In firefox:container:dev: dev/team/ReadOnly"]
    menu.refresh_identities()
    texts = [a.text() for a in menu.menu.actions()]
    start = texts.index("Signed in to the console in chromium (2)")
    assert texts[start:start + 5] == [
        "Signed in to the console in chromium (2)",
        "prod/Deploy — 10 min left", "dev/Admin — 50 min left",
        "Signed in to the console in firefox:container:dev (1)",
        "dev/team/ReadOnly — 20 min left"]
    search = next(i for i, text in enumerate(texts) if text.startswith("Search…"))
    assert texts[start + 5:search] == [""]  # a separator, then Search
    menu.refresh_identities()  # on every opening: replaced, not added twice
    assert [a.text() for a in menu.menu.actions()] == texts
