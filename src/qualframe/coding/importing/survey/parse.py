"""Parsing a survey export into typed columns (no database)."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.attributes import _normalise_attribute, _typo_warnings
from qualframe.coding.importing.survey.cells import _is_number
from qualframe.coding.importing.survey.coltypes import (
    _ID_NAMES,
    _guess_id_column,
    _multiple_separator,
    detect_type,
    order_options,
    parse_type_spec,
    split_multiple,
)
from qualframe.coding.importing.survey.header import _find_header
from qualframe.coding.importing.survey.likert import _likert_scale
from qualframe.coding.importing.survey.model import ParsedSurvey, SurveyColumn
from qualframe.coding.importing.survey.read_csv import _read_decimal_commas, read_csv_rows
from qualframe.coding.importing.survey.read_xlsx import read_xlsx_rows


def parse_survey(
    path: Path,
    raw: bytes,
    *,
    encoding: str | None = None,
    id_column: str | None = None,
    group_column: str | None = None,
    column_types: dict[str, str] | None = None,
) -> ParsedSurvey:
    name = path.name
    if not raw.strip():
        raise refuse(name, "is empty")
    warnings: list[str] = []
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        rows, source, unsaved = read_xlsx_rows(raw, name, warnings)
        enc: str | None = None
    elif path.suffix.lower() == ".xls":
        raise refuse(name, "is in the old Excel format (.xls); save it as .xlsx and import again")
    else:
        rows, enc, source = read_csv_rows(raw, name, encoding, warnings)
        unsaved = set()
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c is not None for c in r)]
    if not numbered:
        raise refuse(name, "is empty")
    h = _find_header(numbered, name)
    header_row, header = numbered[h]
    data = numbered[h + 1 :]
    if unsaved:
        from openpyxl.utils.cell import get_column_letter

        shown = ", ".join(
            repr(header[c - 1]) if c - 1 < len(header) and header[c - 1] else get_column_letter(c)
            for c in sorted(unsaved)
        )
        warnings.append(
            f"the formulas in {shown} have no saved results (the file was written by a program, "
            "not saved by Excel), so they were read as empty; open and save it in Excel first"
        )
    width = max(len(header), *(len(r) for _, r in data)) if data else len(header)
    names: list[str] = []
    seen: set[str] = set()
    keep: list[int] = []
    for c in range(width):
        label = header[c] if c < len(header) else None
        has_data = any(c < len(r) and r[c] is not None for _, r in data)
        if label is None:
            if not has_data:
                continue
            label = f"column {c + 1}"
            warnings.append(f"column {c + 1} has no header; it was named {label!r}")
        base, k = label, 2
        while label.casefold() in seen:
            label = f"{base} ({k})"
            k += 1
        if label != base:
            warnings.append(f"column {c + 1} repeats the name {base!r}; it was named {label!r}")
        seen.add(label.casefold())
        names.append(label)
        keep.append(c)
    columns = [
        SurveyColumn(n, pos, "text", "text", [r[c] if c < len(r) else None for _, r in data])
        for pos, (n, c) in enumerate(zip(names, keep, strict=True))
    ]
    by_name = {col.name.casefold(): col for col in columns}

    def lookup(col_name: str, option: str) -> SurveyColumn:
        col = by_name.get(col_name.strip().casefold())
        if col is None:
            raise refuse(name, f"has no column named {col_name!r} (given with {option})")
        return col

    overrides: dict[str, str] = {}
    for key, type_spec in (column_types or {}).items():
        parse_type_spec(type_spec)
        if key.strip().casefold() in by_name:
            overrides[by_name[key.strip().casefold()].name] = type_spec.strip().casefold()
        else:
            warnings.append(f"--column {key}: {name} has no such column")

    if source.startswith("csv") and "comma-separated" not in source:
        for col in columns:
            if overrides.get(col.name, "number").split(":")[0] in ("number", "likert"):
                _read_decimal_commas(col, warnings)

    # the respondent id column
    id_col: SurveyColumn | None = None
    if id_column:
        id_col = lookup(id_column, "--id-column")
    else:
        forced = [c for c in columns if overrides.get(c.name) == "id"]
        if forced:
            id_col = forced[0]
        else:
            for col in columns:
                if col.name.casefold().strip() in _ID_NAMES:
                    id_col = col
                    break
        if id_col is None:
            id_col = _guess_id_column(columns)
    if id_col is None:
        raise refuse(name, "has no respondent id column; name it with --id-column")
    respondents: list[str] = []
    first_row: dict[str, int] = {}
    for (row_no, _), value in zip(data, id_col.values, strict=True):
        if value is None:
            raise refuse(name, f"has no respondent id in row {row_no} (column {id_col.name!r})")
        if value in first_row:
            raise refuse(
                name,
                f"has duplicate respondent ids ({value} in rows {first_row[value]} and {row_no})",
            )
        first_row[value] = row_no
        respondents.append(value)
    if not respondents:
        raise refuse(name, "has a header row but no answers below it")

    group_col = lookup(group_column, "--group-column") if group_column else None
    mapping: dict[str, dict[str, str]] = {}
    for col in columns:
        present = [v for v in col.values if v is not None]
        col.detected = "id" if col is id_col else detect_type(col.name, present)
        spec = overrides.get(col.name)
        if col is id_col:
            col.type = "id"
        elif col is group_col:
            col.type = "attribute"
        elif spec:
            col.type = parse_type_spec(spec)
            if col.type == "id":
                col.type = "attribute"
                warnings.append(f"{col.name!r} cannot be a second id column; it is an attribute")
        else:
            col.type = col.detected
        if col.type == "likert":
            col.scale_min, col.scale_max = _likert_scale(col.name, present, spec, name)
        elif col.type == "number":
            bad = [v for v in present if not _is_number(v)]
            if bad:
                raise refuse(name, f"has a value {bad[0]!r} in the number column {col.name!r}")
        elif col.type in ("single", "multiple"):
            if col.type == "multiple":
                sep = _multiple_separator(present) or (
                    ";" if any(";" in v for v in present) else ","
                )
                parts = [p for v in present for p in split_multiple(v, sep)]
            else:
                parts = present
            col.options = order_options(list(dict.fromkeys(parts)))
        elif col.type == "attribute":
            col_map = _normalise_attribute(col, lower=col is group_col)
            if col_map:
                mapping[col.name] = col_map
            warnings.extend(_typo_warnings(col))
    return ParsedSurvey(
        encoding=enc,
        source=source,
        columns=columns,
        id_column=id_col.name,
        respondents=respondents,
        group_column=group_col.name if group_col else None,
        mapping=mapping,
        warnings=warnings,
        header_row=header_row,
    )
