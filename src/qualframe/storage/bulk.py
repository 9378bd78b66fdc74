"""Bulk inserts of plain rows, as close to the database driver as SQL allows.

A Core ``insert`` executed with a list of dicts costs SQLAlchemy a few microseconds per row
(parameter construction and type processing) on top of the driver's own work; for a survey
of 50,000 respondents × 60 questions (three million answers) that is longer than the
inserting itself. ``insert_rows`` writes one statement for the given columns (quoted by the
dialect, placeholders in the driver's parameter style) and hands the driver tuples in
batches through the session's own connection, so it runs inside the caller's transaction.

The caller gives values as the driver stores them: no Python-side defaults are filled in and
no type processing happens (serialise JSON yourself; see ``bind_value`` for one value).
Portable: qmark (SQLite), format/pyformat (psycopg, MySQL drivers) and numeric styles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

BATCH = 20_000  # rows per executemany: bounded memory for the driver's parameter copies


def _placeholders(paramstyle: str, n: int) -> str:
    if paramstyle == "qmark":
        return ", ".join("?" * n)
    if paramstyle in ("format", "pyformat"):
        return ", ".join(["%s"] * n)
    if paramstyle == "numeric":
        return ", ".join(f":{i}" for i in range(1, n + 1))
    raise ValueError(f"bulk inserts need a positional parameter style, not {paramstyle!r}")


def insert_sql(session: Session, table: Table, columns: Sequence[str]) -> str:
    dialect = session.get_bind().dialect
    prep = dialect.identifier_preparer
    names = ", ".join(prep.format_column(table.c[c]) for c in columns)
    marks = _placeholders(dialect.paramstyle, len(columns))
    return f"INSERT INTO {prep.format_table(table)} ({names}) VALUES ({marks})"


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    batch: int = BATCH,
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``; the count."""
    sql = insert_sql(session, table, columns)
    conn = session.connection()
    it = iter(rows)
    total = 0
    while chunk := list(islice(it, batch)):
        conn.exec_driver_sql(sql, chunk)
        total += len(chunk)
    return total


def bind_value(session: Session, table: Table, column: str, value: Any) -> Any:
    """``value`` as the column's type writes it for this database (a datetime's text in
    SQLite, for instance), for values given to :func:`insert_rows`."""
    return column_writer(session, table, column)(value)


def column_writer(session: Session, table: Table, column: str) -> Callable[[Any], Any]:
    """What :func:`bind_value` does for ``column``, looked up once for many rows."""
    dialect = session.get_bind().dialect
    # the dialect's own type (SQLite's DATETIME writes its text; the generic DateTime has no
    # processor and left the datetime to the driver's adapter, which drops ".000000")
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _as_is


def _as_is(value: Any) -> Any:
    return value


def new_guids(n: int) -> list[str]:
    """``n`` fresh GUIDs like ``models.new_guid`` (random, version 4, lower-case, hyphenated),
    made from one read of the system's random source: ``uuid.uuid4()`` costs a few
    microseconds each, which 150,000 survey answers notice.

    The bits are set as ``uuid.UUID(bytes=..., version=4)`` sets them, and the text is laid
    out by strided slice copies (C loops over all GUIDs at once: ~0.1 µs a GUID, against
    ~0.5 µs for formatting each one in Python)."""
    if n <= 0:
        return []
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_RFC_4122)
    digits = raw.hex().encode("ascii")
    out = bytearray(b"-" * (37 * n))  # the hyphens stay where no digit is copied
    for i, j in _DIGIT_AT:
        out[j::37] = digits[i::32]
    out[36::37] = b"\n" * n
    return out[:-1].decode("ascii").split("\n")


_VERSION_4 = bytes(0x40 | (b & 0x0F) for b in range(256))  # the version nibble is 4
_RFC_4122 = bytes(0x80 | (b & 0x3F) for b in range(256))  # the two top variant bits are 10
# (position among the 32 hex digits, position in "8-4-4-4-12" text): one hyphen after the
# 8th, 12th, 16th and 20th digit
_DIGIT_AT = tuple((i, i + (i >= 8) + (i >= 12) + (i >= 16) + (i >= 20)) for i in range(32))


@contextmanager
def indexes_rebuilt_after(session: Session, table: Table, enabled: bool = True) -> Iterator[None]:
    """Drop ``table``'s non-unique indexes for the block and build them again after it, in
    the caller's transaction (a rollback restores them as they were).

    Keeping an index up to date row by row costs a B-tree search and insert for every row,
    scattered over the whole index when the rows do not arrive in its order (answers come
    question by question, the participant index wants them respondent by respondent);
    building it afterwards sorts once. Worth it only when the block inserts many rows
    compared with those the table holds: the rebuild reads the whole table."""
    indexes = [ix for ix in table.indexes if not ix.unique] if enabled else []
    conn = session.connection()
    for ix in indexes:
        ix.drop(bind=conn)
    yield
    for ix in indexes:
        ix.create(bind=conn)
