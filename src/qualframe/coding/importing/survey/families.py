"""One-column-per-option questions put back together as one multiple-response item.

Tools write a multi-select question as one column per option: REDCap ``name___1`` (0/1) or
``Question (choice=Label)`` (Checked/Unchecked), LimeSurvey ``Q3[SQ001]`` / ``Q3_SQ001``
(Y/blank), SurveyMonkey a column per option under the question (the option's text/blank),
SPSS or Qualtrics ``Q3_1`` (1/blank or 0/1). Columns of one stem form a family only when
every answer in them says "chosen" or "not chosen"; a matrix of Likert rows (``Q5_1`` … with
answers 1–5) stays separate items. A respondent's choices are the options they marked; a
respondent who marked none did not answer the question (REDCap writes 0 for every box of a
form nobody filled in), so percentages are of the respondents who chose at least one option.

The last column of a family may be its "Other (please specify)" box (SurveyMonkey writes the
text typed there, LimeSurvey ``Q3[other]``): any text in it chooses "Other", and the column
stays an open-ended question of its own, so the text is kept and codable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = (
    re.compile(r"^(?P<stem>.+?)___(?P<code>[\w-]+)$"),  # REDCap raw: name___1
    re.compile(r"^(?P<stem>.+?)\s*\(choice=(?P<code>.+)\)$"),  # REDCap labels
    re.compile(r"^(?P<stem>[A-Za-z][\w.]*)\[(?P<code>[^\]]+)\]$"),  # LimeSurvey Q3[SQ001]
    re.compile(r"^(?P<stem>[A-Za-z][\w.]*?)_(?P<code>SQ\d+|\d+)$"),  # Q3_SQ001, Q3_1
)
SELECTED = {"1", "y", "yes", "checked", "true", "x", "selected"}
UNSELECTED = {"0", "n", "no", "unchecked", "false", "not selected"}


# "Other (please specify)", "Other", "other" (LimeSurvey's code), "기타 (직접 입력)"
_OTHER = re.compile(r"(?i)\s*(?:other\b|기타)")


@dataclass
class Family:
    stem: str
    label: str | None
    indices: list[int]  # the member columns
    options: list[str]  # one per member, in column (questionnaire) order
    other: int | None = None  # the member column holding "Other (please specify)" text


@dataclass
class Candidate:
    stem: str
    label: str | None
    members: list[tuple[int, str]]  # (column index, option text)


def _selected(value: str, option: str) -> bool | None:
    v = value.strip().casefold()
    if v in SELECTED or v == option.strip().casefold():
        return True
    if v in UNSELECTED:
        return False
    return None


def _common_prefix(labels: list[str]) -> str:
    if len(labels) < 2:
        return ""
    first, last = min(labels), max(labels)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:n]
    # cut back to a separator so that "… - Library" / "… - Lab" keep whole words
    cut = max(prefix.rfind(s) for s in (" - ", ": ", " [", " – ", "? "))
    return prefix[: cut + 1] if cut >= 0 else ""


def pattern_candidates(names: list[str], labels: list[str | None]) -> list[Candidate]:
    """Consecutive columns whose names share a stem (``Q3___1``, ``Q3___2`` …)."""
    out: list[Candidate] = []
    current: Candidate | None = None
    for i, name in enumerate(names):
        match = next((m for p in _PATTERNS if (m := p.match(name))), None)
        if match is None:
            current = None
            continue
        stem = match.group("stem").strip()
        if current is None or current.stem != stem:
            current = Candidate(stem, None, [])
            out.append(current)
        current.members.append((i, match.group("code").strip()))
    for cand in out:
        texts = [labels[i] or "" for i, _ in cand.members]
        prefix = _common_prefix(texts) if all(texts) else ""
        if prefix:
            cand.label = prefix.rstrip(" -:[–?").strip() or None
            cand.members = [
                (i, (labels[i] or "")[len(prefix) :].strip(" []") or code)
                for i, code in cand.members
            ]
    return [c for c in out if len(c.members) >= 2]


def confirm(candidates: list[Candidate], columns: list[list[str | None]]) -> list[Family]:
    """The candidates whose every answer is a chosen / not chosen mark (the last member may
    be an "Other (please specify)" box holding text)."""
    families: list[Family] = []
    for cand in candidates:
        ok = True
        any_selected = False
        other: int | None = None
        for k, (i, option) in enumerate(cand.members):
            marks = [_selected(v, option) for v in dict.fromkeys(columns[i]) if v is not None]
            if None in marks:
                if k == len(cand.members) - 1 and k >= 2 and _OTHER.match(option):
                    other = i
                    continue
                ok = False
                break
            any_selected = any_selected or any(marks)
        if ok and any_selected:
            families.append(
                Family(cand.stem, cand.label, [i for i, _ in cand.members],
                       [o for _, o in cand.members], other)
            )  # fmt: skip
    return families


def family_choices(
    family: Family, columns: list[list[str | None]], rows: int
) -> list[list[str] | None]:
    """Each respondent's chosen options (None: chose none, i.e. did not answer)."""
    out: list[list[str] | None] = []
    for r in range(rows):
        chosen = [
            option
            for i, option in zip(family.indices, family.options, strict=True)
            if (v := columns[i][r]) is not None
            and (_selected(v, option) or (i == family.other and _selected(v, option) is None))
        ]
        out.append(chosen or None)
    return out
