"""Retrieved segments dock: every segment of the selected code (optionally with sub-codes),
with document, speaker, group, coder and the text in its context; filters by participant
attribute, coder and document set; double-click jumps to the segment; Ctrl+C copies as text;
Export… writes the list with its context to Word or Excel."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeySequence,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.colors import muted
from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.lazy_combo import LazyComboBox
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.models.retrieval_model import ContextRole, RetrievalModel
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.app.gui.workbench import Selection, Workbench
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.participants import attribute_value_lists
from qualframe.coding.corpus.sets import list_sets
from qualframe.coding.export.outgoing import text_for_outside
from qualframe.coding.export.segments_report import SegmentQuery, export_segments
from qualframe.coding.query import retrieval as retrieval_query
from qualframe.coding.query.filters import Where
from qualframe.coding.query.retrieval import Retrieved
from qualframe.storage.errors import ProjectError

Index = QModelIndex | QPersistentModelIndex


class ContextDelegate(QStyledItemDelegate):
    """Paints "…before **coded text** after…" on up to two lines."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        ctx = index.data(ContextRole)
        if not ctx:
            super().paint(painter, option, index)
            return
        left, match, right = ctx
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        option.text = ""  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        pal: QPalette = option.palette  # type: ignore[attr-defined]
        fg = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        base = pal.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        dim = muted(fg, base).name()  # the context: quieter, still WCAG AA
        if len(match) > 400:
            match = match[:400] + "…"
        self._doc.setDefaultFont(option.font)  # type: ignore[attr-defined]
        self._doc.setHtml(
            f"<span style='color:{dim}'>…{html.escape(left)}</span>"
            f"<span style='color:{fg.name()}; font-weight:600'>{html.escape(match)}</span>"
            f"<span style='color:{dim}'>{html.escape(right)}…</span>"
        )
        rect = option.rect  # type: ignore[attr-defined]
        self._doc.setTextWidth(rect.width())
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        ctx_paint = QAbstractTextDocumentLayout.PaintContext()
        self._doc.documentLayout().draw(painter, ctx_paint)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() * 2)


