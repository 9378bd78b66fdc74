"""File names with newline, tab, ESC sequences or U+202E are shown, never obeyed (issue 10).

Before, they were stored raw as document names and echoed to the terminal, where an ESC
sequence changes colours or the window title and U+202E turns "report‮txt.exe" around.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TRANSCRIPT = "Moderator: Why did you join?\n\nE1: My friend said the mentors were kind.\n"
STEMS = {
    "line\nbreak": "line\\nbreak",
    "tab\there": "tab\\there",
    "\x1b[31mred\x1b[0m": "\\x1b[31mred\\x1b[0m",
    "\x1b]0;owned\x07": "\\x1b]0;owned\\x07",
    "report\u202etxt.exe": "report\\u202etxt.exe",
    "멘토 😀 👩‍🎓": "멘토 😀 👩‍🎓",  # Hangul, emoji and the ZWJ inside 👩‍🎓 are kept
}


def test_printable_escapes_controls_and_direction_marks_only() -> None:
    from qualframe.coding.core.printable import printable

    assert printable("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert printable("\x1b[2J\x9b\x7f") == "\\x1b[2J\\x9b\\x7f"
    assert printable("abc\u202edef\u2066\u200f") == "abc\\u202edef\\u2066\\u200f"
    assert printable("김민지 👩‍🎓 café") == "김민지 👩‍🎓 café"


def test_hostile_file_names_are_stored_and_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "study.qualframe"
    assert main(["new", str(project), "--template", "empty"]) == 0
    files = []
    for i, stem in enumerate(STEMS):
        path = tmp_path / f"{stem}.txt"
        path.write_text(TRANSCRIPT.replace("friend", f"friend {i}"), encoding="utf-8")
        files.append(path)
    capsys.readouterr()
    assert main(["import", str(project), *map(str, files)]) == 0
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out + err), repr(out + err)
    for escaped in STEMS.values():
        assert escaped in out
    with Project.open(project, read_only=True) as p:
        docs = list_documents(p)
    assert sorted(d.name for d in docs) == sorted(STEMS.values())
    assert sorted(d.original_filename or "" for d in docs) == sorted(
        f"{v}.txt" for v in STEMS.values()
    )
    assert main(["segments", str(project), "--format", "json"]) == 0
    capsys.readouterr()
    # The escaped name is the name: commands find the document by it.
    assert (
        main(
            ["code", str(project), "--document", "\\x1b[31mred\\x1b[0m", "--text", "kind",
             "--code", "Kindness", "--create"]
        )
        == 0
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out + err)
    assert main(["segments", str(project), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr()[0])
    assert [r["document"] for r in rows] == ["\\x1b[31mred\\x1b[0m"]


def test_refusals_and_errors_naming_a_hostile_file_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "study.qualframe"
    assert main(["new", str(project), "--template", "empty"]) == 0
    empty = tmp_path / "\x1b]0;pwned\x07\u202eevil\n.txt"
    empty.write_bytes(b"")
    capsys.readouterr()
    assert main(["import", str(project), str(empty)]) == 1
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and not UNSAFE.search(err), repr(err)
    assert "\\x1b]0;pwned\\x07\\u202eevil\\n.txt" in err
    # A project path with control characters, in an error message.
    missing = tmp_path / "no\x1b[8msuch.qualframe"
    assert main(["info", str(missing)]) == 1
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and not UNSAFE.search(err) and "\\x1b[8m" in err
