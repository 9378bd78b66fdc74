"""Copy a whole project between stores, row for row (``qualframe upload`` / ``download``).

Every table of the schema is copied with its ids and GUIDs as they are, so a copy taken
down for offline work and the server project name the same documents, codes and segments.
The target must be a freshly made, empty project at the same schema revision; the copy runs
inside the target's creation (``create_project`` / ``create_on_server`` with ``prepare``), so
a failed copy leaves no half-filled project behind.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, Table, func, select

from qualframe.storage import migrate
from qualframe.storage.database import Database
from qualframe.storage.errors import ProjectError
from qualframe.storage.models import Base

BATCH = 2000


def project_tables() -> list[Table]:
    """The tables of the schema, parents before children (foreign keys hold at every row)."""
    return list(Base.metadata.sorted_tables)


def row_counts(db: Database) -> dict[str, int]:
    """How many rows each table of the project holds."""
    with db.read_engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in project_tables()
        }


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns)
    result = conn.execute(select(table).order_by(*order)).mappings()
    while batch := result.fetchmany(BATCH):
        yield [dict(row) for row in batch]


def _parents_first(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Codes in an order where every parent comes before its children (a code may have been
    moved under one made later, so id order is not enough)."""
    done: set[object] = set()
    out: list[dict[str, object]] = []
    waiting = rows
    while waiting:
        ready = [r for r in waiting if r["parent_id"] is None or r["parent_id"] in done]
        if not ready:
            raise ProjectError("The codebook has a loop of parent codes; it cannot be copied.")
        out += ready
        done.update(r["id"] for r in ready)
        waiting = [r for r in waiting if r["id"] not in done]
    return out


def copy_project_rows(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of ``source`` into the empty project ``target`` in one transaction of
    the target; returns the rows copied per table. Both must be at the head revision."""
    head = migrate.head_revision()
    for db in (source, target):
        if db.schema_version() != head:
            raise ProjectError(
                f"{db.display_name} is at schema {db.schema_version()}, not {head}; open it "
                "for writing once to upgrade it, then copy it."
            )
    if any(row_counts(target).values()):
        raise ProjectError(f"{target.display_name} is not empty; copy into a new project only.")
    copied: dict[str, int] = {}
    with source.read_engine.connect() as src, target.engine.begin() as dst:
        if source.is_server:
            # One snapshot of a project other coders may be changing meanwhile.
            src.execution_options(isolation_level="REPEATABLE READ")
        for table in project_tables():
            count = 0
            if table.name == "codes":
                batches: Iterator[list[dict[str, object]]] = iter(
                    [_parents_first([r for b in _rows(src, table) for r in b])]
                )
            else:
                batches = _rows(src, table)
            for batch in batches:
                if batch:
                    dst.execute(table.insert(), batch)
                    count += len(batch)
            copied[table.name] = count
        if target.is_server:
            from qualframe.storage.server import reset_sequences

            reset_sequences(dst, project_tables())
    return copied
