"""Parsing a survey export into typed columns (no database).

Steps: read the rows (:mod:`.read_csv`, :mod:`.read_xlsx`, :mod:`.read_stat`); recognise the
tool and its header rows (:mod:`.tools`); name the columns (id and wording); put
one-column-per-option families together (:mod:`.families`); set aside metadata and personal
columns; choose the respondent id (never an e-mail, IP address, name or timestamp: without
an id the rows are numbered); flag incomplete and preview responses; type the rest
(:mod:`.coltypes`) and read their answers (:mod:`.answers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.answers import detect, type_column, warn_coded
from qualframe.coding.importing.survey.coltypes import (
    _ID_NAMES,
    _guess_id_column,
    parse_type_spec,
)
from qualframe.coding.importing.survey.families import (
    Candidate,
    confirm,
    family_choices,
    pattern_candidates,
)
from qualframe.coding.importing.survey.header import _find_header, header_names
from qualframe.coding.importing.survey.model import (
    ParsedSurvey,
    SurveyColumn,
    SurveyRequest,
)
from qualframe.coding.importing.survey.read_csv import _read_decimal_commas, read_csv_rows
from qualframe.coding.importing.survey.read_xlsx import read_xlsx_rows
from qualframe.coding.importing.survey.tools import (
    Layout,
    column_role,
    detect_layout,
    response_status,
    status_column,
)


@dataclass
class _Table:
    names: list[str]
    labels: list[str | None]
    columns: list[list[str | None]]
    rows: list[list[str | None]]  # the data rows as read (for statuses)
    source: str
    encoding: str | None
    layout: Layout
    header_row: int
    candidates: list[Candidate] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # 1-based, in the file
    value_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _read(path: Path, raw: bytes, req: SurveyRequest, warnings: list[str]) -> _Table:
    name, suffix = path.name, path.suffix.lower()
    if suffix in {".sav", ".zsav", ".dta"}:
        from qualframe.coding.importing.survey.read_stat import read_stat_file

        stat = read_stat_file(raw, name, suffix)
        n = len(stat.columns[0]) if stat.columns else 0
        rows = [[col[r] for col in stat.columns] for r in range(n)]
        layout = Layout(stat.tool, 0)
        return _Table(stat.names, stat.labels, stat.columns, rows, suffix.lstrip("."), None,
                      layout, 1, value_labels=stat.value_labels)  # fmt: skip
    if suffix in {".xlsx", ".xlsm"}:
        rows, source, unsaved = read_xlsx_rows(raw, name, warnings, req.progress)
        enc: str | None = None
    elif suffix == ".xls":
        raise refuse(name, "is in the old Excel format (.xls); save it as .xlsx and import again")
    else:
        rows, enc, source = read_csv_rows(raw, name, req.encoding, warnings, req.progress)
        unsaved = set()
    numbered = [(i + 1, r) for i, r in enumerate(rows) if r.count(None) != len(r)]
    if not numbered:
        raise refuse(name, "is empty")
    layout = detect_layout([r for _, r in numbered[:53]])  # header rows and 50 answers
    if layout.tool:
        h = 0
        if len(numbered) <= layout.header_rows:
            raise refuse(name, "has a header row but no answers below it")
    else:
        h = _find_header(numbered, name)
    header_row, header = numbered[h]
    second = numbered[h + 1][1] if layout.header_rows >= 2 else []
    body = numbered[h + max(layout.header_rows, 1) :]
    data = [r for _, r in body]
    width = max([len(header), *(len(r) for r in data)])
    names, labels, candidates = header_names(layout, header, second, width)
    if unsaved:
        _warn_unsaved(unsaved, header, warnings)
    columns = _transpose(data, width)
    table = _Table(names, labels, columns, data, source, enc, layout, header_row, candidates)
    table.row_numbers = [n for n, _ in body]
    return table


def _transpose(rows: list[list[str | None]], width: int) -> list[list[str | None]]:
    """Columns from rows (short rows padded with None), by ``zip`` rather than cell by cell."""
    padded = (r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows)
    return [list(col) for col in zip(*padded, strict=True)] if rows else [[] for _ in range(width)]


def _warn_unsaved(unsaved: set[int], header: list[str | None], warnings: list[str]) -> None:
    from openpyxl.utils.cell import get_column_letter

    shown = ", ".join(
        repr(header[c - 1]) if c - 1 < len(header) and header[c - 1] else get_column_letter(c)
        for c in sorted(unsaved)
    )
    warnings.append(
        f"the formulas in {shown} have no saved results (the file was written by a program, "
        "not saved by Excel), so they were read as empty; open and save it in Excel first"
    )


def _columns(table: _Table, warnings: list[str]) -> list[SurveyColumn]:
    """Named columns (a missing name becomes ``column N``, a repeated one ``Q (2)``)."""
    out: list[SurveyColumn] = []
    seen: set[str] = set()
    for c, values in enumerate(table.columns):
        label = table.names[c] if c < len(table.names) else ""
        if not label:
            if all(v is None for v in values):
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
        col = SurveyColumn(label, c, "text", "text", values, label=table.labels[c])
        stat_labels = table.value_labels.get(table.names[c])
        if stat_labels:
            col.codes = list(stat_labels)
            col.declared_options = [lab for _, lab in stat_labels]
        out.append(col)
    return out


def _families(
    table: _Table, columns: list[SurveyColumn], req: SurveyRequest, n_rows: int
) -> list[SurveyColumn]:
    """Replace the members of each one-column-per-option family by one multiple item."""
    labels = [c.label for c in columns]
    candidates = table.candidates or pattern_candidates([c.name for c in columns], labels)
    values = [c.values for c in columns]
    if table.candidates:  # SurveyMonkey: candidates index the table's columns
        by_pos = {c.position: i for i, c in enumerate(columns)}
        for cand in candidates:
            cand.members = [(by_pos[i], o) for i, o in cand.members if i in by_pos]
    families = [
        f for f in confirm(candidates, values)
        if req.column_types.get(f.stem, "multiple").split(":")[0] == "multiple"
    ]  # fmt: skip
    if not families:
        return columns
    replaced: dict[int, SurveyColumn] = {}
    drop: set[int] = set()
    for fam in families:
        first = columns[fam.indices[0]]
        col = SurveyColumn(
            fam.stem, first.position, "multiple", "multiple", [None] * n_rows,
            options=list(fam.options), label=fam.label,
            members=[columns[i].name for i in fam.indices],
        )  # fmt: skip
        col.choices = family_choices(fam, values, n_rows)
        col.values = ["; ".join(c) if c else None for c in col.choices]
        replaced[fam.indices[0]] = col
        drop.update(i for i in fam.indices[1:] if i != fam.other)
        if fam.other is not None:  # its text stays, as an open-ended question of its own
            req.column_types.setdefault(columns[fam.other].name, "text")
    return [replaced.get(i, c) for i, c in enumerate(columns) if i not in drop]


def _lookup(columns: list[SurveyColumn], name: str, key: str, option: str) -> SurveyColumn:
    hit = next((c for c in columns if c.name.casefold() == key.strip().casefold()), None)
    if hit is None:
        raise refuse(name, f"has no column named {key!r} (given with {option})")
    return hit


def _choose_id(
    columns: list[SurveyColumn], table: _Table, req: SurveyRequest, name: str
) -> SurveyColumn | None:
    """The respondent id column: given, forced, the tool's response id, a usual name, or
    the first column of short unique codes — never personal data or metadata."""
    if req.id_column:
        col = _lookup(columns, name, req.id_column, "--id-column")
        if (
            col.type in ("personal", "metadata")
            and col.name.casefold() not in table.layout.id_names
        ):
            raise refuse(
                name,
                f"cannot take {col.name!r} as the respondent id: it holds personal data or a "
                "timestamp, which never becomes a pseudonym (leave --id-column out to number "
                "the respondents)",
            )
        return col
    forced = [c for c in columns if req.column_types.get(c.name, "").casefold() == "id"]
    if forced:
        return forced[0]
    for wanted in table.layout.id_names:
        hit = next((c for c in columns if c.name.casefold() == wanted), None)
        if hit is not None:
            return hit
    for col in columns:
        if col.type not in ("personal", "metadata") and col.name.casefold().strip() in _ID_NAMES:
            return col
    return _guess_id_column(columns)


def _respondents(
    id_col: SurveyColumn | None, table: _Table, req: SurveyRequest, name: str, warnings: list[str]
) -> list[str]:
    n_rows = len(table.rows)
    numbers = table.row_numbers or [k + 2 for k in range(n_rows)]
    if id_col is None:
        first = req.number_from
        width = max(3, len(str(first + n_rows - 1)))
        ids = [f"R{first + k:0{width}d}" for k in range(n_rows)]
        if ids:
            warnings.append(
                f"the file has no respondent id column, so the respondents were numbered "
                f"{ids[0]}–{ids[-1]} in file order (name the id column with --id-column if it "
                "has one)"
            )
        return ids
    respondents: list[str] = []
    first_row: dict[str, int] = {}
    for row_no, value in zip(numbers, id_col.values, strict=True):
        if value is None:
            raise refuse(name, f"has no respondent id in row {row_no} (column {id_col.name!r})")
        if value in first_row:
            raise refuse(
                name,
                f"has duplicate respondent ids ({value} in rows {first_row[value]} and {row_no})",
            )
        first_row[value] = row_no
        respondents.append(value)
    return respondents


def _statuses(table: _Table, n_rows: int) -> tuple[list[str], list[str]]:
    header = [n.strip() for n in table.names]
    folded = [h.casefold() for h in header]
    max_last = None
    if "lastpage" in folded:
        k = folded.index("lastpage")
        pages = [int(v) for v in table.columns[k] if v and v.isdigit()]
        max_last = max(pages) if pages else None
    # only the columns a status is read from (the rest of a 60-column row is never looked at)
    keep = [i for i, h in enumerate(folded) if status_column(h)]
    if not keep and table.layout.tool != "LimeSurvey":
        return ["complete"] * n_rows, [""] * n_rows
    sub = [header[i] for i in keep]
    cols = [table.columns[i] if i < len(table.columns) else [None] * n_rows for i in keep]
    rows = zip(*cols, strict=True) if cols else (() for _ in range(n_rows))
    out = [response_status(table.layout, sub, list(row), max_last) for row in rows]
    return [s for s, _ in out], [d for _, d in out]


def parse_survey(
    path: Path,
    raw: bytes,
    *,
    encoding: str | None = None,
    id_column: str | None = None,
    group_column: str | None = None,
    column_types: dict[str, str] | None = None,
    request: SurveyRequest | None = None,
) -> ParsedSurvey:
    """Parse a survey export; refuses (one sentence naming the file) what cannot be read."""
    name = path.name
    if not raw.strip():
        raise refuse(name, "is empty")
    req = request or SurveyRequest()
    req.encoding = encoding or req.encoding
    req.id_column = id_column or req.id_column
    req.group_column = group_column or req.group_column
    warnings: list[str] = []
    table = _read(path, raw, req, warnings)
    n_rows = len(table.rows)
    if n_rows == 0:
        raise refuse(name, "has a header row but no answers below it")
    columns = _columns(table, warnings)
    req.column_types = _overrides(columns, column_types or req.column_types, name, warnings)
    if table.source.startswith("csv") and "comma-separated" not in table.source:
        for col in columns:
            if req.column_types.get(col.name, "number").split(":")[0] in ("number", "likert"):
                _read_decimal_commas(col, warnings)
    columns = _families(table, columns, req, n_rows)
    for col in columns:
        role = column_role(col.name, col.label, table.layout)
        if role is not None:
            col.type = col.detected = role
    id_col = _choose_id(columns, table, req, name)
    respondents = _respondents(id_col, table, req, name, warnings)
    statuses, details = _statuses(table, n_rows)
    group_col = (
        _lookup(columns, name, req.group_column, "--group-column") if req.group_column else None
    )
    mapping: dict[str, dict[str, str]] = {}
    coded: list[SurveyColumn] = []
    for col in columns:
        if col is id_col:
            col.type = col.detected = "id"
            continue
        if col.type not in ("metadata", "personal") and col.members is None:
            col.detected = detect(col, req)
            if table.layout.coded and col.detected == "likert":
                col.detected = "single"  # a code may stand for a rating or a nominal choice
                coded.append(col)
            col.type = col.detected
        spec = req.column_types.get(col.name)
        if col is group_col:
            col.type = "attribute"
        elif spec:
            col.type = parse_type_spec(spec)
            if col.type == "id":
                col.type = "attribute"
                warnings.append(f"{col.name!r} cannot be a second id column; it is an attribute")
        changes = type_column(col, req, col is group_col, name, table.layout, warnings)
        if changes:
            mapping[col.name] = changes
    warn_coded([c for c in coded if c.type == "single"], table.layout, warnings)
    personal = [c.name for c in columns if c.type == "personal"]
    if personal:
        warnings.append(
            "personal data (" + ", ".join(repr(p) for p in personal) + ") is not stored "
            "unless you ask for it, and never exported"
        )
    return ParsedSurvey(
        encoding=table.encoding, source=table.source, columns=columns,
        id_column=id_col.name if id_col else "", respondents=respondents,
        group_column=group_col.name if group_col else None, mapping=mapping,
        warnings=warnings, header_row=table.header_row, tool=table.layout.tool,
        statuses=statuses, status_details=details, numbered=id_col is None,
    )  # fmt: skip


def _overrides(
    columns: list[SurveyColumn], given: dict[str, str], name: str, warnings: list[str]
) -> dict[str, str]:
    """``--column`` types keyed by the columns' own spelling (a family by its stem)."""
    by_name = {c.name.casefold(): c.name for c in columns}
    out: dict[str, str] = {}
    for key, spec in given.items():
        parse_type_spec(spec)
        folded = key.strip().casefold()
        if folded in by_name:
            out[by_name[folded]] = spec.strip().casefold()
        else:
            out[key.strip()] = spec.strip().casefold()  # perhaps a family's stem
            if not any(c.name.casefold().startswith(folded) for c in columns):
                warnings.append(f"--column {key}: {name} has no such column")
    return out
