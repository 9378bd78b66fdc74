"""Every memo of a project in one list — the journal, project, document and code memos and
the memos written on coded segments — each with what it is about, who wrote it and when. The
memo browser and the memo report show this list.

A segment memo is signed by whoever last wrote it (the audit trail's latest ``segment_memo``
event for the segment); a memo given when the passage was coded is signed by its coder, at
the time of coding.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.storage.models import AuditEvent, Code, Coder, Document, Memo, Segment

#: Kinds in the order the browser and the report show them; "journal" is the stored
#: ``reflexive`` kind (the project journal).
KIND_ORDER = ("journal", "project", "document", "code", "segment")
KIND_LABELS = {
    "journal": "Journal",
    "project": "Project",
    "document": "Document",
    "code": "Code",
    "segment": "Segment",
}
STORED_KIND = {"journal": "reflexive", "project": "project", "document": "document", "code": "code"}


@dataclass(frozen=True)
class MemoEntry:
    key: str  # the memo's GUID, or the segment's for a segment memo
    kind: str  # one of KIND_ORDER
    title: str
    text: str
    author: str | None
    created_at: datetime
    updated_at: datetime
    about: str  # document name, code path or "document · code path"; "" for the journal
    document_guid: str | None = None
    code_guid: str | None = None
    quote: str = ""  # the coded passage, for a segment memo
    start: int = 0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def heading(self) -> str:
        """The title, or the memo's first line when it has none."""
        if self.title:
            return self.title
        first = self.text.strip().split("\n")[0]
        return first if len(first) <= 60 else first[:59].rstrip() + "…"


def memo_entries(project: Project, kinds: Collection[str] | None = None) -> list[MemoEntry]:
    """Memos of the given kinds (all when None), in the order of :data:`KIND_ORDER`; within
    a kind: the journal and project memos by date, document memos in document order, code
    memos in codebook order, segment memos in document order."""
    wanted = set(kinds) if kinds is not None else set(KIND_ORDER)
    unknown = wanted - set(KIND_ORDER)
    if unknown:
        raise UserError(
            f'"{sorted(unknown)[0]}" is not a kind of memo (kinds: {", ".join(KIND_ORDER)}).'
        )
    with project.read() as s:
        keyed = _stored_memos(s, wanted)
        if "segment" in wanted:
            keyed += _segment_memos(s)
    rank = {k: i for i, k in enumerate(KIND_ORDER)}
    keyed.sort(key=lambda pair: (rank[pair[1].kind], pair[0]))
    return [entry for _key, entry in keyed]


Keyed = list[tuple[tuple[int, int, datetime], MemoEntry]]


def _stored_memos(s: Session, wanted: set[str]) -> Keyed:
    stored = [STORED_KIND[k] for k in wanted if k in STORED_KIND]
    if not stored:
        return []
    tree = load_tree(s)
    paths = {c.id: c.path_text for c in tree}
    order = {c.id: i for i, c in enumerate(tree)}
    rows = s.execute(
        select(
            Memo.id, Memo.guid, Memo.kind, Memo.title, Memo.text, Coder.name, Memo.created_at,
            Memo.updated_at, Document.guid.label("dguid"), Document.name.label("dname"),
            Document.position, Code.guid.label("cguid"), Memo.code_id,
        )
        .outerjoin(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Document, Document.id == Memo.document_id)
        .outerjoin(Code, Code.id == Memo.code_id)
        .where(Memo.kind.in_(stored))
    ).all()  # fmt: skip
    kind_of = {v: k for k, v in STORED_KIND.items()}
    out: Keyed = []
    for r in rows:
        about = r.dname or (paths.get(r.code_id, "") if r.code_id is not None else "")
        entry = MemoEntry(
            r.guid, kind_of[r.kind], r.title, r.text, r.name, r.created_at, r.updated_at,
            about, r.dguid, r.cguid,
        )  # fmt: skip
        if r.dguid is not None:
            place = int(r.position or 0)
        elif r.code_id is not None:
            place = order.get(r.code_id, 0)
        else:
            place = 0
        out.append(((place, 0, r.created_at), entry))
    return out


def _segment_memos(s: Session) -> Keyed:
    paths = {c.id: c.path_text for c in load_tree(s)}
    rows = s.execute(
        select(
            Segment.guid, Segment.memo, Segment.start, Segment.end, Segment.code_id,
            Segment.created_at, Coder.name, Document.position, Document.guid.label("dguid"),
            Document.name.label("dname"), Code.guid.label("cguid"),
            func.substr(Document.text, Segment.start + 1, Segment.end - Segment.start).label(
                "quote"
            ),
        )
        .join(Document, Document.id == Segment.document_id)
        .join(Coder, Coder.id == Segment.coder_id)
        .join(Code, Code.id == Segment.code_id)
        .where(Segment.memo != "")
        .order_by(Document.position, Document.name, Segment.start, Segment.end, Segment.id)
    ).all()  # fmt: skip
    if not rows:
        return []
    signed: dict[str, tuple[str, datetime]] = {}
    events = s.execute(
        select(AuditEvent.entity_guid, AuditEvent.actor, AuditEvent.at)
        .where(AuditEvent.action == "segment_memo")
        .order_by(AuditEvent.id)
    ).all()
    for guid, actor, at in events:
        if guid is not None:
            signed[str(guid)] = (str(actor), at)
    out: Keyed = []
    for r in rows:
        author, when = signed.get(r.guid, (r.name, r.created_at))
        entry = MemoEntry(
            r.guid, "segment", "", r.memo, author, min(r.created_at, when), when,
            f"{r.dname} · {paths[r.code_id]}", r.dguid, r.cguid, r.quote or "", r.start,
        )  # fmt: skip
        out.append(((int(r.position or 0), r.start, r.created_at), entry))
    return out
