"""Small builders for coding-layer tests (no importer needed)."""

from __future__ import annotations

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
