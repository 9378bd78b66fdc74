"""Import orchestration: parse files, preview them, store them in one transaction.

``preview_files`` only reads files. ``import_files`` parses and stores one file at a time
(memory stays flat however many files there are) inside a single ``project.write()``
transaction, so a refused or cancelled multi-file import writes nothing. Transcripts are
parsed and stored by :mod:`transcripts` (turns in batches, with progress between batches
that can cancel); surveys here. Shared storing helpers live in :mod:`store`.
"""

from __future__ import annotations

import hashlib
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from qualframe.coding.core import audit
from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.corpus.participants import ParticipantData, upsert_participant_in
from qualframe.coding.importing.decode import canonical_encoding
from qualframe.coding.importing.errors import ImportCancelled, refuse
from qualframe.coding.importing.model import (
    ColumnInfo,
    FilePreview,
    ImportOptions,
    ImportReport,
)
from qualframe.coding.importing.speakers import compile_label_pattern
from qualframe.coding.importing.store import BATCH, BatchDone, document_count, record_imports
from qualframe.coding.importing.store import check_duplicate as _check_duplicate
from qualframe.coding.importing.store import insert_document as _insert_document
from qualframe.coding.importing.survey import (
    SURVEY_SUFFIXES,
    ParsedSurvey,
    SurveyColumn,
    likert_value,
    parse_survey,
    parse_type_spec,
    split_multiple,
)
from qualframe.coding.importing.transcripts import (
    ParsedTranscript,
    ParticipantCache,
    apply_remembered,
    parse_transcript,
    remember_labels,
    store_transcript,
    transcript_preview,
)
from qualframe.storage.models import SurveyAnswer, SurveyItem

Progress = Callable[[int, int, str], bool]
# Core tables: bulk inserts through Core skip the ORM's per-row bookkeeping.
_ANSWERS = cast(Table, SurveyAnswer.__table__)
KINDS = ("auto", "transcript", "survey")


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


def _parse_transcript(path: Path, raw: bytes, options: ImportOptions) -> ParsedTranscript:
    return parse_transcript(path, raw, options, force_text=path.suffix.lower() in SURVEY_SUFFIXES)


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


def preview_files(
    paths: Sequence[Path], options: ImportOptions, project: Project | None = None
) -> list[FilePreview]:
    """Parse ``paths`` without writing anything; a bad file gets ``.error`` (one sentence).

    With ``project``, the label choices remembered from its earlier imports apply."""
    _check_options(options)
    if project is not None:
        with project.read() as session:
            apply_remembered(session, options)
    out: list[FilePreview] = []
    for path in map(Path, paths):
        kind = file_kind(path, options)
        try:
            raw = _read(path)
            if kind == "survey":
                out.append(_survey_preview(path, _parse_survey(path, raw, options)))
            else:
                out.append(transcript_preview(path, _parse_transcript(path, raw, options)))
        except ImportRefused as exc:
            out.append(FilePreview(path=path, kind=kind, error=str(exc)))
    return out


# -- storing ---------------------------------------------------------------------------------------
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
    total, filename)`` is called after each file's rows are flushed, and between batches of
    a long transcript's turns (``done`` still counting finished files, the label saying how
    many turns are stored); returning ``False`` raises :class:`ImportCancelled` and rolls
    everything back. The project's remembered label choices apply, and the user's choices in
    ``options`` are remembered for its next imports.
    """
    _check_options(options)
    options = replace(
        options, accept_labels=set(options.accept_labels), drop_labels=set(options.drop_labels)
    )
    paths = [Path(p) for p in paths]
    if not paths:
        raise UserError("Choose at least one file to import.")
    run = _Run(project, options, progress, skip_bad, len(paths))
    try:
        with project.write() as session:
            apply_remembered(session, options)
            for done, path in enumerate(paths, start=1):
                run.one_file(session, path, done)
                session.flush()
                if progress is not None and not progress(done, run.total, path.name):
                    raise ImportCancelled()
            if not run.files:
                raise ImportRefused("None of the files could be imported.")
            record_imports(session, project.coder, run.audit)
            remember_labels(session, options)
    except BaseException:
        project.forget_cached_ids()
        raise
    change = Change(
        action="import",
        documents=frozenset(run.guids),
        documents_added=bool(run.guids),
        participants=True,
        survey=run.survey,
    )
    return ImportReport(files=run.files, change=change, skipped=run.skipped)


class _Run:
    """The state of one import: reports, new documents, participants met so far."""

    def __init__(
        self, project: Project, options: ImportOptions, progress: Progress | None,
        skip_bad: bool, total: int,
    ) -> None:  # fmt: skip
        self.project = project
        self.options = options
        self.progress = progress
        self.skip_bad = skip_bad
        self.total = total
        self.files: list[FilePreview] = []
        self.skipped: list[FilePreview] = []
        self.guids: set[str] = set()
        self.survey = False
        self.known: ParticipantCache = {}
        self.position: int | None = None  # next document position (None: count again)
        self.audit: list[dict[str, object]] = []  # documents stored, audited at the end

    def one_file(self, session: Session, path: Path, done: int) -> None:
        kind = file_kind(path, self.options)
        try:
            if kind == "survey":
                raw = _read(path)
                parsed_survey = _parse_survey(path, raw, self.options)
                with session.begin_nested():
                    report, new = _store_survey(
                        session, self.project, path, raw, parsed_survey, self.options
                    )
                self.guids.update(new)
                self.survey = True
                self.position = None
            else:
                report = self._transcript(session, path, done)
            self.files.append(report)
        except ImportRefused as exc:
            if not self.skip_bad:
                raise
            self.skipped.append(FilePreview(path=path, kind=kind, error=str(exc)))

    def _transcript(self, session: Session, path: Path, done: int) -> FilePreview:
        raw = _read(path)
        content_hash = hashlib.sha256(raw).hexdigest()
        parsed = _parse_transcript(path, raw, self.options)
        del raw  # only the text is needed from here on
        if self.position is None:
            self.position = document_count(session)
        pending: ParticipantCache = dict(self.known)
        pending_audit: list[dict[str, object]] = []
        # a savepoint lets a refused file be skipped; without skip_bad a refusal ends it all
        savepoint = session.begin_nested() if self.skip_bad else nullcontext()
        with savepoint:
            report, guid = store_transcript(
                session, self.project, path, content_hash, parsed, self.options, pending,
                position=self.position, done=self._batch_progress(path.name, done - 1),
                audit_log=pending_audit,
            )  # fmt: skip
        self.audit.extend(pending_audit)
        self.known.update(pending)  # only once the file's rows are kept
        self.guids.add(guid)
        self.position += 1
        return report

    def _batch_progress(self, name: str, files_done: int) -> BatchDone | None:
        progress = self.progress
        if progress is None:
            return None

        def done(stored: int, rows: int) -> None:
            if rows <= BATCH:
                return
            label = f"{name}: {stored:,} of {rows:,} turns stored"
            if not progress(files_done, self.total, label):
                raise ImportCancelled()

        return done
