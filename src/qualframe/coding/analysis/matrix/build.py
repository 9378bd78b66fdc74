"""Computing the theme matrix from the project (see the package docstring for the counting
rule).

Everything is computed with a few set-based queries (one pass over the segments in scope
joined to their turns, grouped in Python by code, speaker and interviewer turn), never per
cell; the figures are rolled up the code tree once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.matrix.model import (
    CellEntry,
    Group,
    LeftOut,
    MatrixCell,
    MatrixOptions,
    MatrixRow,
    Quote,
    ThemeMatrix,
    level_name,
)
from qualframe.coding.analysis.matrix.quotes import CountedRow, pick_quotes
from qualframe.coding.analysis.matrix.scope import (
    People,
    Scope,
    choose_groups,
    classify,
    people,
    resolve_scope,
)
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.storage.models import Segment, Turn

#: (code id, group value) → figure
Key = tuple[int, str]


def own_entry_name(rows_level: int) -> str:
    """The entry of a cell that holds the segments coded with the row code itself."""
    return f"(coded with the {level_name(rows_level).lower()} itself)"


def row_codes(tree: list[CodeRecord], level: int) -> list[CodeRecord]:
    """The codes at the row level (none for an empty codebook, whatever the level)."""
    if tree:
        deepest = max(c.depth for c in tree)
        if level > deepest:
            raise UserError(
                f"The codebook has {deepest + 1} level(s); choose a row level from 0 to {deepest}."
            )
    return [c for c in tree if c.depth == level]


@dataclass
class Tally:
    """Each code's own figures per group, and what was left out, by reason."""

    direct_n: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    direct_people: dict[Key, set[int]] = field(default_factory=lambda: defaultdict(set))
    counted: int = 0
    left_out: Counter[str] = field(default_factory=Counter)

    def add(self, code_id: int, pid: int | None, group: str, reason: str, n: int) -> None:
        if reason:
            self.left_out[reason] += n
            return
        assert pid is not None
        self.counted += n
        self.direct_n[(code_id, group)] += n
        self.direct_people[(code_id, group)].add(pid)


@dataclass
class Totals:
    """Figures including descendants (rolled up the tree), per (code, group)."""

    segments: dict[Key, int]
    people: dict[Key, set[int]]


def roll_up(tree: list[CodeRecord], tally: Tally, groups: Iterable[str], rows_level: int) -> Totals:
    """Add each code's figures to its parent's, up to the row level (children come after
    their parents in ``tree``, so walking it backwards sees every child first)."""
    seg_n: dict[Key, int] = defaultdict(int)
    people_of: dict[Key, set[int]] = defaultdict(set)
    id_of = {c.guid: c.id for c in tree}
    parent_of = {c.id: id_of[c.parent_guid] for c in tree if c.parent_guid is not None}
    wanted = list(groups)
    for c in reversed(tree):
        for value in wanted:
            key = (c.id, value)
            seg_n[key] += tally.direct_n.get(key, 0)
            people_of[key] |= tally.direct_people.get(key, set())
            if c.depth > rows_level:  # below the row level, so it has a parent
                up = (parent_of[c.id], value)
                seg_n[up] += seg_n[key]
                people_of[up] |= people_of[key]
    return Totals(seg_n, people_of)


def segment_rows(s: Session, scope: Scope, *, with_quote_columns: bool) -> list[tuple[Any, ...]]:
    """The segments in scope as (code, participant, interviewer turn) — with quotes also
    (segment id, exemplar, document, start), so the segments are read once either way."""
    columns: tuple[Any, ...] = (Segment.code_id, Turn.participant_id, Turn.is_interviewer)
    if with_quote_columns:
        columns += (Segment.id, Segment.is_exemplar, Segment.document_id, Segment.start)
    stmt = (
        select(*columns)
        .select_from(Segment)
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        .where(*scope.clauses(s))
    )
    return [tuple(r) for r in s.connection().execute(stmt).all()]


def tally_rows(
    rows: list[tuple[Any, ...]], crowd: People, shown_codes: set[int], wanted: frozenset[str]
) -> tuple[Tally, dict[tuple[Any, ...], tuple[str, str]]]:
    """Count the segment rows by (code, speaker, turn); returns the tally and each distinct
    (code, participant, interviewer turn) with its (group, reason)."""
    tally = Tally()
    verdicts: dict[tuple[Any, ...], tuple[str, str]] = {}
    for key, n in Counter(r[:3] for r in rows).items():
        code_id, pid, in_interviewer_turn = key
        group, reason = classify(pid, in_interviewer_turn, code_id in shown_codes, crowd, wanted)
        verdicts[key] = (group, reason)
        tally.add(code_id, pid, group, reason, n)
    return tally, verdicts


