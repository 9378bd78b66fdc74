"""Open, create, check and upgrade a project store.

``Database`` owns the engine, the session factory and (for a writable project file) the
writer lock. It is the only object the ``coding`` layer needs from ``storage``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from qualframe.storage import guards, migrate
from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.errors import (
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
    StorageFailure,
)
from qualframe.storage.lock import WriterLock

PROJECT_SUFFIX = ".qualframe"


class Database:
    def __init__(
        self,
        engine: Engine,
        *,
        path: Path | None = None,
        lock: WriterLock | None = None,
        read_only: bool = False,
        backup_path: Path | None = None,
    ) -> None:
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.backup_path = backup_path
        self._lock = lock
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self.read_engine = engine.execution_options(qualframe_read=True)
        self.read_session_factory = sessionmaker(self.read_engine, expire_on_commit=False)
        guards.install(self.session_factory)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.display_name} is open read-only; changes cannot be saved."
            )
        try:
            with self.session_factory.begin() as session:
                yield session
        except DBAPIError as exc:
            raise StorageFailure(describe_failure(exc, self.display_name)) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.read_session_factory() as session:
            yield session

    @property
    def display_name(self) -> str:
        return self.path.name if self.path is not None else self.url

    def schema_version(self) -> str | None:
        return migrate.current_revision(self.read_engine)

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_failure(exc: DBAPIError, name: str) -> str:
    """One sentence for a database failure; the transaction has been rolled back."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else ""
    low = detail.lower()
    if "locked" in low or "busy" in low:
        why = "another program is writing to it"
    elif "full" in low or "disk i/o" in low or "no space" in low:
        why = "the disk is full or cannot be written"
    elif "readonly" in low or "read-only" in low:
        why = "the file cannot be written (read-only)"
    elif "constraint" in low or "unique" in low:
        why = f"it would break a rule of the project ({detail})"
    else:
        why = detail or type(exc).__name__
    return f"The change could not be saved to {name} because {why}; nothing of it was saved."


def create_project(path: Path) -> Database:
    """Create a new, empty project file at ``path`` (refuses to overwrite)."""
    path = Path(path)
    if path.exists():
        raise ProjectError(f"{path.name} already exists; choose another name.")
    if not path.parent.exists():
        raise ProjectError(f"The folder {path.parent} does not exist.")
    lock = WriterLock(path)
    lock.acquire()
    try:
        sqlite_store.initialise_file(path)
        engine = sqlite_store.make_engine(path)
        migrate.upgrade(engine)
    except BaseException:
        lock.release()
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        raise
    return Database(engine, path=path, lock=lock)


def open_project(path: Path, *, read_only: bool = False, upgrade: bool = True) -> Database:
    """Open an existing project file after checking it is one, intact and not too new.

    A writable open takes the writer lock; if another process holds it,
    :class:`ProjectLockedError` says who. An older schema is backed up next to the file
    (``NAME.qualframe.bak-<revision>-<time>``) and then upgraded.
    """
    path = Path(path)
    sqlite_store.check_file(path)
    lock: WriterLock | None = None
    if not read_only:
        lock = WriterLock(path)
        lock.acquire()
    try:
        engine = sqlite_store.make_engine(path, read_only=read_only)
        backup_path = _check_schema(engine, path, read_only=read_only, upgrade=upgrade)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Database(engine, path=path, lock=lock, read_only=read_only, backup_path=backup_path)


def open_url(url: str, *, create: bool = False) -> Database:
    """Open (or with ``create`` initialise) a project on any SQLAlchemy URL, e.g. PostgreSQL."""
    if sqlite_store.is_sqlite_url(url):
        raise ProjectError("Use a project file path for SQLite projects, not a URL.")
    engine = create_engine(url, future=True)
    if create and not inspect(engine).get_table_names():
        migrate.upgrade(engine)
    _check_schema(engine, None, read_only=False, upgrade=True)
    return Database(engine)


def _check_schema(
    engine: Engine, path: Path | None, *, read_only: bool, upgrade: bool
) -> Path | None:
    name = path.name if path is not None else engine.url.render_as_string(hide_password=True)
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current is None:
        raise NotAProjectError(f"{name} has no Qualframe schema; it is not a project.")
    if current == head:
        return None
    if current not in migrate.known_revisions():
        raise NewerSchemaError(
            f"{name} was saved by a newer version of Qualframe (schema {current}); "
            "update Qualframe to open it."
        )
    if read_only or not upgrade:
        raise ProjectError(
            f"{name} uses an older schema ({current}) and must be upgraded; open it for writing once."
        )
    backup_path: Path | None = None
    if path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup_path = path.with_name(f"{path.name}.bak-{current}-{stamp}")
        sqlite_store.backup(engine, backup_path)
    migrate.upgrade(engine)
    return backup_path


def copy_project(source: Path, target: Path) -> None:
    """A consistent copy of a project file, safe while it is open elsewhere."""
    sqlite_store.backup_file(source, target)


__all__ = [
    "PROJECT_SUFFIX",
    "Database",
    "ProjectLockedError",
    "copy_project",
    "create_project",
    "open_project",
    "open_url",
]
