"""Any legal file name is the project's name: `? # %XX & = + ; [ ] { } '`, spaces, Hangul and
emoji never send the data to another file (issue 10).

Before the fix, the SQLAlchemy URL was built from the raw path: `new 'FGI?site A.qualframe'`
wrote everything into a file named `FGI`, `#` broke every read-only command and `%20` wrote
to "50 done.qualframe".
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from qualframe.app.cli.main import main

NAMES = [
    "FGI?site A",
    "a#b",
    "50%20done",
    "100% sure",
    "q&a=1+2;x",
    "[mentors] {2026}",
    "Kim's notes",
    "면담 기록",
    "멘토 😀 study",
    "%3F%23",
    "file:x?mode=ro",
]

TRANSCRIPT = (
    "Moderator: How did the review sessions go?\n\n"
    "M1: We met before every exam and made a study plan together.\n\n"
    "M2 (이서연): 시험 전에 같이 복습해서 덜 긴장했어요.\n"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _segments_in_file(path: Path) -> list[tuple[int, int]]:
    # A plain file name (not a URI) opens exactly this file, whatever its characters.
    con = sqlite3.connect(path)
    try:
        return con.execute('SELECT start, "end" FROM segments').fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("stem", NAMES)
def test_every_legal_name_keeps_the_data_in_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stem: str
) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    path = folder / f"{stem}.qualframe"
    code, out, err = _run(capsys, "new", path)
    assert (code, err) == (0, ""), err
    source = tmp_path / "fgi_mentors.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    code, _, err = _run(capsys, "import", path, source, "--set", "role=mentor")
    assert code == 0, err
    code, out, err = _run(
        capsys, "code", path, "--document", "fgi_mentors", "--text", "made a study plan",
        "--code", "Factors of success/Various methods of study assistance/Study plans",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = _run(capsys, "info", path, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert (info["documents"], info["segments"]) == (1, 1)
    code, out, err = _run(capsys, "segments", path, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["text"] for r in rows] == ["made a study plan"]
    # Everything is in the file of that name, and no other file appeared in the folder.
    assert _segments_in_file(path) == [(rows[0]["start"], rows[0]["end"])]
    allowed = {path.name + s for s in ("", "-wal", "-shm", ".lock")}
    assert {p.name for p in folder.iterdir()} <= allowed
