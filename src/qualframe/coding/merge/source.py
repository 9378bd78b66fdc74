"""The other copy of a project, read once into plain rows (no ORM objects survive the read).

Every row keeps its GUID; references to other rows are GUIDs too (a segment's document,
code, coder), so the merge can match them against this project by GUID first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Code,
    Coder,
    Document,
    Memo,
    Participant,
    Review,
    Segment,
    SurveyAnswer,
    SurveyItem,
    Turn,
)

Row = dict[str, Any]


@dataclass
class Source:
    """Everything a merge can bring in from the other copy."""

    name: str
    coders: list[Row] = field(default_factory=list)
    attributes: list[Row] = field(default_factory=list)
    participants: list[Row] = field(default_factory=list)  # with "values": {attr guid: value}
    codes: list[Row] = field(default_factory=list)  # parents before children
    documents: list[Row] = field(default_factory=list)  # with "turns": [...]
    survey_items: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    memos: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)


def read_source(path: Path, *, this: Path | None = None) -> Source:
    """Read the project file ``path`` (opened read-only, so it may be open elsewhere)."""
    path = Path(path)
    if this is not None and path.exists() and path.resolve() == Path(this).resolve():
        raise UserError(f"{path.name} is this project; choose the other copy to merge.")
    if not path.exists():
        raise UserError(f"There is no file {path}.")
    try:
        other = Project.open(path, read_only=True)
    except ProjectError as exc:
        raise UserError(f"Cannot merge {path.name}: {exc}") from exc
    try:
        with other.read() as s:
            return read_session(s, path.name)
    finally:
        other.close()


def _rows(session: Session, columns: list[Any]) -> list[Row]:
    names = [c.key for c in columns]
    return [dict(zip(names, r, strict=True)) for r in _execute(session, select(*columns))]


def _execute(session: Session, stmt: Any) -> list[Any]:
    """Rows of a Core statement on the session's connection (no ORM loading: 60,000 segment
    rows come about twice as fast)."""
    return list(session.connection().execute(stmt).all())


def read_session(s: Session, name: str, *, texts: bool = True) -> Source:
    """Read a project's rows through an open session (GUIDs instead of ids). Without
    ``texts`` the documents' texts are left out (matching needs only their hashes)."""
    src = Source(name)
    coder = dict(s.execute(select(Coder.id, Coder.guid)).all())
    src.coders = _rows(s, [Coder.guid, Coder.name, Coder.role, Coder.created_at])
    attr = dict(s.execute(select(Attribute.id, Attribute.guid)).all())
    src.attributes = _rows(s, [Attribute.guid, Attribute.name, Attribute.type, Attribute.position])
    person = dict(s.execute(select(Participant.id, Participant.guid)).all())
    src.participants = _rows(
        s, [Participant.id, Participant.guid, Participant.pseudonym, Participant.real_name,
            Participant.is_interviewer, Participant.created_at],
    )  # fmt: skip
    values: dict[int, dict[str, str]] = {}
    for pid, aid, value in s.execute(
        select(AttributeValue.participant_id, AttributeValue.attribute_id, AttributeValue.value)
    ):
        values.setdefault(pid, {})[attr[aid]] = value
    for p in src.participants:
        p["values"] = values.pop(p.pop("id"), {})
    code_rows = _rows(
        s, [Code.id, Code.guid, Code.parent_id, Code.name, Code.color, Code.definition,
            Code.inclusion, Code.exclusion, Code.example, Code.position, Code.created_at],
    )  # fmt: skip
    code = {r["id"]: r["guid"] for r in code_rows}
    for r in code_rows:
        r["parent_guid"] = code.get(r.pop("parent_id"))
    src.codes = _parents_first(code_rows)
    item = dict(s.execute(select(SurveyItem.id, SurveyItem.guid)).all())
    text_column = [Document.text] if texts else []
    doc_rows = _rows(
        s, [Document.id, Document.guid, Document.name, Document.kind, *text_column,
            Document.length, Document.original_filename, Document.content_hash,
            Document.text_hash, Document.source_encoding, Document.imported_at,
            Document.position],
    )  # fmt: skip
    doc = {r["id"]: r["guid"] for r in doc_rows}
    turns: dict[int, list[Row]] = {}
    for t in _rows(
        s, [Turn.id, Turn.guid, Turn.document_id, Turn.participant_id, Turn.survey_item_id,
            Turn.start, Turn.end, Turn.label, Turn.label_end, Turn.is_interviewer],
    ):  # fmt: skip
        t["participant_guid"] = person.get(t.pop("participant_id") or -1)
        t["item_guid"] = item.get(t.pop("survey_item_id") or -1)
        turns.setdefault(t.pop("document_id"), []).append(t)
    turn = {t["id"]: t["guid"] for ts in turns.values() for t in ts}
    for d in doc_rows:
        d["turns"] = turns.get(d.pop("id"), [])
    src.documents = doc_rows
    src.survey_items = _rows(
        s, [SurveyItem.guid, SurveyItem.name, SurveyItem.type, SurveyItem.scale_min,
            SurveyItem.scale_max, SurveyItem.options, SurveyItem.position,
            SurveyItem.source_filename, SurveyItem.document_id],
    )  # fmt: skip
    for it in src.survey_items:
        it["document_guid"] = doc.get(it.pop("document_id"))
    src.answers = [
        {"item_guid": item[i], "participant_guid": person[p], "raw": raw, "number": num,
         "choices": ch}
        for i, p, raw, num, ch in s.execute(
            select(SurveyAnswer.item_id, SurveyAnswer.participant_id, SurveyAnswer.raw,
                   SurveyAnswer.number, SurveyAnswer.choices)
        )
    ]  # fmt: skip
    src.segments = [
        {"guid": g, "document_guid": doc[d], "code_guid": code[c], "coder_guid": coder[k],
         "turn_guid": turn.get(t), "start": a, "end": b, "memo": memo, "is_exemplar": ex,
         "selection_guid": sel, "created_at": at}
        for g, d, c, k, t, a, b, memo, ex, sel, at in _execute(s,
            select(Segment.guid, Segment.document_id, Segment.code_id, Segment.coder_id,
                   Segment.turn_id, Segment.start, Segment.end, Segment.memo,
                   Segment.is_exemplar, Segment.selection_guid, Segment.created_at)
        )
    ]  # fmt: skip
    seg = dict(s.execute(select(Segment.id, Segment.guid)).all())
    src.memos = [
        {"guid": g, "title": title, "text": text, "kind": kind, "document_guid": doc.get(d or -1),
         "code_guid": code.get(c or -1), "coder_guid": coder.get(k or -1), "created_at": at}
        for g, title, text, kind, d, c, k, at in s.execute(
            select(Memo.guid, Memo.title, Memo.text, Memo.kind, Memo.document_id, Memo.code_id,
                   Memo.coder_id, Memo.created_at)
        )
    ]  # fmt: skip
    src.reviews = [
        {"guid": g, "segment_guid": seg[sid], "reviewer_guid": coder[r], "verdict": v,
         "comment": com, "created_at": at}
        for g, sid, r, v, com, at in s.execute(
            select(Review.guid, Review.segment_id, Review.reviewer_id, Review.verdict,
                   Review.comment, Review.created_at)
        )
    ]  # fmt: skip
    return src


def _parents_first(rows: list[Row]) -> list[Row]:
    kids: dict[str | None, list[Row]] = {}
    for r in sorted(rows, key=lambda r: (r["position"], r["name"])):
        kids.setdefault(r["parent_guid"], []).append(r)
    out: list[Row] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        r = stack.pop()
        out.append(r)
        stack.extend(reversed(kids.get(r["guid"], [])))
    return out
