"""Cell values as trimmed strings, and the number tests every reader and typer shares."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

from qualframe.coding.importing.decode import clean_controls

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


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


def _is_number(value: str) -> bool:
    return _NUMBER.fullmatch(value) is not None


def _as_int(value: str) -> int | None:
    if not _is_number(value):
        return None
    f = float(value)
    return int(f) if f.is_integer() else None
