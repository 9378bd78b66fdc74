"""Exporting the theme matrix as shown: choose a file (Word, Excel, CSV or Markdown), then
write it off the GUI thread with exactly the options on screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.coding.analysis.matrix import MatrixOptions
from qualframe.coding.core.project import Project
from qualframe.coding.export.matrix_export import export_matrix

EXPORT_FILTERS = {
    ".docx": "Word document (*.docx)",
    ".xlsx": "Excel workbook (*.xlsx)",
    ".csv": "CSV, long form (*.csv)",
    ".md": "Markdown (*.md)",
}


def ask_export_path(parent: QWidget, project: Project) -> Path | None:
    """The file to write, with the suffix of the chosen type when the name has none."""
    base = Path(project.path or Path.home() / "project")
    start = str(base.with_name(f"{base.stem}-theme-matrix.docx"))
    filters = ";;".join(EXPORT_FILTERS.values())
    path, chosen = ask_save_path(parent, "Export theme matrix", start, filters)
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() not in EXPORT_FILTERS:
        suffix = next((s for s, f in EXPORT_FILTERS.items() if f == chosen), ".docx")
        out = out.with_name(out.name + suffix)
    return out


def export_to(parent: QWidget, project: Project, options: MatrixOptions, path: Path) -> bool:
    """Write the matrix to ``path``; False when cancelled or refused (the reason is shown)."""

    def work(progress: Progress) -> None:
        progress(0, 1, path.name)
        export_matrix(project, options, path)
        progress(1, 1, path.name)

    return run_export(parent, "Exporting the theme matrix", work)
