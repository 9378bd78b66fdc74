"""Which store the test suite's projects live in: project files (SQLite, the default), or
databases on a PostgreSQL server when ``QUALFRAME_TEST_DATABASE`` (or ``--database``) names
one, e.g. ``postgresql://postgres@127.0.0.1:55432/postgres`` (any database of the server:
the tests make their own next to it and drop them again).

On a server, each test's project is a fresh database copied from a template made once per
run (``CREATE DATABASE … TEMPLATE``: ~0.1 s, against ~0.7 s for running the migrations).
Tests of things only a project file has (the file's header, WAL, its writer lock, copies of
the file) are marked ``sqlite_only("why")`` and skipped there with that reason.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

ENV = "QUALFRAME_TEST_DATABASE"
_counter = itertools.count(1)
_template: str | None = None
_server: str | None = None
_made: list[str] = []


def configure(option: str | None) -> None:
    global _server
    _server = option or os.environ.get(ENV) or None


def server() -> str | None:
    """The server URL the suite runs against, or None (project files)."""
    return _server


def _url(database: str) -> str:
    from qualframe.storage.server import parse_url

    assert _server is not None
    return parse_url(_server).set(database=database).render_as_string(hide_password=False)


def _admin():  # type: ignore[no-untyped-def]
    from qualframe.storage.server import _admin_engine, parse_url

    assert _server is not None
    return _admin_engine(parse_url(_server))


def _name(kind: str) -> str:
    return f"qf_{kind}_{os.getpid()}_{next(_counter)}"


def template() -> str:
    """The name of this run's template database: a new project titled "test", made once."""
    global _template
    if _template is None:
        from qualframe.coding.core.project import Project

        name = f"qf_template_{os.getpid()}"
        _drop(name)
        Project.create(_url(name), coder="tester").close()
        _template = name
    return _template


def fresh_project_url() -> str:
    """A new project database on the server, as ``Project.create(…)`` of "test" leaves it."""
    name = _name("t")
    with _admin().connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template()}"')
    _made.append(name)
    return _url(name)


def new_location(tmp_path: Path, filename: str) -> Path | str:
    """Where a test may create a project with ``Project.create``: a file in ``tmp_path``, or
    on a server a database name that does not exist yet."""
    if _server is None:
        return tmp_path / filename
    name = _name("n")
    _made.append(name)
    return _url(name)


def _drop(name: str) -> None:
    from qualframe.storage.server import drop_database, parse_url

    assert _server is not None
    drop_database(parse_url(_server).set(database=name))


def drop_logins(url: str, logins: list[str]) -> None:
    """Remove server logins a test made (roles are server-wide, not per database), with the
    group roles ``qualframe role`` made for the project database of ``url`` and their grants."""
    from sqlalchemy import text

    from qualframe.storage.server import _admin_engine, make_engine, parse_url

    parsed = parse_url(url)
    names = [*logins, *(f"{parsed.database}_{r}" for r in ("owner", "coder", "auditor"))]
    engine = make_engine(parsed, pool=False)
    try:
        with engine.begin() as conn:  # the grants in the project database first
            for name in names:
                if conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
                ).scalar():
                    conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
    finally:
        engine.dispose()
    admin = _admin_engine(parsed)
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        admin.dispose()


def as_login(url: str, login: str) -> str:
    """``url`` with another user name (the test server trusts loopback: no password)."""
    from qualframe.storage.server import parse_url

    return parse_url(url).set(username=login).render_as_string(hide_password=False)


#: Databases of this many recent tests are kept: a window a GUI test closed may still get a
#: queued repaint or timer a few tests later (it reads its project once more, harmlessly).
KEEP_RECENT = 40


def drop_made(keep: int = KEEP_RECENT) -> None:
    """Drop the databases made by tests before the last ``keep`` ones."""
    while len(_made) > keep:
        _drop(_made.pop(0))


def finish() -> None:
    global _template
    drop_made(keep=0)
    if _template is not None:
        _drop(_template)
        _template = None
