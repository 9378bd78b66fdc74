"""Open, create, check and upgrade a project store.

``Database`` owns the engine, the session factory and (for a writable project file) the
writer lock. It is the only object the ``coding`` layer needs from ``storage``.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from qualframe.storage import guards, holds, migrate
from qualframe.storage import server as server_store
from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.errors import (
    ConcurrentChangeError,
    ConnectionLostError,
    CorruptProjectError,
    DiskFullError,
    ForeignSchemaError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyDiskError,
    ReadOnlyProjectError,
    StorageFailure,
)
from qualframe.storage.lock import WriterLock

PROJECT_SUFFIX = ".qualframe"

#: Where a project lives: a file path, or a server URL (a string, ``postgresql://…``).
Location = Path | str


def is_server_location(target: object) -> bool:
    """True when ``target`` names a project on a PostgreSQL server rather than a file."""
    return server_store.is_server_url(target)


class Database:
    def __init__(
        self,
        engine: Engine,
        *,
        path: Path | None = None,
        lock: WriterLock | None = None,
        read_only: bool = False,
        backup_path: Path | None = None,
        name: str | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        self.engine = engine
        self.path = path
        self.read_only = read_only
        #: Why the project is read-only when the user did not ask for it (a read-only disk).
        self.read_only_reason = read_only_reason
        self.backup_path = backup_path
        #: Set while the server cannot be reached: writes are refused with it (never queued).
        self.offline_reason: str | None = None
        self._name = name
        self._lock = lock
        # Held open while SQLite uses it (see storage.holds): reading its header later
        # never opens and closes the file, which would drop SQLite's locks.
        self._held = holds.hold(path) if path is not None and self.is_sqlite else None
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self.read_engine = engine.execution_options(qualframe_read=True)
        self.read_session_factory = sessionmaker(self.read_engine, expire_on_commit=False)
        guards.install(self.session_factory)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_server(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def location_url(self) -> str:
        """The URL to open this project again, without the password (the keyring, PGPASSWORD
        or the password file supplies it)."""
        return self.engine.url.set(password=None).render_as_string(hide_password=False)

    @property
    def server_url(self) -> URL:
        """The engine's URL, password included, for the change listener's own connection
        (never shown: use :attr:`url` or :attr:`display_name` in messages)."""
        return self.engine.url

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        if self.read_only:
            raise ReadOnlyProjectError(
                self.read_only_reason
                or f"{self.display_name} is open read-only; changes cannot be saved."
            )
        if self.offline_reason is not None:
            raise ConnectionLostError(self.offline_reason)
        if self._lock is not None:
            self._lock.verify()  # the file is still ours and still where we opened it
        try:
            with self.session_factory.begin() as session:
                yield session
        except StaleDataError:
            raise ConcurrentChangeError(
                f"Another coder changed the same item in {self.display_name} at the same "
                "moment; your change was not saved and the view now shows theirs."
            ) from None
        except DBAPIError as exc:
            if self.is_server and server_store.is_connection_error(exc):
                raise ConnectionLostError(self.describe_failure(exc)) from exc
            raise StorageFailure(self.describe_failure(exc)) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self.read_session_factory() as session:
                yield session
        except DBAPIError as exc:
            if self.is_server:
                if server_store.is_connection_error(exc):
                    raise ConnectionLostError(
                        server_store.describe_error(exc, self.display_name)
                        or f"The server of {self.display_name} cannot be reached."
                    ) from exc
                raise
            path = self.path
            if (
                path is not None
                and self.is_sqlite
                and sqlite_store.disk_problem(exc.orig, path) == "full"
            ):
                raise DiskFullError(
                    sqlite_store.disk_full_message(self.display_name, "read")
                ) from exc
            raise

    @property
    def display_name(self) -> str:
        if self._name is not None:
            return self._name
        if self.path is not None:
            return self.path.name
        if self.is_server:
            return server_store.display_name(self.engine.url)
        return self.url

    def describe_failure(self, exc: DBAPIError) -> str:
        name = self.display_name
        if self.is_server:
            if server_store.is_connection_error(exc):
                why = server_store.describe_error(exc, name) or f"The server of {name} is gone."
                return (
                    f"{why.rstrip('.')}, so the change was not saved; it can be made again "
                    "once the connection is back."
                )
            if server_store.is_permission_error(exc):
                return (
                    f"Your role on the server of {name} does not allow this change; nothing "
                    "of it was saved."
                )
        if self.path is not None and self.is_sqlite:
            problem = sqlite_store.disk_problem(exc.orig, self.path)
            if problem == "full":
                return (
                    f"The change could not be saved to {name} because the disk is full; "
                    "nothing of it was saved — free some space on that disk and try again."
                )
            if problem == "read-only":
                return (
                    f"The change could not be saved to {name} because the disk or folder "
                    "cannot be written (read-only); nothing of it was saved."
                )
        return describe_failure(exc, name)

    def schema_version(self) -> str | None:
        return migrate.current_revision(self.read_engine)

    def checkpoint(self) -> bool:
        """Fold the write-ahead log into the project file, so that a plain copy of the file
        (``cp``, a file manager, an e-mail attachment) is the whole project. True when done."""
        if not self.is_sqlite or self.read_only:
            return False
        return sqlite_store.checkpoint(self.engine)

    def backup_before(self, change: str) -> Path | None:
        """Copy the open project beside itself as ``NAME.qualframe.bak-<change>-<time>``
        before a change that rewrites much of it (a merge), as the upgrade and the clean-up
        back up before theirs; None for a project on a server (its own backups apply)."""
        if not self.is_sqlite or self.path is None:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = self.path.with_name(f"{self.path.name}.bak-{change}-{stamp}")
        sqlite_store.backup(self.engine, target, what=f"the backup made before the {change}")
        return target

    def backup_to(self, target: Path, *, what: str = "the copy") -> Path:
        """An online copy of the open project at ``target``, verified by opening it."""
        from qualframe.storage.protect import refuse_protected

        target = Path(target)
        refuse_protected(target, what=what)
        if not self.is_sqlite:
            raise ProjectError("Only project files can be copied; this project is on a server.")
        sqlite_store.backup(self.engine, target, what=what)
        return target

    def close(self) -> None:
        if self._lock is not None and self.is_sqlite:
            # Closing must not fail; SQLite folds the log on its own when it can.
            with contextlib.suppress(Exception):
                sqlite_store.checkpoint(self.engine)
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        held, self._held = self._held, None
        holds.release(held)

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


# -- creating --------------------------------------------------------------------------------------
def _link_into_place(tmp: Path, path: Path) -> None:
    """Give the finished file its name, never replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ProjectError(f"{path.name} already exists; choose another name.") from None
    except OSError as exc:  # a file system without hard links (FAT, some network shares)
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():
            raise ProjectError(f"{path.name} already exists; choose another name.") from None
        os.rename(tmp, path)
        return
    tmp.unlink()


