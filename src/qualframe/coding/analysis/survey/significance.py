"""Group comparisons: Mann–Whitney U, Kruskal–Wallis H, Fisher's exact test (pure functions
of the answers; no database)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.analysis.survey.data import CodeCount

EXACT_MAX_N = 8  # scipy's rule: exact when the smaller group has at most 8 answers, no ties


MIN_TEST_N = 2


MW_EXACT_NOTE = "two-sided Mann–Whitney U test, exact distribution (no ties, smaller group ≤ 8)"


MW_ASYMPTOTIC_NOTE = (
    "two-sided Mann–Whitney U test, normal approximation with tie and continuity correction"
)


KW_NOTE = "Kruskal–Wallis H test, chi-square approximation with tie correction"


@dataclass(frozen=True)
class GroupTest:
    test: str | None  # "mann-whitney" | "kruskal-wallis" | None
    statistic: float | None = None  # U1 or H
    p: float | None = None
    method: str | None = None  # "exact" | "asymptotic" | "chi-square"
    effect_size: float | None = None
    reason: str | None = None  # why no test was computed

    @property
    def computed(self) -> bool:
        return self.p is not None


def mann_whitney(x: Sequence[float], y: Sequence[float]) -> GroupTest:
    """Two-sided Mann–Whitney U for two groups, method chosen as scipy's ``auto`` would.

    Returns U1 (the statistic of ``x``), p, the method used and the rank-biserial
    correlation r = 1 − 2·U1/(n1·n2) (r > 0: ``y`` tends to be higher).
    """
    from scipy.stats import mannwhitneyu

    n1, n2 = len(x), len(y)
    if min(n1, n2) < MIN_TEST_N:
        return GroupTest("mann-whitney", reason=f"a group has fewer than {MIN_TEST_N} answers")
    ties = len(set(x) | set(y)) < n1 + n2
    method = "exact" if not ties and min(n1, n2) <= EXACT_MAX_N else "asymptotic"
    res = mannwhitneyu(list(x), list(y), alternative="two-sided", method=method)
    u1, p = float(res.statistic), float(res.pvalue)
    if not math.isfinite(p):
        return GroupTest("mann-whitney", reason="the answers do not vary")
    return GroupTest("mann-whitney", u1, p, method, 1.0 - 2.0 * u1 / (n1 * n2))


def kruskal_wallis(samples: Sequence[Sequence[float]]) -> GroupTest:
    """Kruskal–Wallis H for three or more groups (tie-corrected chi-square), with ε²."""
    from scipy.stats import kruskal

    if min(len(s) for s in samples) < MIN_TEST_N:
        return GroupTest("kruskal-wallis", reason=f"a group has fewer than {MIN_TEST_N} answers")
    if len({v for s in samples for v in s}) < 2:
        return GroupTest("kruskal-wallis", reason="the answers do not vary")
    res = kruskal(*[list(s) for s in samples])
    h, p = float(res.statistic), float(res.pvalue)
    n = sum(len(s) for s in samples)
    return GroupTest("kruskal-wallis", h, p, "chi-square", h / (n - 1))


def compare_groups(samples: Sequence[Sequence[float]]) -> GroupTest:
    if len(samples) < 2:
        return GroupTest(None, reason="no grouping into two or more groups")
    if len(samples) == 2:
        return mann_whitney(samples[0], samples[1])
    return kruskal_wallis(samples)


def fisher(a: CodeCount, b: CodeCount) -> tuple[float | None, float | None, str | None]:
    """Two-sided Fisher's exact test on [[a raised, a not], [b raised, b not]]."""
    from scipy.stats import fisher_exact

    if a.denominator == 0 or b.denominator == 0:
        return None, None, "a group has no open-ended answers"
    res = fisher_exact(
        [[a.n, a.denominator - a.n], [b.n, b.denominator - b.n]], alternative="two-sided"
    )
    odds = float(res.statistic)
    return float(res.pvalue), (odds if math.isfinite(odds) else None), None


def test_note(t: GroupTest) -> str:
    if t.test == "kruskal-wallis":
        return KW_NOTE
    return MW_EXACT_NOTE if t.method == "exact" else MW_ASYMPTOTIC_NOTE
