"""The theme matrix computation, cell by cell, on a project with known codings."""

from __future__ import annotations

import pytest

from qualframe.coding.analysis.matrix import (
    LEFT_OUT_REASONS,
    LeftOut,
    MatrixOptions,
    ThemeMatrix,
    build_matrix,
    cell_lines,
    cell_segments,
    format_counts,
    group_label,
    matrix_note,
    matrix_segments,
)
from qualframe.coding.commands import AddCode, ApplyCode, SetExemplar
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.query.segments import list_segments
from tests.coding.test_matrix_data import EXEMPLAR, Known, build_known_project

ALL = frozenset({"segments", "participants", "percent"})


@pytest.fixture
def known(project: Project) -> Known:
    return build_known_project(project)


def entries(
    m: ThemeMatrix, theme: str, group: str
) -> list[tuple[int, str, int, int, float | None]]:
    row = next(r for r in m.rows if r.name == theme)
    cell = next(c for c in row.cells if c.group == group)
    return [(e.level, e.name, e.segments, e.participants, e.percent) for e in cell.entries]


def test_groups_have_n_from_data(project: Project, known: Known) -> None:
    m = build_matrix(project, MatrixOptions(counts=ALL))
    assert [(g.value, g.label, g.n, g.header) for g in m.groups] == [
        ("mentee", "Mentees", 4, "Mentees (n = 4)"),  # E4 never speaks but is a mentee
        ("mentor", "Mentors", 2, "Mentors (n = 2)"),  # the Moderator is not counted
        ("", "(not set)", 1, "(not set) (n = 1)"),  # X1 has no role
    ]
    assert [g.is_not_set for g in m.groups] == [False, False, True]


def test_every_cell(project: Project, known: Known) -> None:
    m = build_matrix(project, MatrixOptions(counts=ALL))
    # Suggestions has no segment at all: omitted; rows in codebook order.
    assert [r.name for r in m.rows] == ["Outcomes", "Mutual benefits", "Negative experiences"]
    assert entries(m, "Outcomes", "mentee") == [
        # Academic is present through its descendants only.
        (0, "Academic", 3, 2, 50.0),
        (1, "Motivation to study", 2, 2, 50.0),  # X1 (no role) does not count
        (1, "Better grades", 1, 1, 25.0),
        (0, "Lifestyle", 1, 1, 25.0),
        (1, "Daily habits", 1, 1, 25.0),
    ]
    assert entries(m, "Outcomes", "mentor") == [
        (0, "Academic", 1, 1, 50.0),
        (1, "Motivation to study", 1, 1, 50.0),
    ]
    # Rapport was coded only in the (coded!) interviewer turn: it appears nowhere.
    assert entries(m, "Mutual benefits", "mentee") == []
    assert entries(m, "Mutual benefits", "mentor") == [
        (0, "Responsibility", 2, 2, 100.0),
        (1, "Volunteer credit", 2, 2, 100.0),  # used only by mentors
    ]
    assert entries(m, "Negative experiences", "mentee") == [
        (0, "Pressure", 1, 1, 25.0),
        (1, "=Risky formula", 1, 1, 25.0),
    ]
    assert entries(m, "Negative experiences", "mentor") == []
    # X1 has no role: the "(not set)" column counts X1's segment.
    assert entries(m, "Outcomes", "") == [
        (0, "Academic", 1, 1, 100.0),
        (1, "Motivation to study", 1, 1, 100.0),
    ]
    outcomes = m.rows[0]
    assert [(c.segments, c.participants) for c in outcomes.cells] == [(4, 3), (1, 1), (1, 1)]
    assert m.segments_counted == 9
    assert m.left_out.interviewer == 1
    assert m.left_out.no_turn == 1  # the title line lies in no turn
    assert m.left_out.no_value == m.left_out.other_group == m.left_out.above_rows == 0
    assert m.left_out == LeftOut(no_turn=1, interviewer=1)


