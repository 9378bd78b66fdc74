"""The codebook's history as a Word appendix (COREQ item 26, the derivation of themes): what
changed between two dates, every codebook step in between with who and when, and the
codebook as it stood at the end date. Built from the audit trail, whose verification is
stated in the appendix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx.document import Document as DocxDocument

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker, no_masking
from qualframe.coding.core.project import Project
from qualframe.coding.export import docx_style as ds
from qualframe.coding.trail.history import (
    CodebookAt,
    CodebookChange,
    codebook_at,
    codebook_changes,
)
from qualframe.coding.trail.log import LogEntry, LogFilter, read_log, to_local
from qualframe.coding.trail.verify import TrailCheck, verify_trail

STEP_ACTIONS = frozenset({
    "add_code", "rename_code", "edit_code", "move_code", "merge_code", "undo_merge_code",
    "delete_code", "load_template", "import_codebook", "undo_import_codebook",
    "review_code", "answer_code_comment",
})  # fmt: skip


@dataclass(frozen=True)
class CodebookHistory:
    since: datetime  # UTC
    until: datetime  # UTC
    start: CodebookAt
    end: CodebookAt
    changes: tuple[CodebookChange, ...]
    steps: tuple[LogEntry, ...]
    trail: TrailCheck
    #: Participants' real names in definitions, criteria and steps → pseudonyms (the rule of
    #: every export, ``coding.core.privacy``), unless the user asked for real names.
    mask: Callable[[str], str] = field(default=no_masking, compare=False)


def codebook_history(
    project: Project, since: datetime, until: datetime, *, real_names: bool = False
) -> CodebookHistory:
    """The codebook at ``since`` and at ``until`` (naive UTC), what differs, and the steps."""
    if until <= since:
        raise UserError("The end of the period must come after its start.")
    start, end = codebook_at(project, since), codebook_at(project, until)
    steps = [
        e
        for e in read_log(project, LogFilter(since=since, until=until))
        if e.action in STEP_ACTIONS
    ]
    with project.read() as s:
        mask = name_masker(s, real_names)
    return CodebookHistory(
        since, until, start, end, tuple(codebook_changes(start, end)), tuple(steps),
        verify_trail(project), mask,
    )  # fmt: skip


def _day(at: datetime) -> str:
    return f"{to_local(at):%Y-%m-%d %H:%M}"


def _intro(doc: DocxDocument, h: CodebookHistory) -> None:
    p = doc.add_paragraph()
    p.add_run("Appendix. Derivation of the codebook").bold = True
    text = (
        f"How the codebook changed from {_day(h.since)} to {_day(h.until)}, rebuilt from the "
        f"project's audit trail. {h.trail.sentence()}"
    )
    if not h.start.known and h.start.starts is not None:
        text += (
            f" The codebook's recorded history starts on {_day(h.start.starts)}, when the project "
            "was upgraded to keep it; the codebook at the start date is shown as it stood then."
        )
    doc.add_paragraph(text)


def _changes_table(doc: DocxDocument, h: CodebookHistory, number: int) -> None:
    ds.add_caption(doc, number, f"Changes to the codebook, {_day(h.since)} to {_day(h.until)}")
    total = ds.usable_width_cm(doc)
    widths = [3.6, 6.0, 0.0, 0.0]
    widths[2] = widths[3] = (total - 9.6) / 2
    table = ds.add_table(doc, ["Change", "Code", "Before", "After"], widths)
    for c in h.changes:
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], c.label)
        ds.set_cell_text(cells[1], c.path)
        ds.set_cell_text(cells[2], h.mask(c.before))
        ds.set_cell_text(cells[3], h.mask(c.after))
    if not h.changes:
        ds.set_cell_text(table.add_row().cells[0], "No change.")
    ds.keep_rows_whole(doc, table, widths)
    ds.keep_with_note(table)
    ds.add_note(
        doc,
        "The codebook at the end compared with the codebook at the start: codes added (with "
        "their definition) and removed, renamed, moved to another parent, and definitions, "
        "criteria or examples revised (before → after). Codes added and removed within the "
        "period do not appear here; the steps are listed in the next table.",
    )


def _steps_table(doc: DocxDocument, h: CodebookHistory, number: int) -> None:
    ds.add_caption(doc, number, "Steps in the development of the codebook")
    total = ds.usable_width_cm(doc)
    widths = [3.7, 2.6, total - 6.3]
    table = ds.add_table(doc, ["When", "Who", "What"], widths)
    for e in h.steps:
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], _day(e.at))
        ds.set_cell_text(cells[1], e.actor)
        ds.set_cell_text(cells[2], h.mask(e.sentence.removeprefix(e.actor).strip()))
    if not h.steps:
        ds.set_cell_text(table.add_row().cells[2], "No step in this period.")
    ds.keep_rows_whole(doc, table, widths)


def _codebook_table(doc: DocxDocument, h: CodebookHistory, number: int) -> None:
    ds.add_caption(doc, number, f"The codebook as it stood on {_day(h.until)}")
    total = ds.usable_width_cm(doc)
    widths = [6.5, 0.0, 5.0, 5.0]
    widths[1] = total - sum(widths)
    table = ds.add_table(doc, ["Code", "Definition", "Include when", "Exclude when"], widths)
    for c in h.end.codes:
        cells = table.add_row().cells
        if c.depth == 0:
            ds.set_cell_text(cells[0], c.name, bold=True)
        else:
            ds.add_bullet(cells[0], c.name, c.depth - 1)
        ds.set_cell_text(cells[1], h.mask(c.definition))
        ds.set_cell_text(cells[2], h.mask(c.inclusion))
        ds.set_cell_text(cells[3], h.mask(c.exclusion))
    if not h.end.codes:
        ds.set_cell_text(table.add_row().cells[0], "The codebook was empty.")
    ds.keep_rows_whole(doc, table, widths)


def write_codebook_history(h: CodebookHistory, path: Path) -> None:
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise UserError(f"Cannot write {path.name}: the codebook history is written as .docx.")
    doc = ds.new_document(landscape=True)
    _intro(doc, h)
    _changes_table(doc, h, 1)
    _steps_table(doc, h, 2)
    _codebook_table(doc, h, 3)
    ds.save(doc, path)
