"""The several coders' commands (issue 15) under the auditors' rules (issue 14): the merge of
two copies, coder renames and merges, consensus seeding and disagreement resolutions, and
their undo, each continue the audit trail's hash chain and read as sentences in the log; in
review mode, or for an auditor, each is refused in the domain layer with nothing written
(not even the merge's backup). One implementation of each coder operation: ``coder_roles``
(add, rename, look-up) and ``coder_merge`` (merge), reached by both command-line spellings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.analysis.agreement.disagreements import (
    ResolvePlace,
    SeedConsensus,
    find_places,
)
from qualframe.coding.commands import UndoStack
from qualframe.coding.core.errors import ReviewOnlyError, UserError
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_merge import MergeCoders
from qualframe.coding.corpus.coder_roles import AddCoder, RenameCoder, coder_in, list_coders
from qualframe.coding.corpus.coders import coder_names
from qualframe.coding.merge import MergeProject, preview_merge
from qualframe.coding.query.segments import list_segments
from qualframe.coding.review.code_reviews import AddCodeComment, AnswerCodeComment
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.trail.log import read_log
from qualframe.coding.trail.verify import verify_trail
from qualframe.storage.database import copy_project
from tests.coding.agreement.study import build_study, code
from tests.coding.test_review_mode import dump
from tests.coding.test_trail_chain_commands import _check


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Path, Path]:
    """Ha-eun's copy and Jordan's, who coded two more passages on his laptop."""
    base = build_study(tmp_path / "base.qualframe", priya=False)
    base.close()
    mine, theirs = tmp_path / "haeun.qualframe", tmp_path / "jordan.qualframe"
    copy_project(tmp_path / "base.qualframe", mine)
    copy_project(tmp_path / "base.qualframe", theirs)
    with Project.open(theirs, coder="Jordan") as j:
        code(j, "Jordan", "fgi_solo", "the study plan", "Outcomes/Academic/Better exam performance")
        code(j, "Jordan", "fgi_mentors", "시험 전에 같이 복습하면서",
             "Outcomes/Academic/Better exam performance")  # fmt: skip
    return mine, theirs


def test_the_coders_commands_and_their_undo_continue_the_chain(
    copies: tuple[Path, Path], tmp_path: Path
) -> None:
    mine, theirs = copies
    seen: list[int] = []
    with Project.open(mine, coder="Ha-eun") as p:
        _check(p, seen)
        stack = UndoStack(p)

        def step(run: Callable[[], object]) -> None:
            run()
            _check(p, seen)

        source, plan = preview_merge(p, theirs, "mine")
        assert plan.changes > 0
        step(lambda: stack.push(MergeProject(source, plan.rule)))
        step(stack.undo)
        step(stack.redo)
        code(p, "jordan", "fgi_mentees", "Was anything difficult?", "Negative experiences/Pressure")
        _check(p, seen)
        step(lambda: stack.push(MergeCoders("jordan", "Jordan")))
        step(stack.undo)
        step(stack.redo)
        step(lambda: stack.push(RenameCoder("Jordan", "Jordan Lee")))
        step(lambda: stack.push(SeedConsensus(("Ha-eun", "Jordan Lee"))))
        places = [x for x in find_places(p, ["Ha-eun", "Jordan Lee"]) if not x.resolved]
        assert len(places) >= 2
        step(lambda: stack.push(ResolvePlace(places[0], "neither")))
        step(lambda: stack.push(ResolvePlace(places[1], "new", start=places[1].start,
                                             end=places[1].end)))  # fmt: skip
        step(stack.undo)
        step(stack.redo)
        step(stack.undo)  # the resolution with its consensus segment
        step(stack.undo)
        step(stack.undo)  # the seeding
        step(stack.undo)  # the rename
        sentences = [e.sentence for e in read_log(p)]
    joined = "\n".join(sentences)
    assert f"merged the copy {theirs.name} into this project (rule mine, 0 conflicts)" in joined
    assert "took back the merge of the copy jordan.qualframe" in joined
    assert "merged the coder “jordan” into “Jordan” (1 segment moved" in joined
    assert "took the coder “jordan” back out of the coder it was merged into" in joined
    assert "renamed the coder “Jordan” to “Jordan Lee”" in joined
    assert "agreed coding" in joined and "to the coder “consensus”" in joined
    assert "resolved where Ha-eun and Jordan Lee disagree on “" in joined
    assert ": kept neither coding" in joined and ": agreed on a new segment" in joined
    assert "withdrew the resolution of a disagreement" in joined
    # an edit with sqlite3 afterwards is found at the edited event
    edited = next(e for e in read_log_of(mine) if e.action == "merge_coders")
    con = sqlite3.connect(mine)
    with con:
        con.execute(
            "UPDATE audit_events SET details = replace(details, 'jordan', 'someone') WHERE id = ?",
            (edited.id,),
        )
    con.close()
    with Project.open(mine, read_only=True) as p:
        check = verify_trail(p)
    assert not check.intact and check.broken is not None
    assert check.broken.event_id == edited.id


def read_log_of(path: Path) -> list[Any]:
    with Project.open(path, read_only=True) as p:
        return read_log(p)


def _auditor(copies: tuple[Path, Path]) -> Path:
    mine, _ = copies
    with Project.open(mine, coder="Ha-eun") as p:
        AddCoder("kim", "auditor").do(p)
        code(p, "jordan", "fgi_mentees", "Was anything difficult?", "Negative experiences/Pressure")
    return mine


def test_review_mode_and_auditors_refuse_the_coders_commands(
    copies: tuple[Path, Path],
) -> None:
    mine, theirs = copies
    _auditor(copies)
    for opened in ({"coder": "kim", "review": True}, {"coder": "kim"}):
        with Project.open(mine, **opened) as p:
            before = dump(p)
            backups = set(mine.parent.glob("*.bak-*"))
            attempts = coders_writes(p, theirs)
            for what, attempt in attempts:
                with pytest.raises(ReviewOnlyError) as refused:
                    attempt()
                assert "kim" in str(refused.value), what
                assert dump(p) == before, f"{what} wrote something"
            assert set(mine.parent.glob("*.bak-*")) == backups  # no backup made either


def coders_writes(p: Project, theirs: Path) -> list[tuple[str, Callable[[], Any]]]:
    """Every write of the several coders' half, on ``p``."""
    places = find_places(p, ["Ha-eun", "Jordan"])
    source, plan = preview_merge(p, theirs, "mine")  # reading is allowed
    return [
        ("merge a copy", lambda: MergeProject(source, plan.rule).do(p)),
        ("merge coders", lambda: MergeCoders("jordan", "Jordan").do(p)),
        ("rename a coder", lambda: RenameCoder("Jordan", "Jordan Lee").do(p)),
        ("add a coder", lambda: AddCoder("lee").do(p)),
        ("seed the consensus", lambda: SeedConsensus(("Ha-eun", "Jordan")).do(p)),
        ("resolve a place", lambda: ResolvePlace(places[0], "neither").do(p)),
    ]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_the_coders_write_commands_refuse_an_auditor_on_the_command_line(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path]
) -> None:
    mine, theirs = copies
    _auditor(copies)
    with Project.open(mine, read_only=True) as p:
        before = dump(p)
        place = find_places(p, ["Ha-eun", "Jordan"])[0]
    as_kim = ["--coder", "kim"]
    for argv in (
        ["coder-rename", mine, "Jordan", "Jordan Lee", *as_kim],
        ["coders", mine, "rename", "Jordan", "Jordan Lee", *as_kim],
        ["coder-merge", mine, "jordan", "Jordan", *as_kim],
        ["coders", mine, "merge", "jordan", "Jordan", *as_kim],
        ["coders", mine, "add", "lee", *as_kim],
        ["merge", mine, theirs, *as_kim],
        ["disagreements", mine, "--coders", "Ha-eun", "Jordan", "--seed-consensus", *as_kim],
        ["resolve", mine, place.id, "--coders", "Ha-eun", "Jordan", "--neither", *as_kim],
    ):
        rc, out, err = run(capsys, *argv)
        assert rc == 1 and "kim is an auditor" in err, (argv, out, err)
        assert err.count("\n") == 1, err  # one sentence
    with Project.open(mine, read_only=True) as p:
        assert dump(p) == before
    assert not list(mine.parent.glob("haeun.qualframe.bak-merge-*"))
    rc, out, _ = run(capsys, "log", mine, "--verify")
    assert rc == 0 and "intact" in out


