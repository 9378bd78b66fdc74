"""Frequencies of single- and multiple-choice items: n (%) of the respondents who answered."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from qualframe.coding.analysis.formatting import percent
from qualframe.coding.analysis.survey.data import Answer, ItemInfo, SurveyData


@dataclass(frozen=True)
class OptionCount:
    option: str
    n: int
    percent: float | None


@dataclass(frozen=True)
class FrequencyColumn:
    group: str | None  # None: Total
    respondents: int  # the column's N (header)
    answered: int  # the denominator
    options: tuple[OptionCount, ...]

    @property
    def missing(self) -> int:
        return self.respondents - self.answered

    def count(self, option: str) -> OptionCount:
        for oc in self.options:
            if oc.option == option:
                return oc
        raise KeyError(option)


@dataclass(frozen=True)
class FrequencyResult:
    item: str
    multiple: bool
    options: tuple[str, ...]
    total: FrequencyColumn
    groups: tuple[FrequencyColumn, ...]
    name: str = ""  # the column id (``item`` is what tables show: the wording if known)
    from_columns: bool = False  # one column per option: answered = chose at least one

    @property
    def columns(self) -> tuple[FrequencyColumn, ...]:
        return (self.total, *self.groups)

    @property
    def sums_over_100(self) -> bool:
        return any(c.answered and sum(o.n for o in c.options) > c.answered for c in self.columns)


def option_order(given: Sequence[str] | None, answers: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """The given option order, then any other chosen option by falling count, first seen."""
    counts: dict[str, int] = {}
    for choices in answers:
        for c in dict.fromkeys(choices):
            counts[c] = counts.get(c, 0) + 1
    order = list(dict.fromkeys(given or ()))
    extra = [c for c in counts if c not in order]
    first = {c: i for i, c in enumerate(counts)}
    extra.sort(key=lambda c: (-counts[c], first[c]))
    return tuple(order + extra)


def frequency_column(
    group: str | None,
    members: Sequence[str],
    answers: Mapping[str, Answer],
    options: Sequence[str],
) -> FrequencyColumn:
    answered = [answers[m].choices for m in members if m in answers and answers[m].choices]
    denom = len(answered)
    counts = {o: 0 for o in options}
    for choices in answered:
        for c in dict.fromkeys(choices):  # one respondent counts once per option
            if c in counts:
                counts[c] += 1
    return FrequencyColumn(
        group=group,
        respondents=len(members),
        answered=denom,
        options=tuple(OptionCount(o, counts[o], percent(counts[o], denom)) for o in options),
    )


def frequencies(data: SurveyData, item: ItemInfo) -> FrequencyResult:
    answers = data.answers.get(item.name, {})
    options = option_order(
        item.options, (answers[r].choices for r in data.respondents if r in answers)
    )
    total = frequency_column(None, data.members(None), answers, options)
    groups = tuple(frequency_column(g, data.members(g), answers, options) for g in data.groups)
    return FrequencyResult(
        item.title, item.type == "multiple", options, total, groups, item.name,
        item.members is not None,
    )  # fmt: skip
