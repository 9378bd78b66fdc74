"""Importing REFI-QDA projects written the way NVivo, MAXQDA and ATLAS.ti write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import AddCode, UndoStack
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_turns, list_documents
from qualframe.coding.corpus.memos import list_memos
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.exchange.refi_import import prepare
from qualframe.coding.exchange.refi_store import ImportProject, create_from, import_project
from qualframe.coding.query.segments import list_segments
from qualframe.storage.models import Coder, ProjectMeta, Segment
from tests.coding.exchange import refi_fixtures as fx


def test_nvivo_windows_codings_land_on_the_same_characters(
    tmp_path: Path, project: Project
) -> None:
    path, expected = fx.nvivo_windows(tmp_path / "nvivo.qdpx")
    report = import_project(project, prepare(path))
    segs = list_segments(project)
    got = sorted((s.code_path[-1], s.text) for s in segs)
    assert got == sorted(expected)
    assert report.counts["codings"] == len(expected)
    assert any("UTF-16 units, CRLF as two" in r for r in report.readings)
    # the stored text has no BOM and no CR; emoji and Hangul are intact
    doc = list_documents(project)[0]
    with project.read() as s:
        from qualframe.storage.models import Document

        text = s.scalar(select(Document.text))
    assert text is not None and not text.startswith("\ufeff") and "\r" not in text
    assert "😀 정말 좋았어요" in text and doc.name == "fgi_mentees_spring"
    # users became coders with their GUIDs; codings credited to the coding's user
    assert {s.coder for s in segs} == {"Jonas"}
    with project.read() as s:
        assert s.scalar(select(Coder.guid).where(Coder.name == "Hana")) == fx.gid(1)
    assert "the 'not codable' mark of code folders (1;" in " ".join(report.left_out)
    # what a later merge needs: the producer and how each source's positions were read
    fact = json.loads(project.meta("refi_import") or "{}")
    assert fact["producer"] == "NVivo" and fact["positions"] == {
        fx.gid(100): "UTF-16 units, CRLF as two"
    }
    assert project.meta("title") == "Mentoring FGI"


def test_maxqda_nameless_cases_memos_and_sets(tmp_path: Path, project: Project) -> None:
    report = import_project(project, prepare(fx.maxqda_like(tmp_path / "mx.qdpx")))
    people = {p.pseudonym: p for p in list_participants(project)}
    # nameless cases are named after their one source and speak all of it
    assert set(people) == {"Interview M1", "Interview E4"}
    assert people["Interview M1"].attributes == {"role": "mentor", "year": "4"}
    assert people["Interview M1"].guid == fx.gid(40)
    docs = {d.name: d for d in list_documents(project)}
    turns = document_turns(project, docs["Interview M1"].guid)
    assert [(t.pseudonym, t.start) for t in turns] == [("Interview M1", 0)]
    seg = list_segments(project)[0]
    assert seg.text == "The plan made it easy." and seg.speaker == "Interview M1"
    assert seg.attributes == {"role": "mentor", "year": "4"}
    assert seg.code_color == "#33CC99"  # #3c9 widened
    # a selection with a memo but no coding becomes a document memo quoting the passage
    memos = list_memos(project)
    assert len(memos) == 1 and memos[0].kind == "document"
    assert "Weekly rhythm matters." in memos[0].text and "“planned the week”" in memos[0].text
    assert any(
        "sets of sources, codes or notes (1: Spring interviews;" in x for x in report.left_out
    )


def test_atlas_crlf_counted_once_notes_links_pdf_text(tmp_path: Path, project: Project) -> None:
    path, quote = fx.atlas_like(tmp_path / "atlas.qdpx")
    report = import_project(project, prepare(path))
    segs = {s.code_path[-1]: s for s in list_segments(project)}
    assert segs["Emotional support"].text == quote
    assert segs["Emotional support"].memo == "Listening as support."  # note linked by Link
    assert segs["Coke::diet"].text == "Study plan template"  # the PDF's text representation
    assert segs["Emotional support"].coder == "Sun-hee"  # GUID in braces and upper case
    memos = {m.title: m for m in list_memos(project)}
    assert memos["Research plan"].kind == "project"
    assert memos["About fgi 7"].kind == "document"
    left = " ".join(report.left_out)
    assert "picture sources (1)" in left and "audio sources (1)" in left
    assert "PDF area selections (1)" in left
    # GUIDs are stored in canonical (lower-case) form
    assert {d.guid for d in list_documents(project)} == {fx.gid(501), fx.gid(502)}


def test_a_whole_project_goes_only_into_an_empty_project(tmp_path: Path, project: Project) -> None:
    UndoStack(project).push(AddCode("Existing"))
    plan = prepare(fx.maxqda_like(tmp_path / "mx.qdpx"))
    with pytest.raises(ImportRefused, match=r"only be imported into an empty project .*1 codes"):
        import_project(project, plan)
    assert [c.name for c in code_tree(project)] == ["Existing"]


def test_import_is_undoable_and_redoable(tmp_path: Path, project: Project) -> None:
    stack = UndoStack(project)
    path, _ = fx.nvivo_windows(tmp_path / "nvivo.qdpx")
    stack.push(ImportProject(prepare(path)))
    before = project.info()
    assert before["segments"] == 5
    stack.undo()
    after = project.info()
    assert (after["documents"], after["codes"], after["segments"]) == (0, 0, 0)
    assert project.meta("refi_import") is None
    stack.redo()
    assert project.info() == before
    with project.read() as s:
        assert fx.gid(200) in set(s.scalars(select(Segment.selection_guid)))


def test_new_from_leaves_no_file_when_refused(tmp_path: Path) -> None:
    bad = fx.write_qdpx(
        tmp_path / "bad.qdpx",
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource guid="{fx.gid(1)}" '
        f'name="t" plainTextPath="internal://{fx.gid(1)}.txt"/></Sources></Project>',
        {f"sources/{fx.gid(1)}.txt": "Caf\xe9 mentoring".encode("cp1252")},
    )
    target = tmp_path / "new.qualframe"
    with pytest.raises(ImportRefused, match="not valid UTF-8"):
        create_from(target, bad)
    assert not target.exists() and not list(tmp_path.glob("new.qualframe*"))


def test_selection_guids_and_several_codings_per_selection(
    tmp_path: Path, project: Project
) -> None:
    text = "E1: Pressure and support at once."
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder 3.5">
<CodeBook><Codes><Code guid="{fx.gid(1)}" name="A" isCodable="true"/><Code guid="{fx.gid(2)}" name="B" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{fx.gid(3)}" name="t" plainTextPath="internal://{fx.gid(3)}.txt">
<PlainTextSelection guid="{fx.gid(4)}" startPosition="4" endPosition="12">
<Coding guid="{fx.gid(5)}"><CodeRef targetGUID="{fx.gid(1)}"/></Coding>
<Coding guid="{fx.gid(6)}"><CodeRef targetGUID="{fx.gid(2)}"/></Coding>
<Coding guid="{fx.gid(7)}"><CodeRef targetGUID="{fx.gid(99)}"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    path = fx.write_qdpx(tmp_path / "q.qdpx", qde, {f"sources/{fx.gid(3)}.txt": text.encode()})
    report = import_project(project, prepare(path))
    with project.read() as s:
        rows = s.execute(
            select(Segment.guid, Segment.selection_guid, Segment.start, Segment.end)
        ).all()
    assert sorted(rows) == [(fx.gid(5), fx.gid(4), 4, 12), (fx.gid(6), fx.gid(4), 4, 12)]
    assert "1 codings name a code that is not in the codebook" in " ".join(report.warnings)
    assert {s.coder for s in list_segments(project)} == {"unknown coder (QualCoder)"}


def test_sources_folder_in_any_case_and_any_qde_name(tmp_path: Path, project: Project) -> None:
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="{fx.gid(3)}" name="t" plainTextPath="internal://{fx.gid(3)}.txt"/></Sources></Project>"""
    path = fx.write_qdpx(
        tmp_path / "q.qdpx", qde, {f"SOURCES/{fx.gid(3).upper()}.TXT": b"hello"},
        qde_name="Trial.qde",
    )  # fmt: skip
    import_project(project, prepare(path))
    assert [d.name for d in list_documents(project)] == ["t"]
    with project.read() as s:
        assert s.get(ProjectMeta, "refi_import") is not None


