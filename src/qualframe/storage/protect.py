"""Files Qualframe never writes over: projects and their working files.

Every export, copy and backup passes its target through :func:`refuse_protected` before
anything is computed or written. Refused, whatever name it is reached by (a symbolic or hard
link is judged by the file it leads to):

* any file that is a Qualframe project (by its header's application id), open or not — the
  open project included, and every backup (backups are projects);
* a project's working files: ``NAME-wal``, ``NAME-shm``, ``NAME-journal``, ``NAME.lock``;
* the backup folder beside a project (``NAME.backups``) and backups being written
  (``.NAME.bak-….part-PID``);
* for exports (not for copies and backups): any name ending in ``.qualframe``.
"""

from __future__ import annotations

from pathlib import Path

from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.errors import ProjectError

PROJECT_SUFFIX = ".qualframe"
BACKUP_FOLDER_SUFFIX = ".backups"
WORKING_SUFFIXES = (*sqlite_store.COMPANION_SUFFIXES, ".lock")


def _working_file_of(path: Path) -> str | None:
    name = path.name
    for suffix in WORKING_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = path.with_name(name[: -len(suffix)])
            if base.name.lower().endswith(PROJECT_SUFFIX) or sqlite_store.is_project_file(base):
                return base.name
    return None


def why_protected(target: Path, *, project_name_allowed: bool = False) -> str | None:
    """Why ``target`` must not be written, as a phrase (``"is a Qualframe project"``), or
    None when it may be written."""
    target = Path(target)
    candidates = [target]
    try:
        resolved = target.resolve()
    except OSError:
        resolved = target
    if resolved != target:
        candidates.append(resolved)
    for path in candidates:
        if sqlite_store.is_project_file(path):
            return "is a Qualframe project"
        base = _working_file_of(path)
        if base is not None:
            return f"is a working file of the project {base}"
        low = path.name.lower()
        if ".qualframe.bak-" in low or (low.startswith(".") and ".part-" in low):
            return "is a backup of a project"
        if not project_name_allowed:
            if low.endswith(PROJECT_SUFFIX):
                return "has the name of a project file"
            if any(p.lower().endswith(PROJECT_SUFFIX + BACKUP_FOLDER_SUFFIX) for p in path.parts):
                return "lies in a project's backup folder"
    return None


def refuse_protected(
    target: Path, *, what: str = "the export", project_name_allowed: bool = True
) -> None:
    """Raise a one-sentence :class:`ProjectError` when ``target`` is protected."""
    reason = why_protected(target, project_name_allowed=project_name_allowed)
    if reason is not None:
        raise ProjectError(
            f"Cannot write {what} to {Path(target).name}: it {reason}, and Qualframe never "
            "writes over a project or its working files; choose another name."
        )
