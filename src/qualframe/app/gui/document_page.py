"""The Document tab: the open document's title line (name, groups, words, coded segments),
the document view, and the find bar under it. It opens documents where the analyst left them
and keeps the view in step with every change (see ``view_sync``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from qualframe.app.gui.colors import muted
from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.models.documents_model import DocumentsModel
from qualframe.app.gui.search import FindBar
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.view_sync import ViewSync
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.core.changes import Change


class DocumentPage(QWidget):
    def __init__(
        self,
        bench: Workbench,
        corpus: Corpus,
        codes: CodebookModel,
        documents: DocumentsModel,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = bench.project
        self.documents = documents
        self.settings = settings
        self.view = DocumentView(self.project)
        self.find_bar = FindBar(self.view, corpus)
        self.sync = ViewSync(self.project, self.view, codes)
        self.title = QLabel("")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setContentsMargins(8, 4, 8, 2)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._pending_scroll: int | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.title)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.find_bar)
        # The groups beside the title come from the documents model (re-read by the
        # navigator when participants change).
        documents.modelReset.connect(self.update_title)

    # -- opening -----------------------------------------------------------------------------
    def open(self, guid: str) -> bool:
        """Show document ``guid`` where the analyst left it; False if it no longer exists."""
        rec = self.documents.by_guid.get(guid)
        if rec is None:
            return False
        if guid == self.view.document_guid:
            return True
        self.remember_position()
        self.view.load(guid, rec.name)
        pos = self.settings.document_position(self.project.location, guid)
        self._pending_scroll = None
        if pos and self.isVisible():
            self.view.scroll_to(min(pos, rec.length))
        elif pos:  # lines wrap differently until the window has its size: scroll once shown
            self._pending_scroll = min(pos, rec.length)
        self.settings.set_last_document(self.project.location, guid)
        self.update_title()
        if self.find_bar.isVisible() and self.find_bar.edit.text():
            self.find_bar.search(self.find_bar.edit.text())
        return True

    def remember_position(self) -> None:
        if self.view.document_guid:
            top = self._pending_scroll  # not shown yet: the place it was going to show
            self.settings.set_document_position(
                self.project.location,
                self.view.document_guid,
                top if top is not None else self.view.top_position(),
            )

    @property
    def scroll_pending(self) -> bool:
        return self._pending_scroll is not None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending_scroll is not None:
            QTimer.singleShot(0, self._scroll_when_shown)

    def _scroll_when_shown(self) -> None:
        if self._pending_scroll is not None and self.view.document_guid:
            self.view.scroll_to(self._pending_scroll)
        self._pending_scroll = None

    # -- changes -----------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        guid = self.view.document_guid
        if guid is not None and guid in change.documents_removed:
            self.view.clear_document()  # the document was deleted
            self.update_title()
            return
        if guid is not None and guid in change.texts:
            self.sync.reload()  # its text was edited: read it again, where the reader was
            self.update_title()
            if self.find_bar.isVisible() and self.find_bar.edit.text():
                self.find_bar.search(self.find_bar.edit.text())  # (hits hold offsets)
            return
        self.sync.on_change(change)
        if change.segments or change.codebook or change.document_list:
            self.update_title()

    def update_title(self) -> None:
        guid = self.view.document_guid
        rec = self.documents.by_guid.get(guid) if guid else None
        if rec is None:
            self.title.setText("")
            return
        pal = self.title.palette()
        role = QPalette.ColorRole
        self._muted = muted(pal.color(role.WindowText), pal.color(role.Window)).name()
        n = len(self.view.index) if self.view.index is not None else 0
        groups = f" · {', '.join(rec.groups)}" if rec.groups else ""
        self.title.setText(
            f"<b style='font-size:14px'>{rec.name}</b>"
            f"<span style='color:{self._muted}'>{groups} · {self.view.words:,} words · {n} coded "
            "segments</span>"
        )
