"""First run: imports go to the user's real config after a preview, and the running tray
leaves the sandbox for the real config without a restart."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from switcher.core import config as config_store
from switcher.gui.first_run import FirstRunWindow

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

AWS_CONFIG = """\
[profile base]
region = us-east-1

[profile legacy-admin]
role_arn = arn:aws:iam::777777777777:role/LegacyAdmin
source_profile = base
region = eu-west-1
"""


@pytest.fixture
def paths(tmp_path):
    aws = tmp_path / "aws-config"
    aws.write_text(AWS_CONFIG)
    return tmp_path / "real" / "config.toml", aws


@pytest.fixture
def answer(monkeypatch):
    """The user's reply to the confirmation box (a modal dialog cannot be clicked here)."""
    asked = []

    def set_reply(reply):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return reply

        monkeypatch.setattr(QMessageBox, "question", question)
        monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: asked.append(a[2]))
        monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a[2]))
        return asked

    return set_reply


def test_import_from_aws_config_after_confirmation(qtbot, paths, answer):
    real, aws = paths
    window = FirstRunWindow(real_config=real, real_aws_config=aws)
    qtbot.addWidget(window)
    assert window.import_aws.isEnabled()
    assert "1 role profile found" in window.import_aws.description()
    asked = answer(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.left_sandbox, timeout=5000):
        assert window.import_aws_config() is True
    assert "added 1 account, 1 role" in asked[0] and str(real) in asked[0]
    targets = [f"{a.alias}/{r.name}" for a in config_store.load(real).accounts for r in a.roles]
    assert targets == ["legacy-admin/LegacyAdmin"]


def test_declining_writes_nothing(qtbot, paths, answer):
    real, aws = paths
    window = FirstRunWindow(real_config=real, real_aws_config=aws)
    qtbot.addWidget(window)
    answer(QMessageBox.StandardButton.No)
    assert window.import_aws_config() is False
    assert not real.exists()


def test_no_profiles_means_no_import_button(qtbot, tmp_path):
    window = FirstRunWindow(real_config=tmp_path / "c.toml", real_aws_config=tmp_path / "none")
    qtbot.addWidget(window)
    assert not window.import_aws.isEnabled()
    assert "No role profiles" in window.import_aws.description()


def test_leaving_the_sandbox_switches_the_running_tray_to_the_real_config(qtbot, paths, monkeypatch):
    from switcher.gui.tray_app import TrayApp
    from switcher.sandbox import Sandbox

    real, aws = paths
    monkeypatch.setenv("SWITCHER_CONFIG_DIR", str(real.parent))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws))
    from switcher.core.share import importer

    importer.apply(lambda c: importer.plan_aws_config_file(c, aws), real)
    sandbox = Sandbox().activate()
    try:
        assert os.environ["SWITCHER_CONFIG_DIR"] != str(real.parent)
        app = TrayApp(QApplication.instance(), sandbox=True, sandbox_obj=sandbox,
                      real_paths=(real, aws), icon=QSystemTrayIcon())
        app.menu.rebuild()
        assert "acme-dev/Developer" in [t.name for t in app.controller.targets()]
        app.leave_sandbox()
        assert os.environ["SWITCHER_CONFIG_DIR"] == str(real.parent)  # sandbox env undone
        assert app.controller.config_path == real
        assert [t.name for t in app.controller.targets()] == ["legacy-admin/LegacyAdmin"]
        assert not app.menu.menu.actions()[0].text().startswith("Sandbox")
        assert "Sandbox" not in app.tray_obj.tooltip_text()
        assert app.status()["sandbox"] is False
        app.controller.shutdown()
    finally:
        sandbox.stop()


ESR_TWO = """\
[profile acme-data]
aws_account_id = 444444444444
role_name = Analyst

[profile acme-ops]
aws_account_id = 555555555555
role_name = Operator

[profile acme-data-again]
aws_account_id = 444444444444
role_name = Analyst
"""


def test_pasted_esr_with_an_error_keeps_the_dialog_and_the_text(qtbot, tmp_path):
    real = tmp_path / "real" / "config.toml"
    window = FirstRunWindow(real_config=real, real_aws_config=tmp_path / "none")
    qtbot.addWidget(window)
    dialog = window.import_esr()
    pasted = ESR_TWO + "\n[profile broken]\nrole_name = NoAccount\n"
    dialog.text.setPlainText(pasted)
    dialog.preview_button.click()
    assert dialog.isVisible()
    assert dialog.text.toPlainText() == pasted
    assert "[broken]" in dialog.preview_box.message.text() and not dialog.import_button.isEnabled()
    dialog.do_import()  # Enter (the accept button) without a good preview writes nothing
    assert dialog.isVisible() and not real.exists()


def test_pasted_esr_shows_the_settings_preview_before_importing(qtbot, tmp_path):
    from switcher.gui.settings.transfer import ImportPreview

    real = tmp_path / "real" / "config.toml"
    window = FirstRunWindow(real_config=real, real_aws_config=tmp_path / "none")
    qtbot.addWidget(window)
    dialog = window.import_esr()
    assert isinstance(dialog.preview_box, ImportPreview)
    dialog.text.setPlainText(ESR_TWO)
    dialog.preview_button.click()
    lines = dialog.preview_box.lines()
    assert "would add account acme-data" in lines and "would add role acme-ops/Operator" in lines
    assert "would skip acme-data-again: already present as acme-data/Analyst" in lines
    assert not real.exists()  # nothing written by the preview
    with qtbot.waitSignal(window.left_sandbox, timeout=5000):
        dialog.import_button.click()
    assert not dialog.isVisible()
    assert sorted(a.alias for a in config_store.load(real).accounts) == ["acme-data", "acme-ops"]


def test_welcome_window_keyboard_focus_ring_enter_and_escape(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    window = FirstRunWindow(real_config=tmp_path / "c.toml", real_aws_config=tmp_path / "none")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.paste_esr.setFocus(Qt.FocusReason.TabFocusReason)
    unfocused = window.add_account.grab().toImage()
    qtbot.keyClick(window.paste_esr, Qt.Key.Key_Backtab)  # Shift+Tab back to "Add an account"
    qtbot.waitUntil(window.add_account.hasFocus)
    assert window.add_account.grab().toImage() != unfocused  # the focus is visible

    with qtbot.waitSignal(window.add_account_requested, timeout=2000):
        qtbot.keyClick(window.add_account, Qt.Key.Key_Return)
    assert not window.isVisible()

    window.show()
    qtbot.waitExposed(window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isVisible()
