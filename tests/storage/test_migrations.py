"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table

from qualframe.storage.database import create_project
from qualframe.storage.models import Base


def _diff(path: Path, metadata: MetaData) -> list[object]:
    db = create_project(path)
    try:
        with db.engine.connect() as con:
            ctx = MigrationContext.configure(
                con, opts={"compare_type": True, "compare_server_default": False}
            )
            return list(compare_metadata(ctx, metadata))
    finally:
        db.close()


def test_migrated_schema_equals_the_models(tmp_path: Path) -> None:
    assert _diff(tmp_path / "a.qualframe", Base.metadata) == []


def test_the_comparison_notices_a_table_the_migrations_lack(tmp_path: Path) -> None:
    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    diff = _diff(tmp_path / "b.qualframe", extra)
    assert [d[0] for d in diff if isinstance(d, tuple)] == ["add_table"]


def test_the_revisions_form_one_line_from_0001_to_the_head() -> None:
    """0003 (issue 10's attribute index) sits between 0002 and 0004, 0009 (issue 15's
    resolutions) after 0008 (issue 12's packed survey answers), 0010 (issue 17's row
    versions) after 0009, 0011 (issue 14's review threads and trail chain) after 0010: one
    head, no branch."""
    from qualframe.storage import migrate

    script = migrate.script_directory()
    assert script.get_heads() == [migrate.head_revision()]
    chain = [r.revision for r in script.walk_revisions()]  # head first
    assert chain == [
        "0011", "0010", "0009", "0008", "0007", "0006", "0005", "0004", "0003", "0002", "0001"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "revision", ["0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010"]
)
def test_a_project_at_every_older_revision_opens_upgraded(tmp_path: Path, revision: str) -> None:
    """An older file is backed up, upgraded through the whole line (0003's index included)
    and accepted by the check for objects Qualframe did not create."""
    import sqlite3

    from sqlalchemy import create_engine

    from qualframe.storage import migrate
    from qualframe.storage.database import open_project
    from qualframe.storage.sqlite import APPLICATION_ID

    path = tmp_path / f"at-{revision}.qualframe"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, revision)
    engine.dispose()
    db = open_project(path)
    try:
        assert db.schema_version() == migrate.head_revision()
    finally:
        db.close()
    assert len(list(tmp_path.glob(f"at-{revision}.qualframe.bak-{revision}-*"))) == 1
    con = sqlite3.connect(path)
    try:
        indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    finally:
        con.close()
    assert "ix_attribute_values_attribute_id" in indexes
    assert _diff_existing(path) == []


def _diff_existing(path: Path) -> list[object]:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as con:
            ctx = MigrationContext.configure(
                con, opts={"compare_type": True, "compare_server_default": False}
            )
            return list(compare_metadata(ctx, Base.metadata))
    finally:
        engine.dispose()
