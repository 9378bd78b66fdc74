"""Retrieved segments to Word and Excel: re-opened and checked cell by cell — context, real
names masked, formula-like text neutralised, and a note stating the filters and counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from qualframe.coding.commands import AddCode, AddDocumentSet, ApplyCode, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.segments_report import SegmentQuery, context, export_segments
from qualframe.coding.query.filters import Where
from tests.coding.helpers import add_transcript

MENTEES = [
    ("Moderator", "What did your mentor do before exams?"),
    ("E1", "She held a review session and 김민지 came too; it helped a lot."),
    ("E2", "=SUM(A1) was my score sheet, and the review session saved me."),
]


@pytest.fixture
def coded(project: Project) -> tuple[Project, str, str]:
    roles = {"E1": "mentee", "E2": "mentee", "M1": "mentor"}
    doc, text = add_transcript(project, "fgi_mentees", MENTEES, roles=roles)
    doc2, text2 = add_transcript(
        project, "fgi_mentors", [("M1", "I ran a review session every month.")], roles=roles
    )
    with project.write() as s:
        add_participants_in(
            s, [ParticipantData("E1", real_name="김민지", attributes={"year": "1"})]
        )
    stack = UndoStack(project)
    code = stack.push(AddCode("Review sessions")).created_guid
    ask = stack.push(AddCode("Questions")).created_guid
    assert code and ask
    for d, t, quote, c in (
        (doc, text, "held a review session and 김민지 came too", code),
        (doc, text, "=SUM(A1) was my score sheet", code),
        (doc2, text2, "review session every month", code),
        (doc, text, "What did your mentor do", ask),
    ):
        i = t.index(quote)
        stack.push(ApplyCode(d, i, i + len(quote), c, memo="+check" if c == ask else ""))
    stack.push(AddDocumentSet("Mentees", [doc]))
    return project, code, text


def test_context_is_cut_at_whole_words() -> None:
    text = "one two three four five six seven"
    i = text.index("four")
    assert context(text, i, i + 4, 9) == ("three", "five six")
    assert context(text, i, i + 4, 7) == ("three", "five")  # "five si" ends inside a word
    assert context(text, 0, 3, 100) == ("", "two three four five six seven")
    assert context(text, i, i + 4, 0) == ("", "")


def test_word_export(tmp_path: Path, coded: tuple[Project, str, str]) -> None:
    project, code, _ = coded
    query = SegmentQuery(code_guid=code, code_path="Review sessions", document_sets=["Mentees"])
    out = tmp_path / "segments.docx"
    assert export_segments(project, query, out, context_chars=30) == 2
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == "Table 1. Coded segments: Review sessions"
    (table,) = doc.tables
    assert ds.is_repeat_header(table.rows[0])
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["#", "Document", "Speaker", "Code", "Coded text in context"]
    assert rows[1][:4] == ["1", "fgi_mentees", "E1 · mentee", "Review sessions"]
    quote = table.rows[1].cells[4].paragraphs[0]
    bold = "".join(r.text for r in quote.runs if r.bold)
    assert bold == "held a review session and E1 came too"  # the real name masked
    assert quote.runs[0].text.startswith("…") and quote.runs[-1].text.endswith("…")
    assert "김민지" not in "\n".join("".join(r) for r in rows)
    note = doc.paragraphs[-1].text
    assert note.startswith("Note. 2 coded segments from 1 document and 2 participants.")
    assert "Filters: code “Review sessions” with its sub-codes; document set Mentees." in note
    assert "up to 30 characters" in note and "replaced by their pseudonyms" in note


def test_excel_export(tmp_path: Path, coded: tuple[Project, str, str]) -> None:
    project, _code, text = coded
    out = tmp_path / "segments.xlsx"
    query = SegmentQuery(document_sets=["Mentees"])
    assert export_segments(project, query, out, real_names=True) == 3
    ws = load_workbook(out)["Segments"]
    assert ws["A1"].value == "Table 1. Coded segments"
    header = [c.value for c in ws[2]]
    assert header == ["Document", "Start", "End", "Code", "Coder", "Speaker", "Interviewer",
                      "role", "year", "Context before", "Coded text", "Context after", "Memo",
                      "Exemplar", "GUID"]  # fmt: skip
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3, max_row=5)]
    by_text = {r[10]: r for r in rows}
    first = by_text["held a review session and 김민지 came too"]  # real names asked for
    assert first[:8] == ["fgi_mentees", text.index("held a"), text.index("held a") + 38,
                         "Review sessions", "tester", "E1", "no", "mentee"]  # fmt: skip
    assert (
        first[8] == "1" and first[9] == "Moderator: What did your mentor do before exams? E1: She"
    )
    formula = next(r for r in rows if "SUM" in r[10])
    assert formula[10] == "'=SUM(A1) was my score sheet"  # neutralised, not a formula
    interviewer = next(r for r in rows if r[6] == "yes")
    assert interviewer[5] == "Moderator" and interviewer[12] == "'+check"
    note = ws.cell(row=7, column=1).value
    assert note.startswith(
        "Note. 3 coded segments from 1 document and 2 participants; 1 in the interviewer's speech."
    )
    assert "Filters: document set Mentees." in note and "shown as written" in note
    assert ws.auto_filter.ref == "A2:O5" and ws.freeze_panes == "A3"


def test_filters_in_the_note(tmp_path: Path, coded: tuple[Project, str, str]) -> None:
    project, code, _ = coded
    query = SegmentQuery(
        code_guid=code, code_path="Review sessions", include_descendants=False,
        where=[Where("role", "mentor")], coder="tester", include_interviewer=False,
    )  # fmt: skip
    out = tmp_path / "mentors.docx"
    assert export_segments(project, query, out, context_chars=0) == 1
    note = open_docx(str(out)).paragraphs[-1].text
    assert (
        "Filters: code “Review sessions” (without sub-codes); role = mentor; coder tester; " in note
    )
    assert "interviewer speech left out." in note and "Context" not in note


def test_refusals(tmp_path: Path, coded: tuple[Project, str, str]) -> None:
    project, _, _ = coded
    with pytest.raises(
        UserError, match=r"segments\.pdf: segments can be saved as \.docx or \.xlsx"
    ):
        export_segments(project, SegmentQuery(), tmp_path / "segments.pdf")
    with pytest.raises(UserError, match="no coded segment matches"):
        export_segments(project, SegmentQuery(coder="nobody"), tmp_path / "s.docx")
    assert not (tmp_path / "s.docx").exists()
