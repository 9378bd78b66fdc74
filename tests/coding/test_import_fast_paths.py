"""The shortcuts that make importing fast (issue 13) keep every result the slow way gives."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportCancelled, ImportOptions, import_files, store
from qualframe.coding.trail.verify import verify_trail
from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.errors import StorageFailure
from qualframe.storage.models import AuditEvent, Base, Document
from tests.coding.test_import_fixtures import table_dump


def _turn_indexes(project: Project) -> list[tuple[str, str]]:
    with project.read() as s:
        rows = s.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'turns'")
        )
        return sorted((str(r[0]), str(r[1])) for r in rows)


def _transcripts(folder: Path, n: int, stem: str = "fgi") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"{stem}_{i}.txt"
        lines = [
            f"{'Moderator' if k % 3 == 0 else f'E{k % 4}'}: turn {k} of {stem} {i}"
            for k in range(9)
        ]
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        out.append(path)
    return out


@pytest.mark.sqlite_only("reads the indexes from SQLite's own schema table (sqlite_master)")
def test_a_large_import_rebuilds_the_turn_indexes_as_they_were(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dropped for the import and built again before the commit: same indexes, same rows,
    and the same project as an import that kept them up to date row by row."""
    before = _turn_indexes(project)
    assert any(name == "ix_turns_participant_id" for name, _ in before)
    paths = _transcripts(tmp_path / "a", 6)
    with Project.create(tmp_path / "slow.qualframe", coder="tester") as slow:
        import_files(slow, paths, ImportOptions())
        slow_rows = table_dump(slow)
    monkeypatch.setattr(store, "REBUILD_FROM", 1)
    monkeypatch.setattr(store, "BYTES_PER_TURN", 1)
    with project.read() as s:
        assert store.rebuild_turn_indexes(s, paths)
    import_files(project, paths, ImportOptions())
    assert _turn_indexes(project) == before
    fast_rows = table_dump(project)
    for table in ("documents", "turns", "participants", "audit_events"):
        assert len(fast_rows[table]) == len(slow_rows[table]) > 0
    strip = {"documents": (0, 1, 3, 4, 6, 7, 10), "turns": (0, 1, 2, 3, 4, 5, 6, 7, 8)}
    for table, columns in strip.items():  # guids and times differ; positions and text do not
        assert [tuple(r[c] for c in columns) for r in fast_rows[table]] == [
            tuple(r[c] for c in columns) for r in slow_rows[table]
        ]
    with project.read() as s:  # the rebuilt index is the one the planner uses
        plan = s.execute(text("EXPLAIN QUERY PLAN SELECT id FROM turns WHERE participant_id = 1"))
        assert "ix_turns_participant_id" in " ".join(str(r[-1]) for r in plan)


