"""Finding the header row below any title rows, and naming the columns from the header
rows a tool writes (ids, wording, SurveyMonkey's question-over-options rows)."""

from __future__ import annotations

import math

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.cells import _is_number
from qualframe.coding.importing.survey.families import Candidate
from qualframe.coding.importing.survey.tools import Layout, column_role

_SM_SINGLE = {"response", "open-ended response", ""}
_SM_FIXED = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address",
    "first name", "last name", "custom data 1",
}  # fmt: skip


def _find_header(rows: list[tuple[int, list[str | None]]], name: str) -> int:
    head = rows[:30]
    width = max((sum(1 for c in r if c is not None) for _, r in head), default=0)
    if width >= 2:
        need = max(2, math.ceil(0.6 * width))
        for i, (_, row) in enumerate(head):
            cells = [c for c in row if c is not None]
            if len(cells) < need or any(_is_number(c) for c in cells):
                continue
            # mostly distinct: exports repeat names ("Other (please specify)"), a merged title
            # row repeats one value across the row
            if len({c.casefold() for c in cells}) < len(cells) * 0.5:
                continue
            if i + 1 < len(rows):
                return i
            raise refuse(name, "has a header row but no answers below it")
    raise refuse(
        name, "has no recognisable header row (a row naming each column above the answers)"
    )


def _cell(row: list[str | None], c: int) -> str:
    return (row[c] or "").strip() if c < len(row) else ""


def header_names(
    layout: Layout, header: list[str | None], second: list[str | None], width: int
) -> tuple[list[str], list[str | None], list[Candidate]]:
    """Column names, their wording, and SurveyMonkey's one-column-per-option questions."""
    if layout.tool == "SurveyMonkey":
        return _surveymonkey_names(header, second, width)
    names = [_cell(header, c) for c in range(width)]
    labels: list[str | None] = [None] * width
    if layout.tool.startswith("Qualtrics"):
        labels = [_cell(second, c) or None for c in range(width)]
    return names, labels, []


def _surveymonkey_names(
    header: list[str | None], second: list[str | None], width: int
) -> tuple[list[str], list[str | None], list[Candidate]]:
    """Row 1 holds each question over its first column, row 2 ``Response`` or the option:
    questions become ``Q1`` … (wording as label), their further columns ``Q3_2`` …"""
    names: list[str] = []
    labels: list[str | None] = []
    candidates: list[Candidate] = []
    question, number, sub = "", 0, 0
    current: Candidate | None = None
    for c in range(width):
        top = (header[c] or "").strip() if c < len(header) else ""
        below = (second[c] or "").strip() if c < len(second) else ""
        if top and (
            top.casefold() in _SM_FIXED
            or column_role(top, None, Layout("SurveyMonkey")) is not None
        ):
            names.append(top)
            labels.append(None)
            question, current = "", None
            continue
        # a question over several columns: blank after its first column, or (a merged cell
        # in an .xlsx, filled when read) the same wording over an option
        if top and not (top == question and below.casefold() not in _SM_SINGLE):
            question, number, sub = top, number + 1, 1
            current = Candidate(f"Q{number}", question, [])
            candidates.append(current)
        else:
            sub += 1
        if not question:
            names.append(below or f"column {c + 1}")
            labels.append(None)
            continue
        single = below.casefold() in _SM_SINGLE
        names.append(f"Q{number}" if sub == 1 and single else f"Q{number}_{sub}")
        labels.append(question if single else f"{question} - {below}")
        if current is not None and not single:
            current.members.append((c, below))
    return names, labels, [c for c in candidates if len(c.members) >= 2]
