"""Agreement statistics as pure functions on arrays (no database, no Qt).

Two forms of the same three statistics:

- **reference forms** on a reliability matrix (coders × units, ``nan`` where a coder gave
  no value): :func:`percent_agreement`, :func:`cohen_kappa`, :func:`alpha_nominal`. They take
  any nominal values and missing data, and are what the tests hold against scikit-learn and
  the ``krippendorff`` package;
- **sufficient statistics** for the binary question "is code c applied to this unit?", summed
  over units that carry a weight (a run of characters counts as that many units):
  :class:`BinaryStats`, from which percent, κ and α follow in closed form. The big-project
  path computes only these sums (see ``units``), and the bootstrap resamples them.

For one unit with weight ``w`` on which ``n1`` of ``m`` coders said "applied", Krippendorff's
coincidence matrix gains ``o11 = w·n1(n1-1)/(m-1)``, ``o01 = o10 = w·n1(m-n1)/(m-1)`` and
``o00 = w·m - 2·o01 - o11``; with ``n = Σ w·m`` pairable values, ``n1 = o11 + o01`` and
``n0 = n - n1``: percent agreement (pairwise) ``= 1 - 2·o01/n`` and nominal
``α = 1 - (n-1)·o01 / (n0·n1)``. Cohen's κ (two coders) also needs ``a10``, the weight coded
by the first coder only (then ``a11 = o11/2`` and ``a01 = o01 - a10``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


# -- reference forms ---------------------------------------------------------------------------
def _matrix(data: ArrayLike) -> FloatArray:
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError("reliability data must be a coders × units matrix")
    return arr


def coincidences(data: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Krippendorff's coincidence matrix of a coders × units matrix (``nan`` = missing) and
    the values it is indexed by. Units with fewer than two values are not pairable and left
    out."""
    arr = _matrix(data)
    values = np.unique(arr[~np.isnan(arr)])
    o = np.zeros((len(values), len(values)))
    for u in range(arr.shape[1]):
        col = arr[:, u]
        col = col[~np.isnan(col)]
        m = len(col)
        if m < 2:
            continue
        counts = np.array([(col == v).sum() for v in values], dtype=float)
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    return o, values


def alpha_nominal(data: ArrayLike) -> float:
    """Krippendorff's α for nominal data; ``nan`` when undefined (fewer than two pairable
    values, or a single value throughout: no variation to agree on)."""
    o, _ = coincidences(data)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return math.nan
    d_e = (n * n - (n_c**2).sum()) / (n * (n - 1))
    if d_e == 0:
        return math.nan
    d_o = (n - np.trace(o)) / n
    return float(1.0 - d_o / d_e)


def percent_agreement(data: ArrayLike) -> float:
    """Share of agreeing pairs of values among all pairs within units (for two coders and no
    missing data: the share of units on which both coders agree)."""
    o, _ = coincidences(data)
    n = o.sum()
    return float(np.trace(o) / n) if n else math.nan


def cohen_kappa(a: ArrayLike, b: ArrayLike) -> float:
    """Cohen's κ of two coders' nominal values over the same units (units where either value
    is ``nan`` are left out); ``nan`` when chance agreement is 1."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) == 0:
        return math.nan
    values = np.unique(np.concatenate([x, y]))
    p_o = float((x == y).mean())
    p_e = float(sum((x == v).mean() * (y == v).mean() for v in values))
    if p_e >= 1.0:
        return math.nan
    return (p_o - p_e) / (1.0 - p_e)


# -- sufficient statistics for a binary question ---------------------------------------------------
@dataclass(frozen=True)
class BinaryStats:
    """Sums over weighted units for "code applied or not" by ``m`` coders (see the module
    docstring). ``n`` is the number of pairable values (units × coders)."""

    m: int
    n: float
    o01: float
    o11: float
    a10: float = 0.0

    @property
    def n1(self) -> float:
        return self.o11 + self.o01

    @property
    def n0(self) -> float:
        return self.n - self.n1

    @property
    def units(self) -> float:
        return self.n / self.m if self.m else 0.0

    def percent(self) -> float:
        return 1.0 - 2.0 * self.o01 / self.n if self.n > 0 else math.nan

    def alpha(self) -> float:
        return float(alpha_from_sums(self.n, self.o01, self.o11))

    def kappa(self) -> float:
        """Cohen's κ; ``nan`` unless there are exactly two coders."""
        if self.m != 2 or self.n <= 0:
            return math.nan
        return float(kappa_from_sums(self.n, self.o01, self.o11, self.a10))


def alpha_from_sums(n: ArrayLike, o01: ArrayLike, o11: ArrayLike) -> FloatArray:
    """Vectorised nominal α from the sums (``nan`` where undefined)."""
    n_, o01_, o11_ = (np.asarray(v, dtype=float) for v in (n, o01, o11))
    n1 = o11_ + o01_
    n0 = n_ - n1
    denominator = n0 * n1
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - (n_ - 1.0) * o01_ / denominator
    return np.where((denominator > 0) & (n_ >= 2), out, np.nan)


def kappa_from_sums(n: ArrayLike, o01: ArrayLike, o11: ArrayLike, a10: ArrayLike) -> FloatArray:
    """Vectorised Cohen's κ for two coders from the sums (``nan`` where undefined)."""
    n_, o01_, o11_, a10_ = (np.asarray(v, dtype=float) for v in (n, o01, o11, a10))
    total = n_ / 2.0  # units
    a11 = o11_ / 2.0
    a01 = o01_ - a10_
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = 1.0 - o01_ / total
        p_a = (a11 + a10_) / total
        p_b = (a11 + a01) / total
        p_e = p_a * p_b + (1.0 - p_a) * (1.0 - p_b)
        out = (p_o - p_e) / (1.0 - p_e)
    return np.where((total > 0) & (p_e < 1.0 - 1e-12), out, np.nan)


def percent_from_sums(n: ArrayLike, o01: ArrayLike) -> FloatArray:
    n_, o01_ = np.asarray(n, dtype=float), np.asarray(o01, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_ > 0, 1.0 - 2.0 * o01_ / n_, np.nan)


def unit_sums(
    n1: ArrayLike, m: int, weight: ArrayLike = 1.0, first_only: ArrayLike = False
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(o01, o11, a10) contributed by units where ``n1`` of ``m`` coders applied the code;
    ``first_only`` marks units coded by the first coder alone (for κ)."""
    n1_ = np.asarray(n1, dtype=float)
    w = np.asarray(weight, dtype=float)
    o11 = w * n1_ * (n1_ - 1.0) / (m - 1)
    o01 = w * n1_ * (m - n1_) / (m - 1)
    a10 = w * np.asarray(first_only, dtype=float)
    o01_b, o11_b, a10_b = np.broadcast_arrays(o01, o11, a10)
    return o01_b.astype(float), o11_b.astype(float), a10_b.astype(float)
