"""Reading an .xlsx export: the sheet with data, merged cells, formulas without saved results,
zero-padded ids."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.importing.errors import ImportCancelled, refuse
from qualframe.coding.importing.extract import check_office_container, open_zip_part
from qualframe.coding.importing.survey.cells import _cell_text
from qualframe.coding.importing.survey.model import MAX_COLUMNS, MAX_ROWS

Progress = Callable[[int, int, str], bool]

_ZERO_PADDED = re.compile(r"0{2,}")


@dataclass
class _SheetFacts:
    """What the sheet's XML says beyond the values openpyxl gives."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    unsaved_formula_columns: set[int] = field(default_factory=set)  # 1-based column numbers


def _sheet_facts(raw: bytes, sheet_path: str) -> _SheetFacts:
    """Merged ranges and formulas without a saved result (``<f>`` but no ``<v>``)."""
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string, range_boundaries

    facts = _SheetFacts()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf, zf.open(sheet_path.lstrip("/")) as fh:
            for _, el in etree.iterparse(
                fh, events=("end",), resolve_entities=False, no_network=True
            ):
                tag = el.tag if isinstance(el.tag, str) else ""
                if tag.endswith("}mergeCell"):
                    ref = el.get("ref")
                    if ref and ":" in ref:
                        min_col, min_row, max_col, max_row = range_boundaries(ref)
                        facts.merged.append((min_col, min_row, max_col, max_row))
                elif tag.endswith("}c"):
                    has_formula = has_value = False
                    for child in el:
                        ctag = child.tag if isinstance(child.tag, str) else ""
                        if ctag.endswith("}f"):
                            has_formula = True
                        elif ctag.endswith("}v") and (child.text or "") != "":
                            has_value = True
                    if has_formula and not has_value:
                        letters = "".join(ch for ch in el.get("r", "") if ch.isalpha())
                        if letters:
                            facts.unsaved_formula_columns.add(column_index_from_string(letters))
                elif tag.endswith("}row"):
                    el.clear()
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError, TypeError):
        return _SheetFacts()
    return facts


def _xlsx_cell(cell: Any) -> str | None:
    value = getattr(cell, "value", None)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        fmt = getattr(cell, "number_format", "") or ""
        if _ZERO_PADDED.fullmatch(fmt):  # an id shown as 007: keep the zeros Excel shows
            return str(value).zfill(len(fmt))
    return _cell_text(value)


#: Limits on what an .xlsx may unpack to, checked from the zip directory before any part is
#: read: a real export's parts are a few MB and compress 5–30 times; a zip bomb (a
#: sharedStrings part of one repeated string) unpacks to gigabytes at ratios of thousands.
MAX_PART_BYTES = 400 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
RATIO_FROM_BYTES = 10 * 1024 * 1024


