"""Who the theme matrix counts in which column, and why a segment is left out: the columns
chosen from the group sizes, the counting rule case by case, the attribute spellings, and the
options resolved against the project."""

from __future__ import annotations

import pytest

from qualframe.coding.analysis.matrix import MatrixOptions, build_matrix, group_sizes
from qualframe.coding.analysis.matrix.scope import (
    People,
    choose_groups,
    classify,
    people,
    resolve_scope,
    spellings,
)
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants, set_participant_attribute
from tests.coding.helpers import add_transcript


def columns(sizes: dict[str, int], attr: str = "role", **options: object) -> list[str]:
    return [g.header for g in choose_groups(sizes, MatrixOptions(**options), attr)]  # type: ignore[arg-type]


def test_columns_in_order_with_their_n() -> None:
    sizes = {"mentor": 2, "mentee": 4, "": 1}
    assert columns(sizes) == ["Mentees (n = 4)", "Mentors (n = 2)", "(not set) (n = 1)"]
    assert columns(sizes, not_set=False) == ["Mentees (n = 4)", "Mentors (n = 2)"]
    assert columns({"mentor": 2, "mentee": 4}) == ["Mentees (n = 4)", "Mentors (n = 2)"]
    # Nobody has a value: no columns at all, not a lone "(not set)".
    assert columns({"": 5}) == [] and columns({}) == []
    # Numbers by value (negative and decimal too), words in natural order.
    assert columns({"10": 1, "-1": 1, "2.10": 1, "2.5": 1, " 3": 1}, "year") == [
        "-1 (n = 1)", "Year 2.10 (n = 1)", "Year 2.5 (n = 1)", "Year 3 (n = 1)",
        "Year 10 (n = 1)",
    ]  # fmt: skip
    assert columns({"Site 10": 1, "site 2": 1, "Site 1": 1, "": 2}, "site") == [
        "Site 1 (n = 1)", "site 2 (n = 1)", "Site 10 (n = 1)", "(not set) (n = 2)",
    ]  # fmt: skip
    # Two values that would get the same label keep their raw spelling.
    assert columns({"student": 1, "students": 2}, "kind") == [
        "student (n = 1)", "students (n = 2)",
    ]  # fmt: skip
    # A value spelt "(not set)" keeps its label; the participants without one are named
    # another way, so that no two columns look alike.
    assert columns({"mentee": 1, "": 1, "(not set)": 3}) == [
        "(not set) (n = 3)", "Mentees (n = 1)", "(no role) (n = 1)",
    ]  # fmt: skip


def test_columns_in_the_order_asked() -> None:
    sizes = {"mentor": 2, "mentee": 4, "": 1}
    order = ["MENTOR ", "mentee", "mentor"]
    assert columns(sizes, group_order=order) == [
        "Mentors (n = 2)", "Mentees (n = 4)", "(not set) (n = 1)",
    ]  # fmt: skip
    assert columns(sizes, group_order=["mentor"], not_set=False) == ["Mentors (n = 2)"]
    assert columns(sizes, group_order=[" (Not Set)", "mentor"]) == [
        "(not set) (n = 1)", "Mentors (n = 2)",
    ]  # fmt: skip
    assert columns(sizes, group_order=["", "mentee"], not_set=False) == [
        "(not set) (n = 1)", "Mentees (n = 4)",
    ]  # fmt: skip
    with pytest.raises(UserError) as err:
        columns(sizes, group_order=["mentor", "tutor"])
    assert str(err.value) == 'No participant has role "tutor" (values: mentee, mentor).'
    with pytest.raises(UserError) as err:
        columns({"mentor": 2, "Admin": 1}, group_order=["(not set)"])
    assert str(err.value) == 'Every participant has a value for role, so there is no "(not set)".'
    with pytest.raises(UserError, match=r"\(values: Admin, mentor\)"):
        columns({"mentor": 2, "Admin": 1}, group_order=["x"])


