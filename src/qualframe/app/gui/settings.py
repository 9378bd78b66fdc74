"""What Qualframe remembers between sessions (QSettings): the coder's name, recent projects,
window layout, the last position in each document, the recently used codes and the analyst's
options (snap selections to words, how search hits are extended, …)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class Settings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings("Qualframe", "Qualframe")

    # -- coder -----------------------------------------------------------------------------
    def coder(self) -> str | None:
        value = self.q.value("coder/name", "")
        return str(value).strip() or None

    def set_coder(self, name: str) -> None:
        self.q.setValue("coder/name", name.strip())

    # -- projects -------------------------------------------------------------------------
    def recent_projects(self) -> list[Path]:
        items = _strings(self.q.value("projects/recent", []))
        return [Path(p) for p in items if p]

    def add_recent_project(self, path: Path) -> None:
        path = path.resolve()
        items = [p for p in self.recent_projects() if p != path]
        items.insert(0, path)
        self.q.setValue("projects/recent", [str(p) for p in items[:MAX_RECENT]])

    def remove_recent_project(self, path: Path) -> None:
        path = path.resolve()  # the list holds resolved paths
        items = [p for p in self.recent_projects() if p != path]
        self.q.setValue("projects/recent", [str(p) for p in items])

    def last_project(self) -> Path | None:
        for p in self.recent_projects():
            if p.exists():
                return p
        return None

    # -- window -----------------------------------------------------------------------------
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self.q.value("window/geometry")
        state = self.q.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)

    # -- per project ------------------------------------------------------------------------
    @staticmethod
    def _key(project_path: Path | str | None) -> str:
        """A project file by its resolved path; a server project by its URL (no password)."""
        if isinstance(project_path, str):
            text = project_path
        else:
            text = str(project_path.resolve()) if project_path else "memory"
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def document_position(self, project_path: Path | str | None, document_guid: str) -> int:
        value = self.q.value(f"positions/{self._key(project_path)}/{document_guid}", 0)
        try:
            return int(str(value))
        except (TypeError, ValueError):
            return 0

    def set_document_position(
        self, project_path: Path | str | None, document_guid: str, pos: int
    ) -> None:
        self.q.setValue(f"positions/{self._key(project_path)}/{document_guid}", int(pos))

    def last_document(self, project_path: Path | str | None) -> str | None:
        value = self.q.value(f"last_document/{self._key(project_path)}", "")
        return str(value) or None

    def set_last_document(self, project_path: Path | str | None, guid: str) -> None:
        self.q.setValue(f"last_document/{self._key(project_path)}", guid)

    def recent_codes(self, project_path: Path | str | None) -> list[str]:
        items = _strings(self.q.value(f"recent_codes/{self._key(project_path)}", []))
        return [str(g) for g in items if g]

    def set_recent_codes(self, project_path: Path | str | None, guids: list[str]) -> None:
        self.q.setValue(f"recent_codes/{self._key(project_path)}", guids[:9])

    def blind_coding(self, project_path: Path | None) -> bool:
        return str(self.q.value(f"blind/{self._key(project_path)}", "false")).lower() == "true"

    def set_blind_coding(self, project_path: Path | None, on: bool) -> None:
        self.q.setValue(f"blind/{self._key(project_path)}", "true" if on else "false")

    # -- options (how the analyst likes to work) ----------------------------------------------
    def option(self, name: str, default: str) -> str:
        """A remembered choice, e.g. ``snap_words`` ("on"/"off"); ``default`` when unset."""
        value = self.q.value(f"options/{name}", default)
        return str(value) if value is not None else default

    def set_option(self, name: str, value: str) -> None:
        self.q.setValue(f"options/{name}", value)

    def flag(self, name: str, default: bool) -> bool:
        return self.option(name, "on" if default else "off") == "on"

    def set_flag(self, name: str, value: bool) -> None:
        self.set_option(name, "on" if value else "off")

    def sync(self) -> None:
        self.q.sync()


def _strings(raw: object) -> list[str]:
    """A QSettings list value (a lone string when it has one item) as strings."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list | tuple):
        return [str(v) for v in raw]
    return []
