"""The import dialog's survey tab, driven through its widgets: the recognised tool and header
rows, items with wording, types, options in questionnaire order and Likert mappings, personal
data kept only when ticked, incomplete and preview responses imported or left out, conflicts
kept or replaced per attribute, links to transcript speakers, and attributes set per file
(two focus groups with different roles imported together). Each import's figures are read
back from the project. Rendered at 980×720 and 1024×700 (to ``docs/`` when
``QUALFRAME_SCREENSHOTS`` names a folder), with no clipped button."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QTableWidget

from qualframe.app.gui import tasks
from qualframe.app.gui.dialogs import survey_item_editors
from qualframe.app.gui.dialogs.import_dialog import ImportDialog
from qualframe.app.gui.dialogs.survey_preview import SurveyPreviewTab
from qualframe.coding.analysis.survey import survey_tables
from qualframe.coding.commands.survey_commands import item_detail
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from tests.app.researcher_screens import clipped_buttons, settle
from tests.coding.helpers import add_transcript, stored_answers

pytestmark = pytest.mark.gui

HEAD = (
    "StartDate,EndDate,Status,IPAddress,Progress,Finished,ResponseId,role,year,Q1,Q2,Q3\n"
    '"Start Date","End Date","Response Type","IP Address","Progress","Finished",'
    '"Response ID","Your role","Your year","My mentor helped me prepare for exams",'
    '"How often did you meet?","Where did you meet?"\n'
    + ",".join(f'"{{""ImportId"":""{k}""}}"' for k in (
        "startDate", "endDate", "status", "ipAddress", "progress", "finished", "_recordId",
        "QID1", "QID2", "QID3", "QID4", "QID5")) + "\n"
)  # fmt: skip
ROWS = [
    ("IP Address", "10.0.0.1", 100, True, "M1", "mentee", 2, "Agree", "Often", "Library,Cafe"),
    ("IP Address", "10.0.0.2", 100, True, "R_b", "mentee", 3, "Strongly agree", "Sometimes",
     "Cafe"),
    ("IP Address", "10.0.0.3", 40, False, "R_c", "mentor", 3, "Disagree", "Never", "Online"),
    ("Survey Preview", "10.0.0.4", 100, True, "R_d", "mentor", 1, "Agree", "Often", "Library"),
    ("IP Address", "10.0.0.5", 100, True, "R_e", "mentor", 4, "Neither agree nor disagree",
     "Often", "Library"),
]  # fmt: skip


def _survey(path: Path) -> Path:
    lines = [
        f"2026-03-0{i + 1} 10:00,2026-03-0{i + 1} 10:05,{st},{ip},{pr},{fin},{rid},{role},{yr},"
        f'{q1},{q2},"{q3}"'
        for i, (st, ip, pr, fin, rid, role, yr, q1, q2, q3) in enumerate(ROWS)
    ]
    path.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sync() -> Iterator[None]:
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def study(tmp_path: Path) -> Iterator[tuple[Project, Path]]:
    """M1 speaks in a focus group as a year-4 mentor; E1 is a mentee of another group."""
    project = Project.create(tmp_path / "study.qualframe", coder="tester")
    add_transcript(project, "fgi_mentors", [("Moderator", "Welcome."),
                                            ("M1", "I met my mentee every week.")],
                   roles={"M1": "mentor"})  # fmt: skip
    add_transcript(project, "fgi_mentees", [("E1", "It helped before exams.")],
                   roles={"E1": "mentee"})  # fmt: skip
    m1 = next(p.guid for p in list_participants(project) if p.pseudonym == "M1")
    set_participant_attribute(project, m1, "year", "4")
    yield project, _survey(tmp_path / "qualtrics_export.csv")
    project.close()


def _tab(dialog: ImportDialog, path: Path) -> SurveyPreviewTab:
    return dialog.survey_tabs[path]


def _row(table: QTableWidget, name: str) -> int:
    for r in range(table.rowCount()):
        cell = table.item(r, 0)
        if cell is not None and cell.text().split(" (")[0] == name:
            return r
    raise KeyError(name)


def _choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def _out(tmp_path: Path) -> Path:
    where = os.environ.get("QUALFRAME_SCREENSHOTS")
    return Path(where) if where else tmp_path


def test_the_preview_shows_tool_header_items_and_renders(
    qtbot: Any, study: tuple[Project, Path], tmp_path: Path, sync: None
) -> None:
    project, path = study
    dialog = ImportDialog(None, project, [path])
    qtbot.addWidget(dialog)
    tab = _tab(dialog, path)
    summary = tab.findChildren(type(dialog.summary))[0].text()
    assert "Qualtrics (choice text) export" in summary
    assert "Header: rows 1–3 (column ids, question wording, ImportId)" in summary
    table = tab.item_table
    q1 = _row(table, "Q1")
    assert table.item(q1, 1).text() == "My mentor helped me prepare for exams"  # type: ignore[union-attr]
    assert "Strongly disagree=1" in table.item(q1, 4).text()  # type: ignore[union-attr]
    types = {table.item(r, 0).text(): table.cellWidget(r, 2).currentText()  # type: ignore[union-attr]
             for r in range(table.rowCount())}  # fmt: skip
    assert types["IPAddress"] == "personal" and types["StartDate"] == "metadata"
    assert types["ResponseId"] == "id" and types["Q3"] == "multiple"
    assert [tab.pages.tabText(i) for i in range(tab.pages.count())] == [
        "Items (12)", "Metadata and personal data (6)", "Responses (2 flagged)",
        "Conflicts (2)", "Links (0)",
    ]  # fmt: skip
    assert not dialog.import_button.isEnabled()  # two conflicts wait for a choice
    assert "role, year" in dialog.conflict_label.text()
    links = tab.link_table
    assert [links.item(r, 3).text() for r in range(links.rowCount())] == [  # type: ignore[union-attr]
        "not linked", "the same id: one person",
    ]  # fmt: skip
    out = _out(tmp_path)
    for size, name in (
        ((980, 720), "screenshot-survey-preview.png"),
        ((1024, 700), "screenshot-survey-preview-1024.png"),
    ):
        dialog.resize(*size)
        dialog.show()
        qtbot.waitExposed(dialog)
        settle()
        _tab(dialog, path).item_table.scrollToBottom()  # the questions, with Edit…
        settle()
        assert clipped_buttons(dialog) == []
        assert dialog.grab().save(str(out / name))
    tab = _tab(dialog, path)
    tab.pages.setCurrentIndex(3)
    settle()
    assert dialog.grab().save(str(out / "screenshot-survey-preview-conflicts.png"))


def test_choices_made_in_the_tab_are_what_is_written(
    qtbot: Any, study: tuple[Project, Path], sync: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, path = study
    dialog = ImportDialog(None, project, [path])
    qtbot.addWidget(dialog)
    # conflicts: keep M1's role from the focus group, take the survey's year
    _choose(_tab(dialog, path).conflict_combos["role"], "Keep the project's value")
    assert not dialog.import_button.isEnabled()
    _choose(_tab(dialog, path).conflict_combos["year"], "Use the file's value")
    assert dialog.import_button.isEnabled() and not dialog.conflict_label.isVisible()
    # personal data kept; the preview response left out, the incomplete one imported
    _tab(dialog, path).keep_personal.setChecked(True)
    _tab(dialog, path).import_status["preview"].setChecked(False)
    flagged = _tab(dialog, path).pages.widget(2).findChild(QTableWidget)
    assert flagged is not None and flagged.item(1, 3).text() == "no"  # type: ignore[union-attr]
    # link the mentee E1 of the other focus group to respondent R_b
    edit = _tab(dialog, path).link_edits["E1"]
    edit.setText("R_b")
    edit.editingFinished.emit()
    assert _tab(dialog, path).pages.tabText(4) == "Links (1)"

    # Q2 (Never/Sometimes/Often, read as open text: few answers) becomes a Likert item: its
    # words are no known scale, so the mapping dialog asks for their points (most given first)
    def accept_mapping(self: survey_item_editors.LikertMappingDialog) -> int:
        rows = [self.table.item(r, 0).text() for r in range(self.table.rowCount())]  # type: ignore[union-attr]
        assert rows == ["Often", "Sometimes", "Never"]
        for label, point in (("Never", 1), ("Sometimes", 2), ("Often", 3)):
            self.set_point(label, point)
        self.stated.setChecked(True)
        self.low.setValue(1)
        self.high.setValue(3)
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(survey_item_editors.LikertMappingDialog, "exec", accept_mapping)
    table = _tab(dialog, path).item_table
    _choose(table.cellWidget(_row(table, "Q2"), 2), "likert")  # type: ignore[arg-type]
    table = _tab(dialog, path).item_table
    shown = table.item(_row(table, "Q2"), 4).text()  # type: ignore[union-attr]
    assert shown == "1-3 (declared) [Never=1, Sometimes=2, Often=3]"

    # Q3's options in questionnaire order
    def reorder(self: survey_item_editors.OptionsOrderDialog) -> int:
        assert self.options() == ["Library", "Cafe", "Online"]
        self.list.setCurrentRow(2)
        self.move_option(-1)
        self.move_option(-1)
        self.accept()
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(survey_item_editors.OptionsOrderDialog, "exec", reorder)
    _tab(dialog, path).edit_buttons["Q3"].click()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted

    people = {p.pseudonym: p.attributes for p in list_participants(project)}
    assert people["M1"] == {"role": "mentor", "year": "2"}
    assert "R_d" not in people and "R_b" not in people and "R_c" in people
    answers = stored_answers(project)
    assert answers[("M1", "IPAddress")][0] == "10.0.0.1"  # kept, as ticked
    assert answers[("E1", "Q1")][:2] == ("Strongly agree", 5.0)  # R_b's answers are E1's
    assert answers[("M1", "Q2")][:2] == ("Often", 3.0)
    with project.read() as s:
        from sqlalchemy import select

        from qualframe.storage.models import SurveyItem

        guid = s.scalar(select(SurveyItem.guid).where(SurveyItem.name == "Q3"))
    assert item_detail(project, str(guid)).options == ("Online", "Library", "Cafe")
    t = survey_tables(project, by="role").to_json()
    q2 = next(r for r in t["likert"] if r["item"] == "How often did you meet?")
    # complete responses: M1 (mentor) Often 3, E1 (mentee, R_b) Sometimes 2, R_e (mentor) 3
    assert q2["overall"]["n"] == 3 and q2["overall"]["mean"] == pytest.approx(8 / 3)
    assert q2["scale"] == [1, 3]
    q3 = next(f for f in t["frequencies"] if f["item"] == "Where did you meet?")
    assert q3["options"] == ["Online", "Library", "Cafe"]


def test_personal_data_is_left_out_unless_ticked(
    qtbot: Any, study: tuple[Project, Path], sync: None
) -> None:
    project, path = study
    dialog = ImportDialog(None, project, [path])
    qtbot.addWidget(dialog)
    assert not _tab(dialog, path).keep_personal.isChecked()
    for attr in ("role", "year"):
        _choose(_tab(dialog, path).conflict_combos[attr], "Keep the project's value")
    dialog.accept()
    assert not [k for k in stored_answers(project) if k[1] == "IPAddress"]
    people = {p.pseudonym: p.attributes for p in list_participants(project)}
    assert people["M1"] == {"role": "mentor", "year": "4"}
    assert "R_d" in people  # the preview response is imported (flagged) by default


def test_two_focus_groups_imported_together_with_their_own_roles(
    qtbot: Any, tmp_path: Path, sync: None
) -> None:
    mentors, mentees = tmp_path / "fgi_a.txt", tmp_path / "fgi_b.txt"
    mentors.write_text("Moderator: How did it start?\n\nM1: Weekly, in the library.\n\n"
                       "M2: With a study plan.\n", encoding="utf-8")  # fmt: skip
    mentees.write_text("진행자: 어땠어요?\n\nE1: 시험 전에 좋았어요.\n\nE2: Some pressure.\n",
                       encoding="utf-8")  # fmt: skip
    survey = tmp_path / "survey.csv"
    survey.write_text("id,help\nR1,4\nR2,5\n", encoding="utf-8")
    with Project.create(tmp_path / "p.qualframe", coder="tester") as project:
        dialog = ImportDialog(None, project, [mentors, mentees, survey])
        qtbot.addWidget(dialog)
        dialog.add_attribute("cohort", "2026")  # every file
        dialog.add_attribute("role", "mentor", mentors)
        dialog.add_attribute("role", "mentee", mentees)
        dialog.add_attribute("role", "mentee", survey)
        combo = dialog.attributes.cellWidget(1, 0)
        assert isinstance(combo, QComboBox) and combo.currentText() == "fgi_a.txt"
        assert [combo.itemText(i) for i in range(combo.count())] == [
            "Every file", "fgi_a.txt", "fgi_b.txt", "survey.csv",
        ]  # fmt: skip
        # the user moves the survey row to every file's and back, with the combo
        row = dialog.attributes.cellWidget(3, 0)
        assert isinstance(row, QComboBox)
        _choose(row, "survey.csv")
        dialog.accept()
        roles = {p.pseudonym: p.attributes for p in list_participants(project)}
        assert roles == {
            "M1": {"cohort": "2026", "role": "mentor"},
            "M2": {"cohort": "2026", "role": "mentor"},
            "E1": {"cohort": "2026", "role": "mentee"},
            "E2": {"cohort": "2026", "role": "mentee"},
            "R1": {"cohort": "2026", "role": "mentee"},
            "R2": {"cohort": "2026", "role": "mentee"},
        }
        from qualframe.coding.analysis.matrix import group_sizes

        assert group_sizes(project) == {"mentor": 2, "mentee": 4}


def test_a_change_that_makes_the_file_unreadable_is_undone(
    qtbot: Any, study: tuple[Project, Path], sync: None
) -> None:
    project, path = study
    dialog = ImportDialog(None, project, [path])
    qtbot.addWidget(dialog)
    table = _tab(dialog, path).item_table
    _choose(table.cellWidget(_row(table, "Q3"), 2), "number")  # type: ignore[arg-type]
    assert "Not changed: qualtrics_export.csv has a value" in dialog.error_label.text()
    table = _tab(dialog, path).item_table
    assert table.cellWidget(_row(table, "Q3"), 2).currentText() == "multiple"  # type: ignore[union-attr]
    assert dialog.tabs.count() == 1 and not dialog.bad_label.isVisible()
    assert Qt.CheckState.Unchecked  # (the tab is intact and usable)


def test_the_kind_of_the_files_can_be_chosen(qtbot: Any, tmp_path: Path, sync: None) -> None:
    """``--kind survey``: a survey saved as .txt is read as one when the user says so."""
    path = tmp_path / "answers.txt"
    path.write_text("id,role,help\nR1,mentor,4\nR2,mentee,5\n", encoding="utf-8")
    with Project.create(tmp_path / "k.qualframe", coder="tester") as project:
        dialog = ImportDialog(None, project, [path])
        qtbot.addWidget(dialog)
        assert not dialog.survey_tabs and dialog.speaker_tables
        _choose(dialog.kind, "survey exports")
        assert list(dialog.survey_tabs) == [path]
        dialog.accept()
        assert stored_answers(project)[("R1", "help")][:2] == ("4", 4.0)