def test_both_spellings_of_rename_and_merge_are_one_implementation(
    capsys: pytest.CaptureFixture[str], copies: tuple[Path, Path]
) -> None:
    mine, _ = copies
    with Project.open(mine, coder="Ha-eun") as p:
        code(p, "jordan", "fgi_mentees", "Was anything difficult?", "Negative experiences/Pressure")
        code(p, "J. Lee", "fgi_mentors", "솔직히", "Negative experiences/Pressure")
    rc, out, _ = run(capsys, "coders", mine, "merge", "jordan", "Jordan")
    assert rc == 0 and "1 segment(s) moved" in out
    rc, out, _ = run(capsys, "coder-merge", mine, "J. Lee", "Jordan")
    assert rc == 0 and "1 segment(s) moved" in out
    rc, out, _ = run(capsys, "coders", mine, "rename", "Jordan", "Jordan Lee")
    assert rc == 0 and 'Renamed the coder "Jordan" to "Jordan Lee".' in out
    rc, out, _ = run(capsys, "coder-rename", mine, "Jordan Lee", "Jordan  K.  Lee")
    assert rc == 0 and 'Renamed the coder "Jordan Lee" to "Jordan K. Lee".' in out
    for argv in (["coders", mine, "rename", "Jordan K. Lee", "ha-EUN"],
                 ["coder-rename", mine, "Jordan K. Lee", "Ha-eun"]):  # fmt: skip
        rc, _, err = run(capsys, *argv)
        assert rc == 1 and 'already a coder "Ha-eun"; merge the two instead' in err
    rc, _, err = run(capsys, "coders", mine, "merge", "Jordan")
    assert rc == 1 and "qualframe coders PATH merge SOURCE TARGET" in err
    rc, out, _ = run(capsys, "coders", mine)
    assert "Jordan K. Lee" in out and "analyst" in out
    with Project.open(mine, read_only=True) as p:
        assert coder_names(p) == ["Ha-eun", "Jordan K. Lee"]
        assert {s.coder for s in list_segments(p)} == {"Ha-eun", "Jordan K. Lee"}
        assert verify_trail(p).intact


