"""Keeping the project file whole while the app is open, copies and backups.

* :class:`FileKeeper` folds the write-ahead log back into the project file once the
  analyst has paused (a few seconds after the last change), so that a plain copy of the
  ``.qualframe`` file (``cp``, a file manager, an e-mail) is always a whole project; closing
  the project does it too. It also makes the day's automatic backup when the app is idle.
* **File → Save a copy…** and **File → Back up now**: SQLite's online backup, written under a
  temporary name, verified by opening it, then renamed (``coding.core.backups``).
* :class:`RestoreDialog` (from the welcome screen) lists the automatic backups of the recent
  projects and restores one as a new project beside the original.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qualframe.app.gui.save_target import ask_save_path
from qualframe.app.gui.tasks import Progress, run_export
from qualframe.coding.core.backups import (
    KEEP,
    backup_folder,
    backup_is_due,
    list_backups,
    make_backup,
    restore_backup,
)
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError
from qualframe.storage.protect import refuse_protected

# The main window is passed in as ``w``: a widget offering the Workbench protocol (project,
# changed, report, hint); typed Any because dialogs may not import the shell.

#: Quiet time after the last change before the log is folded into the file.
IDLE_MS = 3000
#: The automatic backup waits until the window has been idle this long after opening.
BACKUP_DELAY_MS = 20_000


class FileKeeper(QObject):
    """Checkpoints the WAL when the analyst pauses; makes the daily backup when idle."""

    def __init__(self, project: Project, parent: QObject, report: Callable[[str], None]):
        super().__init__(parent)
        self.project = project
        self.report = report
        self.checkpoints = 0
        self.last_backup: Path | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self.on_idle)
        self._backup = QTimer(self)
        self._backup.setSingleShot(True)
        self._backup.setInterval(BACKUP_DELAY_MS)
        self._backup.timeout.connect(self.daily_backup)
        if not project.read_only and project.path is not None:
            self._backup.start()

    def changed(self, *_: object) -> None:
        """Something was written: fold the log in once the analyst pauses."""
        self._idle.start()

    def on_idle(self) -> None:
        if self.project.checkpoint():
            self.checkpoints += 1

    def daily_backup(self) -> None:
        path = self.project.path
        if self.project.read_only or path is None or not backup_is_due(path):
            return
        try:
            self.last_backup = make_backup(self.project).path
        except ProjectError as exc:
            self.report(f"The daily automatic backup could not be made: {exc}")
        self.on_idle()


def add_file_actions(w: Any, menu: QMenu) -> FileKeeper:
    """Add Save a copy… and Back up now to the File menu; keep the file whole while open."""
    keeper = FileKeeper(w.project, w, w.report)
    w.changed.connect(keeper.changed)
    w.file_keeper = keeper  # type: ignore[attr-defined]
    copy = menu.addAction("Save a &copy…", lambda: save_copy(w))
    copy.setEnabled(w.project.path is not None)
    backup = menu.addAction("&Back up now", lambda: back_up_now(w))
    backup.setEnabled(w.project.path is not None and not w.project.read_only)
    return keeper


def save_copy(w: Any, target: Path | None = None) -> Path | None:
    """Write a verified copy of the open project where the user chooses."""
    path = w.project.path
    if path is None:
        return None
    if target is None:
        start = str(path.with_name(f"{path.stem} copy.qualframe"))
        name, _ = ask_save_path(
            w, "Save a copy of the project", start, "Qualframe projects (*.qualframe)",
            check=lambda p: refuse_protected(p, what="the copy"),
        )  # fmt: skip
        if not name:
            return None
        target = Path(name)
        if target.suffix != ".qualframe":
            target = target.with_name(target.name + ".qualframe")
    out = target

    def work(progress: Progress) -> None:
        progress(0, 1, out.name)
        w.project.save_copy(out)
        progress(1, 1, out.name)

    if not run_export(w, "Saving a copy of the project", work):
        return None
    w.hint(f"Saved a copy of the project to {out} (checked by opening it).")
    return out


def back_up_now(w: Any) -> Path | None:
    """Back the open project up into its backup folder now (verified)."""
    result: list[Path] = []

    def work(progress: Progress) -> None:
        progress(0, 1, "")
        result.append(make_backup(w.project).path)
        progress(1, 1, "")

    if not run_export(w, "Backing up the project", work):
        return None
    w.hint(f"Backed up to {result[0]} (checked by opening it); the newest {KEEP} backups are kept.")
    return result[0]


class RestoreDialog(QDialog):
    """The automatic backups of the recent projects; one is restored as a new project."""

    def __init__(self, projects: Iterable[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.resize(640, 420)
        self.restored: Path | None = None
        self.error: str | None = None
        intro = QLabel(
            "Qualframe keeps a backup of each project once a day (the newest "
            f"{KEEP}, in a folder beside it). A backup is restored as a new project next "
            "to the original, which stays as it is."
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Project / backup", "Where"])
        self.tree.setColumnWidth(0, 320)
        for project in projects:
            backups = list_backups(project)
            if not backups:
                continue
            top = QTreeWidgetItem([project.name, str(project.parent)])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for b in backups:
                child = QTreeWidgetItem([b.label, backup_folder(project).name])
                child.setToolTip(1, str(b.path))
                child.setData(0, Qt.ItemDataRole.UserRole, (str(b.path), str(project)))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.empty = QLabel("<i>No backups yet: one is made each day a project is open.</i>")
        self.empty.setVisible(self.tree.topLevelItemCount() == 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "Restore as a new project", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(False)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_: self.restore_selected())
        self.buttons.accepted.connect(self.restore_selected)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.empty)
        lay.addWidget(self.buttons)

    def _chosen(self) -> tuple[Path, Path] | None:
        items = self.tree.selectedItems()
        data = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        return (Path(data[0]), Path(data[1])) if data else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self._chosen() is not None)

    def restore_selected(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        try:
            self.restored = restore_backup(*chosen)
        except ProjectError as exc:
            self.error = str(exc)
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "Qualframe", self.error)
            return
        self.accept()
