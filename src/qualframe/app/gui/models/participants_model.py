"""Navigator table of participants and their attributes; attribute cells are editable.

An edit is an undoable command (``SetParticipantAttribute``) handed to ``push``; the model is
re-read when the command's change comes back (``reload``), so an undo shows the old value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from qualframe.coding.commands import AddAttribute, SetParticipantAttribute
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import ParticipantRecord
from qualframe.coding.corpus.participants import attribute_names, list_participants

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
GuidRole = Qt.ItemDataRole.UserRole + 1


#: Attribute columns loaded at a time: a project may have thousands of attributes (a survey
#: export with 10,000 columns); more are loaded when the view shows the last loaded one.
COLUMN_CHUNK = 60


class ParticipantsModel(QAbstractTableModel):
    """Participants × attributes, with attribute columns loaded lazily (``COLUMN_CHUNK`` at
    a time, the next chunk when the last loaded column is shown)."""

    def __init__(
        self,
        project: Project,
        parent: object = None,
        *,
        push: Callable[[Command], bool] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.project = project
        self.people: list[ParticipantRecord] = []
        self.attributes: list[str] = []  # the loaded (shown) attribute columns
        self.all_attributes: list[str] = []
        self.push = push
        self.report = report
        self._fetch_pending = False
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.all_attributes = attribute_names(self.project)
        shown = max(len(self.attributes), COLUMN_CHUNK)
        self.attributes = self.all_attributes[:shown]
        self.people = list_participants(self.project, attributes=self.attributes)
        self._fetch_pending = False
        self.endResetModel()

    @property
    def more_columns(self) -> int:
        """Attribute columns not loaded yet."""
        return len(self.all_attributes) - len(self.attributes)

    def fetch_more_columns(self) -> None:
        """Load the next chunk of attribute columns."""
        self._fetch_pending = False
        start = len(self.attributes)
        names = self.all_attributes[start : start + COLUMN_CHUNK]
        if not names:
            return
        values = {p.guid: p.attributes for p in list_participants(self.project, attributes=names)}
        self.beginInsertColumns(_ROOT, 1 + start, start + len(names))
        self.attributes.extend(names)
        self.people = [
            replace(p, attributes={**p.attributes, **values.get(p.guid, {})}) for p in self.people
        ]
        self.endInsertColumns()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 1 + len(self.attributes)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if section == 0:
                return "Participant"
            if 0 < section <= len(self.attributes):
                return self.attributes[section - 1]
            return None
        return section + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.people):
            return None
        person = self.people[index.row()]
        col = index.column()
        if col == len(self.attributes) and self.more_columns and not self._fetch_pending:
            # The last loaded column is being shown: load the next ones after this paint.
            self._fetch_pending = True
            QTimer.singleShot(0, self.fetch_more_columns)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return person.pseudonym
            return person.attributes.get(self.attributes[col - 1], "")
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            items = sorted(person.attributes.items())
            attrs = ", ".join(f"{k}={v}" for k, v in items[:20])
            if attrs and len(self.all_attributes) > 20:
                attrs += ", … (see the columns)"
            return f"{person.pseudonym}: {attrs}" if attrs else person.pseudonym
        if role == GuidRole:
            return person.guid
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() > 0 and self.project.can_edit:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        person = self.people[index.row()]
        name = self.attributes[index.column() - 1]
        text = str(value).strip()
        if person.attributes.get(name, "") == text or self.push is None:
            return False
        return self._push(lambda: SetParticipantAttribute(person.guid, name, text))

    def add_attribute(self, name: str) -> bool:
        """Add an attribute column (an undoable command); False when refused."""
        if self.push is None or not name.strip():
            return False
        return self._push(lambda: AddAttribute(name))

    def _push(self, make: Callable[[], Command]) -> bool:
        assert self.push is not None
        try:
            command = make()
        except UserError as exc:  # a bad name, refused before anything is written
            if self.report:
                self.report(str(exc))
            return False
        return self.push(command)
