"""Small builders for coding-layer tests (no importer needed)."""

from __future__ import annotations

from qualframe.coding.core.command import Command
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import (
    DocumentData,
    TurnData,
    add_document_in,
    normalise_text,
)
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in


def add_transcript(
    project: Project,
    name: str,
    turns: list[tuple[str, str]],
    *,
    roles: dict[str, str] | None = None,
    interviewers: tuple[str, ...] = ("Moderator",),
    crlf: bool = False,
) -> tuple[str, str]:
    """Store a transcript built from (label, speech) pairs; returns (guid, stored text)."""
    sep = "\r\n\r\n" if crlf else "\n\n"
    raw = sep.join(f"{label}: {speech}" for label, speech in turns)
    text = normalise_text(raw)
    turn_data = []
    pos = 0
    for label, speech in turns:
        chunk = normalise_text(f"{label}: {speech}")
        turn_data.append(
            TurnData(pos, pos + len(chunk), label, pos + len(label) + 1, label in interviewers)
        )
        pos += len(chunk) + 2
    people = [
        ParticipantData(label, attributes={"role": (roles or {}).get(label, "")} if roles else {})
        for label in dict.fromkeys(lbl for lbl, _ in turns)
        if label not in interviewers
    ]
    with project.write() as s:
        ppl = add_participants_in(s, people)
        doc = add_document_in(
            s,
            project.coder,
            DocumentData(name, text, original_filename=f"{name}.txt", turns=turn_data),
            ppl,
        )
        return doc.guid, text


Stored = tuple[str | None, float | None, tuple[str, ...] | None]


def stored_answers(project: Project) -> dict[tuple[str, str], Stored]:
    """Every closed survey answer as stored: (pseudonym, item name) -> (raw, number,
    choices), read through the one reader of the packed answers."""
    from sqlalchemy import select

    from qualframe.coding.corpus.survey_answers import iter_answers
    from qualframe.storage.models import Participant, SurveyItem

    with project.read() as s:
        names = dict(s.execute(select(Participant.id, Participant.pseudonym)).all())
        items = dict(s.execute(select(SurveyItem.id, SurveyItem.name)).all())
        return {
            (names[a.participant_id], items[a.item_id]): (a.raw, a.number, a.choices)
            for a in iter_answers(s)
        }


def as_(p: Project, who: str, command: Command) -> str | None:
    """Run ``command`` as ``who`` (the trail records them as its actor); its created GUID."""
    me = p.coder
    p.coder = who
    try:
        return command.do(p).created_guid
    finally:
        p.coder = me
