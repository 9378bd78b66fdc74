"""Exchange with other QDA tools in the GUI: Export → REFI-QDA project (.qdpx) / codebook
(.qdc), and the REFI-QDA side of File → Import (a .qdpx into an empty project, a .qdc into
any project). The work is ``coding.exchange``'s; imports are undoable commands."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from qualframe.app.gui.coder_scope import CoderScope
from qualframe.app.gui.corpus import Corpus
from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Cancelled, Progress, run_export, run_with_progress
from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError


class MainWindow(Protocol):
    """What these actions need of the window (the main window has it; no import of it, so
    no import cycle)."""

    project: Project
    corpus: Corpus
    coder_scope: CoderScope
    last_report: str

    def push(self, command: Command, long_title: str | None = None) -> bool: ...
    def report(self, message: str) -> None: ...
    def hint(self, message: str) -> None: ...
    def isVisible(self) -> bool: ...  # Qt's name


PROJECT_SUFFIXES = (".qdpx", ".qde")
CODEBOOK_SUFFIXES = (".qdc",)


def install(w: MainWindow, menu: QMenu) -> None:
    """Add the two REFI-QDA exports to ``menu`` (the window's Export menu)."""
    menu.addSeparator()
    a = menu.addAction(
        "REFI-QDA &project (.qdpx) for NVivo, ATLAS.ti, MAXQDA…", lambda: export_refi(w, ".qdpx")
    )
    a.setObjectName("export_refi_project")
    b = menu.addAction("REFI-QDA code&book (.qdc)…", lambda: export_refi(w, ".qdc"))
    b.setObjectName("export_refi_codebook")


def _widget(w: MainWindow) -> QWidget | None:
    return w if isinstance(w, QWidget) else None


def _tell(w: MainWindow, title: str, lines: list[str]) -> None:
    """Say what was written or imported (non-blocking), and keep it in the status bar."""
    w.hint(lines[-1] if len(lines) == 1 else lines[0])
    w.last_report = "\n".join(lines)
    if w.isVisible():
        box = QMessageBox(QMessageBox.Icon.Information, title, lines[0], parent=_widget(w))
        if len(lines) > 1:
            box.setInformativeText("\n".join(lines[1:]))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def export_refi(w: MainWindow, suffix: str, path: Path | None = None) -> bool:
    """Export the project (.qdpx) or its codebook (.qdc); asks for the file when ``path`` is
    None. Real names are replaced by pseudonyms (the command line's --real-names keeps them)."""
    from qualframe.coding.exchange.refi_export import export_codebook, export_project

    why = "a REFI-QDA project carries every coder's segments (the codebook alone, .qdc, does not)"
    if suffix == ".qdpx" and w.coder_scope.refused_while_blind(w.report, why):
        return False
    if path is None:
        what = "REFI-QDA project (*.qdpx)" if suffix == ".qdpx" else "REFI-QDA codebook (*.qdc)"
        base = Path(w.project.path or Path.home() / "project").with_suffix(suffix)
        name, _ = ask_save_path(_widget(w), "Export for other QDA tools", str(base), what)
        if not name:
            return False
        path = Path(name)
    if path.suffix.casefold() != suffix:
        path = path.with_name(path.name + suffix)
    lines: list[str] = []
    target = path

    def work(progress: Progress) -> None:
        if suffix == ".qdpx":
            report = export_project(w.project, target, progress=progress)
        else:
            report = export_codebook(w.project, target)
        lines.extend(report.lines())

    if not run_export(_widget(w), "Exporting for other QDA tools", work):
        return False
    _tell(w, "Exported", [*lines, f"Written to {path}."])
    return True


def handles(paths: list[Path]) -> bool:
    return any(Path(p).suffix.casefold() in PROJECT_SUFFIXES + CODEBOOK_SUFFIXES for p in paths)


def import_files(w: MainWindow, paths: list[Path], *, confirm: bool = True) -> bool:
    """Import REFI-QDA files (alone: not mixed with transcripts); True when imported."""
    paths = [Path(p) for p in paths]
    projects = [p for p in paths if p.suffix.casefold() in PROJECT_SUFFIXES]
    books = [p for p in paths if p.suffix.casefold() in CODEBOOK_SUFFIXES]
    if len(projects) + len(books) != len(paths) or len(projects) > 1 or (projects and books):
        w.report("Import a REFI-QDA project (.qdpx) or codebooks (.qdc) on their own.")
        return False
    if projects:
        return _import_project(w, projects[0], confirm)
    return all(_import_codebook(w, book) for book in books)


def _import_project(w: MainWindow, path: Path, confirm: bool) -> bool:
    from qualframe.coding.exchange.refi_import import prepare
    from qualframe.coding.exchange.refi_store import ImportProject

    try:
        plan = run_with_progress(
            _widget(w), f"Reading {path.name}", lambda progress: prepare(path, progress)
        )
    except Cancelled:
        return False
    except ProjectError as exc:
        w.report(str(exc))
        return False
    if confirm:
        m = plan.model
        text = (
            f"{path.name} comes from {m.origin or 'an unnamed tool'}: "
            f"{len(m.all_codes()):,} codes, {len(plan.sources):,} sources, "
            f"{sum(len(p.sel.codings) for s in plan.sources for p in s.selections):,} codings, "
            f"{len(m.cases):,} cases. Import it?"
        )
        box = QMessageBox(
            QMessageBox.Icon.Question, "Import REFI-QDA project", text, parent=_widget(w)
        )
        if plan.left_out or plan.warnings:
            box.setInformativeText(
                "\n".join([*(f"Not imported: {x}" for x in plan.left_out), *plan.warnings])
            )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
    command = ImportProject(plan)
    if not w.push(command, long_title=f"Importing {path.name}"):
        return False
    w.corpus.invalidate()
    assert command.report is not None
    _tell(w, "Imported", command.report.lines())
    return True


def _import_codebook(w: MainWindow, path: Path) -> bool:
    from qualframe.coding.exchange.qdc import ImportCodebook, read_qdc

    try:
        book = read_qdc(path)
    except ProjectError as exc:
        w.report(str(exc))
        return False
    command = ImportCodebook(book, path.name)
    if not w.push(command):
        return False
    assert command.report is not None
    _tell(w, "Imported", command.report.lines())
    return True
