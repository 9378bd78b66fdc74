"""Issue 11, item 5: "Code all hits" codes each hit extended to its whole word (default),
sentence or speaker turn / survey answer; whole-word matching is offered and remembered."""

from __future__ import annotations

from PySide6.QtCore import Qt

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.search import ProjectSearchDock
from qualframe.coding.query.segments import list_segments
from tests.app.gui_helpers import Answers, click, code

PRESSURE = "Negative experiences/Pressure felt by the mentee"
OUTCOMES = "Outcomes"


def search_for(qtbot, dock, text: str) -> None:  # type: ignore[no-untyped-def]
    dock.edit.clear()
    qtbot.keyClicks(dock.edit, text)
    qtbot.keyClick(dock.edit, Qt.Key.Key_Return)


def code_all(qtbot, window) -> list[str]:  # type: ignore[no-untyped-def]
    answers = Answers(click("Yes"))
    qtbot.mouseClick(window.search.code_all, Qt.MouseButton.LeftButton)
    assert answers.done
    return answers.seen


def test_hits_are_coded_as_whole_words_by_default(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    target = code(gui_project, OUTCOMES)
    window.select_code(target.guid)
    dock = window.search
    search_for(qtbot, dock, "ressur")
    assert dock.extent.currentData() == "word"
    seen = code_all(qtbot, window)
    assert "each extended to its whole word (1 passage)" in seen[0]
    assert [s.text for s in list_segments(gui_project, code_guid=target.guid)] == ["pressure"]


def test_hits_spread_to_sentence_and_turn(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    target = code(gui_project, OUTCOMES)
    window.select_code(target.guid)
    dock = window.search
    search_for(qtbot, dock, "mentor")
    dock.extent.setCurrentIndex(dock.extent.findData("sentence"))
    code_all(qtbot, window)
    texts = [s.text for s in list_segments(gui_project, code_guid=target.guid)]
    assert "Sometimes I felt pressure 😓 because my mentor was a top student." in texts
    assert "Focus group with mentors" in texts  # a title outside any turn: its line
    assert all("Moderator" not in t and "E1:" not in t for t in texts)
    window.undo_action.trigger()

    search_for(qtbot, dock, "really helped")
    dock.extent.setCurrentIndex(dock.extent.findData("turn"))
    code_all(qtbot, window)
    (seg,) = list_segments(gui_project, code_guid=target.guid)
    assert seg.text.startswith("선배가 시험 전에") and seg.text.endswith("It really helped.")
    assert seg.speaker == "E2"


def test_whole_words_and_the_extent_are_remembered(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    dock = window.search
    qtbot.mouseClick(dock.words, Qt.MouseButton.LeftButton)
    search_for(qtbot, dock, "mentor")
    assert {window.corpus.text(h.document_guid)[h.start : h.end] for h in dock.model.hits} == {
        "mentor"
    }
    assert all(not window.corpus.text(h.document_guid)[h.end].isalpha() for h in dock.model.hits)
    dock.extent.setCurrentIndex(dock.extent.findData("turn"))
    again = ProjectSearchDock(window, Corpus(gui_project), None, window.settings)
    qtbot.addWidget(again)
    assert again.words.isChecked() and again.extent.currentData() == "turn"
