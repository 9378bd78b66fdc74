"""``qualframe import … --set-for FILE ATTR=VALUE``: attributes for one file's speakers or
respondents, over the batch's ``--set``; refused (one sentence, nothing written) when FILE is
not among the files or could be more than one of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    a = tmp_path / "fgi_a.txt"
    a.write_text(
        "Moderator: How did the mentoring start?\n\nM1: We met every week in the library.\n\n"
        "M2: I made a study plan with my mentee.\n",
        encoding="utf-8",
    )
    b = tmp_path / "fgi_b.txt"
    b.write_text(
        "진행자: 멘토링은 어땠어요?\n\nE1: 시험 전에 같이 복습해서 좋았어요.\n\n"
        "E2: At first I felt some pressure.\n",
        encoding="utf-8",
    )
    s = tmp_path / "survey.csv"
    s.write_text("id,sat\nR1,4\nR2,5\n", encoding="utf-8")
    return {"a": a, "b": b, "s": s}


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    Project.create(path, coder="tester").close()
    return path


def _attributes(path: Path) -> dict[str, dict[str, str]]:
    with Project.open(path) as p:
        return {x.pseudonym: dict(x.attributes) for x in list_participants(p)}


def test_set_for_gives_each_file_its_own_attributes(
    project_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "import", str(project_path), str(files["a"]), str(files["b"]), str(files["s"]),
        "--set", "cohort=2024", "--set", "role=unknown",
        "--set-for", "fgi_a.txt", "role=mentor",
        "--set-for", str(files["b"]), "role=mentee", "--set-for", "fgi_b.txt", "site=Seoul",
        "--set-for", "survey.csv", "role=mentee",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    a = lines.index(next(x for x in lines if x.startswith("fgi_a.txt: transcript")))
    assert lines[a + 1] == "  set for this file: role=mentor"
    b = lines.index(next(x for x in lines if x.startswith("fgi_b.txt: transcript")))
    assert lines[b + 1] == "  set for this file: role=mentee, site=Seoul"
    assert lines[-1] == "Imported 3 files: 2 documents."  # the survey has no open question
    attrs = _attributes(project_path)
    assert attrs["M1"] == attrs["M2"] == {"cohort": "2024", "role": "mentor"}
    assert attrs["E1"] == attrs["E2"] == {"cohort": "2024", "role": "mentee", "site": "Seoul"}
    assert attrs["R1"] == {"cohort": "2024", "role": "mentee"}  # survey respondents alike
    assert "진행자" not in attrs  # the interviewer is no participant


def test_set_for_in_a_dry_run(
    project_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "import", str(project_path), str(files["a"]), str(files["b"]), "--dry-run",
        "--set-for", "fgi_a.txt", "role=mentor",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "fgi_a.txt: transcript (txt)" in out and "  set for this file: role=mentor" in out
    assert out.count("set for this file") == 1
    assert _attributes(project_path) == {}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--set-for", "fgi_c.txt", "role=mentor"],
         "qualframe: --set-for names fgi_c.txt, which is not among the files ("),
        (["--set-for", "fgi_a.txt", "role"],
         "qualframe: --set-for FILE needs NAME=VALUE, not 'role'."),
        (["--set-for", "fgi_a.txt", "=mentor"],
         "qualframe: --set-for FILE needs NAME=VALUE, not '=mentor'."),
    ],
)  # fmt: skip
def test_set_for_refusals(
    project_path: Path,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    code = main(["import", str(project_path), str(files["a"]), str(files["b"]), *argv])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith(message) and err.count("\n") == 1
    assert _attributes(project_path) == {}


def test_set_for_a_name_two_files_share(
    project_path: Path, tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "week2"
    other.mkdir()
    twin = other / "fgi_a.txt"
    twin.write_text("M3: Another week, another review session.\n", encoding="utf-8")
    code = main([
        "import", str(project_path), str(files["a"]), str(twin), "--set-for", "fgi_a.txt",
        "role=mentor",
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "could be any of" in err and "give its path" in err
    assert main([
        "import", str(project_path), str(files["a"]), str(twin), "--set-for", str(twin),
        "role=mentor", "--set-for", str(files["a"]), "role=mentee",
    ]) == 0  # fmt: skip
    attrs = _attributes(project_path)
    assert attrs["M3"] == {"role": "mentor"} and attrs["M1"] == {"role": "mentee"}


def test_set_for_needs_two_values(project_path: Path, files: dict[str, Path]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["import", str(project_path), str(files["a"]), "--set-for", "fgi_a.txt"])
    assert exc.value.code == 2
