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

Rooms: ``read_csv``, ``read_xlsx`` and ``read_stat`` read rows; ``tools`` recognises the
survey tool; ``header`` finds the header row and names the columns; ``families`` puts
one-column-per-option questions together; ``coltypes`` types the columns; ``answers`` reads
each column's answers by its type (``likert`` scale points, ``choices`` multiple choices,
``attributes`` attribute values); ``parse`` puts them together into a :class:`ParsedSurvey`
(``model``). For an import: ``importer`` (options, project facts, preview, storing),
``preview`` (what the preview and report show), ``store`` (participants, responses, closed
answers) and ``documents`` (open-ended questions as codable documents).
"""

from __future__ import annotations

from qualframe.coding.importing.survey.coltypes import (
    detect_type,
    order_options,
    parse_type_spec,
    split_multiple,
)
from qualframe.coding.importing.survey.likert import likert_value
from qualframe.coding.importing.survey.model import (
    SURVEY_SUFFIXES,
    TYPES,
    ParsedSurvey,
    SurveyColumn,
)
from qualframe.coding.importing.survey.parse import parse_survey
from qualframe.coding.importing.survey.read_csv import read_csv_rows
from qualframe.coding.importing.survey.read_xlsx import read_xlsx_rows

__all__ = [
    "SURVEY_SUFFIXES", "TYPES", "ParsedSurvey", "SurveyColumn", "detect_type", "likert_value",
    "order_options", "parse_survey", "parse_type_spec", "read_csv_rows", "read_xlsx_rows",
    "split_multiple",
]  # fmt: skip
