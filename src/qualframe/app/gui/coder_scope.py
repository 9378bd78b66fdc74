"""Whose segments the workbench shows: all coders', only mine, or a chosen set; and **blind
coding**, which shows only mine and hides every trace of the others' work while coding (their
highlights, margin stripes, retrieved segments and codebook counts, their entries in the Log
and the review threads on their segments; the agreement view and the disagreements list, which
would show them, wait until blind coding is turned off, and so do merging a copy and the
exports that carry every coder's segments).

One :class:`CoderScope` per window; the document view, the codebook counts and the retrieval
list ask it :meth:`visible` and listen to ``changed``. Blind coding is remembered per project
(``Settings``), so reopening the project does not reveal the others' work by surprise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal

from qualframe.app.gui.settings import Settings
from qualframe.coding.core.project import Project

ALL, MINE, CHOSEN = "all", "mine", "chosen"


class CoderScope(QObject):
    changed = Signal()

    def __init__(
        self, project: Project, settings: Settings | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.mode = ALL
        self.chosen: frozenset[str] = frozenset()
        self.blind = bool(settings and settings.blind_coding(project.path))

    @property
    def me(self) -> str:
        return self.project.coder

    def visible(self) -> frozenset[str] | None:
        """The coders whose segments show (None: everyone's)."""
        if self.blind or self.mode == MINE:
            return frozenset({self.me})
        if self.mode == CHOSEN:
            return self.chosen | {self.me} if not self.chosen else self.chosen
        return None

    def shows(self, coder: str) -> bool:
        wanted = self.visible()
        return wanted is None or coder in wanted

    def describe(self) -> str:
        """For the status bar: what is shown (empty when everything is)."""
        if self.blind:
            return "Blind coding: only your segments and counts are shown"
        if self.mode == MINE:
            return "Showing only your segments"
        if self.mode == CHOSEN:
            return "Showing the segments of " + ", ".join(sorted(self.visible() or ()))
        return ""

    def refused_while_blind(self, report: Callable[[str], None], why: str) -> bool:
        """While blind, refuse (with one sentence to ``report``) something that would show
        the other coders' work; ``why`` says what it shows. False when not blind."""
        if not self.blind:
            return False
        report(f"Blind coding is on: {why}; turn blind coding off first (View → Coders).")
        return True

    # -- changing it -------------------------------------------------------------------------
    def show_all(self) -> None:
        self._set(ALL, frozenset())

    def show_mine(self) -> None:
        self._set(MINE, frozenset())

    def show_coders(self, names: Iterable[str]) -> None:
        self._set(CHOSEN, frozenset(names))

    def set_blind(self, on: bool) -> None:
        if on == self.blind:
            return
        self.blind = on
        if self.settings is not None:
            self.settings.set_blind_coding(self.project.path, on)
        self.changed.emit()

    def _set(self, mode: str, chosen: frozenset[str]) -> None:
        if (mode, chosen) == (self.mode, self.chosen):
            return
        self.mode, self.chosen = mode, chosen
        self.changed.emit()
