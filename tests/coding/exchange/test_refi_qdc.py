"""A .qdc codebook goes into any project: codes matched by GUID, then by path; undoable."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import AddCode, RenameCode, UndoStack
from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.exchange.qdc import ImportCodebook, read_qdc
from tests.coding.exchange import refi_fixtures as fx


def tree(project: Project) -> list[tuple[str, str, str]]:
    return [(r.path_text, r.color, r.definition) for r in code_tree(project)]


@pytest.mark.parametrize(
    ("namespace", "bom"),
    [("urn:QDA-XML:codebook:1.0", False), ("urn:QDA-XML:codebook:0:4", True), ("", False)],
)
def test_namespace_variants_and_bom_are_read(tmp_path: Path, namespace: str, bom: bool) -> None:
    book = read_qdc(fx.codebook_qdc(tmp_path / "c.qdc", namespace, bom=bom))
    assert [c.name for c in book.all_codes()] == [
        "Suggestions for improvement", "Mentor/mentee matching", " Voluntary participation 🙋",
    ]  # fmt: skip
    assert book.all_codes()[0].guid == fx.gid(900)  # canonical lower case


def test_codes_match_by_path_then_by_guid_and_undo_restores(
    tmp_path: Path, project: Project
) -> None:
    stack = UndoStack(project)
    mine = stack.push(AddCode("suggestions  for improvement")).created_guid
    assert mine
    before = tree(project)
    qdc = fx.codebook_qdc(tmp_path / "c.qdc")
    command = ImportCodebook(read_qdc(qdc), qdc.name)
    stack.push(command)
    report = command.report
    assert report is not None
    assert report.matched == 1 and report.updated == ["suggestions for improvement"]
    assert report.added == [
        "suggestions for improvement/Mentor\\/mentee matching",
        "suggestions for improvement/ Voluntary participation 🙋",
    ]
    rows = code_tree(project)
    assert rows[0].guid == mine and rows[0].color == "#FF0000"  # matched by path, recoloured
    assert rows[1].guid == fx.gid(901) and rows[1].name == "Mentor/mentee matching"
    assert rows[1].definition == "Matching by interests & characteristics."
    assert rows[2].name == " Voluntary participation 🙋"  # the leading space is kept
    # the same file again: everything matches (children by GUID), nothing is added
    stack.push(RenameCode(fx.gid(901), "Matching"))
    again = ImportCodebook(read_qdc(qdc), qdc.name)
    stack.push(again)
    assert again.report is not None and again.report.added == [] and again.report.matched == 3
    assert any("(file: Mentor/mentee matching)" in k for k in again.report.kept_names)
    stack.undo()
    stack.undo()
    stack.undo()
    assert tree(project) == before
    stack.redo()
    assert [r.guid for r in code_tree(project)][1:] == [fx.gid(901), fx.gid(902)]


def test_a_project_file_given_as_a_codebook_is_refused(tmp_path: Path) -> None:
    qdc = tmp_path / "p.qdc"
    qdc.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
    with pytest.raises(ImportRefused, match=r"p\.qdc is a project, not a codebook"):
        read_qdc(qdc)


def test_a_plain_description_updates_the_definition_only(tmp_path: Path, project: Project) -> None:
    from qualframe.coding.commands import EditCodeDetails

    stack = UndoStack(project)
    guid = stack.push(AddCode("Pressure")).created_guid
    assert guid
    stack.push(EditCodeDetails(guid, {"definition": "old", "inclusion": "said by mentee"}))
    qdc = tmp_path / "t.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="{guid}" name="Pressure" isCodable="true"><Description>Felt weekly.'
        "</Description></Code></Codes></CodeBook>"
    )
    stack.push(ImportCodebook(read_qdc(qdc), qdc.name))
    row = code_tree(project)[0]
    assert (row.definition, row.inclusion) == ("Felt weekly.", "said by mentee")
