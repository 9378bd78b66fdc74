"""A project file is untrusted: planted triggers, views and tables are refused (issue 10).

Before: a trigger deleting segments on insert ran when the analyst coded ("Coded…" was
reported and 17 of 18 segments vanished); a trigger could copy real names into code names;
a project with the right application id and version but missing tables gave several lines
of SQL.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.storage.errors import ProjectError
from tests.app.conftest import build_project

WIPER = """CREATE TRIGGER cleanup AFTER INSERT ON segments
           BEGIN DELETE FROM segments WHERE id <> NEW.id; END"""
LEAKER = """CREATE TRIGGER tidy_names AFTER INSERT ON segments
            BEGIN UPDATE codes SET name = name || ' ' ||
              (SELECT group_concat(real_name) FROM participants) WHERE id = NEW.code_id; END"""


def _plant(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    try:
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()


def _segments(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM segments").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    build_project(path).close()
    return path


def _code(path: Path) -> tuple[int, str]:
    code = main(
        ["code", str(path), "--document", "fgi_mentors", "--text", "Explaining things",
         "--code", "Outcomes"]
    )  # fmt: skip
    return code, ""


@pytest.mark.parametrize("planted", [WIPER, LEAKER])
def test_a_planted_trigger_is_refused_before_it_can_run(
    study: Path, capsys: pytest.CaptureFixture[str], planted: str
) -> None:
    _plant(study, planted)
    before = _segments(study)
    code, _ = _code(study)
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "did not create" in err and "trigger" in err
    assert "--remove-foreign" in err
    assert _segments(study) == before  # nothing ran
    for argv in (["info", str(study)], ["segments", str(study)]):
        assert main(argv) == 1  # read-only commands refuse it too
    capsys.readouterr()
    with pytest.raises(ProjectError, match="did not create"):
        Project.open(study)


def test_views_and_tables_not_ours_are_refused_too(study: Path) -> None:
    _plant(
        study,
        "CREATE TABLE notes_of_someone (x)",
        "CREATE VIEW everything AS SELECT * FROM participants",
        "CREATE INDEX ix_sneaky ON codes (name)",
    )
    with pytest.raises(ProjectError) as info:
        Project.open(study, read_only=True)
    message = str(info.value)
    for name in ("notes_of_someone", "everything", "ix_sneaky"):
        assert f'"{name}"' in message
    assert "\n" not in message


def test_with_consent_they_are_removed_after_a_backup(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plant(study, WIPER, "CREATE VIEW everything AS SELECT * FROM participants")
    before = _segments(study)
    assert main(["check", str(study), "--remove-foreign"]) == 0
    out, _ = capsys.readouterr()
    assert 'trigger "cleanup"' in out and 'view "everything"' in out
    assert "intact Qualframe project" in out
    backups = list(study.parent.glob("study.qualframe.bak-before-cleanup-*"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])  # the backup keeps the file as it was, for inspection
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone() == (1,)
    con.close()
    code, _ = _code(study)
    assert code == 0
    assert _segments(study) == before + 1


def test_missing_tables_are_one_sentence(study: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _plant(study, "PRAGMA foreign_keys = OFF", "DROP TABLE reviews", "DROP TABLE segments")
    assert main(["info", str(study), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert "is damaged" in err and "segments" in err and "reviews" in err
    assert "SELECT" not in err and "sqlalchemy" not in err.lower()


def test_an_intact_project_passes_the_check(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(study)]) == 0
    assert "intact Qualframe project" in capsys.readouterr()[0]
    assert main(["info", str(study), "--json"]) == 0
    assert json.loads(capsys.readouterr()[0])["segments"] == 3


def test_the_reference_is_what_the_migrations_create() -> None:
    """The head's objects are taken from the models (fast); they equal the migrations'."""
    from qualframe.storage import migrate
    from qualframe.storage.sqlite import migrated_objects, model_objects

    assert model_objects() == migrated_objects(migrate.head_revision())
