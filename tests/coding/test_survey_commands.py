"""Editing a survey item after its import (type, options' order, Likert mapping and scale,
reverse coding, label): each edit is one undoable command, the stored answers are computed
again from their raw text, and the tables follow, checked against figures worked out here
independently (statistics module, counts by hand)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.commands import EditSurveyItem, UndoStack
from qualframe.coding.commands.survey_commands import item_detail
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files
from tests.coding.helpers import stored_answers

# "often" is a frequency scale read as a single choice; "help" an agreement scale (Likert,
# labels); "where" a multiple choice; "hours" a number; "note" open-ended.
SURVEY = (
    "id,role,often,help,where,hours,note\n"
    "A,mentor,Often,Agree,Library; Cafe,2,We met every week in the library.\n"
    "B,mentee,Sometimes,Strongly agree,Cafe,3,It was good to have someone to ask.\n"
    "C,mentee,Never,Disagree,Library,1,I would like more meetings before exams.\n"
    "D,mentor,Often,Neutral,Online,4,The online meetings worked well for us.\n"
    "E,mentee,Sometimes,Agree,,5,\n"
)
HELP = {"A": 4, "B": 5, "C": 2, "D": 3, "E": 4}


@pytest.fixture
def stack(project: Project, tmp_path: Path) -> UndoStack:
    path = tmp_path / "wave.csv"
    path.write_text(SURVEY, encoding="utf-8")
    types = {"note": "text", "often": "single", "where": "multiple", "hours": "number"}
    import_files(project, [path], ImportOptions(column_types=types))
    return UndoStack(project)


def _guid(project: Project, name: str) -> str:
    from qualframe.coding.analysis.survey import load_survey

    return next(it.guid for it in load_survey(project).items if it.name == name)


def _tables(project: Project) -> dict[str, object]:
    return survey_tables(project, by="role").to_json()


def _likert(project: Project, item: str) -> dict[str, object]:
    return next(r for r in _tables(project)["likert"] if r["item"] == item)  # type: ignore[index,attr-defined]


def test_a_single_choice_becomes_likert_with_a_mapping_and_back(
    project: Project, stack: UndoStack
) -> None:
    often = _guid(project, "often")
    assert item_detail(project, often).type == "single"
    # a frequency scale is no known agreement scale: without a mapping the labels are no points
    with pytest.raises(UserError, match=r"'Often' to often is no point of a scale"):
        stack.push(EditSurveyItem(often, type="likert"))
    assert item_detail(project, often).type == "single"  # nothing changed
    assert stored_answers(project)[("A", "often")] == ("Often", None, ("Often",))
    change = stack.push(
        EditSurveyItem(
            often, type="likert", value_labels=[("Never", 1), ("Sometimes", 2), ("Often", 3)],
            scale=(1, 3),
        )
    )  # fmt: skip
    assert change.survey and stack.undo_text == "Make often likert"
    row = _likert(project, "often")
    values = {"A": 3, "B": 2, "C": 1, "D": 3, "E": 2}
    assert row["overall"]["mean"] == pytest.approx(statistics.fmean(values.values()))  # type: ignore[index]
    assert row["overall"]["sd"] == pytest.approx(statistics.stdev(values.values()))  # type: ignore[index]
    assert row["groups"]["mentor"]["mean"] == 3.0  # type: ignore[index]
    assert row["scale"] == [1, 3]
    assert stored_answers(project)[("A", "often")] == ("Often", 3.0, None)
    assert not [f for f in _tables(project)["frequencies"] if f["item"] == "often"]  # type: ignore[attr-defined,index]
    stack.undo()
    assert item_detail(project, often).type == "single"
    assert stored_answers(project)[("A", "often")] == ("Often", None, ("Often",))
    freq = next(f for f in _tables(project)["frequencies"] if f["item"] == "often")  # type: ignore[attr-defined,index]
    assert freq["overall"]["options"]["Often"]["n"] == 2
    stack.redo()
    assert stored_answers(project)[("D", "often")] == ("Often", 3.0, None)


def test_reverse_coding_flips_every_point_and_undo_restores(
    project: Project, stack: UndoStack
) -> None:
    help_ = _guid(project, "help")
    before = _likert(project, "help")
    assert before["overall"]["mean"] == pytest.approx(statistics.fmean(HELP.values()))  # type: ignore[index]
    stack.push(EditSurveyItem(help_, reversed=True))
    assert stack.undo_text == "Reverse-code help"
    flipped = {k: 6 - v for k, v in HELP.items()}
    assert {k[0]: v[1] for k, v in stored_answers(project).items() if k[1] == "help"} == {
        k: float(v) for k, v in flipped.items()
    }
    after = _likert(project, "help")
    assert after["overall"]["mean"] == pytest.approx(statistics.fmean(flipped.values()))  # type: ignore[index]
    assert item_detail(project, help_).reversed
    stack.undo()
    assert _likert(project, "help") == before
    assert not item_detail(project, help_).reversed


def test_a_new_mapping_recomputes_the_points(project: Project, stack: UndoStack) -> None:
    help_ = _guid(project, "help")
    mapping = [("Strongly disagree", 0), ("Disagree", 1), ("Neutral", 2), ("Agree", 3),
               ("Strongly agree", 4)]  # fmt: skip
    stack.push(EditSurveyItem(help_, value_labels=mapping, scale=(0, 4)))
    assert stack.undo_text == "Change the Likert mapping of help"
    row = _likert(project, "help")
    assert row["overall"]["mean"] == pytest.approx(statistics.fmean(v - 1 for v in HELP.values()))  # type: ignore[index]
    assert row["scale"] == [0, 4]
    assert item_detail(project, help_).value_labels == tuple(mapping)
    stack.undo()
    assert _likert(project, "help")["scale"] == [1, 5]


def test_options_are_put_in_questionnaire_order(project: Project, stack: UndoStack) -> None:
    where = _guid(project, "where")
    assert item_detail(project, where).options == ("Library", "Cafe", "Online")
    stack.push(EditSurveyItem(where, options=["Online", "Cafe", "Library"]))
    freq = next(f for f in _tables(project)["frequencies"] if f["item"] == "where")  # type: ignore[attr-defined,index]
    assert freq["options"] == ["Online", "Cafe", "Library"]
    assert {k: v["n"] for k, v in freq["overall"]["options"].items()} == {
        "Online": 1, "Cafe": 2, "Library": 2,
    }  # fmt: skip
    # an order is not a new set of options
    with pytest.raises(UserError, match="can be put in another order, not changed"):
        stack.push(EditSurveyItem(where, options=["Online", "Cafe"]))
    stack.undo()
    assert item_detail(project, where).options == ("Library", "Cafe", "Online")


def test_label_type_changes_and_refusals(project: Project, stack: UndoStack) -> None:
    hours = _guid(project, "hours")
    stack.push(EditSurveyItem(hours, label="Hours spent with the mentor per week"))
    assert stack.undo_text == "Relabel hours"
    assert item_detail(project, hours).label == "Hours spent with the mentor per week"
    # a number becomes a single choice (answers as written), then ignored (out of every table)
    stack.push(EditSurveyItem(hours, type="single"))
    hours_title = "Hours spent with the mentor per week"
    freq = next(f for f in _tables(project)["frequencies"] if f["item"] == hours_title)  # type: ignore[attr-defined,index]
    assert freq["options"] == ["1", "2", "3", "4", "5"]
    stack.push(EditSurveyItem(hours, type="ignore"))
    assert not [f for f in _tables(project)["frequencies"] if f["item"] == hours_title]  # type: ignore[attr-defined,index]
    assert stored_answers(project)[("A", "hours")] == ("2", None, ("2",))  # kept
    stack.push(EditSurveyItem(hours, type="number"))
    assert stored_answers(project)[("A", "hours")] == ("2", 2.0, None)
    stack.undo()
    stack.undo()
    stack.undo()
    assert stored_answers(project)[("A", "hours")] == ("2", 2.0, None)
    assert item_detail(project, hours).type == "number"
    # what cannot change: an open-ended question, text that is no number, reverse coding
    # without a stated scale
    with pytest.raises(UserError, match="open-ended question"):
        stack.push(EditSurveyItem(_guid(project, "note"), type="single"))
    where = _guid(project, "where")
    with pytest.raises(UserError, match=r"'Library; Cafe' to where is not a number"):
        stack.push(EditSurveyItem(where, type="number"))
    often = _guid(project, "often")
    stack.push(EditSurveyItem(often, type="likert", value_labels=[("Never", 1),
               ("Sometimes", 2), ("Often", 3)]))  # fmt: skip
    with pytest.raises(UserError, match="cannot be reverse-coded: its scale is not stated"):
        stack.push(EditSurveyItem(often, reversed=True))
    assert item_detail(project, where).type == "multiple"


def test_a_multiple_choice_made_single_and_back(project: Project, stack: UndoStack) -> None:
    where = _guid(project, "where")
    stack.push(EditSurveyItem(where, type="single"))
    assert stored_answers(project)[("A", "where")][2] == ("Library; Cafe",)
    stack.push(EditSurveyItem(where, type="multiple"))
    assert stored_answers(project)[("A", "where")][2] == ("Library", "Cafe")
    freq = next(f for f in _tables(project)["frequencies"] if f["item"] == "where")  # type: ignore[attr-defined,index]
    assert freq["multiple"] and freq["overall"]["options"]["Cafe"]["n"] == 2
