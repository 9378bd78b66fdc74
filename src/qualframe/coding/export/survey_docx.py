"""The survey tables as a Word document, in the house style of :mod:`coding.export.docx_style`.

Table order: single-choice items, multiple-response items, Likert items, themes raised in the
coded open-ended answers; a table is left out when there is nothing to put in it. Every number
comes from :mod:`coding.analysis.survey` and is formatted by its helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt
from docx.table import Table

from qualframe.coding.analysis.survey import (
    FrequencyResult,
    SurveyTables,
    fmt_effect,
    fmt_mean_sd,
    fmt_n_percent,
    fmt_p,
    fmt_statistic,
    test_note,
)
from qualframe.coding.export import docx_style as ds
from qualframe.coding.review.status import filter_sentence

OPTION_INDENT_CM = 0.4
SUPERSCRIPTS = "abcdefgh"


def column_heading(label: str, n: int, sep: str = "\n") -> str:
    """``Mentor`` over ``(n = 9)``: the group's N, computed, on a second line."""
    return f"{label}{sep}(n = {n})"


def headings(t: SurveyTables) -> list[str]:
    """``Total (n = X)`` then one ``Group (n = Y)`` per group, Ns computed from the data."""
    out = [column_heading("Total", t.total_n)]
    out += [column_heading(t.label(g), t.group_ns[g]) for g in t.groups]
    return out


