"""Reading a table of participant attributes (a classification sheet kept in Excel or a CSV
file): one row per participant, keyed by pseudonym, one column per attribute.

The key column is the one the caller names, else the first whose header says what it is
(pseudonym, participant, id, respondent, case, speaker), else the first column. The first
non-empty row is the header. Values are read as the spreadsheet shows them (numbers without a
spurious ".0", dates as ISO dates), NFC-normalised. Blank cells are left out: importing never
clears a value. A damaged file, a table without data, a repeated column name or a pseudonym
given twice with different values is refused in one sentence naming the file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from qualframe.coding.importing.errors import refuse

KEY_NAMES = ("pseudonym", "participant", "id", "respondent", "case", "speaker", "code")
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


@dataclass
class AttributeTable:
    file: str  # the file's name, for messages
    key_column: str
    columns: list[str]  # the attribute columns, in file order
    rows: list[tuple[str, dict[str, str]]]  # (pseudonym, {attribute: value}) in file order
    blank_keys: int = 0  # data rows without a pseudonym (left out)
    warnings: list[str] = field(default_factory=list)


def _nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", " ".join((value or "").split()))


def _header(rows: list[list[str | None]], name: str) -> tuple[int, list[str]]:
    for i, row in enumerate(rows):
        if any(c for c in row):
            header = [_nfc(c) for c in row]
            while header and not header[-1]:
                header.pop()
            seen: dict[str, str] = {}
            for h in header:
                if not h:
                    continue
                if h.casefold() in seen:
                    raise refuse(name, f'has two columns called "{h}"; rename one of them')
                seen[h.casefold()] = h
            return i, header
    raise refuse(name, "is empty")


def _key_index(header: list[str], key: str | None, name: str) -> int:
    if key:
        for i, h in enumerate(header):
            if h.casefold() == key.strip().casefold():
                return i
        raise refuse(name, f'has no column "{key}" (columns: {", ".join(h for h in header if h)})')
    for wanted in KEY_NAMES:
        for i, h in enumerate(header):
            if h.casefold() == wanted:
                return i
    return 0


def parse_rows(rows: list[list[str | None]], name: str, key: str | None = None) -> AttributeTable:
    """The table in ``rows`` (cells as text, None for blank) — pure, for any reader."""
    start, header = _header(rows, name)
    k = _key_index(header, key, name)
    columns = [(i, h) for i, h in enumerate(header) if h and i != k]
    if not columns:
        raise refuse(name, "has no attribute columns besides the pseudonyms")
    table = AttributeTable(name, header[k], [h for _, h in columns], [])
    where: dict[str, tuple[int, dict[str, str]]] = {}
    for n, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = [_nfc(c) for c in row]
        if not any(cells):
            continue
        pseudonym = cells[k] if k < len(cells) else ""
        if not pseudonym:
            table.blank_keys += 1
            continue
        values = {h: cells[i] for i, h in columns if i < len(cells) and cells[i]}
        earlier = where.get(pseudonym.casefold())
        if earlier is not None:
            if earlier[1] != values:
                raise refuse(
                    name,
                    f'gives "{pseudonym}" twice with different values (rows {earlier[0]} and {n})',
                )
            continue
        where[pseudonym.casefold()] = (n, values)
        table.rows.append((pseudonym, values))
    if not table.rows:
        raise refuse(name, "has a header but no participant rows")
    if table.blank_keys:
        m = table.blank_keys
        table.warnings.append(
            f"{m} row{'s' if m != 1 else ''} without a {table.key_column} left out"
        )
    return table


def read_attribute_table(path: Path, *, key: str | None = None) -> AttributeTable:
    """Read ``path`` (.csv/.tsv/.txt in any common encoding, or .xlsx: its first sheet with
    data)."""
    from qualframe.coding.importing.service import _read as read_source  # size, type checks
    from qualframe.coding.importing.survey import read_csv_rows, read_xlsx_rows

    path = Path(path)
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise refuse(name, "is not a spreadsheet Qualframe reads (use .xlsx or .csv)")
    raw = read_source(path)
    warnings: list[str] = []
    if suffix == ".xlsx":
        rows, _how, _formulas = read_xlsx_rows(raw, name, warnings)
    else:
        rows, _encoding, _how = read_csv_rows(raw, name, None, warnings)
    table = parse_rows(rows, name, key)
    table.warnings[:0] = warnings
    return table
