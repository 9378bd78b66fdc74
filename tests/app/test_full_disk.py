"""Full and read-only disks, real and injected (issue 10).

Before: a 100% full disk made every command, read-only ones included, say the project "is
damaged and cannot be opened (disk I/O error)"; a project on a read-only file system could
not even be read; exports onto a full disk or into an unwritable folder gave "unexpected
error (OSError …)" and a traceback from ZipFile.__del__.

Real disks are small tmpfs file systems (skipped where mounting is not allowed); the
injected failures run everywhere: exports write into /dev/full (the kernel's ENOSPC), and
the database gets SQLite's own "database or disk is full" through ``max_page_count``.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.commands import AddMemo
from qualframe.coding.core.project import Project
from tests.app.conftest import build_project
from tests.coding.test_survey_stats import BEST, CODES, PEOPLE, PLACE, SAT
from tests.coding.test_survey_stats_data import Item, add_survey
from tests.disks import fill, remount_read_only, remount_writable, small_disk

TRANSCRIPT = (
    "Moderator: What helped you most before the exam?\n\n"
    "E3: The review session with my mentor, we went through old questions together.\n\n"
    "E4 (박서준): 멘토가 공부 계획을 같이 세워 줘서 도움이 많이 됐어요.\n"
)


def build_study(path: Path) -> None:
    """The GUI tests' project (transcripts, codes, segments) plus a small survey."""
    project = build_project(path)
    try:
        add_survey(
            project,
            PEOPLE,
            [
                Item("place", "single", PLACE, options=["Library", "Cafe", "Online"]),
                Item("sat", "likert", SAT, scale=(1, 5)),
                Item("best", "text", BEST),
            ],
            codes=CODES,
        )
        AddMemo("Pressure", "Mentees and mentors both speak of pressure.").do(project)
    finally:
        project.close()


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _one_sentence(err: str) -> str:
    assert err.startswith("qualframe: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "unexpected" not in err and "damaged" not in err
    return err


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Everything Python would print as "Exception ignored in …" (e.g. ZipFile.__del__)."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(repr(u.exc_value)))
    yield seen


def exports(project: Path, out: Path) -> list[tuple[str, ...]]:
    """Every export the command line can write, into the folder ``out``."""
    p = str(project)
    return [
        ("matrix", p, "--out", str(out / "matrix.docx")),
        ("matrix", p, "--out", str(out / "matrix.xlsx")),
        ("matrix", p, "--out", str(out / "matrix.csv")),
        ("matrix", p, "--out", str(out / "matrix.md")),
        ("codebook", p, "--out", str(out / "codebook.docx")),
        ("codebook", p, "--out", str(out / "codebook.xlsx")),
        ("stats", p, "--by", "none", "--out", str(out / "survey.docx")),
        ("stats", p, "--by", "none", "--out", str(out / "survey.xlsx")),
        ("stats", p, "--by", "none", "--out", str(out / "survey.json")),
        ("segments", p, "--out", str(out / "segments.docx")),
        ("segments", p, "--out", str(out / "segments.xlsx")),
        ("segments", p, "--out", str(out / "segments.json")),
        ("segments", p, "--out", str(out / "segments.csv")),
        ("memos", p, "--out", str(out / "memos.docx")),
        ("export", p, "--out", str(out / "study.qdpx")),
        ("export", p, "--out", str(out / "codebook.qdc")),
    ]


# -- injected failures (run everywhere) --------------------------------------------------------
@pytest.fixture
def exports_into_dev_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every temporary export file is a link to /dev/full: each write fails with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    from qualframe.coding.export import atomic

    real = tempfile.mkstemp

    def mkstemp(prefix: str = "", suffix: str = "", dir: str | None = None) -> tuple[int, str]:
        fd, name = real(prefix=prefix, suffix=suffix, dir=dir)
        os.close(fd)
        os.unlink(name)
        os.symlink("/dev/full", name)
        return os.open(name, os.O_WRONLY), name

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)


def test_every_export_onto_a_full_disk_is_one_sentence_and_leaves_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    unraisable: list[str],
    exports_into_dev_full: None,
) -> None:
    project = tmp_path / "study.qualframe"
    build_study(project)
    out = tmp_path / "out"
    out.mkdir()
    for argv in exports(project, out):
        code, _, err = _run(capsys, *argv)
        assert code == 1, argv
        assert "the disk is full; nothing was written" in _one_sentence(err), err
        gc.collect()
    assert list(out.iterdir()) == []  # no partial file, no temporary file
    assert unraisable == []


