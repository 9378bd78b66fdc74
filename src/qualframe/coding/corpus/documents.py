"""Documents and their speaker turns: normalising imported text, storing a document inside
the caller's transaction (so a multi-file import is all-or-nothing), and reading documents
back. Offsets are Unicode code points of the stored NFC text with ``
`` line ends."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import DocumentRecord, TurnRecord
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Document,
    Participant,
    Segment,
    Turn,
)


def normalise_text(text: str) -> str:
    """Stored form of a text: ``\\r\\n`` and ``\\r`` become ``\\n``; NFC normalisation."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class TurnData:
    """A range of the stored text spoken/written by ``speaker`` (a label or pseudonym)."""

    start: int
    end: int
    speaker: str | None
    label_end: int | None = None  # end of the "M1:" label inside the turn, for styling
    is_interviewer: bool = False
    survey_item: str | None = None  # the question, for survey answers


@dataclass
class DocumentData:
    name: str
    text: str  # already normalised
    kind: str = "transcript"
    original_filename: str | None = None
    content_hash: str = ""
    source_encoding: str | None = None
    turns: list[TurnData] = field(default_factory=list)


# -- documents ---------------------------------------------------------------------------------
def unique_document_name(session: Session, name: str) -> str:
    """``name`` made safe to show (control and direction characters escaped, see
    ``core.printable``) and, if taken, numbered: ``name (2)``."""
    name = printable(name).strip() or "document"
    taken = set(session.scalars(select(Document.name)))
    if name not in taken:
        return name
    i = 2
    while f"{name} ({i})" in taken:
        i += 1
    return f"{name} ({i})"


def add_document_in(
    session: Session,
    actor: str,
    data: DocumentData,
    participants: dict[str, Participant],
    survey_items: dict[str, int] | None = None,
) -> Document:
    """Store a document and its turns. ``participants`` maps a turn's speaker to its row."""
    text = data.text
    if text != normalise_text(text):
        raise UserError(f"{data.name}: text must be normalised before it is stored.")
    content_hash = data.content_hash or sha256_hex(text)
    dup = session.scalar(select(Document.name).where(Document.content_hash == content_hash))
    if dup is not None:
        raise ImportRefused(
            f"{data.original_filename or data.name} was already imported (as {dup})."
        )
    pos = int(session.scalar(select(func.count()).select_from(Document)) or 0)
    doc = Document(
        name=unique_document_name(session, data.name),
        kind=data.kind,
        text=text,
        length=len(text),
        original_filename=printable(data.original_filename) if data.original_filename else None,
        content_hash=content_hash,
        text_hash=sha256_hex(text),
        source_encoding=data.source_encoding,
        position=pos,
    )
    session.add(doc)
    session.flush()
    items = survey_items or {}
    session.add_all(
        Turn(
            document_id=doc.id,
            participant_id=participants[t.speaker].id
            if t.speaker is not None and t.speaker in participants
            else None,
            survey_item_id=items.get(t.survey_item) if t.survey_item else None,
            start=t.start,
            end=t.end,
            label=t.speaker,
            label_end=t.label_end,
            is_interviewer=t.is_interviewer,
        )
        for t in data.turns
    )
    session.flush()
    audit.record(
        session, actor, "import_document", "document", doc.guid,
        name=doc.name, kind=doc.kind, file=data.original_filename, turns=len(data.turns),
    )  # fmt: skip
    return doc


# -- reading -------------------------------------------------------------------------------------
def list_documents(project: Project) -> list[DocumentRecord]:
    with project.read() as s:
        counts = dict(
            s.execute(select(Segment.document_id, func.count()).group_by(Segment.document_id)).all()
        )
        groups: dict[int, set[str]] = {}
        # The role attribute by its id: a join by name walked every value of each speaker
        # (seconds with 10,000 attributes).
        role_ids = select(Attribute.id).where(func.lower(Attribute.name) == "role")
        role_rows = s.execute(
            select(Turn.document_id, AttributeValue.value)
            .join(
                AttributeValue,
                (AttributeValue.participant_id == Turn.participant_id)
                & AttributeValue.attribute_id.in_(role_ids),
            )
            .distinct()
        ).all()
        for did, value in role_rows:
            groups.setdefault(did, set()).add(value)
        docs = s.execute(
            select(
                Document.id, Document.guid, Document.name, Document.kind, Document.length,
                Document.original_filename, Document.source_encoding, Document.imported_at,
            ).order_by(Document.position, Document.name)
        ).all()  # fmt: skip
        return [
            DocumentRecord(
                id=d.id, guid=d.guid, name=d.name, kind=d.kind, length=d.length,
                original_filename=d.original_filename, source_encoding=d.source_encoding,
                imported_at=d.imported_at, segment_count=int(counts.get(d.id, 0)),
                groups=tuple(sorted(groups.get(d.id, set()))),
            )
            for d in docs
        ]  # fmt: skip


def document_text(project: Project, guid: str) -> str:
    with project.read() as s:
        text = s.scalar(select(Document.text).where(Document.guid == guid))
        if text is None:
            raise UserError("That document no longer exists.")
        return text


def document_texts(project: Project) -> list[tuple[str, str, str]]:
    """(GUID, name, text) of every document, in document order (one query)."""
    with project.read() as s:
        rows = s.execute(
            select(Document.guid, Document.name, Document.text).order_by(
                Document.position, Document.name
            )
        ).all()
    return [(r.guid, r.name, r.text) for r in rows]


def segment_counts(project: Project, guids: Iterable[str] | None = None) -> dict[str, int]:
    """Coded segments per document GUID, for every document or only those of ``guids``
    (GUIDs of documents that do not exist are left out)."""
    stmt = (
        select(Document.guid, func.count(Segment.id))
        .outerjoin(Segment, Segment.document_id == Document.id)
        .group_by(Document.guid)
    )
    if guids is not None:
        wanted = list(guids)
        if not wanted:
            return {}
        stmt = stmt.where(Document.guid.in_(wanted))
    with project.read() as s:
        return {guid: int(n) for guid, n in s.execute(stmt).all()}


def document_turns(project: Project, guid: str) -> list[TurnRecord]:
    with project.read() as s:
        rows = s.execute(
            select(
                Turn.id, Turn.guid, Turn.start, Turn.end, Turn.label, Turn.label_end,
                Turn.is_interviewer, Participant.guid.label("pguid"), Participant.pseudonym,
            )
            .join(Document, Document.id == Turn.document_id)
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .where(Document.guid == guid)
            .order_by(Turn.start)
        ).all()  # fmt: skip
        return [
            TurnRecord(
                id=r.id, guid=r.guid, start=r.start, end=r.end, label=r.label,
                label_end=r.label_end, is_interviewer=bool(r.is_interviewer),
                participant_guid=r.pguid, pseudonym=r.pseudonym,
            )
            for r in rows
        ]  # fmt: skip
