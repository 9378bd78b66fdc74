"""Who and what the theme matrix counts: the column attribute, the coders and documents
chosen, which participant belongs to which group (column), and the rule that puts each
segment in a group or names why it is left out (:func:`classify`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.formatting import group_label, natural_key
from qualframe.coding.analysis.matrix.model import (
    NOT_SET,
    NOT_SET_LABEL,
    Group,
    MatrixOptions,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.sets import set_document_ids
from qualframe.coding.query.filters import SegmentFilter, fold
from qualframe.coding.review.status import reviewed_clause
from qualframe.storage.models import (
    Attribute,
    AttributeValue,
    Coder,
    Document,
    Participant,
    Segment,
    Turn,
)


@dataclass(frozen=True)
class Scope:
    """The options resolved against the project: attribute, coders, documents and document
    sets. ``doc_guids`` are the documents named; ``doc_ids`` and ``doc_names`` those that
    count (with document sets: the named ones in a set, or, none named, every document in
    the sets)."""

    attr_id: int
    attr_name: str
    coder_names: tuple[str, ...]
    doc_ids: tuple[int, ...]
    doc_guids: tuple[str, ...]
    doc_names: tuple[str, ...]
    set_keys: tuple[str, ...] = ()  # the document sets as named in the options
    set_names: tuple[str, ...] = ()  # each set's name with how many documents it holds
    reviewed: str = "all"  # the review filter (MatrixOptions.reviewed)

    @property
    def by_document(self) -> bool:
        """Whether only some documents count (possibly none: an empty set)."""
        return bool(self.doc_guids or self.set_keys)

    def segment_filter(self, code_guid: str | None = None) -> SegmentFilter:
        """The segments in scope: the chosen coders, documents and document sets (and one
        code with all its sub-codes when ``code_guid`` is given, as behind a matrix cell)."""
        return SegmentFilter(
            code_guid=code_guid,
            include_descendants=True,
            documents=self.doc_guids,
            document_sets=self.set_keys,
            coders=self.coder_names,
        )

    def clauses(
        self, s: Session, code_guid: str | None = None, *, review: bool = True
    ) -> list[ColumnElement[bool]]:
        """The conditions on :class:`Segment` of :meth:`segment_filter`, with the review
        filter (``reviewed``) unless ``review`` is False."""
        out = self.segment_filter(code_guid).clauses(s)
        clause = reviewed_clause(self.reviewed) if review else None
        if clause is not None:
            out.append(clause)
        return out

    def not_reviewed(self, s: Session) -> int:
        """Segments in scope that the review filter leaves out."""
        if self.reviewed == "all":
            return 0
        count = select(func.count()).select_from(Segment)
        every = int(s.scalar(count.where(*self.clauses(s, review=False))) or 0)
        return every - int(s.scalar(count.where(*self.clauses(s))) or 0)


def resolve_scope(s: Session, options: MatrixOptions) -> Scope:
    attr_id, attr_name = _resolve_attribute(s, options.by)
    coder_names = _resolve_coders(s, options.coders)
    doc_ids, doc_guids, doc_names = _resolve_documents(s, options.documents)
    keys = tuple(options.document_sets or ())
    if not keys:
        return Scope(
            attr_id, attr_name, coder_names, doc_ids, doc_guids, doc_names,
            reviewed=options.reviewed,
        )  # fmt: skip
    in_sets, names = set_document_ids(s, keys)
    set_names = []
    for name in names:
        k = len(set_document_ids(s, [name])[0])
        set_names.append(f"{name} ({k} document{'s' if k != 1 else ''})")
    members = set(in_sets)
    if doc_guids:
        kept = [(i, n) for i, n in zip(doc_ids, doc_names, strict=True) if i in members]
        doc_ids, doc_names = tuple(i for i, _ in kept), tuple(n for _, n in kept)
    else:
        doc_ids = tuple(in_sets)
    return Scope(
        attr_id, attr_name, coder_names, doc_ids, doc_guids, doc_names, keys, tuple(set_names),
        options.reviewed,
    )  # fmt: skip


def _resolve_attribute(s: Session, name: str) -> tuple[int, str]:
    rows = s.execute(select(Attribute.id, Attribute.name).order_by(Attribute.position)).all()
    for aid, aname in rows:
        if aname.casefold() == name.strip().casefold():
            return int(aid), str(aname)
    known = ", ".join(str(r[1]) for r in rows) or "none yet"
    raise UserError(f'There is no participant attribute "{name}" (attributes: {known}).')


def _resolve_coders(s: Session, names: Sequence[str] | None) -> tuple[str, ...]:
    if not names:
        return ()
    rows = s.execute(select(Coder.name).order_by(Coder.name)).scalars().all()
    by_name = {str(n).casefold(): str(n) for n in rows}
    shown = []
    for name in names:
        hit = by_name.get(name.strip().casefold())
        if hit is None:
            known = ", ".join(str(n) for n in rows) or "none"
            raise UserError(f'There is no coder "{name}" in this project (coders: {known}).')
        shown.append(hit)
    return tuple(shown)


def _resolve_documents(
    s: Session, names: Sequence[str] | None
) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
    """Ids, GUIDs and names of the documents named (by GUID, name, or name in any case)."""
    if not names:
        return (), (), ()
    rows = s.execute(select(Document.id, Document.guid, Document.name)).all()
    hits = []
    for name in names:
        key = name.strip()
        hit = next((r for r in rows if r.guid == key or r.name == key), None)
        if hit is None:
            hit = next((r for r in rows if str(r.name).casefold() == key.casefold()), None)
        if hit is None:
            raise UserError(f'There is no document "{name}" in this project.')
        hits.append(hit)
    return (
        tuple(int(h.id) for h in hits),
        tuple(str(h.guid) for h in hits),
        tuple(str(h.name) for h in hits),
    )


# -- groups -------------------------------------------------------------------------------------
def value_key(value: str) -> str:
    """Attribute values that differ only by case or spacing make one group
    (``Mentee``, ``mentee `` and ``mentee`` are the same role)."""
    return fold(value)


def spellings(s: Session, attr_id: int) -> dict[str, str]:
    """Each stored (non-blank) value of the attribute -> the spelling that names its group:
    the most common one among the participants holding it (ties: lower case first, then the
    first in sorted order)."""
    rows = s.execute(
        select(AttributeValue.value, func.count())
        .where(AttributeValue.attribute_id == attr_id)
        .group_by(AttributeValue.value)
    ).all()
    by_key: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)
    for value, n in rows:
        if str(value).strip():
            v = str(value)
            by_key[value_key(v)].append((-int(n), v != v.lower(), v))
    return {v: min(spelled)[2] for spelled in by_key.values() for *_, v in spelled}


@dataclass(frozen=True)
class People:
    """Every participant's group for one attribute (:data:`NOT_SET` without a value) and
    who is an interviewer; ``members`` are the participants a group's N counts."""

    group_of: dict[int, str]
    interviewers: frozenset[int]
    members: dict[str, frozenset[int]]

    def sizes(self) -> dict[str, int]:
        return {v: len(m) for v, m in self.members.items()}


