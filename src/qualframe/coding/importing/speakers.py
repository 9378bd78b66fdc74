"""Speaker turns in transcript text, found from evidence rather than a word list.

**Candidates.** A line is a candidate label line when it starts with a label of one to
three words (the first starts with a letter; ``M1``, ``Moderator``, ``Dr. Kim``,
``Participant 3``, ``Interviewer/in``) in one of these forms:

* ``Label: speech`` (also a full-width ``：``, spaces or a no-break space before the colon,
  Markdown emphasis around the label, nothing after the colon);
* ``[Label] speech`` (``[laughs]``-style annotations excluded);
* ``Label`` alone on its line, the speech on the lines below (``Interviewer``,
  ``I [00:00:00]``, a Markdown heading ``### Interviewer`` once rendered);
* a bold leading run in .docx/.odt/.rtf/.md (the reader's hint), with or without a colon;
* any form after a timestamp (``[00:12:34]``, ``(12:34)``, ``00:12:34 -``) or with one after
  the label (``Speaker 1  0:03``);
* a real name in parentheses after the label (``M2 (이서연):`` → pseudonym ``M2``, real name
  ``이서연``) or, name first, the pseudonym in parentheses (``정하늘 (M4):`` → ``M4``,
  real name ``정하늘``). A parenthesis that holds no name (``(translated)``) is not one.

A time (``10:30``) never starts a label, since a label starts with a letter.

**Evidence.** Candidates with the same label (case-insensitive) are counted; a label is
accepted when

1. it names an interviewer or a participant role in one of the supported languages
   (``Moderator``, ``Interviewer2``, ``MODERADOR``, ``Entrevistador``, ``Kérdező``, ``진행자``,
   ``Participant 3``, ``참여자1`` … see :mod:`labels`), or
2. it is short and consistent in form, a code such as ``M1``, ``E12``, ``B``, or
3. the document's other accepted labels share its form (``E3`` once beside ``E1``, ``E2``:
   the same series), or
4. it recurs (at least twice; three times for a label in an uncased script such as Hangul,
   where "왜냐면:" and a name cannot be told apart by their letters) and is not a phrase (a
   later word starting lower-case: "So basically:", "For example:").

A standalone line without a colon needs more: a role word, a code, or a timestamp or bold
styling beside a recurring label (a one-word line such as "Introduction" is text).
Never accepted, however often they recur: metadata keys (``Date``, ``Fecha``, ``Ort``,
``Duración``, ``일시`` …), an interview guide's numbered questions (``Q3``, ``Pregunta 1``),
annotations, and labels ending with a full stop. A candidate that is not accepted is text:
it continues the current turn. The user's choices (``accept``/``drop``) override all this.

**Turns.** A turn starts at its label (not at a timestamp before it), ``label_end`` is just
after the label and its colon, and the turn ends at the end of its last non-blank line
before the next accepted label; text before the first label (a title) belongs to no turn.
A custom pattern (a regular expression with a named group ``label`` and optionally ``name``)
replaces the built-in forms, and every match counts.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from typing import NamedTuple

from qualframe.coding.core.errors import UserError
from qualframe.coding.importing import labels as lx
from qualframe.coding.importing.model import LabelEvidence

DEFAULT_INTERVIEWERS: tuple[str, ...] = (
    "Moderator", "Interviewer", "Facilitator", "I", "Q", "진행자", "면담자", "Moderador",
    "Entrevistador", "Interviewer/in", "Intervieweur", "Kérdező",
)  # fmt: skip

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS = rf"(?:\[{_TIME}\]|\({_TIME}\)|{_TIME})"
_SP = "[ \t\u00a0\u202f]"
_TS_LEAD = rf"(?:{_TS}{_SP}*(?:[-–—]{_SP}*)?)"
# Possessive quantifiers: a label's words never give characters back, so a line that is not
# a label fails at once instead of being retried word prefix by word prefix.
_FIRST = r"[^\W\d_][\w.'’\-/]*+"
_NEXT = r"[\w.'’\-/]++"
_LABEL = rf"{_FIRST}(?:[ \u00a0]{_NEXT}){{0,2}}+"
_PAREN = r"\((?P<{0}>[^()\n:：]{{1,60}})\)"
_MD = r"(?:\*\*|__)?"
# The usual line, "Label: speech" (one word at the line's start, a colon, a space), tried
# first: what the full pattern below finds in such a line, found in a third of its time.
_SIMPLE = rf"(?P<simple>{_FIRST})[:：](?={_SP}|$)"
_BODY = (
    rf"(?:{_SIMPLE}|"
    rf"{_SP}*(?P<ts>{_TS_LEAD})?(?:"
    rf"\[(?P<blabel>{_LABEL})\](?:{_SP}*[:：])?(?={_SP}|$)"
    rf"|{_MD}(?P<low>(?=[a-z]))?(?P<label>{_FIRST}(?:[ \u00a0]{_NEXT}(?:[ \u00a0](?P<w3>{_NEXT}))?+)?+)"
    rf"(?:{_SP}*{_PAREN.format('real')})?(?P<tts>{_SP}*{_TS})?{_MD}{_SP}*"
    # after the label: a colon; or the end of the line, for a label on its own line, which
    # without a timestamp must not start in lower case nor have three words (such a short
    # line is text: rejecting it here keeps a text of millions of short lines fast)
    rf"(?:(?P<colon>[:：]){_MD}(?={_SP}|$)|(?(ts)$|(?(tts)$|(?(low)(?!)|(?(w3)(?!)|$)))))"
    r"))"
)
_LINE = re.compile("^" + _BODY, re.M)
# The same after a newline: a literal first character lets the scanner skip to line starts,
# and a blank line (no label starts with a line break) is passed over before the body is tried.
_AFTER_NEWLINE = re.compile("\n(?=[^\n])" + _BODY, re.M)
# group numbers (the same in both patterns: the prefix has no group), faster than names
_G_SIMPLE, _G_TS, _G_LABEL, _G_REAL, _G_COLON, _G_TTS = (
    _LINE.groupindex[g] for g in ("simple", "ts", "label", "real", "colon", "tts")
)
_BOLD_LABEL = re.compile(
    rf"{_SP}*{_TS_LEAD}?{_MD}(?P<label>{_LABEL})"
    rf"(?:{_SP}*{_PAREN.format('real')})?(?:{_SP}*{_TS})?{_MD}{_SP}*[:：]?{_MD}{_SP}*$"
)
MAX_LABEL = 40


class ParsedTurn(NamedTuple):
    start: int  # offset of the label
    end: int  # end of the turn's last non-blank line
    label_end: int  # just after "Label:"
    label: str  # the speaker label (pseudonym) without any real name
    real_name: str | None
    words: int


_new_turn = tuple.__new__
_LINE_START = operator.itemgetter(0)  # of a _Candidate
_new_candidate = tuple.__new__


@dataclass
class Detection:
    turns: list[ParsedTurn]
    labels: list[LabelEvidence]  # accepted and rejected, in order of first appearance


class _Candidate(NamedTuple):  # a tuple: made for every label line, tens of thousands a file
    line_start: int
    start: int  # label start
    label_end: int
    label: str
    real: str | None
    form: str  # colon | bracket | alone | bold | custom
    styled: bool  # a timestamp or bold styling beside the label


class TooManyLabels(Exception):
    """More candidate label lines than the caller's limit (the text is not one transcript)."""


