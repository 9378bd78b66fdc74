"""Verdict threads: a dispute answered by the analyst (recode, new boundaries, or keep with a
reply), then a new verdict; comments on codes answered the same way; the status rule in
Python equals the SQL filter the exports use."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from qualframe.coding import commands
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import (
    AddCodeComment,
    AnswerCodeComment,
    code_thread_status,
    code_threads,
)
from qualframe.coding.review.status import ThreadEntry, reviewed_segment_ids, thread_status
from qualframe.coding.review.verdicts import AddReview, segment_threads
from qualframe.coding.review.workspace import (
    disputes,
    progress_by_code,
    review_items,
    review_progress,
)
from qualframe.storage.models import Review, Segment
from tests.coding.helpers import add_transcript


@pytest.fixture
def study(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = Project.create(tmp_path / "s.qualframe", coder="ana")
    doc, text = add_transcript(
        p, "fgi_mentees",
        [("E1", "My mentor made a study plan with me. I felt pressure before exams.")],
        roles={"E1": "mentee"},
    )  # fmt: skip
    stack = commands.UndoStack(p)
    plans = stack.push(commands.AddCode("Study plans")).created_guid
    pressure = stack.push(commands.AddCode("Pressure")).created_guid
    i = text.index("made a study plan")
    seg = stack.push(commands.ApplyCode(doc, i, i + 17, pressure)).created_guid
    AddCoder("kim", "auditor").do(p)
    yield p, stack, {"doc": doc, "text": text, "plans": plans, "pressure": pressure, "seg": seg}
    p.close()


def as_(p: Project, name: str) -> Project:
    p.coder = name
    return p


def test_a_dispute_answered_by_recoding_then_agreed_is_resolved_and_undoable(study) -> None:  # type: ignore[no-untyped-def]
    p, stack, g = study
    as_(p, "kim")
    dispute = stack.push(AddReview(g["seg"], "dispute", "This is a study plan, not pressure."))
    items = review_items(p)
    assert [i.status for i in items] == ["disputed"]
    assert [e.text for e in items[0].waiting] == ["This is a study plan, not pressure."]
    assert progress_by_code(items)[g["pressure"]].text == "1 of 1 reviewed, 1 disputed"
    assert [i.guid for i in disputes(p)] == [g["seg"]]

    as_(p, "ana")
    answer = AnswerDispute(dispute.created_guid, "Agreed, recoded.", code_guid=g["plans"])
    stack.push(answer)
    assert [s.code_guid for s in list_segments(p)] == [g["plans"]]
    thread = segment_threads(p)[g["seg"]]
    assert [(e.kind, e.author) for e in thread] == [("dispute", "kim"), ("answer", "ana")]
    assert thread[1].action == "recode" and thread[1].reply_to == dispute.created_guid
    assert thread_status(thread) == "answered"
    assert disputes(p) == [] and [i.guid for i in disputes(p, answered_too=True)] == [g["seg"]]

    as_(p, "kim")
    stack.push(AddReview(g["seg"], "agree"))
    (item,) = review_items(p)
    assert item.status == "agreed" and item.resolved
    assert progress_by_code([item])[g["plans"]].resolved == 1

    as_(p, "ana")
    stack.undo()  # the re-verdict
    stack.undo()  # the answer: the code comes back, the dispute is open again
    assert [s.code_guid for s in list_segments(p)] == [g["pressure"]]
    assert review_items(p)[0].status == "disputed"
    stack.redo()
    assert [s.code_guid for s in list_segments(p)] == [g["plans"]]
    assert review_items(p)[0].status == "answered"


def test_answers_change_boundaries_or_keep_with_a_reply(study) -> None:  # type: ignore[no-untyped-def]
    p, stack, g = study
    as_(p, "kim")
    d1 = stack.push(AddReview(g["seg"], "dispute", "Include 'with me'.")).created_guid
    as_(p, "ana")
    i = g["text"].index("made a study plan")
    stack.push(AnswerDispute(d1, "", bounds=(i, i + 25)))
    (seg,) = list_segments(p)
    assert seg.text == "made a study plan with me"
    with pytest.raises(UserError, match="already been answered"):
        stack.push(AnswerDispute(d1, "again"))
    as_(p, "kim")
    d2 = stack.push(AddReview(g["seg"], "dispute", "Still pressure?")).created_guid
    as_(p, "ana")
    with pytest.raises(UserError, match="needs a reply"):
        stack.push(AnswerDispute(d2, "  "))
    stack.push(AnswerDispute(d2, "The code stays: the mentee describes pressure."))
    thread = segment_threads(p)[g["seg"]]
    assert [e.action for e in thread if e.kind == "answer"] == ["resize", "keep"]
    as_(p, "kim")
    agreed = stack.push(AddReview(g["seg"], "agree")).created_guid
    assert agreed
    as_(p, "ana")
    with pytest.raises(UserError, match="Only a dispute or a comment"):
        stack.push(AnswerDispute(agreed, "thanks"))


def test_comments_on_a_code_are_answered_by_revising_the_definition(study) -> None:  # type: ignore[no-untyped-def]
    p, stack, g = study
    as_(p, "kim")
    comment = stack.push(
        AddCodeComment(g["plans"], "The definition does not say who makes the plan.")
    )
    assert code_thread_status(code_threads(p)[g["plans"]]) == "open"
    as_(p, "ana")
    stack.push(
        AnswerCodeComment(
            comment.created_guid, "Clarified.", {"definition": "A plan made with the mentor."}
        )
    )
    plans = next(c for c in code_tree(p) if c.guid == g["plans"])
    assert plans.definition == "A plan made with the mentor."
    assert code_thread_status(code_threads(p)[g["plans"]]) == "answered"
    as_(p, "kim")
    stack.push(AddCodeComment(g["plans"], "", kind="agree"))
    assert code_thread_status(code_threads(p)[g["plans"]]) == "agreed"
    as_(p, "ana")
    stack.undo()
    stack.undo()
    plans = next(c for c in code_tree(p) if c.guid == g["plans"])
    assert plans.definition == ""
    assert code_thread_status(code_threads(p)[g["plans"]]) == "open"


def test_threads_come_back_with_an_undone_code_deletion(study) -> None:  # type: ignore[no-untyped-def]
    p, stack, g = study
    as_(p, "kim")
    d = stack.push(AddReview(g["seg"], "dispute", "Not pressure.")).created_guid
    stack.push(AddCodeComment(g["pressure"], "Overlaps with responsibility."))
    as_(p, "ana")
    stack.push(AnswerDispute(d, "Kept: pressure is named."))
    before = (segment_threads(p), code_threads(p))
    stack.push(commands.DeleteCode(g["pressure"]))
    assert segment_threads(p) == {} and code_threads(p) == {}
    stack.undo()
    assert (segment_threads(p), code_threads(p)) == before


# -- the status rule, in Python and in SQL ---------------------------------------------------
ENTRY = st.tuples(
    st.sampled_from(["kim", "lee"]),
    st.sampled_from(["agree", "dispute", "comment", "answer"]),
    st.integers(0, 3),  # which earlier entry an answer replies to
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(threads=st.lists(st.lists(ENTRY, max_size=6), min_size=1, max_size=5))
def test_the_sql_filter_keeps_exactly_the_segments_the_status_rule_calls_agreed(
    tmp_path_factory: pytest.TempPathFactory, threads: list[list[tuple[str, str, int]]]
) -> None:
    p = Project.create(tmp_path_factory.mktemp("h") / "h.qualframe", coder="ana")
    try:
        doc, _ = add_transcript(p, "d", [("E1", "x" * 200)], roles={"E1": "mentee"})
        code = commands.AddCode("C").do(p).created_guid
        assert code
        start = datetime(2026, 1, 1)
        expected: dict[str, str] = {}
        with p.write() as s:
            coders = {n: p.coder_id(s, n) for n in ("kim", "lee", "ana")}
        for k, thread in enumerate(threads):
            seg = commands.ApplyCode(doc, k, k + 5, code).do(p).created_guid
            assert seg
            entries: list[ThreadEntry] = []
            with p.write() as s:
                seg_id = s.scalar(select(Segment.id).where(Segment.guid == seg))
                for n, (who, kind, target) in enumerate(thread):
                    earlier = [e for e in entries if e.kind in ("dispute", "comment")]
                    reply = (
                        earlier[target % len(earlier)].guid
                        if kind == "answer" and earlier
                        else None
                    )
                    if kind == "answer" and reply is None:
                        continue
                    author = "ana" if kind == "answer" else who
                    at = start + timedelta(minutes=n // 2)  # some share a time: ids decide
                    row = Review(
                        segment_id=seg_id, reviewer_id=coders[author], verdict=kind, comment="c",
                        reply_to_guid=reply, created_at=at,
                    )  # fmt: skip
                    s.add(row)
                    s.flush()
                    entries.append(ThreadEntry(row.guid, kind, author, "c", at, reply))
            expected[seg] = thread_status(entries)
        for mode, keep in (
            ("agreed", {"agreed"}),
            ("any", {"commented", "disputed", "answered", "agreed"}),
        ):
            with p.read() as s:
                ids = reviewed_segment_ids(s, mode)
                assert ids is not None
                got = set(s.scalars(select(Segment.guid).where(Segment.id.in_(ids))))
            assert got == {g for g, status in expected.items() if status in keep}, mode
        assert {i.guid: i.status for i in review_items(p)} == expected
        assert {i.guid: i.status for i in review_items(p, with_text=False)} == expected
        assert review_progress(p) == progress_by_code(review_items(p))
    finally:
        p.close()
