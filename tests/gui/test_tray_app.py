"""The running app around Settings: in sandbox mode the first edit asks to move to the real
config and carries the edit over; Quit asks about unsaved edits (Cancel keeps the app).
And what the tray holds idle: no palette and no botocore until someone shows intent."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from switcher.core import config as config_store
from switcher.core.model import Account, Config, Role

from .tray_env import QT_LOG_IGNORE, demo_config

pytestmark = QT_LOG_IGNORE


def _answer(box, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    button.click()


@pytest.fixture
def quits(monkeypatch):
    """Calls of the app's quit: the test's own QApplication must keep running."""
    calls = []
    monkeypatch.setattr(QApplication.instance(), "quit", lambda: calls.append(True))
    return calls


@pytest.fixture
def real_paths(tmp_path, monkeypatch):
    real = tmp_path / "real" / "config.toml"
    aws = tmp_path / "aws-config"
    aws.write_text("[profile base]\nregion = us-east-1\n")
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(real.parent))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    monkeypatch.setenv("SWITCHER_NO_FIRST_RUN", "1")
    return real, aws


@pytest.fixture
def sandbox_app(qtbot, real_paths):
    from switcher.gui.tray_app import TrayApp
    from switcher.sandbox import Sandbox

    sandbox = Sandbox().activate()
    app = TrayApp(QApplication.instance(), sandbox=True, sandbox_obj=sandbox,
                  real_paths=real_paths, icon=QSystemTrayIcon())
    yield app
    if app.settings_window is not None:
        app.settings_window.accounts.model.load(())  # nothing left to ask about
        app.settings_window.general.load(app.controller.config.settings, start_at_login=False)
        app.settings_window.deleteLater()
    app.shutdown()


def test_the_first_edit_in_the_sandbox_asks_and_carries_it_into_the_real_config(qtbot, sandbox_app, real_paths):
    real, _aws = real_paths
    sandbox_app.open_settings()
    window = sandbox_app.settings_window
    assert window.sandbox_banner.isVisible() and "discarded" in window.sandbox_banner.text()
    assert window.real_config_button.isVisible()
    demo = [d["alias"] for d in window.accounts.drafts]
    assert demo  # the sandbox's demo accounts

    window.accounts.add_account()
    qtbot.keyClicks(window.accounts.alias, "my")
    qtbot.waitUntil(lambda: window.sandbox_prompt is not None and window.sandbox_prompt.isVisible())
    assert str(real) in window.sandbox_prompt.text()
    qtbot.keyClicks(window.accounts.alias, "-prod")  # typing on is not lost either
    _answer(window.sandbox_prompt, "Use my real config")

    assert sandbox_app.sandbox is False and window.sandbox is False
    assert sandbox_app.controller.config_path == real
    assert not window.sandbox_banner.isVisible() and not window.real_config_button.isVisible()
    assert [d.get("alias") for d in window.accounts.drafts] == ["my-prod"]  # no demo account
    assert window.accounts.alias.text() == "my-prod" and window.is_dirty()
    assert "real config" in window.banner.text() and not real.exists()  # Save writes it

    window.accounts.account_id.setText("123456789012")
    window.accounts.add_role()
    window.accounts.roles.item(0, 0).setText("Admin")
    assert window.save() is True, window.banner.text()
    saved = config_store.load(real)
    assert saved.accounts == (Account("my-prod", "123456789012", roles=(Role("Admin"),)),)
    assert [t.name for t in sandbox_app.controller.targets()] == ["my-prod/Admin"]


def test_staying_in_the_sandbox_keeps_saying_that_changes_are_discarded(qtbot, sandbox_app, real_paths):
    real, _aws = real_paths
    sandbox_app.open_settings()
    window = sandbox_app.settings_window
    window.general.clear_delay.setValue(45)
    qtbot.waitUntil(lambda: window.sandbox_prompt is not None and window.sandbox_prompt.isVisible())
    _answer(window.sandbox_prompt, "Keep playing in the sandbox")
    assert sandbox_app.sandbox is True and window.sandbox_banner.isVisible()
    prompt = window.sandbox_prompt
    window.general.clear_delay.setValue(50)
    qtbot.wait(50)
    assert window.sandbox_prompt is prompt and not prompt.isVisible()  # asked once only
    # the banner's button still leads out, with the edit
    window.real_config_button.click()
    assert sandbox_app.sandbox is False
    assert window.general.clear_delay.value() == 50 and window.is_dirty()
    assert window.save() is True
    assert config_store.load(real).settings.clipboard_clear_seconds == 50


@pytest.fixture
def real_app(qtbot, core_env):
    from switcher.gui.tray_app import TrayApp

    app = TrayApp(QApplication.instance(), sandbox=False, icon=QSystemTrayIcon())
    yield app
    if app.settings_window is not None:
        app.settings_window.deleteLater()
    app.shutdown()


def test_quit_with_unsaved_edits_asks_and_cancel_keeps_the_app(qtbot, real_app, quits, core_env):
    real_app.open_settings()
    window = real_app.settings_window
    window.general.clear_delay.setValue(45)
    window.hide()  # out of sight: Quit from the tray brings it back to ask
    real_app.quit()
    assert quits == [] and window.isVisible() and window.unsaved_prompt.isVisible()
    assert real_app.status()["settings"] == {"visible": True, "unsaved": True, "banner": ""}
    _answer(window.unsaved_prompt, "Cancel")
    assert quits == [] and window.isVisible() and window.general.clear_delay.value() == 45

    real_app.quit()
    _answer(window.unsaved_prompt, "Discard")
    assert quits == [True]
    assert config_store.load(core_env).settings.clipboard_clear_seconds == 30


def test_quit_with_unsaved_edits_can_save_first(qtbot, real_app, quits, core_env):
    real_app.open_settings()
    real_app.settings_window.general.clear_delay.setValue(45)
    real_app.quit()
    _answer(real_app.settings_window.unsaved_prompt, "Save")
    assert quits == [True]
    assert config_store.load(core_env).settings.clipboard_clear_seconds == 45


def test_quit_without_edits_quits_at_once(qtbot, real_app, quits):
    real_app.quit()
    assert quits == [True]
    real_app.open_settings()
    real_app.quit()
    assert quits == [True, True]


def test_leaving_the_sandbox_without_settings_open_still_works(qtbot, sandbox_app, real_paths):
    real, _aws = real_paths
    config_store.save(Config(accounts=(Account("mine", "999999999999", roles=(Role("Ops"),)),)), real)
    sandbox_app.leave_sandbox()
    assert [t.name for t in sandbox_app.controller.targets()] == ["mine/Ops"]
    sandbox_app.open_settings()
    assert not sandbox_app.settings_window.sandbox_banner.isVisible()


# The tray as `switcher tray` leaves it alone, in a process of its own (this one has imported
# everything already): what it holds idle, and what the first showing of the palette adds.
IDLE_AND_SHOWN = r"""
import json, sys, time
from switcher.gui import app as tray_main
from switcher.gui.qt import QSystemTrayIcon
from switcher.gui.tray_app import TrayApp

