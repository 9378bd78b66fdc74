"""The first-hour views at 1440×900 and at 1024×700: rendered (to ``docs/`` when
``QUALFRAME_SCREENSHOTS`` names a folder), and no button is clipped at either size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from tests.app.researcher_screens import (
    clipped_buttons,
    demo_study,
    edit_text_dialog,
    import_dialog,
    merge_dialog,
    settle,
    write_attribute_sheet,
)

SIZES = {"": (1440, 900), "-1024": (1024, 700)}


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "demo.qualframe"
    demo_study(path)
    return path


def _out(tmp_path: Path) -> Path:
    where = os.environ.get("QUALFRAME_SCREENSHOTS")
    return Path(where) if where else tmp_path


@pytest.mark.parametrize("suffix", list(SIZES))
def test_views_render_without_clipped_buttons(
    qtbot, study: Path, tmp_path: Path, settings, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    out = _out(tmp_path)
    with Project.open(study, coder="J. Park") as project:
        window = MainWindow(project, settings, restore_layout=False)
        qtbot.addWidget(window)
        window.resize(*SIZES[suffix])
        window.show()
        qtbot.waitExposed(window)
        docs = window.navigator.documents
        mentees = next(d.guid for d in docs.by_guid.values() if d.name == "fgi_mentees")
        window.open_document(mentees)
        code = find_code(project, "Negative experiences")
        assert code is not None
        window.select_code(code.guid)
        # the navigator filtered by a set, the retrieval list with its set filter and Export
        window.navigator.set_filter.setCurrentIndex(
            window.navigator.set_filter.findText("Set: Focus groups (3)")
        )
        window.retrieval.doc_set.setCurrentIndex(window.retrieval.doc_set.findText("Focus groups"))
        window.retrieval.raise_()
        settle()
        assert clipped_buttons(window.retrieval) == []
        assert clipped_buttons(window.navigator) == []
        assert window.grab().save(str(out / f"screenshot-sets-retrieval{suffix}.png"))
        # the memo browser with the journal entry open
        window.memos.show()
        window.memos.raise_()
        settle()
        assert window.memos.select(window.memos.model.rows[0].key)
        settle()
        assert clipped_buttons(window.memos) == []
        assert window.grab().save(str(out / f"screenshot-memos{suffix}.png"))
        # the Participants tab
        window.tabs.setCurrentWidget(window.participants_view)
        settle()
        window.participants_view.select("E2")
        settle()
        assert clipped_buttons(window.participants_view) == []
        assert window.grab().save(str(out / f"screenshot-participants{suffix}.png"))
        window.tabs.setCurrentIndex(0)
        if suffix == "":
            sheet = write_attribute_sheet(tmp_path / "classification.xlsx")
            for name, dialog in (
                ("edit-text", edit_text_dialog(project, window)),
                ("attribute-import", import_dialog(project, sheet, window)),
                ("merge", merge_dialog(project, window)),
            ):
                dialog.show()
                qtbot.waitExposed(dialog)
                settle()
                assert clipped_buttons(dialog) == []
                assert dialog.grab().save(str(out / f"screenshot-{name}.png"))
                dialog.close()
        window.close()
