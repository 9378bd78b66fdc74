"""Retrieved segments with their context, to Word and Excel: what the retrieval list shows
(and ``qualframe segments`` lists), for re-reading a category away from the screen or
sharing it with an auditor.

Word: a landscape table — document, speaker (with the group attribute), code, and the coded
text in bold between its grey context — under a "Table N." caption, the header repeated on
every page, and a note stating the filters and what was counted. Excel: one row per segment
(offsets, code path, coder, speaker, every participant attribute, context before, text,
context after, memo, GUID) for sorting and pivot tables, the same note below it.

Participants' real names are replaced by their pseudonyms unless asked for (in the texts,
the context, memos and document names), and every cell that a spreadsheet would run as a
formula is neutralised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from docx.shared import Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.privacy import name_masker
from qualframe.coding.core.project import Project
from qualframe.coding.core.records import SegmentRecord
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.atomic import check_target, write_atomically
from qualframe.coding.export.safe_cells import neutralise
from qualframe.coding.query.filters import Where
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.status import check_mode, filter_sentence, passes, thread_status
from qualframe.coding.review.verdicts import segment_threads

CONTEXT_CHARS = 120
GREY = RGBColor(0x6B, 0x6B, 0x6B)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")
FORMATS = (".docx", ".xlsx")


@dataclass(frozen=True)
class SegmentQuery:
    """Which segments to export: the filters of :func:`~coding.query.segments.list_segments`
    and how to name them in the note (``code_path``: the code's path as shown)."""

    code_guid: str | None = None
    code_path: str = ""
    include_descendants: bool = True
    document_guid: str | None = None
    document_name: str = ""
    document_sets: Sequence[str] = ()
    coder: str | None = None
    where: Sequence[Where] = ()
    include_interviewer: bool = True
    group_attribute: str = "role"
    segment_guids: Sequence[str] | None = field(default=None)
    #: Only these coders' segments (the coders the workbench shows; None: everyone's).
    coders: Sequence[str] | None = None
    #: The coders are limited because the analyst codes blind (the note says so).
    blind: bool = False
    #: Only segments reviewed and agreed ("agreed"), with any verdict ("any"), or all ("all");
    #: see :mod:`coding.review.status`.
    reviewed: str = "all"
    #: How many segments the review filter left out (set by :func:`export_segments`).
    reviewed_left_out: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "reviewed", check_mode(self.reviewed))

    def fetch(self, project: Project) -> list[SegmentRecord]:
        return self.fetch_counted(project)[0]

    def fetch_counted(self, project: Project) -> tuple[list[SegmentRecord], int]:
        """The segments, and how many of those matching the other filters the review
        filter left out."""
        segs = list_segments(
            project, code_guid=self.code_guid, include_descendants=self.include_descendants,
            document_guid=self.document_guid, coder=self.coder, where=self.where,
            include_interviewer=self.include_interviewer, document_sets=self.document_sets,
        )  # fmt: skip
        if self.segment_guids is not None:
            wanted = set(self.segment_guids)
            segs = [s for s in segs if s.guid in wanted]
        if self.coders is not None:
            shown = {c.casefold() for c in self.coders}
            segs = [s for s in segs if s.coder.casefold() in shown]
        if self.reviewed == "all":
            return segs, 0
        threads = segment_threads(project, None if len(segs) > 500 else [s.guid for s in segs])
        kept = [s for s in segs if passes(thread_status(threads.get(s.guid, [])), self.reviewed)]
        return kept, len(segs) - len(kept)

    def filters(self) -> list[str]:
        out = []
        if self.code_guid:
            sub = " with its sub-codes" if self.include_descendants else " (without sub-codes)"
            out.append(f"code “{self.code_path}”{sub}")
        if self.document_name:
            out.append(f"document {self.document_name}")
        if self.document_sets:
            many = len(self.document_sets) > 1
            out.append(f"document set{'s' if many else ''} {', '.join(self.document_sets)}")
        out.extend(f"{w.attribute} = {w.value}" for w in self.where)
        if self.coder:
            out.append(f"coder {self.coder}")
        elif self.coders is not None:
            many = len(self.coders) != 1
            out.append(f"coder{'s' if many else ''} {', '.join(sorted(self.coders)) or 'none'}"
                       + (" (blind coding: the other coders' segments are left out)"
                          if self.blind else ""))  # fmt: skip
        if not self.include_interviewer:
            out.append("interviewer speech left out")
        if self.segment_guids is not None:
            out.append("the segments selected in the list")
        if self.reviewed != "all":
            out.append(
                "reviewed and agreed by an auditor"
                if self.reviewed == "agreed"
                else "reviewed by an auditor"
            )
        return out

    def title(self) -> str:
        return f"Coded segments: {self.code_path}" if self.code_path else "Coded segments"