def test_without_the_not_set_column_its_segments_are_counted_in_the_note(
    project: Project, known: Known
) -> None:
    m = build_matrix(project, MatrixOptions(not_set=False))
    assert [g.value for g in m.groups] == ["mentee", "mentor"]
    assert m.segments_counted == 8
    assert m.left_out == LeftOut(no_turn=1, interviewer=1, no_value=1)
    assert m.left_out.total == 3
    assert (
        "8 of the 11 coded segments are counted; left out: 1 segment of interviewer speech; "
        "1 segment outside any participant's turn; 1 segment from participants without a "
        "value for role."
    ) in matrix_note(m)
    # Choosing the groups leaves the others out, and says so.
    only = build_matrix(project, MatrixOptions(group_order=["mentor"], not_set=False))
    assert only.left_out == LeftOut(no_turn=1, interviewer=1, no_value=1, other_group=5)
    assert "5 segments from participants whose role is not a column" in matrix_note(only)
    # "(not set)" can be placed like any group.
    placed = build_matrix(project, MatrixOptions(group_order=["(Not set)", "mentor"]))
    assert [g.label for g in placed.groups] == ["(not set)", "Mentors"]


def test_include_empty_lists_every_code(project: Project, known: Known) -> None:
    m = build_matrix(project, MatrixOptions(include_empty=True))
    assert [r.name for r in m.rows][-1] == "Suggestions"
    assert entries(m, "Suggestions", "mentee") == [
        (0, "Training", 0, 0, 0.0),
        (1, "Mentor training", 0, 0, 0.0),
    ]
    assert [e[1] for e in entries(m, "Mutual benefits", "mentee")] == [
        "Relationships", "Rapport", "Responsibility", "Volunteer credit",
    ]  # fmt: skip


def test_quotes_exemplar_first_with_pseudonym(project: Project, known: Known) -> None:
    m = build_matrix(project, MatrixOptions(quotes=1))
    motivation = next(e for e in m.rows[0].cells[0].entries if e.name == "Motivation to study")
    assert [(q.text, q.speaker, q.is_exemplar) for q in motivation.quotes] == [
        (EXEMPLAR, "E2", True)
    ]
    m2 = build_matrix(project, MatrixOptions(quotes=5))
    motivation = next(e for e in m2.rows[0].cells[0].entries if e.name == "Motivation to study")
    assert [q.speaker for q in motivation.quotes] == ["E2", "E1"]  # exemplar, then doc order
    lines = cell_lines(m2.rows[0].cells[0], frozenset({"segments"}))
    assert lines[1].text == "Motivation to study (2)"
    assert (lines[2].level, lines[2].kind) == (2, "quote")
    assert lines[2].text == f"“{EXEMPLAR}” — E2"


def test_other_attribute_rows_level_and_group_order(project: Project, known: Known) -> None:
    m = build_matrix(
        project,
        MatrixOptions(by="Gender", rows_level=1, group_order=["male", "female"], not_set=False),
    )
    assert [g.header for g in m.groups] == ["Male (n = 2)", "Female (n = 2)"]
    assert m.attribute == "gender"
    academic = next(r for r in m.rows if r.name == "Academic")
    assert academic.ancestors == ("Outcomes",)
    male, female = academic.cells
    assert [e.name for e in male.entries] == ["Motivation to study", "Better grades"]  # E2
    assert [e.name for e in female.entries] == ["Motivation to study"]  # E1
    assert male.entries[0].level == 0


def test_restrict_to_coder_and_document(project: Project, known: Known) -> None:
    m = build_matrix(project, MatrixOptions(documents=["fgi mentors"]))
    assert [g.n for g in m.groups] == [2]  # only mentors speak there
    assert m.documents == ("FGI mentors",)
    assert "Documents: FGI mentors." in matrix_note(m)
    # A second coder's segment counts only when that coder is chosen.
    project.coder = "Jordan"
    try:
        ApplyCode(
            known.documents["FGI mentors"],
            0,
            4,
            known.codes["Suggestions/Training/Mentor training"],
        ).do(project)
    finally:
        project.coder = "tester"
    assert [r.name for r in build_matrix(project, MatrixOptions(coders=["tester"])).rows][
        -1
    ] != "Suggestions"
    only = build_matrix(project, MatrixOptions(coders=["jordan"]))
    assert [r.name for r in only.rows] == ["Suggestions"]
    assert only.coders == ("Jordan",)


