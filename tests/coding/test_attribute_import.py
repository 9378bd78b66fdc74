"""Participant attributes from a spreadsheet keyed by pseudonym: a plan first (changes, new
attributes, unknown pseudonyms), then one undoable step. Files written as Excel and as
exported CSVs in several encodings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from qualframe.coding.commands import ImportAttributes, UndoStack
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import (
    ParticipantData,
    add_participants_in,
    attribute_names,
    list_participants,
)
from qualframe.coding.importing.attribute_table import read_attribute_table


@pytest.fixture
def people(project: Project) -> Project:
    with project.write() as s:
        add_participants_in(s, [
            ParticipantData("E1", attributes={"role": "mentee"}),
            ParticipantData("E2", attributes={"role": "mentee", "year": "2"}),
            ParticipantData("M1", attributes={"role": "mentor"}),
            ParticipantData("김민지"),
        ])  # fmt: skip
    return project


def _attrs(project: Project) -> dict[str, dict[str, str]]:
    return {p.pseudonym: p.attributes for p in list_participants(project)}


def test_an_excel_sheet_is_planned_then_imported_in_one_undoable_step(
    tmp_path: Path, people: Project
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Year", "Participant", "Gender", "Enrolled", "Role"])
    ws.append([1, "E1", "f", datetime(2025, 3, 2), "Mentee"])
    ws.append([2.0, "e2", None, datetime(2024, 3, 4), "mentee"])
    ws.append([4, "M1", "m", None, "mentor"])
    ws.append([3, "E9", "f", None, "mentee"])
    ws.append([None, None, None, None, None])
    path = tmp_path / "classification.xlsx"
    wb.save(path)

    table = read_attribute_table(path)
    assert table.key_column == "Participant"
    assert table.columns == ["Year", "Gender", "Enrolled", "Role"]
    assert table.rows[1] == ("e2", {"Year": "2", "Enrolled": "2024-03-04", "Role": "mentee"})
    plan = plan_attribute_import(people, table)
    assert plan.unknown == ("E9",) and plan.matched == 3
    assert plan.new_attributes == ("Gender", "Enrolled")
    assert plan.respelled == 1  # "Mentee" is written as the project's "mentee"
    assert plan.unchanged == 4  # E1, E2, M1 roles and E2's year
    assert [(e.pseudonym, e.attribute, e.old, e.new) for e in plan.edits] == [
        ("E1", "year", "", "1"), ("E1", "Gender", "", "f"), ("E1", "Enrolled", "", "2025-03-02"),
        ("E2", "Enrolled", "", "2024-03-04"),
        ("M1", "year", "", "4"), ("M1", "Gender", "", "m"),
    ]  # fmt: skip
    summary = plan.summary()
    assert summary.startswith("6 values to set for 3 participants (3 of the file's 4 found")
    assert "Not in the project (left out): E9." in summary
    before = _attrs(people)
    stack = UndoStack(people)
    change = stack.push(ImportAttributes(plan))
    assert change.participants and stack.undo_text == "Import attributes from classification.xlsx"
    after = _attrs(people)
    assert after["E1"] == {"role": "mentee", "year": "1", "Gender": "f", "Enrolled": "2025-03-02"}
    assert after["E2"]["year"] == "2" and after["김민지"] == {}
    assert attribute_names(people) == ["role", "year", "Gender", "Enrolled"]
    stack.undo()
    assert _attrs(people) == before
    assert attribute_names(people) == ["role", "year"]
    stack.redo()
    assert _attrs(people) == after


@pytest.mark.parametrize(
    ("encoding", "sep", "bom"),
    [("utf-8", ",", True), ("cp949", ";", False), ("utf-16", "\t", True)],
)
def test_csv_exports_in_several_encodings(
    tmp_path: Path, people: Project, encoding: str, sep: str, bom: bool
) -> None:
    text = sep.join(["pseudonym", "학년", "gender"]) + "\r\n"
    text += sep.join(["김민지", "3", "여"]) + "\r\n" + sep.join(["E1", "1", "여"]) + "\r\n"
    raw = text.encode(encoding)
    if bom and encoding == "utf-8":
        raw = b"\xef\xbb\xbf" + raw
    path = tmp_path / "attrs.csv"
    path.write_bytes(raw)
    plan = plan_attribute_import(people, read_attribute_table(path))
    UndoStack(people).push(ImportAttributes(plan))
    assert _attrs(people)["김민지"] == {"학년": "3", "gender": "여"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "attrs.csv is empty"),
        (b"pseudonym\nE1\n", "has no attribute columns besides the pseudonyms"),
        (b"pseudonym,year,Year\nE1,1,2\n", 'has two columns called "Year"'),
        (b"pseudonym,year\n", "has a header but no participant rows"),
        (
            b"pseudonym,year\nE1,1\nE2,2\ne1,3\n",
            r'gives "e1" twice with different values \(rows 2 and 4\)',
        ),
    ],
)
def test_bad_tables_are_refused_in_one_sentence(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "attrs.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        read_attribute_table(path)


def test_other_refusals(tmp_path: Path, people: Project) -> None:
    bad = tmp_path / "sheet.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportRefused, match=r"sheet\.xlsx"):
        read_attribute_table(bad)
    with pytest.raises(ImportRefused, match=r"notes\.docx is not a spreadsheet"):
        read_attribute_table(tmp_path / "notes.docx")
    with pytest.raises(ImportRefused, match=r"gone\.csv does not exist"):
        read_attribute_table(tmp_path / "gone.csv")
    same = tmp_path / "same.csv"
    same.write_text("id,role\nE1,mentee\n", encoding="utf-8")
    plan = plan_attribute_import(people, read_attribute_table(same))
    with pytest.raises(UserError, match="changes no attribute value"):
        UndoStack(people).push(ImportAttributes(plan))
    keyed = tmp_path / "keyed.csv"
    keyed.write_text("year,who\n5,M1\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r'has no column "name" \(columns: year, who\)'):
        read_attribute_table(keyed, key="name")
    assert read_attribute_table(keyed, key="WHO").rows == [("M1", {"year": "5"})]
