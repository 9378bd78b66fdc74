"""File → Merge project…: choose the other copy, see what would come in and every conflict,
pick the rule (mine, theirs, keep both), merge as one undoable step (the project is backed up
first)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.tasks import Cancelled, run_with_progress
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.merge import MergePlan, MergeProject, preview_merge
from qualframe.coding.merge.plan import plan_merge
from qualframe.coding.merge.source import Source
from qualframe.storage.errors import ProjectError

RULE_TEXT = (
    ("mine", "Keep mine", "this project's version wins every conflict"),
    ("theirs", "Take theirs", "the other copy's version wins"),
    ("both", "Keep both", "theirs is added beside mine where the project can hold both "
     "(codes, segments, memos, documents); otherwise mine is kept"),
)  # fmt: skip


class MergeDialog(QDialog):
    def __init__(self, bench: Workbench, source: Source, plan: MergePlan,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(f"Merge {source.name}")
        self.bench, self.source, self.plan = bench, source, plan
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.conflicts = QTableWidget(0, 4)
        self.conflicts.setHorizontalHeaderLabels(["Conflict", "What", "Mine", "Theirs"])
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.conflicts.verticalHeader().hide()
        self.conflicts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rules = QButtonGroup(self)
        rules = QVBoxLayout()
        for i, (rule, label, why) in enumerate(RULE_TEXT):
            button = QRadioButton(f"{label} — {why}")
            button.setProperty("rule", rule)
            self.rules.addButton(button, i)
            rules.addWidget(button)
        self.rules.button(0).setChecked(True)
        self.rules.idToggled.connect(self._rule_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(QLabel("<b>Conflicts</b> (the same item changed differently in each copy)"))
        lay.addWidget(self.conflicts, 1)
        lay.addWidget(QLabel("<b>Resolve conflicts by</b>"))
        lay.addLayout(rules)
        note = QLabel("The project is backed up before the merge; Edit → Undo takes the whole "
                      "merge back. Merging the same copy again changes nothing.")  # fmt: skip
        note.setWordWrap(True)
        lay.addWidget(note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        lay.addLayout(row)
        self.resize(820, 560)
        self.show_plan(plan)

    @property
    def rule(self) -> str:
        button = self.rules.checkedButton()
        return str(button.property("rule")) if button is not None else "mine"

    def _rule_changed(self, _id: int, on: bool) -> None:
        if on:
            with self.bench.project.read() as s:
                self.show_plan(plan_merge(s, self.source, self.rule))  # type: ignore[arg-type]

    def show_plan(self, plan: MergePlan) -> None:
        self.plan = plan
        parts = [f"{n:,} {what}" for what, n in plan.summary() if n]
        extra = plan.notes()
        what = ", ".join(parts) if parts else "nothing new"
        self.summary.setText(
            f"<b>{self.source.name}</b> brings: {what}."
            + (" " + "; ".join(extra) + "." if extra else "")
        )
        self.conflicts.setRowCount(len(plan.conflicts))
        for r, c in enumerate(plan.conflicts):
            for col, text in enumerate((c.kind, c.what, c.mine, c.theirs)):
                self.conflicts.setItem(r, col, QTableWidgetItem(text))
        self.merge_button.setEnabled(plan.changes > 0)
        self.merge_button.setText("Merge" if plan.changes else "Nothing to merge")


def ask_merge(
    bench: Workbench,
    parent: QWidget | None,
    path: Path | None = None,
    *,
    scope: CoderScope | None = None,
) -> bool:
    """Choose a copy (unless ``path``), preview, merge. True when merged. Refused while
    ``scope`` is blind: the preview lists what the other copy's coders did."""
    why = "merging a copy lists what its coders did"
    if scope is not None and scope.refused_while_blind(bench.report, why):
        return False
    if path is None:
        start = bench.project.path.parent if bench.project.path else Path.home()
        name, _ = QFileDialog.getOpenFileName(
            parent, "Merge project", str(start), "Qualframe projects (*.qualframe)"
        )
        if not name:
            return False
        path = Path(name)
    try:
        source, plan = run_with_progress(
            parent, f"Reading {path.name}", lambda _p: preview_merge(bench.project, path)
        )
    except Cancelled:
        return False
    except ProjectError as exc:
        bench.report(str(exc))
        return False
    dialog = MergeDialog(bench, source, plan, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return bench.push(MergeProject(source, dialog.plan.rule), long_title=f"Merging {path.name}")
