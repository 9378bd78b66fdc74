"""Survey exports (.csv, .xlsx): one row per respondent, typed columns.

Reading: a .csv is decoded like any text file (BOM, UTF-8, detected legacy encoding) and its
delimiter is the one of ``, ; TAB |`` that gives the most rows of the same width; in a file
separated by ``;``, tab or ``|`` a column of numbers written with decimal commas (``4,5``) is
read as numbers (``4.5``). An .xlsx is read with openpyxl in read-only mode (first visible
worksheet with data; hidden sheets are skipped, other sheets with data are named in a
warning), merged ranges filled with their top-left value, formulas by their saved results
(a warning names columns whose formulas have no saved result), whole numbers shown with
leading zeros (format ``000``) keep them. Values are trimmed strings without control
characters; numbers stored as text are numbers.

The header row is the first of the first 30 non-blank rows that fills most of the table's width
with mostly distinct, non-numeric labels (title rows above it are skipped); blank rows are
skipped. Repeated column names get a suffix (``Q (2)``), with a warning.

Column types (overridable, see ``TYPES``), detected in this order:

* ``id`` — the ``--id-column``, else a column called id / respondent_id / respondent /
  participant / pseudonym / 응답자 / 번호, else the first column whose values are short, unique
  codes without spaces;
* ``ignore`` — a column with no values;
* ``attribute`` — the ``--group-column``, and columns named like a participant variable
  (role, group, gender, sex, year, grade, cohort, class, school, department, major, site,
  역할, 성별, 학년, 집단, 소속, 구분, 전공) with at most 20 short values. Values are trimmed and
  case-normalised: the group column to lower case (`` Mentor``/``MENTOR`` → ``mentor``), other
  attributes to the most frequent spelling; every change is reported, and a rare value one
  or two letters away from a common one (``mentr`` beside ``mentor``) is named in a warning
  (it is kept as written: the user decides whether it is a typo);
* ``likert`` — integers between 0 and 10, also written with their label (``4 - agree``,
  ``5. strongly agree``; each number always with the same label). The scale is 1..k (0..k if
  a 0 occurs) where k is the largest value seen, raised to 5 when it is below 5 (a
  five-point scale is by far the most common, and a scale's top need not be used);
  ``likert:1-4`` sets it explicitly;
* ``number`` — other numbers (or a name such as age, hours, count, 나이, 시간, 횟수);
* ``multiple`` — answers made of ``;``-separated (or, failing that, ``,``-separated) options
  drawn from a small set;
* ``single`` — few distinct short answers (at most half the answers, at most 20), or answers
  that all belong to a known ordinal scale (``Strongly agree`` … ``Strongly disagree``);
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

from qualframe.coding.core.errors import UserError
from qualframe.coding.importing.decode import clean_controls, decode_bytes
from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.extract import check_office_container, open_zip_part

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
# "4 - agree", "5. strongly agree", "2) rarely", "3 = neutral": a scale point with its label
# (the label starts with a letter: "1-2 hours" is a range, not point 1 labelled "2 hours")
_LABELLED_POINT = re.compile(r"\s*(\d{1,2})\s*(?:[-–—.:)=]\s*|\s+)(?=[^\W\d_])(.*?)\s*")
# decimal-comma numbers (4,5 / -0,25 / 1.234,5) in files separated by ; or tab
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_ZERO_PADDED = re.compile(r"0{2,}")


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
    text = str(value)
    if not text.isascii() or not text.isprintable():
        text = clean_controls(text)[0]
    text = text.strip()
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


# An open-ended answer can be long; the csv module's default limit (128 kB) is not a property
# of the file, and an unclosed quote is reported as such below rather than as a long field.
_FIELD_LIMIT = 64 * 1024 * 1024


def read_csv_rows(
    raw: bytes, name: str, encoding: str | None, warnings: list[str] | None = None
) -> tuple[list[list[str | None]], str, str]:
    decoded = decode_bytes(raw, name, encoding)
    if warnings is not None:
        warnings.extend(decoded.warnings)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    delim = "\t" if name.lower().endswith(".tsv") else _sniff_delimiter(text)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    rows: list[list[str | None]] = []
    multiline = False
    last_start = lines_read = 0
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        for row in reader:
            rows.append([_cell_text(c) for c in row])
            multiline = multiline or any("\n" in c for c in row)
            last_start, lines_read = lines_read + 1, reader.line_num
    except csv.Error as exc:
        raise refuse(name, f"is not a well-formed CSV file ({exc})") from None
    if multiline and _unclosed_quote(text, delim):
        raise refuse(
            name,
            f"has a quotation mark that is never closed (in line {last_start}), so every line "
            "after it would be read as one answer; correct the quotes in the file",
        )
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delim]
    return rows, decoded.encoding, f"csv, {shown}-separated"


def _unclosed_quote(text: str, delim: str) -> bool:
    """Whether a quoted field runs to the end of ``text`` (the lenient reader accepts that
    silently, swallowing every later row into one field)."""
    try:
        for _ in csv.reader(io.StringIO(text), delimiter=delim, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


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


# -- typing ----------------------------------------------------------------------------------------
def _is_number(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


def _as_int(value: str) -> int | None:
    if not _is_number(value):
        return None
    f = float(value)
    return int(f) if f.is_integer() else None


def likert_value(value: str) -> int | None:
    """The scale point of a Likert answer: ``4``, ``4.0`` or ``4 - agree`` → 4."""
    i = _as_int(value)
    if i is not None:
        return i
    m = _LABELLED_POINT.fullmatch(value)
    return int(m.group(1)) if m else None


def _labelled_scale(values: list[str]) -> bool:
    """Whether ``values`` are scale points written with labels, each number with one label
    (``4 - agree``); plain numbers may be mixed in."""
    labels: dict[int, str] = {}
    labelled = False
    for v in values:
        if _as_int(v) is not None:
            continue
        m = _LABELLED_POINT.fullmatch(v)
        if m is None or _is_number(m.group(2)):
            return False
        point, label = int(m.group(1)), m.group(2).casefold()
        if labels.setdefault(point, label) != label:
            return False
        labelled = True
    return labelled


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
    if not (edge & _NUMBER_WORDS) and _labelled_scale(values):
        points = [likert_value(v) for v in values]
        if all(i is not None and 0 <= i <= 10 for i in points):
            return "likert"
    if _multiple_separator(values):
        return "multiple"
    if len(distinct) <= max(2, min(20, len(values) // 2)) and short:
        return "single"
    folded = {v.casefold() for v in distinct}
    if any(folded <= set(scale) for scale in _ORDINAL_SCALES):
        return "single"
    return "text"


def _likert_scale(name: str, values: list[str], spec: str | None, file: str) -> tuple[int, int]:
    ints = []
    for v in values:
        i = likert_value(v)
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
            # mostly distinct: exports repeat names ("Other (please specify)"), a merged title
            # row repeats one value across the row
            if len({c.casefold() for c in cells}) < len(cells) * 0.5:
                continue
            if i + 1 < len(rows):
                return i
            raise refuse(name, "has a header row but no answers below it")
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


def _read_decimal_commas(col: SurveyColumn, warnings: list[str]) -> None:
    """Numbers written with a decimal comma (``4,5``) become ``4.5``, in place; only when every
    value of the column is such a number and at least one has a comma."""
    present = [v for v in col.values if v is not None]
    if not present or not any("," in v for v in present):
        return
    if not all(_DECIMAL_COMMA.fullmatch(v) for v in present):
        return
    example = next(v for v in present if "," in v)
    col.values = [None if v is None else v.replace(".", "").replace(",", ".") for v in col.values]
    shown = example.replace(".", "").replace(",", ".")
    warnings.append(
        f"column {col.name!r} uses decimal commas; they were read as decimal points "
        f"({example} → {shown}); if they are lists of choices, set the column to multiple"
    )


def _close(a: str, b: str) -> bool:
    """Whether ``a`` looks like a misspelling of ``b``: one edit apart, two for long words
    (``mentr``/``mentor``, not ``mentee``/``mentor`` or ``male``/``female``)."""
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= limit


def _typo_warnings(col: SurveyColumn) -> list[str]:
    """A rare value close to a more common one (``mentr`` beside ``mentor``) is named; it is
    kept as written, since only the researcher knows whether it is a typo."""
    counts = Counter(v for v in col.values if v is not None)
    out: list[str] = []
    for value, n in counts.items():
        likely = [
            other
            for other, m in counts.most_common()
            if m >= 2 * n and _close(value.casefold(), other.casefold())
        ]
        if likely:
            who = f"{n} respondent{'s' if n != 1 else ''}"
            out.append(
                f"{col.name!r} has the value {value!r} ({who}), close to {likely[0]!r} "
                f"({counts[likely[0]]}); if it is a typo, correct it in the file"
            )
    return out


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