class RetrievalDock(QDockWidget):
    """Lists the segments of the workbench's selected code, from the shared codebook and
    documents models (names, paths, colours) and the corpus (context, speakers)."""

    segmentActivated = Signal(object)  # coding.records.SegmentRecord

    def __init__(
        self,
        bench: Workbench,
        corpus: Corpus,
        codes: CodebookModel,
        documents: DocumentsModel,
        parent: QWidget | None = None,
        scope: CoderScope | None = None,
    ) -> None:
        super().__init__("Retrieved segments", parent)
        self.scope = scope
        self.setObjectName("retrieval")
        self.bench = bench
        self.project = bench.project
        self.codes = codes
        self.documents = documents
        self.code_guid: str | None = None
        self._path, self._color = "", ""
        self.model = RetrievalModel(corpus, self)
        self.title = QLabel("Select a code to list its segments.")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._build_filters()
        copy = QToolButton()
        copy.setText("Copy")
        copy.setToolTip("Copy the selected segments (all when none is selected) as text (Ctrl+C)")
        copy.clicked.connect(lambda: self.copy())
        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setToolTip(
            "Save the segments listed here, with their context, to Word or Excel (real names "
            "replaced by pseudonyms; the filters are stated in a note)"
        )
        self.export_button.clicked.connect(self.choose_and_export)
        self.table = self._build_table()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.descendants)
        bar.addWidget(self.where)
        bar.addWidget(self.coder)
        bar.addWidget(self.doc_set)
        bar.addStretch(1)
        bar.addWidget(copy)
        bar.addWidget(self.export_button)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addWidget(self.title)  # on its own line: a long code path is not cut short
        lay.addLayout(bar)
        lay.addWidget(self.table)
        self.setWidget(body)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        self.reload_filters()
        bench.changed.connect(self.on_change)
        bench.selectionChanged.connect(self._selection_changed)
        if scope is not None:
            scope.changed.connect(self._scope_changed)

    def _scope_changed(self) -> None:
        self.reload_filters()
        self.refresh()

    def _build_filters(self) -> None:
        self.descendants = QCheckBox("Sub-codes")
        self.descendants.setToolTip("Include the segments of all sub-codes")
        self.descendants.setChecked(True)
        self.descendants.toggled.connect(self.refresh)
        self.where = LazyComboBox("All participants", self._where_items)
        self.where.setToolTip("Only segments of participants with this attribute value")
        self.where.setMinimumContentsLength(9)
        self.where.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.coder = QComboBox()
        self.coder.setToolTip("Only segments coded by this coder")
        self.coder.setMinimumContentsLength(7)
        self.coder.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.doc_set = QComboBox()
        self.doc_set.setToolTip("Only segments in the documents of this document set")
        self.doc_set.setMinimumContentsLength(8)
        self.doc_set.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.where.currentIndexChanged.connect(self.refresh)
        self.coder.currentIndexChanged.connect(self.refresh)
        self.doc_set.currentIndexChanged.connect(self.refresh)

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(2 * table.fontMetrics().height() + 10)
        table.setItemDelegateForColumn(RetrievalModel.TEXT, ContextDelegate(table))
        table.horizontalHeader().setStretchLastSection(True)
        self._widths = [110, 64, 64, 76, 130]
        self.model.modelAboutToBeReset.connect(self._keep_widths)
        self.model.modelReset.connect(self._apply_widths)
        table.doubleClicked.connect(self._activate)
        copy_action = table.addAction("Copy")
        copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_action.triggered.connect(lambda: self.copy())
        real = table.addAction("Copy with real names")
        real.setToolTip("Copy the segments keeping participants' real names (not pseudonyms)")
        real.triggered.connect(lambda: self.copy(real_names=True))
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table = table
        self._apply_widths()
        return table

    def _selection_changed(self, selection: Selection) -> None:
        code = selection.code
        if selection.code_guid != self.code_guid or code is None:
            self.set_code(code.guid if code else None, code.path_text if code else "",
                          code.color if code else "")  # fmt: skip
        elif (code.path_text, code.color) != (self._path, self._color):
            self._path, self._color = code.path_text, code.color  # renamed or recoloured
            self._update_title()

    def _keep_widths(self) -> None:
        header = self.table.horizontalHeader()
        self._widths = [header.sectionSize(c) for c in range(len(self._widths))]

    def _apply_widths(self) -> None:
        header = self.table.horizontalHeader()
        for col, width in enumerate(self._widths):
            header.resizeSection(col, width)

    # -- filters --------------------------------------------------------------------------
    def reload_filters(self) -> None:
        # The attribute filters are listed when the box is first opened: a project with
        # 10,000 attributes has tens of thousands of them.
        self.where.invalidate()
        keep_coder, keep_set = self.coder.currentData(), self.doc_set.currentData()
        for box in (self.coder, self.doc_set):
            box.blockSignals(True)
            box.clear()
        visible = self.scope.visible() if self.scope is not None else None
        self.coder.addItem("All coders" if visible is None else "All shown coders", None)
        for name in coder_names(self.project):
            if visible is None or name in visible:
                self.coder.addItem(name, name)
        # while coding blind the others' names are not even offered
        self.coder.setEnabled(not (self.scope is not None and self.scope.blind))
        self.doc_set.addItem("All documents", None)
        for rec in list_sets(self.project):
            self.doc_set.addItem(rec.name, rec.guid)
        self.doc_set.setVisible(self.doc_set.count() > 1)
        for box, keep in ((self.coder, keep_coder), (self.doc_set, keep_set)):
            box.setCurrentIndex(max(box.findData(keep), 0))
            box.blockSignals(False)

    def _where_items(self) -> list[tuple[str, object]]:
        """Every "attribute = value" filter, from one query (one query per attribute took
        half an hour with 10,000 attributes)."""
        return [
            (f"{name} = {value}", (name, value))
            for name, values in attribute_value_lists(self.project).items()
            for value in values
        ]

    def set_code(self, guid: str | None, path: str = "", color: str = "") -> None:
        self.code_guid = guid
        self._path, self._color = path, color
        self.refresh()

    def _filters(self) -> dict[str, object]:
        where = self.where.currentData()
        paths = {r.id: (r.path, r.color, r.guid) for r in self.codes.records}
        docs = self.documents
        documents = {d.id: (d.guid, d.name) for kind in docs.kinds for d in docs.docs[kind]}
        return {
            "paths": paths,
            "documents": documents,
            "code_guid": self.code_guid,
            "include_descendants": self.descendants.isChecked(),
            "coder": self.coder.currentData(),
            "coders": self.scope.visible() if self.scope is not None else None,
            "where": [Where(*where)] if where else [],
            "document_sets": [self.doc_set.currentData()] if self.doc_set.currentData() else [],
            "attribute_names": (self.model.group_attribute,),  # the only one shown
        }

    def refresh(self) -> None:
        if self.code_guid is None:
            self.model.set_segments([], {})
            self.title.setText("Select a code to list its segments.")
            return
        try:
            rows, attrs = retrieval_query.fetch(self.project, **self._filters())  # type: ignore[arg-type]
        except ProjectError:  # the code vanished (deleted) between events
            self.set_code(None)
            return
        self.model.set_segments(rows, attrs)
        self._update_title()

    def _update_title(self) -> None:
        n = len(self.model.rows)
        people = len(
            {
                s.participant_guid
                for s in self.model.rows
                if s.participant_guid and not s.is_interviewer
            }
        )
        self.title.setText(
            f"<span style='color:{self._color}'>&#9632;</span> <b>{html.escape(self._path)}</b>"
            f" — {n} segment{'s' if n != 1 else ''}, {people} participant{'s' if people != 1 else ''}"
        )

    # -- actions --------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return rows or list(range(len(self.model.rows)))

    def copy(self, *, real_names: bool = False) -> None:
        """Copy the selected (or all) segments: real names become pseudonyms unless asked,
        and lines a spreadsheet would run as formulas are neutralised (``text_for_outside``)."""
        text = self.model.as_text(self.selected_rows())
        QApplication.clipboard().setText(
            text_for_outside(self.project, text, real_names=real_names)
        )

    def query(self) -> SegmentQuery:
        """The segments listed, as an export query with the same filters."""
        where = self.where.currentData()
        set_guid = self.doc_set.currentData()
        set_name = self.doc_set.currentText() if set_guid else ""
        visible = self.scope.visible() if self.scope is not None else None
        return SegmentQuery(
            code_guid=self.code_guid, code_path=self._path,
            include_descendants=self.descendants.isChecked(), coder=self.coder.currentData(),
            where=[Where(*where)] if where else [], document_sets=[set_name] if set_name else [],
            group_attribute=self.model.group_attribute,
            # exactly the coders listed: blind coding exports nobody else's segments
            coders=sorted(visible) if visible is not None else None,
            blind=bool(self.scope and self.scope.blind),
        )  # fmt: skip

    def ask_export_path(self) -> Path | None:
        base = Path(self.project.path or Path.home() / "project")
        leaf = self._path.split("/")[-1] if self._path else "segments"
        safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in leaf).strip()
        start = str(base.with_name(f"{base.stem}-{safe or 'segments'}.docx"))
        filters = "Word document (*.docx);;Excel workbook (*.xlsx)"
        name, chosen = ask_save_path(self, "Export segments", start, filters)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in (".docx", ".xlsx"):
            path = path.with_name(path.name + (".xlsx" if "xlsx" in chosen else ".docx"))
        return path

    def choose_and_export(self) -> bool:
        if not self.model.rows:
            self.bench.report("There are no segments listed to export; select a code first.")
            return False
        path = self.ask_export_path()
        return path is not None and self.export_to(path)

    def export_to(self, path: Path) -> bool:
        """Write the listed segments (same filters) to ``path`` off the GUI thread."""
        query = self.query()
        written: list[int] = []

        def work(progress: Progress) -> None:
            progress(0, 1, path.name)
            written.append(export_segments(self.project, query, path))
            progress(1, 1, path.name)

        if not run_export(self, "Exporting segments", work):
            return False
        n = written[0]
        self.bench.hint(f"Wrote {path.name} ({n} segment{'s' if n != 1 else ''}) in {path.parent}.")
        return True

    def _activate(self, index: QModelIndex) -> None:
        seg = self.model.segment(index.row())
        if seg is not None:
            self.segmentActivated.emit(seg)

    # -- changes --------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        if change.participants or change.document_sets or change.document_list:
            self.reload_filters()
        if self.code_guid is None:
            return
        rec = self.codes.by_guid.get(self.code_guid)
        if rec is not None and (rec.path_text, rec.color) != (self._path, self._color):
            # the code (or one above it) was renamed, moved or recoloured: say so at once
            self._path, self._color = rec.path_text, rec.color
            self._update_title()
        if (
            change.codebook
            or change.participants
            or change.document_sets
            or change.document_list
            or change.texts
            or (change.codes and not change.segments)
        ):
            self._timer.start()
            return
        if change.segments_removed or change.segments_changed:
            gone = change.segments_removed | change.segments_changed
            self._remove(gone)
        added = change.segments_added | change.segments_changed
        if added and change.codes and not self._lists_any(change.codes):
            added = frozenset()  # another code was applied: nothing to list here
        if added:
            filters = self._filters()
            fresh, attrs = retrieval_query.fetch(self.project, segment_guids=added, **filters)  # type: ignore[arg-type]
            self.model.attributes.update(attrs)
            self._insert(fresh)
            if self.coder.findData(self.project.coder) < 0:
                self.reload_filters()
        if change.segments:
            self._update_title()

    def _lists_any(self, code_guids: frozenset[str]) -> bool:
        """Whether segments of these codes can appear in the current list."""
        model = self.codes
        if self.code_guid not in model.by_guid:
            return True
        if not self.descendants.isChecked():
            return self.code_guid in code_guids
        prefix = model.by_guid[self.code_guid].path
        return any(
            g in model.by_guid and model.by_guid[g].path[: len(prefix)] == prefix
            for g in code_guids
        )

    def _remove(self, guids: frozenset[str]) -> None:
        rows = [i for i, s in enumerate(self.model.rows) if s.guid in guids]
        for i in reversed(rows):
            self.model.beginRemoveRows(QModelIndex(), i, i)
            del self.model.rows[i]
            self.model.endRemoveRows()

    def _insert(self, fresh: list[Retrieved]) -> None:
        rows = self.model.rows
        for seg in fresh:
            pos = len(rows)
            seen_doc = False
            for i, other in enumerate(rows):
                if other.document_guid == seg.document_guid:
                    seen_doc = True
                    if (other.start, other.end) > (seg.start, seg.end):
                        pos = i
                        break
                elif seen_doc:
                    pos = i
                    break
            self.model.beginInsertRows(QModelIndex(), pos, pos)
            rows.insert(pos, seg)
            self.model.endInsertRows()
