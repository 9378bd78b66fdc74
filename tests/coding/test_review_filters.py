"""The review filter (``reviewed="agreed"``) where main's exports count coded segments: the
survey's coded-themes table (its note, not the frequency tables', says what was left out)
and the retrieved segments written to Word and Excel (their note says so too)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from qualframe.coding.analysis import survey as ss
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.export.segments_report import SegmentQuery, export_segments
from qualframe.coding.export.survey_docx import write_survey_docx
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview
from tests.coding.test_survey_stats import CODES, PEOPLE, PLACE
from tests.coding.test_survey_stats_data import Item, add_survey

BEST = {"B1": "The exam reviews", "B2": "Reviews before exams", "A1": "Exam help, and a friend"}
AGREED = "Only segments an auditor reviewed and agreed with are counted"


def _reviewed_study(project: Project) -> None:
    add_survey(
        project,
        PEOPLE,
        [Item("place", "single", PLACE, options=["Library", "Cafe", "Online"]),
         Item("best", "text", BEST)],
        codes=CODES,
    )  # fmt: skip
    by_speaker = {s.speaker: s for s in list_segments(project)}
    AddCoder("kim", "auditor").do(project)
    coder = project.coder
    project.coder = "kim"
    AddReview(by_speaker["B1"].guid, "agree").do(project)
    AddReview(by_speaker["B2"].guid, "dispute", "Not about exams.").do(project)
    project.coder = coder


def _notes(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in doc.paragraphs if p.text.startswith("Note.")]


def test_the_coded_themes_count_only_agreed_segments_and_say_so(
    project: Project, tmp_path: Path
) -> None:
    _reviewed_study(project)
    every = ss.survey_tables(project, by="role")
    agreed = ss.survey_tables(project, by="role", reviewed="agreed")
    assert every.codes is not None and agreed.codes is not None
    exam = {r.code: r for r in every.codes.rows}["Benefits/Exam help"]
    exam_agreed = {r.code: r for r in agreed.codes.rows}["Benefits/Exam help"]
    assert (exam.total.n, exam_agreed.total.n) == (3, 1)  # B1 only: B2 disputed, A1 unreviewed
    assert (agreed.reviewed, agreed.not_reviewed, every.not_reviewed) == ("agreed", 3, 0)
    out = tmp_path / "survey.docx"
    write_survey_docx(agreed, out)
    notes = _notes(Document(str(out)))
    codes_note = next(n for n in notes if "open-ended answer" in n)
    assert AGREED in codes_note and "3 coded segments without such a review are left out" in (
        codes_note
    )
    assert sum(AGREED in n for n in notes) == 1  # not under the frequency table
    assert agreed.to_json()["codes"]["segments_not_reviewed"] == 3
    assert agreed.to_json()["codes"]["reviewed"] == "agreed"
    assert every.to_json()["codes"]["reviewed"] == "all"


def test_the_segment_export_keeps_agreed_segments_and_its_note_says_how_many_went(
    project: Project, tmp_path: Path
) -> None:
    _reviewed_study(project)
    query = SegmentQuery(reviewed="agreed")
    out = tmp_path / "agreed.xlsx"
    assert export_segments(project, query, out) == 1
    ws = load_workbook(out).active
    cells = [str(c.value or "") for row in ws.iter_rows() for c in row]
    speakers = [row[5].value for row in ws.iter_rows(min_row=3) if row[5].value]
    assert speakers == ["B1"]  # B2's segment is disputed, A1's not reviewed
    note = next(c for c in cells if c.startswith("Note."))
    assert "Filters: reviewed and agreed by an auditor." in note
    assert "3 coded segments without such a review are left out" in note
    docx = tmp_path / "agreed.docx"
    assert export_segments(project, SegmentQuery(reviewed="any"), docx) == 2
    (note,) = _notes(Document(str(docx)))
    assert "at least one auditor's verdict" in note and "2 coded segments not reviewed" in note
