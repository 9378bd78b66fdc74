"""``qualframe import`` with ``--on-conflict ATTR=keep|replace`` (a choice per attribute,
over ``--on-conflict keep|replace`` for all) and ``--leave-out incomplete|preview``."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants

SURVEY = "id,role,year,Progress,help\nM1,mentee,2,100,4\nR2,mentor,3,100,5\nR3,mentee,1,30,2\n"


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    fgi = tmp_path / "fgi.txt"
    fgi.write_text("Moderator: Welcome.\n\nM1: We met every week.\n", encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    project = tmp_path / "study.qualframe"
    Project.create(project, coder="tester").close()
    assert main(["import", str(project), str(fgi), "--set", "role=mentor", "--set", "year=4"]) == 0
    return project, survey


def _people(path: Path) -> dict[str, dict[str, str]]:
    with Project.open(path) as p:
        return {x.pseudonym: dict(x.attributes) for x in list_participants(p)}


def test_conflicts_chosen_per_attribute(
    paths: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, survey = paths
    capsys.readouterr()
    assert main(["import", str(project), str(survey), "--on-conflict", "role=keep"]) == 1
    err = capsys.readouterr().err
    assert "M1: year is '4' in the project, '2' in the file" in err
    assert "--on-conflict keep|replace or ATTRIBUTE=keep|replace" in err
    code = main([
        "import", str(project), str(survey), "--on-conflict", "replace",
        "--on-conflict", "role=keep", "--leave-out", "incomplete",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "left out of the import: 1 incomplete" in out
    people = _people(project)
    assert people["M1"] == {"role": "mentor", "year": "2"}  # role kept, year replaced
    assert "R3" not in people


def test_bad_choices_are_one_sentence(
    paths: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    project, survey = paths
    capsys.readouterr()
    assert main(["import", str(project), str(survey), "--on-conflict", "role=maybe"]) == 1
    assert "--on-conflict takes keep, replace or ATTR=keep|replace" in capsys.readouterr().err
    code = main(["import", str(project), str(survey), "--on-conflict", "keep",
                 "--on-conflict", "replace"])  # fmt: skip
    assert code == 1
    assert "choose one" in capsys.readouterr().err
