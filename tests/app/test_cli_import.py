"""``qualframe import`` on real files: output, dry run, refusals, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.participants import list_participants
from qualframe.resources import DEMO_DATA
from tests.coding.test_import_fixtures import MENTEES, table_dump

DEMO = DEMO_DATA


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    Project.create(path, coder="tester").close()
    return path


def test_import_transcript_and_survey(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "import", str(project_path), str(DEMO / "fgi_mentors.txt"), "--set", "role=mentor",
        "--coder", "ana",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "fgi_mentors.txt: transcript (txt), encoding ascii, 5 speakers, 55 turns" in out
    assert "  Moderator [interviewer]: 9 turns" in out
    assert "  document: fgi_mentors" in out
    code = main([
        "import", str(project_path), str(DEMO / "survey.csv"), "--id-column", "respondent_id",
        "--group-column", "role", "--column", "year=number", "--column", "willing_again=likert:1-5",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "survey.csv: survey (csv, comma-separated), encoding utf-8, 20 respondents" in out
    assert "  role: attribute [group]" in out and "    'MENTOR' → 'mentor'" in out
    assert "  year: number" in out and "  sat_overall: likert (scale not stated)" in out
    assert "  document: survey: best_experience" in out
    with Project.open(project_path) as p:
        roles = {x.pseudonym: x.attributes.get("role") for x in list_participants(p)}
    assert roles["M1"] == "mentor" and roles["R03"] == "mentee"


def test_dry_run_writes_nothing(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(project_path) as p:
        before = table_dump(p)
    code = main([
        "import", str(project_path), str(DEMO / "fgi_korean_cp949.txt"), "--dry-run",
        "--interviewer", "E8", "--kind", "transcript",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "fgi_korean_cp949.txt: transcript (txt), encoding cp949, 2 speakers, 16 turns" in out
    assert "  E8 [interviewer]: 3 turns" in out
    assert "E6: 4 turns, 113 words (real name kept private)" in out
    assert "김민지" not in out
    assert out.rstrip().endswith("Dry run: nothing was written (1 of 1 files can be imported).")
    with Project.open(project_path) as p:
        assert table_dump(p) == before


def test_refusal_is_one_sentence_and_all_or_nothing(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(MENTEES, encoding="utf-8")
    bad = tmp_path / "bad.docx"
    bad.write_text("not really a docx", encoding="utf-8")
    with Project.open(project_path) as p:
        before = table_dump(p)
    assert main(["import", str(project_path), str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == "qualframe: bad.docx is plain text, not a .docx file (check its extension).\n"
    with Project.open(project_path) as p:
        assert table_dump(p) == before
    assert main(["import", str(project_path), str(good), str(bad), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "bad.docx: NOT IMPORTED — bad.docx is plain text" in out
    assert main(["import", str(project_path), str(good), "--set", "role"]) == 1
    assert "--set needs NAME=VALUE" in capsys.readouterr().err
    assert main(["import", str(project_path), str(good), "--label-pattern", "(x"]) == 1
    assert "not a valid regular expression" in capsys.readouterr().err
    assert main(["import", str(project_path), str(good), "--encoding", "klingon"]) == 1
    assert "not an encoding" in capsys.readouterr().err


def test_folder_given_as_file_is_one_sentence_and_changes_nothing(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(MENTEES, encoding="utf-8")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "inside.txt").write_text(MENTEES, encoding="utf-8")
    with Project.open(project_path) as p:
        before = table_dump(p)
    assert main(["import", str(project_path), str(good), str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "qualframe: transcripts is a folder, not a file (choose the files in it).\n"
    )
    assert "Traceback" not in captured.out + captured.err
    with Project.open(project_path) as p:
        assert table_dump(p) == before


def test_hangul_name_and_survey_warnings_are_printed(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = tmp_path / "면담 1차 녹취록.txt"
    transcript.write_text("진행자: 시작합니다.\n학생1: 네.\n", encoding="utf-8")
    survey = tmp_path / "설문 결과.csv"
    survey.write_text(
        "id;group;score\nA;mentor;4,5\nB; mentr;3,5\nC;Mentor;2,0\nD;mentee;1,5\n",
        encoding="utf-8",
    )
    code = main([
        "import", str(project_path), str(transcript), str(survey), "--group-column", "group",
        "--dry-run",
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "면담 1차 녹취록.txt: transcript (txt), encoding utf-8, 1 speakers, 2 turns" in out
    assert "  group: attribute [group] (3 values: mentor, mentr, mentee)" in out
    assert "  score: number" in out
    assert "  warning: 'group' has the value 'mentr' (1 respondent), close to 'mentor' (2)" in out
    assert "  warning: column 'score' uses decimal commas; they were read as decimal points" in out
    assert main(["import", str(project_path), str(transcript)]) == 0
    assert "  document: 면담 1차 녹취록" in capsys.readouterr().out
