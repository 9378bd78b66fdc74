"""Text from positioned characters: the layout rules of the PDF reader.

Input: per page, the characters in content order with their boxes (points, origin at the
bottom left), the page's width and height. Output: paragraphs in reading order.

* **Words** are separated where the text layer has a space or tab character, or where the gap
  between two glyphs' advance boxes is wider than 15% of the font size (so text whose glyphs are each
  positioned on their own still forms words, and words a tool separated by tabs do too).
* **Lines** gather the runs of characters that share a baseline; lines are read top to
  bottom, runs on a line left to right, whatever order the content stream drew them in.
* **Line numbers** (a column of small integers beside the text block, as MAXQDA and
  court-style transcripts print them) and **running headers and footers** (lines in the top
  or bottom margin that repeat on several pages once digits are ignored, or a page number
  alone) are removed.
* **Paragraphs** are rebuilt from geometry: a new paragraph starts after a vertical gap
  larger than the usual line pitch, after a line that ends well short of the text block's
  right edge, or when a line starts like ``Label:`` right after a line that ended a
  sentence. Lines of one paragraph are joined with a space.
* **Hyphens**: a soft hyphen at a line end is dropped; a hard hyphen before a lower-case
  continuation is dropped unless the hyphenated word occurs elsewhere in the document
  ("well-known"); before a capital it is kept without a space ("Mentoring-Programm").
* **Ligatures** (ﬁ, ﬂ, ﬀ, ﬃ, ﬄ, ﬅ, ﬆ) become their letters.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from typing import NamedTuple


class Char(NamedTuple):
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float


class Run(NamedTuple):
    text: str
    x0: float
    x1: float
    y0: float  # bottom of the run's glyph boxes
    y1: float  # top
    size: float


class Line(NamedTuple):
    runs: list[Run]
    y0: float
    y1: float
    size: float

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.runs)

    @property
    def x0(self) -> float:
        return self.runs[0].x0

    @property
    def x1(self) -> float:
        return self.runs[-1].x1


_WORD_GAP = 0.15  # of the font size: letters' advance boxes touch, a word space does not
_LIGATURES = {
    c: unicodedata.normalize("NFKC", c) for c in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
}
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:page|seite|página|pagina|page|oldal|페이지|p\.)\s*)?\d{1,4}"
    r"(?:\s*(?:of|von|de|sur|/|van|-)\s*\d{1,4})?[-–—\s]*$",
    re.I,
)
_LINE_NUMBER = re.compile(r"^\d{1,4}$")
_LABEL_START = re.compile(
    r"^(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[^\W\d][\w.'’/-]*(?: [\w.'’/-]+){0,2}\s?[:：](?:\s|$)"
)
_SENTENCE_END = tuple(".?!…:\"”'’)»」。？！")


def _runs(chars: list[Char]) -> list[Run]:
    """Characters in content order → runs of one baseline without big jumps."""
    runs: list[Run] = []
    parts: list[str] = []
    x0 = x1 = y0 = y1 = size = 0.0
    prev: Char | None = None
    space = False

    def close() -> None:
        if parts:
            text = "".join(parts).strip()
            if text:
                runs.append(Run(text, x0, x1, y0, y1, size))
        parts.clear()

    for c in chars:
        if c.ch.isspace() or (c.x1 - c.x0 <= 0 and c.y1 - c.y0 <= 0):
            space = space or c.ch.isspace()
            continue
        height = max(c.y1 - c.y0, 0.1)
        fsize = c.size or height
        if prev is not None:
            centre, prev_centre = (c.y0 + c.y1) / 2, (prev.y0 + prev.y1) / 2
            same_line = abs(centre - prev_centre) <= 0.5 * max(height, prev.y1 - prev.y0)
            gap = c.x0 - prev.x1
            if not same_line or gap < -2 * fsize or gap > 1.2 * fsize:
                close()
                prev = None
            elif space or gap > _WORD_GAP * fsize:
                parts.append(" ")
        if prev is None:
            x0, y0, y1, size = c.x0, c.y0, c.y1, fsize
        parts.append(_LIGATURES.get(c.ch, c.ch))
        x1 = max(x1, c.x1) if prev is not None else c.x1
        y0, y1 = min(y0, c.y0), max(y1, c.y1)
        prev = c
        space = False
    close()
    return runs


def _lines(runs: list[Run]) -> list[Line]:
    """Runs that share a baseline form a line; lines top to bottom, runs left to right."""
    ordered = sorted(runs, key=lambda r: -(r.y0 + r.y1) / 2)
    lines: list[list[Run]] = []
    for run in ordered:
        centre = (run.y0 + run.y1) / 2
        if lines:
            last = lines[-1]
            last_centre = statistics.fmean((r.y0 + r.y1) / 2 for r in last)
            tolerance = 0.45 * max(run.y1 - run.y0, max(r.y1 - r.y0 for r in last))
            if abs(centre - last_centre) <= tolerance:
                last.append(run)
                continue
        lines.append([run])
    out = []
    for group in lines:
        group.sort(key=lambda r: r.x0)
        out.append(
            Line(
                group,
                min(r.y0 for r in group),
                max(r.y1 for r in group),
                max(r.size for r in group),
            )
        )
    return out


def _drop_line_numbers(lines: list[Line]) -> tuple[list[Line], int]:
    """Remove a column of line numbers left or right of the text block."""
    texts = [r for ln in lines for r in ln.runs if not _LINE_NUMBER.match(r.text)]
    numbers = [r for ln in lines for r in ln.runs if _LINE_NUMBER.match(r.text)]
    if len(numbers) < 3 or not texts:
        return lines, 0
    left = min(r.x0 for r in texts)
    right = max(r.x1 for r in texts)
    margin = [r for r in numbers if r.x1 < left - 2 or r.x0 > right + 2]
    if len(margin) < 3:
        return lines, 0
    drop = set(margin)
    out = []
    for ln in lines:
        runs = [r for r in ln.runs if r not in drop]
        if runs:
            out.append(Line(runs, ln.y0, ln.y1, ln.size))
    return out, len(margin)


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).casefold()


def _drop_running_lines(
    pages: list[tuple[list[Line], float, float]],
) -> tuple[list[list[Line]], int]:
    """Remove running headers and footers: margin lines repeated on several pages (digits
    aside), and page numbers alone in a margin."""
    seen: dict[str, int] = {}
    for lines, _, height in pages:
        keys = {
            _margin_key(ln.text) for ln in lines if ln.y0 > 0.9 * height or ln.y1 < 0.1 * height
        }
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
    repeated = {k for k, n in seen.items() if n >= 2 and n >= 0.5 * len(pages)}
    out: list[list[Line]] = []
    dropped = 0
    for lines, _, height in pages:
        kept = []
        for ln in lines:
            in_margin = ln.y0 > 0.9 * height or ln.y1 < 0.1 * height
            if in_margin and (_margin_key(ln.text) in repeated or _PAGE_NUMBER.match(ln.text)):
                dropped += 1
                continue
            kept.append(ln)
        out.append(kept)
    return out, dropped


def _join(left: str, right: str, words: set[str]) -> str:
    """Join two lines of one paragraph, rejoining a word hyphenated at the line end."""
    if not left or not right:
        return left or right
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if left[-1] in "-\u2010" and len(left) > 1 and left[-2].isalpha() and right[0].isalpha():
        head = left[:-1].rsplit(" ", 1)[-1]
        tail = re.split(r"[\s.,;:!?)\]»”\"']", right, maxsplit=1)[0]
        if right[0].islower() and f"{head}-{tail}".casefold() not in words:
            return left[:-1] + right
        return left + right
    return f"{left} {right}"


def _pitch(lines: list[Line]) -> float:
    """The usual distance between the baselines of a paragraph's lines: the lower fifth of
    the steps (most steps may be paragraph gaps when paragraphs are one line long); on a page
    of a few lines, at most the usual leading of the font (1.25 times its size)."""
    steps = sorted(
        a.y0 - b.y0
        for a, b in itertools.pairwise(lines)
        if 0 < a.y0 - b.y0 < 2.5 * max(a.size, b.size, 1.0)
    )
    if len(steps) >= 4:
        return steps[len(steps) // 5]
    sizes = [ln.size for ln in lines if ln.size > 0]
    leading = 1.25 * statistics.median(sizes) if sizes else 0.0
    return min([*steps, leading]) if steps or leading else 0.0


def build_paragraphs(pages: list[tuple[list[Char], float, float]]) -> tuple[list[str], list[str]]:
    """Paragraphs in reading order from each page's characters; and notes for the user."""
    laid: list[tuple[list[Line], float, float]] = []
    numbers = 0
    for chars, width, height in pages:
        lines, n = _drop_line_numbers(_lines(_runs(chars)))
        numbers += n
        laid.append((lines, width, height))
    kept, running = _drop_running_lines(laid)
    words = {w.casefold() for lines in kept for ln in lines for w in ln.text.split() if "-" in w}
    paragraphs: list[str] = []
    current = ""
    previous: Line | None = None
    for lines in kept:
        if not lines:
            continue
        pitch = _pitch(lines)
        right = max(ln.x1 for ln in lines)
        left = min(ln.x0 for ln in lines)
        for i, ln in enumerate(lines):
            text = ln.text
            new = previous is None
            if previous is not None:
                ended = previous.text.rstrip().endswith(_SENTENCE_END)
                short = previous.x1 < left + 0.8 * (right - left)
                if i == 0:  # first line of a page: only the previous page's last line tells
                    new = short or (ended and _LABEL_START.match(text) is not None)
                else:
                    gap = lines[i - 1].y0 - ln.y0
                    new = (
                        (pitch > 0 and gap > 1.35 * pitch)
                        or short
                        or (ended and _LABEL_START.match(text) is not None)
                    )
            if new and current:
                paragraphs.append(current)
                current = ""
            current = _join(current, text, words) if current else text
            previous = ln
    if current:
        paragraphs.append(current)
    notes = []
    if numbers:
        notes.append(f"{numbers} line numbers printed beside the text were left out")
    if running:
        notes.append(f"{running} running header, footer or page-number lines were left out")
    return paragraphs, notes
