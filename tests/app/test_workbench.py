"""The coding loop through the real widgets: select text, apply a code, see it highlighted
and retrieved, undo, redo; codebook operations; search; segment actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.coding import commands
from qualframe.coding.codebook.tree import code_counts, find_code
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.query.segments import list_segments


def find(project, path: str) -> CodeRecord:  # type: ignore[no-untyped-def]
    rec = find_code(project, path)
    assert rec is not None, path
    return rec


def doc_guid(window, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(d.guid for d in window.navigator.documents.by_guid.values() if d.name == name)


def select_in_view(window, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select ``text`` in the real QPlainTextEdit with a QTextCursor (UTF-16 positions)."""
    view = window.view
    qt_text = view.toPlainText()
    start = qt_text.index(text)  # a Python index into the widget's text...
    # ...which is in code points; the widget needs UTF-16 positions
    prefix = qt_text[:start]
    u16_start = len(prefix.encode("utf-16-le")) // 2
    u16_end = u16_start + len(text.encode("utf-16-le")) // 2
    cursor = view.textCursor()
    cursor.setPosition(u16_start)
    cursor.setPosition(u16_end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert cursor.selectedText() == text


def background_at(window, cp: int) -> QColor:  # type: ignore[no-untyped-def]
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(cp) + 1)
    return cursor.charFormat().background().color()