def test_coder_look_up_takes_the_exact_spelling_first_then_any_case(tmp_path: Path) -> None:
    p = build_study(tmp_path / "s.qualframe", priya=False)
    try:
        code(p, "jordan", "fgi_mentees", "Was anything difficult?", "Negative experiences/Pressure")
        with p.read() as s:
            assert coder_in(s, "jordan").name == "jordan"
            assert coder_in(s, "Jordan").name == "Jordan"
            assert coder_in(s, "  ha-EUN ").name == "Ha-eun"  # one spelling: any case
            with pytest.raises(UserError, match="write the name exactly"):
                coder_in(s, "JORDAN")  # two spellings fit
            with pytest.raises(UserError, match=r'no coder "Nobody".*\(coders: Ha-eun, Jordan'):
                coder_in(s, "Nobody")
        # a name given with an escape sequence is stored escaped, and found either way
        RenameCoder("jordan", "jordan\x1b[31m").do(p)
        with p.read() as s:
            assert coder_in(s, "jordan\x1b[31m").name == "jordan\\x1b[31m"
            assert coder_in(s, "jordan\\x1b[31m").name == "jordan\\x1b[31m"
        MergeCoders("jordan\x1b[31m", "Jordan").do(p)
        assert coder_names(p) == ["Ha-eun", "Jordan"]
    finally:
        p.close()


def test_a_coder_merge_carries_comments_on_codes_and_answers_and_undo_returns_them(
    tmp_path: Path,
) -> None:
    """h-audit's rows that name a coder (an auditor's comments on codes, an analyst's answers
    to them and to disputes) change hands with the merge and come back with its undo."""
    path = tmp_path / "s.qualframe"
    p = build_study(path, priya=False)
    p.close()
    with Project.open(path, coder="Ha-eun") as p:
        AddCoder("kim", "auditor").do(p)
        AddCoder("Kim Auditor", "auditor").do(p)
        seg = next(s for s in list_segments(p) if s.coder == "Jordan")
        code_guid = seg.code_guid
    with Project.open(path, coder="kim", review=True) as p:
        AddReview(seg.guid, "dispute", "Too broad.").do(p)
        comment = AddCodeComment(code_guid, "Overlaps another code?")
        comment.do(p)
    with Project.open(path, coder="Jordan") as p:
        AnswerCodeComment(comment.guid, "No: it is about exams only.").do(p)
        before = owners(p)
        stack = UndoStack(p)
        stack.push(MergeCoders("kim", "Kim Auditor"))
        roles = {c.name: (c.role, c.verdicts) for c in list_coders(p)}
        assert roles["Kim Auditor"] == (
            "auditor",
            1,
        )  # the verdict; the comment is on a code and "kim" not in roles
        moved = owners(p)
        assert {(k, who) for _, k, who in moved["code_reviews"]} == {
            ("comment", "Kim Auditor"), ("answer", "Jordan"),
        }  # fmt: skip
        assert {who for _, _, who in moved["reviews"]} == {"Kim Auditor"}
        stack.push(MergeCoders("Jordan", "Ha-eun"))  # the answering analyst merged too
        assert {who for _, _, who in owners(p)["code_reviews"]} == {"Kim Auditor", "Ha-eun"}
        stack.undo()
        stack.undo()
        assert owners(p) == before
        assert verify_trail(p).intact


