"""Undoable edits of a survey item after its import: its type, its options' order, its Likert
mapping and scale, reverse coding, its label (the question's wording the tables show).

Every edit is one :class:`EditSurveyItem`: it keeps the item's fields as they were and, when
the stored numbers or choices depend on the edit (type, mapping, scale, reverse coding), each
answer as it was, then recomputes every answer from its raw text exactly as the import does
(:func:`likert_point`, the one multiple-choice parse). Undo puts both back. An answer that
does not fit the new type (``Maybe`` on a Likert scale, ``a lot`` as a number) refuses the
edit, naming it; nothing changes then.

Which types can change: the closed types (``likert``, ``single``, ``multiple``, ``number``)
into each other and into ``ignore`` (answers kept, left out of every table) and back. An
open-ended question is a codable document and an attribute column sets participants'
attributes, so neither holds closed answers to retype; they are chosen in the import
preview. Personal data is never analysed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.command import Command
from qualframe.coding.core.errors import NotFoundError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.survey_answers import (
    Entry,
    Saved,
    entry,
    iter_answers,
    restore_item,
    rewrite_item,
)
from qualframe.coding.importing.survey.cells import _is_number
from qualframe.coding.importing.survey.choices import (
    choose_separator,
    options_in_order,
    parse_multiple,
)
from qualframe.coding.importing.survey.coltypes import order_options
from qualframe.coding.importing.survey.likert import likert_point, needs_mapping, text_mapping
from qualframe.storage.models import SurveyItem

CLOSED = ("likert", "single", "multiple", "number")
EDITABLE_TYPES = (*CLOSED, "ignore")
FIELDS = ("type", "label", "options", "value_labels", "scale_min", "scale_max", "scale_source",
          "reversed")  # fmt: skip


@dataclass(frozen=True)
class ItemDetail:
    """A survey item as the editors show it, with its distinct raw answers (most given
    first): what a Likert mapping has to cover."""

    guid: str
    name: str
    label: str | None
    type: str
    ignored_as: str | None
    options: tuple[str, ...]
    value_labels: tuple[tuple[str, int], ...]
    scale: tuple[int, int] | None
    scale_source: str | None
    reversed: bool
    answers: tuple[tuple[str, int], ...]  # (raw answer, how many gave it)

    def needs_mapping(self) -> bool:
        """Whether making it Likert needs the user's points for its answers (words that are
        no known scale) — unless it has a mapping already."""
        return not self.value_labels and needs_mapping([a for a, _ in self.answers])

    def answers_in_order(self) -> list[tuple[str, int]]:
        """Its distinct answers, the options' questionnaire order first."""
        counts = dict(self.answers)
        ordered = [(o, counts.get(o, 0)) for o in self.options]
        return ordered + [(a, n) for a, n in self.answers if a not in self.options]

    @property
    def editable_types(self) -> tuple[str, ...]:
        """The types this item may take ((): its type is fixed)."""
        if self.ignored_as == "personal" or self.type in ("text", "attribute", "id"):
            return ()
        if self.type == "ignore" and not self.answers:
            return ()  # its answers were never stored
        return EDITABLE_TYPES


def _item(s: Session, guid: str) -> SurveyItem:
    item = s.scalar(select(SurveyItem).where(SurveyItem.guid == guid))
    if item is None:
        raise NotFoundError("That survey item no longer exists.")
    return item


def _raw_counts(s: Session, item_id: int) -> Counter[str]:
    return Counter(a.raw for a in iter_answers(s, item_id=item_id) if a.raw is not None)


def item_detail(project: Project, guid: str) -> ItemDetail:
    with project.read() as s:
        it = _item(s, guid)
        counts = _raw_counts(s, it.id)
        scale = (
            (it.scale_min, it.scale_max)
            if it.scale_min is not None and it.scale_max is not None
            else None
        )
        return ItemDetail(
            it.guid, it.name, it.label, it.type, it.ignored_as, tuple(it.options or ()),
            tuple((str(lab), int(pt)) for lab, pt in it.value_labels or ()), scale,
            it.scale_source, bool(it.reversed), tuple(counts.most_common()),
        )  # fmt: skip


