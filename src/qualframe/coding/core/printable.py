"""Names and messages that cannot play tricks on a terminal or a reader.

A file name may hold a newline, a tab, an ESC sequence (which a terminal obeys: colours,
cursor moves, a changed window title) or a right-to-left override (U+202E, which shows
``evil‮txt.exe`` as ``evilexe.txt``). :func:`printable` shows every such character as a
visible escape (``\\n``, ``\\t``, ``\\x1b``, ``\\u202e``). It is the one rule for document
names when they are stored (the importer's naming) and for every message the command line
prints. Joiners and marks that scripts need (ZWJ in emoji, Hangul jamo) are kept.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional embeddings, overrides and isolates, the
# Arabic letter mark and the line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control and direction-changing characters shown as escapes."""
    return _UNSAFE.sub(_escape, text)


def is_printable(text: str) -> bool:
    return _UNSAFE.search(text) is None