def test_bad_options_are_one_sentence(project: Project, known: Known) -> None:
    with pytest.raises(
        UserError, match=r'no participant attribute "cohort" \(attributes: role, gender\)'
    ):
        build_matrix(project, MatrixOptions(by="cohort"))
    with pytest.raises(UserError, match=r'role "tutor" \(values: mentee, mentor\)'):
        build_matrix(project, MatrixOptions(group_order=["tutor"]))
    with pytest.raises(UserError, match="row level from 0 to 2"):
        build_matrix(project, MatrixOptions(rows_level=3))
    with pytest.raises(UserError, match='no coder "nobody"'):
        build_matrix(project, MatrixOptions(coders=["nobody"]))
    with pytest.raises(UserError, match='no document "missing"'):
        build_matrix(project, MatrixOptions(documents=["missing"]))
    with pytest.raises(UserError, match="Unknown count"):
        MatrixOptions(counts=frozenset({"words"}))


def test_cell_drill_down(project: Project, known: Known) -> None:
    m = build_matrix(project)
    outcomes = m.rows[0]
    recs = cell_segments(project, m.options, outcomes.code_guid, "mentee")
    assert [(r.speaker, r.text) for r in recs] == [
        ("E1", "I felt motivated to study every week."),
        ("E2", "My grades went up a lot."),
        ("E2", "Also I felt motivated again"),
        ("E3", "- dash start: I sleep earlier now"),
    ]
    assert len(recs) == outcomes.cells[0].segments
    long = matrix_segments(project)
    assert len(long) == m.segments_counted
    assert {s.group for s in long} == {"mentee", "mentor", ""}
    assert "Moderator" not in {s.participant for s in long}
    assert not any(s.left_out for s in long)
    # The (not set) cell drills down to X1's segment.
    (x1,) = cell_segments(project, m.options, outcomes.code_guid, "")
    assert (x1.speaker, x1.text) == ("X1", "observing the motivation talk")
    # With the left-out segments: every segment of the project, each once, counted first.
    every = matrix_segments(project, include_left_out=True)
    assert len(every) == len(list_segments(project)) == 11
    assert [s.left_out for s in every[-2:]] == ["no_turn", "interviewer"]
    assert [(s.participant, s.quote) for s in every[-2:]] == [
        ("", "Focus group A"),
        ("Moderator", "We built real rapport in this group"),
    ]


def test_updates_after_new_coding(project: Project, known: Known) -> None:
    before = build_matrix(project)
    seg = ApplyCode(
        known.documents["FGI mentors"], 0, 2, known.codes["Mutual benefits/Relationships/Rapport"]
    )
    seg.do(project)
    after = build_matrix(project)
    mentor = after.rows[1].cells[1]
    assert [e.name for e in mentor.entries][:2] == ["Relationships", "Rapport"]
    assert after.segments_counted == before.segments_counted + 1
    assert seg.guid
    SetExemplar(seg.guid, True).do(project)


def test_hangul_and_emoji(project: Project) -> None:
    from tests.coding.test_matrix_data import add_doc

    theme = AddCode("성과 🎓")
    theme.do(project)
    code = AddCode("동기 부여 🚀", theme.guid)
    code.do(project)
    guid, text = add_doc(project, "한국어 FGI", [("E1", "공부가 재미있어졌어요 😊 정말로.")])
    phrase = "공부가 재미있어졌어요 😊"
    start = text.index(phrase)  # code points, as stored
    assert code.guid
    ApplyCode(guid, start, start + len(phrase), code.guid).do(project)
    m = build_matrix(project, MatrixOptions(quotes=1, counts=frozenset({"segments"})))
    (row,) = m.rows
    assert row.name == "성과 🎓"
    (entry,) = row.cells[0].entries
    assert entry.name == "동기 부여 🚀"
    assert entry.quotes[0].text == phrase


