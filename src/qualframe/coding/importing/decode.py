"""Bytes to text: BOMs, UTF-16 without BOM, strict UTF-8, then charset detection.

The order matters for speed and for correctness: a byte-order mark is authoritative; valid
UTF-8 is accepted as UTF-8 (legacy-encoded text that happens to be valid UTF-8 is vanishingly
rare); only then is ``charset-normalizer`` asked. Its guesses among the Latin single-byte
code pages are unreliable on short texts (Windows-1252 text is often reported as cp1257 or
cp1250), so when it picks one of those and the bytes are valid Windows-1252, Windows-1252
wins. Short Korean texts are the other weak spot (a few CP949 syllables are often reported as
Big5 or a Latin code page), so text that decodes as CP949 into mostly Hangul is CP949.
``--encoding`` overrides everything.

A few stray NUL bytes in otherwise valid UTF-8 (a crashed editor's padding, a broken export)
are removed with a warning rather than refusing the whole file; a file with NULs that is not
otherwise text is still a binary file. :func:`clean_controls` removes the control characters
no transcript means to hold (DOS end-of-file marks, escape codes, stray BOMs) and turns the
other line separators (vertical tab, form feed, NEL, U+2028/2029) into ``\n``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice

from qualframe.coding.importing.errors import refuse

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


# Characters no transcript means to hold: C0 controls except tab/LF/CR, DEL, C1 controls,
# the other line/paragraph separators, a BOM or soft hyphen inside the text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\u00ad]")
_AS_NEWLINE = {"\x0b", "\x0c", "\x85", "\u2028", "\u2029"}
_CJK_GUESSES = {
    "big5", "big5hkscs", "cp950", "gb2312", "gbk", "gb18030", "hz", "shift_jis", "cp932",
    "euc_jp", "euc_jis_2004", "shift_jis_2004", "iso2022_jp", "iso2022_kr", "johab",
}  # fmt: skip


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name as reported to the user (utf-8, utf-16-le, cp949 …)
    warnings: tuple[str, ...] = ()  # what was repaired while decoding
    sample: str | None = None  # a line that shows a close choice between encodings


def clean_controls(text: str) -> tuple[str, int]:
    """``text`` without stray control characters, other line separators as ``\\n``;
    (cleaned text, number of characters removed)."""
    if _CONTROLS.search(text) is None:  # the usual case: one fast scan, no copy
        return text, 0
    removed = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal removed
        if m.group() in _AS_NEWLINE:
            return "\n"
        removed += 1
        return ""

    return _CONTROLS.sub(repl, text), removed


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _korean(raw: bytes) -> str | None:
    """The text when ``raw`` is CP949 whose letters are mostly Hangul (short texts fool
    charset-normalizer), else None. Most syllables of real Korean text are in the KS X 1001
    range (both bytes >= 0xA1); Western text that happens to decode as CP949 is not."""
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        return None
    wide = list(islice((ch for ch in text if ch > "\x7f"), 20000))
    if not wide:
        return None
    hangul = sum(1 for ch in wide if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    common = 0
    for ch in wide:
        b = ch.encode("cp949")
        if len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1:
            common += 1
    if hangul >= 0.8 * len(wide) and common >= 0.5 * len(wide):
        return text
    return None


def sniff_binary(raw: bytes) -> str | None:
    """A description of what ``raw`` is if it starts with a known non-text magic number."""
    head = raw[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return None


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs gather on one side of the byte pairs (BOM-less UTF-16).

    Latin text has a NUL in nearly every pair; Korean text only in its spaces, digits and
    punctuation (one pair in five or so), while some syllables (가 U+AC00, 대 U+B300) put a NUL
    on the other side. The caller still checks that the result decodes and reads as text."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul >= max(2, 0.1 * half) and even_nul <= odd_nul / 4:
        return "utf-16-le"
    if even_nul >= max(2, 0.1 * half) and odd_nul <= even_nul / 4:
        return "utf-16-be"
    return None


_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not tab, LF, VT, FF, CR
_BEYOND_LATIN1_CONTROLS = re.compile(r"[^\x00-\x9f]")


def looks_binary(text: str) -> bool:
    """True when decoded text holds control or unassigned characters no text file has.

    Regular expressions find the candidates, so only characters beyond ASCII and the C1
    controls are looked up one by one (English text has almost none)."""
    if "\x00" in text:
        return True
    sample = text[:20000]
    limit = max(2, len(sample) // 200)
    bad = len(_BINARY_CONTROLS.findall(sample))
    if bad > limit:
        return True
    for match in _BEYOND_LATIN1_CONTROLS.finditer(sample):
        if unicodedata.category(match.group()) in ("Cn", "Co", "Cs"):
            bad += 1
            if bad > limit:
                return True
    return False


def canonical_encoding(name: str) -> str:
    """A codec's canonical name (``EUC-KR`` → ``euc_kr``), or refuse unknown names."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        from qualframe.coding.core.errors import UserError

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
        return _with_stray_nuls(raw, filename)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if looks_binary(text):
            raise refuse(filename, "is a binary file, not text")
        return Decoded(text, "utf-8" if not raw.isascii() else "ascii")
    return _detect(raw, filename)


def _with_stray_nuls(raw: bytes, filename: str) -> Decoded:
    """UTF-8 text with NUL padding at its end (left by a crash or a preallocating program) or
    a few stray NULs inside: the NULs removed, with a warning."""
    body = raw.rstrip(b"\x00")
    nuls = raw.count(0)
    rest = body.replace(b"\x00", b"")
    if len(body) - len(rest) <= max(16, len(body) // 100) and rest.strip():
        try:
            text = rest.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if not looks_binary(text):
                note = f"{_plural(nuls, 'NUL byte')} (not text) removed"
                return Decoded(text, "ascii" if rest.isascii() else "utf-8", (note,))
    raise refuse(filename, "is a binary file, not text")


def _detect(raw: bytes, filename: str) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        korean = _korean(raw)
        if korean is not None and not looks_binary(korean):
            return Decoded(korean, "cp949")
        raise refuse(filename, "is a binary file or uses an unknown encoding (try --encoding)")
    codec = codecs.lookup(best.encoding).name
    if codec.replace("-", "_") not in {"euc_kr", "cp949"} and (
        codec.replace("-", "_") in _LATIN_FAMILY | _CJK_GUESSES
    ):
        korean = _korean(raw)
        if korean is not None and not looks_binary(korean):
            return Decoded(korean, "cp949")
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