CROWD = People(
    group_of={1: "mentee", 2: "mentor", 3: "", 4: "mentee", 9: "mentor"},
    interviewers=frozenset({9}),
    members={"mentee": frozenset({1, 4}), "mentor": frozenset({2}), "": frozenset({3})},
)


@pytest.mark.parametrize(
    ("pid", "interviewer_turn", "shown", "groups", "verdict"),
    [
        (1, False, True, {"mentee", "mentor"}, ("mentee", "")),
        (2, False, True, {"mentee", "mentor"}, ("mentor", "")),
        (3, False, True, {"mentee", "", "mentor"}, ("", "")),  # the "(not set)" column
        (7, False, True, {"mentee", ""}, ("", "")),  # unknown to the attribute: not set
        (None, None, True, {"mentee", "mentor"}, ("", "no_turn")),
        (None, True, False, {"mentee"}, ("", "interviewer")),  # a moderator's turn
        (1, True, True, {"mentee"}, ("", "interviewer")),  # an interviewer's turn
        (9, False, True, {"mentor"}, ("", "interviewer")),  # a participant marked so
        (9, False, False, {"mentor"}, ("", "interviewer")),  # before the row level
        (1, False, False, {"mentee"}, ("", "above_rows")),
        (3, False, False, {"mentee"}, ("", "above_rows")),  # before the group
        (3, False, True, {"mentee", "mentor"}, ("", "no_value")),
        (7, False, True, {"mentee"}, ("", "no_value")),
        (2, False, True, {"mentee"}, ("", "other_group")),
        (1, None, True, {"mentee"}, ("mentee", "")),
    ],
)
def test_the_counting_rule_case_by_case(
    pid: int | None,
    interviewer_turn: bool | None,
    shown: bool,
    groups: set[str],
    verdict: tuple[str, str],
) -> None:
    assert classify(pid, interviewer_turn, shown, CROWD, groups) == verdict
    assert CROWD.sizes() == {"mentee": 2, "mentor": 1, "": 1}


def _fgi(project: Project, name: str, roles: dict[str, str], attr: str = "role") -> str:
    turns = [("Moderator", "Welcome."), *((who, f"{who} speaks.") for who in roles)]
    guid, _ = add_transcript(project, name, turns)
    for p in list_participants(project):
        if p.pseudonym in roles and roles[p.pseudonym] is not None:
            set_participant_attribute(project, p.guid, attr, roles[p.pseudonym])
    return guid


def test_spellings_people_and_sizes(project: Project) -> None:
    first = _fgi(
        project, "FGI one", {"E1": "Mentee", "E2": "mentee", "E3": "MENTEE", "E4": "Mentee"}
    )
    _fgi(project, "FGI two", {"M1": "mentor", "X1": "", "E5": "Mentee"})
    with project.read() as s:
        scope = resolve_scope(s, MatrixOptions())
        # The most common spelling names the group (a tie: the lower-case one, below).
        assert spellings(s, scope.attr_id) == {
            "Mentee": "Mentee", "mentee": "Mentee", "MENTEE": "Mentee", "mentor": "mentor",
        }  # fmt: skip
        crowd = people(s, scope)
        ids = {p.pseudonym: p.id for p in list_participants(project, include_interviewers=True)}
        assert {p: crowd.group_of[i] for p, i in ids.items() if p != "Moderator"} == {
            "E1": "Mentee", "E2": "Mentee", "E3": "Mentee", "E4": "Mentee", "E5": "Mentee",
            "M1": "mentor", "X1": "",
        }  # fmt: skip
        assert crowd.sizes() == {"Mentee": 5, "mentor": 1, "": 1}
        only_first = people(s, resolve_scope(s, MatrixOptions(documents=[first])))
        assert only_first.sizes() == {"Mentee": 4}
        assert only_first.group_of == crowd.group_of  # groups are everyone's
    assert group_sizes(project) == {"Mentee": 5, "mentor": 1}
    assert group_sizes(project, "role", ["fgi two"]) == {"Mentee": 1, "mentor": 1}
    # A tie between two spellings: the lower-case one.
    _fgi(project, "FGI three", {"E6": "MENTOR"})
    with project.read() as s:
        assert spellings(s, resolve_scope(s, MatrixOptions()).attr_id)["MENTOR"] == "mentor"


