"""The theme matrix as words: cell lines with their figures and quotes, the table's default
title, and the note under it (group Ns, the counting rule, what was left out and why) — shared
by the screen and every export, so they all say the same."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qualframe.coding.analysis.formatting import fmt_percent, pluralise
from qualframe.coding.analysis.matrix.build import own_entry_name
from qualframe.coding.analysis.matrix.model import (
    COUNT_KINDS,
    NOT_SET_LABEL,
    MatrixCell,
    Quote,
    ThemeMatrix,
    level_name,
)
from qualframe.coding.review.status import filter_sentence

QUOTE_MAX_CHARS = 280

COUNTING_RULE = (
    "A category or code is listed in a group's column when at least one segment coded with "
    "it or with one of its sub-codes comes from a participant of that group; the "
    "interviewer's speech and passages outside any participant's turn are not counted."
)

BULLET_GLYPHS = ("-", "·", "◦")
#: Bullets in plain-text cells (spreadsheets, screen): an en dash, not "-", at level 0 so that
#: a cell never starts with a character a spreadsheet would read as a formula.
TEXT_GLYPHS = ("–", "·", "◦")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# -- cells ---------------------------------------------------------------------------------------
def format_counts(
    counts: Iterable[str], segments: int, participants: int, percent: float | None
) -> str:
    """The figures beside an entry, e.g. ``(5; 3 participants; 27%)`` (empty if none)."""
    wanted = set(counts)
    parts: list[str] = []
    if "segments" in wanted:
        parts.append(str(segments))
    if "participants" in wanted:
        parts.append(_n(participants, "participant"))
    if "percent" in wanted:
        parts.append("–" if percent is None else f"{fmt_percent(percent)}%")
    return f"({'; '.join(parts)})" if parts else ""


def quote_text(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """A quote on one line, shortened at a word boundary with an ellipsis if too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


def quote_line(q: Quote) -> str:
    return f"“{quote_text(q.text)}” — {q.speaker}"


@dataclass(frozen=True)
class CellLine:
    """One line of a cell as plain text: an entry or a quote, with its bullet level."""

    level: int
    text: str
    kind: str  # "entry" or "quote"
    code_guid: str = ""


def cell_lines(cell: MatrixCell, counts: Iterable[str]) -> list[CellLine]:
    """A cell as lines (without glyphs): each entry followed by its quotes one level
    deeper."""
    counts = frozenset(counts)
    out = []
    for e in cell.entries:
        figures = format_counts(counts, e.segments, e.participants, e.percent)
        out.append(CellLine(e.level, f"{e.name} {figures}".rstrip(), "entry", e.code_guid))
        out.extend(CellLine(e.level + 1, quote_line(q), "quote", e.code_guid) for q in e.quotes)
    return out


def cell_text(cell: MatrixCell, counts: Iterable[str], *, indent: str = "  ") -> str:
    """A cell as multi-line plain text with ``–``/``·`` bullets (for spreadsheets, screen)."""
    lines = []
    for line in cell_lines(cell, counts):
        glyph = TEXT_GLYPHS[min(line.level, len(TEXT_GLYPHS) - 1)]
        lines.append(f"{indent * line.level}{glyph} {line.text}")
    return "\n".join(lines)


# -- title and note ---------------------------------------------------------------------------------
def default_title(matrix: ThemeMatrix) -> str:
    below = [level_name(i).lower() for i in range(matrix.options.rows_level, matrix.max_depth + 1)]
    if not below:
        below = [matrix.row_level_name.lower()]
    names = [pluralise(w) for w in below]
    names[0] = names[0].capitalize()
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} by participant {matrix.attribute}"


def empty_sentence(matrix: ThemeMatrix) -> str:
    """Why a matrix has no rows, in one sentence."""
    if matrix.codes == 0:
        return "The codebook has no codes yet, so the table has no rows."
    return "No segment from a participant of these groups is coded yet, so the table has no rows."


def counts_explanation(counts: Iterable[str]) -> str:
    """One sentence explaining :func:`format_counts` for a table note ('' if no counts)."""
    wanted = [k for k in COUNT_KINDS if k in set(counts)]
    if not wanted:
        return ""
    words = {
        "segments": "the number of coded segments",
        "participants": "the number of distinct participants they come from",
        "percent": "that number as a percentage of the group's n",
    }
    if wanted == ["percent"]:
        words["percent"] = "the percentage of the group's participants who mentioned it"
    items = [words[k] for k in wanted]
    listed = "; ".join(items)
    return (
        f"Figures in parentheses: {listed} (each including its sub-codes)."
        if len(items) > 1
        else f"Figure in parentheses: {listed} (including sub-codes)."
    )


