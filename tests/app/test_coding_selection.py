"""Issue 11, items 4, 6 and 7, through the real widgets: a selection over several speaker
turns (split per participant turn, or kept as one with a warning; quotes never carry
another speaker's words), selections snapping to whole words, and Code as… with a typed
name or a new path."""

from __future__ import annotations

import csv

from docx import Document as open_docx
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from qualframe.coding import commands
from qualframe.coding.analysis.matrix import MatrixOptions
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.export.matrix_export import export_matrix
from qualframe.coding.query.segments import list_segments
from tests.app.gui_helpers import (
    Answers,
    click,
    code,
    doc_guid,
    select_cp,
    select_text,
    type_and_accept,
)

PLANS = "Factors of success/Various methods of study assistance/Study plans"
ACADEMIC = "Outcomes/Academic success, motivation and study strategies"
E1_END = "in the first week, and I started early."
E2_START = "선배가 시험 전에"


def cross_turn_selection(window) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    text = window.view.text
    start = text.index(E1_END)
    end = text.index(E2_START) + len(E2_START)
    select_cp(window.view, start, end)
    return guid, start, end


def test_a_selection_over_two_speakers_is_split_per_turn_by_default(
    window, gui_project, qtbot
) -> None:  # type: ignore[no-untyped-def]
    cross_turn_selection(window)
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)
    answers = Answers(click("Split into 2 segments"))
    window.coding.apply_current.trigger()
    assert answers.done and "2 speaker turns (E1, E2)" in answers.seen[0]
    segs = list_segments(gui_project, code_guid=target.guid)
    assert [(s.text, s.speaker) for s in segs] == [(E1_END, "E1"), (E2_START, "E2")]
    # one undo step takes both away
    window.undo_action.trigger()
    assert list_segments(gui_project, code_guid=target.guid) == []


def test_split_leaves_out_the_interviewer_and_the_labels(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    text = window.view.text
    start = text.index("How did the programme")
    end = text.index("My mentor made") + len("My mentor made")
    select_cp(window.view, start, end)
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)
    answers = Answers(click("Split into 1 segment"))
    window.coding.apply_current.trigger()
    assert answers.done and "(Moderator, E1)" in answers.seen[0]
    (seg,) = list_segments(gui_project, code_guid=target.guid)
    assert seg.text == "😀 My mentor made" and seg.speaker == "E1"


def test_kept_as_one_warns_and_no_export_quotes_another_speaker(
    window, gui_project, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _, start, end = cross_turn_selection(window)
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)
    answers = Answers(click("Keep as one segment"))
    window.coding.apply_current.trigger()
    assert answers.done
    assert "counts for E1 only" in window.last_report
    (seg,) = list_segments(gui_project, code_guid=target.guid)
    assert (seg.start, seg.end) == (start, end) and seg.speaker == "E1"
    # Quotes: E1's words only, never E2's label or words.
    assert seg.text == E1_END
    window.push(commands.SetExemplar(seg.guid, True))
    window.push(commands.EditCodeDetails(target.guid, {"example": ""}))  # the quote is the example
    options = MatrixOptions(rows_level=1, quotes=3, counts=frozenset({"segments"}))
    export_matrix(gui_project, options, tmp_path / "m.docx")
    export_matrix(gui_project, options, tmp_path / "m.csv")
    cells = " ".join(
        c.text for row in open_docx(str(tmp_path / "m.docx")).tables[0].rows for c in row.cells
    )
    assert E1_END in cells
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as fh:
        quotes = [r["Quote"] for r in csv.DictReader(fh)]
    assert E1_END in quotes
    for exported in (cells, " ".join(quotes)):
        assert "E2" not in exported and "선배가" not in exported and "김민지" not in exported
    window.retrieval.copy()  # Retrieved segments → Copy: the quote is E1's turn only
    copied = QApplication.clipboard().text()
    assert E1_END in copied and "선배가" not in copied
    from qualframe.coding.export.codebook_report import manual_entries

    example = next(e.example for e in manual_entries(gui_project) if e.code.guid == target.guid)
    assert E1_END in example and "선배" not in example and "E2" not in example