def context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Up to ``width`` characters before and after [start, end), cut at whole words, each on
    one line."""
    if width <= 0:
        return "", ""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    if start - width > 0 and not text[start - width - 1].isspace() and " " in left.strip():
        left = left[left.index(" ") + 1 :]  # the window began inside a word
    if end + width < len(text) and not text[end + width].isspace() and " " in right.strip():
        right = right[: right.rstrip().rindex(" ")]  # it ended inside one
    return " ".join(left.split()), " ".join(right.split())


def _texts(project: Project, segs: Sequence[SegmentRecord]) -> dict[str, str]:
    from qualframe.coding.corpus.documents import document_text

    return {guid: document_text(project, guid) for guid in {s.document_guid for s in segs}}


def note_text(query: SegmentQuery, segs: Sequence[SegmentRecord], width: int, real: bool) -> str:
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    docs = len({s.document_guid for s in segs})
    people = len({s.participant_guid for s in segs if s.participant_guid and not s.is_interviewer})
    interviewer = sum(1 for s in segs if s.is_interviewer)
    nobody = sum(1 for s in segs if not s.participant_guid and not s.is_interviewer)
    parts = [
        f"{n(len(segs), 'coded segment', 'coded segments')} from "
        f"{n(docs, 'document', 'documents')} and {n(people, 'participant', 'participants')}"
    ]
    if interviewer:
        parts.append(f"{interviewer} in the interviewer's speech")
    if nobody:
        parts.append(f"{nobody} outside any participant's turn")
    text = "; ".join(parts) + ". "
    filters = query.filters()
    text += f"Filters: {'; '.join(filters)}. " if filters else "Filters: none (every segment). "
    review = filter_sentence(query.reviewed, query.reviewed_left_out)
    text += f"{review} " if review else ""
    text += f"Context: up to {width} characters before and after each segment. " if width else ""
    text += (
        "Participants' real names are shown as written."
        if real
        else "Participants' real names are replaced by their pseudonyms."
    )
    return text


def _speaker(s: SegmentRecord, group: str, mask: Callable[[str], str]) -> str:
    who = mask(s.speaker) if s.speaker else "–"
    if s.is_interviewer:
        return f"{who} (interviewer)"
    value = next((v for k, v in s.attributes.items() if k.casefold() == group.casefold()), "")
    return f"{who} · {mask(value)}" if value else who


def write_docx(
    project: Project,
    query: SegmentQuery,
    segs: Sequence[SegmentRecord],
    path: Path,
    *,
    width: int,
    real: bool,
    number: int,
) -> None:
    texts = _texts(project, segs)
    with project.read() as s:
        mask = name_masker(s, real)
    doc = ds.new_document(landscape=True)
    ds.add_caption(doc, number, query.title())
    total = ds.usable_width_cm(doc)
    widths = [0.9, 3.6, 3.2, 4.2, 0.0]
    widths[4] = total - sum(widths)
    table = ds.add_table(doc, ["#", "Document", "Speaker", "Code", "Coded text in context"], widths)
    for i, seg in enumerate(segs, start=1):
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], str(i), align="right")
        ds.set_cell_text(cells[1], mask(seg.document_name))
        ds.set_cell_text(cells[2], _speaker(seg, query.group_attribute, mask))
        ds.set_cell_text(cells[3], seg.code_path_text)
        before, after = context(texts[seg.document_guid], seg.start, seg.end, width)
        p = ds.set_cell_text(cells[4], f"…{mask(before)} " if before else "")
        for run in p.runs:
            run.font.color.rgb = GREY
        p.add_run(" ".join(mask(seg.text).split())).bold = True
        if after:
            p.add_run(f" {mask(after)}…").font.color.rgb = GREY
        if seg.memo:
            memo = cells[4].add_paragraph().add_run(f"Memo: {mask(seg.memo)}")
            memo.italic = True
            memo.font.size = Pt(ds.NOTE_SIZE)
    ds.set_widths(table, widths)
    ds.keep_rows_whole(doc, table, widths)
    if segs:
        ds.keep_with_note(table)
    ds.add_note(doc, note_text(query, segs, width, real))
    ds.save(doc, path)


def write_xlsx(
    project: Project,
    query: SegmentQuery,
    segs: Sequence[SegmentRecord],
    path: Path,
    *,
    width: int,
    real: bool,
    number: int,
) -> None:
    texts = _texts(project, segs)
    with project.read() as s:
        mask = name_masker(s, real)
    attrs = sorted({k for seg in segs for k in seg.attributes}, key=str.casefold)
    header = ["Document", "Start", "End", "Code", "Coder", "Speaker", "Interviewer", *attrs,
              "Context before", "Coded text", "Context after", "Memo", "Exemplar", "GUID"]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Segments"
    ws.cell(row=1, column=1, value=neutralise(f"Table {number}. {query.title()}")).font = Font(
        bold=True
    )
    for col, name in enumerate(header, start=1):
        c = ws.cell(row=2, column=col, value=neutralise(name))
        c.font, c.fill, c.alignment = Font(bold=True), HEADER_FILL, WRAP
        wide = name in ("Coded text", "Context before", "Context after", "Memo")
        ws.column_dimensions[get_column_letter(col)].width = 48 if wide else 16
    for seg in segs:
        before, after = context(texts[seg.document_guid], seg.start, seg.end, width)
        values: list[object] = [
            mask(seg.document_name), seg.start, seg.end, seg.code_path_text, seg.coder,
            mask(seg.speaker) if seg.speaker else "", "yes" if seg.is_interviewer else "no",
            *[mask(seg.attributes.get(a, "")) for a in attrs],
            mask(before), mask(seg.text), mask(after), mask(seg.memo),
            "yes" if seg.is_exemplar else "", seg.guid,
        ]  # fmt: skip
        ws.append([neutralise(v) if isinstance(v, str) else v for v in values])
    last = 2 + len(segs)
    for row in ws.iter_rows(min_row=3, max_row=last):
        for c in row:
            c.alignment = WRAP
    note = ws.cell(
        row=last + 2, column=1, value=neutralise("Note. " + note_text(query, segs, width, real))
    )
    note.alignment = WRAP
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=len(header))
    ws.row_dimensions[last + 2].height = 45
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(header))}{max(last, 2)}"
    write_atomically(Path(path), wb.save)


def export_segments(
    project: Project,
    query: SegmentQuery,
    path: Path,
    *,
    context_chars: int = CONTEXT_CHARS,
    real_names: bool = False,
    number: int = 1,
) -> int:
    """Write the segments of ``query`` to ``path`` (.docx or .xlsx, by its extension,
    atomically); returns how many were written. No segment at all is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Cannot write {path.name}: segments can be saved as .docx or .xlsx.")
    if context_chars < 0:
        raise UserError("The context cannot be negative.")
    check_target(path)  # before anything is read
    segs, left_out = query.fetch_counted(project)
    query = replace(query, reviewed_left_out=left_out)
    if not segs:
        raise UserError(f"Cannot write {path.name}: no coded segment matches these filters.")
    writer = write_docx if suffix == ".docx" else write_xlsx
    writer(project, query, segs, path, width=context_chars, real=real_names, number=number)
    return len(segs)
