"""In a window open for review, the several coders' writes are offered as off, as the
domain refuses them: File → Merge project…, the Disagreements dock's resolve and consensus
buttons, Manage coders…' rename and merge, the new-memo entries. The analyst's window keeps
them on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction

from qualframe.app.gui.dialogs.coders_dialog import CodersDialog
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from tests.app.conftest import build_project


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    with build_project(path) as p:
        AddCoder("kim", "auditor").do(p)
    return path


def _memo_entries(w) -> list[QAction]:  # type: ignore[no-untyped-def]
    menus = {a.text().replace("&", ""): a.menu() for a in w.menuBar().actions()}
    return list(menus["Memos"].actions()[:4])


@pytest.mark.parametrize("review", [True, False])
def test_the_coders_writes_are_off_in_review_mode(qtbot, study: Path, settings, review) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    project = Project.open(study, coder="kim" if review else "tester", review=review)
    w = MainWindow(project, settings, restore_layout=False)
    qtbot.addWidget(w)
    try:
        merge = w.findChild(QAction, "merge_project")
        assert merge is not None and merge.isEnabled() is not review
        assert w.disagreements.seed.isEnabled() is not review
        assert all(a.isEnabled() is not review for a in _memo_entries(w))
        dialog = CodersDialog(w, w)
        qtbot.addWidget(dialog)
        assert "kim  (auditor, 0 segments)" in [
            dialog.list.item(i).text() for i in range(dialog.list.count())
        ]
        assert dialog.rename_button.isEnabled() is not review
        assert dialog.merge_button.isEnabled() is not review
    finally:
        w.close()
        project.close()
