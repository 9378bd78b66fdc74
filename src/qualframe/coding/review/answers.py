"""The analyst's answer to an auditor's dispute (or comment) on a segment.

An answer recodes the segment, changes its boundaries, or both, or keeps the coding with a
reply saying why; it is kept in the segment's thread (a ``reviews`` row with verdict
``answer`` replying to the verdict), after which the auditor gives a new verdict. Answering
is an analyst's change of the coding, so it is refused in review mode; it is one undoable
command (the answer, the recoding and the new boundaries together).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import get_code
from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.segments import resize_in
from qualframe.storage.models import Code, Document, Review, Segment

ANSWER_ACTIONS = ("recode", "resize", "recode_resize", "keep")


def _verdict(session: Session, guid: str) -> Review:
    review = session.scalar(select(Review).where(Review.guid == guid))
    if review is None:
        raise NotFoundError("That verdict no longer exists.")
    if review.verdict not in ("dispute", "comment"):
        raise UserError("Only a dispute or a comment can be answered.")
    return review


def _recode(session: Session, seg: Segment, code: Code) -> None:
    clash = session.scalar(
        select(Segment.id).where(
            Segment.document_id == seg.document_id, Segment.code_id == code.id,
            Segment.coder_id == seg.coder_id, Segment.start == seg.start,
            Segment.end == seg.end, Segment.id != seg.id,
        )
    )  # fmt: skip
    if clash is not None:
        raise UserError(f'This passage is already coded "{code.name}" by the same coder.')
    seg.code_id = code.id


@dataclass
class AnswerDispute(Command):
    """Answer the verdict ``review_guid``: recode to ``code_guid``, change the boundaries to
    ``bounds``, or neither (keep, which needs a ``reply``)."""

    review_guid: str
    reply: str = ""
    code_guid: str | None = None
    bounds: tuple[int, int] | None = None
    guid: str | None = None
    before: dict[str, Any] | None = None
    segment_guid: str | None = None

    def __post_init__(self) -> None:
        self.text = "Answer dispute"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            verdict = _verdict(s, self.review_guid)
            taken = select(Review.guid).where(
                Review.reply_to_guid == self.review_guid, Review.verdict == "answer"
            )
            if s.scalar(taken) is not None:
                raise UserError(f"This {verdict.verdict} has already been answered.")
            seg = s.get(Segment, verdict.segment_id)
            assert seg is not None
            old_code = s.get(Code, seg.code_id)
            assert old_code is not None
            before = {"code": old_code.guid, "range": [seg.start, seg.end]}
            recode = self.code_guid is not None and self.code_guid != old_code.guid
            resize = self.bounds is not None and tuple(self.bounds) != (seg.start, seg.end)
            if recode:
                assert self.code_guid is not None
                _recode(s, seg, get_code(s, self.code_guid))
            if resize:
                assert self.bounds is not None
                resize_in(s, project.coder, seg.guid, *self.bounds)
            action = (
                "recode_resize" if recode and resize else
                "recode" if recode else "resize" if resize else "keep"
            )  # fmt: skip
            if action == "keep" and not self.reply.strip():
                raise UserError("Keeping the coding needs a reply saying why.")
            new_code = s.get(Code, seg.code_id)
            assert new_code is not None
            details = {
                "code": [old_code.guid, new_code.guid], "range": [before["range"], [seg.start, seg.end]],
                "code_names": [old_code.name, new_code.name],
            }  # fmt: skip
            answer = Review(
                segment_id=seg.id, reviewer_id=project.coder_id(s), verdict="answer",
                comment=self.reply.strip(), reply_to_guid=self.review_guid, action=action,
                details=details,
            )  # fmt: skip
            if self.guid:
                answer.guid = self.guid
            s.add(answer)
            s.flush()
            self.guid, self.before, self.segment_guid = answer.guid, before, seg.guid
            doc_guid = s.scalar(select(Document.guid).where(Document.id == seg.document_id))
            audit.record(
                s, project.coder, "answer_dispute", "review", answer.guid, segment=seg.guid,
                reply_to=self.review_guid, how=action, reply=self.reply.strip(),
                document=doc_guid, **details,
            )  # fmt: skip
        self.text = {
            "keep": "Answer dispute: keep the coding", "recode": "Answer dispute: recode",
            "resize": "Answer dispute: change the boundaries",
            "recode_resize": "Answer dispute: recode and change the boundaries",
        }[action]  # fmt: skip
        return self._change([old_code.guid, new_code.guid], str(doc_guid))

    def undo(self, project: Project) -> Change:
        assert self.guid and self.before is not None and self.segment_guid
        with project.write() as s:
            answer = s.scalar(select(Review).where(Review.guid == self.guid))
            seg = s.scalar(select(Segment).where(Segment.guid == self.segment_guid))
            if answer is None or seg is None:
                raise NotFoundError("That answer or its segment no longer exists.")
            now = s.get(Code, seg.code_id)
            assert now is not None
            if now.guid != self.before["code"]:
                _recode(s, seg, get_code(s, self.before["code"]))
            if [seg.start, seg.end] != self.before["range"]:
                resize_in(s, project.coder, seg.guid, *self.before["range"])
            s.delete(answer)
            doc_guid = s.scalar(select(Document.guid).where(Document.id == seg.document_id))
            audit.record(
                s, project.coder, "remove_answer", "review", self.guid, segment=seg.guid,
                reply_to=self.review_guid, code=[now.guid, self.before["code"]], document=doc_guid,
            )  # fmt: skip
        return self._change([now.guid, self.before["code"]], str(doc_guid))

    def _change(self, codes: list[str], document: str) -> Change:
        assert self.segment_guid
        return Change(
            "answer_dispute", codes=frozenset(codes), segments_changed=frozenset({self.segment_guid}),
            documents=frozenset({document}),
        )  # fmt: skip
