"""Speaker turns in transcript text.

A line opens a turn when it starts with a speaker label:

* ``Label: text`` — a label of one to three words (``M1``, ``Moderator``, ``Dr. Kim``,
  ``Participant 3``; words after the first start with a capital, a digit or a letter of an
  uncased script such as Hangul), optionally followed by a real name in parentheses
  (``M2 (이서연):`` → pseudonym ``M2``, real name ``이서연``); the colon may be full-width
  (``：``); Markdown emphasis around the label (``**M1:**``, ``**M1**:``) is allowed;
* ``[Label] text`` or ``[Label]: text`` (bracketed annotations such as ``[laughs]`` are not
  labels);
* either form may be preceded by a timestamp: ``[00:12:34]``, ``(12:34)``, ``00:12:34`` or
  ``12:34`` (with or without fractions of a second, ``[12:34:56.789]``), optionally followed
  by a dash (``00:12:34 - M1:``);
* a no-break space counts as a space (``M2\u00a0: …`` as typed in French-style documents);
* words that head a transcript's metadata lines (``Date:``, ``Location:``, ``Participants:``,
  ``Note:``, ``일시:``, ``장소:`` …) are not speaker labels;
* in .docx/.odt, a paragraph whose leading run is bold and short (the extractor's hint).

Lines that follow without a label continue the open turn; text before the first label (a
title) belongs to no turn. A turn covers its label (it starts at the label, not at the
timestamp) and ends at the end of its last non-blank line; ``label_end`` is the offset just
after ``Label:``. A custom pattern (a regular expression with a named group ``label`` and
optionally ``name``) replaces the built-in forms when the defaults do not fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qualframe.coding.core.errors import UserError

DEFAULT_INTERVIEWERS: tuple[str, ...] = (
    "Moderator", "Interviewer", "Facilitator", "I", "Q", "진행자", "면담자",
)  # fmt: skip
# Interviewer words that also mark numbered variants ("Moderator 2", "Interviewer B").
_INTERVIEWER_WORDS = {"moderator", "interviewer", "facilitator", "진행자", "면담자"}

_ANNOTATIONS = {
    "laughs", "laughter", "laughing", "inaudible", "crosstalk", "pause", "silence",
    "unclear", "overlapping", "noise", "music", "applause", "sighs", "coughs", "break",
    "end", "start", "웃음", "침묵", "잠시", "불명확",
}  # fmt: skip

# Metadata lines at the top of a transcript look like labels but name no speaker.
_NOT_LABELS = {
    "date", "time", "place", "location", "venue", "duration", "length", "participants",
    "attendees", "present", "title", "topic", "subject", "project", "study", "session",
    "recording", "recorded", "transcriber", "transcribed by", "transcript", "file",
    "audio file", "note", "notes", "comment", "comments", "keywords", "interview date",
    "일시", "날짜", "장소", "참석자", "주제", "제목", "녹음", "녹음일", "전사자", "비고", "메모",
    "파일",
}  # fmt: skip

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS = rf"(?:\[{_TIME}\]|\({_TIME}\)|{_TIME})"
_SP = "[ \t\u00a0\u202f]"  # a space, a tab or a no-break space
_TS_LEAD = rf"(?:{_TS}{_SP}*(?:[-–—]{_SP}*)?)"
_WORD = r"[\w.'’\-]+"
_LABEL = rf"[^\W\d_]{_WORD[:-1]}*(?:[ \u00a0]{_WORD}){{0,2}}"
_MD = r"(?:\*\*|__)?"
_LINE = re.compile(
    rf"{_SP}*{_TS_LEAD}?"
    rf"(?:\[(?P<blabel>{_LABEL})\](?:{_SP}*[:：])?"
    rf"|{_MD}(?P<label>{_LABEL})(?:{_SP}*\((?P<real>[^()\n:：]{{1,60}})\))?{_MD}{_SP}*[:：]{_MD})"
    rf"(?={_SP}|$)"
)
_BOLD_LABEL = re.compile(
    rf"{_SP}*{_TS_LEAD}?{_MD}(?P<label>{_LABEL})"
    rf"(?:{_SP}*\((?P<real>[^()\n:：]{{1,60}})\))?{_MD}{_SP}*[:：]?{_MD}{_SP}*$"
)


@dataclass(frozen=True)
class ParsedTurn:
    start: int  # offset of the label
    end: int  # end of the turn's last non-blank line
    label_end: int  # just after "Label:"
    label: str  # the speaker label without any real name
    real_name: str | None
    words: int


def _plausible(label: str) -> bool:
    words = label.split()
    if len(words) > 3 or len(label) > 40 or " ".join(words).casefold() in _NOT_LABELS:
        return False
    # words after the first start with a capital, a digit or an uncased letter (Hangul)
    return all(not w[0].islower() for w in words[1:] if w)


def compile_label_pattern(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UserError(f"The label pattern is not a valid regular expression ({exc}).") from None
    if "label" not in compiled.groupindex:
        raise UserError('The label pattern needs a named group "label", e.g. (?P<label>\\w+):.')
    return compiled


def _match_line(
    text: str, pos: int, end: int, bold_len: int | None, custom: re.Pattern[str] | None
) -> tuple[str, str | None, int, int] | None:
    """(label, real name, label start, label end) when the line at ``pos`` opens a turn."""
    if custom is not None:
        m = custom.match(text, pos, end)
        if m is None or not m.group("label") or not m.group("label").strip():
            return None
        real = m.group("name") if "name" in custom.groupindex else None
        return m.group("label").strip(), (real or "").strip() or None, m.start("label"), m.end()
    m = _LINE.match(text, pos, end)
    if m is not None:
        if m.group("blabel") is not None:
            label = m.group("blabel")
            if label.casefold() in _ANNOTATIONS or not _plausible(label):
                return None
            return label, None, m.start("blabel") - 1, m.end()
        label = m.group("label")
        if _plausible(label):
            real = m.group("real")
            return label, real.strip() if real else None, m.start("label"), m.end()
    if bold_len:
        b = _BOLD_LABEL.match(text, pos, pos + bold_len)
        if b is not None and _plausible(b.group("label")):
            label_end = pos + len(text[pos : pos + bold_len].rstrip())
            if label_end < end and text[label_end] in ":：":
                label_end += 1
            real = b.group("real")
            return b.group("label"), real.strip() if real else None, b.start("label"), label_end
    return None


def parse_turns(
    text: str, *, bold: dict[int, int] | None = None, label_pattern: str | None = None
) -> list[ParsedTurn]:
    """The speaker turns of ``text`` (stored form), in order."""
    custom = compile_label_pattern(label_pattern) if label_pattern else None
    bold = bold or {}
    turns: list[ParsedTurn] = []
    spellings: dict[str, str] = {}  # casefolded label -> first spelling seen
    current: tuple[str, str | None, int, int] | None = None
    current_end = 0
    pos = 0
    n = len(text)

    def close() -> None:
        if current is not None:
            label, real, start, label_end = current
            words = len(text[label_end:current_end].split())
            turns.append(ParsedTurn(start, current_end, label_end, label, real, words))

    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        stripped_end = line_end
        while stripped_end > pos and text[stripped_end - 1] in " \t\r\f\v":
            stripped_end -= 1
        if stripped_end > pos and not text[pos:stripped_end].isspace():
            found = _match_line(text, pos, stripped_end, bold.get(pos), custom)
            if found is not None:
                close()
                label = " ".join(found[0].split())
                label = spellings.setdefault(label.casefold(), label)
                current = (label, found[1], found[2], min(found[3], stripped_end))
                current_end = stripped_end
            elif current is not None:
                current_end = stripped_end
        if nl < 0:
            break
        pos = nl + 1
    close()
    return turns


def is_interviewer_label(label: str, extra: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether ``label`` names the interviewer (default names, numbered variants, ``extra``)."""
    folded = label.casefold()
    names = {x.casefold() for x in DEFAULT_INTERVIEWERS} | {x.strip().casefold() for x in extra}
    if folded in names:
        return True
    first = folded.split(" ")[0]
    return " " in folded and first in _INTERVIEWER_WORDS
