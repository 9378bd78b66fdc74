"""The memo report: every memo of the project (or of some kinds) in one Word document — the
project journal in date order, then document, code and segment memos — each with its title,
what it is about, who wrote it and when. Participants' real names are replaced by their
pseudonyms unless the user asks for them (:mod:`coding.core.privacy`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Cm, Pt, RGBColor

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.memo_entries import KIND_ORDER, MemoEntry, memo_entries
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.atomic import check_target

SECTION_TITLES = {
    "journal": "Project journal",
    "project": "Project memos",
    "document": "Document memos",
    "code": "Code memos",
    "segment": "Segment memos",
}
GREY = RGBColor(0x59, 0x59, 0x59)


def local_time(dt: datetime) -> str:
    """A stored (UTC) time as local time, e.g. "2026-12-02 15:05"."""
    return dt.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def signature(e: MemoEntry) -> str:
    """ "E. Kim · 2026-12-02 15:05 (edited 2026-12-03 09:12)"."""
    text = f"{e.author or 'unknown'} · {local_time(e.created_at)}"
    if (e.updated_at - e.created_at).total_seconds() >= 60:
        text += f" (edited {local_time(e.updated_at)})"
    return text


def _count(n: int, kind: str) -> str:
    if kind == "journal":
        return f"{n} journal entr{'ies' if n != 1 else 'y'}"
    return f"{n} {kind} memo{'s' if n != 1 else ''}"


def _add_entry(doc: DocxDocument, e: MemoEntry, mask: Callable[[str], str]) -> None:
    head = doc.add_paragraph()
    head.paragraph_format.space_before = Pt(8)
    head.paragraph_format.keep_with_next = True
    title = e.title or ("" if e.kind == "segment" else e.heading)
    if title:
        run = head.add_run(mask(title))
        run.bold = True
    if e.kind in ("document", "code", "segment") and e.about:
        about = head.add_run(("  —  " if title else "") + mask(e.about))
        about.italic = True
    meta = doc.add_paragraph()
    meta.paragraph_format.keep_with_next = True
    run = meta.add_run(signature(e))
    run.font.size = Pt(ds.NOTE_SIZE)
    run.font.color.rgb = GREY
    if e.quote:
        quote = doc.add_paragraph()
        quote.paragraph_format.left_indent = Cm(0.6)
        quote.paragraph_format.keep_with_next = True
        run = quote.add_run(f"“{' '.join(mask(e.quote).split())}”")
        run.italic = True
    for para in mask(e.text).split("\n"):
        doc.add_paragraph(para)


def write_memo_report(
    project: Project,
    path: Path,
    *,
    kinds: Collection[str] | None = None,
    real_names: bool = False,
    title: str | None = None,
) -> int:
    """Write the report to ``path`` (.docx, atomically); returns how many memos it holds.
    A project with no memo of the chosen kinds is refused (an empty report helps no one)."""
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise UserError(f"Cannot write {path.name}: the memo report is a Word document (.docx).")
    check_target(path)  # before anything is read
    entries = memo_entries(project, kinds)
    if not entries:
        which = "memos" if kinds is None else "memos of those kinds"
        raise UserError(f"Cannot write {path.name}: the project has no {which} yet.")
    with project.read() as s:
        mask = name_masker(s, real_names)
    doc = ds.new_document()
    doc.add_heading(title or f"Memos — {project.name}", level=0)
    zone = datetime.now().astimezone().strftime("UTC%z")
    counts = {k: sum(1 for e in entries if e.kind == k) for k in KIND_ORDER}
    listed = ", ".join(_count(n, k) for k, n in counts.items() if n)
    names = (
        "Participants' real names are shown as written."
        if real_names
        else "Participants' real names are replaced by their pseudonyms."
    )
    ds.add_note(
        doc,
        f"{len(entries)} memo{'s' if len(entries) != 1 else ''}: {listed}; written "
        f"{local_time(datetime.now(UTC).replace(tzinfo=None))}; times are local ({zone}). "
        f"{names}",
        italic_label=None,
    )
    for kind in KIND_ORDER:
        group = [e for e in entries if e.kind == kind]
        if not group:
            continue
        doc.add_heading(SECTION_TITLES[kind], level=1)
        for e in group:
            _add_entry(doc, e, mask)
    ds.save(doc, path)
    return len(entries)
