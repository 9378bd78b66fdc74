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
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, select
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
from qualframe.coding.importing.store import (
    BatchDone,
    Speaker,
    check_duplicate,
    insert_document,
)
from qualframe.storage import sqlite as sqlite_store
from qualframe.storage.bulk import bind_value
from qualframe.storage.models import Participant, ParticipantName, ProjectMeta, new_guid, utcnow
from qualframe.storage.sqlite import Lookup

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
    return ParsedTranscript(extracted, detection, _speakers(detection.turns, options))


_LABEL, _REAL, _WORDS = itemgetter(3), itemgetter(4), itemgetter(5)  # of a ParsedTurn


def _speakers(turns: list[ParsedTurn], options: ImportOptions) -> list[SpeakerInfo]:
    """Each label's turns, words and real names, in order of first appearance."""
    labels = list(map(_LABEL, turns))
    counts = Counter(labels)  # counted in C; the loops below only add
    words: dict[str, int] = dict.fromkeys(counts, 0)
    for label, n in zip(labels, map(_WORDS, turns), strict=True):
        words[label] += n
    names: dict[str, list[str]] = {}
    if any(map(_REAL, turns)):  # real names are rare: looked for only when there are some
        for _, _, _, label, real_name, _ in turns:
            if real_name:
                spelled = names.setdefault(label, [])
                if real_name not in spelled:
                    spelled.append(real_name)
    out: list[SpeakerInfo] = []
    for label, count in counts.items():
        mapped = options.speaker_map.get(label, "").strip() or label
        interviewer = options.interviewer_overrides.get(
            label, is_interviewer_label(label, options.interviewers)
        )
        spelled = names.get(label, [])
        out.append(
            SpeakerInfo(
                label, mapped, count, words[label], interviewer,
                spelled[0] if spelled else None, spelled,
            )
        )  # fmt: skip
    return out


def transcript_preview(path: Path, parsed: ParsedTranscript) -> FilePreview:
    ex = parsed.extracted
    warnings = list(ex.warnings)
    turns = parsed.detection.turns
    # (the speakers' words are their turns' words, added up once in _speakers)
    words = sum(s.words for s in parsed.speakers) if turns else count_words(ex.text)
    if not turns:
        warnings.append("no speaker labels found; it will be one document without speaker turns")
    elif not words:
        warnings.append("its speaker labels are followed by no speech; every turn is empty")
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
    session.flush()  # (a choice not yet written is read back as written)
    value = _REMEMBERED.value(session.connection(), LABELS_META)
    accept, drop, _ = _parse_choices(value)
    options.accept_labels |= accept - options.drop_labels
    options.drop_labels |= drop - options.accept_labels


_REMEMBERED = Lookup(select(ProjectMeta.value).where(ProjectMeta.key == bindparam("v")))


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
    text_utf8: bytes | None = None,
) -> tuple[FilePreview, str]:
    """Store a parsed transcript (its speakers as participants, its text, its turns);
    ``text_utf8``: the text's UTF-8 when the caller has it (the file's bytes)."""
    check_duplicate(session, path.name, content_hash)
    names = _spellings(parsed)
    participant_ids = _store_participants(session, parsed, names, options, known)
    for (pseudonym, interviewer), spelled in names.items():
        if interviewer and spelled:
            _interviewer_with_names(session, pseudonym, spelled)
    _, guid, stored = insert_document(
        session, project.coder, name=path.stem, kind="transcript", text=parsed.extracted.text,
        original_filename=path.name, content_hash=content_hash,
        encoding=parsed.extracted.encoding, turns=parsed.detection.turns,
        who=_who(parsed, participant_ids), position=position, done=done, normalised=True,
        text_hash=content_hash if parsed.extracted.raw_utf8 else None,
        text_utf8=text_utf8 if parsed.extracted.raw_utf8 else None, audit_log=audit_log,
    )  # fmt: skip
    report = transcript_preview(path, parsed)
    report.documents.append(stored)
    return report, guid