def owners(p: Project) -> dict[str, set[tuple[Any, ...]]]:
    """Who each row naming a coder belongs to, by name (undo re-creates a coder's row)."""
    from sqlalchemy import select

    from qualframe.storage.models import Coder, CodeReview, Review, Segment

    with p.read() as s:
        return {
            "code_reviews": set(s.execute(
                select(CodeReview.guid, CodeReview.kind, Coder.name)
                .join(Coder, Coder.id == CodeReview.author_id)
            ).all()),
            "reviews": set(s.execute(
                select(Review.guid, Review.verdict, Coder.name)
                .join(Coder, Coder.id == Review.reviewer_id)
            ).all()),
            "segments": set(s.execute(
                select(Segment.guid, Segment.start, Coder.name)
                .join(Coder, Coder.id == Segment.coder_id)
            ).all()),
        }  # fmt: skip


def test_a_merge_of_copies_carries_review_threads_and_records_the_codebook(
    copies: tuple[Path, Path],
) -> None:
    """The other copy's review threads come whole (an answer keeps the verdict it answers,
    its action and details; comments on codes and their answers come too), and the codes the
    merge adds are recorded in the codebook's history, as any code added here is; undo takes
    both back. Before, answers came without their verdict and comments on codes not at all,
    and a merged code had no history (the merge writes with bulk SQL)."""
    from sqlalchemy import select

    from qualframe.coding import commands
    from qualframe.coding.review.answers import AnswerDispute
    from qualframe.storage.models import AuditEvent, Code, CodeReview, Review
    from qualframe.storage.trail import STATE_ACTION

    mine, theirs = copies
    with Project.open(theirs, coder="Jordan") as j:
        AddCoder("kim", "auditor").do(j)
        new_code = commands.AddCode("Peer teaching").do(j).created_guid
        commands.EditCodeDetails(new_code, {"definition": "Explaining to a peer."}).do(j)
        seg = next(s for s in list_segments(j) if s.coder == "Jordan")
    with Project.open(theirs, coder="kim", review=True) as j:
        dispute = AddReview(seg.guid, "dispute", "Too broad.")
        dispute.do(j)
        comment = AddCodeComment(seg.code_guid, "Overlaps “Closeness”?")
        comment.do(j)
    with Project.open(theirs, coder="Jordan") as j:
        AnswerDispute(dispute.guid, "Kept: it is about exams.").do(j)
        AnswerCodeComment(comment.guid, "No overlap.").do(j)
    with Project.open(mine, coder="Ha-eun") as p:
        stack = UndoStack(p)
        source, plan = preview_merge(p, theirs, "mine")
        assert ("comments on codes", 2) in plan.summary()
        stack.push(MergeProject(source, plan.rule))

        def threads() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], list[Any]]:
            with p.read() as s:
                reviews = set(
                    s.execute(select(Review.verdict, Review.reply_to_guid, Review.action)).all()
                )
                on_codes = set(
                    s.execute(
                        select(
                            CodeReview.kind, CodeReview.text, CodeReview.reply_to_guid, Code.guid
                        ).join(Code, Code.id == CodeReview.code_id)
                    ).all()
                )
                states = list(
                    s.scalars(
                        select(AuditEvent.details)
                        .where(
                            AuditEvent.action == STATE_ACTION, AuditEvent.entity_guid == new_code
                        )
                        .order_by(AuditEvent.id)
                    )
                )
            return reviews, on_codes, states

        reviews, on_codes, states = threads()
        assert ("dispute", None, None) in reviews
        assert ("answer", dispute.guid, "keep") in reviews
        assert on_codes == {
            ("comment", "Overlaps “Closeness”?", None, seg.code_guid),
            ("answer", "No overlap.", comment.guid, seg.code_guid),
        }
        assert states[-1]["state"]["name"] == "Peer teaching"
        assert states[-1]["state"]["definition"] == "Explaining to a peer."
        assert verify_trail(p).intact
        stack.undo()
        reviews, on_codes, states = threads()
        assert reviews == set() and on_codes == set()
        assert states[-1] == {"deleted": True}
        assert verify_trail(p).intact
