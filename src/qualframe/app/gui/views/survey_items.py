"""The Survey tab's "Items and types": every item with its wording, type, answers and scale
or options, and the edits a researcher makes after an import — the wording the tables show,
the type, the options' questionnaire order, the Likert mapping, scale and reverse coding.
Each edit is one undoable command (``EditSurveyItem``) pushed on the workbench; Ctrl+Z puts
it back, and the tables follow through the change signal.

Double-click a question or a type to change it; *Order options…* and *Likert scale…* act on
the selected item. Making an item Likert whose answers are words of no known scale asks for
their points first.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.dialogs.survey_item_editors import LikertMappingDialog, OptionsOrderDialog
from qualframe.app.gui.models.survey_models import (
    TYPE,
    TYPE_LABELS,
    SurveyItemsModel,
    editable_types,
)
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.analysis.survey import ItemInfo
from qualframe.coding.commands import EditSurveyItem
from qualframe.coding.commands.survey_commands import item_detail
from qualframe.storage.errors import ProjectError

Index = QModelIndex | QPersistentModelIndex


class TypeDelegate(QStyledItemDelegate):
    """A combo of the types the item may take, in the Type column."""

    def __init__(self, model: SurveyItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        it = self.items.item_at(index.row())
        for key in editable_types(it) if it is not None else ():
            combo.addItem(TYPE_LABELS.get(key, key), key)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class SurveyItemsPanel(QWidget):
    def __init__(self, bench: Workbench, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bench = bench
        self.model = SurveyItemsModel(self)
        self.model.writable = not bench.project.read_only
        self.model.edited.connect(self._edited)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setItemDelegateForColumn(TYPE, TypeDelegate(self.model, self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.order_button = QPushButton("Order options…")
        self.order_button.setToolTip("Put the selected item's options in questionnaire order")
        self.order_button.clicked.connect(lambda: self.order_options())
        self.likert_button = QPushButton("Likert scale…")
        self.likert_button.setToolTip("The selected Likert item's points, scale and reverse coding")
        self.likert_button.clicked.connect(lambda: self.edit_likert())
        hint = QLabel("Double-click a question or a type to change it; every change can be "
                      "undone (Ctrl+Z).")  # fmt: skip
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.order_button)
        row.addWidget(self.likert_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def set_items(self, items: list[ItemInfo]) -> None:
        keep = self.selected()
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        self._cap_question()
        if keep is not None:
            self.select(keep.name)
        self._update_buttons()

    def _cap_question(self) -> None:
        """The wording gets at most a third of the width (the scale and options need the
        rest in a narrow window); it is elided, and whole in its tooltip."""
        cap = max(160, min(360, self.table.viewport().width() // 3))
        self.table.setColumnWidth(1, min(self.table.sizeHintForColumn(1) + 12, cap))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._cap_question()

    def selected(self) -> ItemInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item_at(rows[0].row()) if rows else None

    def select(self, name: str) -> bool:
        for row, it in enumerate(self.model.items):
            if it.name == name:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        it = self.selected()
        writable = self.model.writable
        self.order_button.setEnabled(
            writable and it is not None and it.type in ("single", "multiple") and bool(it.options)
        )
        self.likert_button.setEnabled(writable and it is not None and it.type == "likert")

    # -- edits ------------------------------------------------------------------------------
    def _edited(self, it: ItemInfo, field: str, value: object) -> None:
        if field == "label":
            self.set_label(it, str(value))
        else:
            self.set_type(it, str(value))

    def set_label(self, it: ItemInfo, text: str) -> bool:
        return self.bench.push(EditSurveyItem(it.guid, label=text))

    def set_type(self, it: ItemInfo, type_: str) -> bool:
        if type_ == "likert":
            try:
                detail = item_detail(self.bench.project, it.guid)
            except ProjectError as exc:
                self.bench.report(str(exc))
                return False
            if detail.needs_mapping():
                return self.edit_likert(it, type_change=True)
        return self.bench.push(EditSurveyItem(it.guid, type=type_))

    def order_options(self, it: ItemInfo | None = None) -> bool:
        it = it or self.selected()
        if it is None:
            return False
        try:
            options = item_detail(self.bench.project, it.guid).options
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        dialog = OptionsOrderDialog(it.title, options, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.options() == list(options):
                return False
            return self.bench.push(EditSurveyItem(it.guid, options=dialog.options()))
        finally:
            dialog.deleteLater()

    def edit_likert(self, it: ItemInfo | None = None, *, type_change: bool = False) -> bool:
        """The selected (or given) item's Likert mapping, scale and reverse coding; with
        ``type_change`` the item becomes Likert with them (one undoable step)."""
        it = it or self.selected()
        if it is None:
            return False
        try:
            d = item_detail(self.bench.project, it.guid)
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        dialog = LikertMappingDialog(
            it.title, d.answers_in_order(), d.value_labels,
            d.scale if d.scale_source else None, d.reversed, self,
        )  # fmt: skip
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            c = dialog.choice()
        finally:
            dialog.deleteLater()
        return self.bench.push(
            EditSurveyItem(
                it.guid, type="likert" if type_change else None, value_labels=c.mapping,
                scale=c.scale, reversed=c.reversed,
            )
        )  # fmt: skip
