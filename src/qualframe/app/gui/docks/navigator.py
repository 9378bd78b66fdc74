"""Navigator dock: documents grouped by kind (with participant groups), filtered by document
set, with a context menu (rename, delete, memo, sets: see ``document_actions``); and
participants with their attributes (editable; each edit is an undoable command pushed on the
workbench)."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QInputDialog,
    QMenu,
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
from qualframe.coding.core.records import DocumentRecord
from qualframe.coding.corpus.documents import segment_counts
from qualframe.coding.corpus.sets import list_sets

#: Fills the context menu for the chosen documents (their GUIDs).
MenuProvider = Callable[[QMenu, list[str]], None]


class DocumentSetFilter(QSortFilterProxyModel):
    """Keeps the documents of one set (all when ``allowed`` is None); a kind's row stays when
    one of its documents does, and says how many of its documents are shown."""

    def __init__(self, documents: DocumentsModel, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.allowed: set[str] | None = None
        self.sets_of: dict[str, list[str]] = {}  # document GUID → names of its sets
        self.setSourceModel(documents)

    def set_allowed(self, guids: set[str] | None) -> None:
        self.beginFilterChange()
        self.allowed = guids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self.allowed is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, DocumentsModel)
        index = model.index(source_row, 0, source_parent)
        doc = model.document(index)
        if doc is not None:
            return doc.guid in self.allowed
        return any(d.guid in self.allowed for d in model.docs[model.kinds[source_row]])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if role == Qt.ItemDataRole.ToolTipRole and index.parent().isValid():
            tip = super().data(index, role)
            model = self.sourceModel()
            assert isinstance(model, DocumentsModel)
            doc = model.document(self.mapToSource(index))
            names = self.sets_of.get(doc.guid, []) if doc is not None else []
            return f"{tip}<br>sets: {', '.join(names)}" if tip and names else tip
        if (
            self.allowed is not None
            and role == Qt.ItemDataRole.DisplayRole
            and index.isValid()
            and not index.parent().isValid()
            and index.column() == 0
        ):
            model = self.sourceModel()
            assert isinstance(model, DocumentsModel)
            kind = model.kinds[self.mapToSource(index).row()]
            from qualframe.app.gui.models.documents_model import kind_title

            docs = model.docs[kind]
            shown = sum(1 for d in docs if d.guid in self.allowed)
            return f"{kind_title(kind)} ({shown} of {len(docs)})"
        return super().data(index, role)


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
        self.menu_provider: MenuProvider | None = None
        self.proxy = DocumentSetFilter(documents, self)
        self._build_tree()
        self.set_filter = QComboBox()
        self.set_filter.setToolTip("Show the documents of one document set")
        self.set_filter.currentIndexChanged.connect(self._set_chosen)
        self.reload_sets()

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
        upper = QWidget()
        up = QVBoxLayout(upper)
        up.setContentsMargins(0, 0, 0, 0)
        up.setSpacing(2)
        up.addWidget(self.set_filter)
        up.addWidget(self.tree)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.setWidget(split)
        bench.changed.connect(self.on_change)
        bench.selectionChanged.connect(self._selection_changed)

    def _build_tree(self) -> None:
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
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
        self.proxy.modelReset.connect(self._span_groups)
        self.proxy.layoutChanged.connect(self._span_groups)
        self.proxy.rowsInserted.connect(self._span_groups)
        self.tree.viewport().installEventFilter(self)  # narrow: the Group column steps aside
        self._span_groups()
        self.tree.activated.connect(self._activate)
        self.tree.clicked.connect(self._activate)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """In a narrow navigator the document names come first: the Group column is hidden
        below 240 px and the Coded column below 190 px (both are also in the document's
        title line)."""
        if event.type() == QEvent.Type.Resize and obj is self.tree.viewport():
            width = self.tree.viewport().width()
            for section, below in ((1, 240), (2, 190)):
                if self.tree.header().isSectionHidden(section) != (width < below):
                    self.tree.header().setSectionHidden(section, width < below)
        return super().eventFilter(obj, event)

    def _span_groups(self) -> None:
        for row in range(self.proxy.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()

    def document_at(self, index: QModelIndex | QPersistentModelIndex) -> DocumentRecord | None:
        """The document of a row of the tree (None for a kind's row)."""
        if not index.isValid():
            return None
        return self.documents.document(self.proxy.mapToSource(index))

    def _activate(self, index: QModelIndex) -> None:
        doc = self.document_at(index)
        if doc is not None:
            self.documentActivated.emit(doc.guid, doc.name)

    def chosen_documents(self) -> list[str]:
        """GUIDs of the documents selected in the tree, in tree order."""
        rows = [i for i in self.tree.selectionModel().selectedRows(0)]
        docs = [self.document_at(i) for i in rows]
        return [d.guid for d in docs if d is not None]

    def context_menu_for(self, guids: list[str]) -> QMenu | None:
        """The context menu for the documents ``guids`` (None when there is none to offer)."""
        if self.menu_provider is None or not guids:
            return None
        menu = QMenu(self)
        self.menu_provider(menu, guids)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        doc = self.document_at(self.tree.indexAt(pos))
        if doc is None:
            return
        chosen = self.chosen_documents()
        menu = self.context_menu_for(chosen if doc.guid in chosen else [doc.guid])
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()

    # -- the document-set filter -----------------------------------------------------------
    def reload_sets(self) -> None:
        """Refill the set filter, keeping the chosen set while it exists."""
        keep = self.set_filter.currentData()
        self.set_filter.blockSignals(True)
        self.set_filter.clear()
        self.set_filter.addItem("All documents", None)
        self._members: dict[str, set[str]] = {}
        self.proxy.sets_of = {}
        for rec in list_sets(self.project):
            self.set_filter.addItem(f"Set: {rec.name} ({len(rec)})", rec.guid)
            self._members[rec.guid] = set(rec.document_guids)
            for guid in rec.document_guids:
                self.proxy.sets_of.setdefault(guid, []).append(html.escape(rec.name))
        i = self.set_filter.findData(keep) if keep is not None else 0
        self.set_filter.setCurrentIndex(max(i, 0))
        self.set_filter.blockSignals(False)
        self.set_filter.setVisible(self.set_filter.count() > 1)
        self._set_chosen()

    def _set_chosen(self, _index: int = 0) -> None:
        guid = self.set_filter.currentData()
        self.proxy.set_allowed(self._members.get(guid) if guid is not None else None)
        self._span_groups()

    def _selection_changed(self, selection: Selection) -> None:
        if selection.document_guid:
            self.select_document(selection.document_guid)

    def select_document(self, guid: str) -> None:
        idx = self.proxy.mapFromSource(self.documents.index_for(guid))
        if idx.isValid():
            self.tree.setCurrentIndex(idx)

    def _add_attribute(self) -> None:
        name, ok = QInputDialog.getText(self, "Add attribute", "Attribute name (e.g. year):")
        if ok and name.strip():
            self.participants.add_attribute(name)

    def on_change(self, change: Change) -> None:
        if (
            change.documents_added
            or change.survey
            or change.participants
            or change.document_list
            or change.texts  # (a document's length)
        ):
            # (a participant's group attribute is shown beside each document)
            doc = self.document_at(self.tree.currentIndex())
            self.documents.reload()
            if doc is not None:
                self.select_document(doc.guid)
        elif change.documents and change.segments:
            self.update_counts(set(change.documents))
        elif change.segments_added or change.segments_removed:
            self.update_counts(None)
        if change.document_sets or change.document_list or change.documents_added:
            self.reload_sets()  # (a deleted document leaves its sets)
        if change.participants or change.documents_added:
            self.participants.reload()

    def update_counts(self, guids: set[str] | None) -> None:
        """Re-count the coded segments of some documents (all when ``guids`` is None), of
        the coders the workbench shows."""
        model = self.documents
        model.update_counts(segment_counts(self.project, guids, coders=model.coders))