def compile_label_pattern(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UserError(f"The label pattern is not a valid regular expression ({exc}).") from None
    if "label" not in compiled.groupindex:
        raise UserError('The label pattern needs a named group "label", e.g. (?P<label>\\w+):.')
    return compiled


def _split_real(label: str, real: str | None) -> tuple[str, str | None]:
    """(pseudonym, real name): ``M2 (이서연)`` and ``정하늘 (M4)`` alike; a parenthesis that
    holds no name is dropped. The label patterns join a label's words by one space or one
    no-break space, which becomes a space."""
    if "\u00a0" in label:
        label = label.replace("\u00a0", " ")
    if real is None:
        return label, None
    real = " ".join(real.split())
    if lx.is_code(real) and not lx.is_code(label) and lx.name_like(label):
        return real, label  # name first, the pseudonym in parentheses
    if lx.name_like(real) and lx.fold(real) != lx.fold(label):
        return label, real
    return label, None


def _candidate(text: str, pos: int, end: int, bold_len: int | None) -> _Candidate | None:
    m = _LINE.match(text, pos, end)
    if m is not None and m.group("label") is not None and m.group("colon") is None and bold_len:
        m = None  # a bold leading run says where the label ends
    if m is not None:  # (a bold run is not read for such a line: it has a colon, or brackets)
        return _from_match(m, pos)
    if bold_len:
        b = _BOLD_LABEL.match(text, pos, pos + bold_len)
        if b is not None:
            label_end = pos + len(text[pos : pos + bold_len].rstrip())
            if label_end < end and text[label_end] in ":：":
                label_end += 1
            label, real = _split_real(b.group("label"), b.group("real"))
            return _Candidate(pos, b.start("label"), label_end, label, real, "bold", True)
    return None


def _from_match(m: re.Match[str], pos: int) -> _Candidate | None:
    simple, ts, label, real, colon, tts = m.group(
        _G_SIMPLE, _G_TS, _G_LABEL, _G_REAL, _G_COLON, _G_TTS
    )
    if simple is not None:
        return _Candidate(pos, m.start(_G_SIMPLE), m.end(), simple, None, "colon", False)
    styled = ts is not None
    if label is not None:
        if real is not None or "\u00a0" in label:
            label, real = _split_real(label, real)
        if colon is not None:
            return _Candidate(pos, m.start(_G_LABEL), m.end(), label, real, "colon", styled)
        styled = styled or tts is not None
        if not styled and not _may_stand_alone(label):
            return None  # a short line of text ("line 12 text"), never a label on its own
        end = m.start() + len(m.group().rstrip())
        return _Candidate(pos, m.start("label"), end, label, real, "alone", styled)
    label = m.group("blabel")
    if lx.fold(label) in lx.ANNOTATIONS:
        return None
    return _Candidate(pos, m.start("blabel") - 1, m.end(), label, None, "bracket", styled)


def _may_stand_alone(label: str) -> bool:
    """Whether a line holding only ``label`` (no colon, timestamp or bold) could name a
    speaker: a role word, a code, or one or two capitalised (or uncased) words without
    digits, such as a name. Other short lines are text and not even kept as candidates."""
    words = label.split()
    if len(words) > 2 or label[0].islower():  # cheap tests first: most such lines are text
        return False
    if lx.is_code(label) or lx.role_of(label) is not None:
        return True
    return not any(ch.isdigit() for ch in label) and all(not w[0].islower() for w in words)


def _custom(pattern: re.Pattern[str], text: str, pos: int, end: int) -> _Candidate | None:
    m = pattern.match(text, pos, end)
    if m is None or not m.group("label") or not m.group("label").strip():
        return None
    real = m.group("name") if "name" in pattern.groupindex else None
    label = " ".join(m.group("label").split())
    return _Candidate(
        pos, m.start("label"), max(m.end(), m.start("label")), label,
        (real or "").strip() or None, "custom", True,
    )  # fmt: skip


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end without trailing blanks) of each non-blank line."""
    out: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        stripped_end = line_end
        while stripped_end > pos and text[stripped_end - 1] in " \t\r\f\v":
            stripped_end -= 1
        if stripped_end > pos and not text[pos:stripped_end].isspace():
            out.append((pos, stripped_end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _candidates(
    text: str, bold: dict[int, int], custom: re.Pattern[str] | None, limit: int | None = None
) -> list[_Candidate]:
    cap = limit * 2 if limit else None  # rejected candidates are text: allow some more
    # A bold line is read within its line as _lines gives it, which strips a trailing CR, VT
    # or FF that the pattern's "$" does not pass: a text holding one is read line by line
    # (no reader's stored text does; the line pattern alone reads the text as it always did).
    if custom is None and not (bold and ("\r" in text or "\x0b" in text or "\x0c" in text)):
        return _scan(text, bold, cap)
    found: list[_Candidate] = []
    for start, end in _lines(text):
        c = (
            _custom(custom, text, start, end)
            if custom is not None
            else _candidate(text, start, end, bold.get(start))
        )
        if c is not None:
            found.append(c)
            if cap is not None and len(found) > cap:
                raise TooManyLabels(len(found))
    return found


def _scan(text: str, bold: dict[int, int], cap: int | None) -> list[_Candidate]:
    """The candidates of the built-in forms, from one regular-expression pass over the text
    (the line pattern matched at every line start). A bold line whose match has no colon,
    or that has no match, is read by :func:`_candidate` afterwards, as the bold rule says."""
    found: list[_Candidate] = []
    append = found.append
    first = _LINE.match(text)
    matches = _AFTER_NEWLINE.finditer(text)
    for m in itertools.chain((first,) if first is not None else (), matches):
        line_start = m.start() + (m is not first)
        simple = m.group(_G_SIMPLE)
        if simple is not None:  # "Label: speech" with its label at the line's start
            c = _new_candidate(
                _Candidate, (line_start, line_start, m.end(), simple, None, "colon", False)
            )
        else:
            ts, label, real, colon = m.group(_G_TS, _G_LABEL, _G_REAL, _G_COLON)
            if colon is not None and real is None and "\u00a0" not in label:
                # another colon label, built here as _from_match would build it
                c = _new_candidate(
                    _Candidate,
                    (line_start, m.start(_G_LABEL), m.end(), label, None, "colon", ts is not None),
                )
            elif colon is None and bold and bold.get(line_start):
                continue  # the bold leading run says where its label ends (read below)
            else:
                found_c = _from_match(m, line_start)
                if found_c is None:
                    continue
                c = found_c
        append(c)
        if cap is not None and len(found) > cap:
            raise TooManyLabels(len(found))
    if bold:
        _add_bold(text, bold, found, cap)
    return found


def _add_bold(text: str, bold: dict[int, int], found: list[_Candidate], cap: int | None) -> None:
    """Add the candidates of the bold lines :func:`_scan` left to the bold rule, each read by
    :func:`_candidate` within its line (a bold run that starts no line is not a label; a
    blank line gives none), in line order."""
    taken = {c.line_start for c in found}  # (a bold line's colon label is found already)
    extra: list[_Candidate] = []
    for pos, bold_len in bold.items():
        if pos in taken or pos < 0 or (pos and text[pos - 1 : pos] != "\n"):
            continue
        nl = text.find("\n", pos)
        c = _candidate(text, pos, len(text) if nl < 0 else nl, bold_len)
        if c is not None:
            extra.append(c)
    if extra:
        found.extend(extra)
        found.sort(key=_LINE_START)  # each line has one candidate
        if cap is not None and len(found) > cap:
            raise TooManyLabels(cap + 1)  # (as many as line by line when it stops)


def _judge(
    groups: dict[str, list[_Candidate]], interviewers: frozenset[str]
) -> dict[str, tuple[bool, str, str | None]]:
    """key → (accepted, reason, role) for each label's candidates (see the module docs)."""
    verdict: dict[str, tuple[bool, str, str | None]] = {}
    pending: list[str] = []
    for key, cands in groups.items():
        label = cands[0].label
        count = len(cands)
        role = lx.role_of(label, interviewers)
        times = f"{count} time{'s' if count != 1 else ''}"
        if len(label) > MAX_LABEL:
            verdict[key] = (False, "too long for a label", role)
        elif label.endswith("."):
            verdict[key] = (False, "ends like a sentence", role)
        elif lx.is_metadata(label):
            verdict[key] = (False, "a metadata line, not a speaker", None)
        elif lx.is_question(label):
            verdict[key] = (False, "a numbered question, not a speaker", None)
        elif role is not None:
            verdict[key] = (True, f"{role} word; {times}", role)
        elif lx.is_code(label):
            verdict[key] = (True, f"short code; {times}", None)
        else:
            alone = all(c.form == "alone" for c in cands)
            styled = any(c.styled for c in cands)
            needed = 3 if not lx.is_cased(label) else 2
            if lx.is_cased(label) and lx.is_phrase(label):
                verdict[key] = (False, f"a phrase (lower-case words); {times}", None)
            elif count >= needed and (not alone or styled):
                verdict[key] = (True, f"recurs {times}", None)
            else:
                pending.append(key)
    series = {lx.series(groups[k][0].label) for k, v in verdict.items() if v[0]} - {None}
    for key in pending:
        cands = groups[key]
        count = len(cands)
        stem = lx.series(cands[0].label)
        if stem is not None and stem in series and not all(c.form == "alone" for c in cands):
            verdict[key] = (True, f"same form as the other labels; {count} time(s)", None)
        elif count == 1:
            verdict[key] = (False, "appears once: text, not a speaker", None)
        elif all(c.form == "alone" for c in cands):
            verdict[key] = (False, f"a line on its own {count} times, no colon", None)
        else:
            verdict[key] = (False, f"recurs only {count} times (uncased script)", None)
    return verdict


