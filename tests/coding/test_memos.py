"""Memos of every kind — journal, project, document, code and segment — dated and signed,
deletable with undo, listed together and written to a Word report (re-opened and checked)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from docx import Document as open_docx

from qualframe.coding.commands import AddCode, ApplyCode, SetSegmentMemo, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memo_entries import memo_entries
from qualframe.coding.corpus.memos import AddMemo, DeleteMemo, EditMemo, list_memos
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
from qualframe.coding.export.memo_report import local_time, write_memo_report
from tests.coding.helpers import add_transcript


@pytest.fixture
def memos(project: Project) -> tuple[UndoStack, dict[str, str]]:
    doc, text = add_transcript(
        project,
        "fgi_mentees",
        [("E1", "My mentor made a study plan."), ("E2", "시험이 무서웠어요.")],
    )
    with project.write() as s:  # E2's real name is in the project
        add_participants_in(s, [ParticipantData("E2", real_name="김민지")])
    stack = UndoStack(project)
    code = stack.push(AddCode("Study plans")).created_guid
    assert code
    i = text.index("study plan")
    seg = stack.push(ApplyCode(doc, i, i + len("study plan"), code, memo="Planned together."))
    assert seg.created_guid
    ids = {"doc": doc, "code": code, "seg": seg.created_guid}
    made = [
        AddMemo("Bracketing", "I mentored myself; I expect praise.", kind="reflexive"),
        AddMemo(
            "Setting", "The group met after 김민지 arrived.", kind="document", document_guid=doc
        ),
        AddMemo("Boundary", "Only written plans count.", kind="code", code_guid=code),
        AddMemo("Timeline", "Second round in May.", kind="project"),
    ]
    for command in made:
        guid = stack.push(command).created_guid
        assert guid
        ids[command.title] = guid
    return stack, ids


def test_delete_memo_is_undoable_with_author_and_dates(
    project: Project, memos: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, ids = memos
    before = {m.guid: m for m in list_memos(project)}
    project.coder = "Auditor K"
    change = stack.push(DeleteMemo(ids["Setting"]))
    assert change.memos and stack.undo_text == 'Delete memo "Setting"'
    assert ids["Setting"] not in {m.guid for m in list_memos(project)}
    stack.undo()
    back = {m.guid: m for m in list_memos(project)}
    assert back[ids["Setting"]] == before[ids["Setting"]]  # author "tester", same dates
    assert back[ids["Setting"]].document_guid == ids["doc"]
    with pytest.raises(UserError, match="no longer exists"):
        stack.push(DeleteMemo("no-such-guid"))


def test_every_kind_is_listed_signed_and_in_order(
    project: Project, memos: tuple[UndoStack, dict[str, str]]
) -> None:
    stack, ids = memos
    project.coder = "Auditor K"
    stack.push(SetSegmentMemo(ids["seg"], "Planned together; see the document memo."))
    entries = memo_entries(project)
    assert [(e.kind, e.heading, e.about, e.author) for e in entries] == [
        ("journal", "Bracketing", "", "tester"),
        ("project", "Timeline", "", "tester"),
        ("document", "Setting", "fgi_mentees", "tester"),
        ("code", "Boundary", "Study plans", "tester"),
        ("segment", "Planned together; see the document memo.", "fgi_mentees · Study plans",
         "Auditor K"),
    ]  # fmt: skip
    assert entries[-1].quote == "study plan" and entries[-1].key == ids["seg"]
    assert all(isinstance(e.created_at, datetime) for e in entries)
    assert [e.kind for e in memo_entries(project, {"code", "journal"})] == ["journal", "code"]
    with pytest.raises(UserError, match='"diary" is not a kind of memo'):
        memo_entries(project, {"diary"})
    stack.push(EditMemo(ids["Boundary"], "Boundary", "Written or spoken plans."))
    assert memo_entries(project, {"code"})[0].text == "Written or spoken plans."


def test_memo_report_in_word(
    tmp_path: Path, project: Project, memos: tuple[UndoStack, dict[str, str]]
) -> None:
    out = tmp_path / "memos.docx"
    assert write_memo_report(project, out) == 5
    doc = open_docx(str(out))
    paras = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Project journal", "Project memos", "Document memos", "Code memos", "Segment memos",
    ]  # fmt: skip
    assert paras[1].startswith(
        "5 memos: 1 journal entry, 1 project memo, 1 document memo, 1 code memo, 1 segment memo;"
    )
    assert "real names are replaced by their pseudonyms" in paras[1]
    i = paras.index("Setting  —  fgi_mentees")
    assert paras[i + 1].startswith("tester · ")
    assert paras[i + 2] == "The group met after E2 arrived."  # real name masked
    j = paras.index("fgi_mentees · Study plans")
    assert paras[j + 2 : j + 4] == ["“study plan”", "Planned together."]
    assert "김민지" not in "\n".join(paras)
    write_memo_report(project, out, real_names=True, kinds={"document"})
    paras = [p.text for p in open_docx(str(out)).paragraphs]
    assert "The group met after 김민지 arrived." in paras and "Code memos" not in paras


def test_memo_report_refusals(tmp_path: Path, project: Project) -> None:
    with pytest.raises(UserError, match=r"memos\.docx: the project has no memos yet"):
        write_memo_report(project, tmp_path / "memos.docx")
    with pytest.raises(UserError, match=r"memos\.txt: the memo report is a Word document"):
        write_memo_report(project, tmp_path / "memos.txt")
    assert not (tmp_path / "memos.docx").exists()
    assert local_time(datetime(2026, 1, 2, 3, 4))[:4] == "2026"
