"""What can be done to documents, as actions for the Documents menu and the navigator's
context menu: rename, delete (after a confirmation giving what goes with it), correct the
text (Edit text…), write a document memo, and document sets (new, add to, remove from,
rename, delete). Every change is an undoable command pushed on the workbench."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.dialogs.common import push_from_dialog
from qualframe.app.gui.dialogs.edit_text_dialog import EditTextDialog, word_at
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.commands import (
    AddDocumentSet,
    DeleteDocument,
    DeleteDocumentSet,
    RenameDocument,
    RenameDocumentSet,
    SetMembership,
)
from qualframe.coding.commands.document_commands import document_footprint
from qualframe.coding.core.command import Command
from qualframe.coding.corpus.documents import document_text
from qualframe.coding.corpus.sets import DocumentSetRecord, list_sets
from qualframe.storage.errors import ProjectError

#: The document on show and the selected range in it (start == end: the cursor), if any.
CurrentRange = Callable[[], tuple[str, int, int] | None]
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def _item(menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
    """A menu entry calling ``slot()`` (never with the action's "checked" argument)."""
    action = menu.addAction(text.replace("&", "&&"))
    action.triggered.connect(lambda _checked=False: slot())
    return action


class DocumentActions(QObject):
    memoRequested = Signal(str)  # the document GUID a memo is to be written on

    def __init__(
        self,
        bench: Workbench,
        documents: DocumentsModel,
        current_range: CurrentRange,
        parent: QWidget,
        *,
        scope: CoderScope | None = None,
    ) -> None:
        """``scope``: the confirmations count and list only the segments of the coders it
        shows (and say the others' go too), e.g. while coding blind."""
        super().__init__(parent)
        self.bench = bench
        self.scope = scope
        self.project = bench.project
        self.documents = documents
        self.current_range = current_range
        self.host = parent
        self.a_rename = self._action("&Rename document…", self.rename)
        self.a_delete = self._action("&Delete document…", self.delete)
        self.a_edit_text = self._action("&Edit text…", self.edit_text, "Ctrl+Shift+T")
        self.a_edit_text.setStatusTip(
            "Correct the selected passage (or the word at the cursor); codings after it move "
            "with the text"
        )
        self.a_memo = self._action("Document &memo…", self.memo)
        self.a_new_set = self._action("&New document set…", lambda: self.new_set([]))
        self.a_rename_set = self._action("Re&name document set…", self.rename_set)
        self.a_delete_set = self._action("Delete document &set…", self.delete_set)
        for a in (self.a_rename, self.a_delete, self.a_edit_text, self.a_new_set,
                  self.a_rename_set, self.a_delete_set):  # fmt: skip
            a.setEnabled(not self.project.read_only)

    def _action(self, text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
        a = QAction(text, self.host)
        a.triggered.connect(lambda _c=False: slot())
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
            self.host.addAction(a)
        return a

    # -- menus ------------------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        """The Documents menu (acting on the document on show)."""
        for a in (self.a_edit_text, self.a_rename, self.a_delete, self.a_memo):
            menu.addAction(a)
        menu.addSeparator()
        for a in (self.a_new_set, self.a_rename_set, self.a_delete_set):
            menu.addAction(a)

    def fill_context_menu(self, menu: QMenu, guids: Sequence[str]) -> None:
        """The navigator's menu for the documents ``guids`` (one or more)."""
        writable = not self.project.read_only
        guids = list(guids)
        if len(guids) == 1:
            one = guids[0]
            _item(menu, "Rename…", partial(self.rename, one)).setEnabled(writable)
            _item(menu, "Memo on this document…", partial(self.memo, one)).setEnabled(writable)
            _item(menu, "Delete…", partial(self.delete, one)).setEnabled(writable)
            menu.addSeparator()
        sets = list_sets(self.project)
        add = menu.addMenu("Add to document set")
        add.setEnabled(writable)
        for rec in sets:
            missing = [g for g in guids if g not in rec.document_guids]
            action = _item(add, rec.name, partial(self.add_to_set, rec.guid, guids))
            action.setEnabled(bool(missing))
        if sets:
            add.addSeparator()
        _item(add, "New set…", partial(self.new_set, guids))
        inside = [r for r in sets if any(g in r.document_guids for g in guids)]
        remove = menu.addMenu("Remove from document set")
        remove.setEnabled(writable and bool(inside))
        for rec in inside:
            _item(remove, rec.name, partial(self.remove_from_set, rec.guid, guids))

    def _shown(self) -> frozenset[str] | None:
        """The coders whose segments the window shows (None: everyone's)."""
        return self.scope.visible() if self.scope is not None else None

    # -- documents --------------------------------------------------------------------------
    def _target(self, guid: str | None) -> str | None:
        guid = guid or self.bench.selection().document_guid
        if guid is None:
            self.bench.report("Open or choose a document first.")
        return guid

    def _push(self, make: Callable[[], Command]) -> bool:
        try:
            command = make()
        except ProjectError as exc:  # a bad name, refused before anything is written
            self.bench.report(str(exc))
            return False
        return self.bench.push(command)

    def rename(self, guid: str | None = None) -> bool:
        guid = self._target(guid)
        rec = self.documents.by_guid.get(guid) if guid else None
        if guid is None or rec is None:
            return False
        name, ok = QInputDialog.getText(
            self.host, "Rename document", "New name:", QLineEdit.EchoMode.Normal, rec.name
        )
        if not ok or name.strip() == rec.name:
            return False
        return self._push(lambda: RenameDocument(guid, name))

    def delete(self, guid: str | None = None) -> bool:
        guid = self._target(guid)
        if guid is None:
            return False
        try:
            footprint = document_footprint(self.project, guid, self._shown())
        except ProjectError as exc:
            self.bench.report(str(exc))
            return False
        answer = QMessageBox.question(
            self.host, "Delete document", footprint.sentence(), Yes | No, No
        )
        if answer != Yes:
            return False
        return self.bench.push(DeleteDocument(guid))

    def memo(self, guid: str | None = None) -> None:
        guid = self._target(guid)
        if guid is not None:
            self.memoRequested.emit(guid)

    def edit_text(self) -> bool:
        """Correct the selected passage (or the word at the cursor) of the document on show."""
        if self.project.read_only:
            self.bench.report("This project is open read-only; nothing can be changed.")
            return False
        where = self.current_range()
        if where is None:
            self.bench.report("Open a document and select the passage to correct first.")
            return False
        guid, start, end = where
        text = document_text(self.project, guid)
        if start == end:
            start, end = word_at(text, start)
        rec = self.documents.by_guid.get(guid)
        dialog = EditTextDialog(self.project, guid, rec.name if rec else "", text, start, end,
                                self.host, coders=self._shown())  # fmt: skip
        return push_from_dialog(self.bench, dialog)

    # -- sets ---------------------------------------------------------------------------------
    def new_set(self, guids: Sequence[str]) -> bool:
        n = len(guids)
        label = f"Name of the new set ({n} document{'s' if n != 1 else ''} in it):" if n else (
            "Name of the new document set (e.g. Year 1, Pilot):"
        )  # fmt: skip
        name, ok = QInputDialog.getText(self.host, "New document set", label)
        if not ok or not name.strip():
            return False
        return self._push(lambda: AddDocumentSet(name, list(guids)))

    def add_to_set(self, set_guid: str, guids: Sequence[str]) -> bool:
        return self._push(lambda: SetMembership(set_guid, list(guids)))

    def remove_from_set(self, set_guid: str, guids: Sequence[str]) -> bool:
        return self._push(lambda: SetMembership(set_guid, list(guids), add=False))

    def _choose_set(self, title: str) -> DocumentSetRecord | None:
        sets = list_sets(self.project)
        if not sets:
            self.bench.report("There are no document sets yet.")
            return None
        labels = [f"{r.name} ({len(r)})" for r in sets]
        choice, ok = QInputDialog.getItem(self.host, title, "Document set:", labels, 0, False)
        return sets[labels.index(choice)] if ok and choice in labels else None

    def rename_set(self, set_guid: str | None = None) -> bool:
        rec = self._choose_set("Rename document set") if set_guid is None else next(
            (r for r in list_sets(self.project) if r.guid == set_guid), None
        )  # fmt: skip
        if rec is None:
            return False
        name, ok = QInputDialog.getText(
            self.host, "Rename document set", "New name:", QLineEdit.EchoMode.Normal, rec.name
        )
        if not ok or name.strip() == rec.name:
            return False
        return self._push(lambda: RenameDocumentSet(rec.guid, name))

    def delete_set(self, set_guid: str | None = None) -> bool:
        rec = self._choose_set("Delete document set") if set_guid is None else next(
            (r for r in list_sets(self.project) if r.guid == set_guid), None
        )  # fmt: skip
        if rec is None:
            return False
        question = (f"Delete the document set “{rec.name}”? Its {len(rec)} documents stay in "
                    "the project. You can undo this.")  # fmt: skip
        if QMessageBox.question(self.host, "Delete document set", question, Yes | No, No) != Yes:
            return False
        return self.bench.push(DeleteDocumentSet(rec.guid))
