"""Everything that depends on SQLite lives here, and only here.

The rest of the persistence layer speaks portable SQLAlchemy so that a team can point the
project at a PostgreSQL URL. This module: file-header checks, ``PRAGMA application_id``,
WAL and durability pragmas, the untrusted-file hardening, integrity check, and online backup.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from qualframe.storage.errors import CorruptProjectError, NotAProjectError

#: "QFRM" — identifies a Qualframe project among SQLite files (see ``file(1)`` magic).
APPLICATION_ID = 0x5146524D
SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def _on_connect(dbapi_conn: Any, _record: Any, *, read_only: bool) -> None:
    # Autocommit at the DB-API level so SQLAlchemy's BEGIN is the one that counts.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA trusted_schema = OFF")
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.execute("PRAGMA cache_size = -65536")
    if not read_only:
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL in WAL mode: a committed transaction survives power loss, not only a crash.
        cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        url = f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.resolve()}"
    engine = create_engine(url, future=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None
        _on_connect(dbapi_conn, record, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # IMMEDIATE for units of work that write: take the write lock up front instead of
        # failing at commit. Readers (execution option ``qualframe_read``) use a plain BEGIN.
        reader = read_only or conn.get_execution_options().get("qualframe_read", False)
        conn.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

    return engine


def check_file(path: Path) -> None:
    """Refuse anything that is not an intact Qualframe SQLite file, with one clear sentence."""
    name = path.name
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except FileNotFoundError:
        raise NotAProjectError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise NotAProjectError(f"{name} is a folder, not a Qualframe project file.") from None
    except OSError as exc:
        raise NotAProjectError(f"{name} cannot be read ({exc.strerror}).") from None
    if len(header) == 0:
        raise NotAProjectError(f"{name} is empty, not a Qualframe project.")
    if not header.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{name} is not a Qualframe project (it is not a project database).")
    if len(header) < 100:
        raise CorruptProjectError(f"{name} is damaged: the file is truncated.")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotAProjectError(
            f"{name} is an SQLite database from another program, not a Qualframe project."
        )
    try:
        con = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA trusted_schema = OFF")
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptProjectError(f"{name} is damaged and cannot be opened ({exc}).") from None
    if rows != [("ok",)]:
        raise CorruptProjectError(f"{name} is damaged: the integrity check failed ({rows[0][0]}).")


def initialise_file(path: Path) -> None:
    """Create the database file with our application id in its header.

    This happens before WAL is switched on, so the id is written to the main file itself.
    """
    con = sqlite3.connect(str(path))
    try:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.commit()
    finally:
        con.close()


def backup(engine: Engine, target: Path) -> None:
    """Copy the live database (including the WAL) consistently to ``target``."""
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(str(target))
        try:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
        finally:
            dst.close()
    finally:
        raw.close()


def backup_file(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
