"""The palette's view of ``TargetModel``: the rows ``SearchIndex`` ranks for the query, in
rank order. QSortFilterProxyModel would call a Python filter per row and then sort again;
here one ranking call yields the whole row order, so a keystroke over 10,000 targets stays
within a few milliseconds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from switcher.core.search import SearchIndex
from switcher.gui.palette.model import TargetModel
from switcher.gui.qt import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
# Nobody scrolls past a few hundred matches; the view's relayout after a reset costs about
# 1 us per row, so a typed query shows the best 500 (the empty query still lists all).
MATCH_LIMIT = 500


class RankedModel(QAbstractListModel):
    def __init__(self, source: TargetModel, parent=None) -> None:
        super().__init__(parent)
        self._source = source
        self._index = SearchIndex([])
        self._rows: list[int] = []
        self._query = ""
        self._usage: tuple[Mapping[str, float], list[str]] = ({}, [])
        source.modelReset.connect(self._rebuild)
        source.dataChanged.connect(self._forward_changed)
        self._rebuild()

    @property
    def query(self) -> str:
        return self._query

    def set_usage(self, scores: Mapping[str, float], recents: Iterable[str],
                  query: str | None = None) -> None:
        self._usage = (dict(scores), list(recents))
        self._index.set_usage(*self._usage)
        self.set_query(self._query if query is None else query, force=True)

    def set_query(self, query: str, *, force: bool = False) -> None:
        if query == self._query and not force:
            return
        self._query = query
        rows = self._index.search(query, MATCH_LIMIT if query.strip() else None)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    @property
    def total_matches(self) -> int:
        return self._index.last_total

    def source_row(self, row: int) -> int:
        return self._rows[row]

    def row_for_source(self, source_row: int) -> int | None:
        try:
            return self._rows.index(source_row)
        except ValueError:
            return None

    def _rebuild(self) -> None:
        self._index = SearchIndex(self._source.targets, *self._usage)
        self.set_query(self._query, force=True)

    def _forward_changed(self, top: QModelIndex, bottom: QModelIndex, roles=()) -> None:
        # single-row changes (spinner, time left) are the common case; map just those
        if top.row() == bottom.row():
            row = self.row_for_source(top.row())
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)
        elif self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._source.data(self._source.index(self._rows[index.row()]), role)
