"""The audit trail as a coder coding blind sees it (``coding.trail.blind``): two analysts code
the same transcript, an auditor reviews both, one of them edits the codebook and the text,
the other resolves disagreements and merges coders. Each rule of the module is checked
against the sentences written out by hand here."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.coding import commands
from qualframe.coding.analysis.agreement.disagreements import SeedConsensus
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_merge import MergeCoders
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import AddCodeComment
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.trail.blind import BlindLog, blind_log
from qualframe.coding.trail.log import LogFilter, read_log
from tests.coding.helpers import add_transcript, as_

SPEECH = [
    ("Moderator", "무엇이 가장 도움이 됐나요?"),
    ("E1", "My mentor made a study plan with me, and I felt pressure before every block."),
    ("E2", "시험 전에 같이 복습해서 덜 긴장했어요."),
]


@pytest.fixture
def study(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = Project.create(tmp_path / "blind.qualframe", coder="Ha-eun")
    doc, text = add_transcript(p, "fgi_mentees", SPEECH, roles={"E1": "mentee", "E2": "mentee"})
    plans = as_(p, "Ha-eun", commands.AddCode("Study plans"))
    pressure = as_(p, "Jordan", commands.AddCode("Pressure"))
    assert plans and pressure
    i, j = text.index("made a study plan"), text.index("I felt pressure")
    k = text.index("덜 긴장했어요")
    mine = as_(p, "Ha-eun", commands.ApplyCode(doc, i, i + 17, plans))
    as_(p, "Ha-eun", commands.SetSegmentMemo(mine or "", "Her own plan, not the mentor's."))
    theirs = as_(p, "Jordan", commands.ApplyCode(doc, i - 3, i + 17, plans))
    jp = as_(p, "Jordan", commands.ApplyCode(doc, j, j + 15, pressure))
    as_(p, "Jordan", commands.SetSegmentMemo(theirs or "", "Jordan's doubt about the plan"))
    as_(p, "Jordan", commands.SetExemplar(jp or "", True))
    as_(p, "Jordan", commands.ResizeSegment(jp or "", j, j + 20))
    korean = as_(p, "Jordan", commands.ApplyCode(doc, k, k + 7, pressure))
    assert mine and theirs and jp and korean
    AddCoder("kim", "auditor").do(p)
    on_mine = as_(p, "kim", AddReview(mine, "dispute", "A plan of her own?"))
    on_theirs = as_(p, "kim", AddReview(theirs, "dispute", "Wider than the plan."))
    as_(p, "kim", AddCodeComment(pressure, "Where does pressure end and worry begin?"))
    as_(p, "Ha-eun", AnswerDispute(on_mine or "", "Kept: she made it herself."))
    as_(p, "Jordan", AnswerDispute(on_theirs or "", "Narrowed.", bounds=(i, i + 17)))
    as_(p, "Jordan", commands.AddMemo("Jordan's journal", "Long day of coding."))
    # Jordan deletes the Korean passage's words: his segment there goes with them
    as_(p, "Jordan", commands.EditDocumentText(doc, k, k + 7, ""))
    as_(p, "Jordan", commands.RenameDocument(doc, "fgi_mentees_2024"))
    as_(p, "Ha-eun", SeedConsensus(("Ha-eun", "Jordan")))
    # Ha-eun deletes Jordan's code (his segments go with it)
    as_(p, "Ha-eun", commands.DeleteCode(pressure, "delete"))
    # two spellings: Jordan's into Jordan, Ha-eun's into Ha-eun
    as_(p, "jordan", commands.ApplyCode(doc, i, i + 2, plans))
    as_(p, "haeun", commands.ApplyCode(doc, i + 3, i + 9, plans))
    as_(p, "Ha-eun", MergeCoders("jordan", "Jordan"))
    as_(p, "Ha-eun", MergeCoders("haeun", "Ha-eun"))
    yield p, {"i": i, "j": j, "k": k}
    p.close()


def test_ha_eun_sees_her_own_work_and_the_projects_not_jordans(study) -> None:  # type: ignore[no-untyped-def]
    p, at = study
    i = at["i"]
    log = blind_log(p, "Ha-eun")
    shown = [e.sentence for e in log.entries if e.action != "code_state"]
    assert shown == [
        "Ha-eun imported the transcript fgi_mentees from fgi_mentees.txt (3 turns)",
        "Ha-eun added the code “Study plans” at the top level",
        "Jordan added the code “Pressure” at the top level",
        f"Ha-eun applied “Study plans” to fgi_mentees {i:,}–{i + 17:,}",
        f"Ha-eun edited the memo on “Study plans” in fgi_mentees {i:,}–{i + 17:,}",
        "Ha-eun added the auditor “kim”",
        f"kim disputed “Study plans” in fgi_mentees {i:,}–{i + 17:,}: “A plan of her own?”",
        f"Ha-eun answered kim’s dispute on “Study plans” in fgi_mentees {i:,}–{i + 17:,}: "
        "kept the coding; reply “Kept: she made it herself.”",
        "Jordan added a reflexive memo",
        f"Jordan edited the text of fgi_mentees {at['k']:,}–{at['k'] + 7:,}: “덜 긴장했어요” → “”",
        "Jordan renamed the document “fgi_mentees” to “fgi_mentees_2024”",
        "Ha-eun deleted the code “Pressure”",
        f"haeun applied “Study plans” to fgi_mentees_2024 {i + 3:,}–{i + 9:,}",
        "Ha-eun merged the coder “haeun” into “Ha-eun” (1 segment moved, 0 identical codings folded)",
    ]
    every = [e for e in read_log(p) if e.action != "code_state"]
    assert log.hidden == len(every) - len(shown)
    # nothing that is left names Jordan's segments, their text, his memo or the counts
    left = " ".join(shown)
    for trace in ("Jordan's doubt", "Wider than the plan", "Narrowed", "exemplar", "pressure end",
                  "consensus", "segment", "removed"):  # fmt: skip
        assert trace not in left.replace("1 segment moved", ""), trace


def test_the_full_log_still_names_everything(study) -> None:  # type: ignore[no-untyped-def]
    """Only the blind reading leaves things out: the counts are still in the trail."""
    p, _ = study
    text = " ".join(e.sentence for e in read_log(p))
    assert "“Pressure” (1 segment(s) deleted)" in text
    assert "1 coded segment removed" in text
    assert "Jordan applied “Pressure”" in text


def test_jordan_blind_sees_his_and_not_ha_euns(study) -> None:  # type: ignore[no-untyped-def]
    p, at = study
    log = blind_log(p, "Jordan")
    text = " ".join(e.sentence for e in log.entries)
    assert f"Jordan applied “Pressure” to fgi_mentees {at['j']:,}–{at['j'] + 15:,}" in text
    assert "Wider than the plan" in text and "Narrowed" in text  # the thread on his segment
    assert "A plan of her own?" not in text and "Her own plan" not in text
    assert "Ha-eun applied" not in text
    # Ha-eun's deletion of his code is shown, without the count or her undo's title
    assert "Ha-eun deleted the code “Pressure”" in text
    assert "merged the coder “jordan” into “Jordan” (1 segment moved" in text
    assert "haeun" not in text


def test_another_persons_undo_does_not_name_its_step(study) -> None:  # type: ignore[no-untyped-def]
    p, _ = study
    stack = commands.UndoStack(p)
    p.coder = "Jordan"
    stack.push(commands.AddCode("Coded while tired"))
    stack.undo()
    p.coder = "Ha-eun"
    last = blind_log(p, "Ha-eun").entries
    assert last[-1].action == "code_state"  # kept, as the log keeps it (never listed)
    assert last[-2].sentence == (
        "Jordan deleted the code “Coded while tired” (undoing an earlier step)"
    )
    assert read_log(p)[-1].sentence.endswith('(undoing “Add code "Coded while tired"”)')
    assert blind_log(p, "Jordan").entries[-2].sentence == read_log(p)[-1].sentence


def test_a_deleted_segment_counts_for_whoever_coded_it(study) -> None:  # type: ignore[no-untyped-def]
    """Once a segment is gone, the trail says whose it was: who applied the code, or the
    coder it was applied for (the consensus, whose segments Ha-eun copied)."""
    p, at = study
    consensus = [e for e in read_log(p) if e.action == "apply_code" and e.details.get("coder")]
    assert [e.details["coder"] for e in consensus] == ["consensus"]
    for e in consensus:
        as_(p, "Ha-eun", commands.RemoveSegment(e.entity_guid or ""))
    assert not any("consensus" in e.sentence or e.entity_guid == consensus[0].entity_guid
                   for e in blind_log(p, "Ha-eun").entries)  # fmt: skip
    i = at["i"]
    doc = read_log(p, LogFilter(action="import"))[0].entity_guid
    plans = next(
        e.entity_guid for e in read_log(p) if e.sentence.endswith("“Study plans” at the top level")
    )
    made = as_(p, "Jordan", commands.ApplyCode(doc or "", i, i + 5, plans or ""))
    as_(p, "Jordan", commands.RemoveSegment(made or ""))
    mine = as_(p, "Ha-eun", commands.ApplyCode(doc or "", i + 10, i + 17, plans or ""))
    as_(p, "Ha-eun", commands.RemoveSegment(mine or ""))
    tail = [e.sentence for e in blind_log(p, "Ha-eun").entries][-2:]
    assert tail == [
        f"Ha-eun applied “Study plans” to fgi_mentees_2024 {i + 10:,}–{i + 17:,}",
        f"Ha-eun removed “Study plans” from fgi_mentees_2024 {i + 10:,}–{i + 17:,}",
    ]


@pytest.mark.parametrize(
    ("hidden", "sentence"),
    [
        (0, "Blind coding is on: no entries of other coders are hidden (View → Coders)."),
        (1, "Blind coding is on: 1 entry of other coders is hidden (View → Coders)."),
        (1234, "Blind coding is on: 1,234 entries of other coders are hidden (View → Coders)."),
    ],
)
def test_the_sentence(hidden: int, sentence: str) -> None:
    assert BlindLog("Ha-eun", [], hidden).sentence() == sentence


def test_the_log_command_reads_the_trail_blind_for_the_coder(study, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``qualframe log --blind --coder NAME`` lists what the Log tab lists while NAME codes
    blind, in every format, filters applied, and says how many entries it hid."""
    import json

    from qualframe.app.cli.main import main

    p, _ = study
    path = str(p.db.path)
    expected = blind_log(p, "Ha-eun")
    p.close()
    monkeypatch.delenv("QUALFRAME_CODER", raising=False)
    assert main(["log", path, "--blind", "--coder", "ha-EUN", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    listed = json.loads(out)
    assert [e["id"] for e in listed] == [e.id for e in expected.entries if e.action != "code_state"]
    assert not any("Jordan's doubt" in e["sentence"] or "Narrowed" in str(e) for e in listed)
    assert err.strip() == (
        f"Blind coding is on for Ha-eun: {expected.hidden} entries of other coders are hidden."
    )
    assert main(["log", path, "--blind", "--coder", "Ha-eun", "--actor", "Jordan"]) == 0
    out, err = capsys.readouterr()
    k = study[1]["k"]
    assert [line.split("  ", 1)[1] for line in out.splitlines()] == [
        "Jordan added the code “Pressure” at the top level",
        "Jordan added a reflexive memo",
        f"Jordan edited the text of fgi_mentees {k:,}–{k + 7:,}: “덜 긴장했어요” → “”",
        "Jordan renamed the document “fgi_mentees” to “fgi_mentees_2024”",
    ]
    assert err.startswith(f"{len(out.splitlines())} event(s). Blind coding is on for Ha-eun: ")
    # a coder the project does not have is refused in one sentence
    assert main(["log", path, "--blind", "--coder", "Priya"]) != 0
    assert 'There is no coder "Priya" in this project' in capsys.readouterr()[1]
    # without --blind, everything
    assert main(["log", path, "--coder", "Ha-eun", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr()[0])) > len(listed)
