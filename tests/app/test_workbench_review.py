"""Usability review of the coding workbench: each test drives the real window the way an
analyst would and failed before the fix it goes with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QMessageBox

from qualframe.app.gui.settings import Settings
from qualframe.coding.codebook.tree import code_counts
from qualframe.coding.query.segments import list_segments
from tests.app.test_workbench import doc_guid, find, select_in_view


def select_across_lines(window, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select ``text`` (which may hold line breaks) in the real view."""
    from PySide6.QtGui import QTextCursor

    view = window.view
    start = view.text.index(text)
    a, b = view.offsets.range_to_qt(start, start + len(text))
    cursor = view.textCursor()
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert cursor.selectedText().replace("\u2029", "\n") == text


def test_deleting_the_shown_code_clears_the_retrieval_list_and_undo_brings_it_back(
    window, gui_project, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    pressure = find(gui_project, "Negative experiences/Pressure felt by the mentee")
    window.select_code(pressure.guid)
    assert window.retrieval.model.rowCount() == 2
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: next(
            b for b in box.buttons() if b.text().startswith("Delete code and")
        ).click(),
    )
    window.codebook.delete()
    # nothing may go on naming the deleted code
    assert window.codebook.current() is None
    assert "Pressure" not in window.retrieval.title.text()
    assert window.retrieval.model.rowCount() == 0
    assert window.code_label.text() == ""
    window.undo_action.trigger()
    # the restored code is shown again, with its segments listed and counted
    assert window.codebook.current().guid == pressure.guid
    assert window.retrieval.model.rowCount() == 2
    assert "2 segments" in window.retrieval.title.text()
    assert window.codebook.model.counts == code_counts(gui_project)


