"""Per-code tallies: own figures from one grouped query, totals rolled up the code tree, and
cheap incremental updates after segments change."""

from __future__ import annotations

from typing import Any

import pytest

from qualframe.coding.codebook.tallies import CodeTallies, tally_rows
from qualframe.coding.codebook.tree import code_counts, code_tree
from qualframe.coding.commands import AddCode, ApplyCode, RemoveSegment, UndoStack
from qualframe.coding.core.project import Project
from qualframe.coding.query.segments import list_segments
from tests.coding.helpers import add_transcript


@pytest.fixture
def stack(project: Project) -> UndoStack:
    return UndoStack(project)


def add(stack: UndoStack, name: str, parent: str | None = None) -> str:
    guid = stack.push(AddCode(name, parent)).created_guid
    assert guid
    return guid


def code(stack: UndoStack, doc: str, text: str, quote: str, code_guid: str) -> str:
    i = text.index(quote)
    guid = stack.push(ApplyCode(doc, i, i + len(quote), code_guid)).created_guid
    assert guid
    return guid


def expected_counts(project: Project, coder: str | None = None) -> dict[str, tuple[int, int]]:
    """Totals worked out independently, from the retrieved segments and the code paths."""
    segs = [s for s in list_segments(project) if coder is None or s.coder == coder]
    out = {}
    for rec in code_tree(project):
        mine = [s for s in segs if s.code_path[: len(rec.path)] == rec.path]
        people = {s.participant_guid for s in mine if s.participant_guid and not s.is_interviewer}
        out[rec.guid] = (len(mine), len(people))
    return out


def build(project: Project, stack: UndoStack) -> dict[str, str]:
    """Two transcripts sharing a mentor (M1), interviewer speech, and a segment that lies
    between two turns (no speaker)."""
    doc1, text1 = add_transcript(
        project,
        "fgi-1",
        [
            ("Moderator", "What changed for you?"),
            ("M1", "I planned every week with my mentee."),
            ("E1", "We met in the library before exams."),
        ],
        roles={"M1": "mentor", "E1": "mentee"},
    )
    doc2, text2 = add_transcript(
        project,
        "fgi-2",
        [("M1", "Planning helped me too."), ("E2", "I felt less alone.")],
        roles={"M1": "mentor", "E2": "mentee"},
    )
    g = {"doc1": doc1, "doc2": doc2}
    g["theme"] = add(stack, "Outcomes")
    g["cat"] = add(stack, "Study habits", g["theme"])
    g["plan"] = add(stack, "Planning", g["cat"])
    g["place"] = add(stack, "Place", g["cat"])
    g["feel"] = add(stack, "Feelings", g["theme"])
    g["empty"] = add(stack, "Unused", g["feel"])
    g["other"] = add(stack, "Other theme")
    code(stack, doc1, text1, "I planned every week", g["plan"])
    code(stack, doc2, text2, "Planning helped me", g["plan"])  # M1 again, other document
    code(stack, doc1, text1, "met in the library", g["place"])
    code(stack, doc1, text1, "What changed for you?", g["feel"])  # interviewer speech
    code(stack, doc2, text2, "I felt less alone", g["feel"])
    gap = text1.index("\n\n")
    g["gap_seg"] = stack.push(ApplyCode(doc1, gap, gap + 2, g["other"])).created_guid or ""
    g["text1"], g["text2"] = text1, text2
    return g


def test_totals_include_descendants_and_distinct_non_interviewers(
    project: Project, stack: UndoStack
) -> None:
    g = build(project, stack)
    tallies = CodeTallies()
    tallies.load(project)
    totals = tallies.totals(code_tree(project))
    assert totals == expected_counts(project)
    assert totals[g["plan"]] == (2, 1)  # M1 twice, in two documents
    assert totals[g["cat"]] == (3, 2)  # M1 and E1
    assert totals[g["feel"]] == (2, 1)  # the moderator is not a participant
    assert totals[g["empty"]] == (0, 0)
    assert totals[g["theme"]] == (5, 3)  # M1, E1, E2
    assert totals[g["other"]] == (1, 0)  # no speaker between turns
    assert tallies.counts is totals


