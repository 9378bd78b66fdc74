"""Growing a range of a document's text to whole units: words, sentences, speaker turns
(or survey answers). Used to snap a selection to whole words and to spread a search hit
before it is coded (NVivo's "spread coding"). Offsets are code points; ranges are [start,
end). No Qt, no database.

A word is a run of letters, digits and ``_``, with an apostrophe or hyphen inside it
("don't", "self-regulated"); Hangul words are separated by spaces like Latin ones.
Chinese characters and Japanese kana have no spaces between words, so a selection there is
left where it is (each character counts as a word of its own).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from qualframe.coding.core.records import TurnRecord

_JOINERS = "'’-‐"
_NO_SPACES = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]]*(?=\s|$)|\n")


def _letter(c: str) -> bool:
    return (c.isalnum() or c == "_") and not _NO_SPACES.match(c)


def in_word(text: str, i: int) -> bool:
    """Whether character ``i`` belongs to a word (see the module's definition)."""
    if not 0 <= i < len(text):
        return False
    c = text[i]
    if _letter(c):
        return True
    return c in _JOINERS and 0 < i < len(text) - 1 and _letter(text[i - 1]) and _letter(text[i + 1])


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown so that it neither starts nor ends inside a word."""
    while start > 0 and in_word(text, start - 1) and in_word(text, start):
        start -= 1
    while end < len(text) and in_word(text, end - 1) and in_word(text, end):
        end += 1
    return start, end


def sentence_bounds(text: str, start: int, end: int, limit: tuple[int, int]) -> tuple[int, int]:
    """The sentence(s) holding [start, end): from after the previous sentence end (or line
    break) to the next one, inside ``limit`` (the speaker turn, so that a sentence never
    runs into another speaker's), white space trimmed."""
    lo, hi = limit
    a = lo
    for before in _SENTENCE_END.finditer(text, lo, start):
        a = before.end()
    after = _SENTENCE_END.search(text, end, hi)
    b = hi if after is None else after.start() if after.group() == "\n" else after.end()
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else (start, end)


class TurnIndex:
    """The turns of one document, for finding the turn that holds a position."""

    def __init__(self, turns: Sequence[TurnRecord]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self._starts = [t.start for t in self.turns]

    def at(self, pos: int) -> TurnRecord | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and self.turns[i].start <= pos < self.turns[i].end:
            return self.turns[i]
        return None

    def words(self, pos: int, text: str) -> tuple[int, int]:
        """The words of the turn holding ``pos`` (after its label); its paragraph when no
        turn holds it."""
        t = self.at(pos)
        if t is None:
            a = text.rfind("\n", 0, pos) + 1
            b = text.find("\n", pos)
            return a, len(text) if b < 0 else b
        w = t.label_end if t.label_end is not None and t.label_end > t.start else t.start
        return (w, t.end) if w <= pos else (t.start, t.end)


UNITS = ("match", "word", "sentence", "turn")


def spread(text: str, turns: TurnIndex, start: int, end: int, unit: str) -> tuple[int, int]:
    """[start, end) grown to the ``unit`` holding it: ``match`` (as is), ``word``,
    ``sentence`` or ``turn`` (the speaker turn's words, or the survey answer; the paragraph
    outside any turn)."""
    if unit == "match":
        return start, end
    if unit == "word":
        return snap_to_words(text, start, end)
    limit = turns.words(start, text)
    if unit == "sentence":
        return sentence_bounds(text, start, end, limit)
    if unit == "turn":
        a, b = limit
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return (a, b) if b > a and a <= start else (start, end)
    raise ValueError(f"unknown unit {unit!r}")
