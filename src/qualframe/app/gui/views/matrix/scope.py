"""Choosing what the theme matrix counts: a sticky menu whose checkable entries stay open,
and the coder and document choosers built on it ("all" by default, at least one chosen)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QMenu, QPushButton, QWidget


def document_tip(segments: int, groups: Sequence[str]) -> str:
    text = f"{segments} coded segment" + ("" if segments == 1 else "s")
    return text + (f"; participants: {', '.join(groups)}" if groups else "")


class StickyMenu(QMenu):
    """A menu that stays open while its checkable entries are toggled, so that several
    coders or documents can be chosen in one go (Space toggles from the keyboard)."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (
            event.key() == Qt.Key.Key_Space
            and action is not None
            and action.isCheckable()
            and action.isEnabled()
        ):
            action.trigger()
            return
        super().keyPressEvent(event)


class ScopeChooser(QPushButton):
    """A button whose menu chooses some of a list of items — all of them by default.

    Items are ``(key, label, section)``; :meth:`chosen` is ``None`` for "all" (so that items
    added later are included) or the chosen keys in the items' order. At least one item
    always stays chosen. ``changed`` is emitted when the analyst changes the choice.
    """

    changed = Signal()

    def __init__(self, title: str, all_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(title)
        self._menu = StickyMenu(self)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self.all_action = QAction(all_text, self)
        self.all_action.setCheckable(True)
        self.all_action.setChecked(True)
        self.all_action.triggered.connect(self._all_triggered)
        self.item_actions: dict[str, QAction] = {}
        self._items: list[tuple[str, str, str]] = []
        self._tips: dict[str, str] = {}
        self._chosen: list[str] | None = None
        self._shortcuts: list[tuple[str, list[str]]] = []
        self._rebuild()

    # -- items ------------------------------------------------------------------------------
    def set_items(
        self, items: Sequence[tuple[str, str, str]], tips: dict[str, str] | None = None
    ) -> None:
        """Refill the menu, keeping the chosen items that still exist (if none of them is
        left, or all of them are, the choice becomes "all"). Does not emit ``changed``."""
        items = list(items)
        tips = dict(tips or {})
        if items == self._items:
            if tips != self._tips:  # e.g. segment counts: update in place, the menu may be open
                self._tips = tips
                for key, action in self.item_actions.items():
                    action.setToolTip(tips.get(key, ""))
            return
        self._items = items
        self._tips = tips
        if self._chosen is not None:
            kept = self._kept(self._chosen)
            self._chosen = kept if kept and len(kept) < len(items) else None
        self._rebuild()

    def set_shortcuts(self, shortcuts: Sequence[tuple[str, list[str]]]) -> None:
        """Named groups of items (document sets): each becomes an "Only …" entry that chooses
        exactly its items. Does not emit ``changed``."""
        shortcuts = [(name, list(keys)) for name, keys in shortcuts]
        if shortcuts != self._shortcuts:
            self._shortcuts = shortcuts
            self._rebuild()

    def shortcut_chosen(self) -> str | None:
        """The name of the group whose items are exactly the choice, if any."""
        if self._chosen is None:
            return None
        chosen = set(self._chosen)
        return next((n for n, keys in self._shortcuts if set(keys) == chosen), None)

    def keys(self) -> list[str]:
        return [key for key, _label, _section in self._items]

    def label(self, key: str) -> str:
        return next((lab for k, lab, _s in self._items if k == key), key)

    def _rebuild(self) -> None:
        menu = self._menu
        menu.clear()
        self.item_actions = {}
        menu.addAction(self.all_action)
        sections: dict[str, list[tuple[str, str]]] = {}
        for key, label, section in self._items:
            sections.setdefault(section, []).append((key, label))
        titled = len(sections) > 1
        if titled:
            for section, members in sections.items():
                only = menu.addAction(f"Only {section[:1].lower()}{section[1:]}")
                only.triggered.connect(
                    lambda _c=False, keys=[k for k, _lab in members]: self.set_chosen(keys)
                )
        if self._shortcuts:
            menu.addSection("Document sets")
            for name, keys in self._shortcuts:
                only = menu.addAction(f"Only “{name}” ({len(keys)})".replace("&", "&&"))
                only.setEnabled(bool(self._kept(keys)))
                only.triggered.connect(lambda _c=False, k=keys: self.set_chosen(k))
        for section, members in sections.items():
            if titled or self._shortcuts:
                menu.addSection(section or "Items")
            else:
                menu.addSeparator()
            for key, label in members:
                action = menu.addAction(label.replace("&", "&&"))
                action.setCheckable(True)
                if key in self._tips:
                    action.setToolTip(self._tips[key])
                action.triggered.connect(lambda checked, k=key: self._item_triggered(k, checked))
                self.item_actions[key] = action
        self._sync_checks()

    # -- the choice -------------------------------------------------------------------------
    def chosen(self) -> list[str] | None:
        return None if self._chosen is None else list(self._chosen)

    def set_chosen(self, keys: Iterable[str] | None) -> None:
        """Choose ``keys`` (``None``: all). Unknown keys are ignored; a choice of nothing is
        refused (nothing changes)."""
        new: list[str] | None = None
        if keys is not None:
            kept = self._kept(keys)
            if not kept:
                self._sync_checks()
                return
            new = None if len(kept) == len(self._items) else kept
        changed = new != self._chosen
        self._chosen = new
        self._sync_checks()
        if changed:
            self.changed.emit()

    def _kept(self, keys: Iterable[str]) -> list[str]:
        wanted = set(keys)
        return [k for k in self.keys() if k in wanted]

    def _item_triggered(self, key: str, checked: bool) -> None:
        current = set(self.keys() if self._chosen is None else self._chosen)
        if checked:
            current.add(key)
        else:
            current.discard(key)
        if not current:  # at least one stays chosen
            self._sync_checks()
            return
        self.set_chosen(current)

    def _all_triggered(self, checked: bool) -> None:
        self.set_chosen(None)  # unticking "all" is meaningless: it stays ticked

    def _sync_checks(self) -> None:
        self.all_action.setChecked(self._chosen is None)
        chosen = set(self._chosen or ())
        for key, action in self.item_actions.items():
            action.setChecked(self._chosen is None or key in chosen)

    def summary(self, one: str, many: str) -> str:
        """E.g. "all 3 coders", "2 of 3 coders", "both coders", "no coders yet"."""
        n = len(self._items)
        if n == 0:
            return f"no {many} yet"
        if self._chosen is None:
            return {1: f"1 {one}", 2: f"both {many}"}.get(n, f"all {n} {many}")
        return f"{len(self._chosen)} of {n} {many}"
