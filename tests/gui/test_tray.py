"""The tray menu's structure and actions (offscreen), and the tooltip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from switcher.core import config as config_store
from switcher.core.model import Account, Config, Role
from switcher.gui.controller import Controller
from switcher.gui.tray import GROUP_THRESHOLD, TARGET_PROPERTY, Tray, TrayMenu, format_left
from tests.fixtures.net import closed_port

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


@pytest.fixture
def controller(qtbot, core_env, monkeypatch):
    # actions really start; with nothing listening they fail fast instead of reaching AWS
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{closed_port()}")
    c = Controller(config_path=core_env)
    yield c
    c.shutdown()
    c.jobs.pool.waitForDone(60_000)


def texts(menu) -> list[str]:
    return [a.text() for a in menu.actions()]


def submenu(menu, prefix: str):
    for action in menu.actions():
        if action.menu() is not None and action.text().startswith(prefix):
            return action.menu()
    raise AssertionError(f"no submenu {prefix!r} in {texts(menu)}")


def show_and_fill(qtbot, menu):
    menu.aboutToShow.emit()  # what Qt emits when the user opens it
    return menu


def test_menu_lists_accounts_roles_and_fixed_entries(qtbot, controller):
    m = TrayMenu(controller)
    items = texts(m.menu)
    assert items[0] == "Accounts"  # section header
    assert items[1:3] == ["dev\t111111111111", "prod\t222222222222"]
    assert items[-4:] == ["Search…\tCtrl+Alt+A", "Settings…", "", "Quit"]
    dev = submenu(m.menu, "dev")
    assert not dev.icon().isNull()  # the colour swatch
    assert texts(dev) == ["Admin", "team/ReadOnly"]
    assert [a.property(TARGET_PROPERTY) for a in dev.actions()] == ["dev/Admin", "dev/team/ReadOnly"]
    role = show_and_fill(qtbot, submenu(dev, "Admin"))
    assert texts(role) == ["Open console", "Open console in region", "Copy credentials",
                           "Copy console URL", "Copy Switch Role link"]
    formats = submenu(role, "Copy credentials")
    assert texts(formats) == ["Shell exports (bash, zsh)", "fish", "PowerShell",
                              "JSON (credential_process)", "Credentials file block (INI)"]
    regions = submenu(role, "Open console in region")
    assert texts(regions) == []  # filled when first shown
    regions = texts(show_and_fill(qtbot, regions))
    assert "eu-central-1 — Europe (Frankfurt)" in regions
    assert not any("us-gov" in r for r in regions)


def test_recent_targets_come_first(qtbot, controller):
    for name in ("prod/Deploy", "dev/Admin"):
        controller.usage().record(name)
    m = TrayMenu(controller)
    items = texts(m.menu)
    assert items[:3] == ["Recent", "dev/Admin", "prod/Deploy"]


def test_many_accounts_are_grouped_by_letter(qtbot, core_env):
    accounts = tuple(
        Account(f"{letter}-team-{i}", f"{i:012d}", roles=(Role("Admin"),))
        for i, letter in enumerate(["alpha", "beta", "gamma"] * 20)
    )
    config_store.save(Config(accounts=accounts), core_env)
    c = Controller(config_path=core_env, watch=False)
    m = TrayMenu(c)
    assert len(accounts) > GROUP_THRESHOLD
    items = texts(m.menu)
    assert items[0] == "Accounts (60)"
    assert items[1:4] == ["A  (20)", "B  (20)", "G  (20)"]
    group = submenu(m.menu, "G")
    assert texts(group) == []  # its accounts are made when it is opened
    assert len(texts(show_and_fill(qtbot, group))) == 20
    account = submenu(group, "gamma-team-2")
    assert texts(account) == []  # and an account's roles when that is opened
    assert texts(show_and_fill(qtbot, account)) == ["Admin"]
    assert submenu(account, "Admin") is not None
    assert [a.property(TARGET_PROPERTY) for a in account.actions()] == ["gamma-team-2/Admin"]
    assert "With this many accounts" in m.menu.actions()[-4].toolTip()


def test_a_letter_of_many_accounts_holds_ranges_of_them(qtbot, core_env):
    from switcher.gui.tray_sso import GROUP_SIZE

    count = 2 * GROUP_SIZE + 5
    accounts = tuple(Account(f"acme-{i:04d}", f"{i + 1:012d}", roles=(Role("Admin"), Role("Read")))
                     for i in range(count))
    config_store.save(Config(accounts=accounts), core_env)
    c = Controller(config_path=core_env, watch=False)
    m = TrayMenu(c)
    assert texts(m.menu)[:2] == [f"Accounts ({count})", f"A  ({count})"]
    letter = show_and_fill(qtbot, submenu(m.menu, "A"))
    assert texts(letter) == [f"acme-0000 – acme-{GROUP_SIZE - 1:04d}  ({GROUP_SIZE})",
                             f"acme-{GROUP_SIZE:04d} – acme-{2 * GROUP_SIZE - 1:04d}  ({GROUP_SIZE})",
                             f"acme-{2 * GROUP_SIZE:04d} – acme-{count - 1:04d}  (5)"]
    last = show_and_fill(qtbot, letter.actions()[-1].menu())
    assert texts(last)[0] == f"acme-{2 * GROUP_SIZE:04d}\t{2 * GROUP_SIZE + 1:012d}"
    account = show_and_fill(qtbot, last.actions()[-1].menu())
    assert [a.property(TARGET_PROPERTY) for a in account.actions()] == [
        f"acme-{count - 1:04d}/Admin", f"acme-{count - 1:04d}/Read"]
    # every account is in exactly one range
    seen = []
    for action in letter.actions():
        seen += [t.split("\t")[0] for t in texts(show_and_fill(qtbot, action.menu()))]
    assert seen == [a.alias for a in accounts]


def test_clicking_a_role_entry_opens_its_console(qtbot, controller):
    m = TrayMenu(controller)
    dev = submenu(m.menu, "dev")
    started = []
    controller.switch_started.connect(lambda name, action: started.append((name, action)))
    dev.popup(QPoint(10, 10))
    qtbot.waitExposed(dev)
    rect = dev.actionGeometry(dev.actions()[1])
    qtbot.mouseClick(dev, Qt.MouseButton.LeftButton, pos=rect.center())
    assert started == [("dev/team/ReadOnly", "console")]
    assert not dev.isVisible()


def test_enter_on_a_role_entry_opens_its_console(qtbot, controller):
    m = TrayMenu(controller)
    dev = submenu(m.menu, "dev")
    started = []
    controller.switch_started.connect(lambda name, action: started.append((name, action)))
    dev.popup(QPoint(10, 10))
    qtbot.waitExposed(dev)
    dev.setActiveAction(dev.actions()[0])
    qtbot.keyClick(dev, Qt.Key.Key_Return)
    assert started == [("dev/Admin", "console")]


def test_menu_actions_call_the_controller(qtbot, controller):
    m = TrayMenu(controller)
    role = show_and_fill(qtbot, submenu(submenu(m.menu, "prod"), "Deploy"))
    calls = []
    controller.switch_started.connect(lambda name, action: calls.append((name, action)))
    for action in role.actions():
        if action.text() == "Copy Switch Role link":
            action.trigger()
    assert calls == [("prod/Deploy", "link")]
    assert QApplication.clipboard().text().startswith(
        "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=Deploy")
    submenu(role, "Copy credentials").actions()[3].trigger()
    show_and_fill(qtbot, submenu(role, "Open console in region")).actions()[0].trigger()
    assert calls[1:] == [("prod/Deploy", "creds"), ("prod/Deploy", "console")]


def test_menu_follows_config_changes(qtbot, controller, core_env):
    m = TrayMenu(controller)
    config_store.update(lambda c: c.without_account("prod"), core_env)
    qtbot.waitUntil(lambda: not any(t.startswith("prod") for t in texts(m.menu)), timeout=5000)


def test_sandbox_is_labelled_in_menu_and_tooltip(qtbot, controller):
    m = TrayMenu(controller, sandbox=True)
    assert texts(m.menu)[0].startswith("Sandbox")
    tray = Tray(controller, m, sandbox=True)
    assert tray.tooltip_text().startswith("Switcher — Sandbox")


def test_tooltip_names_sessions_and_time_left(qtbot, controller):
    tray = Tray(controller, TrayMenu(controller))
    assert tray.tooltip_text() == "Switcher\nNo active console sessions"
    now = datetime.now(UTC)
    controller._expiry.update({"dev/Admin": now + timedelta(minutes=50, seconds=30),
                               "prod/Deploy": now + timedelta(hours=2, minutes=5, seconds=30)})
    controller.sessions_changed.emit()
    assert tray.icon.toolTip() == "Switcher\ndev/Admin — 50 min left\nprod/Deploy — 2 h 05 min left"


def test_format_left():
    assert format_left(30) == "1 min"
    assert format_left(61 * 60) == "1 h 01 min"


def test_busy_icon_while_switching(qtbot, controller):
    tray = Tray(controller, TrayMenu(controller))
    idle = tray.icon.icon().cacheKey()
    controller.open_console("dev/Admin")
    assert tray.icon.icon().cacheKey() != idle
    assert "Switching…" in tray.icon.toolTip()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=60_000)
    assert tray.icon.icon().cacheKey() == idle


def test_an_open_menu_is_not_rebuilt_under_the_pointer(qtbot, controller, core_env):
    m = TrayMenu(controller)
    m.menu.popup(QPoint(10, 10))
    qtbot.waitExposed(m.menu)
    dev = submenu(m.menu, "dev")
    config_store.update(lambda c: c.without_account("prod"), core_env)
    qtbot.waitUntil(lambda: m._dirty, timeout=5000)
    assert submenu(m.menu, "dev") is dev  # still the one the user may be in
    m.menu.hide()
    m.menu.aboutToShow.emit()  # next opening shows the new config
    assert not any(t.startswith("prod") for t in texts(m.menu))


def test_search_entry_shows_the_current_palette_hotkey(qtbot, controller, core_env):
    from dataclasses import replace

    m = TrayMenu(controller)
    config_store.update(
        lambda c: replace(c, settings=replace(c.settings, palette_hotkey="Ctrl+Shift+Space")), core_env)
    qtbot.waitUntil(lambda: "Search…\tCtrl+Shift+Space" in texts(m.menu), timeout=5000)


def test_an_account_without_colour_has_a_blank_swatch_not_a_checkbox(qapp):
    from switcher.gui import icons

    blank = icons.swatch(None).pixmap(16, 16).toImage()
    assert blank.width() == 16  # same size: menu rows stay aligned
    assert all(blank.pixelColor(x, y).alpha() == 0 for x in range(16) for y in range(16))
    coloured = icons.swatch("F2B0A9").pixmap(16, 16).toImage()
    assert coloured.pixelColor(8, 8).name().upper() == "#F2B0A9"


def test_grouped_accounts_are_in_natural_order(qtbot, core_env):
    numbers = [329, 68, 7, 1000, 70] + list(range(100, 125))
    accounts = tuple(Account(f"romeo-dev-{n}", f"{n:012d}", roles=(Role("Admin"),)) for n in numbers)
    config_store.save(Config(accounts=accounts), core_env)
    c = Controller(config_path=core_env, watch=False)
    m = TrayMenu(c)
    assert len(accounts) > GROUP_THRESHOLD
    shown = [t.split("\t")[0] for t in texts(show_and_fill(qtbot, submenu(m.menu, "R")))]
    assert shown[:4] == ["romeo-dev-7", "romeo-dev-68", "romeo-dev-70", "romeo-dev-100"]
    assert shown[-2:] == ["romeo-dev-329", "romeo-dev-1000"]


def test_digit_aliases_give_one_group_per_first_character(qtbot, core_env):
    # natural order alone puts 1aa, 2bb, 10c: "1", "2", "1" again
    names = ["1aa", "2bb", "10c"] + [f"team-{i}" for i in range(GROUP_THRESHOLD)]
    accounts = tuple(Account(n, f"{i:012d}", roles=(Role("Admin"),)) for i, n in enumerate(names))
    config_store.save(Config(accounts=accounts), core_env)
    c = Controller(config_path=core_env, watch=False)
    m = TrayMenu(c)
    groups = [t for t in texts(m.menu)[1:] if "  (" in t]
    assert groups == ["1  (2)", "2  (1)", f"T  ({GROUP_THRESHOLD})"]
    shown = [t.split("\t")[0] for t in texts(show_and_fill(qtbot, submenu(m.menu, "1  ")))]
    assert shown == ["1aa", "10c"]


def test_the_region_list_is_every_region_of_the_partition_with_its_name(qtbot, controller):
    from switcher.core.partitions import region_names

    m = TrayMenu(controller)
    role = show_and_fill(qtbot, submenu(submenu(m.menu, "dev"), "Admin"))
    regions = show_and_fill(qtbot, submenu(role, "Open console in region"))
    shown = texts(regions)
    assert len(shown) == len(region_names("aws")) > 30
    assert "ap-southeast-2 — Asia Pacific (Sydney)" in shown
    # dev's own region (eu-west-1) is marked, and bold
    [own] = [a for a in regions.actions() if "account's region" in a.text()]
    assert own.text() == "eu-west-1 — Europe (Ireland)\taccount's region" and own.font().bold()
    started = []
    controller.switch_started.connect(lambda name, action: started.append((name, action)))
    own.trigger()
    assert started == [("dev/Admin", "console")]


def test_an_expiring_session_is_offered_for_renewal_in_the_menu(qtbot, controller):
    m = TrayMenu(controller)
    now = datetime.now(UTC)
    controller.session_tracker.note("dev/Admin", now + timedelta(seconds=290))
    controller.session_tracker.note("prod/Deploy", now + timedelta(hours=1))  # not yet
    m.menu.aboutToShow.emit()
    assert texts(m.menu)[:2] == ["dev/Admin expires in 5 min — renew", ""]
    started = []
    controller.switch_started.connect(lambda name, action: started.append((name, action)))
    m.menu.actions()[0].trigger()
    assert started == [("dev/Admin", "console")]
    # renewed (or expired): the entry goes at the next opening
    controller.session_tracker.note("dev/Admin", now + timedelta(hours=1))
    m.menu.aboutToShow.emit()
    assert not any("expires" in t for t in texts(m.menu))
    assert texts(m.menu)[0] == "Accounts"


def test_the_expiry_notification_says_the_minutes_the_readme_promises(qtbot, controller):
    tray = Tray(controller, TrayMenu(controller))
    notes = []
    tray.notify = lambda title, message, error=False: notes.append((title, message))
    # the check runs every 15 s: the first one inside the window sees a bit under 300 s
    controller.session_tracker.note("dev/Admin", datetime.now(UTC) + timedelta(seconds=288))
    controller.check_expiry()
    assert notes == [("dev/Admin expires in 5 min", "Click to renew: a fresh console session opens.")]


@pytest.mark.parametrize("corner", ["top-right", "bottom-right"])
def test_menus_open_on_screen_toward_the_free_side(qtbot, controller, corner):
    screen = QApplication.primaryScreen().availableGeometry()
    m = TrayMenu(controller)
    at = QPoint(screen.right() - 2, screen.top() + 2 if corner == "top-right" else screen.bottom() - 2)
    m.menu.popup(at)
    qtbot.waitExposed(m.menu)
    assert screen.contains(m.menu.geometry()), (m.menu.geometry(), screen)
    # the account, its role and the role's region list, each one a level deeper
    parent, menus = m.menu, []
    for prefix in ("dev", "Admin", "Open console in region"):
        action = next(a for a in parent.actions() if a.menu() and a.text().startswith(prefix))
        parent.setActiveAction(action)
        sub = action.menu()
        qtbot.waitUntil(sub.isVisible, timeout=3000)
        menus.append(sub)
        parent = sub
    previous, went_left = m.menu, 0
    for sub in menus:
        assert screen.contains(sub.geometry()), (sub.geometry(), screen)
        if previous.geometry().left() - sub.width() >= screen.left():  # room on the left
            # toward the free side, never back over the menu it came from
            assert sub.geometry().right() <= previous.geometry().left() + 4, (sub.geometry(), previous.geometry())
            went_left += 1
        previous = sub
    assert went_left >= 2  # the account and the role submenus, at least
    assert len(menus[-1].actions()) > 30  # the region list was filled before it was placed
