"""The Theme matrix view: codebook rows against participant groups, updated as coding goes
on. Controls choose the column attribute, the row level, the figures, quotes and empty codes;
clicking a cell lists the segments behind it; Export writes Word, Excel, CSV or Markdown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.gui.models.matrix_model import CellKeyRole, HtmlRole, MatrixModel
from app.gui.tasks import Cancelled, Progress, run_with_progress
from coding.changes import Change
from coding.codebook import code_tree
from coding.documents import attribute_names
from coding.matrix import (
    COUNT_KINDS,
    MatrixOptions,
    ThemeMatrix,
    build_matrix,
    cell_segments,
    export_matrix,
    level_name,
    matrix_note,
    quote_text,
)
from coding.project import Project
from storage.errors import ProjectError

DEBOUNCE_MS = 250
EXPORT_FILTERS = {
    ".docx": "Word document (*.docx)",
    ".xlsx": "Excel workbook (*.xlsx)",
    ".csv": "CSV, long form (*.csv)",
    ".md": "Markdown (*.md)",
}
COUNT_LABELS = {"segments": "Segments", "participants": "Participants", "percent": "% of group"}


class RichCellDelegate(QStyledItemDelegate):
    """Paints a group cell's HTML (indented bullets, italic quotes) and sizes rows to it."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view

    def _document(self, html: str, option: QStyleOptionViewItem, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)  # type: ignore[attr-defined]
        doc.setDocumentMargin(3)
        doc.setHtml(html)
        doc.setTextWidth(max(40, width))
        return doc

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        html = index.data(HtmlRole)
        if html is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else self._view.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect  # type: ignore[attr-defined]
        doc = self._document(html, opt, rect.width())
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))  # type: ignore[attr-defined]
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        html = index.data(HtmlRole)
        if html is None:
            return super().sizeHint(option, index)
        width = self._view.columnWidth(index.column())
        doc = self._document(html, option, width)
        return QSize(width, int(doc.size().height()) + 2)


