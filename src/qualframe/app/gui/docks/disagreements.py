"""The Disagreements dock: where the chosen coders differ, grouped by code; the selected place
side by side (each coder's coding in its context); and its resolution into the coder
"consensus" (accept A, accept B, accept both, neither, or a new agreed segment), each an
undoable command. Double-click a place to see it in the document.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.flow_layout import FlowLayout, labelled
from qualframe.app.gui.models.disagreements_model import DisagreementsModel
from qualframe.app.gui.workbench import Workbench
from qualframe.coding.analysis.agreement.disagreements import (
    CONSENSUS,
    Coding,
    Place,
    ResolvePlace,
    SeedConsensus,
    find_places,
)
from qualframe.coding.core.changes import Change
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.corpus.documents import document_text
from qualframe.storage.errors import ProjectError

CONTEXT = 90


class DisagreementsDock(QDockWidget):
    placeActivated = Signal(str, int, int)  # document guid, start, end

    def __init__(self, bench: Workbench, scope: CoderScope, parent: QWidget | None = None) -> None:
        super().__init__("Disagreements", parent)
        self.setObjectName("disagreements")
        self.bench = bench
        self.project = bench.project
        self.scope = scope
        self.model = DisagreementsModel(self)
        self.current: Place | None = None
        self._texts: dict[str, str] = {}
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addLayout(self._build_bar())
        self.blind_note = QLabel("<b>Blind coding is on</b>: the disagreements list waits "
                                 "until it is turned off (View → Coders).")  # fmt: skip
        lay.addWidget(self.blind_note)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_tree())
        split.addWidget(self._build_detail())
        split.setSizes([470, 430])
        split.setChildrenCollapsible(False)
        self.split = split
        lay.addWidget(split, 1)
        self.setWidget(body)
        bench.changed.connect(self.on_change)
        scope.changed.connect(self._scope_changed)
        self.reload_coders()
        self._scope_changed()

    # -- building ---------------------------------------------------------------------------
    def _build_bar(self) -> FlowLayout:
        """Coders, tolerance and the buttons flow onto a second line in a narrow window (at
        1024×700 the dock shares the width with the navigator and the codebook) instead of
        squeezing the coder names."""
        self.coder_a, self.coder_b = QComboBox(), QComboBox()
        for box in (self.coder_a, self.coder_b):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tolerance = QSpinBox()
        self.tolerance.setRange(0, 10000)
        self.tolerance.setSuffix(" chars")
        self.tolerance.setToolTip("Boundaries that differ by this many characters or fewer agree")
        refresh = QPushButton("Find")
        refresh.clicked.connect(self.refresh)
        self.seed = QPushButton("Copy agreements to consensus")
        self.seed.setToolTip(
            f'Give the coder "{CONSENSUS}" the places where both agree, so that the consensus '
            "can be compared with each coder"
        )
        self.seed.clicked.connect(self.seed_consensus)
        self.seed.setEnabled(self.project.can_edit)  # not read-only, not in review mode
        bar = FlowLayout()
        for label, w in (("A", self.coder_a), ("B", self.coder_b), ("tolerance", self.tolerance)):
            bar.addWidget(labelled(label, w))
        bar.addWidget(refresh)
        bar.addWidget(self.seed)
        bar.add_stretch()
        self.summary = QLabel("")
        bar.addWidget(self.summary)
        return bar

    def _build_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setModel(self.model)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setAlternatingRowColors(True)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.setTextElideMode(Qt.TextElideMode.ElideLeft)
        tree.selectionModel().currentChanged.connect(self._current_changed)
        tree.doubleClicked.connect(self._activate)
        tree.setMinimumWidth(240)
        self.tree = tree
        return tree

    def _build_detail(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        grid.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Select a place to compare the codings side by side.")
        self.title.setWordWrap(True)
        self.side_a, self.side_b = QTextBrowser(), QTextBrowser()
        self.label_a, self.label_b = QLabel(""), QLabel("")
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.label_a, 1, 0)
        grid.addWidget(self.label_b, 1, 1)
        grid.addWidget(self.side_a, 2, 0)
        grid.addWidget(self.side_b, 2, 1)
        self.accept_a, self.accept_b = QPushButton("Accept A"), QPushButton("Accept B")
        self.accept_both, self.neither = QPushButton("Accept both"), QPushButton("Neither")
        self.new_start, self.new_end = QSpinBox(), QSpinBox()
        for box in (self.new_start, self.new_end):
            box.setRange(0, 10**9)
        self.new_button = QPushButton("New agreed segment")
        self.new_button.setToolTip("A consensus segment over the range on its left")
        self.accept_a.clicked.connect(lambda: self.resolve("accept", (self._a(),)))
        self.accept_b.clicked.connect(lambda: self.resolve("accept", (self._b(),)))
        self.accept_both.clicked.connect(lambda: self.resolve("accept", (self._a(), self._b())))
        self.neither.clicked.connect(lambda: self.resolve("neither"))
        self.new_button.clicked.connect(
            lambda: self.resolve("new", start=self.new_start.value(), end=self.new_end.value())
        )
        row = QHBoxLayout()
        for b in (self.accept_a, self.accept_b, self.accept_both, self.neither):
            row.addWidget(b)
        row.addStretch(1)
        grid.addLayout(row, 3, 0, 1, 2)
        row = QHBoxLayout()
        row.addWidget(self.new_start)
        row.addWidget(QLabel("–"))
        row.addWidget(self.new_end)
        row.addWidget(self.new_button)
        row.addStretch(1)
        grid.addLayout(row, 4, 0, 1, 2)
        for side in (self.side_a, self.side_b):
            side.setMinimumWidth(150)
        self._enable_buttons(None)
        return w

    # -- coders and places --------------------------------------------------------------------
    def _a(self) -> str:
        return str(self.coder_a.currentText())

    def _b(self) -> str:
        return str(self.coder_b.currentText())

    def reload_coders(self) -> None:
        names = [n for n in coder_names(self.project) if n != CONSENSUS]
        for i, box in enumerate((self.coder_a, self.coder_b)):
            keep = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            at = box.findText(keep) if keep else -1
            box.setCurrentIndex(at if at >= 0 else min(i, len(names) - 1))
            box.blockSignals(False)

    def set_coders(self, a: str, b: str) -> None:
        self.coder_a.setCurrentText(a)
        self.coder_b.setCurrentText(b)

    def refresh(self) -> None:
        if self.scope.blind:
            return
        keep = self.current.id if self.current else None
        try:
            places = find_places(self.project, [self._a(), self._b()],
                                 min_diff=self.tolerance.value())  # fmt: skip
        except ProjectError as exc:
            self.model.set_places([])
            self.summary.setText(str(exc))
            return
        self.model.set_places(places)
        # a code's row spans the columns: its path (and how many of its places are resolved)
        # stays readable however narrow the list is
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        self._texts.clear()
        done = sum(p.resolved for p in places)
        self.summary.setText(f"{len(places)} places, {done} resolved")
        index = self.model.index_of(keep) if keep else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)
        else:
            self.show_place(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_place(self.model.place(current))

    def _activate(self, index: QModelIndex) -> None:
        place = self.model.place(index)
        if place is not None:
            self.placeActivated.emit(place.document_guid, place.start, place.end)

    def select_place(self, place_id: str) -> None:
        self.tree.setCurrentIndex(self.model.index_of(place_id))

    # -- side by side ---------------------------------------------------------------------------
    def show_place(self, place: Place | None) -> None:
        self.current = place
        self._enable_buttons(place)
        if place is None:
            self.title.setText("Select a place to compare the codings side by side.")
            for w in (self.side_a, self.side_b):
                w.clear()
            self.label_a.setText("")
            self.label_b.setText("")
            return
        state = f"resolved: {place.resolution}" if place.resolved else "open"
        self.title.setText(
            f"<b>{html.escape(place.code)}</b> — {html.escape(place.document)}, "
            f"{place.start}–{place.end} ({state})"
        )
        text = self._text(place.document_guid)
        for coder, label, side in ((self._a(), self.label_a, self.side_a),
                                   (self._b(), self.label_b, self.side_b)):  # fmt: skip
            codings = place.codings.get(coder, ())
            spans = ", ".join(f"{c.start}–{c.end}" for c in codings) or "did not apply the code"
            label.setText(f"<b>{html.escape(coder)}</b>: {spans}")
            side.setHtml(_context_html(text, place, codings))
        self.new_start.setValue(place.start)
        self.new_end.setValue(place.end)

    def _text(self, guid: str) -> str:
        if guid not in self._texts:
            self._texts[guid] = document_text(self.project, guid)
        return self._texts[guid]

    def _enable_buttons(self, place: Place | None) -> None:
        open_ = place is not None and not place.resolved and self.project.can_edit
        has_a = bool(place and place.codings.get(self._a()))
        has_b = bool(place and place.codings.get(self._b()))
        self.accept_a.setEnabled(open_ and has_a)
        self.accept_b.setEnabled(open_ and has_b)
        self.accept_both.setEnabled(open_ and has_a and has_b)
        for w in (self.neither, self.new_button, self.new_start, self.new_end):
            w.setEnabled(open_)

    # -- resolving ---------------------------------------------------------------------------------
    def resolve(self, decision: str, accepted: tuple[str, ...] = (), *, start: int | None = None,
                end: int | None = None) -> bool:  # fmt: skip
        if self.current is None:
            return False
        place_id = self.current.id
        ok = self.bench.push(ResolvePlace(self.current, decision, accepted, start, end))
        if ok:
            self.refresh()
            self.select_next_open(place_id)
        return ok

    def select_next_open(self, after: str) -> None:
        places = self.model.all_places()
        ids = [p.id for p in places]
        start = ids.index(after) + 1 if after in ids else 0
        for p in places[start:] + places[:start]:
            if not p.resolved:
                self.select_place(p.id)
                return
        self.select_place(after)

    def seed_consensus(self) -> bool:
        return self.bench.push(
            SeedConsensus((self._a(), self._b()), self.tolerance.value()),
            long_title="Copying agreed codings",
        )

    # -- changes --------------------------------------------------------------------------------
    def _scope_changed(self) -> None:
        blind = self.scope.blind
        self.blind_note.setVisible(blind)
        self.split.setEnabled(not blind)
        if blind:
            self.model.set_places([])
            self.show_place(None)

    def on_change(self, change: Change) -> None:
        if change.participants or change.documents_added:
            self.reload_coders()
        if self.model.codes and (change.segments or change.codebook) and self.isVisible():
            self.refresh()


def _context_html(text: str, place: Place, codings: tuple[Coding, ...]) -> str:
    """The place with some context, this coder's coded characters highlighted."""
    a, b = max(0, place.start - CONTEXT), min(len(text), place.end + CONTEXT)
    marks = sorted((c.start, c.end) for c in codings)
    out, pos = [], a
    for s, e in marks:
        s, e = max(s, pos), min(e, b)
        if s >= e:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<span style='background:#FFE08A'>{html.escape(text[s:e])}</span>")
        pos = e
    out.append(html.escape(text[pos:b]))
    body = "".join(out).replace("\n", "<br>")
    return f"{'…' if a > 0 else ''}{body}{'…' if b < len(text) else ''}"
