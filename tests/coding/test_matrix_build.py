"""The theme matrix computed on a small study whose every figure is known: cells and their
entries at each row level, roll-ups, percentages, quotes (which, in what order), and the
segments behind the matrix (the long form and the drill-down)."""

from __future__ import annotations

import pytest

from qualframe.coding.analysis.matrix import (
    MatrixOptions,
    build_matrix,
    cell_segments,
    matrix_segments,
)
from qualframe.coding.analysis.matrix.build import Tally, roll_up
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import AddCode, ApplyCode, SetExemplar, UndoStack
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import document_text
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from qualframe.coding.query.segments import list_segments
from tests.coding.helpers import add_transcript

# Two focus groups. Mentees E1, E2 (and E3, who never speaks); mentor M1; X1 without a role.
FIRST = [
    ("Moderator", "Tell us about planning."),
    ("E1", "I plan every Sunday evening."),
    ("M1", "I check her plan each week."),
    ("X1", "I only listened today."),
]
SECOND = [("E2", "Plans made me calmer before exams."), ("E1", "Exams felt fair.")]


@pytest.fixture
def study(project: Project) -> dict[str, str]:
    g: dict[str, str] = {}
    g["first"], first = add_transcript(project, "Group A", FIRST)
    g["second"], second = add_transcript(project, "Group B", SECOND)
    add_transcript(project, "Group C", [("E3", "(no coded speech)")])
    roles = {"E1": "mentee", "E2": "mentee", "E3": "mentee", "M1": "mentor"}
    for p in list_participants(project):
        if p.pseudonym in roles:
            set_participant_attribute(project, p.guid, "role", roles[p.pseudonym])
    stack = UndoStack(project)

    def code(name: str, parent: str | None = None) -> str:
        guid = stack.push(AddCode(name, parent)).created_guid
        assert guid
        return guid

    g["study"] = code("Study")
    g["habits"] = code("Habits", g["study"])
    g["planning"] = code("Planning", g["habits"])
    g["calm"] = code("Calm", g["study"])
    g["fairness"] = code("Fairness")  # a theme without sub-codes

    def apply(doc: str, text: str, quote: str, code_guid: str) -> str:
        i = text.index(quote)
        guid = stack.push(ApplyCode(g[doc], i, i + len(quote), code_guid)).created_guid
        assert guid
        return guid

    g["s_moderator"] = apply("first", first, "Tell us about planning.", g["planning"])
    g["s_e1_plan"] = apply("first", first, "I plan every Sunday", g["planning"])
    g["s_e1_habit"] = apply("first", first, "every Sunday evening", g["habits"])
    g["s_m1"] = apply("first", first, "I check her plan", g["planning"])
    g["s_x1"] = apply("first", first, "I only listened", g["study"])
    g["s_e2_plan"] = apply("second", second, "Plans made me calmer", g["planning"])
    g["s_e2_calm"] = apply("second", second, "calmer before exams", g["calm"])
    g["s_e1_fair"] = apply("second", second, "Exams felt fair.", g["fairness"])
    g["s_e1_study"] = apply("second", second, "Exams felt", g["study"])
    return g


def entries(m, row: str, group: str) -> list[tuple[int, str, int, int, float | None]]:  # type: ignore[no-untyped-def]
    r = next(r for r in m.rows if r.name == row)
    cell = next(c for c in r.cells if c.group == group)
    return [(e.level, e.name, e.segments, e.participants, e.percent) for e in cell.entries]