def people(s: Session, scope: Scope) -> People:
    """Group and interviewer flag of every participant; a group's members are the
    non-interviewer participants holding its value who, when documents are chosen, speak
    in one of them."""
    spelling = spellings(s, scope.attr_id)
    everyone = s.execute(select(Participant.id, Participant.is_interviewer)).all()
    group_of = {int(pid): NOT_SET for pid, _ in everyone}
    for pid, value in s.execute(
        select(AttributeValue.participant_id, AttributeValue.value).where(
            AttributeValue.attribute_id == scope.attr_id
        )
    ):
        if value in spelling:  # a blank value is no value
            group_of[int(pid)] = spelling[value]
    interviewers = frozenset(int(pid) for pid, flag in everyone if flag)
    counted = set(group_of) - interviewers
    if scope.by_document:
        speakers = select(Turn.participant_id).where(
            Turn.document_id.in_(scope.doc_ids), Turn.is_interviewer.is_(False)
        )
        counted &= set(s.execute(speakers.distinct()).scalars())
    members: dict[str, set[int]] = defaultdict(set)
    for pid in counted:
        members[group_of[pid]].add(pid)
    return People(group_of, interviewers, {v: frozenset(m) for v, m in members.items()})


def group_sizes(
    project: Project,
    by: str = "role",
    documents: Sequence[str] | None = None,
    document_sets: Sequence[str] | None = None,
) -> dict[str, int]:
    """The values of ``by`` that make a column, with their N: non-interviewer participants
    holding the value who, when ``documents`` (names or GUIDs) or ``document_sets`` are
    given, speak in one of those documents. The same rule :func:`build_matrix` uses for the group headers; participants
    without a value (the "(not set)" column, which follows the others unless an order names
    it) are not listed."""
    with project.read() as s:
        options = MatrixOptions(by=by, documents=documents, document_sets=document_sets)
        scope = resolve_scope(s, options)
        sizes = people(s, scope).sizes()
    sizes.pop(NOT_SET, None)
    return sizes


