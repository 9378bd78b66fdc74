"""The theme matrix as a Markdown table (bullets as ``<br>``-separated lines)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from qualframe.coding.analysis.matrix import (
    BULLET_GLYPHS,
    ThemeMatrix,
    cell_lines,
    default_title,
    level_name,
    matrix_note,
)
from qualframe.coding.export.atomic import write_atomically

NBSP = "\u00a0"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def matrix_markdown(matrix: ThemeMatrix, *, title: str | None = None, number: int = 1) -> str:
    level = matrix.options.rows_level
    header = [level_name(i) for i in range(level + 1)] + [g.header for g in matrix.groups]
    lines = [f"**Table {number}.** {_escape(title or default_title(matrix))}", ""]
    lines.append("| " + " | ".join(_escape(h) for h in header) + " |")
    lines.append("|" + "---|" * len(header))
    for row in matrix.rows:
        cells = [f"**{_escape(row.path[0])}**", *(_escape(p) for p in row.path[1:])]
        for cell in row.cells:
            parts = []
            for line in cell_lines(cell, matrix.options.counts):
                glyph = BULLET_GLYPHS[min(line.level, len(BULLET_GLYPHS) - 1)]
                text = _escape(line.text)
                if line.kind == "quote":
                    text = f"*{text}*"
                parts.append(f"{NBSP * 3 * line.level}{glyph} {text}")
            cells.append("<br>".join(parts) if parts else "–")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"*Note.* {_escape(matrix_note(matrix))}", ""]
    return "\n".join(lines)


def write_matrix_md(
    matrix: ThemeMatrix, path: Path, *, title: str | None = None, number: int = 1
) -> None:
    data = matrix_markdown(matrix, title=title, number=number).encode("utf-8")

    def writer(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomically(Path(path), writer)
