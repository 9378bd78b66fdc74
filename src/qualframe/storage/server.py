"""Everything that depends on PostgreSQL lives here, and only here (``storage.sqlite`` is its
counterpart for project files).

A team's project is one PostgreSQL database, named by a URL such as
``postgresql+psycopg://ana@db.example.org:5432/mentoring``. This module: recognising and
normalising such URLs (``postgresql://`` and ``postgres://`` mean the psycopg 3 driver),
engines with a short connect timeout and TCP keep-alives (a dead server is noticed in
seconds, not minutes), read-only sessions enforced by the server
(``default_transaction_read_only``), creating the database for ``qualframe new`` (and
removing it again when the creation fails half-way), a lock that lets one client at a time
upgrade the schema, telling a lost connection or a refused permission from other failures,
and the change channel (``LISTEN``/``NOTIFY``) through which clients hear of each other's
changes.

What applies to project files and not here: the file header and ``application_id``, WAL,
the writer lock (a server has many writers; optimistic concurrency in ``coding`` keeps them
from overwriting each other), file backups (the server's own backups, ``pg_dump`` or
``qualframe download``, take their place) and the check for planted triggers and views (only
the database's owner can create those on a server; Qualframe checks that its tables are
there).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from qualframe.storage.errors import ServerError

#: URL schemes that name a project on a PostgreSQL server.
_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://", re.IGNORECASE)
#: The database every PostgreSQL server has, used to create and drop project databases.
MAINTENANCE_DB = "postgres"
#: The channel on which clients announce their changes (see ``coding.core.live``).
CHANGE_CHANNEL = "qualframe_changes"
#: PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_PAYLOAD = 7900
CONNECT_TIMEOUT = 5  # seconds
#: An advisory-lock key for schema upgrades ("QFRM"), so two clients never upgrade at once.
UPGRADE_LOCK = 0x5146524D

# SQLSTATE classes and codes (PostgreSQL appendix A).
_CONNECTION_CLASSES = ("08", "57P")  # connection exception; operator intervention
_NO_DATABASE = "3D000"
_PERMISSION = "42501"
_AUTH = ("28000", "28P01")
_READ_ONLY_TX = "25006"
_TOO_MANY = "53300"


def is_server_url(target: object) -> bool:
    """True for a string that names a PostgreSQL database (``postgresql[+driver]://…``)."""
    return isinstance(target, str) and bool(_SCHEME.match(target.strip()))


def parse_url(target: str | URL, password: str | None = None) -> URL:
    """The SQLAlchemy URL for ``target`` with the psycopg 3 driver. Refuses a URL without a
    database.

    The password: ``password`` when given; else one written in the URL; else the one kept in
    the system keyring for this user and server (``qualframe login``); else none, and libpq
    looks in ``PGPASSWORD`` and the password file (``PGPASSFILE``, default ``~/.pgpass``)."""
    try:
        url = make_url(target.strip() if isinstance(target, str) else target)
    except ArgumentError:
        raise ServerError(f"{target!s} is not a server address this program understands.") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise ServerError(f"{url.get_backend_name()} servers are not supported; use PostgreSQL.")
    url = url.set(drivername="postgresql+psycopg")
    if not url.database:
        raise ServerError(
            f"{display_name(url)} names no database; add its name after the server, as in "
            "postgresql://user@host/study."
        )
    if password is None and url.password is None and not os.environ.get("PGPASSWORD"):
        password = _SESSION_PASSWORDS.get(credential_key(url)) or stored_password(url)
    if password is not None:
        url = url.set(password=password)
    return url


#: Passwords typed in this run when no keyring could keep them (memory only, never written).
_SESSION_PASSWORDS: dict[str, str] = {}


def remember_for_session(url: URL, password: str) -> None:
    """Use ``password`` for this server's user until the program ends (nothing is written)."""
    _SESSION_PASSWORDS[credential_key(url)] = password


#: The keyring "service" under which server passwords are kept (one entry per user@host:port).
KEYRING_SERVICE = "qualframe"


def stored_password(url: URL) -> str | None:
    """The password kept in the system keyring for this server's user, or None (also when
    no keyring is available, as on a server without a desktop session)."""
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, credential_key(url))
        except (KeyringError, RuntimeError, OSError):
            return None
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None


