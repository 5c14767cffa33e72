"""The tray menu's Identity Center section (offscreen) against the sandbox Identity Center
over HTTP: each source's sign-in state, Sign in… and Discover now as jobs off the main
thread, the progress entry, an expired sign-in's notification, and discovered targets
grouped in lazily filled submenus."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from switcher.core import config as config_store
from switcher.core.discovery import inventory
from switcher.core.model import SsoSource
from switcher.core.sso import sources, tokens
from switcher.core.sso.oidc import TokenSet
from switcher.gui import tray_sso
from switcher.gui.controller import Controller
from switcher.gui.tray import TARGET_PROPERTY, Tray, TrayMenu
from tests.fixtures.identity_center import running_stand_in, url_following_browser

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

START_URL = "https://d-tray.awsapps.com/start"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def stand_in():
    with running_stand_in(START_URL, REGION) as center:
        yield center


@pytest.fixture
def controller(qtbot, core_env, stand_in, tmp_path, monkeypatch):
    for name, value in stand_in.endpoint_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SWITCHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BROWSER", str(url_following_browser(tmp_path)))
    # webbrowser reads $BROWSER once per process: an earlier test's must not stay
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    config = config_store.load(core_env)
    config_store.save(replace(config, sso=(SsoSource("corp", START_URL, REGION),)), core_env)
    c = Controller(config_path=core_env)
    yield c
    c.shutdown()
    c.jobs.pool.waitForDone(60_000)


def _store(accounts: int) -> None:
    inventory.write(inventory.Inventory("sso", "corp", start_url=START_URL, region=REGION,
                                        listed_at=1.0, complete=True, accounts={
        f"{100_000_000_000 + n}": {
            "id": f"{100_000_000_000 + n}", "name": f"Team {n:03d}", "alias": f"Team-{n:03d}",
            "email": "", "roles": ["Admin", "ReadOnly"], "first_seen": 1.0, "last_seen": 1.0,
            "error": None} for n in range(accounts)}))


def texts(menu) -> list[str]:
    return [a.text() for a in menu.actions()]


def submenu(menu, prefix: str):
    for action in menu.actions():
        if action.menu() is not None and action.text().startswith(prefix):
            return action.menu()
    raise AssertionError(f"no submenu {prefix!r} in {texts(menu)}")


def opened(menu):
    menu.aboutToShow.emit()  # what Qt emits when the user opens it
    return menu


def _wait_state(qtbot, m: TrayMenu, status: str) -> None:
    m.identity_center.refresh()
    qtbot.waitUntil(lambda: getattr(m.identity_center.states.get("corp"), "status", None)
                    == status, timeout=30_000)


def test_each_source_shows_its_state_and_its_targets_grouped(qtbot, controller):
    _store(40)  # more accounts than GROUP_THRESHOLD: grouped by letter
    controller.reload()
    m = TrayMenu(controller)
    assert "Identity Center" in texts(m.menu)
    _wait_state(qtbot, m, tokens.NEVER)
    corp = submenu(m.menu, "corp")
    assert corp.title() == "corp — not signed in (80)"
    assert corp.actions() == []  # filled only when opened
    assert texts(opened(corp))[:2] == ["Sign in…", "Discover now"]
    group = opened(submenu(corp, "T"))
    assert texts(group)[0] == "Team-000\t100000000000" and len(texts(group)) == 40
    account = opened(submenu(group, "Team-039"))
    assert [a.property(TARGET_PROPERTY) for a in account.actions()] == [
        "Team-039/Admin", "Team-039/ReadOnly"]


def test_a_letter_of_many_discovered_accounts_holds_ranges(qtbot, controller):
    size = tray_sso.GROUP_SIZE
    _store(size + 30)  # all "Team-…": one letter
    controller.reload()
    m = TrayMenu(controller)
    corp = opened(submenu(m.menu, "corp"))
    letter = opened(submenu(corp, "T"))
    n = size + 30
    assert texts(letter) == [f"Team-000 – Team-{size - 1:03d}  ({size})",
                             f"Team-{size:03d} – Team-{n - 1:03d}  (30)"]
    second = opened(letter.actions()[1].menu())
    assert len(texts(second)) == 30 and texts(second)[0] == f"Team-{size:03d}\t{100_000_000_000 + size}"
    account = opened(second.actions()[-1].menu())
    assert [a.property(TARGET_PROPERTY) for a in account.actions()] == [
        f"Team-{n - 1:03d}/Admin", f"Team-{n - 1:03d}/ReadOnly"]


def test_sign_in_runs_in_a_job_and_the_state_follows(qtbot, controller, monkeypatch):
    threads = []
    real = tray_sso.sign_in

    def recording(config, name):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(config, name)

    monkeypatch.setattr(tray_sso, "sign_in", recording)
    m = TrayMenu(controller)
    _wait_state(qtbot, m, tokens.NEVER)
    tray = Tray(controller, m)
    notes = []
    monkeypatch.setattr(tray, "notify", lambda title, message, **kw: notes.append(message))
    action = next(a for a in opened(submenu(m.menu, "corp")).actions() if a.text() == "Sign in…")
    action.trigger()
    qtbot.waitUntil(lambda: bool(notes), timeout=30_000)
    assert notes == ["Signed in to corp"]
    assert threads == [False]
    qtbot.waitUntil(lambda: submenu(m.menu, "corp").title().startswith(
        "corp — signed in until "), timeout=30_000)


def test_an_expired_sign_in_is_a_notification_that_signs_in(qtbot, controller, monkeypatch):
    (source,) = sources.all_sources(controller.config, {})
    tokens.save(source, TokenSet("old-token", time.time() - 60, None))
    m = TrayMenu(controller)
    tray = Tray(controller, m)
    notes = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda title, message, *a: notes.append(
        (title, message)))
    _wait_state(qtbot, m, tokens.EXPIRED)
    assert notes == [("Identity Center: corp", "The sign-in has expired. Click to sign in.")]
    assert submenu(m.menu, "corp").title() == "corp — expired"
    tray.icon.messageClicked.emit()
    qtbot.waitUntil(lambda: ("Switcher", "Signed in to corp") in notes, timeout=30_000)


def test_discover_now_shows_progress_then_the_targets(qtbot, controller, monkeypatch):
    (source,) = sources.all_sources(controller.config, {})
    tokens.login(source, browser=None)
    m = TrayMenu(controller)
    _wait_state(qtbot, m, tokens.SIGNED_IN)
    seen = []
    m.identity_center._progress.connect(lambda name, text: seen.append(text))
    action = next(a for a in opened(submenu(m.menu, "corp")).actions()
                  if a.text() == "Discover now")
    action.trigger()
    # while it runs, the menu says so
    m.rebuild(force=True)
    assert any(t.startswith("Discovering corp") for t in texts(m.menu))
    qtbot.waitUntil(lambda: "Account-00002/PowerUserAccess" in {
        t.name for t in controller.targets()}, timeout=60_000)
    assert seen and seen[-1] == "Discovering corp… 3/3"
    m.rebuild(force=True)
    assert not any(t.startswith("Discovering") for t in texts(m.menu))
    assert submenu(m.menu, "corp").title().endswith("(9)")