def test_cells_roll_up_each_group(project: Project, study: dict[str, str]) -> None:
    m = build_matrix(project, MatrixOptions(include_empty=True))
    assert [(g.value, g.n) for g in m.groups] == [("mentee", 3), ("mentor", 1), ("", 1)]
    assert [r.name for r in m.rows] == ["Study", "Fairness"]
    own = "(coded with the theme itself)"
    assert entries(m, "Study", "mentee") == [
        (0, own, 1, 1, 100 / 3),
        (0, "Habits", 3, 2, 200 / 3),
        (1, "Planning", 2, 2, 200 / 3),
        (0, "Calm", 1, 1, 100 / 3),
    ]
    assert entries(m, "Study", "mentor") == [
        (0, "Habits", 1, 1, 100.0),
        (1, "Planning", 1, 1, 100.0),
        (0, "Calm", 0, 0, 0.0),
    ]
    assert entries(m, "Study", "") == [
        (0, own, 1, 1, 100.0),
        (0, "Habits", 0, 0, 0.0),
        (1, "Planning", 0, 0, 0.0),
        (0, "Calm", 0, 0, 0.0),
    ]
    study_row = m.rows[0]
    assert [(c.group, c.segments, c.participants, c.percent) for c in study_row.cells] == [
        ("mentee", 5, 2, 200 / 3), ("mentor", 1, 1, 100.0), ("", 1, 1, 100.0),
    ]  # fmt: skip
    assert entries(m, "Fairness", "mentee") == [(0, own, 1, 1, 100 / 3)]
    assert entries(m, "Fairness", "mentor") == []
    assert (m.segments_counted, m.left_out.interviewer, m.left_out.total) == (8, 1, 1)
    assert (m.codes, m.max_depth, m.attribute, m.coders, m.documents) == (5, 2, "role", (), ())
    # Without empty codes: only what was coded for the group, and no empty rows.
    lean = build_matrix(project)
    assert entries(lean, "Study", "mentor") == [
        (0, "Habits", 1, 1, 100.0),
        (1, "Planning", 1, 1, 100.0),
    ]
    assert entries(lean, "Study", "") == [(0, own, 1, 1, 100.0)]
    only_mentors = build_matrix(project, MatrixOptions(group_order=["mentor"], not_set=False))
    assert [r.name for r in only_mentors.rows] == ["Study"]
    assert [r.name for r in build_matrix(project, MatrixOptions(group_order=["mentor"], include_empty=True, not_set=False)).rows] == ["Study", "Fairness"]  # fmt: skip


def test_rows_at_each_level(project: Project, study: dict[str, str]) -> None:
    by_category = build_matrix(project, MatrixOptions(rows_level=1))
    assert [r.path for r in by_category.rows] == [("Study", "Habits"), ("Study", "Calm")]
    assert entries(by_category, "Habits", "mentee") == [
        (0, "(coded with the category itself)", 1, 1, 100 / 3),
        (0, "Planning", 2, 2, 200 / 3),
    ]
    assert by_category.left_out.above_rows == 3  # coded with a theme: X1, E1 twice
    by_code = build_matrix(project, MatrixOptions(rows_level=2, counts=frozenset({"segments"})))
    ((planning),) = by_code.rows
    assert [(c.group, c.segments) for c in planning.cells] == [
        ("mentee", 2), ("mentor", 1), ("", 0),
    ]  # fmt: skip
    assert entries(by_code, "Planning", "mentee") == [
        (0, "(coded with the code itself)", 2, 2, 200 / 3)
    ]
    assert by_code.left_out.above_rows == 5
    with pytest.raises(UserError) as err:
        build_matrix(project, MatrixOptions(rows_level=3))
    assert str(err.value) == "The codebook has 3 level(s); choose a row level from 0 to 2."


def test_roll_up_stops_at_the_row_level() -> None:
    from qualframe.coding.core.records import CodeRecord

    def rec(i: int, parent: str | None, depth: int) -> CodeRecord:
        return CodeRecord(
            i, f"g{i}", parent, f"c{i}", "", "", "", "", "", 0, ("x",) * (depth + 1), depth
        )

    tree = [rec(1, None, 0), rec(2, "g1", 1), rec(3, "g2", 2), rec(4, "g1", 1)]
    tally = Tally()
    tally.add(3, 10, "a", "", 2)
    tally.add(2, 11, "a", "", 1)
    tally.add(4, 10, "b", "", 5)
    tally.add(1, None, "", "interviewer", 7)
    assert tally.counted == 8 and tally.left_out == {"interviewer": 7}
    top = roll_up(tree, tally, ["a", "b"], 0)
    assert [top.segments[(i, "a")] for i in (1, 2, 3, 4)] == [3, 3, 2, 0]
    assert [top.segments[(i, "b")] for i in (1, 2, 3, 4)] == [5, 0, 0, 5]
    assert top.people[(1, "a")] == {10, 11} and top.people[(1, "b")] == {10}
    mid = roll_up(tree, tally, ["a"], 1)
    assert [mid.segments[(i, "a")] for i in (1, 2, 3)] == [0, 3, 2]  # not into the theme
    assert mid.people[(1, "a")] == set()


