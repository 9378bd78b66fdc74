"""The memo browser through the real widgets: write a journal entry, a document and a code
memo, edit (saved on Save and when another memo is chosen), filter, delete with undo, edit a
segment memo, jump to what a memo is about, and the Word report — re-opened and checked."""

from __future__ import annotations

from pathlib import Path

from docx import Document as open_docx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import SetSegmentMemo
from qualframe.coding.corpus.memo_entries import memo_entries
from qualframe.coding.query.segments import list_segments
from tests.app.test_workbench import doc_guid


def _kinds(dock) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    proxy = dock.proxy
    return [(proxy.index(r, 0).data(), proxy.index(r, 1).data()) for r in range(proxy.rowCount())]


def test_write_edit_filter_delete_memos(window, gui_project, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dock = window.memos
    dock.show()
    dock.raise_()
    assert _kinds(dock) == []
    # a journal entry from the Memos menu (Ctrl+J)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Memos")
    journal = next(a for a in menu.actions() if a.text() == "New &journal entry")
    assert journal.shortcut().toString() == "Ctrl+J"
    journal.trigger()
    assert dock.draft is not None and dock.draft[0] == "journal"
    qtbot.keyClicks(dock.title, "Bracketing")
    dock.body.setPlainText("I was a mentor; I expect praise.")
    qtbot.mouseClick(dock.save_button, Qt.MouseButton.LeftButton)
    assert _kinds(dock) == [("Journal", "Bracketing")]
    assert "tester" in dock.meta.text()

    # a memo on the document on show, from the Documents menu
    window.open_document(doc_guid(window, "fgi_mentors"))
    window.document_actions.a_memo.trigger()
    assert "fgi_mentors" in dock.meta.text()
    dock.body.setPlainText("Recorded in the library; M2 arrived late.")
    dock.save()
    # a memo on the selected code
    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    window.select_code(pressure.guid)
    assert dock.new_memo("code")
    dock.title.setText("Boundary")
    dock.body.setPlainText("Only when it weighed on them.")
    dock.save()
    assert _kinds(dock) == [
        ("Journal", "Bracketing"),
        ("Document", "Recorded in the library; M2 arrived late."),
        ("Code", "Boundary"),
    ]
    # edit, then choose another memo: the edit is saved, and undoable
    dock.select(dock.model.rows[0].key)
    dock.body.setPlainText("I was a mentor; I expect praise for review sessions.")
    dock.select(dock.model.rows[2].key)
    assert memo_entries(gui_project, {"journal"})[0].text.endswith("review sessions.")
    assert window.undo_action.text().replace("&", "") == "Undo Edit memo"
    # filter by kind and by text
    dock.kind.setCurrentIndex(dock.kind.findData("code"))
    assert _kinds(dock) == [("Code", "Boundary")]
    dock.kind.setCurrentIndex(0)
    dock.search.setText("library")
    assert _kinds(dock) == [("Document", "Recorded in the library; M2 arrived late.")]
    dock.search.clear()
    # delete, then undo
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dock.select(dock.model.rows[2].key)
    qtbot.mouseClick(dock.delete_button, Qt.MouseButton.LeftButton)
    assert [k for k, _ in _kinds(dock)] == ["Journal", "Document"]
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: [k for k, _ in _kinds(dock)] == ["Journal", "Document", "Code"])


def test_segment_memos_and_go_to(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    seg = next(s for s in list_segments(gui_project) if s.text == "I felt pressure 😓")
    window.push(SetSegmentMemo(seg.guid, "Compare with M2."))
    dock = window.memos
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: _kinds(dock) == [("Segment", "Compare with M2.")])
    dock.select(seg.guid)
    assert "“I felt pressure 😓”" in dock.meta.text()
    assert not dock.title.isEnabled()  # a segment memo has no title
    dock.body.setPlainText("Compare with M2's account.")
    dock.save()
    assert next(s for s in list_segments(gui_project) if s.guid == seg.guid).memo == (
        "Compare with M2's account."
    )
    dock.go_to()
    assert window.view.document_guid == seg.document_guid
    assert window.view.current_segment == seg.guid


def test_memo_report_from_the_browser(window, gui_project, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dock = window.memos
    assert dock.new_memo("journal")
    dock.title.setText("Day one")
    dock.body.setPlainText("E2 (김민지) spoke most.")
    dock.save()
    out = tmp_path / "memos.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    export = next(a.menu() for a in window.menuBar().actions() if a.text() == "E&xport")
    next(a for a in export.actions() if a.text() == "&Memo report (Word)…").trigger()
    paras = [p.text for p in open_docx(str(out)).paragraphs]
    assert "Project journal" in paras and "Day one" in paras
    assert "E2 spoke most." in paras  # the real name masked
    assert window.last_report.startswith("Wrote memos.docx (1 memo)")


def test_read_only_memos(qtbot, gui_project, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.core.project import Project

    path = gui_project.location
    with Project.open(path, read_only=True, coder="tester") as project:
        w = MainWindow(project, settings, restore_layout=False)
        qtbot.addWidget(w)
        assert not w.memos.new_button.isEnabled()
        assert not w.memos.save_button.isEnabled()
        assert not w.document_actions.a_edit_text.isEnabled()
        assert not w.participants_view.import_attrs.isEnabled()
        w.close()
