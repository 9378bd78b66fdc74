"""Blind coding beyond the views that list segments: every other place of Ha-eun's window
that would count or name Jordan's work, driven through the real widgets and menus. While
she codes blind the coders dialog shows only her count; the codebook's delete and merge
questions, the text-edit preview and the document deletion count and list her segments only
and say that the others' go too, without counting them; the codebook report counts and
quotes her segments only and says so; merging a copy, the review report, the codebook
history and a REFI-QDA project (all of which carry the other coders' work) are refused with
one sentence. With blind coding off each shows everyone's again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMessageBox

from qualframe.app.gui.dialogs.coders_dialog import CodersDialog
from qualframe.app.gui.dialogs.edit_text_dialog import EditTextDialog
from qualframe.coding import commands
from qualframe.coding.query.segments import list_segments
from tests.app.blind_study import blind_action, build_two_coders, open_window

BLIND = "Blind coding is on: "
OFF_FIRST = "; turn blind coding off first (View → Coders)."


@pytest.fixture
def two_coders(tmp_path: Path) -> Path:
    return build_two_coders(tmp_path / "double-coded.qualframe")


@pytest.fixture
def win(qtbot, two_coders: Path, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    yield from open_window(qtbot, two_coders, settings)


def code_guid(w, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(next(r.guid for r in w.codes.records if r.name == name))


def test_the_coders_dialog_shows_only_her_count(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    seen: list[list[str]] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, CodersDialog):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append([dialog.list.item(i).text() for i in range(dialog.list.count())])
        note = dialog.findChild(QLabel, "coders_blind_note")
        seen.append([note.text()] if note is not None else [])
        dialog.reject()

    manage = next(
        a for a in win.menuBar().findChildren(QAction) if a.objectName() == "manage_coders"
    )
    QTimer.singleShot(0, read_and_close)
    manage.trigger()
    assert seen[-2] == ["Ha-eun  (analyst, 2 segments)", "Jordan  (analyst, 2 segments)",
                        "kim  (auditor, 0 segments)"]  # fmt: skip
    assert seen[-1] == []
    blind_action(win).trigger()
    QTimer.singleShot(0, read_and_close)
    manage.trigger()
    assert seen[-2] == ["Ha-eun  (analyst, 2 segments)", "Jordan  (analyst)", "kim  (auditor)"]
    assert seen[-1] == [
        "<b>Blind coding is on</b>: the other coders' segment counts are hidden (View → Coders)."
    ]


def test_the_codebooks_delete_and_merge_questions(qtbot, win, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def capture(box: QMessageBox) -> int:
        asked.append(box.text() + " | " + " | ".join(b.text() for b in box.buttons()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", capture)
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text) or 0
    )
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Less anxiety", True))
    dock = win.codebook
    dock.select(code_guid(win, "Pressure"))  # Jordan's one segment, none of hers
    dock.delete()
    assert asked[-1].startswith('Delete "Pressure"? 1 coded segment is affected.')
    assert "Delete code and 1 segment" in asked[-1]
    dock.select(code_guid(win, "Study plans"))  # one of hers, one of his
    dock.merge()
    assert asked[-1].endswith("2 segments will move to the target code.")

    blind_action(win).trigger()
    dock.select(code_guid(win, "Pressure"))
    dock.delete()
    assert asked[-1].startswith(
        'Delete "Pressure"? 0 of your coded segments are affected; so are the other coders\' '
        "segments with it, if any (not counted while their work is hidden)."
    )
    assert "Delete code and its segments" in asked[-1] and "1 segment" not in asked[-1]
    dock.select(code_guid(win, "Study plans"))
    dock.merge()
    assert asked[-1].endswith(
        "1 of your segments will move to the target code; so will the other coders' segments "
        "with it, if any (not counted while their work is hidden)."
    )
    assert len(list_segments(win.project)) == 4  # nothing was deleted or merged


def _edit_preview(win, monkeypatch) -> EditTextDialog:  # type: ignore[no-untyped-def]
    """Edit → Edit text… over "made a study plan with me," deleted: the dialog as shown."""
    shown: list[EditTextDialog] = []
    monkeypatch.setattr(
        "qualframe.app.gui.document_actions.push_from_dialog",
        lambda _bench, dialog: shown.append(dialog) or False,
    )
    doc = next(iter(win.documents.by_guid))
    win.open_document(doc)
    text = win.corpus.text(doc)
    i = text.index("made a study plan")
    win.view.select_range(i, i + 26)
    win.document_actions.edit_text()
    dialog = shown[-1]
    dialog.editor.setPlainText("")
    dialog.update_preview()
    return dialog


def test_the_text_edit_preview_lists_only_her_segments(qtbot, win, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = _edit_preview(win, monkeypatch)
    assert "2 segments lie wholly in the deleted text" in dialog.preview.text()
    assert "made a study plan with me" in dialog.preview.text()  # Jordan's wider segment
    assert any(b.text() == "Edit text and remove 2 segments" for b in dialog.buttons.buttons())
    blind_action(win).trigger()
    dialog = _edit_preview(win, monkeypatch)
    preview = QTextDocumentFragment.fromHtml(dialog.preview.text()).toPlainText()
    assert "made a study plan with me" not in preview and "2 segments" not in preview
    assert "Removed: Study plans — “made a study plan”" in preview
    assert (
        "0 of your segments overlapping it are adjusted and 1 removed. The other coders' "
        "segments here are adjusted or removed the same way" in preview
    )
    assert any(
        b.text() == "Edit text and remove 1 of your segments" for b in dialog.buttons.buttons()
    )


def test_deleting_the_document_counts_only_her_segments(qtbot, win, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text) or 0
    )
    doc = next(iter(win.documents.by_guid))
    win.document_actions.delete(doc)
    assert asked[-1].startswith('Delete "fgi_mentees" with its 4 coded segments (of 3 codes), ')
    blind_action(win).trigger()
    win.document_actions.delete(doc)
    assert asked[-1] == (
        'Delete "fgi_mentees" with 2 of your coded segments (of 2 codes), 1 review? The other '
        "coders' segments in it go too, if any (not counted while their work is hidden). The "
        "codes themselves and the participants stay. You can undo this."
    )
    assert win.documents.rowCount() == 1 and doc in win.documents.by_guid


def _codebook_report(qtbot, win, monkeypatch, path: Path) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Export → Codebook report… into ``path``; the Word table's rows and the note."""
    monkeypatch.setattr(
        "qualframe.app.gui.shell.export_menu.ask_save_path", lambda *a, **k: (str(path), "")
    )
    action = next(a for a in win.export_menu.actions() if a.text().startswith("&Codebook report"))
    action.trigger()
    qtbot.waitUntil(path.exists)
    doc = Document(str(path))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    return [*rows, [p.text for p in doc.paragraphs if p.text.startswith("Note")]]


