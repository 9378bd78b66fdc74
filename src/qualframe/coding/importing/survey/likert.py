"""Likert answers: scale points written as numbers or with their labels, and the scale."""

from __future__ import annotations

import re

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.cells import _as_int, _is_number

_LIKERT_OVERRIDE = re.compile(r"likert(?::(\d+)\s*-\s*(\d+))?$")
# "4 - agree", "5. strongly agree", "2) rarely", "3 = neutral": a scale point with its label
# (the label starts with a letter: "1-2 hours" is a range, not point 1 labelled "2 hours")
_LABELLED_POINT = re.compile(r"\s*(\d{1,2})\s*(?:[-–—.:)=]\s*|\s+)(?=[^\W\d_])(.*?)\s*")


def likert_value(value: str) -> int | None:
    """The scale point of a Likert answer: ``4``, ``4.0`` or ``4 - agree`` → 4."""
    i = _as_int(value)
    if i is not None:
        return i
    m = _LABELLED_POINT.fullmatch(value)
    return int(m.group(1)) if m else None


def _labelled_scale(values: list[str]) -> bool:
    """Whether ``values`` are scale points written with labels, each number with one label
    (``4 - agree``); plain numbers may be mixed in."""
    labels: dict[int, str] = {}
    labelled = False
    for v in values:
        if _as_int(v) is not None:
            continue
        m = _LABELLED_POINT.fullmatch(v)
        if m is None or _is_number(m.group(2)):
            return False
        point, label = int(m.group(1)), m.group(2).casefold()
        if labels.setdefault(point, label) != label:
            return False
        labelled = True
    return labelled


def _likert_scale(name: str, values: list[str], spec: str | None, file: str) -> tuple[int, int]:
    ints = []
    for v in values:
        i = likert_value(v)
        if i is None:
            raise refuse(
                file, f"has a value {v!r} in the Likert column {name!r} that is not a whole number"
            )
        ints.append(i)
    if spec:
        m = _LIKERT_OVERRIDE.match(spec)
        if m and m.group(1):
            lo, hi = int(m.group(1)), int(m.group(2))
            bad = [i for i in ints if not lo <= i <= hi]
            if bad:
                raise refuse(
                    file, f"has a value {bad[0]} outside the scale {lo}-{hi} in column {name!r}"
                )
            return lo, hi
    lo = 0 if ints and min(ints) == 0 else 1
    if ints and min(ints) < 0:
        raise refuse(file, f"has a negative value in the Likert column {name!r}")
    hi = max(ints) if ints else 5
    return lo, max(hi, 5)