class MatrixView(QWidget):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.matrix: ThemeMatrix | None = None
        self.recomputed = 0  # how many times the matrix was computed (for tests)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)

        # -- controls -------------------------------------------------------------------
        self.attribute = QComboBox()
        self.attribute.setToolTip("Participant attribute whose values make the columns")
        self.level = QComboBox()
        self.level.setToolTip("Codebook level shown as rows; the levels below become bullets")
        self.counts = {k: QCheckBox(COUNT_LABELS[k]) for k in COUNT_KINDS}
        self.counts["segments"].setChecked(True)
        self.counts["participants"].setChecked(True)
        self.quotes = QSpinBox()
        self.quotes.setRange(0, 10)
        self.quotes.setToolTip("Exemplar quotes per code (marked exemplars first)")
        self.include_empty = QCheckBox("Empty codes")
        self.include_empty.setToolTip("Also list codes without any segment in a group")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the matrix as Word, Excel, CSV or Markdown")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Columns:"))
        bar.addWidget(self.attribute)
        bar.addWidget(QLabel("Rows:"))
        bar.addWidget(self.level)
        bar.addSpacing(12)
        for box in self.counts.values():
            bar.addWidget(box)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Quotes:"))
        bar.addWidget(self.quotes)
        bar.addWidget(self.include_empty)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        # -- matrix and drill-down -------------------------------------------------------------
        self.model = MatrixModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.clicked.connect(self.show_cell)
        self.table.setItemDelegate(RichCellDelegate(self.table))
        self.table.horizontalHeader().sectionResized.connect(self._rows_later)
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(50)
        self._rows_timer.timeout.connect(self.table.resizeRowsToContents)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setStyleSheet("color: palette(mid); font-size: 9pt;")

        self.cell_title = QLabel("Click a cell to list the segments behind it.")
        self.segments = QTreeWidget()
        self.segments.setHeaderLabels(["Document", "Speaker", "Code", "Coder", "Quote"])
        self.segments.setRootIsDecorated(False)
        self.segments.setWordWrap(True)
        self.segments.setAlternatingRowColors(True)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.note)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.cell_title)
        bottom_layout.addWidget(self.segments, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._fill_choices()
        self.attribute.currentIndexChanged.connect(self.schedule)
        self.level.currentIndexChanged.connect(self.schedule)
        for box in self.counts.values():
            box.toggled.connect(self.schedule)
        self.quotes.valueChanged.connect(self.schedule)
        self.include_empty.toggled.connect(self.schedule)
        self.export_button.clicked.connect(self.choose_and_export)
        self.recompute()

    # -- choices --------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        """(Re)fill the attribute and level combos, keeping the current choices."""
        current_attr = self.attribute.currentText() or "role"
        names = attribute_names(self.project)
        self.attribute.blockSignals(True)
        self.attribute.clear()
        self.attribute.addItems(names)
        match = next((n for n in names if n.casefold() == current_attr.casefold()), None)
        if match is not None:
            self.attribute.setCurrentText(match)
        self.attribute.blockSignals(False)

        current_level = max(0, self.level.currentIndex())
        depth = max((c.depth for c in code_tree(self.project)), default=0)
        self.level.blockSignals(True)
        self.level.clear()
        for i in range(depth + 1):
            self.level.addItem(f"{level_name(i)}s" if i != 1 else "Categories", i)
        self.level.setCurrentIndex(min(current_level, depth))
        self.level.blockSignals(False)

    def options(self) -> MatrixOptions:
        return MatrixOptions(
            by=self.attribute.currentText() or "role",
            rows_level=max(0, self.level.currentIndex()),
            counts=frozenset(k for k, box in self.counts.items() if box.isChecked()),
            quotes=self.quotes.value(),
            include_empty=self.include_empty.isChecked(),
        )

    # -- updating ----------------------------------------------------------------------------------
    def schedule(self) -> None:
        """Recompute once after a burst of changes (debounced)."""
        self._timer.start()

    def on_change(self, change: Change) -> None:
        if (
            change.segments
            or change.codebook
            or change.codes
            or change.participants
            or change.documents_added
            or change.survey
        ):
            self.schedule()

    def recompute(self) -> None:
        self._timer.stop()
        self._fill_choices()
        self.recomputed += 1
        if not self.attribute.currentText():
            self.matrix = None
            self.model.set_matrix(None)
            self.note.setText(
                "No participant attributes yet: give participants a role (or another "
                "attribute) to see the theme matrix."
            )
            self.export_button.setEnabled(False)
            return
        try:
            matrix = build_matrix(self.project, self.options())
        except ProjectError as exc:
            self.matrix = None
            self.model.set_matrix(None)
            self.note.setText(str(exc))
            self.export_button.setEnabled(False)
            return
        self.matrix = matrix
        self.model.set_matrix(matrix)
        self.export_button.setEnabled(bool(matrix.groups))
        self._size_columns()
        if not matrix.rows:
            self.note.setText("Nothing coded from participants with this attribute yet.")
        else:
            self.note.setText("Note. " + matrix_note(matrix))
        self.segments.clear()
        self.cell_title.setText("Click a cell to list the segments behind it.")

    def _size_columns(self) -> None:
        """Lead columns fixed; group columns share the rest equally."""
        lead = self.model.lead_columns()
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            if col < lead:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(col, 170)
            else:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

    def _rows_later(self) -> None:
        self._rows_timer.start()

    # -- drill-down ---------------------------------------------------------------------------------
    def show_cell(self, index: QModelIndex) -> None:
        key = index.data(CellKeyRole)
        self.segments.clear()
        if not key or self.matrix is None:
            return
        row_guid, group = key
        records = cell_segments(self.project, self.matrix.options, row_guid, group)
        row = next(r for r in self.matrix.rows if r.code_guid == row_guid)
        label = next(g.label for g in self.matrix.groups if g.value == group)
        self.cell_title.setText(f"{row.name} — {label}: {len(records)} segment(s)")
        for rec in records:
            item = QTreeWidgetItem(
                [
                    rec.document_name,
                    rec.speaker or "",
                    rec.code_path[-1],
                    rec.coder,
                    quote_text(rec.text, 400),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, rec.guid)
            item.setToolTip(2, rec.code_path_text)
            item.setToolTip(4, rec.text)
            self.segments.addTopLevelItem(item)
        for col in range(4):
            self.segments.resizeColumnToContents(col)

    # -- export -------------------------------------------------------------------------------------
    def ask_export_path(self) -> Path | None:
        base = Path(self.project.path or Path.home() / "project")
        start = str(base.with_name(f"{base.stem}-theme-matrix.docx"))
        filters = ";;".join(EXPORT_FILTERS.values())
        path, chosen = QFileDialog.getSaveFileName(self, "Export theme matrix", start, filters)
        if not path:
            return None
        out = Path(path)
        if out.suffix.lower() not in EXPORT_FILTERS:
            suffix = next((s for s, f in EXPORT_FILTERS.items() if f == chosen), ".docx")
            out = out.with_name(out.name + suffix)
        return out

    def choose_and_export(self) -> None:
        path = self.ask_export_path()
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> bool:
        """Write the matrix with the current options to ``path`` off the GUI thread."""
        options = self.options()
        project = self.project

        def work(progress: Progress) -> None:
            progress(0, 1, path.name)
            export_matrix(project, options, path)
            progress(1, 1, path.name)

        try:
            run_with_progress(self, "Exporting the theme matrix", work)
        except Cancelled:
            return False
        except (ProjectError, OSError) as exc:
            QMessageBox.warning(self, "Qualframe", str(exc))
            return False
        self.cell_title.setText(f"Exported {path.name}.")
        return True
