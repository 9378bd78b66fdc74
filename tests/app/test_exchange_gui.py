"""The GUI's REFI-QDA actions: Export → REFI-QDA project / codebook, File → Import of
.qdpx and .qdc (undoable), driven through the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from qualframe.app.gui.shell.main_window import MainWindow
from qualframe.coding.core.project import Project
from qualframe.resources import RESOURCES
from tests.app.gui_helpers import shown_window
from tests.coding.exchange import refi_fixtures as fx


def _action(window: MainWindow, name: str) -> QAction:
    action = window.export_menu.findChild(QAction, name)
    if action is None:  # actions added with addAction(text, slot) belong to the menu
        action = next(a for a in window.export_menu.actions() if a.objectName() == name)
    return action


def test_export_menu_writes_a_valid_project_and_codebook(
    window, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    target = tmp_path / "for-nvivo"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _action(window, "export_refi_project").trigger()
    out = tmp_path / "for-nvivo.qdpx"
    assert out.exists()
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
    schema = etree.XMLSchema(etree.parse(str(RESOURCES / "refi" / "Project-mrt2019.xsd")))
    assert schema.validate(etree.fromstring(qde))
    assert "Exported the project to for-nvivo.qdpx" in window.last_report
    assert "3 codings" in window.last_report
    _action(window, "export_refi_codebook").trigger()
    assert (tmp_path / "for-nvivo.qdc").exists()
    assert "75 codes" in window.last_report


@pytest.fixture
def empty_window(qtbot, tmp_path: Path, settings):  # type: ignore[no-untyped-def]
    project = Project.create(tmp_path / "empty.qualframe", coder="tester")
    yield from shown_window(qtbot, project, settings)


def test_a_dropped_qdpx_is_imported_and_undone(empty_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    w = empty_window
    path, _ = fx.nvivo_windows(tmp_path / "nvivo.qdpx")
    asked: list[str] = []

    def answer(box: QMessageBox) -> QMessageBox.StandardButton:
        asked.append(box.text())
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", answer)
    w.import_files([path])
    assert asked and "NVivo for Windows 12.6" in asked[0] and "5 codings" in asked[0]
    assert w.navigator.documents.index(0, 0).data() == "Transcripts (1)"
    assert w.codebook.model.rowCount() == 1  # "Themes" with its three codes
    assert "Imported 4 codes, 1 sources, 5 codings" in w.last_report
    assert len(w.search.run("정말 좋았어요")) == 1  # the search corpus sees the new text
    assert w.undo_action.text().replace("&", "") == "Undo Import nvivo.qdpx"  # type: ignore[attr-defined]
    w.undo_action.trigger()  # type: ignore[attr-defined]
    assert w.project.info()["documents"] == 0
    assert w.navigator.documents.index(0, 0).data() != "Transcripts (1)"


def test_declining_the_summary_imports_nothing(empty_window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = fx.nvivo_windows(tmp_path / "nvivo.qdpx")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.No)
    empty_window.import_files([path])
    assert empty_window.project.info()["documents"] == 0


def test_file_import_takes_a_codebook(window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import qualframe.app.gui.dialogs.import_dialog as import_dialog

    qdc = fx.codebook_qdc(tmp_path / "atlas.qdc", "urn:QDA-XML:codebook:0:4")
    monkeypatch.setattr(import_dialog, "ask_for_files", lambda parent: [qdc])
    before = window.codebook.model.rowCount()
    window.import_files([])
    names = {r.name for r in window.codebook.model.by_guid.values()}
    assert {"Mentor/mentee matching", " Voluntary participation 🙋"} <= names
    assert "Added 2 codes, updated 1, 1 matched" in window.last_report
    assert window.codebook.model.rowCount() == before  # matched the existing theme by path
    window.undo.undo()
    assert "Mentor/mentee matching" not in {r.name for r in window.codebook.model.by_guid.values()}


def test_a_hostile_file_is_refused_in_one_sentence(empty_window, tmp_path: Path) -> None:
    bad = fx.write_qdpx(tmp_path / "evil.qdpx", "<Project/>", {"../../evil": b"x"})
    empty_window.import_files([bad])
    assert (
        "evil.qdpx holds an entry whose path leads outside the archive" in empty_window.last_report
    )
    assert empty_window.project.info()["documents"] == 0


def test_whole_projects_need_an_empty_project(window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = fx.nvivo_windows(tmp_path / "nvivo.qdpx")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Yes)
    window.import_files([path])
    assert "can only be imported into an empty project" in window.last_report