def store_password(url: URL, password: str) -> None:
    """Keep ``password`` in the system keyring for this server's user (``qualframe login``).
    Raises :class:`ServerError` with one sentence when no keyring can be used."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, credential_key(url), password)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise ServerError(
            f"No system keyring is available here ({type(exc).__name__}); put the password "
            "in a password file instead (a line host:port:database:user:password in "
            "~/.pgpass, or the file named by PGPASSFILE, readable only by you)."
        ) from None


def check_login(url: URL) -> None:
    """Connect once with these credentials (to the project database, or to the server's
    maintenance database when the project does not exist yet); :class:`ServerError` says why
    not."""
    for candidate in (url, url.set(database=MAINTENANCE_DB)):
        engine = make_engine(candidate, pool=False)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except DBAPIError as exc:
            message = describe_error(exc, display_name(url)) or first_line(exc)
            if candidate is url and message.startswith("There is no project database"):
                continue
            raise ServerError(message) from None
        finally:
            engine.dispose()


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    text_ = str(orig).strip()
    return text_.splitlines()[0] if text_ else type(orig).__name__


def display_name(url: URL) -> str:
    """How a server project is named in messages and titles (never with a password)."""
    where = url.host or "localhost"
    if url.port:
        where = f"{where}:{url.port}"
    return f"{url.database or '?'} on {where}"


def credential_key(url: URL) -> str:
    """``user@host:port``: the key under which a password for this server is kept."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}"


def make_engine(url: URL, *, read_only: bool = False, pool: bool = True) -> Engine:
    """An engine on the project database. ``read_only``: the server itself refuses writes in
    every transaction of this engine."""
    options = "-c idle_in_transaction_session_timeout=60000"
    if read_only:
        options += " -c default_transaction_read_only=on"
    args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "application_name": "qualframe",
        "options": options,
        # A server that vanished (a cable pulled, a laptop asleep) is noticed in ~15 s.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
    }
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "connect_args": args}
    if not pool:
        from sqlalchemy.pool import NullPool

        kwargs["poolclass"] = NullPool
    return create_engine(url, **kwargs)


def _admin_engine(url: URL) -> Engine:
    from sqlalchemy.pool import NullPool

    return create_engine(
        url.set(database=MAINTENANCE_DB),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "qualframe"},
    )


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(engine: Engine) -> list[str]:
    return list(inspect(engine).get_table_names())


def database_exists(url: URL) -> bool:
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            return bool(
                conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
                ).scalar()
            )
    except DBAPIError as exc:
        raise ServerError(describe_error(exc, display_name(url)) or str(exc.orig)) from None
    finally:
        admin.dispose()


def create_database(url: URL) -> bool:
    """Create the database of ``url``; False when it already existed (and is empty, so that
    an administrator may create it for a user who may not create databases). UTF-8 with
    byte-order collation, so names sort as in a project file on every server."""
    name = display_name(url)
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(
                    f"CREATE DATABASE {quote_ident(str(url.database))} TEMPLATE template0 "
                    "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
                )
                return True
    except DBAPIError as exc:
        if _sqlstate(exc) == _PERMISSION:
            raise ServerError(
                f"{url.username or 'This user'} may not create databases on the server of "
                f"{name}; ask its administrator to create an empty database "
                f'"{url.database}" you own (createdb -O {url.username or "USER"} '
                f"{url.database}), then run this again."
            ) from None
        raise ServerError(describe_error(exc, name) or str(exc.orig)) from None
    finally:
        admin.dispose()
    return False


def drop_database(url: URL) -> None:
    """Remove the database of ``url`` (its connections are closed first)."""
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": url.database},
            )
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote_ident(str(url.database))}")
    finally:
        admin.dispose()


def drop_all_tables(engine: Engine) -> None:
    """Empty a database that existed before ``qualframe new`` filled it (one transaction)."""
    with engine.begin() as conn:
        for table in inspect(conn).get_table_names():
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote_ident(table)} CASCADE")


