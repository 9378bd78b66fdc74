"""The whole set of survey tables computed from :class:`SurveyData` (no database), and their
JSON form (full-precision numbers)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qualframe.coding.analysis.formatting import fmt_p, group_label
from qualframe.coding.analysis.survey.codes import CodePresence, code_presence
from qualframe.coding.analysis.survey.data import (
    CHOICE_TYPES,
    TABLE_TYPES,
    Answer,
    ItemInfo,
    SurveyData,
)
from qualframe.coding.analysis.survey.frequencies import (
    FrequencyColumn,
    FrequencyResult,
    frequencies,
)
from qualframe.coding.analysis.survey.likert import Descriptives, LikertResult, likert
from qualframe.coding.analysis.survey.significance import ODDS_RATIO_KIND, test_note
from qualframe.coding.core.errors import UserError


@dataclass(frozen=True)
class SurveyTables:
    by: str | None
    groups: tuple[str, ...]
    group_ns: dict[str, int]
    total_n: int
    ungrouped: int  # respondents without a value of the grouping attribute
    items: tuple[ItemInfo, ...]
    frequencies: tuple[FrequencyResult, ...]
    likert: tuple[LikertResult, ...]
    codes: CodePresence | None
    respondents: tuple[str, ...]
    group_of: dict[str, str | None]
    raw: dict[str, dict[str, Answer]]
    percent_decimals: int = 0
    p_decimals: int = 3
    excluded: dict[str, int] = field(default_factory=dict)  # responses left out, by reason
    included_incomplete: int = 0  # incomplete responses counted (the user asked)
    test: str = "auto"
    coders: tuple[str, ...] | None = None  # the coded themes count only these coders' segments
    reviewed: str = "all"  # the review filter on the coded answers
    not_reviewed: int = 0  # coded answer segments it left out

    def coders_note(self) -> str:
        """Whose coding the themes table counts, for its note (empty: everyone's)."""
        if self.coders is None:
            return ""
        if not self.coders:
            return " No coder's segments are counted."
        return (
            f" Themes counted from the segments of {', '.join(self.coders)} only; other "
            "coders' segments are left out."
        )

    def responses_note(self) -> str:
        """Which responses the figures count, for every table's note."""
        parts = []
        if self.included_incomplete:
            parts.append(
                f"{self.included_incomplete} incomplete response"
                f"{'s are' if self.included_incomplete != 1 else ' is'} included"
            )
        left = {k: v for k, v in self.excluded.items() if v}
        if left:
            shown = ", ".join(
                f"{v} {k} response{'s' if v != 1 else ''}" if k != "other groups"
                else f"{v} respondent{'s' if v != 1 else ''} of other groups"
                for k, v in left.items()
            )  # fmt: skip
            parts.append(f"left out: {shown}")
        return (" Responses: " + "; ".join(parts) + ".") if parts else ""

    def label(self, group: str) -> str:
        """A group's header label, as the theme matrix writes it (``Mentees``, ``Year 2``)."""
        return group_label(group, self.by or "")

    @property
    def single(self) -> tuple[FrequencyResult, ...]:
        return tuple(f for f in self.frequencies if not f.multiple)

    @property
    def multiple(self) -> tuple[FrequencyResult, ...]:
        return tuple(f for f in self.frequencies if f.multiple)

    @property
    def likert_methods(self) -> list[str]:
        """The tests actually used, in the order of first use, for notes."""
        out: list[str] = []
        for r in self.likert:
            if r.test.computed:
                note = test_note(r.test)
                if note not in out:
                    out.append(note)
        return out

    def to_json(self) -> dict[str, Any]:
        return tables_json(self)


def check_decimals(percent_decimals: int, p_decimals: int) -> None:
    if percent_decimals not in (0, 1):
        raise UserError("Percentages are shown with 0 or 1 decimal.")
    if p_decimals not in (2, 3):
        raise UserError("p-values are shown with 2 or 3 decimals.")


def compute_tables(
    data: SurveyData,
    items: Sequence[str] | None = None,
    *,
    percent_decimals: int = 0,
    p_decimals: int = 3,
) -> SurveyTables:
    """Every survey table from ``data`` (restricted to ``items`` when given)."""
    check_decimals(percent_decimals, p_decimals)
    if items is not None:
        known = {it.name for it in data.items}
        unknown = [name for name in items if name not in known]
        if unknown:
            usable = ", ".join(it.name for it in data.items if it.type in TABLE_TYPES)
            raise UserError(
                f"There is no survey item called {unknown[0]!r}; the items are: {usable}."
            )
    chosen = [it for it in data.items if items is None or it.name in items]
    freqs = tuple(frequencies(data, it) for it in chosen if it.type in CHOICE_TYPES)
    lik = tuple(likert(data, it) for it in chosen if it.type == "likert")
    codes = code_presence(data, items) if any(it.type == "text" for it in chosen) else None
    groups = tuple(data.groups)
    return SurveyTables(
        by=data.by,
        groups=groups,
        group_ns={g: len(data.members(g)) for g in groups},
        total_n=len(data.respondents),
        ungrouped=sum(1 for r in data.respondents if data.group_of.get(r) is None)
        if data.by
        else 0,
        items=tuple(data.items),
        frequencies=freqs,
        likert=lik,
        codes=codes if codes is not None and codes.rows else None,
        respondents=tuple(data.respondents),
        group_of=dict(data.group_of),
        raw={it.name: dict(data.answers.get(it.name, {})) for it in chosen},
        percent_decimals=percent_decimals,
        p_decimals=p_decimals,
        excluded=dict(data.excluded),
        included_incomplete=sum(data.included_incomplete.values()),
        test=data.test,
        coders=data.coders,
        reviewed=data.reviewed,
        not_reviewed=data.not_reviewed,
    )


# -- JSON -------------------------------------------------------------------------------
def _num(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _desc_json(d: Descriptives) -> dict[str, Any]:
    return {
        "n": d.n, "mean": _num(d.mean), "sd": _num(d.sd), "median": _num(d.median),
        "missing": d.missing, "respondents": d.respondents,
    }  # fmt: skip


def _freq_col_json(c: FrequencyColumn) -> dict[str, Any]:
    return {
        "n": c.answered,
        "respondents": c.respondents,
        "missing": c.missing,
        "options": {o.option: {"n": o.n, "percent": _num(o.percent)} for o in c.options},
    }


def tables_json(t: SurveyTables) -> dict[str, Any]:
    """The JSON form (full-precision numbers; ``p_text`` formatted as in the tables)."""
    likert_rows = []
    for r in t.likert:
        test = r.test
        mw = test.test == "mann-whitney" and test.computed
        kw = test.test == "kruskal-wallis" and test.computed
        row: dict[str, Any] = {
            "item": r.item,
            "groups": {g: _desc_json(d) for g, d in r.groups.items()},
            "u": test.statistic if mw else None,  # min(U1, U2), as SPSS reports it
            "p": _num(test.p),
            "method": test.method,
            "effect_size": _num(test.effect_size),
            "test": test.test,
            "overall": _desc_json(r.total),
            "p_text": fmt_p(test.p, t.p_decimals),
        }
        if kw:
            row["h"] = test.statistic
            row["effect_size_measure"] = "epsilon squared, H/(N-1)"
        elif mw:
            row["u1"] = {"group": t.groups[0], "u": test.u1}  # R's W
            row["u2"] = {"group": t.groups[1], "u": test.u2}
            row["effect_size_measure"] = (
                f"rank-biserial r = 1 - 2U/(n1*n2); positive: {t.groups[1]} higher"
            )
        if test.reason:
            row["reason"] = test.reason
        if r.scale_min is not None and r.scale_max is not None:
            row["scale"] = [r.scale_min, r.scale_max]
        likert_rows.append(row)
    freq_rows = [
        {
            "item": f.item,
            "multiple": f.multiple,
            "groups": {c.group: _freq_col_json(c) for c in f.groups if c.group is not None},
            "overall": _freq_col_json(f.total),
            "options": list(f.options),
        }
        for f in t.frequencies
    ]
    out: dict[str, Any] = {
        "likert": likert_rows,
        "frequencies": freq_rows,
        "by": t.by,
        "n": {"total": t.total_n, **t.group_ns},
    }
    if t.ungrouped:
        out["ungrouped"] = t.ungrouped
    out["test"] = t.test
    if t.excluded:
        out["excluded"] = dict(t.excluded)
    if t.included_incomplete:
        out["included_incomplete"] = t.included_incomplete
    if t.codes is not None:
        c = t.codes
        out["codes"] = {
            "items": list(c.items),
            **({"coders": list(t.coders)} if t.coders is not None else {}),
            "reviewed": t.reviewed,
            "segments_not_reviewed": t.not_reviewed,
            "denominators": {("total" if k is None else k): v for k, v in c.denominators.items()},
            "rows": [
                {
                    "code": row.code,
                    "overall": {"n": row.total.n, "percent": _num(row.total.percent)},
                    "groups": {
                        g: {"n": cc.n, "percent": _num(cc.percent)} for g, cc in row.groups.items()
                    },
                    "test": "fisher-exact" if row.p is not None else None,
                    "p": _num(row.p),
                    # JSON has no infinity: an infinite ratio is written "inf", never null
                    "odds_ratio": (
                        "inf"
                        if row.odds_ratio is not None and math.isinf(row.odds_ratio)
                        else _num(row.odds_ratio)
                    ),
                    "odds_ratio_kind": ODDS_RATIO_KIND if row.p is not None else None,
                    **({"reason": row.reason} if row.reason else {}),
                }
                for row in c.rows
            ],
            "respondents": [
                {"id": r, "group": t.group_of.get(r), "codes": sorted(c.present[r])}
                for r in c.respondents
            ],
        }
    return out
