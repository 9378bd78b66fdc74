"""Import orchestration: parse files, preview them, store them in one transaction.

``preview_files`` only reads files. ``import_files`` parses and stores one file at a time
(memory stays flat however many files there are) inside a single ``project.write()``
transaction, so a refused or cancelled multi-file import writes nothing.
"""

from __future__ import annotations

import hashlib
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import normalise_text, sha256_hex, unique_document_name
from qualframe.coding.corpus.participants import ParticipantData, upsert_participant_in
from qualframe.coding.importing.decode import canonical_encoding
from qualframe.coding.importing.errors import ImportCancelled, refuse
from qualframe.coding.importing.extract import Extracted, extract_transcript
from qualframe.coding.importing.model import (
    ColumnInfo,
    FilePreview,
    ImportOptions,
    ImportReport,
    SpeakerInfo,
)
from qualframe.coding.importing.speakers import (
    ParsedTurn,
    compile_label_pattern,
    is_interviewer_label,
    parse_turns,
)
from qualframe.coding.importing.survey import (
    SURVEY_SUFFIXES,
    ParsedSurvey,
    SurveyColumn,
    parse_survey,
    parse_type_spec,
)
from qualframe.coding.importing.survey import store as survey_store
from qualframe.coding.importing.survey.likert import parse_mapping
from qualframe.coding.importing.survey.parse import SurveyRequest
from qualframe.storage.models import Document, Turn, new_guid

Progress = Callable[[int, int, str], bool]
# Core tables: bulk inserts through Core skip the ORM's per-row bookkeeping.
_DOCUMENTS = cast(Table, Document.__table__)
_TURNS = cast(Table, Turn.__table__)
KINDS = ("auto", "transcript", "survey")


@dataclass
class _Transcript:
    extracted: Extracted
    turns: list[ParsedTurn]
    speakers: list[SpeakerInfo]


def file_kind(path: Path, options: ImportOptions) -> str:
    if options.kind not in KINDS:
        raise UserError(f"{options.kind!r} is not a kind of import; use transcript or survey.")
    if options.kind != "auto":
        return options.kind
    return "survey" if path.suffix.lower() in SURVEY_SUFFIXES | {".xls"} else "transcript"


def _check_options(options: ImportOptions) -> None:
    if options.kind not in KINDS:
        raise UserError(f"{options.kind!r} is not a kind of import; use transcript or survey.")
    if options.encoding:
        canonical_encoding(options.encoding)
    if options.label_pattern:
        compile_label_pattern(options.label_pattern)
    for spec in options.column_types.values():
        parse_type_spec(spec)
    for spec in options.likert_maps.values():
        parse_mapping(spec)
    if options.on_conflict not in (None, "keep", "replace"):
        raise UserError(f"{options.on_conflict!r}: choose keep or replace.")
    for key in options.attributes:
        if not key.strip():
            raise UserError("An attribute needs a name (--set NAME=VALUE).")


# Far beyond any transcript or survey export (a 10,000-word transcript is ~60 kB): a file this
# large is a video or a disk image with the wrong extension, and reading it would exhaust memory.
MAX_BYTES = 512 * 1024 * 1024


