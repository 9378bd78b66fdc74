"""Converting text positions between the ways tools count them and Qualframe's stored form.

Qualframe stores a text NFC-normalised with ``\\n`` line ends and counts positions in Unicode
code points (end exclusive), which is what REFI-QDA 1.5 prescribes (§10.2). Other tools
count differently (measured on real exports, see ``docs/refi-qda.md``):

* NVivo counts UTF-16 code units (an emoji is two) and a CRLF of its Windows files as two;
* ATLAS.ti writes CRLF files but counts a line break as one character;
* the spec, Qualframe and QualCoder count code points of the file as written.

A :class:`Reading` names one such convention; :class:`SourceText` turns a source file's text
into the stored text and maps positions of any reading onto it, so that every coding covers
the same characters it covered in the tool that wrote it. :class:`OffsetMap` is the general
piece: positions through a list of replacements (also used when an export replaces real
names by pseudonyms).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qualframe.coding.corpus.documents import normalise_text

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")


@dataclass(frozen=True)
class Edit:
    """``old_len`` characters at ``old_start`` became ``new_len`` characters."""

    old_start: int
    old_len: int
    new_len: int


class OffsetMap:
    """Maps positions of a text through non-overlapping, sorted edits.

    A position inside an edited stretch is moved to the stretch's start when it starts a
    range and to its end when it ends one, so a range never loses part of a character.
    """

    def __init__(self, edits: Iterable[Edit]) -> None:
        self._edits = sorted(edits, key=lambda e: e.old_start)
        self._starts = [e.old_start for e in self._edits]
        self._shift = [0]  # shift of everything after edits[0:i]
        for e in self._edits:
            self._shift.append(self._shift[-1] + e.new_len - e.old_len)

    def __bool__(self) -> bool:
        return bool(self._edits)

    def map(self, pos: int, *, end: bool = False) -> int:
        i = bisect_left(self._starts, pos)  # edits[0:i] start before pos
        if i and pos < self._edits[i - 1].old_start + self._edits[i - 1].old_len:
            e = self._edits[i - 1]
            new_start = e.old_start + self._shift[i - 1]
            return new_start + e.new_len if end else new_start
        return pos + self._shift[i]

    def map_range(self, start: int, end: int) -> tuple[int, int]:
        return self.map(start), self.map(end, end=True)


@dataclass(frozen=True)
class Reading:
    """How a tool counted positions: in code points or UTF-16 units, and whether a CRLF
    line end of its file counts as two characters (as written) or one."""

    utf16: bool
    crlf_as_one: bool

    @property
    def label(self) -> str:
        units = "UTF-16 units" if self.utf16 else "code points"
        return f"{units}, CRLF as {'one' if self.crlf_as_one else 'two'}"


SPEC = Reading(utf16=False, crlf_as_one=False)
READINGS = (
    SPEC,
    Reading(utf16=True, crlf_as_one=False),
    Reading(utf16=False, crlf_as_one=True),
    Reading(utf16=True, crlf_as_one=True),
)


def producer_reading(origin: str | None) -> tuple[Reading, str]:
    """The convention of the tool named in ``Project@origin`` (the spec's when unknown), and
    the producer's short name for reports."""
    low = (origin or "").casefold()
    if "nvivo" in low:
        return Reading(utf16=True, crlf_as_one=False), "NVivo"
    if "atlas.ti" in low or "atlasti" in low:
        return Reading(utf16=False, crlf_as_one=True), "ATLAS.ti"
    for name in ("MAXQDA", "QualCoder", "Qualframe", "Taguette", "Quirkos", "Dedoose"):
        if name.casefold() in low:
            return SPEC, name
    return SPEC, (origin or "an unnamed tool").strip() or "an unnamed tool"


def _nfc_edits(text: str) -> list[Edit]:
    """Edits that NFC-normalise ``text`` (no ``\\r``), cluster by cluster."""
    if unicodedata.is_normalized("NFC", text):
        return []
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        if not unicodedata.is_normalized("NFC", line):
            edits.extend(_line_nfc_edits(line, offset))
        offset += len(line) + 1
    return edits


def _line_nfc_edits(line: str, offset: int) -> list[Edit]:
    # Clusters start at characters of combining class 0; two neighbours are joined when
    # normalising them together differs from normalising them apart (Hangul jamo, the few
    # two-part vowels that compose across starters).
    clusters: list[list[int]] = []  # [start, end]
    for i, ch in enumerate(line):
        if not clusters or unicodedata.combining(ch) == 0:
            clusters.append([i, i + 1])
        else:
            clusters[-1][1] = i + 1
    merged: list[list[int]] = []
    for c in clusters:
        if merged:
            prev = line[merged[-1][0] : merged[-1][1]]
            cur = line[c[0] : c[1]]
            both = unicodedata.normalize("NFC", prev + cur)
            if both != unicodedata.normalize("NFC", prev) + unicodedata.normalize("NFC", cur):
                merged[-1][1] = c[1]
                continue
        merged.append(c)
    edits = []
    out = []
    for a, b in merged:
        piece = line[a:b]
        norm = unicodedata.normalize("NFC", piece)
        out.append(norm)
        if norm != piece:
            edits.append(Edit(offset + a, b - a, len(norm)))
    if "".join(out) != unicodedata.normalize("NFC", line):  # never seen; stay correct anyway
        whole = unicodedata.normalize("NFC", line)
        return [Edit(offset, len(line), len(whole))]
    return edits


def _astral_edits(text: str) -> list[Edit]:
    """Edits from UTF-16 units of ``text`` to its code points (each astral character is two
    units and one code point)."""
    return [Edit(m.start() + k, 2, 1) for k, m in enumerate(_ASTRAL.finditer(text))]


class SourceText:
    """A source file's text (decoded, BOM removed): its stored form and position maps."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._crlf = OffsetMap(Edit(m.start(), 2, 1) for m in _CRLF.finditer(raw))
        lf = raw.replace("\r\n", "\n").replace("\r", "\n")
        self._lf = lf
        self._nfc = OffsetMap(_nfc_edits(lf))
        self.text = unicodedata.normalize("NFC", lf)
        assert self.text == normalise_text(raw)
        self._maps: dict[Reading, tuple[OffsetMap, int]] = {}

    @property
    def has_crlf(self) -> bool:
        return bool(self._crlf)

    @property
    def has_astral(self) -> bool:
        return _ASTRAL.search(self._lf) is not None

    def readings_differ(self) -> bool:
        """Whether the readings can disagree at all on this text."""
        return self.has_crlf or self.has_astral

    def _units(self, reading: Reading) -> tuple[OffsetMap, int]:
        cached = self._maps.get(reading)
        if cached is None:
            base = self._lf if reading.crlf_as_one else self.raw
            astral = OffsetMap(_astral_edits(base) if reading.utf16 else [])
            length = len(base) + (len(_ASTRAL.findall(base)) if reading.utf16 else 0)
            cached = self._maps[reading] = (astral, length)
        return cached

    def map_range(self, reading: Reading, start: int, end: int) -> tuple[int, int] | None:
        """[start, end) of ``reading`` as stored code points; None when it lies outside the
        text or covers no character."""
        astral, length = self._units(reading)
        if not (0 <= start <= end <= length):
            return None
        s, e = astral.map_range(start, end)
        if not reading.crlf_as_one:
            s, e = self._crlf.map_range(s, e)
        s, e = self._nfc.map_range(s, e)
        if s >= e:
            return None
        return s, e


def _on_boundary(text: str, pos: int) -> bool:
    if pos <= 0 or pos >= len(text):
        return True
    return not (text[pos - 1].isalnum() and text[pos].isalnum())


def boundary_share(
    source: SourceText, reading: Reading, ranges: Sequence[tuple[int, int]]
) -> float:
    """The share of ``ranges`` that, read with ``reading``, lie in the text and start and end
    between words: a coder selects whole words, so the right reading scores near 1."""
    if not ranges:
        return 1.0
    good = 0
    for start, end in ranges:
        mapped = source.map_range(reading, start, end)
        if mapped is not None and _on_boundary(source.text, mapped[0]):
            good += _on_boundary(source.text, mapped[1])
    return good / len(ranges)


def choose_reading(
    source: SourceText, expected: Reading, ranges: Sequence[tuple[int, int]]
) -> tuple[Reading, dict[Reading, float]]:
    """The reading to use for ``ranges`` of ``source``: the producer's (``expected``) unless
    the words line up clearly better with another (at least 10 ranges, the expected reading
    below 60 % on word boundaries and another 30 points better). Returns the scores too."""
    if not source.readings_differ() or not ranges:
        return expected, {}
    scores = {r: boundary_share(source, r, ranges) for r in READINGS}
    best = max(READINGS, key=lambda r: (scores[r], r == expected))
    if len(ranges) >= 10 and scores[expected] < 0.6 and scores[best] >= scores[expected] + 0.3:
        return best, scores
    return expected, scores
