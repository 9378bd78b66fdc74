"""`qualframe stats`: JSON to stdout, Word/Excel files, one-sentence errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from tests.coding.helpers import add_transcript
from tests.coding.test_survey_stats import BEST, CODES, PEOPLE, PLACE, PURPOSES, SAT
from tests.coding.test_survey_stats_data import Item, add_survey


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.qualframe"
    with Project.create(path, coder="tester") as project:
        add_survey(
            project,
            PEOPLE,
            [
                Item("place", "single", PLACE, options=["Library", "Cafe", "Online"]),
                Item("purposes", "multiple", PURPOSES),
                Item("sat", "likert", SAT, scale=(1, 5)),
                Item("best", "text", BEST),
            ],
            codes=CODES,
        )
    return path


def test_json_to_stdout(capsys: pytest.CaptureFixture[str], survey: Path) -> None:
    code, out, err = run(capsys, "stats", survey, "--by", "role")
    assert code == 0, err
    data = json.loads(out)
    sat = data["likert"][0]
    assert sat["item"] == "sat" and sat["u"] == 0.5 and sat["method"] == "asymptotic"
    assert sat["groups"]["mentee"]["n"] == 3 and sat["groups"]["mentor"]["sd"] == 1.0
    place = data["frequencies"][0]
    assert place["groups"]["mentor"]["options"]["Library"] == {"n": 1, "percent": 50.0}
    assert data["n"] == {"total": 7, "mentee": 4, "mentor": 3}
    assert data["codes"]["rows"][0]["code"] == "Benefits"


def test_items_filter_and_p_decimals(capsys: pytest.CaptureFixture[str], survey: Path) -> None:
    code, out, _ = run(
        capsys, "stats", survey, "--by", "role", "--items", "sat", "--p-decimals", "2"
    )
    data = json.loads(out)
    assert code == 0 and [r["item"] for r in data["likert"]] == ["sat"]
    assert data["frequencies"] == [] and data["likert"][0]["p_text"] == "0.12"


def test_docx_and_xlsx_files(
    capsys: pytest.CaptureFixture[str], survey: Path, tmp_path: Path
) -> None:
    docx_path = tmp_path / "t.docx"
    code, out, err = run(
        capsys, "stats", survey, "--by", "role", "--format", "docx", "--out", docx_path,
        "--percent-decimals", "1",
    )  # fmt: skip
    assert code == 0, err
    assert "Wrote" in out and "1 Likert items" in out
    table = Document(str(docx_path)).tables[0]
    assert table.rows[2].cells[1].text == "4 (66.7)"
    xlsx_path = tmp_path / "t.xlsx"
    code, _, err = run(capsys, "stats", survey, "--by", "role", "--out", xlsx_path)
    assert code == 0, err  # format taken from the suffix
    assert "Likert" in load_workbook(xlsx_path).sheetnames
    json_path = tmp_path / "t.json"
    assert run(capsys, "stats", survey, "--out", json_path)[0] == 0
    assert json.loads(json_path.read_text(encoding="utf-8"))["by"] == "role"  # the default
    assert run(capsys, "stats", survey, "--by", "none", "--out", json_path)[0] == 0
    assert json.loads(json_path.read_text(encoding="utf-8"))["by"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "cohort"], "no attribute called 'cohort'; the attributes are: role, site."),
        (["--items", "sat", "nope"], "no survey item called 'nope'; the items are: place,"),
        (["--format", "docx"], "--format docx writes a file: add --out FILE.docx."),
    ],
)
def test_errors_are_one_sentence(
    capsys: pytest.CaptureFixture[str], survey: Path, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "stats", survey, *args)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_project_without_survey(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "fgi.qualframe"
    with Project.create(path, coder="tester") as project:
        add_transcript(project, "fgi", [("M1", "Hello."), ("E1", "Hi.")])
    code, _, err = run(capsys, "stats", path)
    assert code == 1 and "has no survey answers; import a survey file first." in err
