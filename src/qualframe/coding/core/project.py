"""A Qualframe project: the store plus who is working on it.

``Project`` is the handle every use case takes. It holds no ORM objects; each use case opens
its own unit of work with :meth:`write` (committed before the call returns) or :meth:`read`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.storage.database import Database, create_project, open_project, open_url
from qualframe.storage.models import (
    Code,
    Coder,
    Document,
    Memo,
    Participant,
    ProjectMeta,
    Segment,
)


def default_coder_name() -> str:
    env = os.environ.get("QUALFRAME_CODER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:
        return "analyst"


class Project:
    def __init__(self, db: Database, coder: str | None = None) -> None:
        self.db = db
        self.coder = (coder or default_coder_name()).strip() or "analyst"
        self._coder_ids: dict[str, int] = {}

    # -- lifecycle -------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path | str,
        coder: str | None = None,
        prepare: Callable[[Project], object] | None = None,
    ) -> Project:
        """A new project at ``path``. It is built under a temporary name (title, then
        whatever ``prepare`` adds, e.g. a starting codebook) and appears under ``path`` only
        when complete: an interrupted creation never leaves a file that blocks the name."""

        def setup(db: Database) -> None:
            project = cls(db, coder)
            with project.write() as s:
                s.add(ProjectMeta(key="title", value=Path(path).stem))
            if prepare is not None:
                prepare(project)

        return cls(create_project(Path(path), setup), coder)

    @classmethod
    def open(
        cls, path: Path | str, *, read_only: bool = False, coder: str | None = None
    ) -> Project:
        return cls(open_project(Path(path), read_only=read_only), coder)

    @classmethod
    def open_url(cls, url: str, *, create: bool = False, coder: str | None = None) -> Project:
        return cls(open_url(url, create=create), coder)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path | None:
        return self.db.path

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    @property
    def name(self) -> str:
        return self.db.display_name

    # -- units of work ------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        try:
            with self.db.write() as session:
                yield session
        except BaseException:
            # A rolled-back unit of work may have created the coder row we cached.
            self._coder_ids.clear()
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session

    def coder_id(self, session: Session, name: str | None = None) -> int:
        """The id of the coder ``name`` (default: the current coder), created if new."""
        name = (name or self.coder).strip()
        cached = self._coder_ids.get(name)
        if cached is not None:
            return cached
        coder = session.scalar(select(Coder).where(Coder.name == name))
        if coder is None:
            coder = Coder(name=name)
            session.add(coder)
            session.flush()
        self._coder_ids[name] = coder.id
        return coder.id

    def forget_cached_ids(self) -> None:
        """Drop cached ids (after a rollback the cached coder may not exist)."""
        self._coder_ids.clear()

    # -- facts ----------------------------------------------------------------------------
    def info(self) -> dict[str, object]:
        with self.read() as s:

            def count(model: type) -> int:
                return int(s.scalar(select(func.count()).select_from(model)) or 0)

            participants = int(
                s.scalar(
                    select(func.count())
                    .select_from(Participant)
                    .where(Participant.is_interviewer.is_(False))
                )
                or 0
            )
            return {
                "schema_version": self.db.schema_version(),
                "documents": count(Document),
                "participants": participants,
                "codes": count(Code),
                "segments": count(Segment),
                "coders": count(Coder),
                "memos": count(Memo),
            }

    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.read() as s:
            row = s.get(ProjectMeta, key)
            return row.value if row is not None else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as s:
            row = s.get(ProjectMeta, key)
            if row is None:
                s.add(ProjectMeta(key=key, value=value))
            else:
                row.value = value

    # -- copies ----------------------------------------------------------------------------
    def checkpoint(self) -> bool:
        """Fold the write-ahead log into the project file (see ``Database.checkpoint``)."""
        return self.db.checkpoint()

    def save_copy(self, target: Path | str) -> Path:
        """A complete copy of the project at ``target`` (SQLite's online backup, written
        under a temporary name, verified by opening it, then renamed); never over a project."""
        return self.db.backup_to(Path(target))
