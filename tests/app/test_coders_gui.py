"""The several-coders side of the GUI, driven through real widgets: File → Merge project…
(twice, undoable), the Agreement view at each unit checked against the krippendorff package,
blind coding, the disagreements list resolved into a consensus, coders renamed and merged;
the models pass qtmodeltester."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from qualframe.app.gui.dialogs.coders_dialog import CodersDialog
from qualframe.app.gui.dialogs.merge_dialog import MergeDialog
from qualframe.app.gui.models.agreement_model import AgreementModel
from qualframe.app.gui.models.disagreements_model import DisagreementsModel
from qualframe.coding.analysis.agreement.disagreements import CONSENSUS, find_places
from qualframe.coding.analysis.agreement.report import agreement
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.query.segments import list_segments
from qualframe.storage.database import copy_project
from tests.app.gui_helpers import shown_window
from tests.coding.agreement.study import build_study, code
from tests.coding.agreement.test_report import reference_vectors


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    base = build_study(tmp_path / "base.qualframe", priya=False)
    base.close()
    mine, theirs = tmp_path / "haeun.qualframe", tmp_path / "jordan.qualframe"
    copy_project(tmp_path / "base.qualframe", mine)
    copy_project(tmp_path / "base.qualframe", theirs)
    with Project.open(theirs, coder="Jordan") as j:
        code(j, "Jordan", "fgi_solo", "the study plan was useful",
             "Outcomes/Academic/Better exam performance")  # fmt: skip
        code(j, "Jordan", "fgi_mentors", "시험 전에 같이 복습하면서",
             "Outcomes/Academic/Better exam performance")  # fmt: skip
    return mine, theirs


@pytest.fixture
def win(qtbot, laptops: tuple[Path, Path], settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from shown_window(qtbot, Project.open(laptops[0], coder="Ha-eun"), settings)


def _answer_dialog(action: str) -> None:
    """Press a button of the modal merge dialog once it shows."""

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MergeDialog):
            QTimer.singleShot(20, press)
            return
        if action == "cancel":
            dialog.reject()
        else:
            assert dialog.merge_button.isEnabled()
            dialog.merge_button.click()

    QTimer.singleShot(0, press)


def test_merge_twice_through_the_file_menu_and_undo(win, laptops) -> None:  # type: ignore[no-untyped-def]
    before = win.project.info()["segments"]
    _answer_dialog("merge")
    assert win.merge_project(laptops[1])
    assert win.project.info()["segments"] == before + 2
    assert win.documents.rowCount() > 0
    _answer_dialog("cancel")  # the second time: "Nothing to merge", the button disabled
    assert not win.merge_project(laptops[1])
    assert win.project.info()["segments"] == before + 2
    assert win.undo.undo_action.text().startswith("&Undo Merge")
    win.undo.undo()
    assert win.project.info()["segments"] == before
    win.undo.redo()
    assert win.project.info()["segments"] == before + 2
    actions = {a.objectName() for a in win.menuBar().findChildren(type(win.undo.undo_action))}
    assert {"merge_project", "blind_coding", "manage_coders"} <= actions


@pytest.mark.parametrize("unit", ["character", "turn", "document"])
def test_agreement_view_matches_the_krippendorff_package(qtbot, win, unit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    view = win.agreement_view
    win.tabs.setCurrentWidget(view)
    view.set_coders(["Ha-eun", "Jordan"])
    view.set_unit(unit)
    view.replicates.setValue(200)
    assert view.compute()
    model = view.model
    assert model.rowCount() == len(view.report.codes) + 1
    for r in range(model.rowCount() - 1):
        name = model.data(model.index(r, 0))
        shown = model.data(model.index(r, AgreementModel.ALPHA))
        ref = reference_vectors(win.project, ["Ha-eun", "Jordan"], unit, name, False)
        if len(np.unique(ref)) > 1:
            expected = krippendorff.alpha(reliability_data=ref, level_of_measurement="nominal")
            assert shown == f"{expected:.3f}"
    assert model.data(model.index(model.rowCount() - 1, 0)) == "Overall (pooled)"
    # sorting by α keeps the overall row last
    view.table.sortByColumn(
        AgreementModel.ALPHA, view.table.horizontalHeader().sortIndicatorOrder()
    )
    last = view.proxy.index(view.proxy.rowCount() - 1, 0)
    assert view.proxy.data(last) == "Overall (pooled)"
    assert "fgi_solo" in view.notes.text()  # left out: coded by Ha-eun only
    assert view.export_to(tmp_path / "a.docx") and view.export_to(tmp_path / "a.xlsx")


def test_the_agreement_export_refuses_a_project(qtbot, win, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Agreement view's Word… and Excel… use main's refusing save dialog: the open
    project, or a copy of a project under an export's name, is refused with one sentence and
    the dialog asks again; nothing is written over either."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    view = win.agreement_view
    win.tabs.setCurrentWidget(view)
    view.set_coders(["Ha-eun", "Jordan"])
    view.replicates.setValue(0)
    assert view.compute()
    project_path = win.project.path
    for suffix in (".docx", ".xlsx"):
        disguised = tmp_path / f"agreement{suffix}"
        copy_project(project_path, disguised)
        before = disguised.read_bytes()
        answers = iter([(str(project_path), ""), (str(disguised), ""), ("", "")])
        warnings: list[str] = []
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, answers=answers, **k: next(answers)
        )
        monkeypatch.setattr(
            QMessageBox, "warning", lambda *a, seen=warnings, **k: seen.append(a[2])
        )
        assert not view.export(suffix)
        assert len(warnings) == 2 and all("\n" not in w for w in warnings), warnings
        assert "never writes over a project" in warnings[0]
        assert next(answers, None) is None  # asked a third time, and cancelled
        assert disguised.read_bytes() == before
    with Project.open(project_path, read_only=True) as project:
        assert project.info()["segments"] == win.project.info()["segments"]


def test_blind_coding_hides_the_others_and_says_so(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    doc = next(d for d in win.documents.by_guid.values() if d.name == "fgi_mentees")
    win.open_document(doc.guid)
    assert {h.coder for h in win.view.index.items} == {"Ha-eun", "Jordan"}
    all_counts = dict(win.codes.counts)
    win.coder_scope.set_blind(True)
    assert {h.coder for h in win.view.index.items} == {"Ha-eun"}
    mine = {s.code_guid for s in list_segments(win.project, coder="Ha-eun")}
    assert (
        sum(n for g, (n, _) in win.codes.counts.items() if g in mine)
        < sum(n for g, (n, _) in all_counts.items() if g in mine)
        or all_counts != win.codes.counts
    )
    assert "Blind coding" in win.scope_label.text()
    assert not win.retrieval.coder.isEnabled()
    # the navigator's "Coded" column counts her segments only
    coded = win.documents.data(win.documents.index_for(doc.guid).siblingAtColumn(2))
    assert coded == len(list_segments(win.project, coder="Ha-eun", document_guid=doc.guid))
    assert coded < len(list_segments(win.project, document_guid=doc.guid))
    assert f"{coded} coded segments" in win.doc_title.text()
    # so does the Participants tab's "coded segments" column
    from qualframe.coding.corpus.participants import list_participants

    e1 = next(p for p in list_participants(win.project) if p.pseudonym == "E1")
    win.tabs.setCurrentWidget(win.participants_view)
    tally = win.participants_view.model.tallies[e1.guid].segments
    assert tally == len(list_segments(win.project, coder="Ha-eun", participant_guid=e1.guid))
    assert tally < len(list_segments(win.project, participant_guid=e1.guid))
    win.tabs.setCurrentIndex(0)
    win.codebook.select(next(iter(mine)))
    assert {s.coder for s in win.retrieval.model.rows} <= {"Ha-eun"}
    assert not win.agreement_view.compute()
    assert win.agreement_view.blind_note.isVisibleTo(win.agreement_view)
    win.coder_scope.set_blind(False)
    assert {h.coder for h in win.view.index.items} == {"Ha-eun", "Jordan"}
    assert win.scope_label.text() == ""
    coded = win.documents.data(win.documents.index_for(doc.guid).siblingAtColumn(2))
    assert coded == len(list_segments(win.project, document_guid=doc.guid))
    win.coder_scope.show_mine()
    assert {h.coder for h in win.view.index.items} == {"Ha-eun"}


def test_disagreements_resolved_into_a_consensus(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    dock = win.disagreements
    dock.show()
    dock.raise_()
    dock.set_coders("Ha-eun", "Jordan")
    dock.refresh()
    places = dock.model.all_places()
    assert places and not any(p.resolved for p in places)
    assert dock.seed_consensus()
    first = places[0]
    dock.select_place(first.id)
    assert dock.current is not None and dock.current.id == first.id
    assert "Ha-eun" in dock.label_a.text() and "Jordan" in dock.label_b.text()
    # resolve every place through the buttons
    for _ in range(len(places)):
        p = dock.current
        if p is None or p.resolved:
            break
        if dock.accept_both.isEnabled():
            dock.new_button.click()
        elif dock.accept_a.isEnabled():
            dock.accept_a.click()
        else:
            dock.neither.click()
    assert all(p.resolved for p in find_places(win.project, ["Ha-eun", "Jordan"]))
    consensus = [s for s in list_segments(win.project) if s.coder == CONSENSUS]
    assert consensus
    win.undo.undo()
    assert (
        sum(p.resolved for p in find_places(win.project, ["Ha-eun", "Jordan"])) == len(places) - 1
    )
    win.undo.redo()
    # agreement on the consensus, in the view
    view = win.agreement_view
    view.reload_coders()
    view.set_coders(["Ha-eun", CONSENSUS])
    view.set_unit("turn")
    assert view.compute()
    assert set(view.report.coders) == {"Ha-eun", CONSENSUS}
    ref = agreement(win.project, ["Ha-eun", CONSENSUS], unit="turn", replicates=0)
    assert view.report.overall.alpha == pytest.approx(ref.overall.alpha)


def test_coders_dialog_renames_and_merges(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    code(win.project, "jordan", "fgi_mentees", "Was anything difficult?",
         "Negative experiences/Pressure")  # fmt: skip
    dialog = CodersDialog(win, win)
    qtbot.addWidget(dialog)
    assert dialog.merge("jordan", "Jordan")
    assert "jordan" not in coder_names(win.project)
    assert dialog.rename("Jordan", "Jordan Lee")
    assert "Jordan Lee" in coder_names(win.project)
    win.undo.undo()
    assert "Jordan" in coder_names(win.project)


def test_models_pass_qtmodeltester(qtmodeltester, win) -> None:  # type: ignore[no-untyped-def]
    report = agreement(win.project, ["Ha-eun", "Jordan"], replicates=50)
    model = AgreementModel()
    qtmodeltester.check(model)
    model.set_report(report)
    qtmodeltester.check(model)
    tree = DisagreementsModel()
    qtmodeltester.check(tree)
    tree.set_places(find_places(win.project, ["Ha-eun", "Jordan"]))
    qtmodeltester.check(tree)


def test_screenshots_of_the_agreement_view_and_the_disagreements(qtbot, win, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Rendered into ``QUALFRAME_SCREENSHOTS`` when set (``=docs`` for the README), else a
    temporary folder; at 1024×700 no control of either view may be cut short."""
    from tests.app.test_layout import clipped_controls

    out = Path(os.environ.get("QUALFRAME_SCREENSHOTS") or tmp_path)
    _answer_dialog("merge")
    win.merge_project(win.project.path.parent / "jordan.qualframe")
    for size, suffix in (((1440, 900), ""), ((1024, 700), "-1024")):
        win.resize(*size)
        view = win.agreement_view
        win.tabs.setCurrentWidget(view)
        view.set_coders(["Ha-eun", "Jordan"])
        view.set_unit("character")
        assert view.compute()
        QApplication.processEvents()
        assert not clipped_controls(view)
        assert win.grab().save(str(out / f"screenshot-agreement{suffix}.png"))
        win.tabs.setCurrentIndex(0)
        dock = win.disagreements
        dock.show()
        dock.raise_()
        win.resizeDocks([dock], [int(size[1] * 0.42)], Qt.Orientation.Vertical)
        dock.set_coders("Ha-eun", "Jordan")
        dock.refresh()
        places = dock.model.all_places()
        target = next(p for p in places if p.kind == "boundaries")
        dock.select_place(target.id)
        dock.placeActivated.emit(target.document_guid, target.start, target.end)
        QApplication.processEvents()
        assert not clipped_controls(dock)
        assert win.grab().save(str(out / f"screenshot-disagreements{suffix}.png"))


