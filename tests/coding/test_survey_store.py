"""What the survey store writes, row by row: numbers (label mappings, reverse coding),
choices, missing answers, the refusals of answers the project already holds, and the large
import that builds the participant index after its rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.importing.survey import store

SURVEY = (
    "id,role,agree,often,place,topics,hours,comment\n"
    "A,mentor,Strongly agree,Never,Library,Exams; Planning,2.5,Helpful.\n"
    "B,mentee,Disagree,Often,Cafe,Planning,,\n"
    "C,mentee,,Sometimes,,,4,More meetings.\n"
    "D,mentor,Agree,Often,Library,Exams,1,\n"
)
OPTIONS = ImportOptions(
    column_types={"hours": "number", "often": "likert:1-3", "topics": "multiple"},
    likert_maps={"often": "Never=1|Sometimes=2|Often=3"},
    reverse=["agree"],
)


def _rows(project: Project) -> dict[tuple[str, str], tuple[str | None, float | None, object]]:
    with project.read() as s:
        rows = s.execute(
            text(
                "SELECT p.pseudonym, i.name, a.raw, a.number, a.choices FROM survey_answers a "
                "JOIN survey_items i ON i.id = a.item_id "
                "JOIN participants p ON p.id = a.participant_id"
            )
        ).all()
    return {(p, i): (raw, num, choices) for p, i, raw, num, choices in rows}


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_each_answer_as_stored(project: Project, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path, "s.csv", SURVEY)], OPTIONS)
    rows = _rows(project)
    # agree: a text scale 1-5, reverse-coded (6 - point): Strongly agree 5 -> 1, Disagree 2 -> 4
    assert rows[("A", "agree")] == ("Strongly agree", 1.0, None)
    assert rows[("B", "agree")] == ("Disagree", 4.0, None)
    assert rows[("D", "agree")] == ("Agree", 2.0, None)
    assert ("C", "agree") not in rows  # no answer: no row (missing, not zero)
    # often: the given mapping
    assert [rows[(r, "often")][1] for r in "ABCD"] == [1.0, 3.0, 2.0, 3.0]
    assert rows[("A", "place")] == ("Library", None, '["Library"]')
    assert json.loads(str(rows[("A", "topics")][2])) == ["Exams", "Planning"]
    assert json.loads(str(rows[("B", "topics")][2])) == ["Planning"]
    assert rows[("A", "hours")] == ("2.5", 2.5, None)
    assert ("B", "hours") not in rows
    assert not any(item in ("comment", "role", "id") for _, item in rows)
    assert len(rows) == 4 * 5 - 4  # A, B, C, D x 5 closed items, less 4 blanks


def test_a_large_import_builds_the_participant_index_after_its_rows(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "REBUILD_FROM", 1)
    calls: list[bool] = []
    real = store.indexes_rebuilt_after

    def spy(session, table, enabled=True):  # type: ignore[no-untyped-def]
        calls.append(enabled)
        return real(session, table, enabled)

    monkeypatch.setattr(store, "indexes_rebuilt_after", spy)
    import_files(project, [_write(tmp_path, "s.csv", SURVEY)], OPTIONS)
    assert calls == [True]
    assert len(_rows(project)) == 16
    with project.read() as s:
        names = {
            r[0]
            for r in s.execute(
                text("SELECT name FROM sqlite_master WHERE tbl_name = 'survey_answers'")
            )
        }
        assert "ix_survey_answers_participant_id" in names
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # a second, smaller file into a project holding more answers keeps the index as it is
    calls.clear()
    monkeypatch.setattr(store, "REBUILD_FROM", 100_000)
    import_files(project, [_write(tmp_path, "t.csv", "id,extra\nA,4\nB,5\n")], ImportOptions())
    assert calls == [False]


def test_answers_the_project_holds_are_refused(project: Project, tmp_path: Path) -> None:
    import_files(project, [_write(tmp_path, "s.csv", SURVEY)], OPTIONS)
    # another file of the same name (other bytes, so not recognised as the same file)
    other = tmp_path / "again"
    other.mkdir()
    same_name = _write(other, "s.csv", "id,sat_new\nB,4\n")
    with pytest.raises(ImportRefused, match=r"has answers from B that the project already holds"):
        import_files(project, [same_name], ImportOptions())
    # another file answering a question the project holds for the same respondent
    clash = _write(tmp_path, "u.csv", "id,hours\nZ,3\nD,7\n")
    with pytest.raises(ImportRefused, match=r"has answers from D to 'hours', which the project"):
        import_files(project, [clash], ImportOptions(column_types={"hours": "number"}))
    assert len(_rows(project)) == 16  # nothing of the refused files was written
