"""Writing a :class:`~.plan.MergePlan` in one transaction, and taking it back.

Rows are added with the GUIDs the plan gives them (the other copy's, or derived ones for
"keep both"), so undoing deletes exactly them, and a redo re-creates them as they were.
Updates carry the old values, which undo puts back.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from qualframe.coding.corpus.segments import turn_for_range
from qualframe.coding.merge.model import MergePlan
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
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
from qualframe.storage.versions import versioned_update


def _ids(session: Session, model: Any) -> dict[str, int]:
    return {g: int(i) for g, i in session.execute(select(model.guid, model.id)).all()}


def apply_plan(session: Session, plan: MergePlan) -> None:
    """Add and update what ``plan`` says (the caller's transaction)."""
    if plan.coders:
        session.execute(insert(Coder), [
            {k: c[k] for k in ("guid", "name", "role", "created_at")} for c in plan.coders
        ])  # fmt: skip
    if plan.attributes:
        session.execute(insert(Attribute), [
            {k: a[k] for k in ("guid", "name", "type", "position")} for a in plan.attributes
        ])  # fmt: skip
    if plan.participants:
        session.execute(insert(Participant), [
            {k: p[k] for k in ("guid", "pseudonym", "real_name", "is_interviewer", "created_at")}
            for p in plan.participants
        ])  # fmt: skip
    attr, person = _ids(session, Attribute), _ids(session, Participant)
    values = [(p["guid"], a, v) for p in plan.participants for a, v in p["values"].items()]
    values += [(p, a, v) for p, a, v, old in plan.values if old is None]
    if values:
        session.execute(insert(AttributeValue), [
            {"participant_id": person[p], "attribute_id": attr[a], "value": v} for p, a, v in values
        ])  # fmt: skip
    for p, a, v, old in plan.values:
        if old is not None:
            _set_value(session, person[p], attr[a], v)
    if plan.names:
        session.execute(insert(ParticipantName), [
            {"participant_id": person[p], "name": n} for p, n in plan.names
        ])  # fmt: skip
    _apply_codes(session, plan)
    _apply_documents(session, plan, person)
    _apply_sets(session, plan)
    _apply_responses(session, plan, person)
    _apply_answers(session, plan, person, undo=False)
    _apply_codings(session, plan)


def _set_response(
    session: Session, pid: int, file: str, values: dict[str, Any]
) -> None:  # fmt: skip
    session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.participant_id == pid, SurveyResponse.source_filename == file)
        .values(**values)
    )


def _apply_responses(session: Session, plan: MergePlan, person: dict[str, int]) -> None:
    fields = ("source_filename", "respondent_id", "status", "status_detail")
    if plan.responses:
        session.execute(insert(SurveyResponse), [
            {"participant_id": person[r["participant_guid"]], **{k: r[k] for k in fields}}
            for r in plan.responses
        ])  # fmt: skip
    for (p, file), new, _old in plan.response_updates:
        _set_response(session, person[p], file, new)


def _apply_answers(
    session: Session, plan: MergePlan, person: dict[str, int], *, undo: bool
) -> None:
    """Pack the planned closed answers into their response rows (``{"<item id>": entry}``,
    revision 0008), or take them out again on undo (the participant had none of them before:
    a participant answers an item once)."""
    if not plan.answers:
        return
    item = _ids(session, SurveyItem)
    by_row: dict[tuple[int, str], dict[str, list[Any]]] = {}
    for a in plan.answers:
        key = (person[a["participant_guid"]], a["source_filename"])
        by_row.setdefault(key, {})[str(item[a["item_guid"]])] = a["entry"]
    for pid in {p for p, _ in by_row}:
        rows = session.execute(
            select(SurveyResponse.id, SurveyResponse.source_filename, SurveyResponse.answers)
            .where(SurveyResponse.participant_id == pid)
        ).all()  # fmt: skip
        for rid, file, packed in rows:
            entries = by_row.get((pid, file))
            if not entries:
                continue
            if undo:
                new = {k: v for k, v in (packed or {}).items() if k not in entries}
            else:
                new = {**(packed or {}), **entries}
            session.execute(
                update(SurveyResponse).where(SurveyResponse.id == rid).values(answers=new)
            )


def _apply_sets(session: Session, plan: MergePlan) -> None:
    if plan.sets:
        session.execute(insert(DocumentSet), [dict(s) for s in plan.sets])
    for guid, new, _old in plan.set_updates:
        session.execute(update(DocumentSet).where(DocumentSet.guid == guid).values(**new))
    if plan.members:
        sets, doc = _ids(session, DocumentSet), _ids(session, Document)
        session.execute(insert(DocumentSetMember), [
            {"set_id": sets[s], "document_id": doc[d]} for s, d in plan.members
        ])  # fmt: skip


def _set_value(session: Session, pid: int, aid: int, value: str) -> None:
    session.execute(
        update(AttributeValue)
        .where(AttributeValue.participant_id == pid, AttributeValue.attribute_id == aid)
        .values(value=value)
    )


