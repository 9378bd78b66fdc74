"""The Export menu: theme matrix, codebook report and survey tables, all written off the
GUI thread and atomically (a failed export never leaves a half-written file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.dialogs.written import tell_file_written
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.app.gui.views.matrix import MatrixView
from qualframe.app.gui.views.survey_view import SurveyView
from qualframe.coding.core.project import Project


def fill_export_menu(
    menu: QMenu,
    parent: QWidget,
    project: Project,
    report: Callable[[str], None],
    show: Callable[[QWidget], None],
    matrix_view: MatrixView,
    survey_view: SurveyView,
    scope: CoderScope | None = None,
) -> None:
    """Fill ``menu``; ``show`` brings a view's tab to the front before its export. While
    ``scope`` is blind the codebook report counts and quotes its coder's segments only."""

    def matrix() -> None:
        show(matrix_view)
        matrix_view.choose_and_export()

    def survey(fmt: str) -> None:
        show(survey_view)
        survey_view.choose_and_export(fmt)

    menu.addAction(
        "&Theme matrix (Word, Excel, CSV, Markdown)…", QKeySequence("Ctrl+Shift+E"), matrix
    )

    def codebook() -> None:
        blind = scope is not None and scope.blind
        export_codebook(parent, project, report, blind_coder=project.coder if blind else None)

    menu.addAction("&Codebook report (Word, Excel)…", codebook)
    menu.addSeparator()
    menu.addAction("&Survey tables (Word)…", lambda: survey("docx"))
    menu.addAction("Survey tables (&Excel)…", lambda: survey("xlsx"))
    menu.addAction("Survey tables (&JSON)…", lambda: survey("json"))


def export_codebook(
    parent: QWidget,
    project: Project,
    report: Callable[[str], None],
    *,
    blind_coder: str | None = None,
) -> bool:
    from qualframe.coding.export.codebook_report import export_codebook as write

    start = str(Path(project.path or Path.home()).with_name("codebook.docx"))
    name, _ = ask_save_path(
        parent, "Export codebook report", start, "Word document (*.docx);;Excel workbook (*.xlsx)"
    )
    if not name:
        return False
    path = Path(name)
    if path.suffix.lower() not in (".docx", ".xlsx"):
        path = path.with_suffix(".docx")

    def work(progress: Progress) -> None:
        progress(0, 1, path.name)
        write(project, path, blind_coder=blind_coder)
        progress(1, 1, path.name)

    if not run_export(parent, "Exporting the codebook", work):
        return False
    tell_file_written(parent, "the codebook report", path)
    return True