@dataclass
class EditSurveyItem(Command):
    """Change what is given (None: unchanged) of the survey item ``guid``.

    ``options``: the same options in a new (questionnaire) order. ``value_labels``: a Likert
    item's label → point mapping (``[]`` removes it). ``scale``: the Likert scale's ends, as
    declared by the user. ``label``: the wording tables show (``""``: the column name)."""

    guid: str
    type: str | None = None
    options: Sequence[str] | None = None
    value_labels: Sequence[tuple[str, int]] | None = None
    scale: tuple[int, int] | None = None
    reversed: bool | None = None
    label: str | None = None
    _before: dict[str, Any] = field(default_factory=dict, init=False)
    _saved: Saved | None = field(default=None, init=False)
    _item_id: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.text = "Edit survey item"

    def do(self, project: Project) -> Change:
        with project.write() as s:
            item = _item(s, self.guid)
            self._item_id = item.id
            self._before = {f: _copy(getattr(item, f)) for f in FIELDS}
            self.text = self._describe(item)
            retyped = self._apply_fields(s, item)
            raws = list(_raw_counts(s, item.id))
            self._saved = rewrite_item(s, item.id, _recompute(item, raws)) if retyped else None
            audit.record(
                s, project.coder, "edit_survey_item", "survey_item", self.guid,
                name=item.name, before=_jsonable(self._before),
                after=_jsonable({f: getattr(item, f) for f in FIELDS}),
            )  # fmt: skip
        return Change("edit_survey_item", survey=True)

    def undo(self, project: Project) -> Change:
        with project.write() as s:
            item = _item(s, self.guid)
            for f, value in self._before.items():
                setattr(item, f, _copy(value))
            if self._saved is not None:
                restore_item(s, item.id, self._saved)
            audit.record(s, project.coder, "edit_survey_item", "survey_item", self.guid,
                         name=item.name, undo=True)  # fmt: skip
        return Change("edit_survey_item", survey=True)

    # -- what changes -----------------------------------------------------------------
    def _describe(self, item: SurveyItem) -> str:
        name = item.name
        if self.type is not None and self.type != item.type:
            return f"Make {name} {self.type}"
        if self.options is not None:
            return f"Reorder the options of {name}"
        if self.value_labels is not None or self.scale is not None:
            return f"Change the Likert mapping of {name}"
        if self.reversed is not None:
            return f"{'Reverse-code' if self.reversed else 'Stop reverse-coding'} {name}"
        if self.label is not None:
            return f"Relabel {name}"
        return f"Edit {name}"

    def _apply_fields(self, s: Session, item: SurveyItem) -> bool:
        """Set the item's fields; True when its answers must be computed again."""
        retyped = False
        if self.label is not None:
            item.label = self.label.strip() or None
        raws = _raw_counts(s, item.id)
        if self.type is not None and self.type != item.type:
            _check_type_change(item, self.type, bool(raws))
            item.type = self.type
            retyped = True
            _set_up_type(item, self.type, list(raws))
        if self.options is not None:
            _check_permutation(item, self.options)
            item.options = list(self.options)
        if self.value_labels is not None:
            item.value_labels = [[lab, int(pt)] for lab, pt in self.value_labels] or None
            retyped = True
        if self.scale is not None:
            lo, hi = self.scale
            if lo >= hi:
                raise UserError(f"A scale runs from a lower to a higher point, not {lo}-{hi}.")
            item.scale_min, item.scale_max, item.scale_source = lo, hi, "declared"
            retyped = True
        if self.reversed is not None and self.reversed != bool(item.reversed):
            if self.reversed and (item.scale_min is None or item.scale_max is None):
                raise UserError(
                    f"{item.name} cannot be reverse-coded: its scale is not stated; declare "
                    "the scale first."
                )
            item.reversed = self.reversed
            retyped = True
        return retyped and item.type in CLOSED


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) for k, v in fields.items()}


def _check_type_change(item: SurveyItem, new: str, has_answers: bool) -> None:
    if new not in EDITABLE_TYPES:
        raise UserError(
            f"{item.name} can become {', '.join(EDITABLE_TYPES)}; {new!r} is chosen in the "
            "import preview."
        )
    if item.ignored_as == "personal":
        raise UserError(f"{item.name} holds personal data, which is never analysed.")
    if item.type == "text":
        raise UserError(
            f"{item.name} is an open-ended question (a codable document); its type is chosen "
            "in the import preview."
        )
    if item.type in ("attribute", "id"):
        raise UserError(
            f"{item.name} sets participants' attributes; its type is chosen in the import preview."
        )
    if item.columns and new not in ("multiple", "ignore"):
        raise UserError(
            f"{item.name} is one question asked as one column per option; it stays a "
            "multiple-choice item (or is ignored)."
        )
    if not has_answers and item.type not in CLOSED:
        raise UserError(
            f"{item.name}'s answers were not imported (it was ignored); import the file again "
            "with its type chosen in the preview."
        )


