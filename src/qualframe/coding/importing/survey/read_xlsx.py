"""Reading an .xlsx export: the sheet with data, merged cells, formulas without saved results,
zero-padded ids."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extract import check_office_container, open_zip_part
from qualframe.coding.importing.survey.cells import _cell_text

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


def _sheet_rows(ws: Any) -> list[list[str | None]]:
    return [[_xlsx_cell(c) for c in row] for row in ws.iter_rows()]


def _has_data(ws: Any) -> bool:
    return any(any(v is not None for v in row) for row in ws.iter_rows(values_only=True))


def read_xlsx_rows(
    raw: bytes, name: str, warnings: list[str] | None = None
) -> tuple[list[list[str | None]], str, set[int]]:
    """The rows of the first visible worksheet with data (hidden sheets only when no visible
    sheet has data), its description, and the (1-based) columns holding formulas without a
    saved result; what the reader noticed is added to ``warnings``."""
    check_office_container(raw, name, ".xlsx", "Excel")
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
                sheets = wb.worksheets
                visible = [ws for ws in sheets if ws.sheet_state == "visible"]
                hidden = [ws for ws in sheets if ws.sheet_state != "visible"]
                for ws in visible + hidden:
                    rows = _sheet_rows(ws)
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
    except Exception:  # openpyxl raises many kinds of errors on damaged parts
        raise refuse(name, "is damaged or incomplete and cannot be read as an .xlsx file") from None
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
