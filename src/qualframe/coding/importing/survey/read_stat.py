"""SPSS ``.sav``/``.zsav`` and Stata ``.dta`` files, read with pyreadstat (the ReadStat
library R's haven uses).

Variable labels become the items' wording, value labels their options in coded order (and a
Likert item's scale, from its lowest to its highest labelled code), user-defined missing
values are missing. Dates come as ISO dates; numbers as numbers, written without a trailing
``.0`` when whole.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from qualframe.coding.importing.errors import refuse
from qualframe.coding.importing.survey.cells import _cell_text
from qualframe.coding.importing.survey.model import MAX_COLUMNS, MAX_ROWS


@dataclass
class StatFile:
    names: list[str]
    labels: list[str | None]
    columns: list[list[str | None]]  # one list of cell texts per variable
    value_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # code, label
    source: str = ""
    tool: str = ""


def _text(value: Any) -> str | None:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date | time):
        return _cell_text(value)
    return _cell_text(value)


def _code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_stat_file(raw: bytes, name: str, suffix: str) -> StatFile:
    import pyreadstat

    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    tool = "Stata" if suffix == ".dta" else "SPSS"
    # pyreadstat reads from a path: the bytes already read (and size-checked) go to a
    # private temporary file, so the file is read once and cannot change in between.
    fd, tmp = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            _, meta = reader(tmp, metadataonly=True)
            if (meta.number_columns or 0) > MAX_COLUMNS or (meta.number_rows or 0) > MAX_ROWS:
                raise refuse(
                    name,
                    f"has {meta.number_rows:,} cases and {meta.number_columns:,} variables; "
                    f"at most {MAX_ROWS:,} and {MAX_COLUMNS:,} can be imported",
                )
            data, meta = reader(tmp, output_format="dict", user_missing=False)
        except Exception as exc:  # ReadStat's errors name no file: one sentence instead
            if getattr(exc, "args", None) and "can be imported" in str(exc):
                raise
            raise refuse(name, f"is damaged or not a {tool} file and cannot be read") from None
    finally:
        os.unlink(tmp)
    names = list(meta.column_names)
    labels = [meta.column_names_to_labels.get(n) or None for n in names]
    value_labels: dict[str, list[tuple[str, str]]] = {}
    for var, label_set in (meta.variable_to_label or {}).items():
        labels_map = meta.value_labels.get(label_set, {})
        value_labels[var] = [(_code(k), str(v)) for k, v in sorted(labels_map.items())]
    columns = [[_text(v) for v in data[n]] for n in names]
    return StatFile(
        names,
        labels,
        columns,
        value_labels,
        f"{tool[:4].lower() if tool == 'SPSS' else 'dta'}",
        tool,
    )
