"""Navigator dock: documents grouped by kind (with participant groups) and participants with
their attributes (editable; each edit is an undoable command pushed on the workbench)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.models.participants_model import ParticipantsModel
from qualframe.app.gui.workbench import Selection, Workbench
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.documents import segment_counts


class NavigatorDock(QDockWidget):
    documentActivated = Signal(str, str)  # guid, name

    def __init__(
        self, bench: Workbench, documents: DocumentsModel, parent: QWidget | None = None
    ) -> None:
        super().__init__("Navigator", parent)
        self.setObjectName("navigator")
        self.project = project = bench.project
        self.documents = documents
        self.participants = ParticipantsModel(project, self, push=bench.push, report=bench.report)
        self._build_tree()

        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it)
        self.table.setModel(self.participants)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setToolTip("Participants and their attributes; double-click a value to edit it.")
        self.add_attr = QPushButton("Add attribute…")
        self.add_attr.setEnabled(project.can_edit)
        self.add_attr.clicked.connect(self._add_attribute)

        lower = QWidget()
        lay = QVBoxLayout(lower)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.table)
        lay.addWidget(self.add_attr, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.setWidget(split)
        bench.changed.connect(self.on_change)
        bench.selectionChanged.connect(self._selection_changed)

    def _build_tree(self) -> None:
        self.tree = QTreeView()
        self.tree.setModel(self.documents)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 58)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, self.tree.fontMetrics().horizontalAdvance("Coded") + 16)
        self.tree.setIndentation(14)
        self.documents.modelReset.connect(self._span_groups)
        self._span_groups()
        self.tree.activated.connect(self._activate)
        self.tree.clicked.connect(self._activate)

    def _span_groups(self) -> None:
        for row in range(self.documents.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()

    def _activate(self, index: QModelIndex) -> None:
        doc = self.documents.document(index)
        if doc is not None:
            self.documentActivated.emit(doc.guid, doc.name)

    def _selection_changed(self, selection: Selection) -> None:
        if selection.document_guid:
            self.select_document(selection.document_guid)

    def select_document(self, guid: str) -> None:
        idx = self.documents.index_for(guid)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)

    def _add_attribute(self) -> None:
        name, ok = QInputDialog.getText(self, "Add attribute", "Attribute name (e.g. year):")
        if ok and name.strip():
            self.participants.add_attribute(name)

    def on_change(self, change: Change) -> None:
        if change.documents_added or change.survey or change.participants:
            # (a participant's group attribute is shown beside each document)
            current = self.tree.currentIndex()
            doc = self.documents.document(current)
            self.documents.reload()
            if doc is not None:
                self.select_document(doc.guid)
        elif change.documents and change.segments:
            self.update_counts(set(change.documents))
        elif change.segments_added or change.segments_removed:
            self.update_counts(None)
        if change.participants or change.documents_added:
            self.participants.reload()

    def update_counts(self, guids: set[str] | None) -> None:
        """Re-count the coded segments of some documents (all when ``guids`` is None)."""
        counts = segment_counts(self.project, guids)
        model = self.documents
        for guid, n in counts.items():
            old = model.by_guid.get(guid)
            if old is None or old.segment_count == n:
                continue
            new = replace(old, segment_count=int(n))
            model.by_guid[guid] = new
            docs = model.docs[new.kind]
            docs[docs.index(old)] = new
            idx = model.index_for(guid)
            model.dataChanged.emit(idx, idx.siblingAtColumn(2))
