"""The auditors' half on the command line, end to end: coders with roles, an auditor refused
when coding or importing (nothing written), a review in review mode, a dispute answered and
re-verdicted, exports limited to agreed segments, the review report, the log, its
verification, and its failure after a row is altered with sqlite3."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from qualframe.app.cli.main import main
from tests.app.conftest import MENTORS, build_project
from tests.coding.test_review_mode import dump

PRESSURE = "Negative experiences/Pressure felt by the mentee"
RESPONSIBILITY = "Mutual benefits/Responsibility and self-development/Sense of responsibility"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    build_project(path).close()
    return path


def segments(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run(capsys, "segments", path, "--format", "json", *extra)
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_an_auditor_reviews_from_the_command_line_and_the_trail_shows_it(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qualframe.coding.core.project import Project

    # coders and roles
    assert run(capsys, "coders", study, "add", "kim", "--role", "auditor")[0] == 0
    code, out, _ = run(capsys, "coders", study)
    assert "kim" in out and "auditor" in out and "tester" in out and "analyst" in out

    # an auditor cannot code or import: one sentence, nothing written
    with Project.open(study, read_only=True) as p:
        before = dump(p)
    code, out, err = run(
        capsys, "code", study, "--document", "fgi_mentors", "--text", "Explaining things",
        "--code", PRESSURE, "--coder", "kim",
    )  # fmt: skip
    assert code == 1 and out == ""
    assert err == (
        "qualframe: kim is an auditor: auditors agree, dispute and comment, but cannot code, "
        "change the codebook, import or edit documents.\n"
    )
    extra = tmp_path / "more.txt"
    extra.write_text("E5: I learnt to plan my week.\n", encoding="utf-8")
    assert run(capsys, "import", study, extra, "--coder", "kim")[0] == 1
    assert run(capsys, "codebook", study, "--load", "mentoring", "--coder", "kim")[0] == 1
    with Project.open(study, read_only=True) as p:
        assert dump(p) == before

    # segments carry their guid and their (latest) verdict
    rows = segments(capsys, study)
    assert all(r["guid"] and r["latest_verdict"] is None for r in rows)
    responsible = next(r for r in rows if r["text"] == "I felt responsible for her results")

    # the review, in review mode
    code, out, _ = run(
        capsys, "review", study, "--as", "kim", "--segment", responsible["guid"],
        "--verdict", "dispute", "--comment", "Responsibility, not pressure.",
    )  # fmt: skip
    assert (code, out) == (0, "kim: dispute on 1 segment.\n")
    code, out, _ = run(
        capsys, "review", study, "--as", "kim", "--code", "Factors of success",
        "--verdict", "agree",
    )  # fmt: skip
    assert (code, out) == (0, "kim: agree on 1 segment.\n")  # its sub-code's one segment
    code, _, err = run(
        capsys, "review", study, "--as", "kim", "--code", "Factors of success", "--exact",
        "--verdict", "agree",
    )  # fmt: skip
    assert code == 1 and err == 'qualframe: No segment is coded "Factors of success".\n'
    code, _, err = run(capsys, "review", study, "--as", "kim", "--segment", responsible["guid"],
                       "--verdict", "dispute")  # fmt: skip
    assert code == 1 and "needs a comment" in err

    # the analyst answers: recode
    code, out, _ = run(capsys, "disputes", study, "--format", "json")
    (waiting,) = json.loads(out)
    assert waiting["segment"] == responsible["guid"] and waiting["status"] == "disputed"
    dispute = waiting["waiting"][0]["verdict"]
    code, out, _ = run(capsys, "answer", study, "--to", dispute, "--code", RESPONSIBILITY,
                       "--reply", "Agreed: recoded.")  # fmt: skip
    assert (code, out) == (0, "Answer dispute: recode.\n")
    # … and the auditor agrees now
    assert run(capsys, "review", study, "--as", "kim", "--segment", responsible["guid"],
               "--verdict", "agree")[0] == 0  # fmt: skip
    rows = {r["guid"]: r for r in segments(capsys, study)}
    seg = rows[responsible["guid"]]
    assert seg["code"] == RESPONSIBILITY
    assert seg["review_status"] == "agreed"
    assert (seg["latest_verdict"]["kind"], seg["latest_verdict"]["by"]) == ("agree", "kim")
    assert [e["kind"] for e in seg["review_thread"]] == ["dispute", "answer", "agree"]
    agreed = segments(capsys, study, "--reviewed", "agreed")
    assert {r["guid"] for r in agreed} == {
        g for g, r in rows.items() if r["review_status"] == "agreed"
    }
    assert len(agreed) == 2 and len(rows) == 3

    # the matrix limited to agreed segments says so in its note
    out_docx = tmp_path / "matrix.docx"
    assert run(capsys, "matrix", study, "--reviewed", "agreed", "--out", out_docx)[0] == 0
    text = "\n".join(p.text for p in read_docx(str(out_docx)).paragraphs)
    assert "Only segments an auditor reviewed and agreed with are counted" in text
    assert "1 coded segment without such a review is left out" in text

    # the review report, Word and Excel
    report = tmp_path / "review.docx"
    code, out, _ = run(capsys, "review-report", study, "--out", report)
    assert code == 0 and "2 of 3 segments reviewed, 1 disputed, 1 resolved" in out
    doc = read_docx(str(report))
    per_code = doc.tables[0]
    total = [c.text for c in per_code.rows[-1].cells]
    assert total == ["All codes", "3", "2", "2", "1", "1", "0"]
    dispute_row = [c.text for c in doc.tables[1].rows[1].cells]
    assert dispute_row[0] == RESPONSIBILITY
    assert "I felt responsible for her results" in dispute_row[1]
    assert "Responsibility, not pressure. (kim," in dispute_row[2]
    assert dispute_row[3].startswith(
        "Recoded “Pressure felt by the mentee” → “Sense of responsibility”"
    )
    assert dispute_row[4] == "Resolved: agreed after the answer"
    assert "The audit trail is intact" in doc.paragraphs[1].text
    xlsx = tmp_path / "review.xlsx"
    assert run(capsys, "review-report", study, "--out", xlsx)[0] == 0
    wb = load_workbook(xlsx)
    assert [c.value for c in wb["Per code"][wb["Per code"].max_row]] == [
        "All codes", 3, 2, 2, 1, 1, 0,
    ]  # fmt: skip
    assert wb["Disputes"]["K2"].value == "Resolved: agreed after the answer"

    # the log shows all of it, in sentences, filterable
    code, out, _ = run(capsys, "log", study, "--actor", "kim")
    lines = out.splitlines()
    start = MENTORS.index("I felt responsible")
    where = f"fgi_mentors {start:,}–{start + 34:,}"
    assert lines[0].endswith(
        f"kim disputed “Pressure felt by the mentee” in {where}: “Responsibility, not pressure.”"
    )
    assert lines[-1].endswith(f"kim agreed with “Sense of responsibility” in {where}")
    code, out, _ = run(capsys, "log", study, "--action", "review", "--format", "json")
    events = json.loads(out)
    assert [e["action"] for e in events].count("answer_dispute") == 1
    assert all(len(e["hash"]) == 64 for e in events)
    code, out, _ = run(capsys, "log", study, "--format", "csv", "--since", "2000-01-01")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["id", "at (UTC)", "actor", "action", "what", "undo", "hash"]

    # verified intact, then broken after an edit outside the application
    code, out, _ = run(capsys, "log", study, "--verify")
    assert code == 0 and out.startswith("The audit trail is intact:")
    con = sqlite3.connect(study)
    target = con.execute(
        "SELECT id FROM audit_events WHERE action = 'review_segment' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    con.execute("UPDATE audit_events SET actor = 'somebody else' WHERE id = ?", (target,))
    con.commit()
    con.close()
    code, out, _ = run(capsys, "log", study, "--verify")
    assert code == 1
    assert out.startswith(f"The audit trail is broken at event {target:,} (")
    assert "changed outside Qualframe" in out


def test_codebook_history_as_text_and_as_a_word_appendix(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "codebook-history", study, "--at", "2999-01-01")
    assert code == 0 and out.splitlines()[0].startswith("Outcomes — Changes in the mentee")
    assert out.splitlines()[1].startswith("  Academic success")
    code, out, _ = run(capsys, "codebook-history", study, "--at", "2000-01-01")
    assert (code, out) == (0, "")
    appendix = tmp_path / "appendix.docx"
    code, out, _ = run(capsys, "codebook-history", study, "--from", "2000-01-01", "--out", appendix)
    assert code == 0 and out.startswith(f"Wrote {appendix} (")
    doc = read_docx(str(appendix))
    assert doc.paragraphs[0].text == "Appendix. Derivation of the codebook"
    changes, steps, book = doc.tables
    assert changes.rows[1].cells[0].text == "Added"
    assert steps.rows[1].cells[1].text == "tester"
    assert steps.rows[1].cells[2].text == "added the code “Outcomes” at the top level"
    assert book.rows[1].cells[0].text == "Outcomes"
    code, _, err = run(capsys, "codebook-history", study, "--at", "yesterday")
    assert code == 1 and "is not a date" in err


def test_gui_review_needs_a_name(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "gui", study, "--review")
    assert code == 1 and "--review --as NAME" in err


def test_the_log_and_the_disputes_list_carry_pseudonyms_and_names_print_escaped(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What leaves through `log` and `disputes` follows the exports' rule: a participant's
    real name (E2 is 김민지) becomes the pseudonym unless --real-names; a coder's name with an
    ESC sequence or a right-to-left override is stored and printed escaped."""
    assert run(capsys, "coders", study, "add", "kim", "--role", "auditor")[0] == 0
    rows = segments(capsys, study)
    target = rows[0]["guid"]
    comment = "Is this really 김민지's own view?"
    assert run(
        capsys, "review", study, "--as", "kim", "--segment", target, "--verdict", "dispute",
        "--comment", comment,
    )[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "log", study, "--format", "json", "--action", "review")
    assert code == 0 and "김민지" not in out
    event = json.loads(out)[-1]
    assert "Is this really E2's own view?" in event["sentence"]
    assert event["details"]["comment"] == "Is this really E2's own view?"
    code, out, _ = run(capsys, "log", study, "--real-names")
    assert code == 0 and comment in out
    code, out, _ = run(capsys, "log", study, "--format", "csv")
    assert "김민지" not in out and "E2's own view" in out
    code, out, _ = run(capsys, "disputes", study)
    assert code == 0 and "김민지" not in out and "E2's own view" in out
    code, out, _ = run(capsys, "disputes", study, "--real-names", "--format", "json")
    assert json.loads(out)[0]["waiting"][0]["comment"] == comment

    hostile = "lee\x1b[31m\u202eevil"
    code, out, _ = run(capsys, "coders", study, "add", hostile, "--role", "auditor")
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    assert "lee\\x1b[31m\\u202eevil" in out
    code, out, _ = run(capsys, "coders", study, "--format", "json")
    names = [c["name"] for c in json.loads(out)]
    assert "lee\\x1b[31m\\u202eevil" in names and not any("\x1b" in n for n in names)


