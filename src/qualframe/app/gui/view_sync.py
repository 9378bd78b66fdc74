"""Keeps the document view in step with changes: only the segments a change names are
re-read (one query) and only the characters they cover are re-formatted."""

from __future__ import annotations

from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.coding.core.changes import Change
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.corpus.segments import Highlight, document_highlights
from qualframe.coding.query.segments import query_segments


def to_highlight(rec: SegmentRecord) -> Highlight:
    return Highlight(
        rec.guid, rec.start, rec.end, rec.code_guid, rec.code_path[-1], rec.code_path_text,
        rec.code_color, rec.coder, rec.memo,
    )  # fmt: skip


class ViewSync:
    def __init__(self, project: Project, view: DocumentView, codes: CodebookModel) -> None:
        self.project = project
        self.view = view
        self.codes = codes

    def on_change(self, change: Change) -> None:
        view = self.view
        guid = view.document_guid
        if guid is None or view.index is None:
            return
        if change.codebook and not change.segments:
            # codes moved or a template loaded: paths in tooltips may differ
            self.reload()
            return
        removed = change.segments_removed & view.index.by_guid.keys()
        if removed:
            view.remove_highlights(removed)
        wanted = set(change.segments_added | change.segments_changed)
        if change.documents and guid not in change.documents and not change.segments_changed:
            wanted.clear()
        shown = bool(removed)
        if wanted:
            fresh = self.highlights(wanted, guid)
            here = {h.guid for h in fresh}
            stale = {
                g for g in change.segments_changed if g in view.index.by_guid and g not in here
            }
            if stale:
                view.remove_highlights(stale)
            view.add_highlights(fresh)
            shown = shown or bool(fresh or stale)
        if change.codes and not change.segments:
            affected = {h.code_guid for h in view.index.items} & change.codes
            if affected:
                fresh_h: list[Highlight] = []
                with self.project.read() as s:
                    for code in affected:
                        fresh_h.extend(
                            to_highlight(r)
                            for r in query_segments(
                                s, code_guid=code, document_guid=guid, attributes=False
                            )
                        )
                view.restyle_codes(affected, fresh_h)
        if shown and view.isVisible():
            # Paint the highlight now, before the docks (retrieval list, counts) take their
            # turn on the same change: what the analyst coded is on screen first.
            view.viewport().repaint()
            view.margin.repaint()

    def highlights(self, guids: set[str], document_guid: str) -> list[Highlight]:
        """Highlights of some segments of one document: one small query; code names and
        colours come from the codebook model already in memory."""
        codes = {r.id: r for r in self.codes.records}
        return document_highlights(self.project, document_guid, segment_guids=guids, codes=codes)

    def reload(self) -> None:
        view = self.view
        if view.document_guid is None:
            return
        top = view.top_position()
        view.load(view.document_guid, view.document_name)
        view.scroll_to(top)
