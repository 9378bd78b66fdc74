"""Issue 11, item 15: after an export or an import the analyst is told what was written and
where, with buttons that open the file or its folder (QDesktopServices; the test routes
``file`` URLs to a handler of its own, so nothing is launched)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from qualframe.app.gui.views.survey_view import SurveyView
from qualframe.coding.core.project import Project
from tests.app.test_workbench_protocol import FakeBench
from tests.coding.test_survey_stats import CODES, PEOPLE, survey_items
from tests.coding.test_survey_stats_data import add_survey


class Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toLocalFile())


@pytest.fixture
def opened():  # type: ignore[no-untyped-def]
    handler = Opened()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("file")


def written_box(parent: QWidget) -> QMessageBox:
    boxes = [b for b in parent.findChildren(QMessageBox, "written_box") if b.isVisible()]
    assert len(boxes) == 1, boxes
    return boxes[0]


def press(box: QMessageBox, label: str) -> None:
    next(b for b in box.buttons() if b.text().replace("&", "").startswith(label)).click()


def test_codebook_export_says_where_and_opens_it(window, tmp_path, monkeypatch, opened) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / "manual.docx"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    action = next(a for a in window.export_menu.actions() if "Codebook report" in a.text())
    action.trigger()
    box = written_box(window)
    assert "Saved the codebook report (Word, " in box.text() and str(target) in box.text()
    assert " KB)" in box.text()
    press(box, "Open")
    assert opened.urls == [str(target)]
    action.trigger()
    press(written_box(window), "Show folder")
    assert opened.urls[-1] == str(target.parent)


def test_matrix_export_says_where(window, tmp_path, monkeypatch, opened, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.matrix_view)
    target = tmp_path / "matrix.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel workbook (*.xlsx)")
    )
    qtbot.mouseClick(
        window.matrix_view.export_button,
        __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton,
    )
    box = written_box(window.matrix_view)
    assert "Saved the theme matrix (Excel" in box.text() and str(target) in box.text()
    press(box, "Open")
    assert opened.urls == [str(target)] and target.exists()


def test_survey_export_says_where(qtbot, project: Project, tmp_path: Path, opened) -> None:  # type: ignore[no-untyped-def]
    add_survey(project, PEOPLE, survey_items(), codes=CODES)
    view = SurveyView(FakeBench(project))
    qtbot.addWidget(view)
    view.show()
    assert view.export("json", tmp_path / "t.json")
    box = written_box(view)
    assert (
        "Saved the survey tables (JSON, " in box.text() and str(tmp_path / "t.json") in box.text()
    )
    press(box, "Show folder")
    assert opened.urls == [str(tmp_path)]


def test_import_says_what_was_added_and_opens_it(window, tmp_path, monkeypatch, opened) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.dialogs import import_dialog

    source = tmp_path / "fgi_third.txt"
    source.write_text("E1: We met every week before the exam.\n", encoding="utf-8")

    def fake_run_import(parent, project, paths):  # type: ignore[no-untyped-def]
        from qualframe.coding.importing import ImportOptions, import_files

        return import_files(project, [source], ImportOptions()).change

    monkeypatch.setattr(import_dialog, "run_import", fake_run_import)
    window.import_files([source])
    box = written_box(window)
    assert "Imported 1 document into" in box.text() and "fgi_third" in box.text()
    assert str(window.project.path or "the project") in box.text()
    press(box, "Open fgi_third")
    assert window.view.document_name == "fgi_third"