def test_quotes_exemplars_first_then_document_order(
    project: Project, study: dict[str, str]
) -> None:
    stack = UndoStack(project)
    stack.push(SetExemplar(study["s_e2_plan"], True))  # later in the project than E1's
    one = build_matrix(project, MatrixOptions(quotes=1))
    planning = next(e for e in one.rows[0].cells[0].entries if e.name == "Planning")
    (q,) = planning.quotes
    assert (q.segment_guid, q.text, q.speaker, q.document, q.is_exemplar) == (
        study["s_e2_plan"], "Plans made me calmer", "E2", "Group B", True,
    )  # fmt: skip
    three = build_matrix(project, MatrixOptions(quotes=3))
    cell = three.rows[0].cells[0]
    planning = next(e for e in cell.entries if e.name == "Planning")
    assert [q.text for q in planning.quotes] == ["Plans made me calmer", "I plan every Sunday"]
    habits = next(e for e in cell.entries if e.name == "Habits")
    assert [q.text for q in habits.quotes] == ["every Sunday evening"]  # its own segment only
    own = cell.entries[0]
    assert [q.text for q in own.quotes] == ["Exams felt"]
    mentor = three.rows[0].cells[1].entries
    assert [(e.name, [q.speaker for q in e.quotes]) for e in mentor] == [
        ("Habits", []), ("Planning", ["M1"]),
    ]  # fmt: skip
    # The moderator's planning question is never a quote, nor X1's words under a group.
    texts = {q.text for r in three.rows for c in r.cells for e in c.entries for q in e.quotes}
    assert "Tell us about planning." not in texts
    assert build_matrix(project).rows[0].cells[0].entries[1].quotes == ()


def test_quotes_follow_the_documents_position_not_their_name(
    project: Project, study: dict[str, str]
) -> None:
    # "Group 0" sorts before "Group A" by name but was added last: its quote comes last.
    doc, text = add_transcript(project, "Group 0", [("E2", "I plan with a calendar now.")])
    i = text.index("I plan")
    UndoStack(project).push(ApplyCode(doc, i, i + 6, study["planning"]))
    m = build_matrix(project, MatrixOptions(quotes=5))
    planning = next(e for e in m.rows[0].cells[0].entries if e.name == "Planning")
    assert [q.text for q in planning.quotes] == [
        "I plan every Sunday", "Plans made me calmer", "I plan",
    ]  # fmt: skip


def test_the_segments_behind_the_matrix(project: Project, study: dict[str, str]) -> None:
    long = matrix_segments(project)
    assert [(s.participant, s.group, s.path[-1], s.quote) for s in long] == [
        ("E1", "mentee", "Planning", "I plan every Sunday"),
        ("E1", "mentee", "Habits", "every Sunday evening"),
        ("M1", "mentor", "Planning", "I check her plan"),
        ("X1", "", "Study", "I only listened"),
        ("E2", "mentee", "Planning", "Plans made me calmer"),
        ("E2", "mentee", "Calm", "calmer before exams"),
        ("E1", "mentee", "Study", "Exams felt"),
        ("E1", "mentee", "Fairness", "Exams felt fair."),
    ]
    first = long[0]
    assert (first.document, first.coder, first.is_exemplar, first.left_out) == (
        "Group A", "tester", False, "",
    )  # fmt: skip
    assert first.segment_guid == study["s_e1_plan"]
    assert first.path == ("Study", "Habits", "Planning")
    every = matrix_segments(project, include_left_out=True)
    assert every[:-1] == long
    assert (every[-1].participant, every[-1].group, every[-1].left_out) == (
        "Moderator", "", "interviewer",
    )  # fmt: skip
    # One cell: the row code with its descendants (the row code itself included), one group.
    study_mentee = matrix_segments(project, code_guid=study["study"], group="mentee")
    assert [s.segment_guid for s in study_mentee] == [
        study["s_e1_plan"], study["s_e1_habit"], study["s_e2_plan"], study["s_e2_calm"],
        study["s_e1_study"],
    ]  # fmt: skip
    assert (
        matrix_segments(project, code_guid=study["habits"], group="mentor")[0].participant == "M1"
    )
    assert matrix_segments(project, code_guid=study["fairness"], group="mentor") == []
    assert matrix_segments(project, group="nobody") == []
    with pytest.raises(UserError, match="That code no longer exists"):
        matrix_segments(project, code_guid="gone")
    # The drill-down gives the full records of the same segments, in document order.
    m = build_matrix(project)
    records = cell_segments(project, m.options, study["study"], "mentee")
    assert [r.guid for r in records] == [s.segment_guid for s in study_mentee]
    assert records[-1].text == "Exams felt" and records[-1].speaker == "E1"
    assert [r.guid for r in cell_segments(project, m.options, study["study"], "")] == [
        study["s_x1"]
    ]
    assert cell_segments(project, m.options, study["fairness"], "mentor") == []


