"""Codebook dock: the code hierarchy with colours and counts, a filter box, drag to move,
and create / rename / recolour / merge / delete through undoable commands."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.workbench import Workbench
from qualframe.coding import commands
from qualframe.coding.codebook.tree import segment_count
from qualframe.coding.core.changes import Change
from qualframe.coding.core.records import CodeRecord

#: While the counts take in only some coders (View → Coders, blind coding), a merge or a
#: deletion still takes every coder's segments: said without counting theirs.
OTHERS = "the other coders' segments with it, if any (not counted while their work is hidden)"


class CodeFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)
        # Re-filtering on every count change would walk the whole tree: filter on typing.
        self.setDynamicSortFilter(False)


class CodebookDock(QDockWidget):
    """The codebook tree over the shared ``CodebookModel``. Selecting a code emits
    ``codeSelected``; a selection dropped on a code comes out of ``model.applyRequested``."""

    codeSelected = Signal(object)  # guid or None

    def __init__(
        self, bench: Workbench, model: CodebookModel, parent: QWidget | None = None
    ) -> None:
        super().__init__("Codebook", parent)
        self.setObjectName("codebook")
        self.bench = bench
        self.project = project = bench.project
        self._vanished: str | None = None  # the shown code, while a delete/merge hides it
        self._open_before_filter: set[str] = set()  # branches open when filtering began
        self._current_before_filter: str | None = None
        self.model = model
        model.moveRequested.connect(self._move)
        model.renameRequested.connect(
            lambda guid, name: bench.push(
                commands.RenameCode(guid, name, seen_version=self._seen(guid))
            )
        )
        self.proxy = CodeFilter(self)
        self.proxy.setSourceModel(model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter codes…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(self.filter.fontMetrics().horizontalAdvance("Filter co") + 30)
        self.filter.textChanged.connect(self._filter)
        self.tree = self._build_tree(read_only=not project.can_edit)
        self._build_actions()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(2)
        bar.addWidget(self.filter, 1)
        for action, label in (
            (self.a_new, "+"),
            (self.a_new_child, "+↳"),
            (self.a_rename, "✎"),
            (self.a_colour, "◐"),
            (self.a_merge, "⤵"),
            (self.a_delete, "🗑"),
        ):
            bar.addWidget(self._button(action, label))
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(bar)
        lay.addWidget(self.tree)
        self.setWidget(body)
        self._update_actions()
        bench.changed.connect(self.on_change)

    def _build_tree(self, *, read_only: bool) -> QTreeView:
        tree = QTreeView()
        tree.setModel(self.proxy)
        tree.setHeaderHidden(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(False)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setDropIndicatorShown(True)
        # (setDragDropMode sets drag and drop enabled itself: a read-only project gets none)
        tree.setDragDropMode(
            QAbstractItemView.DragDropMode.NoDragDrop
            if read_only
            else QAbstractItemView.DragDropMode.DragDrop
        )
        tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._menu)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        digits = tree.fontMetrics().horizontalAdvance("0000") + 10
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, digits)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        tree.selectionModel().currentChanged.connect(self._current_changed)
        tree.setIndentation(14)  # three levels deep still leave the names room
        tree.expandToDepth(0)
        return tree

    def _build_actions(self) -> None:
        self.a_new = _action("New code…", self, self.new_code)
        self.a_new_child = _action("New sub-code…", self, lambda: self.new_code(True))
        self.a_rename = _action("Rename…", self, self.rename)
        self.a_rename.setShortcut("F2")
        self.a_rename.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.a_colour = _action("Colour…", self, self.recolour)
        self.a_merge = _action("Merge into…", self, self.merge)
        self.a_delete = _action("Delete…", self, self.delete)
        self.a_delete.setShortcut("Del")
        self.a_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for a in (self.a_rename, self.a_delete):
            self.tree.addAction(a)

    @staticmethod
    def _button(action: QAction, label: str) -> QToolButton:
        btn = QToolButton()
        btn.setText(label)
        btn.setToolTip(action.text().rstrip("…"))
        btn.setAutoRaise(True)
        btn.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never cut short
        btn.clicked.connect(action.trigger)
        btn.setEnabled(action.isEnabled())
        action.enabledChanged.connect(btn.setEnabled)
        return btn

    # -- selection ----------------------------------------------------------------------
    def current(self) -> CodeRecord | None:
        return self.model.record(self.proxy.mapToSource(self.tree.currentIndex()))

    def select(self, guid: str | None) -> None:
        if guid is None:
            self.tree.setCurrentIndex(QModelIndex())
            return
        src = self.model.index_for(guid)
        idx = self.proxy.mapFromSource(src)
        if idx.isValid():
            parent = idx.parent()
            while parent.isValid():
                self.tree.expand(parent)
                parent = parent.parent()
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)

    def _current_changed(self, *_: object) -> None:
        rec = self.current()
        self._update_actions()
        self.codeSelected.emit(rec.guid if rec else None)

    def _update_actions(self) -> None:
        has = self.current() is not None
        writable = self.project.can_edit
        self.a_new.setEnabled(writable)
        for a in (self.a_new_child, self.a_rename, self.a_colour, self.a_merge, self.a_delete):
            a.setEnabled(has and writable)

    def _filter(self, text: str) -> None:
        """Filter the tree; clearing the filter brings back the branches that were open
        before it (and the current code), instead of a collapsed tree."""
        filtering = bool(self.proxy.filterRegularExpression().pattern())
        current = self.current()
        if text.strip() and not filtering:
            self._open_before_filter = self._expanded()
            self._current_before_filter = current.guid if current else None
        self.proxy.setFilterFixedString(text.strip())
        self.proxy.invalidate()
        if text.strip():
            self.tree.expandAll()
            return
        self._restore_expanded(self._open_before_filter)
        keep = current.guid if current else self._current_before_filter
        if keep is not None and keep in self.model.by_guid:
            self.select(keep)

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for a in (self.a_new, self.a_new_child, None, self.a_rename, self.a_colour, self.a_merge,
                  None, self.a_delete):  # fmt: skip
            if a is None:
                menu.addSeparator()
            else:
                menu.addAction(a)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # -- operations ---------------------------------------------------------------------
    def new_code(self, child: bool = False, name: str | None = None) -> str | None:
        parent = self.current() if child else None
        if name is None:
            where = f' under "{parent.name}"' if parent else " at the top level"
            name, ok = QInputDialog.getText(self, "New code", f"Name of the new code{where}:")
            if not ok or not name.strip():
                return None
        cmd = commands.AddCode(name, parent.guid if parent else None)
        if self.bench.push(cmd) and cmd.guid:
            self.select(cmd.guid)
            return cmd.guid
        return None

    def _seen(self, guid: str) -> int | None:
        """The version of the code as this window shows it (another coder's later change
        makes the edit a reported conflict, never a silent overwrite)."""
        rec = self.model.by_guid.get(guid)
        return rec.version if rec is not None else None

    def rename(self) -> None:
        rec = self.current()
        if rec is None:
            return
        name, ok = QInputDialog.getText(self, "Rename code", "New name:", text=rec.name)
        if ok and name.strip() and name.strip() != rec.name:
            self.bench.push(commands.RenameCode(rec.guid, name, seen_version=rec.version))

    def recolour(self) -> None:
        rec = self.current()
        if rec is None:
            return
        color = QColorDialog.getColor(QColor(rec.color), self, f'Colour of "{rec.name}"')
        if color.isValid():
            self.bench.push(
                commands.RecolourCode(rec.guid, color.name().upper(), seen_version=rec.version)
            )

    def merge(self) -> None:
        rec = self.current()
        if rec is None:
            return
        prefix = rec.path
        targets = [r for r in self.model.records if r.path[: len(prefix)] != prefix]
        if not targets:
            return
        labels = [r.path_text for r in targets]
        choice, ok = QInputDialog.getItem(
            self, "Merge code", f'Merge "{rec.name}" (its segments and sub-codes) into:',
            labels, 0, False,
        )  # fmt: skip
        if not ok:
            return
        target = targets[labels.index(choice)]
        segs = self.model.counts.get(rec.guid, (0, 0))[0]
        whose = self._whose()
        moving = (
            f"{segs} segment{'s' if segs != 1 else ''} will move to the target code."
            if whose is None
            else f"{segs} {whose} segments will move to the target code; so will {OTHERS}."
        )
        answer = QMessageBox.question(
            self, "Merge code", f'Merge "{rec.path_text}" into "{target.path_text}"? {moving}'
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.bench.push(commands.MergeCodes(rec.guid, target.guid))

    def _whose(self) -> str | None:
        """Whose segments the counts take in when not everyone's ("your", "the shown
        coders'"); None when they count everyone's."""
        shown = self.model.tallies.coders
        if shown is None:
            return None
        return "of your" if shown == {self.project.coder} else "of the shown coders'"

    def delete(self) -> None:
        rec = self.current()
        if rec is None:
            return
        whose = self._whose()
        segs = segment_count(
            self.project, rec.guid, include_descendants=True, coders=self.model.tallies.coders
        )
        subs = sum(1 for r in self.model.records if r.path[: len(rec.path)] == rec.path) - 1
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Delete code")
        what = f'"{rec.path_text}"' + (
            f" and its {subs} sub-code{'s' if subs != 1 else ''}" if subs else ""
        )
        counted = (
            f"{segs} {whose} coded segments" if whose
            else f"{segs} coded segment{'s' if segs != 1 else ''}"
        )  # fmt: skip
        box.setText(
            f"Delete {what}? {counted} {'are' if segs != 1 else 'is'} affected"
            + (f"; so are {OTHERS}." if whose else ".")
        )
        box.setInformativeText("You can undo this with Edit → Undo.")
        delete_btn = box.addButton(
            f"Delete code and {segs} segment{'s' if segs != 1 else ''}"
            if whose is None
            else "Delete code and its segments",
            QMessageBox.ButtonRole.DestructiveRole,
        )
        move_btn = None
        if rec.parent_guid is not None and (segs or whose):
            parent_name = rec.path[-2]
            move_btn = box.addButton(
                f'Delete code, move segments to "{parent_name}"', QMessageBox.ButtonRole.AcceptRole
            )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is delete_btn:
            self.bench.push(commands.DeleteCode(rec.guid, "delete"))
        elif move_btn is not None and clicked is move_btn:
            self.bench.push(commands.DeleteCode(rec.guid, "parent"))

    def _move(self, guid: str, parent_guid: str | None, position: int | None) -> None:
        self.bench.push(commands.MoveCode(guid, parent_guid, position))

    # -- changes ------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        model = self.model
        seg_guids = change.segments_added | change.segments_changed
        if change.codebook:
            current = self.current()
            expanded = self._expanded()
            # Deleting or merging moves segments between codes the change may not name (the
            # parent, on undo): re-read every tally then; otherwise roll up the cached ones.
            model.reload(recount=change.segments)
            self._restore_expanded(expanded)
            target = change.created_guid if change.created_guid in model.by_guid else None
            if current is not None and current.guid not in model.by_guid:
                # The code on show was deleted or merged away: show the merge target (or
                # nothing), and bring the code back into view if an undo restores it.
                self._vanished = current.guid
                if change.action == "merge_code" and len(change.codes) == 1:
                    target = target or next(iter(change.codes))
                current = None
            elif self._vanished in model.by_guid:
                target = target or self._vanished
                self._vanished = None
            self.select(target or (current.guid if current else None))
            if self.current() is None:
                # A model reset clears the current index without a signal: say so, or the
                # retrieval list and the details would go on naming a code that is gone.
                self._current_changed()
            return
        if change.codes and not change.segments:
            model.refresh_records(change.codes)
        if change.segments:
            model.update_counts(set(change.codes) | model.code_ids_of_segments(seg_guids))

    def _expanded(self) -> set[str]:
        out = set()
        for rec in self.model.records:
            idx = self.proxy.mapFromSource(self.model.index_for(rec.guid))
            if idx.isValid() and self.tree.isExpanded(idx):
                out.add(rec.guid)
        return out

    def _restore_expanded(self, guids: set[str]) -> None:
        for guid in guids:
            idx = self.proxy.mapFromSource(self.model.index_for(guid))
            if idx.isValid():
                self.tree.expand(idx)


def _action(text: str, parent: QWidget, slot: Callable[[], object]) -> QAction:
    action = QAction(text, parent)
    action.triggered.connect(lambda _checked=False: slot())
    return action
