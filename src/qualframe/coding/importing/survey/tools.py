"""Which tool exported the file, where its header rows are, and what its columns are for.

Recognised layouts (the first non-blank row is row 1):

* **Qualtrics** (CSV or xlsx): row 1 column ids (``StartDate`` … ``ResponseId`` … ``Q5_1``),
  row 2 the question wording, row 3 ``{"ImportId":"QID5_1"}`` (older exports: no row 3);
  multi-select answers joined by ``,``; "choice text" or "numeric values" exports.
* **SurveyMonkey** (CSV or xlsx): row 1 the questions (blank over a question's further
  columns), row 2 ``Response`` / ``Open-Ended Response`` / the option of a one-column-per-option
  question; ``Respondent ID``, ``Collector ID`` …
* **Google Forms** (CSV): ``Timestamp`` first, optionally ``Email Address``; checkbox answers
  joined by ``, ``; grids as ``Question [Row]``.
* **Microsoft Forms** (xlsx): ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``,
  then the questions; multi-select joined by ``;`` (with a trailing ``;``).
* **LimeSurvey** (CSV): codes as headers (``Q3[SQ001]`` or ``Q3_SQ001``), ``id``,
  ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``; multiple choice as Y/blank.
* **REDCap** (CSV, raw or labels): ``record_id`` (``Record ID``), checkboxes as ``name___1``
  0/1 (labels: ``Question (choice=Label)`` Checked/Unchecked), ``*_complete`` 0/1/2
  (Incomplete/Unverified/Complete).
* **SPSS** ``.sav`` and **Stata** ``.dta`` (read by :mod:`.read_stat`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUALTRICS_META = {
    "startdate", "enddate", "status", "progress", "duration (in seconds)", "finished",
    "recordeddate", "distributionchannel", "userlanguage", "externalreference",
    "externaldatareference", "q_recaptchascore", "q_relevantidduplicate", "q_url",
}  # fmt: skip
_GENERIC_META = {
    "timestamp", "start time", "completion time", "last modified time", "start date",
    "end date", "submitdate", "submit date", "datestamp", "startdate", "lastpage",
    "startlanguage", "seed", "refurl", "collector id", "response id", "interviewtime",
    "redcap_survey_identifier", "redcap_event_name", "redcap_repeat_instrument",
    "redcap_repeat_instance", "survey identifier", "event name", "repeat instrument",
    "repeat instance", "complete?", "타임스탬프", "marca temporal", "zeitstempel", "horodateur",
    "ip address", "progress", "finished", "duration (in seconds)", "responseid",
    "recordeddate",
}  # fmt: skip
_PERSONAL = {
    "ipaddress", "ip address", "ipaddr", "ip", "email", "e-mail", "email address",
    "e-mail address", "recipientemail", "recipientfirstname", "recipientlastname",
    "recipient email", "first name", "last name", "firstname", "lastname", "name", "full name",
    "locationlatitude", "locationlongitude", "latitude", "longitude", "phone",
    "phone number", "custom data 1", "token", "이메일", "이름", "성명", "전화번호",
    "이메일 주소", "adresse e-mail", "e-mail-adresse", "dirección de correo electrónico",
}  # fmt: skip
_TIMESTAMP_NAMES = {"timestamp", "타임스탬프", "marca temporal", "zeitstempel", "horodateur"}


@dataclass
class Layout:
    """What a tool's export looks like: its name, header rows, and its own columns."""

    tool: str = ""  # "" when the file is not recognised as any tool's export
    header_rows: int = 1  # rows from the first non-blank one that form the header
    id_names: tuple[str, ...] = ()  # the tool's response id, preferred as the pseudonym
    separator: str | None = None  # how multi-select answers are joined (None: detect)
    notes: list[str] = field(default_factory=list)
    # choice answers are codes without their labels (Qualtrics numeric values): a column of
    # small whole numbers may be a rating or a nominal choice, which only the user knows
    coded: bool = False


def _folded(row: list[str | None]) -> list[str]:
    return [(c or "").strip().casefold() for c in row]


