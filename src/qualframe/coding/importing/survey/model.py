"""The parsed survey: typed columns, one value per respondent (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = ("id", "attribute", "likert", "single", "multiple", "number", "text", "ignore")
SURVEY_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}


@dataclass
class SurveyColumn:
    name: str
    position: int
    type: str
    detected: str  # the type detection chose (before overrides)
    values: list[str | None] = field(repr=False, default_factory=list)  # one per respondent
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[str] | None = None

    @property
    def answered(self) -> int:
        return sum(1 for v in self.values if v is not None)


@dataclass
class ParsedSurvey:
    encoding: str | None
    source: str  # "csv (delimiter ;)" or "xlsx (sheet Responses)"
    columns: list[SurveyColumn]
    id_column: str
    respondents: list[str]
    group_column: str | None
    mapping: dict[str, dict[str, str]]  # attribute column -> {raw value: stored value}
    warnings: list[str] = field(default_factory=list)
    header_row: int = 1  # 1-based row number in the file