def test_the_segments_of_chosen_coders_and_documents(
    project: Project, study: dict[str, str]
) -> None:
    project.coder = "Second"
    text = document_text(project, study["second"])
    i = text.index("fair")
    UndoStack(project).push(ApplyCode(study["second"], i, i + 4, study["calm"]))
    project.coder = "tester"
    second_only = MatrixOptions(documents=["group b"], coders=["second"])
    assert [(s.quote, s.coder) for s in matrix_segments(project, second_only)] == [
        ("fair", "Second")
    ]
    m = build_matrix(project, second_only)
    assert (m.coders, m.documents, m.segments_counted, m.left_out.total) == (
        ("Second",), ("Group B",), 1, 0,
    )  # fmt: skip
    assert [(g.value, g.n) for g in m.groups] == [("mentee", 2)]  # who speaks in Group B
    both = MatrixOptions(documents=["Group A", "Group B"])
    assert len(matrix_segments(project, both)) == 9
    assert code_tree(project)[0].guid == study["study"]


def test_long_form_order_names_and_flags(project: Project, study: dict[str, str]) -> None:
    from qualframe.coding.corpus.documents import DocumentData, TurnData, add_document_in
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

    stack = UndoStack(project)
    # A turn labelled otherwise than its speaker's pseudonym, and one nobody is mapped to.
    text = "Mentor One: I review exam questions.\n\nGuest: Me too."
    with project.write() as s:
        people_ = add_participants_in(s, [ParticipantData("M1", attributes={"role": "mentor"})])
        doc = add_document_in(
            s, project.coder,
            DocumentData("Group D", text, original_filename="d.txt", turns=[
                TurnData(0, 36, "Mentor One", 10, False),
                TurnData(38, len(text), "Guest", 43, False),
            ]),
            {"Mentor One": people_["M1"]},
        ).guid  # fmt: skip
    outer = stack.push(ApplyCode(doc, 0, 36, study["planning"])).created_guid
    inner = stack.push(ApplyCode(doc, 12, 18, study["habits"])).created_guid  # inside, ends first
    # The same range with two sub-codes, the later code first: ties follow the coding order.
    later_code = stack.push(ApplyCode(doc, 19, 23, study["calm"])).created_guid
    earlier_code = stack.push(ApplyCode(doc, 19, 23, study["planning"])).created_guid
    guest = stack.push(ApplyCode(doc, 45, 48, study["study"])).created_guid
    stack.push(SetExemplar(inner or "", True))
    rows = [s for s in matrix_segments(project, include_left_out=True) if s.document == "Group D"]
    assert [(s.segment_guid, s.participant, s.is_exemplar, s.left_out) for s in rows] == [
        (outer, "M1", False, ""),
        (inner, "M1", True, ""),
        (later_code, "M1", False, ""),
        (earlier_code, "M1", False, ""),
        (guest, "Guest", False, "no_turn"),
    ]
    cell = [
        s.segment_guid for s in matrix_segments(project, code_guid=study["study"], group="mentor")
    ]
    assert cell[-4:] == [outer, inner, later_code, earlier_code]
    with pytest.raises(UserError) as err:
        matrix_segments(project, MatrixOptions(group_order=["tutor"]))
    assert str(err.value) == 'No participant has role "tutor" (values: mentee, mentor).'


def test_quotes_follow_the_documents_position_then_name(
    project: Project, study: dict[str, str]
) -> None:
    from sqlalchemy import update

    from qualframe.storage.models import Document

    with project.write() as s:  # Group B first, then Group A (ids say otherwise)
        s.execute(update(Document).where(Document.guid == study["second"]).values(position=-5))
    m = build_matrix(project, MatrixOptions(quotes=5))
    planning = next(e for e in m.rows[0].cells[0].entries if e.name == "Planning")
    assert [q.text for q in planning.quotes] == ["Plans made me calmer", "I plan every Sunday"]
    with project.write() as s:  # the same position: by name, Group A first
        s.execute(update(Document).values(position=0))
    m = build_matrix(project, MatrixOptions(quotes=5))
    planning = next(e for e in m.rows[0].cells[0].entries if e.name == "Planning")
    assert [q.text for q in planning.quotes] == ["I plan every Sunday", "Plans made me calmer"]
    with project.write() as s:  # the same position, Group A renamed: by name, not by id
        s.execute(update(Document).where(Document.guid == study["first"]).values(name="Z"))
    m = build_matrix(project, MatrixOptions(quotes=5))
    planning = next(e for e in m.rows[0].cells[0].entries if e.name == "Planning")
    assert [q.text for q in planning.quotes] == ["Plans made me calmer", "I plan every Sunday"]


