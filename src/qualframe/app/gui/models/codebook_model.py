"""Tree model of the codebook: name with colour swatch, segment count, participant count.

An adapter over ``coding.codebook`` records (never ORM objects). Dragging a code onto another
asks for a move; dropping a text selection from the document view onto a code asks for the
code to be applied. Both become undoable commands in the main window, so this model only
emits requests.
"""

from __future__ import annotations

import json
from collections import defaultdict

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from qualframe.coding.codebook.tallies import CodeTallies
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.corpus.segments import code_ids_of_segments

CODE_MIME = "application/x-qualframe-code"
SELECTION_MIME = "application/x-qualframe-selection"
GuidRole = Qt.ItemDataRole.UserRole + 1
RecordRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def swatch(color: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(color).darker(150))
    p.setBrush(QColor(color))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pix)


class CodebookModel(QAbstractItemModel):
    moveRequested = Signal(str, object, object)  # guid, new parent guid | None, row | None
    applyRequested = Signal(str, str, int, int)  # code guid, document guid, start, end

    HEADERS = ("Code", "Segs", "Ppl")

    def __init__(self, project: Project, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.project = project
        self.records: list[CodeRecord] = []
        self.by_guid: dict[str, CodeRecord] = {}
        self.kids: dict[str | None, list[str]] = {}
        self.ids: dict[str, int] = {}
        self.guids: list[str] = []
        self.tallies = CodeTallies()
        self._icons: dict[str, QIcon] = {}
        self.reload(recount=True)

    # -- data --------------------------------------------------------------------------
    def reload(self, recount: bool = False) -> None:
        """Re-read the hierarchy; counts are rolled up again from the per-code tallies
        (which are re-read from the store only with ``recount`` or the first time)."""
        self.beginResetModel()
        self.records = code_tree(self.project)
        self.by_guid = {r.guid: r for r in self.records}
        kids: dict[str | None, list[str]] = defaultdict(list)
        for r in self.records:
            kids[r.parent_guid].append(r.guid)
        self.kids = dict(kids)
        self.guids = [r.guid for r in self.records]
        self.ids = {g: i + 1 for i, g in enumerate(self.guids)}
        if recount or not self.tallies.loaded:
            self.tallies.load(self.project)
        self.tallies.totals(self.records)
        self._icons.clear()
        self.endResetModel()

    # Counts: per code, its own segments and the participants speaking in them; totals
    # include descendants (the same figures as ``coding.codebook.code_counts``). After a
    # segment change only the touched codes are re-read and their ancestors rolled up.
    @property
    def counts(self) -> dict[str, tuple[int, int]]:
        """Code GUID → (segments, distinct participants), including sub-codes."""
        return self.tallies.counts

    def update_counts(self, code_guids: set[str]) -> None:
        """Re-read the tallies of some codes and roll their ancestors up (cheap)."""
        recs = [self.by_guid[g] for g in code_guids if g in self.by_guid]
        if not recs:
            return
        self.tallies.update(self.project, [r.id for r in recs])
        for rec in self.tallies.roll_up(r.guid for r in recs):
            idx = self.index_for(rec.guid)
            self.dataChanged.emit(idx.siblingAtColumn(1), idx.siblingAtColumn(2))

    def set_coders(self, coders: frozenset[str] | None) -> None:
        """Count only these coders' segments (None: everyone's), e.g. while coding blind."""
        if coders == self.tallies.coders:
            return
        self.tallies.coders = coders
        self.refresh_counts()

    def refresh_counts(self) -> None:
        self.tallies.load(self.project)
        self.tallies.totals(self.records)
        if self.guids:
            top = self.kids.get(None, [])
            for guid in self.guids:
                idx = self.index_for(guid)
                self.dataChanged.emit(idx.siblingAtColumn(1), idx.siblingAtColumn(2))
            del top

    def refresh_records(self, guids: frozenset[str] | set[str]) -> None:
        """Re-read the fields (name, colour, details) of some codes without a reset."""
        fresh = {r.guid: r for r in code_tree(self.project)}
        self.records = [fresh.get(r.guid, r) for r in self.records]
        for r in self.records:
            self.by_guid[r.guid] = r
        for guid in guids:
            if guid in self.by_guid:
                self._icons.pop(guid, None)
                idx = self.index_for(guid)
                self.dataChanged.emit(idx, idx.siblingAtColumn(len(self.HEADERS) - 1))

    def code_ids_of_segments(self, guids: frozenset[str] | set[str]) -> set[str]:
        """GUIDs of the codes the given segments now carry."""
        if not guids:
            return set()
        ids = code_ids_of_segments(self.project, guids)
        return {r.guid for r in self.records if r.id in ids}

    def record(self, index: Index) -> CodeRecord | None:
        if not index.isValid():
            return None
        guid = self._guid(index)
        return self.by_guid.get(guid) if guid else None

    def _guid(self, index: Index) -> str | None:
        i = index.internalId()
        return self.guids[i - 1] if 0 < i <= len(self.guids) else None

    def index_for(self, guid: str, column: int = 0) -> QModelIndex:
        rec = self.by_guid.get(guid)
        if rec is None:
            return QModelIndex()
        row = self.kids.get(rec.parent_guid, []).index(guid)
        return self.createIndex(row, column, self.ids[guid])

    # -- structure ----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if column < 0 or column >= len(self.HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        pguid = self._guid(parent) if parent.isValid() else None
        kids = self.kids.get(pguid, [])
        if row >= len(kids):
            return QModelIndex()
        return self.createIndex(row, column, self.ids[kids[row]])

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        guid = self._guid(index)
        rec = self.by_guid.get(guid) if guid else None
        if rec is None or rec.parent_guid is None:
            return QModelIndex()
        return self.index_for(rec.parent_guid)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.isValid():
            if parent.column() != 0:
                return 0
            return len(self.kids.get(self._guid(parent), []))
        return len(self.kids.get(None, []))

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "Code (theme / category / code)",
                    "Coded segments, including sub-codes",
                    "Distinct participants (not interviewers), including sub-codes",
                )[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        rec = self.record(index)
        if rec is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return rec.name
            segs, people = self.counts.get(rec.guid, (0, 0))
            return segs if col == 1 else people
        if role == Qt.ItemDataRole.EditRole and col == 0:
            return rec.name
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            icon = self._icons.get(rec.guid)
            if icon is None:
                icon = self._icons[rec.guid] = swatch(rec.color)
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"<b>{_esc(rec.path_text)}</b>"
            if rec.definition:
                tip += f"<br>{_esc(rec.definition)}"
            segs, people = self.counts.get(rec.guid, (0, 0))
            return tip + f"<br><i>{segs} segments, {people} participants</i>"
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 0 and rec.depth == 0:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == GuidRole:
            return rec.guid
        if role == RecordRole:
            return rec
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        flags = base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        if index.column() == 0 and not self.project.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        # Renames go through an undoable command; the view's delegate asks the dock.
        rec = self.record(index)
        if rec is None or role != Qt.ItemDataRole.EditRole or index.column() != 0:
            return False
        name = str(value).strip()
        if name and name != rec.name:
            self.renameRequested.emit(rec.guid, name)
        return False

    renameRequested = Signal(str, str)

    # -- drag and drop --------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CODE_MIME, SELECTION_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        mime = QMimeData()
        guids = [g for g in (self._guid(i) for i in indexes if i.column() == 0) if g]
        if guids:
            mime.setData(CODE_MIME, QByteArray(guids[0].encode("ascii")))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if data.hasFormat(SELECTION_MIME):
            return parent.isValid() and row == -1
        return data.hasFormat(CODE_MIME)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if data.hasFormat(SELECTION_MIME):
            target = self.record(parent)
            if target is None:
                return False
            payload = json.loads(bytes(data.data(SELECTION_MIME).data()).decode("utf-8"))
            self.applyRequested.emit(
                target.guid, payload["document"], int(payload["start"]), int(payload["end"])
            )
            return False
        if data.hasFormat(CODE_MIME):
            guid = bytes(data.data(CODE_MIME).data()).decode("ascii")
            parent_rec = self.record(parent)
            new_parent = parent_rec.guid if parent_rec else None
            position: int | None = row if row >= 0 else None
            rec = self.by_guid.get(guid)
            if rec is not None and rec.parent_guid == new_parent and position is not None:
                old_row = self.kids.get(new_parent, []).index(guid)
                if position > old_row:
                    position -= 1  # the code leaves its old place first
            self.moveRequested.emit(guid, new_parent, position)
            return False
        return False


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
