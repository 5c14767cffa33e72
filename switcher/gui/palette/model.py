"""All targets as a Qt list model, plus the per-row state the palette shows (spinner,
time left). Time left comes from ``seconds_left`` (the controller's cache view: no network)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from switcher.core.search import label
from switcher.core.targets import Target
from switcher.gui.qt import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

TargetRole = Qt.ItemDataRole.UserRole + 1
NameRole = TargetRole + 1
SecondsLeftRole = TargetRole + 2
BusyRole = TargetRole + 3

Index = QModelIndex | QPersistentModelIndex


class TargetModel(QAbstractListModel):
    def __init__(self, seconds_left: Callable[[str], float | None] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._targets: list[Target] = []
        self._row_of: dict[str, int] = {}
        self._seconds_left = seconds_left or (lambda name: None)
        self._busy: str | None = None

    @property
    def targets(self) -> list[Target]:
        return self._targets

    def set_targets(self, targets: Sequence[Target]) -> None:
        self.beginResetModel()
        self._targets = list(targets)
        self._row_of = {t.name: i for i, t in enumerate(self._targets)}
        self.endResetModel()

    def row_of(self, name: str) -> int | None:
        return self._row_of.get(name)

    def set_busy(self, name: str | None) -> None:
        old, self._busy = self._busy, name
        for changed in {old, name} - {None}:
            self.touch(changed)

    @property
    def busy(self) -> str | None:
        return self._busy

    def touch(self, name: str) -> None:
        row = self._row_of.get(name)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._targets)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._targets):
            return None
        target = self._targets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return target.name
        if role == TargetRole:
            return target
        if role == NameRole:
            return target.name
        if role == SecondsLeftRole:
            return self._seconds_left(target.name)
        if role == BusyRole:
            return target.name == self._busy
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{label(target)} · {target.role_arn}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{target.name}, account {target.account_id}, {target.region}"
        return None
