"""The theme matrix as words — cell lines, title, note, what was left out — checked word for
word on matrices built by hand (no database: what the screen and every export print must
not drift by a word or a number)."""

from __future__ import annotations

import pytest

from qualframe.coding.analysis.matrix import (
    CellEntry,
    Group,
    LeftOut,
    MatrixCell,
    MatrixOptions,
    MatrixRow,
    Quote,
    ThemeMatrix,
    cell_lines,
    cell_text,
    counts_explanation,
    default_title,
    empty_sentence,
    format_counts,
    left_out_reason,
    left_out_sentence,
    level_name,
    matrix_note,
    own_entry_name,
    quote_line,
    quote_text,
)
from qualframe.coding.core.errors import UserError

GROUPS = (Group("mentee", "Mentees", 4), Group("mentor", "Mentors", 2))
QUOTE = Quote("s1", "I plan  my\nweek.", "E1", "FGI", True)


def cell(*entries: CellEntry) -> MatrixCell:
    return MatrixCell("mentee", sum(e.segments for e in entries if e.level == 0), 1, 25.0,
                      entries)  # fmt: skip


def matrix(
    *,
    rows: tuple[MatrixRow, ...] | None = None,
    options: MatrixOptions | None = None,
    groups: tuple[Group, ...] = GROUPS,
    counted: int = 9,
    left_out: LeftOut | None = None,
    coders: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
    codes: int = 12,
    max_depth: int = 2,
) -> ThemeMatrix:
    if rows is None:
        entry = CellEntry("c1", "Academic", 0, 3, 2, 50.0)
        rows = (MatrixRow("t1", "Outcomes", ("Outcomes",), (cell(entry), cell())),)
    return ThemeMatrix(
        "role", options or MatrixOptions(), groups, rows, counted, left_out or LeftOut(),
        coders, documents, max_depth, codes,
    )  # fmt: skip


def test_options_are_checked_and_counts_frozen() -> None:
    assert MatrixOptions(counts={"segments"}).counts == frozenset({"segments"})  # type: ignore[arg-type]
    assert isinstance(MatrixOptions(counts=["percent"]).counts, frozenset)  # type: ignore[arg-type]
    assert MatrixOptions(rows_level=0, quotes=0).not_set
    with pytest.raises(UserError) as err:
        MatrixOptions(counts=frozenset({"words", "bytes"}))
    assert str(err.value) == 'Unknown count "bytes"; choose from segments, participants, percent.'
    with pytest.raises(UserError) as err:
        MatrixOptions(rows_level=-1)
    assert str(err.value) == "The row level must be 0 (themes) or more."
    with pytest.raises(UserError) as err:
        MatrixOptions(quotes=-1)
    assert str(err.value) == "The number of quotes cannot be negative."


def test_small_pieces_of_the_data() -> None:
    assert [level_name(i) for i in range(6)] == [
        "Theme", "Category", "Code", "Sub-code", "Level 5", "Level 6",
    ]  # fmt: skip
    assert Group("", "(not set)", 3).header == "(not set) (n = 3)"
    assert Group("", "(not set)", 3).is_not_set and not GROUPS[0].is_not_set
    row = MatrixRow("g", "Code", ("Theme", "Category", "Code"), ())
    assert row.ancestors == ("Theme", "Category")
    assert LeftOut(1, 20, 300, 4000, 50000).total == 54321
    assert LeftOut().total == 0
    assert own_entry_name(0) == "(coded with the theme itself)"
    assert own_entry_name(1) == "(coded with the category itself)"
    assert own_entry_name(4) == "(coded with the level 5 itself)"


def test_figures_beside_an_entry() -> None:
    every = ("segments", "participants", "percent")
    assert format_counts(every, 5, 3, 27.3) == "(5; 3 participants; 27%)"
    assert format_counts(every, 1, 1, 100.0) == "(1; 1 participant; 100%)"
    assert format_counts(["participants"], 5, 0, None) == "(0 participants)"
    assert format_counts({"percent"}, 5, 1, None) == "(–)"
    assert format_counts({"segments", "percent"}, 2, 1, 0.4) == "(2; < 1%)"
    assert format_counts((), 5, 3, 27.3) == ""


