"""Storing an imported document and its turns with bulk statements.

Turns go in batches (:data:`BATCH` rows per statement) so memory stays flat for a transcript
of any length, and a progress callback between batches can cancel a long import. Where the
database driver takes ``?`` parameters (SQLite's), the rows are handed to the driver's
``executemany`` as tuples: SQLAlchemy's per-row parameter processing costs more than SQLite's
insert itself. GUIDs for thousands of turns are made from one call to the OS's random source.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.printable import printable
from qualframe.coding.corpus.documents import sha256_hex
from qualframe.coding.importing.errors import refuse
from qualframe.storage.models import Document, Turn, new_guid

_DOCUMENTS = cast(Table, Document.__table__)
_TURNS = cast(Table, Turn.__table__)
BATCH = 20_000
TURN_COLUMNS = ("participant_id", "start", "end", "label", "label_end", "is_interviewer")
# A turn row without its document id and GUID: (participant_id, start, end, label,
# label_end, is_interviewer).
TurnRow = tuple[int | None, int, int, str | None, int | None, bool]
BatchDone = Callable[[int, int], None]  # (rows stored, rows in all) after each batch


_VARIANT = bytes(b"89ab"[i & 3] for i in range(256))


def new_guids(n: int) -> list[str]:
    """``n`` random (version 4, RFC 4122 variant) GUIDs in the canonical form, from two reads
    of the OS's random source (``uuid.uuid4()`` reads it once per GUID, and formatting a
    ``UUID`` object costs more than the insert of its row)."""
    if n <= 0:
        return []
    h = os.urandom(16 * n).hex()
    v = os.urandom(n).translate(_VARIANT).decode("ascii")
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-4{h[i + 13 : i + 16]}-{v[i >> 5]}{h[i + 17 : i + 20]}-"
        f"{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


def unique_name(session: Session, name: str) -> str:
    """``name`` made safe to show (control and direction characters escaped, see
    ``core.printable``), or ``name (2)``, ``name (3)`` … when taken (two indexed look-ups,
    not a read of every document's name)."""
    name = printable(name).strip() or "document"
    taken = session.scalar(select(Document.id).where(Document.name == name).limit(1))
    if taken is None:
        return name
    like = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " (%)"
    names = set(session.scalars(select(Document.name).where(Document.name.like(like, escape="\\"))))
    i = 2
    while f"{name} ({i})" in names:
        i += 1
    return f"{name} ({i})"


def record_imports(session: Session, actor: str, entries: list[dict[str, object]]) -> None:
    """Audit the documents an import stored (entries made by :func:`insert_document`)."""
    for entry in entries:
        details = dict(entry)
        guid = str(details.pop("guid"))
        audit.record(session, actor, "import_document", "document", guid, **details)


def check_duplicate(session: Session, name: str, content_hash: str) -> None:
    dup = session.scalar(select(Document.name).where(Document.content_hash == content_hash))
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
                sql, [(doc_id, *row, guid) for row, guid in zip(batch, guids, strict=True)]
            )
        else:
            connection.execute(
                insert(_TURNS),
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
    turns: list[dict[str, object]] | None = None,
    turn_rows: Sequence[TurnRow] | None = None,
    position: int | None = None,
    done: BatchDone | None = None,
    normalised: bool = False,
    audit_log: list[dict[str, object]] | None = None,
) -> tuple[int, str, str]:
    """Insert a document and its turns (``turns`` as dicts, or ``turn_rows`` as tuples);
    (id, guid, stored name). ``normalised``: the caller's reader made the text NFC with
    ``\\n`` line ends (every transcript reader does), so the check is only for line ends.
    ``audit_log``: the audit entry is appended there for the caller to record (one ORM flush
    for a whole import instead of one per document) rather than recorded at once."""
    if "\r" in text or not (normalised or unicodedata.is_normalized("NFC", text)):
        # guarded upstream; a bug here must not store bad text
        raise UserError(f"{original_filename}: the text was not normalised.")
    guid = new_guid()
    stored_name = unique_name(session, name)
    pos = document_count(session) if position is None else position
    doc_id = session.scalar(
        insert(_DOCUMENTS)
        .values(
            guid=guid, name=stored_name, kind=kind, text=text, length=len(text),
            original_filename=printable(original_filename), content_hash=content_hash,
            text_hash=sha256_hex(text), source_encoding=encoding, position=pos,
        )
        .returning(_DOCUMENTS.c.id)
    )  # fmt: skip
    assert doc_id is not None
    rows: list[TurnRow] = list(turn_rows or ())
    for t in turns or ():
        rows.append(
            (
                cast("int | None", t.get("participant_id")), cast(int, t["start"]),
                cast(int, t["end"]), cast("str | None", t.get("label")),
                cast("int | None", t.get("label_end")), bool(t.get("is_interviewer", False)),
            )
        )  # fmt: skip
    if turns and any(t.get("survey_item_id") is not None for t in turns):
        # survey answers link their question: the generic path keeps every column
        for t in turns:
            t["document_id"] = doc_id
            t["guid"] = new_guid()
        session.execute(insert(_TURNS), turns)
    elif rows:
        insert_turn_rows(session, doc_id, rows, done)
    entry: dict[str, object] = {
        "guid": guid, "name": stored_name, "kind": kind, "file": original_filename,
        "turns": len(rows),
    }  # fmt: skip
    if audit_log is not None:
        audit_log.append(entry)
    else:
        record_imports(session, actor, [entry])
    return doc_id, guid, stored_name
