"""Reading a .csv/.tsv export: decoding, the delimiter, quoted multi-line answers, decimal
commas."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable

from qualframe.coding.importing.decode import clean_controls, decode_bytes
from qualframe.coding.importing.errors import ImportCancelled, refuse
from qualframe.coding.importing.survey.cells import _cell_text
from qualframe.coding.importing.survey.model import MAX_COLUMNS, MAX_ROWS, SurveyColumn

# decimal-comma numbers (4,5 / -0,25 / 1.234,5) in files separated by ; or tab
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


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
    raw: bytes,
    name: str,
    encoding: str | None,
    warnings: list[str] | None = None,
    progress: Callable[[int, int, str], bool] | None = None,
) -> tuple[list[list[str | None]], str, str]:
    """The rows of a CSV file, its encoding and how it was read. A row wider than
    ``MAX_COLUMNS`` or more rows than ``MAX_ROWS`` are refused as soon as they are met;
    ``progress(rows read, 0, name)`` is asked every 5,000 rows and may cancel."""
    decoded = decode_bytes(raw, name, encoding)
    if warnings is not None:
        warnings.extend(decoded.warnings)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    delim = "\t" if name.lower().endswith(".tsv") else _sniff_delimiter(text)
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    # Without a control character anywhere in the text (the usual case), a cell only needs
    # trimming: one scan of the text instead of a check of every cell.
    plain = clean_controls(text)[0] is text
    rows: list[list[str | None]] = []
    multiline = False
    last_start = lines_read = 0
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delim)
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise refuse(
                    name,
                    f"has {len(row):,} columns in line {reader.line_num}; a survey export has at "
                    f"most {MAX_COLUMNS:,} (is it a survey, and is its delimiter right?)",
                )
            if len(rows) > MAX_ROWS + 50:
                raise refuse(name, f"has more than {MAX_ROWS:,} rows; import it in parts")
            if (
                progress is not None
                and len(rows) % 5000 == 4999
                and not progress(len(rows) + 1, 0, name)
            ):
                raise ImportCancelled()
            if plain:
                rows.append([c.strip() or None for c in row])
            else:
                rows.append([_cell_text(c) if c else None for c in row])
            multiline = multiline or "\n" in "".join(row)
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
