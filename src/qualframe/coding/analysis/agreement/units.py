"""From coded ranges to per-unit agreement sums, at three units (pure numpy, no database).

The input (:class:`Codings`) is plain arrays: each segment's document, code, coder (indices)
and range in code points; each document's length; the speaker turns / survey answers.
Everything is put on one global axis (document *d* starts at the sum of the lengths before
it), so that one sort serves all documents.

- **character**: every code point of a counted document is a unit. Each coder's segments of a
  code are first merged (a coder who coded the same characters twice coded them once), then
  one sweep over the start and end points of all coders gives runs of characters with the
  same set of coders (a bit mask); a run of ``w`` characters is ``w`` units.
- **turn**: every speaker turn or survey answer of a counted document is a unit; a code is
  present in it for a coder when one of that coder's segments of the code shares a character
  with it. Text outside any turn is not a unit at this level.
- **document**: every counted document is a unit; a code is present when the coder applied
  it anywhere in the document.

The result (:class:`UnitTable`) holds, for each *block* (the pieces the bootstrap resamples)
and each code, the sums of :mod:`stats`: for characters the blocks are the speaker turns, each with the line breaks after it (a
text without turns is cut at its paragraphs), because neighbouring
characters are not independent; for turns each turn is its own block; for documents each
document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from qualframe.coding.analysis.agreement.stats import unit_sums

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
UNITS = ("character", "turn", "document")
MAX_CODERS = 16


@dataclass(frozen=True)
class Codings:
    """Coded ranges of ``m`` coders in the counted documents, as index arrays."""

    m: int
    n_codes: int
    doc_length: IntArray
    seg_doc: IntArray
    seg_code: IntArray
    seg_coder: IntArray
    seg_start: IntArray
    seg_end: IntArray
    turn_doc: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    turn_start: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    turn_end: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # extra places (document index, offset) where character blocks are cut: paragraph
    # breaks of texts that have no turns
    cut_doc: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    cut_at: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def offsets(self) -> IntArray:
        return np.concatenate([[0], np.cumsum(self.doc_length)]).astype(np.int64)


@dataclass(frozen=True)
class UnitTable:
    """Agreement sums per (block, code) entry, and the units counted in each block."""

    unit: str
    m: int
    n_codes: int
    block_units: FloatArray  # units counted in each block (after any exclusion)
    entry_block: IntArray
    entry_code: IntArray
    entry_o01: FloatArray
    entry_o11: FloatArray
    entry_a10: FloatArray
    entry_coded: FloatArray  # units of the block some coder applied the code to
    total_units: float  # units before any exclusion
    uncoded_units: float  # units no compared coder coded with any code
    excluded_uncoded: bool
    documents_without_units: tuple[int, ...] = ()  # e.g. no turns at the turn unit


def popcounts(m: int) -> IntArray:
    if m > MAX_CODERS:
        raise ValueError(f"at most {MAX_CODERS} coders can be compared at once")
    return np.array([bin(i).count("1") for i in range(1 << m)], dtype=np.int64)


def merge_intervals(
    key: IntArray, start: IntArray, end: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """The union of the intervals of each key: (key, start, end) of disjoint runs, sorted."""
    if len(key) == 0:
        return key, start, end
    order = np.lexsort((start, key))
    k, s, e = key[order], start[order], end[order]
    span = int(e.max()) + 1
    shifted = e + k * span  # keys ascend, so a running maximum never crosses into a key
    reach = np.maximum.accumulate(shifted) - k * span
    new = np.ones(len(k), dtype=bool)
    new[1:] = (k[1:] != k[:-1]) | (s[1:] > reach[:-1])
    first = np.flatnonzero(new)
    return k[first], s[first], np.maximum.reduceat(e, first)


def _blocks_for_characters(c: Codings) -> tuple[IntArray, IntArray]:
    """Global (start, end) of the blocks tiling every counted document."""
    off = c.offsets
    # a block runs from a turn's start to the next turn's start (the line breaks after a
    # turn go with it); text before a document's first turn is a block of its own
    bounds = [off, off[c.turn_doc] + c.turn_start, off[c.cut_doc] + c.cut_at]
    points = np.unique(np.concatenate(bounds))
    return points[:-1], points[1:]


def _aggregate(
    block: IntArray, code: IntArray, n_codes: int, columns: list[FloatArray]
) -> tuple[IntArray, IntArray, list[FloatArray]]:
    if len(block) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, [np.zeros(0) for _ in columns]
    key = block * n_codes + code
    uniq, inverse = np.unique(key, return_inverse=True)
    sums = [
        np.bincount(inverse, weights=col, minlength=len(uniq)).astype(np.float64) for col in columns
    ]
    return uniq // n_codes, uniq % n_codes, sums


def character_table(c: Codings, *, exclude_uncoded: bool = False) -> UnitTable:
    """Character-level sums (see the module docstring)."""
    off = c.offsets
    bstart, bend = _blocks_for_characters(c)
    gs, ge = off[c.seg_doc] + c.seg_start, off[c.seg_doc] + c.seg_end
    mk, ms, me = merge_intervals(c.seg_code * c.m + c.seg_coder, gs, ge)
    # cut each run at the block boundaries inside it
    b0 = np.searchsorted(bstart, ms, "right") - 1
    b1 = np.searchsorted(bstart, me - 1, "right") - 1
    reps = b1 - b0 + 1
    first = np.repeat(np.cumsum(reps) - reps, reps)
    pb = np.repeat(b0, reps) + (np.arange(int(reps.sum())) - first)
    ps = np.maximum(np.repeat(ms, reps), bstart[pb])
    pe = np.minimum(np.repeat(me, reps), bend[pb])
    pk = np.repeat(mk, reps)
    code, coder = pk // c.m, pk % c.m
    # sweep: +bit at a start, -bit at an end; the running sum is the mask of coders
    pos = np.concatenate([ps, pe])
    bit = np.left_shift(1, coder)
    val = np.concatenate([bit, -bit])
    codes2 = np.concatenate([code, code])
    order = np.lexsort((pos, codes2))
    p, v, cc = pos[order], val[order], codes2[order]
    mask = np.cumsum(v)[:-1]
    length = p[1:] - p[:-1]
    keep = (cc[1:] == cc[:-1]) & (mask > 0) & (length > 0)
    w, mask, run_code = length[keep], mask[keep], cc[:-1][keep]
    run_block = np.searchsorted(bstart, p[:-1][keep], "right") - 1
    n1 = popcounts(c.m)[mask]
    o01, o11, a10 = unit_sums(n1, c.m, w, mask == 1)
    eb, ec, (so01, so11, sa10, scov) = _aggregate(
        run_block, run_code, c.n_codes, [o01, o11, a10, w.astype(float)]
    )
    # characters some coder coded with some code, per block
    ck, cs, ce = merge_intervals(pb, ps, pe)
    covered = np.bincount(ck, weights=ce - cs, minlength=len(bstart)).astype(np.float64)
    lengths = (bend - bstart).astype(np.float64)
    total = float(lengths.sum())
    return UnitTable(
        "character", c.m, c.n_codes, covered if exclude_uncoded else lengths,
        eb, ec, so01, so11, sa10, scov, total, total - float(covered.sum()), exclude_uncoded,
    )  # fmt: skip


def _presence_table(
    unit: str,
    c: Codings,
    unit_of_piece: IntArray,
    piece_code: IntArray,
    piece_coder: IntArray,
    n_units: int,
    exclude_uncoded: bool,
) -> UnitTable:
    """Sums for units where a code is present or not (turns, documents): one unit per
    block."""
    triple = np.unique((unit_of_piece * c.n_codes + piece_code) * c.m + piece_coder)
    pair, coder = triple // c.m, triple % c.m
    keys, inverse = np.unique(pair, return_inverse=True)
    mask = np.bincount(inverse, weights=np.left_shift(1, coder), minlength=len(keys))
    mask = mask.astype(np.int64)
    n1 = popcounts(c.m)[mask]
    o01, o11, a10 = unit_sums(n1, c.m, 1.0, mask == 1)
    blocks, codes = keys // c.n_codes, keys % c.n_codes
    coded = np.zeros(n_units, dtype=bool)
    coded[blocks] = True
    units = coded.astype(np.float64) if exclude_uncoded else np.ones(n_units, dtype=np.float64)
    return UnitTable(
        unit, c.m, c.n_codes, units, blocks, codes, o01, o11, a10, np.ones(len(keys)),
        float(n_units), float(n_units - coded.sum()), exclude_uncoded,
    )  # fmt: skip


def turn_table(c: Codings, *, exclude_uncoded: bool = False) -> UnitTable:
    off = c.offsets
    ts, te = off[c.turn_doc] + c.turn_start, off[c.turn_doc] + c.turn_end
    order = np.argsort(ts, kind="stable")
    ts, te = ts[order], te[order]
    gs, ge = off[c.seg_doc] + c.seg_start, off[c.seg_doc] + c.seg_end
    t0 = np.searchsorted(te, gs, "right")  # first turn ending after the segment starts
    t1 = np.searchsorted(ts, ge, "left") - 1  # last turn starting before it ends
    reps = np.maximum(t1 - t0 + 1, 0)
    first = np.repeat(np.cumsum(reps) - reps, reps)
    turn = np.repeat(t0, reps) + (np.arange(int(reps.sum())) - first)
    table = _presence_table(
        "turn", c, turn, np.repeat(c.seg_code, reps), np.repeat(c.seg_coder, reps),
        len(ts), exclude_uncoded,
    )  # fmt: skip
    with_turns = set(np.unique(c.turn_doc).tolist())
    without = tuple(d for d in range(len(c.doc_length)) if d not in with_turns)
    return UnitTable(**{**table.__dict__, "documents_without_units": without})


def document_table(c: Codings, *, exclude_uncoded: bool = False) -> UnitTable:
    return _presence_table(
        "document", c, c.seg_doc, c.seg_code, c.seg_coder, len(c.doc_length), exclude_uncoded
    )


def unit_table(c: Codings, unit: str, *, exclude_uncoded: bool = False) -> UnitTable:
    if unit == "character":
        return character_table(c, exclude_uncoded=exclude_uncoded)
    if unit == "turn":
        return turn_table(c, exclude_uncoded=exclude_uncoded)
    if unit == "document":
        return document_table(c, exclude_uncoded=exclude_uncoded)
    raise ValueError(f"unknown unit {unit!r}")
