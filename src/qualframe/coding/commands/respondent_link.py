"""Linking a transcript speaker to the survey respondent who is the same person (the GUI's
"Link to respondent…", ``qualframe import --link M1=R07`` for a survey still to import).

A link is a merge of the respondent into the speaker (:class:`MergeParticipants`): the
respondent's survey responses, answers and open-ended answers move to the speaker, who keeps
the pseudonym; the respondent id stays on each response (``survey_responses.respondent_id``),
so the file's id is never lost. From then on the person counts once: in a group's N, in
"% of the group" of the theme matrix and of the survey tables. Undo unlinks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from qualframe.coding.commands.participant_merge import MergeParticipants
from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import participant_in
from qualframe.storage.models import Document, Participant, SurveyResponse, Turn


@dataclass(frozen=True)
class LinkCandidate:
    """A participant the chosen one could be linked to."""

    guid: str
    pseudonym: str
    respondent_ids: tuple[str, ...]  # the ids survey files gave them (respondents only)
    files: tuple[str, ...]  # their survey files, or the transcripts they speak in


def _speaks(s: Session, pid: int) -> bool:
    return bool(
        s.scalar(
            select(
                exists()
                .where(Turn.participant_id == pid, Turn.document_id == Document.id)
                .where(Document.kind == "transcript")
            )
        )
    )


def _responds(s: Session, pid: int) -> bool:
    return bool(s.scalar(select(exists().where(SurveyResponse.participant_id == pid))))


def _speakers(s: Session) -> dict[int, list[str]]:
    """Participants who speak in transcripts, with those transcripts."""
    rows = s.execute(
        select(Turn.participant_id, Document.name, Document.position)
        .join(Document, Document.id == Turn.document_id)
        .where(Document.kind == "transcript", Turn.participant_id.is_not(None))
        .distinct()
        .order_by(Document.position, Document.name)
    ).all()
    out: dict[int, list[str]] = {}
    for pid, name, _ in rows:  # (the position is selected for DISTINCT … ORDER BY)
        out.setdefault(int(pid or 0), []).append(str(name))
    return out


def _respondents(s: Session) -> dict[int, list[tuple[str, str]]]:
    """Participants with survey responses: (respondent id, file) of each."""
    out: dict[int, list[tuple[str, str]]] = {}
    query = select(
        SurveyResponse.participant_id, SurveyResponse.respondent_id, SurveyResponse.source_filename
    ).order_by(SurveyResponse.id)
    for pid, rid, fname in s.execute(query):
        out.setdefault(int(pid), []).append((str(rid), str(fname)))
    return out


def transcript_speakers(project: Project) -> list[tuple[str, str]]:
    """Participants who speak in transcripts and answered no survey yet: (pseudonym, the
    transcripts they speak in), for the import preview's links."""
    with project.read() as s:
        speakers, respondents = _speakers(s), _respondents(s)
        names = dict(
            s.execute(
                select(Participant.id, Participant.pseudonym).where(
                    Participant.is_interviewer.is_(False)
                )
            ).all()
        )
    return sorted(
        (str(names[pid]), ", ".join(docs))
        for pid, docs in speakers.items()
        if pid in names and pid not in respondents
    )


def link_candidates(project: Project, guid: str) -> tuple[str, list[LinkCandidate]]:
    """For the participant ``guid``: what the others are to it (``"respondents"`` for a
    speaker, ``"speakers"`` for a respondent) and those not linked yet (someone who speaks
    and answered is linked already). Three queries, however many respondents."""
    with project.read() as s:
        person = participant_in(s, guid)
        speakers, respondents = _speakers(s), _respondents(s)
        speaker = person.id in speakers
        if not speaker and person.id not in respondents:
            raise UserError(
                f"{person.pseudonym} neither speaks in a transcript nor answered a survey."
            )
        if speaker and person.id in respondents:
            raise UserError(f"{person.pseudonym} is linked already: they speak and answered.")
        wanted = respondents if speaker else speakers
        others = s.execute(
            select(Participant.id, Participant.guid, Participant.pseudonym)
            .where(Participant.id != person.id, Participant.is_interviewer.is_(False))
            .order_by(Participant.pseudonym)
        ).all()
        out: list[LinkCandidate] = []
        for pid, pguid, pseudonym in others:
            if pid not in wanted or (pid in speakers and pid in respondents):
                continue
            if speaker:
                rows = respondents[pid]
                ids, files = tuple(r for r, _ in rows), tuple(f for _, f in rows)
                out.append(LinkCandidate(pguid, pseudonym, ids, files))
            else:
                out.append(LinkCandidate(pguid, pseudonym, (), tuple(speakers[pid])))
    return ("respondents" if speaker else "speakers"), out


class LinkRespondent(MergeParticipants):
    """``respondent_guid``'s survey responses become ``speaker_guid``'s (one person)."""

    def __init__(self, speaker_guid: str, respondent_guid: str, take_source: tuple[str, ...] = ()):
        super().__init__(respondent_guid, speaker_guid, take_source)
        self.text = "Link to respondent"

    def do(self, project: Project) -> Change:
        with project.read() as s:
            speaker = participant_in(s, self.target_guid)
            respondent = participant_in(s, self.source_guid)
            if not _responds(s, respondent.id):
                raise UserError(f"{respondent.pseudonym} answered no survey; nothing to link.")
            if _speaks(s, respondent.id):
                raise UserError(
                    f"{respondent.pseudonym} speaks in a transcript; use Merge… to join two "
                    "speakers."
                )
            if not _speaks(s, speaker.id):
                raise UserError(f"{speaker.pseudonym} speaks in no transcript.")
            names = speaker.pseudonym, respondent.pseudonym
        change = super().do(project)
        self.text = f"Link {names[0]} to respondent {names[1]}"
        return change
