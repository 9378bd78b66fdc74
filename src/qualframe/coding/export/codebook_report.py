"""The codebook as a coding manual: hierarchy, definitions, criteria, examples and counts,
to Word (house style, landscape) and Excel.

The example of a code is the one written in the codebook; when there is none, the first
segment an analyst marked as exemplar (with the speaker's pseudonym) stands in. With
``coders`` (the app's window while coding blind), counts and exemplar quotes come from those
coders' segments only, and the note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from qualframe.coding.analysis.matrix import level_name, quote_text
from qualframe.coding.codebook.tree import code_counts, load_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import CodeRecord
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.atomic import write_atomically
from qualframe.coding.export.safe_cells import neutralise
from qualframe.coding.query.quotes import own_turn
from qualframe.storage.models import Coder, Document, Participant, Segment, Turn

THEME_FILL = "F2F2F2"
COUNT_NOTE = (
    "n = coded segments / distinct participants, each including the sub-codes; interviewers "
    "are not counted as participants."
)
SUFFIXES = (".docx", ".xlsx")


@dataclass(frozen=True)
class ManualEntry:
    code: CodeRecord
    segments: int
    participants: int
    example: str  # the codebook's example, or an exemplar quote "“…” — E3"
    example_from_data: bool


def manual_entries(
    project: Project, *, real_names: bool = False, coders: Sequence[str] | None = None
) -> list[ManualEntry]:
    """Every code in codebook order with its counts and example. Participants' real names in
    the texts (an exemplar quote that includes the speaker label ``E6 (name):``, a definition)
    are replaced by their pseudonyms unless ``real_names``. With ``coders``, counts and
    exemplar quotes come from their segments only."""
    counts = code_counts(project, coders)
    with project.read() as s:
        mask = name_masker(s, real_names)
        tree = load_tree(s)
        stmt = (
            select(
                Segment.code_id,
                Document.text,
                Segment.start,
                Segment.end,
                Participant.pseudonym,
                Turn.start,
                Turn.end,
                Turn.id,
            )
            .join(Document, Document.id == Segment.document_id)
            .outerjoin(Turn, Turn.id == Segment.turn_id)
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .where(Segment.is_exemplar.is_(True))
            .order_by(Document.position, Document.name, Segment.start)
        )
        if coders is not None:
            ids = select(Coder.id).where(Coder.name.in_(list(coders)))
            stmt = stmt.where(Segment.coder_id.in_(ids))
        rows = s.execute(stmt).all()
    exemplar: dict[int, str] = {}
    for code_id, text, start, end, who, t_start, t_end, turn_id in rows:
        if code_id not in exemplar:
            turn = (t_start, t_end) if turn_id is not None else None
            start, end = own_turn(start, end, turn)  # never another speaker's words
            quote = f"“{quote_text(mask(text[start:end]))}”"
            exemplar[code_id] = f"{quote} — {who}" if who else quote
    out = []
    for c in tree:
        segs, ppl = counts.get(c.guid, (0, 0))
        c = replace(
            c,
            definition=mask(c.definition),
            inclusion=mask(c.inclusion),
            exclusion=mask(c.exclusion),
            example=mask(c.example),
        )
        written = c.example.strip()
        from_data = not written and c.id in exemplar
        out.append(ManualEntry(c, segs, ppl, written or exemplar.get(c.id, ""), from_data))
    return out


def write_codebook_docx(
    project: Project,
    path: Path,
    *,
    title: str = "Codebook (coding manual)",
    number: int = 1,
    real_names: bool = False,
    blind_coder: str | None = None,
) -> None:
    coders = [blind_coder] if blind_coder is not None else None
    entries = manual_entries(project, real_names=real_names, coders=coders)
    if not entries:
        raise UserError(f"Cannot write {Path(path).name}: the codebook is empty.")
    doc = ds.new_document(landscape=True)
    ds.add_caption(doc, number, title)
    header = ["Code", "Definition", "Include when", "Exclude when", "Example", "n"]
    total = ds.usable_width_cm(doc)
    fixed = [5.2, 5.2, 4.0, 4.0, 0.0, 1.9]
    fixed[4] = total - sum(fixed)
    table = ds.add_table(doc, header, fixed)
    for e in entries:
        cells = table.add_row().cells
        c = e.code
        if c.depth == 0:
            ds.set_cell_text(cells[0], c.name, bold=True)
            for cell in cells:
                ds.shade(cell, THEME_FILL)
        else:
            ds.add_bullet(cells[0], c.name, c.depth - 1)
        ds.set_cell_text(cells[1], c.definition)
        ds.set_cell_text(cells[2], c.inclusion)
        ds.set_cell_text(cells[3], c.exclusion)
        ds.set_cell_text(cells[4], e.example, italic=bool(e.example))
        ds.set_cell_text(cells[5], f"{e.segments} / {e.participants}", align="right")
    ds.set_cell_text(table.rows[0].cells[5], "n", bold=True, align="right")  # as its figures
    ds.set_widths(table, fixed)
    ds.keep_rows_whole(doc, table, fixed)
    ds.keep_with_note(table)
    levels = ", ".join(
        f"{level_name(i).lower()}s" if i != 1 else "categories"
        for i in range(max(e.code.depth for e in entries) + 1)
    )
    ds.add_note(
        doc, f"Hierarchy: {levels} (themes in bold; categories marked -, codes ·). "
        + counting_note(blind_coder),
    )  # fmt: skip
    ds.save(doc, Path(path))


def counting_note(blind_coder: str | None = None) -> str:
    """What the counts and the examples take in."""
    note = (
        f"{COUNT_NOTE} Examples are taken from the codebook or, where it gives none, from a "
        "segment marked as exemplar (with the speaker's pseudonym)."
    )
    if blind_coder is not None:
        note += (
            f" Blind coding: counts and exemplar quotes come from the segments of {blind_coder} "
            "only; the other coders' segments are left out."
        )
    return note


def write_codebook_xlsx(
    project: Project, path: Path, *, real_names: bool = False, blind_coder: str | None = None
) -> None:
    coders = [blind_coder] if blind_coder is not None else None
    entries = manual_entries(project, real_names=real_names, coders=coders)
    depth = max((e.code.depth for e in entries), default=0) + 1
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Codebook"
    header = [level_name(i) for i in range(depth)] + [
        "Level", "Path", "Definition", "Include when", "Exclude when", "Example",
        "Segments", "Participants", "Colour",
    ]  # fmt: skip
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
    for e in entries:
        c = e.code
        levels = list(c.path) + [""] * (depth - len(c.path))
        texts = [*levels, level_name(c.depth), c.path_text, c.definition, c.inclusion,
                 c.exclusion, e.example]  # fmt: skip
        ws.append([neutralise(t) for t in texts] + [e.segments, e.participants, c.color])
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [22] * depth + [10, 40, 45, 35, 35, 45, 10, 12, 10]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(entries) + 1}"
    notes = wb.create_sheet("Note")
    notes.append([counting_note(blind_coder)])
    notes.column_dimensions["A"].width = 120
    notes["A1"].alignment = wrap
    write_atomically(Path(path), wb.save)


def export_codebook(
    project: Project, path: Path, *, real_names: bool = False, blind_coder: str | None = None
) -> None:
    """The coding manual to Word or Excel; with ``blind_coder``, as that coder sees it while
    coding blind (counts and exemplar quotes from their segments only, said in the note)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        write_codebook_docx(project, path, real_names=real_names, blind_coder=blind_coder)
    elif suffix == ".xlsx":
        write_codebook_xlsx(project, path, real_names=real_names, blind_coder=blind_coder)
    else:
        raise UserError(f"Cannot write {path.name}: the codebook can be saved as .docx or .xlsx.")
