"""Tree model of the disagreements list: codes (in codebook order), under each the places
where the compared coders differ (document, position, kind, resolution)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from qualframe.coding.analysis.agreement.disagreements import Place

Index = QModelIndex | QPersistentModelIndex
PlaceRole = Qt.ItemDataRole.UserRole + 1
KINDS = {"missing": "one coder only", "boundaries": "boundaries", "agreed": "agreed"}
_ROOT = QModelIndex()


class DisagreementsModel(QAbstractItemModel):
    HEADERS = ("Code / document", "Where", "Difference", "Status")

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.codes: list[str] = []
        self.places: dict[str, list[Place]] = {}

    def set_places(self, places: list[Place]) -> None:
        self.beginResetModel()
        self.places = {}
        for p in places:
            self.places.setdefault(p.code, []).append(p)
        self.codes = list(self.places)
        self.endResetModel()

    def all_places(self) -> list[Place]:
        return [p for c in self.codes for p in self.places[c]]

    def place(self, index: Index) -> Place | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        code = self.codes[index.internalId() - 1]
        return self.places[code][index.row()]

    def index_of(self, place_id: str) -> QModelIndex:
        for i, code in enumerate(self.codes):
            for j, p in enumerate(self.places[code]):
                if p.id == place_id:
                    return self.index(j, 0, self.index(i, 0))
        return QModelIndex()

    # -- the tree --------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self.codes)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.places[self.codes[parent.row()]])
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        place = self.place(index)
        if place is None:
            code = self.codes[index.row()]
            places = self.places[code]
            done = sum(p.resolved for p in places)
            if role == Qt.ItemDataRole.DisplayRole:
                if index.column() == 0:  # the dock spans this over the row
                    return f"{code}  ({done}/{len(places)} resolved)"
                if index.column() == 3:
                    return f"{done}/{len(places)} resolved"
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
                return code
            return None
        if role == PlaceRole:
            return place
        if role == Qt.ItemDataRole.DisplayRole:
            return [place.document, f"{place.start}–{place.end}", KINDS[place.kind],
                    place.resolution or "open"][index.column()]  # fmt: skip
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3:
            return QBrush(QColor("#1B6E3A" if place.resolved else "#8A5300"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return "; ".join(
                f"{coder}: " + (", ".join(f"{c.start}-{c.end}" for c in cs) or "not coded")
                for coder, cs in place.codings.items()
            )
        return None
