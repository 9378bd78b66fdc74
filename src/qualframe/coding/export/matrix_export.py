"""Writing the theme matrix to a file: the format follows the file name's extension (Word,
Excel, CSV long form, Markdown). The computation lives in :mod:`coding.analysis.matrix`; this
module only chooses the writer, so analysis never imports export."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.analysis.matrix import (
    MatrixOptions,
    ThemeMatrix,
    build_matrix,
    matrix_segments,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export.matrix_csv import write_matrix_csv
from qualframe.coding.export.matrix_docx import write_matrix_docx
from qualframe.coding.export.matrix_md import write_matrix_md
from qualframe.coding.export.matrix_xlsx import write_matrix_xlsx

EXPORT_SUFFIXES = (".docx", ".xlsx", ".csv", ".md")


def check_export_path(path: Path) -> str:
    """The suffix of ``path`` if the matrix can be written in that format (else one
    sentence)."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UserError(
            f"Cannot write {Path(path).name}: the matrix can be saved as .docx, .xlsx, .csv or .md."
        )
    return suffix


def export_matrix(
    project: Project,
    options: MatrixOptions,
    path: Path,
    *,
    title: str | None = None,
    number: int = 1,
    landscape: bool | None = None,
) -> ThemeMatrix:
    """Compute the matrix and write it in the format the file name's extension names (the
    CSV and the Excel "Segments" sheet list the segments left out too, with the reason)."""
    path = Path(path)
    suffix = check_export_path(path)
    matrix = build_matrix(project, options)
    if not matrix.groups:
        raise UserError(
            f'No participant has a value for "{matrix.attribute}", so the matrix has no columns.'
        )
    if suffix == ".docx":
        write_matrix_docx(matrix, path, title=title, number=number, landscape=landscape)
    elif suffix == ".md":
        write_matrix_md(matrix, path, title=title, number=number)
    else:
        segments = matrix_segments(project, options, include_left_out=True)
        if suffix == ".xlsx":
            write_matrix_xlsx(matrix, segments, path, title=title, number=number)
        else:
            write_matrix_csv(matrix, segments, path)
    return matrix
