"""The Survey tab's "Items and types" edited through the real widgets of the main window —
a type chosen in the Type column's combo, a question's wording typed in place, a Likert
item reverse-coded and an option order set in their dialogs, incomplete responses included
— each undone with Ctrl+Z; and the Participants tab's "Link to respondent…", after which
the group N counts the person once. The tables' figures are checked after each step.
Rendered to ``docs/`` when ``QUALFRAME_SCREENSHOTS`` names a folder."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit

from qualframe.app.gui.dialogs import survey_item_editors
from qualframe.app.gui.dialogs.link_dialog import LinkDialog
from qualframe.coding.importing import ImportOptions, import_files
from tests.app.conftest import build_project
from tests.app.researcher_screens import clipped_buttons, settle

pytestmark = pytest.mark.gui

SURVEY = (
    "id,role,Progress,often,help,where,hours\n"
    "R1,mentee,100,Often,Agree,Library; Cafe,2\n"
    "R2,mentee,100,Sometimes,Strongly agree,Cafe,3\n"
    "R3,mentor,100,Never,Disagree,Library,1\n"
    "R4,mentor,100,Often,Neutral,Online,4\n"
    "R5,mentee,100,Sometimes,Agree,Library,5\n"
    "R6,mentor,60,Often,Strongly disagree,Cafe,2\n"
    "R7,mentor,100,Often,Agree,Library,6\n"
)
HELP = {"R1": 4, "R2": 5, "R3": 2, "R4": 3, "R5": 4, "R7": 4}  # R6 is incomplete


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, settings: Any) -> Iterator[Any]:
    from qualframe.app.gui.shell.main_window import MainWindow

    project = build_project(tmp_path / "study.qualframe")  # E1, E2 mentees; M1, M2 mentors
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    types = {"often": "single", "where": "multiple", "hours": "number"}
    import_files(project, [path], ImportOptions(column_types=types))
    w = MainWindow(project, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.tabs.setCurrentWidget(w.survey_view)
    yield w
    w.close()
    project.close()


def _row(view: Any, name: str) -> int:
    return next(i for i, it in enumerate(view.items_model.items) if it.name == name)


def _freq_items(view: Any) -> list[str]:
    return [r[0] for i, r in enumerate(view.freq_model.rows) if i in view.freq_model.bold_rows]


def _likert_row(view: Any, title: str) -> list[str]:
    return next(r for r in view.likert_model.rows if r[0] == title)


def _ctrl_z(qtbot: Any, widget: Any) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _edit_type(qtbot: Any, view: Any, name: str, type_: str) -> None:
    view.tabs.setCurrentWidget(view.items)
    table = view.items.table
    index = view.items_model.index(_row(view, name), 2)
    table.setCurrentIndex(index)
    table.edit(index)
    (combo,) = [c for c in table.viewport().findChildren(QComboBox) if c.isVisible()]
    combo.setCurrentIndex(combo.findData(type_))
    qtbot.keyClick(combo, Qt.Key.Key_Return)


def test_a_type_edited_in_the_items_table_and_ctrl_z(qtbot: Any, window: Any) -> None:
    view = window.survey_view
    assert "hours" not in _freq_items(view)
    _edit_type(qtbot, view, "hours", "single")
    qtbot.waitUntil(lambda: "hours" in _freq_items(view), timeout=3000)
    assert window.undo_action.text().replace("&", "") == "Undo Make hours single"
    rows = view.freq_model.rows
    start = next(i for i, r in enumerate(rows) if r[0] == "hours")
    # complete responses only: hours 2, 3, 1, 4, 5, 6 (R6's 2 is left out)
    assert [r[0].strip() for r in rows[start + 1 : start + 7]] == ["1", "2", "3", "4", "5", "6"]
    assert [r[1] for r in rows[start + 1 : start + 7]] == ["1 (17)"] * 6
    assert view.items_model.items[_row(view, "hours")].type == "single"
    _ctrl_z(qtbot, view.items.table)
    qtbot.waitUntil(lambda: "hours" not in _freq_items(view), timeout=3000)
    assert view.items_model.items[_row(view, "hours")].type == "number"


def test_question_wording_reverse_coding_order_and_incomplete(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.survey_view
    view.tabs.setCurrentWidget(view.items)
    table = view.items.table
    # the wording, typed in place
    index = view.items_model.index(_row(view, "help"), 1)
    table.setCurrentIndex(index)
    table.edit(index)
    (editor,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    editor.selectAll()
    qtbot.keyClicks(editor, "My mentor helped me")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(r[0] == "My mentor helped me" for r in view.likert_model.rows),
                    timeout=3000)  # fmt: skip
    before = _likert_row(view, "My mentor helped me")
    mean = statistics.fmean(HELP.values())
    assert before[1].startswith(f"{mean:.1f} ±")

    # reverse-coded in the Likert scale dialog
    def reverse(self: survey_item_editors.LikertMappingDialog) -> int:
        assert self.stated.isChecked() and (self.low.value(), self.high.value()) == (1, 5)
        self.reverse.setChecked(True)
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(survey_item_editors.LikertMappingDialog, "exec", reverse)
    view.items.select("help")
    view.items.likert_button.click()
    flipped = statistics.fmean(6 - v for v in HELP.values())
    qtbot.waitUntil(
        lambda: _likert_row(view, "My mentor helped me")[1].startswith(f"{flipped:.1f} ±"),
        timeout=3000,
    )
    assert "reverse-coded" in view.items_model.rows[_row(view, "help")][4]
    _ctrl_z(qtbot, table)
    qtbot.waitUntil(lambda: _likert_row(view, "My mentor helped me") == before, timeout=3000)

    # the options of a choice item in questionnaire order
    def reorder(self: survey_item_editors.OptionsOrderDialog) -> int:
        self.list.setCurrentRow(self.options().index("Online"))
        self.move_option(-1)
        self.move_option(-1)
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(survey_item_editors.OptionsOrderDialog, "exec", reorder)
    view.items.select("where")
    view.items.order_button.click()

    def where_options() -> list[str]:
        rows = view.freq_model.rows
        start = next(i for i, r in enumerate(rows) if r[0].startswith("where"))
        return [r[0].strip() for r in rows[start + 1 : start + 4]]

    qtbot.waitUntil(lambda: where_options()[0] == "Online", timeout=3000)
    assert where_options() == ["Online", "Library", "Cafe"]

    # incomplete responses included: N 6 -> 7, and the notes say so
    assert view.status.text().startswith("6 respondents (Mentees 3, Mentors 3).")
    assert "left out: 1 incomplete response" in view.likert_note.text()
    view.incomplete.setChecked(True)
    assert view.status.text().startswith("7 respondents (Mentees 3, Mentors 4).")
    assert "1 incomplete response is included" in view.likert_note.text()
    with_r6 = statistics.fmean([*HELP.values(), 1])
    assert _likert_row(view, "My mentor helped me")[1].startswith(f"{with_r6:.1f} ±")


def test_likert_from_words_asks_for_the_points(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.survey_view

    def points(self: survey_item_editors.LikertMappingDialog) -> int:
        labels = [self.table.item(r, 0).text() for r in range(self.table.rowCount())]  # type: ignore[union-attr]
        assert labels == ["Often", "Sometimes", "Never"]  # questionnaire order of the options
        for label, point in (("Never", 1), ("Sometimes", 2), ("Often", 3)):
            self.set_point(label, point)
        self.stated.setChecked(True)
        self.low.setValue(1)
        self.high.setValue(3)
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(survey_item_editors.LikertMappingDialog, "exec", points)
    _edit_type(qtbot, view, "often", "likert")
    qtbot.waitUntil(lambda: any(r[0] == "often" for r in view.likert_model.rows), timeout=3000)
    often = {"R1": 3, "R2": 2, "R3": 1, "R4": 3, "R5": 2, "R7": 3}
    assert _likert_row(view, "often")[1].startswith(f"{statistics.fmean(often.values()):.1f} ±")
    assert window.undo_action.text().replace("&", "") == "Undo Make often likert"
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "often" in _freq_items(view), timeout=3000)


def test_link_to_respondent_counts_the_person_once(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = window.participants_view
    window.tabs.setCurrentWidget(sheet)
    survey = window.survey_view
    assert survey.tables is not None and survey.tables.total_n == 6
    from qualframe.coding.analysis.matrix import group_sizes

    assert group_sizes(window.project) == {"mentee": 5, "mentor": 6}
    sheet.select("M1")
    chosen: dict[str, Any] = {}

    def pick_r7(self: LinkDialog) -> int:
        assert self.kind == "respondents"
        self.filter.setText("R7")
        assert self.choose("R7")
        # often, help, where, hours; R7's role (mentor) is M1's already: no conflict
        assert self.summary.text() == "4 survey answer(s) of R7 move to M1."
        chosen["ok"] = self.buttons.button(self.buttons.StandardButton.Ok).text()
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(LinkDialog, "exec", pick_r7)
    assert sheet.link_button.isEnabled()
    sheet.link_button.click()
    assert chosen["ok"] == "Link M1 and R7"
    assert window.undo_action.text().replace("&", "") == "Undo Link M1 to respondent R7"
    assert group_sizes(window.project) == {"mentee": 5, "mentor": 5}
    window.tabs.setCurrentWidget(survey)
    qtbot.waitUntil(lambda: "(Mentees 3, Mentors 3)" in survey.status.text(), timeout=3000)
    assert "M1" in {p.pseudonym for p in sheet.model.rows}
    assert "R7" not in {p.pseudonym for p in sheet.model.rows}
    window.undo_action.trigger()
    assert group_sizes(window.project) == {"mentee": 5, "mentor": 6}


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_items_tab_renders(qtbot: Any, window: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    from qualframe.coding.commands import EditSurveyItem

    view = window.survey_view
    guids = {it.name: it.guid for it in view.items_model.items}
    for name, wording in (("often", "How often did you meet your mentor?"),
                          ("where", "Where did you usually meet?"),
                          ("hours", "Hours together per week")):  # fmt: skip
        assert window.push(EditSurveyItem(guids[name], label=wording))
    assert window.push(EditSurveyItem(guids["help"], label="My mentor helped me prepare for "
                                      "exams (reversed)", reversed=True))  # fmt: skip
    window.resize(*size)
    view.tabs.setCurrentWidget(view.items)
    qtbot.waitUntil(lambda: "reverse-coded" in view.items_model.rows[_row(view, "help")][4],
                    timeout=3000)  # fmt: skip
    view.items.select("help")
    settle()
    assert clipped_buttons(window) == []
    where = Path(os.environ.get("QUALFRAME_SCREENSHOTS") or tmp_path)
    suffix = "" if size[0] == 1440 else "-1024"
    assert window.grab().save(str(where / f"screenshot-survey-items{suffix}.png"))


@pytest.mark.parametrize("size", [(1440, 900), (1024, 700)])
def test_demo_survey_tab_renders(
    qtbot: Any, tmp_path: Path, settings: Any, size: tuple[int, int]
) -> None:
    """The demo project's Survey tab (README's screenshot): the status line names the groups
    as the tables do, and no button is clipped."""
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.demo import build_demo

    project = build_demo(tmp_path / "demo.qualframe")
    try:
        w = MainWindow(project, settings, restore_layout=False)
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        w.tabs.setCurrentWidget(w.survey_view)
        settle()
        assert w.survey_view.status.text().startswith("20 respondents (Mentees 11, Mentors 9).")
        assert clipped_buttons(w) == []
        where = Path(os.environ.get("QUALFRAME_SCREENSHOTS") or tmp_path)
        name = "screenshot-survey.png" if size[0] == 1440 else "screenshot-1024-survey.png"
        assert w.grab().save(str(where / name))
        w.close()
    finally:
        project.close()
