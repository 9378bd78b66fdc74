"""Attribute columns: trimmed, case-normalised values and warnings about likely typos."""

from __future__ import annotations

from collections import Counter

from qualframe.coding.importing.survey.model import SurveyColumn


def _close(a: str, b: str) -> bool:
    """Whether ``a`` looks like a misspelling of ``b``: one edit apart, two for long words
    (``mentr``/``mentor``, not ``mentee``/``mentor`` or ``male``/``female``)."""
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= limit


def _typo_warnings(col: SurveyColumn) -> list[str]:
    """A rare value close to a more common one (``mentr`` beside ``mentor``) is named; it is
    kept as written, since only the researcher knows whether it is a typo."""
    counts = Counter(v for v in col.values if v is not None)
    out: list[str] = []
    for value, n in counts.items():
        likely = [
            other
            for other, m in counts.most_common()
            if m >= 2 * n and _close(value.casefold(), other.casefold())
        ]
        if likely:
            who = f"{n} respondent{'s' if n != 1 else ''}"
            out.append(
                f"{col.name!r} has the value {value!r} ({who}), close to {likely[0]!r} "
                f"({counts[likely[0]]}); if it is a typo, correct it in the file"
            )
    return out


def _normalise_attribute(
    col: SurveyColumn, *, lower: bool, existing: list[str] | None = None
) -> dict[str, str]:
    """Trim and case-normalise an attribute column in place; return {raw: stored} changes.

    Values that differ only by case or spacing are one value, spelled as the project already
    spells it (``existing``: ``mentee`` stays ``mentee`` whatever the file writes), else in
    lower case for the group column, else as most respondents wrote it."""
    known = {" ".join(v.split()).casefold(): v for v in existing or ()}
    counts = Counter(v for v in col.values if v is not None)  # each distinct value once
    variants: dict[str, Counter[str]] = {}
    for v, n in counts.items():
        variants.setdefault(" ".join(v.split()).casefold(), Counter())[" ".join(v.split())] += n
    canonical = {
        key: known.get(key) or (key if lower else spellings.most_common(1)[0][0])
        for key, spellings in variants.items()
    }
    stored = {v: canonical[" ".join(v.split()).casefold()] for v in counts}
    changes = {v: s for v, s in stored.items() if s != v}
    col.values = [stored[v] if v is not None else None for v in col.values]
    return changes
