"""Coding actions: apply the current or a recent code, "Code as…", new code from the
selection, remove a code, memo, exemplar, and adjusting a segment's boundaries. Also the
document view's context menu, built from the same actions."""

from __future__ import annotations

import uuid
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.workbench import Workbench
from qualframe.coding import commands
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.corpus.segments import Highlight
from qualframe.coding.query.segments import query_segments

MAX_RECENT = 9


class CodingActions:
    """The coding actions of one document ``view``: the current code is the workbench's
    selection, recent codes are remembered per project in ``settings``, and the actions'
    shortcuts live on ``host`` (the window)."""

    def __init__(
        self,
        bench: Workbench,
        view: DocumentView,
        codes: CodebookModel,
        settings: Settings,
        host: QWidget,
    ) -> None:
        self.bench = bench
        self.view = view
        self.codes = codes
        self.settings = settings
        self.host = host
        self.recent: list[str] = settings.recent_codes(bench.project.path)
        self._create_actions()
        for a in self.writing:
            host.addAction(a)
            a.setEnabled(bench.project.can_edit)
        view.menu_provider = self.fill_context_menu
        self.update_recent()

    def _create_actions(self) -> None:
        w, view = self.host, self.view

        def act(text: str, slot: object, shortcut: str | None = None, tip: str = "") -> QAction:
            a = QAction(text, w)
            a.triggered.connect(slot)  # type: ignore[arg-type]
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setStatusTip(tip)
            return a

        self.apply_current = act(
            "Apply current code", self.apply_current_code, "Ctrl+Return",
            "Code the selected text with the code selected in the codebook (also Q)",
        )  # fmt: skip
        self.apply_q = QAction("Apply current code (Q)", view)
        self.apply_q.setShortcut(QKeySequence("Q"))
        self.apply_q.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.apply_q.triggered.connect(self.apply_current_code)
        view.addAction(self.apply_q)
        self.code_as = act("Code as…", self.code_as_dialog, "Ctrl+Shift+Return")
        self.new_from_selection = act(
            "New code from selection…", self.new_code_from_selection, "Ctrl+Shift+N"
        )
        self.remove = act("Remove code from passage", self.remove_code, "Ctrl+Backspace")
        self.memo = act("Add memo to segment…", self.add_memo, "Ctrl+M")
        self.exemplar = act("Mark as exemplar quote", self.toggle_exemplar, "Ctrl+E")
        self.resize = act(
            "Set segment boundaries to selection", self.resize_segment, "Ctrl+B",
            "Move the start and end of the selected segment to the current text selection",
        )  # fmt: skip
        self.recent_actions: list[QAction] = []
        # All nine stay visible (a hidden action's shortcut does nothing, so Ctrl+7 with
        # three recent codes would fail silently); the menu lists only those with a code.
        for i in range(MAX_RECENT):
            a = act(f"Recent code {i + 1}", partial(self.apply_recent, i), f"Ctrl+{i + 1}")
            self.recent_actions.append(a)
        self.recent_menu = QMenu("Recent codes", w)
        self.writing = [
            self.apply_current, self.apply_q, self.code_as, self.new_from_selection,
            self.remove, self.memo, self.exemplar, self.resize, *self.recent_actions,
        ]  # fmt: skip

    # -- menus ---------------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        for a in (self.apply_current, self.code_as):
            menu.addAction(a)
        menu.addMenu(self.recent_menu)
        menu.addAction(self.new_from_selection)
        menu.addSeparator()
        for a in (self.remove, self.memo, self.exemplar, self.resize):
            menu.addAction(a)

    def fill_context_menu(self, view: DocumentView, menu: QMenu, cp: int) -> None:
        if not self.bench.project.can_edit:
            return
        has_sel = view.coding_range() is not None
        code = self.current_code()
        if has_sel:
            if code is not None:
                a = menu.addAction(f'Code as "{code.name}"', self.apply_current_code)
                a.setShortcut(self.apply_current.shortcut())
            menu.addAction(self.code_as)
            if self.recent:
                menu.addMenu(self.recent_menu)
            menu.addAction(self.new_from_selection)
        here = view.index.at(cp) if view.index is not None else []
        rng = view.coding_range()
        if rng is not None and view.index is not None:
            here = view.index.overlapping(*rng)
        if here:
            menu.addSeparator()
        for h in here[:8]:
            sub = menu.addMenu(f"Segment “{h.code_name}” ({h.coder})")
            sub.addAction("Select segment", partial(view.select_segment, h.guid))
            sub.addAction("Remove code", partial(self.bench.push, commands.RemoveSegment(h.guid)))
            sub.addAction("Add memo…" if not h.memo else "Edit memo…", partial(self.edit_memo, h))
            sub.addAction("Mark as exemplar / unmark", partial(self.exemplar_for, h.guid))
            if has_sel:
                sub.addAction("Set boundaries to selection", partial(self.resize_to_selection, h))

    def update_recent(self) -> None:
        model = self.codes
        self.recent = [g for g in self.recent if g in model.by_guid][:MAX_RECENT]
        self.recent_menu.clear()
        for i, a in enumerate(self.recent_actions):
            if i < len(self.recent):
                rec = model.by_guid[self.recent[i]]
                a.setText(rec.path_text if len(rec.path_text) < 60 else "…" + rec.path_text[-58:])
                self.recent_menu.addAction(a)
            else:
                a.setText(f"Recent code {i + 1}")
        self.recent_menu.setEnabled(bool(self.recent))

    def remember(self, code_guid: str) -> None:
        self.recent = [code_guid, *(g for g in self.recent if g != code_guid)][:MAX_RECENT]
        self.settings.set_recent_codes(self.bench.project.path, self.recent)
        self.update_recent()

    # -- applying ------------------------------------------------------------------------
    def current_code(self) -> CodeRecord | None:
        return self.bench.selection().code

    def apply_code(self, code_guid: str, document_guid: str, start: int, end: int) -> bool:
        ok = self.bench.push(commands.ApplyCode(document_guid, start, end, code_guid))
        if ok:
            self.remember(code_guid)
        return ok

    def _selection(self) -> tuple[str, int, int] | None:
        view = self.view
        rng = view.coding_range()
        if rng is None or not view.document_guid:
            self.bench.hint("Select some text in the document first.")
            return None
        return view.document_guid, rng[0], rng[1]

    def apply_current_code(self) -> bool:
        code = self.current_code()
        if code is None:
            self.bench.hint("Select a code in the codebook first (or use Code as…).")
            return False
        sel = self._selection()
        return bool(sel) and self.apply_code(code.guid, *sel)  # type: ignore[misc]

    def apply_recent(self, i: int) -> None:
        if i >= len(self.recent):
            have = len(self.recent)
            keys = (
                "none yet" if not have else "only Ctrl+1 so far" if have == 1
                else f"Ctrl+1…Ctrl+{have} so far"
            )  # fmt: skip
            self.bench.hint(
                f"Ctrl+{i + 1} has no code yet: the codes you apply are numbered from Ctrl+1, "
                f"most recent first ({keys})."
            )
            return
        sel = self._selection()
        if sel:
            self.apply_code(self.recent[i], *sel)

    def code_as_dialog(self) -> None:
        sel = self._selection()
        if not sel:
            return
        records = self.codes.records
        if not records:
            self.new_code_from_selection()
            return
        labels = [r.path_text for r in records]
        current = self.current_code()
        start = labels.index(current.path_text) if current else 0
        choice, ok = QInputDialog.getItem(self.host, "Code as", "Code:", labels, start, True)
        if ok and choice in labels:
            self.apply_code(records[labels.index(choice)].guid, *sel)

    def new_code_from_selection(self) -> None:
        sel = self._selection()
        if not sel:
            return
        text = " ".join(self.view.text[sel[1] : sel[2]].split()).replace("/", "-")[:60]
        parent = self.current_code()
        where = f'under "{parent.name}"' if parent else "at the top level"
        name, ok = QInputDialog.getText(
            self.host, "New code from selection", f"Name of the new code ({where}):", text=text
        )
        if not ok or not name.strip():
            return
        # One undo step: the code gets its GUID now, so that applying it can name it.
        guid = str(uuid.uuid4())
        add = commands.AddCode(name, parent.guid if parent else None, guid=guid)
        group = commands.CommandGroup(
            f'New code "{name.strip()}" from selection', [add, commands.ApplyCode(*sel, guid)]
        )
        if self.bench.push(group):
            self.remember(guid)

    # -- segments --------------------------------------------------------------------------
    def _target(self, verb: str) -> Highlight | None:
        view = self.view
        if view.index is None:
            return None
        cur = view.current_segment
        here = view.segments_here()
        if cur and cur in view.index.by_guid and (not here or cur in {h.guid for h in here}):
            return view.index.by_guid[cur]
        if not here:
            self.bench.hint("Put the cursor in a coded passage (or click its stripe) first.")
            return None
        if len(here) == 1:
            return here[0]
        labels = [f"{h.code_path} ({h.coder})" for h in here]
        choice, ok = QInputDialog.getItem(self.host, verb, "Segment:", labels, 0, False)
        return here[labels.index(choice)] if ok else None

    def remove_code(self) -> None:
        h = self._target("Remove code")
        if h is not None:
            self.bench.push(commands.RemoveSegment(h.guid))

    def add_memo(self) -> None:
        h = self._target("Add memo")
        if h is not None:
            self.edit_memo(h)

    def edit_memo(self, h: Highlight) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self.host, "Segment memo", f"Memo on this “{h.code_name}” segment:", h.memo
        )
        if ok and text != h.memo:
            self.bench.push(commands.SetSegmentMemo(h.guid, text))

    def toggle_exemplar(self) -> None:
        h = self._target("Mark as exemplar")
        if h is not None:
            self.exemplar_for(h.guid)

    def exemplar_for(self, guid: str) -> None:
        with self.bench.project.read() as s:
            rows = query_segments(s, segment_guids=[guid])
        if rows:
            self.bench.push(commands.SetExemplar(guid, not rows[0].is_exemplar))

    def resize_segment(self) -> None:
        h = self._target("Set segment boundaries")
        if h is not None:
            self.resize_to_selection(h)

    def resize_to_selection(self, h: Highlight) -> None:
        rng = self.view.coding_range()
        if rng is None:
            self.bench.hint("Select the text the segment should cover, then adjust it.")
            return
        if rng != (h.start, h.end):
            self.bench.push(commands.ResizeSegment(h.guid, rng[0], rng[1]))
