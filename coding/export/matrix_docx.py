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

from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table

from coding.errors import UserError
from coding.export import docx_style as ds
from coding.matrix import ThemeMatrix, cell_lines, default_title, level_name, matrix_note

EMPTY_CELL = "–"
LEAD_COLUMN_CM = 3.4
MIN_GROUP_COLUMN_CM = 3.0


def use_landscape(matrix: ThemeMatrix, landscape: bool | None = None) -> bool:
    """Landscape when asked, else automatically for more than three group columns."""
    if landscape is not None:
        return landscape
    return len(matrix.groups) > 3


def column_widths(total_cm: float, lead_columns: int, groups: int) -> list[float]:
    """Lead (theme/category) columns of a fixed width; the groups share the rest equally."""
    lead = LEAD_COLUMN_CM if groups > 1 else LEAD_COLUMN_CM + 1.0
    lead = min(lead, total_cm * 0.3 / max(1, lead_columns))
    rest = total_cm - lead * lead_columns
    each = rest / max(1, groups)
    if groups and each < MIN_GROUP_COLUMN_CM:  # very many groups: shrink the lead columns
        lead = max(2.0, (total_cm - MIN_GROUP_COLUMN_CM * groups) / max(1, lead_columns))
        each = (total_cm - lead * lead_columns) / groups
    return [lead] * lead_columns + [each] * groups


def add_matrix_table(
    doc: DocxDocument, matrix: ThemeMatrix, *, title: str | None = None, number: int = 1
) -> Table:
    """Append caption, table and note for ``matrix`` to ``doc``; returns the table."""
    if not matrix.groups:
        raise UserError(
            f'No participant has a value for "{matrix.attribute}", so the matrix has no columns.'
        )
    level = matrix.options.rows_level
    lead = level + 1
    header = [level_name(i) for i in range(lead)] + [g.header for g in matrix.groups]
    ds.add_caption(doc, number, title or default_title(matrix))
    widths = column_widths(ds.usable_width_cm(doc), lead, len(matrix.groups))
    table = ds.add_table(doc, header, widths)
    counts = matrix.options.counts

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
    ds.set_widths(table, widths)

    # Ancestor columns: merge consecutive rows that share the same ancestor.
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
            start = end + 1

    ds.add_note(doc, matrix_note(matrix))
    return table


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
