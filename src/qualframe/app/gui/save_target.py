"""The save dialog every export and copy uses: it never accepts a project or its working
files as the target (the same rule as the exporters, ``coding.export.atomic``), and says why
in one sentence before asking again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from qualframe.coding.export.atomic import check_target
from qualframe.storage.errors import ProjectError

Check = Callable[[Path], None]


def ask_save_path(
    parent: QWidget | None,
    title: str,
    start: str,
    filters: str,
    *,
    check: Check = check_target,
) -> tuple[str, str]:
    """Like ``QFileDialog.getSaveFileName``; a refused target is explained and the dialog
    opens again on it. Returns ``("", "")`` when the user cancels."""
    while True:
        name, chosen = QFileDialog.getSaveFileName(parent, title, start, filters)
        if not name:
            return "", ""
        try:
            check(Path(name))
        except ProjectError as exc:
            QMessageBox.warning(parent, "Qualframe", str(exc))
            start = name
            continue
        return name, chosen
