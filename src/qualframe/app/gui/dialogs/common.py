"""Pieces several dialogs build alike: the OK/Cancel row; the table of attribute values that
differ between two participants (merging them, or linking a speaker to a respondent), where a
ticked box takes the other participant's value instead of the one kept; and showing a dialog
whose result is one undoable command."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem

from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.command import Command


class CommandDialog(Protocol):
    """A dialog that, accepted, gives the command to push (None: nothing to do)."""

    def exec(self) -> int: ...

    def command(self) -> Command | None: ...

    def deleteLater(self) -> None: ...


def ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel, accepting and rejecting ``dialog``."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def fill_conflicts(table: QTableWidget, conflicts: Sequence[tuple[str, str, str]]) -> None:
    """One row per (attribute, value kept, other value); the other value's box is unticked."""
    table.setRowCount(len(conflicts))
    for r, (name, keep, other) in enumerate(conflicts):
        table.setItem(r, 0, QTableWidgetItem(name))
        table.setItem(r, 1, QTableWidgetItem(keep))
        box = QTableWidgetItem(other)
        box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        box.setCheckState(Qt.CheckState.Unchecked)
        table.setItem(r, 2, box)


def ticked_attributes(table: QTableWidget) -> list[str]:
    """The attributes whose other value is ticked, in the table's order."""
    out = []
    for r in range(table.rowCount()):
        box, name = table.item(r, 2), table.item(r, 0)
        if box is not None and name is not None and box.checkState() == Qt.CheckState.Checked:
            out.append(name.text())
    return out


def push_from_dialog(bench: Workbench, dialog: CommandDialog) -> bool:
    """Show ``dialog``; when it is accepted, push the command it gives (if any). The dialog is
    deleted afterwards; whether a command was pushed."""
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        command = dialog.command()
        return command is not None and bench.push(command)
    finally:
        dialog.deleteLater()
