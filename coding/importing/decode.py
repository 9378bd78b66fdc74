"""Bytes to text: BOMs, UTF-16 without BOM, strict UTF-8, then charset detection.

The order matters for speed and for correctness: a byte-order mark is authoritative; valid
UTF-8 is accepted as UTF-8 (legacy-encoded text that happens to be valid UTF-8 is vanishingly
rare); only then is ``charset-normalizer`` asked. Its guesses among the Latin single-byte
code pages are unreliable on short texts (Windows-1252 text is often reported as cp1257 or
cp1250), so when it picks one of those and the bytes are valid Windows-1252, Windows-1252
wins. ``--encoding`` overrides everything.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from coding.importing.errors import refuse

# Magic numbers of formats that are not text, with how to describe them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (perhaps a Word or Excel file)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a binary Office file"),
    (b"%PDF", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte code pages that charset-normalizer confuses with Windows-1252.
_LATIN_FAMILY = {
    "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "mac_latin2", "mac_roman", "mac_iceland", "mac_turkish", "cp775", "cp850", "cp852",
    "cp437", "cp858", "cp860", "cp861", "cp863", "cp865", "hp_roman8", "ptcp154",
}  # fmt: skip


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name as reported to the user (utf-8, utf-16-le, cp949 …)


def sniff_binary(raw: bytes) -> str | None:
    """A description of what ``raw`` is if it starts with a known non-text magic number."""
    head = raw[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte is mostly NUL (BOM-less UTF-16)."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


def looks_binary(text: str) -> bool:
    """True when decoded text holds control or unassigned characters no text file has."""
    if "\x00" in text:
        return True
    sample = text[:20000]
    bad = 0
    for ch in sample:
        if (
            (ch < " " and ch not in "\t\n\r\f\v")
            or "\x7f" <= ch <= "\x9f"
            or (ch > "~" and unicodedata.category(ch) in ("Cn", "Co", "Cs"))
        ):
            bad += 1
    return bad > max(2, len(sample) // 200)


def canonical_encoding(name: str) -> str:
    """A codec's canonical name (``EUC-KR`` → ``euc_kr``), or refuse unknown names."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        from coding.errors import UserError

        raise UserError(f"{name!r} is not an encoding Python knows (try utf-8 or cp949).") from None


def decode_bytes(raw: bytes, filename: str, encoding: str | None = None) -> Decoded:
    """Decode a text file's bytes, or refuse with one sentence naming ``filename``."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise refuse(filename, "is empty")
    if encoding:
        codec = canonical_encoding(encoding)
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            raise refuse(
                filename, f"cannot be read as {encoding} (invalid byte at position {exc.start})"
            ) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        return Decoded(text, codec)
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                raise refuse(
                    filename, f"starts like {codec} text but is not valid {codec}"
                ) from None
            return Decoded(text, codec)
    what = sniff_binary(raw)
    if what is not None:
        raise refuse(filename, f"is {what}, not a text file")
    bomless = _utf16_without_bom(raw)
    if bomless is not None:
        try:
            text = raw.decode(bomless)
        except UnicodeDecodeError:
            text = ""
        if text and not looks_binary(text):
            return Decoded(text, bomless)
    if b"\x00" in raw:
        raise refuse(filename, "is a binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if looks_binary(text):
            raise refuse(filename, "is a binary file, not text")
        return Decoded(text, "utf-8" if not raw.isascii() else "ascii")
    return _detect(raw, filename)


def _detect(raw: bytes, filename: str) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise refuse(filename, "is a binary file or uses an unknown encoding (try --encoding)")
    codec = codecs.lookup(best.encoding).name
    if codec.replace("-", "_") in _LATIN_FAMILY:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if not looks_binary(text):
                return Decoded(text, "cp1252")
    if codec.replace("-", "_") in {"euc_kr", "johab"}:
        codec = "cp949"  # the superset Korean Windows writes; decodes every EUC-KR text
    try:
        text = raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = str(best)
    if looks_binary(text):
        raise refuse(filename, "is a binary file, not text")
    return Decoded(text, codec)
