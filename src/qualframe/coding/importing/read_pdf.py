"""The text of a PDF's text layer, read with PDFium (``pypdfium2``).

Why PDFium and not pdfminer.six/pdfplumber: on the test corpus both give the same words once
the layout rules below are applied, but PDFium is a C++ engine (Chrome's) and reads a page
in a few milliseconds where pdfminer's pure-Python layout analysis takes tens; it ships the
CJK character maps that Japanese and Korean CID fonts need, and it says, character by
character, when a font has no Unicode mapping (``FPDFText_HasUnicodeMapError``), which is how
garbled text layers are recognised. The comparison is in docs/benchmarks.md.

PDFium's own text output is not used: it joins words that are separated by a tab character
(MAXQDA's exports put one between every word) and knows nothing of transcripts. Instead every
character is read with its box, and :mod:`pdf_layout` rebuilds the text: words from gaps,
lines from baselines, reading order from position, paragraphs from line geometry, running
headers, footers and line-number columns removed, ligatures expanded, hyphenated words
rejoined.
"""

from __future__ import annotations

import ctypes
import unicodedata

from qualframe.coding.importing.containers import mismatch
from qualframe.coding.importing.errors import ImportRefused, refuse
from qualframe.coding.importing.extracted import Extracted, join_paragraphs
from qualframe.coding.importing.pdf_layout import Char, build_paragraphs

# More than this share of unreadable characters (no Unicode mapping, control or private-use
# characters) means the text layer is garbled.
GARBLED_SHARE = 0.05
MAX_PAGES = 5000


def _page_chars(raw_api: object, page: object) -> tuple[list[Char], int, int]:
    """The characters of one page: (chars, how many are unreadable, how many in all)."""
    api = raw_api
    textpage = api.FPDFText_LoadPage(page)  # type: ignore[attr-defined]
    try:
        n = api.FPDFText_CountChars(textpage)  # type: ignore[attr-defined]
        rect = api.FS_RECTF()  # type: ignore[attr-defined]
        ref = ctypes.byref(rect)
        # loose boxes follow the glyphs' advance widths: letters of a word touch, a word
        # space leaves a gap (tight glyph boxes leave gaps inside words too)
        loose_box = api.FPDFText_GetLooseCharBox  # type: ignore[attr-defined]
        unicode_of = api.FPDFText_GetUnicode  # type: ignore[attr-defined]
        generated = api.FPDFText_IsGenerated  # type: ignore[attr-defined]
        map_error = api.FPDFText_HasUnicodeMapError  # type: ignore[attr-defined]
        is_hyphen = api.FPDFText_IsHyphen  # type: ignore[attr-defined]
        size_of = api.FPDFText_GetFontSize  # type: ignore[attr-defined]
        chars: list[Char] = []
        bad = 0
        counted = 0
        for i in range(n):
            if generated(textpage, i) == 1:
                continue
            code = unicode_of(textpage, i)
            loose_box(textpage, i, ref)
            if code == 2 or is_hyphen(textpage, i) == 1:
                ch = "-"  # PDFium marks a hyphen at a line end with U+0002
            elif code == 0:
                # a glyph with no character (the tab some exporters draw between words):
                # a word separator
                ch = " "
            else:
                ch = chr(code) if code < 0x110000 else "\ufffd"
                if ch in "\r\n":
                    continue
                if not ch.isspace():
                    counted += 1
                    if map_error(textpage, i) == 1 or _unreadable(ch):
                        bad += 1
            chars.append(
                Char(ch, rect.left, rect.bottom, rect.right, rect.top, size_of(textpage, i))
            )
        return chars, bad, counted
    finally:
        api.FPDFText_ClosePage(textpage)  # type: ignore[attr-defined]


def _unreadable(ch: str) -> bool:
    if ch == "\ufffd" or ("\ue000" <= ch <= "\uf8ff"):
        return True
    return unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")


def _open(raw: bytes, name: str) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise refuse(
                name, "is password-protected; remove the password and import again"
            ) from None
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None


def extract_pdf(raw: bytes, name: str) -> Extracted:
    if not raw.strip():
        raise refuse(name, "is empty")
    if b"%PDF" not in raw[:1024]:
        raise mismatch(raw, name, "a PDF document")
    import pypdfium2.raw as pdfium_c

    document = _open(raw, name)
    pages: list[tuple[list[Char], float, float]] = []
    bad = counted = 0
    try:
        count = len(document)  # type: ignore[arg-type]
        if count > MAX_PAGES:
            raise refuse(name, f"has {count:,} pages, more than a transcript can have")
        for index in range(count):
            page = document[index]  # type: ignore[index]
            try:
                chars, page_bad, page_counted = _page_chars(pdfium_c, page.raw)
                pages.append((chars, page.get_width(), page.get_height()))
            finally:
                page.close()
            bad += page_bad
            counted += page_counted
    except ImportRefused:
        raise
    except Exception:  # PDFium reports damage with plain errors
        raise refuse(name, "is damaged and cannot be read as a PDF document") from None
    finally:
        document.close()  # type: ignore[attr-defined]
    if counted >= 20 and bad > GARBLED_SHARE * counted:
        raise refuse(
            name,
            f"has a text layer that cannot be read: {bad * 100 // counted}% of its characters "
            "have no Unicode meaning (its fonts carry no character map), so the text would be "
            "garbled; export the PDF again with Unicode fonts, or run text recognition (OCR) "
            "on it",
        )
    paragraphs, notes = build_paragraphs(pages)
    result = join_paragraphs(((p, 0) for p in paragraphs), "pdf")
    result.warnings.extend(notes)
    if not result.text.strip():
        raise refuse(
            name,
            "has no text layer (it is probably a scan); run text recognition (OCR) on it "
            "and import the result",
        )
    return result
