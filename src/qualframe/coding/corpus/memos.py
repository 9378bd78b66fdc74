"""Memos: the project journal (reflexive notes bracketing the researcher's own assumptions),
and notes on the project, a document or a code — each dated and signed by its coder. Each
change is one transaction, audited and undoable. Segment memos live on the segment
(``commands.SetSegmentMemo``); :func:`memo_entries` lists all kinds together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.storage.models import Code, Coder, Document, Memo

KINDS = ("reflexive", "project", "document", "code")


@dataclass(frozen=True)
class MemoRecord:
    guid: str
    title: str
    text: str
    kind: str
    author: str | None
    document_guid: str | None
    code_guid: str | None
    created_at: datetime
    updated_at: datetime


def _get(s: Session, guid: str) -> Memo:
    memo = s.scalar(select(Memo).where(Memo.guid == guid))
    if memo is None:
        raise NotFoundError("That memo no longer exists.")
    return memo


@dataclass
class AddMemo(Command):
    title: str
    body: str
    kind: str = "reflexive"
    document_guid: str | None = None
    code_guid: str | None = None
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = f'Add memo "{self.title}"'

    def do(self, project: Project) -> Change:
        if self.kind not in KINDS:
            raise UserError(f'"{self.kind}" is not a kind of memo ({", ".join(KINDS)}).')
        if not self.title.strip() and not self.body.strip():
            raise UserError("A memo needs a title or some text.")
        with project.write() as s:
            memo = Memo(
                title=self.title.strip(),
                text=self.body,
                kind=self.kind,
                coder_id=project.coder_id(s),
            )
            if self.document_guid:
                doc = s.scalar(select(Document.id).where(Document.guid == self.document_guid))
                if doc is None:
                    raise NotFoundError("That document no longer exists.")
                memo.document_id = doc
            if self.code_guid:
                code = s.scalar(select(Code.id).where(Code.guid == self.code_guid))
                if code is None:
                    raise NotFoundError("That code no longer exists.")
                memo.code_id = code
            if self.guid:
                memo.guid = self.guid
            s.add(memo)
            s.flush()
            self.guid = memo.guid
            audit.record(s, project.coder, "add_memo", "memo", memo.guid, kind=self.kind)
        return Change("memo", created_guid=self.guid, memos=True)

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.write() as s:
            s.delete(_get(s, self.guid))
            audit.record(s, project.coder, "delete_memo", "memo", self.guid, undo=True)
        return Change("memo", memos=True)


@dataclass
class EditMemo(Command):
    guid: str
    title: str
    body: str
    old: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        self.text = "Edit memo"

    def _set(self, project: Project, title: str, body: str) -> tuple[str, str]:
        with project.write() as s:
            memo = _get(s, self.guid)
            old = (memo.title, memo.text)
            memo.title, memo.text = title, body
            audit.record(s, project.coder, "edit_memo", "memo", self.guid)
        return old

    def do(self, project: Project) -> Change:
        self.old = self._set(project, self.title.strip(), self.body)
        return Change("memo", memos=True)

    def undo(self, project: Project) -> Change:
        assert self.old is not None
        self._set(project, *self.old)
        return Change("memo", memos=True)


@dataclass
class DeleteMemo(Command):
    """Delete a project, document or code memo; undo brings it back as it was (GUID,
    author and dates included)."""

    guid: str
    row: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.text = "Delete memo"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            memo = _get(s, self.guid)
            self.row = {
                a.key: getattr(memo, a.key) for a in inspect(Memo).column_attrs if a.key != "id"
            }
            self.row["document_guid"] = s.scalar(
                select(Document.guid).where(Document.id == memo.document_id)
            )
            self.row["code_guid"] = s.scalar(select(Code.guid).where(Code.id == memo.code_id))
            shown = memo.title or memo.text.strip().split("\n")[0][:40]
            self.text = f'Delete memo "{shown}"'
            s.delete(memo)
            audit.record(s, project.coder, "delete_memo", "memo", self.guid, kind=memo.kind,
                         title=memo.title, text=memo.text)  # fmt: skip
        return Change("memo", memos=True)

    def undo(self, project: Project) -> Change:
        assert self.row is not None
        with project.write() as s:
            data = {k: v for k, v in self.row.items() if k not in ("document_guid", "code_guid")}
            if self.row["document_guid"] is not None:
                data["document_id"] = s.scalar(
                    select(Document.id).where(Document.guid == self.row["document_guid"])
                )
            if self.row["code_guid"] is not None:
                data["code_id"] = s.scalar(
                    select(Code.id).where(Code.guid == self.row["code_guid"])
                )
            if (self.row["document_guid"] and data["document_id"] is None) or (
                self.row["code_guid"] and data["code_id"] is None
            ):
                raise NotFoundError("What the memo was about no longer exists.")
            s.add(Memo(**data))
            audit.record(s, project.coder, "add_memo", "memo", self.guid, undo=True)
        return Change("memo", memos=True)


def list_memos(project: Project, kind: str | None = None) -> list[MemoRecord]:
    with project.read() as s:
        stmt = (
            select(
                Memo.guid, Memo.title, Memo.text, Memo.kind, Coder.name, Document.guid, Code.guid,
                Memo.created_at, Memo.updated_at,
            )
            .outerjoin(Coder, Coder.id == Memo.coder_id)
            .outerjoin(Document, Document.id == Memo.document_id)
            .outerjoin(Code, Code.id == Memo.code_id)
            .order_by(Memo.created_at, Memo.id)
        )  # fmt: skip
        if kind is not None:
            stmt = stmt.where(Memo.kind == kind)
        return [MemoRecord(*row) for row in s.execute(stmt).all()]
