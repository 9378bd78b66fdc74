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
from qualframe.coding.core.printable import printable
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
    likert_value,
    parse_survey,
    parse_type_spec,
    split_multiple,
)
from qualframe.storage.models import Document, SurveyAnswer, SurveyItem, Turn, new_guid

Progress = Callable[[int, int, str], bool]
# Core tables: bulk inserts through Core skip the ORM's per-row bookkeeping.
_DOCUMENTS = cast(Table, Document.__table__)
_TURNS = cast(Table, Turn.__table__)
_ANSWERS = cast(Table, SurveyAnswer.__table__)
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


def _survey_preview(path: Path, parsed: ParsedSurvey) -> FilePreview:
    return FilePreview(
        path=path,
        kind="survey",
        format="xlsx" if parsed.source.startswith("xlsx") else "csv",
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
            )
            for c in parsed.columns
        ],
        id_column=parsed.id_column,
        group_column=parsed.group_column,
        attribute_mapping=parsed.mapping,
        warnings=list(parsed.warnings),
        source=parsed.source,
    )


def _parse_survey(path: Path, raw: bytes, options: ImportOptions) -> ParsedSurvey:
    return parse_survey(
        path,
        raw,
        encoding=options.encoding,
        id_column=options.id_column,
        group_column=options.group_column,
        column_types=options.column_types,
    )


def preview_files(paths: Sequence[Path], options: ImportOptions) -> list[FilePreview]:
    """Parse ``paths`` without touching any project; a bad file gets ``.error`` (one sentence)."""
    _check_options(options)
    out: list[FilePreview] = []
    for path in map(Path, paths):
        kind = file_kind(path, options)
        try:
            raw = _read(path)
            if kind == "survey":
                out.append(_survey_preview(path, _parse_survey(path, raw, options)))
            else:
                out.append(_transcript_preview(path, _parse_transcript(path, raw, options)))
        except ImportRefused as exc:
            out.append(FilePreview(path=path, kind=kind, error=str(exc)))
    return out


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
            original_filename=printable(original_filename), content_hash=content_hash,
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
    text_cols = [c for c in parsed.columns if c.type == "text" and c.answered]
    hashes = {
        c.name: hashlib.sha256(raw + b":" + c.name.encode("utf-8")).hexdigest() for c in text_cols
    }
    for h in hashes.values():
        _check_duplicate(session, name, h)
    # survey items (a column already known from another file is reused if its type agrees)
    items: dict[str, SurveyItem] = {}
    position = int(session.scalar(select(func.count()).select_from(SurveyItem)) or 0)
    for col in parsed.columns:
        item = session.scalar(select(SurveyItem).where(SurveyItem.name == col.name))
        if item is None:
            item = SurveyItem(
                name=col.name, type=col.type, scale_min=col.scale_min, scale_max=col.scale_max,
                options=col.options, position=position, source_filename=name,
            )  # fmt: skip
            position += 1
            session.add(item)
        elif item.type != col.type:
            raise refuse(
                name,
                f"has a column {col.name!r} of type {col.type}, but the project already has a "
                f"survey item of that name of type {item.type} (from {item.source_filename})",
            )
        else:
            if col.options:
                item.options = list(dict.fromkeys([*(item.options or []), *col.options]))
            if col.scale_min is not None and item.scale_min is not None:
                item.scale_min = min(item.scale_min, col.scale_min)
            if col.scale_max is not None and item.scale_max is not None:
                item.scale_max = max(item.scale_max, col.scale_max)
        items[col.name] = item
    session.flush()
    # respondents
    attr_cols = [c for c in parsed.columns if c.type == "attribute"]
    pids: list[int] = []
    for row, respondent in enumerate(parsed.respondents):
        attrs = {c.name: c.values[row] for c in attr_cols if c.values[row] is not None}
        attrs.update(options.attributes)
        p = upsert_participant_in(
            session,
            ParticipantData(pseudonym=respondent, attributes=attrs),  # type: ignore[arg-type]
        )
        pids.append(p.id)
    # closed answers
    closed = [c for c in parsed.columns if c.type in ("likert", "number", "single", "multiple")]
    if closed:
        clash = session.execute(
            select(SurveyAnswer.item_id, SurveyAnswer.participant_id)
            .where(
                SurveyAnswer.item_id.in_([items[c.name].id for c in closed]),
                SurveyAnswer.participant_id.in_(pids),
            )
            .limit(1)
        ).first()
        if clash is not None:
            who = parsed.respondents[pids.index(clash.participant_id)]
            item_name = next(c.name for c in closed if items[c.name].id == clash.item_id)
            raise refuse(
                name,
                f"has answers from {who} to {item_name!r}, which the project already holds "
                "(was this survey imported before?)",
            )
    answers: list[dict[str, object]] = []
    for col in closed:
        item_id = items[col.name].id
        sep = ";" if col.type == "multiple" and any(";" in (v or "") for v in col.values) else ","
        for row, value in enumerate(col.values):
            if value is None:
                continue
            # every row has every key: Core executemany needs uniform parameter sets
            entry: dict[str, object] = {
                "item_id": item_id,
                "participant_id": pids[row],
                "raw": value,
                "number": None,
                "choices": None,
            }
            if col.type == "likert":
                point = likert_value(value)  # checked against the scale when parsed
                entry["number"] = float(point) if point is not None else None
            elif col.type == "number":
                entry["number"] = float(value)
            elif col.type == "single":
                entry["choices"] = [value]
            else:
                entry["choices"] = split_multiple(value, sep)
            answers.append(entry)
    if answers:
        session.execute(insert(_ANSWERS), answers)
    # open-ended answers: one document per question
    created: list[str] = []
    guids: list[str] = []
    for col in text_cols:
        parts: list[str] = []
        turns: list[dict[str, object]] = []
        pos = 0
        item = items[col.name]
        for row, value in enumerate(col.values):
            if value is None:
                continue
            answer = _answer_text(value)
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
    audit.record(
        session, project.coder, "import_survey", "survey", None,
        file=name, respondents=len(parsed.respondents), columns=len(parsed.columns),
    )  # fmt: skip
    report = _survey_preview(path, parsed)
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
                try:
                    raw = _read(path)
                    if kind == "survey":
                        parsed_survey = _parse_survey(path, raw, options)
                        with session.begin_nested():
                            report, new = _store_survey(
                                session, project, path, raw, parsed_survey, options
                            )
                        guids.update(new)
                        survey = True
                        del parsed_survey
                    else:
                        parsed = _parse_transcript(path, raw, options)
                        pending: ParticipantCache = dict(known)
                        with session.begin_nested():
                            report, guid = _store_transcript(
                                session, project, path, raw, parsed, options, pending
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
