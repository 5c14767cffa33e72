"""Icons: the SVG tray badges from switcher/resources and colour swatches for accounts."""

from __future__ import annotations

from functools import lru_cache

from switcher import resources
from switcher.gui.qt import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap, QRectF, Qt


@lru_cache(maxsize=8)
def app_icon(state: str = "idle") -> QIcon:
    name = {"idle": "switcher.svg", "busy": "switcher-busy.svg", "sandbox": "switcher-sandbox.svg"}[state]
    return QIcon(resources.path(name))


def swatch(color: str | None, size: int = 16) -> QIcon:
    """A rounded square in the account colour; a transparent icon of the same size when it
    has none (an empty outlined square in a menu row looks like an unchecked checkbox)."""
    return _swatch(color, size, outline().rgba())


def outline() -> QColor:
    """The swatch's edge: the menu's text colour, faded, so that a pale account colour on a
    light menu, or a dark one on a dark menu, still shows where it ends."""
    edge = QColor(QGuiApplication.palette().color(QPalette.ColorRole.WindowText))
    edge.setAlphaF(0.55)
    return edge


@lru_cache(maxsize=256)
def _swatch(color: str | None, size: int, edge: int) -> QIcon:
    # keyed on the edge colour too: a switch to a dark scheme draws new icons
    icon = QIcon()
    # one pixmap per device pixel ratio: QIcon hands a 2x screen the 2x one instead of
    # scaling the 1x one up, which is what makes a swatch blurry at QT_SCALE_FACTOR=2
    for scale in (1, 2, 3):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        if color:
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            rect = QRectF(1.5, 1.5, size - 3, size - 3)
            painter.setPen(QColor.fromRgba(edge))
            painter.setBrush(QColor(f"#{color}"))
            painter.drawRoundedRect(rect, 3, 3)
            painter.end()
        icon.addPixmap(pixmap)
    return icon
