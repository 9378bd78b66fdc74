"""Documents through the real window: rename, delete (the confirmation gives the counts),
edit text (codings after it stay on their words), document sets filtering the navigator,
the retrieval list and the theme matrix — each undone with Edit → Undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QMessageBox

from qualframe.app.gui.dialogs.edit_text_dialog import EditTextDialog
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.corpus.documents import document_text
from qualframe.coding.query.segments import list_segments
from tests.app.test_workbench import doc_guid, select_in_view


def _names(window) -> list[str]:  # type: ignore[no-untyped-def]
    proxy = window.navigator.proxy
    out = []
    for k in range(proxy.rowCount()):
        kind = proxy.index(k, 0)
        out += [proxy.index(r, 0, kind).data() for r in range(proxy.rowCount(kind))]
    return out


def test_rename_and_delete_with_undo(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    mentees = doc_guid(window, "fgi_mentees")
    window.open_document(mentees)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("FGI 1 — mentees", True))
    assert window.document_actions.rename()  # the document on show
    assert _names(window) == ["FGI 1 — mentees", "fgi_mentors"]
    assert "FGI 1 — mentees" in window.page.title.text()
    assert window.undo_action.text().replace("&", "") == 'Undo Rename document to "FGI 1 — mentees"'

    asked: list[str] = []

    def answer(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert window.document_actions.delete(mentees)
    assert asked == [
        'Delete "FGI 1 — mentees" with its 2 coded segments (of 2 codes)? The codes themselves '
        "and the participants stay. You can undo this."
    ]
    assert _names(window) == ["fgi_mentors"]
    assert window.view.document_guid is None and window.view.toPlainText() == ""
    assert window.search.corpus is window.corpus
    hits, _ = window.corpus.search("pressure")
    assert hits == []  # the deleted text is gone from project search
    window.undo_action.trigger()
    assert _names(window) == ["FGI 1 — mentees", "fgi_mentors"]
    assert len(list_segments(gui_project, document_guid=mentees)) == 2
    hits, _ = window.corpus.search("pressure")
    assert [h.document_guid for h in hits] == [mentees]
    window.undo_action.trigger()
    assert _names(window) == ["fgi_mentees", "fgi_mentors"]


def test_edit_text_keeps_codings_on_their_words(window, gui_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    mentees = doc_guid(window, "fgi_mentees")
    window.open_document(mentees)
    before = {s.guid: s.text for s in list_segments(gui_project)}
    select_in_view(window, "top student")
    shown: list[str] = []

    def correct(dialog: EditTextDialog) -> int:
        assert dialog.original == "top student"
        dialog.editor.setPlainText("top-ranked student")
        dialog.update_preview()
        shown.append(dialog.preview.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EditTextDialog, "exec", correct)
    window.document_actions.a_edit_text.trigger()
    assert shown == ["0 coded segments after the edit move with the text."]
    text = document_text(gui_project, mentees)
    assert "my mentor was a top-ranked student." in text
    assert window.view.toPlainText() == text  # the view re-read the text
    after = {s.guid: s.text for s in list_segments(gui_project)}
    assert after == before
    for h in window.view.index.items:  # highlights still on their words
        assert text[h.start : h.end] == before[h.guid]
    hits, _ = window.corpus.search("top-ranked")
    assert len(hits) == 1
    # the project search's hits moved with the text (no stale offsets for "Code all hits")
    search = window.search
    found = search.run("student")
    assert [text[h.start : h.end] for h in found] == ["student"]
    assert window.undo_action.text().replace("&", "") == 'Undo Edit text of "fgi_mentees"'
    window.undo_action.trigger()
    assert "my mentor was a top student." in window.view.toPlainText()
    back = document_text(gui_project, mentees)
    assert [back[h.start : h.end] for h in search.model.hits] == ["student"]


def test_edit_text_before_codings_moves_them_and_lists_removed_ones(
    window, gui_project, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    mentees = doc_guid(window, "fgi_mentees")
    window.open_document(mentees)
    select_in_view(window, "made a study plan with me")  # a whole coded passage

    def delete_it(dialog: EditTextDialog) -> int:
        dialog.editor.setPlainText("")
        dialog.update_preview()
        ok = dialog.buttons.buttons()[0]
        assert ok.text() == "Edit text and remove 1 segment"
        assert "Removed: Factors of success/" in dialog.preview.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EditTextDialog, "exec", delete_it)
    window.document_actions.edit_text()
    texts = [s.text for s in list_segments(gui_project, document_guid=mentees)]
    assert texts == ["I felt pressure 😓"]
    assert len(window.view.index.items) == 1
    window.undo_action.trigger()
    assert len(list_segments(gui_project, document_guid=mentees)) == 2
    assert len(window.view.index.items) == 2


def test_a_refused_edit_says_why_and_cannot_be_accepted(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    mentees = doc_guid(window, "fgi_mentees")
    text = document_text(gui_project, mentees)
    i = text.index("E1: 😀")
    dialog = EditTextDialog(gui_project, mentees, "fgi_mentees", text, i, i + 2, window)
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText("E9")
    dialog.update_preview()
    assert "speaker label cannot be edited" in dialog.preview.text()
    assert not dialog.buttons.buttons()[0].isEnabled()


def test_sets_filter_navigator_retrieval_and_matrix(
    window, gui_project, monkeypatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    mentors = doc_guid(window, "fgi_mentors")
    nav = window.navigator
    assert not nav.set_filter.isVisible()  # no sets yet
    # right-click a document: Add to document set → New set…
    menu = nav.context_menu_for([mentors])
    assert menu is not None
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Rename…", "Memo on this document…", "Delete…", "Add to document set",
        "Remove from document set",
    ]  # fmt: skip
    add = next(a.menu() for a in menu.actions() if a.text() == "Add to document set")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Mentor groups", True))
    next(a for a in add.actions() if a.text() == "New set…").trigger()
    assert nav.set_filter.isVisible()
    assert [nav.set_filter.itemText(i) for i in range(nav.set_filter.count())] == [
        "All documents", "Set: Mentor groups (1)",
    ]  # fmt: skip
    nav.set_filter.setCurrentIndex(1)
    assert _names(window) == ["fgi_mentors"]
    kind = nav.proxy.index(0, 0)
    assert (
        nav.proxy.index(0, 0, kind)
        .data(Qt.ItemDataRole.ToolTipRole)
        .endswith("<br>sets: Mentor groups")
    )
    assert nav.proxy.index(0, 0).data() == "Transcripts (1 of 2)"

    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    window.select_code(pressure.guid)
    retrieval = window.retrieval
    assert [s.speaker for s in retrieval.model.rows] == ["E1", "M2"]
    retrieval.doc_set.setCurrentIndex(retrieval.doc_set.findText("Mentor groups"))
    assert [s.speaker for s in retrieval.model.rows] == ["M2"]

    window.tabs.setCurrentWidget(window.matrix_view)
    view = window.matrix_view
    view.recompute()
    only = next(a for a in view.documents._menu.actions() if a.text().startswith("Only “Mentor"))
    only.trigger()
    options = view.options()
    assert options.document_sets == ["Mentor groups"] and options.documents is None
    view.recompute()
    assert "Document sets: Mentor groups (1 document)." in view.note.text()
    assert "set “Mentor groups”" in view.scope.text()

    window.undo_action.trigger()  # the set goes
    assert not nav.set_filter.isVisible() and _names(window) == ["fgi_mentees", "fgi_mentors"]
    window.tabs.setCurrentIndex(0)
    assert retrieval.doc_set.count() == 1
    qtbot.waitUntil(lambda: len(retrieval.model.rows) == 2)  # the filter's set is gone


def test_documents_menu_and_the_views_context_menu(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentees"))
    menu = QMenu()
    window.view.menu_provider(window.view, menu, 0)
    assert menu.actions()[-1] is window.document_actions.a_edit_text
    bar = window.menuBar()
    titles = [a.text() for a in bar.actions()]
    assert titles.index("&Documents") == titles.index("&View") - 1
    assert titles.index("&Memos") == titles.index("&View") + 1
    documents = next(a.menu() for a in bar.actions() if a.text() == "&Documents")
    texts = [a.text() for a in documents.actions() if a.text()]
    assert texts[:4] == ["&Edit text…", "&Rename document…", "&Delete document…", "Document &memo…"]
    assert window.document_actions.a_edit_text.shortcut().toString() == "Ctrl+Shift+T"