app = tray_main.new_app()
tray = TrayApp(app, sandbox=False, icon=QSystemTrayIcon())
tray.start()

def spin(until, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.01)

WATCHED = ("switcher.gui.palette.window", "rapidfuzz.process", "botocore.session",
           "switcher.core.aws.sts")

def state():
    return {"built": tray.quickswitch.palette_is_built,
            "palette": tray.status()["palette"],
            "imported": sorted(m for m in WATCHED if m in sys.modules)}

spin(lambda: tray.started)
spin(lambda: tray._scanned)  # the idle scan, brought forward from 10 minutes
spin(lambda: not tray.controller.is_busy())
print(json.dumps(state()), flush=True)
tray.show_palette()
spin(lambda: tray.quickswitch.palette.isVisible())
try:
    spin(lambda: "botocore.session" in sys.modules and "rapidfuzz.process" in sys.modules)
finally:
    print(json.dumps(state()), flush=True)
    tray.shutdown()
"""


def test_the_idle_tray_builds_no_palette_and_imports_no_botocore_until_shown(tmp_path):
    config_dir = tmp_path / "switcher"
    config_store.save(demo_config(), config_dir / "config.toml")
    (tmp_path / "aws-config").write_text("")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SWITCHER_", "DBUS_", "PYTHON_KEYRING"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), SWITCHER_CONFIG_DIR=str(config_dir),
               SWITCHER_RUNTIME_DIR=str(tmp_path / "runtime"), AWS_CONFIG_FILE=str(tmp_path / "aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws-credentials"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), SWITCHER_NO_FIRST_RUN="1",
               SWITCHER_IDLE_SCAN_MS="100",
               # no cached sessions to find, and nothing of the user's keyring touched
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    done = subprocess.run([sys.executable, "-c", IDLE_AND_SHOWN], env=env, capture_output=True,
                          text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert len(lines) >= 2, done.stderr
    idle, shown = (json.loads(line) for line in lines[-2:])
    assert idle == {"built": False, "palette": "hidden", "imported": []}
    assert shown["built"] is True and shown["palette"] == "visible"
    # the warm-up ran once the palette was up: the first switch finds botocore imported
    assert {"switcher.gui.palette.window", "rapidfuzz.process", "botocore.session",
            "switcher.core.aws.sts"} <= set(shown["imported"])
    assert done.returncode == 0, done.stderr
