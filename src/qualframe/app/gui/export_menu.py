"""The Export menu: theme matrix, codebook report and survey tables, all written off the
GUI thread and atomically (a failed export never leaves a half-written file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from qualframe.app.gui.dialogs.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export

if TYPE_CHECKING:
    from qualframe.app.gui.main_window import MainWindow


def fill_export_menu(w: MainWindow, menu: QMenu) -> None:
    def matrix() -> None:
        w.tabs.setCurrentWidget(w.matrix_view)
        w.matrix_view.choose_and_export()

    def survey(fmt: str) -> None:
        w.tabs.setCurrentWidget(w.survey_view)
        w.survey_view.choose_and_export(fmt)

    menu.addAction(
        "&Theme matrix (Word, Excel, CSV, Markdown)…", QKeySequence("Ctrl+Shift+E"), matrix
    )
    menu.addAction("&Codebook report (Word, Excel)…", lambda: export_codebook(w))
    menu.addSeparator()
    menu.addAction("&Survey tables (Word)…", lambda: survey("docx"))
    menu.addAction("Survey tables (&Excel)…", lambda: survey("xlsx"))
    menu.addAction("Survey tables (&JSON)…", lambda: survey("json"))


def export_codebook(w: MainWindow) -> bool:
    from qualframe.coding.export.codebook_report import export_codebook as write

    start = str(Path(w.project.path or Path.home()).with_name("codebook.docx"))
    name, _ = ask_save_path(
        w, "Export codebook report", start, "Word document (*.docx);;Excel workbook (*.xlsx)"
    )
    if not name:
        return False
    path = Path(name)
    if path.suffix.lower() not in (".docx", ".xlsx"):
        path = path.with_suffix(".docx")

    def work(progress: Progress) -> None:
        progress(0, 1, path.name)
        write(w.project, path)
        progress(1, 1, path.name)

    if not run_export(w, "Exporting the codebook", work):
        return False
    w.report(f"Exported {path.name}.")
    return True
