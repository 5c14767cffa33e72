"""A tiny Qt app run under the test display: tray icon, a titled window, the clipboard.

Prints one line per event on stdout so the test can follow along:
``tray <available>``, ``shown``, ``copied <text>``; Escape quits.
"""

import sys

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QLineEdit, QSystemTrayIcon

TITLE = "Switcher fixture probe"
ICON_RGB = (255, 128, 0)


class Probe(QLineEdit):
    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:
            QApplication.quit()
        elif event.key() in (Qt.Key_Return, Qt.Key_Enter):
            mime = QMimeData()
            mime.setText(self.text())
            mime.setData("x-kde-passwordManagerHint", b"secret")
            QApplication.clipboard().setMimeData(mime)
            print("copied", self.text(), flush=True)
        else:
            super().keyPressEvent(event)


def main():
    app = QApplication(sys.argv)
    print("tray", QSystemTrayIcon.isSystemTrayAvailable(), flush=True)
    pixmap = QPixmap(22, 22)
    pixmap.fill(QColor(*ICON_RGB))
    icon = QSystemTrayIcon(QIcon(pixmap))
    icon.setToolTip(TITLE)
    icon.show()
    window = Probe()
    window.setWindowTitle(TITLE)
    window.resize(300, 40)
    window.move(200, 200)
    window.show()
    print("shown", flush=True)
    sys.exit(app.exec())


if __name__ == "__main__":
    main()