def test_quotes_on_one_line_cut_at_a_word() -> None:
    assert quote_text("  I plan\n my   week. ") == "I plan my week."
    assert quote_text("a" * 280) == "a" * 280  # exactly the limit: whole
    assert quote_text("one two three four", 13) == "one two …"
    assert quote_text("one two three four", 14) == "one two three …"
    assert quote_text("one two, three", 9) == "one two …"  # no comma before the ellipsis
    assert quote_text("a; b: c. d", 8) == "a; b …"
    assert quote_text("one twoX three", 9) == "one twoX …"  # only punctuation is trimmed
    assert quote_line(QUOTE) == "“I plan my week.” — E1"


def test_cell_lines_and_text() -> None:
    own = CellEntry("t1", "(coded with the theme itself)", 0, 2, 1, 25.0, (QUOTE,))
    cat = CellEntry("c1", "Academic", 0, 3, 2, 50.0)
    code = CellEntry("k1", "Motivation", 1, 2, 2, 50.0, (QUOTE, QUOTE))
    deep = CellEntry("k2", "Weekly plans", 2, 1, 1, 25.0, (QUOTE,))
    c = cell(own, cat, code, deep)
    lines = cell_lines(c, {"segments"})
    assert [(line.level, line.kind, line.code_guid, line.text) for line in lines] == [
        (0, "entry", "t1", "(coded with the theme itself) (2)"),
        (1, "quote", "t1", "“I plan my week.” — E1"),
        (0, "entry", "c1", "Academic (3)"),
        (1, "entry", "k1", "Motivation (2)"),
        (2, "quote", "k1", "“I plan my week.” — E1"),
        (2, "quote", "k1", "“I plan my week.” — E1"),
        (2, "entry", "k2", "Weekly plans (1)"),
        (3, "quote", "k2", "“I plan my week.” — E1"),
    ]
    assert cell_lines(c, ())[2].text == "Academic"  # no figures: no trailing space
    assert cell_text(cell(cat, code, deep), {"participants"}).split("\n") == [
        "– Academic (2 participants)",
        "  · Motivation (2 participants)",
        "    ◦ “I plan my week.” — E1",
        "    ◦ “I plan my week.” — E1",
        "    ◦ Weekly plans (1 participant)",
        "      ◦ “I plan my week.” — E1",
    ]
    assert (
        cell_text(cell(cat, code), (), indent="\t")
        == "– Academic\n\t· Motivation\n\t\t◦ “I plan my week.” — E1\n\t\t◦ “I plan my week.” — E1"
    )
    assert cell_text(cell(), {"segments"}) == ""


def test_titles_name_the_levels_shown() -> None:
    assert default_title(matrix()) == "Themes, categories and codes by participant role"
    assert default_title(matrix(max_depth=0)) == "Themes by participant role"
    assert default_title(matrix(max_depth=1)) == "Themes and categories by participant role"
    assert default_title(matrix(options=MatrixOptions(rows_level=1), max_depth=4)) == (
        "Categories, codes, sub-codes and level 5s by participant role"
    )
    # An empty codebook asked for categories as rows: the row level names the table.
    assert default_title(matrix(options=MatrixOptions(rows_level=1), max_depth=0)) == (
        "Categories by participant role"
    )


def test_why_a_table_is_empty() -> None:
    assert empty_sentence(matrix(codes=0)) == (
        "The codebook has no codes yet, so the table has no rows."
    )
    assert empty_sentence(matrix(codes=1)) == (
        "No segment from a participant of these groups is coded yet, so the table has no rows."
    )


def test_counts_explained_once_in_the_note() -> None:
    assert counts_explanation(()) == ""
    assert counts_explanation(["segments"]) == (
        "Figure in parentheses: the number of coded segments (including sub-codes)."
    )
    assert counts_explanation(["percent"]) == (
        "Figure in parentheses: the percentage of the group's participants who mentioned it "
        "(including sub-codes)."
    )
    assert counts_explanation(["percent", "segments", "participants"]) == (
        "Figures in parentheses: the number of coded segments; the number of distinct "
        "participants they come from; that number as a percentage of the group's n (each "
        "including its sub-codes)."
    )
    assert counts_explanation(["participants", "percent"]) == (
        "Figures in parentheses: the number of distinct participants they come from; that "
        "number as a percentage of the group's n (each including its sub-codes)."
    )