def test_own_figures_come_from_one_grouped_query(project: Project, stack: UndoStack) -> None:
    g = build(project, stack)
    ids = {r.guid: r.id for r in code_tree(project)}
    with project.read() as s:
        rows = tally_rows(s)
        only_feel = tally_rows(s, [ids[g["feel"]]])
    assert sum(n for _c, _p, n in rows) == len(list_segments(project)) == 6
    # interviewer speech and speech outside any turn are counted with no participant
    assert sorted((n, p is None) for c, p, n in only_feel) == [(1, False), (1, True)]
    tallies = CodeTallies()
    with project.read() as s:
        tallies.load_in(s)
    assert tallies.loaded
    assert tallies.segments[ids[g["plan"]]] == 2 and len(tallies.people[ids[g["plan"]]]) == 1
    assert ids[g["feel"]] in tallies.segments and ids[g["cat"]] not in tallies.segments


def test_update_and_roll_up_touch_only_a_code_and_its_ancestors(
    project: Project, stack: UndoStack
) -> None:
    g = build(project, stack)
    tallies = CodeTallies()
    tallies.load(project)
    tree = code_tree(project)
    tallies.totals(tree)
    ids = {r.guid: r.id for r in tree}
    before = dict(tallies.counts)

    text1 = g["text1"]
    added = code(stack, g["doc1"], text1, "We met", g["place"])  # E1 again
    new_e2 = code(stack, g["doc2"], g["text2"], "less alone", g["place"])  # E2: new person
    tallies.update(project, [ids[g["place"]]])
    changed = tallies.roll_up([g["place"]])
    assert [r.guid for r in changed] == [g["place"], g["cat"], g["theme"]]
    assert tallies.counts == expected_counts(project)
    assert tallies.counts[g["place"]] == (3, 2)
    assert tallies.counts[g["cat"]] == (5, 3)
    assert tallies.counts[g["feel"]] == before[g["feel"]]

    stack.push(RemoveSegment(added))
    stack.push(RemoveSegment(new_e2))
    tallies.update(project, [ids[g["place"]], ids[g["place"]]])
    tallies.roll_up([g["place"], g["cat"]])
    assert tallies.counts == before

    # codes of two branches at once, and ids/guids that are not in the tree
    code(stack, g["doc2"], g["text2"], "helped me too", g["empty"])
    tallies.update(project, [ids[g["empty"]], ids[g["plan"]], 999_999])
    changed = tallies.roll_up([g["empty"], g["plan"], "no-such-guid"])
    assert {r.guid for r in changed} == {g["empty"], g["feel"], g["plan"], g["cat"], g["theme"]}
    depths = [r.depth for r in changed]
    assert depths == sorted(depths, reverse=True)
    assert tallies.counts == expected_counts(project)
    assert tallies.counts[g["feel"]] == (3, 2)


def test_empty_update_reads_nothing_and_an_empty_project_has_no_totals(
    project: Project,
) -> None:
    tallies = CodeTallies()
    assert not tallies.loaded
    tallies.update(project, [])
    tallies.load(project)
    assert tallies.totals([]) == {} and tallies.roll_up([]) == []
    assert code_counts(project) == {}


def _interviewers_study(project: Project) -> tuple[dict[str, str], str]:
    """M1 co-moderates the first focus group (its turns there are interviewer turns) and
    takes part in the second; Q is a participant marked as interviewer whose turn was not
    flagged; E1 is an ordinary participant. Every turn is coded "Planning"."""
    from qualframe.coding.corpus.documents import (
        DocumentData,
        TurnData,
        add_document_in,
        document_text,
        normalise_text,
    )
    from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

    docs = {
        "first": [("M1", "How do you plan your week?", True), ("E1", "I plan on Sundays.", False)],
        "second": [("M1", "I plan my own exams now.", False), ("Q", "Plans help, yes.", False)],
    }
    guids = {}
    with project.write() as s:
        people = add_participants_in(
            s,
            [
                ParticipantData("M1"),
                ParticipantData("E1"),
                ParticipantData("Q", is_interviewer=True),
            ],
        )
        for name, turns in docs.items():
            text = normalise_text("\n\n".join(f"{w}: {t}" for w, t, _ in turns))
            data, pos = [], 0
            for who, said, flagged in turns:
                chunk = f"{who}: {said}"
                data.append(TurnData(pos, pos + len(chunk), who, pos + len(who) + 1, flagged))
                pos += len(chunk) + 2
            doc = add_document_in(
                s,
                project.coder,
                DocumentData(name, text, original_filename=f"{name}.txt", turns=data),
                people,
            )
            guids[name] = doc.guid
    stack = UndoStack(project)
    plan = add(stack, "Planning")
    for name, turns in docs.items():
        full = document_text(project, guids[name])
        for _, said, _ in turns:
            code(stack, guids[name], full, said, plan)
    return guids, plan


