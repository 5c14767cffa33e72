"""What the palette offers besides targets: its commands (typed after ``>``, or by their
keys) and the region list of "Open in region…", as one small list model and its painter.

The region list comes from botocore's partitions data when it is first asked for, never
at startup.
"""

from __future__ import annotations

from dataclasses import dataclass

from switcher.core.targets import Target
from switcher.gui.palette.delegate import paint_row_background
from switcher.gui.qt import (
    QAbstractListModel,
    QFont,
    QModelIndex,
    QPainter,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)

COMMAND_PREFIX = ">"
ChoiceRole = Qt.ItemDataRole.UserRole + 20
ROW_HEIGHT = 34
PAD = 12

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Choice:
    key: str  # a command's id, or a region code
    title: str
    detail: str = ""  # dimmed, after the title: what a command acts on, a region's name
    aside: str = ""  # right-aligned: a command's key, "account's region"
    strong: bool = False  # drawn in bold: the account's own region


@dataclass(frozen=True)
class Command:
    key: str
    title: str
    shortcut: str
    needs_target: bool


COMMANDS = (
    Command("settings", "Settings…", "Ctrl+,", needs_target=False),
    Command("region", "Open in region…", "Ctrl+R", needs_target=True),
    Command("url", "Copy console URL", "Shift+Enter", needs_target=True),
)


def _matches(query: str, *texts: str) -> bool:
    haystack = " ".join(texts).casefold()
    return all(word in haystack for word in query.casefold().split())


def command_choices(query: str, subject: str | None) -> list[Choice]:
    """The commands whose title has every word of ``query``; those acting on a target name
    it, and are left out when nothing is selected to act on."""
    out = []
    for command in COMMANDS:
        if command.needs_target and subject is None:
            continue
        if _matches(query, command.title):
            detail = f"for {subject}" if command.needs_target else ""
            out.append(Choice(command.key, command.title, detail, command.shortcut))
    return out


def region_label(code: str, name: str) -> str:
    return f"{code} — {name}" if name else code


def region_choices(target: Target, query: str = "") -> list[Choice]:
    """Every region of the target's partition with its name; the account's own is marked."""
    from switcher.core.partitions import region_names

    out = []
    for code, name in region_names(target.partition):
        if _matches(query, code, name):
            own = code == target.region
            out.append(Choice(code, region_label(code, name), aside="account's region" if own else "",
                              strong=own))
    return out


class ChoiceModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._choices: list[Choice] = []

    def set_choices(self, choices: list[Choice]) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self.endResetModel()

    def choices(self) -> list[Choice]:
        return list(self._choices)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        choice = self._choices[index.row()]
        if role == ChoiceRole:
            return choice
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return " — ".join(p for p in (choice.title, choice.detail) if p)
        return None


class ChoiceDelegate(QStyledItemDelegate):
    """Title, a dimmed detail, and the aside on the right; colours from the palette only."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        choice: Choice | None = index.data(ChoiceRole)
        if choice is None:
            return
        painter.save()
        rect = option.rect
        fg, dim = paint_row_background(painter, option)
        row = QRectF(rect.left() + PAD, rect.top(), rect.width() - 2 * PAD, rect.height())
        middle = Qt.AlignmentFlag.AlignVCenter
        aside_width = 0.0
        if choice.aside:
            painter.setPen(dim)
            aside_width = option.fontMetrics.horizontalAdvance(choice.aside) + PAD
            painter.drawText(row, Qt.AlignmentFlag.AlignRight | middle, choice.aside)
        bold = QFont(option.font)
        bold.setBold(choice.strong)
        painter.setFont(bold)
        painter.setPen(fg)
        title_rect = painter.boundingRect(row, Qt.AlignmentFlag.AlignLeft | middle, choice.title)
        painter.drawText(row, Qt.AlignmentFlag.AlignLeft | middle, choice.title)
        if choice.detail:
            painter.setFont(option.font)
            painter.setPen(dim)
            left = title_rect.right() + 10
            detail = QRectF(left, row.top(), max(row.right() - aside_width - left, 0), row.height())
            text = option.fontMetrics.elidedText(choice.detail, Qt.TextElideMode.ElideRight,
                                                 int(detail.width()))
            painter.drawText(detail, Qt.AlignmentFlag.AlignLeft | middle, text)
        painter.restore()
