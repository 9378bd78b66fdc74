"""The readable audit trail: sentences, filters, undo as its own event, verification of the
hash chain (and its failure after an edit with sqlite3), the codebook at any date."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest

from qualframe.coding import commands
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.verdicts import AddReview
from qualframe.coding.trail.history import codebook_at, codebook_changes
from qualframe.coding.trail.log import LogFilter, read_log
from qualframe.coding.trail.verify import verify_trail
from qualframe.storage.models import utcnow
from tests.coding.helpers import add_transcript

SPEECH = "Before every exam " * 70 + "my mentor made a study plan with me."


@pytest.fixture
def trail(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "t.qualframe"
    p = Project.create(path, coder="ana")
    doc, text = add_transcript(p, "fgi_mentees", [("E1", SPEECH)], roles={"E1": "mentee"})
    stack = commands.UndoStack(p)
    theme = stack.push(commands.AddCode("Factors of success")).created_guid
    plans = stack.push(commands.AddCode("Plans", theme)).created_guid
    pressure = stack.push(commands.AddCode("Pressure")).created_guid
    i = text.index("made a study plan")
    seg = stack.push(commands.ApplyCode(doc, i, i + 17, pressure)).created_guid
    marks = {"coded": utcnow()}
    time.sleep(0.01)
    stack.push(commands.RenameCode(plans, "Study plans"))
    stack.push(commands.EditCodeDetails(plans, {"definition": "A plan made with the mentor."}))
    AddCoder("kim", "auditor").do(p)
    p.coder = "kim"
    dispute = stack.push(AddReview(seg, "dispute", "A study plan, not pressure.")).created_guid
    p.coder = "ana"
    stack.push(AnswerDispute(dispute, "Recoded.", code_guid=plans))
    p.coder = "kim"
    stack.push(AddReview(seg, "agree"))
    p.coder = "ana"
    stack.push(commands.AddCode("Spare"))
    stack.undo()
    marks["end"] = utcnow()
    yield p, path, {"doc": doc, "seg": seg, "plans": plans, "pressure": pressure, "i": i, **marks}
    p.close()


def test_the_log_reads_as_sentences_in_order(trail) -> None:  # type: ignore[no-untyped-def]
    p, _, g = trail
    sentences = [e.sentence for e in read_log(p)]
    i = g["i"]
    assert f"ana applied “Pressure” to fgi_mentees {i:,}–{i + 17:,}" in sentences
    assert i > 1000  # the thousands separator is exercised
    assert "ana renamed the code “Plans” to “Study plans”" in sentences
    assert "ana edited “Study plans”: definition “” → “A plan made with the mentor.”" in sentences
    assert (
        f"kim disputed “Pressure” in fgi_mentees {i:,}–{i + 17:,}: “A study plan, not pressure.”"
        in sentences
    )
    assert (
        f"ana answered kim’s dispute on “Pressure” in fgi_mentees {i:,}–{i + 17:,}: recoded "
        "“Pressure” → “Study plans”; reply “Recoded.”" in sentences
    )
    assert f"kim agreed with “Study plans” in fgi_mentees {i:,}–{i + 17:,}" in sentences
    assert "ana added the auditor “kim”" in sentences
    # the undo is its own event, saying what it undid
    assert sentences[-1] == 'ana deleted the code “Spare” (undoing “Add code "Spare"”)'
    # codebook states are machine records, shown only when asked for
    assert not any("recorded the code" in s for s in sentences)
    assert any("recorded the code" in e.sentence for e in read_log(p, LogFilter(states=True)))


def test_the_log_filters_by_person_action_code_document_and_date(trail) -> None:  # type: ignore[no-untyped-def]
    p, _, g = trail
    kim = read_log(p, LogFilter(actor="KIM"))
    assert [e.action for e in kim] == ["review_segment", "review_segment"]
    assert {e.category for e in read_log(p, LogFilter(action="review"))} == {"review"}
    assert [e.action for e in read_log(p, LogFilter(action="undo"))] == ["delete_code"]
    on_plans = {e.action for e in read_log(p, LogFilter(code_guid=g["plans"]))}
    assert {"add_code", "rename_code", "edit_code", "answer_dispute", "review_segment"} <= on_plans
    on_doc = [e.action for e in read_log(p, LogFilter(document_guid=g["doc"]))]
    assert on_doc[0] == "import_document" and "apply_code" in on_doc
    later = read_log(p, LogFilter(since=g["coded"]))
    assert later[0].action == "rename_code"
    assert read_log(p, LogFilter(until=g["coded"]))[-1].action == "apply_code"
    assert read_log(p, LogFilter(since=g["end"] + timedelta(seconds=1))) == []
    targets = {e.action: e.target for e in read_log(p)}
    assert targets["review_segment"] == ("segment", g["seg"])
    assert targets["rename_code"] == ("code", g["plans"])
    assert targets["import_document"] == ("document", g["doc"])


def test_the_trail_verifies_until_a_row_is_altered_with_sqlite3(trail) -> None:  # type: ignore[no-untyped-def]
    p, path, _ = trail
    check = verify_trail(p)
    assert check.intact and check.total > 15
    assert check.sentence().startswith(f"The audit trail is intact: {check.total:,} events")
    p.close()
    con = sqlite3.connect(path)
    target = con.execute(
        "SELECT id FROM audit_events WHERE action = 'review_segment' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    con.execute(
        "UPDATE audit_events SET details = json_set(details, '$.verdict', 'agree') WHERE id = ?",
        (target,),
    )
    con.commit()
    con.close()
    with Project.open(path, read_only=True) as q:
        check = verify_trail(q)
        assert not check.intact and check.broken is not None
        assert check.broken.event_id == target
        assert check.sentence().startswith(f"The audit trail is broken at event {target:,} (")
        assert "changed outside Qualframe" in check.sentence()


def test_unparseable_edits_are_reported_not_raised(trail) -> None:  # type: ignore[no-untyped-def]
    p, path, _ = trail
    p.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE audit_events SET details = '{broken', at = 'yesterday' WHERE id = 2")
    con.commit()
    con.close()
    with Project.open(path, read_only=True) as q:
        check = verify_trail(q)
        assert check.broken is not None and check.broken.event_id == 2


def test_the_codebook_at_any_date_and_the_changes_between_two(trail) -> None:  # type: ignore[no-untyped-def]
    p, _, g = trail
    then = codebook_at(p, g["coded"])
    assert [c.path_text for c in then.codes] == [
        "Factors of success",
        "Factors of success/Plans",
        "Pressure",
    ]
    assert then.known and then.codes[1].definition == ""
    now = codebook_at(p, g["end"])
    assert [c.path_text for c in now.codes] == [
        "Factors of success", "Factors of success/Study plans", "Pressure",
    ]  # fmt: skip
    changes = codebook_changes(then, now)
    assert [(c.kind, c.path, c.before, c.after) for c in changes] == [
        ("renamed", "Factors of success/Study plans", "Plans", "Study plans"),
        ("edited", "Factors of success/Study plans", "", "A plan made with the mentor."),
    ]
    assert codebook_at(p, g["coded"] - timedelta(days=1)).codes == ()


@pytest.mark.server
def test_review_filter_trail_and_history_on_a_database_server(tmp_path: Path) -> None:
    """The same review, trail and codebook history on the server as on SQLite (the review
    filter is one SQL condition; the hash chain must read back exactly). The server project
    is a new database of the test server (``QUALFRAME_TEST_DATABASE``, tests/backend.py)."""
    from tests import backend

    url = str(backend.new_location(tmp_path, "server.qualframe"))

    def run(p: Project) -> tuple[object, ...]:
        doc, text = add_transcript(p, "fgi", [("E1", SPEECH)], roles={"E1": "mentee"})
        stack = commands.UndoStack(p)
        a = stack.push(commands.AddCode("Plans")).created_guid
        b = stack.push(commands.AddCode("Pressure")).created_guid
        i = text.index("made a study plan")
        s1 = stack.push(commands.ApplyCode(doc, i, i + 17, b)).created_guid
        s2 = stack.push(commands.ApplyCode(doc, 0, 6, a)).created_guid
        AddCoder("kim", "auditor").do(p)
        p.coder = "kim"
        d = stack.push(AddReview(s1, "dispute", "Not pressure.")).created_guid
        stack.push(AddReview(s2, "agree"))
        p.coder = "ana"
        stack.push(AnswerDispute(d, "Recoded.", code_guid=a))
        p.coder = "kim"
        stack.push(AddReview(s1, "agree"))
        stack.push(AddReview(s2, "dispute", "Too short."))
        from qualframe.coding.review.status import reviewed_segment_ids

        with p.read() as s:
            kept = sorted(len(reviewed_segment_ids(s, m) or ()) for m in ("agreed", "any"))
        sentences = [e.sentence for e in read_log(p)]
        book = [c.path_text for c in codebook_at(p, utcnow()).codes]
        return kept, sentences, book, verify_trail(p).intact

    with Project.create(url, coder="ana") as server:
        on_server = run(server)
    with Project.create(tmp_path / "local.qualframe", coder="ana") as local:
        on_sqlite = run(local)
    assert on_server == on_sqlite and on_server[-1] is True and on_server[0] == [1, 2]
