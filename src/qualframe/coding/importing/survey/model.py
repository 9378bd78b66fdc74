"""The parsed survey: typed columns, one value per respondent (plain data)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Column types. ``metadata`` (StartDate, Progress, lastpage …) and ``personal`` (IP address,
#: e-mail, names, coordinates) are stored as ``ignore`` items with ``ignored_as`` set.
TYPES = (
    "id", "attribute", "likert", "single", "multiple", "number", "text", "ignore",
    "metadata", "personal",
)  # fmt: skip
SURVEY_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".sav", ".zsav", ".dta"}
#: Far beyond any survey export (Qualtrics' largest surveys have a few thousand columns): a
#: file wider or longer than this is refused before it is typed, in seconds, not minutes.
MAX_COLUMNS = 5_000
MAX_ROWS = 250_000


@dataclass
class SurveyColumn:
    name: str  # the column id as exported (Q5_1, sat_overall); a family: its stem (Q3)
    position: int
    type: str
    detected: str  # the type detection chose (before overrides)
    values: list[str | None] = field(repr=False, default_factory=list)  # one per respondent
    scale_min: int | None = None
    scale_max: int | None = None
    scale_source: str | None = None  # "declared" | "labels" | "metadata" | None (unknown)
    options: list[str] | None = None  # in questionnaire order
    label: str | None = None  # the question's wording, when the tool exports it
    # multiple: each respondent's choices (None: did not answer) — the one parse that the
    # preview shows and the storage writes; respondents with the same answer may share a list
    # (never change one in place)
    choices: list[list[str] | None] | None = field(repr=False, default=None)
    # likert: (label, point) in scale order, when answers are (or may be) written as labels
    value_labels: list[tuple[str, int]] | None = None
    reversed: bool = False
    members: list[str] | None = None  # a one-column-per-option family: its source columns
    # options given by the tool's metadata (value labels) or the user: never split further
    declared_options: list[str] | None = None
    # (code, label) from the file's value labels (SPSS, Stata), in coded order
    codes: list[tuple[str, str]] | None = None

    @property
    def answered(self) -> int:
        if self.choices is not None:
            return sum(1 for c in self.choices if c)
        return len(self.values) - self.values.count(None)

    @property
    def observed_range(self) -> tuple[int, int] | None:
        from qualframe.coding.importing.survey.likert import likert_point

        distinct = dict.fromkeys(v for v in self.values if v is not None)
        points = [likert_point(v, self.value_labels) for v in distinct]
        ints = [p for p in points if p is not None]
        return (min(ints), max(ints)) if ints else None


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
    tool: str = ""  # "Qualtrics (choice text)", "Google Forms", … ("" when not recognised)
    # per respondent: "complete" | "incomplete" | "preview", and why ("Progress 40")
    statuses: list[str] = field(default_factory=list)
    status_details: list[str] = field(default_factory=list)
    numbered: bool = False  # respondents numbered R001… (the file has no usable id)
    # respondent id -> the participant it belongs to (a transcript speaker), from --link
    links: dict[str, str] = field(default_factory=dict)


#: progress(rows read, 0, file name) -> False to cancel
Progress = Callable[[int, int, str], bool]


@dataclass
class SurveyRequest:
    """What the user said about a file (all optional)."""

    encoding: str | None = None
    id_column: str | None = None
    group_column: str | None = None
    column_types: dict[str, str] = field(default_factory=dict)
    column_options: dict[str, list[str]] = field(default_factory=dict)  # questionnaire order
    likert_maps: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    reverse: set[str] = field(default_factory=set)
    existing_values: dict[str, list[str]] = field(default_factory=dict)  # attr (folded) -> values
    number_from: int = 1  # the first free R### number of the project
    progress: Progress | None = None
