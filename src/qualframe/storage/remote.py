"""Projects on a PostgreSQL server: create, open and check one (``qualframe new URL``,
``qualframe gui URL``, every command given a URL).

The connection details (URLs, engines, failures, the change channel) are in
``storage.server``; this module builds :class:`~qualframe.storage.database.Database` handles
on them. The schema is made and upgraded by the same Alembic migrations as a file's.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import URL, Engine, text
from sqlalchemy.exc import DBAPIError

from qualframe.storage import migrate
from qualframe.storage import server as server_store
from qualframe.storage.database import Database
from qualframe.storage.errors import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ServerError,
)


def _server_error(exc: DBAPIError, name: str) -> ServerError:
    return ServerError(server_store.describe_error(exc, name) or server_store.first_line(exc))


def create_on_server(url: str | URL, prepare: Callable[[Database], None] | None = None) -> Database:
    """Create a project database on a PostgreSQL server.

    The database is created when missing (UTF-8, byte-order collation); an existing one must
    be empty (an administrator may create it for a user who may not create databases). The
    schema is built by the migrations, then ``prepare`` runs. All or nothing: on any failure
    the database is dropped again (or, when it existed before, emptied), so no half-made
    project is left on the server."""
    parsed = server_store.parse_url(url)
    name = server_store.display_name(parsed)
    created = server_store.create_database(parsed)
    engine = server_store.make_engine(parsed)
    occupied = False
    try:
        try:
            if not created and server_store.table_names(engine):
                occupied = True
                raise ProjectError(
                    f"{name} already exists and is not empty; choose another database name."
                )
            migrate.upgrade(engine)
            db = Database(engine)
            if prepare is not None:
                prepare(db)
        except DBAPIError as exc:
            raise _server_error(exc, name) from None
    except BaseException:
        engine.dispose()
        if created:
            server_store.drop_database(parsed)
        elif not occupied:
            cleanup = server_store.make_engine(parsed, pool=False)
            try:
                server_store.drop_all_tables(cleanup)
            finally:
                cleanup.dispose()
        raise
    return db


def open_on_server(url: str | URL, *, read_only: bool = False, upgrade: bool = True) -> Database:
    """Open the project database named by ``url`` after checking that it holds a Qualframe
    schema this version knows (an older one is upgraded under the server's upgrade lock, in
    one transaction: a failed upgrade changes nothing)."""
    parsed = server_store.parse_url(url)
    name = server_store.display_name(parsed)
    engine = server_store.make_engine(parsed, read_only=read_only)
    try:
        try:
            _check_server_schema(engine, name, read_only=read_only, upgrade=upgrade)
        except DBAPIError as exc:
            raise _server_error(exc, name) from None
    except BaseException:
        engine.dispose()
        raise
    return Database(
        engine,
        read_only=read_only,
        read_only_reason=f"{name} is open read-only; changes cannot be saved."
        if read_only
        else None,
    )


def open_url(url: str, *, create: bool = False) -> Database:
    """Open a project on a server URL; with ``create``, create it first when the database is
    missing or empty."""
    if create:
        parsed = server_store.parse_url(url)
        if not server_store.database_exists(parsed):
            return create_on_server(parsed)
        engine = server_store.make_engine(parsed, pool=False)
        try:
            fresh = not server_store.table_names(engine)
        except DBAPIError as exc:
            raise _server_error(exc, server_store.display_name(parsed)) from None
        finally:
            engine.dispose()
        if fresh:
            return create_on_server(parsed)
    return open_on_server(url)


def _regrant(engine: Engine) -> None:
    """After an upgrade added tables, give the project's roles their rights on them too
    (when this user may; otherwise the owner's next ``qualframe role … grant`` does)."""
    from qualframe.storage.server_roles import ROLES, apply_grants, group_role

    try:
        with engine.begin() as conn:
            database = str(engine.url.database)
            names = [group_role(database, r) for r in ROLES]
            if conn.execute(
                text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:n)"), {"n": names}
            ).scalar():
                apply_grants(conn, database)
    except DBAPIError:
        pass


def server_role(db: Database) -> str | None:
    """The connected user's role on a server project ("owner", "coder", "auditor"), or None
    (no Qualframe role: rights as granted by hand)."""
    from qualframe.storage.server_roles import current_role

    try:
        with db.read_engine.connect() as conn:
            return current_role(conn)
    except DBAPIError as exc:
        raise _server_error(exc, db.display_name) from None


def _check_server_schema(engine: Engine, name: str, *, read_only: bool, upgrade: bool) -> None:
    current = migrate.current_revision(engine)
    if current is None:
        if server_store.table_names(engine):
            raise NotAProjectError(f"{name} holds tables of another program; it is not a project.")
        raise NotAProjectError(f"{name} has no Qualframe schema; it is not a project.")
    if current not in migrate.known_revisions():
        raise NewerSchemaError(
            f"{name} was saved by a newer version of Qualframe (schema {current}); "
            "update Qualframe to open it."
        )
    if current != migrate.head_revision():
        if read_only or not upgrade:
            raise ProjectError(
                f"{name} uses an older schema ({current}) and must be upgraded; open it for "
                "writing once."
            )
        migrate.upgrade(engine, lock=True)
        _regrant(engine)
    present = set(server_store.table_names(engine))
    missing = sorted(t for t in migrate.expected_tables() if t not in present)
    if missing:
        raise CorruptProjectError(
            f"{name} is damaged: {len(missing)} of its tables are missing "
            f"({', '.join(missing[:5])}{', …' if len(missing) > 5 else ''})."
        )
