"""The hash chain covers the events of every kind of change, not only coding and reviews:
transcript and survey imports (whose audit rows are inserted in one statement), real names
found in speaker labels, survey item edits, document sets, memos, document renames and text
edits, participant merges, attribute imports and REFI-QDA exchange. After each change (and
each undo) the trail verifies intact, the new events read as sentences (no action falls back
to its bare name), and an edit with sqlite3 afterwards is still found."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding import commands
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.commands.survey_commands import EditSurveyItem
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.exchange.qdc import ImportCodebook, read_qdc
from qualframe.coding.exchange.refi_export import export_codebook, export_project
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import import_project
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.importing.attribute_table import read_attribute_table
from qualframe.coding.trail.log import read_log
from qualframe.coding.trail.sentences import SENTENCES
from qualframe.coding.trail.verify import verify_trail
from qualframe.storage.models import ParticipantName, SurveyItem

# Invented focus-group lines; M2 and the moderator give their real names in the labels.
FGI = """Mentor group, session 1

Moderator (박지훈): 오늘 와 주셔서 감사합니다. What did you plan with your mentee?

M2 (이서연): We made a study plan before every exam, week by week.

M4: I mostly listened; my mentee asked about the anatomy practical.

Moderator (박지훈): Thank you both.
"""
SURVEY = (
    "respondent_id,role,helpful,format,wish\n"
    "R01,mentee,Agree,weekly,More practice exams\n"
    "R02,mentee,Strongly agree,monthly,A fixed meeting time\n"
    "R03,mentor,Neutral,weekly,Training for mentors\n"
)
ATTRIBUTES = "pseudonym,year\nM2,3\nM4,4\n"


def _check(project: Project, seen: list[int]) -> None:
    """The chain is intact, and every event since the last check has its own sentence."""
    check = verify_trail(project)
    assert check.intact, check.sentence()
    new = [e for e in read_log(project) if e.id not in seen]
    for e in new:
        assert e.action in SENTENCES or e.action == "code_state", e.action
        assert f"({e.entity})" not in e.sentence, e.sentence
    seen.extend(e.id for e in new)


@pytest.fixture
def study(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "study.qualframe", coder="ana")
    yield p
    p.close()


def test_every_kind_of_change_continues_the_chain(study: Project, tmp_path: Path) -> None:
    p, seen = study, []
    stack = commands.UndoStack(p)

    def step(run: Callable[[], object]) -> None:
        run()
        _check(p, seen)

    fgi = tmp_path / "fgi_mentors.txt"
    fgi.write_text(FGI, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    # transcripts: audit rows inserted in one Core statement, chained all the same
    step(lambda: import_files(p, [fgi], ImportOptions(attributes={"role": "mentor"})))
    with p.read() as s:
        assert "이서연" in set(s.scalars(select(ParticipantName.name)))  # a real name stored
    step(lambda: import_files(p, [survey], ImportOptions(kind="survey")))
    with p.read() as s:
        helpful = s.scalar(select(SurveyItem.guid).where(SurveyItem.name == "helpful"))
        fmt = s.scalar(select(SurveyItem.guid).where(SurveyItem.name == "format"))
    assert helpful and fmt
    step(lambda: stack.push(EditSurveyItem(fmt, label="How often did you meet?")))
    step(lambda: stack.push(EditSurveyItem(helpful, reversed=True)))
    step(stack.undo)

    doc = next(d for d in list_documents(p) if d.name == "fgi_mentors")
    code = stack.push(commands.AddCode("Study plans")).created_guid
    assert code
    text = FGI.replace("\r", "")
    i = text.index("study plan before")
    step(lambda: stack.push(commands.ApplyCode(doc.guid, i, i + 10, code)))
    # document sets
    spring = stack.push(commands.AddDocumentSet("Spring", [doc.guid])).created_guid
    assert spring
    _check(p, seen)
    step(lambda: stack.push(commands.RenameDocumentSet(spring, "Spring term")))
    survey_doc = next(d for d in list_documents(p) if d.guid != doc.guid)
    step(lambda: stack.push(commands.SetMembership(spring, [survey_doc.guid])))
    step(lambda: stack.push(commands.DeleteDocumentSet(spring)))
    step(stack.undo)
    # memos
    memo = stack.push(commands.AddMemo("Bracketing", "I mentored myself once.")).created_guid
    assert memo
    _check(p, seen)
    step(lambda: stack.push(commands.EditMemo(memo, "Bracketing", "I was a mentor in 2019.")))
    step(lambda: stack.push(commands.DeleteMemo(memo)))
    step(stack.undo)
    # documents: rename and a corrected word (the coded segment keeps its words)
    step(lambda: stack.push(commands.RenameDocument(doc.guid, "fgi_mentors_spring")))
    j = text.index("anatomy")
    step(lambda: stack.push(commands.EditDocumentText(doc.guid, j, j + 7, "histology")))
    step(stack.undo)
    # participants: attributes from a sheet, a merge and its undo
    sheet = tmp_path / "attributes.csv"
    sheet.write_text(ATTRIBUTES, encoding="utf-8")
    plan = plan_attribute_import(p, read_attribute_table(sheet))
    step(lambda: stack.push(commands.ImportAttributes(plan)))
    people = {x.pseudonym: x.guid for x in list_participants(p)}
    step(lambda: stack.push(commands.MergeParticipants(people["M4"], people["M2"])))
    step(stack.undo)
    # REFI-QDA: the codebook into this project, the project into a new one
    qdc = tmp_path / "book.qdc"
    export_codebook(p, qdc)
    step(lambda: stack.push(ImportCodebook(read_qdc(qdc), qdc.name)))
    qdpx = tmp_path / "study.qdpx"
    export_project(p, qdpx)
    other = Project.create(tmp_path / "other.qualframe", coder="kim")
    try:
        other_seen: list[int] = []
        import_project(other, prepare(qdpx))
        _check(other, other_seen)
        assert len(other_seen) > 0
    finally:
        other.close()

    sentences = [e.sentence for e in read_log(p)]
    assert "ana renamed the document set “Spring” to “Spring term”" in sentences
    assert "ana renamed the document “fgi_mentors” to “fgi_mentors_spring”" in sentences
    assert any(s.startswith("ana edited the text of fgi_mentors_spring") for s in sentences)
    assert any("“anatomy” → “histology”" in s for s in sentences)
    assert "ana merged the participant M4 into M2 (1 turn moved)" in sentences
    assert any(s.startswith("ana took M4 back out of M2") for s in sentences)
    assert "ana imported 2 attribute values from attributes.csv" in sentences
    assert any(s.startswith("ana edited the survey item “format”: label") for s in sentences)
    assert any("added 1 document (survey" in s for s in sentences)

    # and an edit outside Qualframe afterwards is found, at the edited event
    edited = next(e for e in read_log(p) if e.action == "rename_document_set")
    p.close()
    con = sqlite3.connect(tmp_path / "study.qualframe")
    with con:
        con.execute(
            "UPDATE audit_events SET details = replace(details, 'Spring term', 'Autumn') "
            "WHERE id = ?",
            (edited.id,),
        )
    con.close()
    again = Project.open(tmp_path / "study.qualframe", coder="ana")
    try:
        check = verify_trail(again)
        assert not check.intact and check.broken is not None
        assert check.broken.event_id == edited.id and check.broken.reason == "altered"
    finally:
        again.close()
