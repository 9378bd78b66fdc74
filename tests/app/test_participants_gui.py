"""The Participants tab through the real widgets: edit a value in place, sort naturally,
import attributes from a spreadsheet (preview, one undoable step), merge and delete
participants; and the retrieval list exported to Word and Excel."""

from __future__ import annotations

from pathlib import Path

from docx import Document as open_docx
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QMessageBox

from qualframe.app.gui.dialogs.participant_dialogs import AttributeImportDialog, MergeDialog
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.query.segments import list_segments


def _column(view, title: str) -> list[str]:  # type: ignore[no-untyped-def]
    model = view.proxy
    col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == title
    )
    return [str(model.index(r, col).data()) for r in range(model.rowCount())]


def _attrs(project) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {p.pseudonym: p.attributes for p in list_participants(project)}


def test_edit_in_place_and_sort(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.participants_view)
    view = window.participants_view
    assert _column(view, "Participant") == ["E1", "E2", "M1", "M2"]
    assert _column(view, "Segments") == ["2", "0", "0", "1"]
    assert _column(view, "Documents") == ["1", "1", "1", "1"]
    # type a new year for M2 into the cell, as a user does
    rows = _column(view, "Participant")
    col = view.model.headers().index("year")
    index = view.proxy.index(rows.index("M2"), col)
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    editor = view.table.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "10")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits it on the next event loop
    qtbot.waitUntil(lambda: _attrs(gui_project)["M2"].get("year") == "10")
    assert _attrs(gui_project)["M2"]["year"] == "10"
    assert window.undo_action.text().replace("&", "") == 'Undo Set year of M2 to "10"'
    view.table.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    assert _column(view, "year") == ["1", "2", "4", "10"]  # numbers, not text order
    view.table.sortByColumn(view.model.headers().index("Segments"), Qt.SortOrder.DescendingOrder)
    assert _column(view, "Participant")[0] == "E1"
    window.undo_action.trigger()
    assert _attrs(gui_project)["M2"]["year"] == "5"
    assert "5" in _column(view, "year")
    view.interviewers.setChecked(True)
    assert "Moderator" in _column(view, "Participant")
    view.filter.setText("mentor")
    assert sorted(_column(view, "Participant")) == ["M1", "M2"]


def test_import_attributes_with_preview(window, gui_project, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "cohorts.csv"
    sheet.write_text(
        "Participant,cohort,Role\nE1,2025,Mentee\nm2,2024,mentor\nX3,2025,mentee\n",
        encoding="utf-8",
    )
    shown: list[str] = []

    def accept(dialog: AttributeImportDialog) -> int:
        shown.append(dialog.findChildren(type(dialog.table))[0].item(0, 0).text())
        shown.append(dialog.layout().itemAt(0).widget().text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AttributeImportDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    view = window.participants_view
    window.tabs.setCurrentWidget(view)
    before = _attrs(gui_project)
    view.import_attrs.click()
    assert shown[0] == "E1" and "Not in the project, left out: X3." in shown[1]
    after = _attrs(gui_project)
    assert after["E1"]["cohort"] == "2025" and after["M2"]["cohort"] == "2024"
    assert after["E1"]["role"] == "mentee"  # the project's spelling kept
    assert "cohort" in view.model.headers()
    window.undo_action.trigger()
    assert _attrs(gui_project) == before
    assert "cohort" not in view.model.headers()
    bad = tmp_path / "bad.csv"
    bad.write_text("Participant\nE1\n", encoding="utf-8")
    assert not view.import_from(bad)
    assert window.last_report == "bad.csv has no attribute columns besides the pseudonyms."


def test_merge_and_delete_participants(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = window.participants_view
    window.tabs.setCurrentWidget(view)
    assert view.select("E2")

    def merge_into_e1(dialog: MergeDialog) -> int:
        dialog.target.setCurrentIndex(dialog.target.findText("E1"))
        assert dialog.preview is not None
        assert dialog.preview.conflicts == (("year", "1", "2"),)
        dialog.conflicts.item(0, 2).setCheckState(Qt.CheckState.Checked)  # use E2's year
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MergeDialog, "exec", merge_into_e1)
    view.merge_button.click()
    assert _column(view, "Participant") == ["E1", "M1", "M2"]
    assert _attrs(gui_project)["E1"]["year"] == "2"
    speakers = {s.text: s.speaker for s in list_segments(gui_project)}
    assert all(who in ("E1", "M2") for who in speakers.values())
    window.undo_action.trigger()
    assert _column(view, "Participant") == ["E1", "E2", "M1", "M2"]
    assert _attrs(gui_project)["E1"]["year"] == "1"

    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes,
    )
    assert view.select("M2")
    view.delete_button.click()
    assert asked[0].startswith(
        "Delete participant M2? Their 1 turn(s) in fgi_mentors (1 coded segment(s))"
    )
    assert _column(view, "Participant") == ["E1", "E2", "M1"]
    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    window.tabs.setCurrentIndex(0)
    window.select_code(pressure.guid)
    assert [s.participant_guid is None for s in window.retrieval.model.rows] == [False, True]
    window.undo_action.trigger()
    window.tabs.setCurrentWidget(view)  # (a hidden tab re-reads when shown)
    assert _column(view, "Participant") == ["E1", "E2", "M1", "M2"]


def test_retrieval_exports_word_and_excel(window, gui_project, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    window.select_code(pressure.guid)
    retrieval = window.retrieval
    retrieval.where.setCurrentIndex(retrieval.where.findText("role = mentee"))
    assert len(retrieval.model.rows) == 1
    out = tmp_path / "pressure.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    retrieval.export_button.click()
    doc = open_docx(str(out))
    assert doc.paragraphs[0].text == (
        "Table 1. Coded segments: Negative experiences/Pressure felt by the mentee"
    )
    cells = [c.text for c in doc.tables[0].rows[1].cells]
    assert cells[1:3] == ["fgi_mentees", "E1 · mentee"] and "I felt pressure 😓" in cells[4]
    assert "role = mentee" in doc.paragraphs[-1].text
    xlsx = tmp_path / "pressure"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), "Excel workbook (*.xlsx)")
    )
    assert retrieval.choose_and_export()
    ws = load_workbook(tmp_path / "pressure.xlsx")["Segments"]
    assert ws["F3"].value == "E1" and ws.max_row == 5  # caption, header, 1 row, blank, note
    assert window.last_report == f"Wrote pressure.xlsx (1 segment) in {tmp_path}."
