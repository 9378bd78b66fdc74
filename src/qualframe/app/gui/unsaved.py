"""A change the server connection took with it: named, never queued, offered again.

When a command's commit fails because the connection to the server went (a restart, a cable
pulled, a killed backend), the window says in one sentence what was not saved, goes offline
at once (every change is refused until the server answers; nothing is queued behind the
user's back), and does not record the command in the undo history. When the connection is
back, a box offers the change again: **Apply again** runs it as if just made (it may then be
refused, in a sentence, if another coder changed its target meanwhile), **Discard** drops
it. The user decides; nothing is applied unasked.

An undo or redo lost the same way is named too, but not offered: the history still holds it,
so Edit → Undo (or Redo) does it again.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from qualframe.app.gui.live import LiveUpdates
from qualframe.app.gui.undo import UndoHistory
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ConnectionLostError

#: The first word of a command's text (an imperative) and how the sentence starts with it.
_GERUNDS = {
    "Add": "Adding", "Adjust": "Adjusting", "Agree": "Agreeing", "Answer": "Answering",
    "Apply": "Applying", "Change": "Changing", "Code": "Coding", "Comment": "Commenting",
    "Delete": "Deleting", "Edit": "Editing", "Import": "Importing", "Link": "Linking",
    "Load": "Loading", "Mark": "Marking", "Merge": "Merging", "Move": "Moving",
    "New": "Making the new", "Remove": "Removing", "Rename": "Renaming", "Review": "Reviewing",
    "Set": "Setting", "Unmark": "Unmarking",
}  # fmt: skip


def what_was_lost(text: str) -> str:
    """``Apply code "Trust"`` -> ``Applying code "Trust"``: the change, as a sentence's
    subject."""
    verb, _, rest = text.strip().partition(" ")
    gerund = _GERUNDS.get(verb)
    if gerund is None or not rest:
        return f'Your change "{text.strip()}"' if text.strip() else "Your change"
    return f"{gerund} {rest}"


class Host(Protocol):
    """What the window offers (so that this module does not import the shell)."""

    @property
    def project(self) -> Project: ...

    def push(self, command: Command, long_title: str | None = None) -> bool: ...

    def hint(self, message: str) -> None: ...


class UnsavedChanges(QObject):
    """The changes lost with the connection, until the user applies or discards them."""

    def __init__(self, host: Host, live: LiveUpdates | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.live = live
        self.parent_widget = parent
        self.pending: list[Command] = []
        #: The offer on show (for tests and for closing it when answered elsewhere).
        self.box: QMessageBox | None = None

    def lost(self, kind: str, command: Command, exc: ConnectionLostError) -> str:
        """A step failed with the connection: go offline now and say what was not saved."""
        offline = self.live is not None and self.live.noticed_loss(exc)
        name = self.host.project.name
        if kind != "do":
            step = "Undoing" if kind == "undo" else "Redoing"
            return (
                f'{step} "{command.text}" was not saved: the connection to {name} was lost; '
                f"{kind} it again once the connection is back."
            )
        subject = what_was_lost(command.text)
        if not offline:  # nothing will notice the server coming back: no promise to keep
            return (
                f"{subject} was not saved: the connection to {name} was lost; make it again "
                "once the connection is back."
            )
        self.pending.append(command)
        return (
            f"{subject} was not saved: the connection to {name} was lost; it will be offered "
            "again when the connection is back."
        )

    def offer(self, back: str) -> bool:
        """The connection is back (``back`` says so): offer the lost changes, if any. True
        when a box was shown (it carries ``back``)."""
        if not self.pending:
            return False
        if self.box is not None:
            self.box.close()
        things = "; ".join(what_was_lost(c.text) for c in self.pending)
        one = len(self.pending) == 1
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Not saved when the connection was lost",
            f"{back} {things} {'was' if one else 'were'} not saved when it was lost: apply "
            f"{'it' if one else 'them'} again now?",
            parent=self.parent_widget,
        )
        box.setObjectName("unsaved_offer")
        self.apply_button = box.addButton("Apply again", QMessageBox.ButtonRole.AcceptRole)
        self.discard_button = box.addButton("Discard", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.apply_button)
        box.buttonClicked.connect(self._answered)
        self.box = box
        box.open()
        return True

    def _answered(self, button: QAbstractButton) -> None:
        commands, self.pending = self.pending, []
        box, self.box = self.box, None
        if box is not None:
            box.close()
            box.deleteLater()
        if button is self.apply_button:
            for i, command in enumerate(commands):
                if not self.host.push(command) and self.host.project.offline_reason is not None:
                    # Lost again (it is pending once more): the rest wait with it.
                    self.pending.extend(commands[i + 1 :])
                    break
            return
        things = "; ".join(what_was_lost(c.text) for c in commands)
        self.host.hint(f"Discarded: {things} (never saved).")


def install(
    host: Host, live: LiveUpdates | None, history: UndoHistory, parent: QWidget
) -> UnsavedChanges:
    """Wire the window: its undo history hands over lost steps, its live updates say when
    the connection is back."""
    unsaved = UnsavedChanges(host, live, parent)
    history.on_connection_lost = unsaved.lost
    if live is not None:
        live.on_back = unsaved.offer
    return unsaved