def _apply_codes(session: Session, plan: MergePlan) -> None:
    code = _ids(session, Code)
    fields = ("guid", "name", "color", "definition", "inclusion", "exclusion", "example",
              "position", "created_at")  # fmt: skip
    for c in plan.codes:  # parents first: each parent exists by the time its child comes
        row = Code(**{k: c[k] for k in fields})
        row.parent_id = code[c["parent_guid"]] if c["parent_guid"] else None
        session.add(row)
        session.flush()
        code[row.guid] = row.id
    for guid, new, _old in plan.code_updates:
        values = dict(new)
        if "parent_guid" in values:
            parent = values.pop("parent_guid")
            values["parent_id"] = code[parent] if parent else None
        session.execute(versioned_update(Code).where(Code.id == code[guid]).values(**values))


def _apply_documents(session: Session, plan: MergePlan, person: dict[str, int]) -> None:
    item_fields = ("guid", "name", "label", "type", "scale_min", "scale_max", "options",
                   "value_labels", "scale_source", "reversed", "ignored_as", "columns",
                   "position", "source_filename")  # fmt: skip
    if plan.items:
        session.execute(insert(SurveyItem), [{k: i[k] for k in item_fields} for i in plan.items])
    doc_fields = ("guid", "name", "kind", "text", "length", "original_filename", "content_hash",
                  "text_hash", "source_encoding", "imported_at", "position")  # fmt: skip
    if plan.documents:
        session.execute(insert(Document), [{k: d[k] for k in doc_fields} for d in plan.documents])
    for guid, new, _old in plan.document_updates:
        session.execute(update(Document).where(Document.guid == guid).values(**new))
    doc, item = _ids(session, Document), _ids(session, SurveyItem)
    for i in plan.items:
        if i["document_guid"]:
            session.execute(
                update(SurveyItem).where(SurveyItem.guid == i["guid"])
                .values(document_id=doc[i["document_guid"]])
            )  # fmt: skip
    turns = [
        {"guid": t["guid"], "document_id": doc[d["guid"]],
         "participant_id": person.get(t["participant_guid"] or ""),
         "survey_item_id": item.get(t["item_guid"] or ""), "start": t["start"], "end": t["end"],
         "label": t["label"], "label_end": t["label_end"], "is_interviewer": t["is_interviewer"]}
        for d in plan.documents for t in d["turns"]
    ]  # fmt: skip
    if turns:
        session.execute(insert(Turn), turns)


def _apply_codings(session: Session, plan: MergePlan) -> None:
    doc, code, coder = _ids(session, Document), _ids(session, Code), _ids(session, Coder)
    turn = _ids(session, Turn) if plan.segments else {}
    rows = []
    for s in plan.segments:
        d = doc[s["document_guid"]]
        t = turn.get(s["turn_guid"] or "")
        if t is None:
            t = turn_for_range(session, d, s["start"], s["end"])
        rows.append(
            {"guid": s["guid"], "document_id": d, "code_id": code[s["code_guid"]],
             "coder_id": coder[s["coder_guid"]], "turn_id": t, "start": s["start"],
             "end": s["end"], "memo": s["memo"], "is_exemplar": s["is_exemplar"],
             "selection_guid": s["selection_guid"], "created_at": s["created_at"],
             "updated_at": s["created_at"]}
        )  # fmt: skip
    if rows:
        session.execute(insert(Segment), rows)
    _update_segments(session, [(g, new) for g, new, _ in plan.segment_updates], doc, code)
    if plan.memos:
        session.execute(insert(Memo), [
            {"guid": m["guid"], "title": m["title"], "text": m["text"], "kind": m["kind"],
             "document_id": doc.get(m["document_guid"] or ""),
             "code_id": code.get(m["code_guid"] or ""), "coder_id": coder.get(m["coder_guid"] or ""),
             "created_at": m["created_at"], "updated_at": m["updated_at"]}
            for m in plan.memos
        ])  # fmt: skip
    for guid, new, _old in plan.memo_updates:
        session.execute(update(Memo).where(Memo.guid == guid).values(**new))
    if plan.reviews:
        seg = dict(
            session.execute(
                select(Segment.guid, Segment.id).where(
                    Segment.guid.in_([r["segment_guid"] for r in plan.reviews])
                )
            ).all()
        )
        session.execute(insert(Review), [
            {"guid": r["guid"], "segment_id": seg[r["segment_guid"]],
             "reviewer_id": coder[r["reviewer_guid"]], "verdict": r["verdict"],
             "comment": r["comment"], "created_at": r["created_at"],
             "reply_to_guid": r["reply_to_guid"], "action": r["action"], "details": r["details"]}
            for r in plan.reviews
        ])  # fmt: skip
    if plan.code_reviews:
        session.execute(insert(CodeReview), [
            {**{k: r[k] for k in ("guid", "kind", "text", "reply_to_guid", "action", "details",
                                  "created_at")},
             "code_id": code[r["code_guid"]], "author_id": coder[r["author_guid"]]}
            for r in plan.code_reviews
        ])  # fmt: skip


