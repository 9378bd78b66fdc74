"""Coding actions: apply the current or a recent code, "Code as…", new code from the
selection, remove a code, memo, exemplar, and adjusting a segment's boundaries. Also the
document view's context menu, built from the same actions, and the coding options (snap
selections to whole words; what to do with a selection over several speakers)."""

from __future__ import annotations

import uuid
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from qualframe.app.gui.code_choice import resolve_code
from qualframe.app.gui.dialogs.cross_turn import SPLIT, ask_cross_turn, keep_warning
from qualframe.app.gui.dialogs.memo_dialog import edit_memo_text
from qualframe.app.gui.document_view import DocumentView
from qualframe.app.gui.models.codebook_model import CodebookModel
from qualframe.app.gui.settings import Settings
from qualframe.app.gui.workbench import Workbench
from qualframe.coding import commands
from qualframe.coding.core.command import Command
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.corpus.documents import document_text, document_turns
from qualframe.coding.corpus.segments import Highlight
from qualframe.coding.corpus.turn_split import turn_pieces
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
        self.recent: list[str] = settings.recent_codes(bench.project.location)
        self._create_actions()
        for a in self.writing:
            host.addAction(a)
            a.setEnabled(bench.project.can_edit)
        view.menu_provider = self.fill_context_menu
        view.snap_words = settings.flag("snap_words", True)
        self._create_options()
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

    def _create_options(self) -> None:
        w = self.host
        self.snap = QAction("Snap selections to whole words", w, checkable=True)
        self.snap.setChecked(self.view.snap_words)
        self.snap.setStatusTip("A selection that starts or ends inside a word takes the whole word")
        self.snap.toggled.connect(self._set_snap)
        self.cross_menu = QMenu("Selections over several speakers", w)
        group = QActionGroup(w)
        current = self.settings.option("cross_turn", "ask")
        self.cross_actions: dict[str, QAction] = {}
        for key, text in (
            ("ask", "Ask each time"),
            ("split", "Split into one segment per participant turn"),
            ("keep", "Keep as one segment (counts for one speaker)"),
        ):
            a = self.cross_menu.addAction(text)
            a.setCheckable(True)
            a.setChecked(key == current)
            a.setActionGroup(group)
            a.triggered.connect(partial(self.settings.set_option, "cross_turn", key))
            self.cross_actions[key] = a
        self.cross_menu.aboutToShow.connect(self._sync_cross_menu)

    def _set_snap(self, on: bool) -> None:
        self.view.snap_words = on
        self.settings.set_flag("snap_words", on)

    def _sync_cross_menu(self) -> None:
        current = self.settings.option("cross_turn", "ask")
        self.cross_actions.get(current, self.cross_actions["ask"]).setChecked(True)

    # -- menus ---------------------------------------------------------------------------
    def fill_menu(self, menu: QMenu) -> None:
        for a in (self.apply_current, self.code_as):
            menu.addAction(a)
        menu.addMenu(self.recent_menu)
        menu.addAction(self.new_from_selection)
        menu.addSeparator()
        for a in (self.remove, self.memo, self.exemplar, self.resize):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.snap)
        menu.addMenu(self.cross_menu)

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
        self.settings.set_recent_codes(self.bench.project.location, self.recent)
        self.update_recent()

    # -- applying ------------------------------------------------------------------------
    def current_code(self) -> CodeRecord | None:
        return self.bench.selection().code

    def apply_code(self, code_guid: str, document_guid: str, start: int, end: int) -> bool:
        """Code [start, end); a range over several speaker turns is split (or kept) as the
        analyst chooses."""
        ranges = self.coding_ranges(document_guid, start, end)
        if not ranges:
            return False
        ok = self.bench.push(self.apply_command(code_guid, document_guid, ranges))
        if ok:
            self.remember(code_guid)
        return ok

    @staticmethod
    def apply_command(code_guid: str, document_guid: str, ranges: list[tuple[int, int]]) -> Command:
        if len(ranges) == 1:
            return commands.ApplyCode(document_guid, ranges[0][0], ranges[0][1], code_guid)
        return commands.ApplyCodeMany([(document_guid, a, b) for a, b in ranges], code_guid)

    def coding_ranges(self, document_guid: str, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges to code for [start, end): itself, or one per participant turn when it
        runs over several speakers and the analyst splits it; [] when cancelled."""
        view = self.view
        if document_guid == view.document_guid:
            text, turns = view.text, view.turns
        else:
            project = self.bench.project
            text, turns = (
                document_text(project, document_guid),
                document_turns(project, document_guid),
            )
        span = turn_pieces(text, turns, start, end)
        if not span.crosses:
            return [(start, end)]
        choice = ask_cross_turn(self.host, span, self.settings)
        if choice is None:
            return []
        if choice == SPLIT:
            return [(p.start, p.end) for p in span.pieces]
        self.bench.hint(keep_warning(span))
        return [(start, end)]

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
        labels = [r.path_text for r in self.codes.records]
        current = self.current_code()
        start = labels.index(current.path_text) if current and current.path_text in labels else 0
        choice, ok = QInputDialog.getItem(
            self.host, "Code as", "Code (choose one, or type a name or a new Theme/Category/Code):",
            labels, start, True,
        )  # fmt: skip
        if ok:
            self.code_as_typed(choice, *sel)

    def code_as_typed(self, typed: str, document_guid: str, start: int, end: int) -> bool:
        """Code the range with the code ``typed`` names: its path, or a leaf name only one code
        has; a new path is created after the analyst confirms; otherwise say why not."""
        choice = resolve_code(typed, self.codes.records)
        if choice.refusal:
            self.bench.report(choice.refusal)
            return False
        if choice.code is not None:
            return self.apply_code(choice.code.guid, document_guid, start, end)
        path = "/".join(choice.new)
        where = f'under "{choice.parent.path_text}"' if choice.parent else "at the top level"
        what = "it" if len(choice.new) == 1 else f"its {len(choice.new)} levels"
        answer = QMessageBox.question(
            self.host, "Code as",
            f'There is no code "{typed.strip()}". Create {what} ("{path}", {where}) and code '
            "the selection with it?",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return False
        ranges = self.coding_ranges(document_guid, start, end)
        if not ranges:
            return False
        members: list[Command] = []
        parent = choice.parent.guid if choice.parent else None
        for name in choice.new:
            guid = str(uuid.uuid4())  # known now, so that the next step can name it
            members.append(commands.AddCode(name, parent, guid=guid))
            parent = guid
        assert parent is not None
        members.append(self.apply_command(parent, document_guid, ranges))
        ok = self.bench.push(commands.CommandGroup(f'New code "{path}" and apply it', members))
        if ok:
            self.remember(parent)
        return ok

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
        ranges = self.coding_ranges(*sel)
        if not ranges:
            return
        # One undo step: the code gets its GUID now, so that applying it can name it.
        guid = str(uuid.uuid4())
        add = commands.AddCode(name, parent.guid if parent else None, guid=guid)
        group = commands.CommandGroup(
            f'New code "{name.strip()}" from selection',
            [add, self.apply_command(guid, sel[0], ranges)],
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
        text, ok = edit_memo_text(
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
            rows = query_segments(s, segment_guids=[guid], attributes=False)
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
