"""The GUI import preview: speakers, renaming/merging, interviewers, survey types, bad files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QTableWidget, QTableWidgetItem

from qualframe.app.gui import tasks
from qualframe.app.gui.dialogs import import_dialog
from qualframe.app.gui.dialogs.import_dialog import ImportDialog, run_import
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.resources import DEMO_DATA
from tests.coding.test_import_fixtures import table_dump

DEMO = DEMO_DATA
pytestmark = pytest.mark.gui


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def combo(table: QTableWidget, row: int) -> QComboBox:
    widget = table.cellWidget(row, 2)
    assert isinstance(widget, QComboBox)
    return widget


@pytest.fixture
def sync() -> Iterator[None]:
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def proj(tmp_path: Path) -> Iterator[Project]:
    p = Project.create(tmp_path / "gui.qualframe", coder="tester")
    yield p
    p.close()


def test_preview_rename_merge_interviewer_and_skip_bad(
    qtbot: Any, proj: Project, tmp_path: Path, sync: None
) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    dialog = ImportDialog(
        None, proj, [DEMO / "fgi_mentees.txt", DEMO / "fgi_korean_cp949.txt", bad]
    )
    qtbot.addWidget(dialog)
    assert dialog.tabs.count() == 2
    assert "broken.docx is damaged or incomplete" in dialog.bad_label.text()
    assert not dialog.import_button.isEnabled()  # a bad file blocks until skipped
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()

    table = dialog.speaker_tables[DEMO / "fgi_mentees.txt"]
    rows = {cell(table, r, 0).text(): r for r in range(table.rowCount())}
    assert set(rows) == {"Moderator", "E1", "E2", "E3", "E4", "E5"}
    assert cell(table, rows["Moderator"], 3).checkState() == Qt.CheckState.Checked
    assert cell(table, rows["E1"], 1).text() == "8"
    korean = dialog.speaker_tables[DEMO / "fgi_korean_cp949.txt"]
    assert cell(korean, 1, 0).text() == "E6 (real name kept private)"
    tab = dialog.tabs.widget(1)
    assert tab is not None
    info = tab.findChild(QLabel)
    assert info is not None and info.text().startswith("Transcript (txt), encoding cp949")
    # the user edits the table: rename, merge two labels, mark an interviewer
    cell(table, rows["E1"], 4).setText("P1")
    cell(table, rows["E2"], 4).setText("P1")
    cell(table, rows["E5"], 3).setCheckState(Qt.CheckState.Checked)
    dialog.add_attribute("role", "mentee")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.change is not None and dialog.change.documents_added
    people = {p.pseudonym: p for p in list_participants(proj)}
    assert {"P1", "E3", "E4", "E6", "E7", "E8"} == set(people)
    assert all(p.attributes["role"] == "mentee" for p in people.values())
    assert [d.name for d in list_documents(proj)] == ["fgi_mentees", "fgi_korean_cp949"]


def test_survey_types_group_and_encoding(qtbot: Any, proj: Project, sync: None) -> None:
    dialog = ImportDialog(None, proj, [DEMO / "survey.csv"])
    qtbot.addWidget(dialog)
    table = dialog.column_tables[DEMO / "survey.csv"]
    names = [cell(table, r, 0).text() for r in range(table.rowCount())]
    types = {n: combo(table, r).currentText() for r, n in enumerate(names)}
    assert types["respondent_id"] == "id" and types["purposes"] == "multiple"
    assert types["sat_overall"] == "likert" and types["suggestions"] == "text"
    dialog._set_group_column("role")
    dialog._set_column_type("year", "number")
    dialog._set_column_type("suggestions", "ignore")
    table = dialog.column_tables[DEMO / "survey.csv"]
    role_row = names.index("role")
    assert "'MENTOR' → 'mentor'" in cell(table, role_row, 4).text()
    assert combo(table, names.index("year")).currentText() == "number"
    dialog.set_encoding("klingon")
    assert "not an encoding" in dialog.error_label.text()
    dialog.set_encoding(None)
    assert dialog.error_label.text() == ""
    dialog.accept()
    assert dialog.change is not None and dialog.change.survey
    assert [d.name for d in list_documents(proj)] == ["survey: best_experience"]
    roles = {p.pseudonym: p.attributes["role"] for p in list_participants(proj)}
    assert roles["R04"] == "mentor"


def test_cancel_writes_nothing(qtbot: Any, proj: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = table_dump(proj)

    def cancelling(parent: Any, title: str, fn: Any, **_: Any) -> Any:
        return fn(lambda done, total, label: False)  # the user pressed Cancel

    monkeypatch.setattr(import_dialog, "run_with_progress", cancelling)
    dialog = ImportDialog(None, proj, [DEMO / "fgi_mentees.txt", DEMO / "fgi_mentors.txt"])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.change is None
    assert table_dump(proj) == before


def test_refusal_at_import_time_is_shown_and_dialog_stays(
    qtbot: Any, proj: Project, sync: None
) -> None:
    dialog = ImportDialog(None, proj, [DEMO / "fgi_mentors.txt"])
    qtbot.addWidget(dialog)
    from qualframe.coding.importing import ImportOptions, import_files

    import_files(proj, [DEMO / "fgi_mentors.txt"], ImportOptions())  # imported meanwhile
    before = table_dump(proj)
    dialog.accept()
    assert dialog.change is None
    assert dialog.error_label.text() == "fgi_mentors.txt was already imported (as fgi_mentors)."
    assert table_dump(proj) == before


def test_run_import_on_a_worker_thread(
    qtbot: Any, proj: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exec_and_accept(self: ImportDialog) -> int:
        self.accept()  # real run_with_progress: a QThread with the progress dialog
        return int(self.result())

    monkeypatch.setattr(ImportDialog, "exec", exec_and_accept)
    change = run_import(None, proj, [DEMO / "fgi_mentors.txt"])
    assert change is not None and len(change.documents) == 1
    assert [d.name for d in list_documents(proj)] == ["fgi_mentors"]
    monkeypatch.setattr(import_dialog, "ask_for_files", lambda parent: [])
    assert run_import(None, proj, []) is None


def test_folder_expands_to_its_importable_files(
    qtbot: Any, proj: Project, tmp_path: Path, sync: None
) -> None:
    (tmp_path / "a.txt").write_text("E1: one\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,q\nA1,4\nA2,5\n", encoding="utf-8")
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    dialog = ImportDialog(None, proj, [tmp_path])
    qtbot.addWidget(dialog)
    assert [p.name for p in dialog.paths] == ["a.txt", "b.csv"]
    assert dialog.tabs.count() == 2


def test_custom_label_pattern_in_the_preview(
    qtbot: Any, proj: Project, tmp_path: Path, sync: None
) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(
        "A> We met weekly.\nB> Only before exams.\nA> That was enough.\n", encoding="utf-8"
    )
    dialog = ImportDialog(None, proj, [path])
    qtbot.addWidget(dialog)
    table = next(iter(dialog.speaker_tables.values()))
    assert table.rowCount() == 0  # no "M1:"-style labels: one unattributed text

    dialog.label_pattern.setText("(")
    dialog.label_pattern.editingFinished.emit()
    assert dialog.error_label.text()  # a bad expression is explained, nothing is lost

    dialog.label_pattern.setText(r"(?P<label>[A-Z])> ")
    dialog.label_pattern.editingFinished.emit()
    assert not dialog.error_label.text()
    table = next(iter(dialog.speaker_tables.values()))
    labels = sorted(cell(table, r, 0).text() for r in range(table.rowCount()))
    assert labels == ["A", "B"]
    dialog.accept()
    assert sorted(p.pseudonym for p in list_participants(proj)) == ["A", "B"]


def test_label_evidence_accept_drop_and_remember(
    qtbot: Any, proj: Project, tmp_path: Path, sync: None
) -> None:
    first = tmp_path / "group1.txt"
    first.write_text(
        "Moderator: Welcome.\n\nAnna: Hello, I am the only one who speaks once.\n\n"
        "Moderator: Thanks.\nSo basically: a phrase, not a speaker.\n\nE1: Hi.\n\nE1: Bye.\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(None, proj, [first])
    qtbot.addWidget(dialog)
    evidence = dialog.evidence_tables[first]
    rows = {cell(evidence, r, 1).text(): r for r in range(evidence.rowCount())}
    assert set(rows) == {"Moderator", "Anna", "So basically", "E1"}
    anna = rows["Anna"]
    assert cell(evidence, anna, 0).checkState() == Qt.CheckState.Unchecked
    assert cell(evidence, anna, 2).text() == "1"
    assert cell(evidence, anna, 3).text().startswith("Anna: Hello")
    assert "once" in cell(evidence, anna, 4).text()
    cell(evidence, anna, 0).setCheckState(Qt.CheckState.Checked)  # the user accepts Anna
    speakers = dialog.speaker_tables[first]
    assert "Anna" in {cell(speakers, r, 0).text() for r in range(speakers.rowCount())}
    evidence = dialog.evidence_tables[first]
    e1 = next(r for r in range(evidence.rowCount()) if cell(evidence, r, 1).text() == "E1")
    cell(evidence, e1, 0).setCheckState(Qt.CheckState.Unchecked)  # and drops E1
    speakers = dialog.speaker_tables[first]
    assert {cell(speakers, r, 0).text() for r in range(speakers.rowCount())} == {
        "Moderator",
        "Anna",
    }
    dialog.resize(1024, 700)
    dialog.grab().save(str(tmp_path / "evidence.png"))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    # the next import into this project remembers both choices
    second = tmp_path / "group2.txt"
    second.write_text("Moderator: Again.\n\nAnna: Once more.\n\nE1: Yes.\n", encoding="utf-8")
    again = ImportDialog(None, proj, [second])
    qtbot.addWidget(again)
    speakers = again.speaker_tables[second]
    assert {cell(speakers, r, 0).text() for r in range(speakers.rowCount())} == {
        "Moderator",
        "Anna",
    }
