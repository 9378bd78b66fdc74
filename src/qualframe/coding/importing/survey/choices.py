"""Multiple-choice answers joined in one cell: one parse, shared by the preview and storage.

The separator is the tool's (Qualtrics ``,``, Google Forms ``, ``, Microsoft Forms ``;``),
else ``;`` when any answer holds one, else ``,``. An option may itself hold the separator
("Cafe, restaurant or bakery" in a Google Form): options given by the tool's metadata or by
the user are matched whole first; otherwise two adjacent pieces are one option when the second
never appears without the first right before it (and the first never without the second after
it) and the second starts in lower case, as the rest of a sentence does. Pieces that are
always chosen together but both start with a capital may be one option or two: they are kept
apart and named in a warning, and the user can declare the options.
"""

from __future__ import annotations

from collections import Counter


def choose_separator(values: list[str], tool_separator: str | None) -> str:
    """The tool's separator, else ``;``, ``,`` or both (``;,``) as the answers use them."""
    if tool_separator:
        return tool_separator
    semi, comma = any(";" in v for v in values), any("," in v for v in values)
    if semi and comma:
        return ";,"
    return ";" if semi else ","


def _pieces(value: str, sep: str) -> list[str]:
    if sep == ";,":
        import re

        return [p.strip() for p in re.split(r"[;,]", value) if p.strip()]
    return [p.strip() for p in value.split(sep.strip() or sep) if p.strip()]


def _match_known(pieces: list[str], known: list[str], sep: str) -> list[str]:
    """Longest runs of pieces that spell a known option; other pieces alone."""
    folded = {k.casefold(): k for k in known}
    sep = "," if sep == ";," else sep
    joiner = sep if sep.endswith(" ") else sep + " "
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            for glue in (joiner, sep.strip()):
                hit = folded.get(glue.join(pieces[i:j]).casefold())
                if hit is not None:
                    out.append(hit)
                    i = j
                    break
            else:
                continue
            break
        else:
            out.append(pieces[i])
            i += 1
    return out


def parse_multiple(
    column: str,
    values: list[str | None],
    sep: str,
    known: list[str] | None = None,
) -> tuple[list[list[str] | None], list[str]]:
    """Each answer's choices, and warnings about ambiguous splits. Each distinct answer is
    parsed once (weighted by how many gave it where the rule counts answers); respondents who
    gave the same answer share its list of choices, which is never changed in place."""
    counts = Counter(v for v in values if v is not None)
    split = {v: _pieces(v, sep) for v in counts}
    warnings: list[str] = []
    if known:
        by_value = {v: _match_known(p, known, sep) for v, p in split.items()}
        return [by_value[v] if v is not None else None for v in values], warnings
    before: dict[str, Counter[str | None]] = {}
    after: dict[str, Counter[str | None]] = {}
    for value, pieces in split.items():
        n = counts[value]
        for k, piece in enumerate(pieces):
            before.setdefault(piece, Counter())[pieces[k - 1] if k else None] += n
            after.setdefault(piece, Counter())[pieces[k + 1] if k + 1 < len(pieces) else None] += n
    merge: set[tuple[str, str]] = set()
    ambiguous: set[tuple[str, str]] = set()
    for b, prev in before.items():
        if len(prev) != 1:
            continue
        a = next(iter(prev))
        if a is None or len(after[a]) != 1 or next(iter(after[a])) != b:
            continue
        if b[:1].islower():
            merge.add((a, b))
        elif sum(prev.values()) >= 2:
            ambiguous.add((a, b))
    joiner = ", " if sep == ";," else (sep if sep.endswith(" ") else sep + " ")
    parsed: dict[str, list[str]] = {}
    for value, cell in split.items():
        joined: list[str] = []
        for piece in cell:
            if joined and (joined[-1].rsplit(joiner, 1)[-1], piece) in merge:
                joined[-1] = joined[-1] + joiner + piece
            else:
                joined.append(piece)
        parsed[value] = joined
    for a, b in sorted(ambiguous):
        warnings.append(
            f"{column!r}: {a!r} and {b!r} were always chosen together, one right after the "
            f"other; if {a + joiner + b!r} is one option, declare the options (--options or "
            "the preview)"
        )
    return [parsed[v] if v is not None else None for v in values], warnings


def options_in_order(choices: list[list[str] | None], declared: list[str] | None) -> list[str]:
    """Declared options first (questionnaire order), then others in first-seen order."""
    seen = list(dict.fromkeys(c for row in choices if row for c in row))
    if not declared:
        return seen
    return list(dict.fromkeys([*declared, *seen]))