def test_the_codebook_history_carries_pseudonyms(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A definition that names a participant (김민지 is E2) reaches the Word appendix, the
    text listing and the steps as the pseudonym, unless --real-names."""
    from qualframe.coding import commands
    from qualframe.coding.codebook.tree import find_code
    from qualframe.coding.core.project import Project

    with Project.open(study, coder="tester") as p:
        rec = find_code(p, PRESSURE)
        assert rec is not None
        commands.EditCodeDetails(rec.guid, {"definition": "As 김민지 put it: pressure."}).do(p)
    appendix = tmp_path / "appendix.docx"
    assert run(capsys, "codebook-history", study, "--from", "2000-01-01", "--out", appendix)[0] == 0
    doc = read_docx(str(appendix))
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "김민지" not in " ".join(texts) and any("As E2 put it" in t for t in texts)
    code, out, _ = run(capsys, "codebook-history", study, "--at", "2999-01-01")
    assert "김민지" not in out and "As E2 put it: pressure." in out
    code, out, _ = run(capsys, "codebook-history", study, "--at", "2999-01-01", "--real-names")
    assert "As 김민지 put it: pressure." in out
    # a project is never the target, and nothing is read before that is said
    code, _, err = run(capsys, "codebook-history", study, "--from", "2000-01-01", "--out", study)
    assert code == 1 and "never writes over a project" in err