def test_the_codebook_report_counts_and_quotes_only_hers(qtbot, win, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = win.project
    jordans = next(s for s in list_segments(p, coder="Jordan") if s.code_path[-1] == "Pressure")
    p.coder = "Jordan"
    win.changed.emit(commands.SetExemplar(jordans.guid, True).do(p))
    p.coder = "Ha-eun"
    everyone = _codebook_report(qtbot, win, monkeypatch, tmp_path / "all.docx")
    pressure = next(r for r in everyone if r[0].endswith("Pressure"))
    assert pressure[-1] == "1 / 1" and "anatomy block" in pressure[4]
    assert "Blind coding" not in " ".join(everyone[-1])
    blind_action(win).trigger()
    hers = _codebook_report(qtbot, win, monkeypatch, tmp_path / "hers.docx")
    pressure = next(r for r in hers if r[0].endswith("Pressure"))
    assert pressure[-1] == "0 / 0" and pressure[4] == ""
    plans = next(r for r in hers if r[0].endswith("Study plans"))
    assert plans[-1] == "1 / 1"  # hers only (Jordan coded the same passage too)
    assert (
        "Blind coding: counts and exemplar quotes come from the segments of Ha-eun only; the "
        "other coders' segments are left out." in " ".join(hers[-1])
    )


def test_whole_team_outputs_wait_until_blind_coding_is_off(
    qtbot, win, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui import exchange_actions
    from qualframe.app.gui.shell import audit_parts

    def never(*_a: object, **_k: object) -> object:
        raise AssertionError("asked for a file while blind")

    monkeypatch.setattr(audit_parts, "_save_path", never)
    monkeypatch.setattr(QInputDialog, "getText", never)
    blind_action(win).trigger()
    copy = tmp_path / "copy.qualframe"
    assert not win.merge_project(copy)
    assert win.last_report == BLIND + "merging a copy lists what its coders did" + OFF_FIRST
    audit_parts.export_review_report(win)
    assert win.last_report == (
        BLIND + "the review report quotes every coder's reviewed segments" + OFF_FIRST
    )
    audit_parts.export_codebook_history(win)
    assert win.last_report.startswith(BLIND + "the codebook history gives the auditors'")
    out = tmp_path / "study.qdpx"
    assert not exchange_actions.export_refi(win, ".qdpx", out)
    assert not out.exists()
    assert win.last_report.startswith(BLIND + "a REFI-QDA project carries every coder's")
    # the codebook alone carries nobody's coding
    assert exchange_actions.export_refi(win, ".qdc", tmp_path / "codes.qdc")
    blind_action(win).trigger()
    assert exchange_actions.export_refi(win, ".qdpx", out) and out.exists()
