"""`qualframe export`, `import` of .qdpx/.qdc and `new --from`: the REFI-QDA command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from tests.coding.exchange import refi_fixtures as fx
from tests.coding.helpers import add_transcript


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    assert main(["new", str(path)]) == 0
    with Project.open(path, coder="tester") as project:
        add_transcript(
            project, "fgi_mentors",
            [("Moderator", "What changed?"), ("M1", "I plan my week now 📅 and 준비해요.")],
            roles={"M1": "mentor"},
        )  # fmt: skip
    assert main(["code", str(path), "--document", "fgi_mentors", "--text", "I plan my week",
                 "--code", "Suggestions/Mentor\\/mentee matching", "--create"]) == 0  # fmt: skip
    return path


def test_export_import_and_new_from(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "study.qdpx"
    code, text, err = run(capsys, "export", study, "--out", out)
    assert code == 0, err
    assert "Exported the project to study.qdpx (REFI-QDA 1.5)" in text and "1 codings" in text
    assert zipfile.is_zipfile(out)
    # a whole project cannot go into a project that already has the starting codebook
    code, _, err = run(capsys, "import", study, out)
    assert code == 1 and err.startswith("qualframe: study.qdpx is a whole REFI-QDA project")
    assert "--from study.qdpx" in err and "Traceback" not in err
    fresh = tmp_path / "fresh.qualframe"
    code, text, err = run(capsys, "new", fresh, "--from", out)
    assert code == 0, err
    assert "REFI-QDA project from Qualframe 0.1.0" in text and f"Created {fresh}" in text
    code, text, _ = run(capsys, "segments", fresh, "--code", "Suggestions/Mentor\\/mentee matching",
                        "--format", "json")  # fmt: skip
    rows = json.loads(text)
    assert [(r["text"], r["participant"], r["attributes"]) for r in rows] == [
        ("I plan my week", "M1", {"role": "mentor"})
    ]
    # and into an empty project with import
    empty = tmp_path / "empty.qualframe"
    assert main(["new", str(empty), "--template", "empty"]) == 0
    code, text, err = run(capsys, "import", empty, out)
    assert code == 0, err
    assert json.loads(run(capsys, "info", empty, "--json")[1])["segments"] == 1


def test_codebook_export_and_import(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qdc = tmp_path / "book.qdc"
    code, text, _ = run(capsys, "export", study, "--out", qdc)
    assert code == 0 and "77 codes" in text
    other = tmp_path / "other.qualframe"
    assert main(["new", str(other), "--template", "empty"]) == 0
    code, text, err = run(capsys, "import", other, qdc)
    assert code == 0, err
    assert "Added 77 codes" in text
    code, text, _ = run(capsys, "import", other, qdc, "--dry-run")
    assert code == 0 and "77 codes" in text and "nothing was written" in text
    code, text, _ = run(capsys, "import", other, qdc)
    assert "Added 0 codes, updated 0, 77 matched" in text


def test_refusals_are_one_sentence(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "export", study, "--out", tmp_path / "x.txt")
    assert code == 1 and "choose .qdpx" in err
    path, _ = fx.nvivo_windows(tmp_path / "n.qdpx")
    code, _, err = run(
        capsys, "new", tmp_path / "x.qualframe", "--from", path, "--template", "empty"
    )
    assert code == 1 and "--template or --from" in err
    code, _, err = run(capsys, "import", study, path, tmp_path / "notes.txt")
    assert code == 1 and "on its own" in err
    bomb = fx.write_qdpx(tmp_path / "bomb.qdpx", "<Project/>", {"../../x": b"x"})
    target = tmp_path / "b.qualframe"
    code, _, err = run(capsys, "new", target, "--from", bomb)
    assert code == 1 and "leads outside the archive" in err and err.count("\n") == 1
    assert not target.exists()


def test_help_lists_export_and_from(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "export" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    assert "--from FILE.qdpx" in capsys.readouterr().out
