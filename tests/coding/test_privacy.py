"""Participants' real names never leave the project in an export unless asked for.

The demo's Korean transcript labels its speakers ``E6 (김민지):``; a segment that includes
the label line goes through every export, and each file is re-opened and searched.
"""

from __future__ import annotations

import csv
import html
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from qualframe.coding.analysis.matrix import (
    MatrixOptions,
    build_matrix,
    matrix_segments,
)
from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import EditCodeDetails, SetExemplar
from qualframe.coding.core.privacy import AMBIGUOUS, NameMasker, mask_real_names
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, list_documents
from qualframe.coding.corpus.participants import ParticipantData, upsert_participant_in
from qualframe.coding.corpus.segments import code_range
from qualframe.coding.export.codebook_report import export_codebook
from qualframe.coding.export.matrix_export import export_matrix
from qualframe.coding.export.survey_docx import write_survey_docx
from qualframe.coding.export.survey_xlsx import write_survey_xlsx
from qualframe.coding.importing import ImportOptions, import_files
from tests.coding.test_survey_stats_data import Item, add_survey
from tests.conftest import DEMO

NAME = "김민지"
CODE = "Outcomes/Lifestyle/Attendance"


# -- the helper ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("E6 (김민지): 저는 1학년이라", "E6: 저는 1학년이라"),
        ("E6（김민지）: 네", "E6: 네"),
        ("김민지 (E6): 네", "E6: 네"),
        ("김민지가 말했어요. 김민지 선배", "E6가 말했어요. E6 선배"),
        ("김민 and 민지", "김민 and 민지"),  # only the full stored name is a name
        ("", ""),
    ],
)
def test_hangul_names_are_replaced_exactly(text: str, expected: str) -> None:
    assert mask_real_names(text, {NAME: "E6"}) == expected


def test_latin_names_case_insensitive_whole_words() -> None:
    names = {"Jane Doe": "E3", "Kim": "M2"}
    text = "E3 (Jane Doe): JANE   doe met jane doe, Kim and KIM; Kimberly and Janet stay."
    assert mask_real_names(text, names) == "E3: E3 met E3, M2 and M2; Kimberly and Janet stay."


def test_the_longest_name_wins_and_a_shared_name_names_nobody() -> None:
    mask = NameMasker([("E1", "Kim"), ("E2", "Kim"), ("E3", "Kim Minji"), ("E4", None)])
    assert mask("E1 (Kim): Kim Minji told kim. E2 (Kim) agreed.") == (
        f"E1: E3 told {AMBIGUOUS}. E2 agreed."
    )


def test_no_real_names_leaves_text_alone() -> None:
    assert NameMasker([("E1", None), ("E2", "  "), ("E3", "E3")]).empty
    assert mask_real_names("E3 (E3): hi", {}) == "E3 (E3): hi"


# -- every export, re-opened ---------------------------------------------------------------
@pytest.fixture
def korean(project: Project) -> str:
    """The demo Korean transcript imported; E6's first turn (label included) coded and
    marked as exemplar; E6's name also in a code's definition. Returns the coded text."""
    import_files(
        project,
        [DEMO / "fgi_korean_cp949.txt"],
        ImportOptions(attributes={"role": "mentee"}),
    )
    (doc,) = list_documents(project)
    text = document_text(project, doc.guid)
    start = text.index(f"E6 ({NAME}):")
    end = text.index("\n", start)
    guid, _ = code_range(project, doc.guid, start, end, CODE, create=True)
    SetExemplar(guid, True).do(project)
    outcomes = find_code(project, "Outcomes")
    assert outcomes is not None
    EditCodeDetails(outcomes.guid, {"definition": f"As {NAME} put it: attendance."}).do(project)
    return text[start:end]


