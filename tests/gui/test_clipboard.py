"""Clipboard rules: secrets marked for clipboard managers, cleared after the delay only if
the clipboard still holds them, links never cleared, cleared on quit."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from switcher.gui.clipboard import SECRET_HINT_MIME, Clipboard

from .tray_env import QT_LOG_IGNORE

pytestmark = QT_LOG_IGNORE


def board_text() -> str:
    return QGuiApplication.clipboard().text()


def test_secret_is_marked_and_cleared_after_the_delay(qtbot):
    clip = Clipboard()
    clip.copy("export AWS_SECRET_ACCESS_KEY=abc", secret=True, clear_after=1)
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == "export AWS_SECRET_ACCESS_KEY=abc"
    assert bytes(data.data(SECRET_HINT_MIME)) == b"secret"
    qtbot.wait(400)
    assert board_text() == "export AWS_SECRET_ACCESS_KEY=abc"  # not before the delay
    qtbot.waitUntil(lambda: board_text() == "", timeout=3000)


def test_content_copied_by_the_user_meanwhile_is_left_alone(qtbot):
    clip = Clipboard()
    clip.copy("secret-url", secret=True, clear_after=1)
    QGuiApplication.clipboard().setText("something the user copied")
    qtbot.wait(1500)
    assert board_text() == "something the user copied"
    assert clip.pending_clear_ms() == -1


def test_links_are_not_secret_and_not_cleared(qtbot):
    clip = Clipboard()
    clip.copy("https://signin.aws.amazon.com/switchrole?account=1", secret=False, clear_after=1)
    assert not QGuiApplication.clipboard().mimeData().hasFormat(SECRET_HINT_MIME)
    qtbot.wait(1500)
    assert board_text().startswith("https://signin.aws.amazon.com/switchrole")


def test_a_later_link_cancels_the_pending_clear(qtbot):
    clip = Clipboard()
    clip.copy("secret", secret=True, clear_after=1)
    clip.copy("https://link", secret=False)
    qtbot.wait(1500)
    assert board_text() == "https://link"


def test_clear_on_quit_only_when_ours(qtbot):
    clip = Clipboard()
    clip.copy("secret", secret=True, clear_after=30)
    assert clip.clear_if_ours() is True and board_text() == ""
    clip.copy("secret", secret=True, clear_after=30)
    QGuiApplication.clipboard().setText("mine")
    assert clip.clear_if_ours() is False and board_text() == "mine"


def test_zero_delay_keeps_it_until_quit(qtbot):
    clip = Clipboard()
    clip.copy("secret", secret=True, clear_after=0)
    assert clip.pending_clear_ms() == -1
    assert bytes(QGuiApplication.clipboard().mimeData().data(SECRET_HINT_MIME)) == b"secret"
    assert clip.clear_if_ours() is True and board_text() == ""
