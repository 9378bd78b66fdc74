"""The other copy of a project, read once into plain rows (no ORM objects survive the read).

Every row keeps its GUID; references to other rows are GUIDs too (a segment's document,
code, coder), so the merge can match them against this project by GUID first. The audit
trail says which participants and coders were merged into others (and not undone), so that
a merge can follow a GUID that no longer exists to the row it went into.
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
    AuditEvent,
    Code,
    Coder,
    CodeReview,
    Document,
    DocumentSet,
    DocumentSetMember,
    Memo,
    Participant,
    ParticipantName,
    Review,
    Segment,
    SurveyItem,
    SurveyResponse,
    Turn,
)

Row = dict[str, Any]


@dataclass
class Source:
    """Everything a merge can bring in from the other copy."""

    name: str
    coders: list[Row] = field(default_factory=list)
    attributes: list[Row] = field(default_factory=list)
    # with "values": {attr guid: value} and "names": every spelling of the real name
    participants: list[Row] = field(default_factory=list)
    codes: list[Row] = field(default_factory=list)  # parents before children
    documents: list[Row] = field(default_factory=list)  # with "turns": [...]
    survey_items: list[Row] = field(default_factory=list)
    answers: list[Row] = field(default_factory=list)
    responses: list[Row] = field(default_factory=list)  # survey_responses, by participant guid
    sets: list[Row] = field(default_factory=list)  # document sets with "documents": [guid]
    segments: list[Row] = field(default_factory=list)
    memos: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)  # verdicts and answers (their threads)
    code_reviews: list[Row] = field(default_factory=list)  # comments on codes and answers
    # GUIDs of participants / coders merged into another (source → target), not undone
    merged_participants: dict[str, str] = field(default_factory=dict)
    merged_coders: dict[str, str] = field(default_factory=dict)


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
    names: dict[int, list[str]] = {}
    for pid, name in s.execute(
        select(ParticipantName.participant_id, ParticipantName.name).order_by(ParticipantName.id)
    ):
        names.setdefault(pid, []).append(name)
    for p in src.participants:
        pid = p.pop("id")
        p["values"] = values.pop(pid, {})
        p["names"] = names.pop(pid, [])
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
        s, [SurveyItem.guid, SurveyItem.name, SurveyItem.label, SurveyItem.type,
            SurveyItem.scale_min, SurveyItem.scale_max, SurveyItem.options,
            SurveyItem.value_labels, SurveyItem.scale_source, SurveyItem.reversed,
            SurveyItem.ignored_as, SurveyItem.columns, SurveyItem.position,
            SurveyItem.source_filename, SurveyItem.document_id],
    )  # fmt: skip
    for it in src.survey_items:
        it["document_guid"] = doc.get(it.pop("document_id"))
    # a response row and the closed answers packed into it (revision 0008): one answer row
    # per item, keyed by the item's GUID and the response's participant and file
    src.responses, src.answers = [], []
    for p, f, r, st, detail, packed in s.execute(
        select(SurveyResponse.participant_id, SurveyResponse.source_filename,
               SurveyResponse.respondent_id, SurveyResponse.status,
               SurveyResponse.status_detail, SurveyResponse.answers)
    ):  # fmt: skip
        src.responses.append({"participant_guid": person[p], "source_filename": f,
                              "respondent_id": r, "status": st, "status_detail": detail})  # fmt: skip
        src.answers.extend(
            {"item_guid": item[int(i)], "participant_guid": person[p], "source_filename": f,
             "entry": list(entry)}
            for i, entry in (packed or {}).items() if int(i) in item
        )  # fmt: skip
    src.sets = _rows(
        s, [DocumentSet.id, DocumentSet.guid, DocumentSet.name, DocumentSet.position,
            DocumentSet.created_at],
    )  # fmt: skip
    members: dict[int, list[str]] = {}
    for sid, did in s.execute(select(DocumentSetMember.set_id, DocumentSetMember.document_id)):
        members.setdefault(sid, []).append(doc[did])
    for st in src.sets:
        st["documents"] = members.get(st.pop("id"), [])
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
         "code_guid": code.get(c or -1), "coder_guid": coder.get(k or -1), "created_at": at,
         "updated_at": up}
        for g, title, text, kind, d, c, k, at, up in s.execute(
            select(Memo.guid, Memo.title, Memo.text, Memo.kind, Memo.document_id, Memo.code_id,
                   Memo.coder_id, Memo.created_at, Memo.updated_at)
        )
    ]  # fmt: skip
    src.reviews = [
        {"guid": g, "segment_guid": seg[sid], "reviewer_guid": coder[r], "verdict": v,
         "comment": com, "created_at": at, "reply_to_guid": to, "action": act, "details": det}
        for g, sid, r, v, com, at, to, act, det in s.execute(
            select(Review.guid, Review.segment_id, Review.reviewer_id, Review.verdict,
                   Review.comment, Review.created_at, Review.reply_to_guid, Review.action,
                   Review.details)
        )
    ]  # fmt: skip
    src.code_reviews = [
        {"guid": g, "code_guid": code[c], "author_guid": coder[a], "kind": k, "text": t,
         "reply_to_guid": to, "action": act, "details": det, "created_at": at}
        for g, c, a, k, t, to, act, det, at in s.execute(
            select(CodeReview.guid, CodeReview.code_id, CodeReview.author_id, CodeReview.kind,
                   CodeReview.text, CodeReview.reply_to_guid, CodeReview.action,
                   CodeReview.details, CodeReview.created_at).order_by(CodeReview.id)
        )
    ]  # fmt: skip
    src.merged_participants, src.merged_coders = merged_away(s)
    return src


#: audit actions that fold one row into another, and the ones that take that back
_MERGES = {"merge_participants": "participant", "merge_coders": "coder"}
_UNMERGES = {"unmerge_participants": "participant", "unmerge_coders": "coder"}


def merged_away(s: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Participants and coders merged into another and not restored by an undo, from the
    audit trail: (participant source GUID → target GUID, coder source → target)."""
    out: dict[str, dict[str, str]] = {"participant": {}, "coder": {}}
    for action, target, details in s.execute(
        select(AuditEvent.action, AuditEvent.entity_guid, AuditEvent.details)
        .where(AuditEvent.action.in_([*_MERGES, *_UNMERGES]))
        .order_by(AuditEvent.id)
    ):
        source = (details or {}).get("source_guid")
        if action in _MERGES and source and target:
            out[_MERGES[action]][str(source)] = str(target)
        elif action in _UNMERGES:
            # an undone participant merge names its source; an undone coder merge is
            # recorded on the coder it brought back
            out[_UNMERGES[action]].pop(str(source or target), None)
    return out["participant"], out["coder"]


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
