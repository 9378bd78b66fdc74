"""A survey export through the import: options checked, parsed with what the project knows,
previewed (with the conflicts it would cause), and stored in the caller's transaction.

``importing.service`` calls these for every file it takes to be a survey; transcripts have
their own path there.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.importing.model import FilePreview, ImportOptions
from qualframe.coding.importing.survey import store
from qualframe.coding.importing.survey.coltypes import parse_type_spec
from qualframe.coding.importing.survey.documents import (
    check_not_imported,
    store_documents,
    text_hashes,
)
from qualframe.coding.importing.survey.likert import parse_mapping
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyRequest
from qualframe.coding.importing.survey.parse import parse_survey
from qualframe.coding.importing.survey.preview import survey_preview
from qualframe.storage.models import Attribute, AttributeValue, Participant


def check_options(options: ImportOptions) -> None:
    """The survey options a user gave, each checked before any file is read."""
    for spec in options.column_types.values():
        parse_type_spec(spec)
    for spec in options.likert_maps.values():
        parse_mapping(spec)
    if options.on_conflict not in (None, "keep", "replace"):
        raise UserError(f"{options.on_conflict!r}: choose keep or replace.")


@dataclass
class ProjectFacts:
    """What a survey parse needs to know of the project (read once per preview/import)."""

    existing_values: dict[str, list[str]]  # attribute (case-folded) -> values the project has
    number_from: int  # the first free R### number


def project_facts(session: Session) -> ProjectFacts:
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
    return ProjectFacts(values, max(numbers, default=0) + 1)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's garbage collector paused for a block that makes millions of objects that all
    survive it (a survey's cells, rows and answers): otherwise it walks them again and again
    (~1 s of a 50,000 x 60 import). Nothing of the block forms reference cycles; the
    collector runs as usual afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_for_import(
    path: Path, raw: bytes, options: ImportOptions, facts: ProjectFacts | None = None
) -> ParsedSurvey:
    """The file parsed with the user's options (and the project's spelling and numbering)."""
    with collector_paused():
        return _parse_for_import(path, raw, options, facts)


def _parse_for_import(
    path: Path, raw: bytes, options: ImportOptions, facts: ProjectFacts | None
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


def find_conflicts(
    session: Session, parsed: ParsedSurvey, options: ImportOptions
) -> list[store.Conflict]:
    return store.find_conflicts(session, parsed, options.links, dict(options.attributes))


def preview_survey(
    path: Path, raw: bytes, options: ImportOptions, project: Project | None
) -> FilePreview:
    """The preview of one survey file; with ``project``, the conflicts it would cause."""
    if project is None:
        parsed = parse_for_import(path, raw, options)
        return survey_preview(path, parsed, links=parsed.links)
    with project.read() as session:
        parsed = parse_for_import(path, raw, options, project_facts(session))
        conflicts = [c.describe() for c in find_conflicts(session, parsed, options)]
    return survey_preview(path, parsed, conflicts, parsed.links)


def store_survey(
    session: Session, project: Project, path: Path, raw: bytes, parsed: ParsedSurvey,
    options: ImportOptions,
) -> tuple[FilePreview, list[str]]:  # fmt: skip
    """Store a parsed survey in the caller's transaction: closed answers, then one document
    per open-ended question; (the report, the new documents' guids)."""
    with collector_paused():
        return _store_survey(session, project, path, raw, parsed, options)


def _store_survey(
    session: Session, project: Project, path: Path, raw: bytes, parsed: ParsedSurvey,
    options: ImportOptions,
) -> tuple[FilePreview, list[str]]:  # fmt: skip
    name = path.name
    hashes = text_hashes(raw, parsed)
    check_not_imported(session, name, hashes)
    conflicts = find_conflicts(session, parsed, options)
    items, pids = store.store_closed(
        session, parsed, name, links=options.links, extra=dict(options.attributes),
        on_conflict=options.on_conflict, keep_personal=options.keep_personal,
        conflicts=conflicts,
    )  # fmt: skip
    created, guids = store_documents(session, project.coder, path, parsed, items, pids, hashes)
    store.record(session, project.coder, name, parsed)
    report = survey_preview(path, parsed, [c.describe() for c in conflicts], parsed.links)
    report.documents.extend(created)
    return report, guids
