"""Icons: the SVG tray badges from switcher/resources and colour swatches for accounts."""

from __future__ import annotations

from functools import lru_cache

from switcher import resources
from switcher.gui.qt import QColor, QIcon, QPainter, QPixmap, QRectF, Qt


@lru_cache(maxsize=8)
def app_icon(state: str = "idle") -> QIcon:
    name = {"idle": "switcher.svg", "busy": "switcher-busy.svg", "sandbox": "switcher-sandbox.svg"}[state]
    return QIcon(resources.path(name))


@lru_cache(maxsize=256)
def swatch(color: str | None, size: int = 16) -> QIcon:
    """A rounded square in the account colour; a transparent icon of the same size when it
    has none (an empty outlined square in a menu row looks like an unchecked checkbox)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if not color:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    painter.setPen(QColor("#5f6b7a"))
    painter.setBrush(QColor(f"#{color}"))
    painter.drawRoundedRect(rect, 3, 3)
    painter.end()
    return QIcon(pixmap)
