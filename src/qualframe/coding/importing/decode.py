"""Bytes to text: BOMs, UTF-16 without BOM, strict UTF-8, then charset detection.

The order matters for speed and for correctness: a byte-order mark is authoritative; valid
UTF-8 is accepted as UTF-8 (legacy-encoded text that happens to be valid UTF-8 is vanishingly
rare); only then is ``charset-normalizer`` asked. Its guesses among the Latin single-byte
code pages are unreliable (Windows-1252 text reported as cp1257, Hungarian ISO-8859-2 text
scoring the same as Windows-1252, which turns ő into õ), so among the single-byte
candidates the one whose letters all belong to one European language's alphabet wins
(:func:`_latin`, judged by :mod:`.alphabets`); when two are close, a warning says so and the
preview shows a sample line. Short Korean texts are the other weak spot (a few CP949
syllables are often reported as Big5, a Latin code page, Urdu or EBCDIC), so text that
decodes as CP949 into mostly Hangul syllables is CP949 whatever was guessed, unless
charset-normalizer found Japanese text (kana): EUC-JP kana bytes decode as CP949 into Hangul
*jamo*, which real Korean text hardly has; and unless mostly-ASCII text reads in a Latin code
page as letters of one alphabet (Portuguese capitals ÇÃ are a Hangul syllable in CP949).
A UTF-16 guess for bytes without a NUL is never taken (a short CP949 line is often guessed
as UTF-16-BE). A Johab guess is reported as Johab.
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
from typing import TYPE_CHECKING

from qualframe.coding.importing.alphabets import alphabet_fit, common_words_language
from qualframe.coding.importing.errors import refuse

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

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
    # known to hold no character clean_controls removes or replaces (checked on the bytes)
    clean: bool = False


def has_controls(text: str) -> bool:
    """Whether :func:`clean_controls` would change ``text`` (remove or replace a character)."""
    return _CONTROLS.search(text) is not None


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
    # syllables only: EUC-JP kana decode as CP949 into Hangul jamo (U+3131…), not syllables
    hangul = sum(1 for ch in wide if "\uac00" <= ch <= "\ud7a3")
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
# Characters beyond the C1 controls, except blocks in which every character is assigned
# (Unicode 14, checked by a test): only those are looked up one by one.
_MAYBE_UNASSIGNED = re.compile(
    "[^\x00-\u0377\u03a3-\u052f\u1d00-\u1f15\u2000-\u2064\u2190-\u2426\u2460-\u2b73"
    "\u3000-\u303f\u3041-\u3096\u3099-\u30ff\u3131-\u318e\u3220-\ua48c\uac00-\ud7a3"
    "\uff01-\uffbe]"
)


def looks_binary(text: str, *, controls: bool = True, is_ascii: bool = False) -> bool:
    """True when decoded text holds control or unassigned characters no text file has.

    Regular expressions find the candidates, so only characters beyond ASCII and the C1
    controls are looked up one by one (English text has almost none). A caller that checked
    the bytes already says so: ``controls=False`` (no NUL, no C0 or C1 control), ``is_ascii``
    (nothing can be unassigned); the sample is scanned in place, never copied."""
    if controls and "\x00" in text:
        return True
    end = min(len(text), 20000)
    limit = max(2, end // 200)
    bad = len(_BINARY_CONTROLS.findall(text, 0, end)) if controls else 0
    if bad > limit:
        return True
    if is_ascii:
        return False
    for match in _MAYBE_UNASSIGNED.finditer(text, 0, end):
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
    if _blank(raw):
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
        is_ascii = raw.isascii()
        controls = utf8_controls(raw)
        if (controls or not is_ascii) and looks_binary(text, controls=controls, is_ascii=is_ascii):
            raise refuse(filename, "is a binary file, not text")
        return Decoded(text, "ascii" if is_ascii else "utf-8", clean=not controls)
    return _detect(raw, filename)


_BLANK = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


def _blank(raw: bytes) -> bool:
    """Whether ``raw`` holds only blanks, NULs and byte-order-mark bytes (an empty file);
    a file whose first bytes hold more is not copied to find out."""
    return not raw[:4096].strip(_BLANK) and not raw.strip(_BLANK)


_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
# UTF-8 of the other characters clean_controls removes or replaces, each behind the one lead
# byte that is looked for first (a byte search runs at memory speed; these are rare): C1
# controls and the soft hyphen, U+2028/2029, a BOM.
_CONTROL_SEQUENCES = (
    (b"\xc2", re.compile(b"\xc2[\x80-\x9f\xad]")),
    (b"\xe2", re.compile(b"\xe2\x80[\xa8\xa9]")),
    (b"\xef", re.compile(b"\xef\xbb\xbf")),
)


def utf8_controls(raw: bytes) -> bool:
    """Whether UTF-8 ``raw`` holds a character :func:`clean_controls` removes or replaces
    (also any NUL or C0/C1 control :func:`looks_binary` counts), tested on the bytes."""
    if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
        return True
    return any(lead in raw and seq.search(raw) is not None for lead, seq in _CONTROL_SEQUENCES)


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


# Single-byte candidates, in order of preference when they read a text equally well.
_LATIN_CANDIDATES = ("cp1252", "cp1250", "iso8859_2", "cp1257", "cp1254", "iso8859_15")


def _latin(raw: bytes) -> Decoded | None:
    """The reading in the single-byte code page whose text fits a language best; a close call
    is said in a warning, with a sample line."""
    scored: list[tuple[float, int, str, str, str]] = []
    language = common_words_language(raw.decode("latin-1"))
    for rank, codec in enumerate(_LATIN_CANDIDATES):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            continue
        share, fits, _ = alphabet_fit(text[:200_000], language)
        scored.append((share, -rank, codec, fits, text))
    if not scored:
        return None
    scored.sort(reverse=True)
    share, _, codec, fits, text = scored[0]
    rival = next((x for x in scored[1:] if x[4] != text), None)
    if rival is None or share - rival[0] >= 0.15:
        return Decoded(text, codec)
    line = _differing_line(text, rival[4])
    note = (
        f"its encoding was a close call: {codec} ({fits or 'no accented letters'}) was "
        f"chosen over {rival[2]}; check a line such as “{line}” and choose the encoding "
        "if it is wrong"
    )
    return Decoded(text, codec, (note,), line)


def _differing_line(text: str, other: str) -> str:
    """The first line where two different readings of the same bytes in single-byte code
    pages differ. There is one: the lines before the first differing character are the same
    in both, and the line holding it differs (only NEL, U+0085, which the ISO pages give for
    0x85, ends a line in one reading and not in the other)."""
    lines = zip(text.splitlines(), other.splitlines(), strict=False)
    return next(a.strip()[:80] for a, b in lines if a != b)


_JAPANESE = {
    "shift_jis", "cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "shift_jis_2004",
    "shift_jisx0213", "iso2022_jp",
}  # fmt: skip


def _name(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "_")


def _mostly_ascii(raw: bytes) -> bool:
    """Western text has few bytes above 0x7F; CJK text in a double-byte code page many."""
    sample = raw[:65536]
    return sum(1 for b in sample if b > 0x7F) < 0.15 * len(sample)


def _has_kana(text: str) -> bool:
    return sum(1 for ch in text[:20000] if "\u3041" <= ch <= "\u30ff") >= 2


def _detect(raw: bytes, filename: str) -> Decoded:
    from charset_normalizer import from_bytes

    # The bytes have no NUL (decode_bytes sent those to _with_stray_nuls): UTF-16 of text has
    # NULs (any space, digit or line break) and BOM-less UTF-16 was tried before, so such a
    # guess reads short CP949 text as nonsense. (UTF-32 of any text has NULs in every unit.)
    results = [r for r in from_bytes(raw) if not _name(r.encoding).startswith("utf_16")]
    # Japanese text (kana) found by any of charset-normalizer's readings wins over a Korean
    # or Chinese reading of the same bytes.
    japanese = next(
        (r for r in results if _name(r.encoding) in _JAPANESE and _has_kana(str(r))), None
    )
    if japanese is not None:
        return _as_guessed(raw, japanese, filename)
    codec = _name(results[0].encoding) if results else None
    if codec in _CJK_GUESSES | _LATIN_FAMILY and _mostly_ascii(raw):
        # A few accented letters in Western text, which charset-normalizer read as a handful
        # of CJK characters, or which CP949 reads as Hangul syllables (upper-case ÇÃ, ÇÕ in
        # Portuguese). The Latin reading wins when its letters fit one alphabet; after a
        # Latin guess it must hold letters: Hangul read as Latin-1 can give symbols only
        # (가 → °¡), and that text stays Korean.
        latin = _latin(raw)
        if latin is not None:
            share, _, seen = alphabet_fit(latin.text)
            if share >= 0.9 and (seen or codec in _CJK_GUESSES):
                return latin
    # Short Korean texts fool charset-normalizer whatever it guesses (Big5, a Latin page,
    # Urdu cp1006 or EBCDIC for 왜요?): CP949 whose letters are mostly Hangul is Korean.
    korean = _korean(raw)
    if korean is not None and not looks_binary(korean):
        return Decoded(korean, "cp949")
    if codec is None or codec in _LATIN_FAMILY:
        latin = _latin(raw)
        if latin is not None:
            return latin
    if not results:
        raise refuse(filename, "is a binary file or uses an unknown encoding (try --encoding)")
    return _as_guessed(raw, results[0], filename)


def _as_guessed(raw: bytes, best: CharsetMatch, filename: str) -> Decoded:
    """The text in charset-normalizer's reading ``best``, which decodes the whole of ``raw``
    (it drops a code page that fails on any byte). It merges an EUC-KR reading into the
    identical CP949 reading found before it, so Korean is reported as cp949."""
    codec = _name(best.encoding)
    text = raw.decode(codec)
    if looks_binary(text):
        raise refuse(filename, "is a binary file, not text")
    return Decoded(text, codec)
