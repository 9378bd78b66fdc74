"""What a code typed into "Code as…" means (no Qt): an existing code (by path, or by a
leaf name that only one code has), a new path to create (after the analyst confirms), or a
reason why neither."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.codebook.tree import split_path
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.records import CodeRecord


@dataclass(frozen=True)
class CodeChoice:
    code: CodeRecord | None = None  # an existing code
    parent: CodeRecord | None = None  # with ``new``: where the new levels go (None: top)
    new: tuple[str, ...] = ()  # the levels to create, outermost first
    refusal: str = ""  # why the text names no code and none can be made

    @property
    def creates(self) -> bool:
        return bool(self.new)


def _fold(parts: Sequence[str]) -> tuple[str, ...]:
    return tuple(" ".join(p.split()).casefold() for p in parts)


def resolve_code(text: str, records: Sequence[CodeRecord]) -> CodeChoice:
    """Interpret ``text`` against the codebook ``records``."""
    text = text.strip()
    if not text:
        return CodeChoice(refusal="Type a code's name or its path (Theme/Category/Code).")
    try:
        parts = split_path(text)
    except UserError as exc:
        return CodeChoice(refusal=str(exc))
    by_path = {_fold(r.path): r for r in records}
    wanted = _fold(parts)
    if wanted in by_path:
        return CodeChoice(code=by_path[wanted])
    if len(parts) == 1:
        leaves = [r for r in records if _fold(r.path[-1:]) == wanted]
        if len(leaves) == 1:
            return CodeChoice(code=leaves[0])
        if len(leaves) > 1:
            paths = "; ".join(r.path_text for r in leaves[:4])
            more = f" and {len(leaves) - 4} more" if len(leaves) > 4 else ""
            return CodeChoice(
                refusal=f'"{text}" names {len(leaves)} codes ({paths}{more}); type the path '
                "of the one you mean."
            )
    # The longest existing prefix is the parent; the rest is new.
    for cut in range(len(parts) - 1, 0, -1):
        parent = by_path.get(wanted[:cut])
        if parent is not None:
            return CodeChoice(parent=parent, new=tuple(parts[cut:]))
    return CodeChoice(new=tuple(parts))
