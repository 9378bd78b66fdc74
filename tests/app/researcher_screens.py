"""The first-hour views rendered on the demo project (memo browser, Participants tab, set
filters and retrieval export, the edit-text, attribute-import and merge dialogs), for the
screenshot test and for ``docs/`` (run the test with ``QUALFRAME_SCREENSHOTS=docs``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from qualframe.app.gui.dialogs.edit_text_dialog import EditTextDialog
from qualframe.app.gui.dialogs.participant_dialogs import AttributeImportDialog, MergeDialog
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import (
    AddDocumentSet,
    AddMemo,
    SetParticipantAttribute,
    SetSegmentMemo,
    UndoStack,
)
from qualframe.coding.commands.attribute_import import plan_attribute_import
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, list_documents
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.demo import build_demo
from qualframe.coding.importing.attribute_table import read_attribute_table
from qualframe.coding.query.segments import list_segments


def demo_study(path: Path) -> None:
    """The demo project with what a researcher adds in the first hour: document sets, a
    journal entry, document, code and segment memos."""
    build_demo(path).close()
    with Project.open(path, coder="J. Park") as project:
        stack = UndoStack(project)
        docs = {d.name: d.guid for d in list_documents(project)}
        fgis = [g for n, g in docs.items() if n.startswith("fgi_")]
        stack.push(AddDocumentSet("Focus groups", fgis))
        stack.push(AddDocumentSet("Korean transcripts", [docs["fgi_korean_cp949"]]))
        stack.push(AddMemo(
            "Bracketing: I was a mentor myself",
            "I mentored two first-years in 2023. I expect to hear praise for review sessions "
            "and must look as hard for the pressure mentees describe.",
            kind="reflexive",
        ))  # fmt: skip
        stack.push(AddMemo(
            "Second round in May", "Invite the mentors who left early.", kind="project"
        ))  # fmt: skip
        stack.push(AddMemo(
            "Setting", "Held in the library seminar room, 14 mentees, 70 minutes; two arrived "
            "late and joined after the warm-up question.",
            kind="document", document_guid=docs["fgi_mentees"],
        ))  # fmt: skip
        pressure = find_code(project, "Negative experiences/Pressure felt by the mentee")
        assert pressure is not None
        stack.push(AddMemo(
            "Boundary with motivation",
            "Code pressure only when the mentee says it weighed on them, not when it spurred "
            "them on (that is Outcomes/Motivation).",
            kind="code", code_guid=pressure.guid,
        ))  # fmt: skip
        seg = list_segments(project, code_guid=pressure.guid, include_descendants=True)[0]
        stack.push(SetSegmentMemo(seg.guid, "Compare with M2's account of the same week."))
        e2 = next(p for p in list_participants(project) if p.pseudonym == "E2")
        stack.push(SetParticipantAttribute(e2.guid, "year", "2"))


def write_attribute_sheet(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Pseudonym", "Year", "Gender", "Cohort"])
    for i, (year, gender) in enumerate([(1, "f"), (2, "m"), (1, "f"), (3, "f")], start=1):
        ws.append([f"E{i}", year, gender, "2025"])
    ws.append(["M1", 5, "m", "2024"])
    ws.append(["E99", 2, "m", "2025"])
    wb.save(path)
    return path


def clipped_buttons(root: QWidget) -> list[str]:
    """Visible buttons narrower than their text needs ("port Exce")."""
    out = []
    for b in root.findChildren(QAbstractButton):
        if b.isVisibleTo(root) and b.text() and b.width() < b.minimumSizeHint().width():
            out.append(f"{b.text()!r} ({b.width()} < {b.minimumSizeHint().width()} px)")
    return out


def settle() -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(5):
        app.processEvents()


def edit_text_dialog(project: Project, parent: QWidget) -> EditTextDialog:
    doc = next(d for d in list_documents(project) if d.name == "fgi_mentees")
    text = document_text(project, doc.guid)
    i = text.index("study plan")
    dialog = EditTextDialog(project, doc.guid, doc.name, text, i, i + len("study plan"), parent)
    dialog.editor.setPlainText("weekly study plan")
    dialog.update_preview()
    return dialog


def import_dialog(project: Project, sheet: Path, parent: QWidget) -> AttributeImportDialog:
    plan = plan_attribute_import(project, read_attribute_table(sheet))
    return AttributeImportDialog(plan, parent)


def merge_dialog(project: Project, parent: QWidget) -> MergeDialog:
    people = list_participants(project)
    source = next(p for p in people if p.pseudonym == "R02")
    others = [p for p in people if p.guid != source.guid]
    dialog = MergeDialog(project, source, others, parent)
    dialog.target.setCurrentIndex(dialog.target.findText("E2"))
    return dialog