def choose_groups(
    sizes: dict[str, int], options: MatrixOptions, attr_name: str
) -> tuple[Group, ...]:
    """The columns: the values in ``options.group_order`` (in that order) or all of them
    (numbers by value, words in natural order); then "(not set)" when ``options.not_set``
    and some participant in scope has no value (placed where ``group_order`` names it, else
    last). No participant with a value at all: no columns."""
    values = [v for v in sizes if v != NOT_SET]
    unset = NOT_SET in sizes  # only groups with members have a size
    if not values:
        return ()
    if options.group_order:
        values = _ordered(values, options.group_order, attr_name, unset)
    elif all(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()) for v in values):
        values.sort(key=lambda v: float(v))
    else:  # natural order: "Site 2" before "Site 10"
        values.sort(key=natural_key)
    if options.not_set and unset and NOT_SET not in values:
        values.append(NOT_SET)
    labels = {v: group_label(v, attr_name) for v in values if v != NOT_SET}
    if len(set(labels.values())) != len(labels):  # two would look the same: show raw values
        labels = {v: v for v in labels}
    taken = NOT_SET_LABEL in labels.values()  # a value spelt "(not set)": say it another way
    labels[NOT_SET] = f"(no {attr_name})" if taken else NOT_SET_LABEL
    return tuple(Group(v, labels[v], sizes[v]) for v in values)


def _ordered(values: list[str], order: Sequence[str], attr_name: str, unset: bool) -> list[str]:
    chosen: list[str] = []
    for wanted in order:
        if fold(wanted) in ("", NOT_SET_LABEL):
            if not unset:
                raise UserError(
                    f'Every participant has a value for {attr_name}, so there is no "(not set)".'
                )
            hit: str | None = NOT_SET
        else:
            hit = next((v for v in values if v.casefold() == wanted.strip().casefold()), None)
        if hit is None:
            known = ", ".join(sorted(values, key=str.casefold))
            raise UserError(f'No participant has {attr_name} "{wanted}" (values: {known}).')
        if hit not in chosen:
            chosen.append(hit)
    return chosen


# -- the counting rule ----------------------------------------------------------------------------
def classify(
    pid: int | None,
    in_interviewer_turn: bool | None,
    code_shown: bool,
    crowd: People,
    shown_groups: set[str] | frozenset[str],
) -> tuple[str, str]:
    """(group, '') for a segment a cell counts, ('', reason) for one left out. The rules, in
    order: interviewer speech (an interviewer's turn, or a participant marked as one);
    outside any participant's turn; coded above the row level; the participant has no value
    (and no "(not set)" column is shown); the participant's group is not among the
    columns."""
    if in_interviewer_turn:
        return "", "interviewer"
    if pid is None:
        return "", "no_turn"
    if pid in crowd.interviewers:
        return "", "interviewer"
    if not code_shown:
        return "", "above_rows"
    group = crowd.group_of.get(pid, NOT_SET)
    if group in shown_groups:
        return group, ""
    return "", "no_value" if group == NOT_SET else "other_group"
