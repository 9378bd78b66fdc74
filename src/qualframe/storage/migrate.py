"""Alembic, driven from code: the schema version of a project and its upgrade."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in script_directory().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head", *, lock: bool = False) -> None:
    """Upgrade in one transaction. ``lock`` (a project on a server, opened by several
    clients): hold the server's upgrade lock, so a second client waits and then finds the
    schema already upgraded (Alembic reads the revision inside the lock)."""
    with engine.begin() as conn:
        if lock and conn.dialect.name == "postgresql":
            from qualframe.storage.server import upgrade_lock

            with upgrade_lock(conn):
                command.upgrade(alembic_config(conn), target)
            return
        command.upgrade(alembic_config(conn), target)


def expected_tables() -> set[str]:
    """The tables of the current schema (the models match the head revision)."""
    from qualframe.storage.models import Base

    return set(Base.metadata.tables)
