"""The Import / Export page: import preview, inline errors, export, copy."""

from __future__ import annotations

from switcher.core import config as config_store

from ..tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE

ESR = """\
[profile acme-data]
aws_account_id = 444444444444
role_name = Analyst
color = FAD791
region = eu-west-2

[profile acme-ops]
aws_account_id = 555555555555
role_name = Operator
"""


def _writes(monkeypatch) -> list:
    """Every write of the config file (each save, locked update or not, is one atomic
    replace through the store's one writer)."""
    written = []
    real_write = config_store._write
    monkeypatch.setattr(config_store, "_write", lambda text, path: (written.append(path), real_write(text, path))[1])
    return written


def test_import_is_a_preview_then_waits_in_the_editor_for_save(qtbot, window, controller, core_env, monkeypatch):
    written = _writes(monkeypatch)
    page = window.transfer
    page.kind.setCurrentIndex(0)  # ESR
    page.text.setPlainText(ESR)
    before = core_env.read_bytes()
    result = page.preview()
    lines = page.preview_box.lines()
    assert "would add account acme-data" in lines and "would add role acme-ops/Operator" in lines
    assert page.message.text().startswith("would add 2 accounts, 2 roles")
    assert page.import_button.isEnabled() and result.changed
    page.text.setPlainText(ESR + "\n")  # any edit invalidates the preview
    assert not page.import_button.isEnabled()
    page.preview()
    assert not window.is_dirty()
    assert page.do_import() is not None
    assert core_env.read_bytes() == before and written == []  # in the editor, not on disk
    assert "acme-data" in [d.get("alias") for d in window.accounts.drafts]
    assert window.is_dirty() and window.save_button.isEnabled()
    assert "not saved yet" in window.banner.text()

    assert window.save() is True
    assert len(written) == 1  # Save wrote it, once
    saved = config_store.load(core_env)
    assert {"acme-data", "acme-ops"} <= {a.alias for a in saved.accounts}
    assert "acme-data/Analyst" in [t.name for t in controller.targets()]
    # the file watcher sees Switcher's own write; that is no "changed on disk" news
    with qtbot.waitSignal(controller.targets_changed, timeout=3000):
        pass
    qtbot.wait(300)
    assert window.banner.text() == "Saved." and not window.reload_button.isVisible()
    assert len(written) == 1


def test_an_import_keeps_the_unsaved_edits_and_adds_roles_to_an_edited_account(qtbot, window, core_env):
    window.accounts.list.setCurrentRow(1)  # prod
    window.accounts.color.setText("FBBF93")
    page = window.transfer
    page.kind.setCurrentIndex(1)  # link
    page.text.setPlainText("https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=Viewer")
    page.preview()
    assert page.preview_box.lines() == ["would add role prod/Viewer"]
    page.do_import()
    assert window.save() is True
    prod = config_store.load(core_env).account("prod")
    assert prod.color == "FBBF93" and [r.name for r in prod.roles] == ["Deploy", "Viewer"]


def test_an_import_over_accounts_that_cannot_be_built_says_fix_them_first(qtbot, window, core_env):
    window.accounts.account_id.setText("123")
    page = window.transfer
    page.kind.setCurrentIndex(0)
    page.text.setPlainText(ESR)
    assert page.preview() is None
    assert page.message.text().startswith("Fix the accounts being edited first:")
    assert not page.import_button.isEnabled()


def test_import_errors_are_shown_inline(qtbot, window, core_env):
    page = window.transfer
    page.kind.setCurrentIndex(1)  # link
    page.text.setPlainText("https://evil.example.com/switchrole?account=123456789012&roleName=X")
    before = core_env.read_bytes()
    assert page.preview() is None
    assert page.message.text() and not page.import_button.isEnabled()
    assert core_env.read_bytes() == before


def test_export_shows_both_formats(qtbot, window):
    assert "111111111111" in window.transfer.export("esr")
    assert "role_arn = arn:aws:iam::111111111111:role/Admin" in window.transfer.export("aws-config")


def test_copy_puts_the_export_on_the_clipboard_as_plain_text(qtbot, window):
    from PySide6.QtGui import QGuiApplication

    from switcher.gui.clipboard import SECRET_HINT_MIME

    text = window.transfer.export("esr")
    window.transfer.copy_export.click()
    board = QGuiApplication.clipboard()
    assert board.text() == text
    assert not board.mimeData().hasFormat(SECRET_HINT_MIME)
    assert window.controller.clipboard.pending_clear_ms() == -1

