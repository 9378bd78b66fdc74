"""Everything that depends on SQLite lives here, and only here.

The rest of the persistence layer speaks portable SQLAlchemy so that a team can point the
project at a PostgreSQL URL. This module: opening a file by its path (any legal file name:
the path reaches SQLite as a percent-escaped ``file:`` URI, never through a URL string that
could be re-parsed), file-header checks, ``PRAGMA application_id``, WAL and durability
pragmas, the untrusted-file hardening, the integrity check, telling a full or read-only disk
from a damaged file, online backups (written under a temporary name, verified, renamed),
WAL checkpoints, the comparison of the file's schema objects with the migrations', and the
driver itself for statements run inside a session's transaction (an import's per-file ones).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import URL, Connection, Engine, Select, create_engine, event
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import DBAPIError

from qualframe.storage import holds
from qualframe.storage.errors import (
    CorruptProjectError,
    DiskFullError,
    NotAProjectError,
    ReadOnlyDiskError,
)

#: "QFRM" — identifies a Qualframe project among SQLite files (see ``file(1)`` magic).
APPLICATION_ID = 0x5146524D
SQLITE_HEADER = b"SQLite format 3\x00"
#: Files SQLite keeps beside a database while it is in use.
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
#: Below this much free space a failed open or write is reported as a full disk.
LOW_SPACE = 256 * 1024

#: The driver's error class, for modules that must not import the driver themselves.
DriverError = sqlite3.DatabaseError

DiskProblem = Literal["full", "read-only"]
SchemaObject = tuple[str, str, str]  # (type, name, table)


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


# -- opening a file by its path --------------------------------------------------------------
def file_uri(path: Path, **params: str) -> str:
    """``path`` as an SQLite ``file:`` URI: every character that URIs reserve (``? # %``,
    spaces …) is percent-escaped, so any legal file name opens exactly that file."""
    posix = Path(path).resolve().as_posix()
    if not posix.startswith("/"):  # a Windows drive: file:/C:/…
        posix = "/" + posix
    uri = "file:" + quote(posix, safe="/:")
    if params:
        uri += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return uri


def connect(
    path: Path, *, read_only: bool = False, immutable: bool = False, create: bool = False
) -> sqlite3.Connection:
    """A DB-API connection to the file at ``path`` (never to another file)."""
    params = {"mode": "ro" if read_only or immutable else ("rwc" if create else "rw")}
    if immutable:
        params["immutable"] = "1"
    # check_same_thread off: SQLAlchemy's pool hands connections to the GUI's worker thread.
    return sqlite3.connect(file_uri(path, **params), uri=True, check_same_thread=False)


def _on_connect(dbapi_conn: Any, *, read_only: bool) -> None:
    # Autocommit at the DB-API level so SQLAlchemy's BEGIN is the one that counts.
    dbapi_conn.isolation_level = None
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


def make_engine(path: Path, *, read_only: bool = False, immutable: bool = False) -> Engine:
    """An engine on the file ``path``; ``immutable`` reads a file on a read-only disk."""
    path = Path(path).resolve()
    # URL.create is never parsed from a string; the creator decides which file is opened.
    url = URL.create("sqlite", database=str(path))
    engine = create_engine(
        url, creator=lambda: connect(path, read_only=read_only, immutable=immutable)
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        _on_connect(dbapi_conn, read_only=read_only or immutable)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # IMMEDIATE for units of work that write: take the write lock up front instead of
        # failing at commit. Readers (execution option ``qualframe_read``) use a plain BEGIN.
        reader = read_only or conn.get_execution_options().get("qualframe_read", False)
        conn.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

    return engine


# -- the driver inside a session's transaction -------------------------------------------------
def driver_of(connection: Connection) -> sqlite3.Connection | None:
    """The DB-API connection under ``connection`` when the project is an SQLite file, else
    None. What runs on it is part of the session's transaction (the same connection)."""
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection


