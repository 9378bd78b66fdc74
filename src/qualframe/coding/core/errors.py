"""Errors of the analysis layer: each message is one sentence meant for the user."""

from __future__ import annotations

from qualframe.storage.errors import ProjectError


class UserError(ProjectError):
    """Something the user asked for cannot be done (bad name, bad range, unknown code …)."""


class NotFoundError(UserError):
    pass


class ImportRefused(UserError):
    """A file cannot be imported; the message names the file and the problem."""


class ReviewOnlyError(UserError):
    """A change refused because the project is open for review or the coder is an auditor."""


class ConflictError(UserError):
    """Another coder changed the same code or segment since this coder saw it (or since this
    coder's own change, for undo); nothing was saved."""
