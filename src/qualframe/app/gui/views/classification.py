"""The Participants tab: the classification sheet — participants × attributes, with how
much each one says (documents, turns, coded segments) — sortable by any column, filtered by a
text, edited in place (each edit an undoable command). Its buttons add an attribute, import
attributes from a spreadsheet keyed by pseudonym (with a preview), merge two pseudonyms of
one person and delete a participant (after a confirmation)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.participant_dialogs import AttributeImportDialog, MergeDialog
from qualframe.app.gui.models.classification_model import (
    FIXED,
    ClassificationModel,
    SheetSorter,
)
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.commands import AddAttribute, DeleteParticipant
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.commands.participant_merge import participant_footprint
from qualframe.coding.core.changes import Change
from qualframe.coding.core.records import ParticipantRecord
from qualframe.coding.importing.attribute_table import read_attribute_table
from qualframe.storage.errors import ProjectError

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


class ClassificationView(QWidget):
    def __init__(self, bench: Workbench, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bench = bench
        self.project = bench.project
        # Read when the tab is first shown: with thousands of attributes (a survey export
        # with 10,000 columns) the sheet holds millions of values the window must not wait for.
        self.model = ClassificationModel(self.project, bench.push, bench.report, self, load=False)
        self.proxy = SheetSorter(self)
        self.proxy.setSourceModel(self.model)
        self._stale = True
        self.table = self._build_table()
        writable = not self.project.read_only
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter participants…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.interviewers = QCheckBox("Interviewers")
        self.interviewers.setToolTip("Also list the interviewers (never counted as participants)")
        self.interviewers.toggled.connect(self._toggle_interviewers)
        self.add_attr = self._button("Add attribute…", self.add_attribute, writable,
                                     "A new column (e.g. year, cohort)")  # fmt: skip
        self.import_attrs = self._button(
            "Import attributes…", self.choose_and_import, writable,
            "Set attributes from an Excel or CSV file with one row per pseudonym",
        )  # fmt: skip
        self.merge_button = self._button(
            "Merge…", self.merge, writable,
            "The selected participant is the same person as another: merge them",
        )  # fmt: skip
        self.delete_button = self._button("Delete…", self.delete, writable,
                                          "Delete the selected participant")  # fmt: skip
        hint = QLabel("Double-click a value to edit it; Ctrl+Z undoes any change.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        top.addWidget(self.interviewers)
        top.addWidget(self.add_attr)
        top.addWidget(self.import_attrs)
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(hint, 1)
        below.addWidget(self.merge_button)
        below.addWidget(self.delete_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(below)
        self.model.modelReset.connect(self._size_columns)
        self._size_columns()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _button(self, text: str, slot: object, enabled: bool, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)  # type: ignore[arg-type]
        b.setEnabled(enabled)
        return b

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setTabKeyNavigation(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def _size_columns(self) -> None:
        """Figures as wide as their headers (and the sort arrow), attributes a little wider.
        The last section stops stretching meanwhile: while it stretches, every width set
        lays out all the others again (minutes with 10,000 attribute columns)."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        header.setStretchLastSection(False)
        for col, title in enumerate(self.model.headers()):
            need = metrics.horizontalAdvance(title) + 34
            self.table.setColumnWidth(col, max(need, 96 if col == 0 or col >= len(FIXED) else 0))
        header.setStretchLastSection(True)

    # -- selection ----------------------------------------------------------------------------
    def selected(self) -> ParticipantRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]))

    def select(self, pseudonym: str) -> bool:
        for row, p in enumerate(self.model.rows):
            if p.pseudonym == pseudonym:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectRow(index.row())
                return True
        return False

    def _update_buttons(self) -> None:
        writable = not self.project.read_only
        chosen = self.selected() is not None
        self.merge_button.setEnabled(writable and chosen)
        self.delete_button.setEnabled(writable and chosen)

    def _toggle_interviewers(self, on: bool) -> None:
        self.model.include_interviewers = on
        self.model.reload()

    # -- changes ------------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        if change.participants or change.documents_added or change.segments or change.document_list:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        keep = self.selected()
        self.model.reload()
        if keep is not None:
            self.select(keep.pseudonym)
        self._update_buttons()

    # -- actions -------------------------------------------------------------------------------
    def add_attribute(self) -> bool:
        name, ok = QInputDialog.getText(self, "Add attribute", "Attribute name (e.g. year):")
        if not ok or not name.strip():
            return False
        try:
            command = AddAttribute(name)
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        return self.bench.push(command)

    def choose_and_import(self) -> bool:
        start = str(Path(self.project.path or Path.home()).parent)
        name, _ = QFileDialog.getOpenFileName(
            self, "Import attributes", start,
            "Spreadsheets (*.xlsx *.csv *.tsv *.txt);;All files (*)",
        )  # fmt: skip
        return bool(name) and self.import_from(Path(name))

    def import_from(self, path: Path) -> bool:
        """Read ``path``, show what would change, and import it when the user agrees."""
        try:
            plan = plan_attribute_import(self.project, read_attribute_table(path))
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        dialog = AttributeImportDialog(plan, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self.bench.push(dialog.command())
        finally:
            dialog.deleteLater()

    def merge(self) -> bool:
        source = self.selected()
        if source is None:
            return False
        others = [p for p in self.model.rows if p.guid != source.guid
                  and p.is_interviewer == source.is_interviewer]  # fmt: skip
        dialog = MergeDialog(self.project, source, others, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            command = dialog.command()
            return command is not None and self.bench.push(command)
        finally:
            dialog.deleteLater()

    def delete(self) -> bool:
        person = self.selected()
        if person is None:
            return False
        fp = participant_footprint(self.project, person.guid)
        where = f" in {', '.join(fp.documents)}" if fp.documents else ""
        question = (
            f"Delete participant {fp.pseudonym}? Their {fp.turns} turn(s){where} "
            f"({fp.segments} coded segment(s)) stay in the documents without a speaker and count "
            f"for no group; their {len(fp.values)} attribute value(s) and {fp.answers} survey "
            "answer(s) are deleted. You can undo this."
        )
        if QMessageBox.question(self, "Delete participant", question, Yes | No, No) != Yes:
            return False
        return self.bench.push(DeleteParticipant(person.guid))

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