def create_project(path: Path, prepare: Callable[[Database], None] | None = None) -> Database:
    """Create a new project file at ``path`` (refuses to overwrite); projects on a server
    are created by :func:`qualframe.storage.remote.create_on_server`.

    The file is built under a temporary name beside ``path`` (``.NAME.new-PID``): schema,
    then whatever ``prepare`` adds (the title, a starting codebook), then it is linked to its
    name in one step. A ``new`` killed half-way leaves no file under the name (the next one
    removes the leftover), and no file that appeared meanwhile is ever replaced.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise ProjectError(f"{path.name} already exists; choose another name.")
    if not path.parent.is_dir():
        raise ProjectError(f"The folder {path.parent} does not exist.")
    if not sqlite_store.location_writable(path):
        raise ReadOnlyDiskError(
            f"{path.name} cannot be created: its folder is on a read-only disk or cannot be "
            "written."
        )
    lock = WriterLock(path)
    lock.acquire(remove_on_failure=True)
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        _remove_leftovers(path.parent, f".{path.name}.new-", ".new-")
        try:
            sqlite_store.initialise_file(tmp)
            engine = sqlite_store.make_engine(tmp)
            building = Database(engine, path=tmp, name=path.name)
            try:
                migrate.upgrade(engine)
                if prepare is not None:
                    prepare(building)
                sqlite_store.checkpoint(engine, truncate=True)
            finally:
                building.close()
            sqlite_store.fsync_path(tmp)
            _link_into_place(tmp, path)
            sqlite_store.fsync_path(path.parent)
        except (OSError, DBAPIError, sqlite_store.DriverError) as exc:
            orig = exc.orig if isinstance(exc, DBAPIError) else exc
            problem = sqlite_store.disk_problem(orig, path)
            if problem == "full":
                raise DiskFullError(
                    f"{path.name} cannot be created because the disk is full; nothing was written."
                ) from None
            if problem == "read-only":
                raise ReadOnlyDiskError(
                    f"{path.name} cannot be created: its folder cannot be written."
                ) from None
            raise
        lock.adopt_project()
        engine = sqlite_store.make_engine(path)
    except BaseException:
        lock.release(remove=not path.exists())
        sqlite_store.remove_with_companions(tmp)
        raise
    return Database(engine, path=path, lock=lock)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_leftovers(folder: Path, prefix: str, marker: str) -> None:
    """Remove temporary files ``PREFIX…MARKER<pid>`` (and SQLite's companions) of processes
    that are no longer running.

    Called while holding the project's writer lock, so no live Qualframe writes them."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for p in entries:
        if not p.name.startswith(prefix) or marker not in p.name:
            continue
        if p.name.endswith(sqlite_store.COMPANION_SUFFIXES):
            continue
        pid = p.name.rsplit("-", 1)[-1]  # .NAME.new-PID, .NAME.bak-….part-PID
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        sqlite_store.remove_with_companions(p)


# -- opening ---------------------------------------------------------------------------------------
def open_project(path: Path, *, read_only: bool = False, upgrade: bool = True) -> Database:
    """Open an existing project file after checking it is one, intact, ours and not too new.

    A writable open takes the writer lock; if another process holds it,
    :class:`ProjectLockedError` says who. An older schema is backed up next to the file
    (``NAME.qualframe.bak-<revision>-<time>``) and then upgraded. A project on a read-only
    disk can be opened read-only only (:class:`ReadOnlyDiskError` otherwise). A file holding
    triggers, views, tables or indexes the migrations do not create is refused
    (:class:`ForeignSchemaError`) until :func:`remove_foreign_objects` removes them.
    """
    path = Path(path)
    immutable = read_only and sqlite_store.needs_immutable(path)
    reason = sqlite_store.read_only_disk_message(path.name) if immutable else None
    if not read_only and path.exists() and not sqlite_store.location_writable(path):
        sqlite_store.check_file(path, immutable=sqlite_store.needs_immutable(path))
        raise ReadOnlyDiskError(sqlite_store.read_only_disk_message(path.name))
    sqlite_store.check_file(path, immutable=immutable)
    lock: WriterLock | None = None
    if not read_only:
        lock = WriterLock(path)
        lock.acquire()
    try:
        engine = sqlite_store.make_engine(path, read_only=read_only, immutable=immutable)
        try:
            if lock is not None:
                _remove_leftovers(path.parent, f".{path.name}.bak-", ".part-")
            backup_path = _check_schema(engine, path, read_only=read_only, upgrade=upgrade)
        except DBAPIError as exc:
            engine.dispose()
            if sqlite_store.disk_problem(exc.orig, path) == "full":
                raise DiskFullError(sqlite_store.disk_full_message(path.name, "opened")) from None
            raise
        except BaseException:
            engine.dispose()
            raise
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Database(
        engine,
        path=path,
        lock=lock,
        read_only=read_only,
        backup_path=backup_path,
        read_only_reason=reason,
    )


def _check_objects(engine: Engine, name: str, revision: str) -> None:
    """The file must hold exactly the tables and indexes the migrations create, and no
    trigger or view: a planted trigger would run on our own statements."""
    present = sqlite_store.schema_objects(engine)
    expected = sqlite_store.reference_objects(revision)
    foreign = sorted(present - expected)
    if foreign:
        raise ForeignSchemaError(
            f"{name} contains database objects that Qualframe did not create "
            f"({sqlite_store.describe_objects(foreign)}), which could change or delete data "
            "while you work, so it was not opened.",
            [(t, n) for t, n, _ in foreign],
        )
    missing = sorted(n for t, n, _ in expected - present if t == "table")
    if missing:
        raise CorruptProjectError(
            f"{name} is damaged: {len(missing)} of its tables are missing "
            f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''}); restore it "
            "from a backup."
        )


