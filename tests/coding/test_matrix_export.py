"""Theme-matrix exports re-opened and checked cell by cell: Word, Excel, CSV, Markdown."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.table import _Cell
from openpyxl import load_workbook

from qualframe.coding.analysis.matrix import (
    COUNTING_RULE,
    MatrixOptions,
    build_matrix,
    matrix_segments,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export.docx_style import (
    bullet_level,
    is_cant_split,
    is_repeat_header,
    longest_word_cm,
    usable_width_cm,
)
from qualframe.coding.export.matrix_csv import write_matrix_csv
from qualframe.coding.export.matrix_docx import write_matrix_docx
from qualframe.coding.export.matrix_export import export_matrix
from qualframe.coding.export.matrix_xlsx import write_matrix_xlsx
from tests.coding.test_matrix_data import EXEMPLAR, Known, build_known_project

ALL = frozenset({"segments", "participants", "percent"})


@pytest.fixture
def known(project: Project) -> Known:
    return build_known_project(project)


def bullets(cell: _Cell) -> list[tuple[int | None, str]]:
    out = []
    for p in cell.paragraphs:
        level = bullet_level(p)
        text = p.text.split("\t", 1)[1] if level is not None else p.text
        out.append((level, text))
    return out


def test_word_table_cell_by_cell(project: Project, known: Known, tmp_path: Path) -> None:
    out = tmp_path / "matrix.docx"
    m = build_matrix(project, MatrixOptions(counts=ALL, quotes=1, not_set=False))
    write_matrix_docx(m, out)
    doc = open_docx(str(out))
    (table,) = doc.tables
    # Caption immediately above the table.
    caption = table._element.getprevious()
    assert caption.tag.endswith("}p")
    cap_text = "".join(t.text for t in caption.iter() if t.tag.endswith("}t"))
    assert cap_text == "Table 1. Themes, categories and codes by participant role"
    header = table.rows[0]
    assert is_repeat_header(header)
    assert not is_repeat_header(table.rows[1])
    assert [c.text for c in header.cells] == ["Theme", "Mentees (n = 4)", "Mentors (n = 2)"]
    assert [r.cells[0].text for r in table.rows[1:]] == [
        "Outcomes", "Mutual benefits", "Negative experiences",
    ]  # fmt: skip
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold
    outcomes = table.rows[1].cells
    assert bullets(outcomes[1]) == [
        (0, "Academic (3; 2 participants; 50%)"),
        (1, "Motivation to study (2; 2 participants; 50%)"),
        (2, f"“{EXEMPLAR}” — E2"),
        (1, "Better grades (1; 1 participant; 25%)"),
        (2, "“My grades went up a lot.” — E2"),
        (0, "Lifestyle (1; 1 participant; 25%)"),
        (1, "Daily habits (1; 1 participant; 25%)"),
        (2, "“- dash start: I sleep earlier now” — E3"),
    ]
    quote_para = outcomes[1].paragraphs[2]
    assert all(r.italic for r in quote_para.runs[1:])
    assert not any(r.italic for r in outcomes[1].paragraphs[1].runs)
    assert bullets(outcomes[2]) == [
        (0, "Academic (1; 1 participant; 50%)"),
        (1, "Motivation to study (1; 1 participant; 50%)"),
        (2, "“Seeing her motivated was the best part.” — M2"),
    ]
    mutual = table.rows[2].cells
    assert bullets(mutual[1]) == [(None, "–")]  # interviewer's rapport does not count
    assert bullets(mutual[2])[:2] == [
        (0, "Responsibility (2; 2 participants; 100%)"),
        (1, "Volunteer credit (2; 2 participants; 100%)"),
    ]
    negative = table.rows[3].cells
    assert bullets(negative[1])[:2] == [
        (0, "Pressure (1; 1 participant; 25%)"),
        (1, "=Risky formula (1; 1 participant; 25%)"),
    ]
    # The note under the table: N per group and the counting rule.
    note = table._element.getnext()
    note_text = "".join(t.text for t in note.iter() if t.tag.endswith("}t"))
    assert note_text.startswith(
        "Note. Participants per group (role): Mentees, n = 4; Mentors, n = 2"
    )
    assert COUNTING_RULE in note_text
    assert "Figures in parentheses: the number of coded segments" in note_text
    # … and what was left out, and why (X1 has no role; no "(not set)" column asked for).
    assert (
        "8 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; "
        "1 segment outside any participant's turn; 1 segment from participants without a "
        "value for role."
    ) in note_text
    # One font and size throughout; portrait; widths fit the page.
    sizes = {r.font.size for p in doc.paragraphs for r in p.runs if r.font.size} | {
        r.font.size
        for row in table.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
        if r.font.size
    }
    assert len(sizes) <= 1  # the note's smaller size is the only explicit size
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    widths = [c.width.cm for c in table.rows[1].cells]
    assert sum(widths) <= usable_width_cm(doc) + 0.05


def test_word_landscape_and_merged_theme_column(
    project: Project, known: Known, tmp_path: Path
) -> None:
    out = tmp_path / "wide.docx"
    m = build_matrix(project, MatrixOptions(rows_level=1))
    write_matrix_docx(m, out, title="Categories by role", number=5, landscape=True)
    doc = open_docx(str(out))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.paragraphs[0].text == "Table 5. Categories by role"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:2] == ["Theme", "Category"]
    # Outcomes spans its two categories (Academic, Lifestyle): a merged cell.
    assert [r.cells[1].text for r in table.rows[1:3]] == ["Academic", "Lifestyle"]
    assert table.rows[1].cells[0]._tc is table.rows[2].cells[0]._tc
    assert table.rows[1].cells[0].text == "Outcomes"


def test_excel_matrix_and_segments(project: Project, known: Known, tmp_path: Path) -> None:
    out = tmp_path / "matrix.xlsx"
    options = MatrixOptions(counts=frozenset({"segments"}), not_set=False)
    m = build_matrix(project, options)
    write_matrix_xlsx(m, matrix_segments(project, options, include_left_out=True), out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Matrix", "Segments"]
    ws = wb["Matrix"]
    assert ws["A1"].value == "Table 1. Themes, categories and codes by participant role"
    assert [c.value for c in ws[2]] == ["Theme", "Mentees (n = 4)", "Mentors (n = 2)"]
    assert ws.freeze_panes == "B3"
    assert ws["B3"].alignment.wrap_text
    assert ws["A3"].value == "Outcomes"
    assert ws["B3"].value.split("\n") == [
        "– Academic (3)",
        "  · Motivation to study (2)",
        "  · Better grades (1)",
        "– Lifestyle (1)",
        "  · Daily habits (1)",
    ]
    assert ws["B4"].value == "–"
    # A code name beginning with "=" is neutralised, never a formula.
    assert ws["B5"].value == "– Pressure (1)\n  · =Risky formula (1)"
    assert ws["B5"].data_type == "s"
    assert ws["A7"].value.startswith("Note. Participants per group (role): Mentees, n = 4")
    assert "left out: 1 segment of interviewer speech; 1 segment outside" in ws["A7"].value
    seg = wb["Segments"]
    assert [c.value for c in seg[1]] == [
        "Theme", "Category", "Code", "Group", "Participant", "Document", "Quote", "Coder",
        "Left out",
    ]  # fmt: skip
    assert seg.freeze_panes == "A2"
    assert seg.auto_filter.ref == "A1:I12"
    rows = [[c.value for c in r] for r in seg.iter_rows(min_row=2)]
    assert len(rows) == 11
    assert rows[0] == [
        "Outcomes", "Academic", "Motivation to study", "Mentees", "E1", "FGI mentees",
        "I felt motivated to study every week.", "tester", None,
    ]  # fmt: skip
    # The counted segments first, then those left out, with an empty group and the reason.
    assert [r[8] for r in rows] == [None] * 8 + [
        "outside any participant's turn",
        "interviewer speech",
        "no value for role",
    ]
    assert [(r[3], r[4]) for r in rows[8:]] == [(None, None), (None, "Moderator"), (None, "X1")]
    risky = next(r for r in rows if "Risky" in r[2])
    assert risky[2] == "'=Risky formula"
    dash = next(r for r in rows if r[2] == "Daily habits")
    assert dash[6] == "'- dash start: I sleep earlier now"


def test_excel_cells_neutralised_when_starting_with_formula_chars(
    project: Project, known: Known, tmp_path: Path
) -> None:
    # With codes as rows, a cell starting with "-" bullets is itself neutralised.
    out = tmp_path / "codes.xlsx"
    export_matrix(project, MatrixOptions(rows_level=2), out)
    ws = load_workbook(out)["Matrix"]
    names = [ws.cell(row=r, column=3).value for r in range(3, ws.max_row + 1)]
    assert "'=Risky formula" in names


def test_csv_long_form(project: Project, known: Known, tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    m = build_matrix(project)
    write_matrix_csv(m, matrix_segments(project, include_left_out=True), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == [
        "Theme",
        "Category",
        "Code",
        "Group",
        "Participant",
        "Document",
        "Quote",
        "Coder",
        "Left out",
    ]
    body = rows[1:]
    assert len(body) == 11
    counted = [r for r in body if not r[8]]
    assert len(counted) == m.segments_counted == 9  # X1 counts in the "(not set)" column
    assert [r[4] for r in counted] == ["E1", "E1", "E2", "E2", "E3", "X1", "M1", "M2", "M2"]
    assert counted[5][3] == "(not set)"
    assert ["Negative experiences", "Pressure", "'=Risky formula", "Mentees", "E1", "FGI mentees",
            "The pressure was there too.", "tester", ""] in body  # fmt: skip
    assert any(r[6] == "'- dash start: I sleep earlier now" for r in body)
    assert [(r[3], r[4], r[8]) for r in body[9:]] == [
        ("", "", "outside any participant's turn"),
        ("", "Moderator", "interviewer speech"),
    ]


def test_markdown(project: Project, known: Known, tmp_path: Path) -> None:
    out = tmp_path / "matrix.md"
    export_matrix(project, MatrixOptions(counts=frozenset({"participants"})), out)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "**Table 1.** Themes, categories and codes by participant role"
    assert lines[2] == "| Theme | Mentees (n = 4) | Mentors (n = 2) | (not set) (n = 1) |"
    assert lines[4].startswith("| **Outcomes** | - Academic (2 participants)<br>")
    assert lines[4].endswith(
        " | - Academic (1 participant)<br>\u00a0\u00a0\u00a0· Motivation to study (1 participant) |"
    )
    assert "*Note.* Participants per group (role): Mentees, n = 4; Mentors, n = 2" in text
    assert "(not set): participants without a value for role." in text
    assert (
        "9 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; "
        "1 segment outside any participant's turn."
    ) in text


def test_unknown_extension_writes_nothing(project: Project, known: Known, tmp_path: Path) -> None:
    with pytest.raises(
        UserError, match=r"Cannot write matrix\.pdf: .*\.docx, \.xlsx, \.csv or \.md"
    ):
        export_matrix(project, MatrixOptions(), tmp_path / "matrix.pdf")
    assert (
        list(tmp_path.iterdir()) == [tmp_path / "test.qualframe"]
        or not (tmp_path / "matrix.pdf").exists()
    )


def test_hangul_and_emoji_in_word_and_excel(project: Project, tmp_path: Path) -> None:
    from qualframe.coding.commands import AddCode, ApplyCode
    from tests.coding.test_matrix_data import add_doc

    theme = AddCode("성과 🎓")
    theme.do(project)
    code = AddCode("동기 부여 🚀", theme.guid)
    code.do(project)
    assert code.guid
    guid, text = add_doc(project, "한국어 FGI", [("E1", "공부가 재미있어졌어요 😊 정말로.")])
    phrase = "공부가 재미있어졌어요 😊"
    start = text.index(phrase)
    ApplyCode(guid, start, start + len(phrase), code.guid).do(project)
    options = MatrixOptions(quotes=1)
    export_matrix(project, options, tmp_path / "k.docx")
    export_matrix(project, options, tmp_path / "k.xlsx")
    export_matrix(project, options, tmp_path / "k.csv")
    table = open_docx(str(tmp_path / "k.docx")).tables[0]
    assert table.rows[1].cells[0].text == "성과 🎓"
    assert bullets(table.rows[1].cells[1]) == [(0, "동기 부여 🚀"), (1, f"“{phrase}” — E1")]
    ws = load_workbook(tmp_path / "k.xlsx")["Segments"]
    assert [c.value for c in ws[2]][:2] == ["성과 🎓", "동기 부여 🚀"]
    assert [c.value for c in ws[1]][5] == "Quote"
    assert ws["F2"].value == phrase
    rows = list(csv.reader((tmp_path / "k.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][5] == phrase


# -- page layout (review: rendered with LibreOffice and looked at) -----------------------------
def _long_project(project: Project, groups: int, by: str = "site") -> None:
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from qualframe.coding.corpus.segments import code_range
    from tests.coding.helpers import add_transcript

    turns = [
        (f"P{i}", f"P{i} found the review sessions before exams useful.") for i in range(groups)
    ]
    guid, text = add_transcript(project, "fgi", turns)
    for person in list_participants(project):
        set_participant_attribute(project, person.guid, by, f"Hospital {person.pseudonym[1:]}")
    for _, speech in turns:
        start = text.index(speech)
        for path in ("Suggestions for improvement/Specific implementation guidelines/Plans",
                     "Outcomes/Interpersonal relationships/Closeness"):  # fmt: skip
            code_range(project, guid, start, start + len(speech), path, create=True)


def test_word_rows_do_not_break_across_pages_and_the_note_stays(
    project: Project, known: Known, tmp_path: Path
) -> None:
    out = tmp_path / "m.docx"
    write_matrix_docx(build_matrix(project, MatrixOptions(counts=ALL, quotes=2)), out)
    (table,) = open_docx(str(out)).tables
    assert all(is_cant_split(r) for r in table.rows[1:])
    assert all(
        p.paragraph_format.keep_with_next for c in table.rows[-1].cells for p in c.paragraphs
    )


def test_word_lead_columns_never_break_a_word(project: Project, tmp_path: Path) -> None:
    _long_project(project, 2)
    out = tmp_path / "m.docx"
    write_matrix_docx(build_matrix(project, MatrixOptions(by="site", rows_level=1)), out)
    (table,) = open_docx(str(out)).tables
    # "implementation" (category) and "Suggestions"/"improvement" (theme) fit their columns.
    for col, word in ((0, "improvement"), (1, "implementation")):
        width = table.rows[1].cells[col].width.cm
        assert width >= longest_word_cm([word], bold=col == 0), (col, width)


def test_word_many_groups_split_into_continued_tables(project: Project, tmp_path: Path) -> None:
    _long_project(project, 12)
    out = tmp_path / "m.docx"
    m = build_matrix(project, MatrixOptions(by="site"))
    write_matrix_docx(m, out)
    doc = open_docx(str(out))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Table 1")]
    assert captions == [
        "Table 1. Themes, categories and codes by participant site",
        "Table 1 (continued). Themes, categories and codes by participant site",
    ]
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert headers[0][:3] == ["Theme", "Hospital 0 (n = 1)", "Hospital 1 (n = 1)"]
    assert [h[0] for h in headers] == ["Theme", "Theme"]
    assert sum(len(h) - 1 for h in headers) == 12
    for t in doc.tables:  # every group column readable, every table within the page
        widths = [c.width.cm for c in t.rows[1].cells]
        assert min(widths[1:]) >= 3.0 and sum(widths) <= usable_width_cm(doc) + 0.05
    notes = [p for p in doc.paragraphs if p.text.startswith("Note.")]
    assert len(notes) == 1 and notes[0]._element.getprevious() is doc.tables[-1]._element


def test_word_empty_matrix_has_one_explaining_row(project: Project, tmp_path: Path) -> None:
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from tests.coding.helpers import add_transcript

    add_transcript(project, "fgi", [("E1", "Hello.")])
    (person,) = list_participants(project)
    set_participant_attribute(project, person.guid, "role", "mentee")
    out = tmp_path / "m.docx"
    export_matrix(project, MatrixOptions(), out)
    doc = open_docx(str(out))
    (table,) = doc.tables
    assert len(table.rows) == 2
    assert table.rows[1].cells[0].text == "The codebook has no codes yet, so the table has no rows."
    assert table.rows[1].cells[0]._tc is table.rows[1].cells[1]._tc  # one cell across
    (note,) = [p.text for p in doc.paragraphs if p.text.startswith("Note.")]
    assert "no codes yet" not in note


def test_theme_coded_directly_and_people_without_a_value_reach_word_and_excel(
    project: Project, tmp_path: Path
) -> None:
    """Issue 11, defect 2: a segment coded with a theme itself, and the segments of a
    participant without a role, used to vanish from every export."""
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from qualframe.coding.corpus.segments import code_range
    from tests.coding.helpers import add_transcript

    turns = [
        ("E1", "Planning every week changed everything."),
        ("M1", "I learnt to plan my own exams."),
        ("X1", "I came for the study plan."),
    ]
    guid, text = add_transcript(project, "fgi", turns)
    for person in list_participants(project):
        if person.pseudonym != "X1":
            role = "mentee" if person.pseudonym == "E1" else "mentor"
            set_participant_attribute(project, person.guid, "role", role)
    for who, speech in turns:
        start = text.index(speech)
        path = "Outcomes" if who == "E1" else "Outcomes/Study"
        code_range(project, guid, start, start + len(speech), path, create=True)
    options = MatrixOptions(counts=frozenset({"segments"}))
    m = build_matrix(project, options)

    out = tmp_path / "m.docx"
    write_matrix_docx(m, out)
    (table,) = open_docx(str(out)).tables
    assert [c.text for c in table.rows[0].cells] == [
        "Theme", "Mentees (n = 1)", "Mentors (n = 1)", "(not set) (n = 1)",
    ]  # fmt: skip
    outcomes = table.rows[1].cells
    assert bullets(outcomes[1]) == [(0, "(coded with the theme itself) (1)")]
    assert bullets(outcomes[2]) == [(0, "Study (1)")]
    assert bullets(outcomes[3]) == [(0, "Study (1)")]

    xlsx = tmp_path / "m.xlsx"
    write_matrix_xlsx(m, matrix_segments(project, options), xlsx)
    ws = load_workbook(xlsx)["Matrix"]
    assert [c.value for c in ws[3]] == [
        "Outcomes", "– (coded with the theme itself) (1)", "– Study (1)", "– Study (1)",
    ]  # fmt: skip
    seg = load_workbook(xlsx)["Segments"]
    assert [(r[0].value, r[2].value, r[3].value) for r in seg.iter_rows(min_row=2)] == [
        ("Outcomes", "Mentees", "E1"),
        ("Outcomes", "Mentors", "M1"),
        ("Outcomes", "(not set)", "X1"),
    ]
