"""Telling the analyst what an export or import wrote, and where, with buttons to open it.

The note is a non-blocking message box (the work is done; nothing waits for an answer):
"Saved the theme matrix (Word, 43 KB) to /home/…/study-theme-matrix.docx", with **Open**
(the file, in the program the desktop uses for it), **Show folder** and **Close**. Files are
opened through ``QDesktopServices`` (a test can route ``file`` URLs to a handler of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

KINDS = {".docx": "Word", ".xlsx": "Excel", ".csv": "CSV", ".md": "Markdown", ".json": "JSON"}


def size_text(path: Path) -> str:
    try:
        n = path.stat().st_size
    except OSError:
        return "size unknown"
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _box(parent: QWidget | None, title: str, text: str, detail: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setObjectName("written_box")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if detail:
        box.setInformativeText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def tell_file_written(parent: QWidget | None, what: str, path: Path) -> QMessageBox:
    """Say that ``what`` (e.g. "the theme matrix") was saved to ``path``; Open / Show folder."""
    kind = KINDS.get(path.suffix.lower(), path.suffix.lstrip(".").upper() or "file")
    box = _box(
        parent,
        "Export finished",
        f"Saved {what} ({kind}, {size_text(path)}) to {path}",
        "Open it, or show the folder it is in.",
    )
    open_btn = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    folder_btn = box.addButton("Show folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    open_btn.clicked.connect(lambda: open_path(path))
    folder_btn.clicked.connect(lambda: open_path(path.parent))
    box.open()
    return box


def tell_imported(
    parent: QWidget | None,
    names: list[str],
    project_path: Path | None,
    open_first: Callable[[], object] | None,
) -> QMessageBox:
    """Say which documents an import added to which project; **Open** shows the first."""
    where = str(project_path) if project_path else "the project"
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    n = len(names)
    box = _box(
        parent,
        "Import finished",
        f"Imported {n} document{'s' if n != 1 else ''} into {where}: {listed}",
        "They are in the navigator; every change is already saved in the project file.",
    )
    if open_first is not None and names:
        btn = box.addButton(f"Open {names[0]}", QMessageBox.ButtonRole.AcceptRole)
        btn.clicked.connect(open_first)
    if project_path is not None:
        folder = box.addButton("Show folder", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: open_path(project_path.parent))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box
