"""Likert items: descriptives per group and the group comparison."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.analysis.formatting import fmt_mean
from qualframe.coding.analysis.survey.data import ItemInfo, SurveyData
from qualframe.coding.analysis.survey.significance import GroupTest, compare_groups


@dataclass(frozen=True)
class Descriptives:
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    missing: int
    respondents: int


def describe(values: Sequence[float], respondents: int) -> Descriptives:
    n = len(values)
    mean = statistics.fmean(values) if n else None
    sd = statistics.stdev(values) if n >= 2 else None
    median = float(statistics.median(values)) if n else None
    return Descriptives(n, mean, sd, median, respondents - n, respondents)


def fmt_mean_sd(d: Descriptives) -> str:
    """``mean ± SD``; ``mean (n = 1)`` for a single answer; ``–`` for none."""
    if d.n == 0 or d.mean is None:
        return "–"
    if d.sd is None:
        return f"{fmt_mean(d.mean)} (n = {d.n})"
    return f"{fmt_mean(d.mean)} ± {fmt_mean(d.sd)}"


@dataclass(frozen=True)
class LikertResult:
    item: str
    scale_min: int | None
    scale_max: int | None
    total: Descriptives
    groups: dict[str, Descriptives]
    test: GroupTest
    name: str = ""  # the column id (``item`` is what tables show: the wording if known)


def likert(data: SurveyData, item: ItemInfo) -> LikertResult:
    answers = data.answers.get(item.name, {})

    def values(members: Sequence[str]) -> list[float]:
        return [
            answers[m].number  # type: ignore[misc]
            for m in members
            if m in answers and answers[m].number is not None
        ]

    everyone = data.members(None)
    total = describe(values(everyone), len(everyone))
    groups: dict[str, Descriptives] = {}
    samples: list[list[float]] = []
    for g in data.groups:
        members = data.members(g)
        v = values(members)
        groups[g] = describe(v, len(members))
        samples.append(v)
    return LikertResult(
        item.title, item.scale_min, item.scale_max, total, groups,
        compare_groups(samples, data.test), item.name,
    )  # fmt: skip
