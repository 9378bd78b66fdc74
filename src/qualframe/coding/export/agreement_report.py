"""Inter-coder agreement to Word (a table in the house style with its notes) and Excel (the
same figures as numbers, with a sheet of notes and one of the documents counted and left
out). Both are written completely or not at all, with participants' real names in document
names replaced by their pseudonyms unless asked (``report.for_outside``)."""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qualframe.coding.analysis.agreement.report import (
    UNIT_NOUNS,
    AgreementReport,
    CodeRow,
    for_outside,
    table_rows,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.export import docx_style as ds
from qualframe.coding.export.atomic import atomic_path
from qualframe.coding.export.safe_cells import neutralise

SUFFIXES = (".docx", ".xlsx")


def write_agreement_docx(
    report: AgreementReport, path: Path, *, number: int = 1, title: str | None = None
) -> None:
    doc = ds.new_document(landscape=False)
    unit = UNIT_NOUNS[report.unit][0]
    ds.add_caption(
        doc, number, title or f"Inter-coder agreement of {', '.join(report.coders)} by {unit}"
    )
    rows = table_rows(report)
    total = ds.usable_width_cm(doc)
    widths = [0.0, 1.9, 1.8, 1.3, 1.3, 2.9, 1.8]
    widths[0] = total - sum(widths)
    table = ds.add_table(doc, rows[0], widths)
    for r, row in enumerate(rows[1:]):
        cells = table.add_row().cells
        last = r == len(rows) - 2
        ds.set_cell_text(cells[0], row[0], bold=last)
        for cell, text in zip(cells[1:], row[1:], strict=True):
            ds.set_cell_text(cell, text, align="right", bold=last)
        if last:
            for cell in cells:
                ds.shade(cell, "F2F2F2")
    for i in range(1, len(rows[0])):
        ds.set_cell_text(table.rows[0].cells[i], rows[0][i], bold=True, align="right")
    ds.set_widths(table, widths)
    ds.keep_rows_whole(doc, table, widths)
    ds.keep_with_note(table)
    ds.add_note(doc, " ".join(report.notes()) + " – : undefined (no variation to agree on).")
    ds.save(doc, Path(path))


def _value(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else x


def write_agreement_xlsx(report: AgreementReport, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Agreement"
    p_head = f"P(alpha<{report.threshold:g})"
    header = ["Code", "Units", "Units coded", "Agreement %", "Cohen's kappa", "Krippendorff's alpha",
              "alpha CI low", "alpha CI high", p_head]  # fmt: skip
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
    for row in [*report.codes, CodeRow("", "Overall (pooled)", report.overall)]:
        e = row.estimate
        lo, hi = e.alpha_ci if e.alpha_ci else (None, None)
        ws.append(
            [neutralise(row.code), int(e.n_units), int(e.coded_units), _value(e.percent),
             _value(e.kappa), _value(e.alpha), lo, hi, e.p_below]
        )  # fmt: skip
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for r in ws.iter_rows(min_row=2, min_col=4, max_col=9):
        for cell in r:
            cell.number_format = "0.0" if cell.column == 4 else "0.000"
    for i, w in enumerate([48, 12, 12, 12, 13, 18, 12, 12, 14], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(report.codes) + 1}"
    notes = wb.create_sheet("Notes")
    notes.column_dimensions["A"].width = 120
    for line in [*report.notes(), "Empty cells: undefined (no variation to agree on)."]:
        notes.append([neutralise(line)])
        notes.cell(notes.max_row, 1).alignment = Alignment(wrap_text=True)
    docs = wb.create_sheet("Documents")
    docs.append(["Document", "Counted", "Coded by (of the compared coders)"])
    for cell in docs[1]:
        cell.font = Font(bold=True)
    for name in report.documents:
        docs.append([neutralise(name), "yes", ", ".join(report.coders)])
    for lo_doc in report.left_out:
        docs.append([neutralise(lo_doc.document), "no", neutralise(", ".join(lo_doc.coded_by))])
    for col, w in zip("ABC", (40, 10, 50), strict=True):
        docs.column_dimensions[col].width = w
    with atomic_path(Path(path)) as tmp:
        wb.save(str(tmp))


def export_agreement(
    project: Project, report: AgreementReport, path: Path, *, real_names: bool = False
) -> None:
    """Write ``report`` (of ``project``) to Word or Excel by the suffix of ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    report = for_outside(project, report, real_names=real_names)
    if suffix == ".docx":
        write_agreement_docx(report, path)
    elif suffix == ".xlsx":
        write_agreement_xlsx(report, path)
    else:
        raise UserError(f"Cannot write {path.name}: agreement can be saved as .docx or .xlsx.")