@pytest.fixture
def database_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite itself reports "database or disk is full" on the next page it needs."""
    from qualframe.storage import sqlite as sqlite_store

    real = sqlite_store._on_connect

    def on_connect(dbapi_conn: object, *args: object, **kwargs: object) -> None:
        real(dbapi_conn, *args, **kwargs)
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]  # type: ignore[attr-defined]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    monkeypatch.setattr(sqlite_store, "_on_connect", on_connect)


def test_import_and_coding_on_a_full_disk_say_so_and_keep_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    project = tmp_path / "study.qualframe"
    build_study(project)
    with Project.open(project, read_only=True) as p:
        before = p.info()
    source = tmp_path / "fgi_mentees_2.txt"
    source.write_text(TRANSCRIPT * 2000, encoding="utf-8")  # more than any free page
    request.getfixturevalue("database_full")
    code, _, err = _run(capsys, "import", project, source, "--set", "role=mentee")
    assert code == 1 and "because the disk is full" in _one_sentence(err)
    code, _, err = _run(
        capsys, "code", project, "--document", "fgi_mentors", "--text", "I felt responsible",
        "--code", "Negative experiences/New code", "--create",
        "--memo", "A long memo. " * 20_000,  # needs pages the database may not grow by
    )  # fmt: skip
    assert code == 1 and "because the disk is full" in _one_sentence(err)
    with Project.open(project, read_only=True) as p:
        assert p.info() == before


# -- real disks (tmpfs) --------------------------------------------------------------------------
def test_a_full_disk_is_called_full_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unraisable: list[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.qualframe"
    build_study(elsewhere)
    source = tmp_path / "fgi.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    with small_disk(tmp_path / "disk", size_kb=4096) as disk:
        with Project.open(elsewhere, read_only=True) as p:
            before = p.info()
        project = disk / "study.qualframe"
        shutil.copyfile(elsewhere, project)  # closed: the file alone is the project
        filler = fill(disk)
        # The first command finds no shared-memory file for the WAL and no room to make
        # one: it cannot read, and says the disk is full (not that the file is damaged).
        code, _, err = _run(capsys, "info", project)
        assert code == 1 and "the disk it is on is full" in _one_sentence(err)
        reading = [
            ("info", project),
            ("segments", project),
            ("stats", project, "--by", "none"),
            ("matrix", project, "--out", tmp_path / "m.docx"),
            ("codebook", project, "--out", tmp_path / "c.docx"),
        ]
        for argv in reading:  # they read, or say that the disk is full
            code, _, err = _run(capsys, *argv)
            assert code == 0 or "full" in _one_sentence(err), (argv, err)
        writing = [
            ("code", project, "--document", "fgi_mentors", "--text", "I felt", "--code",
             "Outcomes"),
            ("import", project, source),
            ("new", disk / "another.qualframe"),
        ]  # fmt: skip
        for argv in writing:
            code, _, err = _run(capsys, *argv)
            assert code == 1, (argv, err)
            assert "full" in _one_sentence(err), (argv, err)
        for argv in exports(elsewhere, disk):
            code, _, err = _run(capsys, *argv)
            assert code == 1 and "the disk is full" in _one_sentence(err), (argv, err)
        gc.collect()
        assert unraisable == []
        names = {p.name for p in disk.iterdir()}
        assert names <= {"filler.bin", "study.qualframe", "study.qualframe.lock"} | {
            "study.qualframe-wal",
            "study.qualframe-shm",
        }, names
        # Room again: everything works and nothing was lost.
        filler.unlink()
        code, out, err = _run(capsys, "info", project, "--json")
        assert code == 0, err
        assert json.loads(out) == before
        code, _, err = _run(
            capsys, "code", project, "--document", "fgi_mentors", "--text", "I felt",
            "--code", "Outcomes",
        )  # fmt: skip
        assert code == 0, err


def test_a_read_only_disk_is_read_and_never_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.qualframe"
    build_study(elsewhere)
    with small_disk(tmp_path / "disk", size_kb=4096) as disk:
        with Project.open(elsewhere, read_only=True) as p:
            before = p.info()
        project = disk / "study.qualframe"
        shutil.copyfile(elsewhere, project)
        remount_read_only(disk)
        try:
            code, out, err = _run(capsys, "info", project, "--json")
            assert code == 0, err
            assert json.loads(out) == before
            code, out, err = _run(capsys, "segments", project, "--format", "json")
            assert code == 0 and len(json.loads(out)) == before["segments"]
            code, _, err = _run(capsys, "matrix", project, "--out", tmp_path / "m.docx")
            assert code == 0, err
            code, _, err = _run(
                capsys, "code", project, "--document", "fgi_mentors", "--text", "I felt",
                "--code", "Outcomes",
            )  # fmt: skip
            assert code == 1
            assert "read-only disk" in _one_sentence(err)
            for argv in exports(elsewhere, disk):
                code, _, err = _run(capsys, *argv)
                assert code == 1 and "read-only" in _one_sentence(err), (argv, err)
            assert sorted(p.name for p in disk.iterdir()) == ["study.qualframe"]
        finally:
            remount_writable(disk)
