"""Navigator tree: documents grouped by kind, with the participant groups they contain."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import DocumentRecord
from qualframe.coding.corpus.documents import list_documents, segment_counts

GuidRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

KIND_TITLES = {"transcript": "Transcripts", "survey": "Survey questions"}


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind.replace("_", " ").capitalize() + "s")


class DocumentsModel(QAbstractItemModel):
    HEADERS = ("Document", "Group", "Coded")

    def __init__(self, project: Project, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.project = project
        self.kinds: list[str] = []
        self.docs: dict[str, list[DocumentRecord]] = {}
        self.by_guid: dict[str, DocumentRecord] = {}
        self.coders: frozenset[str] | None = None  # whose segments "Coded" counts (None: all)
        self.reload()

    def set_coders(self, coders: frozenset[str] | None) -> None:
        """Count the segments of ``coders`` only (the coder scope; blind coding)."""
        if coders == self.coders:
            return
        self.coders = coders
        self.update_counts(segment_counts(self.project, coders=coders))

    def update_counts(self, counts: dict[str, int]) -> None:
        """New segment counts for some documents (GUID → count), in place."""
        for guid, n in counts.items():
            old = self.by_guid.get(guid)
            if old is None or old.segment_count == n:
                continue
            new = replace(old, segment_count=int(n))
            self.by_guid[guid] = new
            docs = self.docs[new.kind]
            docs[docs.index(old)] = new
            idx = self.index_for(guid)
            self.dataChanged.emit(idx, idx.siblingAtColumn(2))

    def reload(self) -> None:
        self.beginResetModel()
        records = list_documents(self.project, coders=self.coders)
        order = {"transcript": 0, "survey": 1}
        self.docs = {}
        for r in records:
            self.docs.setdefault(r.kind, []).append(r)
        self.kinds = sorted(self.docs, key=lambda k: (order.get(k, 9), k))
        self.by_guid = {r.guid: r for r in records}
        self.endResetModel()

    # internal ids: 0 = kind row (row gives the kind); k+1 = documents of kind k
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if row < 0 or column < 0 or column >= len(self.HEADERS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self.kinds) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        kind = self.kinds[parent.row()]
        if row >= len(self.docs[kind]):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self.kinds)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.docs[self.kinds[parent.row()]])
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def document(self, index: Index) -> DocumentRecord | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self.docs[self.kinds[index.internalId() - 1]][index.row()]

    def index_for(self, guid: str) -> QModelIndex:
        rec = self.by_guid.get(guid)
        if rec is None:
            return QModelIndex()
        k = self.kinds.index(rec.kind)
        return self.createIndex(self.docs[rec.kind].index(rec), 0, k + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        col = index.column()
        if index.internalId() == 0:
            kind = self.kinds[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and col == 0:
                return f"{kind_title(kind)} ({len(self.docs[kind])})"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        doc = self.document(index)
        if doc is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return doc.name
            if col == 1:
                return ", ".join(doc.groups)
            return doc.segment_count
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"<b>{doc.name}</b>", f"{doc.length:,} characters"]
            if doc.original_filename:
                parts.append(f"from {doc.original_filename}")
            if doc.source_encoding:
                parts.append(f"encoding {doc.source_encoding}")
            if doc.groups:
                parts.append("groups: " + ", ".join(doc.groups))
            parts.append(f"{doc.segment_count} coded segments")
            return "<br>".join(parts)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == GuidRole:
            return doc.guid
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
