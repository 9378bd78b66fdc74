"""Shared by every table Qualframe writes (theme matrix, survey tables, codebook report,
screen): labels for participant groups in table headers, natural sort order, and the rounding
of figures (half-up on the decimal value; a percentage never rounds to all or nothing when it
is not; no "-0.0")."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qualframe.coding.core.errors import UserError

NA = "n/a"

_SIMPLE_WORD = re.compile(r"^[a-z][a-z\-]*$")
_ADJECTIVES = {
    "female", "male", "other", "nonbinary", "non-binary", "unknown", "yes", "no", "true",
    "false", "none", "full-time", "part-time", "urban", "rural", "junior", "senior",
}  # fmt: skip
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ive", "ed", "ing", "ary", "ful", "less", "able")
#: Words ending like a person noun that are not one (frequencies, comparatives).
_NOT_PERSONS = {
    "never", "ever", "other", "either", "neither", "rather", "over", "under", "after",
    "later", "earlier", "higher", "lower", "older", "younger", "better", "worse", "faster",
    "slower", "smaller", "larger", "longer", "shorter", "summer", "winter", "water", "paper",
    "minor", "major", "prior", "interior", "exterior", "superior", "inferior", "error",
}  # fmt: skip
#: Values that name a kind of person: their header is the plural ("mentee" → "Mentees");
#: any other word is only capitalised ("research" → "Research", not "Researches").
_PERSON_ENDINGS = ("ee", "or", "er", "ist", "ian")
_PERSONS = {
    "student", "resident", "participant", "respondent", "patient", "parent", "assistant",
    "applicant", "consultant", "client", "agent", "nurse", "intern", "fellow", "coach", "peer",
    "adult", "graduate", "undergraduate", "postgraduate", "alumnus", "novice", "expert",
    "freshman", "sophomore", "man", "woman", "boy", "girl", "child", "person",
}  # fmt: skip
_IRREGULAR = {
    "alumnus": "alumni", "freshman": "freshmen", "man": "men", "woman": "women",
    "child": "children", "person": "people",
}  # fmt: skip


def _names_people(word: str) -> bool:
    if word in _PERSONS:
        return True
    return word.endswith(_PERSON_ENDINGS) and word not in _NOT_PERSONS


def pluralise(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def group_label(value: str, attribute: str = "") -> str:
    """A header label for an attribute value: a kind of person in the plural (``mentee`` →
    ``Mentees``), another lower-case word capitalised (``female`` → ``Female``, ``research``
    → ``Research``), ``2`` (attribute ``year``) → ``Year 2``; anything else as it is."""
    v = value.strip()
    if _SIMPLE_WORD.match(v):
        if v in _ADJECTIVES or v.endswith(_ADJECTIVE_ENDINGS) or not _names_people(v):
            return v[0].upper() + v[1:]
        plural = _IRREGULAR.get(v) or pluralise(v)
        return plural[0].upper() + plural[1:]
    if re.fullmatch(r"\d+(\.\d+)?", v) and attribute and _SIMPLE_WORD.match(attribute.lower()):
        return f"{attribute[0].upper()}{attribute[1:].lower()} {v}"
    return v


# -- rounding (used by every output) ------------------------------------------------------
def round_half_up(value: float, decimals: int) -> float:
    """``value`` rounded half-up on its shortest decimal form (12.5 → 13, 2.25 → 2.3)."""
    return float(_quantize(value, decimals))


def _quantize(value: float, decimals: int) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
    return d + 0 if d != 0 else abs(d)  # never "-0.0"


def fmt_fixed(value: float | None, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals, rounded half-up; ``n/a`` if undefined."""
    if value is None or not math.isfinite(value):
        return NA
    return f"{_quantize(value, decimals):f}"


def fmt_mean(value: float | None) -> str:
    """Means, SDs and medians: one decimal."""
    return fmt_fixed(value, 1)


def percent(n: int, denominator: int) -> float | None:
    return 100.0 * n / denominator if denominator else None


def fmt_percent(value: float | None, decimals: int = 0) -> str:
    """A percentage rounded half-up, except that it never claims all or none when that is
    not so: 199 of 200 (99.5 %) is ``> 99`` rather than ``100``, 1 of 300 is ``< 1`` rather
    than ``0`` (``> 99.9`` / ``< 0.1`` with one decimal)."""
    if value is None or not math.isfinite(value):
        return NA
    step = Decimal(1).scaleb(-decimals)
    rounded = _quantize(value, decimals)
    if value < 100 and rounded >= 100:
        return f"> {Decimal(100) - step:f}"
    if value > 0 and rounded <= 0:
        return f"< {step:f}"
    return f"{rounded:f}"


def percent_value(value: float | None, decimals: int = 0) -> float | None:
    """The number a spreadsheet cell stores for a percentage: rounded like
    :func:`fmt_percent`, with two more decimals where that shows ``> 99`` or ``< 1``."""
    if value is None or not math.isfinite(value):
        return None
    text = fmt_percent(value, decimals)
    if text.startswith(("<", ">")):
        return round_half_up(value, decimals + 2)
    return round_half_up(value, decimals)


def fmt_n_percent(n: int, denominator: int, decimals: int = 0) -> str:
    """``n (%)`` of ``denominator``, e.g. ``5 (45)``; ``0`` alone when nobody answered."""
    pct = percent(n, denominator)
    if pct is None:
        return "–"
    return f"{n} ({fmt_percent(pct, decimals)})"


def fmt_p(p: float | None, decimals: int = 3) -> str:
    """p to 3 decimals (or 2; then 3 below 0.01), and ``< 0.001`` below 0.001."""
    if decimals not in (2, 3):
        raise UserError("p-values are shown with 2 or 3 decimals.")
    if p is None or not math.isfinite(p):
        return NA
    if p < 0.001:
        return "< 0.001"
    if decimals == 2 and p < 0.01:
        decimals = 3
    return fmt_fixed(p, decimals)


def fmt_statistic(value: float | None, decimals: int = 1) -> str:
    """U (whole, or .5 with ties) and H."""
    if value is None or not math.isfinite(value):
        return NA
    if float(value).is_integer():
        return str(int(value))
    return fmt_fixed(value, decimals)


def fmt_effect(value: float | None) -> str:
    """Effect sizes to 2 decimals, with a true minus sign (−0.49)."""
    return fmt_fixed(value, 2).replace("-", "\u2212")


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key putting "Site 2" before "Site 10" (digit runs compare as numbers, letters
    case-insensitively; a superscript digit is a letter, not a number)."""
    return tuple(int(t) if t.isdecimal() else t.casefold() for t in re.split(r"(\d+)", text))


def value_key(value: str) -> str:
    """Attribute values that differ only by case or spacing name one group (``Mentee``,
    ``mentee `` and ``mentee`` are the same role): the rule of every table."""
    return " ".join(value.split()).casefold()


def choose_spellings(counts: dict[str, int]) -> dict[str, str]:
    """Each stored value -> the spelling that names its group: the most common among the
    participants holding it (ties: a lower-case one, then the first in sorted order)."""
    by_key: dict[str, list[tuple[int, bool, str]]] = {}
    for value, n in counts.items():
        by_key.setdefault(value_key(value), []).append((-n, value != value.lower(), value))
    return {v: min(spellings)[2] for spellings in by_key.values() for *_, v in spellings}
