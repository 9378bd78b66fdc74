"""Errors the storage layer raises; each message is one sentence a user can read."""

from __future__ import annotations


class ProjectError(Exception):
    """Base class: ``str(error)`` is a single user-facing sentence."""


class NotAProjectError(ProjectError):
    pass


class CorruptProjectError(ProjectError):
    pass


class NewerSchemaError(ProjectError):
    pass


class ProjectLockedError(ProjectError):
    def __init__(self, message: str, holder: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


class ReadOnlyProjectError(ProjectError):
    pass


class StorageFailure(ProjectError):
    """The database refused or failed a unit of work (disk full, I/O error, a constraint);
    the transaction was rolled back, so nothing of it was saved."""
