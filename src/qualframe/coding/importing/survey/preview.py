"""What a parsed survey shows in the preview, in ``--dry-run`` and in the import report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualframe.coding.importing.model import ColumnInfo, FilePreview
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn

if TYPE_CHECKING:
    from qualframe.coding.importing.survey.store import Conflict


def attribute_values(col: SurveyColumn) -> list[str] | None:
    """An attribute column's stored values, most frequent first (shown so a stray value such
    as a typo is seen before import)."""
    if col.type != "attribute":
        return None
    counts = Counter(v for v in col.values if v is not None)
    return [v for v, _ in counts.most_common()]


MAX_SHOWN_ANSWERS = 40


def distinct_answers(c: SurveyColumn) -> list[tuple[str, int]] | None:
    """A column's distinct answers, most given first, when there are few enough to map or
    order by hand (open-ended answers are not)."""
    counts = Counter(v for v in c.values if v is not None)
    return counts.most_common() if len(counts) <= MAX_SHOWN_ANSWERS else None


def column_info(c: SurveyColumn) -> ColumnInfo:
    return ColumnInfo(
        c.name,
        c.position,
        c.type,
        c.detected,
        c.answered,
        c.scale_min,
        c.scale_max,
        list(c.options) if c.options is not None else attribute_values(c),
        label=c.label,
        members=c.members,
        value_labels=c.value_labels,
        scale_source=c.scale_source,
        reversed=c.reversed,
        answers=distinct_answers(c),
    )


def header_rows(parsed: ParsedSurvey) -> list[str]:
    """What each header row of the file holds, in the tool's terms."""
    if parsed.source.startswith(("sav", "zsav", "dta")):
        return ["variable names, labels and value labels from the file's metadata"]
    if parsed.tool.startswith("Qualtrics"):
        return ["column ids", "question wording", "ImportId"][: parsed.header_rows]
    if parsed.tool == "SurveyMonkey":
        return ["questions", "answer options (Response, Open-Ended Response, an option)"]
    return ["column names"] + ["(more header)"] * (parsed.header_rows - 1)


def flagged(parsed: ParsedSurvey) -> list[tuple[str, str, str]]:
    """The incomplete and preview responses: (respondent id, status, why)."""
    return [
        (rid, st, det)
        for rid, st, det in zip(
            parsed.respondents,
            parsed.statuses or [],
            parsed.status_details or [""] * len(parsed.statuses or []),
            strict=False,
        )
        if st != "complete"
    ]


def survey_preview(
    path: Path,
    parsed: ParsedSurvey,
    conflicts: Sequence[Conflict] = (),
    links: dict[str, str] | None = None,
) -> FilePreview:
    statuses = Counter(parsed.statuses)
    for _, status, _ in parsed.left_out:
        statuses[status] += 1
    return FilePreview(
        path=path,
        kind="survey",
        format=parsed.source.split(",")[0] if parsed.source else "csv",
        encoding=parsed.encoding,
        respondents=len(parsed.respondents),
        columns=[column_info(c) for c in parsed.columns],
        id_column=parsed.id_column,
        group_column=parsed.group_column,
        attribute_mapping=parsed.mapping,
        warnings=list(parsed.warnings),
        source=parsed.source,
        tool=parsed.tool,
        statuses=dict(statuses),
        conflicts=[c.describe() for c in conflicts],
        conflict_rows=[(c.pseudonym, c.attribute, c.project_value, c.file_value)
                       for c in conflicts],
        links=dict(links or {}),
        header_row=parsed.header_row,
        header_rows=header_rows(parsed),
        respondent_ids=list(parsed.respondents),
        flagged=[*flagged(parsed), *parsed.left_out],
        left_out=list(parsed.left_out),
    )  # fmt: skip