def check_sizes(raw: bytes, name: str) -> None:
    """Refuse an archive whose parts would unpack to too much (sizes from its directory;
    the zip reader never inflates a part beyond its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        return  # the container check names a damaged file
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (
            info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO
        ):
            raise refuse(
                name,
                f"would unpack its part {info.filename} to {info.file_size // 2**20:,} MB "
                f"({ratio:,.0f} times its packed size), which no spreadsheet needs; it looks "
                "like a zip bomb and was not read",
            )
    if total > MAX_TOTAL_BYTES:
        raise refuse(
            name, f"would unpack to {total // 2**20:,} MB, more than a survey export can hold"
        )


def _sheet_rows(ws: Any, name: str, progress: Progress | None) -> list[list[str | None]]:
    """The sheet's rows; a sheet longer than ``MAX_ROWS`` or wider than ``MAX_COLUMNS`` is
    refused from its stated dimensions before it is read, and while it is read."""
    try:
        max_row, max_col = ws.max_row, ws.max_column
    except Exception:  # a missing or odd <dimension>: counted while reading instead
        max_row = max_col = None
    if max_col is not None and max_col > MAX_COLUMNS:
        raise refuse(name, f"has {max_col:,} columns; a survey export has at most {MAX_COLUMNS:,}")
    if max_row is not None and max_row > MAX_ROWS + 50:
        raise refuse(
            name, f"has {max_row:,} rows; at most {MAX_ROWS:,} respondents can be imported at once"
        )
    rows: list[list[str | None]] = []
    for row in ws.iter_rows():
        if len(rows) > MAX_ROWS + 50:
            raise refuse(name, f"has more than {MAX_ROWS:,} rows; import it in parts")
        if len(row) > MAX_COLUMNS:
            raise refuse(
                name, f"has {len(row):,} columns; a survey export has at most {MAX_COLUMNS:,}"
            )
        if (
            progress is not None
            and len(rows) % 5000 == 4999
            and not progress(len(rows) + 1, 0, name)
        ):
            raise ImportCancelled()
        rows.append([_xlsx_cell(c) for c in row])
    return rows


def _has_data(ws: Any) -> bool:
    """Whether a sheet holds data in its first 200 rows (enough to name it in a warning)."""
    rows = ws.iter_rows(values_only=True, max_row=200)
    return any(any(v is not None for v in row) for row in rows)


def read_xlsx_rows(
    raw: bytes, name: str, warnings: list[str] | None = None, progress: Progress | None = None
) -> tuple[list[list[str | None]], str, set[int]]:
    """The rows of the first visible worksheet with data (hidden sheets only when no visible
    sheet has data), its description, and the (1-based) columns holding formulas without a
    saved result; what the reader noticed is added to ``warnings``."""
    check_office_container(raw, name, ".xlsx", "Excel")
    check_sizes(raw, name)
    open_zip_part(raw, name, "xl/workbook.xml", ".xlsx")
    import warnings as py_warnings

    from openpyxl import load_workbook

    notes = warnings if warnings is not None else []
    try:
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                chosen: list[list[str | None]] = []
                title = ""
                sheet_path = ""
                first_path = (
                    getattr(wb.worksheets[0], "_worksheet_path", "") if wb.worksheets else ""
                )
                sheets = wb.worksheets
                visible = [ws for ws in sheets if ws.sheet_state == "visible"]
                hidden = [ws for ws in sheets if ws.sheet_state != "visible"]
                for ws in visible + hidden:
                    rows = _sheet_rows(ws, name, progress)
                    if any(any(c is not None for c in r) for r in rows):
                        chosen, title = rows, ws.title
                        sheet_path = getattr(ws, "_worksheet_path", "")
                        if ws.sheet_state != "visible":
                            notes.append(f"only the hidden sheet {title!r} holds data; it was read")
                        else:
                            later = visible[visible.index(ws) + 1 :]
                            others = [o.title for o in later if _has_data(o)]
                            if others:
                                shown = ", ".join(repr(t) for t in others)
                                notes.append(
                                    f"only the sheet {title!r} was read; {shown} also "
                                    f"hold{'s' if len(others) == 1 else ''} data"
                                )
                        break
            finally:
                wb.close()
    except (ImportRefused, ImportCancelled):
        raise
    except Exception:  # openpyxl raises many kinds of errors on damaged parts
        raise refuse(name, "is damaged or incomplete and cannot be read as an .xlsx file") from None
    if not chosen and first_path and _sheet_facts(raw, first_path).unsaved_formula_columns:
        raise refuse(
            name,
            "holds formulas without saved values (it was written by a program, not saved by "
            "Excel), so there are no answers to read; open it in Excel, save it, and import again",
        )
    if sheet_path:
        facts = _sheet_facts(raw, sheet_path)
        for min_col, min_row, max_col, max_row in facts.merged:
            if min_row - 1 >= len(chosen):
                continue
            top = chosen[min_row - 1]
            value = top[min_col - 1] if min_col - 1 < len(top) else None
            for r in range(min_row - 1, min(max_row, len(chosen))):
                row = chosen[r]
                if len(row) < max_col:
                    row.extend([None] * (max_col - len(row)))
                for c in range(min_col - 1, max_col):
                    if row[c] is None:
                        row[c] = value
        return chosen, f"xlsx, sheet {title!r}", facts.unsaved_formula_columns
    return chosen, f"xlsx, sheet {title!r}", set()