def test_merge_shows_the_target_and_undo_the_source(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = find(gui_project, "Negative experiences/Pressure felt by the mentee")
    target = find(gui_project, "Mutual benefits/Academic")
    window.open_document(doc_guid(window, "fgi_mentees"))
    window.select_code(source.guid)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (target.path_text, True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.codebook.merge()
    assert window.codebook.current().guid == target.guid
    assert window.retrieval.model.rowCount() == 2
    assert {h.code_guid for h in window.view.index.items} <= {
        r.guid for r in window.codebook.model.records
    }
    window.undo_action.trigger()
    assert window.codebook.current().guid == source.guid
    assert window.retrieval.model.rowCount() == 2
    assert list_segments(gui_project, code_guid=target.guid) == []
    assert window.codebook.model.counts == code_counts(gui_project)


def test_recent_code_shortcut_without_a_code_says_so(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.open_document(doc_guid(window, "fgi_mentors"))
    code = find(gui_project, "Mutual benefits/Academic")
    select_in_view(window, "a new feeling for me")
    window.apply_code(code.guid, window.view.document_guid, *window.view.selected_range())
    assert window.coding.recent == [code.guid]
    select_in_view(window, "Explaining things")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.last_report.startswith("Ctrl+5 has no code yet")
    assert "only Ctrl+1" in window.last_report
    qtbot.keyClick(window.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    texts = [s.text for s in list_segments(gui_project, code_guid=code.guid)]
    assert texts == ["Explaining things", "a new feeling for me"]
    # the menu lists only the codes there are
    assert [a.text() for a in window.coding.recent_menu.actions()] == [code.path_text]


def test_a_selection_ending_on_a_line_break_is_coded_without_it(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    code = find(gui_project, "Mutual benefits/Academic")
    window.select_code(code.guid)
    select_across_lines(window, "what I had forgotten.\n\n")
    assert window.coding.apply_current_code()
    assert [s.text for s in list_segments(gui_project, code_guid=code.guid)] == [
        "what I had forgotten."
    ]
    # white space alone is not a passage
    select_across_lines(window, "\n\n")
    assert not window.coding.apply_current_code()
    assert window.last_report == "Select some text in the document first."


def test_a_selection_cutting_an_emoji_in_half_codes_the_whole_emoji(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextCursor

    window.open_document(doc_guid(window, "fgi_mentees"))
    code = find(gui_project, "Outcomes/Lifestyle/Daily habits")
    window.select_code(code.guid)
    view = window.view
    cp = view.text.index("😓")
    qt = view.offsets.to_qt(cp)
    cursor = view.textCursor()
    cursor.setPosition(qt - len("pressure "))
    cursor.setPosition(qt + 1, QTextCursor.MoveMode.KeepAnchor)  # inside the surrogate pair
    view.setTextCursor(cursor)
    assert view.selected_range() == (cp - len("pressure "), cp + 1)
    assert window.coding.apply_current_code()
    assert [s.text for s in list_segments(gui_project, code_guid=code.guid)] == ["pressure 😓"]


def test_retrieval_names_every_speaker_a_passage_runs_across(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    code = find(gui_project, "Mutual benefits/Academic")
    window.select_code(code.guid)
    window.settings.set_option("cross_turn", "keep")  # kept as one (issue 11 offers a split)
    select_across_lines(window, "what I had forgotten.\n\nM2: I felt")
    assert window.coding.apply_current_code()
    model = window.retrieval.model
    assert model.rowCount() == 1
    assert model.rows[0].speaker == "M1"  # most of it is M1's
    assert model.index(0, 1).data() == "M1 (+M2)"
    tip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "M1 and M2" in tip and "counts for M1" in tip
    assert "[fgi_mentors, M1 (+M2)" in model.as_text([0])
    # a passage inside one turn names one speaker
    select_in_view(window, "Explaining things")
    window.coding.apply_current_code()
    assert model.index(0, 1).data() == "M1"


def test_a_role_change_updates_the_navigator_groups(window) -> None:  # type: ignore[no-untyped-def]
    mentors = doc_guid(window, "fgi_mentors")
    window.open_document(mentors)
    assert window.navigator.documents.by_guid[mentors].groups == ("mentor",)
    people = window.navigator.participants
    row = next(i for i, p in enumerate(people.people) if p.pseudonym == "M2")
    col = 1 + people.attributes.index("role")
    assert people.setData(people.index(row, col), "alumna")
    assert set(window.navigator.documents.by_guid[mentors].groups) == {"alumna", "mentor"}
    assert "alumna" in window.doc_title.text()


def test_tab_moves_through_the_window_and_out_of_tables(window, qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.open_document(doc_guid(window, "fgi_mentees"))
    for table in (window.navigator.table, window.retrieval.table, window.search.table):
        assert not table.tabKeyNavigation()
    window.navigator.table.setFocus()
    qtbot.keyClick(window.navigator.table, Qt.Key.Key_Tab)
    assert qapp.focusWidget() is window.navigator.add_attr
    assert window.view.tabChangesFocus()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert qapp.focusWidget() is not window.view


def test_read_only_codebook_has_no_drag_and_drop(qtbot, gui_project, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.core.project import Project

    ro = Project.open(gui_project.location, read_only=True, coder="auditor")
    try:
        w = MainWindow(ro, settings, restore_layout=False)
        qtbot.addWidget(w)
        tree = w.codebook.tree
        assert tree.dragDropMode() == QAbstractItemView.DragDropMode.NoDragDrop
        assert not tree.dragEnabled() and not tree.acceptDrops()
        assert all(not a.isEnabled() for a in w.coding.recent_actions)
        w.close()
    finally:
        ro.close()


def test_many_overlapping_codes_leave_room_for_their_names(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentors")
    window.open_document(guid)
    text = window.view.text
    start = text.index("Explaining")
    leaves = [r for r in window.codebook.model.records if r.depth == 2][:9]
    for i, rec in enumerate(leaves):
        assert window.apply_code(rec.guid, guid, start + i, start + 40 + i)
    view = window.view
    items = view.index.at(start + 20)
    assert len(items) == 9
    tip = view.tooltip_for(items)
    assert all(r.path_text in tip for r in leaves)  # hovering the text lists all nine
    view.margin.repaint()
    labels = [r for r, g in view.margin._hits if r.height() > 4 and r.width() > 20]
    assert len(labels) >= 9
    assert min(r.width() for r in labels) >= 110  # was 98 px: names cut to a few letters
    if gui_project.path is not None:
        window.grab().save(str(Path(gui_project.path).with_name("nine_overlaps.png")))


def test_welcome_recent_project_that_is_gone(qapp, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui import launch

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    gone = tmp_path / "moved away.qualframe"
    settings.add_recent_project(gone)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: said.append(text))
    bench = launch.Launcher(settings, "tester", interactive=True)
    bench.show_welcome()
    welcome = bench.welcome
    assert welcome is not None
    item = welcome.recent.item(0)
    assert "not found" in item.text()
    assert item.flags() & Qt.ItemFlag.ItemIsEnabled  # it can be chosen, to learn why not
    welcome.recent.itemActivated.emit(item)
    assert said == [
        "moved away.qualframe does not exist; it has been removed from the recent projects."
    ]
    assert settings.recent_projects() == []
    assert welcome.recent.count() == 0 and not welcome.none_yet.isHidden()
    welcome.close()


def test_reopening_restores_the_document_and_the_place(qapp, qtbot, gui_project, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui import launch

    path = gui_project.location
    gui_project.close()
    bench = launch.Launcher(settings, "tester", interactive=True)
    window = bench.open_project(path)
    assert window is not None
    mentors = doc_guid(window, "fgi_mentors")
    window.open_document(mentors)
    where = window.view.text.index("M2:")
    window.view.scroll_to(where)
    top = window.view.top_position()
    window.close()
    window.project.close()
    bench.window = None
    again = bench.open_project(path)
    assert again is not None
    assert again.view.document_guid == mentors
    qtbot.waitUntil(lambda: not again.page.scroll_pending, timeout=2000)
    assert again.view.top_position() == top
    again.close()
    again.project.close()
