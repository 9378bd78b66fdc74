"""What a transcript reader returns: the stored text, its encoding, bold-label hints and
warnings; and the one way paragraphs are joined into the stored text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.decode import clean_controls, has_controls


@dataclass
class Extracted:
    text: str  # stored form: NFC, \n line ends
    encoding: str | None  # detected/used text encoding (None for XML/PDF containers)
    format: str  # txt, md, docx, odt, rtf, pdf
    bold: dict[int, int] = field(default_factory=dict)  # paragraph start -> bold prefix length
    warnings: list[str] = field(default_factory=list)  # what was repaired or left out
    sample: str | None = None  # a line showing a close encoding choice (for the preview)
    raw_utf8: bool = False  # the text's UTF-8 is the file's bytes (so are their hashes)


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
    raw = _non_blank(paragraphs)
    joined = _join_usual(raw, fmt)
    return joined if joined is not None else _join_slowly(raw, fmt)


def join_paragraphs_fast(
    paragraphs: Iterable[tuple[str, int]], fmt: str, *, clean: bool = False
) -> Extracted | None:
    """:func:`join_paragraphs` for the usual case only: None when a paragraph needs
    normalising or cleaning (the caller then reads the document the careful way).
    ``clean``: the caller knows the text holds no control character (checked on the bytes
    it came from)."""
    return _join_usual(_non_blank(paragraphs), fmt, clean)


def _non_blank(paragraphs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    raw: list[tuple[str, int]] = []
    for text, bold_len in paragraphs:
        text = text.rstrip()
        if text:  # (after rstrip, any character left is not blank)
            raw.append((text, bold_len))
    return raw


def _join_usual(raw: list[tuple[str, int]], fmt: str, clean: bool = False) -> Extracted | None:
    joined = "\n\n".join(t for t, _ in raw)
    # no CR, already NFC, nothing clean_controls would remove or replace
    if "\r" in joined or not unicodedata.is_normalized("NFC", joined):
        return None
    if not clean and has_controls(joined):
        return None
    bold: dict[int, int] = {}
    pos = 0
    for text, bold_len in raw:
        if bold_len:
            bold[pos] = bold_len
        pos += len(text) + 2
    return Extracted(joined, None, fmt, bold, [])


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
