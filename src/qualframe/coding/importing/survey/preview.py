"""What a parsed survey shows in the preview, in ``--dry-run`` and in the import report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from qualframe.coding.importing.model import ColumnInfo, FilePreview
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn


def attribute_values(col: SurveyColumn) -> list[str] | None:
    """An attribute column's stored values, most frequent first (shown so a stray value such
    as a typo is seen before import)."""
    if col.type != "attribute":
        return None
    counts = Counter(v for v in col.values if v is not None)
    return [v for v, _ in counts.most_common()]


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
    )


def survey_preview(
    path: Path,
    parsed: ParsedSurvey,
    conflicts: Sequence[str] = (),
    links: dict[str, str] | None = None,
) -> FilePreview:
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
        statuses=dict(Counter(parsed.statuses)),
        conflicts=list(conflicts),
        links=dict(links or {}),
    )
