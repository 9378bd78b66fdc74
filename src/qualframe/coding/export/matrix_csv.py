"""The theme matrix in the long form (one row per counted segment), as CSV.

The same rows make the "Segments" sheet of the Excel export: theme, category, code (one
column per codebook level), group, participant, document, quote, coder — ready for a pivot
table. Every text value passes through :func:`coding.safe_cells.neutralise`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from qualframe.coding.analysis.matrix import MatrixSegment, ThemeMatrix, level_name
from qualframe.coding.export.atomic import write_atomically
from qualframe.coding.export.safe_cells import neutralise

TAIL_COLUMNS = ("Group", "Participant", "Document", "Quote", "Coder")


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
            labels.get(seg.group, seg.group),
            seg.participant,
            seg.document,
            seg.quote,
            seg.coder,
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
