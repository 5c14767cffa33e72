"""Paints one palette row: colour swatch, alias and role, account id and region, badges for
a role that needs an MFA code or an external id, the time left of a cached session, and a
spinner while that row's switch runs. Colours come from the view's palette (light or dark
scheme alike), except the account's own colour. Painted, not built
from widgets, so 10,000 rows cost nothing until they scroll into view."""

from __future__ import annotations

from switcher.core.search import label
from switcher.core.targets import Target
from switcher.gui import timefmt
from switcher.gui.palette.model import BusyRole, SecondsLeftRole, TargetRole
from switcher.gui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QModelIndex,
    QPainter,
    QPen,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)

ROW_HEIGHT = 46
PAD = 10
BADGE_PAD = 5


def badges(target: Target) -> list[str]:
    """What a row says the role needs before it can be assumed."""
    out = []
    if target.mfa_serial:
        out.append("MFA")
    if target.external_id:
        out.append("external id")
    return out


def format_left(seconds: float | None) -> str:
    if seconds is None or seconds <= 0:
        return ""
    return timefmt.format_left(seconds, under_a_minute="<1 min")


def paint_row_background(painter: QPainter, option: QStyleOptionViewItem) -> tuple[QColor, QColor]:
    """Fill a selected row with the highlight; return its text colour and a dimmed one,
    both from the palette (so a dark scheme reads as well as a light one)."""
    palette = option.palette
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    if selected:
        painter.fillRect(option.rect, palette.highlight())
    fg = palette.highlightedText().color() if selected else palette.text().color()
    dim = QColor(fg)
    dim.setAlphaF(0.62)
    return fg, dim


class TargetDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.spinner_phase = 0  # advanced by the window's timer while a switch runs
        self._fonts: tuple[str, QFont, QFont, QFontMetrics, QFontMetrics, QFontMetrics] | None = None

    def _fonts_for(self, font: QFont):
        # building fonts and metrics per row per paint was a third of the palette's show time
        key = font.key()
        if self._fonts is None or self._fonts[0] != key:
            bold = QFont(font)
            bold.setBold(True)
            small = QFont(font)
            small.setPointSizeF(max(font.pointSizeF() * 0.86, 7.0))
            self._fonts = (key, bold, small, QFontMetrics(bold), QFontMetrics(small), QFontMetrics(font))
        return self._fonts[1:]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        target: Target | None = index.data(TargetRole)
        if target is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        fg, dim = paint_row_background(painter, option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)

        bar = QRectF(rect.left() + PAD, rect.top() + 9, 6, rect.height() - 18)
        if target.color:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(f"#{target.color}"))
        else:  # no colour of its own: an outline in the text colour, not a grey guess
            painter.setPen(QPen(dim, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(bar, 3, 3)

        right = rect.right() - PAD
        if index.data(BusyRole):
            self._paint_spinner(painter, QRectF(right - 18, rect.center().y() - 9, 18, 18), fg)
            right -= 28
        left = format_left(index.data(SecondsLeftRole))
        left_text = f"{left} left" if left else ""
        bold, small, bold_metrics, small_metrics, metrics = self._fonts_for(option.font)
        if left_text:
            painter.setFont(small)
            width = small_metrics.horizontalAdvance(left_text) + 14
            chip = QRectF(right - width, rect.center().y() - 10, width, 20)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(46, 160, 67, 60 if not selected else 110))
            painter.drawRoundedRect(chip, 10, 10)
            painter.setPen(fg)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, left_text)
            right = int(chip.left()) - 8

        x = rect.left() + PAD + 16
        text_width = max(right - x, 10)
        top = QRectF(x, rect.top() + 5, text_width, rect.height() / 2 - 3)
        bottom = QRectF(x, rect.center().y() + 1, text_width, rect.height() / 2 - 5)

        alias = label(target)
        role = target.role_name if target.account_alias else f"{target.role_name} (profile)"
        alias_text = bold_metrics.elidedText(alias, Qt.TextElideMode.ElideRight, int(text_width * 0.6))
        painter.setFont(bold)
        painter.setPen(fg)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, alias_text)
        role_x = x + bold_metrics.horizontalAdvance(alias_text) + 8
        painter.setFont(option.font)
        role_rect = QRectF(role_x, top.top(), max(top.right() - role_x, 0), top.height())
        painter.drawText(role_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(role, Qt.TextElideMode.ElideMiddle,
                                                              int(role_rect.width())))
        painter.setFont(small)
        painter.setPen(dim)
        where = f"{target.account_id}  ·  {target.region}"
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, where)
        badge_x = bottom.left() + small_metrics.horizontalAdvance(where) + 10
        for badge in badges(target):
            width = small_metrics.horizontalAdvance(badge) + 2 * BADGE_PAD
            if badge_x + width > bottom.right():
                break
            pill = QRectF(badge_x, bottom.center().y() - 8, width, 16)
            painter.setPen(QPen(dim, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge)
            badge_x += width + 6
        painter.restore()

    def _paint_spinner(self, painter: QPainter, box: QRectF, color: QColor) -> None:
        pen = QPen(color, 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        start = -(self.spinner_phase * 30) * 16  # Qt angles are 1/16 degree
        painter.drawArc(box.adjusted(2, 2, -2, -2), start, 270 * 16)