def test_labels_and_counts_format() -> None:
    assert group_label("mentee") == "Mentees"
    assert group_label("mentor") == "Mentors"
    assert group_label("female") == "Female"
    assert group_label("faculty") == "Faculty"  # not a kind of person: no plural
    assert group_label("research") == "Research"  # was "Researches"
    assert group_label("basic") == "Basic"
    assert group_label("student") == "Students"
    assert group_label("physician") == "Physicians"
    assert group_label("child") == "Children"
    assert group_label("never") == "Never"
    assert group_label("2", "year") == "Year 2"
    assert group_label("Mentor A") == "Mentor A"
    assert group_label("멘티") == "멘티"
    assert format_counts(ALL, 5, 3, 27.3) == "(5; 3 participants; 27%)"
    # The same half-up rounding as the survey tables (12.5 → 13, not 12), and never "100%"
    # unless every participant of the group mentioned it.
    assert format_counts({"percent"}, 1, 1, 12.5) == "(13%)"
    assert format_counts({"percent"}, 9, 199, 99.5) == "(> 99%)"
    assert format_counts({"percent"}, 9, 200, 100.0) == "(100%)"
    assert format_counts({"participants"}, 5, 1, None) == "(1 participant)"
    assert format_counts((), 5, 1, None) == ""


# -- edge cases (review) -------------------------------------------------------------------
def _people(project: Project, roles: dict[str, str], by: str = "role") -> str:
    """A transcript in which each person says one thing, coded Outcomes/Study; returns the
    document GUID."""
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from qualframe.coding.corpus.segments import code_range
    from tests.coding.helpers import add_transcript

    turns = [(who, f"{who} found the review sessions useful.") for who in roles]
    guid, text = add_transcript(project, "fgi", turns)
    for person in list_participants(project):
        set_participant_attribute(project, person.guid, by, roles[person.pseudonym])
    for _, speech in turns:
        start = text.index(speech)
        code_range(project, guid, start, start + len(speech), "Outcomes/Study", create=True)
    return guid


def test_values_that_differ_only_by_case_make_one_group(project: Project) -> None:
    _people(project, {"E1": "mentee", "E2": "Mentee", "E3": " mentee", "M1": "mentor"})
    m = build_matrix(project, MatrixOptions(counts=ALL))
    assert [g.header for g in m.groups] == ["Mentees (n = 3)", "Mentors (n = 1)"]
    assert [c.participants for c in m.rows[0].cells] == [3, 1]
    segs = matrix_segments(project, MatrixOptions())
    assert sorted((s.participant, s.group) for s in segs) == [
        ("E1", "mentee"), ("E2", "mentee"), ("E3", "mentee"), ("M1", "mentor"),
    ]  # fmt: skip
    chosen = build_matrix(project, MatrixOptions(group_order=["MENTEE"]))
    assert [g.n for g in chosen.groups] == [3]


def test_group_values_in_natural_order(project: Project) -> None:
    _people(project, {f"P{i}": f"Site {i}" for i in (1, 2, 10, 11)}, by="site")
    m = build_matrix(project, MatrixOptions(by="site"))
    assert [g.label for g in m.groups] == ["Site 1", "Site 2", "Site 10", "Site 11"]


