"""Keeping participants' real names inside the project.

Participants are known by pseudonyms (``E6``); a real name, when the source had one (the
transcript label ``E6 (김민지):``, name first ``김민지 (E6):``, or an interviewer's
``Moderator (박지훈):``), is stored privately: the first spelling in ``Participant.real_name``
and every spelling found (``이서연`` in one transcript, ``Lee Seo-yeon`` in another) in
``participant_names``. The immutable document text keeps the label as it was. Everything that leaves the project (Word, Excel,
CSV, Markdown and JSON exports, the command line's listings) passes its text through
:func:`mask_real_names` unless the user explicitly asks for real names:

* ``E6 (김민지)`` (the pseudonym followed by the real name in brackets) becomes ``E6``, and
  ``김민지 (E6)`` becomes ``E6``;
* any other occurrence of a real name becomes the participant's pseudonym (``김민지가`` →
  ``E6가``: Hangul names are matched exactly, also inside a word, since Korean particles attach
  to the name; Latin names are matched case-insensitively as whole words, any run of spaces
  between their parts);
* a real name shared by several participants becomes ``[name]`` (no pseudonym would be right);
* every known spelling of every participant's name (interviewers included) is masked.

Only the full stored name is recognised: a nickname or a given name used alone (``민지야``)
is not, because nothing in the project says it is a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.storage.models import Participant, ParticipantName

AMBIGUOUS = "[name]"
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_OPEN = r"[(（\[]"
_CLOSE = r"[)）\]]"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _name_pattern(name: str) -> str:
    """A real name as a regex: Latin names case-insensitive, whole words, flexible spaces;
    anything else (Hangul) exactly as stored."""
    parts = [re.escape(p) for p in name.split()]
    if _LATIN.search(name):
        return r"(?i:(?<!\w)" + r"\s+".join(parts) + r"(?!\w))"
    return re.escape(name)


@dataclass(frozen=True)
class _Name:
    real: str  # as stored (NFC, single spaces)
    pseudonyms: tuple[str, ...]  # of every participant with this real name

    @property
    def replacement(self) -> str:
        return self.pseudonyms[0] if len(self.pseudonyms) == 1 else AMBIGUOUS


class NameMasker:
    """Replaces real names by pseudonyms (see the module docstring); call it on a text."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()) -> None:
        """``pairs`` are (pseudonym, real name); pairs without a real name are ignored."""
        found: dict[str, _Name] = {}
        for pseudonym, real in pairs:
            pseudonym = pseudonym.strip()
            if not real or not real.strip() or not pseudonym:
                continue
            real = " ".join(_nfc(real).split())
            if real.casefold() == pseudonym.casefold():
                continue
            key = real.casefold() if _LATIN.search(real) else real
            old = found.get(key)
            pseudos = (old.pseudonyms if old else ()) + (pseudonym,)
            found[key] = _Name(old.real if old else real, tuple(dict.fromkeys(pseudos)))
        # Longest names first, so that "Kim Minji" wins over "Kim".
        self._names = sorted(found.values(), key=lambda n: len(n.real), reverse=True)
        alternatives = []
        for n in self._names:
            name = _name_pattern(n.real)
            pseudo = "|".join(re.escape(p) for p in sorted(n.pseudonyms, key=len, reverse=True))
            alternatives.append(rf"({pseudo})\s*{_OPEN}\s*{name}\s*{_CLOSE}")
            alternatives.append(rf"{name}\s*{_OPEN}\s*({pseudo})\s*{_CLOSE}")
            alternatives.append(rf"({name})")
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    @classmethod
    def from_session(cls, s: Session) -> NameMasker:
        """A masker for every known spelling of every participant's real name."""
        rows = s.execute(
            select(Participant.pseudonym, Participant.real_name).where(
                Participant.real_name.is_not(None)
            )
        ).all()
        spellings = s.execute(
            select(Participant.pseudonym, ParticipantName.name).join(
                ParticipantName, ParticipantName.participant_id == Participant.id
            )
        ).all()
        return cls([*((str(p), r) for p, r in rows), *((str(p), n) for p, n in spellings)])

    @property
    def empty(self) -> bool:
        return self._pattern is None

    def _replace(self, m: re.Match[str]) -> str:
        index = (m.lastindex or 1) - 1
        name = self._names[index // 3]
        if index % 3 == 2:
            return name.replacement
        return m.group(index + 1)  # the pseudonym written beside the name

    def edits(self, text: str) -> list[tuple[int, int, str]]:
        """Where ``__call__`` would change ``text``: (start, end, replacement), in order, so
        that positions in the text can be moved along (the REFI-QDA export does this)."""
        if self._pattern is None or not text:
            return []
        return [(m.start(), m.end(), self._replace(m)) for m in self._pattern.finditer(text)]

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(self._replace, text)


def no_masking(text: str) -> str:
    return text


def mask_real_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each real name in ``names`` (real name → pseudonym) replaced by the
    pseudonym, and ``E6 (real name)`` shortened to ``E6``."""
    return NameMasker((pseudo, real) for real, pseudo in names.items())(text)


def name_masker(s: Session, real_names: bool = False) -> Callable[[str], str]:
    """The masker an export applies to its text: none when the user asked for real names."""
    return no_masking if real_names else NameMasker.from_session(s)
