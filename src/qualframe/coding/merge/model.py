"""What a merge will do (:class:`MergePlan`), the conflicts it found, and the state the
planning steps share (:class:`PlannerState`). See ``plan`` for the matching and the rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from qualframe.coding.merge.source import Row, Source, read_session

Rule = Literal["mine", "theirs", "both"]
RULES: tuple[Rule, ...] = ("mine", "theirs", "both")
_NS = uuid.UUID("5b0f4a3e-7d1c-4e8a-9a51-6c2f0d7b9e11")
Update = tuple[str, Row, Row]  # (guid, new fields, old fields)


def kept_both(guid: str) -> str:
    """The GUID of the second entry "keep both" makes for the other copy's row ``guid``."""
    return str(uuid.uuid5(_NS, f"{guid}:kept-both"))


@dataclass(frozen=True)
class Conflict:
    # code renamed | code details | segment | memo | attribute | document | document
    # renamed | set renamed | survey response | survey item | participants merged
    kind: str
    what: str
    mine: str
    theirs: str


@dataclass
class MergePlan:
    source_name: str
    rule: Rule
    conflicts: list[Conflict] = field(default_factory=list)
    coders: list[Row] = field(default_factory=list)
    attributes: list[Row] = field(default_factory=list)
    participants: list[Row] = field(default_factory=list)
    values: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)  # participant guid, real name
    codes: list[Row] = field(default_factory=list)
    code_updates: list[Update] = field(default_factory=list)
    items: list[Row] = field(default_factory=list)
    documents: list[Row] = field(default_factory=list)
    document_updates: list[Update] = field(default_factory=list)  # renames
    sets: list[Row] = field(default_factory=list)
    set_updates: list[Update] = field(default_factory=list)  # renames
    members: list[tuple[str, str]] = field(default_factory=list)  # set guid, document guid
    answers: list[Row] = field(default_factory=list)
    responses: list[Row] = field(default_factory=list)
    # ((participant guid, source file), new fields, old fields)
    response_updates: list[tuple[tuple[str, str], Row, Row]] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    segment_updates: list[Update] = field(default_factory=list)
    memos: list[Row] = field(default_factory=list)
    memo_updates: list[Update] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)
    code_reviews: list[Row] = field(default_factory=list)  # comments on codes, answers
    duplicates: int = 0  # segments already here under another GUID (same range, code, coder)
    left_out: int = 0  # their segments on a document whose text differs (rule "mine")
    # "participant E6 → E7": their rows of people merged here go to the one they went into
    followed: list[str] = field(default_factory=list)
    # their answers / response rows of a participant they merged, held here by the other one
    held_apart: int = 0

    @property
    def changes(self) -> int:
        return sum(
            len(x)
            for x in (self.coders, self.attributes, self.participants, self.values, self.names,
                      self.codes, self.code_updates, self.items, self.documents,
                      self.document_updates, self.sets, self.set_updates, self.members,
                      self.answers, self.responses, self.response_updates, self.segments,
                      self.segment_updates, self.memos, self.memo_updates, self.reviews,
                      self.code_reviews)
        )  # fmt: skip

    def summary(self) -> list[tuple[str, int]]:
        """(what, how many) for the preview."""
        return [
            ("documents", len(self.documents)), ("documents renamed", len(self.document_updates)),
            ("codes", len(self.codes)),
            ("codes renamed, moved or edited", len(self.code_updates)),
            ("segments", len(self.segments)), ("segments changed", len(self.segment_updates)),
            ("memos", len(self.memos) + len(self.memo_updates)), ("reviews", len(self.reviews)),
            ("comments on codes", len(self.code_reviews)),
            ("coders", len(self.coders)), ("participants", len(self.participants)),
            ("attribute values", len(self.values) + len(self.attributes)),
            ("spellings of real names", len(self.names)),
            ("document sets and memberships",
             len(self.sets) + len(self.set_updates) + len(self.members)),
            ("survey items and answers", len(self.items) + len(self.answers)),
            ("survey responses", len(self.responses) + len(self.response_updates)),
        ]  # fmt: skip

    def notes(self) -> list[str]:
        """What the merge leaves out or redirects, one clause each (for the preview)."""
        out = []
        if self.duplicates:
            out.append(f"{self.duplicates:,} segments already here under another id are skipped")
        if self.left_out:
            out.append(f"{self.left_out:,} segments on documents whose text differs are left out")
        if self.followed:
            out.append(
                "merged here, so their work goes to the one they were merged into: "
                + ", ".join(self.followed)
            )
        if self.held_apart:
            out.append(
                f"{self.held_apart:,} survey answers or responses of participants the other "
                "copy merged are already here under the other pseudonym: skipped"
            )
        return out


class PlannerState:
    """What the planning steps share: the two copies and the GUID maps built so far."""

    def __init__(self, session: Session, source: Source, rule: Rule) -> None:
        self.src = source
        self.rule = rule
        self.mine = read_session(session, "this project", texts=False)
        self.plan = MergePlan(source.name, rule)
        self.coder: dict[str, str] = {}
        self.attr: dict[str, str] = {}
        self.person: dict[str, str] = {}
        self.code: dict[str, str] = {}
        self.doc: dict[str, str | None] = {}
        self.item: dict[str, str] = {}
        # their item GUID -> this project's item, where the two score answers differently
        self.rescored: dict[str, Row] = {}
        self._scorers: dict[str, Any] = {}  # their item GUID -> (raw, number, choices) -> entry
        # participants the other copy merged, still apart here: their target → the sources
        self._folded: dict[str, list[str]] = {}

    def _conflict(self, kind: str, what: str, mine: str, theirs: str) -> None:
        self.plan.conflicts.append(Conflict(kind, what, mine, theirs))
