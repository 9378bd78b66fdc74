"""Import orchestration: parse files, preview them, store them in one transaction.

``preview_files`` only reads files. ``import_files`` parses and stores one file at a time
(memory stays flat however many files there are) inside a single ``project.write()``
transaction, so a refused or cancelled multi-file import writes nothing. Transcripts are
parsed and stored by :mod:`transcripts` (turns in batches, with progress between batches
that can cancel), a survey export by :mod:`survey.importer`. Shared storing helpers live in
:mod:`store`.
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from qualframe.coding.core.changes import Change
from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.importing.decode import canonical_encoding
from qualframe.coding.importing.errors import ImportCancelled, refuse
from qualframe.coding.importing.model import (
    FilePreview,
    ImportOptions,
    ImportReport,
)
from qualframe.coding.importing.speakers import compile_label_pattern
from qualframe.coding.importing.store import (
    BATCH,
    TURNS,
    BatchDone,
    document_count,
    rebuild_turn_indexes,
    record_imports,
)
from qualframe.coding.importing.survey import SURVEY_SUFFIXES
from qualframe.coding.importing.survey import importer as survey_import
from qualframe.coding.importing.transcripts import (
    ParsedTranscript,
    ParticipantCache,
    apply_remembered,
    parse_transcript,
    remember_labels,
    store_transcript,
    transcript_preview,
)
from qualframe.storage.bulk import indexes_rebuilt_after

Progress = Callable[[int, int, str], bool]
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


def _parse_transcript(path: Path, raw: bytes, options: ImportOptions) -> ParsedTranscript:
    return parse_transcript(path, raw, options, force_text=path.suffix.lower() in SURVEY_SUFFIXES)


def preview_files(
    paths: Sequence[Path], options: ImportOptions, project: Project | None = None
) -> list[FilePreview]:
    """Parse ``paths`` without writing anything; a bad file gets ``.error`` (one sentence).

    With ``project``, the label choices remembered from its earlier imports apply, and a
    survey's preview also shows the attribute values it would change there, spells values as
    the project does, and numbers id-less rows after the project's respondents."""
    _check_options(options)
    if project is not None:
        with project.read() as session:
            apply_remembered(session, options)
    out: list[FilePreview] = []
    for path in map(Path, paths):
        kind = file_kind(path, options)
        file_options = options.for_file(path)
        try:
            raw = _read(path)
            if kind == "survey":
                out.append(survey_import.preview_survey(path, raw, file_options, project))
            else:
                out.append(transcript_preview(path, _parse_transcript(path, raw, file_options)))
        except ImportRefused as exc:
            out.append(FilePreview(path=path, kind=kind, error=str(exc)))
    return out


# -- storing ---------------------------------------------------------------------------------------
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
    transcripts = [p for p in paths if file_kind(p, options) == "transcript"]
    try:
        with project.write() as session:
            apply_remembered(session, options)
            rebuild = rebuild_turn_indexes(session, transcripts)
            with indexes_rebuilt_after(session, TURNS, rebuild):
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
        options = self.options.for_file(path)
        try:
            if kind == "survey":
                raw = _read(path)
                parsed_survey = survey_import.parse_for_import(
                    path, raw, options, survey_import.project_facts(session)
                )
                with session.begin_nested():
                    report, new = survey_import.store_survey(
                        session, self.project, path, raw, parsed_survey, options
                    )
                del parsed_survey, raw
                self.guids.update(new)
                self.survey = True
                self.position = None
            else:
                # a transcript makes tens of thousands of turns, rows and words, none of them
                # in a reference cycle: the collector would only walk them (and the project's
                # objects) again and again
                with survey_import.collector_paused():
                    report = self._transcript(session, path, done, options)
            self.files.append(report)
        except ImportRefused as exc:
            if not self.skip_bad:
                raise
            self.skipped.append(FilePreview(path=path, kind=kind, error=str(exc)))

    def _transcript(
        self, session: Session, path: Path, done: int, options: ImportOptions
    ) -> FilePreview:
        raw = _read(path)
        content_hash = hashlib.sha256(raw).hexdigest()
        parsed = _parse_transcript(path, raw, options)
        # From here on only the text is needed, and the file's bytes only when they are its
        # UTF-8 (stored as they are, not encoded again; an ASCII text costs nothing to encode)
        utf8 = raw if parsed.extracted.raw_utf8 and not parsed.extracted.text.isascii() else None
        del raw
        if self.position is None:
            self.position = document_count(session)
        pending: ParticipantCache = dict(self.known)
        pending_audit: list[dict[str, object]] = []
        # a savepoint lets a refused file be skipped; without skip_bad a refusal ends it all
        savepoint = session.begin_nested() if self.skip_bad else nullcontext()
        with savepoint:
            report, guid = store_transcript(
                session, self.project, path, content_hash, parsed, options, pending,
                position=self.position, done=self._batch_progress(path.name, done - 1),
                audit_log=pending_audit, text_utf8=utf8,
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
