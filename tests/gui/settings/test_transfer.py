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


def test_import_preview_saves_nothing_until_import(qtbot, window, controller, core_env):
    page = window.transfer
    page.kind.setCurrentIndex(0)  # ESR
    page.text.setPlainText(ESR)
    before = core_env.read_bytes()
    result = page.preview()
    lines = [page.preview_list.item(i).text() for i in range(page.preview_list.count())]
    assert "+ account acme-data" in lines and "+ role acme-ops/Operator" in lines
    assert page.import_button.isEnabled()
    assert core_env.read_bytes() == before
    page.text.setPlainText(ESR + "\n")  # any edit invalidates the preview
    assert not page.import_button.isEnabled()
    page.preview()
    assert page.do_import() is not None
    saved = config_store.load(core_env)
    assert {"acme-data", "acme-ops"} <= {a.alias for a in saved.accounts}
    assert result.changed
    qtbot.waitUntil(lambda: "acme-data/Analyst" in [t.name for t in controller.targets()], timeout=5000)


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

