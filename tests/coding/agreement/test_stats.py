"""The agreement statistics against a worked example, scikit-learn and the krippendorff
package (both in the tests only), and the closed-form sums against the reference forms."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from qualframe.coding.analysis.agreement import stats

# Worked by hand (docs/agreement.md shows the working): ten units, two coders.
#   A: 1 1 1 1 0 0 0 0 0 0
#   B: 1 1 1 0 0 0 0 0 0 1
# agreement on 8 of 10; p(A=1) = p(B=1) = .4, chance agreement .16 + .36 = .52,
# κ = (.8 - .52) / .48 = 7/12; coincidences o11 = 6, o00 = 10, o01 = o10 = 2, n = 20,
# α = 1 - 19·2 / (12·8) = 29/48.
A = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
B = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]


def test_worked_example_two_coders() -> None:
    assert stats.percent_agreement([A, B]) == pytest.approx(0.8)
    assert stats.cohen_kappa(A, B) == pytest.approx(7 / 12)
    assert stats.alpha_nominal([A, B]) == pytest.approx(29 / 48)
    sums = stats.BinaryStats(m=2, n=20, o01=2, o11=6, a10=1)
    assert sums.percent() == pytest.approx(0.8)
    assert sums.kappa() == pytest.approx(7 / 12)
    assert sums.alpha() == pytest.approx(29 / 48)


def test_worked_example_three_coders() -> None:
    # units: (1,1,1) (1,1,0) (0,0,0) (0,0,1): o11 = 3 + 1, o01 = 1 + 1, o00 = 3 + 1, n = 12,
    # α = 1 - 11·2 / (6·6) = 7/18; pairwise agreement 8/12.
    data = [[1, 1, 0, 0], [1, 1, 0, 0], [1, 0, 0, 1]]
    assert stats.alpha_nominal(data) == pytest.approx(7 / 18)
    assert stats.percent_agreement(data) == pytest.approx(8 / 12)
    o01, o11, _ = stats.unit_sums(np.array([3, 2, 0, 1]), 3)
    assert o01.sum() == pytest.approx(2) and o11.sum() == pytest.approx(4)
    assert float(stats.alpha_from_sums(12, o01.sum(), o11.sum())) == pytest.approx(7 / 18)


def test_against_the_krippendorff_package_and_sklearn_on_fixed_data() -> None:
    assert stats.alpha_nominal([A, B]) == pytest.approx(
        krippendorff.alpha(reliability_data=[A, B], level_of_measurement="nominal")
    )
    assert stats.cohen_kappa(A, B) == pytest.approx(cohen_kappa_score(A, B))


reliability = st.integers(2, 5).flatmap(
    lambda m: st.lists(
        st.lists(st.sampled_from([0.0, 1.0, 2.0, math.nan]), min_size=m, max_size=m),
        min_size=2,
        max_size=40,
    )
)


@settings(max_examples=150, deadline=None)
@given(reliability)
def test_alpha_with_missing_data_equals_the_krippendorff_package(units: list[list[float]]) -> None:
    data = np.array(units).T  # coders × units
    ours = stats.alpha_nominal(data)
    values = data[~np.isnan(data)]
    pairable = sum((~np.isnan(data[:, u])).sum() >= 2 for u in range(data.shape[1]))
    if pairable == 0 or len(np.unique(values)) < 2:
        assert math.isnan(ours) or ours == pytest.approx(1.0)
        return
    try:
        with np.errstate(all="ignore"):
            theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # the package refuses data with one value among the pairable ones
        assert math.isnan(ours)
        return
    if math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=60))
def test_kappa_equals_sklearn(pairs: list[tuple[int, int]]) -> None:
    a, b = zip(*pairs, strict=True)
    ours = stats.cohen_kappa(a, b)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when κ is undefined (one label)
        theirs = cohen_kappa_score(a, b)
    if math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.tuples(
            st.just(m),
            st.lists(
                st.tuples(st.lists(st.booleans(), min_size=m, max_size=m), st.integers(1, 9)),
                min_size=1,
                max_size=30,
            ),
        )
    )
)
def test_weighted_sums_equal_the_reference_on_expanded_units(
    case: tuple[int, list[tuple[list[bool], int]]],
) -> None:
    """A unit of weight w is w identical units: the closed forms on the sums equal the
    reference forms on the expanded matrix."""
    m, units = case
    n1 = np.array([sum(v) for v, _ in units])
    w = np.array([w for _, w in units], dtype=float)
    first = np.array([v[0] and not any(v[1:]) for v, _ in units])
    o01, o11, a10 = stats.unit_sums(n1, m, w, first)
    n = w.sum() * m
    expanded = np.array([v for v, k in units for _ in range(k)], dtype=float).T
    alpha = float(stats.alpha_from_sums(n, o01.sum(), o11.sum()))
    ref = stats.alpha_nominal(expanded)
    assert (math.isnan(alpha) and math.isnan(ref)) or alpha == pytest.approx(ref, abs=1e-9)
    assert float(stats.percent_from_sums(n, o01.sum())) == pytest.approx(
        stats.percent_agreement(expanded)
    )
    if m == 2:
        kappa = float(stats.kappa_from_sums(n, o01.sum(), o11.sum(), a10.sum()))
        ref_k = stats.cohen_kappa(expanded[0], expanded[1])
        assert (math.isnan(kappa) and math.isnan(ref_k)) or kappa == pytest.approx(ref_k)


def test_undefined_statistics_are_nan_not_a_number_that_looks_fine() -> None:
    assert math.isnan(stats.alpha_nominal([[1, 1, 1], [1, 1, 1]]))
    assert math.isnan(stats.cohen_kappa([0, 0], [0, 0]))
    assert math.isnan(float(stats.alpha_from_sums(10, 0, 0)))
    assert math.isnan(float(stats.kappa_from_sums(0, 0, 0, 0)))