def test_a_segment_over_two_turns_is_quoted_from_its_own_turn_only(
    project: Project, study: dict[str, str]
) -> None:
    """A segment kept as one over E2's and E1's turns counts for E2 (the larger part); every
    quote of it, in the matrix, its long form, the drill-down and the listing, is E2's words
    without E1's label or words."""
    text = document_text(project, study["second"])
    start = text.index("calmer before exams")
    end = text.index("Exams felt") + len("Exams felt")
    guid = UndoStack(project).push(ApplyCode(study["second"], start, end, study["calm"]))
    seg = guid.created_guid
    own = "calmer before exams."
    m = build_matrix(project, MatrixOptions(quotes=5))
    calm = next(e for e in m.rows[0].cells[0].entries if e.name == "Calm")
    assert own in [q.text for q in calm.quotes]
    long_form = {s.segment_guid: s for s in matrix_segments(project)}
    assert (long_form[seg].quote, long_form[seg].participant) == (own, "E2")
    behind = cell_segments(project, MatrixOptions(), study["study"], "mentee")
    assert next(s.text for s in behind if s.guid == seg) == own
    (listed,) = [s for s in list_segments(project, code_guid=study["calm"]) if s.guid == seg]
    assert (listed.text, listed.start, listed.end) == (own, start, end)


def test_quotes_are_read_in_batches_without_losing_one(
    project: Project, study: dict[str, str]
) -> None:
    """Quotes are read 500 segment ids at a time: an id at any place of a long list (here
    after 500 and after 1,000 others) is found."""
    from qualframe.coding.analysis.matrix.quotes import _quotes

    by_guid = {s.guid: s.id for s in list_segments(project)}
    a, b = by_guid[study["s_e1_plan"]], by_guid[study["s_e2_plan"]]
    with project.read() as s:
        for ids in ([a] * 500 + [b] + [a] * 10, [a] * 1000 + [b]):
            found = _quotes(s, ids, lambda text: text)
            assert sorted(found) == sorted({a, b})
            assert found[b].text == "Plans made me calmer"


