"""Table model of the Agreement view: one row per code (and the pooled overall row, kept
last), columns as in the Word report. Sorting uses the numbers, not the text ("–" for an
undefined statistic sorts below every number)."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from qualframe.app.gui.models.table_base import RowsTableModel
from qualframe.coding.analysis.agreement.bootstrap import Estimate
from qualframe.coding.analysis.agreement.report import AgreementReport, CodeRow, fmt, fmt_ci

Index = QModelIndex | QPersistentModelIndex
SortRole = Qt.ItemDataRole.UserRole + 1
OVERALL = "Overall (pooled)"
LOW_ALPHA = QColor("#B3261E")


def _number(x: float | None) -> float:
    return -math.inf if x is None or math.isnan(x) else x


class AgreementModel(RowsTableModel[CodeRow]):
    CODE, UNITS, PERCENT, KAPPA, ALPHA, CI, P_BELOW = range(7)

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.threshold = 0.8

    def headers(self) -> list[str]:
        return ["Code", "Coded", "% agree", "κ", "α", "95% CI of α",
                f"P(α<{self.threshold:g})"]  # fmt: skip

    def set_report(self, report: AgreementReport | None) -> None:
        if report is None:
            self.set_rows([])
            return
        self.threshold = report.threshold
        self.set_rows([*report.codes, CodeRow("", OVERALL, report.overall)])
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.headers()) - 1)

    def _text(self, row: CodeRow, col: int) -> str:
        e = row.estimate
        return [row.code, f"{round(e.coded_units):,}", fmt(e.percent, 1), fmt(e.kappa),
                fmt(e.alpha), fmt_ci(e.alpha_ci), fmt(e.p_below)][col]  # fmt: skip

    @staticmethod
    def _sort_value(row: CodeRow, col: int) -> object:
        e: Estimate = row.estimate
        if col == 0:
            return row.code.casefold()
        return _number([0.0, e.coded_units, e.percent, e.kappa, e.alpha,
                        e.alpha_ci[0] if e.alpha_ci else None, e.p_below][col])  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SortRole:
            return self._sort_value(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.code == OVERALL and not row.code_guid:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and col == self.ALPHA:
            a = row.estimate.alpha
            return QBrush(LOW_ALPHA) if not math.isnan(a) and a < self.threshold else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row)
        return None


def _tooltip(row: CodeRow) -> str:
    e = row.estimate
    ci = (
        f"; 95% CI of α {fmt_ci(e.alpha_ci)} from {e.replicates_used} replicates"
        if e.alpha_ci
        else ""
    )
    return (
        f"{row.code}: {round(e.coded_units):,} of {round(e.n_units):,} units coded by at least one "
        f"coder{ci}. “–”: undefined (no variation to agree on)."
    )


class AgreementProxy(QSortFilterProxyModel):
    """Sorts by the numbers and keeps the overall row last whichever way."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setSortRole(SortRole)

    def lessThan(self, left: Index, right: Index) -> bool:
        src = self.sourceModel()
        last = src.rowCount() - 1
        ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
        # the overall row (the last of the source) is shown last in either order
        if left.row() == last:
            return not ascending
        if right.row() == last:
            return ascending
        a, b = src.data(left, SortRole), src.data(right, SortRole)
        return bool(a < b)  # type: ignore[operator]