@pytest.mark.sqlite_only("reads the indexes from SQLite's own schema table (sqlite_master)")
def test_a_cancelled_large_import_leaves_the_indexes_and_rows_as_they_were(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_files(project, _transcripts(tmp_path / "first", 2, "first"), ImportOptions())
    before, rows = _turn_indexes(project), table_dump(project)
    monkeypatch.setattr(store, "REBUILD_FROM", 1)
    monkeypatch.setattr(store, "BYTES_PER_TURN", 1)
    with pytest.raises(ImportCancelled):
        import_files(
            project, _transcripts(tmp_path / "b", 4), ImportOptions(), lambda d, t, n: d < 3
        )
    assert _turn_indexes(project) == before
    assert table_dump(project) == rows


def test_indexes_are_kept_up_to_date_when_the_project_holds_more_turns(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding reads the whole table: not worth it for an import smaller than the project,
    nor for a small import at all."""
    import_files(project, _transcripts(tmp_path / "first", 3, "first"), ImportOptions())
    new = _transcripts(tmp_path / "new", 1)
    with project.read() as s:
        assert not store.rebuild_turn_indexes(s, new)  # far below REBUILD_FROM
        monkeypatch.setattr(store, "REBUILD_FROM", 1)
        monkeypatch.setattr(store, "BYTES_PER_TURN", 10_000)  # expects 0-1 turns: fewer than 27
        assert not store.rebuild_turn_indexes(s, new)
        monkeypatch.setattr(store, "BYTES_PER_TURN", 1)
        assert store.rebuild_turn_indexes(s, new)
        assert not store.rebuild_turn_indexes(s, [tmp_path / "missing.txt"])


# -- rows written through SQLite's driver (issue 13: the per-file statements) ----------------
def _raw(project: Project, sql: str) -> list[tuple[object, ...]]:
    with project.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


@pytest.mark.sqlite_only("reads how SQLite stored each value (typeof, the text of times)")
def test_texts_are_stored_as_text_whether_the_file_gave_their_bytes_or_not(
    project: Project, tmp_path: Path
) -> None:
    korean = "진행자: 시험 전에 어땠어요?\n\nE1: 복습 모임이 도움이 됐어요 — 정말로.\n"
    english = "Moderator: How did it start?\n\nE1: In the library.\n"
    (tmp_path / "ko.txt").write_text(korean, encoding="utf-8")  # its bytes are stored
    (tmp_path / "en.txt").write_text(english, encoding="utf-8")  # ASCII: stored as a str
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + korean.replace("E1", "E2").encode())
    import_files(project, sorted(tmp_path.glob("*.txt")), ImportOptions())
    rows = _raw(project, "SELECT name, text, typeof(text), length, imported_at FROM documents")
    stored = {r[0]: r[1:] for r in rows}
    assert stored["ko"][:3] == (korean, "text", len(korean))
    assert stored["en"][:3] == (english, "text", len(english))
    assert stored["bom"][:3] == (korean.replace("E1", "E2"), "text", len(korean))
    for _, _, _, _, imported_at in rows:  # the time as SQLAlchemy writes it, microseconds too
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", str(imported_at))
    with project.read() as s:  # and the ORM reads the same text back
        assert s.scalar(select(Document.text).where(Document.name == "ko")) == korean


def test_a_database_that_keeps_text_in_utf16_gets_the_text_not_its_utf8(tmp_path: Path) -> None:
    """SQLite documents that a BLOB cast to TEXT is read in the database's encoding, so in
    a file another program made in UTF-16 the text goes as text (SQLite 3.40 happens to
    read a bound BLOB as UTF-8 either way); the project gets the text itself."""
    engine = create_engine(f"sqlite:///{tmp_path / 'utf16.db'}")
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA encoding = 'UTF-16le'")
        Base.metadata.create_all(c)
        c.commit()
    korean = "진행자: 어땠어요?\n\nE1: 좋았어요.\n"
    with Session(engine) as s, s.begin():
        store.insert_document_row(
            s, name="ko", kind="transcript", text=korean, original_filename="ko.txt",
            content_hash="h", encoding="utf-8", normalised=True, text_utf8=korean.encode(),
        )  # fmt: skip
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA encoding").scalar() == "UTF-16le"
        row = c.exec_driver_sql("SELECT text, typeof(text), text_hash FROM documents").one()
    assert tuple(row) == (korean, "text", hashlib.sha256(korean.encode()).hexdigest())
    engine.dispose()


@pytest.mark.sqlite_only("makes SQLite's own driver fail")
def test_a_failing_driver_statement_is_reported_as_any_other_storage_failure(
    project: Project, tmp_path: Path
) -> None:
    with project.write() as s:
        driver = sqlite_store.driver_of(s.connection())
        with pytest.raises(OperationalError) as info:
            sqlite_store.run(driver, "INSERT INTO no_such_table VALUES (?)", (1,))
        assert isinstance(info.value.orig, sqlite3.OperationalError)
        s.rollback()
    path = _transcripts(tmp_path, 1)[0]
    with project.write() as s:  # a rule the documents table breaks for this import only
        s.execute(
            text(
                "CREATE TEMP TRIGGER refuse BEFORE INSERT ON documents "
                "BEGIN SELECT RAISE(ABORT, 'no room for documents'); END"
            )
        )
    with pytest.raises(StorageFailure, match="no room for documents") as failure:
        import_files(project, [path], ImportOptions())
    assert str(failure.value).count(".") >= 1 and "\n" not in str(failure.value)
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_speakers_met_again_are_one_participant_whose_real_names_are_kept(
    project: Project, tmp_path: Path
) -> None:
    first = tmp_path / "a.txt"
    first.write_text("E1: Hallo.\n\nE2: Ja.\n\nE1: Gut.\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text(
        "E1 (Kim Ji): Wieder.\n\nE1 (Kim Ji): Ja.\n\nE3 (Park): Neu.\n\nE3 (Park): Ok.\n",
        encoding="utf-8",
    )
    third = tmp_path / "c.txt"
    third.write_text("E1 (Lee): Noch einmal.\n\nE1 (Lee): Ende.\n", encoding="utf-8")
    for path in (first, second, third):
        import_files(project, [path], ImportOptions())
    people = _raw(
        project, "SELECT id, pseudonym, real_name, is_interviewer FROM participants ORDER BY id"
    )
    assert [p[1:] for p in people] == [
        ("E1", "Kim Ji", False), ("E2", None, False), ("E3", "Park", False),
    ]  # fmt: skip
    ids = {p[1]: p[0] for p in people}
    names = _raw(project, "SELECT participant_id, name FROM participant_names ORDER BY id")
    assert names == [(ids["E1"], "Kim Ji"), (ids["E3"], "Park"), (ids["E1"], "Lee")]
    turns = _raw(project, "SELECT label, participant_id FROM turns ORDER BY id")
    assert turns == [
        ("E1", ids["E1"]), ("E2", ids["E2"]), ("E1", ids["E1"]),
        ("E1", ids["E1"]), ("E1", ids["E1"]), ("E3", ids["E3"]), ("E3", ids["E3"]),
        ("E1", ids["E1"]), ("E1", ids["E1"]),
    ]  # fmt: skip


def test_a_transcript_with_hundreds_of_speakers_finds_each_of_them(
    project: Project, tmp_path: Path
) -> None:
    """Speakers are looked up 500 at a time (SQLite limits a statement's parameters)."""
    path = tmp_path / "many.txt"
    path.write_text("".join(f"P{i}: Antwort {i}.\n\n" for i in range(1, 1202)), encoding="utf-8")
    import_files(project, [path], ImportOptions())
    again = tmp_path / "again.txt"  # known to the project now: found, not added again
    again.write_text("".join(f"P{i}: Noch {i}.\n\n" for i in (1200, 3, 1201)), encoding="utf-8")
    import_files(project, [again], ImportOptions())
    rows = _raw(
        project,
        "SELECT t.label, p.pseudonym FROM turns t JOIN participants p ON p.id = t.participant_id"
        " ORDER BY t.id",
    )
    labels = [f"P{i}" for i in range(1, 1202)] + ["P1200", "P3", "P1201"]
    assert rows == [(label, label) for label in labels]
    assert _raw(project, "SELECT count(*) FROM participants") == [(1201,)]


def test_the_audit_trail_of_an_import_stays_one_chain(project: Project, tmp_path: Path) -> None:
    project.set_meta("note", "an event before the import")
    import_files(project, _transcripts(tmp_path / "a", 3), ImportOptions())
    import_files(project, _transcripts(tmp_path / "b", 2, "more"), ImportOptions())
    check = verify_trail(project)
    assert check.intact and check.events == check.total >= 5
    with project.read() as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.details).order_by(AuditEvent.id)
        ).all()
    imported = [d for a, d in events if a == "import_document"]
    assert [d["name"] for d in imported] == ["fgi_0", "fgi_1", "fgi_2", "more_0", "more_1"]
    assert imported[0] == {"name": "fgi_0", "kind": "transcript", "file": "fgi_0.txt", "turns": 9}
