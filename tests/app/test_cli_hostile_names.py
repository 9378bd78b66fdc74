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


def test_the_newer_commands_print_hostile_names_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """memos, attributes, sets, export and REFI-QDA import and `new --from` (from main) say
    file and document names the same way as the other commands."""
    from tests.coding.exchange.refi_fixtures import gid, write_qdpx

    project = tmp_path / "study.qualframe"
    assert main(["new", str(project), "--template", "empty"]) == 0
    source = tmp_path / "\x1b[31mred\x1b[0m.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    sheet = tmp_path / "cohort\u202etxt.csv"
    sheet.write_text("Participant,cohort\nE1,2025\n", encoding="utf-8")
    qde = (  # XML holds no ESC, but it does hold U+202E
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource guid="{gid(1)}"'
        f' name="report\u202etxt.exe" plainTextPath="internal://{gid(1)}.txt"/></Sources>'
        "</Project>"
    )
    qdpx = write_qdpx(tmp_path / "line\nbreak.qdpx", qde, {f"sources/{gid(1)}.txt": b"E1: hi"})
    capsys.readouterr()
    runs = [
        ["import", str(project), str(source)],
        ["attributes", str(project), "--from", str(sheet)],
        ["sets", str(project), "\x1b]0;owned\x07", "--add", "\\x1b[31mred\\x1b[0m"],
        ["memos", str(project), "--out", str(tmp_path / "\x1b[2Jmemos.docx")],
        ["export", str(project), "--out", str(tmp_path / "tab\there.qdpx")],
        ["import", str(tmp_path / "empty.qualframe"), str(qdpx), "--dry-run"],
        ["new", str(tmp_path / "from\x1b[8m.qualframe"), "--from", str(qdpx)],
    ]
    assert main(["new", str(tmp_path / "empty.qualframe"), "--template", "empty"]) == 0
    outputs = []
    for argv in runs:
        main(argv)  # memos --out is refused: the project has no memos yet
        out, err = capsys.readouterr()
        assert not UNSAFE.search(out + err), (argv, repr(out + err))
        outputs.append(out + err)
    assert "cohort\\u202etxt.csv" in outputs[1]
    assert "\\x1b]0;owned\\x07" in outputs[2]
    assert "\\x1b[2Jmemos.docx" in outputs[3]
    assert "tab\\there.qdpx" in outputs[4]
    assert "line\\nbreak.qdpx" in outputs[5]
    assert "from\\x1b[8m.qualframe" in outputs[6]
    # The source file names a REFI-QDA project brings are stored escaped as well.
    with Project.open(tmp_path / "from\x1b[8m.qualframe", read_only=True) as p:
        docs = list_documents(p)
    assert [(d.name, d.original_filename) for d in docs] == [
        ("report\\u202etxt.exe", "report\\u202etxt.exe")
    ]
