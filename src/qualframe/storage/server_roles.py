"""Roles on a team's server, enforced by PostgreSQL's own grants (issue 17).

Each project database has three group roles, named after it (``<database>_owner``,
``_coder``, ``_auditor``); a person's login role is made a member of one of them:

* **coder**: reads everything, adds, changes and removes codes, segments, documents, memos …
  (``SELECT, INSERT, UPDATE, DELETE`` on every table of the project).
* **auditor**: reads everything and records reviews only (``SELECT`` on every table;
  ``INSERT``/``DELETE`` on ``reviews``, ``INSERT`` on ``audit_events`` and ``coders`` for the
  reviewer's own row). Any other write is refused by the server itself, whatever the client.
* **owner**: everything a coder may, and may grant roles (``WITH ADMIN OPTION``) and run
  schema upgrades (``CREATE`` on the schema, ownership of new tables is theirs).

Grants are given per table, so they are re-applied after a schema upgrade adds tables
(:func:`apply_grants`, called by ``grant`` and after an upgrade when the user may).
Creating login roles needs a server user with ``CREATEROLE`` (or a superuser).
"""

from __future__ import annotations

import re

from sqlalchemy import URL, Connection, text
from sqlalchemy.exc import DBAPIError

from qualframe.storage import server as server_store
from qualframe.storage.errors import ServerError

#: The role whose accounts may only review (``coding`` opens their projects for review).
AUDITOR = "auditor"
ROLES = ("owner", "coder", AUDITOR)
#: What an auditor may write besides reading: their reviews, and the rows recording them.
AUDITOR_WRITES = {
    "reviews": "INSERT, DELETE",
    "audit_events": "INSERT",
    "coders": "INSERT",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,62}$")


def group_role(database: str, role: str) -> str:
    return f"{database}_{role}"


def _q(name: str) -> str:
    return server_store.quote_ident(name)


def check_login_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise ServerError(
            f'"{name}" cannot be a server user name; use letters, digits, "_", "." or "-" '
            "(at most 63, starting with a letter)."
        )
    return name


def apply_grants(conn: Connection, database: str) -> None:
    """Create the three group roles of ``database`` when missing and grant each its rights
    on every table and sequence now in the schema (idempotent)."""
    tables = [
        r[0]
        for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    ]
    for role in ROLES:
        name = group_role(database, role)
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
        ).scalar()
        if not exists:
            conn.exec_driver_sql(f"CREATE ROLE {_q(name)} NOLOGIN")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_q(database)} TO {_q(name)}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {_q(name)}")
    owner, coder, auditor = (group_role(database, r) for r in ROLES)
    conn.exec_driver_sql(f"GRANT CREATE ON SCHEMA public TO {_q(owner)}")
    for table in tables:
        t = _q(table)
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {_q(coder)}")
        conn.exec_driver_sql(f"GRANT ALL ON {t} TO {_q(owner)}")
        conn.exec_driver_sql(f"REVOKE ALL ON {t} FROM {_q(auditor)}")
        conn.exec_driver_sql(f"GRANT SELECT ON {t} TO {_q(auditor)}")
        if table in AUDITOR_WRITES:
            conn.exec_driver_sql(f"GRANT {AUDITOR_WRITES[table]} ON {t} TO {_q(auditor)}")
    conn.exec_driver_sql(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_q(coder)}, {_q(owner)}"
    )
    for table in AUDITOR_WRITES:
        if table in tables:
            seq = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
            ).scalar()
            if seq:
                conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {seq} TO {_q(auditor)}")


def _set_password(conn: Connection, person: str, password: str) -> None:
    """ALTER ROLE … PASSWORD takes no bound parameter: the literal is quoted by psycopg."""
    from psycopg import sql

    raw = conn.connection.dbapi_connection
    assert raw is not None
    statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
        sql.Identifier(person), sql.Literal(password)
    )
    cursor = raw.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def grant(url: URL, person: str, role: str, password: str | None = None) -> None:
    """Give the login role ``person`` (created when missing, with ``password``) the ``role``
    on the project database of ``url``, replacing any other role they had on it."""
    if role not in ROLES:
        raise ServerError(f'"{role}" is not a role; use one of {", ".join(ROLES)}.')
    person = check_login_name(person)
    database = str(url.database)
    engine = server_store.make_engine(url, pool=False)
    try:
        with engine.begin() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": person}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f"CREATE ROLE {_q(person)} LOGIN")
            if password is not None:
                _set_password(conn, person, password)
            apply_grants(conn, database)
            for other in ROLES:
                conn.exec_driver_sql(f"REVOKE {_q(group_role(database, other))} FROM {_q(person)}")
            option = " WITH ADMIN OPTION" if role == "owner" else ""
            conn.exec_driver_sql(f"GRANT {_q(group_role(database, role))} TO {_q(person)}{option}")
    except DBAPIError as exc:
        name = server_store.display_name(url)
        if server_store.is_permission_error(exc):
            raise ServerError(
                f"{url.username or 'This user'} may not manage roles on the server of {name}; "
                "ask its administrator (a user with CREATEROLE) to run this."
            ) from None
        raise ServerError(
            server_store.describe_error(exc, name) or server_store.first_line(exc)
        ) from None
    finally:
        engine.dispose()


def roles(url: URL) -> list[tuple[str, str]]:
    """(login, role) for everyone who holds a role on the project database of ``url``."""
    database = str(url.database)
    engine = server_store.make_engine(url, pool=False)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT m.rolname, g.rolname FROM pg_auth_members a "
                    "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member "
                    "WHERE g.rolname = ANY(:groups) ORDER BY m.rolname"
                ),
                {"groups": [group_role(database, r) for r in ROLES]},
            ).all()
    except DBAPIError as exc:
        raise ServerError(
            server_store.describe_error(exc, server_store.display_name(url))
            or server_store.first_line(exc)
        ) from None
    finally:
        engine.dispose()
    prefix = f"{database}_"
    return [(m, g[len(prefix) :]) for m, g in rows]


def current_role(conn: Connection) -> str | None:
    """The role the connected user has on this project database: "owner" for the database's
    owner or a superuser, else the group they belong to, else None (no role: rights as
    granted by hand)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    if conn.execute(
        text(
            "SELECT rolsuper OR pg_get_userbyid((SELECT datdba FROM pg_database "
            "WHERE datname = current_database())) = current_user FROM pg_roles "
            "WHERE rolname = current_user"
        )
    ).scalar():
        return "owner"
    for role in ROLES:
        if conn.execute(
            text("SELECT pg_has_role(current_user, :g, 'MEMBER') FROM pg_roles WHERE rolname = :g"),
            {"g": group_role(str(database), role)},
        ).scalar():
            return role
    return None
