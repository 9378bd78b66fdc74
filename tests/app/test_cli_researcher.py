"""The command line for the first-hour features: `segments --set/--format docx|xlsx`,
`matrix --set`, `memos`, `attributes --from`, `sets`; files re-opened and checked."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from qualframe.app.cli.main import main
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import AddMemo, ApplyCode, UndoStack
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    ParticipantData,
    add_participants_in,
    list_participants,
)
from tests.coding.helpers import add_transcript


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    assert main(["new", str(path)]) == 0
    roles = {"E1": "mentee", "M1": "mentor"}
    with Project.open(path, coder="tester") as project:
        docs = {}
        for name, who, words in (
            ("fgi_mentees", "E1", "A weekly study plan kept 김민지 going."),
            ("fgi_mentors", "M1", "Writing a study plan helped me too."),
        ):
            docs[name] = add_transcript(project, name, [(who, words)], roles=roles)
        with project.write() as s:
            add_participants_in(s, [ParticipantData("E1", real_name="김민지")])
        plans = find_code(
            project, "Factors of success/Various methods of study assistance/Study plans"
        )
        assert plans is not None
        stack = UndoStack(project)
        for guid, text in docs.values():
            i = text.index("study plan")
            stack.push(ApplyCode(guid, i, i + len("study plan"), plans.guid, memo="=1+1"))
        stack.push(AddMemo("Bracketing", "I expected 김민지 to praise it.", kind="reflexive"))
    return path


def test_sets_then_the_set_filter_in_segments_and_matrix(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "sets", study, "Mentees", "--add", "fgi_mentees")
    assert code == 0 and 'Created the document set "Mentees"' in out and "holds 1 document." in out
    code, out, _ = run(capsys, "sets", study)
    assert out == "Mentees (1): fgi_mentees\n"
    code, out, _ = run(capsys, "segments", study, "--set", "mentees", "--format", "json")
    rows = json.loads(out)
    assert [r["document"] for r in rows] == ["fgi_mentees"]
    assert rows[0]["memo"] == "=1+1"  # JSON is not a spreadsheet: kept as written
    code, out, _ = run(capsys, "segments", study, "--set", "Mentees", "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["memo"] == "'=1+1"
    code, _, err = run(capsys, "segments", study, "--set", "Year 9")
    assert code == 1 and 'There is no document set "Year 9"' in err
    out_file = tmp_path / "matrix.md"
    code, _, _ = run(capsys, "matrix", study, "--set", "Mentees", "--out", out_file)
    assert code == 0
    md = out_file.read_text(encoding="utf-8")
    assert "Document sets: Mentees (1 document)." in md
    code, _, _ = run(capsys, "sets", study, "Mentees", "--remove", "fgi_mentees")
    assert code == 0


def test_segments_to_word_and_excel(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docx_out = tmp_path / "plans.docx"
    code, out, _ = run(
        capsys, "segments", study, "--code", "Factors of success", "--format", "docx",
        "--out", docx_out, "--context", "20",
    )  # fmt: skip
    assert code == 0 and out == f"Wrote {docx_out} (2 segments).\n"
    doc = open_docx(str(docx_out))
    cells = [c.text for c in doc.tables[0].rows[1].cells]
    assert cells[1:4] == ["fgi_mentees", "E1 · mentee",
                          "Factors of success/Various methods of study assistance/Study plans"]  # fmt: skip
    assert "E1 going" in cells[4] and "김민지" not in cells[4]
    assert "Filters: code “Factors of success” with its sub-codes." in doc.paragraphs[-1].text
    xlsx_out = tmp_path / "plans.xlsx"
    code, _, _ = run(capsys, "segments", study, "--out", xlsx_out, "--real-names")
    assert code == 0
    ws = load_workbook(xlsx_out)["Segments"]
    assert [c.value for c in ws[2]][9:12] == ["Coded text", "Context after", "Memo"]
    assert ws["J3"].value == "study plan" and ws["L3"].value == "'=1+1"
    assert "김민지" in ws["K3"].value
    code, _, err = run(capsys, "segments", study, "--format", "docx")
    assert code == 1 and "--format docx needs --out FILE.docx" in err
    code, _, err = run(capsys, "segments", study, "--format", "xlsx", "--out", tmp_path / "a.docx")
    assert code == 1 and "name --out FILE.xlsx" in err


def test_memos_list_and_report(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "memos", study)
    assert code == 0
    assert out.splitlines()[0].startswith("[Journal] Bracketing (tester · ")
    assert "I expected E1 to praise it." in out and "김민지" not in out
    assert "[Segment] =1+1 — fgi_mentees · Factors of success/" in out
    report = tmp_path / "memos.docx"
    code, out, _ = run(capsys, "memos", study, "--out", report, "--kind", "journal")
    assert code == 0 and out == f"Wrote {report} (1 memo).\n"
    paras = [p.text for p in open_docx(str(report)).paragraphs]
    assert "Project journal" in paras and "Segment memos" not in paras
    with pytest.raises(SystemExit) as exit_:
        main(["memos", str(study), "--kind", "diary"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_attributes_from_a_spreadsheet(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Pseudonym;Year;Role\nE1;2;Mentee\nM1;5;mentor\nX9;1;mentee\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "attributes", study, "--from", sheet, "--dry-run")
    assert code == 0 and "2 values to set for 2 participants" in out
    assert "Not in the project (left out): X9." in out and "Nothing was changed" in out
    code, out, _ = run(capsys, "attributes", study, "--from", sheet, "--coder", "K")
    assert code == 0 and "Set 2 value(s) from people.csv." in out
    with Project.open(study) as project:
        assert {p.pseudonym: p.attributes for p in list_participants(project)} == {
            "E1": {"role": "mentee", "Year": "2"},
            "M1": {"role": "mentor", "Year": "5"},
        }
    code, out, _ = run(capsys, "attributes", study)
    assert out.splitlines() == ["pseudonym,role,Year", "E1,mentee,2", "M1,mentor,5"]
    code, _, err = run(capsys, "attributes", study, "--from", tmp_path / "missing.xlsx")
    assert code == 1 and err.strip() == "qualframe: missing.xlsx does not exist."
