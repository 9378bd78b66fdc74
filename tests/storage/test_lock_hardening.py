"""The writer lock in a folder others can write to, and files changed under an open writer
(issue 10): a symlinked or hard-linked lock file is refused and its target never truncated;
a lock file deleted while held does not let a second writer in; a project file moved or
replaced under an open writer stops the writing with one sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.storage.database import create_project, open_project
from qualframe.storage.errors import ProjectError
from qualframe.storage.models import Code

ROOT = Path(__file__).resolve().parents[2]
PRECIOUS = "Chapter 3 draft — do not lose.\n" * 50


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    create_project(path).close()
    return path


def test_a_symlinked_lock_file_is_refused_and_its_target_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    victim = tmp_path / "thesis.txt"
    victim.write_text(PRECIOUS, encoding="utf-8")
    lock = path.with_name(path.name + ".lock")
    lock.unlink()
    lock.symlink_to(victim)
    with pytest.raises(ProjectError, match="symbolic link"):
        open_project(path)
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    # Through the command line: one sentence, exit 1, the target still intact.
    code = main(["code", str(path), "--document", "x", "--text", "y", "--code", "z"])
    _, err = capsys.readouterr()
    assert code == 1 and "symbolic link" in err and err.count("\n") == 1
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    # A dangling link is not followed either (it would create the file it names).
    lock.unlink()
    lock.symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(ProjectError):
        open_project(path)
    assert not (tmp_path / "created-through-the-link").exists()


def test_a_hard_linked_lock_file_is_refused_and_its_other_name_kept(tmp_path: Path) -> None:
    path = _project(tmp_path)
    victim = tmp_path / "thesis.txt"
    victim.write_text(PRECIOUS, encoding="utf-8")
    lock = path.with_name(path.name + ".lock")
    lock.unlink()
    os.link(victim, lock)
    with pytest.raises(ProjectError, match="not a plain file"):
        open_project(path)
    assert victim.read_text(encoding="utf-8") == PRECIOUS


SECOND_WRITER = textwrap.dedent(
    """
    import sys
    from qualframe.storage.database import open_project
    from qualframe.storage.errors import ProjectLockedError
    try:
        db = open_project(sys.argv[1])
    except ProjectLockedError as exc:
        print("REFUSED", exc)
    else:
        print("SECOND WRITER OPENED")
        db.close()
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="byte locks on Linux")
def test_a_deleted_lock_file_does_not_let_a_second_writer_in(tmp_path: Path) -> None:
    path = _project(tmp_path)
    first = open_project(path)
    try:
        path.with_name(path.name + ".lock").unlink()
        out = subprocess.run(
            [sys.executable, "-c", SECOND_WRITER, str(path)],
            capture_output=True, text=True, timeout=60, check=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                p for p in (os.environ.get("PYTHONPATH"), str(ROOT / "src")) if p
            )},
        ).stdout  # fmt: skip
        assert out.startswith("REFUSED") and "open it read-only" in out
        with pytest.raises(ProjectError, match="already open"):  # the same in this process
            open_project(path)
        # The first writer notices the missing lock file, takes it again and goes on.
        with first.write() as s:
            s.add(Code(name="Outcomes"))
        assert path.with_name(path.name + ".lock").exists()
    finally:
        first.close()
    with open_project(path, read_only=True) as db, db.read() as s:
        assert [c.name for c in s.query(Code)] == ["Outcomes"]


def test_a_lock_file_taken_over_stops_the_first_writer(tmp_path: Path) -> None:
    path = _project(tmp_path)
    first = open_project(path)
    lock = path.with_name(path.name + ".lock")
    try:
        lock.unlink()
        import fcntl

        with open(lock, "w") as other:  # another program takes the new lock file
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            with pytest.raises(ProjectError) as info, first.write() as s:
                s.add(Code(name="lost?"))
            assert "stopped writing" in str(info.value) and "\n" not in str(info.value)
    finally:
        first.close()
    with open_project(path, read_only=True) as db, db.read() as s:
        assert s.query(Code).count() == 0


@pytest.mark.parametrize("how", ["replaced", "moved"])
def test_a_project_file_replaced_under_an_open_writer_stops_the_writing(
    tmp_path: Path, how: str
) -> None:
    path = _project(tmp_path)
    db = open_project(path)
    try:
        with db.write() as s:
            s.add(Code(name="before"))
        if how == "replaced":
            other = tmp_path / "restored.qualframe"
            create_project(other).close()
            os.replace(other, path)
        else:
            shutil.move(path, tmp_path / "renamed.qualframe")
        snapshot = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        with pytest.raises(ProjectError) as info, db.write() as s:
            s.add(Code(name="after"))
        message = str(info.value)
        assert message.startswith("study.qualframe was moved, renamed or replaced")
        assert "\n" not in message
        # Nothing was written to either file.
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == snapshot
    finally:
        db.close()
