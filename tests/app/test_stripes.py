"""The coding stripes (issue 11): one column per code beside the text, a tooltip on hover,
a memo marker, and a click that selects the segment, through the real margin widget."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from qualframe.coding import commands
from tests.app.gui_helpers import code, doc_guid

PLANS = "Factors of success/Various methods of study assistance/Study plans"
MOTIVATION = "Outcomes/Academic success, motivation and study strategies/Motivation to study"
PRESSURE = "Negative experiences/Pressure felt by the mentee"


def test_one_column_per_code(window, gui_project) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    text = window.view.text
    plans, motivation = code(gui_project, PLANS), code(gui_project, MOTIVATION)
    a = text.index("study plan with me")
    window.push(commands.ApplyCode(guid, a, a + 30, motivation.guid))  # overlaps "Study plans"
    b = text.index("It really helped")
    window.push(commands.ApplyCode(guid, b, b + 16, plans.guid))  # a second "Study plans"
    index = window.view.index
    cols = index.code_columns
    assert cols[plans.guid] != cols[motivation.guid]
    lanes_of_plans = {index.lanes[h.guid] for h in index.items if h.code_guid == plans.guid}
    assert lanes_of_plans == {cols[plans.guid]}  # every segment of a code in its column
    # "Pressure" never meets "Motivation": it may share a column with it, not with a code it
    # overlaps; no two overlapping segments of different codes share a column
    for h in index.items:
        for o in index.overlapping(h.start, h.end):
            if o.code_guid != h.code_guid:
                assert index.lanes[o.guid] != index.lanes[h.guid]
    assert max(cols.values()) <= 1


def hover(margin, pos: QPoint) -> str:  # type: ignore[no-untyped-def]
    event = QHelpEvent(QEvent.Type.ToolTip, pos, margin.mapToGlobal(pos))
    QApplication.sendEvent(margin, event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_hover_click_and_memo_marker(window, gui_project, qtbot) -> None:  # type: ignore[no-untyped-def]
    guid = doc_guid(window, "fgi_mentees")
    window.open_document(guid)
    view = window.view
    seg = next(h for h in view.index.items if h.code_name == "Study plans")
    window.push(commands.SetSegmentMemo(seg.guid, "Planned in week one"))
    view.margin.repaint()
    bar = next(r for r, g in view.margin._hits if g == seg.guid)
    tip = hover(view.margin, bar.center())
    assert PLANS in tip and "tester" in tip and "Planned in week one" in tip
    hover(view.margin, QPoint(view.margin.width() - 3, view.margin.height() - 3))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())  # nothing there: the tip goes
    marks = [r for r, g in view.margin.memo_marks if g == seg.guid]
    assert marks, "a segment with a memo has a marker"
    assert all(
        g != h.guid for _, g in view.margin.memo_marks for h in view.index.items if not h.memo
    )
    # the marker is drawn: dark edge pixels where the marker is
    image = view.margin.grab().toImage()
    r = marks[0]
    inside = [
        image.pixelColor(x, y)
        for x in range(r.left(), r.right())
        for y in range(r.top(), r.bottom())
    ]
    assert min(c.lightness() for c in inside) < 90 and max(c.lightness() for c in inside) > 240
    qtbot.mouseClick(view.margin, Qt.MouseButton.LeftButton, pos=marks[0].center())
    assert view.current_segment == seg.guid
    assert view.selected_range() == (seg.start, seg.end)
