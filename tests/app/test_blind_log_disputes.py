"""Blind coding reaches the auditors' half of the analyst's window, driven through the real
widgets: Ha-eun and Jordan code the same focus group, an auditor disputes a passage of each
and comments on a code, Jordan answers his. In Ha-eun's window with View → Coders → Blind
coding on, the Log tab and the Disputes dock show nothing of Jordan's coding and say how
much they leave out; turning it off shows it all again; both follow the project's changes
and the switch whether or not they are on show. Also: the Log tab and the Disputes dock
rendered at 1024×700 with blind coding on (into ``QUALFRAME_SCREENSHOTS`` when set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from qualframe.coding import commands
from qualframe.coding.core.project import Project
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.trail.log import read_log
from tests.app.blind_study import (
    HIDDEN_EVENTS,
    JORDAN_TRACES,
    blind_action,
    build_two_coders,
    open_window,
    plain,
)


@pytest.fixture
def two_coders(tmp_path: Path) -> Path:
    return build_two_coders(tmp_path / "double-coded.qualframe")


@pytest.fixture
def win(qtbot, two_coders: Path, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from open_window(qtbot, two_coders, settings)


def jordans_places(w) -> list[str]:  # type: ignore[no-untyped-def]
    """Where Jordan's two codings lie, as the log writes places ("61–103")."""
    text = win_text(w)
    j, i = text.index("I felt pressure before"), text.index("made a study plan")
    return [f"{j:,}–{j + 42:,}", f"{i:,}–{i + 26:,}"]


def win_text(w) -> str:  # type: ignore[no-untyped-def]
    return str(w.corpus.text(next(iter(w.documents.by_guid))))


def log_rows(w) -> list[str]:  # type: ignore[no-untyped-def]
    """Every row of the Log tab as its cells and tooltip read."""
    model = w.log_view.model
    return [
        " | ".join(str(model.index(r, c).data()) for c in range(3))
        + " | " + str(model.index(r, 2).data(3))  # the tooltip: the whole sentence
        for r in range(model.rowCount())
    ]  # fmt: skip


def dispute_rows(w) -> list[str]:  # type: ignore[no-untyped-def]
    dock = w.disputes
    return [
        " | ".join(str(dock.model.index(r, c).data()) for c in range(5))
        for r in range(dock.model.rowCount())
    ]


