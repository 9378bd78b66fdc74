"""Dialogs of the classification sheet: the preview of attributes imported from a
spreadsheet (what changes, what is new, which pseudonyms the project does not know), and
merging one participant into another (what moves, which values conflict and which to keep)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qualframe.coding.commands import ImportAttributes, MergeParticipants
from qualframe.coding.commands.attribute_import import AttributeImportPlan
from qualframe.coding.commands.participant_merge import MergePreview, merge_preview
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import ParticipantRecord
from qualframe.storage.errors import ProjectError


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class AttributeImportDialog(QDialog):
    """Shows an :class:`AttributeImportPlan`; OK imports it (one undoable step)."""

    def __init__(self, plan: AttributeImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Import attributes — {plan.file}")
        summary = QLabel(self._summary(plan))
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = _table(["Participant", "Attribute", "Now", "From the file"])
        self.table.setRowCount(len(plan.edits))
        for r, e in enumerate(plan.edits):
            for c, text in enumerate((e.pseudonym, e.attribute, e.old or "—", e.new)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Import {_plural(len(plan.edits), 'value', 'values')}")
        ok.setEnabled(bool(plan.edits))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(640, 460)

    @staticmethod
    def _summary(plan: AttributeImportPlan) -> str:
        people = len({e.participant_guid for e in plan.edits})
        lines = [
            f"<b>{_plural(len(plan.edits), 'value', 'values')}</b> to set for "
            f"{_plural(people, 'participant', 'participants')}; {plan.matched} of the file's "
            f"{plan.matched + len(plan.unknown)} pseudonyms are in the project, "
            f"{_plural(plan.unchanged, 'value is', 'values are')} already as in the file."
        ]
        if plan.new_attributes:
            lines.append(f"New attributes: {html.escape(', '.join(plan.new_attributes))}.")
        if plan.respelled:
            lines.append(f"{_plural(plan.respelled, 'value is', 'values are')} written as the "
                         "project already spells them.")  # fmt: skip
        if plan.unknown:
            lines.append(
                "<span style='color:#9A5B00'>Not in the project, left out: "
                f"{html.escape(', '.join(plan.unknown))}.</span>"
            )
        lines.extend(html.escape(w[:1].upper() + w[1:] + ".") for w in plan.warnings)
        lines.append("Blank cells change nothing; Edit → Undo reverses the whole import.")
        return "<br>".join(lines)

    def command(self) -> ImportAttributes:
        return ImportAttributes(self.plan)


class MergeDialog(QDialog):
    """Merge ``source`` into a participant chosen here; the preview says what moves and
    lists the conflicting values, each with a box to take the source's value instead."""

    def __init__(
        self,
        project: Project,
        source: ParticipantRecord,
        others: list[ParticipantRecord],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.source = source
        self.setWindowTitle(f"Merge {source.pseudonym} into another participant")
        self.preview: MergePreview | None = None
        intro = QLabel(
            f"Use this when {source.pseudonym} and another pseudonym are the same person. "
            f"{source.pseudonym}'s speaker turns, coded segments and survey answers move to "
            f"the participant you choose, and {source.pseudonym} is removed."
        )
        intro.setWordWrap(True)
        self.target = QComboBox()
        for p in others:
            self.target.addItem(p.pseudonym, p.guid)
        self.target.currentIndexChanged.connect(self.update_preview)
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = QHBoxLayout()
        row.addWidget(QLabel("Merge into:"))
        row.addWidget(self.target)
        row.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.conflicts = _table(["Attribute", "Keep", f"Or {source.pseudonym}'s value"])
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        lay.addWidget(self.conflicts, 1)
        lay.addStretch(0)
        lay.addWidget(self.buttons)
        self.resize(560, 380)
        self.update_preview()

    def target_guid(self) -> str | None:
        data = self.target.currentData()
        return str(data) if data is not None else None

    def update_preview(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        target = self.target_guid()
        self.conflicts.setRowCount(0)
        if target is None:
            self.summary.setText("There is no other participant to merge with.")
            ok.setEnabled(False)
            return
        try:
            preview = merge_preview(self.project, self.source.guid, target)
        except ProjectError as exc:
            self.preview = None
            self.summary.setText(f"<span style='color:#B00020'>{exc}</span>")
            ok.setEnabled(False)
            return
        self.preview = preview
        a, b = preview.source, preview.target
        docs = f" in {', '.join(a.documents)}" if a.documents else ""
        text = (
            f"{_plural(a.turns, 'turn', 'turns')}{docs} "
            f"({_plural(a.segments, 'coded segment', 'coded segments')}) and "
            f"{_plural(a.answers, 'survey answer', 'survey answers')} move to {b.pseudonym}."
        )
        if preview.filled:
            filled = ", ".join(f"{n} = {v}" for n, v in preview.filled)
            text += f" {b.pseudonym}'s blanks are filled: {filled}."
        if preview.conflicts:
            text += f" Both have a value for {len(preview.conflicts)} attribute(s) below: "
            text += f"{b.pseudonym}'s is kept unless you tick {a.pseudonym}'s."
        self.summary.setText(text)
        self.conflicts.setHorizontalHeaderLabels(
            ["Attribute", f"{b.pseudonym}'s value (kept)", f"Or {a.pseudonym}'s: tick to use"]
        )
        self.conflicts.setVisible(bool(preview.conflicts))
        self.conflicts.setRowCount(len(preview.conflicts))
        for r, (name, keep, other) in enumerate(preview.conflicts):
            self.conflicts.setItem(r, 0, QTableWidgetItem(name))
            self.conflicts.setItem(r, 1, QTableWidgetItem(keep))
            box = QTableWidgetItem(other)
            box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            box.setCheckState(Qt.CheckState.Unchecked)
            self.conflicts.setItem(r, 2, box)
        ok.setText(f"Merge into {b.pseudonym}")
        ok.setEnabled(not self.project.read_only)

    def take_source(self) -> list[str]:
        out = []
        for r in range(self.conflicts.rowCount()):
            box = self.conflicts.item(r, 2)
            if box is not None and box.checkState() == Qt.CheckState.Checked:
                item = self.conflicts.item(r, 0)
                if item is not None:
                    out.append(item.text())
        return out

    def command(self) -> MergeParticipants | None:
        target = self.target_guid()
        if target is None or self.preview is None:
            return None
        return MergeParticipants(self.source.guid, target, take_source=self.take_source())
