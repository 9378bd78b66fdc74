"""One writer at a time: a second process is told who holds the project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualframe.storage.database import create_project, open_project
from qualframe.storage.errors import ProjectLockedError
from qualframe.storage.models import Code

ROOT = Path(__file__).resolve().parents[2]

OPEN_SCRIPT = textwrap.dedent(
    """
    import sys
    from qualframe.storage.database import open_project
    from qualframe.storage.errors import ProjectLockedError
    from qualframe.storage.models import Code
    try:
        db = open_project(sys.argv[1])
    except ProjectLockedError as exc:
        print("LOCKED:", exc)
        db = open_project(sys.argv[1], read_only=True)
        with db.read() as s:
            print("READ-ONLY CODES:", s.query(Code).count())
        db.close()
    else:
        print("OPENED FOR WRITING")
        db.close()
    """
)


def _run(path: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-c", OPEN_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return out.stdout


def test_second_process_is_told_who_holds_it_and_may_read(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    db = create_project(path)
    with db.write() as s:
        s.add(Code(name="Outcomes"))
    try:
        out = _run(path)
        assert "LOCKED:" in out
        assert f"process {os.getpid()}" in out
        assert "open it read-only" in out
        assert "READ-ONLY CODES: 1" in out
    finally:
        db.close()
    assert "OPENED FOR WRITING" in _run(path)


def test_same_process_second_writer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    db = create_project(path)
    try:
        with pytest.raises(ProjectLockedError) as info:
            open_project(path)
        assert str(os.getpid()) in str(info.value)
    finally:
        db.close()


def test_lock_of_a_killed_process_is_released(tmp_path: Path) -> None:
    path = tmp_path / "p.qualframe"
    create_project(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; from qualframe.storage.database import open_project; "
            "db = open_project(sys.argv[1]); print('HOLDING', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "HOLDING"
        with pytest.raises(ProjectLockedError):
            open_project(path)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    db = open_project(path)  # the kernel released the dead process's lock
    db.close()
