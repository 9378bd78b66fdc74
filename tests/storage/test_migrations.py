"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

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
