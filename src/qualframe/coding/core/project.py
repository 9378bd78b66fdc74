"""A Qualframe project: the store plus who is working on it.

``Project`` is the handle every use case takes. It holds no ORM objects; each use case opens
its own unit of work with :meth:`write` (committed before the call returns) or :meth:`read`.

**Review mode** is enforced here, under every use case: a project opened for review
(``Project.open(..., review=True)``), or worked on by a coder whose role is ``auditor``,
refuses :meth:`write` (coding, codebook edits, imports, document and attribute edits, memos)
with one sentence before anything is written. Auditors' verdicts and comments use
:meth:`review_write`, the only unit of work review mode allows. A server project opened for
writing by an account whose role on the server is auditor (``qualframe role URL grant NAME
--role auditor``) is opened in review mode by itself (:attr:`review_reason` says why): the
server's grants refuse such writes too, but ``coding`` refuses them first, in one sentence
naming the role.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.errors import ReviewOnlyError
from qualframe.storage import remote, server_roles
from qualframe.storage.database import (
    Database,
    Location,
    create_project,
    is_server_location,
    open_project,
)
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


AUDITOR = "auditor"
ANALYST = "analyst"


class Project:
    def __init__(self, db: Database, coder: str | None = None, *, review: bool = False) -> None:
        self.db = db
        self.coder = (coder or default_coder_name()).strip() or "analyst"
        #: Opened for review by ``coder``: every write but a review's is refused.
        self.review = review
        #: Why review mode was chosen for the user rather than asked for (an auditor's
        #: account on a server), one sentence; None otherwise.
        self.review_reason: str | None = None
        self._coder_ids: dict[str, int] = {}
        self._roles: dict[str, str] = {}  # what role() read (views ask it while painting)
        self._step: tuple[str, str] | None = None  # ("undo" | "redo", the command's text)
        #: Tells this client's own announcements from other clients' (``coding.core.live``).
        self.session_id = uuid.uuid4().hex

    # -- lifecycle -------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Location,
        coder: str | None = None,
        prepare: Callable[[Project], object] | None = None,
    ) -> Project:
        """A new project at ``path`` (a file, or a ``postgresql://`` URL naming a database on
        a server). It is built under a temporary name (title, then whatever ``prepare`` adds,
        e.g. a starting codebook) and appears under ``path`` only when complete: an
        interrupted creation never leaves a file that blocks the name (on a server, the
        half-made database is removed again)."""

        def setup(db: Database) -> None:
            project = cls(db, coder)
            with project.write() as s:
                s.add(ProjectMeta(key="title", value=project.default_title))
            if prepare is not None:
                prepare(project)

        if is_server_location(path):
            return cls(remote.create_on_server(str(path), setup), coder)
        return cls(create_project(Path(path), setup), coder)

    @classmethod
    def open(
        cls,
        path: Location,
        *,
        read_only: bool = False,
        coder: str | None = None,
        review: bool = False,
    ) -> Project:
        """Open the project file ``path``, or the project database a ``postgresql://`` URL
        names; with ``review`` it is open for review by ``coder``."""
        if is_server_location(path):
            db = remote.open_on_server(str(path), read_only=read_only)
            return cls(db, coder, review=review)._review_by_role()
        return cls(open_project(Path(path), read_only=read_only), coder, review=review)

    @classmethod
    def open_url(cls, url: str, *, create: bool = False, coder: str | None = None) -> Project:
        return cls(remote.open_url(url, create=create), coder)._review_by_role()

    def _review_by_role(self) -> Project:
        """An auditor's account on a server opens a writable project in review mode (see the
        module): every write but a review's is refused by ``coding`` before the server's
        grants would refuse it."""
        if self.read_only or not self.db.is_server:
            return self
        try:
            role = self.server_role
        except BaseException:
            self.close()
            raise
        if role == server_roles.AUDITOR:
            login = self.db.server_url.username or self.coder
            self.review = True
            self.review_reason = (
                f"{login} is an auditor of {self.name}: an auditor's account can agree, "
                "dispute and comment, but not code, change the codebook, import or edit "
                "documents."
            )
        return self

    @property
    def server_role(self) -> str | None:
        """This user's role on a server project ("owner", "coder", "auditor"; None for a
        project file or a user without a Qualframe role). The server enforces it; the
        review mode (issue 14) reads it to offer reviewing only."""
        if not self.db.is_server:
            return None
        return remote.server_role(self.db)

    def set_offline(self, reason: str | None) -> None:
        """While ``reason`` is set (the server cannot be reached), every write is refused
        with it; None when the connection is back."""
        self.db.offline_reason = reason

    @property
    def offline_reason(self) -> str | None:
        """Why writes are refused now because the server cannot be reached (None: they are
        not; see :meth:`set_offline`)."""
        return self.db.offline_reason

    @property
    def on_server(self) -> bool:
        """True when the project is a database on a PostgreSQL server (a team project)."""
        return self.db.is_server

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
    def location(self) -> Location:
        """Where the project lives: its file, or its server URL (without any password), as
        :meth:`open` takes it."""
        if self.db.path is not None:
            return self.db.path
        return self.db.location_url

    @property
    def default_title(self) -> str:
        """The title a new project gets: its file's name without ``.qualframe``, or its
        database's name on a server."""
        if not self.db.is_server:
            return Path(self.db.display_name).stem  # the name it is created under
        return str(self.db.server_url.database or "")

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    @property
    def name(self) -> str:
        return self.db.display_name

    # -- units of work ------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work changing the project; refused in review mode (see the module)."""
        with self._unit(review=False) as session:
            yield session

    @contextmanager
    def review_write(self) -> Iterator[Session]:
        """One unit of work recording a review (a verdict, a comment on a code): the only
        one a project open for review, or an auditor, may run."""
        with self._unit(review=True) as session:
            yield session

    @contextmanager
    def _unit(self, *, review: bool) -> Iterator[Session]:
        try:
            with self.db.write() as session:
                session.info["actor"] = self.coder
                if self._step is not None:
                    session.info["step"] = self._step
                if not review:
                    self._refuse_in_review(session)
                yield session
                audit.close_unit(session)
        except BaseException:
            # A rolled-back unit of work may have created the coder row we cached.
            self.forget_cached_ids()
            raise

    def check_can_write(self) -> None:
        """Refuse now, as a unit of work would, when changes other than reviews are refused:
        for a command that does work before its unit of work (a merge backs the project up
        first), so that nothing is done at all."""
        with self.read() as session:
            self._refuse_in_review(session)

    def _refuse_in_review(self, session: Session) -> None:
        if self.review_reason is not None:
            raise ReviewOnlyError(self.review_reason)
        if self.review:
            raise ReviewOnlyError(
                f"{self.name} is open for review by {self.coder}: a review can agree, dispute "
                "and comment, but not code, change the codebook, import or edit documents."
            )
        role = session.scalar(select(Coder.role).where(Coder.name == self.coder))
        if role == AUDITOR:
            raise ReviewOnlyError(
                f"{self.coder} is an auditor: auditors agree, dispute and comment, but cannot "
                "code, change the codebook, import or edit documents."
            )

    @property
    def reviewing(self) -> bool:
        """True when this project refuses every write but a review's: opened for review,
        or the coder's role is auditor."""
        return self.review or self.role() == AUDITOR

    @property
    def can_edit(self) -> bool:
        """False when changes other than reviews are refused: read-only, or review mode (for
        front ends, to offer only what will be accepted)."""
        return not self.read_only and not self.reviewing

    def role(self, name: str | None = None) -> str:
        """The role of coder ``name`` (default: the current coder); a name not yet known is
        an auditor in review mode, an analyst otherwise."""
        name = (name or self.coder).strip()
        if name in self._roles:
            return self._roles[name]
        with self.read() as s:
            role = s.scalar(select(Coder.role).where(Coder.name == name))
        if role is not None:
            self._roles[name] = str(role)
        if role is None:
            return AUDITOR if self.review and name == self.coder else ANALYST
        return str(role)

    @contextmanager
    def history_step(self, kind: str, text: str) -> Iterator[None]:
        """Mark the units of work in this block as an undo or redo of ``text``: their audit
        events say so, and one that records nothing else records the step itself."""
        old, self._step = self._step, (kind, text)
        try:
            yield
        finally:
            self._step = old

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
            coder = Coder(name=name, role=AUDITOR if self.review else ANALYST)
            session.add(coder)
            session.flush()
        self._coder_ids[name] = coder.id
        return coder.id

    def forget_cached_ids(self) -> None:
        """Drop cached ids and roles (after a rollback the cached coder may not exist; after
        a change of coders a role may differ)."""
        self._coder_ids.clear()
        self._roles.clear()

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