def detect_speakers(
    text: str,
    *,
    bold: dict[int, int] | None = None,
    label_pattern: str | None = None,
    accept: frozenset[str] | set[str] = frozenset(),
    drop: frozenset[str] | set[str] = frozenset(),
    interviewers: tuple[str, ...] | list[str] = (),
    limit: int | None = None,
) -> Detection:
    """Speaker turns of ``text`` (stored form) and the evidence for every label found.

    ``accept``/``drop`` hold folded labels (:func:`labels.fold`) the user accepted or
    dropped; ``interviewers`` are extra interviewer labels. More than ``limit`` turns (or
    twice as many candidate lines) raise :class:`TooManyLabels`."""
    custom = compile_label_pattern(label_pattern) if label_pattern else None
    cands = _candidates(text, bold or {}, custom, limit)
    groups: dict[str, list[_Candidate]] = {}
    folded: dict[str, str] = {}  # each spelling of a label -> its key (the folded label)
    for c in cands:
        key = folded.get(c.label)
        if key is None:
            key = folded[c.label] = lx.fold(c.label)
        group = groups.get(key)
        if group is None:
            groups[key] = [c]
        else:
            group.append(c)
    extra = frozenset(lx.fold(x) for x in interviewers if x.strip())
    if custom is not None:
        verdict = {
            k: (True, f"custom pattern; {len(v)} time(s)", lx.role_of(v[0].label, extra))
            for k, v in groups.items()
        }
    else:
        verdict = _judge(groups, extra)
    for key in groups:
        ok, reason, role = verdict[key]
        if key in accept and not ok:
            verdict[key] = (True, f"accepted by you ({reason})", role)
        elif key in drop and ok:
            verdict[key] = (False, f"dropped by you ({reason})", role)
    evidence = [_evidence(text, cs, verdict[k]) for k, cs in groups.items()]
    taken = {spelling for spelling, key in folded.items() if verdict[key][0]}
    # (usually every label is accepted, and spelled one way)
    accepted = cands if len(taken) == len(folded) else [c for c in cands if c.label in taken]
    if limit is not None and len(accepted) > limit:
        raise TooManyLabels(len(accepted))
    # every spelling of a label is stored as its first one
    first = {spelling: groups[key][0].label for spelling, key in folded.items()}
    return Detection(_turns(text, accepted, first), evidence)