def build_matrix(project: Project, options: MatrixOptions | None = None) -> ThemeMatrix:
    """Compute the theme matrix (see :mod:`coding.analysis.matrix` for the counting rule)."""
    options = options or MatrixOptions()
    with project.read() as s:
        scope = resolve_scope(s, options)
        tree = load_tree(s)
        rows_codes = row_codes(tree, options.rows_level)
        crowd = people(s, scope)
        groups = choose_groups(crowd.sizes(), options, scope.attr_name)
        wanted = frozenset(g.value for g in groups)
        shown_codes = {c.id for c in tree if c.depth >= options.rows_level}
        rows = segment_rows(s, scope, with_quote_columns=options.quotes > 0)
        tally, verdicts = tally_rows(rows, crowd, shown_codes, wanted)
        totals = roll_up(tree, tally, wanted, options.rows_level)
        mask = name_masker(s, options.real_names)
        quotes: dict[Key, tuple[Quote, ...]] = {}
        if options.quotes:
            counted: list[CountedRow] = [
                (r[0], verdicts[r[:3]][0], *r[3:]) for r in rows if not verdicts[r[:3]][1]
            ]
            quotes = pick_quotes(s, counted, options.quotes, mask)
        not_reviewed = scope.not_reviewed(s)
    left = LeftOut(**{reason: tally.left_out[reason] for reason in tally.left_out})
    return ThemeMatrix(
        attribute=scope.attr_name,
        options=options,
        groups=groups,
        rows=tuple(matrix_rows(tree, rows_codes, groups, tally, totals, quotes, options)),
        segments_counted=tally.counted,
        left_out=left,
        codes=len(tree),
        coders=scope.coder_names,
        documents=tuple(mask(d) for d in scope.doc_names),
        document_sets=scope.set_names,
        segments_not_reviewed=not_reviewed,
        max_depth=max((c.depth for c in tree), default=0),
    )


def matrix_rows(
    tree: list[CodeRecord],
    rows_codes: list[CodeRecord],
    groups: tuple[Group, ...],
    tally: Tally,
    totals: Totals,
    quotes: dict[Key, tuple[Quote, ...]],
    options: MatrixOptions,
) -> list[MatrixRow]:
    """One row per row code with segments (or every row code with ``include_empty``); each
    cell lists the segments coded with the row code itself, then the codes below it."""
    children: dict[str | None, list[CodeRecord]] = defaultdict(list)
    for c in tree:
        children[c.parent_guid].append(c)

    def below(code: CodeRecord) -> list[CodeRecord]:
        out: list[CodeRecord] = []
        for kid in children.get(code.guid, []):
            out.append(kid)
            out.extend(below(kid))
        return out

    def figures(people: set[int], g: Group) -> tuple[int, float]:
        return len(people), 100.0 * len(people) / g.n  # a group exists only with members

    out: list[MatrixRow] = []
    own_name = own_entry_name(options.rows_level)
    for r in rows_codes:
        cells = []
        for g in groups:
            key = (r.id, g.value)
            entries = []
            if tally.direct_n[key]:  # segments coded with the row code itself
                ppl, pct = figures(tally.direct_people[key], g)
                entries.append(
                    CellEntry(
                        r.guid, own_name, 0, tally.direct_n[key], ppl, pct, quotes.get(key, ())
                    )
                )
            for c in below(r):
                sub = (c.id, g.value)
                if totals.segments[sub] or options.include_empty:
                    ppl, pct = figures(totals.people[sub], g)
                    entries.append(
                        CellEntry(c.guid, c.name, c.depth - options.rows_level - 1,
                                  totals.segments[sub], ppl, pct, quotes.get(sub, ()))
                    )  # fmt: skip
            ppl, pct = figures(totals.people[key], g)
            cells.append(MatrixCell(g.value, totals.segments[key], ppl, pct, tuple(entries)))
        if options.include_empty or any(c.segments for c in cells):
            out.append(MatrixRow(r.guid, r.name, r.path, tuple(cells)))
    return out
