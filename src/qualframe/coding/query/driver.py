"""Rows straight from the database driver, for listings of thousands of rows.

SQLAlchemy compiles, binds and executes the statement as usual (its statement cache, its
error handling, any database); only its result rows are skipped. Making a ``Row`` for each
result row, running each column's type conversion and then reading the fields back cost
listing 5,000 segments about a third as much again as the query itself.

What the driver returns is what the database stores: on SQLite a boolean is 0 or 1 and a
``DateTime`` column is text, which :func:`stamp_reader` turns into a datetime with the
dialect's own conversion (the one SQLAlchemy would have applied); PostgreSQL's driver gives
booleans and datetimes already.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qualframe.storage.models import Segment


def driver_rows(s: Session, stmt: Executable) -> list[Any]:
    """The rows of ``stmt``: the driver's plain tuples, in the order the database gives. A
    driver error while the rows are read (SQLite reads them as they are fetched) is raised
    as SQLAlchemy's, as if SQLAlchemy had fetched them, so that callers tell a damaged file
    or a full disk from a fault of ours in the same way."""
    conn = s.connection()
    result = conn.execute(stmt)
    base = conn.dialect.loaded_dbapi.Error
    try:
        return list(result.cursor.fetchall())
    except base as exc:
        raise DBAPIError.instance(None, None, exc, base) from exc
    finally:
        result.close()


def stamp_reader(s: Session) -> Callable[[Any], datetime]:
    """What turns a ``DateTime`` value read by :func:`driver_rows` into a datetime: the
    dialect's conversion, or none where the driver already gives datetimes."""
    dialect = s.get_bind().dialect
    convert = Segment.created_at.type.dialect_impl(dialect).result_processor(dialect, None)
    return convert if convert is not None else _as_is


def _as_is(value: Any) -> Any:
    return value
