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


class LockFileError(ProjectError):
    """The lock file beside the project is not a plain file of ours (a symbolic link, a
    hard link, a folder); it is left untouched and the project is not opened for writing."""


class ReadOnlyProjectError(ProjectError):
    pass


class ReadOnlyDiskError(ReadOnlyProjectError):
    """The project lies on a read-only disk or in a folder that cannot be written: it can be
    opened for reading only."""


class DiskFullError(ProjectError):
    """The disk is full: nothing was changed (the project itself is intact)."""


class ForeignSchemaError(ProjectError):
    """The project file holds database objects (triggers, views, tables, indexes) that
    Qualframe's migrations do not create; it is not opened until they are removed."""

    def __init__(self, message: str, objects: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.objects = objects  # (type, name)


class StorageFailure(ProjectError):
    """The database refused or failed a unit of work (disk full, I/O error, a constraint);
    the transaction was rolled back, so nothing of it was saved."""


class ProjectReplacedError(StorageFailure):
    """The project file was moved, renamed or replaced by another program while it was open
    (or its lock was taken over): this handle stops writing."""


class ConcurrentChangeError(StorageFailure):
    """Another coder changed or removed the same row between our read and our write (the
    row's version did not match): nothing of the unit of work was saved."""


class ServerError(ProjectError):
    """A project on a server could not be created, opened or reached (one sentence)."""


class ConnectionLostError(StorageFailure):
    """The connection to the project's server was lost (or could not be made) during a unit
    of work: it was not committed, unless the server says otherwise once it is back."""
