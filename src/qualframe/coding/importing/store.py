"""Storing an imported document and its turns with bulk statements.

Turns go in batches (:data:`BATCH` rows per statement) so memory stays flat for a transcript
of any length, and a progress callback between batches can cancel a long import. Where the
database driver takes ``?`` parameters (SQLite's), the rows are handed to the driver's
``executemany`` as tuples: SQLAlchemy's per-row parameter processing costs more than SQLite's
insert itself. GUIDs for thousands of turns are made from one call to the OS's random source.

In an SQLite project the statements run once per file (is it a duplicate, is its name taken,
the document's row, the audit rows) go to the driver itself, inside the session's
transaction, a failure raised as SQLAlchemy raises it (``storage.sqlite.run``): through
SQLAlchemy each cost ten times SQLite's own indexed look-up, and compiling them again in each
newly opened project cost the import of one .docx several milliseconds. On other databases
they are Core statements built once (compiled once per engine).
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
from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.bulk import bind_value, column_writer, insert_rows, new_guids
from qualframe.storage.models import AuditEvent, Document, Turn, new_guid, utcnow
from qualframe.storage.sqlite import Lookup
from qualframe.storage.trail import chained_rows

_DOCUMENTS = cast(Table, Document.__table__)
TURNS = cast(Table, Turn.__table__)
_AUDIT = cast(Table, AuditEvent.__table__)
BATCH = 20_000
# A turn as the speaker pass finds it: (start, end, label_end, label, real name, words).
Turn6 = tuple[int, int, int, str, str | None, int]
# What a turn's row says of its speaker: (participant id, None for an interviewer; the
# pseudonym stored as the turn's label; whether it is interviewer speech).
Speaker = tuple[int | None, str, bool]
BatchDone = Callable[[int, int], None]  # (rows stored, rows in all) after each batch

_DUPLICATE = Lookup(
    select(_DOCUMENTS.c.name).where(_DOCUMENTS.c.content_hash == bindparam("v")).limit(1)
)
_NAME_TAKEN = Lookup(select(_DOCUMENTS.c.id).where(_DOCUMENTS.c.name == bindparam("v")).limit(1))
_COUNT = Lookup(select(func.count()).select_from(_DOCUMENTS))
_INSERT_DOCUMENT = insert(_DOCUMENTS).returning(_DOCUMENTS.c.id)
_LAST_TURN = select(func.max(TURNS.c.id))


def unique_name(session: Session, name: str) -> str:
    """``name`` made safe to show (control and direction characters escaped, see
    ``core.printable``), or ``name (2)``, ``name (3)`` … when taken (two indexed look-ups,
    not a read of every document's name)."""
    name = printable(name).strip() or "document"
    connection = session.connection()
    if _NAME_TAKEN.value(connection, name) is None:
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
    if not rows:
        return
    chained = chained_rows(session, rows)  # chained to the events before them (storage.trail)
    connection = session.connection()
    if sqlite_store.driver_of(connection) is None:
        connection.execute(insert(_AUDIT), chained)
        return
    # SQLite: tuples straight to the driver, each value as its column's type writes it (the
    # time's text, the details' JSON)
    writers = [(c, column_writer(session, _AUDIT, c)) for c in _AUDIT_COLUMNS]
    insert_rows(
        session, _AUDIT, _AUDIT_COLUMNS, [tuple(w(r[c]) for c, w in writers) for r in chained]
    )


_AUDIT_COLUMNS = (
    "at", "actor", "action", "entity", "entity_guid", "details", "prev_hash", "hash"
)  # fmt: skip


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
    dup = _DUPLICATE.value(session.connection(), content_hash)
    if dup is not None:
        raise refuse(name, f"was already imported (as {dup})")


def document_count(session: Session) -> int:
    return int(_COUNT.value(session.connection()) or 0)


def insert_turns(
    session: Session,
    doc_id: int,
    turns: Sequence[Turn6],
    who: dict[str, Speaker],
    done: BatchDone | None = None,
) -> None:
    """Insert the turns of one document in batches, each turn's speaker (participant id,
    pseudonym stored as the turn's label, whether an interviewer) looked up in ``who`` by
    the turn's label; ``done`` is called after each batch. Each row is built once, as the
    tuple the driver takes (or, on a driver with named parameters, as a dict)."""
    connection = session.connection()
    qmark = connection.dialect.paramstyle == "qmark"
    total = len(turns)
    for first in range(0, total, BATCH):
        batch = turns[first : first + BATCH]
        rows = [
            (doc_id, pid, start, end, pseudonym, label_end, interviewer, guid)
            for (start, end, label_end, label, _, _), guid in zip(
                batch, new_guids(len(batch)), strict=True
            )
            for pid, pseudonym, interviewer in (who[label],)
        ]
        if qmark:
            connection.exec_driver_sql(_INSERT_TURN, rows)
        else:
            connection.execute(insert(TURNS), [dict(zip(_TURN_KEYS, r, strict=True)) for r in rows])
        if done is not None:
            done(min(first + BATCH, total), total)


_TURN_KEYS = (
    "document_id", "participant_id", "start", "end", "label", "label_end", "is_interviewer",
    "guid",
)  # fmt: skip
_INSERT_TURN = (
    'INSERT INTO turns (document_id, participant_id, start, "end", label, label_end, '
    "is_interviewer, guid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


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
    text_utf8: bytes | None = None,
) -> tuple[int, str, str]:
    """Insert the document row alone (no turns, no audit entry); (id, guid, stored name).
    The text is refused unless it has ``\\n`` line ends and is NFC (``normalised``: the
    caller's reader made it NFC, so only line ends are checked); the name is made unique; the
    document goes last unless ``position`` is given. ``text_utf8``: the text's UTF-8 when
    the caller has it (a UTF-8 file's bytes), so that it is not encoded again."""
    if "\r" in text or not (normalised or unicodedata.is_normalized("NFC", text)):
        # guarded upstream; a bug here must not store bad text
        raise UserError(f"{original_filename}: the text was not normalised.")
    guid = new_guid()
    stored_name = unique_name(session, name)
    pos = document_count(session) if position is None else position
    connection = session.connection()
    driver = sqlite_store.driver_of(connection)
    if driver is None:
        values = {
            "guid": guid, "name": stored_name, "kind": kind, "text": text, "length": len(text),
            "original_filename": printable(original_filename), "content_hash": content_hash,
            "text_hash": text_hash or sha256_hex(text), "source_encoding": encoding,
            "position": pos,
        }  # fmt: skip
        doc_id: int = connection.execute(_INSERT_DOCUMENT, values).scalar_one()
        return doc_id, guid, stored_name
    # SQLite: the driver alone. A text that is not ASCII goes as its UTF-8 bytes, cast to
    # TEXT (in a UTF-8 database, the same text), so that it is not encoded again after the
    # hash was taken from them (or after the file had them): ~20 ms of 300 transcripts.
    if text_utf8 is None and not text_hash and not text.isascii():
        text_utf8 = text.encode("utf-8")
    if not text_hash:
        text_hash = sha256_hex(text if text_utf8 is None else text_utf8)
    bytes_ok = text_utf8 is not None and sqlite_store.text_in_utf8(connection, driver)
    row = (
        guid, stored_name, kind, text_utf8 if bytes_ok else text, len(text),
        printable(original_filename), content_hash, text_hash, encoding, pos,
        bind_value(session, _DOCUMENTS, "imported_at", utcnow()),
    )  # fmt: skip
    return (
        sqlite_store.insert(driver, _INSERT_BYTES if bytes_ok else _INSERT_TEXT, row),
        guid,
        stored_name,
    )


_INSERT_SQL = (
    "INSERT INTO documents (guid, name, kind, text, length, original_filename, content_hash, "
    "text_hash, source_encoding, position, imported_at) VALUES (?, ?, ?, {}, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_TEXT = _INSERT_SQL.format("?")
_INSERT_BYTES = _INSERT_SQL.format("CAST(? AS TEXT)")


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
    turns: Sequence[Turn6] = (),
    who: dict[str, Speaker] | None = None,
    position: int | None = None,
    done: BatchDone | None = None,
    normalised: bool = False,
    text_hash: str | None = None,
    text_utf8: bytes | None = None,
    audit_log: list[dict[str, object]] | None = None,
) -> tuple[int, str, str]:
    """Insert a document and its turns (speakers from ``who``, see :func:`insert_turns`);
    (id, guid, stored name). ``normalised``: the
    caller's reader made the text NFC with ``\\n`` line ends (every transcript reader does),
    so the check is only for line ends. ``text_hash``: the text's SHA-256 when the caller
    knows it (a UTF-8 file stored unchanged has its bytes' hash); ``text_utf8``: its UTF-8,
    when the caller has it (that file's bytes). ``audit_log``: the audit
    entry is appended there for the caller to record (one statement for a whole import
    instead of one per document) rather than recorded at once."""
    doc_id, guid, stored_name = insert_document_row(
        session, name=name, kind=kind, text=text, original_filename=original_filename,
        content_hash=content_hash, encoding=encoding, position=position, normalised=normalised,
        text_hash=text_hash, text_utf8=text_utf8,
    )  # fmt: skip
    if turns:
        insert_turns(session, doc_id, turns, who or {}, done)
    entry: dict[str, object] = {
        "guid": guid, "name": stored_name, "kind": kind, "file": original_filename,
        "turns": len(turns),
    }  # fmt: skip
    if audit_log is not None:
        audit_log.append(entry)
    else:
        record_imports(session, actor, [entry])
    return doc_id, guid, stored_name