def _check_schema(
    engine: Engine, path: Path | None, *, read_only: bool, upgrade: bool
) -> Path | None:
    name = path.name if path is not None else engine.url.render_as_string(hide_password=True)
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current is None:
        raise NotAProjectError(f"{name} has no Qualframe schema; it is not a project.")
    if current not in migrate.known_revisions():
        raise NewerSchemaError(
            f"{name} was saved by a newer version of Qualframe (schema {current}); "
            "update Qualframe to open it."
        )
    if path is not None:
        _check_objects(engine, name, current)
    if current == head:
        return None
    if read_only or not upgrade:
        raise ProjectError(
            f"{name} uses an older schema ({current}) and must be upgraded; open it for writing once."
        )
    backup_path: Path | None = None
    if path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        backup_path = path.with_name(f"{path.name}.bak-{current}-{stamp}")
        sqlite_store.backup(engine, backup_path, what="the backup made before the upgrade")
    migrate.upgrade(engine)
    return backup_path


def remove_foreign_objects(path: Path) -> tuple[list[tuple[str, str]], Path]:
    """Back the project up, then drop every trigger, view, table and index in it that the
    migrations do not create; returns what was dropped and the backup's path."""
    path = Path(path)
    sqlite_store.check_file(path)
    lock = WriterLock(path)
    lock.acquire()
    try:
        engine = sqlite_store.make_engine(path, read_only=True)
        try:
            current = migrate.current_revision(engine)
            if current is None or current not in migrate.known_revisions():
                raise NotAProjectError(f"{path.name} has no schema this Qualframe knows.")
            foreign = sorted(
                sqlite_store.schema_objects(engine) - sqlite_store.reference_objects(current)
            )
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            backup_path = path.with_name(f"{path.name}.bak-before-cleanup-{stamp}")
            sqlite_store.backup(engine, backup_path, what="the backup made before the clean-up")
        finally:
            engine.dispose()
        sqlite_store.drop_objects(path, foreign)
    finally:
        lock.release()
    return [(t, n) for t, n, _ in foreign], backup_path


def copy_project(source: Path, target: Path) -> None:
    """A consistent copy of a project file, safe while it is open elsewhere."""
    from qualframe.storage.protect import refuse_protected

    refuse_protected(Path(target), what="the copy")
    sqlite_store.backup(Path(source), Path(target))


__all__ = [
    "PROJECT_SUFFIX",
    "Database",
    "Location",
    "ProjectLockedError",
    "copy_project",
    "create_project",
    "is_server_location",
    "open_project",
    "remove_foreign_objects",
]
