"""Every Qt model passes qtmodeltester and reflects the data ``coding`` returns."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, Qt

from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.models.codebook_model import CODE_MIME, SELECTION_MIME, CodebookModel
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.models.participants_model import ParticipantsModel
from qualframe.app.gui.models.retrieval_model import RetrievalModel
from qualframe.app.gui.models.search_model import SearchModel
from qualframe.coding.codebook.tree import code_counts, find_code
from qualframe.coding.corpus.participants import list_participants
from qualframe.coding.query import retrieval as retrieval_query
from qualframe.coding.query.segments import list_segments


def test_codebook_model(qapp, qtmodeltester, gui_project) -> None:  # type: ignore[no-untyped-def]
    model = CodebookModel(gui_project)
    qtmodeltester.check(model)
    assert model.counts == code_counts(gui_project)
    pressure = find_code(gui_project, "Negative experiences/Pressure felt by the mentee")
    assert pressure is not None
    idx = model.index_for(pressure.guid)
    assert idx.data() == "Pressure felt by the mentee"
    assert idx.siblingAtColumn(1).data() == 2  # segments
    assert idx.siblingAtColumn(2).data() == 2  # E1 and M2
    theme = model.index_for(pressure.parent_guid or "")
    assert theme.siblingAtColumn(1).data() == 2
    assert model.parent(idx) == theme


def test_codebook_drops_become_requests(qapp, gui_project) -> None:  # type: ignore[no-untyped-def]
    model = CodebookModel(gui_project)
    moves: list[tuple[object, ...]] = []
    applies: list[tuple[object, ...]] = []
    model.moveRequested.connect(lambda *a: moves.append(a))
    model.applyRequested.connect(lambda *a: applies.append(a))
    lifestyle = find_code(gui_project, "Outcomes/Lifestyle")
    target = find_code(gui_project, "Mutual benefits")
    assert lifestyle and target
    mime = model.mimeData([model.index_for(lifestyle.guid)])
    assert mime.hasFormat(CODE_MIME)
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index_for(target.guid))
    assert moves == [(lifestyle.guid, target.guid, None)]
    sel = QMimeData()
    sel.setData(SELECTION_MIME, QByteArray(b'{"document": "d", "start": 3, "end": 9}'))
    assert model.canDropMimeData(sel, Qt.DropAction.CopyAction, -1, 0, model.index_for(target.guid))
    model.dropMimeData(sel, Qt.DropAction.CopyAction, -1, 0, model.index_for(target.guid))
    assert applies == [(target.guid, "d", 3, 9)]


def test_documents_model(qapp, qtmodeltester, gui_project) -> None:  # type: ignore[no-untyped-def]
    model = DocumentsModel(gui_project)
    qtmodeltester.check(model)
    top = model.index(0, 0)
    assert top.data() == "Transcripts (2)"
    first = model.index(0, 0, top)
    assert first.data() == "fgi_mentees"
    assert first.siblingAtColumn(1).data() == "mentee"
    assert first.siblingAtColumn(2).data() == 2


def test_participants_model_edits_attributes(qapp, qtmodeltester, gui_project) -> None:  # type: ignore[no-untyped-def]
    from qualframe.coding.commands import UndoStack

    stack = UndoStack(gui_project)

    def push(command) -> bool:  # type: ignore[no-untyped-def]
        stack.push(command)
        model.reload()  # as the navigator does when the change comes back
        return True

    model = ParticipantsModel(gui_project, push=push)
    qtmodeltester.check(model)
    assert model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "role"
    row = [p.pseudonym for p in model.people].index("E1")
    idx = model.index(row, 1)
    assert idx.data() == "mentee"
    assert model.setData(idx, "mentor")
    stored = {p.pseudonym: p for p in list_participants(gui_project)}
    assert stored["E1"].attributes["role"] == "mentor"
    assert model.add_attribute("cohort")
    assert model.columnCount() == 4
    assert model.setData(model.index(row, 3), "2025")
    stored = {p.pseudonym: p for p in list_participants(gui_project)}
    assert stored["E1"].attributes["cohort"] == "2025"
    stack.undo()
    model.reload()
    assert model.index(row, 3).data() == ""


def test_retrieval_and_search_models(qapp, qtmodeltester, gui_project) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus(gui_project)
    retrieval = RetrievalModel(corpus)
    pressure = find_code(gui_project, "Negative experiences")
    assert pressure is not None
    rows, attrs = retrieval_query.fetch(
        gui_project, code_guid=pressure.guid, include_descendants=True
    )
    retrieval.set_segments(rows, attrs)
    expected = list_segments(gui_project, code_guid=pressure.guid, include_descendants=True)
    assert [retrieval.segment(i) for i in range(2)] == [
        e._replace(id=0, created_at=None) for e in expected
    ]
    qtmodeltester.check(retrieval)
    assert retrieval.rowCount() == 2
    assert retrieval.index(0, 2).data() == "mentee"
    assert retrieval.index(1, 2).data() == "mentor"
    text = retrieval.as_text([0, 1])
    assert "I felt pressure 😓" in text and "fgi_mentors, M2, mentor" in text

    search = SearchModel(corpus)
    hits, truncated = corpus.search("felt")
    search.set_rows(hits)
    qtmodeltester.check(search)
    assert not truncated and search.rowCount() == 2
    assert search.index(0, 2).data() == "felt"
    hits, _ = corpus.search("선배")
    assert [corpus.text(h.document_guid)[h.start : h.end] for h in hits] == ["선배"]
    assert corpus.search("FELT", case_sensitive=True)[0] == []
    assert len(corpus.search("felt", whole_words=True)[0]) == 2


def test_search_leaves_the_garbage_collector_as_it_found_it(gui_project) -> None:  # type: ignore[no-untyped-def]
    import gc

    corpus = Corpus(gui_project)
    assert gc.isenabled()
    hits, cut = corpus.search("mentor")
    assert hits and not cut and gc.isenabled()
    gc.disable()
    try:
        corpus.search("mentor")
        assert not gc.isenabled()
    finally:
        gc.enable()