def test_what_was_left_out_and_why() -> None:
    everything = LeftOut(no_turn=2, interviewer=1, above_rows=3, no_value=1, other_group=4)
    m = matrix(left_out=everything, options=MatrixOptions(rows_level=2), counted=1)
    assert left_out_sentence(m) == (
        "1 of the 12 coded segments is counted; left out: 1 segment of interviewer speech; 2 "
        "segments outside any participant's turn; 1 segment from participants without a "
        "value for role; 4 segments from participants whose role is not a column; 3 segments "
        "coded directly with a theme or category (above the code level of the rows)."
    )
    assert [left_out_reason(m, r) for r in ("no_turn", "interviewer", "above_rows",
                                            "no_value", "other_group")] == [
        "outside any participant's turn",
        "interviewer speech",
        "coded with a theme or category, above the rows",
        "no value for role",
        "role not a column",
    ]  # fmt: skip
    assert left_out_reason(m, "something else") == "something else"
    one = matrix(left_out=LeftOut(above_rows=1), options=MatrixOptions(rows_level=1))
    assert left_out_sentence(one) == (
        "9 of the 10 coded segments are counted; left out: 1 segment coded directly with a "
        "theme (above the category level of the rows)."
    )
    assert left_out_sentence(matrix(counted=9)) == "All 9 coded segments are counted."
    assert left_out_sentence(matrix(counted=1)) == "The coded segment is counted."
    assert left_out_sentence(matrix(counted=0)) == ""
    assert left_out_sentence(matrix(counted=0, left_out=LeftOut(interviewer=2))) == (
        "0 of the 2 coded segments are counted; left out: 2 segments of interviewer speech."
    )
    scoped = matrix(counted=2, coders=("Ana",), documents=("FGI",))
    assert left_out_sentence(scoped) == (
        "All 2 coded segments of the chosen coders and documents are counted."
    )
    assert left_out_sentence(matrix(counted=1, documents=("FGI",))) == (
        "The coded segment of the chosen documents is counted."
    )
    assert left_out_sentence(matrix(counted=1, coders=("Ana",), left_out=LeftOut(1))) == (
        "1 of the 2 coded segments of the chosen coders is counted; left out: 1 segment "
        "outside any participant's turn."
    )


def test_the_note_says_everything_once_in_order() -> None:
    quoted = MatrixOptions(counts=frozenset({"segments"}), quotes=1)
    own = CellEntry("t1", "(coded with the theme itself)", 0, 1, 1, 25.0)
    rows = (MatrixRow("t1", "Outcomes", ("Outcomes",), (cell(own), cell())),)
    unset = (*GROUPS, Group("", "(not set)", 1))
    m = matrix(rows=rows, options=quoted, groups=unset, left_out=LeftOut(interviewer=1),
               coders=("Ana", "Ben"), documents=("FGI 1", "FGI 2"))  # fmt: skip
    assert matrix_note(m) == (
        "Participants per group (role): Mentees, n = 4; Mentors, n = 2; (not set), n = 1; n "
        "counts the participants who speak in the selected documents. (not set): "
        "participants without a value for role. A category or code is listed in a group's "
        "column when at least one segment coded with it or with one of its sub-codes comes "
        "from a participant of that group; the interviewer's speech and passages outside any "
        "participant's turn are not counted. “(coded with the theme itself)”: segments coded "
        "with the theme but with none of its sub-codes. Figure in parentheses: the number of "
        "coded segments (including sub-codes). Quotes are verbatim coded segments followed "
        "by the speaker's pseudonym; quotes the analysts marked as exemplars come first. 9 of "
        "the 10 coded segments of the chosen coders and documents are counted; left out: 1 "
        "segment of interviewer speech. Coders: Ana, Ben. Documents: FGI 1, FGI 2."
    )
    plain = matrix()
    assert matrix_note(plain) == (
        "Participants per group (role): Mentees, n = 4; Mentors, n = 2; n counts the "
        "participants in the project (interviewers excluded). A category or code is listed "
        "in a group's column when at least one segment coded with it or with one of its "
        "sub-codes comes from a participant of that group; the interviewer's speech and "
        "passages outside any participant's turn are not counted. All 9 coded segments are "
        "counted."
    )
    # An entry of a sub-code is not the row's own entry, whatever it is called.
    lookalike = CellEntry("c9", "(coded with the theme itself)", 0, 1, 1, 25.0)
    rows = (MatrixRow("t1", "Outcomes", ("Outcomes",), (cell(lookalike), cell())),)
    assert "“(coded with" not in matrix_note(matrix(rows=rows))
    empty = matrix(rows=(), counted=0, codes=0)
    assert matrix_note(empty).startswith(
        "The codebook has no codes yet, so the table has no rows. Participants per group"
    )
    assert matrix_note(empty).endswith("are not counted.")
