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
from collections.abc import Iterable, Iterator, Sequence
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
    dialect = session.get_bind().dialect
    process = table.c[column].type.bind_processor(dialect)
    return process(value) if process is not None else value


def new_guids(n: int) -> list[str]:
    """``n`` fresh GUIDs like ``models.new_guid`` (random, version 4, lower-case, hyphenated),
    made from one read of the system's random source: ``uuid.uuid4()`` costs a few
    microseconds each, which 150,000 survey answers notice."""
    if n <= 0:
        return []
    digits = os.urandom(16 * n).hex()
    out: list[str] = []
    for i in range(0, 32 * n, 32):
        h = digits[i : i + 32]
        variant = _VARIANT[h[16]]  # the two top bits of the clock sequence are 10
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return out


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


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