def left_out_reason(matrix: ThemeMatrix, reason: str) -> str:
    """A short phrase for why one segment is left out (the long form's "Left out" column)."""
    higher = " or ".join(level_name(i).lower() for i in range(matrix.options.rows_level))
    phrases = {
        "no_turn": "outside any participant's turn",
        "interviewer": "interviewer speech",
        "above_rows": f"coded with a {higher}, above the rows",
        "no_value": f"no value for {matrix.attribute}",
        "other_group": f"{matrix.attribute} not a column",
    }
    return phrases.get(reason, reason)


def left_out_sentence(matrix: ThemeMatrix) -> str:
    """How many coded segments the table counts and how many it leaves out, by reason, e.g.
    "9 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; 1
    segment outside any participant's turn." ('' when nothing is coded)."""
    lo = matrix.left_out
    total = matrix.segments_counted + lo.total
    if total == 0:
        return ""
    chosen = [
        w
        for w, on in (
            ("coders", matrix.coders),
            ("documents", matrix.documents),
            ("document sets", matrix.document_sets),
        )
        if on
    ]
    scope = f" of the chosen {' and '.join(chosen)}" if chosen else ""
    if not lo.total:
        if total == 1:
            return f"The coded segment{scope} is counted."
        return f"All {total} coded segments{scope} are counted."
    higher = " or ".join(level_name(i).lower() for i in range(matrix.options.rows_level))
    reasons = [
        (lo.interviewer, "of interviewer speech"),
        (lo.no_turn, "outside any participant's turn"),
        (lo.no_value, f"from participants without a value for {matrix.attribute}"),
        (lo.other_group, f"from participants whose {matrix.attribute} is not a column"),
        (
            lo.above_rows,
            f"coded directly with a {higher} (above the {matrix.row_level_name.lower()} "
            "level of the rows)",
        ),
    ]
    listed = "; ".join(f"{_n(n, 'segment')} {why}" for n, why in reasons if n)
    return (
        f"{matrix.segments_counted} of the {total} coded segments{scope} "
        f"{'is' if matrix.segments_counted == 1 else 'are'} counted; left out: {listed}."
    )


def matrix_note(matrix: ThemeMatrix) -> str:
    """The note under a matrix table: N per group, the counting rule, the figures, what was
    left out, filters."""
    groups = "; ".join(f"{g.label}, n = {g.n}" for g in matrix.groups)
    attr = matrix.attribute
    scope = (
        "who speak in the selected documents"
        if matrix.documents or matrix.document_sets
        else "in the project (interviewers excluded)"
    )
    parts = []
    if not matrix.rows:
        parts.append(empty_sentence(matrix))
    parts.append(f"Participants per group ({attr}): {groups}; n counts the participants {scope}.")
    if any(g.is_not_set for g in matrix.groups):
        parts.append(f"{NOT_SET_LABEL}: participants without a value for {attr}.")
    parts.append(COUNTING_RULE)
    own = own_entry_name(matrix.options.rows_level)
    if any(e.code_guid == r.code_guid for r in matrix.rows for c in r.cells for e in c.entries):
        parts.append(
            f"“{own}”: segments coded with the {matrix.row_level_name.lower()} but with none "
            "of its sub-codes."
        )
    explanation = counts_explanation(matrix.options.counts)
    if explanation:
        parts.append(explanation)
    if matrix.options.quotes:
        parts.append(
            "Quotes are verbatim coded segments followed by the speaker's pseudonym; quotes "
            "the analysts marked as exemplars come first."
        )
    left = left_out_sentence(matrix)
    if left:
        parts.append(left)
    review = filter_sentence(matrix.options.reviewed, matrix.segments_not_reviewed)
    if review:
        parts.append(review)
    if matrix.coders:
        parts.append(f"Coders: {', '.join(matrix.coders)}.")
    if matrix.document_sets:
        parts.append(f"Document sets: {'; '.join(matrix.document_sets)}.")
    if matrix.documents:
        parts.append(f"Documents: {', '.join(matrix.documents)}.")
    return " ".join(parts)
