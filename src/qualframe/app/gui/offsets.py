"""The one place where Qt positions (UTF-16 code units) meet stored offsets (code points).

Qt's text classes count a character outside the Basic Multilingual Plane (most emoji) as two
units, a surrogate pair; the store counts it as one code point (REFI-QDA convention). An
:class:`OffsetMap` is built once per document: it records where the astral characters are,
so each conversion is a binary search, O(log n), and a text with none converts for free.
Line breaks are single ``\\n`` characters in the store (CRLF is normalised at import) and a
single block separator in a ``QTextDocument``, so they count one unit on both sides.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts between code-point offsets and UTF-16 positions in one text."""

    __slots__ = ("_cp", "_u16", "length")

    def __init__(self, text: str) -> None:
        self._cp = [m.start() for m in _ASTRAL.finditer(text)]
        self._u16 = [cp + i for i, cp in enumerate(self._cp)]
        self.length = len(text)

    @property
    def utf16_length(self) -> int:
        return self.length + len(self._cp)

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point offset ``cp``."""
        if not self._cp:
            return cp
        return cp + bisect_left(self._cp, cp)

    def to_store(self, pos: int) -> int:
        """Code point offset of UTF-16 position ``pos`` (a position inside a surrogate pair
        snaps to the start of its character)."""
        if not self._cp:
            return pos
        return pos - bisect_left(self._u16, pos)

    def to_store_end(self, pos: int) -> int:
        """Code point offset of UTF-16 position ``pos`` used as the END of a range: a
        position inside a surrogate pair snaps past its character."""
        cp = self.to_store(pos)
        return cp + 1 if self._cp and self.to_qt(cp) < pos else cp

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_to_store(self, start: int, end: int) -> tuple[int, int]:
        """Code point range of a UTF-16 range; a character cut in half at either end is
        included whole (so what is stored covers at least what was selected)."""
        return self.to_store(start), self.to_store_end(end)
