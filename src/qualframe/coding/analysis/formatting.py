"""Formatting shared by every table Qualframe writes (theme matrix, survey tables, codebook
report, screen): half-up rounding, percentages that never claim all or none falsely, natural
sort order, and labels for participant groups in table headers."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NA = "n/a"


# -- rounding -------------------------------------------------------------------------------
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


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key putting "Site 2" before "Site 10" (digit runs compare as numbers, letters
    case-insensitively)."""
    return tuple(int(t) if t.isdecimal() else t.casefold() for t in re.split(r"(\d+)", text))


# -- group labels ---------------------------------------------------------------------------

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
