"""The Theme matrix view: codebook rows against participant groups, updated as coding goes
on. Controls choose the column attribute, the row level, the coders and documents counted,
the figures, quotes and empty codes, and the order of the group columns (drag a group's
header, or "Column order…"); clicking a cell lists the segments behind it; Export writes
Word, Excel, CSV or Markdown with exactly the options shown on screen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QShowEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
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
    QWidgetAction,
)

from qualframe.app.gui.models.documents_model import kind_title
from qualframe.app.gui.models.matrix_model import CellKeyRole, HtmlRole, MatrixModel
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.coding.analysis.matrix import (
    COUNT_KINDS,
    MatrixOptions,
    ThemeMatrix,
    build_matrix,
    cell_segments,
    group_sizes,
    level_name,
    matrix_note,
    quote_text,
)
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import attribute_names
from qualframe.coding.export.matrix_export import export_matrix
from qualframe.storage.errors import ProjectError

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


def default_group_order(values: Iterable[str]) -> list[str]:
    """Group values in the order the matrix uses when none is chosen: numerically when every
    value is a number, otherwise alphabetically without regard to case; "(not set)" (the
    value ``""``) last."""
    unset = [v for v in values if v == ""]
    values = [v for v in values if v != ""]
    if values and all(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()) for v in values):
        return sorted(values, key=lambda v: float(v)) + unset
    return sorted(values, key=str.casefold) + unset


def _document_tip(segments: int, groups: Sequence[str]) -> str:
    text = f"{segments} coded segment" + ("" if segments == 1 else "s")
    return text + (f"; participants: {', '.join(groups)}" if groups else "")


class StickyMenu(QMenu):
    """A menu that stays open while its checkable entries are toggled, so that several
    coders or documents can be chosen in one go (Space toggles from the keyboard)."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (
            event.key() == Qt.Key.Key_Space
            and action is not None
            and action.isCheckable()
            and action.isEnabled()
        ):
            action.trigger()
            return
        super().keyPressEvent(event)


