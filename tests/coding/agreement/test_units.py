"""Unit builders against brute force: every character (turn, document) written out as a
column of the reliability matrix and fed to the reference statistics and the krippendorff
package; and the bootstrap's reproducibility."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding.analysis.agreement import stats, units
from qualframe.coding.analysis.agreement.bootstrap import summarise


def _codings(
    m: int, n_codes: int, lengths: list[int], segs: list[tuple[int, int, int, int, int]],
    turns: list[tuple[int, int, int]] = (),  # type: ignore[assignment]
) -> units.Codings:  # fmt: skip
    def arr(i: int, rows: list[tuple[int, ...]]) -> np.ndarray:
        return np.array([r[i] for r in rows], dtype=np.int64)

    return units.Codings(
        m, n_codes, np.array(lengths, dtype=np.int64),
        arr(0, segs), arr(1, segs), arr(2, segs), arr(3, segs), arr(4, segs),
        arr(0, list(turns)), arr(1, list(turns)), arr(2, list(turns)),
    )  # fmt: skip


def _brute(
    c: units.Codings, unit: str, code: int, exclude: bool
) -> np.ndarray:  # coders × units of 0/1
    cols: list[list[float]] = []
    for d, length in enumerate(c.doc_length):
        chars = np.zeros((c.m, length), dtype=bool)  # this code
        anything = np.zeros(length, dtype=bool)
        for sd, sc, sk, s, e in zip(
            c.seg_doc, c.seg_code, c.seg_coder, c.seg_start, c.seg_end, strict=True
        ):
            if sd == d:
                anything[s:e] = True
                if sc == code:
                    chars[sk, s:e] = True
        if unit == "character":
            for i in range(length):
                if not exclude or anything[i]:
                    cols.append(list(chars[:, i].astype(float)))
        elif unit == "turn":
            for td, ts, te in zip(c.turn_doc, c.turn_start, c.turn_end, strict=True):
                if td == d and (not exclude or anything[ts:te].any()):
                    cols.append(list(chars[:, ts:te].any(axis=1).astype(float)))
        elif not exclude or anything.any():
            cols.append(list(chars.any(axis=1).astype(float)))
    return np.array(cols, dtype=float).T.reshape(c.m, -1)


WORKED = _codings(
    2, 1, [10], [(0, 0, 0, 0, 4), (0, 0, 1, 0, 3), (0, 0, 1, 9, 10)], [(0, 0, 5), (0, 5, 10)]
)


def test_the_worked_example_at_character_level() -> None:
    s = summarise(units.character_table(WORKED), replicates=0)
    est = s.codes[0]
    assert est.percent == pytest.approx(80.0)
    assert est.kappa == pytest.approx(7 / 12)
    assert est.alpha == pytest.approx(29 / 48)
    assert est.n_units == 10 and est.coded_units == 5


def test_uncoded_characters_are_reported_and_can_be_left_out() -> None:
    table = units.character_table(WORKED)
    assert table.total_units == 10 and table.uncoded_units == 5
    s = summarise(units.character_table(WORKED, exclude_uncoded=True), replicates=0)
    # left: characters 0-3 (A), 0-2 (B), 9 (B): A 1111 0, B 1110 1 → 3 of 5 agree
    assert s.codes[0].percent == pytest.approx(60.0)
    assert s.codes[0].n_units == 5


def test_a_coder_who_coded_the_same_characters_twice_coded_them_once() -> None:
    c = _codings(2, 1, [10], [(0, 0, 0, 0, 4), (0, 0, 0, 2, 4), (0, 0, 1, 0, 4)])
    assert summarise(units.character_table(c), replicates=0).codes[0].percent == 100.0


segment = st.tuples(
    st.integers(0, 2), st.integers(0, 2), st.integers(0, 3), st.integers(0, 40), st.integers(1, 15)
)


@settings(max_examples=120, deadline=None)
@given(
    m=st.integers(2, 4),
    raw=st.lists(segment, min_size=1, max_size=25),
    unit=st.sampled_from(units.UNITS),
    exclude=st.booleans(),
)
def test_each_unit_equals_brute_force(
    m: int, raw: list[tuple[int, int, int, int, int]], unit: str, exclude: bool
) -> None:
    lengths = [50, 37, 61]
    segs = []
    for d, code, coder, start, n in raw:
        start = min(start, lengths[d] - 1)
        segs.append((d, code, coder % m, start, min(lengths[d], start + n)))
    turns = [(0, 0, 12), (0, 12, 30), (0, 33, 50), (1, 0, 37), (2, 5, 20), (2, 20, 61)]
    c = _codings(m, 3, lengths, segs, turns)
    summary = summarise(units.unit_table(c, unit, exclude_uncoded=exclude), replicates=0)
    for code, est in summary.codes.items():
        data = _brute(c, unit, code, exclude)
        assert est.n_units == data.shape[1]
        assert est.percent == pytest.approx(stats.percent_agreement(data) * 100)
        ref = stats.alpha_nominal(data)
        assert (math.isnan(ref) and math.isnan(est.alpha)) or est.alpha == pytest.approx(ref)
        if not math.isnan(ref):
            assert est.alpha == pytest.approx(
                krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            )
        if m == 2:
            ref_k = stats.cohen_kappa(data[0], data[1])
            assert (math.isnan(ref_k) and est.kappa is None) or est.kappa == pytest.approx(ref_k)
        else:
            assert est.kappa is None
    used = {c for _, c, _, _, _ in segs}
    assert set(summary.codes) == used or unit == "turn"


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(7)
    segs = []
    for d in range(20):
        for k in range(2):
            for _ in range(6):
                s = int(rng.integers(0, 180))
                segs.append((d, int(rng.integers(0, 3)), k, s, s + int(rng.integers(5, 20))))
    turns = [(d, a, a + 20) for d in range(20) for a in range(0, 200, 20)]
    c = _codings(2, 3, [200] * 20, segs, turns)
    t = units.character_table(c)
    one = summarise(t, replicates=300, seed=11)
    two = summarise(t, replicates=300, seed=11)
    other = summarise(t, replicates=300, seed=12)
    assert one.overall.alpha_ci == two.overall.alpha_ci
    assert one.overall.alpha_ci != other.overall.alpha_ci
    lo, hi = one.overall.alpha_ci  # type: ignore[misc]
    assert lo < one.overall.alpha < hi
    assert 0.0 <= one.overall.p_below <= 1.0  # type: ignore[operator]
    for est in one.codes.values():
        assert est.alpha_ci is not None and est.alpha_ci[0] <= est.alpha_ci[1]
