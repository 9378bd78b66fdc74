"""The backup before an upgrade and `qualframe new` are complete or absent (issue 10).

Before: a kill during the backup left an incomplete `.bak` with a hot journal (refused later
as "damaged"); no room for the backup left a 0-byte `.bak`; `qualframe new` killed early
left a file that blocked the name ("already exists").
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from qualframe.app.cli.main import main
from qualframe.storage import migrate
from qualframe.storage.database import open_project
from qualframe.storage.errors import ProjectError
from qualframe.storage.sqlite import APPLICATION_ID
from tests.disks import small_disk

ROOT = Path(__file__).resolve().parents[2]
# An inherited PYTHONPATH comes first (to run these tests against other sources).
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(
        p for p in (os.environ.get("PYTHONPATH"), str(ROOT / "src"), str(ROOT)) if p
    ),
}


def make_old_project(path: Path, codes: int = 10, definition_size: int = 100) -> None:
    """A project as the first release wrote it (schema 0001), with ``codes`` codes."""
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.commit()
    con.close()
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO codes (guid, name, color, definition, inclusion, exclusion, example,"
        " position, created_at, updated_at) VALUES (?, ?, '#FFD54F', ?, '', '', '', ?,"
        " '2026-01-01', '2026-01-01')",
        [(f"g-{i}", f"code {i}", f"{i:08d}" * (definition_size // 8), i) for i in range(codes)],
    )
    con.commit()
    con.close()


def _is_whole_old_project(path: Path, codes: int) -> bool:
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        ok = con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        count = con.execute("SELECT count(*) FROM codes").fetchone()[0]
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()
    return ok and version == ("0001",) and count == codes


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part-" in p.name or ".new-" in p.name)


OPEN = "import sys; from qualframe.storage.database import open_project; open_project(sys.argv[1]).close()"


def test_a_kill_during_the_backup_never_leaves_an_incomplete_backup(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    path = folder / "old.qualframe"
    codes = 12_000
    make_old_project(path, codes=codes, definition_size=2_000)  # ~27 MB: the copy takes a while
    killed = 0
    for _attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", OPEN, str(path)], env=ENV)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if any(".bak-" in p.name for p in folder.iterdir()):
                    proc.send_signal(signal.SIGKILL)
                    killed += 1
                    break
                time.sleep(0.0005)
        finally:
            proc.wait(timeout=60)
        if not _is_whole_old_project(path, codes):
            break  # the upgrade ran to its end before the kill: nothing left to test
        # Whatever carries the backup's name is a whole project; partial copies are hidden.
        for p in folder.iterdir():
            if p.name.startswith("old.qualframe.bak-") and not p.name.endswith(
                ("-journal", "-wal", "-shm")
            ):
                assert _is_whole_old_project(p, codes), f"{p.name} is incomplete"
    assert killed >= 1
    # The next open cleans up what the killed one left and backs up again.
    db = open_project(path)
    try:
        assert db.backup_path is not None and _is_whole_old_project(db.backup_path, codes)
    finally:
        db.close()
    assert _leftovers(folder) == []
    backups = [p for p in folder.iterdir() if p.name.startswith("old.qualframe.bak-")]
    assert all(_is_whole_old_project(p, codes) for p in backups if "journal" not in p.name)
    assert not [p for p in backups if p.name.endswith("-journal")]


def test_a_leftover_partial_backup_is_removed_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "old.qualframe"
    make_old_project(path)
    stale = tmp_path / ".old.qualframe.bak-0001-20260101-000000.part-999999999"
    stale.write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    Path(str(stale) + "-journal").write_bytes(b"\x00" * 512)
    open_project(path).close()
    assert _leftovers(tmp_path) == []


def test_no_room_for_the_backup_is_one_sentence_and_leaves_no_empty_backup(
    tmp_path: Path,
) -> None:
    source = tmp_path / "old.qualframe"
    make_old_project(source, codes=3_000, definition_size=1_000)  # ~3.5 MB
    size = source.stat().st_size
    with small_disk(tmp_path / "disk", size_kb=size // 1024 + 600) as disk:
        path = disk / "old.qualframe"
        path.write_bytes(source.read_bytes())
        with pytest.raises(ProjectError) as info:
            open_project(path)
        message = str(info.value)
        assert "no room" in message and "\n" not in message
        assert "damaged" not in message
        assert sorted(p.name for p in disk.iterdir()) == ["old.qualframe", "old.qualframe.lock"]
        assert _is_whole_old_project(path, 3_000)  # not upgraded, intact


NEW_KILLED = textwrap.dedent(
    """
    import sys, time
    from qualframe.app.cli.main import main
    from qualframe.coding.commands import LoadTemplate

    original = LoadTemplate.do

    def slow(self, project):
        change = original(self, project)
        print("TEMPLATE LOADED", flush=True)
        time.sleep(60)
        return change

    LoadTemplate.do = slow
    main(["new", sys.argv[1]])
    """
)


def test_a_killed_new_never_blocks_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "study.qualframe"
    proc = subprocess.Popen(
        [sys.executable, "-c", NEW_KILLED, str(path)], stdout=subprocess.PIPE, text=True, env=ENV
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "TEMPLATE LOADED"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not path.exists()
    assert main(["new", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Created" in out and err == ""
    assert _leftovers(tmp_path) == []
    with open_project(path, read_only=True) as db:
        assert db.schema_version() == migrate.head_revision()


NEW_FROM_KILLED = textwrap.dedent(
    """
    import sys, time
    from qualframe.app.cli.main import main
    from qualframe.coding.exchange import refi_store

    original = refi_store.import_project

    def slow(project, plan):
        report = original(project, plan)
        print("IMPORTED", flush=True)
        time.sleep(60)
        return report

    refi_store.import_project = slow
    main(["new", sys.argv[1], "--from", sys.argv[2]])
    """
)


def test_a_killed_new_from_a_refi_project_never_blocks_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qualframe new PATH --from FILE.qdpx` (which came with REFI-QDA exchange) is built under
    a temporary name too: killed after the import, it leaves no file under PATH."""
    from tests.coding.exchange.refi_fixtures import maxqda_like

    source = maxqda_like(tmp_path / "mentoring.qdpx")
    path = tmp_path / "from-maxqda.qualframe"
    proc = subprocess.Popen(
        [sys.executable, "-c", NEW_FROM_KILLED, str(path), str(source)],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "IMPORTED"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not path.exists()
    assert main(["new", str(path), "--from", str(source)]) == 0
    out, err = capsys.readouterr()
    assert f"Created {path}." in out and err == ""
    assert _leftovers(tmp_path) == []
    with open_project(path, read_only=True) as db:
        assert db.schema_version() == migrate.head_revision()
