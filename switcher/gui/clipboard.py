"""Clipboard with KeePassXC's rules: secrets are marked for clipboard managers and cleared
after a delay, but only if the clipboard still holds what we put there (the user may have
copied something else meanwhile, which we must not wipe)."""

from __future__ import annotations

from switcher.gui.qt import QClipboard, QGuiApplication, QMimeData, QObject, QTimer

# KDE Klipper and others skip history for content carrying this hint.
SECRET_HINT_MIME = "x-kde-passwordManagerHint"


class Clipboard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._secret: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_if_ours)

    @property
    def _board(self) -> QClipboard:
        return QGuiApplication.clipboard()

    def copy(self, text: str, *, secret: bool, clear_after: int = 30) -> None:
        data = QMimeData()
        data.setText(text)
        if secret:
            data.setData(SECRET_HINT_MIME, b"secret")
        self._board.setMimeData(data, QClipboard.Mode.Clipboard)
        if secret:
            self._secret = text  # cleared on quit even when the delay is "never"
            if clear_after > 0:
                self._timer.start(clear_after * 1000)
            else:
                self._timer.stop()
        else:
            # a later non-secret copy replaced the secret: nothing left for us to clear
            self._secret = None
            self._timer.stop()

    def holds_our_secret(self) -> bool:
        if self._secret is None:
            return False
        board = self._board
        if board.supportsSelection() or QGuiApplication.platformName() == "xcb":
            # On X11 owning the selection is the reliable test; text alone could be a copy
            # of our own text made by a clipboard manager that took ownership.
            if not board.ownsClipboard():
                return False
        return board.text(QClipboard.Mode.Clipboard) == self._secret

    def clear_if_ours(self) -> bool:
        cleared = False
        if self.holds_our_secret():
            self._board.clear(QClipboard.Mode.Clipboard)
            cleared = True
        self._secret = None
        self._timer.stop()
        return cleared

    def pending_clear_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else -1
