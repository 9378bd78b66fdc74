"""Plain survey data as read from a project: items, respondents, answers (no ORM objects)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualframe.coding.analysis.formatting import natural_key, percent
from qualframe.coding.core.errors import UserError

_NUMERIC = re.compile(r"-?\d+(\.\d+)?")

CHOICE_TYPES = ("single", "multiple")


TABLE_TYPES = ("likert", "single", "multiple", "text")


@dataclass(frozen=True)
class ItemInfo:
    name: str
    type: str
    position: int
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[str, ...] | None = None
    answered: int = 0
    source_filename: str | None = None
    label: str | None = None  # the question's wording (tables show it instead of the name)
    scale_source: str | None = None  # declared | labels | metadata | None: not stated
    members: tuple[str, ...] | None = None  # a one-column-per-option family's columns
    reversed: bool = False
    guid: str = ""  # the survey item's (for commands that edit it)
    value_labels: tuple[tuple[str, int], ...] | None = None  # Likert label -> point
    stored_type: str = ""  # the stored type (``type`` says metadata/personal for ignored ones)

    @property
    def title(self) -> str:
        """What a table calls the item: its wording, else its column name."""
        return self.label or self.name


@dataclass(frozen=True)
class Answer:
    raw: str | None = None
    number: float | None = None
    choices: tuple[str, ...] = ()


@dataclass
class SurveyData:
    """Plain data read from a project (no ORM objects)."""

    items: list[ItemInfo]
    respondents: list[str]  # pseudonyms, natural order
    group_of: dict[str, str | None]  # respondent -> value of the grouping attribute
    by: str | None = None
    answers: dict[str, dict[str, Answer]] = field(default_factory=dict)  # item -> resp -> ans
    open_answers: dict[str, set[str]] = field(default_factory=dict)  # text item -> respondents
    codes: list[tuple[str, int]] = field(default_factory=list)  # (code path, depth) in order
    raised: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # item -> resp -> codes
    group_order: list[str] | None = None  # chosen groups in order (None: all, natural order)
    # responses left out (status -> count) and whether incomplete ones were included
    excluded: dict[str, int] = field(default_factory=dict)
    included_incomplete: dict[str, int] = field(default_factory=dict)
    test: str = "auto"  # how two groups are compared (see significance.TESTS)
    # coded themes counted from these coders' segments only (None: every coder's)
    coders: tuple[str, ...] | None = None
    reviewed: str = "all"  # the review filter on the coded answers (coding.review.status)
    not_reviewed: int = 0  # coded answer segments it left out
    _members: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    _members_key: tuple[int, int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def groups(self) -> list[str]:
        if self.group_order is not None:
            return list(self.group_order)
        values = {g for g in self.group_of.values() if g is not None}
        if values and all(_NUMERIC.fullmatch(v.strip()) for v in values):
            return sorted(values, key=float)
        return sorted(values, key=natural_key)

    def members(self, group: str | None) -> list[str]:
        """Respondents of ``group`` (None: everybody). Worked out once for all groups (every
        item asks again; 50,000 respondents × 60 items made that seconds), again when the
        respondents or their groups are replaced."""
        if group is None:
            return list(self.respondents)
        key = (id(self.respondents), id(self.group_of), len(self.respondents))
        if self._members_key != key:
            by_group: dict[str, list[str]] = {}
            for r in self.respondents:
                g = self.group_of.get(r)
                if g is not None:
                    by_group.setdefault(g, []).append(r)
            self._members, self._members_key = by_group, key
        return list(self._members.get(group, ()))

    def item(self, name: str) -> ItemInfo:
        for it in self.items:
            if it.name == name:
                return it
        raise UserError(f"There is no survey item called {name!r}.")


@dataclass(frozen=True)
class CodeCount:
    n: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return percent(self.n, self.denominator)
