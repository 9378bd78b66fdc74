"""Typing the columns: id, attribute, Likert, number, single or multiple choice, open text."""

from __future__ import annotations

import re
from collections import Counter

from qualframe.coding.core.errors import UserError
from qualframe.coding.importing.survey.cells import _as_int, _is_number
from qualframe.coding.importing.survey.likert import (
    _LIKERT_OVERRIDE,
    labelled_points,
    likert_point,
    text_scale,
)
from qualframe.coding.importing.survey.model import TYPES, SurveyColumn

_ID_NAMES = {
    "id", "respondent_id", "respondentid", "respondent", "respondent id", "participant",
    "participant_id", "participant id", "pseudonym", "case", "case_id", "응답자", "응답자id",
    "응답자 id", "응답자번호", "번호", "연구참여자", "참여자", "responseid", "response id",
    "record_id", "record id", "case id", "caseid",
}  # fmt: skip
_ATTRIBUTE_WORDS = {
    "role", "group", "gender", "sex", "year", "grade", "cohort", "class", "school",
    "department", "major", "site", "역할", "성별", "학년", "집단", "소속", "구분", "전공",
}  # fmt: skip
_NUMBER_WORDS = {"age", "hours", "count", "number", "minutes", "나이", "연령", "시간", "횟수"}
_ORDINAL_SCALES: tuple[tuple[str, ...], ...] = (
    ("never", "rarely", "less than monthly", "monthly", "once a month", "every two weeks",
     "biweekly", "twice a month", "weekly", "once a week", "several times a week", "daily",
     "always"),
    ("strongly disagree", "disagree", "somewhat disagree", "neutral",
     "neither agree nor disagree", "somewhat agree", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("very poor", "poor", "fair", "average", "good", "very good", "excellent"),
)  # fmt: skip
_LEADING_NUMBER = re.compile(r"\s*(\d+)\b")
# never a pseudonym: timestamps, dates and IP addresses
_NOT_AN_ID = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*|\d{1,3}(?:\.\d{1,3}){3}|\d{1,2}:\d{2}(?::\d{2})?"
)


def parse_type_spec(spec: str) -> str:
    """``TYPE`` or ``likert:1-4`` → the base type, or a :class:`UserError`."""
    base = spec.strip().casefold()
    if base.startswith("likert") and _LIKERT_OVERRIDE.match(base):
        return "likert"
    if base not in TYPES:
        raise UserError(f"{spec!r} is not a column type; use one of {', '.join(TYPES)}.")
    return base


def _tokens(header: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", header.casefold()) if t]


def split_multiple(value: str, sep: str) -> list[str]:
    return [p.strip() for p in value.split(sep) if p.strip()]


def _multiple_separator(counts: Counter[str]) -> str | None:
    """``counts``: each distinct answer and how many gave it."""
    answers = sum(counts.values())
    for sep in (";", ","):
        if not any(sep in v for v in counts):
            continue
        n_parts = length = 0
        distinct: set[str] = set()
        for v, n in counts.items():
            parts = split_multiple(v, sep)
            n_parts += n * len(parts)
            length += n * sum(map(len, parts))
            distinct.update(parts)
        if (
            n_parts > answers
            and len(distinct) <= max(3, min(30, n_parts // 2))
            and length / n_parts <= 40
        ):
            return sep
    return None


def order_options(options: list[str]) -> list[str]:
    """Options in first-seen order, unless they look ordinal (numbered or a known scale)."""
    if options and all(_LEADING_NUMBER.match(o) for o in options):
        return sorted(options, key=lambda o: int(_LEADING_NUMBER.match(o).group(1)))  # type: ignore[union-attr]
    folded = [o.casefold() for o in options]
    for scale in _ORDINAL_SCALES:
        if len(options) > 1 and all(f in scale for f in folded):
            return sorted(options, key=lambda o: scale.index(o.casefold()))
    return options


def _sentence_like(values: list[str]) -> bool:
    """Open-ended answers look like sentences: many end with a full stop or run to eight
    words or more (a choice option rarely does), so they are text, not options."""
    distinct = list(dict.fromkeys(values))
    long = sum(
        1
        for v in distinct
        if len(v.split()) >= 8 or v.rstrip().endswith((".", "!", "?", "…", "다."))
    )
    return long >= max(2, 0.3 * len(distinct))


def detect_type(name: str, values: list[str]) -> str:
    """The detected type of a column from its header and its non-empty values.

    Every test looks at the distinct answers (a Likert column of 50,000 answers has five),
    in the order they first appear; only the separator test weighs them by their counts."""
    if not values:
        return "ignore"
    n_values = len(values)
    counts = Counter(values)
    values = list(counts)  # distinct, first-seen order
    tokens = _tokens(name)
    distinct = set(values)
    short = max(map(len, values)) <= 40
    edge = {tokens[0], tokens[-1]} if tokens else set()
    if edge & _ATTRIBUTE_WORDS and len({v.casefold() for v in distinct}) <= 20 and short:
        return "attribute"
    if all(_is_number(v) for v in values):
        ints = [_as_int(v) for v in values]
        if {i for i in ints} <= {0, 1} and len(distinct) <= 2:
            return "single"  # a yes/no box (0/1) is no rating scale
        if not (edge & _NUMBER_WORDS) and all(i is not None and 0 <= i <= 10 for i in ints):
            return "likert"
        return "number"
    if not (edge & _NUMBER_WORDS) and labelled_points(values) is not None:
        points = [likert_point(v) for v in values]
        if all(i is not None and 0 <= i <= 10 for i in points):
            return "likert"
    if text_scale(values) is not None:
        return "likert"
    if _sentence_like(values):
        return "text"
    if _multiple_separator(counts):
        return "multiple"
    if len(distinct) <= max(2, min(20, n_values // 2)) and short:
        return "single"
    folded = {v.casefold() for v in distinct}
    if any(folded <= set(scale) for scale in _ORDINAL_SCALES):
        return "single"
    return "text"


def _guess_id_column(columns: list[SurveyColumn]) -> SurveyColumn | None:
    """The first column of short, unique codes (no spaces, not all numbers), else a first
    column of unique whole numbers."""
    for col in columns:
        vals = col.values
        if col.type in ("metadata", "personal") or any(
            v is not None and (("@" in v) or _NOT_AN_ID.fullmatch(v)) for v in vals[:50]
        ):
            continue
        if (
            vals
            and all(v is not None and len(v) <= 20 and " " not in v for v in vals)
            and len(set(vals)) == len(vals)
            and not all(_is_number(v) for v in vals if v is not None)
        ):
            return col
    first = next((c for c in columns if c.type not in ("metadata", "personal")), None)
    if (
        first
        and all(v is not None and v.isdigit() for v in first.values)
        and len(set(first.values)) == len(first.values)
    ):
        return first
    return None
