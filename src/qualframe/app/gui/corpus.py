"""Document texts held in memory for search and keyword-in-context (no Qt).

Texts are read once, in one query, and dropped when documents are added. The window asks for
them on a background thread soon after it opens (:meth:`Corpus.preload`), so the first
project-wide search finds them in memory; a search that comes earlier waits for that read
instead of starting a second one. Project-wide search is a plain substring scan
(``str.find`` on a case-folded copy when folding keeps the length, a regular expression
otherwise), so offsets are code points exactly as stored. Hits are named tuples: thousands
are made per search, and a tuple is made several times faster than a frozen dataclass.
"""

from __future__ import annotations

import gc
import re
import threading
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text, document_texts, document_turns
from qualframe.coding.query.quotes import own_turn


@dataclass(frozen=True)
class Turn:
    start: int
    end: int
    words: int  # where the words start, after the speaker label
    speaker: str


class Hit(NamedTuple):
    document_guid: str
    document_name: str
    start: int
    end: int


class Corpus:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._texts: dict[str, str] | None = None
        self._single: dict[str, str] = {}
        self._lower: dict[str, str | None] = {}
        self.names: dict[str, str] = {}
        self.order: list[str] = []
        self._turns: dict[str, list[Turn]] = {}
        self._ends: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._generation = 0  # bumped by invalidate: a preload of older texts is dropped

    def preload(self) -> None:
        """Read and case-fold every text on a background thread (nothing happens when they
        are in memory or being read)."""
        if self._texts is not None or (self._loader is not None and self._loader.is_alive()):
            return
        self._loader = threading.Thread(
            target=self._preload, args=(self._generation,), name="corpus-preload", daemon=True
        )
        self._loader.start()

    def _preload(self, generation: int) -> None:
        try:
            rows = document_texts(self.project)
        except Exception:  # the project was closed meanwhile: the next search reads again
            return
        folded = {guid: _fold(text) for guid, _name, text in rows}
        with self._lock:
            if generation != self._generation or self._texts is not None:
                return
            self._set_texts(rows)
            self._lower.update(folded)

    def _wait_for_preload(self) -> None:
        loader = self._loader
        if loader is not None and loader is not threading.current_thread():
            loader.join()

    def _set_texts(self, rows: list[tuple[str, str, str]]) -> None:
        self._texts = {guid: text for guid, _name, text in rows}
        self.names = {guid: name for guid, name, _text in rows}
        self.order = [guid for guid, _name, _text in rows]

    def invalidate(self) -> None:
        self._generation += 1
        self._texts = None
        self._single.clear()
        self._lower.clear()
        self._turns.clear()
        self._ends.clear()

    def own_turn(self, guid: str, start: int, end: int) -> tuple[int, int]:
        """[start, end) cut to the turn it overlaps most (the turn it counts for, as the store
        decides): a quote never carries another speaker's words or label."""
        self.speakers(guid, start, end)  # reads the document's turns once
        best: Turn | None = None
        best_overlap = 0
        first = bisect_right(self._ends[guid], start)
        for t in self._turns[guid][first:]:
            if t.start >= end:
                break
            overlap = min(end, t.end) - max(start, t.start)
            if overlap > best_overlap:
                best, best_overlap = t, overlap
        return own_turn(start, end, (best.start, best.end) if best else None)

    def speakers(self, guid: str, start: int, end: int) -> list[str]:
        """Who speaks in [start, end) of a document, in order: the speakers of the turns
        whose words (after the speaker label) the range reaches. Turns are read once per
        document, when a painted row first needs them."""
        turns = self._turns.get(guid)
        if turns is None:
            try:
                records = document_turns(self.project, guid)
            except UserError:  # the document no longer exists
                records = []
            turns = self._turns[guid] = [
                Turn(t.start, t.end, t.label_end if t.label_end is not None else t.start,
                     t.pseudonym or t.label or "")
                for t in records
            ]  # fmt: skip
            self._ends[guid] = [t.end for t in turns]  # turns do not overlap: ends ascend
        out: list[str] = []
        first = bisect_right(self._ends[guid], start)
        for t in turns[first:]:
            if t.start >= end:
                break
            reaches_words = t.end > start and min(end, t.end) > max(start, t.words)
            if reaches_words and t.speaker and t.speaker not in out:
                out.append(t.speaker)
        return out

    def _load(self) -> dict[str, str]:
        if self._texts is None:
            self._wait_for_preload()
        if self._texts is None:
            rows = document_texts(self.project)
            with self._lock:
                self._set_texts(rows)
        assert self._texts is not None
        return self._texts

    def load(self) -> None:
        """Read every document's text now, with its case-folded copy (search needs both)."""
        for guid, text in self._load().items():
            self._folded(guid, text)

    def text(self, guid: str) -> str:
        """One document's text; read alone (not the whole corpus) until a search needs all."""
        if self._texts is not None:
            return self._texts.get(guid, "")
        cached = self._single.get(guid)
        if cached is None:
            try:
                cached = document_text(self.project, guid)
            except UserError:  # the document no longer exists
                cached = ""
            if len(self._single) > 64:
                self._single.clear()
            self._single[guid] = cached
        return cached

    def put(self, guid: str, text: str) -> None:
        """Offer a text already read elsewhere (the document view) to the cache."""
        if self._texts is not None and guid not in self._texts:
            self._texts[guid] = text

    def _folded(self, guid: str, text: str) -> str | None:
        if guid not in self._lower:
            self._lower[guid] = _fold(text)
        return self._lower[guid]

    def search(
        self,
        query: str,
        *,
        case_sensitive: bool = False,
        whole_words: bool = False,
        document_guid: str | None = None,
        limit: int = 20000,
    ) -> tuple[list[Hit], bool]:
        """Hits of ``query`` in document order; the flag says whether ``limit`` cut them."""
        texts = self._load()
        if not query:
            return [], False
        guids = [document_guid] if document_guid else self.order
        hits: list[Hit] = []
        # Thousands of hits are made in one go and all survive: without this, they set off a
        # full garbage collection over every object of the window in the middle of the search
        # (157-243 ms instead of ~85 ms for the first search on 300 transcripts).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for guid in guids:
                text = texts.get(guid)
                if text is None:
                    continue
                folded = None if case_sensitive or whole_words else self._folded(guid, text)
                name = self.names.get(guid, "")
                hits.extend(
                    [
                        Hit(guid, name, a, b)
                        for a, b in find_all(text, query, case_sensitive, whole_words, folded)
                    ]
                )
                if len(hits) >= limit:
                    return hits[:limit], True
        finally:
            if collecting:
                gc.enable()
        return hits, False

    def context(self, guid: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
        """(left, match, right) around a range, on one line."""
        text = self.text(guid)
        left = text[max(0, start - width) : start]
        right = text[end : end + width]
        if start - width > 0 and " " in left:
            left = left[left.index(" ") + 1 :]  # start at a word
        if end + width < len(text) and " " in right:
            right = right[: right.rindex(" ")]
        return _line(left), _line(text[start:end]), _line(right)


def _fold(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset (else None: search uses a regex)."""
    low = text.lower()
    return low if len(low) == len(text) else None


def _line(text: str) -> str:
    """``text`` on one line (runs of white space become one space, kept at the ends)."""
    if "\n" not in text and "  " not in text:
        return text
    body = " ".join(text.split())
    if text[:1].isspace() and body:
        body = " " + body
    if text[-1:].isspace() and body:
        body += " "
    return body


def find_all(
    text: str,
    query: str,
    case_sensitive: bool = False,
    whole_words: bool = False,
    folded: str | None = None,
) -> list[tuple[int, int]]:
    """Ranges (code points) of ``query`` in ``text``. ``folded`` is ``text.lower()`` when
    that keeps every offset (pass it to reuse a cached copy)."""
    if not query:
        return []
    n = len(query)
    out: list[tuple[int, int]] = []
    if not whole_words:
        if case_sensitive:
            hay, needle = text, query
        else:
            hay = folded if folded is not None else text.lower()
            needle = query.lower()
            if len(hay) != len(text) or len(needle) != n:
                hay = ""  # folding changed lengths: use a regular expression
        if hay:
            pos = hay.find(needle)
            while pos >= 0:
                out.append((pos, pos + n))
                pos = hay.find(needle, pos + n)
            return out
    body = re.escape(query)
    if whole_words:
        body = rf"(?<!\w){body}(?!\w)"
    pattern = re.compile(body, 0 if case_sensitive else re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]
