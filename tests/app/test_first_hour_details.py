"""Issue 11, item 9: the small things a new researcher meets in the first hour, through the
real widgets: names after a rename, distinct automatic colours, readable muted text (WCAG AA,
computed from the rendered pixels), emoji that render, a memo editor that wraps, a code
filter that gives the tree back as it was, and a read-only project that says why."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage

from qualframe.app.gui.colors import contrast
from qualframe.coding import commands
from qualframe.coding.codebook.colours import distance, oklab
from qualframe.coding.core.project import Project
from tests.app.gui_helpers import Answers, code, doc_guid, select_text

PLANS = "Factors of success/Various methods of study assistance/Study plans"


def test_a_rename_shows_at_once_in_the_status_bar_and_the_retrieval_header(
    window, gui_project, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    plans = code(gui_project, PLANS)
    window.select_code(plans.guid)
    assert "Study plans" in window.code_label.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Planning together", True))
    window.codebook.a_rename.trigger()
    assert "Planning together" in window.code_label.text()
    assert "Study plans" not in window.code_label.text()
    assert "Planning together" in window.retrieval.title.text()
    assert window.selection().code is not None
    assert window.selection().code.name == "Planning together"
    # a rename of the theme above it changes the path in the header too
    theme = code(gui_project, "Factors of success")
    window.select_code(theme.guid)
    window.push(commands.RenameCode(theme.guid, "What made it work"))
    window.select_code(plans.guid)
    window.push(commands.RenameCode(theme.guid, "Success factors"))
    assert "Success factors/" in window.retrieval.title.text()


def test_automatic_colours_stay_distinct_past_the_palette(project: Project) -> None:
    for i in range(30):
        commands.AddCode(f"Code {i}").do(project)
    from qualframe.coding.codebook.tree import code_tree

    colours = [c.color.upper() for c in code_tree(project)]
    assert len(set(colours)) == 30  # no repeats (the palette used to cycle)
    gaps = [distance(oklab(a), oklab(b)) for a, b in itertools.combinations(colours, 2)]
    assert min(gaps) > 0.05  # clearly different to the eye (OKLab)
    # a code added next to existing colours avoids them
    commands.AddCode("Next", color=None).do(project)
    new = next(c for c in code_tree(project) if c.name == "Next").color
    assert min(distance(oklab(new), oklab(c)) for c in colours) > 0.04


def darkest_contrast(image: QImage) -> float:
    """Contrast between the darkest pixel (the text) and the most common one (background)."""
    counts: dict[int, int] = {}
    darkest = QColor("white")
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            counts[c.rgb()] = counts.get(c.rgb(), 0) + 1
            if c.lightness() < darkest.lightness():
                darkest = c
    background = QColor.fromRgb(max(counts, key=counts.__getitem__))
    return contrast(darkest, background)


def test_matrix_note_and_code_counts_meet_wcag_aa(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.matrix_view)
    qtbot.waitUntil(lambda: bool(window.matrix_view.note.text()))
    note = window.matrix_view.note
    assert darkest_contrast(note.grab().toImage()) >= 4.5
    window.tabs.setCurrentIndex(0)
    window.select_code(code(gui_project, PLANS).guid)
    counts = window.detail.counts
    assert counts.text()
    assert darkest_contrast(counts.grab().toImage()) >= 4.5
    title = window.doc_title
    window.open_document(doc_guid(window, "fgi_mentees"))
    assert darkest_contrast(title.grab().toImage()) >= 4.5


def test_emoji_render_in_colour(window) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentees"))
    view = window.view
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(view.text.index("😀")))
    rect = view.cursorRect(cursor).adjusted(0, 0, 24, 0)
    image = view.viewport().grab(rect).toImage()
    colourful = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).hsvSaturation() > 120 and image.pixelColor(x, y).value() > 120
    ]
    assert len(colourful) > 20, "the emoji is drawn as a box: is fonts-noto-color-emoji installed?"


def test_the_memo_editor_wraps_long_lines(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentees"))
    seg = next(h for h in window.view.index.items if h.code_name == "Study plans")
    window.view.select_segment(seg.guid)
    long_memo = " ".join(["The mentee set the plan herself, which matters for autonomy."] * 6)
    lines: list[int] = []

    def write(dialog) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClicks(dialog.edit, long_memo)
        block = dialog.edit.document().firstBlock()
        lines.append(block.layout().lineCount())
        dialog.accept()

    answers = Answers(write)
    window.coding.memo.trigger()
    assert answers.done
    assert lines[0] > 2
    assert window.view.index.by_guid[seg.guid].memo == long_memo


def test_clearing_the_code_filter_keeps_the_tree_open(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    dock = window.codebook
    plans = code(gui_project, PLANS)
    dock.select(plans.guid)  # opens its theme and category
    open_before = dock._expanded()
    assert len(open_before) >= 2
    qtbot.keyClicks(dock.filter, "pressure")
    dock.filter.clear()
    assert dock._expanded() >= open_before
    assert dock.current() is not None and dock.current().guid == plans.guid


@pytest.fixture
def read_only_window(qtbot, gui_project, tmp_path):  # type: ignore[no-untyped-def]
    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow

    path = gui_project.location
    gui_project.close()
    project = Project.open(path, read_only=True, coder="tester")
    settings = Settings(QSettings(str(tmp_path / "ro.ini"), QSettings.Format.IniFormat))
    w = MainWindow(project, settings, restore_layout=False)
    w.read_only_reason = "you asked to open it read-only"
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    project.close()


def test_read_only_says_why_when_q_is_pressed(read_only_window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = read_only_window
    w.open_document(doc_guid(w, "fgi_mentors"))
    w.select_code(code(w.project, PLANS).guid)
    select_text(w.view, "a new feeling")
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_Q)
    assert "read-only because you asked to open it read-only" in w.last_report
    w.last_report = ""
    qtbot.keyClick(w.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "read-only" in w.last_report
    w.last_report = ""
    w.codebook.tree.setFocus()
    qtbot.keyClick(w.codebook.tree, Qt.Key.Key_Delete)
    assert "read-only" in w.last_report
