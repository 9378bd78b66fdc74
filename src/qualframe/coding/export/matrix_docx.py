"""The theme matrix as a journal-ready Word table (house style of ``docx_style``).

Layout: caption "Table N. Title" above; a real table whose first column holds the row code
(a theme by default; with a deeper row level the ancestors get their own columns, merged
down over their rows); one column per group headed "Mentees (n = 11)"; each cell lists the
categories and codes as real indented bullet paragraphs (level 0 ``-`` category, level 1
``·`` code), figures beside them, exemplar quotes as italic paragraphs one level deeper; the
header row repeats on every page; a note under the table gives N per group and the counting
rule. Portrait for up to three group columns, landscape beyond (or on request).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.table import Table

from qualframe.coding.analysis.matrix import (
    ThemeMatrix,
    cell_lines,
    default_title,
    empty_sentence,
    level_name,
    matrix_note,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.export import docx_style as ds

EMPTY_CELL = "–"
LEAD_COLUMN_CM = 3.4
MIN_GROUP_COLUMN_CM = 3.0
SMALL_FONT_SIZE = 8
SMALL_FONT_BELOW_CM = 2.6  # group columns narrower than this get the small font


def use_landscape(matrix: ThemeMatrix, landscape: bool | None = None) -> bool:
    """Landscape when asked, else automatically for more than three group columns."""
    if landscape is not None:
        return landscape
    return len(matrix.groups) > 3


def column_widths(
    total_cm: float,
    lead_columns: int,
    groups: int,
    lead_words_cm: Sequence[float] = (),
) -> list[float]:
    """Lead (theme/category) columns of a fixed width, widened so that their longest word
    (``lead_words_cm``, one per lead column) is never broken; the groups share the rest."""
    base = LEAD_COLUMN_CM if groups > 1 else LEAD_COLUMN_CM + 1.0
    base = min(base, total_cm * 0.3 / max(1, lead_columns))
    need = list(lead_words_cm) + [0.0] * (lead_columns - len(lead_words_cm))
    lead = [max(base, n) for n in need[:lead_columns]]
    each = (total_cm - sum(lead)) / max(1, groups)
    if groups and each < MIN_GROUP_COLUMN_CM:  # very many groups: shrink the lead columns
        spare = sum(lead) - (total_cm - MIN_GROUP_COLUMN_CM * groups)
        lead = [max(n, 2.0, w - spare / lead_columns) for w, n in zip(lead, need, strict=True)]
        each = (total_cm - sum(lead)) / groups
    return lead + [each] * groups


def table_font_size(group_width_cm: float) -> float:
    """10 pt, or 8 pt when the group columns are narrower than a long word at 10 pt."""
    return ds.FONT_SIZE if group_width_cm >= SMALL_FONT_BELOW_CM else SMALL_FONT_SIZE


def group_blocks(total_cm: float, lead_cm: float, groups: int) -> list[range]:
    """The group columns split into blocks of nearly equal size that each fit the page at
    :data:`MIN_GROUP_COLUMN_CM` or more (one block when they all fit)."""
    per_table = max(1, int((total_cm - lead_cm) // MIN_GROUP_COLUMN_CM))
    blocks = max(1, math.ceil(groups / per_table))
    size = math.ceil(groups / blocks)
    return [range(i, min(i + size, groups)) for i in range(0, groups, size)]


def add_matrix_table(
    doc: DocxDocument, matrix: ThemeMatrix, *, title: str | None = None, number: int = 1
) -> Table:
    """Append caption, table and note for ``matrix`` to ``doc``; returns the (last) table.

    With more groups than fit across the page, the groups are split into blocks, each a
    table with the same rows under the caption "Table N (continued)", the note under the
    last one."""
    if not matrix.groups:
        raise UserError(
            f'No participant has a value for "{matrix.attribute}", so the matrix has no columns.'
        )
    lead = matrix.options.rows_level + 1
    lead_cm = LEAD_COLUMN_CM * lead
    blocks = group_blocks(ds.usable_width_cm(doc), min(lead_cm, 0.3 * ds.usable_width_cm(doc)),
                          len(matrix.groups))  # fmt: skip
    table: Table | None = None
    for k, block in enumerate(blocks):
        part = replace(
            matrix,
            groups=tuple(matrix.groups[i] for i in block),
            rows=tuple(replace(r, cells=tuple(r.cells[i] for i in block)) for r in matrix.rows),
        )
        last = k == len(blocks) - 1
        table = _add_block(
            doc, part, title=title, number=number, continued=k > 0, note=matrix if last else None
        )
    assert table is not None
    return table


def _add_block(
    doc: DocxDocument,
    matrix: ThemeMatrix,
    *,
    title: str | None,
    number: int,
    continued: bool,
    note: ThemeMatrix | None,
) -> Table:
    level = matrix.options.rows_level
    lead = level + 1
    header = [level_name(i) for i in range(lead)] + [g.header for g in matrix.groups]
    caption = ds.add_caption(doc, number, title or default_title(matrix))
    if continued:
        caption.runs[0].text = f"Table {number} (continued)."
        caption.paragraph_format.page_break_before = True
    words = [
        ds.longest_word_cm([r.path[i] for r in matrix.rows] + [header[i]], bold=True)
        for i in range(lead)
    ]
    widths = column_widths(ds.usable_width_cm(doc), lead, len(matrix.groups), words)
    table = ds.add_table(doc, header, widths)
    counts = matrix.options.counts

    _fill_rows(table, matrix, lead, counts)
    ds.set_widths(table, widths)
    size = table_font_size(widths[-1])
    if size != ds.FONT_SIZE:
        ds.set_table_font_size(table, size)
    ds.keep_rows_whole(doc, table, widths, size)
    _merge_ancestors(table, matrix, level, size)
    if note is not None:
        ds.keep_with_note(table)
        text = matrix_note(note)
        if not matrix.rows:  # the table's own row already says why it is empty
            text = text.removeprefix(empty_sentence(matrix) + " ")
        ds.add_note(doc, text)
    return table


def _fill_rows(table: Table, matrix: ThemeMatrix, lead: int, counts: frozenset[str]) -> None:
    """One table row per matrix row: the lead columns (ancestors, row code), then each
    group's cell as bullet paragraphs, "–" when empty."""
    if not matrix.rows:  # one row across the table saying why it is empty
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        ds.set_cell_text(merged, empty_sentence(matrix), italic=True)
    for row in matrix.rows:
        cells = table.add_row().cells
        labels = [*row.ancestors, row.name]
        for i, text in enumerate(labels):
            ds.set_cell_text(cells[i], text, bold=(i == 0))
        for j, cell in enumerate(row.cells):
            target = cells[lead + j]
            lines = cell_lines(cell, counts)
            if not lines:
                p = ds.set_cell_text(target, EMPTY_CELL)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                continue
            for line in lines:
                ds.add_bullet(target, line.text, line.level, italic=line.kind == "quote")


