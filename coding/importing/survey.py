"""Survey exports (.csv, .xlsx): one row per respondent, typed columns.

Reading: a .csv is decoded like any text file (BOM, UTF-8, detected legacy encoding) and its
delimiter is the one of ``, ; TAB |`` that gives the most rows of the same width; an .xlsx is
read with openpyxl in read-only mode (first worksheet with data), merged ranges filled with
their top-left value. Values are trimmed strings; numbers stored as text are numbers.

The header row is the first of the first 30 non-blank rows that fills most of the table's width
with distinct, non-numeric labels (title rows above it are skipped); blank rows are skipped.

Column types (overridable, see ``TYPES``), detected in this order:

* ``id`` — the ``--id-column``, else a column called id / respondent_id / respondent /
  participant / pseudonym / 응답자 / 번호, else the first column whose values are short, unique
  codes without spaces;
* ``ignore`` — a column with no values;
* ``attribute`` — the ``--group-column``, and columns named like a participant variable
  (role, group, gender, sex, year, grade, cohort, class, school, department, major, site,
  역할, 성별, 학년, 집단, 소속, 구분, 전공) with at most 20 short values. Values are trimmed and
  case-normalised: the group column to lower case (`` Mentor``/``MENTOR`` → ``mentor``), other
  attributes to the most frequent spelling; every change is reported;
* ``likert`` — integers between 0 and 10. The scale is 1..k (0..k if a 0 occurs) where k is
  the largest value seen, raised to 5 when it is below 5 (a five-point scale is by far the
  most common, and a scale's top need not be used); ``likert:1-4`` sets it explicitly;
* ``number`` — other numbers (or a name such as age, hours, count, 나이, 시간, 횟수);
* ``multiple`` — answers made of ``;``-separated (or, failing that, ``,``-separated) options
  drawn from a small set;
* ``single`` — few distinct short answers (at most half the answers, at most 20);
* ``text`` — everything else: open-ended answers, one codable document per question.

Options of choice items keep the order of first appearance, unless they all start with a
number (sorted by it) or all belong to a known ordinal scale (frequency, agreement,
satisfaction, quality), which then gives the order.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from coding.errors import UserError
from coding.importing.decode import decode_bytes
from coding.importing.errors import refuse
from coding.importing.extract import check_office_container, open_zip_part

TYPES = ("id", "attribute", "likert", "single", "multiple", "number", "text", "ignore")
SURVEY_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}

_ID_NAMES = {
    "id", "respondent_id", "respondentid", "respondent", "respondent id", "participant",
    "participant_id", "participant id", "pseudonym", "case", "case_id", "응답자", "응답자id",
    "응답자 id", "응답자번호", "번호", "연구참여자", "참여자",
}  # fmt: skip
_ATTRIBUTE_WORDS = {
    "role", "group", "gender", "sex", "year", "grade", "cohort", "class", "school",
    "department", "major", "site", "역할", "성별", "학년", "집단", "소속", "구분", "전공",
}  # fmt: skip
_NUMBER_WORDS = {"age", "hours", "count", "number", "minutes", "나이", "연령", "시간", "횟수"}
_ORDINAL_SCALES: tuple[tuple[str, ...], ...] = (
    ("never", "rarely", "less than monthly", "monthly", "once a month", "every two weeks",
     "biweekly", "twice a month", "weekly", "once a week", "several times a week", "daily",
     "always"),
    ("strongly disagree", "disagree", "somewhat disagree", "neutral",
     "neither agree nor disagree", "somewhat agree", "agree", "strongly agree"),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("very poor", "poor", "fair", "average", "good", "very good", "excellent"),
)  # fmt: skip
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LEADING_NUMBER = re.compile(r"\s*(\d+)\b")
_LIKERT_OVERRIDE = re.compile(r"likert(?::(\d+)\s*-\s*(\d+))?$")


@dataclass
class SurveyColumn:
    name: str
    position: int
    type: str
    detected: str  # the type detection chose (before overrides)
    values: list[str | None] = field(repr=False, default_factory=list)  # one per respondent
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[str] | None = None

    @property
    def answered(self) -> int:
        return sum(1 for v in self.values if v is not None)


@dataclass
class ParsedSurvey:
    encoding: str | None
    source: str  # "csv (delimiter ;)" or "xlsx (sheet Responses)"
    columns: list[SurveyColumn]
    id_column: str
    respondents: list[str]
    group_column: str | None
    mapping: dict[str, dict[str, str]]  # attribute column -> {raw value: stored value}
    warnings: list[str] = field(default_factory=list)
    header_row: int = 1  # 1-based row number in the file


# -- reading rows ------------------------------------------------------------------------------
def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536].split("\n")[:60]
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        try:
            widths = [
                len(r) for r in csv.reader(sample, delimiter=delim) if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not widths:
            continue
        mode, count = (
            Counter(w for w in widths if w > 1).most_common(1)[0]
            if any(w > 1 for w in widths)
            else (1, 0)
        )
        score = count * 1000 + mode
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv_rows(
    raw: bytes, name: str, encoding: str | None
) -> tuple[list[list[str | None]], str, str]:
    decoded = decode_bytes(raw, name, encoding)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    delim = "\t" if name.lower().endswith(".tsv") else _sniff_delimiter(text)
    try:
        rows = [
            [_cell_text(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delim)
        ]
    except csv.Error as exc:
        raise refuse(name, f"is not a well-formed CSV file ({exc})") from None
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delim]
    return rows, decoded.encoding, f"csv, {shown}-separated"


def _merged_ranges(raw: bytes, name: str, sheet_path: str) -> list[tuple[int, int, int, int]]:
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf, zf.open(sheet_path.lstrip("/")) as fh:
            out = []
            for _, el in etree.iterparse(
                fh, events=("end",), resolve_entities=False, no_network=True
            ):
                if isinstance(el.tag, str) and el.tag.endswith("}mergeCell"):
                    ref = el.get("ref")
                    if ref and ":" in ref:
                        min_col, min_row, max_col, max_row = range_boundaries(ref)
                        out.append((min_col, min_row, max_col, max_row))
                if isinstance(el.tag, str) and el.tag.endswith("}row"):
                    el.clear()
            return out
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError, TypeError):
        return []


def read_xlsx_rows(raw: bytes, name: str) -> tuple[list[list[str | None]], str]:
    check_office_container(raw, name, ".xlsx", "Excel")
    open_zip_part(raw, name, "xl/workbook.xml", ".xlsx")
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                chosen: list[list[str | None]] = []
                title = ""
                sheet_path = ""
                for ws in wb.worksheets:
                    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
                    if any(any(c is not None for c in r) for r in rows):
                        chosen, title = rows, ws.title
                        sheet_path = getattr(ws, "_worksheet_path", "")
                        break
            finally:
                wb.close()
    except Exception:  # openpyxl raises many kinds of errors on damaged parts
        raise refuse(name, "is damaged or incomplete and cannot be read as an .xlsx file") from None
    if sheet_path:
        for min_col, min_row, max_col, max_row in _merged_ranges(raw, name, sheet_path):
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
    return chosen, f"xlsx, sheet {title!r}"


# -- typing ----------------------------------------------------------------------------------------
def _is_number(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


def _as_int(value: str) -> int | None:
    if not _is_number(value):
        return None
    f = float(value)
    return int(f) if f.is_integer() else None


def _tokens(header: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", header.casefold()) if t]


def split_multiple(value: str, sep: str) -> list[str]:
    return [p.strip() for p in value.split(sep) if p.strip()]


def _multiple_separator(values: list[str]) -> str | None:
    for sep in (";", ","):
        if not any(sep in v for v in values):
            continue
        parts = [p for v in values for p in split_multiple(v, sep)]
        distinct = set(parts)
        if (
            len(parts) > len(values)
            and len(distinct) <= max(3, min(30, len(parts) // 2))
            and sum(map(len, parts)) / len(parts) <= 40
        ):
            return sep
    return None


def order_options(options: list[str]) -> list[str]:
    """Options in first-seen order, unless they look ordinal (numbered or a known scale)."""
    if options and all(_LEADING_NUMBER.match(o) for o in options):
        return sorted(options, key=lambda o: int(_LEADING_NUMBER.match(o).group(1)))  # type: ignore[union-attr]
    folded = [o.casefold() for o in options]
    for scale in _ORDINAL_SCALES:
        if len(options) > 1 and all(f in scale for f in folded):
            return sorted(options, key=lambda o: scale.index(o.casefold()))
    return options


def detect_type(name: str, values: list[str]) -> str:
    """The detected type of a column from its header and its non-empty values."""
    if not values:
        return "ignore"
    tokens = _tokens(name)
    distinct = set(values)
    short = max(map(len, values)) <= 40
    edge = {tokens[0], tokens[-1]} if tokens else set()
    if edge & _ATTRIBUTE_WORDS and len({v.casefold() for v in distinct}) <= 20 and short:
        return "attribute"
    if all(_is_number(v) for v in values):
        ints = [_as_int(v) for v in values]
        if not (edge & _NUMBER_WORDS) and all(i is not None and 0 <= i <= 10 for i in ints):
            return "likert"
        return "number"
    if _multiple_separator(values):
        return "multiple"
    if len(distinct) <= max(2, min(20, len(values) // 2)) and short:
        return "single"
    return "text"


def _likert_scale(name: str, values: list[str], spec: str | None, file: str) -> tuple[int, int]:
    ints = []
    for v in values:
        i = _as_int(v)
        if i is None:
            raise refuse(
                file, f"has a value {v!r} in the Likert column {name!r} that is not a whole number"
            )
        ints.append(i)
    if spec:
        m = _LIKERT_OVERRIDE.match(spec)
        if m and m.group(1):
            lo, hi = int(m.group(1)), int(m.group(2))
            bad = [i for i in ints if not lo <= i <= hi]
            if bad:
                raise refuse(
                    file, f"has a value {bad[0]} outside the scale {lo}-{hi} in column {name!r}"
                )
            return lo, hi
    lo = 0 if ints and min(ints) == 0 else 1
    if ints and min(ints) < 0:
        raise refuse(file, f"has a negative value in the Likert column {name!r}")
    hi = max(ints) if ints else 5
    return lo, max(hi, 5)


def parse_type_spec(spec: str) -> str:
    """``TYPE`` or ``likert:1-4`` → the base type, or a :class:`UserError`."""
    base = spec.strip().casefold()
    if base.startswith("likert") and _LIKERT_OVERRIDE.match(base):
        return "likert"
    if base not in TYPES:
        raise UserError(f"{spec!r} is not a column type; use one of {', '.join(TYPES)}.")
    return base


def _find_header(rows: list[tuple[int, list[str | None]]], name: str) -> int:
    head = rows[:30]
    width = max((sum(1 for c in r if c is not None) for _, r in head), default=0)
    if width >= 2:
        need = max(2, math.ceil(0.6 * width))
        for i, (_, row) in enumerate(head):
            cells = [c for c in row if c is not None]
            if len(cells) < need or any(_is_number(c) for c in cells):
                continue
            if len({c.casefold() for c in cells}) < len(cells) * 0.9:
                continue
            if i + 1 < len(rows):
                return i
    raise refuse(
        name, "has no recognisable header row (a row naming each column above the answers)"
    )


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
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        rows, source = read_xlsx_rows(raw, name)
        enc: str | None = None
    elif path.suffix.lower() == ".xls":
        raise refuse(name, "is in the old Excel format (.xls); save it as .xlsx and import again")
    else:
        rows, enc, source = read_csv_rows(raw, name, encoding)
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c is not None for c in r)]
    if not numbered:
        raise refuse(name, "is empty")
    h = _find_header(numbered, name)
    header_row, header = numbered[h]
    data = numbered[h + 1 :]
    warnings: list[str] = []
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


def _guess_id_column(columns: list[SurveyColumn]) -> SurveyColumn | None:
    """The first column of short, unique codes (no spaces, not all numbers), else a first
    column of unique whole numbers."""
    for col in columns:
        vals = col.values
        if (
            vals
            and all(v is not None and len(v) <= 20 and " " not in v for v in vals)
            and len(set(vals)) == len(vals)
            and not all(_is_number(v) for v in vals if v is not None)
        ):
            return col
    first = columns[0] if columns else None
    if (
        first
        and all(v is not None and v.isdigit() for v in first.values)
        and len(set(first.values)) == len(first.values)
    ):
        return first
    return None


def _normalise_attribute(col: SurveyColumn, *, lower: bool) -> dict[str, str]:
    """Trim and case-normalise an attribute column in place; return {raw: stored} changes."""
    variants: dict[str, Counter[str]] = {}
    for v in col.values:
        if v is not None:
            variants.setdefault(" ".join(v.split()).casefold(), Counter())[" ".join(v.split())] += 1
    canonical = {
        key: key if lower else counts.most_common(1)[0][0] for key, counts in variants.items()
    }
    changes: dict[str, str] = {}
    new_values: list[str | None] = []
    for v in col.values:
        if v is None:
            new_values.append(None)
            continue
        stored = canonical[" ".join(v.split()).casefold()]
        if stored != v:
            changes[v] = stored
        new_values.append(stored)
    col.values = new_values
    return changes
