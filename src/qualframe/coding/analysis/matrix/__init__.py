"""The theme matrix: the codebook (rows) against participant groups (columns).

Rows are the codes at one level of the codebook (``rows_level`` 0 = themes); each cell lists,
as nested entries, the codes below the row that occur in that group's data, with counts and
exemplar quotes. Columns are the values of one participant attribute (``role`` by default),
and "(not set)" for the participants who have no value for it.

Counting rule (stated in every export's note):

* A code is listed in a group's cell when at least one segment coded with it **or with one
  of its descendants** comes from a participant of that group. Segments coded with the row
  code itself are the cell's first entry, "(coded with the theme itself)".
* A segment "comes from" the participant of the speaker turn (or survey answer) it lies in.
  Interviewer speech never counts (an interviewer turn or a participant marked as
  interviewer), and a segment outside any turn, or in a turn without a participant, counts
  for no group. Participants without a value for the attribute make the "(not set)" column
  (unless switched off). Every segment in scope that no cell counts is counted by reason
  (:class:`LeftOut`) and the note says how many and why.
* Counts beside an entry include its descendants: *segments* is the number of coded
  segments, *participants* the number of distinct participants they come from, and
  *percent* that number as a share of the group's N.
* A group's N is computed from the data: the non-interviewer participants having that
  attribute value (when the matrix is restricted to some documents: those among them who
  speak in at least one of those documents).

Rooms: :mod:`.model` (options and result data), :mod:`.scope` (who counts in which group),
:mod:`.build` (computing the matrix), :mod:`.quotes`, :mod:`.drilldown` (the segments behind
it), :mod:`.text` (cell lines, title and note). Writing files is ``coding.export``'s job
(:mod:`coding.export.matrix_export`).
"""

from qualframe.coding.analysis.formatting import group_label
from qualframe.coding.analysis.matrix.build import build_matrix, own_entry_name
from qualframe.coding.analysis.matrix.drilldown import cell_segments, matrix_segments
from qualframe.coding.analysis.matrix.model import (
    COUNT_KINDS,
    LEFT_OUT_REASONS,
    LEVEL_NAMES,
    NOT_SET,
    NOT_SET_LABEL,
    CellEntry,
    Group,
    LeftOut,
    MatrixCell,
    MatrixOptions,
    MatrixRow,
    MatrixSegment,
    Quote,
    ThemeMatrix,
    level_name,
)
from qualframe.coding.analysis.matrix.scope import group_sizes
from qualframe.coding.analysis.matrix.text import (
    BULLET_GLYPHS,
    COUNTING_RULE,
    QUOTE_MAX_CHARS,
    TEXT_GLYPHS,
    CellLine,
    cell_lines,
    cell_text,
    counts_explanation,
    default_title,
    empty_sentence,
    format_counts,
    left_out_reason,
    left_out_sentence,
    matrix_note,
    quote_line,
    quote_text,
)

__all__ = [
    "BULLET_GLYPHS",
    "COUNTING_RULE",
    "COUNT_KINDS",
    "LEFT_OUT_REASONS",
    "LEVEL_NAMES",
    "NOT_SET",
    "NOT_SET_LABEL",
    "QUOTE_MAX_CHARS",
    "TEXT_GLYPHS",
    "CellEntry",
    "CellLine",
    "Group",
    "LeftOut",
    "MatrixCell",
    "MatrixOptions",
    "MatrixRow",
    "MatrixSegment",
    "Quote",
    "ThemeMatrix",
    "build_matrix",
    "cell_lines",
    "cell_segments",
    "cell_text",
    "counts_explanation",
    "default_title",
    "empty_sentence",
    "format_counts",
    "group_label",
    "group_sizes",
    "left_out_reason",
    "left_out_sentence",
    "level_name",
    "matrix_note",
    "matrix_segments",
    "own_entry_name",
    "quote_line",
    "quote_text",
]
