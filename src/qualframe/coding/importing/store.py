"""Storing an imported document and its turns with bulk statements.

Turns go in batches (:data:`BATCH` rows per statement) so memory stays flat for a transcript
of any length, and a progress callback between batches can cancel a long import. Where the
database driver takes ``?`` parameters (SQLite's), the rows are handed to the driver's
``executemany`` as tuples: SQLAlchemy's per-row parameter processing costs more than SQLite's
insert itself. GUIDs for thousands of turns are made from one call to the OS's random source.
The statements run once per file are built once, as Core statements on the session's
connection (SQLAlchemy compiles them once; an ORM query costs ~5 times as much per call,
which 300 files notice).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.corpus.documents import sha256_hex
from qualframe.coding.importing.errors import refuse
from qualframe.storage.bulk import new_guids
from qualframe.storage.models import AuditEvent, Document, Turn, new_guid
from qualframe.storage.trail import chained_rows

_DOCUMENTS = cast(Table, Document.__table__)
TURNS = cast(Table, Turn.__table__)
_AUDIT = cast(Table, AuditEvent.__table__)
BATCH = 20_000
TURN_COLUMNS = ("participant_id", "start", "end", "label", "label_end", "is_interviewer")
# A turn row without its document id and GUID: (participant_id, start, end, label,
# label_end, is_interviewer).
TurnRow = tuple[int | None, int, int, str | None, int | None, bool]
BatchDone = Callable[[int, int], None]  # (rows stored, rows in all) after each batch

_DUPLICATE = select(_DOCUMENTS.c.name).where(_DOCUMENTS.c.content_hash == bindparam("h")).limit(1)
_NAME_TAKEN = select(_DOCUMENTS.c.id).where(_DOCUMENTS.c.name == bindparam("name")).limit(1)
_INSERT_DOCUMENT = insert(_DOCUMENTS).returning(_DOCUMENTS.c.id)
_LAST_TURN = select(func.max(TURNS.c.id))


def unique_name(session: Session, name: str) -> str:
    """``name`` made safe to show (control and direction characters escaped, see
    ``core.printable``), or ``name (2)``, ``name (3)`` … when taken (two indexed look-ups,
    not a read of every document's name)."""
    name = printable(name).strip() or "document"
    connection = session.connection()
    if connection.execute(_NAME_TAKEN, {"name": name}).first() is None:
        return name
    like = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " (%)"
    names = set(session.scalars(select(Document.name).where(Document.name.like(like, escape="\\"))))
    i = 2
    while f"{name} ({i})" in names:
        i += 1
    return f"{name} ({i})"


def record_imports(session: Session, actor: str, entries: list[dict[str, object]]) -> None:
    """Audit the documents an import stored (entries made by :func:`insert_document`): the
    rows ``audit.record`` would add, in one Core statement rather than an ORM object each."""
    rows = []
    for entry in entries:
        details = dict(entry)
        guid = str(details.pop("guid"))
        rows.append(
            {"actor": actor, "action": "import_document", "entity": "document",
             "entity_guid": guid, "details": details or None}
        )  # fmt: skip
    if rows:  # chained to the events before them (see storage.trail)
        session.connection().execute(insert(_AUDIT), chained_rows(session, rows))


# Turn indexes are dropped and built again after an import expected to add at least this
# many turns, and at least as many as the table holds (building an index sorts once; keeping
# it up to date costs a B-tree search per row: ~10 % of storing 44,000 turns).
REBUILD_FROM = 20_000
BYTES_PER_TURN = 400  # a focus group's turn averages ~60 words; .docx bytes are compressed


def rebuild_turn_indexes(session: Session, paths: Sequence[Path]) -> bool:
    """Whether an import of the transcripts ``paths`` should rebuild the turns' indexes after
    its rows instead of updating them row by row (estimated from the files' sizes)."""
    size = 0
    for path in paths:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # refused later, with its sentence
    expected = size // BYTES_PER_TURN
    if expected < REBUILD_FROM:
        return False
    held = session.connection().execute(_LAST_TURN).scalar() or 0  # >= the rows (an index seek)
    return expected >= held


def check_duplicate(session: Session, name: str, content_hash: str) -> None:
    dup = session.connection().execute(_DUPLICATE, {"h": content_hash}).scalar()
    if dup is not None:
        raise refuse(name, f"was already imported (as {dup})")


def document_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def insert_turn_rows(
    session: Session, doc_id: int, rows: Sequence[TurnRow], done: BatchDone | None = None
) -> None:
    """Insert turns of one document in batches; ``done`` is called after each batch."""
    connection = session.connection()
    qmark = connection.dialect.paramstyle == "qmark"
    sql = (
        'INSERT INTO turns (document_id, participant_id, start, "end", label, label_end, '
        "is_interviewer, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    total = len(rows)
    for first in range(0, total, BATCH):
        batch = rows[first : first + BATCH]
        guids = new_guids(len(batch))
        if qmark:
            connection.exec_driver_sql(
                sql,
                [
                    (doc_id, pid, start, end, label, label_end, interviewer, guid)
                    for (pid, start, end, label, label_end, interviewer), guid in zip(
                        batch, guids, strict=True
                    )
                ],
            )
        else:
            connection.execute(
                insert(TURNS),
                [
                    {
                        "document_id": doc_id,
                        "guid": guid,
                        **dict(zip(TURN_COLUMNS, row, strict=True)),
                    }
                    for row, guid in zip(batch, guids, strict=True)
                ],
            )
        if done is not None:
            done(min(first + BATCH, total), total)


def insert_document_row(
    session: Session,
    *,
    name: str,
    kind: str,
    text: str,
    original_filename: str,
    content_hash: str,
    encoding: str | None,
    position: int | None = None,
    normalised: bool = False,
    text_hash: str | None = None,
) -> tuple[int, str, str]:
    """Insert the document row alone (no turns, no audit entry); (id, guid, stored name).
    The text is refused unless it has ``\\n`` line ends and is NFC (``normalised``: the
    caller's reader made it NFC, so only line ends are checked); the name is made unique; the
    document goes last unless ``position`` is given."""
    if "\r" in text or not (normalised or unicodedata.is_normalized("NFC", text)):
        # guarded upstream; a bug here must not store bad text
        raise UserError(f"{original_filename}: the text was not normalised.")
    guid = new_guid()
    stored_name = unique_name(session, name)
    pos = document_count(session) if position is None else position
    values = {
        "guid": guid, "name": stored_name, "kind": kind, "text": text, "length": len(text),
        "original_filename": printable(original_filename), "content_hash": content_hash,
        "text_hash": text_hash or sha256_hex(text), "source_encoding": encoding,
        "position": pos,
    }  # fmt: skip
    doc_id: int = session.connection().execute(_INSERT_DOCUMENT, values).scalar_one()
    return doc_id, guid, stored_name


def insert_document(
    session: Session,
    actor: str,
    *,
    name: str,
    kind: str,
    text: str,
    original_filename: str,
    content_hash: str,
    encoding: str | None,
    turn_rows: Sequence[TurnRow] = (),
    position: int | None = None,
    done: BatchDone | None = None,
    normalised: bool = False,
    text_hash: str | None = None,
    audit_log: list[dict[str, object]] | None = None,
) -> tuple[int, str, str]:
    """Insert a document and its turns; (id, guid, stored name). ``normalised``: the
    caller's reader made the text NFC with ``\\n`` line ends (every transcript reader does),
    so the check is only for line ends. ``text_hash``: the text's SHA-256 when the caller
    knows it (a UTF-8 file stored unchanged has its bytes' hash). ``audit_log``: the audit
    entry is appended there for the caller to record (one statement for a whole import
    instead of one per document) rather than recorded at once."""
    doc_id, guid, stored_name = insert_document_row(
        session, name=name, kind=kind, text=text, original_filename=original_filename,
        content_hash=content_hash, encoding=encoding, position=position, normalised=normalised,
        text_hash=text_hash,
    )  # fmt: skip
    if turn_rows:
        insert_turn_rows(session, doc_id, turn_rows, done)
    entry: dict[str, object] = {
        "guid": guid, "name": stored_name, "kind": kind, "file": original_filename,
        "turns": len(turn_rows),
    }  # fmt: skip
    if audit_log is not None:
        audit_log.append(entry)
    else:
        record_imports(session, actor, [entry])
    return doc_id, guid, stored_name
