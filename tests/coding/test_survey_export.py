"""Survey tables to Word and Excel, re-opened and checked cell by cell."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from openpyxl import load_workbook
from scipy import stats as sps

from qualframe.coding.analysis import survey as ss
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.survey_docx import write_survey_docx
from qualframe.coding.export.survey_xlsx import write_survey_xlsx
from tests.coding.test_survey_stats import BEST, CODES, PEOPLE, PLACE, PURPOSES, SAT
from tests.coding.test_survey_stats_data import DEMO_SURVEY, Item, add_survey


@pytest.fixture
def tables(project: Project) -> ss.SurveyTables:
    add_survey(
        project,
        PEOPLE,
        [
            Item("place", "single", PLACE, options=["Library", "Cafe", "Online"]),
            Item("purposes", "multiple", PURPOSES),
            Item("sat", "likert", SAT, scale=(1, 5)),
            Item("sat_exact", "likert", {"A1": 1, "A2": 2, "A3": 3, "B1": 4, "B2": 5, "B3": 6}),
            Item("sat_one", "likert", {"A1": 4, "B1": 3, "B2": 5}, scale=(1, 5)),
            Item("best", "text", BEST),
        ],
        codes=CODES,
    )
    return ss.survey_tables(project, by="role")


def _rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in row.cells] for row in table.rows]


def _captions(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in doc.paragraphs if p.text.startswith("Table ")]


def _notes(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in doc.paragraphs if p.text.startswith("Note.")]


def test_word_tables_cell_by_cell(tables: ss.SurveyTables, tmp_path: Path) -> None:
    out = tmp_path / "tables.docx"
    write_survey_docx(tables, out)
    doc = Document(str(out))
    assert _captions(doc) == [
        "Table 1. Single-choice items, n (%) of respondents",
        "Table 2. Multiple-response items, n (%) of respondents",
        "Table 3. Likert items, mean ± SD by group",
        "Table 4. Themes raised in the open-ended answers, n (%) of respondents",
    ]
    single, multiple, likert, codes = doc.tables
    # header Ns computed: 7 respondents, 4 mentees, 3 mentors; repeating shaded header
    assert _rows(single)[0] == [
        "Item / option", "Total\n(n = 7)", "Mentees\n(n = 4)", "Mentors\n(n = 3)",
    ]  # fmt: skip
    assert ds.is_repeat_header(single.rows[0])
    # place: A3 skipped -> the item row states the denominators where someone skipped
    assert _rows(single)[1] == ["place", "answered n = 6", "", "answered n = 2"]
    # Library 4/6 = 67 %, mentees 3/4 = 75 %, mentors 1/2 = 50 %
    assert _rows(single)[2] == ["Library", "4 (67)", "3 (75)", "1 (50)"]
    assert _rows(single)[3] == ["Cafe", "1 (17)", "1 (25)", "0 (0)"]
    assert _rows(single)[4] == ["Online", "1 (17)", "0 (0)", "1 (50)"]
    notes = _notes(doc)
    assert "place: 1 respondent" not in notes[0] and "place: 1 (Mentors) did not answer" in notes[0]
    # multiple: Exam 4/7 = 57, mentees 3/4 = 75, mentors 1/3 = 33; sums over 100 %
    assert _rows(multiple)[2] == ["Exam", "4 (57)", "3 (75)", "1 (33)"]
    assert _rows(multiple)[3] == ["Career", "4 (57)", "1 (25)", "3 (100)"]
    assert "Multiple responses were allowed" in notes[1] and "more than 100%" in notes[1]
    # Likert: header with Ns, mean ± SD, U, p, r
    assert _rows(likert)[0] == [
        "Item", "Total\n(n = 7)", "Mentees\n(n = 4)", "Mentors\n(n = 3)", "U", "p", "r",
    ]  # fmt: skip
    # sat: total 4,5,5,3,4,2 -> mean 23/6 = 3.83 -> 3.8, SD 1.17 -> 1.2 (numpy below)
    total = [4, 5, 5, 3, 4, 2]
    assert ss.fmt_mean(float(np.mean(total))) == "3.8"
    assert ss.fmt_mean(float(np.std(total, ddof=1))) == "1.2"
    # mentees 4.7 ± 0.6, mentors 3.0 ± 1.0, U = min(8.5, 0.5) = 0.5 (asymptotic, p 0.116)
    sat_row = _rows(likert)[1]
    assert sat_row[:5] == ["sat", "3.8 ± 1.2", "4.7 ± 0.6", "3.0 ± 1.0", "0.5"]
    assert sat_row[6] == "−0.89"
    # sat_exact: mentees 4, 5, 6 vs mentors 1, 2, 3, no ties -> exact; U1 = 9 (every
    # mentee answer above every mentor answer), P(U >= 9) = 1/C(6,3) = 1/20, p = 2/20 = 0.1
    exact_row = _rows(likert)[2]
    assert exact_row[4] == "0"  # U = min(U1, U2) = min(9, 0), as SPSS reports it
    assert sps.mannwhitneyu([4, 5, 6], [1, 2, 3], method="exact").pvalue == pytest.approx(0.1)
    # two methods used -> p cells carry a superscript mark explained in the note
    assert sat_row[5] == "0.116a" and exact_row[5] == "0.100b"  # marks in order of use
    assert "b two-sided Mann–Whitney U test, exact distribution" in notes[2]
    assert "a two-sided Mann–Whitney U test, normal approximation with tie" in notes[2]
    # sat_one: one mentor -> "4.0 (n = 1)", no test
    one_row = _rows(likert)[3]
    assert one_row[3] == "4.0 (n = 1)" and one_row[4:] == ["n/a", "n/a", "n/a"]
    assert "Not tested: sat_one (a group has fewer than 2 answers)" in notes[2]
    assert "sat, 1 (Mentees)" in notes[2]  # B4's blank answer
    assert "r > 0: Mentors answered higher" in notes[2]
    # codes: denominators = respondents with an open answer (2 mentees, 2 mentors)
    assert _rows(codes)[0] == [
        "Code",
        "Total\n(n = 4)",
        "Mentees\n(n = 2)",
        "Mentors\n(n = 2)",
        "p",
    ]
    assert _rows(codes)[2] == ["Exam help", "3 (75)", "2 (100)", "1 (50)", "1.000"]
    assert "Fisher's exact test" in notes[3]


def test_word_options_one_decimal_and_two_decimal_p(project: Project, tmp_path: Path) -> None:
    add_survey(
        project,
        PEOPLE,
        [Item("purposes", "multiple", PURPOSES), Item("sat", "likert", SAT, scale=(1, 5))],
    )
    t = ss.survey_tables(project, by="role", percent_decimals=1, p_decimals=2)
    write_survey_docx(t, tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    assert _rows(doc.tables[0])[2] == ["Exam", "4 (57.1)", "3 (75.0)", "1 (33.3)"]
    assert _rows(doc.tables[1])[1][5] == "0.12"


def test_word_without_grouping(project: Project, tmp_path: Path) -> None:
    add_survey(project, PEOPLE, [Item("sat", "likert", SAT, scale=(1, 5))])
    t = ss.survey_tables(project)
    write_survey_docx(t, tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    assert _rows(doc.tables[0]) == [["Item", "Total\n(n = 7)"], ["sat", "3.8 ± 1.2"]]


def test_excel_workbook(tables: ss.SurveyTables, tmp_path: Path) -> None:
    out = tmp_path / "tables.xlsx"
    write_survey_xlsx(tables, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Frequencies", "Multiple responses", "Likert", "Codes", "Code matrix", "Raw answers",
    ]  # fmt: skip
    ws = wb["Frequencies"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Item", "Option", "Total n", "Total %"]
    assert rows[1] == ["place", "(answered / respondents)", 6, 7, 4, 4, 2, 3]
    assert rows[2] == ["place", "Library", 4, 67, 3, 75, 1, 50]
    ws = wb["Likert"]
    header = [c.value for c in ws[1]]
    sat = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert sat["Mentees mean"] == 4.7 and sat["Mentees SD"] == 0.6 and sat["Mentees missing"] == 1
    assert sat["U or H"] == 0.5 and sat["Method"] == "asymptotic"
    assert sat["p (text)"] == "0.116" and sat["p"] == pytest.approx(0.1157, abs=1e-4)
    assert sat["Effect size"] == -0.89
    raw = [list(r) for r in wb["Raw answers"].iter_rows(values_only=True)]
    assert raw[0] == [
        "Respondent",
        "role",
        "place",
        "purposes",
        "sat",
        "sat_exact",
        "sat_one",
    ]  # no column for the open-ended "best": its answers are coded documents
    assert raw[1][:5] == ["A1", "mentor", "Online", "Exam; Career; Social", 3]
    mx = [list(r) for r in wb["Code matrix"].iter_rows(values_only=True)]
    assert mx[0] == ["Respondent", "role", "Benefits", "Benefits/Exam help", "Benefits/Friendship"]
    assert mx[1] == ["A1", "mentor", 1, 1, 1]


def test_excel_neutralises_formula_text(project: Project, tmp_path: Path) -> None:
    add_survey(
        project,
        {"R1": {"role": "a"}, "R2": {"role": "b"}},
        [Item("pick", "single", {"R1": "=HYPERLINK(1)", "R2": "+ok"})],
    )
    out = tmp_path / "t.xlsx"
    write_survey_xlsx(ss.survey_tables(project, by="role"), out)
    values = [c.value for row in load_workbook(out)["Frequencies"].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in values and "=HYPERLINK(1)" not in values


def test_failed_write_leaves_nothing(tables: ss.SurveyTables, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "t.docx"
    with pytest.raises(UserError, match="does not exist"):
        write_survey_docx(tables, target)
    assert not target.exists()


def test_demo_survey_through_the_importer(tmp_path: Path) -> None:
    importing = pytest.importorskip(
        "qualframe.coding.importing", reason="the survey importer is missing"
    )
    project = Project.create(tmp_path / "demo.qualframe", coder="tester")
    try:
        importing.import_files(
            project,
            [DEMO_SURVEY],
            importing.ImportOptions(kind="survey", id_column="respondent_id", group_column="role"),
        )
        t = ss.survey_tables(project, by="role")
        write_survey_docx(t, tmp_path / "demo.docx")
    finally:
        project.close()
    # independent: the CSV read with the standard library
    import csv

    with DEMO_SURVEY.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    role = {r["respondent_id"]: r["role"].strip().lower() for r in rows}
    assert t.group_ns == {"mentee": 11, "mentor": 9} and t.total_n == 20
    for item in ("sat_overall", "sat_matching", "willing_again"):
        res = next(r for r in t.likert if r.item == item)
        x = [
            float(r[item]) for r in rows if r[item].strip() and role[r["respondent_id"]] == "mentee"
        ]
        y = [
            float(r[item]) for r in rows if r[item].strip() and role[r["respondent_id"]] == "mentor"
        ]
        ref = sps.mannwhitneyu(x, y, alternative="two-sided")
        assert res.test.u1 == ref.statistic and res.test.p == pytest.approx(ref.pvalue)
        assert res.test.statistic == min(ref.statistic, len(x) * len(y) - ref.statistic)
        assert res.groups["mentee"].mean == pytest.approx(np.mean(x))
        assert res.groups["mentor"].sd == pytest.approx(np.std(y, ddof=1))
        assert res.groups["mentee"].n + res.groups["mentee"].missing == 11
    purposes = next(f for f in t.frequencies if f.item == "purposes")
    mentors = [r for r in rows if role[r["respondent_id"]] == "mentor"]
    volunteer = sum("Volunteer credit" in r["purposes"] for r in mentors)
    oc = purposes.groups[1].count("Volunteer credit")
    assert oc.n == volunteer and math.isclose(oc.percent or 0, 100 * volunteer / 9)
    doc = Document(str(tmp_path / "demo.docx"))
    assert doc.tables[0].rows[0].cells[2].text == "Mentees\n(n = 11)"


# -- page layout and labels (review: rendered with LibreOffice and looked at) ---------------
def _figures_fit(doc, table) -> None:  # type: ignore[no-untyped-def]
    """No figure column is narrower than its widest line; the table fits the page."""
    widths = [c.width.cm for c in table.rows[0].cells]
    assert sum(widths) <= ds.usable_width_cm(doc) + 0.05
    for j in range(1, len(widths)):
        for r, row in enumerate(table.rows):
            for line in row.cells[j].text.split("\n"):
                need = ds.text_width_cm(line, bold=r == 0) + ds.CELL_PADDING_CM
                assert widths[j] >= need - 0.01, (j, line, widths[j])


def test_word_without_grouping_is_a_compact_left_table(project: Project, tmp_path: Path) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT

    add_survey(project, PEOPLE, [Item("sat", "likert", SAT, scale=(1, 5))])
    write_survey_docx(ss.survey_tables(project), tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    # No group, so no "by group" in the caption.
    assert _captions(doc) == ["Table 1. Likert items, mean ± SD"]
    (table,) = doc.tables
    widths = [c.width.cm for c in table.rows[0].cells]
    assert widths[1] < 3.0  # the Total column is not stretched over the page …
    assert table.alignment == WD_TABLE_ALIGNMENT.LEFT  # … and sits under its caption
    _figures_fit(doc, table)


def test_word_three_groups_labels_and_widths(project: Project, tmp_path: Path) -> None:
    people = {f"R{i}": {"track": ["basic", "clinical", "research"][i % 3]} for i in range(9)}
    sat = {r: 1 + i % 5 for i, r in enumerate(people)}
    skipped = {r: (None if a["track"] == "research" else 3 + i % 2) for i, (r, a) in
               enumerate(people.items())}  # fmt: skip
    add_survey(
        project,
        people,
        [Item("Overall satisfaction with the programme", "likert", sat, scale=(1, 5)),
         Item("Matching", "likert", skipped, scale=(1, 5))],
    )  # fmt: skip
    t = ss.survey_tables(project, by="track")
    write_survey_docx(t, tmp_path / "t.docx")
    doc = Document(str(tmp_path / "t.docx"))
    (table,) = doc.tables
    # "research" is not pluralised into "Researches".
    assert [c.text for c in table.rows[0].cells] == [
        "Item", "Total\n(n = 9)", "Basic\n(n = 3)", "Clinical\n(n = 3)", "Research\n(n = 3)",
        "H", "p", "ε²",
    ]  # fmt: skip
    _figures_fit(doc, table)
    # The group everybody skipped: a dash, no test, and the reason in the note.
    assert [c.text for c in table.rows[2].cells][4:] == ["–", "n/a", "n/a", "n/a"]
    (note,) = _notes(doc)
    assert "Not tested: Matching (a group has fewer than 2 answers)" in note
    assert "Matching, 3 (Research)" in note


def test_word_numeric_groups_are_labelled_as_in_the_matrix(
    project: Project, tmp_path: Path
) -> None:
    people = {f"R{i}": {"year": str(1 + i % 2)} for i in range(6)}
    add_survey(project, people, [Item("sat", "likert", {r: 3 + i % 3 for i, r in
                                                        enumerate(people)}, scale=(1, 5))])  # fmt: skip
    t = ss.survey_tables(project, by="year")
    write_survey_docx(t, tmp_path / "t.docx")
    write_survey_xlsx(t, tmp_path / "t.xlsx")
    header = [c.text for c in Document(str(tmp_path / "t.docx")).tables[0].rows[0].cells]
    assert header[2:4] == ["Year 1\n(n = 3)", "Year 2\n(n = 3)"]
    ws = load_workbook(tmp_path / "t.xlsx")["Likert"]
    assert "Year 1 mean" in [c.value for c in ws[1]]


def test_excel_percent_never_shows_100_when_not_all(project: Project, tmp_path: Path) -> None:
    people = {f"R{i:03d}": {"role": "mentee"} for i in range(200)}
    place = {r: ("Library" if i else "Cafe") for i, r in enumerate(people)}
    add_survey(project, people, [Item("place", "single", place, options=["Library", "Cafe"])])
    t = ss.survey_tables(project, by="role")
    write_survey_docx(t, tmp_path / "t.docx")
    write_survey_xlsx(t, tmp_path / "t.xlsx")
    rows = _rows(Document(str(tmp_path / "t.docx")).tables[0])
    assert rows[2][:2] == ["Library", "199 (> 99)"] and rows[3][:2] == ["Cafe", "1 (1)"]
    ws = load_workbook(tmp_path / "t.xlsx")["Frequencies"]
    library = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "Library")
    assert library[3].value == 99.5 and library[3].number_format == "0.00"