def _spellings(parsed: ParsedTranscript) -> dict[tuple[str, bool], list[str]]:
    """The real names each speaker's labels spell, by (pseudonym, is interviewer), in the
    order first met and without repeats."""
    names: dict[tuple[str, bool], list[str]] = {}
    for s in parsed.speakers:
        bucket = names.setdefault((s.pseudonym, s.is_interviewer), [])
        bucket.extend(n for n in s.real_names if n not in bucket)
    return names


def _store_participants(
    session: Session,
    parsed: ParsedTranscript,
    names: dict[tuple[str, bool], list[str]],
    options: ImportOptions,
    known: ParticipantCache,
) -> dict[str, int]:
    """The participant id of each speaker who is not an interviewer, by pseudonym: found in
    ``known`` (by pseudonym and first real name) or stored with the import's attributes; the
    real names spelled in this file are added to it."""
    wanted: dict[str, tuple[str, str | None]] = {}  # pseudonym -> its key in ``known``
    for s in parsed.speakers:
        if not s.is_interviewer and s.pseudonym not in wanted:
            spelled = names.get((s.pseudonym, False), [])
            wanted[s.pseudonym] = (s.pseudonym, spelled[0] if spelled else None)
    missing = [key for key in wanted.values() if key not in known]
    if missing:
        _find_or_add(session, missing, options, known)
    participant_ids: dict[str, int] = {}
    for pseudonym, key in wanted.items():
        pid = known[key]
        add_real_names_in(session, pid, names.get((pseudonym, False), []))
        participant_ids[pseudonym] = pid
    return participant_ids


def _find_or_add(
    session: Session,
    keys: list[tuple[str, str | None]],
    options: ImportOptions,
    known: ParticipantCache,
) -> None:
    """Find or store the participants ``keys`` (pseudonym, first real name) in order, and
    note their ids in ``known``. In an SQLite project, an import without attributes looks
    them up with one query and stores the new ones through the driver (the ORM's query and
    flush per speaker cost more than the rest of storing a .docx); otherwise, and for a
    participant whose real name is to be filled in, as ``upsert_participant_in`` does."""
    driver = sqlite_store.driver_of(session.connection())
    found: dict[str, tuple[int, str | None]] = {}
    if driver is not None and not options.attributes:
        session.flush()  # (the driver sees only what is in the database)
        for i in range(0, len(keys), 500):
            chunk = [pseudonym for pseudonym, _ in keys[i : i + 500]]
            sql = _FIND_PARTICIPANTS.format(", ".join("?" * len(chunk)))
            for pid, pseudonym, real_name in sqlite_store.run(driver, sql, chunk).fetchall():
                found[pseudonym] = (pid, real_name)
    for key in keys:
        pseudonym, real_name = key
        if (
            driver is None
            or options.attributes
            or (pseudonym in found and real_name and not found[pseudonym][1])
        ):
            data = ParticipantData(pseudonym, real_name, attributes=dict(options.attributes))
            known[key] = upsert_participant_in(session, data).id
        elif pseudonym in found:
            known[key] = found[pseudonym][0]
        else:
            row = (
                new_guid(),
                pseudonym,
                real_name,
                bind_value(session, _PARTICIPANTS, "created_at", utcnow()),
            )
            known[key] = sqlite_store.insert(driver, _ADD_PARTICIPANT, row)


_PARTICIPANTS = cast(Table, Participant.__table__)
_FIND_PARTICIPANTS = "SELECT id, pseudonym, real_name FROM participants WHERE pseudonym IN ({})"
_ADD_PARTICIPANT = (
    "INSERT INTO participants (guid, pseudonym, real_name, is_interviewer, created_at) "
    "VALUES (?, ?, ?, 0, ?)"
)


def _who(parsed: ParsedTranscript, participant_ids: dict[str, int]) -> dict[str, Speaker]:
    """Each label's speaker as its turns' rows store it: participant (None for an
    interviewer), pseudonym, whether it is interviewer speech."""
    return {
        s.label: (
            None if s.is_interviewer else participant_ids[s.pseudonym], s.pseudonym,
            s.is_interviewer,
        )
        for s in parsed.speakers
    }  # fmt: skip
