"""The survey's coded-themes table can count one coder's segments only (blind coding in the
Survey tab, ``qualframe stats --coder``), and every output says whose segments it counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from qualframe.app.cli.main import main
from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export.survey_docx import write_survey_docx
from qualframe.coding.export.survey_xlsx import write_survey_xlsx
from qualframe.coding.importing import ImportOptions, import_files
from tests.coding.agreement.study import code

# a Google Forms export: timestamp, respondent id, group, one open question
FORMS = (
    "Timestamp,Respondent,Group,What should the programme change?\n"
    "2024/05/02 10:00:00 AM GMT+9,E1,mentee,We should meet more often before exams.\n"
    "2024/05/02 10:05:00 AM GMT+9,E2,mentee,처음 몇 주는 더 체계적이었으면 좋겠어요.\n"
    "2024/05/02 10:09:00 AM GMT+9,E3,mentor,Öfter treffen wäre gut.\n"
    "2024/05/02 10:12:00 AM GMT+9,E4,mentor,Less paperwork for mentors.\n"
)
DOC = "forms: What should the programme change?"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "s.qualframe", coder="Ha-eun")
    (tmp_path / "forms.csv").write_text(FORMS, encoding="utf-8")
    import_files(p, [tmp_path / "forms.csv"], ImportOptions(id_column="Respondent",
                                                            group_column="Group"))  # fmt: skip
    code(p, "Ha-eun", DOC, "meet more often", "Meetings/More often")
    code(p, "Ha-eun", DOC, "더 체계적이었으면", "Structure")
    code(p, "Jordan", DOC, "meet more often before exams", "Meetings/More often")
    code(p, "Jordan", DOC, "Öfter treffen", "Meetings/More often")
    code(p, "Jordan", DOC, "Less paperwork", "Paperwork")
    return p


def _counts(tables: object) -> dict[str, int]:
    return {r.code: r.total.n for r in tables.codes.rows}  # type: ignore[attr-defined]


def test_themes_count_the_chosen_coders_segments_only(project: Project) -> None:
    # by hand: every coder — Meetings E1, E3; Structure E2; Paperwork E4
    everyone = survey_tables(project, by="group")
    assert _counts(everyone) == {"Meetings": 2, "Meetings/More often": 2, "Structure": 1,
                                 "Paperwork": 1}  # fmt: skip
    assert everyone.coders_note() == "" and "coders" not in everyone.to_json()["codes"]
    mine = survey_tables(project, by="group", coders=["ha-EUN"])
    assert _counts(mine) == {"Meetings": 1, "Meetings/More often": 1, "Structure": 1}
    assert mine.coders == ("Ha-eun",) and mine.to_json()["codes"]["coders"] == ["Ha-eun"]
    assert mine.coders_note() == (
        " Themes counted from the segments of Ha-eun only; other coders' segments are left out."
    )
    two = survey_tables(project, by="group", coders=["jordan", "Ha-eun"])
    assert two.coders_note() == (
        " Themes counted from the segments of Jordan, Ha-eun only; other coders' segments are "
        "left out."
    )
    # denominators stay the respondents who answered, whoever coded them
    assert mine.codes is not None and mine.codes.denominators[None] == 4
    jordan = survey_tables(project, by="group", coders=["Jordan"])
    assert _counts(jordan) == {"Meetings": 2, "Meetings/More often": 2, "Paperwork": 1}
    nobody = survey_tables(project, by="group", coders=[])
    assert nobody.codes is None and nobody.coders == ()
    assert nobody.coders_note() == " No coder's segments are counted."
    with pytest.raises(UserError, match=r'no coder "Priya".*Ha-eun, Jordan'):
        survey_tables(project, coders=["Priya"])


def test_the_word_excel_and_cli_outputs_say_whose_segments(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = survey_tables(project, by="group", coders=["Ha-eun"])
    write_survey_docx(tables, tmp_path / "t.docx")
    notes = [p.text for p in Document(str(tmp_path / "t.docx")).paragraphs
             if p.text.startswith("Note.")]  # fmt: skip
    assert any("Themes counted from the segments of Ha-eun only" in n for n in notes)
    write_survey_xlsx(tables, tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx")["Codes"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("segments of Ha-eun only" in c for c in cells)
    path = project.path
    project.close()
    assert main(["stats", str(path), "--by", "group", "--coder", "Jordan"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["codes"]["coders"] == ["Jordan"]
    assert {r["code"]: r["overall"]["n"] for r in out["codes"]["rows"]} == {
        "Meetings": 2, "Meetings/More often": 2, "Paperwork": 1}  # fmt: skip