def _evidence(
    text: str, cands: list[_Candidate], verdict: tuple[bool, str, str | None]
) -> LabelEvidence:
    first = cands[0]
    line_end = text.find("\n", first.line_start)
    line = text[first.line_start : len(text) if line_end < 0 else line_end].strip()
    if len(line) > 80:
        line = line[:79] + "…"
    names = list(dict.fromkeys(c.real for c in cands if c.real))
    return LabelEvidence(
        first.label, len(cands), line, verdict[0], verdict[1], verdict[2], names, first.form
    )


def _turns(text: str, accepted: list[_Candidate], first: dict[str, str]) -> list[ParsedTurn]:
    """The turns of the accepted labels; ``first``: each spelling -> the label stored."""
    turns: list[ParsedTurn] = []
    if not accepted:
        return turns
    limits = itertools.chain(map(_LINE_START, itertools.islice(accepted, 1, None)), (len(text),))
    append = turns.append
    for (_, start, label_end, spelling, real, _, _), limit in zip(accepted, limits, strict=True):
        label = first[spelling]
        # the usual turn: its speech, up to the next label, without the blank lines before it
        body = text[label_end:limit].rstrip() if limit - label_end < 1 << 20 else ""
        if body:
            # (tuple.__new__ directly: the NamedTuple's own __new__ is a Python function)
            turn = (start, label_end + len(body), label_end, label, real, len(body.split()))
            append(_new_turn(ParsedTurn, turn))
            continue
        end = limit  # no speech after the label, or a turn longer than a megabyte
        while end > start and text[end - 1].isspace():
            end -= 1
        label_end = label_end if label_end <= end else end
        words = count_words(text, label_end, end) if end > label_end else 0
        append(ParsedTurn(start, end, label_end, label, real, words))
    return turns


def count_words(text: str, start: int = 0, end: int | None = None) -> int:
    """Whitespace-separated words of ``text[start:end]``, a megabyte at a time (no list of
    every word of a huge text)."""
    end = len(text) if end is None else end
    step = 1 << 20
    if end - start <= step:
        return len(text[start:end].split())
    count = 0
    pos = start
    while pos < end:
        stop = min(pos + step, end)
        while stop < end and not text[stop].isspace():
            stop += 1
        count += len(text[pos:stop].split())
        pos = stop
    return count


def parse_turns(
    text: str, *, bold: dict[int, int] | None = None, label_pattern: str | None = None
) -> list[ParsedTurn]:
    """The speaker turns of ``text`` (stored form), in order."""
    return detect_speakers(text, bold=bold, label_pattern=label_pattern).turns


def is_interviewer_label(label: str, extra: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether ``label`` names the interviewer (words of several languages, numbered
    variants, ``extra``)."""
    return lx.role_of(label, frozenset(lx.fold(x) for x in extra if x.strip())) == "interviewer"
