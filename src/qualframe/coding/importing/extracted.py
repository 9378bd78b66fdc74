"""What a transcript reader returns: the stored text, its encoding, bold-label hints and
warnings; and the one way paragraphs are joined into the stored text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.decode import clean_controls


@dataclass
class Extracted:
    text: str  # stored form: NFC, \n line ends
    encoding: str | None  # detected/used text encoding (None for XML/PDF containers)
    format: str  # txt, md, docx, odt, rtf, pdf
    bold: dict[int, int] = field(default_factory=dict)  # paragraph start -> bold prefix length
    warnings: list[str] = field(default_factory=list)  # what was repaired or left out
    sample: str | None = None  # a line showing a close encoding choice (for the preview)


def removed_warning(removed: int) -> list[str]:
    if not removed:
        return []
    s = "" if removed == 1 else "s"
    return [f"{removed} control character{s} (not text) removed"]


def join_paragraphs(paragraphs: Iterable[tuple[str, int]], fmt: str) -> Extracted:
    """Join (text, bold prefix length) paragraphs with blank lines, skipping empty ones.

    The usual case is checked once on the joined text (no CR, already NFC, no control
    characters); only otherwise is every paragraph normalised and cleaned on its own (which
    keeps the bold prefixes' lengths right)."""
    raw: list[tuple[str, int]] = []
    for text, bold_len in paragraphs:
        text = text.rstrip()
        if text.strip():
            raw.append((text, bold_len))
    joined = "\n\n".join(t for t, _ in raw)
    if (
        "\r" not in joined
        and unicodedata.is_normalized("NFC", joined)
        and clean_controls(joined)[1] == 0
        and "\u2028" not in joined
        and "\u2029" not in joined
        and "\x0b" not in joined
        and "\x0c" not in joined
        and "\x85" not in joined
    ):
        bold: dict[int, int] = {}
        pos = 0
        for text, bold_len in raw:
            if bold_len:
                bold[pos] = bold_len
            pos += len(text) + 2
        return Extracted(joined, None, fmt, bold, [])
    return _join_slowly(raw, fmt)


def _join_slowly(paragraphs: Iterable[tuple[str, int]], fmt: str) -> Extracted:
    parts: list[str] = []
    bold: dict[int, int] = {}
    pos = 0
    removed = 0
    for raw, bold_len in paragraphs:
        text = normalise_text(raw)
        cleaned, n = clean_controls(text)
        if n or len(cleaned) != len(text):
            removed += n
            if bold_len:  # the cleaning is per character: the prefix's share shrinks alike
                bold_len = len(clean_controls(text[:bold_len])[0])
            text = cleaned
        text = text.rstrip()
        if not text.strip():
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        if bold_len:
            bold[pos] = bold_len
        parts.append(text)
        pos += len(text)
    return Extracted("".join(parts), None, fmt, bold, removed_warning(removed))
