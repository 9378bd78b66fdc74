"""The Survey view: items with types, the tables, grouping, refresh on change, export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from qualframe.app.gui import tasks
from qualframe.app.gui.models.survey_models import (
    CodesTableModel,
    FrequencyTableModel,
    LikertTableModel,
    SurveyItemsModel,
)
from qualframe.app.gui.views.survey_view import NO_GROUPING, SurveyView
from qualframe.coding.analysis import survey as ss
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from tests.coding.test_survey_stats import CODES, PEOPLE, survey_items
from tests.coding.test_survey_stats_data import (
    Item,
    add_survey,
    code_demo_answers,
    load_demo_survey,
)

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _sync() -> object:
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def survey(project: Project) -> Project:
    add_survey(
        project,
        PEOPLE,
        survey_items(),
        codes=CODES,
    )
    return project


def _cells(model) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _header(model) -> list[str]:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]


def test_models_pass_qtmodeltester(qtmodeltester, survey: Project) -> None:  # type: ignore[no-untyped-def]
    t = ss.survey_tables(survey, by="role")
    items = SurveyItemsModel()
    items.set_items(list(t.items))
    freq, likert, codes = FrequencyTableModel(), LikertTableModel(), CodesTableModel()
    for m in (freq, likert, codes):
        m.set_tables(t)
    for m in (items, freq, likert, codes):
        qtmodeltester.check(m, force_py=True)
    for m in (freq, likert, codes):
        m.set_tables(None)
        qtmodeltester.check(m, force_py=True)


def test_view_shows_items_and_tables(qtbot, survey: Project) -> None:  # type: ignore[no-untyped-def]
    view = SurveyView(survey)
    qtbot.addWidget(view)
    assert view.group_combo.currentText() == "role"  # preferred grouping attribute
    items = _cells(view.items_model)
    assert [r[:3] for r in items] == [
        ["respondent_id", "respondent id", ""],
        ["place", "single choice", "6"],
        ["purposes", "multiple choice", "7"],
        ["sat", "Likert", "6"],
        ["best", "open-ended", "4"],
    ]
    assert _header(view.freq_model) == [
        "Item / option", "Total (n = 7)", "Mentees (n = 4)", "Mentors (n = 3)",
    ]  # fmt: skip
    freq = _cells(view.freq_model)
    assert freq[0] == ["place", "answered n = 6", "", "answered n = 2"]
    assert freq[1] == ["    Library", "4 (67)", "3 (75)", "1 (50)"]
    assert freq[4][0] == "purposes (multiple answers)"
    assert _header(view.likert_model)[-3:] == ["U", "p", "r"]
    assert _cells(view.likert_model) == [
        ["sat", "3.8 ± 1.2", "4.7 ± 0.6", "3.0 ± 1.0", "0.5", "0.116", "−0.89"]
    ]
    assert _cells(view.codes_model)[1] == ["    Exam help", "3 (75)", "2 (100)", "1 (50)", "1.000"]
    assert "normal approximation" in view.likert_note.text()
    assert view.status.text() == "7 respondents (mentee 4, mentor 3)"


def test_grouping_can_be_changed(qtbot, survey: Project) -> None:  # type: ignore[no-untyped-def]
    view = SurveyView(survey)
    qtbot.addWidget(view)
    view.group_combo.setCurrentText("site")
    assert _header(view.likert_model)[-3:] == ["H", "p", "ε²"]
    assert _cells(view.likert_model)[0][-2] == "n/a"  # east has one respondent
    view.group_combo.setCurrentText(NO_GROUPING)
    assert _header(view.likert_model) == ["Item", "Total (n = 7)"]


def test_refreshes_after_a_change(qtbot, survey: Project) -> None:  # type: ignore[no-untyped-def]
    view = SurveyView(survey)
    qtbot.addWidget(view)
    add_survey(survey, {"Z1": {"role": "mentor"}}, [Item("extra", "likert", {"Z1": 2})])
    view.on_change(Change("import", participants=True))  # unrelated changes are ignored
    qtbot.waitUntil(lambda: view.tables is not None and view.tables.total_n == 8, timeout=3000)
    view.on_change(Change("rename"))
    assert not view._timer.isActive()


def test_empty_project(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    view = SurveyView(project)
    qtbot.addWidget(view)
    assert "no survey answers yet" in view.status.text()
    assert view.freq_model.rowCount() == 0 and not view.export_buttons["docx"].isEnabled()


def test_exports(qtbot, survey: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = SurveyView(survey)
    qtbot.addWidget(view)
    assert view.export("docx", tmp_path / "t.docx")
    assert Document(str(tmp_path / "t.docx")).tables[0].rows[2].cells[1].text == "4 (67)"
    assert view.export("xlsx", tmp_path / "t.xlsx")
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Frequencies"
    assert view.export("json", tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["by"] == "role"
    assert view.status.text() == "Exported t.json."


def test_screenshot_of_demo_survey(qtbot, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_demo_survey(project)
    code_demo_answers(project)
    view = SurveyView(project)
    qtbot.addWidget(view)
    view.resize(1280, 640)
    view.show()
    qtbot.waitExposed(view)
    view.tabs.setCurrentIndex(int(os.environ.get("SURVEY_SHOT_TAB", "0")))
    out = Path(os.environ.get("SURVEY_SHOT", tmp_path / "survey_view.png"))
    assert view.grab().save(str(out))
    assert out.stat().st_size > 10_000


def test_numeric_groups_are_labelled_like_the_word_tables(qtbot, project: Project) -> None:  # type: ignore[no-untyped-def]
    load_demo_survey(project)
    view = SurveyView(project)
    qtbot.addWidget(view)
    view.group_combo.setCurrentText("year")
    headers = _header(view.freq_model)
    assert headers[1].startswith("Total (n = 20)")
    assert all(h.startswith("Year ") for h in headers[2:]), headers