def _update_segments(
    session: Session, changes: list[tuple[str, dict[str, Any]]], doc: dict[str, int],
    code: dict[str, int],
) -> None:  # fmt: skip
    """Give segments new fields in one bulk statement (their turns recomputed in memory)."""
    if not changes:
        return
    ids = (
        dict(
            session.execute(
                select(Segment.guid, Segment.id).where(Segment.guid.in_([g for g, _ in changes]))
            ).all()
        )
        if len(changes) <= 500
        else dict(session.execute(select(Segment.guid, Segment.id)).all())
    )
    docs = {doc[new["document_guid"]] for _, new in changes}
    turns: dict[int, list[tuple[int, int, int]]] = {}
    for tid, did, a, b in session.execute(
        select(Turn.id, Turn.document_id, Turn.start, Turn.end).where(Turn.document_id.in_(docs))
    ):
        turns.setdefault(did, []).append((a, b, tid))
    rows = []
    for guid, new in changes:
        d = doc[new["document_guid"]]
        rows.append(
            {"row_id": ids[guid], "document_id": d, "code_id": code[new["code_guid"]],
             "start": new["start"], "end": new["end"], "memo": new["memo"],
             "turn_id": _turn(turns.get(d, []), new["start"], new["end"])}
        )  # fmt: skip
    # by rows of the table, raising each row's version (revision 0010) as every edit does
    table = cast(Table, Segment.__table__)
    session.execute(
        versioned_update(table).where(table.c.id == bindparam("row_id")),
        rows,
    )


def _turn(turns: list[tuple[int, int, int]], start: int, end: int) -> int | None:
    """The turn overlapping [start, end) the most, as ``segments.turn_for_range`` says."""
    best: tuple[int, int] | None = None
    tid = None
    for a, b, t in turns:
        overlap = min(end, b) - max(start, a)
        if overlap > 0 and (best is None or (overlap, -a) > best):
            best, tid = (overlap, -a), t
    return tid


def undo_plan(session: Session, plan: MergePlan) -> None:
    """Take back everything :func:`apply_plan` did with ``plan``."""
    doc, code = _ids(session, Document), _ids(session, Code)
    for guid, _new, old in plan.memo_updates:
        session.execute(update(Memo).where(Memo.guid == guid).values(**old))
    _update_segments(session, [(g, old) for g, _, old in plan.segment_updates], doc, code)

    def gone(model: Any, rows: list[dict[str, Any]]) -> None:
        guids = [r["guid"] for r in rows]
        for i in range(0, len(guids), 500):
            session.execute(delete(model).where(model.guid.in_(guids[i : i + 500])))

    gone(Review, plan.reviews)
    gone(CodeReview, plan.code_reviews)
    gone(Memo, plan.memos)
    gone(Segment, plan.segments)
    person = _ids(session, Participant)
    _apply_answers(session, plan, person, undo=True)
    _undo_sets_and_responses(session, plan, person)
    for guid, _new, old in plan.document_updates:
        session.execute(update(Document).where(Document.guid == guid).values(**old))
    gone(Turn, [t for d in plan.documents for t in d["turns"]])
    gone(Document, plan.documents)
    gone(SurveyItem, plan.items)
    for guid, _new, before in reversed(plan.code_updates):
        values = dict(before)
        if "parent_guid" in values:
            parent = values.pop("parent_guid")
            values["parent_id"] = code[parent] if parent else None
        session.execute(versioned_update(Code).where(Code.id == code[guid]).values(**values))
    for c in reversed(plan.codes):  # children first
        session.execute(delete(Code).where(Code.guid == c["guid"]))
    attr = _ids(session, Attribute)
    for pg, ag, _v, was in plan.values:
        if was is None:
            session.execute(
                delete(AttributeValue).where(
                    AttributeValue.participant_id == person[pg],
                    AttributeValue.attribute_id == attr[ag],
                )
            )
        else:
            _set_value(session, person[pg], attr[ag], was)
    for pg, name in plan.names:
        session.execute(
            delete(ParticipantName).where(
                ParticipantName.participant_id == person[pg], ParticipantName.name == name
            )
        )
    gone(Participant, plan.participants)
    gone(Attribute, plan.attributes)
    gone(Coder, plan.coders)


def _undo_sets_and_responses(session: Session, plan: MergePlan, person: dict[str, int]) -> None:
    sets, doc = _ids(session, DocumentSet), _ids(session, Document)
    for s, d in plan.members:
        session.execute(
            delete(DocumentSetMember).where(
                DocumentSetMember.set_id == sets[s], DocumentSetMember.document_id == doc[d]
            )
        )
    for guid, _new, old in plan.set_updates:
        session.execute(update(DocumentSet).where(DocumentSet.guid == guid).values(**old))
    if plan.sets:
        session.execute(
            delete(DocumentSet).where(DocumentSet.guid.in_([s["guid"] for s in plan.sets]))
        )
    for (p, file), _new, old in plan.response_updates:
        _set_response(session, person[p], file, old)
    for r in plan.responses:
        session.execute(
            delete(SurveyResponse).where(
                SurveyResponse.participant_id == person[r["participant_guid"]],
                SurveyResponse.source_filename == r["source_filename"],
            )
        )
