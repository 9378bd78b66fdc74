"""Likert answers: scale points written as numbers, as ``4 - agree``, or as text labels
(``Strongly agree``, ``매우 그렇다``) mapped to numbers; and the item's scale.

The scale comes from the item, never from the answers: declared (``likert:1-7``), from the
labels (a known agreement or satisfaction scale gives its length even if nobody chose its
ends), or from the tool's metadata (SPSS value labels). When none of these says it, the scale
is unknown and every table says so rather than guessing it from the answers given.
"""

from __future__ import annotations

import re

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.cells import _as_int, _is_number

_LIKERT_OVERRIDE = re.compile(r"likert(?::(\d+)\s*-\s*(\d+))?$")
# "4 - agree", "5. strongly agree", "2) rarely", "3 = neutral": a scale point with its label
# (the label starts with a letter: "1-2 hours" is a range, not point 1 labelled "2 hours")
_LABELLED_POINT = re.compile(r"\s*(\d{1,2})\s*(?:[-–—.:)=]\s*|\s+)(?=[^\W\d_])(.*?)\s*")

#: Text scales whose labels map to points 1..k in this order (several lengths per kind: the
#: shortest that holds every answer is used).
LIKERT_SCALES: tuple[tuple[str, ...], ...] = (
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "somewhat disagree", "neither agree nor disagree",
     "somewhat agree", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied",
     "very satisfied"),
    ("전혀 그렇지 않다", "그렇지 않다", "보통이다", "그렇다", "매우 그렇다"),
    ("매우 불만족", "불만족", "보통", "만족", "매우 만족"),
    ("totalement en désaccord", "plutôt en désaccord", "ni d'accord ni en désaccord",
     "plutôt d'accord", "tout à fait d'accord"),
)  # fmt: skip


_ALL_LABELS = frozenset(label for scale in LIKERT_SCALES for label in scale)


def likert_point(value: str, labels: list[tuple[str, int]] | None = None) -> int | None:
    """The scale point of an answer: ``4``, ``4.0``, ``4 - agree``, or a mapped label."""
    i = _as_int(value)
    if i is not None:
        return i
    if labels:
        folded = value.strip().casefold()
        for label, point in labels:
            if label.casefold() == folded:
                return point
    m = _LABELLED_POINT.fullmatch(value)
    return int(m.group(1)) if m else None


likert_value = likert_point


def labelled_points(values: list[str]) -> list[tuple[str, int]] | None:
    """``4 - agree`` answers: (label as written, point), each number always with one label;
    plain numbers may be mixed in. None when the answers are not of that form."""
    labels: dict[int, str] = {}
    for v in dict.fromkeys(values):  # each distinct answer once, in first-seen order
        if _as_int(v) is not None:
            continue
        m = _LABELLED_POINT.fullmatch(v)
        if m is None or _is_number(m.group(2)):
            return None
        point = int(m.group(1))
        if labels.setdefault(point, v.strip()).casefold() != v.strip().casefold():
            return None
    if not labels:
        return None
    return [(label, point) for point, label in sorted(labels.items())]


def label_text(value: str) -> str:
    """``4 - agree`` → ``agree``."""
    m = _LABELLED_POINT.fullmatch(value)
    return m.group(2) if m else value


def text_scale(values: list[str]) -> tuple[str, ...] | None:
    """The shortest known text scale holding every (distinct) answer."""
    folded: set[str] = set()
    for v in set(values):
        key = " ".join(v.split()).casefold()
        if key not in _ALL_LABELS:  # open-ended answers leave at their first value
            return None
        folded.add(key)
    if not folded:
        return None
    fitting = [s for s in LIKERT_SCALES if folded <= set(s)]
    return min(fitting, key=len) if fitting else None


def text_mapping(values: list[str]) -> list[tuple[str, int]] | None:
    """Label → point for answers from a known text scale, in the answers' own spelling where
    they use one (``Strongly agree``), the scale's otherwise."""
    scale = text_scale(values)
    if scale is None:
        return None
    # the spelling of each label's last occurrence (distinct answers, latest first)
    spelling: dict[str, str] = {}
    for v in dict.fromkeys(reversed(values)):
        spelling.setdefault(" ".join(v.split()).casefold(), " ".join(v.split()))
    return [(spelling.get(label, label.capitalize()), k) for k, label in enumerate(scale, 1)]


def parse_mapping(spec: str) -> list[tuple[str, int]]:
    """``Never=1|Sometimes=2|Often=3`` → [(label, point)]."""
    out: list[tuple[str, int]] = []
    for part in spec.split("|"):
        label, sep, point = part.rpartition("=")
        if not sep or not label.strip() or not point.strip().lstrip("-").isdigit():
            from qualframe.coding.core.errors import UserError

            raise UserError(
                f"A Likert mapping is LABEL=NUMBER|LABEL=NUMBER…, not {spec!r} (at {part!r})."
            )
        out.append((label.strip(), int(point)))
    return out


def declared_scale(spec: str | None) -> tuple[int, int] | None:
    if spec:
        m = _LIKERT_OVERRIDE.match(spec)
        if m and m.group(1):
            return int(m.group(1)), int(m.group(2))
    return None


def check_points(
    name: str,
    values: list[str],
    labels: list[tuple[str, int]] | None,
    scale: tuple[int, int] | None,
    file: str,
    declared: bool,
) -> list[str]:
    """Refuse an answer that is no scale point (or outside a declared scale); warn about one
    outside a scale known from labels or metadata."""
    warnings: list[str] = []
    for v in dict.fromkeys(values):  # each distinct answer once, in first-seen order
        point = likert_point(v, labels)
        if point is None:
            raise refuse(
                file,
                f"has a value {v!r} in the Likert column {name!r} that is neither a whole number "
                "nor a label of its scale; give its mapping with --likert-map "
                f"'{name}=LABEL=1|LABEL=2|…'",
            )
        if point < 0:
            raise refuse(file, f"has a negative value in the Likert column {name!r}")
        if scale is not None and not scale[0] <= point <= scale[1]:
            if declared:
                raise refuse(
                    file,
                    f"has a value {point} outside the scale {scale[0]}-{scale[1]} in column "
                    f"{name!r}",
                )
            warnings.append(
                f"{name!r} has the value {point} outside its scale {scale[0]}–{scale[1]}"
            )
    return warnings
