"""Transcripts: parse a file into text, speakers and turns; preview it; store it.

Speakers are found from evidence (:mod:`speakers`); the user's choices from the preview
(labels accepted or dropped, pseudonyms renamed or merged, interviewers marked) arrive in
:class:`ImportOptions` and are remembered per project (:func:`remembered_labels`), so the
next import of the same study applies them again.

Real names are kept private: every spelling found beside a pseudonym (``M2 (이서연)``,
``M2 (Lee Seo-yeon)``, ``정하늘 (M4)``, also an interviewer's ``Moderator (박지훈)``) is stored
in ``participant_names`` (the first also in ``Participant.real_name``); an interviewer with a
real name is stored as an interviewer participant so that the name is known to the masker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import ParticipantData, upsert_participant_in
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extract import extract_transcript
from qualframe.coding.importing.extracted import Extracted
from qualframe.coding.importing.model import FilePreview, ImportOptions, SpeakerInfo
from qualframe.coding.importing.speakers import (
    Detection,
    ParsedTurn,
    TooManyLabels,
    count_words,
    detect_speakers,
    is_interviewer_label,
)
from qualframe.coding.importing.store import BatchDone, TurnRow, check_duplicate, insert_document
from qualframe.storage.models import Participant, ParticipantName, ProjectMeta

# A two-hour focus group has a few hundred turns; a file with more than this is not one
# transcript (or its "labels" are not speakers), and storing it would take minutes.
MAX_TURNS = 100_000
LABELS_META = "import.labels"  # project_meta key of the remembered label choices

ParticipantCache = dict[tuple[str, str | None], int]


@dataclass
class ParsedTranscript:
    extracted: Extracted
    detection: Detection
    speakers: list[SpeakerInfo]

    @property
    def turns(self) -> list[ParsedTurn]:
        return self.detection.turns


def parse_transcript(
    path: Path, raw: bytes, options: ImportOptions, *, force_text: bool = False
) -> ParsedTranscript:
    extracted = extract_transcript(path, raw, options.encoding, force_text=force_text)
    try:
        detection = detect_speakers(
            extracted.text,
            bold=extracted.bold,
            label_pattern=options.label_pattern,
            accept=options.accept_labels,
            drop=options.drop_labels,
            interviewers=options.interviewers,
            limit=MAX_TURNS,
        )
    except TooManyLabels:
        raise refuse(
            path.name,
            f"has more than {MAX_TURNS:,} lines that start like a speaker label; that is not "
            "one transcript: split it into smaller files (or check the label pattern)",
        ) from None
    stats: dict[str, SpeakerInfo] = {}
    for t in detection.turns:
        info = stats.get(t.label)
        if info is None:
            mapped = options.speaker_map.get(t.label, "").strip() or t.label
            interviewer = options.interviewer_overrides.get(
                t.label, is_interviewer_label(t.label, options.interviewers)
            )
            info = stats[t.label] = SpeakerInfo(t.label, mapped, 0, 0, interviewer)
        info.turns += 1
        info.words += t.words
        if t.real_name and t.real_name not in info.real_names:
            info.real_names.append(t.real_name)
            if info.real_name is None:
                info.real_name = t.real_name
    return ParsedTranscript(extracted, detection, list(stats.values()))


def transcript_preview(path: Path, parsed: ParsedTranscript) -> FilePreview:
    ex = parsed.extracted
    warnings = list(ex.warnings)
    turns = parsed.detection.turns
    if not turns:
        warnings.append("no speaker labels found; it will be one document without speaker turns")
    elif not any(t.words for t in turns):
        warnings.append("its speaker labels are followed by no speech; every turn is empty")
    words = sum(t.words for t in turns) if turns else count_words(ex.text)
    return FilePreview(
        path=path,
        kind="transcript",
        format=ex.format,
        encoding=ex.encoding,
        speaker_details=parsed.speakers,
        label_evidence=parsed.detection.labels,
        turns=len(turns),
        words=words,
        warnings=warnings,
        sample=ex.sample,
    )


# -- remembered choices --------------------------------------------------------------------------
def remembered_labels(project: Project) -> tuple[set[str], set[str], str | None]:
    """Labels (case-folded) the user accepted and dropped in earlier imports of this project,
    and the custom label pattern last used."""
    raw = project.meta(LABELS_META)
    return _parse_choices(raw)


def _parse_choices(raw: str | None) -> tuple[set[str], set[str], str | None]:
    if not raw:
        return set(), set(), None
    try:
        data = json.loads(raw)
        accept = {str(x) for x in data.get("accept", [])}
        drop = {str(x) for x in data.get("drop", [])}
        pattern = data.get("pattern")
        return accept, drop, str(pattern) if pattern else None
    except (ValueError, AttributeError, TypeError):
        return set(), set(), None


def apply_remembered(session: Session, options: ImportOptions) -> None:
    """Add the project's remembered label choices to ``options`` (the user's win)."""
    row = session.get(ProjectMeta, LABELS_META)
    accept, drop, _ = _parse_choices(row.value if row is not None else None)
    options.accept_labels |= accept - options.drop_labels
    options.drop_labels |= drop - options.accept_labels


def remember_labels(session: Session, options: ImportOptions) -> None:
    """Keep the user's label choices (and custom pattern) for the project's next imports."""
    if not (options.accept_labels or options.drop_labels or options.label_pattern):
        return
    row = session.get(ProjectMeta, LABELS_META)
    accept, drop, pattern = _parse_choices(row.value if row is not None else None)
    accept = (accept - options.drop_labels) | options.accept_labels
    drop = (drop - options.accept_labels) | options.drop_labels
    value = json.dumps(
        {
            "accept": sorted(accept),
            "drop": sorted(drop),
            "pattern": options.label_pattern or pattern,
        },
        ensure_ascii=False,
    )
    if row is None:
        session.add(ProjectMeta(key=LABELS_META, value=value))
    else:
        row.value = value


# -- storing -----------------------------------------------------------------------------------
def add_real_names_in(session: Session, participant_id: int, names: list[str]) -> None:
    """Record every spelling of a participant's real name (once each)."""
    if not names:
        return
    known = set(
        session.scalars(
            select(ParticipantName.name).where(ParticipantName.participant_id == participant_id)
        )
    )
    for name in dict.fromkeys(" ".join(n.split()) for n in names):
        if name and name not in known:
            session.add(ParticipantName(participant_id=participant_id, name=name[:200]))
            known.add(name)


