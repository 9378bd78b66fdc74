"""Errors of the importer (each message is one sentence for the user)."""

from __future__ import annotations

from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.printable import printable

__all__ = ["ImportCancelled", "ImportRefused", "refuse"]


class ImportCancelled(UserError):
    """The user cancelled an import; the transaction was rolled back, nothing was written."""

    def __init__(self, message: str = "The import was cancelled; nothing was imported.") -> None:
        super().__init__(message)


def refuse(name: str, problem: str) -> ImportRefused:
    """An :class:`ImportRefused` whose message names the file: ``"<name> <problem>."``."""
    problem = problem.rstrip(".")
    return ImportRefused(f"{printable(name)} {problem}.")
