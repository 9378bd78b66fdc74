"""List numbers and bullets as a word processor shows them ("3.1.", "a)", "•", "가.").

Word and LibreOffice store a numbered paragraph as its text plus a reference to a list
definition; the number the reader sees is computed from counters. :class:`ListCounter`
keeps those counters for one list and formats the label of each item from a level's format
(``decimal``, ``lowerLetter``, ``upperRoman``, ``bullet`` …) and its template (Word's
``%1.%2.``; LibreOffice's prefix, suffix and displayed levels are turned into the same
template by the .odt reader).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Bullets drawn from the Symbol and Wingdings fonts are stored as private-use characters.
_SYMBOL_BULLETS = {
    "\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖",
    "\uf0e0": "➔", "\uf06e": "■", "\uf06c": "●", "\uf0a8": "◆", "\uf02d": "-",
}  # fmt: skip
_GANADA = "가나다라마바사아자차카타파하"
_CHOSUNG = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (Word repeats the letter: aa, bb …)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, digits in _ROMAN:
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """One counter in a list format (Word's names; LibreOffice's ``1 a A i I`` map to them)."""
    if fmt in ("lowerLetter", "a"):
        return _letters(n)
    if fmt in ("upperLetter", "A"):
        return _letters(n).upper()
    if fmt in ("lowerRoman", "i"):
        return _roman(n)
    if fmt in ("upperRoman", "I"):
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("ganada", "가, 나, 다, ..."):
        return _GANADA[(n - 1) % len(_GANADA)] if n > 0 else str(n)
    if fmt in ("chosung", "ㄱ, ㄴ, ㄷ, ..."):
        return _CHOSUNG[(n - 1) % len(_CHOSUNG)] if n > 0 else str(n)
    if fmt in ("none", ""):
        return ""
    return str(n)


def bullet_text(char: str) -> str:
    """A bullet character as a reader sees it (Symbol-font bullets mapped to Unicode)."""
    char = char.strip()
    if not char:
        return "•"
    return "".join(_SYMBOL_BULLETS.get(c, "•" if "\ue000" <= c <= "\uf8ff" else c) for c in char)


@dataclass(frozen=True)
class Level:
    fmt: str  # decimal, lowerLetter, bullet … (Word's names)
    template: str  # "%1.%2." or, for a bullet, the bullet character
    start: int = 1
    suffix: str = "\t"  # what separates the label from the text: tab, space or nothing


@dataclass
class ListCounter:
    """The counters of one list; :meth:`label` advances a level and formats its label."""

    levels: dict[int, Level]
    counts: dict[int, int] = field(default_factory=dict)

    def label(self, level: int, start: int | None = None) -> str:
        spec = self.levels.get(level)
        if spec is None:
            return ""
        if start is not None:
            self.counts[level] = start
        elif level in self.counts:
            self.counts[level] += 1
        else:
            self.counts[level] = spec.start
        for deeper in [k for k in self.counts if k > level]:
            del self.counts[deeper]  # a deeper level starts again under a new item
        if spec.fmt == "bullet":
            text = bullet_text(spec.template)
        else:
            text = spec.template
            for lvl in range(9, -1, -1):  # %10 does not exist; replace %9 before %1
                marker = f"%{lvl + 1}"
                if marker in text:
                    other = self.levels.get(lvl)
                    count = self.counts.get(lvl, other.start if other else 1)
                    text = text.replace(
                        marker, format_number(count, other.fmt if other else "decimal")
                    )
        return text + spec.suffix if text else ""