def _interviewer_with_names(session: Session, pseudonym: str, names: list[str]) -> None:
    """An interviewer's real names need a participant row to be known to the masker."""
    p = session.scalar(select(Participant).where(Participant.pseudonym == pseudonym))
    if p is None:
        p = Participant(pseudonym=pseudonym, real_name=names[0][:200], is_interviewer=True)
        session.add(p)
        session.flush()
    elif not p.real_name:
        p.real_name = names[0][:200]
    add_real_names_in(session, p.id, names)


def store_transcript(
    session: Session,
    project: Project,
    path: Path,
    content_hash: str,
    parsed: ParsedTranscript,
    options: ImportOptions,
    known: ParticipantCache,
    *,
    position: int | None = None,
    done: BatchDone | None = None,
    audit_log: list[dict[str, object]] | None = None,
) -> tuple[FilePreview, str]:
    check_duplicate(session, path.name, content_hash)
    names: dict[tuple[str, bool], list[str]] = {}
    for s in parsed.speakers:
        bucket = names.setdefault((s.pseudonym, s.is_interviewer), [])
        bucket.extend(n for n in s.real_names if n not in bucket)
    participant_ids: dict[str, int] = {}
    for s in parsed.speakers:
        if s.is_interviewer or s.pseudonym in participant_ids:
            continue
        spelled = names.get((s.pseudonym, False), [])
        key = (s.pseudonym, spelled[0] if spelled else None)
        pid = known.get(key)
        if pid is None:
            pid = upsert_participant_in(
                session,
                ParticipantData(
                    pseudonym=s.pseudonym,
                    real_name=key[1],
                    attributes=dict(options.attributes),
                ),
            ).id
            known[key] = pid
        add_real_names_in(session, pid, spelled)
        participant_ids[s.pseudonym] = pid
    for (pseudonym, interviewer), spelled in names.items():
        if interviewer and spelled:
            _interviewer_with_names(session, pseudonym, spelled)
    by_label = {s.label: s for s in parsed.speakers}
    rows: list[TurnRow] = []
    for t in parsed.detection.turns:
        info = by_label[t.label]
        pid = None if info.is_interviewer else participant_ids[info.pseudonym]
        rows.append((pid, t.start, t.end, info.pseudonym, t.label_end, info.is_interviewer))
    _, guid, stored = insert_document(
        session, project.coder, name=path.stem, kind="transcript", text=parsed.extracted.text,
        original_filename=path.name, content_hash=content_hash,
        encoding=parsed.extracted.encoding, turn_rows=rows, position=position, done=done, normalised=True,
        audit_log=audit_log,
    )  # fmt: skip
    report = transcript_preview(path, parsed)
    report.documents.append(stored)
    return report, guid
