"""A code name may contain "/": the command line writes it \\/ in --code paths and prints
paths in the same unambiguous form (issue 11, item 8)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qualframe.app.cli.main import build_parser, main
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.core.project import Project
from tests.coding.helpers import add_transcript


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    assert main(["new", str(path), "--template", "empty"]) == 0
    with Project.open(path, coder="tester") as project:
        add_transcript(
            project,
            "fgi_mentees",
            [("E1", "We should be matched by what we study, not by surname.")],
        )
    return path


def test_code_with_a_slash_in_its_name(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = "Suggestions/Mentor\\/mentee matching"
    code, out, err = run(
        capsys, "code", study, "--document", "fgi_mentees", "--text", "matched by what we study",
        "--code", path, "--create",
    )  # fmt: skip
    assert code == 0, err
    with Project.open(study, read_only=True) as project:
        tree = code_tree(project)
    assert [r.path for r in tree] == [("Suggestions",), ("Suggestions", "Mentor/mentee matching")]
    code, out, _ = run(capsys, "segments", study, "--code", path, "--format", "json")
    rows = json.loads(out)
    assert [r["code"] for r in rows] == [path]
    assert rows[0]["text"] == "matched by what we study"
    code, out, _ = run(capsys, "segments", study, "--format", "csv")
    assert [r["code"] for r in csv.DictReader(io.StringIO(out))] == [path]
    # the unescaped form names another (missing) path
    code, _, err = run(capsys, "segments", study, "--code", "Suggestions/Mentor/mentee matching")
    assert code == 1 and "There is no code" in err


def test_the_help_states_the_escape_rule() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("code", "segments"):
        text = sub.choices[name].format_help()  # type: ignore[union-attr]
        assert "\\/" in text and "inside a code name" in " ".join(text.split())
