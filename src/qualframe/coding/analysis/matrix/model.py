"""What the theme matrix is asked for (:class:`MatrixOptions`) and what it returns (plain,
frozen data: :class:`ThemeMatrix` with its groups, rows, cells and entries; the long form
:class:`MatrixSegment`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qualframe.coding.core.errors import UserError
from qualframe.coding.review.status import check_mode

COUNT_KINDS = ("segments", "participants", "percent")
LEVEL_NAMES = ("Theme", "Category", "Code", "Sub-code")

#: The group value of participants who have no value for the column attribute (a stored
#: value is never blank: blank values count as no value).
NOT_SET = ""
NOT_SET_LABEL = "(not set)"

#: Why a segment in scope is not counted in any cell, in the order the rules are applied.
LEFT_OUT_REASONS = ("interviewer", "no_turn", "above_rows", "no_value", "other_group")


def level_name(level: int) -> str:
    """``Theme``, ``Category``, ``Code``, ``Sub-code``, then ``Level 5`` …"""
    return LEVEL_NAMES[level] if level < len(LEVEL_NAMES) else f"Level {level + 1}"


@dataclass(frozen=True)
class MatrixOptions:
    """What to compute. ``group_order`` both selects and orders the columns (values matched
    case-insensitively; ``(not set)`` names the column of participants without a value);
    ``coders`` are names, ``documents`` and ``document_sets`` names or GUIDs."""

    by: str = "role"
    rows_level: int = 0
    group_order: Sequence[str] | None = None
    counts: frozenset[str] = frozenset()
    quotes: int = 0
    include_empty: bool = False
    coders: Sequence[str] | None = None
    documents: Sequence[str] | None = None
    #: Only the documents in any of these document sets (names or GUIDs); with
    #: ``documents`` too, only those of them that are in one of the sets.
    document_sets: Sequence[str] | None = None
    #: Keep participants' real names in quotes and document names (an explicit opt-in; by
    #: default every real name is replaced by the pseudonym, see :mod:`coding.core.privacy`).
    real_names: bool = False
    #: A "(not set)" column for participants without a value for ``by``, when there are
    #: such participants: after the other groups, or where ``group_order`` names it. Off:
    #: their segments are left out, and the note says how many.
    not_set: bool = True
    #: Only segments reviewed and agreed ("agreed"), with any verdict ("any"), or all of
    #: them ("all"); see :mod:`coding.review.status`.
    reviewed: str = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "reviewed", check_mode(self.reviewed))
        unknown = set(self.counts) - set(COUNT_KINDS)
        if unknown:
            raise UserError(
                f'Unknown count "{sorted(unknown)[0]}"; choose from {", ".join(COUNT_KINDS)}.'
            )
        if self.rows_level < 0:
            raise UserError("The row level must be 0 (themes) or more.")
        if self.quotes < 0:
            raise UserError("The number of quotes cannot be negative.")
        object.__setattr__(self, "counts", frozenset(self.counts))


@dataclass(frozen=True)
class Group:
    value: str  # the attribute value as stored (NOT_SET: participants without a value)
    label: str  # for headers: "Mentees"
    n: int  # participants in the group (computed)

    @property
    def header(self) -> str:
        return f"{self.label} (n = {self.n})"

    @property
    def is_not_set(self) -> bool:
        return self.value == NOT_SET


@dataclass(frozen=True)
class Quote:
    segment_guid: str
    text: str
    speaker: str
    document: str
    is_exemplar: bool


@dataclass(frozen=True)
class CellEntry:
    """A line of a cell with its figures: a code below the row code present in one group
    (``level`` 0 = the row's children), or, first and with the row code's GUID, the segments
    coded with the row code itself."""

    code_guid: str
    name: str
    level: int
    segments: int
    participants: int
    percent: float | None
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    group: str
    segments: int  # the row code and all its descendants
    participants: int
    percent: float | None
    entries: tuple[CellEntry, ...] = ()


@dataclass(frozen=True)
class MatrixRow:
    code_guid: str
    name: str
    path: tuple[str, ...]
    cells: tuple[MatrixCell, ...]

    @property
    def ancestors(self) -> tuple[str, ...]:
        return self.path[:-1]


@dataclass(frozen=True)
class LeftOut:
    """Segments in scope (the chosen coders and documents) that no cell counts, by reason."""

    no_turn: int = 0  # outside any speaker turn, or in a turn without a participant
    interviewer: int = 0  # an interviewer's turn, or a participant marked as interviewer
    above_rows: int = 0  # coded with a code above the row level
    no_value: int = 0  # the participant has no value for the attribute (no "(not set)" column)
    other_group: int = 0  # the participant's group is not among the columns chosen

    @property
    def total(self) -> int:
        return self.no_turn + self.interviewer + self.above_rows + self.no_value + self.other_group


@dataclass(frozen=True)
class ThemeMatrix:
    attribute: str
    options: MatrixOptions
    groups: tuple[Group, ...]
    rows: tuple[MatrixRow, ...]
    segments_counted: int  # segments that count for a shown group
    left_out: LeftOut = field(default_factory=LeftOut)
    coders: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    max_depth: int = 0  # depth of the deepest code in the codebook
    codes: int = 0  # codes in the codebook
    document_sets: tuple[str, ...] = ()  # the sets counted, with how many documents they hold
    segments_not_reviewed: int = 0  # left out by the review filter (options.reviewed)

    @property
    def row_level_name(self) -> str:
        return level_name(self.options.rows_level)


@dataclass(frozen=True)
class MatrixSegment:
    """One segment in the long form (for pivot tables and the drill-down): a counted one,
    or, with ``left_out`` naming the reason (see :data:`LEFT_OUT_REASONS`), one left out."""

    path: tuple[str, ...]  # the code's path: theme, category, code …
    group: str  # the group value ('' when left out)
    participant: str
    document: str
    quote: str
    coder: str
    segment_guid: str
    is_exemplar: bool
    left_out: str = ""
