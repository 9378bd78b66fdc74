"""The command-line contract: new, info, code, segments; errors as one sentence."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from tests.coding.helpers import add_transcript

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    assert main(["new", str(path)]) == 0
    with Project.open(path, coder="tester") as project:
        add_transcript(
            project,
            "fgi_mentors",
            [
                ("Moderator", "What did you gain?"),
                ("M1", "Explaining the Krebs cycle again made me understand it myself. 😀"),
                ("M2", "I felt responsible for my mentee's grades."),
            ],
            roles={"M1": "mentor", "M2": "mentor"},
        )
        add_transcript(
            project,
            "fgi_mentees",
            [("E1", "Before the exam we did a review session together. 시험 전에 복습했어요.")],
            roles={"E1": "mentee"},
        )
    return path


def test_new_with_template_and_info_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.qualframe"
    code, out, _ = run(capsys, "new", path)
    assert code == 0 and "75 codes" in out
    code, out, _ = run(capsys, "info", path, "--json")
    data = json.loads(out)
    assert list(data) == [
        "schema_version",
        "documents",
        "participants",
        "codes",
        "segments",
        "coders",
        "memos",
    ]
    assert data["codes"] == 75 and data["segments"] == 0
    empty = tmp_path / "b.qualframe"
    assert run(capsys, "new", empty, "--template", "empty")[0] == 0
    assert json.loads(run(capsys, "info", empty, "--json")[1])["codes"] == 0


def test_code_by_text_and_by_offsets_then_list(
    coded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "code", coded, "--document", "fgi_mentors", "--text", "understand it myself. 😀",
        "--code", "Mutual benefits/Responsibility and self-development/Consolidating one's own knowledge",
        "--coder", "kim",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(
        capsys, "code", coded, "--document", "fgi_mentees", "--text", "시험 전에 복습했어요",
        "--code", "Factors of success/New category/Korean review", "--create",
    )  # fmt: skip
    assert code == 0, err
    assert "created 2 code(s)" in out
    code, out, err = run(capsys, "segments", coded, "--format", "json")
    rows = json.loads(out)
    assert [(r["text"], r["participant"], r["coder"]) for r in rows] == [
        ("understand it myself. 😀", "M1", "kim"),
        ("시험 전에 복습했어요", "E1", "tester"),
    ]
    assert rows[0]["attributes"] == {"role": "mentor"}
    text = "Explaining the Krebs cycle again made me understand it myself. 😀"
    start = rows[0]["start"]
    # offsets are code points: "M1: " + text sits after the moderator turn
    assert rows[0]["end"] - start == len("understand it myself. 😀") == 23
    code, out, _ = run(
        capsys, "code", coded, "--document", "fgi_mentors", "--start", str(start - 10),
        "--end", str(start), "--code", "Outcomes",
    )  # fmt: skip
    assert code == 0
    assert f'"{text[text.index("understand") - 10 : text.index("understand")]}"' in out

    code, out, _ = run(capsys, "segments", coded, "--where", "role=mentee", "--format", "json")
    assert [r["participant"] for r in json.loads(out)] == ["E1"]
    code, out, _ = run(capsys, "segments", coded, "--code", "Mutual benefits", "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0][:6] == ["document", "start", "end", "code", "coder", "participant"]
    assert len(table) == 2 and table[1][5] == "M1"
    code, out, _ = run(capsys, "segments", coded, "--coder", "kim", "--format", "json")
    assert len(json.loads(out)) == 1


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--document", "nope", "--text", "x", "--code", "Outcomes"], 'no document "nope"'),
        (
            ["--document", "fgi_mentors", "--text", "absent words", "--code", "Outcomes"],
            "does not occur",
        ),
        (
            [
                "--document",
                "fgi_mentors",
                "--text",
                "I",
                "--occurrence",
                "99",
                "--code",
                "Outcomes",
            ],
            "occurs only",
        ),
        (["--document", "fgi_mentors", "--text", "Krebs", "--code", "No/Such"], "add --create"),
        (
            ["--document", "fgi_mentors", "--start", "5", "--end", "99999", "--code", "Outcomes"],
            "outside",
        ),
        (
            ["--document", "fgi_mentors", "--start", "5", "--code", "Outcomes"],
            "--start needs --end",
        ),
    ],
)
def test_code_user_errors(
    coded: Path, capsys: pytest.CaptureFixture[str], args: list[str], phrase: str
) -> None:
    code, _, err = run(capsys, "code", coded, *args)
    assert code == 1
    assert phrase in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_refused_range_creates_no_codes(coded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = json.loads(run(capsys, "info", coded, "--json")[1])
    code, _, err = run(
        capsys, "code", coded, "--document", "fgi_mentors", "--start", "5", "--end", "99999",
        "--code", "Brand new theme/Brand new code", "--create",
    )  # fmt: skip
    assert code == 1 and "outside" in err
    assert json.loads(run(capsys, "info", coded, "--json")[1]) == before


def test_errors_from_the_installed_command(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    bad = tmp_path / "notes.qualframe"
    bad.write_text("just some notes")
    res = subprocess.run(
        [sys.executable, "-m", "qualframe", "info", str(bad)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert res.returncode == 1
    assert (
        res.stderr.strip()
        == "qualframe: notes.qualframe is not a Qualframe project (it is not a project database)."
    )
    res = subprocess.run(
        [sys.executable, "-m", "qualframe", "info"], capture_output=True, text=True, env=env
    )
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = subprocess.run(
        [sys.executable, "-m", "qualframe", "segments", str(bad), "--format", "xml"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert res.returncode == 2


def test_new_refuses_existing_and_wrong_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.qualframe"
    assert run(capsys, "new", path)[0] == 0
    code, _, err = run(capsys, "new", path)
    assert code == 1 and "already exists" in err
    code, _, err = run(capsys, "new", tmp_path / "a.txt")
    assert code == 1 and ".qualframe" in err


def test_info_works_while_the_gui_holds_the_project(
    coded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(coded):  # another writer, as the GUI would be
        code, out, _ = run(capsys, "info", coded, "--json")
        assert code == 0 and json.loads(out)["documents"] == 2
        code, _, err = run(
            capsys,
            "code",
            coded,
            "--document",
            "fgi_mentors",
            "--text",
            "Krebs",
            "--code",
            "Outcomes",
        )
        assert code == 1 and "already open for writing" in err


@pytest.fixture
def korean(tmp_path: Path) -> Path:
    """The demo's Korean transcript (labels "E6 (김민지):"), E6's first turn coded with its
    label line."""
    from qualframe.coding.corpus.documents import document_text, list_documents
    from qualframe.coding.corpus.segments import code_range
    from qualframe.coding.importing import ImportOptions, import_files

    path = tmp_path / "ko.qualframe"
    with Project.create(path, coder="tester") as project:
        import_files(
            project,
            [ROOT / "src" / "qualframe" / "resources" / "demo" / "fgi_korean_cp949.txt"],
            ImportOptions(attributes={"role": "mentee"}),
        )
        (doc,) = list_documents(project)
        text = document_text(project, doc.guid)
        start = text.index("E6 (김민지):")
        code_range(project, doc.guid, start, text.index("\n", start), "Pressure", create=True)
    return path


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
def test_segments_never_print_a_real_name_unless_asked(
    korean: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "segments", str(korean), "--format", fmt)
    assert code == 0 and "김민지" not in out
    assert "E6: 저는 1학년이라" in out
    code, out, _ = run(capsys, "segments", str(korean), "--format", fmt, "--real-names")
    assert code == 0 and "E6 (김민지): 저는 1학년이라" in out