def detect_layout(rows: list[list[str | None]]) -> Layout:
    """The tool from the first rows (the first non-blank row first)."""
    if not rows:
        return Layout()
    first = _folded(rows[0])
    names = set(first)
    second = _folded(rows[1]) if len(rows) > 1 else []
    third = [c or "" for c in rows[2]] if len(rows) > 2 else []
    if "responseid" in names or ("startdate" in names and "finished" in names):
        import_ids = sum(1 for c in third if c.startswith('{"ImportId"'))
        numeric = _qualtrics_numeric(
            first, third if import_ids else [], rows[3 if import_ids else 2 :]
        )
        kind = "numeric values" if numeric else "choice text"
        return Layout(
            f"Qualtrics ({kind})", 3 if import_ids else 2, ("responseid",), ",", coded=numeric
        )
    if "respondent id" in names and "collector id" in names:
        return Layout("SurveyMonkey", 2, ("respondent id",), None)
    if first and first[0] in _TIMESTAMP_NAMES:
        return Layout("Google Forms", 1, (), ", ")
    if first[:3] == ["id", "start time", "completion time"]:
        return Layout("Microsoft Forms", 1, ("id",), ";")
    if {"submitdate", "lastpage", "startlanguage"} <= names:
        return Layout("LimeSurvey", 1, ("id",), None)
    if any(n.endswith("_complete") for n in names) and (
        "record_id" in names or any("___" in n for n in names)
    ):
        return Layout("REDCap (raw)", 1, ("record_id", first[0]), None)
    if "record id" in names and ("complete?" in names or any("(choice=" in n for n in names)):
        return Layout("REDCap (labels)", 1, ("record id",), None)
    del second
    return Layout()


_QUESTION_ID = re.compile(r'\{"ImportId":"QID\d+(?:_\w+?)?(?<!_TEXT)"')
_CODES = re.compile(r"[\d.,\s-]+")


def _qualtrics_numeric(
    names: list[str], import_ids: list[str], data: list[list[str | None]]
) -> bool:
    """A numeric-values export answers choice questions with codes: every answer of the
    choice questions is a number or a list of numbers. The questions are the columns whose
    ImportId is a ``QID`` other than a text entry (``QID5_TEXT``), else (older exports
    without that row) the columns that are neither metadata nor personal data."""
    if import_ids:
        cols = [i for i, c in enumerate(import_ids) if _QUESTION_ID.match(c.replace(" ", ""))]
    else:
        cols = [i for i, n in enumerate(names) if column_role(n, None, Layout("Qualtrics")) is None]
    cells = [c for r in data[:50] for i in cols if i < len(r) and (c := r[i])]
    return bool(cells) and all(_CODES.fullmatch(c) for c in cells)


def column_role(name: str, label: str | None, layout: Layout) -> str | None:
    """``metadata`` or ``personal`` for a column the tool (or any survey) uses for that."""
    keys = {name.strip().casefold(), (label or "").strip().casefold()}
    if keys & _PERSONAL:
        return "personal"
    if any(k.startswith(("location", "recipient")) for k in keys) and layout.tool.startswith(
        "Qualtrics"
    ):
        return (
            "personal"
            if any("latitude" in k or "longitude" in k for k in keys)
            else ("personal" if any(k.startswith("recipient") for k in keys) else "metadata")
        )
    if layout.tool.startswith("Qualtrics") and keys & _QUALTRICS_META:
        return "metadata"
    if keys & _GENERIC_META:
        return "metadata"
    if any(k.endswith("_complete") or k.endswith("_timestamp") for k in keys):
        return "metadata"
    return None


_STATUS_NAMES = {"status", "progress", "finished", "submitdate", "lastpage", "complete?"}


def status_column(folded_name: str) -> bool:
    """Whether :func:`response_status` reads this (case-folded, trimmed) column."""
    return folded_name in _STATUS_NAMES or folded_name.endswith("_complete")


def response_status(
    layout: Layout, header: list[str], row: list[str | None], max_lastpage: int | None
) -> tuple[str, str]:
    """``complete`` / ``incomplete`` / ``preview`` for one respondent, and why."""
    cells = {h.casefold(): (row[i] if i < len(row) else None) for i, h in enumerate(header)}
    status = (cells.get("status") or "").strip()
    if status in ("1", "Survey Preview", "2", "Survey Test"):
        return "preview", f"Status {status}"
    progress = cells.get("progress")
    if progress and re.fullmatch(r"\d+(\.\d+)?", progress) and float(progress) < 100:
        return "incomplete", f"Progress {progress}"
    finished = (cells.get("finished") or "").strip().casefold()
    if finished in ("false", "0"):
        return "incomplete", "Finished False"
    if layout.tool == "LimeSurvey":
        if not cells.get("submitdate"):
            return "incomplete", "no submitdate"
        last = cells.get("lastpage")
        if max_lastpage is not None and last and last.isdigit() and int(last) < max_lastpage:
            return "incomplete", f"lastpage {last} of {max_lastpage}"
    for key, value in cells.items():
        if key.endswith("_complete") or key == "complete?":
            v = (value or "").strip().casefold()
            if v not in ("2", "complete"):
                return "incomplete", f"{key} {value or 'blank'}"
    return "complete", ""