def test_blind_coding_reaches_exports_memos_matrix_and_survey(qtbot, win, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """While coding blind, nothing shows or exports another coder's work: the retrieval
    export, the memos on the others' segments, the theme matrix and the survey's coded
    themes count the analyst's own segments, and their notes say so."""
    from docx import Document
    from openpyxl import load_workbook

    from qualframe.coding import commands
    from qualframe.coding.corpus.memos import AddMemo
    from qualframe.coding.importing import ImportOptions, import_files
    from tests.coding.test_survey_coders import DOC, FORMS

    project = win.project
    (tmp_path / "forms.csv").write_text(FORMS, encoding="utf-8")
    import_files(project, [tmp_path / "forms.csv"],
                 ImportOptions(id_column="Respondent", group_column="Group"))  # fmt: skip
    code(project, "Ha-eun", DOC, "meet more often", "Meetings/More often")
    code(project, "Jordan", DOC, "Öfter treffen", "Meetings/More often")
    code(project, "Jordan", DOC, "Less paperwork", "Paperwork")
    jordan = next(s for s in list_segments(project, coder="Jordan"))
    # the views hear of the import, the codings and Jordan's memo
    win.changed.emit(commands.SetSegmentMemo(jordan.guid, "Jordan's doubt").do(project))
    win.coder_scope.set_blind(True)
    # the retrieval list and its export: Ha-eun's segments only, said in the note
    win.codebook.select(jordan.code_guid)
    rows = win.retrieval.model.rows
    assert rows and {s.coder for s in rows} == {"Ha-eun"}
    assert win.retrieval.export_to(tmp_path / "r.docx")
    doc = Document(str(tmp_path / "r.docx"))
    assert len(doc.tables[0].rows) == len(rows) + 1
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Note."))
    assert "coder Ha-eun (blind coding" in note
    # the memos on Jordan's segments are not listed
    win.memos.reload()
    assert not any("Jordan's doubt" in e.text for e in win.memos.model.rows)
    AddMemo("Ha-eun's journal", "Blind until Friday.").do(project)
    assert win.memos.export_report(tmp_path / "memos.docx")
    report = "\n".join(p.text for p in Document(str(tmp_path / "memos.docx")).paragraphs)
    assert "Blind until Friday." in report and "Jordan's doubt" not in report
    assert "those on the segments of Ha-eun only" in report
    # the theme matrix counts Ha-eun's segments only; its coder menu is off
    view = win.matrix_view
    view.recompute()
    assert view.options().coders == ["Ha-eun"] and not view.coders.isEnabled()
    assert "Blind coding" in view.note.text() and "blind coding" in view.scope.text()
    m = view.matrix
    assert m is not None and m.coders == ("Ha-eun",)
    # every segment the matrix looked at (counted or left out, as its note says) is hers
    looked_at = m.segments_counted + m.left_out.total
    assert looked_at == len(list_segments(project, coder="Ha-eun"))
    assert view.export_to(tmp_path / "m.xlsx")
    sheet_text = " ".join(
        str(c.value) for ws in load_workbook(tmp_path / "m.xlsx") for r in ws.iter_rows()
        for c in r if c.value
    )  # fmt: skip
    assert "Coders: Ha-eun." in sheet_text
    # the survey's coded themes: Ha-eun's only, said in the note
    survey = win.survey_view
    survey.group_combo.setCurrentText("group")
    survey.refresh()
    assert survey.tables is not None and survey.tables.coders == ("Ha-eun",)
    assert survey.tables.codes is not None
    assert {r.code: r.total.n for r in survey.tables.codes.rows} == {
        "Meetings": 1, "Meetings/More often": 1}  # fmt: skip
    assert survey.codes_note.text().startswith("Blind coding")
    win.coder_scope.set_blind(False)
    qtbot.waitUntil(lambda: survey.tables is not None and survey.tables.coders is None)
    assert {r.code: r.total.n for r in survey.tables.codes.rows}["Meetings"] == 2
    assert view.coders.isEnabled() and view.options().coders is None
    win.memos.reload()
    assert any("Jordan's doubt" in e.text for e in win.memos.model.rows)
