"""Labels for participant groups in table headers, shared by every table Qualframe writes."""

from __future__ import annotations

import re

_SIMPLE_WORD = re.compile(r"^[a-z][a-z\-]*$")
_ADJECTIVES = {
    "female", "male", "other", "nonbinary", "non-binary", "unknown", "yes", "no", "true",
    "false", "none", "full-time", "part-time", "urban", "rural", "junior", "senior",
}  # fmt: skip
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ive", "ed", "ing", "ary", "ful", "less", "able")


def pluralise(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def group_label(value: str, attribute: str = "") -> str:
    """A header label for an attribute value: ``mentee`` → ``Mentees``, ``female`` →
    ``Female``, ``2`` (attribute ``year``) → ``Year 2``; anything else is kept as it is."""
    v = value.strip()
    if _SIMPLE_WORD.match(v):
        if v in _ADJECTIVES or v.endswith(_ADJECTIVE_ENDINGS):
            return v[0].upper() + v[1:]
        return pluralise(v[0].upper() + v[1:])
    if re.fullmatch(r"\d+(\.\d+)?", v) and attribute and _SIMPLE_WORD.match(attribute.lower()):
        return f"{attribute[0].upper()}{attribute[1:].lower()} {v}"
    return v