def test_no_participant_with_the_attribute_writes_no_file(project: Project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from qualframe.coding.export.matrix_export import export_matrix

    _people(project, {"E1": "mentee"})
    (person,) = list_participants(project)
    set_participant_attribute(project, person.guid, "gender", "female")
    set_participant_attribute(project, person.guid, "gender", "")  # the attribute, no value
    for suffix in (".docx", ".xlsx", ".csv", ".md"):
        out = tmp_path / f"m{suffix}"
        with pytest.raises(UserError, match='No participant has a value for "gender"'):
            export_matrix(project, MatrixOptions(by="gender"), out)
        assert not out.exists(), suffix


def test_an_empty_matrix_says_why(project: Project) -> None:
    from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
    from tests.coding.helpers import add_transcript

    add_transcript(project, "fgi", [("E1", "Hello.")])
    (person,) = list_participants(project)
    set_participant_attribute(project, person.guid, "role", "mentee")
    m = build_matrix(project)
    assert m.rows == () and matrix_note(m).startswith(
        "The codebook has no codes yet, so the table has no rows. Participants per group"
    )
    AddCode("Outcomes").do(project)
    note = matrix_note(build_matrix(project))
    assert note.startswith("No segment from a participant of these groups is coded yet")


def test_segments_above_the_row_level_are_left_out_and_said(project: Project) -> None:
    from qualframe.coding.corpus.segments import code_range

    guid = _people(project, {"E1": "mentee", "M1": "mentor"})
    code_range(project, guid, 0, 2, "Outcomes")  # coded with the theme itself
    m = build_matrix(project, MatrixOptions(rows_level=1))
    assert m.left_out.above_rows == 1
    assert "1 segment coded directly with a theme (above the category level" in matrix_note(m)
    # The long form lists what the matrix counts, not the theme-level segment.
    segs = matrix_segments(project, MatrixOptions(rows_level=1))
    assert [s.path for s in segs] == [("Outcomes", "Study")] * 2
    assert len(matrix_segments(project, MatrixOptions())) == 3


# -- issue 11, defect 2: nothing coded is dropped without a word --------------------------------
def test_a_theme_coded_directly_shows_in_its_row(project: Project) -> None:
    from qualframe.coding.corpus.segments import code_range

    guid = _people(project, {"E1": "mentee", "M1": "mentor"})
    text = next(s for s in list_segments(project) if s.speaker == "E1").text
    code_range(project, guid, 0, 2, "Outcomes")  # "E1", the label: E1's turn
    code_range(project, guid, 7, 12, "Outcomes")  # "found"
    AddCode("Leaf theme").do(project)
    code_range(project, guid, 13, 16, "Leaf theme")  # a theme without sub-codes
    m = build_matrix(project, MatrixOptions(counts=frozenset({"segments"}), quotes=1))
    outcomes, leaf = m.rows
    mentee = outcomes.cells[0]
    assert (mentee.segments, mentee.participants) == (3, 1)
    assert [(e.level, e.name, e.segments, e.code_guid) for e in mentee.entries] == [
        (0, "(coded with the theme itself)", 2, outcomes.code_guid),
        (0, "Study", 1, mentee.entries[1].code_guid),
    ]
    assert [line.text for line in cell_lines(mentee, {"segments"})] == [
        "(coded with the theme itself) (2)",
        "“E1” — E1",
        "Study (1)",
        f"“{text}” — E1",
    ]
    assert [e.name for e in leaf.cells[0].entries] == ["(coded with the theme itself)"]
    assert outcomes.cells[1].entries[0].name == "Study"  # the mentor has no direct coding
    note = matrix_note(m)
    assert "“(coded with the theme itself)”: segments coded with the theme but with none" in note
    # The drill-down lists them too (the row code itself, not only its descendants).
    recs = cell_segments(project, m.options, outcomes.code_guid, "mentee")
    assert [r.text for r in recs] == ["E1", text, "found"]
    # One level down, a category coded directly is its row's own entry.
    code_range(project, guid, 3, 4, "Outcomes/Study")
    by_category = build_matrix(project, MatrixOptions(rows_level=1))
    study = by_category.rows[0].cells[0]
    assert [(e.name, e.segments) for e in study.entries] == [
        ("(coded with the category itself)", 2)
    ]
    assert by_category.left_out.above_rows == 3


@pytest.mark.parametrize("rows_level", [0, 1, 2])
@pytest.mark.parametrize("not_set", [True, False])
@pytest.mark.parametrize("order", [None, ["mentor"], ["mentee", "(not set)"]])
def test_every_segment_in_scope_is_counted_or_left_out_with_a_reason(
    project: Project, known: Known, rows_level: int, not_set: bool, order: list[str] | None
) -> None:
    from qualframe.coding.corpus.segments import code_range

    # Codings above the row level from every kind of speaker (the old code dropped those of
    # participants outside the shown groups without counting them anywhere).
    mentees = known.documents["FGI mentees"]
    for start in (0, 20, 75, 130, 330):
        code_range(project, mentees, start, start + 3, "Outcomes")
        code_range(project, mentees, start + 4, start + 6, "Outcomes/Academic")
    options = MatrixOptions(rows_level=rows_level, not_set=not_set, group_order=order)
    m = build_matrix(project, options)
    assert m.segments_counted + m.left_out.total == len(list_segments(project)) == 21
    long = matrix_segments(project, options, include_left_out=True)
    assert len(long) == 21
    assert sum(1 for s in long if not s.left_out) == m.segments_counted
    for reason in LEFT_OUT_REASONS:
        assert sum(1 for s in long if s.left_out == reason) == getattr(m.left_out, reason)
    cells = sum(c.segments for r in m.rows for c in r.cells)
    assert cells == m.segments_counted  # every counted segment is in exactly one cell
