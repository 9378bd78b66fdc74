"""The review report to Word (house style, landscape) and Excel: the review per code, each
dispute with its passage, comment, answer and outcome, the comments on the codebook, and the
audit trail's verification with its last hash (which a reader can compare later)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocxDocument
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.atomic import check_target, write_atomically
from qualframe.coding.export.safe_cells import neutralise
from qualframe.coding.review.report import COUNTING_RULE, CodeRow, ReviewReport, review_report
from qualframe.coding.trail.log import to_local
from qualframe.coding.trail.sentences import span

SUFFIXES = (".docx", ".xlsx")
COUNT_HEADER = ("Segments", "Reviewed", "Agreed", "Disputed", "Resolved", "Open")


def _counts(r: CodeRow) -> list[int]:
    return [r.segments, r.reviewed, r.agreed, r.disputed, r.resolved, r.open]


def _trail_text(report: ReviewReport) -> str:
    reviewers = ", ".join(report.reviewers) or "none yet"
    head = f" Its last hash: {report.trail.head}." if report.trail.head else ""
    return (
        f"Project {report.project}; reviewers: {reviewers}; report made "
        f"{to_local(report.generated):%Y-%m-%d %H:%M}. "
        f"{report.trail.sentence(with_hash=False)}{head}"
    )


def _per_code_table(doc: DocxDocument, report: ReviewReport, number: int) -> None:
    ds.add_caption(doc, number, "Review of the coded segments, per code")
    total = ds.usable_width_cm(doc)
    widths = [total - 6 * 2.45] + [2.45] * 6
    table = ds.add_table(doc, ["Code", *COUNT_HEADER], widths)
    for r in (*report.rows, report.total):
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], r.path, bold=r is report.total)
        for cell, n in zip(cells[1:], _counts(r), strict=True):
            ds.set_cell_text(cell, str(n), align="right", bold=r is report.total)
    for i in range(1, 7):
        ds.set_cell_text(table.rows[0].cells[i], COUNT_HEADER[i - 1], bold=True, align="right")
    ds.keep_rows_whole(doc, table, widths)
    ds.keep_with_note(table)
    ds.add_note(doc, COUNTING_RULE)


def _disputes_table(doc: DocxDocument, report: ReviewReport, number: int) -> None:
    ds.add_caption(doc, number, "Disputes and how they were answered")
    total = ds.usable_width_cm(doc)
    widths = [4.0, 0.0, 5.0, 5.5, 3.2]
    widths[1] = total - sum(widths)
    table = ds.add_table(doc, ["Code", "Passage", "Dispute", "Answer", "Outcome"], widths)
    for d in report.disputes:
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], d.code)
        ds.set_cell_text(cells[1], f"“{d.passage}”", italic=True)
        where = f"{d.document}, {d.speaker + ', ' if d.speaker else ''}{span(d.start, d.end)}"
        cells[1].add_paragraph(where)
        ds.set_cell_text(cells[2], f"{d.comment} ({d.reviewer}, {to_local(d.at):%Y-%m-%d})")
        ds.set_cell_text(cells[3], d.answer or "—")
        ds.set_cell_text(cells[4], d.outcome)
    if not report.disputes:
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], "No segment has been disputed.")
    ds.keep_rows_whole(doc, table, widths)
    ds.keep_with_note(table)
    ds.add_note(
        doc,
        "Every dispute is listed, also those resolved; passages are verbatim, with the document, "
        "the speaker's pseudonym and the position (characters). Outcome: the disputing auditor's "
        "next verdict after the dispute.",
    )


def _comments_table(doc: DocxDocument, report: ReviewReport, number: int) -> None:
    ds.add_caption(doc, number, "Comments on the codebook")
    total = ds.usable_width_cm(doc)
    widths = [5.0, 0.0, 7.0, 3.2]
    widths[1] = total - sum(widths)
    table = ds.add_table(doc, ["Code", "Comment", "Answer", "Outcome"], widths)
    for c in report.code_comments:
        cells = table.add_row().cells
        ds.set_cell_text(cells[0], c.code)
        ds.set_cell_text(cells[1], f"{c.comment} ({c.reviewer}, {to_local(c.at):%Y-%m-%d})")
        ds.set_cell_text(cells[2], c.answer or "—")
        ds.set_cell_text(cells[3], c.outcome)
    ds.keep_rows_whole(doc, table, widths)


def write_review_docx(report: ReviewReport, path: Path) -> None:
    doc = ds.new_document(landscape=True)
    title = doc.add_paragraph()
    title.add_run("Audit of the coding").bold = True
    doc.add_paragraph(_trail_text(report))
    _per_code_table(doc, report, 1)
    _disputes_table(doc, report, 2)
    if report.code_comments:
        _comments_table(doc, report, 3)
    ds.save(doc, Path(path))


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]],
           widths: Sequence[int]) -> None:  # fmt: skip
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = wrap
    ws.freeze_panes = "A2"


def write_review_xlsx(report: ReviewReport, path: Path) -> None:
    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    _sheet(
        wb, "Per code", ["Code", *COUNT_HEADER],
        [[r.path, *_counts(r)] for r in (*report.rows, report.total)], [50] + [11] * 6,
    )  # fmt: skip
    _sheet(
        wb, "Disputes",
        ["Code", "Document", "Speaker", "Start", "End", "Passage", "Reviewer", "Disputed at",
         "Comment", "Answer", "Outcome"],
        [[d.code, d.document, d.speaker, d.start, d.end, d.passage, d.reviewer,
          f"{to_local(d.at):%Y-%m-%d %H:%M}", d.comment, d.answer, d.outcome]
         for d in report.disputes],
        [30, 16, 10, 8, 8, 50, 12, 16, 40, 40, 24],
    )  # fmt: skip
    _sheet(
        wb, "Codebook comments", ["Code", "Reviewer", "At", "Comment", "Answer", "Outcome"],
        [[c.code, c.reviewer, f"{to_local(c.at):%Y-%m-%d %H:%M}", c.comment, c.answer, c.outcome]
         for c in report.code_comments],
        [30, 12, 16, 50, 50, 24],
    )  # fmt: skip
    _sheet(
        wb, "Audit trail", ["About this report"], [[_trail_text(report)], [COUNTING_RULE]], [120]
    )
    write_atomically(Path(path), wb.save)


def export_review_report(project: Project, path: Path, *, real_names: bool = False) -> ReviewReport:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"Cannot write {path.name}: the review report can be saved as .docx or .xlsx."
        )
    check_target(path)  # before anything is read
    report = review_report(project, real_names=real_names)
    if suffix == ".docx":
        write_review_docx(report, path)
    else:
        write_review_xlsx(report, path)
    return report
