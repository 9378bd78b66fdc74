"""The theme matrix as an Excel workbook (openpyxl).

Sheet "Matrix": title, header row with each group's N, one row per theme, each cell the
bullet lines (``- category``, ``· code``, quotes) with wrapped text, header and lead columns
frozen, the note below (with how many segments were left out and why). Sheet "Segments":
the long form for pivot tables, with an autofilter: the counted segments, then those left
out with the reason in the "Left out" column. Every text cell is neutralised against formula
injection.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qualframe.coding.analysis.matrix import (
    MatrixSegment,
    ThemeMatrix,
    cell_text,
    default_title,
    level_name,
    matrix_note,
)
from qualframe.coding.export.atomic import write_atomically
from qualframe.coding.export.matrix_csv import long_header, long_rows
from qualframe.coding.export.safe_cells import neutralise

HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
LEAD_WIDTH = 28
GROUP_WIDTH = 60
LINE_HEIGHT_PT = 15
WRAP = Alignment(wrap_text=True, vertical="top")

#: Row of the header in the "Matrix" sheet (row 1 holds the caption).
HEADER_ROW = 2


def _lines_needed(text: str, width_chars: int) -> int:
    return sum(max(1, math.ceil(len(line) / max(1, width_chars))) for line in text.split("\n"))


def fill_matrix_sheet(ws: Worksheet, matrix: ThemeMatrix, title: str, number: int) -> None:
    level = matrix.options.rows_level
    lead = level + 1
    header = [level_name(i) for i in range(lead)] + [g.header for g in matrix.groups]
    ws.cell(row=1, column=1, value=neutralise(f"Table {number}. {title}")).font = Font(bold=True)
    for col, text in enumerate(header, start=1):
        c = ws.cell(row=HEADER_ROW, column=col, value=neutralise(text))
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = WRAP
        ws.column_dimensions[get_column_letter(col)].width = (
            LEAD_WIDTH if col <= lead else GROUP_WIDTH
        )
    r = HEADER_ROW
    for row in matrix.rows:
        r += 1
        height = 1
        for i, text in enumerate([*row.ancestors, row.name]):
            c = ws.cell(row=r, column=i + 1, value=neutralise(text))
            c.alignment = WRAP
            c.font = Font(bold=(i == 0))
            height = max(height, _lines_needed(text, LEAD_WIDTH))
        for j, cell in enumerate(row.cells):
            text = cell_text(cell, matrix.options.counts) or "–"
            c = ws.cell(row=r, column=lead + j + 1, value=neutralise(text))
            c.alignment = WRAP
            height = max(height, _lines_needed(text, GROUP_WIDTH - 4))
        ws.row_dimensions[r].height = min(409, LINE_HEIGHT_PT * height)
    note = ws.cell(row=r + 2, column=1, value=neutralise("Note. " + matrix_note(matrix)))
    note.alignment = WRAP
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=len(header))
    total_width = LEAD_WIDTH * lead + GROUP_WIDTH * len(matrix.groups)
    ws.row_dimensions[r + 2].height = LINE_HEIGHT_PT * _lines_needed(note.value, total_width)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=lead + 1).coordinate


def fill_segments_sheet(
    ws: Worksheet, matrix: ThemeMatrix, segments: Sequence[MatrixSegment]
) -> None:
    header = long_header(matrix)
    ws.append([neutralise(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
    for row in long_rows(matrix, segments):
        ws.append(row)
    widths = {"Quote": 80, "Document": 24, "Participant": 14, "Group": 14, "Coder": 14,
              "Left out": 30}  # fmt: skip
    for col, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(name, 30)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(segments) + 1)}"


def write_matrix_xlsx(
    matrix: ThemeMatrix,
    segments: Sequence[MatrixSegment],
    path: Path,
    *,
    title: str | None = None,
    number: int = 1,
) -> None:
    """Write the workbook (completely or not at all)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Matrix"
    fill_matrix_sheet(ws, matrix, title or default_title(matrix), number)
    fill_segments_sheet(wb.create_sheet("Segments"), matrix, segments)
    write_atomically(Path(path), wb.save)
