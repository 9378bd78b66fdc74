"""What a user chooses for a survey before it is written: keep or replace per attribute when
the file disagrees with the project, leave incomplete or preview responses out of the
import, and what the preview shows to choose from (header rows, flagged responses,
conflicts as rows, respondent ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, import_files, preview_files
from tests.coding.helpers import add_transcript, stored_answers

QUALTRICS = (
    "StartDate,EndDate,Status,Progress,Finished,ResponseId,role,year,Q1\n"
    '"Start Date","End Date","Response Type","Progress","Finished","Response ID",'
    '"Your role","Your year","The mentor helped me"\n'
    '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
    '"{""ImportId"":""progress""}","{""ImportId"":""finished""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3""}"\n'
    "2026-03-02 10:00,2026-03-02 10:05,IP Address,100,True,M1,mentee,2,Agree\n"
    "2026-03-02 11:00,2026-03-02 11:04,IP Address,100,True,R_b,mentee,3,Strongly agree\n"
    "2026-03-02 12:00,2026-03-02 12:01,IP Address,40,False,R_c,mentor,3,Disagree\n"
    "2026-03-02 13:00,2026-03-02 13:02,Survey Preview,100,True,R_d,mentor,1,Agree\n"
)


@pytest.fixture
def survey(project: Project, tmp_path: Path) -> Path:
    # M1 is a mentor in year 4 according to the focus group
    add_transcript(project, "fgi", [("M1", "I met my mentee weekly.")], roles={"M1": "mentor"})
    from qualframe.coding.corpus.participants import set_participant_attribute

    m1 = next(p.guid for p in list_participants(project) if p.pseudonym == "M1")
    set_participant_attribute(project, m1, "year", "4")
    path = tmp_path / "qualtrics.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    return path


def test_the_preview_shows_what_there_is_to_choose(project: Project, survey: Path) -> None:
    (p,) = preview_files([survey], ImportOptions(), project)
    assert p.tool == "Qualtrics (choice text)"
    assert (p.header_row, p.header_rows) == (1, ["column ids", "question wording", "ImportId"])
    assert p.respondent_ids == ["M1", "R_b", "R_c", "R_d"]
    assert p.flagged == [("R_c", "incomplete", "Progress 40"), ("R_d", "preview",
                                                                   "Status Survey Preview")]  # fmt: skip
    assert sorted(p.conflict_rows) == [("M1", "role", "mentor", "mentee"), ("M1", "year", "4", "2")]
    assert "  header: rows 1-3 (column ids, question wording, ImportId)" in p.lines()
    q1 = next(c for c in p.columns if c.name == "Q1")
    assert q1.label == "The mentor helped me"


def test_keep_or_replace_per_attribute(project: Project, survey: Path) -> None:
    with pytest.raises(ImportRefused, match=r"M1: role is 'mentor' in the project"):
        import_files(project, [survey], ImportOptions())
    # one attribute chosen, the other still open: refused, naming the open one
    with pytest.raises(ImportRefused, match=r"M1: year is '4' in the project, '2' in the file"):
        import_files(project, [survey], ImportOptions(conflict_choices={"Role": "keep"}))
    import_files(
        project, [survey], ImportOptions(conflict_choices={"Role": "keep", "year": "replace"})
    )
    m1 = next(p for p in list_participants(project) if p.pseudonym == "M1")
    assert m1.attributes == {"role": "mentor", "year": "2"}
    # the choice for every attribute is the fallback of the choices per attribute
    assert ImportOptions(on_conflict="keep", conflict_choices={"year": "replace"}).conflict_choice(
        "Year"
    ) == "replace"  # fmt: skip
    with pytest.raises(UserError, match="'maybe': choose keep or replace"):
        preview_files([survey], ImportOptions(conflict_choices={"role": "maybe"}))


def test_incomplete_and_preview_responses_left_out_of_the_import(
    project: Project, survey: Path
) -> None:
    options = ImportOptions(on_conflict="keep", leave_out={"preview"})
    (p,) = preview_files([survey], options, project)
    assert p.respondents == 3 and p.left_out == [("R_d", "preview", "Status Survey Preview")]
    assert "  left out of the import: 1 preview" in p.lines()
    report = import_files(project, [survey], options)
    assert report.files[0].respondents == 3
    people = {p.pseudonym for p in list_participants(project)}
    assert "R_d" not in people and "R_c" in people
    answers = stored_answers(project)
    assert ("R_d", "Q1") not in answers and answers[("R_c", "Q1")][0] == "Disagree"
    # R_c is imported, flagged incomplete: left out of the tables unless included
    assert survey_tables(project, by=None).total_n == 2
    assert survey_tables(project, by=None, incomplete="include").total_n == 3
    with pytest.raises(UserError, match="only incomplete or preview responses can be left out"):
        preview_files([survey], ImportOptions(leave_out={"complete"}))


def test_leaving_out_incomplete_responses_too(project: Project, survey: Path) -> None:
    options = ImportOptions(on_conflict="replace", leave_out={"incomplete", "preview"})
    import_files(project, [survey], options)
    assert {p.pseudonym for p in list_participants(project)} == {"M1", "R_b"}
    t = survey_tables(project, by=None, incomplete="include").to_json()
    q1 = t["likert"][0]
    assert (q1["overall"]["n"], q1["overall"]["mean"]) == (2, 4.5)  # Agree 4, Strongly agree 5
