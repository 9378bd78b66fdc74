"""Review of the codebook itself: an auditor comments on a code (its definition is unclear,
it overlaps another code …) or agrees with it; the analyst answers, by revising the code's
definition and criteria or keeping them with a reply. Each code has a thread, like a
segment's.

A code's thread is ``open`` while some auditor's latest word on it is a comment without an
answer, ``answered`` when every such comment has an answer (awaiting the auditor), ``agreed``
when every auditor's latest word is agree, ``none`` without entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.edits import update_details_in
from qualframe.coding.codebook.tree import get_code
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.review.status import ThreadEntry, answered
from qualframe.storage.models import Code, Coder, CodeReview

CODE_VERDICTS = ("comment", "agree")
CODE_STATUSES = ("none", "open", "answered", "agreed")


def code_thread_status(entries: Sequence[ThreadEntry]) -> str:
    latest: dict[str, ThreadEntry] = {}
    for e in entries:
        if e.kind in CODE_VERDICTS:
            latest[e.author] = e
    if not latest:
        return "none"
    done = answered(entries)
    comments = [e for e in latest.values() if e.kind == "comment"]
    if any(c.guid not in done for c in comments):
        return "open"
    return "answered" if comments else "agreed"


@dataclass
class AddCodeComment(Command):
    """An auditor's comment on a code (``kind`` comment, with text) or agreement with it."""

    code_guid: str
    text_: str
    kind: str = "comment"
    guid: str | None = None

    def __post_init__(self) -> None:
        self.text = "Comment on code" if self.kind == "comment" else "Agree with code"

    def do(self, project: Project) -> Change:
        kind = self.kind.strip().lower()
        if kind not in CODE_VERDICTS:
            raise UserError(f'"{self.kind}" is not a verdict on a code; use comment or agree.')
        if kind == "comment" and not self.text_.strip():
            raise UserError("A comment on a code needs some text.")
        with project.review_write() as s:
            code = get_code(s, self.code_guid)
            row = CodeReview(
                code_id=code.id, author_id=project.coder_id(s), kind=kind, text=self.text_.strip()
            )
            if self.guid:
                row.guid = self.guid
            s.add(row)
            s.flush()
            self.guid = row.guid
            audit.record(
                s, project.coder, "review_code", "code_review", row.guid, code=code.guid,
                code_name=code.name, verdict=kind, comment=self.text_.strip(),
            )  # fmt: skip
            self.text = f'{"Comment on" if kind == "comment" else "Agree with"} code "{code.name}"'
        return Change("review", codes=frozenset({self.code_guid}), created_guid=self.guid)

    def undo(self, project: Project) -> Change:
        assert self.guid
        with project.review_write() as s:
            s.execute(delete(CodeReview).where(CodeReview.guid == self.guid))
            audit.record(
                s, project.coder, "remove_code_review", "code_review", self.guid,
                code=self.code_guid,
            )  # fmt: skip
        return Change("review", codes=frozenset({self.code_guid}))


def _comment(session: Session, guid: str) -> CodeReview:
    row = session.scalar(select(CodeReview).where(CodeReview.guid == guid))
    if row is None:
        raise NotFoundError("That comment on the codebook no longer exists.")
    if row.kind != "comment":
        raise UserError("Only a comment on a code can be answered.")
    return row


@dataclass
class AnswerCodeComment(Command):
    """The analyst's answer to a comment on a code: revise fields of the code (``values``:
    definition, inclusion, exclusion, example) or keep it, with a ``reply``."""

    comment_guid: str
    reply: str = ""
    values: dict[str, str] = field(default_factory=dict)
    guid: str | None = None
    old: dict[str, str] | None = None
    code_guid: str | None = None

    def __post_init__(self) -> None:
        self.text = "Answer comment on code"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            comment = _comment(s, self.comment_guid)
            taken = select(CodeReview.guid).where(
                CodeReview.reply_to_guid == self.comment_guid, CodeReview.kind == "answer"
            )
            if s.scalar(taken) is not None:
                raise UserError("This comment has already been answered.")
            code = s.get(Code, comment.code_id)
            assert code is not None
            changed = {k: v for k, v in self.values.items() if getattr(code, k, None) != v}
            if not changed and not self.reply.strip():
                raise UserError("Keeping the code as it is needs a reply saying why.")
            old = update_details_in(s, project.coder, code.guid, changed) if changed else {}
            action = "edit" if changed else "keep"
            fields = {k: [old[k], changed[k]] for k in changed}
            row = CodeReview(
                code_id=code.id, author_id=project.coder_id(s), kind="answer",
                text=self.reply.strip(), reply_to_guid=self.comment_guid, action=action,
                details={"fields": fields} if fields else None,
            )  # fmt: skip
            if self.guid:
                row.guid = self.guid
            s.add(row)
            s.flush()
            self.guid, self.old, self.code_guid = row.guid, old, code.guid
            audit.record(
                s, project.coder, "answer_code_comment", "code_review", row.guid, code=code.guid,
                code_name=code.name, reply_to=self.comment_guid, how=action,
                reply=self.reply.strip(), fields=fields,
            )  # fmt: skip
            self.text = f'Answer comment on "{code.name}"'
        return Change("answer_code_comment", codes=frozenset({self.code_guid}))

    def undo(self, project: Project) -> Change:
        assert self.guid and self.code_guid and self.old is not None
        with project.write() as s:
            if self.old:
                update_details_in(s, project.coder, self.code_guid, self.old)
            s.execute(delete(CodeReview).where(CodeReview.guid == self.guid))
            audit.record(
                s, project.coder, "remove_code_answer", "code_review", self.guid,
                code=self.code_guid,
            )  # fmt: skip
        return Change("answer_code_comment", codes=frozenset({self.code_guid}))


def code_threads(project: Project) -> dict[str, list[ThreadEntry]]:
    """code GUID → its review thread, oldest first (codes without one are absent)."""
    stmt = (
        select(
            Code.guid, CodeReview.guid, CodeReview.kind, Coder.name, CodeReview.text,
            CodeReview.created_at, CodeReview.reply_to_guid, CodeReview.action, CodeReview.details,
        )
        .join(Code, Code.id == CodeReview.code_id)
        .join(Coder, Coder.id == CodeReview.author_id)
        .order_by(CodeReview.created_at, CodeReview.id)
    )  # fmt: skip
    out: dict[str, list[ThreadEntry]] = {}
    with project.read() as s:
        for code, guid, kind, who, text, at, reply, action, details in s.execute(stmt).all():
            entry = ThreadEntry(guid, kind, who, text, at, reply, action, dict(details or {}))
            out.setdefault(code, []).append(entry)
    return out


def code_statuses(threads: Mapping[str, Sequence[ThreadEntry]]) -> dict[str, str]:
    return {guid: code_thread_status(entries) for guid, entries in threads.items()}
