"""Text that Word and Excel files can hold safely.

Spreadsheet formula injection: text that would start a formula is neutralised. XML (both
.docx and .xlsx are XML) cannot hold most control characters: a memo pasted from Word brings
vertical tabs (its manual line breaks), a planted or imported name may hold an ESC; such a
character becomes a line break or a visible escape instead of failing the whole export.
"""

from __future__ import annotations

import re

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_AS_LINE_BREAK = {"\x0b": "\n", "\x0c": "\n"}  # Word's manual line and page breaks


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _AS_LINE_BREAK:
        return _AS_LINE_BREAK[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def xml_safe(text: str) -> str:
    """``text`` without characters an XML file cannot hold (see the module's note)."""
    return _XML_ILLEGAL.sub(_visible, text) if _XML_ILLEGAL.search(text) else text


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a value that a spreadsheet would execute with an apostrophe (and keep only
    characters a worksheet can hold: :func:`xml_safe`)."""
    value = xml_safe(value)
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