def run(
    driver: sqlite3.Connection, sql: str, params: Sequence[Any], *, many: bool = False
) -> sqlite3.Cursor:
    """``driver.execute(sql, params)`` (``executemany`` with ``many``), a failure raised as
    SQLAlchemy raises it (so that the unit of work reports it as it reports any other)."""
    try:
        return driver.executemany(sql, params) if many else driver.execute(sql, params)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc


class Lookup:
    """A one-value SELECT written once, as a Core ``statement`` with at most one parameter
    named ``v``: on an SQLite project it runs on the driver itself (see :func:`run`),
    compiled for SQLite once when the lookup is made; elsewhere through SQLAlchemy."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=sqlite_dialect.dialect())
        self.sql = str(compiled)
        self._names = tuple(compiled.positiontup or ())
        self._params = dict(compiled.params)

    def value(self, connection: Connection, v: Any = None) -> Any:
        """The first column of the first row (None when there is none), given ``v``."""
        driver = driver_of(connection)
        if driver is None:
            return connection.execute(self.statement, {} if v is None else {"v": v}).scalar()
        params = self._params if v is None else self._params | {"v": v}
        row = run(driver, self.sql, tuple(params[n] for n in self._names)).fetchone()
        return None if row is None else row[0]


def insert(driver: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    """Run the INSERT ``sql`` (see :func:`run`) and give the new row's id."""
    row_id = run(driver, sql, params).lastrowid
    if row_id is None:  # (sqlite3 sets it after every INSERT of a row)
        raise DBAPIError.instance(sql, params, sqlite3.Error("no row inserted"), sqlite3.Error)
    return row_id


def text_in_utf8(connection: Connection, driver: sqlite3.Connection) -> bool:
    """Whether the database keeps its text in UTF-8 (asked once per connection), the
    encoding SQLite documents a BLOB cast to TEXT to be read in. Every project is created
    so; a file made by another program may not be."""
    info = connection.info
    if "qualframe_utf8" not in info:
        info["qualframe_utf8"] = run(driver, "PRAGMA encoding", ()).fetchone()[0] == "UTF-8"
    return bool(info["qualframe_utf8"])


# -- the disk under the file -------------------------------------------------------------------
def free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return -1


def location_writable(path: Path) -> bool:
    """Can files be created beside ``path`` (its folder on a writable file system)?"""
    folder = Path(path).resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except (OSError, AttributeError):
        pass
    return os.access(folder, os.W_OK)


def disk_problem(exc: BaseException | None, path: Path) -> DiskProblem | None:
    """Whether a failure on ``path`` comes from a full or read-only disk, not from the file."""
    if exc is None:
        return None
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    number = getattr(exc, "errno", None)
    if name == "SQLITE_FULL" or number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "full"
    if name.startswith("SQLITE_READONLY") or number == errno.EROFS:
        return "read-only"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or isinstance(exc, OSError):
        folder = Path(path).resolve().parent
        if 0 <= free_bytes(folder) < LOW_SPACE:
            return "full"
        if not location_writable(path):
            return "read-only"
    return None


def disk_full_message(name: str, doing: str) -> str:
    return (
        f"{name} cannot be {doing} because the disk it is on is full; nothing in it was "
        "changed — free some space on that disk and try again."
    )


def read_only_disk_message(name: str) -> str:
    return (
        f"{name} is on a read-only disk or in a folder that cannot be written, so it can be "
        "read but not changed; copy it to a writable folder to work on it."
    )


def needs_immutable(path: Path) -> bool:
    """A read-only open of a file whose folder cannot be written must not try to create the
    WAL's shared-memory file: it reads the file as immutable — safe only when no WAL with
    committed changes lies beside it (otherwise those changes would be missed)."""
    if location_writable(path):
        return False
    wal = Path(path).with_name(Path(path).name + "-wal")
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