def test_interviewer_speech_is_never_a_participant(project: Project) -> None:
    _, plan = _interviewers_study(project)
    tallies = CodeTallies()
    tallies.load(project)
    # Four segments; the participants are M1 (in the second group only) and E1: not Q,
    # marked as an interviewer, and not M1 again for the turn M1 moderated.
    assert tallies.totals(code_tree(project))[plan] == (4, 2)
    assert code_counts(project)[plan] == (4, 2)
    assert expected_counts(project)[plan] == (4, 3)  # the naive count (turn flag only) is wrong
    ids = {r.guid: r.id for r in code_tree(project)}
    with project.read() as s:
        rows = tally_rows(s, [ids[plan]])
    m1, e1 = (p.id for p in _people(project, "M1", "E1"))
    per_person: dict[int | None, int] = {}
    for _, pid, n in rows:
        per_person[pid] = per_person.get(pid, 0) + n
    assert per_person == {m1: 1, e1: 1, None: 2}


def _people(project: Project, *names: str) -> list[Any]:
    from qualframe.coding.corpus.participants import list_participants

    by_name = {p.pseudonym: p for p in list_participants(project, include_interviewers=True)}
    return [by_name[n] for n in names]


def test_a_fresh_holder_is_empty_and_can_update_before_loading(
    project: Project, stack: UndoStack
) -> None:
    g = build(project, stack)
    fresh = CodeTallies()
    assert (fresh.counts, fresh.segments, fresh.people, fresh.loaded) == ({}, {}, {}, False)
    assert fresh.roll_up([g["plan"]]) == []  # no tree yet: nothing to roll up
    ids = {r.guid: r.id for r in code_tree(project)}
    fresh.update(project, [ids[g["plan"]]])
    assert fresh.segments == {ids[g["plan"]]: 2} and len(fresh.people[ids[g["plan"]]]) == 1
    assert not fresh.loaded


def test_a_coder_view_counts_only_those_coders_segments(project: Project, stack: UndoStack) -> None:
    g = build(project, stack)  # six segments by the project's coder
    first = project.coder
    project.coder = "Ha-eun"
    code(stack, g["doc1"], g["text1"], "We met", g["plan"])  # E1
    code(stack, g["doc2"], g["text2"], "Planning helped", g["place"])  # M1
    theirs = CodeTallies()
    theirs.coders = frozenset({"Ha-eun"})
    theirs.load(project)
    tree = code_tree(project)
    assert theirs.totals(tree) == expected_counts(project, "Ha-eun")
    assert theirs.counts[g["plan"]] == (1, 1) and theirs.counts[g["place"]] == (1, 1)
    assert theirs.counts[g["cat"]] == (2, 2) and theirs.counts[g["feel"]] == (0, 0)
    # an update re-reads that coder's segments only
    code(stack, g["doc2"], g["text2"], "less alone", g["place"])  # E2, by Ha-eun
    project.coder = first
    code(stack, g["doc1"], g["text1"], "the library", g["place"])  # E1, not Ha-eun's
    ids = {r.guid: r.id for r in tree}
    theirs.update(project, [ids[g["place"]]])
    theirs.roll_up([g["place"]])
    assert theirs.counts == expected_counts(project, "Ha-eun")
    assert theirs.counts[g["place"]] == (2, 2) and theirs.counts[g["theme"]] == (3, 3)
    mine = CodeTallies()
    mine.coders = frozenset({first})
    mine.load(project)
    assert mine.totals(tree) == expected_counts(project, first)
    assert mine.counts[g["place"]] == (2, 1)  # E1 twice
    both = CodeTallies()
    both.load(project)
    assert both.totals(tree) == expected_counts(project)
    with project.read() as s:
        assert sum(n for _c, _p, n in tally_rows(s, coders={"Ha-eun"})) == 3
        assert tally_rows(s, coders={"nobody"}) == []
