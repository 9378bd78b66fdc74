"""The readable audit trail: every event as a sentence, with who, when and what it touched,
filterable by person, kind of action, code, document and date.

Events are read oldest first and described in that order, so a sentence names things as
they were then (a code later renamed keeps its old name in earlier sentences). What the
events do not record is taken from the project as it is now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.trail.sentences import Names, describe
from qualframe.storage.models import (
    AuditEvent,
    Code,
    Document,
    DocumentSet,
    Participant,
    Segment,
)

CATEGORIES: dict[str, frozenset[str]] = {
    "coding": frozenset({"apply_code", "remove_segment", "remove_segments", "resize_segment",
                         "segment_memo", "segment_exemplar"}),
    "codebook": frozenset({"add_code", "rename_code", "recolour_code", "edit_code", "move_code",
                           "merge_code", "undo_merge_code", "delete_code", "load_template",
                           "import_codebook", "undo_import_codebook", "code_state"}),
    "review": frozenset({"review_segment", "remove_review", "answer_dispute", "remove_answer",
                         "review_code", "remove_code_review", "answer_code_comment",
                         "remove_code_answer"}),
    "import": frozenset({"import_document", "import_survey", "import_refi", "undo_import_refi"}),
    "documents": frozenset({"rename_document", "delete_document", "restore_document", "edit_text",
                            "add_document_set", "rename_document_set", "delete_document_set",
                            "document_set_members"}),
    "participants": frozenset({"set_attribute", "add_attribute", "remove_attribute",
                               "merge_participants", "unmerge_participants",
                               "delete_participant", "restore_participant",
                               "import_attributes"}),
    "survey": frozenset({"edit_survey_item"}),
    "memos": frozenset({"add_memo", "edit_memo", "delete_memo"}),
    "coders": frozenset({"add_coder", "remove_coder", "rename_coder", "merge_coders",
                         "unmerge_coders", "merge_project", "unmerge_project",
                         "resolve_disagreement", "unresolve_disagreement", "seed_consensus",
                         "unseed_consensus"}),
    "history": frozenset({"undo", "redo"}),
}  # fmt: skip
#: What ``--action`` accepts: a kind of action, "undo" (every event of an undo or redo), or
#: an action's own name (apply_code …).
ACTION_KINDS = (*CATEGORIES, "undo")
SEGMENT_EVENTS = CATEGORIES["coding"]
#: Events about one document (its GUID is the event's), which the log can go to.
DOCUMENT_EVENTS = frozenset(
    {"import_document", "rename_document", "delete_document", "restore_document", "edit_text"}
)


def category_of(action: str) -> str:
    return next((k for k, actions in CATEGORIES.items() if action in actions), "other")


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: datetime  # UTC
    actor: str
    action: str
    category: str
    sentence: str
    entity: str
    entity_guid: str | None
    details: Mapping[str, Any]
    undo: bool
    redo: bool
    target: tuple[str, str] | None  # ("segment" | "code" | "document", guid) to jump to
    codes: frozenset[str]
    documents: frozenset[str]
    hash: str


@dataclass(frozen=True)
class LogFilter:
    actor: str | None = None
    action: str | None = None
    code_guid: str | None = None
    document_guid: str | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    states: bool = False  # include the codebook-state records (machine-readable)

    def keeps(self, e: LogEntry) -> bool:
        if e.action == "code_state" and not self.states:
            return False
        if self.actor and e.actor.casefold() != self.actor.strip().casefold():
            return False
        if self.action:
            wanted = self.action.strip().lower()
            if wanted == "undo":
                if not (e.undo or e.redo or e.action in CATEGORIES["history"]):
                    return False
            elif wanted in CATEGORIES:
                if e.category != wanted:
                    return False
            elif e.action != wanted:
                return False
        if self.code_guid and self.code_guid not in e.codes:
            return False
        if self.document_guid and self.document_guid not in e.documents:
            return False
        if self.since and e.at < self.since:
            return False
        return not (self.until and e.at >= self.until)


def check_action(action: str | None) -> None:
    if not action:
        return
    known = {a for actions in CATEGORIES.values() for a in actions}
    if action.strip().lower() not in (*ACTION_KINDS, *known):
        raise UserError(
            f'"{action}" is not a kind of action; use one of {", ".join(ACTION_KINDS)} or an '
            "action's name (apply_code, rename_code …)."
        )


def _names_now(s: Session) -> Names:
    names = Names()
    names.codes = {g: n for g, n in s.execute(select(Code.guid, Code.name))}
    names.documents = {g: n for g, n in s.execute(select(Document.guid, Document.name))}
    names.participants = {
        g: n for g, n in s.execute(select(Participant.guid, Participant.pseudonym))
    }
    names.sets = {g: n for g, n in s.execute(select(DocumentSet.guid, DocumentSet.name))}
    # not joined with the documents: their rows carry the whole text (see query.retrieval)
    doc_guid = dict(s.execute(select(Document.id, Document.guid)).all())
    code_guid = dict(s.execute(select(Code.id, Code.guid)).all())
    rows = s.execute(
        select(Segment.guid, Segment.document_id, Segment.code_id, Segment.start, Segment.end)
    )
    names.segments = {g: (doc_guid[d], code_guid[c], a, b) for g, d, c, a, b in rows}
    return names


def _learn(names: Names, actor: str, action: str, guid: str | None, d: Mapping[str, Any]) -> None:
    """What an event tells about names and places, for the sentences after it."""
    if action == "apply_code" and guid:
        names.segments[guid] = (d.get("document"), d.get("code"), d.get("start"), d.get("end"))  # type: ignore[assignment]
        if d.get("code_name"):
            names.codes[str(d["code"])] = str(d["code_name"])
        if d.get("document_name"):
            names.documents[str(d["document"])] = str(d["document_name"])
    elif action == "resize_segment" and guid in names.segments and d.get("new"):
        doc, code, _, _ = names.segments[guid]
        names.segments[guid] = (doc, code, *d["new"])
    elif action == "answer_dispute" and d.get("segment") in names.segments:
        doc = names.segments[d["segment"]][0]
        code = (d.get("code") or [None, None])[1]
        rng = (d.get("range") or [None, [None, None]])[1]
        names.segments[d["segment"]] = (doc, code, *rng)
    elif action == "review_segment" and guid:
        names.reviews[guid] = (actor, str(d.get("verdict")))
    elif action in ("add_code", "delete_code") and guid and d.get("name"):
        names.codes[guid] = str(d["name"])
    elif action == "rename_code" and guid:
        names.codes[guid] = str(d.get("new"))
    elif action == "code_state" and guid and d.get("state"):
        names.codes[guid] = str(d["state"].get("name"))
    elif action in ("import_document", "restore_document") and guid:
        names.documents[guid] = str(d.get("name"))
    elif action == "rename_document" and guid:
        names.documents[guid] = str(d.get("new"))
    elif action in ("add_document_set", "delete_document_set") and guid and d.get("name"):
        names.sets[guid] = str(d["name"])
    elif action == "rename_document_set" and guid:
        names.sets[guid] = str(d.get("new"))


def _touched(action: str, guid: str | None, d: Mapping[str, Any], names: Names) -> tuple[
    tuple[str, str] | None, frozenset[str], frozenset[str]
]:  # fmt: skip
    codes: set[str] = set()
    docs: set[str] = set()
    for key in ("code", "into", "parent"):
        value = d.get(key)
        if isinstance(value, str):
            codes.add(value)
        elif isinstance(value, list):
            codes.update(v for v in value if isinstance(v, str))
    if isinstance(d.get("document"), str):
        docs.add(d["document"])
    seg = guid if action in SEGMENT_EVENTS else d.get("segment")
    target: tuple[str, str] | None = None
    if isinstance(seg, str) and seg:
        known = names.segments.get(seg)
        if known is not None:
            docs.add(str(known[0]))
            codes.add(str(known[1]))
        target = ("segment", seg)
    elif category_of(action) == "codebook" and guid:
        codes.add(guid)
        target = ("code", guid)
    elif action in ("review_code", "answer_code_comment") and d.get("code"):
        target = ("code", str(d["code"]))
    elif action in DOCUMENT_EVENTS and guid:
        docs.add(guid)
        target = ("document", guid)
    elif action == "document_set_members" and isinstance(d.get("documents"), list):
        docs.update(str(x) for x in d["documents"])
    return target, frozenset(c for c in codes if c), frozenset(x for x in docs if x)


#: What an event's sentence is written from: its details, or fewer of them (``coding.trail.blind``
#: leaves out counts of every coder's segments). Called with the actor, the action and the
#: details as recorded.
Shown = Callable[[str, str, Mapping[str, Any]], Mapping[str, Any]]


def entries_in(s: Session, shown: Shown | None = None) -> Iterable[LogEntry]:
    """Every event as an entry, oldest first; with ``shown``, each sentence (and the entry's
    ``details``) is made from the details it returns, while places and names are still learnt
    from everything the event recorded."""
    names = _names_now(s)
    stmt = select(
        AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity,
        AuditEvent.entity_guid, AuditEvent.details, AuditEvent.hash,
    ).order_by(AuditEvent.id)  # fmt: skip
    for eid, at, actor, action, entity, guid, details, digest in s.execute(stmt):
        d: Mapping[str, Any] = details if isinstance(details, dict) else {}
        told = shown(actor, action, d) if shown is not None else d
        sentence = describe(actor, action, entity, guid, told, names)  # names as they were
        target, codes, docs = _touched(action, guid, d, names)
        _learn(names, actor, action, guid, d)
        yield LogEntry(
            id=int(eid), at=at, actor=actor, action=action, category=category_of(action),
            sentence=sentence, entity=entity, entity_guid=guid, details=told,
            undo=bool(d.get("undo")) or action == "undo", redo=bool(d.get("redo")) or action == "redo",
            target=target, codes=codes, documents=docs, hash=digest,
        )  # fmt: skip


def read_log(project: Project, where: LogFilter | None = None) -> list[LogEntry]:
    """The trail as sentences, oldest first, keeping what ``where`` asks for."""
    where = where or LogFilter()
    check_action(where.action)
    with project.read() as s:
        return [e for e in entries_in(s) if where.keeps(e)]


def to_utc(local: datetime) -> datetime:
    """A naive local date-time (as typed by a user) in naive UTC, as the trail stores it."""
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(at: datetime) -> datetime:
    """A stored (naive UTC) time in the computer's local time, naive."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """A date (``2026-03-01``) or date and time (``2026-03-01T14:30``, ``2026-03-01 14:30``) as
    typed, in the computer's local time, as naive UTC. With ``end_of_day`` a date alone means
    the end of that day (the next midnight), for "until" bounds."""
    raw = text.strip()
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise UserError(
            f'"{text}" is not a date; write it as 2026-03-01 or 2026-03-01T14:30.'
        ) from None
    if end_of_day and len(raw) <= 10:
        when += timedelta(days=1)
    if when.tzinfo is not None:
        return when.astimezone(UTC).replace(tzinfo=None)
    return to_utc(when)


def now_utc() -> datetime:
    """Now, as the trail stores times (naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)
