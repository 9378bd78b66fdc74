"""The memo browser's list: every memo (journal, project, document, code, segment) with what
it is about, who wrote it and when; a proxy filters by kind and by text and sorts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from qualframe.app.gui.models.table_base import Index, RowsTableModel
from qualframe.coding.corpus.memo_entries import MemoEntry
from qualframe.coding.export.memo_report import local_time

EntryRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


class MemoListModel(RowsTableModel[MemoEntry]):
    HEADERS = ("Kind", "Memo", "About", "By", "Date")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        e = self.row_at(index)
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return e.kind_label
            if col == 1:
                return " ".join(e.heading.split())
            if col == 2:
                return e.about
            if col == 3:
                return e.author or ""
            return local_time(e.updated_at)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{e.kind_label} memo by {e.author or 'unknown'}, {local_time(e.created_at)}"
            if e.updated_at != e.created_at:
                tip += f"; edited {local_time(e.updated_at)}"
            if e.quote:
                tip += f"\n“{' '.join(e.quote.split())[:200]}”"
            return tip + "\n\n" + e.text[:600]
        if role == SortRole:
            return e.updated_at.isoformat() if col == 4 else str(self.data(index) or "").casefold()
        if role == EntryRole:
            return e
        return None


class MemoFilter(QSortFilterProxyModel):
    """Shows the memos of one kind (or all) whose title, text, topic or author contain the
    search text (case does not matter)."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.kind: str | None = None
        self.text = ""
        self.setSortRole(SortRole)

    def set_kind(self, kind: str | None) -> None:
        self.beginFilterChange()
        self.kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        assert isinstance(model, MemoListModel)
        e = model.rows[source_row]
        if self.kind is not None and e.kind != self.kind:
            return False
        if not self.text:
            return True
        hay = " ".join((e.title, e.text, e.about, e.author or "", e.quote)).casefold()
        return self.text in hay