def test_documents_and_a_set_count_only_the_named_documents_in_the_set(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.analysis.matrix import matrix_note
    from qualframe.coding.analysis.matrix.text import left_out_sentence
    from qualframe.coding.commands import AddDocumentSet

    stack = UndoStack(project)
    stack.push(AddDocumentSet("Pair", [study["first"], study["second"]]))
    stack.push(AddDocumentSet("Solo", [study["second"]]))
    options = MatrixOptions(
        documents=["Group B", "Group C"], document_sets=["Pair", "Solo"], coders=["TESTER"]
    )
    m = build_matrix(project, options)
    assert (m.attribute, m.coders, m.documents) == ("role", ("tester",), ("Group B",))
    assert m.document_sets == ("Pair (2 documents)", "Solo (1 document)")
    assert [(g.value, g.n) for g in m.groups] == [("mentee", 2)]  # E2 and E1 speak there
    assert m.segments_counted == 4  # Group B's four codings, none of Group A's
    note = matrix_note(m)
    assert "Document sets: Pair (2 documents); Solo (1 document). Documents: Group B." in note
    assert left_out_sentence(m) == (
        "All 4 coded segments of the chosen coders and documents and document sets are counted."
    )


def test_the_review_filter_counts_only_reviewed_segments_and_says_how_many_it_left_out(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.corpus.coder_roles import AddCoder
    from qualframe.coding.review.verdicts import AddReview

    AddCoder("kim", "auditor").do(project)
    me, project.coder = project.coder, "kim"
    AddReview(study["s_e1_plan"], "agree").do(project)
    AddReview(study["s_m1"], "agree").do(project)
    AddReview(study["s_e2_plan"], "dispute", "Not about planning.").do(project)
    project.coder = me
    # nine segments in scope (the moderator's included, which counts for no group)
    agreed = build_matrix(project, MatrixOptions(reviewed=" Agreed "))
    assert agreed.options.reviewed == "agreed"
    assert (agreed.segments_counted, agreed.segments_not_reviewed) == (2, 7)
    assert entries(agreed, "Study", "mentee") == [
        (0, "Habits", 1, 1, 100 / 3),
        (1, "Planning", 1, 1, 100 / 3),
    ]
    assert entries(agreed, "Study", "mentor") == [
        (0, "Habits", 1, 1, 100.0),
        (1, "Planning", 1, 1, 100.0),
    ]
    cell = next(c for c in agreed.rows[0].cells if c.group == "mentee")
    assert [e.code_guid for e in cell.entries] == [study["habits"], study["planning"]]
    reviewed = build_matrix(project, MatrixOptions(reviewed="any"))
    assert (reviewed.segments_counted, reviewed.segments_not_reviewed) == (3, 6)
    every = build_matrix(project)
    assert (every.options.reviewed, every.segments_counted, every.segments_not_reviewed) == (
        "all", 8, 0,
    )  # fmt: skip
    # the note says what the filter left out
    from qualframe.coding.analysis.matrix import matrix_note

    assert (
        "Only segments an auditor reviewed and agreed with are counted (every reviewer's "
        "latest verdict is agree); 7 coded segments without such a review are left out."
    ) in matrix_note(agreed)
    assert "; 6 coded segments not reviewed are left out." in matrix_note(reviewed)
    assert "auditor" not in matrix_note(every)
    with pytest.raises(UserError, match='"maybe" is not a review filter'):
        MatrixOptions(reviewed="maybe")


def test_what_the_review_filter_leaves_out_is_counted_within_the_chosen_sets_and_coders(
    project: Project, study: dict[str, str]
) -> None:
    from qualframe.coding.commands import AddDocumentSet
    from qualframe.coding.corpus.coder_roles import AddCoder
    from qualframe.coding.review.verdicts import AddReview

    UndoStack(project).push(AddDocumentSet("Second", [study["second"]]))
    AddCoder("kim", "auditor").do(project)
    options = MatrixOptions(reviewed="agreed", document_sets=["Second"], coders=["TESTER"])
    # nothing reviewed yet: all four codings of Group B are left out, none counted
    m = build_matrix(project, options)
    assert (m.segments_counted, m.segments_not_reviewed) == (0, 4)
    me, project.coder = project.coder, "kim"
    AddReview(study["s_e2_plan"], "agree").do(project)
    AddReview(study["s_e1_plan"], "agree").do(project)  # Group A: outside the set
    project.coder = me
    m = build_matrix(project, options)
    assert (m.segments_counted, m.segments_not_reviewed) == (1, 3)
    # a coder who coded nothing: nothing is in scope, so the filter leaves nothing out
    nobody = build_matrix(project, MatrixOptions(reviewed="agreed", coders=["kim"]))
    assert (nobody.segments_counted, nobody.segments_not_reviewed) == (0, 0)
    # an unknown coder is refused, naming the coders in alphabetical order
    with pytest.raises(UserError) as err:
        build_matrix(project, MatrixOptions(coders=["Priya"]))
    assert str(err.value) == 'There is no coder "Priya" in this project (coders: kim, tester).'


def test_two_quotes_at_the_same_place_are_taken_in_coding_order_whatever_order_they_come_in(
    project: Project, study: dict[str, str]
) -> None:
    """Two segments of one code and group starting at the same place in one document: the one
    coded first is quoted first, in whatever order the database hands the rows over."""
    from sqlalchemy import select

    from qualframe.coding.analysis.matrix.quotes import pick_quotes
    from qualframe.storage.models import Code, Document

    text = document_text(project, study["first"])
    start = text.index("I plan every Sunday")
    later = UndoStack(project).push(
        ApplyCode(study["first"], start, start + len("I plan"), study["planning"])
    )
    by_guid = {s.guid: s for s in list_segments(project)}
    first, second = by_guid[study["s_e1_plan"]], by_guid[later.created_guid or ""]
    assert first.id < second.id and first.start == second.start == start
    with project.read() as s:
        planning = s.scalar(select(Code.id).where(Code.guid == study["planning"]))
        doc = s.scalar(select(Document.id).where(Document.guid == study["first"]))
        for rows in ([first, second], [second, first]):
            counted = [(planning, "mentee", r.id, False, doc, r.start) for r in rows]
            picked = pick_quotes(s, counted, 1, lambda t: t)
            assert [q.segment_guid for q in picked[(planning, "mentee")]] == [first.guid]
