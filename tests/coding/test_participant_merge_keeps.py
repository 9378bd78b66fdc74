"""Merging two pseudonyms of one person keeps what the merged-away one carried besides turns,
answers and attribute values: every spelling of the real name (so exports still mask it) and
the survey response rows (so an incomplete response stays left out); deleting a participant
and undoing it brings both back."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.commands import UndoStack
from qualframe.coding.commands.participant_merge import DeleteParticipant, MergeParticipants
from qualframe.coding.core.privacy import NameMasker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from tests.coding.test_merge_research import FGI_A, SURVEY, _import, names_of, responses_of

# the same E6 speaks in a second group under another pseudonym, her name written in Latin
FGI_C = (
    "Moderator: Qu'est-ce qui a changé cette année ?\n\n"
    "P3 (Kim Minji): J'organise mes révisions toute seule maintenant.\n\n"
    "E7 (Lee Seo-yeon): Nous nous voyons moins souvent.\n\n"
    "Moderator: Et qu'est-ce qui manque ?\n\n"
    "P3 (Kim Minji): Une séance avant les examens.\n\n"
    "E7 (Lee Seo-yeon): Un peu plus de temps.\n"
)


def _guid(project: Project, pseudonym: str) -> str:
    return next(p.guid for p in list_participants(project) if p.pseudonym == pseudonym)


def _mask(project: Project, text: str) -> str:
    with project.read() as s:
        return NameMasker.from_session(s)(text)


def test_merging_keeps_every_spelling_of_the_real_name(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p.qualframe", coder="Ha-eun")
    _import(project, tmp_path, {"fgi_a.txt": FGI_A, "fgi_c.txt": FGI_C})
    assert _mask(project, "Kim Minji und 김민지") == "P3 und E6"
    stack = UndoStack(project)
    stack.push(MergeParticipants(_guid(project, "P3"), _guid(project, "E6")))
    # the name P3 carried is now a spelling of E6: still masked, by the right pseudonym
    assert _mask(project, "Kim Minji und 김민지") == "E6 und E6"
    assert {("E6", "김민지"), ("E6", "Kim Minji")} <= names_of(project)
    stack.undo()
    assert _mask(project, "Kim Minji und 김민지") == "P3 und E6"
    assert ("E6", "Kim Minji") not in names_of(project)
    stack.redo()
    assert _mask(project, "Kim  Minji") == "E6"


def test_merging_keeps_the_survey_response_rows(tmp_path: Path) -> None:
    """E8's response is incomplete (Progress 40): merged into the speaker M8 it stays left
    out of the tables, as it was, instead of counting as a complete respondent."""
    project = Project.create(tmp_path / "p.qualframe", coder="Ha-eun")
    transcript = FGI_A.replace("E7 (Lee Seo-yeon)", "M8")
    _import(project, tmp_path, {"fgi_a.txt": transcript, "survey.csv": SURVEY})
    before = survey_tables(project, by="role").to_json()
    assert before["n"]["total"] == 2 and before["excluded"] == {"incomplete": 1}
    stack = UndoStack(project)
    stack.push(MergeParticipants(_guid(project, "E8"), _guid(project, "M8")))
    assert ("M8", "survey.csv", "incomplete") in responses_of(project)
    after = survey_tables(project, by="role").to_json()
    assert after["n"]["total"] == 2 and after["excluded"] == {"incomplete": 1}
    stack.undo()
    assert ("E8", "survey.csv", "incomplete") in responses_of(project)
    assert survey_tables(project, by="role").to_json() == before


def test_undoing_a_deletion_brings_names_and_responses_back(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "p.qualframe", coder="Ha-eun")
    _import(project, tmp_path, {"fgi_a.txt": FGI_A, "survey.csv": SURVEY})
    names, responses = names_of(project), responses_of(project)
    tables = survey_tables(project, by="role").to_json()
    stack = UndoStack(project)
    for who in ("E6", "E8"):
        stack.push(DeleteParticipant(_guid(project, who)))
    stack.undo()
    stack.undo()
    assert names_of(project) == names and responses_of(project) == responses
    assert survey_tables(project, by="role").to_json() == tables
    assert _mask(project, "김민지") == "E6"


def test_coder_and_participant_merges_undo_and_redo_together(tmp_path: Path) -> None:
    """Merging two spellings of a coder and two pseudonyms of a participant touch different
    rows of the same segments (coder, turn): both undo and redo in turn without a trace."""
    from qualframe.coding.corpus.coder_merge import MergeCoders
    from qualframe.coding.query.segments import list_segments
    from tests.coding.agreement.study import code

    project = Project.create(tmp_path / "p.qualframe", coder="Ha-eun")
    _import(project, tmp_path, {"fgi_a.txt": FGI_A, "fgi_c.txt": FGI_C})
    code(project, "jordan", "fgi_c", "Une séance avant les examens", "Wishes/Exam meeting")
    code(project, "Jordan", "fgi_c", "Une séance avant les examens", "Wishes/Exam meeting")
    code(project, "jordan", "fgi_c", "toute seule", "Autonomy")

    def state() -> list[tuple[str, str, str | None, int, int]]:
        who = {p.guid: p.pseudonym for p in list_participants(project)}
        return sorted((s.guid, s.coder, who.get(s.participant_guid or ""), s.start, s.end)
                      for s in list_segments(project))  # fmt: skip

    before, names = state(), names_of(project)
    stack = UndoStack(project)
    stack.push(MergeCoders("jordan", "Jordan"))
    stack.push(MergeParticipants(_guid(project, "P3"), _guid(project, "E6")))
    merged = state()
    assert {(c, p) for _, c, p, _, _ in merged} == {("Jordan", "E6")}
    assert len(merged) == 2  # the duplicate coding of one person folded into one
    stack.undo()
    stack.undo()
    assert state() == before and names_of(project) == names
    stack.redo()
    stack.redo()
    assert state() == merged
