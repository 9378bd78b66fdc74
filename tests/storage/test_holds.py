"""Looking at an open project never drops SQLite's locks on it (issue 10, the lock hardening).

POSIX record locks belong to the process: closing any descriptor of the file drops all of
them. Reading the header of a project this process has open — to refuse an export over it,
or to check it before opening it a second time read-only — used to open and close the file
and so dropped the SHARED lock SQLite keeps on it in WAL mode; another program could then
take the file over (checkpoint and delete the WAL) under the open project.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualframe.storage.database import create_project, open_project
from qualframe.storage.models import Code

pytestmark = pytest.mark.skipif(
    not Path("/proc/locks").exists(), reason="reads the kernel's lock table (Linux)"
)


def _posix_locks(path: Path) -> list[str]:
    ino = os.stat(path).st_ino
    me = str(os.getpid())
    return [  # without the table's running number (the first field)
        " ".join(line.split()[1:])
        for line in Path("/proc/locks").read_text().splitlines()
        if f":{ino} " in line and "POSIX" in line and line.split()[4] == me
    ]


def test_checks_and_a_second_reader_keep_the_writers_locks(tmp_path: Path) -> None:
    path = tmp_path / "study.qualframe"
    db = create_project(path)
    try:
        with db.write() as s:
            s.add(Code(name="Outcomes"))
        with db.read() as s:
            assert s.query(Code).count() == 1
        before = _posix_locks(path)
        assert before  # SQLite's shared lock on the file, held in WAL mode
        try:
            from qualframe.storage.protect import why_protected
        except ImportError:  # (the code before the fix had no such check)
            pass
        else:
            assert why_protected(path) == "is a Qualframe project"
        reader = open_project(path, read_only=True)  # checks the file first
        with reader.read() as s:
            assert s.query(Code).count() == 1
        reader.close()
        assert _posix_locks(path) == before
        with db.write() as s:
            s.add(Code(name="Mutual benefits"))
    finally:
        db.close()
    assert _posix_locks(path) == []