def test_the_cross_turn_choice_can_be_remembered(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    cross_turn_selection(window)
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)

    def split_and_remember(box) -> None:  # type: ignore[no-untyped-def]
        box.checkBox().setChecked(True)
        click("Split")(box)

    answers = Answers(split_and_remember)
    window.coding.apply_current.trigger()
    assert answers.done
    assert window.settings.option("cross_turn", "ask") == "split"
    window.coding.cross_menu.aboutToShow.emit()
    assert window.coding.cross_actions["split"].isChecked()
    other = code(gui_project, PLANS)
    window.select_code(other.guid)
    cross_turn_selection(window)
    window.coding.apply_current.trigger()  # no dialog now (an unexpected one would fail)
    assert len(list_segments(gui_project, code_guid=other.guid)) == 3  # 2 new + 1 fixture


def test_selection_snaps_to_whole_words(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)
    select_text(window.view, "xplaining things to a jun")
    window.coding.apply_current.trigger()
    (seg,) = list_segments(gui_project, code_guid=target.guid)
    assert seg.text == "Explaining things to a junior"


def test_a_mouse_drag_snaps_visibly_and_the_option_turns_it_off(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    view = window.view
    text = view.text
    a = text.index("ealise what")  # inside "realise"
    b = text.index("orgotten")  # inside "forgotten"

    def point(cp: int) -> QPoint:
        cursor = view.textCursor()
        cursor.setPosition(view.offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=point(a))
    qtbot.mouseMove(vp, point(b))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=point(b))
    assert view.textCursor().selectedText() == "realise what I had forgotten"

    window.coding.snap.setChecked(False)  # Code → Snap selections to whole words
    assert window.settings.flag("snap_words", True) is False
    select_text(view, "ealise what")
    target = code(gui_project, ACADEMIC)
    window.select_code(target.guid)
    window.coding.apply_current.trigger()
    (seg,) = list_segments(gui_project, code_guid=target.guid)
    assert seg.text == "ealise what"


def test_code_as_a_bare_leaf_name_picks_the_unique_code(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    select_text(window.view, "a new feeling for me")
    answers = Answers(type_and_accept("study PLANS"))
    window.coding.code_as.trigger()
    assert answers.done
    segs = list_segments(gui_project, code_guid=code(gui_project, PLANS).guid)
    assert "a new feeling for me" in [s.text for s in segs]


def test_code_as_a_new_path_creates_it_after_confirming(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    window.open_document(doc_guid(window, "fgi_mentors"))
    select_text(window.view, "a new feeling for me")
    answers = Answers(type_and_accept("Outcomes/Responsibility/Feeling responsible"), click("Yes"))
    window.coding.code_as.trigger()
    assert answers.done
    assert (
        'Create its 2 levels ("Responsibility/Feeling responsible", under "Outcomes")'
        in answers.seen[0]
    )
    new = code(gui_project, "Outcomes/Responsibility/Feeling responsible")
    assert [s.text for s in list_segments(gui_project, code_guid=new.guid)] == [
        "a new feeling for me"
    ]
    window.undo_action.trigger()  # one step: the codes and the segment go
    assert find_code(gui_project, "Outcomes/Responsibility") is None


def test_code_as_says_why_it_cannot(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    for theme in ("Outcomes", "Mutual benefits"):
        window.push(commands.AddCode("Other", code(gui_project, theme).guid))
    window.open_document(doc_guid(window, "fgi_mentors"))
    select_text(window.view, "a new feeling for me")
    before = len(window.undo.stack)
    answers = Answers(type_and_accept("other"))
    window.coding.code_as.trigger()
    assert answers.done
    assert '"other" names 2 codes (Outcomes/Other; Mutual benefits/Other)' in window.last_report
    assert len(window.undo.stack) == before
    # declining the confirmation creates nothing
    answers = Answers(type_and_accept("Brand new theme"), click("No"))
    window.coding.code_as.trigger()
    assert answers.done
    assert find_code(gui_project, "Brand new theme") is None
