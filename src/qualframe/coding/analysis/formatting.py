"""Labels for participant groups in table headers, shared by every table Qualframe writes."""

from __future__ import annotations

import re

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
