"""Group comparisons: Mann–Whitney U, Kruskal–Wallis H, Fisher's exact test (pure functions
of the answers; no database)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.analysis.survey.data import CodeCount

EXACT_MAX_N = 8  # scipy's rule: exact when the smaller group has at most 8 answers, no ties
#: The permutation distribution is counted, not sampled; beyond this many answers in all the
#: normal approximation is as good and the count would take long.
EXACT_PERMUTATION_MAX = 200
MIN_TEST_N = 2
TESTS = ("auto", "exact", "asymptotic", "asymptotic-corrected")

MW_EXACT_NOTE = (
    "two-sided Mann–Whitney U test, exact distribution (no ties, smaller group ≤ 8; "
    "R: wilcox.test(exact = TRUE); SPSS: Exact Sig. [2*(1-tailed Sig.)])"
)
MW_PERMUTATION_NOTE = (
    "two-sided Mann–Whitney U test, exact permutation distribution of the mid-ranks (ties "
    'kept), p = P(|W − E W| ≥ |w − E W|) (R: coin::wilcox_test(distribution = "exact"); '
    "SPSS: Exact Sig. (2-tailed))"
)
MW_ASYMPTOTIC_NOTE = (
    "two-sided Mann–Whitney U test, normal approximation with tie and continuity correction "
    "(R: wilcox.test(exact = FALSE, correct = TRUE))"
)
MW_UNCORRECTED_NOTE = (
    "two-sided Mann–Whitney U test, normal approximation with tie correction, no continuity "
    "correction (R: wilcox.test(exact = FALSE, correct = FALSE); SPSS: Asymp. Sig. (2-tailed))"
)
KW_NOTE = "Kruskal–Wallis H test, chi-square approximation with tie correction"
NO_VARIATION = "the answers do not vary"


@dataclass(frozen=True)
class GroupTest:
    test: str | None  # "mann-whitney" | "kruskal-wallis" | None
    statistic: float | None = None  # U = min(U1, U2), or H
    p: float | None = None
    # "exact" | "permutation" | "asymptotic" | "asymptotic-uncorrected" | "chi-square"
    method: str | None = None
    effect_size: float | None = None
    reason: str | None = None  # why no test was computed
    u1: float | None = None  # U of the first group (R's W), Mann–Whitney only
    u2: float | None = None  # U of the second group

    @property
    def computed(self) -> bool:
        return self.p is not None


def _midranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def permutation_p(x: Sequence[float], y: Sequence[float]) -> float:
    """Exact two-sided p of the rank-sum statistic under all C(n, n1) splits of the pooled
    mid-ranks (ties kept): P(|W − E W| ≥ |w − E W|), counted with a dynamic programme over
    doubled (hence whole) mid-ranks."""
    import numpy as np

    n1 = len(x)
    ranks = _midranks([*x, *y])
    doubled = [round(2 * r) for r in ranks]
    total = sum(doubled)
    # counts[k][s]: ways to pick k answers whose doubled ranks sum to s (float: no overflow)
    counts = np.zeros((n1 + 1, total + 1))
    counts[0, 0] = 1.0
    for d in doubled:
        counts[1:, d:] += counts[:-1, : total + 1 - d].copy()
    dist = counts[n1]
    dist = dist / dist.sum()
    observed = sum(doubled[:n1])
    mean = n1 * total / len(doubled)
    sums = np.arange(total + 1)
    extreme = np.abs(sums - mean) >= abs(observed - mean) - 1e-9
    return float(min(1.0, dist[extreme].sum()))


def _method(test: str, n1: int, n2: int, ties: bool) -> str:
    if test == "exact":
        return "exact" if not ties else "permutation"
    if test == "asymptotic":
        return "asymptotic-uncorrected"
    if test == "asymptotic-corrected":
        return "asymptotic"
    return "exact" if not ties and min(n1, n2) <= EXACT_MAX_N else "asymptotic"


def mann_whitney(x: Sequence[float], y: Sequence[float], test: str = "auto") -> GroupTest:
    """Two-sided Mann–Whitney U for two groups.

    ``test``: ``auto`` (scipy's rule: exact without ties when the smaller group has at most 8
    answers, else the normal approximation with continuity correction), ``exact`` (the exact
    distribution; with ties the exact permutation distribution of the mid-ranks),
    ``asymptotic`` (normal approximation, tie-corrected, no continuity correction: SPSS's
    Asymp. Sig.) or ``asymptotic-corrected`` (with continuity correction: R's default).
    U is min(U1, U2) as SPSS reports it; U1 and U2 are kept (R's W is U1); the effect size is
    the rank-biserial r = 1 − 2·U1/(n1·n2) (r > 0: ``y`` tends to be higher).
    """
    from scipy.stats import mannwhitneyu

    if test not in TESTS:
        from qualframe.coding.core.errors import UserError

        raise UserError(f"{test!r} is not a test; use one of {', '.join(TESTS)}.")
    n1, n2 = len(x), len(y)
    if min(n1, n2) < MIN_TEST_N:
        return GroupTest("mann-whitney", reason=f"a group has fewer than {MIN_TEST_N} answers")
    if len(set(x) | set(y)) < 2:  # scipy's answer here changed between versions: decide here
        return GroupTest("mann-whitney", reason=NO_VARIATION)
    ties = len(set(x) | set(y)) < n1 + n2
    method = _method(test, n1, n2, ties)
    if method == "permutation" and n1 + n2 > EXACT_PERMUTATION_MAX:
        return GroupTest(
            "mann-whitney",
            reason=f"the exact test is counted for at most {EXACT_PERMUTATION_MAX} answers",
        )
    scipy_method = "exact" if method == "exact" else "asymptotic"
    res = mannwhitneyu(
        list(x), list(y), alternative="two-sided", method=scipy_method,
        use_continuity=method != "asymptotic-uncorrected",
    )  # fmt: skip
    u1 = float(res.statistic)
    u2 = n1 * n2 - u1
    p = permutation_p(x, y) if method == "permutation" else float(res.pvalue)
    if not math.isfinite(p):
        return GroupTest("mann-whitney", reason=NO_VARIATION)
    return GroupTest(
        "mann-whitney", min(u1, u2), p, method, 1.0 - 2.0 * u1 / (n1 * n2), u1=u1, u2=u2
    )


def kruskal_wallis(samples: Sequence[Sequence[float]]) -> GroupTest:
    """Kruskal–Wallis H for three or more groups (tie-corrected chi-square), with ε²."""
    from scipy.stats import kruskal

    if min(len(s) for s in samples) < MIN_TEST_N:
        return GroupTest("kruskal-wallis", reason=f"a group has fewer than {MIN_TEST_N} answers")
    if len({v for s in samples for v in s}) < 2:
        return GroupTest("kruskal-wallis", reason=NO_VARIATION)
    res = kruskal(*[list(s) for s in samples])
    h, p = float(res.statistic), float(res.pvalue)
    n = sum(len(s) for s in samples)
    return GroupTest("kruskal-wallis", h, p, "chi-square", h / (n - 1))


def compare_groups(samples: Sequence[Sequence[float]], test: str = "auto") -> GroupTest:
    if len(samples) < 2:
        return GroupTest(None, reason="no grouping into two or more groups")
    if len(samples) == 2:
        return mann_whitney(samples[0], samples[1], test)
    return kruskal_wallis(samples)


#: How the odds ratio of Fisher's test is estimated: the conditional maximum-likelihood
#: estimate, as R's fisher.test reports it (scipy's fisher_exact gives the sample ratio ad/bc).
ODDS_RATIO_KIND = "conditional MLE (as R's fisher.test)"


def fisher(a: CodeCount, b: CodeCount) -> tuple[float | None, float | None, str | None]:
    """Two-sided Fisher's exact test on [[a raised, a not], [b raised, b not]]: p, the
    conditional MLE of the odds ratio (``inf`` when a zero cell makes it infinite), and why
    no test was computed (or None)."""
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio

    if a.denominator == 0 or b.denominator == 0:
        return None, None, "a group has no open-ended answers"
    table = [[a.n, a.denominator - a.n], [b.n, b.denominator - b.n]]
    res = fisher_exact(table, alternative="two-sided")
    odds = float(odds_ratio(table, kind="conditional").statistic)
    return float(res.pvalue), odds, None


def test_note(t: GroupTest) -> str:
    if t.test == "kruskal-wallis":
        return KW_NOTE
    return {
        "exact": MW_EXACT_NOTE,
        "permutation": MW_PERMUTATION_NOTE,
        "asymptotic-uncorrected": MW_UNCORRECTED_NOTE,
    }.get(t.method or "", MW_ASYMPTOTIC_NOTE)
