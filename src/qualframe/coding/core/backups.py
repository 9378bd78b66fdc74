"""Copies and backups of a project file, and the rolling automatic backups beside it.

A copy is SQLite's online backup: consistent even while the project is open and being
written (by this program or another), written under a temporary name, verified by opening
it (header, application id, integrity check) and only then given its name. Nothing ever
writes over a project: a copy's target must not be a project or one of its working files.

Automatic backups live in a folder beside the project, ``NAME.qualframe.backups/``, as
``NAME YYYY-MM-DD HHMMSS.qualframe`` (each a whole project); one is made per day when the
project is open for writing, and the newest :data:`KEEP` are kept. A backup is restored as
a new project beside the original (``NAME (restored YYYY-MM-DD).qualframe``): the original
stays as it is, so restoring can never lose anything either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qualframe.coding.core.project import Project
from qualframe.storage.database import copy_project, remove_foreign_objects
from qualframe.storage.protect import BACKUP_FOLDER_SUFFIX

KEEP = 5
_STAMP = "%Y-%m-%d %H%M%S"
_NAME = re.compile(r"^(?P<stem>.+) (?P<stamp>\d{4}-\d{2}-\d{2} \d{6})\.qualframe$")

__all__ = [
    "KEEP",
    "Backup",
    "backup_folder",
    "backup_is_due",
    "list_backups",
    "make_backup",
    "remove_foreign_objects",
    "restore_backup",
    "save_copy",
]


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.made:%Y-%m-%d %H:%M} ({max(1, self.size // 1024):,} KB)"


def backup_folder(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + BACKUP_FOLDER_SUFFIX)


def save_copy(source: Path, target: Path) -> Path:
    """A verified copy of the project file ``source`` at ``target`` (safe while it is open
    anywhere); a folder as ``target`` gets a file of the project's name."""
    source, target = Path(source), Path(target)
    if target.is_dir():
        target = target / source.name
    copy_project(source, target)
    return target


def list_backups(project_path: Path) -> list[Backup]:
    """The automatic backups of a project, newest first."""
    folder = backup_folder(Path(project_path))
    out = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for p in entries:
        m = _NAME.match(p.name)
        if m is None or not p.is_file():
            continue
        try:
            made = datetime.strptime(m["stamp"], _STAMP)
            size = p.stat().st_size
        except (ValueError, OSError):
            continue
        out.append(Backup(p, made, size))
    return sorted(out, key=lambda b: b.made, reverse=True)


def backup_is_due(project_path: Path, now: datetime | None = None) -> bool:
    """True when the project has no automatic backup from today."""
    today = (now or datetime.now()).date()
    return not any(b.made.date() == today for b in list_backups(project_path))


def make_backup(project: Project, now: datetime | None = None, keep: int = KEEP) -> Backup:
    """Back the open project up into its backup folder now; keep the newest ``keep``."""
    path = project.path
    if path is None:
        from qualframe.coding.core.errors import UserError

        raise UserError("Only a project file can be backed up.")
    now = now or datetime.now()
    folder = backup_folder(path)
    folder.mkdir(exist_ok=True)
    target = folder / f"{path.stem} {now.strftime(_STAMP)}.qualframe"
    project.db.backup_to(target, what="the backup")
    made = Backup(target, now.replace(microsecond=0), target.stat().st_size)
    for old in list_backups(path)[keep:]:
        old.path.unlink(missing_ok=True)
    return made


def restore_backup(backup: Path, project_path: Path) -> Path:
    """Restore ``backup`` as a new project beside ``project_path``; returns its path."""
    project_path = Path(project_path)
    m = _NAME.match(Path(backup).name)
    day = m["stamp"][:10] if m else datetime.now().strftime("%Y-%m-%d")
    base = f"{project_path.stem} (restored {day})"
    target = project_path.with_name(base + ".qualframe")
    n = 2
    while target.exists():
        target = project_path.with_name(f"{base} {n}.qualframe")
        n += 1
    copy_project(Path(backup), target)
    return target