def _merge_ancestors(table: Table, matrix: ThemeMatrix, level: int, size: float) -> None:
    """Ancestor columns: merge consecutive rows that share the same ancestor."""
    for col in range(level):
        start = 0
        while start < len(matrix.rows):
            key = matrix.rows[start].path[: col + 1]
            end = start
            while end + 1 < len(matrix.rows) and matrix.rows[end + 1].path[: col + 1] == key:
                end += 1
            if end > start:
                top = ds.merge_down(table, col, start + 1, end + 1)
                ds.set_cell_text(top, key[-1], bold=(col == 0))
                if size != ds.FONT_SIZE:
                    for run in top.paragraphs[0].runs:
                        run.font.size = Pt(size)
            start = end + 1


def write_matrix_docx(
    matrix: ThemeMatrix,
    path: Path,
    *,
    title: str | None = None,
    number: int = 1,
    landscape: bool | None = None,
) -> None:
    """Write the matrix as a Word document (completely or not at all)."""
    doc = ds.new_document(landscape=use_landscape(matrix, landscape))
    # The blank first paragraph python-docx starts with would push the caption down.
    body = doc.element.body
    for p in list(doc.paragraphs):
        if not p.text:
            body.remove(p._element)
    add_matrix_table(doc, matrix, title=title, number=number)
    ds.save(doc, Path(path))
