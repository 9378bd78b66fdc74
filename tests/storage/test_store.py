"""The project file: creation, refusal of bad files, migrations, pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from qualframe.storage import migrate
from qualframe.storage.database import create_project, open_project
from qualframe.storage.errors import (
    CorruptProjectError,
    NewerSchemaError,
    NotAProjectError,
    ProjectError,
    ReadOnlyProjectError,
)
from qualframe.storage.models import Code
from qualframe.storage.sqlite import APPLICATION_ID


def test_new_project_is_stamped_wal_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    db = create_project(path)
    try:
        assert db.schema_version() == migrate.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        db.close()
    # The id is in the file header itself, where `file`-like tools and our check read it.
    assert int.from_bytes(path.read_bytes()[68:72], "big") == APPLICATION_ID


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "precious"


@pytest.mark.parametrize(
    ("content", "error", "phrase"),
    [
        (b"", NotAProjectError, "is empty"),
        (b"Moderator: hello\nM1: hi\n", NotAProjectError, "not a Qualframe project"),
        (bytes(range(256)) * 10, NotAProjectError, "not a Qualframe project"),
        (b"SQLite format 3\x00" + b"\x00" * 20, CorruptProjectError, "truncated"),
    ],
)
def test_bad_files_are_refused_with_one_sentence(
    tmp_path: Path, content: bytes, error: type[Exception], phrase: str
) -> None:
    path = tmp_path / "bad.qualframe"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        open_project(path)
    message = str(info.value)
    assert phrase in message and "bad.qualframe" in message
    assert "\n" not in message
    assert path.read_bytes() == content  # untouched


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotAProjectError, match="does not exist"):
        open_project(tmp_path / "nope.qualframe")


def test_other_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.qualframe"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAProjectError, match="another program"):
        open_project(path)


def test_corrupt_project_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.qualframe"
    db = create_project(path)
    with db.write() as s:
        for i in range(400):
            s.add(Code(name=f"code {i}", definition="x" * 200))
    db.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    # Overwrite the middle pages (b-tree pages of the tables) with garbage.
    for i in range(4096, len(data) - 100, 97):
        data[i] = (data[i] * 31 + 7) % 256
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptProjectError, match="damaged"):
        open_project(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.qualframe"
    create_project(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(NewerSchemaError, match="newer version of Qualframe"):
        open_project(path)


def _make_old_project(path: Path) -> None:
    """A project as the first release wrote it (schema revision 0001)."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO codes (guid, name, color, definition, inclusion, exclusion, example,"
                " position, created_at, updated_at) VALUES ('g-1', 'Outcomes', '#FFD54F', 'd', '',"
                " '', '', 0, '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()


def test_older_schema_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    _make_old_project(path)
    db = open_project(path)
    try:
        assert db.schema_version() == migrate.head_revision()
        assert db.backup_path is not None and db.backup_path.exists()
        assert db.backup_path.parent == path.parent
        with db.read() as s:
            code = s.query(Code).one()
            assert code.name == "Outcomes" and code.guid == "g-1"
    finally:
        db.close()
    backup = sqlite3.connect(db.backup_path)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT name FROM codes").fetchall() == [("Outcomes",)]
    backup.close()


def test_older_schema_cannot_be_upgraded_read_only(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    _make_old_project(path)
    with pytest.raises(ProjectError, match="older schema"):
        open_project(path, read_only=True)


def test_read_only_project_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    create_project(path).close()
    db = open_project(path, read_only=True)
    try:
        with pytest.raises(ReadOnlyProjectError, match="read-only"), db.write() as s:
            s.add(Code(name="x"))
    finally:
        db.close()


def test_failed_unit_of_work_rolls_back(tmp_path: Path) -> None:
    db = create_project(tmp_path / "p.qualframe")
    try:
        with pytest.raises(RuntimeError), db.write() as s:
            s.add(Code(name="kept?"))
            s.flush()
            raise RuntimeError("boom")
        with db.read() as s:
            assert s.query(Code).count() == 0
    finally:
        db.close()


def test_only_the_sqlite_module_speaks_sqlite() -> None:
    """Portability: SQLite-only SQL lives in storage/sqlite.py (and the lock file module)."""
    root = Path(__file__).resolve().parents[2] / "src" / "qualframe"
    offenders = []
    checked = 0
    for folder in ("storage", "coding", "app"):
        for py in (root / folder).rglob("*.py"):
            checked += 1
            if py.name == "sqlite.py" and py.parent.name == "storage":
                continue
            src = py.read_text(encoding="utf-8")
            if "import sqlite3" in src or "PRAGMA" in src or "sqlite_master" in src:
                offenders.append(str(py.relative_to(root)))
    assert checked > 50  # the folders were found (they moved once, and the test saw nothing)
    assert offenders == [], offenders


def test_audit_trail_is_append_only(tmp_path: Path) -> None:
    from qualframe.storage.guards import AuditTrailError
    from qualframe.storage.models import AuditEvent

    db = create_project(tmp_path / "p.qualframe")
    try:
        with db.write() as s:
            s.add(AuditEvent(actor="kim", action="apply_code", entity="segment"))
        with pytest.raises(AuditTrailError, match="cannot be changed"), db.write() as s:
            s.query(AuditEvent).one().actor = "someone else"
        with pytest.raises(AuditTrailError, match="cannot be deleted"), db.write() as s:
            s.delete(s.query(AuditEvent).one())
        with db.read() as s:
            assert [(e.actor, e.action) for e in s.query(AuditEvent)] == [("kim", "apply_code")]
    finally:
        db.close()


def test_a_refused_unit_of_work_is_one_sentence_and_rolled_back(tmp_path: Path) -> None:
    from qualframe.storage.errors import StorageFailure

    db = create_project(tmp_path / "p.qualframe")
    try:
        with db.write() as s:
            s.add(Code(name="Outcomes", guid="same-guid"))
        with pytest.raises(StorageFailure) as info, db.write() as s:
            s.add(Code(name="Another"))
            s.add(Code(name="Clash", guid="same-guid"))  # the guid must be unique
        message = str(info.value)
        assert message.startswith(
            "The change could not be saved to p.qualframe because it would break"
        )
        assert message.endswith("nothing of it was saved.") and "\n" not in message
        with db.read() as s:
            assert [c.name for c in s.query(Code)] == ["Outcomes"]
    finally:
        db.close()