def _set_up_type(item: SurveyItem, new: str, raws: list[str]) -> None:
    """What the new type needs besides the answers: options or a Likert mapping."""
    if new in ("single", "multiple"):
        if new == "multiple":
            sep = choose_separator(raws, None)
            item.options = _whole_options(item.options or [], sep) or None
            chosen, _ = parse_multiple(item.name, list(raws), sep, item.options)
        else:
            chosen = [[r] for r in raws]
        known = list(item.options or [])
        if not known and item.value_labels:  # a Likert item's labels in scale order
            known = [str(lab) for lab, _ in sorted(item.value_labels, key=lambda p: p[1])]
        item.options = options_in_order(chosen, known) if known else order_options(
            options_in_order(chosen, None)
        )  # fmt: skip
    elif new == "likert" and not item.value_labels:
        mapping = text_mapping(list(item.options or raws))
        if mapping is not None:
            item.value_labels = [[lab, pt] for lab, pt in mapping]
            if item.scale_source is None:
                points = [pt for _, pt in mapping]
                item.scale_min, item.scale_max = min(points), max(points)
                item.scale_source = "labels"


def _whole_options(options: list[str], sep: str) -> list[str]:
    """Options for a multiple choice: a single choice's answer made of other options
    (``Library; Cafe`` beside ``Library`` and ``Cafe``) is a combination, not an option;
    one whose pieces are not all options (``Cafe, restaurant or bakery``) stays whole."""
    known = {o.casefold() for o in options}
    out = []
    for option in options:
        pieces = [p.strip().casefold() for p in re.split(f"[{re.escape(sep.strip())}]", option)]
        if len(pieces) > 1 and all(p in known for p in pieces if p):
            continue
        out.append(option)
    return out


def _check_permutation(item: SurveyItem, options: Sequence[str]) -> None:
    if sorted(options) != sorted(item.options or []):
        raise UserError(
            f"The options of {item.name} can be put in another order, not changed; "
            f"they are: {', '.join(item.options or []) or 'none'}."
        )


def _multiple_choices(item: SurveyItem, raws: list[str]) -> dict[str, list[str]]:
    """Each distinct answer's choices: the import's one parse (one separator for all the
    answers, the item's options matched whole)."""
    sep = choose_separator(raws, None)
    parsed, _ = parse_multiple(item.name, list(raws), sep, item.options or None)
    return {raw: list(c or []) for raw, c in zip(raws, parsed, strict=True)}


def _recompute(item: SurveyItem, raws: list[str]) -> Any:
    """A function (raw, number, choices) -> the answer's new entry, as the import computes
    it for the item's (new) type, mapping, scale and reverse coding."""
    type_ = item.type
    labels = [(str(lab), int(pt)) for lab, pt in item.value_labels or []]
    lo, hi, rev = item.scale_min, item.scale_max, bool(item.reversed)
    name = item.name
    chosen = _multiple_choices(item, raws) if type_ == "multiple" and not item.columns else {}

    def change(raw: str | None, number: float | None, choices: list[str] | None) -> Entry:
        if raw is None or (type_ == "multiple" and item.columns):
            return entry(raw, None if type_ == "multiple" else number, choices)
        if type_ == "likert":
            point = likert_point(raw, labels or None)
            if point is None:
                raise UserError(
                    f"The answer {raw!r} to {name} is no point of a scale; give the Likert "
                    "mapping first (label = point)."
                )
            if lo is not None and hi is not None and not lo <= point <= hi:
                raise UserError(f"The answer {raw!r} to {name} is outside its scale {lo}-{hi}.")
            if rev and lo is not None and hi is not None:
                point = lo + hi - point
            return entry(raw, float(point), None)
        if type_ == "number":
            if not _is_number(raw):
                raise UserError(f"The answer {raw!r} to {name} is not a number.")
            return entry(raw, float(raw), None)
        if type_ == "single":
            return entry(raw, None, [raw])
        return entry(raw, None, chosen.get(raw, [raw]))

    return change
