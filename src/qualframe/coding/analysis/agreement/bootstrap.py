"""Point estimates and seeded bootstrap intervals from a :class:`~.units.UnitTable`.

Per code, the three statistics follow from the code's sums over all blocks; **overall** they
follow from the sums pooled over the codes listed (every unit × code decision "applied or
not" is one binary judgement). The bootstrap draws the table's blocks with replacement, as
many as there are (blocks with no counted unit are left out first), ``replicates`` times with
a seeded generator, and recomputes α from the drawn blocks' sums: the 95% interval is the
2.5th and 97.5th percentile of those α values, and P(α < threshold) the share of them below
the threshold (Krippendorff's *q*). Replicates in which α is undefined (no variation among
the drawn blocks) are left out of both, and counted.

Every replicate uses the same draws for all codes and for the overall figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from qualframe.coding.analysis.agreement.stats import (
    alpha_from_sums,
    kappa_from_sums,
    percent_from_sums,
)
from qualframe.coding.analysis.agreement.units import UnitTable

FloatArray = NDArray[np.float64]
DEFAULT_REPLICATES = 1000
DEFAULT_SEED = 20240601
DEFAULT_THRESHOLD = 0.8
_CHUNK = 100


@dataclass(frozen=True)
class Estimate:
    """The figures for one code (or overall)."""

    percent: float  # 0..100
    kappa: float | None  # None unless two coders
    alpha: float
    alpha_ci: tuple[float, float] | None
    p_below: float | None  # P(α < threshold) over the bootstrap replicates
    n_units: float  # units counted
    coded_units: float  # units at least one coder applied the code to
    replicates_used: int = 0


@dataclass(frozen=True)
class Summary:
    codes: dict[int, Estimate]  # code index → figures, for codes some coder applied
    overall: Estimate
    replicates: int
    seed: int
    threshold: float


def _code_sums(t: UnitTable) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    k = t.n_codes

    def col(values: FloatArray) -> FloatArray:
        return np.bincount(t.entry_code, weights=values, minlength=k).astype(float)

    return col(t.entry_o01), col(t.entry_o11), col(t.entry_a10), col(t.entry_coded)


def _nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


def summarise(
    t: UnitTable,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    threshold: float = DEFAULT_THRESHOLD,
) -> Summary:
    """Percent, κ, α per code and overall, with bootstrap intervals (``replicates`` = 0: no
    intervals)."""
    o01, o11, a10, coded = _code_sums(t)
    listed = np.flatnonzero(coded > 0)
    units = float(t.block_units.sum())
    n = units * t.m
    alphas = alpha_from_sums(n, o01[listed], o11[listed])
    percents = percent_from_sums(n, o01[listed]) * 100.0
    kappas = kappa_from_sums(n, o01[listed], o11[listed], a10[listed])
    tot = (o01[listed].sum(), o11[listed].sum(), a10[listed].sum())
    n_all = n * len(listed)
    overall_alpha = float(alpha_from_sums(n_all, tot[0], tot[1]))
    overall_percent = float(percent_from_sums(n_all, tot[0])) * 100.0
    overall_kappa = float(kappa_from_sums(n_all, tot[0], tot[1], tot[2]))
    boot = _bootstrap(t, listed, replicates, seed) if replicates > 0 and len(listed) else None

    def interval(col: int) -> tuple[tuple[float, float] | None, float | None, int]:
        if boot is None:
            return None, None, 0
        values = boot[:, col]
        values = values[~np.isnan(values)]
        if len(values) == 0:
            return None, None, 0
        lo, hi = np.percentile(values, [2.5, 97.5])
        return (float(lo), float(hi)), float((values < threshold).mean()), len(values)

    two = t.m == 2
    codes: dict[int, Estimate] = {}
    for i, code in enumerate(listed):
        ci, p_below, used = interval(i)
        codes[int(code)] = Estimate(
            float(percents[i]), _nan_to_none(float(kappas[i])) if two else None,
            float(alphas[i]), ci, p_below, units, float(coded[code]), used,
        )  # fmt: skip
    ci, p_below, used = interval(len(listed))
    overall = Estimate(
        overall_percent, _nan_to_none(overall_kappa) if two else None, overall_alpha, ci,
        p_below, units * len(listed), float(coded[listed].sum()), used,
    )  # fmt: skip
    return Summary(codes, overall, replicates, seed, threshold)


def _bootstrap(t: UnitTable, listed: NDArray[np.int64], replicates: int, seed: int) -> FloatArray:
    """α of each replicate: a (replicates × codes+1) array, the last column overall."""
    keep = np.flatnonzero(t.block_units > 0)
    nb = len(keep)
    where = np.full(len(t.block_units), -1, dtype=np.int64)
    where[keep] = np.arange(nb)
    column = np.full(t.n_codes, -1, dtype=np.int64)
    column[listed] = np.arange(len(listed))
    k = len(listed)
    rows = where[t.entry_block]
    cols = column[t.entry_code]
    ok = (rows >= 0) & (cols >= 0)
    # one sparse (codes × 2) × blocks matrix: o01 rows, then o11 rows
    data = np.concatenate([t.entry_o01[ok], t.entry_o11[ok]])
    r = np.concatenate([cols[ok], cols[ok] + k])
    c = np.concatenate([rows[ok], rows[ok]])
    sums = sparse.csr_matrix((data, (r, c)), shape=(2 * k, nb))
    block_n = t.block_units[keep] * t.m
    rng = np.random.default_rng(seed)
    out = np.empty((replicates, k + 1))
    done = 0
    while done < replicates:
        size = min(_CHUNK, replicates - done)
        # counts[b, r]: how often replicate r drew block b (laid out blocks × replicates, as
        # the sparse product wants it, without a transposed copy)
        draws = rng.integers(0, nb, size=(size, nb)) * size + np.arange(size)[:, None]
        counts = np.bincount(draws.ravel(), minlength=size * nb).reshape(nb, size)
        counts_f = counts.astype(np.float64)
        n = block_n @ counts_f  # (size,)
        per = np.asarray(sums @ counts_f)  # (2k × size)
        o01, o11 = per[:k], per[k:]
        out[done : done + size, :k] = alpha_from_sums(n[None, :], o01, o11).T
        out[done : done + size, k] = alpha_from_sums(n * k, o01.sum(axis=0), o11.sum(axis=0))
        done += size
    return out