class ScopeChooser(QPushButton):
    """A button whose menu chooses some of a list of items — all of them by default.

    Items are ``(key, label, section)``; :meth:`chosen` is ``None`` for "all" (so that items
    added later are included) or the chosen keys in the items' order. At least one item
    always stays chosen. ``changed`` is emitted when the analyst changes the choice.
    """

    changed = Signal()

    def __init__(self, title: str, all_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(title)
        self._menu = StickyMenu(self)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self.all_action = QAction(all_text, self)
        self.all_action.setCheckable(True)
        self.all_action.setChecked(True)
        self.all_action.triggered.connect(self._all_triggered)
        self.item_actions: dict[str, QAction] = {}
        self._items: list[tuple[str, str, str]] = []
        self._tips: dict[str, str] = {}
        self._chosen: list[str] | None = None
        self._rebuild()

    # -- items ------------------------------------------------------------------------------
    def set_items(
        self, items: Sequence[tuple[str, str, str]], tips: dict[str, str] | None = None
    ) -> None:
        """Refill the menu, keeping the chosen items that still exist (if none of them is
        left, or all of them are, the choice becomes "all"). Does not emit ``changed``."""
        items = list(items)
        tips = dict(tips or {})
        if items == self._items:
            if tips != self._tips:  # e.g. segment counts: update in place, the menu may be open
                self._tips = tips
                for key, action in self.item_actions.items():
                    action.setToolTip(tips.get(key, ""))
            return
        self._items = items
        self._tips = tips
        if self._chosen is not None:
            kept = self._kept(self._chosen)
            self._chosen = kept if kept and len(kept) < len(items) else None
        self._rebuild()

    def keys(self) -> list[str]:
        return [key for key, _label, _section in self._items]

    def label(self, key: str) -> str:
        return next((lab for k, lab, _s in self._items if k == key), key)

    def _rebuild(self) -> None:
        menu = self._menu
        menu.clear()
        self.item_actions = {}
        menu.addAction(self.all_action)
        sections: dict[str, list[tuple[str, str]]] = {}
        for key, label, section in self._items:
            sections.setdefault(section, []).append((key, label))
        titled = len(sections) > 1
        if titled:
            for section, members in sections.items():
                only = menu.addAction(f"Only {section[:1].lower()}{section[1:]}")
                only.triggered.connect(
                    lambda _c=False, keys=[k for k, _lab in members]: self.set_chosen(keys)
                )
        for section, members in sections.items():
            if titled:
                menu.addSection(section)
            else:
                menu.addSeparator()
            for key, label in members:
                action = menu.addAction(label.replace("&", "&&"))
                action.setCheckable(True)
                if key in self._tips:
                    action.setToolTip(self._tips[key])
                action.triggered.connect(lambda checked, k=key: self._item_triggered(k, checked))
                self.item_actions[key] = action
        self._sync_checks()

    # -- the choice -------------------------------------------------------------------------
    def chosen(self) -> list[str] | None:
        return None if self._chosen is None else list(self._chosen)

    def set_chosen(self, keys: Iterable[str] | None) -> None:
        """Choose ``keys`` (``None``: all). Unknown keys are ignored; a choice of nothing is
        refused (nothing changes)."""
        new: list[str] | None = None
        if keys is not None:
            kept = self._kept(keys)
            if not kept:
                self._sync_checks()
                return
            new = None if len(kept) == len(self._items) else kept
        changed = new != self._chosen
        self._chosen = new
        self._sync_checks()
        if changed:
            self.changed.emit()

    def _kept(self, keys: Iterable[str]) -> list[str]:
        wanted = set(keys)
        return [k for k in self.keys() if k in wanted]

    def _item_triggered(self, key: str, checked: bool) -> None:
        current = set(self.keys() if self._chosen is None else self._chosen)
        if checked:
            current.add(key)
        else:
            current.discard(key)
        if not current:  # at least one stays chosen
            self._sync_checks()
            return
        self.set_chosen(current)

    def _all_triggered(self, checked: bool) -> None:
        self.set_chosen(None)  # unticking "all" is meaningless: it stays ticked

    def _sync_checks(self) -> None:
        self.all_action.setChecked(self._chosen is None)
        chosen = set(self._chosen or ())
        for key, action in self.item_actions.items():
            action.setChecked(self._chosen is None or key in chosen)

    def summary(self, one: str, many: str) -> str:
        """E.g. "all 3 coders", "2 of 3 coders", "both coders", "no coders yet"."""
        n = len(self._items)
        if n == 0:
            return f"no {many} yet"
        if self._chosen is None:
            return {1: f"1 {one}", 2: f"both {many}"}.get(n, f"all {n} {many}")
        return f"{len(self._chosen)} of {n} {many}"


class GroupOrderDialog(QDialog):
    """Put the group columns in order: drag the names, or use Up and Down."""

    def __init__(
        self, groups: Sequence[tuple[str, str]], attribute: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Column order")
        self.list = QListWidget()
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        for value, label in groups:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        up = QPushButton("Up")
        down = QPushButton("Down")
        default = QPushButton("Default")
        default.setToolTip("Alphabetical (numerical for numbers)")
        up.clicked.connect(lambda: self.move_current(-1))
        down.clicked.connect(lambda: self.move_current(1))
        default.clicked.connect(self.sort_default)
        side = QVBoxLayout()
        for b in (up, down, default):
            side.addWidget(b)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Order of the {attribute} columns, left to right:"))
        layout.addLayout(row)
        layout.addWidget(buttons)

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def sort_default(self) -> None:
        values = default_group_order(self.order())
        items = [self.list.takeItem(0) for _ in range(self.list.count())]
        by_value = {i.data(Qt.ItemDataRole.UserRole): i for i in items}
        for value in values:
            self.list.addItem(by_value[value])

    def order(self) -> list[str]:
        out = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out


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

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.recompute)

        # -- controls -------------------------------------------------------------------
        self.attribute = QComboBox()
        self.attribute.setToolTip("Participant attribute whose values make the columns")
        self.attribute.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.level = QComboBox()
        self.level.setToolTip("Codebook level shown as rows; the levels below become bullets")
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.coders = ScopeChooser("Coders", "All coders")
        self.coders.setToolTip("Count only the segments coded by the chosen coders")
        self.documents = ScopeChooser("Documents", "All documents")
        self.documents.setToolTip(
            "Count only the chosen documents (a group's n then counts the participants who "
            "speak in them)"
        )

        self.options_button = QPushButton("Options")
        self.options_button.setToolTip("Figures, quotes, empty codes and the column order")
        options_menu = StickyMenu(self.options_button)
        options_menu.setToolTipsVisible(True)
        self.options_button.setMenu(options_menu)
        options_menu.addSection("Figures beside each entry")
        self.counts: dict[str, QAction] = {}
        for kind in COUNT_KINDS:
            action = options_menu.addAction(COUNT_LABELS[kind])
            action.setCheckable(True)
            self.counts[kind] = action
        self.counts["segments"].setChecked(True)
        self.counts["participants"].setChecked(True)
        options_menu.addSeparator()
        self.include_empty = options_menu.addAction("List empty codes")
        self.include_empty.setCheckable(True)
        self.include_empty.setToolTip("Also list codes without any segment in a group")
        self.quotes = QSpinBox()
        self.quotes.setRange(0, 10)
        self.quotes.setToolTip("Exemplar quotes per code (marked exemplars first)")
        quotes_row = QWidget()
        quotes_layout = QHBoxLayout(quotes_row)
        quotes_layout.setContentsMargins(20, 2, 8, 2)
        quotes_layout.addWidget(QLabel("Quotes per code:"))
        quotes_layout.addWidget(self.quotes)
        quotes_layout.addStretch(1)
        quotes_action = QWidgetAction(options_menu)
        quotes_action.setDefaultWidget(quotes_row)
        options_menu.addAction(quotes_action)
        options_menu.addSeparator()
        self.order_action = options_menu.addAction("Column order…")
        self.order_action.setToolTip("Choose the order of the group columns")
        self.default_order_action = options_menu.addAction("Default column order")
        self.default_order_action.setToolTip("Alphabetical (numerical for numbers)")

        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip(
            "Save the matrix as Word, Excel, CSV or Markdown, with the coders, documents, "
            "column order and options shown here"
        )

        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(QLabel("Columns:"))
        bar.addWidget(self.attribute)
        bar.addSpacing(6)
        bar.addWidget(QLabel("Rows:"))
        bar.addWidget(self.level)
        bar.addSpacing(6)
        bar.addWidget(self.coders)
        bar.addWidget(self.documents)
        bar.addWidget(self.options_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        # What the matrix counts: which coders and documents, and whether the order is custom.
        self.scope = QLabel()
        self.scope.setTextFormat(Qt.TextFormat.PlainText)

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
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setToolTip(
            "Drag a group's header to change the order of the columns (right-click for more)"
        )
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_header_menu)
        header.sectionMoved.connect(self._section_moved)
        self.table.clicked.connect(self.show_cell)
        self.table.setItemDelegate(RichCellDelegate(self.table))
        header.sectionResized.connect(self._rows_later)
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
        layout.addWidget(self.scope)
        layout.addWidget(splitter, 1)

        self._fill_choices()
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
        if not defer:
            self.recompute()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._unshown:
            self._unshown = False
            self.recompute()

    # -- choices --------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        """(Re)fill the attribute and level combos and the coder and document menus, keeping
        the current choices where they still exist."""
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

        self.coders.set_items([(name, name, "") for name in coder_names(self.project)])
        docs = list_documents(self.project)
        self.documents.set_items(
            [(d.guid, d.name, kind_title(d.kind)) for d in docs],
            {d.guid: _document_tip(d.segment_count, d.groups) for d in docs},
        )

    def options(self) -> MatrixOptions:
        """The options shown on screen (the export uses exactly these)."""
        by = self.attribute.currentText() or "role"
        documents = self.documents.chosen()
        return MatrixOptions(
            by=by,
            rows_level=max(0, self.level.currentIndex()),
            group_order=self._group_order(by, documents),
            counts=frozenset(k for k, action in self.counts.items() if action.isChecked()),
            quotes=self.quotes.value(),
            include_empty=self.include_empty.isChecked(),
            coders=self.coders.chosen(),
            documents=documents,
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
        parts = [
            self.coders.summary("coder", "coders"),
            self.documents.summary("document", "documents"),
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
        if docs is not None:
            lines.append("Documents: " + ", ".join(self.documents.label(g) for g in docs))
        self.scope.setToolTip("\n".join(lines) or "Every coder's segments in every document")
        restricted = chosen is not None or docs is not None
        self.default_order_action.setEnabled(self.has_custom_order())
        font = self.scope.font()
        font.setBold(restricted)
        self.scope.setFont(font)

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
        self.segments.clear()
        self.cell_title.setText("Click a cell to list the segments behind it.")

    def _show_nothing(self, message: str) -> None:
        self.matrix = None
        self.model.set_matrix(None)
        self.note.setText(message)
        self.export_button.setEnabled(False)
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

        if not run_export(self, "Exporting the theme matrix", work):
            return False
        self.cell_title.setText(f"Exported {path.name}.")
        return True
