"""Issue 11, item 1 ("everything looks coded"): the document view paints only coded text.

The exact sequence that broke it: open a document whose last segment ends at its final
character, click in the blank area below the text (the cursor goes to the end and takes the
segment's format), then add a code with the Codebook's "+" or delete a code (the document is
reloaded). The whole document, and every document opened afterwards, was painted in that
segment's colour.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QToolButton

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import ApplyCode
from qualframe.coding.corpus.documents import document_text


def doc_guid(window, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(d.guid for d in window.navigator.documents.by_guid.values() if d.name == name)


def painted_ranges(view) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    """(start, end, colour) of every run of text with a visible background, in code points."""
    out = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            brush = frag.charFormat().background()
            if brush.style() != Qt.BrushStyle.NoBrush and brush.color().alpha() > 0:
                a = view.offsets.to_store(frag.position())
                b = view.offsets.to_store(frag.position() + frag.length())
                out.append((a, b, brush.color().name()))
            it += 1
        block = block.next()
    return out


def assert_only_segments_painted(view) -> None:  # type: ignore[no-untyped-def]
    assert view.index is not None
    for a, b, color in painted_ranges(view):
        covering = view.index.overlapping(a, b)
        assert covering, f"{view.document_name}: {a}-{b} painted {color} but not coded"
        assert all(h.start <= a and h.end >= b for h in covering) or len(covering) > 1


def click_below_text(qtbot, view) -> None:  # type: ignore[no-untyped-def]
    vp = view.viewport()
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=QPoint(40, vp.height() - 8))


def last_segment_at_end(window, project) -> str:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentors")
    text = document_text(project, guid)
    code = find_code(project, "Mutual benefits")
    assert code is not None
    window.push(ApplyCode(guid, len(text) - 30, len(text), code.guid))
    return guid


def test_adding_a_code_after_clicking_below_the_text_paints_nothing_new(
    window, gui_project, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    guid = last_segment_at_end(window, gui_project)
    window.resize(1024, 700)
    window.open_document(guid)
    view = window.view
    assert_only_segments_painted(view)
    click_below_text(qtbot, view)
    assert view.textCursor().position() == view.document().characterCount() - 1

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Fresh code", True))
    plus = next(b for b in window.codebook.findChildren(QToolButton) if b.text() == "+")
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert find_code(gui_project, "Fresh code") is not None

    assert_only_segments_painted(view)
    assert painted_ranges(view)  # the segments are still shown
    window.open_document(doc_guid(window, "fgi_mentees"))
    assert_only_segments_painted(view)
    # and on screen: the top-left corner of the text (uncoded title) is not tinted
    shot = view.viewport().grab().toImage()
    base = view.palette().color(view.viewport().backgroundRole())
    assert shot.pixelColor(20, 20).name() == base.name()


def test_deleting_a_code_after_clicking_below_the_text_paints_nothing_new(
    window, gui_project, qtbot
) -> None:  # type: ignore[no-untyped-def]
    guid = last_segment_at_end(window, gui_project)
    window.open_document(guid)
    view = window.view
    click_below_text(qtbot, view)
    unused = find_code(gui_project, "Suggestions for improvement/Training for mentees")
    assert unused is not None
    window.select_code(unused.guid)

    def press_delete() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        button = next(b for b in box.buttons() if b.text().startswith("Delete code"))
        button.click()

    QTimer.singleShot(0, press_delete)
    window.codebook.a_delete.trigger()
    assert find_code(gui_project, "Suggestions for improvement/Training for mentees") is None
    assert_only_segments_painted(view)
    window.open_document(doc_guid(window, "fgi_mentees"))
    assert_only_segments_painted(view)
