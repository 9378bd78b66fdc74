"""Participants tab → *Link to respondent…*: the focus-group speaker chosen in the sheet is the
same person as a survey respondent (or the respondent chosen is a speaker). The dialog lists
the participants it can be linked to (a filter narrows a long list of respondents), says what
moves and which attribute values differ, and gives the undoable ``LinkRespondent`` command:
the respondent's answers become the speaker's, so every N counts the person once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qualframe.coding.commands import LinkRespondent
from qualframe.coding.commands.participant_merge import MergePreview, merge_preview
from qualframe.coding.commands.respondent_link import LinkCandidate
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import ParticipantRecord
from qualframe.storage.errors import ProjectError


def _describe(c: LinkCandidate) -> str:
    if c.respondent_ids:
        ids = ", ".join(sorted(set(c.respondent_ids) - {c.pseudonym}))
        return f"{c.pseudonym} — answered {', '.join(c.files)}" + (f" (id {ids})" if ids else "")
    return f"{c.pseudonym} — speaks in {', '.join(c.files)}"


class LinkDialog(QDialog):
    def __init__(
        self,
        project: Project,
        person: ParticipantRecord,
        kind: str,
        candidates: list[LinkCandidate],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project, self.person, self.kind = project, person, kind
        self.preview: MergePreview | None = None
        speaker = kind == "respondents"
        self.setWindowTitle(
            f"Link {person.pseudonym} to a survey respondent"
            if speaker
            else f"Link respondent {person.pseudonym} to a speaker"
        )
        intro = QLabel(
            f"Use this when {person.pseudonym} "
            + ("spoke in a focus group and answered the survey. Choose their response: "
               if speaker else "answered the survey and spoke in a focus group. Choose the "
               "speaker: ")
            + "the survey answers move to the speaker (the file's respondent id is kept with "
            "them), and every N and “% of the group” counts the person once. Edit → Undo "
            "unlinks."
        )  # fmt: skip
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        for c in candidates:
            item = QListWidgetItem(_describe(c))
            item.setData(Qt.ItemDataRole.UserRole, c.guid)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(lambda _r: self.update_preview())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.conflicts = QTableWidget(0, 3)
        self.conflicts.verticalHeader().hide()
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.filter)
        lay.addWidget(self.list, 2)
        lay.addWidget(self.summary)
        lay.addWidget(self.conflicts, 1)
        lay.addWidget(self.buttons)
        self.resize(600, 480)
        if candidates:
            self.list.setCurrentRow(0)
        self.update_preview()

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def choose(self, pseudonym: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).text().split(" — ")[0] == pseudonym:
                self.list.setCurrentRow(row)
                return True
        return False

    def pair(self) -> tuple[str, str] | None:
        """(speaker guid, respondent guid) of the current choice."""
        item = self.list.currentItem()
        if item is None:
            return None
        other = str(item.data(Qt.ItemDataRole.UserRole))
        return (
            (self.person.guid, other) if self.kind == "respondents" else (other, self.person.guid)
        )

    def update_preview(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        pair = self.pair()
        self.conflicts.setRowCount(0)
        self.conflicts.hide()
        if pair is None:
            self.summary.setText("There is nobody to link to: everyone is linked already.")
            ok.setEnabled(False)
            return
        speaker, respondent = pair
        try:
            self.preview = p = merge_preview(self.project, respondent, speaker)
        except ProjectError as exc:
            self.preview = None
            self.summary.setText(f"<span style='color:#B00020'>{exc}</span>")
            ok.setEnabled(False)
            return
        a, b = p.source, p.target
        text = f"{a.answers} survey answer(s) of {a.pseudonym} move to {b.pseudonym}."
        if p.filled:
            text += (
                " " + b.pseudonym + " gains " + ", ".join(f"{n} = {v}" for n, v in p.filled) + "."
            )
        if p.conflicts:
            text += (f" The two differ in {len(p.conflicts)} attribute(s): {b.pseudonym}'s "
                     f"value is kept unless you tick {a.pseudonym}'s.")  # fmt: skip
            self.conflicts.setHorizontalHeaderLabels(
                ["Attribute", f"{b.pseudonym} (kept)", f"Or {a.pseudonym}'s: tick to use"]
            )
            self.conflicts.setRowCount(len(p.conflicts))
            for r, (name, keep, other) in enumerate(p.conflicts):
                self.conflicts.setItem(r, 0, QTableWidgetItem(name))
                self.conflicts.setItem(r, 1, QTableWidgetItem(keep))
                box = QTableWidgetItem(other)
                box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                box.setCheckState(Qt.CheckState.Unchecked)
                self.conflicts.setItem(r, 2, box)
            self.conflicts.show()
        self.summary.setText(text)
        ok.setText(f"Link {b.pseudonym} and {a.pseudonym}")
        ok.setEnabled(not self.project.read_only)

    def take_respondents(self) -> tuple[str, ...]:
        out = []
        for r in range(self.conflicts.rowCount()):
            box, name = self.conflicts.item(r, 2), self.conflicts.item(r, 0)
            if box is not None and name is not None and box.checkState() == Qt.CheckState.Checked:
                out.append(name.text())
        return tuple(out)

    def command(self) -> LinkRespondent | None:
        pair = self.pair()
        if pair is None or self.preview is None:
            return None
        return LinkRespondent(pair[0], pair[1], self.take_respondents())