def _all_text(path: Path) -> str:
    """Everything a file holds as text (every XML part of an Office file, character
    references such as ``&#44608;``, which openpyxl writes for Hangul, resolved)."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "".join(
                html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist()
            )
    return path.read_text(encoding="utf-8-sig")


def test_matrix_exports_carry_no_real_name(project: Project, korean: str, tmp_path: Path) -> None:
    assert NAME in korean  # the coded segment itself holds the name
    options = MatrixOptions(rows_level=1, quotes=3, counts=frozenset({"segments"}))
    for suffix in (".docx", ".xlsx", ".csv", ".md"):
        out = tmp_path / f"matrix{suffix}"
        export_matrix(project, options, out)
        text = _all_text(out)
        assert NAME not in text, suffix
    # The quote is still there, under the pseudonym.
    doc = open_docx(str(tmp_path / "matrix.docx"))
    cell = doc.tables[0].rows[1].cells[2].text
    assert "E6: 저는 1학년이라" in cell and "— E6" in cell
    wb = load_workbook(tmp_path / "matrix.xlsx")
    quotes = [r[-3] for r in wb["Segments"].iter_rows(min_row=2, values_only=True)]
    assert quotes == [korean.replace(f"E6 ({NAME})", "E6")]
    with open(tmp_path / "matrix.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Quote"] for r in rows] == quotes and rows[0]["Participant"] == "E6"


def test_matrix_real_names_on_request(project: Project, korean: str, tmp_path: Path) -> None:
    options = MatrixOptions(rows_level=1, quotes=1, real_names=True)
    (quote,) = build_matrix(project, options).rows[0].cells[0].entries[0].quotes
    assert quote.text == korean
    assert [s.quote for s in matrix_segments(project, options)] == [korean]
    out = tmp_path / "named.docx"
    export_matrix(project, options, out)
    assert NAME in _all_text(out)


def test_codebook_report_carries_no_real_name(
    project: Project, korean: str, tmp_path: Path
) -> None:
    for suffix in (".docx", ".xlsx"):
        out = tmp_path / f"codebook{suffix}"
        export_codebook(project, out)
        assert NAME not in _all_text(out), suffix
    wb = load_workbook(tmp_path / "codebook.xlsx")
    ws = wb["Codebook"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("Path")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Outcomes"][header.index("Definition")] == "As E6 put it: attendance."
    example = rows[CODE][header.index("Example")]
    assert example.startswith("“E6: 저는") and example.endswith("” — E6")
    out = tmp_path / "named.xlsx"
    export_codebook(project, out, real_names=True)
    assert NAME in _all_text(out)


def test_survey_exports_carry_no_real_name(project: Project, tmp_path: Path) -> None:
    with project.write() as s:
        upsert_participant_in(s, ParticipantData("E6", real_name=NAME))
    people = {"A1": {"role": "mentee"}, "A2": {"role": "mentor"}, "A3": {"role": "mentee"}}
    add_survey(
        project,
        people,
        [
            Item("place", "single", {"A1": f"With {NAME}", "A2": "Library", "A3": "Library"}),
            Item("sat", "likert", {"A1": 4, "A2": 5, "A3": 3}, scale=(1, 5)),
            Item("best", "text", {"A1": f"{NAME} 선배 덕분에 좋았어요.", "A2": "Quizzes."}),
        ],
    )
    tables = survey_tables(project, by="role")
    write_survey_docx(tables, tmp_path / "s.docx")
    write_survey_xlsx(tables, tmp_path / "s.xlsx")
    for name in ("s.docx", "s.xlsx"):
        assert NAME not in _all_text(tmp_path / name), name
    raw = load_workbook(tmp_path / "s.xlsx")["Raw answers"]
    header = [c.value for c in raw[1]]
    a1 = next(r for r in raw.iter_rows(min_row=2, values_only=True) if r[0] == "A1")
    assert a1[header.index("place")] == "With E6"
    # Only columns that hold answers: no empty column for the open-ended item.
    assert header == ["Respondent", "role", "place", "sat"]
    named = survey_tables(project, by="role", real_names=True)
    assert named.raw["place"]["A1"].raw == f"With {NAME}"