def test_the_log_hides_jordans_work_while_ha_eun_codes_blind(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    events = read_log(win.project)
    win.tabs.setCurrentWidget(win.log_view)
    view = win.log_view
    assert len(log_rows(win)) == len(events)
    assert any("Jordan" in r for r in log_rows(win))
    assert not view.blind_note.isVisibleTo(view)

    blind_action(win).trigger()
    assert win.coder_scope.blind
    rows = log_rows(win)
    assert len(rows) == len(events) - HIDDEN_EVENTS
    for trace in (*JORDAN_TRACES, *jordans_places(win)):
        assert not any(trace in r for r in rows), trace
    assert {view.model.index(r, 1).data() for r in range(len(rows))} == {"Ha-eun", "kim"}
    # her own thread stays: the dispute of her passage and her codings
    assert any("Is the plan hers or the mentor's?" in r for r in rows)
    assert view.blind_note.isVisibleTo(view)
    assert plain(view.blind_note) == (
        f"Blind coding is on: {HIDDEN_EVENTS} entries of other coders are hidden (View → Coders)."
    )
    # the filters offer only what is shown, and the status counts it
    assert [view.actor.itemText(i) for i in range(view.actor.count())] == [
        "(anyone)", "Ha-eun", "kim",
    ]  # fmt: skip
    assert view.status.text().startswith(f"{len(rows)} of {len(rows)} events shown")

    blind_action(win).trigger()
    assert not win.coder_scope.blind
    assert len(log_rows(win)) == len(events)
    for trace in ("Jordan", "worry about the block", *jordans_places(win)):
        assert any(trace in r for r in log_rows(win)), trace
    assert not view.blind_note.isVisibleTo(view)


def test_the_disputes_dock_shows_only_threads_on_her_segments(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    dock = win.disputes
    dock.show()
    dock.raise_()
    dock.answered.setChecked(True)  # also the answered ones: Jordan's waits for the auditor
    assert len(dispute_rows(win)) == 3
    assert any("he says pressure twice" in r for r in dispute_rows(win))

    blind_action(win).trigger()
    rows = dispute_rows(win)
    assert len(rows) == 1 and "Is the plan hers or the mentor's?" in rows[0]
    for trace in JORDAN_TRACES:
        assert not any(trace in r for r in rows), trace
        assert trace not in dock.thread_box.toPlainText()
    assert plain(dock.blind_note) == (
        "Blind coding is on: 2 threads on other coders' segments or on codes are hidden "
        "(View → Coders)."
    )
    assert dock.windowTitle() == "Disputes (1)"
    dock.answered.setChecked(False)  # Jordan's answered thread leaves the count
    assert plain(dock.blind_note).startswith("Blind coding is on: 1 thread on another coder's")

    blind_action(win).trigger()
    assert not dock.blind_note.isVisibleTo(dock)
    dock.answered.setChecked(True)
    assert len(dispute_rows(win)) == 3
    assert dock.windowTitle() == "Disputes (2)"


def test_both_follow_the_projects_changes_while_blind(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    """Jordan codes another passage and the auditor disputes it (as they arrive from a team
    server): Ha-eun's blind window re-reads and still shows nothing of it, only the counts
    of what it hides grow; Jordan renaming the document (nothing of anyone's coding) shows."""
    p = win.project
    win.tabs.setCurrentWidget(win.log_view)
    blind_action(win).trigger()
    shown = len(log_rows(win))
    doc = next(iter(win.documents.by_guid))
    text = win.corpus.text(doc)
    at = text.index("We met every Thursday")
    code = next(r.guid for r in win.codes.records if r.name == "Less anxiety")
    p.coder = "Jordan"
    change = commands.ApplyCode(doc, at, at + 21, code).do(p)
    seg = change.created_guid
    p.coder = "kim"
    review = AddReview(seg or "", "dispute", "Thursday meetings are not anxiety.").do(p)
    p.coder = "Jordan"
    renamed = commands.RenameDocument(doc, "fgi_mentees_spring").do(p)
    p.coder = "Ha-eun"
    for c in (change, review, renamed):
        win.changed.emit(c)
    rows = log_rows(win)
    assert len(rows) == shown + 1
    assert "Jordan renamed the document “fgi_mentees” to “fgi_mentees_spring”" in rows[0]
    assert not any("Thursday" in r for r in rows)
    assert f"{HIDDEN_EVENTS + 2} entries of other coders" in plain(win.log_view.blind_note)
    assert not any("Thursday" in r for r in dispute_rows(win))
    assert plain(win.disputes.blind_note).startswith("Blind coding is on: 2 threads")


def test_a_hidden_tab_holds_nothing_and_reads_again_when_shown(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    view = win.log_view
    win.tabs.setCurrentWidget(view)
    assert any("Jordan" in r for r in log_rows(win))
    win.tabs.setCurrentIndex(0)  # the Document tab
    blind_action(win).trigger()  # turned on while the Log is not on show
    assert log_rows(win) == [] and view.entries == []
    win.tabs.setCurrentWidget(view)
    assert log_rows(win) and not any("Jordan" in r for r in log_rows(win))
    win.tabs.setCurrentIndex(0)
    blind_action(win).trigger()  # off, and back
    win.tabs.setCurrentWidget(view)
    assert any("Jordan" in r for r in log_rows(win))


def test_blind_coding_is_remembered_when_the_window_opens_again(
    qtbot, two_coders, settings
) -> None:  # type: ignore[no-untyped-def]
    """A window opened on a project coded blind last time starts blind: its Log and
    Disputes never show Jordan's work, not even before the switch is touched."""
    from qualframe.app.gui.shell.main_window import MainWindow

    settings.set_blind_coding(two_coders, True)
    with Project.open(two_coders, coder="Ha-eun") as project:
        w = MainWindow(project, settings, restore_layout=False)
        qtbot.addWidget(w)
        w.show()
        w.tabs.setCurrentWidget(w.log_view)
        w.disputes.answered.setChecked(True)
        assert w.coder_scope.blind
        assert not any("Jordan" in r for r in log_rows(w) + dispute_rows(w))
        assert log_rows(w) and dispute_rows(w)
        w.close()


def test_renders_the_log_and_the_disputes_blind_at_1024(qtbot, win, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.app.test_layout import clipped_controls

    out = Path(os.environ.get("QUALFRAME_SCREENSHOTS") or tmp_path)
    win.resize(1024, 700)
    blind_action(win).trigger()
    win.tabs.setCurrentWidget(win.log_view)
    QApplication.processEvents()
    assert win.log_view.blind_note.isVisible()
    assert not clipped_controls(win.log_view)
    assert win.grab().save(str(out / "log-view-blind-1024.png"))
    win.tabs.setCurrentIndex(0)
    dock = win.disputes
    dock.show()
    dock.raise_()
    dock.answered.setChecked(True)
    QApplication.processEvents()
    assert dock.blind_note.isVisible()
    assert not clipped_controls(dock)
    assert win.grab().save(str(out / "disputes-blind-1024.png"))
