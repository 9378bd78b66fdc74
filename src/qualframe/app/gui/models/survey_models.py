"""Qt table models of the Survey view: survey items, frequencies, Likert comparison, themes.

Each is a read-only adapter over what :mod:`coding.analysis.survey` computed; every number is
formatted by that module's helpers, so the view shows exactly what Word and Excel get.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from qualframe.app.gui.models.table_base import Index, RowsTableModel
from qualframe.coding.analysis.survey import (
    CodePresence,
    ItemInfo,
    SurveyTables,
    fmt_effect,
    fmt_mean_sd,
    fmt_n_percent,
    fmt_p,
    fmt_statistic,
    test_note,
)

Display = Qt.ItemDataRole.DisplayRole
CENTER = int(Qt.AlignmentFlag.AlignCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
INDENT = "    "

TYPE_LABELS = {
    "id": "respondent id",
    "attribute": "attribute",
    "likert": "Likert",
    "single": "single choice",
    "multiple": "multiple choice",
    "number": "number",
    "text": "open-ended",
    "ignore": "ignored",
}


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def column_headers(t: SurveyTables | None) -> list[str]:
    if t is None:
        return []
    return [f"Total (n = {t.total_n})"] + [f"{t.label(g)} (n = {t.group_ns[g]})" for g in t.groups]


class _Table(RowsTableModel[list[str]]):
    """Rows of display strings with a header; subclasses fill ``rows`` in :meth:`build`."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.header: list[str] = []
        self.bold_rows: set[int] = set()
        self.tips: dict[tuple[int, int], str] = {}

    def headers(self) -> list[str]:
        return self.header

    def _reset(self, header: list[str], rows: list[list[str]]) -> None:
        self.header = header
        self.set_rows(rows)

    def data(self, index: Index, role: int = Display) -> object:
        cells = self.row_at(index)
        if cells is None:
            return None
        row, col = index.row(), index.column()
        if role == Display:
            return cells[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if col == 0 else CENTER
        if role == Qt.ItemDataRole.FontRole and row in self.bold_rows:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips.get((row, col))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class SurveyItemsModel(_Table):
    """The survey's columns with their detected types and how many answered."""

    def set_items(self, items: Sequence[ItemInfo]) -> None:
        rows = []
        for it in items:
            detail = ""
            if it.type == "likert" and it.scale_min is not None:
                detail = f"{it.scale_min}–{it.scale_max}"
            elif it.options:
                detail = ", ".join(it.options)
            answered = (
                str(it.answered)
                if it.type in ("likert", "single", "multiple", "number", "text")
                else ""
            )
            rows.append([it.name, TYPE_LABELS.get(it.type, it.type), answered, detail])
        self.tips = {(i, 3): r[3] for i, r in enumerate(rows) if r[3]}
        self._reset(["Item", "Type", "Answered", "Scale / options"], rows)


class FrequencyTableModel(_Table):
    """Item rows, then one indented row per option: ``n (%)`` per column."""

    def set_tables(self, t: SurveyTables | None) -> None:
        rows: list[list[str]] = []
        bold: set[int] = set()
        tips: dict[tuple[int, int], str] = {}
        for f in t.frequencies if t is not None else ():
            bold.add(len(rows))
            head = [f.item + (" (multiple answers)" if f.multiple else "")]
            for c, col in enumerate(f.columns, start=1):
                head.append(f"answered n = {col.answered}" if col.missing else "")
                if col.missing:
                    tips[(len(rows), c)] = f"{col.missing} of {col.respondents} did not answer"
            rows.append(head)
            for i, option in enumerate(f.options):
                cells = [INDENT + option]
                for col in f.columns:
                    oc = col.options[i]
                    cells.append(fmt_n_percent(oc.n, col.answered, t.percent_decimals if t else 0))
                rows.append(cells)
        self.bold_rows, self.tips = bold, tips
        self._reset(["Item / option", *column_headers(t)] if t is not None else [], rows)


class LikertTableModel(_Table):
    """One row per Likert item: ``mean ± SD`` per column, then U (or H), p and effect size."""

    def set_tables(self, t: SurveyTables | None) -> None:
        if t is None:
            self.tips = {}
            self._reset([], [])
            return
        grouped = len(t.groups) >= 2
        kruskal = len(t.groups) > 2
        tail = (["H", "p", "ε²"] if kruskal else ["U", "p", "r"]) if grouped else []
        rows: list[list[str]] = []
        tips: dict[tuple[int, int], str] = {}
        for r in t.likert:
            cells = [r.item, fmt_mean_sd(r.total)]
            cells += [fmt_mean_sd(r.groups[g]) for g in t.groups]
            if grouped:
                test = r.test
                cells += [
                    fmt_statistic(test.statistic),
                    fmt_p(test.p, t.p_decimals),
                    fmt_effect(test.effect_size),
                ]
                p_col = len(cells) - 2
                tips[(len(rows), p_col)] = (
                    test_note(test) if test.computed else f"Not tested: {test.reason}"
                )
            rows.append(cells)
        self.bold_rows, self.tips = set(), tips
        self._reset(["Item", *column_headers(t), *tail], rows)


class CodesTableModel(_Table):
    """Codes raised in the open-ended answers: ``n (%)`` of respondents, Fisher's p."""

    def set_tables(self, t: SurveyTables | None) -> None:
        c: CodePresence | None = t.codes if t is not None else None
        if t is None or c is None:
            self.tips = {}
            self._reset([], [])
            return
        two = len(t.groups) == 2
        header = [
            "Code",
            f"Total (n = {c.denominators[None]})",
            *[f"{t.label(g)} (n = {c.denominators[g]})" for g in t.groups],
            *(["p"] if two else []),
        ]
        rows: list[list[str]] = []
        bold: set[int] = set()
        for r in c.rows:
            if r.depth == 0:
                bold.add(len(rows))
            cells = [INDENT * r.depth + r.name]
            cells.append(fmt_n_percent(r.total.n, r.total.denominator, t.percent_decimals))
            for g in t.groups:
                cc = r.groups[g]
                cells.append(fmt_n_percent(cc.n, cc.denominator, t.percent_decimals))
            if two:
                cells.append(fmt_p(r.p, t.p_decimals))
            rows.append(cells)
        self.bold_rows = bold
        self.tips = {(i, 0): r.code for i, r in enumerate(c.rows)}
        self._reset(header, rows)