def test_interviewers_are_in_no_group(project: Project) -> None:
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

    _fgi(project, "FGI", {"E1": "mentee"})
    with project.write() as s:
        add_participants_in(
            s, [ParticipantData("Q", is_interviewer=True, attributes={"role": "mentee"})]
        )
    with project.read() as s:
        crowd = people(s, resolve_scope(s, MatrixOptions()))
    assert crowd.sizes() == {"mentee": 1}
    assert len(crowd.interviewers) == 1


def test_options_resolved_against_the_project(project: Project) -> None:
    from qualframe.coding.corpus.segments import code_range

    first = _fgi(project, "FGI one", {"E1": "mentee"})
    code_range(project, first, 0, 3, "Outcomes", create=True)  # the coder "tester" exists now
    _fgi(project, "FGI two", {"E2": "mentee"}, attr="Year")
    with project.read() as s:
        scope = resolve_scope(
            s,
            MatrixOptions(
                by=" YEAR ", coders=[" TESTER "], documents=["fgi ONE", first, "FGI two"]
            ),
        )
        assert (scope.attr_name, scope.coder_names) == ("Year", ("tester",))
        assert scope.doc_names == ("FGI one", "FGI one", "FGI two")
        assert scope.doc_guids[:2] == (first, first) and len(scope.doc_ids) == 3
        f = scope.segment_filter("code-guid")
        assert (f.code_guid, f.include_descendants, f.coders) == ("code-guid", True, ("tester",))
        assert f.documents == scope.doc_guids
        none = resolve_scope(s, MatrixOptions())
        assert (none.coder_names, none.doc_ids, none.doc_guids, none.doc_names) == ((), (), (), ())
        assert none.segment_filter().code_guid is None
    for options, message in [
        (MatrixOptions(by="cohort"), 'There is no participant attribute "cohort" (attributes: role, Year).'),
        (MatrixOptions(coders=["tester", "nobody"]), 'There is no coder "nobody" in this project (coders: tester).'),
        (MatrixOptions(documents=["missing"]), 'There is no document "missing" in this project.'),
    ]:  # fmt: skip
        with pytest.raises(UserError) as err:
            build_matrix(project, options)
        assert str(err.value) == message


def test_an_empty_project_names_what_is_missing(project: Project) -> None:
    with pytest.raises(UserError) as err:
        build_matrix(project)
    assert str(err.value) == 'There is no participant attribute "role" (attributes: none yet).'
    _fgi(project, "FGI", {"E1": "mentee"})
    with pytest.raises(UserError) as err:
        build_matrix(project, MatrixOptions(coders=["x"]))
    assert str(err.value) == 'There is no coder "x" in this project (coders: none).'


def test_documents_by_exact_name_before_any_case(project: Project) -> None:
    upper = _fgi(project, "Group", {"E1": "mentee"})
    lower = _fgi(project, "group", {"E2": "mentee"})
    with project.read() as s:
        assert resolve_scope(s, MatrixOptions(documents=["group"])).doc_guids == (lower,)
        assert resolve_scope(s, MatrixOptions(documents=["Group "])).doc_guids == (upper,)
        assert resolve_scope(s, MatrixOptions(documents=["GROUP"])).doc_guids == (upper,)


def test_coders_are_listed_by_name(project: Project) -> None:
    from qualframe.coding.corpus.segments import code_range

    doc = _fgi(project, "FGI", {"E1": "mentee"})
    project.coder = "zoe"
    code_range(project, doc, 0, 3, "Outcomes", create=True)
    project.coder = "Ahn"
    code_range(project, doc, 3, 6, "Outcomes")
    with pytest.raises(UserError) as err:
        build_matrix(project, MatrixOptions(coders=["ahn", "x"]))
    assert str(err.value) == 'There is no coder "x" in this project (coders: Ahn, zoe).'