def _list(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _count_people(n: int, group: str | None) -> str:
    if group is None:
        return f"{n} respondent{'s' if n != 1 else ''}"
    return f"{n} ({group})"


def _missing_phrase(missing: dict[str | None, int], t: SurveyTables | None = None) -> str:
    """``1 (Mentees), 2 (Mentors)`` from per-group missing counts (groups named as in the
    header), else ``2 respondents``."""
    grouped = [
        _count_people(n, t.label(g) if t is not None else g)
        for g, n in missing.items()
        if g is not None and n
    ]
    if grouped:
        return _list(grouped)
    return _count_people(missing.get(None, 0), None)


def _set_indent(cell: object, cm: float) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.paragraph_format.left_indent = Cm(cm)


def _widths(
    doc: DocxDocument, first: float, data_cols: int, tail: Sequence[float] = ()
) -> list[float]:
    total = ds.usable_width_cm(doc)
    rest = (total - first - sum(tail)) / max(data_cols, 1)
    return [first, *([rest] * data_cols), *tail]


def _ungrouped_note(t: SurveyTables) -> str:
    if not t.ungrouped:
        return ""
    return (
        f" {_count_people(t.ungrouped, None).capitalize()} without a value of "
        f"{t.by} {'are' if t.ungrouped != 1 else 'is'} counted in the Total column only."
    )


def add_frequency_table(
    doc: DocxDocument,
    t: SurveyTables,
    results: Sequence[FrequencyResult],
    number: int,
    title: str,
) -> Table:
    ds.add_caption(doc, number, title)
    header = ["Item / option", *headings(t)]
    table = ds.add_table(doc, header, _widths(doc, 6.0, len(header) - 1))
    for i in range(1, len(header)):
        table.rows[0].cells[i].paragraphs[0].alignment = 1  # centre
    skipped: list[str] = []
    for f in results:
        row = table.add_row()
        ds.set_cant_split(row)
        ds.set_cell_text(row.cells[0], f.item, bold=True)
        for i, col in enumerate(f.columns, start=1):
            text = f"answered n = {col.answered}" if col.missing else ""
            ds.set_cell_text(row.cells[i], text, italic=True, align="center")
        if f.total.missing:
            missing: dict[str | None, int] = {c.group: c.missing for c in f.groups}
            missing[None] = f.total.missing
            skipped.append(f"{f.item}: {_missing_phrase(missing, t)}")
        for o_index, option in enumerate(f.options):
            row = table.add_row()
            ds.set_cant_split(row)
            ds.set_cell_text(row.cells[0], option)
            _set_indent(row.cells[0], OPTION_INDENT_CM)
            for i, col in enumerate(f.columns, start=1):
                oc = col.options[o_index]
                ds.set_cell_text(
                    row.cells[i],
                    fmt_n_percent(oc.n, col.answered, t.percent_decimals),
                    align="center",
                )
    ds.fit_columns(doc, table)
    note = "Values are n (%) of the respondents who answered the item."
    if any(f.multiple for f in results):
        note += " Multiple responses were allowed, so percentages may sum to more than 100%."
    if skipped:
        note += (
            " Not every respondent answered (the item row gives how many did, the "
            f"denominator): {'; '.join(skipped)} did not answer."
        )
    if any(f.from_columns for f in results):
        note += (
            " For an item asked as one column per option, the respondents who answered are "
            "those who chose at least one option."
        )
    note += _ungrouped_note(t) + t.responses_note()
    keep_together(table)
    ds.add_note(doc, note)
    return table


def add_likert_table(doc: DocxDocument, t: SurveyTables, number: int) -> Table:
    grouped = len(t.groups) >= 2
    ds.add_caption(doc, number, "Likert items, mean ± SD" + (" by group" if grouped else ""))
    kruskal = len(t.groups) > 2
    stat = "H" if kruskal else "U"
    effect = "ε²" if kruskal else "r"
    tail_labels = [stat, "p", effect] if grouped else []
    tail_widths = [1.3, 1.6, 1.5] if grouped else []
    header = ["Item", *headings(t), *tail_labels]
    data_cols = 1 + len(t.groups)
    widths = _widths(doc, 5.0 if grouped else 6.0, data_cols, tail_widths)
    table = ds.add_table(doc, header, widths)
    for i in range(1, len(header)):
        table.rows[0].cells[i].paragraphs[0].alignment = 1
    if grouped:
        ds.set_cell_text(
            table.rows[0].cells[len(header) - 3], stat, bold=True, italic=True, align="center"
        )
        ds.set_cell_text(
            table.rows[0].cells[len(header) - 2], "p", bold=True, italic=True, align="center"
        )
        if not kruskal:
            ds.set_cell_text(
                table.rows[0].cells[len(header) - 1], effect, bold=True, italic=True, align="center"
            )
    methods = t.likert_methods
    marks = {m: SUPERSCRIPTS[i] for i, m in enumerate(methods)} if len(methods) > 1 else {}
    missing_parts: list[str] = []
    untested: list[str] = []
    for r in t.likert:
        row = table.add_row()
        ds.set_cant_split(row)
        ds.set_cell_text(row.cells[0], r.item)
        ds.set_cell_text(row.cells[1], fmt_mean_sd(r.total), align="center")
        for i, g in enumerate(t.groups, start=2):
            ds.set_cell_text(row.cells[i], fmt_mean_sd(r.groups[g]), align="center")
        if grouped:
            test = r.test
            base = data_cols + 1
            ds.set_cell_text(row.cells[base], fmt_statistic(test.statistic), align="center")
            p_par = ds.set_cell_text(
                row.cells[base + 1], fmt_p(test.p, t.p_decimals), align="center"
            )
            if test.computed and marks:
                sup = p_par.add_run(marks[test_note(test)])
                sup.font.superscript = True
            ds.set_cell_text(row.cells[base + 2], fmt_effect(test.effect_size), align="center")
            if not test.computed:
                untested.append(f"{r.item} ({test.reason})")
        if r.total.missing:
            likert_missing: dict[str | None, int] = {g: d.missing for g, d in r.groups.items()}
            likert_missing[None] = r.total.missing
            missing_parts.append(f"{r.item}, {_missing_phrase(likert_missing, t)}")
    ds.fit_columns(doc, table)
    keep_together(table)
    ds.add_note(doc, _likert_note(t, marks, untested, missing_parts))
    return table


def _likert_note(
    t: SurveyTables, marks: dict[str, str], untested: list[str], missing_parts: list[str]
) -> str:
    """The note under the Likert table: scale, tests (with their marks), effect sizes,
    items not tested, missing answers."""
    grouped = len(t.groups) >= 2
    methods = t.likert_methods
    scales = {(r.scale_min, r.scale_max) for r in t.likert if r.scale_min is not None}
    unknown = [r.item for r in t.likert if r.scale_min is None]
    note = "Values are mean ± SD"
    if len(scales) == 1 and not unknown:
        lo, hi = next(iter(scales))
        note += f" on a {lo}–{hi} scale"
    elif scales:
        note += (
            " (scales: "
            + "; ".join(
                f"{r.item} {r.scale_min}–{r.scale_max}" for r in t.likert if r.scale_min is not None
            )
            + ")"
        )
    note += "; a cell with one answer shows the value and n = 1."
    if unknown:
        note += f" The scale of {_list(unknown)} was not stated in the file or at import."
    if grouped:
        if len(methods) == 1:
            note += f" p: {methods[0]}."
        elif methods:
            note += " p: " + "; ".join(f"{marks[m]} {m}" for m in methods) + "."
        if len(t.groups) > 2:
            note += " ε² = H/(N − 1)."
        else:
            first, second = t.label(t.groups[0]), t.label(t.groups[1])
            note += (
                f" U is the smaller of U₁ ({first}) and U₂ ({second}), as SPSS reports the "
                f"Mann–Whitney U; R's wilcox.test(answer ~ group) reports W = U₁ (both are in "
                f"the Excel and JSON output). r is the rank-biserial correlation 1 − 2U₁/(n₁·n₂) "
                f"(r > 0: {second} answered higher)."
            )
        note += " p-values are not adjusted for multiple comparisons."
        if untested:
            note += " Not tested: " + "; ".join(untested) + "."
    if missing_parts:
        note += " Missing answers were excluded per item: " + "; ".join(missing_parts) + "."
    return note + _ungrouped_note(t) + t.responses_note()


def add_codes_table(doc: DocxDocument, t: SurveyTables, number: int) -> Table | None:
    c = t.codes
    if c is None:
        return None
    ds.add_caption(doc, number, "Themes raised in the open-ended answers, n (%) of respondents")
    two = len(t.groups) == 2
    header = [
        "Code",
        column_heading("Total", c.denominators[None]),
        *[column_heading(t.label(g), c.denominators[g]) for g in t.groups],
        *(["p"] if two else []),
    ]
    widths = _widths(doc, 6.0, 1 + len(t.groups), [1.5] if two else [])
    table = ds.add_table(doc, header, widths)
    for i in range(1, len(header)):
        table.rows[0].cells[i].paragraphs[0].alignment = 1
    if two:
        ds.set_cell_text(table.rows[0].cells[-1], "p", bold=True, italic=True, align="center")
    for r in c.rows:
        row = table.add_row()
        ds.set_cant_split(row)
        ds.set_cell_text(row.cells[0], r.name, bold=r.depth == 0)
        _set_indent(row.cells[0], OPTION_INDENT_CM * r.depth)
        ds.set_cell_text(
            row.cells[1],
            fmt_n_percent(r.total.n, r.total.denominator, t.percent_decimals),
            align="center",
        )
        for i, g in enumerate(t.groups, start=2):
            cc = r.groups[g]
            ds.set_cell_text(
                row.cells[i],
                fmt_n_percent(cc.n, cc.denominator, t.percent_decimals),
                align="center",
            )
        if two:
            ds.set_cell_text(row.cells[-1], fmt_p(r.p, t.p_decimals), align="center")
    ds.fit_columns(doc, table)
    note = (
        "Denominators are the respondents who gave at least one open-ended answer "
        f"({', '.join(c.items)}). A respondent counts once per code; a code counts its "
        "sub-codes."
    )
    if two:
        note += (
            " p: two-sided Fisher's exact test per code (group × raised), as R's fisher.test; "
            "not adjusted for multiple comparisons."
        )
    note += t.coders_note() + t.responses_note()
    review = filter_sentence(t.reviewed, t.not_reviewed)
    if review:
        note += " " + review
    keep_together(table)
    ds.add_note(doc, note)
    return table


def keep_together(table: Table, max_rows: int = 30) -> None:
    """Keep a short table on one page, with its note (every row kept with the next); a
    longer one keeps at least its last row with the note."""
    if len(table.rows) > max_rows:
        ds.keep_with_note(table)
        return
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


#: More groups than this and the tables are set on landscape pages.
PORTRAIT_MAX_GROUPS = 3


def build_document(t: SurveyTables, *, first_number: int = 1) -> DocxDocument:
    doc = ds.new_document(landscape=len(t.groups) > PORTRAIT_MAX_GROUPS)
    number = first_number
    if t.single:
        add_frequency_table(doc, t, t.single, number, "Single-choice items, n (%) of respondents")
        number += 1
    if t.multiple:
        add_frequency_table(
            doc, t, t.multiple, number, "Multiple-response items, n (%) of respondents"
        )
        number += 1
    if t.likert:
        add_likert_table(doc, t, number)
        number += 1
    if t.codes is not None:
        add_codes_table(doc, t, number)
    if not (t.frequencies or t.likert or t.codes):
        p = doc.add_paragraph("The chosen items have no closed answers to tabulate.")
        p.runs[0].font.size = Pt(ds.FONT_SIZE)
    return doc


def write_survey_docx(t: SurveyTables, path: Path, *, first_number: int = 1) -> None:
    """Write the survey tables to ``path`` (completely or not at all)."""
    ds.save(build_document(t, first_number=first_number), Path(path))
