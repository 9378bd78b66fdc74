"""The auditors' half in the GUI: the models pass qtmodeltester; the review workspace, the
Disputes dock and the Log view work alone on a fake Workbench; and the whole loop runs
through real windows — a review in review mode (A, D with a comment, N, P), a write tried
and refused in the domain, the dispute answered in the analyst's window and re-verdicted,
the Log showing all of it and verifying the trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.docks.disputes import DisputesDock
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.review_models import (
    CodeRow,
    DisputesModel,
    LogModel,
    ReviewCodesModel,
    ReviewSegmentsModel,
)
from qualframe.app.gui.views.log_view import LogView
from qualframe.app.gui.views.review_view import ReviewWorkspace
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.coding.review.workspace import progress_by_code, review_items
from qualframe.coding.trail.log import read_log
from qualframe.coding.trail.verify import verify_trail
from tests.app.conftest import build_project
from tests.app.test_workbench_protocol import FakeBench, as_workbench
from tests.coding.test_review_mode import dump

PRESSURE = "Negative experiences/Pressure felt by the mentee"
RESPONSIBILITY = "Mutual benefits/Responsibility and self-development/Sense of responsibility"


def answer_with(monkeypatch: pytest.MonkeyPatch, *texts: str) -> None:
    """The next multi-line dialogs return these texts, in order."""
    queue = list(texts)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: (queue.pop(0), True))


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    with build_project(path) as p:
        AddCoder("kim", "auditor").do(p)
    return path


# -- the models ------------------------------------------------------------------------------
def test_the_review_models_pass_the_model_tester(qapp, qtmodeltester, study: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(study, coder="kim", review=True) as p:
        items = review_items(p)
        AddReview(items[0].guid, "dispute", "Not pressure.").do(p)
        items = review_items(p)
        segments = ReviewSegmentsModel()
        segments.set_rows(items)
        qtmodeltester.check(segments)
        assert segments.index(0, 0).data() == "disputed"
        codes = ReviewCodesModel()
        progress = progress_by_code(items)
        codes.set_rows([CodeRow(None, next(iter(progress.values())))])
        qtmodeltester.check(codes)
        assert codes.index(0, 0).data().startswith("All codes\n")
        log = LogModel()
        log.set_rows(read_log(p))
        qtmodeltester.check(log)
        assert log.index(log.rowCount() - 1, 1).data() == "kim"
        bench = FakeBench(p)
        from qualframe.app.gui.docks.disputes import open_rows

        disputes = DisputesModel()
        disputes.set_rows(open_rows(as_workbench(bench), CodebookModel(p), answered_too=True))
        qtmodeltester.check(disputes)
        assert disputes.index(0, 4).data() == "Not pressure."


# -- the parts alone, on a fake Workbench ------------------------------------------------------
def test_the_workspace_is_keyboard_first(qtbot, study: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with Project.open(study, coder="kim", review=True) as p:
        bench = FakeBench(p)
        codes = CodebookModel(p)
        ws = ReviewWorkspace(as_workbench(bench), codes, Corpus(p))
        qtbot.addWidget(ws)
        ws.resize(1200, 700)
        ws.show()
        qtbot.waitExposed(ws)
        assert "all codes: 0 of 3 reviewed" in ws.header.text()
        pressure = find_code(p, PRESSURE)
        assert pressure is not None
        ws.select_code(pressure.guid)
        assert [ws.text_of(i.segment) for i in ws.model.rows] == [
            "I felt pressure 😓", "I felt responsible for her results",
        ]  # fmt: skip
        # the passage is shown in its document, the code's definition beside it
        assert ws.passage.selected_text() == "I felt pressure 😓"
        assert "Pressure felt by the mentee" in ws.code_box.toPlainText()
        assert "Definition:" in ws.code_box.toPlainText()
        ws.list.setFocus()
        qtbot.keyClick(ws.list, Qt.Key.Key_A)  # agree, and on to the next
        assert ws.segment().text == "I felt responsible for her results"
        assert ws.passage.selected_text() == "I felt responsible for her results"
        answer_with(monkeypatch, "Responsibility, not pressure.")
        qtbot.keyClick(ws.list, Qt.Key.Key_D)
        verdicts = [(r.reviewer, r.verdict, r.comment) for r in list_reviews(p)]
        assert verdicts == [
            ("kim", "agree", ""),
            ("kim", "dispute", "Responsibility, not pressure."),
        ]
        qtbot.keyClick(ws.list, Qt.Key.Key_P)
        assert ws.segment().text == "I felt pressure 😓"
        assert "kim agreed" in ws.thread_box.toPlainText()
        qtbot.keyClick(ws.list, Qt.Key.Key_N)
        assert "Responsibility, not pressure." in ws.thread_box.toPlainText()
        row = ws.code_model.row_of(pressure.guid)
        assert ws.code_model.index(row, 0).data() == (
            "Pressure felt by the mentee\n2 of 2 reviewed, 1 disputed"
        )
        # a dispute without a comment is not recorded
        answer_with(monkeypatch, "   ")
        qtbot.keyClick(ws.list, Qt.Key.Key_D)
        assert len(list_reviews(p)) == 2
        # K: a comment on the code itself
        answer_with(monkeypatch, "Does pressure include self-imposed pressure?")
        qtbot.keyClick(ws.list, Qt.Key.Key_K)
        from qualframe.coding.review.code_reviews import code_threads

        assert [e.text for e in code_threads(p)[pressure.guid]] == [
            "Does pressure include self-imposed pressure?"
        ]
        # filters: status
        ws.filters["status"].setCurrentText("disputed")
        assert [ws.text_of(i.segment) for i in ws.model.rows] == [
            "I felt responsible for her results"
        ]
        ws.filters["status"].setCurrentText("(all)")
        ws.filters["document"].setCurrentText("fgi_mentors")
        assert [i.segment.document_name for i in ws.model.rows] == ["fgi_mentors"]


def test_the_disputes_dock_answers_by_recoding_keeping_or_new_boundaries(
    qtbot, study: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    with Project.open(study, coder="kim", review=True) as p:
        items = {i.segment.text: i.guid for i in review_items(p)}
        AddReview(items["I felt responsible for her results"], "dispute", "Responsibility.").do(p)
        AddReview(items["I felt pressure 😓"], "dispute", "Include the reason.").do(p)
        plans = find_code(p, "Factors of success/Various methods of study assistance/Study plans")
        assert plans is not None
        from qualframe.coding.review.code_reviews import AddCodeComment

        AddCodeComment(plans.guid, "Define what counts as a plan.").do(p)
    with Project.open(study, coder="tester") as p:
        bench = FakeBench(p)
        codes = CodebookModel(p)
        chosen: list[tuple[str, int, int] | None] = [None]
        dock = DisputesDock(as_workbench(bench), codes, lambda: chosen[0])
        qtbot.addWidget(dock)
        assert dock.windowTitle() == "Disputes (3)"
        assert [r.kind for r in dock.model.rows] == ["segment", "segment", "code"]
        # recode
        dock.table.setCurrentIndex(dock.model.index(1, 0))
        assert "I felt responsible" in dock.current().item.segment.text
        monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (RESPONSIBILITY, True))
        answer_with(monkeypatch, "Recoded, thank you.")
        dock.recode_button.click()
        texts = {s.text: s.code_path_text for s in list_segments(p)}
        assert texts["I felt responsible for her results"] == RESPONSIBILITY
        assert dock.windowTitle() == "Disputes (2)"
        # boundaries: refused without a selection in that document, then done
        dock.table.setCurrentIndex(dock.model.index(0, 0))
        seg = dock.current().item.segment
        dock.bounds_button.click()
        assert bench.reports[-1].startswith("Select the passage in fgi_mentees first")
        text = Corpus(p).text(seg.document_guid)
        start = text.index("Sometimes I felt pressure")
        chosen[0] = (seg.document_guid, start, start + len("Sometimes I felt pressure 😓 because"))
        answer_with(monkeypatch, "")
        dock.bounds_button.click()
        assert "Sometimes I felt pressure 😓 because" in {s.text for s in list_segments(p)}
        # a code comment: revise the definition
        assert [r.kind for r in dock.model.rows] == ["code"]
        dock.table.setCurrentIndex(dock.model.index(0, 0))
        answer_with(monkeypatch, "A written plan agreed with the mentor.", "Defined.")
        dock.revise_button.click()
        assert (
            find_code(
                p, "Factors of success/Various methods of study assistance/Study plans"
            ).definition
            == "A written plan agreed with the mentor."
        )  # type: ignore[union-attr]
        assert dock.model.rows == [] and dock.windowTitle() == "Disputes"
        dock.answered.setChecked(True)
        assert len(dock.model.rows) == 3  # answered, awaiting the auditor
        # every answer is undoable
        bench.undo()
        assert len([r for r in dock.model.rows if r.waiting]) == 1


def test_the_log_view_filters_and_jumps(qtbot, study: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(study, coder="kim", review=True) as p:
        seg = review_items(p)[0].guid
        AddReview(seg, "agree").do(p)
        bench = FakeBench(p)
        view = LogView(as_workbench(bench), CodebookModel(p))
        qtbot.addWidget(view)
        assert view.model.index(0, 1).data() == "kim"  # newest first
        assert view.model.index(0, 2).data().startswith("agreed with “Study plans” in fgi_mentees")
        view.actor.setCurrentText("tester")
        assert {view.model.index(r, 1).data() for r in range(view.model.rowCount())} == {"tester"}
        view.actor.setCurrentText("(anyone)")
        view.action.setCurrentIndex(view.action.findData("review"))
        assert view.model.rowCount() == 1
        jumps: list[tuple[str, str]] = []
        view.targetActivated.connect(lambda k, g: jumps.append((k, g)))
        view.table.doubleClicked.emit(view.model.index(0, 2))
        assert jumps == [("segment", seg)]
        view.verify()
        assert "The audit trail is intact" in view.status.text()


# -- the whole loop through real windows -----------------------------------------------------------
def test_review_in_review_mode_then_answer_and_reverdict_through_the_windows(
    qtbot, study: Path, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    # 1. the auditor's window, open for review
    auditor = Project.open(study, coder="kim", review=True)
    w = MainWindow(auditor, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.waitUntil(lambda: w.tabs.currentWidget() is w.review_view)  # once shown
    assert w.tabs.tabText(1) == "Review" and not w.retrieval.isVisible()
    assert "review by kim" in w.windowTitle()
    assert not w.coding.apply_current.isEnabled() and not w.codebook.a_new.isEnabled()
    ws = w.review_view
    ws.select_code(find_code(auditor, PRESSURE).guid)  # type: ignore[union-attr]
    ws.list.setFocus()
    qtbot.keyClick(ws.list, Qt.Key.Key_A)
    answer_with(monkeypatch, "Responsibility, not pressure.")
    qtbot.keyClick(ws.list, Qt.Key.Key_D)
    # a write tried from the GUI is refused in the domain, nothing written
    before = dump(auditor)
    mentors = next(
        d.guid for d in w.navigator.documents.by_guid.values() if d.name == "fgi_mentors"
    )
    plans = find_code(auditor, "Factors of success/Various methods of study assistance/Study plans")
    assert plans is not None
    assert not w.apply_code(plans.guid, mentors, 0, 5)
    assert w.last_report.startswith("study.qualframe is open for review by kim: a review can")
    from qualframe.coding import commands

    assert not w.push(commands.RenameCode(plans.guid, "Plans"))
    assert dump(auditor) == before
    w.close()
    auditor.close()

    # 2. the analyst's window: the Disputes list, the answer
    analyst = Project.open(study, coder="tester")
    a = MainWindow(analyst, settings, restore_layout=False)
    qtbot.addWidget(a)
    a.show()
    qtbot.waitExposed(a)
    assert a.review_view is None and a.disputes.windowTitle() == "Disputes (1)"
    a.disputes.table.setCurrentIndex(a.disputes.model.index(0, 0))
    a.disputes.table.doubleClicked.emit(a.disputes.model.index(0, 0))  # shows the passage
    assert a.view.document_guid == mentors
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **k: (RESPONSIBILITY, True))
    answer_with(monkeypatch, "Agreed: recoded.")
    a.disputes.recode_button.click()
    assert a.disputes.windowTitle() == "Disputes"
    a.close()
    analyst.close()

    # 3. the auditor agrees now; the log shows everything and verifies
    auditor = Project.open(study, coder="kim", review=True)
    w = MainWindow(auditor, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    ws = w.review_view
    ws.filters["status"].setCurrentText("answered")
    assert [ws.text_of(i.segment) for i in ws.model.rows] == ["I felt responsible for her results"]
    ws.list.setFocus()
    qtbot.keyClick(ws.list, Qt.Key.Key_A)
    w.tabs.setCurrentWidget(w.log_view)
    shown = [w.log_view.model.index(r, 2).data() for r in range(w.log_view.model.rowCount())]
    assert shown[0].startswith("agreed with “Sense of responsibility” in fgi_mentors")
    assert any(
        s.startswith("answered kim’s dispute on “Pressure felt by the mentee”") for s in shown
    )
    assert any(s.startswith("disputed “Pressure felt by the mentee” in fgi_mentors") for s in shown)
    w.log_view.verify()
    assert "intact" in w.log_view.status.text()
    assert verify_trail(auditor).intact
    w.close()
    auditor.close()


def test_review_mode_tabs_are_usable_at_1024x700(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Main's rule for every view (tests/app/test_layout.py) in review mode, on the demo
    project: no button or box is cut short on the Review and Log tabs, nor in the Disputes
    dock of the analyst's window (the Review tab's Document box was cut to "fgi_men")."""
    from PySide6.QtCore import QSettings

    from qualframe.app.gui.settings import Settings
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.demo import build_demo
    from tests.app.test_layout import broken_headers, clipped_controls

    path = tmp_path / "demo.qualframe"
    build_demo(path).close()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    with Project.open(path, coder="kim", review=True) as p:
        window = MainWindow(p, settings)
        qtbot.addWidget(window)
        window.resize(1024, 700)
        window.show()
        qtbot.waitExposed(window)
        assert window.review_view is not None
        window.review_view.filters["document"].setCurrentText("fgi_mentees")
        problems = []
        for tab in (window.review_view, window.log_view):
            window.tabs.setCurrentWidget(tab)
            qtbot.wait(50)
            problems += clipped_controls(window) + broken_headers(tab)
        assert not problems, "\n".join(problems)
        window.close()
    with Project.open(path, coder="ana") as p:
        window = MainWindow(p, settings)
        qtbot.addWidget(window)
        window.resize(1024, 700)
        window.show()
        qtbot.waitExposed(window)
        window.disputes.show()
        window.disputes.raise_()
        qtbot.wait(50)
        assert not clipped_controls(window.disputes)
        window.close()
