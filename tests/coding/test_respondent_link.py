"""Linking a transcript speaker to the survey respondent who is the same person: afterwards
the person counts once in the theme matrix's group N and in the survey's N, the survey
answers (and their status) belong to the speaker, the file's respondent id is kept, and undo
gives everything back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding.analysis.matrix import group_sizes
from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.commands import LinkRespondent, UndoStack
from qualframe.coding.commands.respondent_link import link_candidates
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.storage.models import Participant, SurveyResponse
from tests.coding.helpers import add_transcript, stored_answers

SURVEY = (
    "id,role,Progress,help\nR07,mentor,100,5\nR08,mentee,100,3\nR09,mentee,40,2\nR10,mentor,100,4\n"
)


@pytest.fixture
def study(project: Project, tmp_path: Path) -> dict[str, str]:
    add_transcript(
        project, "fgi_mentors", [("Moderator", "Welcome."), ("M1", "I planned every week."),
                                 ("M2", "Mine came late.")],
        roles={"M1": "mentor", "M2": "mentor"},
    )  # fmt: skip
    add_transcript(project, "fgi_mentees", [("E1", "It helped.")], roles={"E1": "mentee"})
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    import_files(project, [path], ImportOptions(column_types={"help": "likert:1-5"}))
    return {p.pseudonym: p.guid for p in list_participants(project)}


def _survey_ns(project: Project, incomplete: str = "exclude") -> tuple[int, dict[str, int]]:
    t = survey_tables(project, by="role", incomplete=incomplete)
    return t.total_n, dict(t.group_ns)


def test_link_counts_the_person_once_and_undo_unlinks(
    project: Project, study: dict[str, str]
) -> None:
    stack = UndoStack(project)
    assert group_sizes(project) == {"mentor": 4, "mentee": 3}  # M1, M2, R07, R10 | E1, R08, R09
    assert _survey_ns(project) == (3, {"mentee": 1, "mentor": 2})  # R09 incomplete
    kind, candidates = link_candidates(project, study["M1"])
    assert kind == "respondents"
    assert [(c.pseudonym, c.respondent_ids, c.files) for c in candidates] == [
        ("R07", ("R07",), ("survey.csv",)), ("R08", ("R08",), ("survey.csv",)),
        ("R09", ("R09",), ("survey.csv",)), ("R10", ("R10",), ("survey.csv",)),
    ]  # fmt: skip
    stack.push(LinkRespondent(study["M1"], study["R07"]))
    assert stack.undo_text == "Link M1 to respondent R07"
    assert group_sizes(project) == {"mentor": 3, "mentee": 3}
    assert _survey_ns(project) == (3, {"mentee": 1, "mentor": 2})  # the same people answered
    assert stored_answers(project)[("M1", "help")] == ("5", 5.0, None)
    with project.read() as s:
        rows = s.execute(
            select(Participant.pseudonym, SurveyResponse.respondent_id, SurveyResponse.status)
            .join(Participant, Participant.id == SurveyResponse.participant_id)
            .order_by(SurveyResponse.respondent_id)
        ).all()
    assert tuple(rows[0]) == ("M1", "R07", "complete")
    assert "R07" not in {p.pseudonym for p in list_participants(project)}
    # a respondent sees the speakers still to link; M1 is linked now
    kind, speakers = link_candidates(project, study["R08"])
    assert kind == "speakers" and [c.pseudonym for c in speakers] == ["E1", "M2"]
    with pytest.raises(UserError, match="M1 is linked already"):
        link_candidates(project, study["M1"])
    stack.undo()
    assert group_sizes(project) == {"mentor": 4, "mentee": 3}
    assert stored_answers(project)[("R07", "help")] == ("5", 5.0, None)
    assert {p.pseudonym: p.guid for p in list_participants(project)} == study


def test_an_incomplete_response_keeps_its_status_when_linked(
    project: Project, study: dict[str, str]
) -> None:
    stack = UndoStack(project)
    stack.push(LinkRespondent(study["E1"], study["R09"]))
    # R09 (now E1) is still incomplete: left out unless included
    assert _survey_ns(project) == (3, {"mentee": 1, "mentor": 2})
    assert _survey_ns(project, "include") == (4, {"mentee": 2, "mentor": 2})
    t = survey_tables(project, by="role", incomplete="include").to_json()
    help_ = t["likert"][0]
    assert help_["groups"]["mentee"]["mean"] == 2.5  # E1's 2 and R08's 3


def test_links_that_make_no_sense_are_refused(project: Project, study: dict[str, str]) -> None:
    stack = UndoStack(project)
    with pytest.raises(UserError, match="R08 speaks in no transcript"):
        stack.push(LinkRespondent(study["R08"], study["R07"]))
    with pytest.raises(UserError, match="M2 answered no survey"):
        stack.push(LinkRespondent(study["M1"], study["M2"]))
    stack.push(LinkRespondent(study["M1"], study["R07"]))
    with pytest.raises(UserError, match="M1 speaks in a transcript; use Merge"):
        stack.push(LinkRespondent(study["M2"], study["M1"]))
