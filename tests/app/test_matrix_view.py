"""The Theme matrix view: model checked by qtmodeltester, live updates (debounced),
drill-down, export, and a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as open_docx
from PySide6.QtCore import Qt

from app.gui.models.matrix_model import CellKeyRole, HtmlRole, MatrixModel
from app.gui.views.matrix_view import MatrixView
from coding.changes import Change
from coding.commands import ApplyCode
from coding.matrix import MatrixOptions, build_matrix
from coding.project import Project
from tests.coding.test_matrix_data import Known, build_known_project


@pytest.fixture
def known(project: Project) -> Known:
    return build_known_project(project)


def test_model_passes_modeltester(qtmodeltester, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    model = MatrixModel()
    qtmodeltester.check(model)  # empty
    model.set_matrix(build_matrix(project, MatrixOptions(rows_level=1, quotes=1)))
    qtmodeltester.check(model)
    assert model.columnCount() == 4  # Theme, Category, Mentees, Mentors
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Mentees (n = 4)"
    academic = model.index(0, 2)
    assert model.index(0, 0).data() == "Outcomes"
    assert model.index(0, 1).data() == "Academic"
    assert academic.data().split("\n")[0] == "– Motivation to study"
    assert "<i>“Also I felt motivated again” — E2</i>" in academic.data(HtmlRole)
    assert academic.data(CellKeyRole)[1] == "mentee"


def test_view_shows_matrix_and_drills_down(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert view.attribute.currentText() == "role"
    assert [view.level.itemText(i) for i in range(view.level.count())] == [
        "Themes",
        "Categories",
        "Codes",
    ]
    m = view.model
    assert m.rowCount() == 3
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Theme", "Mentees (n = 4)", "Mentors (n = 2)",
    ]  # fmt: skip
    assert m.index(0, 1).data().split("\n")[0] == "– Academic (3; 2 participants)"
    view.show_cell(m.index(0, 1))
    tree = view.segments
    assert tree.topLevelItemCount() == 4
    first = tree.topLevelItem(0)
    assert first is not None
    assert (first.text(0), first.text(1), first.text(4)) == (
        "FGI mentees", "E1", "I felt motivated to study every week.",
    )  # fmt: skip
    assert view.cell_title.text() == "Outcomes — Mentees: 4 segment(s)"
    # Changing the column attribute recomputes (debounced).
    view.attribute.setCurrentText("gender")
    qtbot.waitUntil(
        lambda: view.matrix is not None and view.matrix.attribute == "gender", timeout=2000
    )
    assert view.matrix is not None
    assert [g.header for g in view.matrix.groups] == ["Female (n = 2)", "Male (n = 2)"]


def test_burst_of_changes_recomputes_once(qtbot, project: Project, known: Known) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    before = view.recomputed
    assert view.matrix is not None and view.matrix.rows[1].cells[0].entries == ()
    text = "I felt motivated to study every week."
    rapport = known.codes["Mutual benefits/Relationships/Rapport"]
    doc = known.documents["FGI mentees"]
    from coding.documents import document_text

    start = document_text(project, doc).index(text)
    for i in range(3):  # a burst of codings, each announced as the main window would
        cmd = ApplyCode(doc, start + i, start + len(text) - i, rapport)
        view.on_change(cmd.do(project))
    view.on_change(Change("select"))  # nothing relevant
    assert view.recomputed == before  # debounced: nothing yet
    qtbot.waitUntil(lambda: view.recomputed == before + 1, timeout=2000)
    qtbot.wait(400)
    assert view.recomputed == before + 1  # once for the whole burst
    mentee = view.matrix.rows[1].cells[0]
    assert [(e.name, e.segments) for e in mentee.entries] == [("Relationships", 3), ("Rapport", 3)]
    view.on_change(Change("select"))
    qtbot.wait(400)
    assert view.recomputed == before + 1


def test_export_from_view(qtbot, project: Project, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.quotes.setValue(1)
    out = tmp_path / "from-view.docx"
    assert view.export_to(out)
    table = open_docx(str(out)).tables[0]
    assert table.rows[0].cells[1].text == "Mentees (n = 4)"
    assert "— E2" in table.rows[1].cells[1].text
    for suffix in (".xlsx", ".csv", ".md"):
        assert view.export_to(tmp_path / f"from-view{suffix}")
        assert (tmp_path / f"from-view{suffix}").stat().st_size > 0


def test_export_error_is_a_message(
    qtbot, project: Project, known: Known, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    view = MatrixView(project)
    qtbot.addWidget(view)
    assert not view.export_to(tmp_path / "missing-folder" / "m.docx")
    assert shown and "does not exist" in shown[0]


def test_screenshot(qtbot, project: Project, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = MatrixView(project)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.quotes.setValue(1)
    view.recompute()
    view.show()
    qtbot.waitExposed(view)
    view.show_cell(view.model.index(0, 1))
    shot = tmp_path / "matrix-view.png"
    assert view.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
