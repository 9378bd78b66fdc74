"""The shortcuts that make importing fast (issue 13) keep every result the slow way gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportCancelled, ImportOptions, import_files, store
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
