"""The Theme matrix view: codebook rows against participant groups, updated as coding goes
on. The controls bar (``controls``) chooses the column attribute, the row level, the coders
and documents counted, the figures, quotes and empty codes, and the order of the group
columns (drag a group's header, or "Column order…", see ``column_order``); clicking a cell
lists the segments behind it (``drill_down``); Export (``export``) writes Word, Excel, CSV or
Markdown with exactly the options shown on screen."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.colors import set_muted
from qualframe.app.gui.dialogs.written import tell_file_written
from qualframe.app.gui.models.matrix_model import CellKeyRole, MatrixModel
from qualframe.app.gui.views.matrix import export
from qualframe.app.gui.views.matrix.column_order import GroupOrderDialog, default_group_order
from qualframe.app.gui.views.matrix.controls import MatrixControls
from qualframe.app.gui.views.matrix.delegate import RichCellDelegate
from qualframe.app.gui.views.matrix.drill_down import CellSegments
from qualframe.coding.analysis.matrix import (
    MatrixOptions,
    ThemeMatrix,
    build_matrix,
    cell_segments,
    group_sizes,
    matrix_note,
)
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError

DEBOUNCE_MS = 250


class MatrixView(QWidget):
    def __init__(
        self, project: Project, parent: QWidget | None = None, *, defer: bool = False
    ) -> None:
        """``defer``: compute the matrix when the view is first shown, not now (a tab the
        analyst may never open should not cost start-up time)."""
        super().__init__(parent)
        self.project = project
        self._unshown = defer
        self.matrix: ThemeMatrix | None = None
        self.recomputed = 0  # how many times the matrix was computed (for tests)
        # The analyst's order of the group columns, per attribute (casefolded name); values
        # not listed (new ones) follow in the default order.
        self._orders: dict[str, list[str]] = {}
        self._restoring_header = False
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)

        self.controls = c = MatrixControls()
        self.attribute, self.level, self.coders, self.documents = (
            c.attribute, c.level, c.coders, c.documents,
        )  # fmt: skip
        self.counts, self.quotes, self.include_empty = c.counts, c.quotes, c.include_empty
        self.order_action, self.default_order_action = c.order_action, c.default_order_action
        self.export_button = c.export_button
        # What the matrix counts: which coders and documents, and whether the order is custom.
        self.scope = QLabel()
        self.scope.setTextFormat(Qt.TextFormat.PlainText)
        self.model = MatrixModel(self)
        self.table = self._build_table()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        small = self.note.font()
        small.setPointSizeF(max(9.0, small.pointSizeF() - 0.5))
        self.note.setFont(small)
        set_muted(self.note)  # quieter than the table, still WCAG AA (4.5:1)
        self.drill = CellSegments()
        self.cell_title, self.segments = self.drill.title, self.drill.tree

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.drill)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(c)
        layout.addWidget(self.scope)
        layout.addWidget(splitter, 1)

        c.fill(project)
        self._connect_controls()
        if not defer:
            self.recompute()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setWordWrap(True)
        table.setAlternatingRowColors(False)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setToolTip(
            "Drag a group's header to change the order of the columns (right-click for more)"
        )
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)
        header.sectionMoved.connect(self._section_moved)
        table.clicked.connect(self.show_cell)
        table.setItemDelegate(RichCellDelegate(table))
        header.sectionResized.connect(self._rows_later)
        self._rows_timer = QTimer(self, singleShot=True, interval=50)
        self._rows_timer.timeout.connect(table.resizeRowsToContents)
        return table

    def _connect_controls(self) -> None:
        self.attribute.currentIndexChanged.connect(self._scope_changed)
        self.level.currentIndexChanged.connect(self.schedule)
        self.coders.changed.connect(self._scope_changed)
        self.documents.changed.connect(self._scope_changed)
        for action in self.counts.values():
            action.toggled.connect(self.schedule)
        self.quotes.valueChanged.connect(self.schedule)
        self.include_empty.toggled.connect(self.schedule)
        self.order_action.triggered.connect(self.choose_group_order)
        self.default_order_action.triggered.connect(lambda: self.set_group_order(None))
        self.export_button.clicked.connect(self.choose_and_export)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unshown:
            self._unshown = False
            self.recompute()

    def options(self) -> MatrixOptions:
        """The options shown on screen (the export uses exactly these)."""
        by = self.controls.by()
        documents = self.documents.chosen()
        # The documents of one set are counted as that set (the note names it).
        in_set = self.documents.shortcut_chosen()
        return MatrixOptions(
            by=by,
            rows_level=max(0, self.level.currentIndex()),
            group_order=self._group_order(by, documents),
            counts=self.controls.chosen_counts(),
            quotes=self.quotes.value(),
            include_empty=self.include_empty.isChecked(),
            coders=self.coders.chosen(),
            documents=None if in_set else documents,
            document_sets=[in_set] if in_set else None,
        )

    # -- column order ---------------------------------------------------------------------------
    def _group_values(self, by: str, documents: Sequence[str] | None) -> set[str]:
        """The values of ``by`` that make a column in this scope (see ``group_sizes``)."""
        try:
            return set(group_sizes(self.project, by, documents))
        except ProjectError:
            return set()

    def _group_order(self, by: str, documents: Sequence[str] | None) -> list[str] | None:
        """The analyst's order for the groups that exist in this scope (None: default)."""
        custom = self._orders.get(by.casefold())
        if not custom:
            return None
        present = self._group_values(by, documents)
        ordered = [v for v in custom if v in present]
        ordered += default_group_order(present - set(ordered))
        return ordered or None

    def has_custom_order(self) -> bool:
        return bool(self._orders.get((self.attribute.currentText() or "role").casefold()))

    def set_group_order(self, values: Sequence[str] | None) -> None:
        """Put the group columns in the order of ``values`` (None: the default order). Groups
        hidden by the current restriction keep their place after the ones given."""
        key = (self.attribute.currentText() or "role").casefold()
        if values is None:
            self._orders.pop(key, None)
        else:
            order = list(dict.fromkeys(values))
            order += [v for v in self._orders.get(key, []) if v not in order]
            if order == default_group_order(order):
                self._orders.pop(key, None)
            else:
                self._orders[key] = order
        self._update_scope()
        self.schedule()

    def visible_group_order(self) -> list[str]:
        """The group values as the columns appear now (after any drag not yet recomputed)."""
        if self.matrix is None:
            return []
        lead = self.model.lead_columns()
        header = self.table.horizontalHeader()
        columns = sorted(range(lead, self.model.columnCount()), key=header.visualIndex)
        return [self.matrix.groups[c - lead].value for c in columns]

    def _section_moved(self, _logical: int, _old: int, _new: int) -> None:
        if self._restoring_header or self.matrix is None:
            return
        header = self.table.horizontalHeader()
        lead = self.model.lead_columns()
        if any(header.visualIndex(c) != c for c in range(lead)):
            # The theme (category …) columns stay first; only groups move.
            self._restore_header()
            return
        self.set_group_order(self.visible_group_order())

    def _restore_header(self) -> None:
        """Show the columns in the model's order (which is the chosen order once computed)."""
        header = self.table.horizontalHeader()
        self._restoring_header = True
        try:
            for logical in range(header.count()):
                visual = header.visualIndex(logical)
                if visual != logical:
                    header.moveSection(visual, logical)
        finally:
            self._restoring_header = False

    def move_group(self, value: str, step: int) -> None:
        """Move one group column ``step`` places (negative: left)."""
        order = self.visible_group_order()
        if value not in order:
            return
        i = order.index(value)
        j = max(0, min(len(order) - 1, i + step))
        order.insert(j, order.pop(i))
        self.set_group_order(order)

    def header_menu(self, logical: int) -> QMenu:
        """The header's context menu for column ``logical``."""
        menu = QMenu(self)
        lead = self.model.lead_columns()
        if self.matrix is not None and logical >= lead:
            group = self.matrix.groups[logical - lead]
            order = self.visible_group_order()
            i = order.index(group.value)
            left = menu.addAction(f"Move “{group.label}” left")
            left.setEnabled(i > 0)
            left.triggered.connect(lambda: self.move_group(group.value, -1))
            right = menu.addAction(f"Move “{group.label}” right")
            right.setEnabled(i < len(order) - 1)
            right.triggered.connect(lambda: self.move_group(group.value, 1))
            menu.addSeparator()
        menu.addAction(self.order_action)
        menu.addAction(self.default_order_action)
        return menu

    def _show_header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = self.header_menu(header.logicalIndexAt(pos))
        menu.exec(header.mapToGlobal(pos))
        menu.deleteLater()

    def choose_group_order(self) -> None:
        if self.matrix is None or not self.matrix.groups:
            return
        labels = {g.value: g.label for g in self.matrix.groups}
        dialog = GroupOrderDialog(
            [(v, labels[v]) for v in self.visible_group_order()], self.matrix.attribute, self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_group_order(dialog.order())
        dialog.deleteLater()

    # -- scope ------------------------------------------------------------------------------------
    def _scope_changed(self) -> None:
        self._update_scope()
        self.schedule()

    def scope_text(self) -> str:
        """What the matrix counts, e.g. "Counting 2 of 3 coders · 4 of 5 documents"."""
        in_set = self.documents.shortcut_chosen()
        parts = [
            self.coders.summary("coder", "coders"),
            self.documents.summary("document", "documents")
            + (f" (set “{in_set}”)" if in_set else ""),
        ]
        if self.has_custom_order():
            parts.append("columns in your order")
        return "Counting " + " · ".join(parts)

    def _update_scope(self) -> None:
        self.scope.setText(self.scope_text())
        lines = []
        chosen = self.coders.chosen()
        if chosen is not None:
            lines.append("Coders: " + ", ".join(chosen))
        docs = self.documents.chosen()
        in_set = self.documents.shortcut_chosen()
        if in_set is not None:
            lines.append(f"Document set: {in_set}")
        if docs is not None:
            lines.append("Documents: " + ", ".join(self.documents.label(g) for g in docs))
        self.scope.setToolTip("\n".join(lines) or "Every coder's segments in every document")
        restricted = chosen is not None or docs is not None
        self.default_order_action.setEnabled(self.has_custom_order())
        font = self.scope.font()
        font.setBold(restricted)
        self.scope.setFont(font)

    # -- updating -------------------------------------------------------------------------
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
            or change.document_list
            or change.document_sets
            or change.texts
        ):
            self.schedule()

    def recompute(self) -> None:
        self._timer.stop()
        self.controls.fill(self.project)
        self._update_scope()
        self.recomputed += 1
        if not self.attribute.currentText():
            self._show_nothing(
                "No participant attributes yet: give participants a role (or another "
                "attribute) to see the theme matrix."
            )
            return
        try:
            options = self.options()
            matrix = build_matrix(self.project, options)
        except ProjectError as exc:
            self._show_nothing(str(exc))
            return
        self.matrix = matrix
        self.model.set_matrix(matrix)
        self._restore_header()
        self.export_button.setEnabled(bool(matrix.groups))
        self._size_columns()
        if not matrix.rows:
            where = ""
            if options.coders or options.documents:
                where = " for the chosen coders and documents"
            self.note.setText(f"Nothing coded from participants with this attribute{where} yet.")
        else:
            self.note.setText("Note. " + matrix_note(matrix))
        self.drill.clear()

    def _show_nothing(self, message: str) -> None:
        self.matrix = None
        self.model.set_matrix(None)
        self.note.setText(message)
        self.export_button.setEnabled(False)
        self.drill.clear()

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

    # -- drill-down and export ------------------------------------------------------------------
    def show_cell(self, index: QModelIndex) -> None:
        key = index.data(CellKeyRole)
        if not key or self.matrix is None:
            self.segments.clear()
            return
        row_guid, group = key
        records = cell_segments(self.project, self.matrix.options, row_guid, group)
        row = next(r for r in self.matrix.rows if r.code_guid == row_guid)
        label = next(g.label for g in self.matrix.groups if g.value == group)
        self.drill.show_segments(f"{row.name} — {label}: {len(records)} segment(s)", records)

    def ask_export_path(self) -> Path | None:
        return export.ask_export_path(self, self.project)

    def choose_and_export(self) -> None:
        path = self.ask_export_path()
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> bool:
        """Write the matrix with the current options to ``path`` off the GUI thread."""
        if not export.export_to(self, self.project, self.options(), path):
            return False
        self.cell_title.setText(f"Exported {path.name}.")
        tell_file_written(self, "the theme matrix", path)
        return True