# -- checking a file ---------------------------------------------------------------------------
def read_header(path: Path) -> bytes:
    name = path.name
    held = holds.read_head(path, 100)  # a file this process has open: never reopened
    if held is not None:
        return held
    try:
        with open(path, "rb") as fh:
            return fh.read(100)
    except FileNotFoundError:
        raise NotAProjectError(f"{name} does not exist.") from None
    except IsADirectoryError:
        raise NotAProjectError(f"{name} is a folder, not a Qualframe project file.") from None
    except OSError as exc:
        raise NotAProjectError(f"{name} cannot be read ({exc.strerror}).") from None


def is_project_file(path: Path) -> bool:
    """True when ``path`` (followed if a link) is a Qualframe project, by its header."""
    try:
        header = holds.read_head(path, 72)
        if header is None:
            with open(path, "rb") as fh:
                header = fh.read(72)
    except OSError:
        return False
    return (
        header.startswith(SQLITE_HEADER)
        and len(header) == 72
        and (int.from_bytes(header[68:72], "big") == APPLICATION_ID)
    )


def check_file(path: Path, *, immutable: bool = False) -> None:
    """Refuse anything that is not an intact Qualframe SQLite file, with one clear sentence."""
    name = path.name
    header = read_header(path)
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
        con = connect(path, read_only=True, immutable=immutable)
        try:
            con.execute("PRAGMA trusted_schema = OFF")
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        problem = disk_problem(exc, path)
        if problem == "full":
            raise DiskFullError(disk_full_message(name, "opened")) from None
        if problem == "read-only":
            raise ReadOnlyDiskError(read_only_disk_message(name)) from None
        raise CorruptProjectError(f"{name} is damaged and cannot be opened ({exc}).") from None
    if rows != [("ok",)]:
        raise CorruptProjectError(f"{name} is damaged: the integrity check failed ({rows[0][0]}).")


def initialise_file(path: Path) -> None:
    """Create the database file with our application id in its header.

    This happens before WAL is switched on, so the id is written to the main file itself.
    """
    con = connect(path, create=True)
    try:
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.commit()
    finally:
        con.close()


def companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in COMPANION_SUFFIXES]


