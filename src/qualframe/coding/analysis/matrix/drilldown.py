"""The segments behind the theme matrix: the long form (one row per segment, for pivot tables
and the CSV/Excel exports, optionally with the segments left out and why) and the full records
behind one cell (the GUI's drill-down). The filter is the shared
:class:`coding.query.filters.SegmentFilter`: the chosen coders and documents, and the cell's
row code with all its sub-codes — the row code itself included."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.analysis.matrix.model import MatrixOptions, MatrixSegment
from qualframe.coding.analysis.matrix.scope import (
    choose_groups,
    classify,
    people,
    resolve_scope,
)
from qualframe.coding.codebook.tree import load_tree
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.query.filters import SegmentFilter
from qualframe.coding.query.quotes import own_turn
from qualframe.coding.query.segments import filtered_segments
from qualframe.coding.query.texts import document_texts
from qualframe.storage.models import Coder, Participant, Segment, Turn


def matrix_segments(
    project: Project,
    options: MatrixOptions | None = None,
    *,
    code_guid: str | None = None,
    group: str | None = None,
    include_left_out: bool = False,
) -> list[MatrixSegment]:
    """The segments the matrix counts, in document order, optionally only those behind one
    cell (``code_guid`` with its descendants, ``group`` a group value). With
    ``include_left_out`` the segments in scope that no cell counts follow, each with the
    reason (``MatrixSegment.left_out``)."""
    with project.read() as s:
        return _matrix_segments(s, options or MatrixOptions(), code_guid, group, include_left_out)


def _matrix_segments(
    s: Session,
    options: MatrixOptions,
    code_guid: str | None,
    group: str | None,
    include_left_out: bool,
) -> list[MatrixSegment]:
    scope = resolve_scope(s, options)
    tree = load_tree(s)
    crowd = people(s, scope)
    wanted = frozenset(g.value for g in choose_groups(crowd.sizes(), options, scope.attr_name))
    path_of = {c.id: c.path for c in tree}
    shown = {c.id for c in tree if c.depth >= options.rows_level}
    stmt = (
        select(
            Segment.guid, Segment.code_id, Turn.participant_id, Turn.is_interviewer,
            Participant.pseudonym, Turn.label, Segment.document_id, Segment.start, Segment.end,
            Coder.name, Segment.is_exemplar, Segment.id, Turn.start, Turn.end,
        )
        .select_from(Segment)
        .join(Coder, Coder.id == Segment.coder_id)
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(*scope.clauses(s, code_guid))
    )  # fmt: skip
    kept: list[tuple[str, str, Any]] = []
    for r in s.connection().execute(stmt).all():
        grp, reason = classify(r[2], r[3], r[1] in shown, crowd, wanted)
        if (reason and not include_left_out) or (group is not None and (reason or grp != group)):
            continue
        kept.append((grp, reason, r))
    texts = document_texts(s, {r[6] for _, _, r in kept})
    # Counted first, then those left out; each in document order (start, end), as listed.
    kept.sort(key=lambda k: (bool(k[1]), texts[k[2][6]][0], k[2][7], k[2][8], k[2][11]))
    mask = name_masker(s, options.real_names)

    def quote(r: Any) -> str:  # cut to the segment's own turn: never another speaker's words
        a, b = own_turn(r[7], r[8], None if r[12] is None else (r[12], r[13]))
        return mask(texts[r[6]][3][a:b])

    return [
        MatrixSegment(
            path=path_of[r[1]], group=grp,
            participant=str(r[4]) if r[4] else mask(str(r[5] or "")),
            document=mask(texts[r[6]][2]), quote=quote(r),
            coder=str(r[9]), segment_guid=str(r[0]), is_exemplar=bool(r[10]), left_out=reason,
        )
        for grp, reason, r in kept
    ]  # fmt: skip


def cell_segments(
    project: Project, options: MatrixOptions, row_guid: str, group: str
) -> list[SegmentRecord]:
    """The full records of the segments behind one cell (row code and descendants, one
    group), in document order — for the GUI drill-down."""
    with project.read() as s:
        keep = [m.segment_guid for m in _matrix_segments(s, options, row_guid, group, False)]
        return filtered_segments(s, SegmentFilter(segment_guids=tuple(keep)))
