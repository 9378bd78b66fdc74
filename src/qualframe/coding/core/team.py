"""A project on a PostgreSQL server, for a team: where a project lives, passwords, and
whole-project copies between a laptop file and a server (``upload`` / ``download``).

A location is a project file path or a ``postgresql://user@host[:port]/database`` URL. A
password is never part of a URL given on the command line (it would stay in the shell's
history): it is kept in the system keyring (:func:`remember_password`), or libpq finds it in
``PGPASSWORD`` or the password file (``PGPASSFILE``, default ``~/.pgpass``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qualframe.coding.core.errors import UserError
from qualframe.storage import remote, transfer
from qualframe.storage import server as server_store
from qualframe.storage.database import Database, Location, create_project, is_server_location

__all__ = [
    "CopyReport",
    "download",
    "grant_role",
    "is_server_location",
    "list_roles",
    "location_name",
    "parse_location",
    "remember_password",
    "upload",
]


def parse_location(text: str) -> Location:
    """A command-line PATH-or-URL: a URL stays a string, anything else is a path. A URL that
    carries a password is refused (it would be kept in the shell's history)."""
    if not is_server_location(text):
        return Path(text)
    url = server_store.parse_url(text)
    if url.password is not None and "@" in text.split("://", 1)[1].split("/", 1)[0]:
        userinfo = text.split("://", 1)[1].split("@", 1)[0]
        if ":" in userinfo:
            raise UserError(
                "Do not write the password in the server address (it stays in your shell "
                "history); keep it with 'qualframe login URL', or in PGPASSWORD or ~/.pgpass."
            )
    return text.strip()


def location_name(location: Location) -> str:
    """How a location is named in messages: a file's name, or "database on host:port"."""
    if is_server_location(location):
        return server_store.display_name(server_store.parse_url(str(location), password=""))
    return Path(location).name


def remember_password(url: str, password: str, *, keyring: bool = True) -> str:
    """Check ``password`` by connecting, then keep it for the URL's user and server: in the
    system keyring (``keyring``), or for this run only (in memory, when the user chose not to
    keep it or no keyring exists: then :class:`UserError` is raised after it was kept for the
    run, naming the alternatives). Returns the name of the project database."""
    parsed = server_store.parse_url(url, password=password)
    server_store.check_login(parsed)
    server_store.remember_for_session(parsed, password)
    if keyring:
        server_store.store_password(parsed, password)
    return server_store.display_name(parsed)


def grant_role(url: str, person: str, role: str, password: str | None = None) -> str:
    """Give ``person`` (a server login, created when missing) the role "coder", "auditor" or
    "owner" on the project database ``url``; enforced by the server's grants. Returns the
    project's name."""
    from qualframe.storage.server_roles import grant

    parsed = server_store.parse_url(url)
    grant(parsed, person, role, password)
    return server_store.display_name(parsed)


def list_roles(url: str) -> list[tuple[str, str]]:
    """(login, role) of everyone holding a role on the project database ``url``."""
    from qualframe.storage.server_roles import roles

    return roles(server_store.parse_url(url))


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table, and the counts read back from both sides afterwards."""

    copied: dict[str, int]
    source_counts: dict[str, int]
    target_counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.copied.values())

    @property
    def complete(self) -> bool:
        return self.source_counts == self.target_counts == self.copied


def _copy(
    source: Database, make_target: Callable[[Callable[[Database], None]], Database]
) -> CopyReport:
    copied: dict[str, int] = {}

    def fill(target: Database) -> None:
        copied.update(transfer.copy_project_rows(source, target))

    target = make_target(fill)
    try:
        report = CopyReport(copied, transfer.row_counts(source), transfer.row_counts(target))
    finally:
        target.close()
    if not report.complete:
        raise UserError(
            "The copy does not hold the same rows as the original (another coder may have "
            "changed the project while it was copied); copy it again."
        )
    return report


def upload(path: Path, url: str) -> CopyReport:
    """Copy the project file ``path`` whole (ids and GUIDs kept) into a new project database
    named by ``url``; the database must not exist or be empty. All or nothing."""
    if not Path(path).exists():
        raise UserError(f"{Path(path).name} does not exist.")
    source = _open_source(path)
    try:
        return _copy(source, lambda fill: remote.create_on_server(url, fill))
    finally:
        source.close()


def download(url: str, path: Path) -> CopyReport:
    """Copy the project database ``url`` whole into a new project file ``path`` (for
    offline work); an existing file is never replaced. All or nothing."""
    source = remote.open_on_server(url, read_only=True)
    try:
        return _copy(source, lambda fill: create_project(Path(path), fill))
    finally:
        source.close()


def _open_source(path: Path) -> Database:
    from qualframe.storage.database import open_project

    return open_project(Path(path), read_only=True)