def test_select_apply_retrieve_undo_redo(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    assert window.open_document(guid)
    code = find(gui_project, "Outcomes/Lifestyle/Daily habits")
    assert code is not None
    window.select_code(code.guid)
    assert window.codebook.current().guid == code.guid
    assert window.retrieval.model.rowCount() == 0

    wanted = "덜 긴장했어요. 🎉 It really"  # emoji before it (😀) and inside it
    select_in_view(window, wanted)
    window.coding.apply_current.trigger()

    stored = list_segments(gui_project, code_guid=code.guid)
    assert [s.text for s in stored] == [wanted]
    assert window.retrieval.model.rowCount() == 1
    assert window.retrieval.model.segment(0).text == wanted
    assert background_at(window, stored[0].start) == QColor(code.color)
    assert window.undo_action.text().replace("&", "") == f'Undo Apply code "{code.name}"'
    assert window.codebook.model.counts[code.guid] == (1, 1)
    assert window.codebook.model.counts == code_counts(gui_project)

    window.undo_action.trigger()
    assert list_segments(gui_project, code_guid=code.guid) == []
    assert window.retrieval.model.rowCount() == 0
    assert background_at(window, stored[0].start) != QColor(code.color)
    assert stored[0].guid not in window.view.index.by_guid

    window.redo_action.trigger()
    again = list_segments(gui_project, code_guid=code.guid)
    assert [(s.guid, s.text) for s in again] == [(stored[0].guid, wanted)]
    assert window.retrieval.model.rowCount() == 1
    assert background_at(window, stored[0].start) == QColor(code.color)


def test_refused_command_is_not_pushed(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    plans = find_code(
        gui_project, "Factors of success/Various methods of study assistance/Study plans"
    )
    assert plans is not None
    window.select_code(plans.guid)
    select_in_view(window, "made a study plan with me")  # already coded by tester
    count = len(window.undo.stack)
    assert not window.coding.apply_current_code()
    assert len(window.undo.stack) == count
    assert "already coded" in window.last_report


def test_overlaps_stripes_and_tooltips(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    motivation = find_code(
        gui_project,
        "Outcomes/Academic success, motivation and study strategies/Motivation to study",
    )
    assert motivation is not None
    window.select_code(motivation.guid)
    select_in_view(window, "study plan with me in the first week")
    window.coding.apply_current.trigger()
    view = window.view
    text = view.text
    overlap = text.index("study plan with me")
    bg = background_at(window, overlap)
    plans_color = QColor(view.index.at(text.index("made a"))[0].color)
    assert bg not in (plans_color, QColor(motivation.color))  # blended
    assert len(view.index.at(overlap)) == 2
    assert len({view.index.lanes[h.guid] for h in view.index.at(overlap)}) == 2
    tip = view.tooltip_for(view.index.at(overlap))
    assert "Motivation to study" in tip and "tester" in tip

    view.margin.repaint()
    new = next(h for h in view.index.items if h.code_guid == motivation.guid)
    rect = next(r for r, g in view.margin._hits if g == new.guid)
    qtbot.mouseClick(view.margin, Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.current_segment == new.guid
    assert view.selected_range() == (new.start, new.end)


def test_segment_actions_memo_exemplar_resize_remove(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]

    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    seg = next(
        h for h in window.view.index.items if "pressure" in window.view.text[h.start : h.end]
    )
    window.view.select_segment(seg.guid)
    from tests.app.gui_helpers import Answers

    def write_memo(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.edit.setPlainText("She was kind.")
        dialog.accept()

    answers = Answers(write_memo)
    window.coding.memo.trigger()
    assert answers.done
    assert list_segments(gui_project, document_guid=guid)[1].memo == "She was kind."
    assert window.view.index.by_guid[seg.guid].memo == "She was kind."

    window.coding.exemplar.trigger()
    rec = next(s for s in list_segments(gui_project) if s.guid == seg.guid)
    assert rec.is_exemplar

    select_in_view(window, "Sometimes I felt pressure 😓")
    window.view.current_segment = seg.guid
    window.coding.resize.trigger()
    rec = next(s for s in list_segments(gui_project) if s.guid == seg.guid)
    assert rec.text == "Sometimes I felt pressure 😓"
    assert window.view.index.by_guid[seg.guid].start == rec.start

    window.view.select_segment(seg.guid)
    window.coding.remove.trigger()
    assert seg.guid not in {s.guid for s in list_segments(gui_project)}
    window.undo_action.trigger()
    assert seg.guid in {s.guid for s in list_segments(gui_project)}


def test_drag_selection_onto_a_code(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentors")
    window.open_document(guid)
    select_in_view(window, "made me realise what I had forgotten")
    mime = window.view.createMimeDataFromSelection()
    target = find(gui_project, "Mutual benefits")
    assert target is not None
    model: CodebookModel = window.codebook.model
    model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, 0, model.index_for(target.guid))
    texts = [s.text for s in list_segments(gui_project, code_guid=target.guid)]
    assert texts == ["made me realise what I had forgotten"]
    assert window.coding.recent[0] == target.guid
    select_in_view(window, "Explaining things")
    window.coding.recent_actions[0].trigger()  # Ctrl+1
    assert len(list_segments(gui_project, code_guid=target.guid)) == 2


def test_codebook_operations_are_undoable(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    dock = window.codebook
    guid = dock.new_code(name="Friendship")
    assert guid and dock.current().name == "Friendship"
    assert window.push(commands.RenameCode(guid, "Friendship and trust"))
    assert dock.model.by_guid[guid].name == "Friendship and trust"
    assert window.push(commands.RecolourCode(guid, "#123456"))
    assert window.undo_action.text().replace("&", "") == "Undo Change code colour"
    window.detail.fields["definition"].setPlainText("Participants describe becoming friends.")
    assert window.detail.save()
    assert find(gui_project, "Friendship and trust").definition.startswith("Participants")
    target = find(gui_project, "Mutual benefits")
    model = dock.model
    mime = model.mimeData([model.index_for(guid)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index_for(target.guid))
    assert find_code(gui_project, "Mutual benefits/Friendship and trust") is not None

    pressure = find(gui_project, "Negative experiences/Pressure felt by the mentee")
    dock.select(pressure.guid)
    seen: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        seen.append(box.text())
        next(b for b in box.buttons() if b.text().startswith("Delete code and")).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    dock.delete()
    assert "2 coded segments are affected" in seen[0]
    assert find_code(gui_project, "Negative experiences/Pressure felt by the mentee") is None
    assert dock.model.counts == code_counts(gui_project)
    window.undo_action.trigger()
    assert find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert len(list_segments(gui_project, code_guid=pressure.guid)) == 2
    assert dock.model.counts == code_counts(gui_project)
    parent = pressure.parent_guid
    assert parent is not None
    dock.select(pressure.guid)
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: next(b for b in box.buttons() if "move segments" in b.text()).click(),
    )
    dock.delete()  # this time the segments move to the parent code
    assert len(list_segments(gui_project, code_guid=parent)) == 2
    assert dock.model.counts == code_counts(gui_project)


def test_project_search_and_code_all_hits(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    hits = window.search.run("felt")
    assert len(hits) == 2 and window.search.model.rowCount() == 2
    code = find(gui_project, "Negative experiences")
    window.select_code(code.guid)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.search.code_all_hits()
    coded = list_segments(gui_project, code_guid=code.guid)
    assert [s.text for s in coded] == ["felt", "felt"]
    window.undo_action.trigger()
    assert list_segments(gui_project, code_guid=code.guid) == []
    window.search.hitActivated.emit(hits[1])
    assert window.view.selected_range() == (hits[1].start, hits[1].end)


def test_find_bar(window) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentees"))
    window.find_bar.open_bar()
    window.find_bar.edit.setText("mentor")
    assert len(window.find_bar.hits) == 2
    assert window.view.textCursor().selectedText().lower() == "mentor"
    window.find_bar.next()
    assert window.find_bar.count.text() == "2 of 2"
    assert len(window.view.extraSelections()) == 2


def test_retrieval_filters_copy_and_jump(window, gui_project, qapp) -> None:  # type: ignore[no-untyped-def]
    code = find(gui_project, "Negative experiences")
    window.select_code(code.guid)
    dock = window.retrieval
    assert dock.model.rowCount() == 2
    dock.where.setCurrentIndex(dock.where.findText("role = mentor"))
    assert [s.speaker for s in dock.model.rows] == ["M2"]
    dock.where.setCurrentIndex(0)
    dock.descendants.setChecked(False)
    assert dock.model.rowCount() == 0
    dock.descendants.setChecked(True)
    dock.copy()
    assert "I felt responsible for her results" in qapp.clipboard().text()
    seg = dock.model.rows[1]
    dock._activate(dock.model.index(1, 0))
    assert window.view.document_guid == seg.document_guid
    assert window.view.selected_range() == (seg.start, seg.end)


def test_context_menu_lists_segment_actions(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    window.open_document(doc_guid(window, "fgi_mentees"))
    select_in_view(window, "I felt pressure")
    menu = QMenu()
    window.coding.fill_context_menu(window.view, menu, window.view.selected_range()[0])
    texts = [a.text() for a in menu.actions()]
    assert "Code as…" in texts and "New code from selection…" in texts
    assert any(t.startswith("Segment “Pressure felt by the mentee”") for t in texts)


def test_views_get_changes_when_shown(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    class Probe(QLabel):
        def __init__(self) -> None:
            super().__init__("probe")
            self.changes: list[object] = []

        def on_change(self, change: object) -> None:
            self.changes.append(change)

    assert [window.tabs.tabText(i) for i in range(3)] == ["Document", "Theme matrix", "Survey"]
    probe = Probe()
    window.add_view("Probe", probe)
    window.tabs.setCurrentWidget(probe)
    window.push(commands.AddCode("Another"))
    assert [getattr(c, "action", None) for c in probe.changes] == ["add_code"]

    # While the analyst codes in the document tab, hidden views are not recomputed...
    window.tabs.setCurrentIndex(0)
    computed = window.matrix_view.recomputed
    window.push(commands.AddCode("Yet another"))
    window.push(commands.AddCode("And one more"))
    qtbot.wait(400)  # longer than the matrix view's debounce
    assert window.matrix_view.recomputed == computed
    assert len(probe.changes) == 1
    # ...and get the merged change when their tab is shown.
    window.tabs.setCurrentWidget(probe)
    assert len(probe.changes) == 2 and getattr(probe.changes[1], "codebook", False)
    window.tabs.setCurrentWidget(window.matrix_view)
    qtbot.waitUntil(lambda: window.matrix_view.recomputed > computed, timeout=3000)


def test_export_menu_writes_the_codebook_report(window, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import docx
    from PySide6.QtWidgets import QFileDialog

    texts = [a.text() for a in window.export_menu.actions() if a.text()]
    assert any("Theme matrix" in t for t in texts)
    assert any("Codebook report" in t for t in texts)
    assert sum("Survey tables" in t for t in texts) == 3
    target = tmp_path / "manual.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    action = next(a for a in window.export_menu.actions() if "Codebook report" in a.text())
    action.trigger()
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "Outcomes" in text and "Daily habits" in text


def test_read_only_window_refuses_changes(qtbot, gui_project, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.core.project import Project

    path = gui_project.location
    ro = Project.open(path, read_only=True, coder="auditor")
    try:
        w = MainWindow(ro, settings, restore_layout=False)
        qtbot.addWidget(w)
        assert "read-only" in w.windowTitle()
        assert not w.coding.apply_current.isEnabled()
        assert not w.push(commands.AddCode("Nope"))
        assert find_code(ro, "Nope") is None
        w.close()
    finally:
        ro.close()


def test_view_position_is_remembered(window, settings) -> None:  # type: ignore[no-untyped-def]
    mentees = doc_guid(window, "fgi_mentees")
    mentors = doc_guid(window, "fgi_mentors")
    window.open_document(mentees)
    window.open_document(mentors)
    key_holder = settings.q.allKeys()
    assert any(k.endswith(mentees) for k in key_holder)  # the position was saved on leaving
    assert settings.last_document(window.project.location) == mentors
    where = window.view.text.index("M2:")
    window.open_document(mentees)
    settings.set_document_position(window.project.location, mentors, where)
    window.open_document(mentors)
    assert window.view.cursor_cp() == where


def test_keyboard_shortcut_applies_the_current_code(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.open_document(doc_guid(window, "fgi_mentors"))
    code = find(gui_project, "Mutual benefits/Academic")
    window.select_code(code.guid)
    window.view.setFocus()
    select_in_view(window, "a new feeling for me")
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    assert [s.text for s in list_segments(gui_project, code_guid=code.guid)] == [
        "a new feeling for me"
    ]


def test_dropped_files_go_to_the_importer(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import qualframe.app.gui.dialogs.import_dialog as import_dialog
    from qualframe.coding.core.changes import Change
    from qualframe.coding.corpus.documents import DocumentData, add_document_in

    seen: list[object] = []

    def fake_run_import(parent, project, paths):  # type: ignore[no-untyped-def]
        seen.append(paths)
        with project.write() as s:
            add_document_in(s, "tester", DocumentData("fgi_extra", "E9: A third group.\n"), {})
        return Change("import", documents_added=True)

    monkeypatch.setattr(import_dialog, "run_import", fake_run_import)
    window.import_files([])
    assert seen == [[]]
    assert window.navigator.documents.index(0, 0).data() == "Transcripts (3)"
    hits = window.search.run("third group")
    assert len(hits) == 1  # the search corpus was refreshed


def test_analysis_tabs_borrow_the_height_of_the_bottom_docks(window) -> None:  # type: ignore[no-untyped-def]
    window.search.hide()  # the user closed this one; it must stay closed
    assert window.retrieval.isVisible()
    window.tabs.setCurrentWidget(window.matrix_view)
    assert not window.retrieval.isVisible()
    window.tabs.setCurrentWidget(window.survey_view)
    assert not window.retrieval.isVisible()
    window.tabs.setCurrentIndex(0)
    assert window.retrieval.isVisible() and not window.search.isVisible()


def test_no_two_actions_share_a_shortcut(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            key = seq.toString()
            if not key:
                continue
            assert key not in seen, f"{key}: {seen.get(key)!r} and {action.text()!r}"
            seen[key] = action.text()
    assert "Ctrl+Shift+E" in seen and "Ctrl+E" in seen


def test_the_highlight_is_painted_before_the_docks_update(window, gui_project, qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, QObject

    order: list[str] = []

    class Watch(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                order.append("paint")
            return False

    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    code = find(gui_project, "Outcomes/Lifestyle/Daily habits")
    window.select_code(code.guid)
    select_in_view(window, "It really")
    qapp.processEvents()
    watch = Watch()
    window.view.viewport().installEventFilter(watch)
    model = window.retrieval.model
    model.rowsInserted.connect(lambda *_: order.append("list"))
    model.modelReset.connect(lambda: order.append("list"))
    window.coding.apply_current.trigger()
    assert "paint" in order and "list" in order
    assert order.index("paint") < order.index("list")
    assert model.rowCount() == 1


def test_analysis_tabs_compute_when_first_shown(window) -> None:  # type: ignore[no-untyped-def]
    assert window.matrix_view.recomputed == 0 and window.matrix_view.matrix is None
    assert window.survey_view.tables is None
    window.tabs.setCurrentWidget(window.matrix_view)
    assert window.matrix_view.recomputed == 1 and window.matrix_view.matrix is not None
    window.tabs.setCurrentWidget(window.survey_view)
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.matrix_view)
    assert window.matrix_view.recomputed == 1  # not again without a change
