"""Merging another copy of the project: a preview, then one undoable step, backed up first.

:func:`preview_merge` reads the other copy and plans the merge under a rule without writing
anything. :class:`MergeProject` copies this project's file beside it
(``NAME.qualframe.bak-merge-<time>``) before it writes, then applies the plan in one
transaction, recorded in the audit trail; undo takes the plan back in one transaction, and
redo applies it again (the same rows, with the same GUIDs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.merge.apply import apply_plan, undo_plan
from qualframe.coding.merge.model import RULES, MergePlan, Rule
from qualframe.coding.merge.plan import plan_merge
from qualframe.coding.merge.source import Source, read_source
from qualframe.storage.trail import touch_codes


def check_rule(rule: str) -> Rule:
    for r in RULES:
        if rule == r:
            return r
    raise UserError(f'"{rule}" is not a merge rule; use mine, theirs or both.')


def preview_merge(project: Project, other: Path, rule: str = "mine") -> tuple[Source, MergePlan]:
    """Read ``other`` and plan merging it under ``rule`` (nothing is written)."""
    source = read_source(Path(other), this=project.path)
    with project.read() as s:
        return source, plan_merge(s, source, check_rule(rule))


@dataclass
class MergeProject(Command):
    """Merge the copy read into ``source`` under ``rule``."""

    source: Source
    rule: Rule
    plan: MergePlan | None = None
    backup: Path | None = None
    backups: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = f"Merge {self.source.name}"

    def do(self, project: Project) -> Change:
        if project.read_only:
            raise UserError(f"{project.name} is open read-only; nothing can be merged into it.")
        project.check_can_write()  # review mode or an auditor: refused before the backup
        self.backup = project.db.backup_before("merge")
        if self.backup is not None:
            self.backups.append(self.backup)
        with project.write() as s:
            plan = plan_merge(s, self.source, self.rule)
            apply_plan(s, plan)
            touch_codes(s, _codes_of(plan))  # bulk SQL: the codebook's history records them
            audit.record(
                s, project.coder, "merge_project", "project", None, source=self.source.name,
                rule=self.rule, conflicts=len(plan.conflicts),
                backup=str(self.backup) if self.backup else None,
                **{what.replace(" ", "_"): n for what, n in plan.summary() if n},
            )  # fmt: skip
        self.plan = plan
        project.forget_cached_ids()
        return self._change(plan)

    def undo(self, project: Project) -> Change:
        assert self.plan is not None
        with project.write() as s:
            undo_plan(s, self.plan)
            touch_codes(s, _codes_of(self.plan))
            audit.record(
                s, project.coder, "unmerge_project", "project", None, source=self.source.name,
                undo=True,
            )  # fmt: skip
        project.forget_cached_ids()
        return self._change(self.plan, undo=True)

    @staticmethod
    def _change(plan: MergePlan, *, undo: bool = False) -> Change:
        added = frozenset(s["guid"] for s in plan.segments)
        changed = frozenset(g for g, _, _ in plan.segment_updates)
        new_docs = frozenset(d["guid"] for d in plan.documents)
        renamed = frozenset(g for g, _, _ in plan.document_updates)
        return Change(
            "merge_project",
            codebook=bool(plan.codes or plan.code_updates),
            codes=frozenset(g for g, _, _ in plan.code_updates),
            segments_added=frozenset() if undo else added,
            segments_removed=added if undo else frozenset(),
            segments_changed=changed,
            documents=renamed,
            documents_added=bool(plan.documents) and not undo,
            documents_removed=new_docs if undo else frozenset(),
            document_list=bool(renamed or (undo and new_docs)),
            # new coders change the coder lists the views offer, as participants do
            participants=bool(
                plan.participants or plan.values or plan.attributes or plan.coders or plan.names
            ),
            survey=bool(plan.items or plan.answers or plan.responses or plan.response_updates),
            document_sets=bool(plan.sets or plan.set_updates or plan.members),
            memos=bool(plan.memos or plan.memo_updates),
        )


def _codes_of(plan: MergePlan) -> list[str]:
    """The codes a merge adds or changes (their states go into the codebook's history)."""
    return [c["guid"] for c in plan.codes] + [g for g, _, _ in plan.code_updates]
