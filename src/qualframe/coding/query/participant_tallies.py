"""How much each participant says: documents spoken in, turns, coded segments in their turns
(for the classification sheet)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from qualframe.coding.core.project import Project
from qualframe.storage.models import Participant, Segment, Turn


@dataclass(frozen=True)
class Tally:
    documents: int = 0
    turns: int = 0
    segments: int = 0


def participant_tallies(project: Project) -> dict[str, Tally]:
    """Participant GUID → documents, turns and coded segments (participants without any
    turn are left out: their tally is ``Tally()``)."""
    with project.read() as s:
        turns = s.execute(
            select(
                Participant.guid,
                func.count(func.distinct(Turn.document_id)),
                func.count(Turn.id),
            )
            .join(Turn, Turn.participant_id == Participant.id)
            .group_by(Participant.guid)
        ).all()
        segments = dict(
            s.execute(
                select(Participant.guid, func.count(Segment.id))
                .join(Turn, Turn.participant_id == Participant.id)
                .join(Segment, Segment.turn_id == Turn.id)
                .group_by(Participant.guid)
            ).all()
        )
    return {
        str(guid): Tally(int(docs), int(n), int(segments.get(guid, 0))) for guid, docs, n in turns
    }