def _read(path: Path) -> bytes:
    name = path.name or str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise refuse(name, "is a folder, not a file (choose the files in it)")
        if not stat.S_ISREG(info.st_mode):
            # a pipe or a device would block or never end
            raise refuse(name, "is not a regular file (perhaps a pipe or a device)")
        if info.st_size > MAX_BYTES:
            raise refuse(
                name,
                f"is too large ({info.st_size // (1024 * 1024)} MB) to be a transcript or "
                "survey export",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise refuse(name, "does not exist") from None
    except IsADirectoryError:
        raise refuse(name, "is a folder, not a file (choose the files in it)") from None
    except PermissionError:
        raise refuse(name, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise refuse(name, f"cannot be read ({exc.strerror or exc})") from None


def _parse_transcript(path: Path, raw: bytes, options: ImportOptions) -> _Transcript:
    extracted = extract_transcript(
        path, raw, options.encoding, force_text=path.suffix.lower() in SURVEY_SUFFIXES
    )
    turns = parse_turns(extracted.text, bold=extracted.bold, label_pattern=options.label_pattern)
    stats: dict[str, SpeakerInfo] = {}
    for t in turns:
        info = stats.get(t.label)
        if info is None:
            mapped = options.speaker_map.get(t.label, "").strip() or t.label
            interviewer = options.interviewer_overrides.get(
                t.label, is_interviewer_label(t.label, options.interviewers)
            )
            info = stats[t.label] = SpeakerInfo(t.label, mapped, 0, 0, interviewer, t.real_name)
        info.turns += 1
        info.words += t.words
        if info.real_name is None and t.real_name:
            info.real_name = t.real_name
    return _Transcript(extracted, turns, list(stats.values()))


def _transcript_preview(path: Path, parsed: _Transcript) -> FilePreview:
    ex = parsed.extracted
    warnings = list(ex.warnings)
    if not parsed.turns:
        warnings.append("no speaker labels found; it will be one document without speaker turns")
    elif not any(t.words for t in parsed.turns):
        warnings.append("its speaker labels are followed by no speech; every turn is empty")
    return FilePreview(
        path=path,
        kind="transcript",
        format=ex.format,
        encoding=ex.encoding,
        speaker_details=parsed.speakers,
        turns=len(parsed.turns),
        words=sum(t.words for t in parsed.turns) if parsed.turns else len(ex.text.split()),
        warnings=warnings,
    )


def _attribute_values(col: SurveyColumn) -> list[str] | None:
    """An attribute column's stored values, most frequent first (shown so a stray value such
    as a typo is seen before import)."""
    if col.type != "attribute":
        return None
    counts = Counter(v for v in col.values if v is not None)
    return [v for v, _ in counts.most_common()]


def _survey_preview(
    path: Path,
    parsed: ParsedSurvey,
    conflicts: Sequence[str] = (),
    links: dict[str, str] | None = None,
) -> FilePreview:
    return FilePreview(
        path=path,
        kind="survey",
        format=parsed.source.split(",")[0] if parsed.source else "csv",
        encoding=parsed.encoding,
        respondents=len(parsed.respondents),
        columns=[
            ColumnInfo(
                c.name,
                c.position,
                c.type,
                c.detected,
                c.answered,
                c.scale_min,
                c.scale_max,
                list(c.options) if c.options is not None else _attribute_values(c),
                label=c.label,
                members=c.members,
                value_labels=c.value_labels,
                scale_source=c.scale_source,
                reversed=c.reversed,
            )
            for c in parsed.columns
        ],
        id_column=parsed.id_column,
        group_column=parsed.group_column,
        attribute_mapping=parsed.mapping,
        warnings=list(parsed.warnings),
        source=parsed.source,
        tool=parsed.tool,
        statuses=dict(Counter(parsed.statuses)),
        conflicts=list(conflicts),
        links=dict(links or {}),
    )


@dataclass
class _ProjectFacts:
    """What a survey parse needs to know of the project (read once per preview/import)."""

    existing_values: dict[str, list[str]]
    number_from: int


def _project_facts(session: Session) -> _ProjectFacts:
    import re

    from qualframe.storage.models import Attribute, AttributeValue, Participant

    values: dict[str, list[str]] = {}
    rows = session.execute(
        select(Attribute.name, AttributeValue.value)
        .join(AttributeValue, AttributeValue.attribute_id == Attribute.id)
        .distinct()
    ).all()
    for attr, value in rows:
        values.setdefault(str(attr).casefold(), []).append(str(value))
    numbers = [
        int(m.group(1))
        for (ps,) in session.execute(
            select(Participant.pseudonym).where(Participant.pseudonym.like("R%"))
        )
        if (m := re.fullmatch(r"R(\d+)", str(ps)))
    ]
    return _ProjectFacts(values, max(numbers, default=0) + 1)


def _parse_survey(
    path: Path, raw: bytes, options: ImportOptions, facts: _ProjectFacts | None = None
) -> ParsedSurvey:
    request = SurveyRequest(
        column_types=dict(options.column_types),
        column_options={k: list(v) for k, v in options.column_options.items()},
        likert_maps={k: parse_mapping(v) for k, v in options.likert_maps.items()},
        reverse=set(options.reverse),
        existing_values=facts.existing_values if facts else {},
        number_from=facts.number_from if facts else 1,
    )
    parsed = parse_survey(
        path, raw, encoding=options.encoding, id_column=options.id_column,
        group_column=options.group_column, request=request,
    )  # fmt: skip
    by_id = {rid.casefold(): rid for rid in parsed.respondents}
    for label, rid in options.links.items():
        if rid.casefold() in by_id:
            parsed.links[by_id[rid.casefold()]] = label
    return parsed


def _survey_conflicts(session: Session, parsed: ParsedSurvey, options: ImportOptions) -> list[str]:
    found = survey_store.find_conflicts(session, parsed, options.links, dict(options.attributes))
    return [c.describe() for c in found]


def preview_files(
    paths: Sequence[Path], options: ImportOptions, project: Project | None = None
) -> list[FilePreview]:
    """Parse ``paths`` without changing any project; a bad file gets ``.error`` (one
    sentence). With ``project``, a survey's preview also shows the attribute values it would
    change there, spells values as the project does, and numbers id-less rows after the
    project's respondents."""
    _check_options(options)
    out: list[FilePreview] = []
    for path in map(Path, paths):
        kind = file_kind(path, options)
        file_options = options.for_file(path)
        try:
            raw = _read(path)
            if kind == "survey":
                out.append(_preview_survey(path, raw, file_options, project))
            else:
                out.append(_transcript_preview(path, _parse_transcript(path, raw, file_options)))
        except ImportRefused as exc:
            out.append(FilePreview(path=path, kind=kind, error=str(exc)))
    return out


def _preview_survey(
    path: Path, raw: bytes, options: ImportOptions, project: Project | None
) -> FilePreview:
    if project is None:
        parsed = _parse_survey(path, raw, options)
        return _survey_preview(path, parsed, links=parsed.links)
    with project.read() as session:
        parsed = _parse_survey(path, raw, options, _project_facts(session))
        conflicts = _survey_conflicts(session, parsed, options)
    return _survey_preview(path, parsed, conflicts, parsed.links)


# -- storing ---------------------------------------------------------------------------------------
def _check_duplicate(session: Session, name: str, content_hash: str) -> None:
    dup = session.scalar(select(Document.name).where(Document.content_hash == content_hash))
    if dup is not None:
        raise refuse(name, f"was already imported (as {dup})")


def _insert_document(
    session: Session,
    actor: str,
    *,
    name: str,
    kind: str,
    text: str,
    original_filename: str,
    content_hash: str,
    encoding: str | None,
    turns: list[dict[str, object]],
) -> tuple[int, str, str]:
    """Insert a document and its turns with bulk statements; (id, guid, stored name)."""
    if text != normalise_text(text):  # guarded upstream; a bug here must not store bad text
        raise UserError(f"{original_filename}: the text was not normalised.")
    guid = new_guid()
    stored_name = unique_document_name(session, name)
    pos = int(session.scalar(select(func.count()).select_from(Document)) or 0)
    doc_id = session.scalar(
        insert(_DOCUMENTS)
        .values(
            guid=guid, name=stored_name, kind=kind, text=text, length=len(text),
            original_filename=original_filename, content_hash=content_hash,
            text_hash=sha256_hex(text), source_encoding=encoding, position=pos,
        )
        .returning(_DOCUMENTS.c.id)
    )  # fmt: skip
    assert doc_id is not None
    if turns:
        for t in turns:
            t["document_id"] = doc_id
            t["guid"] = new_guid()
        # Core executemany: the ORM's bulk path costs more than the rows themselves
        session.execute(insert(_TURNS), turns)
    audit.record(
        session, actor, "import_document", "document", guid,
        name=stored_name, kind=kind, file=original_filename, turns=len(turns),
    )  # fmt: skip
    return doc_id, guid, stored_name


ParticipantCache = dict[tuple[str, str | None], int]


def _store_transcript(
    session: Session, project: Project, path: Path, raw: bytes, parsed: _Transcript,
    options: ImportOptions, known: ParticipantCache,
) -> tuple[FilePreview, str]:  # fmt: skip
    content_hash = hashlib.sha256(raw).hexdigest()
    _check_duplicate(session, path.name, content_hash)
    by_label = {s.label: s for s in parsed.speakers}
    participant_ids: dict[str, int] = {}
    real_names: dict[str, str] = {}
    for s in parsed.speakers:
        if not s.is_interviewer and s.real_name:
            real_names.setdefault(s.pseudonym, s.real_name)
    for s in parsed.speakers:
        if s.is_interviewer or s.pseudonym in participant_ids:
            continue
        key = (s.pseudonym, real_names.get(s.pseudonym))
        if key in known:  # upserted earlier in this import, with the same attributes
            participant_ids[s.pseudonym] = known[key]
            continue
        p = upsert_participant_in(
            session,
            ParticipantData(
                pseudonym=s.pseudonym,
                real_name=real_names.get(s.pseudonym),
                attributes=dict(options.attributes),
            ),
        )
        participant_ids[s.pseudonym] = p.id
    known_now = {(ps, real_names.get(ps)): pid for ps, pid in participant_ids.items()}
    turn_rows: list[dict[str, object]] = []
    for t in parsed.turns:
        info = by_label[t.label]
        turn_rows.append(
            {
                "participant_id": None if info.is_interviewer else participant_ids[info.pseudonym],
                "start": t.start,
                "end": t.end,
                "label": info.pseudonym,
                "label_end": t.label_end,
                "is_interviewer": info.is_interviewer,
            }
        )
    _, guid, stored = _insert_document(
        session, project.coder, name=path.stem, kind="transcript", text=parsed.extracted.text,
        original_filename=path.name, content_hash=content_hash,
        encoding=parsed.extracted.encoding, turns=turn_rows,
    )  # fmt: skip
    report = _transcript_preview(path, parsed)
    report.documents.append(stored)
    known.update(known_now)
    return report, guid


def _answer_text(value: str) -> str:
    text = normalise_text(value).strip()
    # Keep each answer one paragraph: blank lines inside an answer would look like a new one.
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip())


def _store_survey(
    session: Session, project: Project, path: Path, raw: bytes, parsed: ParsedSurvey,
    options: ImportOptions,
) -> tuple[FilePreview, list[str]]:  # fmt: skip
    name = path.name
    hashes = survey_store.text_hashes(raw, parsed)
    for h in hashes.values():
        _check_duplicate(session, name, h)
    conflicts = _survey_conflicts(session, parsed, options)
    items, pids = survey_store.store_closed(
        session, parsed, name, links=options.links, extra=dict(options.attributes),
        on_conflict=options.on_conflict, keep_personal=options.keep_personal,
    )  # fmt: skip
    created: list[str] = []
    guids: list[str] = []
    for col in parsed.columns:
        if col.name not in hashes:
            continue
        parts: list[str] = []
        turns: list[dict[str, object]] = []
        pos = 0
        item = items[col.name]
        for row, value in enumerate(col.values):
            answer = _answer_text(value) if value is not None else ""
            if not answer:
                continue
            if parts:
                parts.append("\n\n")
                pos += 2
            parts.append(answer)
            turns.append(
                {
                    "participant_id": pids[row], "survey_item_id": item.id, "start": pos,
                    "end": pos + len(answer), "label": parsed.respondents[row],
                    "label_end": None, "is_interviewer": False,
                }
            )  # fmt: skip
            pos += len(answer)
        if not turns:
            continue
        doc_id, guid, stored = _insert_document(
            session, project.coder, name=f"{path.stem}: {col.name}", kind="survey",
            text="".join(parts), original_filename=name, content_hash=hashes[col.name],
            encoding=parsed.encoding, turns=turns,
        )  # fmt: skip
        if item.document_id is None:
            item.document_id = doc_id
        created.append(stored)
        guids.append(guid)
    survey_store.record(session, project.coder, name, parsed)
    report = _survey_preview(path, parsed, conflicts, parsed.links)
    report.documents.extend(created)
    return report, guids


def import_files(
    project: Project,
    paths: Sequence[Path],
    options: ImportOptions,
    progress: Progress | None = None,
    *,
    skip_bad: bool = False,
) -> ImportReport:
    """Import ``paths`` into ``project`` in one transaction (all or nothing).

    A refused file raises :class:`ImportRefused` naming it (nothing is written) unless
    ``skip_bad``, which leaves it out and lists it in ``report.skipped``. ``progress(done,
    total, filename)`` is called after each file's rows are flushed; returning ``False``
    raises :class:`ImportCancelled` and rolls everything back.
    """
    _check_options(options)
    paths = [Path(p) for p in paths]
    if not paths:
        raise UserError("Choose at least one file to import.")
    files: list[FilePreview] = []
    skipped: list[FilePreview] = []
    guids: set[str] = set()
    survey = False
    total = len(paths)
    known: ParticipantCache = {}
    try:
        with project.write() as session:
            for done, path in enumerate(paths, start=1):
                kind = file_kind(path, options)
                file_options = options.for_file(path)
                try:
                    raw = _read(path)
                    if kind == "survey":
                        parsed_survey = _parse_survey(
                            path, raw, file_options, _project_facts(session)
                        )
                        with session.begin_nested():
                            report, new = _store_survey(
                                session, project, path, raw, parsed_survey, file_options
                            )
                        guids.update(new)
                        survey = True
                        del parsed_survey
                    else:
                        parsed = _parse_transcript(path, raw, file_options)
                        pending: ParticipantCache = dict(known)
                        with session.begin_nested():
                            report, guid = _store_transcript(
                                session, project, path, raw, parsed, file_options, pending
                            )
                        known.update(pending)  # only once the file's savepoint is kept
                        guids.add(guid)
                        del parsed
                    del raw
                    files.append(report)
                except ImportRefused as exc:
                    if not skip_bad:
                        raise
                    skipped.append(FilePreview(path=path, kind=kind, error=str(exc)))
                session.flush()
                if progress is not None and not progress(done, total, path.name):
                    raise ImportCancelled()
            if not files:
                raise ImportRefused("None of the files could be imported.")
    except BaseException:
        project.forget_cached_ids()
        raise
    change = Change(
        action="import",
        documents=frozenset(guids),
        documents_added=bool(guids),
        participants=True,
        survey=survey,
    )
    return ImportReport(files=files, change=change, skipped=skipped)
