"""The classification sheet: one row per participant (interviewers on request), the
documents, turns and coded segments of each, then one column per attribute. Attribute cells
are editable; an edit is an undoable ``SetParticipantAttribute`` handed to ``push``, and the
sheet is re-read when its change comes back. :class:`SheetSorter` sorts numbers as numbers
("Year 10" after "Year 9") and blanks last."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from qualframe.app.gui.models.table_base import Index, RowsTableModel
from qualframe.coding.commands import SetParticipantAttribute
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import ParticipantRecord
from qualframe.coding.corpus.participants import attribute_names, list_participants
from qualframe.coding.query.participant_tallies import Tally, participant_tallies
from qualframe.storage.errors import ProjectError

GuidRole = Qt.ItemDataRole.UserRole + 1
SortKeyRole = Qt.ItemDataRole.UserRole + 2
FIXED = ("Participant", "Documents", "Turns", "Segments")


def natural_key(text: str) -> tuple[object, ...]:
    parts = re.split(r"(\d+(?:\.\d+)?)", text.casefold())
    return tuple((0, float(p), "") if i % 2 else (1, 0.0, p) for i, p in enumerate(parts) if p)


class ClassificationModel(RowsTableModel[ParticipantRecord]):
    def __init__(
        self,
        project: Project,
        push: Callable[[Command], bool],
        report: Callable[[str], None],
        parent: object = None,
        *,
        load: bool = True,
    ) -> None:
        """``load=False`` leaves the sheet empty until :meth:`reload` (the view reads it when
        it is first shown)."""
        super().__init__(parent)
        self.project = project
        self.push = push
        self.report = report
        self.attributes: list[str] = []
        self.tallies: dict[str, Tally] = {}
        self.include_interviewers = False
        if load:
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.attributes = attribute_names(self.project)
        self.tallies = participant_tallies(self.project)
        self.rows = list_participants(self.project, include_interviewers=self.include_interviewers)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [*FIXED, *self.attributes]

    def attribute_of(self, column: int) -> str | None:
        return self.attributes[column - len(FIXED)] if column >= len(FIXED) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        person = self.row_at(index)
        if person is None:
            return None
        col = index.column()
        tally = self.tallies.get(person.guid, Tally())
        figures = (tally.documents, tally.turns, tally.segments)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return person.pseudonym
            if col < len(FIXED):
                return figures[col - 1]
            return person.attributes.get(self.attribute_of(col) or "", "")
        if role == SortKeyRole:
            if 0 < col < len(FIXED):
                return (0, float(figures[col - 1]), "")
            value = str(self.data(index) or "")
            return natural_key(value) if value else ((2, 0.0, ""),)
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < col < len(FIXED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and person.is_interviewer:
            return QColor("#5F6B7A")
        if role == Qt.ItemDataRole.ToolTipRole and col == 0 and person.is_interviewer:
            return f"{person.pseudonym} is an interviewer (never counted as a participant)"
        if role == GuidRole:
            return person.guid
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= len(FIXED) and not self.project.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        person = self.row_at(index)
        name = self.attribute_of(index.column())
        if role != Qt.ItemDataRole.EditRole or person is None or name is None:
            return False
        text = str(value).strip()
        if person.attributes.get(name, "") == text:
            return False
        try:
            command = SetParticipantAttribute(person.guid, name, text)
        except ProjectError as exc:
            self.report(str(exc))
            return False
        return self.push(command)


class SheetSorter(QSortFilterProxyModel):
    """Sorts by :data:`SortKeyRole` (numbers by value, blanks last) and filters by a text
    found in the pseudonym or any value."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setSortRole(SortKeyRole)
        self.text = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        a, b = left.data(SortKeyRole), right.data(SortKeyRole)
        if a == b:  # ties in pseudonym order
            first = left.model().index(left.row(), 0, left.parent())
            second = right.model().index(right.row(), 0, right.parent())
            return natural_key(str(first.data())) < natural_key(str(second.data()))
        return bool(a < b)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.text:
            return True
        model = self.sourceModel()
        assert isinstance(model, ClassificationModel)
        person = model.rows[source_row]
        hay = " ".join([person.pseudonym, *person.attributes.values()]).casefold()
        return self.text in hay
