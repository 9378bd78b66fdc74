"""Codes raised in the coded open-ended answers, per group, with Fisher's exact test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qualframe.coding.analysis.formatting import natural_key
from qualframe.coding.analysis.survey.data import CodeCount, SurveyData
from qualframe.coding.analysis.survey.significance import fisher


@dataclass(frozen=True)
class CodeRow:
    code: str  # path, "/"-joined
    depth: int
    total: CodeCount
    groups: dict[str, CodeCount]
    p: float | None = None
    odds_ratio: float | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.code.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class CodePresence:
    items: tuple[str, ...]  # the open-ended items used
    respondents: tuple[str, ...]  # respondents with at least one open-ended answer
    present: dict[str, frozenset[str]]  # respondent -> codes raised (incl. ancestors)
    rows: tuple[CodeRow, ...]
    denominators: dict[str | None, int]  # None: Total


def code_presence(data: SurveyData, items: Sequence[str] | None = None) -> CodePresence:
    text_items = [
        it.name for it in data.items if it.type == "text" and (items is None or it.name in items)
    ]
    answered = sorted(
        {r for name in text_items for r in data.open_answers.get(name, ())}, key=natural_key
    )
    present: dict[str, set[str]] = {r: set() for r in answered}
    for name in text_items:
        for who, codes in data.raised.get(name, {}).items():
            present.setdefault(who, set()).update(codes)
    groups = data.groups
    members = {g: [r for r in answered if data.group_of.get(r) == g] for g in groups}
    denominators: dict[str | None, int] = {None: len(answered)}
    denominators.update({g: len(m) for g, m in members.items()})
    rows = []
    for code, depth in data.codes:
        if not any(code in present[r] for r in answered):
            continue
        total = CodeCount(sum(code in present[r] for r in answered), len(answered))
        per = {g: CodeCount(sum(code in present[r] for r in m), len(m)) for g, m in members.items()}
        if len(groups) == 2:
            p, odds, reason = fisher(per[groups[0]], per[groups[1]])
        elif len(groups) > 2:
            p, odds, reason = None, None, "Fisher's exact test compares two groups"
        else:
            p, odds, reason = None, None, "no grouping into two groups"
        rows.append(CodeRow(code, depth, total, per, p, odds, reason))
    return CodePresence(
        items=tuple(text_items),
        respondents=tuple(answered),
        present={r: frozenset(present[r]) for r in answered},
        rows=tuple(rows),
        denominators=denominators,
    )
