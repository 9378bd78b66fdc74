"""View → Coders → Manage coders…: the project's coders with their roles and segment counts;
rename one, or merge two spellings of one person. Both are undoable commands (the same ones
as `qualframe coders rename|merge`), refused while the project is read-only or reviewed.
While the window codes blind, only the coder's own count is shown (the others' would say how
much they coded) and a line says so."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.corpus.coder_merge import MergeCoders
from qualframe.coding.corpus.coder_roles import RenameCoder, list_coders
from qualframe.coding.corpus.coders import coder_names


class CodersDialog(QDialog):
    def __init__(
        self, bench: Workbench, parent: QWidget | None = None, scope: CoderScope | None = None
    ) -> None:
        """``scope``: while it is blind, the other coders' counts are not shown."""
        super().__init__(parent)
        self.setWindowTitle("Coders")
        self.bench, self.scope = bench, scope
        self.list = QListWidget()
        self.rename_button = QPushButton("Rename…")
        self.merge_button = QPushButton("Merge into…")
        self.merge_button.setToolTip("Two spellings of one person: move everything to the other")
        self.rename_button.clicked.connect(self.ask_rename)
        self.merge_button.clicked.connect(self.ask_merge)
        side = QVBoxLayout()
        side.addWidget(self.rename_button)
        side.addWidget(self.merge_button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        if scope is not None and scope.blind:
            note = QLabel("<b>Blind coding is on</b>: the other coders' segment counts are "
                          "hidden (View → Coders).")  # fmt: skip
            note.setObjectName("coders_blind_note")
            note.setWordWrap(True)
            note.setStyleSheet("color:#8A3B00")
            lay.addWidget(note)
        lay.addWidget(close)
        writable = bench.project.can_edit  # not read-only, not in review mode
        self.rename_button.setEnabled(writable)
        self.merge_button.setEnabled(writable)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        blind = self.scope is not None and self.scope.blind
        me = self.bench.project.coder
        for coder in list_coders(self.bench.project):
            if blind and coder.name != me:
                self.list.addItem(f"{coder.name}  ({coder.role})")
            else:
                self.list.addItem(f"{coder.name}  ({coder.role}, {coder.segments} segments)")
            self.list.item(self.list.count() - 1).setData(256, coder.name)
        if self.list.count():
            self.list.setCurrentRow(0)

    def current(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(256)) if item else None

    def rename(self, old: str, new: str) -> bool:
        ok = self.bench.push(RenameCoder(old, new))
        self.reload()
        return ok

    def merge(self, source: str, target: str) -> bool:
        ok = self.bench.push(MergeCoders(source, target))
        self.reload()
        return ok

    def ask_rename(self) -> None:
        old = self.current()
        if old is None:
            return
        new, ok = QInputDialog.getText(self, "Rename coder", f'New name for "{old}":', text=old)
        if ok and new.strip() and new.strip() != old:
            self.rename(old, new)

    def ask_merge(self) -> None:
        source = self.current()
        if source is None:
            return
        others = [n for n in coder_names(self.bench.project) if n != source]
        target, ok = QInputDialog.getItem(
            self, "Merge coder", f'Move everything of "{source}" to:', others, 0, False
        )
        if ok and target:
            self.merge(source, target)