def test_a_whole_source_coding_covers_all_of_it(tmp_path: Path, project: Project) -> None:
    text = "M2: 전체 인터뷰 😀 whole."
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo for Mac 12.7.0">
<CodeBook><Codes><Code guid="{fx.gid(1)}" name="Interview" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{fx.gid(3)}" name="t" plainTextPath="internal://{fx.gid(3)}.txt">
<Coding guid="{fx.gid(5)}"><CodeRef targetGUID="{fx.gid(1)}"/></Coding>
</TextSource></Sources></Project>"""
    path = fx.write_qdpx(tmp_path / "w.qdpx", qde, {f"sources/{fx.gid(3)}.txt": text.encode()})
    import_project(project, prepare(path))
    with project.read() as s:
        row = s.execute(
            select(Segment.guid, Segment.selection_guid, Segment.start, Segment.end)
        ).one()
    assert tuple(row) == (fx.gid(5), None, 0, len(text))
    assert list_segments(project)[0].text == text


def test_attributes_already_declared_are_reused(tmp_path: Path, project: Project) -> None:
    from qualframe.coding.corpus.participants import attribute_in

    with project.write() as s:
        attribute_in(s, "Role")  # declared in the new project, no participant has it yet
    import_project(project, prepare(fx.maxqda_like(tmp_path / "mx.qdpx")))
    people = {p.pseudonym: p.attributes for p in list_participants(project)}
    assert people["Interview M1"] == {"Role": "mentor", "year": "4"}


def test_a_repeated_source_guid_keeps_each_source_with_its_own_codings(
    tmp_path: Path, project: Project
) -> None:
    """A malformed file names two sources with one GUID: each coding must stay on its own
    text (never the first source's)."""
    one, two = fx.gid(31), fx.gid(32)
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<CodeBook><Codes><Code guid="{fx.gid(1)}" name="A" isCodable="true"/></Codes></CodeBook><Sources>
<TextSource guid="{fx.gid(3)}" name="first" plainTextPath="internal://{one}.txt">
<PlainTextSelection guid="{fx.gid(4)}" startPosition="0" endPosition="5"><Coding guid="{fx.gid(5)}"><CodeRef targetGUID="{fx.gid(1)}"/></Coding></PlainTextSelection></TextSource>
<TextSource guid="{fx.gid(3)}" name="second" plainTextPath="internal://{two}.txt">
<PlainTextSelection guid="{fx.gid(6)}" startPosition="0" endPosition="6"><Coding guid="{fx.gid(7)}"><CodeRef targetGUID="{fx.gid(1)}"/></Coding></PlainTextSelection></TextSource>
</Sources></Project>"""
    files = {f"sources/{one}.txt": b"alpha text", f"sources/{two}.txt": b"second text"}
    report = import_project(project, prepare(fx.write_qdpx(tmp_path / "d.qdpx", qde, files)))
    assert sorted((s.document_name, s.text) for s in list_segments(project)) == [
        ("first", "alpha"), ("second", "second"),
    ]  # fmt: skip
    assert "got a new one" in " ".join(report.warnings)


def test_passages_that_do_not_line_up_with_words_are_flagged(
    tmp_path: Path, project: Project
) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    sels = "".join(
        f'<PlainTextSelection guid="{fx.gid(100 + i)}" startPosition="{7 * i + 2}" '
        f'endPosition="{7 * i + 5}"><Coding guid="{fx.gid(200 + i)}"><CodeRef targetGUID="{fx.gid(1)}"/>'
        "</Coding></PlainTextSelection>"
        for i in range(12)
    )
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="SomeTool 1.0">
<CodeBook><Codes><Code guid="{fx.gid(1)}" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{fx.gid(3)}" name="t" plainTextPath="internal://{fx.gid(3)}.txt">{sels}
</TextSource></Sources></Project>"""
    path = fx.write_qdpx(tmp_path / "odd.qdpx", qde, {f"sources/{fx.gid(3)}.txt": words.encode()})
    report = import_project(project, prepare(path))
    assert "only 0% of its passages start and end between words" in report.readings[0]