def test_a_blank_value_is_no_value_and_moderating_is_not_speaking(project: Project) -> None:
    from qualframe.coding.corpus.documents import DocumentData, TurnData, add_document_in
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in
    from qualframe.storage.models import AttributeValue

    _fgi(project, "FGI", {"E1": "mentee", "E2": "mentee"})
    with project.write() as s:
        people_ = add_participants_in(s, [ParticipantData("M9", attributes={"role": "mentor"})])
        text = "M9: Welcome, everyone."
        doc = add_document_in(
            s, project.coder,
            DocumentData("Moderated", text, original_filename="m.txt",
                         turns=[TurnData(0, len(text), "M9", 3, True)]),
            people_,
        )  # fmt: skip
        e2 = next(p.id for p in list_participants(project) if p.pseudonym == "E2")
        for row in s.query(AttributeValue).filter(AttributeValue.participant_id == e2):
            row.value = "   "  # as a careless import might store it
        moderated = doc.guid
    with project.read() as s:
        crowd = people(s, resolve_scope(s, MatrixOptions()))
        assert crowd.sizes() == {"mentee": 1, "mentor": 1, "": 1}
        # In the document M9 only moderates, M9 does not count in the mentors' N.
        only = people(s, resolve_scope(s, MatrixOptions(documents=[moderated])))
        assert only.sizes() == {}
    assert build_matrix(project, MatrixOptions(documents=[moderated])).groups == ()


def test_an_empty_codebook_with_any_row_level(project: Project) -> None:
    _fgi(project, "FGI", {"E1": "mentee"})
    m = build_matrix(project, MatrixOptions(rows_level=3))
    assert (m.rows, m.codes, m.max_depth) == ((), 0, 0)


def test_values_listed_alphabetically_whatever_their_case() -> None:
    with pytest.raises(UserError) as err:
        columns({"Mentor": 1, "admin": 1}, group_order=["x"])
    assert str(err.value) == 'No participant has role "x" (values: admin, Mentor).'


def test_group_sizes_of_another_attribute_and_when_everyone_has_a_value(project: Project) -> None:
    _fgi(project, "FGI", {"E1": "female", "E2": "male"}, attr="gender")
    for p in list_participants(project):
        set_participant_attribute(project, p.guid, "role", "mentee")
    assert group_sizes(project, "gender") == {"female": 1, "male": 1}
    assert group_sizes(project) == {"mentee": 2}  # nobody without a role: no "(not set)"


def test_who_speaks_in_the_chosen_documents(project: Project) -> None:
    from qualframe.coding.corpus.documents import DocumentData, TurnData, add_document_in
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

    _fgi(project, "FGI", {"E1": "mentee"})
    text = "Q: Questions.\n\nE9: Answers.\n\nVisitor: Hello."
    with project.write() as s:
        ppl = add_participants_in(s, [
            ParticipantData("Q", is_interviewer=True, attributes={"role": "mentor"}),
            ParticipantData("E9", attributes={"role": "mentee"}),
        ])  # fmt: skip
        doc = add_document_in(
            s, project.coder,
            DocumentData("Scoped", text, original_filename="s.txt", turns=[
                TurnData(0, 13, "Q", 1, False),  # an interviewer whose turn was not flagged
                TurnData(15, 27, "E9", 17, False),
                TurnData(29, len(text), "Visitor", 36, False),  # mapped to nobody
            ]),
            ppl,
        ).guid  # fmt: skip
    with project.read() as s:
        crowd = people(s, resolve_scope(s, MatrixOptions(documents=[doc])))
    assert crowd.sizes() == {"mentee": 1}
    assert [g.header for g in build_matrix(project, MatrixOptions(documents=[doc])).groups] == [
        "Mentees (n = 1)"
    ]
