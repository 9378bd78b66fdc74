"""Coders' roles and names: the people who code segments and those who review them. A
coder's ``role`` is ``analyst`` or ``auditor``; an auditor's changes are refused in
``Project.write`` (they may only review). Adding a coder with a role and renaming a coder are
undoable commands; the audit trail keeps the name a person had when they acted. Merging two
spellings of one person is :class:`~coding.corpus.coder_merge.MergeCoders`; ``corpus.coders``
holds the plain look-ups of coders. This is the one implementation of each of these
operations: the ``coders``, ``coder-rename`` and ``coder-merge`` commands and the GUI's
Manage coders… all use it.

Names are stored as the importer stores document names: spacing collapsed, and control and
direction-changing characters shown as escapes (``core.printable``), so that no name can
play tricks on a terminal or a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.core.project import ANALYST, AUDITOR, Project
from qualframe.storage.models import Coder, Review, Segment

ROLES = (ANALYST, AUDITOR)
NAME_LIMIT = 200  # the column's width


@dataclass(frozen=True)
class CoderRecord:
    guid: str
    name: str
    role: str
    segments: int
    verdicts: int
    created_at: datetime


def list_coders(project: Project) -> list[CoderRecord]:
    """Every coder with their role, segments coded and verdicts given, by name."""
    with project.read() as s:
        segs = dict(
            s.execute(select(Segment.coder_id, func.count()).group_by(Segment.coder_id)).all()
        )
        verdicts = dict(
            s.execute(
                select(Review.reviewer_id, func.count())
                .where(Review.verdict != "answer")
                .group_by(Review.reviewer_id)
            ).all()
        )
        rows = [
            CoderRecord(c.guid, c.name, c.role, int(segs.get(c.id, 0)),
                        int(verdicts.get(c.id, 0)), c.created_at)
            for c in s.scalars(select(Coder))
        ]  # fmt: skip
    return sorted(rows, key=lambda r: r.name.casefold())


def check_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise UserError(f'"{role}" is not a role; use analyst or auditor.')
    return role


def clean_coder_name(name: str) -> str:
    name = printable(" ".join(name.split()))
    if not name:
        raise UserError("A coder needs a name.")
    if len(name) > NAME_LIMIT:
        raise UserError(f"A coder's name has at most {NAME_LIMIT} characters.")
    return name


def coder_in(session: Session, name: str) -> Coder:
    """The coder called ``name``: the spelling as written first (two spellings of one person
    may differ only in case, "jordan" and "Jordan", and each must be reachable), also as it is
    stored (escaped); else the one coder whose name matches whatever the case and spacing."""
    coders = list(session.scalars(select(Coder)))
    wanted = " ".join(name.split())
    keys = (wanted, printable(wanted))
    for coder in coders:
        if coder.name in keys:
            return coder
    folded = {k.casefold() for k in keys}
    matches = [c for c in coders if c.name.casefold() in folded]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(sorted((c.name for c in coders), key=str.casefold))
    if matches:
        raise UserError(f'"{name}" could be any of the coders {names}; write the name exactly.')
    raise NotFoundError(f'There is no coder "{name}" in this project (coders: {names or "none"}).')


def _taken(session: Session, name: str, exclude: int | None = None) -> Coder | None:
    key = name.casefold()
    return next(
        (c for c in session.scalars(select(Coder)) if c.name.casefold() == key and c.id != exclude),
        None,
    )


@dataclass
class AddCoder(Command):
    """A new coder with a role (analyst or auditor)."""

    name: str
    role: str = ANALYST
    guid: str | None = None

    def __post_init__(self) -> None:
        self.name = clean_coder_name(self.name)
        self.role = check_role(self.role)
        self.text = f'Add {self.role} "{self.name}"'

    def do(self, project: Project) -> Change:
        with project.write() as s:
            other = _taken(s, self.name)
            if other is not None:
                raise UserError(f'There is already a coder "{other.name}" ({other.role}).')
            coder = Coder(name=self.name, role=self.role)
            if self.guid:
                coder.guid = self.guid
            s.add(coder)
            s.flush()
            self.guid = coder.guid
            audit.record(s, project.coder, "add_coder", "coder", coder.guid, name=self.name,
                         role=self.role)  # fmt: skip
        project.forget_cached_ids()
        return Change("add_coder", created_guid=self.guid)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            coder = s.scalar(select(Coder).where(Coder.guid == self.guid))
            if coder is None:
                raise NotFoundError(f'The coder "{self.name}" no longer exists.')
            used = s.scalar(
                select(func.count()).select_from(Segment).where(Segment.coder_id == coder.id)
            )
            verdicts = s.scalar(
                select(func.count()).select_from(Review).where(Review.reviewer_id == coder.id)
            )
            if used or verdicts:
                raise UserError(
                    f'"{self.name}" has coded or reviewed since being added, so cannot be removed.'
                )
            s.delete(coder)
            audit.record(s, project.coder, "remove_coder", "coder", self.guid, name=self.name)
        project.forget_cached_ids()
        return Change("remove_coder")


@dataclass
class RenameCoder(Command):
    """Rename a coder everywhere: their segments and verdicts follow the coder, not the
    name; the audit trail keeps the name they had when they acted. A name another coder has
    is refused (two spellings of one person are merged instead)."""

    old: str
    new: str
    guid: str | None = None
    was: str | None = None

    def __post_init__(self) -> None:
        self.new = clean_coder_name(self.new)
        self.text = f'Rename coder "{self.old}" to "{self.new}"'

    def _rename(self, project: Project, find: str, to: str) -> tuple[str, frozenset[str]]:
        with project.write() as s:
            coder = (
                s.scalar(select(Coder).where(Coder.guid == self.guid))
                if self.guid
                else coder_in(s, find)
            )
            if coder is None:
                raise NotFoundError(f'There is no coder "{find}" in this project.')
            other = _taken(s, to, exclude=coder.id)
            if other is not None:
                raise UserError(
                    f'There is already a coder "{other.name}"; merge the two instead of renaming.'
                )
            before = coder.name
            coder.name = to
            self.guid = coder.guid
            audit.record(s, project.coder, "rename_coder", "coder", coder.guid, old=before, new=to)
            guids = frozenset(s.scalars(select(Segment.guid).where(Segment.coder_id == coder.id)))
        project.forget_cached_ids()
        if project.coder == before:
            project.coder = to  # the person working is the one renamed
        return before, guids

    def do(self, project: Project) -> Change:
        self.was, guids = self._rename(project, self.old, self.new)
        # the views show coders' names beside their segments and participants' counts
        return Change("rename_coder", segments_changed=guids, participants=True)

    def undo(self, project: Project) -> Change:
        assert self.was is not None
        _, guids = self._rename(project, self.new, self.was)
        return Change("rename_coder", segments_changed=guids, participants=True)
