"""Finding the header row below any title rows."""

from __future__ import annotations

import math

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.cells import _is_number


def _find_header(rows: list[tuple[int, list[str | None]]], name: str) -> int:
    head = rows[:30]
    width = max((sum(1 for c in r if c is not None) for _, r in head), default=0)
    if width >= 2:
        need = max(2, math.ceil(0.6 * width))
        for i, (_, row) in enumerate(head):
            cells = [c for c in row if c is not None]
            if len(cells) < need or any(_is_number(c) for c in cells):
                continue
            # mostly distinct: exports repeat names ("Other (please specify)"), a merged title
            # row repeats one value across the row
            if len({c.casefold() for c in cells}) < len(cells) * 0.5:
                continue
            if i + 1 < len(rows):
                return i
            raise refuse(name, "has a header row but no answers below it")
    raise refuse(
        name, "has no recognisable header row (a row naming each column above the answers)"
    )