def remove_with_companions(path: Path) -> None:
    for p in (path, *companions(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def fsync_path(path: Path) -> None:
    """Flush a file (or, on POSIX, a folder's entries) to the disk."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- copies ------------------------------------------------------------------------------------
def _database_bytes(con: sqlite3.Connection) -> int:
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    return int(pages) * int(size)


def backup(source: Engine | Path, target: Path, *, what: str = "the copy") -> None:
    """A consistent copy of the database (WAL included) at ``target``, complete or absent.

    The copy is written under a temporary name beside ``target`` (``.NAME.part-PID``),
    flushed, verified by opening it (header, application id, ``quick_check``) and only then
    renamed to ``target``; on any failure the temporary file is removed. A disk without
    room for it is refused before anything is written.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.part-{os.getpid()}")
    remove_with_companions(tmp)
    if isinstance(source, Engine):
        raw = source.raw_connection()
        src: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    else:
        raw = None
        src = connect(source, read_only=True, immutable=needs_immutable(source))
    try:
        need = _database_bytes(src)
        free = free_bytes(target.parent)
        if 0 <= free < need + LOW_SPACE:
            raise DiskFullError(
                f"There is no room on the disk for {what} ({target.name}, {need // 1024:,} KB "
                f"needed, {max(free, 0) // 1024:,} KB free); nothing was written."
            )
        try:
            dst = connect(tmp, create=True)
            try:
                src.backup(dst)
                # A copy is one self-contained file: reading it (e.g. read-only, or from a
                # backup folder) leaves no -wal/-shm beside it; opening it for writing
                # switches it back to WAL.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
            fsync_path(tmp)
            check_file(tmp, immutable=True)
            os.replace(tmp, target)
            fsync_path(target.parent)
        except (sqlite3.DatabaseError, OSError) as exc:
            remove_with_companions(tmp)
            if disk_problem(exc, target) == "full":
                raise DiskFullError(
                    f"There is no room on the disk for {what} ({target.name}); nothing was written."
                ) from None
            raise
        except BaseException:
            remove_with_companions(tmp)
            raise
    finally:
        if raw is not None:
            raw.close()
        else:
            src.close()


def backup_file(source: Path, target: Path) -> None:
    backup(Path(source), target)


def checkpoint(engine: Engine, *, truncate: bool = False) -> bool:
    """Fold the WAL back into the main file (so that a plain file copy is a whole project);
    True when all of it was folded (no reader held part of it back).

    PASSIVE by default: it never waits for another connection (a long import on a worker
    thread, a reader in another program), so the GUI thread can call it when idle.
    ``truncate`` also empties the WAL file, waiting for readers up to the busy timeout."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        try:
            mode = "TRUNCATE" if truncate else "PASSIVE"
            row = cur.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        finally:
            cur.close()
    except sqlite3.DatabaseError:
        return False
    finally:
        raw.close()
    # (busy, frames in the log, frames folded in): all folded when the last two agree.
    return row is not None and row[0] == 0 and row[1] == row[2]


# -- the schema objects in the file ------------------------------------------------------------
def _objects(con: sqlite3.Connection) -> set[SchemaObject]:
    rows = con.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    # sqlite_autoindex_* and sqlite_sequence/sqlite_stat* are SQLite's own; no one else can
    # create a name starting with "sqlite_".
    return {(t, n, tb) for t, n, tb in rows if not str(n).startswith("sqlite_")}


def schema_objects(engine: Engine) -> set[SchemaObject]:
    raw = engine.raw_connection()
    try:
        return _objects(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()


def model_objects() -> frozenset[SchemaObject]:
    """The tables and named indexes of the models (= the migrations at head, which
    tests/storage compares), without running the migrations."""
    from qualframe.storage.models import Base

    out = {("table", "alembic_version", "alembic_version")}
    for table in Base.metadata.tables.values():
        out.add(("table", table.name, table.name))
        out.update(("index", str(ix.name), table.name) for ix in table.indexes)
    return frozenset(out)


@cache
def reference_objects(revision: str) -> frozenset[SchemaObject]:
    """The objects Qualframe's migrations create up to ``revision`` (computed once; at the
    head revision taken from the models, which the migrations are tested to equal)."""
    from qualframe.storage import migrate

    if revision == migrate.head_revision():
        return model_objects()
    return migrated_objects(revision)


def migrated_objects(revision: str) -> frozenset[SchemaObject]:
    """The objects the migrations create up to ``revision``, in a scratch database."""
    from qualframe.storage import migrate

    engine = create_engine("sqlite://")
    try:
        migrate.upgrade(engine, revision)
        raw = engine.raw_connection()
        try:
            return frozenset(_objects(raw.driver_connection))  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        engine.dispose()


def describe_objects(objects: Iterable[SchemaObject]) -> str:
    return ", ".join(f'{t} "{n}"' for t, n, _ in sorted(objects, key=lambda o: (o[0], o[1])))


def drop_objects(path: Path, objects: Iterable[SchemaObject]) -> None:
    """Remove the named triggers, views, indexes and tables from the file (one transaction;
    triggers first, so that none fires while the rest goes)."""
    order = {"trigger": 0, "view": 1, "index": 2, "table": 3}
    con = connect(path)
    try:
        con.isolation_level = None
        con.execute("PRAGMA trusted_schema = OFF")
        con.execute("BEGIN IMMEDIATE")
        try:
            for kind, name, _ in sorted(objects, key=lambda o: order.get(o[0], 9)):
                if kind not in order:
                    continue
                quoted = '"' + name.replace('"', '""') + '"'
                con.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
