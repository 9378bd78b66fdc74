"""Per-code tallies of the codebook: coded segments and the participants speaking in them.

Each code's own figures come from one grouped query (segments per code and speaker turn's
participant). Interviewer speech — an interviewer's turn, or any turn of a participant marked
as an interviewer — counts as a segment but not as a participant, as in the theme matrix.
Totals add
up each code's descendants. After segments change, :meth:`CodeTallies.update` re-reads only
the codes touched and :meth:`CodeTallies.roll_up` recomputes only them and their ancestors,
so a long-lived holder (the GUI's codebook model) stays cheap to keep current.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.storage.models import Coder, Participant, Segment, Turn

#: (code id, participant id or None, number of segments) as the grouped query returns them.
TallyRow = tuple[int, int | None, int]


def tally_rows(
    session: Session,
    code_ids: Sequence[int] | None = None,
    coders: Collection[str] | None = None,
) -> list[TallyRow]:
    """Segments grouped by code and speaking participant (None: no turn, no participant, or
    an interviewer), for every code or only ``code_ids``; only the segments of ``coders``
    when given (the GUI's coder view, blind coding)."""
    interviewers = set(
        session.scalars(select(Participant.id).where(Participant.is_interviewer.is_(True)))
    )
    stmt = (
        select(
            Segment.code_id,
            case((Turn.is_interviewer.is_(True), None), else_=Turn.participant_id),
            func.count(),
        )
        .outerjoin(Turn, Turn.id == Segment.turn_id)
        # Turn columns first: grouping by code first lets SQLite walk the code index and
        # fetch every segment row out of order, about twice as slow as scanning the table.
        # A filter on ``code_ids`` still uses that index.
        .group_by(Turn.participant_id, Turn.is_interviewer, Segment.code_id)
    )
    if code_ids is not None:
        stmt = stmt.where(Segment.code_id.in_(list(code_ids)))
    if coders is not None:
        ids = select(Coder.id).where(Coder.name.in_(list(coders))).scalar_subquery()
        stmt = stmt.where(Segment.coder_id.in_(ids))
    return [
        (int(c), None if p in interviewers else p, int(n))
        for c, p, n in session.execute(stmt).all()
    ]


class CodeTallies:
    """Own and total (segments, distinct participants) per code.

    ``segments``/``people`` hold each code's own figures by code id; ``counts`` holds the
    totals including descendants by code GUID, as computed by the last :meth:`totals` and
    kept current by :meth:`roll_up`.
    """

    def __init__(self) -> None:
        self.segments: dict[int, int] = {}
        self.people: dict[int, set[int]] = {}
        self.counts: dict[str, tuple[int, int]] = {}
        self.loaded = False
        self.coders: frozenset[str] | None = None  # count only these coders' segments
        self._people_total: dict[str, set[int]] = {}
        self._by_guid: dict[str, CodeRecord] = {}
        self._kids: dict[str | None, list[str]] = {}

    # -- own figures ------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        """Read every code's own figures (one query)."""
        with project.read() as s:
            self.load_in(s)

    def load_in(self, session: Session) -> None:
        """:meth:`load` inside the caller's session (to read them with the code tree)."""
        self.segments = {}
        self.people = {}
        self._add(tally_rows(session, coders=self.coders))
        self.loaded = True

    def update(self, project: Project, code_ids: Iterable[int]) -> None:
        """Re-read the own figures of some codes (one query); call :meth:`roll_up` next."""
        ids = list(dict.fromkeys(code_ids))
        if not ids:
            return
        for i in ids:
            self.segments.pop(i, None)
            self.people.pop(i, None)
        with project.read() as s:
            self._add(tally_rows(s, ids, self.coders))

    def _add(self, rows: Iterable[TallyRow]) -> None:
        for code_id, pid, n in rows:
            self.segments[code_id] = self.segments.get(code_id, 0) + n
            if pid is not None:
                self.people.setdefault(code_id, set()).add(pid)

    # -- totals -----------------------------------------------------------------------------
    def totals(self, records: Sequence[CodeRecord]) -> dict[str, tuple[int, int]]:
        """Totals of every code of the tree ``records`` (depth-first, parents before their
        children, as ``coding.codebook.tree.load_tree`` gives them): GUID → (segments, distinct
        participants), each including all descendants. The tree is remembered for
        :meth:`roll_up`."""
        self._by_guid = {r.guid: r for r in records}
        kids: dict[str | None, list[str]] = {}
        for r in records:
            kids.setdefault(r.parent_guid, []).append(r.guid)
        self._kids = kids
        self.counts = {}
        self._people_total = {}
        self._roll(reversed(records))
        return self.counts

    def roll_up(self, code_guids: Iterable[str]) -> list[CodeRecord]:
        """Recompute the totals of some codes and of all their ancestors (after
        :meth:`update`). Returns the codes recomputed, children before parents."""
        chain: dict[str, CodeRecord] = {}
        for guid in code_guids:
            node = self._by_guid.get(guid)
            while node is not None and node.guid not in chain:
                chain[node.guid] = node
                node = self._by_guid.get(node.parent_guid) if node.parent_guid else None
        ordered = sorted(chain.values(), key=lambda r: -r.depth)
        self._roll(ordered)
        return ordered

    def _roll(self, order: Iterable[CodeRecord]) -> None:
        """Totals for the codes in ``order``; each code's children must come before it."""
        for rec in order:
            n = self.segments.get(rec.id, 0)
            people = set(self.people.get(rec.id, ()))
            for child in self._kids.get(rec.guid, []):  # each computed before its parent
                n += self.counts[child][0]
                people |= self._people_total[child]
            self.counts[rec.guid] = (n, len(people))
            self._people_total[rec.guid] = people
