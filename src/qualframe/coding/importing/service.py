"""Import orchestration: parse files, preview them, store them in one transaction.

``preview_files`` only reads files. ``import_files`` parses and stores one file at a time
(memory stays flat however many files there are) inside a single ``project.write()``
transaction, so a refused or cancelled multi-file import writes nothing. Transcripts are
parsed and stored here; a survey export goes through ``importing.survey.importer``.
"""

from __future__ import annotations

import hashlib
import stat
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
from qualframe.coding.importing.survey import SURVEY_SUFFIXES
from qualframe.coding.importing.survey import importer as survey_import
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
    survey_import.check_options(options)
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
                out.append(survey_import.preview_survey(path, raw, file_options, project))
            else:
                out.append(_transcript_preview(path, _parse_transcript(path, raw, file_options)))
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
                        parsed_survey = survey_import.parse_for_import(
                            path, raw, file_options, survey_import.project_facts(session)
                        )
                        with session.begin_nested():
                            report, new = survey_import.store_survey(
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
