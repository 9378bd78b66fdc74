"""Review mode is enforced in the domain layer: a project open for review, or a coder whose
role is auditor, refuses every write through the domain API before anything is written (a
full dump of every table is compared), and accepts only verdicts and comments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from qualframe.coding import commands
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.commands.survey_commands import EditSurveyItem
from qualframe.coding.core.errors import ReviewOnlyError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder, RenameCoder
from qualframe.coding.corpus.memos import AddMemo, DeleteMemo, EditMemo
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from qualframe.coding.corpus.segments import code_range
from qualframe.coding.exchange import model as m
from qualframe.coding.exchange.qdc import ImportCodebook
from qualframe.coding.importing.attribute_table import read_attribute_table
from qualframe.coding.importing.model import ImportOptions
from qualframe.coding.importing.service import import_files
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import AddCodeComment, AnswerCodeComment
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.models import Base, SurveyItem
from tests.coding.helpers import add_transcript

TEXT = [
    ("Moderator", "What helped you most?"),
    ("E1", "My mentor made a study plan with me and we met every week."),
    ("M1", "I felt responsible for her results; it was pressure for me too."),
]


def dump(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out = {}
    with project.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


@pytest.fixture
def study(tmp_path: Path) -> dict[str, Any]:
    """A small coded study, closed; then reopened by the test as it needs."""
    path = tmp_path / "study.qualframe"
    p = Project.create(path, coder="ana")
    doc, text = add_transcript(p, "fgi", TEXT, roles={"E1": "mentee", "M1": "mentor"})
    stack = commands.UndoStack(p)
    plans = stack.push(commands.AddCode("Study plans")).created_guid
    pressure = stack.push(commands.AddCode("Pressure")).created_guid
    assert plans and pressure
    i = text.index("made a study plan")
    seg = stack.push(commands.ApplyCode(doc, i, i + 17, plans)).created_guid
    j = text.index("it was pressure")
    seg2 = stack.push(commands.ApplyCode(doc, j, j + 15, pressure)).created_guid
    memo = stack.push(AddMemo("Bracketing", "I expected plans to matter.")).created_guid
    spring = stack.push(commands.AddDocumentSet("Spring", [doc])).created_guid
    survey = tmp_path / "survey.csv"
    survey.write_text("respondent_id,role,helpful\nR1,mentee,Agree\nR2,mentor,Neutral\n", "utf-8")
    import_files(p, [survey], ImportOptions(kind="survey"))
    with p.read() as s:
        item = s.scalar(select(SurveyItem.guid).where(SurveyItem.name == "helpful"))
    AddCoder("kim", "auditor").do(p)
    p.close()
    with Project.open(path, coder="kim") as p:
        dispute = AddReview(seg2, "dispute", "This is responsibility, not pressure.")
        dispute.do(p)
        comment = AddCodeComment(plans, "Is a plan made alone a study plan?")
        comment.do(p)
    return {
        "path": path, "doc": doc, "text": text, "plans": plans, "pressure": pressure,
        "seg": seg, "seg2": seg2, "memo": memo, "dispute": dispute.guid,
        "code_comment": comment.guid, "set": spring, "item": item,
    }  # fmt: skip


def write_attempts(
    p: Project, st: dict[str, Any], tmp: Path
) -> list[tuple[str, Callable[[], Any]]]:
    doc, seg, plans, pressure = st["doc"], st["seg"], st["plans"], st["pressure"]
    person = next(x for x in list_participants(p) if x.pseudonym == "E1")
    transcript = tmp / "new.txt"
    transcript.write_text("E9: Another mentee speaks about exams.\n", encoding="utf-8")
    book = m.Codebook(codes=[m.Code(guid="6f1d2c3b-0000-4000-8000-000000000001", name="New")])
    sheet = tmp / "attributes.csv"
    sheet.write_text("pseudonym,year\nE1,2\n", encoding="utf-8")
    survey = tmp / "survey2.csv"
    survey.write_text("respondent_id,role,helpful\nR3,mentee,Agree\n", encoding="utf-8")
    m1 = next(x for x in list_participants(p) if x.pseudonym == "M1")
    return [
        ("add a code", lambda: commands.AddCode("Motivation").do(p)),
        ("rename a code", lambda: commands.RenameCode(plans, "Plans").do(p)),
        ("recolour a code", lambda: commands.RecolourCode(plans, "#123456").do(p)),
        ("edit a definition", lambda: commands.EditCodeDetails(plans, {"definition": "x"}).do(p)),
        ("move a code", lambda: commands.MoveCode(pressure, plans).do(p)),
        ("merge codes", lambda: commands.MergeCodes(pressure, plans).do(p)),
        ("delete a code", lambda: commands.DeleteCode(pressure).do(p)),
        ("load a template", lambda: commands.LoadTemplate("mentoring").do(p)),
        ("apply a code", lambda: commands.ApplyCode(doc, 0, 5, plans).do(p)),
        ("code many", lambda: commands.ApplyCodeMany([(doc, 0, 5)], plans).do(p)),
        ("code from the command line", lambda: code_range(p, doc, 0, 5, "New", create=True)),
        ("remove a segment", lambda: commands.RemoveSegment(seg).do(p)),
        ("resize a segment", lambda: commands.ResizeSegment(seg, 0, 30).do(p)),
        ("segment memo", lambda: commands.SetSegmentMemo(seg, "note").do(p)),
        ("exemplar", lambda: commands.SetExemplar(seg, True).do(p)),
        ("add an attribute", lambda: commands.AddAttribute("cohort").do(p)),
        (
            "set an attribute",
            lambda: commands.SetParticipantAttribute(person.guid, "role", "x").do(p),
        ),
        ("attribute (plain)", lambda: set_participant_attribute(p, person.guid, "role", "x")),
        ("import a transcript", lambda: import_files(p, [transcript], ImportOptions())),
        ("import a codebook", lambda: ImportCodebook(book, "book.qdc").do(p)),
        ("add a memo", lambda: AddMemo("Note", "text").do(p)),
        ("edit a memo", lambda: EditMemo(st["memo"], "T", "changed").do(p)),
        ("answer a dispute", lambda: AnswerDispute(st["dispute"], "It is pressure.").do(p)),
        ("answer a code comment", lambda: AnswerCodeComment(st["code_comment"], "Yes.").do(p)),
        ("add a coder", lambda: AddCoder("lee", "analyst").do(p)),
        ("rename a coder", lambda: RenameCoder("ana", "Ana K.").do(p)),
        ("set the title", lambda: p.set_meta("title", "Another")),
        # main's changes since: documents, sets, memos, participants, surveys
        ("rename a document", lambda: commands.RenameDocument(doc, "fgi_2").do(p)),
        ("edit a document's text", lambda: commands.EditDocumentText(doc, 0, 9, "Mod").do(p)),
        ("delete a document", lambda: commands.DeleteDocument(doc).do(p)),
        ("new document set", lambda: commands.AddDocumentSet("Autumn", [doc]).do(p)),
        ("rename a document set", lambda: commands.RenameDocumentSet(st["set"], "S").do(p)),
        ("set membership", lambda: commands.SetMembership(st["set"], [doc], add=False).do(p)),
        ("delete a document set", lambda: commands.DeleteDocumentSet(st["set"]).do(p)),
        ("delete a memo", lambda: DeleteMemo(st["memo"]).do(p)),
        ("merge participants", lambda: commands.MergeParticipants(m1.guid, person.guid).do(p)),
        ("delete a participant", lambda: commands.DeleteParticipant(m1.guid).do(p)),
        (
            "import attributes",
            lambda: commands.ImportAttributes(
                plan_attribute_import(p, read_attribute_table(sheet))
            ).do(p),
        ),
        ("import a survey", lambda: import_files(p, [survey], ImportOptions(kind="survey"))),
        ("edit a survey item", lambda: EditSurveyItem(st["item"], label="Helpful?").do(p)),
    ]


def test_a_project_open_for_review_refuses_every_write_and_changes_nothing(
    study: dict[str, Any], tmp_path: Path
) -> None:
    with Project.open(study["path"], coder="kim", review=True) as p:
        before = dump(p)
        attempts = write_attempts(p, study, tmp_path)
        for what, attempt in attempts:
            with pytest.raises(ReviewOnlyError) as refused:
                attempt()
            message = str(refused.value)
            assert "open for review by kim" in message, what
            assert message.endswith(".") and ". " not in message, message  # one sentence
            assert dump(p) == before, f"{what} wrote something"
        assert len(attempts) == 40
        # the one thing a review may do: verdicts and comments
        AddReview(study["seg"], "agree").do(p)
        AddCodeComment(study["pressure"], "", kind="agree").do(p)
        assert dump(p) != before
        assert [(r.reviewer, r.verdict) for r in list_reviews(p, study["seg"])] == [
            ("kim", "agree")
        ]


def test_an_auditor_cannot_write_even_outside_review_mode(
    study: dict[str, Any], tmp_path: Path
) -> None:
    with Project.open(study["path"], coder="kim") as p:
        assert p.reviewing and p.role() == "auditor"
        before = dump(p)
        for what, attempt in write_attempts(p, study, tmp_path):
            with pytest.raises(ReviewOnlyError, match="kim is an auditor"):
                attempt()
            assert dump(p) == before, f"{what} wrote something"
        AddReview(study["seg"], "comment", "Good passage.").do(p)
        assert len(list_reviews(p, study["seg"])) == 1


def test_undo_in_review_mode_is_refused_for_a_change_but_allowed_for_a_verdict(
    study: dict[str, Any],
) -> None:
    with Project.open(study["path"], coder="kim", review=True) as p:
        stack = commands.UndoStack(p)
        stack.push(AddReview(study["seg"], "agree"))
        stack.undo()
        assert list_reviews(p, study["seg"]) == []
        stack.redo()
        assert len(list_reviews(p, study["seg"])) == 1


def test_a_new_name_opening_for_review_becomes_an_auditor(study: dict[str, Any]) -> None:
    with Project.open(study["path"], coder="lee", review=True) as p:
        assert p.role() == "auditor"
        AddReview(study["seg"], "agree").do(p)
    with Project.open(study["path"], coder="lee") as p:
        assert p.role() == "auditor"
        with pytest.raises(ReviewOnlyError):
            commands.AddCode("X").do(p)
    with Project.open(study["path"], coder="ana") as p:  # the analyst still works as before
        assert not p.reviewing
        commands.AddCode("Motivation").do(p)
        assert find_code(p, "Motivation") is not None
        assert len(list_segments(p)) == 2
