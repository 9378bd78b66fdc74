"""An auditor's account on a server project, on the command line (issue 17): every writing
command is refused by ``coding`` with one sentence naming the role (exit status 1, nothing
written, whatever ``--coder`` says), while the review itself works. Needs a server
(``make test-postgres``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from tests import backend
from tests.app.conftest import build_project
from tests.coding.test_review_mode import dump

pytestmark = pytest.mark.server
PRESSURE = "Negative experiences/Pressure felt by the mentee"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(project_location) -> Iterator[str]:  # type: ignore[no-untyped-def]
    project = build_project(project_location("study.qualframe"))
    url = str(project.location)
    project.close()
    yield url


@pytest.fixture
def auditor(study: str, capsys: pytest.CaptureFixture[str]) -> Iterator[str]:
    """A login made an auditor of the study with ``qualframe role URL grant``."""
    name = f"aud_{uuid.uuid4().hex[:8]}"
    code, out, _ = run(capsys, "role", study, "grant", name, "--role", "auditor", "--no-password")
    assert code == 0 and f"{name} is now auditor of" in out
    yield name
    backend.drop_logins(study, [name])


def test_every_writing_command_of_an_auditor_account_is_refused_in_one_sentence(
    study: str, auditor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = backend.as_login(study, auditor)
    with Project.open(study, read_only=True) as p:
        before = dump(p)
        name = p.name
    code, out, _ = run(capsys, "segments", url, "--format", "json")  # reading works
    assert code == 0
    segment = json.loads(out)[0]["guid"]
    transcript = tmp_path / "more.txt"
    transcript.write_text("E5: I learnt to plan my week.\n", encoding="utf-8")
    sheet = tmp_path / "people.csv"
    sheet.write_text("pseudonym,year\nE1,3\n", encoding="utf-8")
    other = tmp_path / "other.qualframe"
    Project.create(other, coder="ana").close()
    writing = [
        ("code", url, "--document", "fgi_mentors", "--text", "Explaining things",
         "--code", PRESSURE, "--coder", "tester"),
        ("import", url, transcript),
        ("codebook", url, "--load", "mentoring"),
        ("coders", url, "add", "zoe", "--role", "analyst"),
        ("coders", url, "rename", "tester", "Tess"),
        ("sets", url, "Spring", "--add", "fgi_mentors"),
        ("attributes", url, "--from", sheet, "--key", "pseudonym"),
        ("merge", url, other),
        ("disagreements", url, "--coders", "tester", "zoe", "--seed-consensus"),
        ("resolve", url, "1", "--coders", "tester", "zoe", "--neither"),
        ("answer", url, "--to", segment, "--reply", "Kept."),
    ]  # fmt: skip
    sentence = (
        f"qualframe: {auditor} is an auditor of {name}: an auditor's account can agree, "
        "dispute and comment, but not code, change the codebook, import or edit documents.\n"
    )
    for argv in writing:
        code, out, err = run(capsys, *argv)
        assert (argv[0], code, err) == (argv[0], 1, sentence)
    with Project.open(study, read_only=True) as p:
        assert dump(p) == before  # nothing written, not even a coder row
    # The review is what an auditor's account is for.
    code, out, err = run(capsys, "review", url, "--as", auditor, "--segment", segment,
                         "--verdict", "agree")  # fmt: skip
    assert (code, out) == (0, f"{auditor}: agree on 1 segment.\n"), err
    # The server's grants would refuse the same writes: checked at the database itself.
    from sqlalchemy.exc import ProgrammingError

    from qualframe.storage.server import make_engine, parse_url

    engine = make_engine(parse_url(url), pool=False)
    try:
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as c:
            c.exec_driver_sql("UPDATE codes SET name = 'x'")
    finally:
        engine.dispose()
