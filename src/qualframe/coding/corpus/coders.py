"""Coders: the people who code segments (every segment records its coder)."""

from __future__ import annotations

from sqlalchemy import select

from qualframe.coding.core.project import Project
from qualframe.storage.models import (
    Coder,
)


def coder_names(project: Project) -> list[str]:
    """Names of the project's coders, sorted without regard to case."""
    with project.read() as s:
        return sorted(s.scalars(select(Coder.name)), key=str.casefold)
