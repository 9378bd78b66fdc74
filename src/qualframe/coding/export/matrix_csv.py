"""The theme matrix in the long form (one row per segment), as CSV.

The same rows make the "Segments" sheet of the Excel export: theme, category, code (one
column per codebook level), group, participant, document, quote, coder, and "Left out". The
segments the matrix counts come first, the "Left out" column empty; then every other segment
of the chosen coders and documents, with the reason it is not counted (interviewer speech,
outside any participant's turn, no value for the attribute, …) and an empty Group, so a pivot
table shows them apart and nothing is dropped without a word. Every text value passes through
:func:`coding.export.safe_cells.neutralise`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from qualframe.coding.analysis.matrix import (
    MatrixSegment,
    ThemeMatrix,
    left_out_reason,
    level_name,
)
from qualframe.coding.export.atomic import write_atomically
from qualframe.coding.export.safe_cells import neutralise

TAIL_COLUMNS = ("Group", "Participant", "Document", "Quote", "Coder", "Left out")


def long_header(matrix: ThemeMatrix) -> list[str]:
    return [level_name(i) for i in range(matrix.max_depth + 1)] + list(TAIL_COLUMNS)


def long_rows(matrix: ThemeMatrix, segments: Sequence[MatrixSegment]) -> list[list[str]]:
    """The long form as neutralised strings, in the order of ``segments``."""
    depth = matrix.max_depth + 1
    labels = {g.value: g.label for g in matrix.groups}
    out = []
    for seg in segments:
        levels = list(seg.path[:depth]) + [""] * (depth - len(seg.path[:depth]))
        row = [
            *levels,
            "" if seg.left_out else labels.get(seg.group, seg.group),
            seg.participant,
            seg.document,
            seg.quote,
            seg.coder,
            left_out_reason(matrix, seg.left_out) if seg.left_out else "",
        ]
        out.append([neutralise(v) for v in row])
    return out


def write_matrix_csv(matrix: ThemeMatrix, segments: Sequence[MatrixSegment], path: Path) -> None:
    """Write the long form as UTF-8 CSV with a byte-order mark (so Excel reads it right)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(long_header(matrix))
    writer.writerows(long_rows(matrix, segments))
    data = buf.getvalue().encode("utf-8-sig")

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomically(Path(path), write)