@contextmanager
def upgrade_lock(conn: Connection) -> Iterator[None]:
    """Hold the schema-upgrade lock for the transaction of ``conn``: a second client that
    opens an older project at the same moment waits, then finds it upgraded."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": UPGRADE_LOCK})
    yield


# -- failures ------------------------------------------------------------------------------------
def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return str(getattr(orig, "sqlstate", "") or "")


def is_connection_error(exc: BaseException) -> bool:
    """Did this failure come from losing (or not getting) the connection to the server?"""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state.startswith(_CONNECTION_CLASSES):
        return True
    orig = getattr(exc, "orig", exc)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the driver is a dependency
        return False
    if isinstance(orig, psycopg.OperationalError) and not state:
        return True  # "server closed the connection unexpectedly", "connection refused"
    return isinstance(orig, psycopg.InterfaceError)


def is_permission_error(exc: BaseException) -> bool:
    return _sqlstate(exc) in (_PERMISSION, _READ_ONLY_TX)


def describe_error(exc: BaseException, name: str) -> str | None:
    """One sentence for a server failure we can name, or None."""
    state = _sqlstate(exc)
    orig = getattr(exc, "orig", exc)
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if state == _NO_DATABASE or ("database" in detail and "does not exist" in detail):
        return f"There is no project database {name}; create it with qualframe new."
    if state in _AUTH or "password" in detail.lower():
        return (
            f"The server refused the user name or password for {name}; keep the password "
            "with 'qualframe login URL' (system keyring), or in PGPASSWORD or a password "
            "file (PGPASSFILE, default ~/.pgpass)."
        )
    if state == _TOO_MANY:
        return f"The server of {name} accepts no more connections now; try again in a moment."
    if state == _PERMISSION:
        return f"Your role on the server of {name} does not allow this ({detail})."
    if state == _READ_ONLY_TX:
        return f"{name} is open read-only; changes cannot be saved."
    if is_connection_error(exc):
        low = detail.lower()
        if "timeout" in low or "timed out" in low:
            why = "did not answer in time"
        elif "refused" in low or "could not connect" in low or "failed" in low:
            why = "cannot be reached"
        else:
            why = "closed the connection"
        return f"The server of {name} {why}."
    return None


# -- the change channel ----------------------------------------------------------------------------
def notify(conn: Connection, payload: str, channel: str = CHANGE_CHANNEL) -> None:
    """Send ``payload`` on the change channel; delivered when the transaction commits."""
    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": payload})


class ChannelListener:
    """A connection of its own that LISTENs on the change channel (autocommit, outside the
    engine's pool). :meth:`wait` returns the payloads that arrived within ``timeout``
    seconds; any failure of the connection is raised (the caller reconnects)."""

    def __init__(self, url: URL, channel: str = CHANGE_CHANNEL) -> None:
        import psycopg

        self.channel = channel
        params = url.translate_connect_args(username="user", database="dbname")
        self._conn = psycopg.connect(
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="qualframe-listener",
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=3,
            **{k: v for k, v in params.items() if v is not None},
        )
        self._conn.execute(f"LISTEN {quote_ident(channel)}")

    def wait(self, timeout: float) -> list[str]:
        """Payloads received within ``timeout`` seconds (returns as soon as one arrives,
        with any that came in the same moment). A lost connection raises."""
        out = [n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1)]
        out += [n.payload for n in self._conn.notifies(timeout=0.0)]
        return out

    def ping(self) -> None:
        self._conn.execute("SELECT 1")

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken connection must not fail
            self._conn.close()


def reset_sequences(conn: Connection, tables: list[Any]) -> None:
    """After rows were copied in with their ids, move each table's id sequence past the
    largest id, so the next row made on the server gets a new one."""
    for table in tables:
        column = table.c.get("id")
        if column is None or not column.autoincrement or len(table.primary_key.columns) != 1:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {quote_ident(table.name)}), 0) + 1, false)"
            ),
            {"t": table.name},
        )
