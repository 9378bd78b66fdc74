"""Where coded segments are in one document, for painting (no Qt).

Segments are kept sorted by start with the longest length seen, so "segments touching this
range" is a binary search plus the matches (O(log n + k)); elementary intervals of equal
coverage come from one sweep over the boundaries (O(n log n)). Stripe lanes are assigned
greedily with heaps, so overlapping segments get distinct lanes.
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
        self.lanes: dict[str, int] = {}
        self._assign_lanes()

    def __len__(self) -> int:
        return len(self.items)

    def _assign_lanes(self) -> None:
        active: list[tuple[int, int]] = []  # (end, lane)
        free: list[int] = []
        count = 0
        for h in self.items:
            while active and active[0][0] <= h.start:
                _, lane = heapq.heappop(active)
                heapq.heappush(free, lane)
            if free:
                lane = heapq.heappop(free)
            else:
                lane = count
                count += 1
            self.lanes[h.guid] = lane
            heapq.heappush(active, (h.end, lane))

    def add(self, h: Highlight) -> None:
        if h.guid in self.by_guid:
            self.remove(h.guid)
        key = (h.start, h.end, h.guid)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self.items.insert(i, h)
        self.by_guid[h.guid] = h
        self.max_len = max(self.max_len, h.end - h.start)
        used = {self.lanes[o.guid] for o in self.overlapping(h.start, h.end) if o.guid != h.guid}
        lane = 0
        while lane in used:
            lane += 1
        self.lanes[h.guid] = lane

    def remove(self, guid: str) -> Highlight | None:
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
