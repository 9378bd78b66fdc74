"""Nothing is lost and nothing is half-written: SIGKILL in the middle of a long import."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from qualframe.coding.core.project import Project
from qualframe.coding.query.segments import list_segments
from tests.coding.helpers import add_transcript

ROOT = Path(__file__).resolve().parents[2]

IMPORT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from qualframe.coding.core.project import Project
    from qualframe.coding.importing import ImportOptions, import_files

    project = Project.open(sys.argv[1], coder="importer")
    files = sorted(Path(sys.argv[2]).glob("*.txt"))

    def progress(done, total, name):
        # Rows of `done` files are flushed into the open transaction at this point.
        if done == 3:
            print("MIDWAY", flush=True)
            time.sleep(120)
        return True

    import_files(project, files, ImportOptions(attributes={"role": "mentee"}), progress)
    print("FINISHED", flush=True)
    """
)


def _snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def test_sigkill_during_import_leaves_project_exactly_as_before(tmp_path: Path) -> None:
    path = tmp_path / "study.qualframe"
    with Project.create(path, coder="tester") as project:
        add_transcript(
            project, "earlier", [("E1", "We met every week. 😀")], roles={"E1": "mentee"}
        )
    before = _snapshot(path)

    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(8):
        body = "\n\n".join(
            f"E{i + 2}: Turn {j} about study plans and 복습 before exams." for j in range(400)
        )
        (folder / f"fgi_{i}.txt").write_text(body, encoding="utf-8")

    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(path), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "MIDWAY", proc.stderr.read() if proc.stderr else line
        # The WAL holds the uncommitted frames of three imported files right now.
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert proc.returncode == -signal.SIGKILL

    with Project.open(path) as project:  # still opens, lock released by the kernel
        info = project.info()
        assert info["documents"] == 1 and info["participants"] == 1
        assert [s.document_name for s in list_segments(project)] == []
    assert _snapshot(path) == before
