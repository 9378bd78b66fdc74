"""Plain text out of transcript files: which reader reads which file.

Each format has its reader module (``read_docx``, ``read_odt``, ``read_rtf``, ``read_pdf``,
``read_markdown``; plain text here); every reader returns an :class:`Extracted` holding the
stored form of the text (NFC, ``\\n`` line ends): headings and paragraphs become paragraphs
separated by a blank line, a table row becomes one line with its cells separated by tabs,
and line breaks inside a paragraph stay line breaks. For .docx, .odt, .rtf and .md a
paragraph whose leading run is bold reports that run as a speaker-label hint
(``Extracted.bold``: paragraph offset → length of the bold prefix). Every reader removes
stray control characters and says so in ``Extracted.warnings``.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.importing.containers import (
    CFB_MAGIC,
    check_office_container,
    mismatch,
    open_zip_part,
)
from qualframe.coding.importing.decode import clean_controls, decode_bytes
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extracted import Extracted, join_paragraphs, removed_warning

__all__ = [
    "CFB_MAGIC",
    "MARKDOWN_SUFFIXES",
    "TEXT_SUFFIXES",
    "TRANSCRIPT_SUFFIXES",
    "Extracted",
    "check_office_container",
    "extract_text_file",
    "extract_transcript",
    "join_paragraphs",
    "mismatch",
    "open_zip_part",
]

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt", ".text"} | MARKDOWN_SUFFIXES
TRANSCRIPT_SUFFIXES = TEXT_SUFFIXES | {".docx", ".odt", ".rtf", ".pdf"}


_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
# UTF-8 lead bytes of the other characters clean_controls removes or replaces: C1 controls
# and the soft hyphen (0xC2 …), U+2028/2029 (0xE2 0x80 0xA8/A9), a BOM (0xEF 0xBB 0xBF).
_CONTROL_SEQUENCES = (b"\xc2", b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xef\xbb\xbf")


def _utf8_controls(raw: bytes) -> bool:
    """Whether UTF-8 ``raw`` may hold a character :func:`clean_controls` removes: a quick
    byte-level test (``bytes.translate`` runs at memory speed), false positives allowed."""
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        return True
    return any(seq in raw for seq in _CONTROL_SEQUENCES)


def extract_text_file(
    raw: bytes, name: str, encoding: str | None = None, *, markdown: bool = False
) -> Extracted:
    decoded = decode_bytes(raw, name, encoding)
    if markdown:
        from qualframe.coding.importing.read_markdown import extract_markdown

        result = extract_markdown(decoded.text, decoded.encoding, list(decoded.warnings))
    else:
        text = decoded.text
        if "\r" in text or not unicodedata.is_normalized("NFC", text):
            text = normalise_text(text)
        removed = 0
        if not (decoded.encoding in ("utf-8", "ascii") and not _utf8_controls(raw)):
            text, removed = clean_controls(text)
        result = Extracted(
            text, decoded.encoding, "txt", warnings=[*decoded.warnings, *removed_warning(removed)]
        )
    result.sample = decoded.sample
    if not result.text.strip():
        raise refuse(name, "is empty")
    return result


def extract_transcript(
    path: Path, raw: bytes, encoding: str | None = None, *, force_text: bool = False
) -> Extracted:
    """Extract the stored text of a transcript file from its bytes."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or force_text or suffix in {".csv", ".tsv"}:
        return extract_text_file(raw, name, encoding, markdown=suffix in MARKDOWN_SUFFIXES)
    if suffix == ".docx":
        from qualframe.coding.importing.read_docx import extract_docx

        return extract_docx(raw, name)
    if suffix == ".odt":
        from qualframe.coding.importing.read_odt import extract_odt

        return extract_odt(raw, name)
    if suffix == ".rtf":
        from qualframe.coding.importing.read_rtf import extract_rtf

        return extract_rtf(raw, name, encoding)
    if suffix == ".pdf":
        from qualframe.coding.importing.read_pdf import extract_pdf

        return extract_pdf(raw, name)
    if suffix in {".doc", ".wpd", ".pages"}:
        raise refuse(name, f"is in a format Qualframe cannot read ({suffix}); save it as .docx")
    raise refuse(
        name,
        f"has an unsupported file type ({suffix or 'no extension'}); "
        "use .docx, .txt, .md, .odt, .rtf, .pdf, .csv or .xlsx",
    )
