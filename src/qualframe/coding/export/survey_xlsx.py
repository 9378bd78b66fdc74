"""The survey tables as an Excel workbook: one sheet per table plus the raw answers.

Numbers are stored as numbers, already rounded by the helpers of
:mod:`coding.analysis.formatting` (so a cell shows what the Word table shows); text goes
through :func:`coding.export.safe_cells.neutralise` so that no answer can run as a formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from qualframe.coding.analysis.formatting import fmt_percent, round_half_up
from qualframe.coding.analysis.survey import (
    FrequencyResult,
    SurveyTables,
    fmt_p,
    percent_value,
)
from qualframe.coding.export.atomic import write_atomically
from qualframe.coding.export.docx_style import HEADER_FILL
from qualframe.coding.export.safe_cells import neutralise
from qualframe.coding.review.status import filter_sentence

BOLD = Font(bold=True)
FILL = PatternFill("solid", fgColor=HEADER_FILL)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    return value


def _r(value: float | None, decimals: int) -> float | None:
    return round_half_up(value, decimals) if value is not None else None


def _sheet(wb: Workbook, title: str, header: Sequence[str]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append([_cell(h) for h in header])
    for c in ws[1]:
        c.font = BOLD
        c.fill = FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 28
    if len(header) > 1:
        ws.column_dimensions["B"].width = 24
    return ws


def _notes(ws: Worksheet, notes: Sequence[str]) -> None:
    ws.append([])
    for note in notes:
        ws.append([_cell(note)])
        ws.cell(ws.max_row, 1).font = Font(italic=True)


def _frequency_sheet(
    wb: Workbook, t: SurveyTables, title: str, results: Sequence[FrequencyResult]
) -> None:
    labels = ["Total", *[t.label(g) for g in t.groups]]
    header = ["Item", "Option"]
    for label in labels:
        header += [f"{label} n", f"{label} %"]
    ws = _sheet(wb, title, header)
    pct_format = "0" if t.percent_decimals == 0 else "0.0"
    for f in results:
        row: list[Any] = [f.item, "(answered / respondents)"]
        for col in f.columns:
            row += [col.answered, col.respondents]
        ws.append([_cell(v) for v in row])
        ws.cell(ws.max_row, 1).font = BOLD
        for i, option in enumerate(f.options):
            row = [f.item, option]
            for col in f.columns:
                oc = col.options[i]
                row += [oc.n, percent_value(oc.percent, t.percent_decimals)]
            ws.append([_cell(v) for v in row])
            for j, col in enumerate(f.columns):
                exact = fmt_percent(col.options[i].percent, t.percent_decimals)[0] in "<>"
                # "> 99" and "< 1" keep two more decimals so the cell never shows 100 or 0.
                ws.cell(ws.max_row, 4 + 2 * j).number_format = "0.00" if exact else pct_format
    notes = [
        f"Column N: Total {t.total_n}"
        + "".join(f"; {t.label(g)} {t.group_ns[g]}" for g in t.groups)
        + ". Percentages are of the respondents who answered the item."
    ]
    if any(f.multiple for f in results):
        notes.append("Multiple responses allowed: percentages may sum to more than 100%.")
    _notes(ws, notes)


def _likert_sheet(wb: Workbook, t: SurveyTables) -> None:
    labels = ["Total", *[t.label(g) for g in t.groups]]
    header = ["Item"]
    for label in labels:
        header += [f"{label} n", f"{label} mean", f"{label} SD", f"{label} median"]
        header += [f"{label} missing"]
    header += ["Test", "Method", "U or H", "U1", "U2", "p", "p (text)", "Effect size", "Reason"]
    ws = _sheet(wb, "Likert", header)
    for r in t.likert:
        row: list[Any] = [r.item]
        for d in (r.total, *[r.groups[g] for g in t.groups]):
            row += [d.n, _r(d.mean, 1), _r(d.sd, 1), _r(d.median, 1), d.missing]
        test = r.test
        row += [
            test.test or "",
            test.method or "",
            _r(test.statistic, 1),
            _r(test.u1, 1),
            _r(test.u2, 1),
            test.p,
            fmt_p(test.p, t.p_decimals),
            _r(test.effect_size, 2),
            test.reason or "",
        ]
        ws.append([_cell(v) for v in row])
        ws.cell(ws.max_row, len(row) - 3).number_format = "0.000"
    notes = [
        "Means, SDs and medians rounded to 1 decimal; SD is the sample SD (n − 1); "
        "p unrounded (p (text) as in the Word table)."
    ]
    notes += [f"p: {m}." for m in t.likert_methods]
    if len(t.groups) == 2:
        notes.append(
            f"U = min(U1, U2) as SPSS reports it; U1 is the statistic of the "
            f"{t.label(t.groups[0])} group (R's wilcox.test W), U2 of the "
            f"{t.label(t.groups[1])} group; effect size is the rank-biserial "
            f"r = 1 − 2·U1/(n1·n2) (r > 0: {t.label(t.groups[1])} higher)."
        )
    elif len(t.groups) > 2:
        notes.append("Effect size: ε² = H/(N − 1).")
    _notes(ws, notes)


def _codes_sheets(wb: Workbook, t: SurveyTables) -> None:
    c = t.codes
    if c is None:
        return
    labels = ["Total", *[t.label(g) for g in t.groups]]
    header = ["Code"]
    for label in labels:
        header += [f"{label} n", f"{label} %", f"{label} N"]
    header += ["p (Fisher)", "Odds ratio (conditional MLE, as R)", "Reason"]
    ws = _sheet(wb, "Codes", header)
    for r in c.rows:
        row: list[Any] = [r.code]
        for cc in (r.total, *[r.groups[g] for g in t.groups]):
            row += [cc.n, percent_value(cc.percent, t.percent_decimals), cc.denominator]
        odds: Any = (
            _r(r.odds_ratio, 2) if r.odds_ratio is None or math.isfinite(r.odds_ratio) else "∞"
        )
        row += [_r(r.p, 3), odds, r.reason or ""]
        ws.append([_cell(v) for v in row])
    _notes(
        ws,
        [
            "N: respondents with at least one open-ended answer. A code counts its sub-codes.",
            "p: two-sided Fisher's exact test (group × raised), not adjusted for multiplicity.",
            *([t.coders_note().strip()] if t.coders is not None else []),
            *([filter_sentence(t.reviewed, t.not_reviewed)] if t.reviewed != "all" else []),
        ],
    )
    codes = [r.code for r in c.rows]
    mx = _sheet(wb, "Code matrix", ["Respondent", t.by or "Group", *codes])
    for who in c.respondents:
        mx.append(
            [_cell(who), _cell(t.group_of.get(who) or "")]
            + [1 if code in c.present[who] else 0 for code in codes]
        )


#: Item types whose answers are stored per respondent (the id, attribute and open-ended
#: columns hold none: attributes make the group column, open answers are coded documents).
RAW_TYPES = ("likert", "single", "multiple", "number")


def _raw_sheet(wb: Workbook, t: SurveyTables) -> None:
    types = {it.name: it.type for it in t.items}
    items = [name for name in t.raw if types.get(name) in RAW_TYPES]
    ws = _sheet(wb, "Raw answers", ["Respondent", t.by or "Group", *items])
    for who in t.respondents:
        row: list[Any] = [who, t.group_of.get(who) or ""]
        for item in items:
            a = t.raw[item].get(who)
            if a is None:
                row.append(None)
            elif a.number is not None:
                row.append(a.number)
            elif a.choices:
                row.append("; ".join(a.choices))
            else:
                row.append(a.raw)
        ws.append([_cell(v) for v in row])


def build_workbook(t: SurveyTables) -> Workbook:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    if t.single:
        _frequency_sheet(wb, t, "Frequencies", t.single)
    if t.multiple:
        _frequency_sheet(wb, t, "Multiple responses", t.multiple)
    if t.likert:
        _likert_sheet(wb, t)
    _codes_sheets(wb, t)
    _raw_sheet(wb, t)
    return wb


def write_survey_xlsx(t: SurveyTables, path: Path) -> None:
    """Write the workbook to ``path`` (completely or not at all)."""
    wb = build_workbook(t)
    write_atomically(Path(path), wb.save)
