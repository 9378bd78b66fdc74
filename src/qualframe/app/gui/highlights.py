"""Where coded segments are in one document, for painting (no Qt).

Segments are kept sorted by start with the longest length seen, so "segments touching this
range" is a binary search plus the matches (O(log n + k)); elementary intervals of equal
coverage come from one sweep over the boundaries (O(n log n)). Stripe columns belong to
codes: every segment of a code is drawn in its code's column, and codes that overlap
somewhere get distinct columns.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import pairwise

from qualframe.coding.corpus.segments import Highlight


class HighlightIndex:
    def __init__(self, highlights: Iterable[Highlight] = ()) -> None:
        self.items: list[Highlight] = sorted(highlights, key=lambda h: (h.start, h.end, h.guid))
        self.by_guid = {h.guid: h for h in self.items}
        self._keys = [(h.start, h.end, h.guid) for h in self.items]
        self.max_len = max((h.end - h.start for h in self.items), default=0)
        self.lanes: dict[str, int] = {}  # segment guid -> stripe column
        self.code_columns: dict[str, int] = {}  # code guid -> stripe column
        self._assign_lanes()

    def __len__(self) -> int:
        return len(self.items)

    def _assign_lanes(self) -> None:
        """One stripe column per code (NVivo/MAXQDA style): all segments of a code share its
        column; codes whose segments overlap get different columns, codes that never meet
        may share one. Columns go to codes in order of first appearance (greedy colouring
        of the overlap graph, found by one sweep over the segments)."""
        conflicts: dict[str, set[str]] = {}
        order: list[str] = []
        active: list[tuple[int, int, str]] = []  # (end, tie, code) of the open segments
        for i, h in enumerate(self.items):
            while active and active[0][0] <= h.start:
                heapq.heappop(active)
            if h.code_guid not in conflicts:
                conflicts[h.code_guid] = set()
                order.append(h.code_guid)
            for _, _, other in active:
                if other != h.code_guid:
                    conflicts[h.code_guid].add(other)
                    conflicts[other].add(h.code_guid)
            heapq.heappush(active, (h.end, i, h.code_guid))
        column: dict[str, int] = {}
        for code in order:
            taken = {column[c] for c in conflicts[code] if c in column}
            col = 0
            while col in taken:
                col += 1
            column[code] = col
        self.code_columns = column
        self.lanes = {h.guid: column[h.code_guid] for h in self.items}

    def relane(self) -> None:
        """Re-assign every stripe column from scratch."""
        self._assign_lanes()

    def _place(self, h: Highlight) -> None:
        """Give a new segment its code's column (O(k) for k overlapping segments); only when
        that column is taken there by another code are all columns re-assigned."""
        taken = {
            self.lanes[o.guid]
            for o in self.overlapping(h.start, h.end)
            if o.code_guid != h.code_guid and o.guid in self.lanes
        }
        col = self.code_columns.get(h.code_guid)
        if col is None:
            col = 0
            while col in taken:
                col += 1
            self.code_columns[h.code_guid] = col
        elif col in taken:
            self._assign_lanes()
            return
        self.lanes[h.guid] = col

    def add(self, h: Highlight) -> None:
        if h.guid in self.by_guid:
            self.remove(h.guid)
        key = (h.start, h.end, h.guid)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self.items.insert(i, h)
        self.by_guid[h.guid] = h
        self.max_len = max(self.max_len, h.end - h.start)
        self._place(h)

    def remove(self, guid: str) -> Highlight | None:
        """Take a segment out (the columns stay valid: removing never makes two codes meet)."""
        h = self.by_guid.pop(guid, None)
        if h is None:
            return None
        i = bisect_left(self._keys, (h.start, h.end, h.guid))
        del self._keys[i]
        del self.items[i]
        self.lanes.pop(guid, None)
        return h

    def overlapping(self, start: int, end: int) -> list[Highlight]:
        """Segments that share at least one character with [start, end) (or contain the
        point ``start`` when ``start == end``)."""
        lo = bisect_left(self._keys, (start - self.max_len,))
        hi = bisect_right(self._keys, (end if end > start else start + 1,))
        return [h for h in self.items[lo:hi] if h.end > start and h.start < max(end, start + 1)]

    def at(self, pos: int) -> list[Highlight]:
        return [h for h in self.overlapping(pos, pos + 1)]

    def intervals(self, start: int, end: int) -> list[tuple[int, int, list[Highlight]]]:
        """Maximal sub-ranges of [start, end) with the same non-empty set of segments."""
        segs = self.overlapping(start, end)
        if not segs:
            return []
        points = {start, end}
        for h in segs:
            if start < h.start < end:
                points.add(h.start)
            if start < h.end < end:
                points.add(h.end)
        bounds = sorted(points)
        starts = sorted(segs, key=lambda h: h.start)
        ends = sorted(segs, key=lambda h: h.end)
        active: dict[str, Highlight] = {}
        si = ei = 0
        out: list[tuple[int, int, list[Highlight]]] = []
        for a, b in pairwise(bounds):
            while ei < len(ends) and ends[ei].end <= a:
                active.pop(ends[ei].guid, None)
                ei += 1
            while si < len(starts) and starts[si].start <= a:
                if starts[si].end > a:
                    active[starts[si].guid] = starts[si]
                si += 1
            if active:
                out.append((a, b, list(active.values())))
        return out
