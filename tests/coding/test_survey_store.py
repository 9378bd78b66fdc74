"""What the survey store writes, answer by answer: numbers (label mappings, reverse coding),
choices, missing answers, the refusals of answers the project already holds, and the packed
layout (one response row per respondent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.core.project import Project
from qualframe.coding.importing import ImportOptions, import_files
from tests.coding.helpers import Stored, stored_answers

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


def _rows(project: Project) -> dict[tuple[str, str], Stored]:
    return stored_answers(project)


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
    assert rows[("A", "place")] == ("Library", None, ("Library",))
    assert rows[("A", "topics")][2] == ("Exams", "Planning")
    assert rows[("B", "topics")][2] == ("Planning",)
    assert rows[("A", "hours")] == ("2.5", 2.5, None)
    assert ("B", "hours") not in rows
    assert not any(item in ("comment", "role", "id") for _, item in rows)
    assert len(rows) == 4 * 5 - 4  # A, B, C, D x 5 closed items, less 4 blanks


@pytest.mark.sqlite_only("reads SQLite's own schema table (sqlite_master) and integrity check")
def test_one_response_row_per_respondent_holds_its_answers(
    project: Project, tmp_path: Path
) -> None:
    """The packed layout (revision 0008): each row of the file is one survey_responses row
    whose answers JSON holds exactly its non-blank closed answers, keyed by item id."""
    import_files(project, [_write(tmp_path, "s.csv", SURVEY)], OPTIONS)
    with project.read() as s:
        items = dict(s.execute(text("SELECT name, id FROM survey_items")).all())
        rows = s.execute(
            text(
                "SELECT r.respondent_id, r.answers FROM survey_responses r ORDER BY r.respondent_id"
            )
        ).all()
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        tables = {r[0] for r in s.execute(text("SELECT name FROM sqlite_master"))}
    assert "survey_answers" not in tables
    assert [r[0] for r in rows] == ["A", "B", "C", "D"]
    c = json.loads(rows[2][1])
    assert c == {
        str(items["often"]): ["Sometimes", 2.0],
        str(items["hours"]): ["4", 4.0],
    }
    b = json.loads(rows[1][1])
    assert b[str(items["topics"])] == ["Planning", None, ["Planning"]]
    assert b[str(items["agree"])] == ["Disagree", 4.0]
    assert str(items["hours"]) not in b


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


def test_a_second_file_is_scored_as_the_project_scores_the_item(
    project: Project, tmp_path: Path
) -> None:
    """A second wave answering an item the project reverse-codes (with its own label
    mapping) is scored the same way: "Strongly agree" must not be 5 in the new file while it
    is 1 in the first (a silently wrong mean)."""
    import_files(project, [_write(tmp_path, "wave1.csv", SURVEY)], OPTIONS)
    wave2 = _write(
        tmp_path, "wave2.csv", "id,agree,often\nE,Strongly agree,Often\nF,Disagree,Never\n"
    )
    # no --reverse and no mapping given this time: the project's item settings apply
    import_files(project, [wave2], ImportOptions(column_types={"often": "likert:1-3"},
                                                 likert_maps={"often": "Never=1|Sometimes=2|Often=3"}))  # fmt: skip
    rows = _rows(project)
    assert rows[("E", "agree")] == ("Strongly agree", 1.0, None)
    assert rows[("F", "agree")] == ("Disagree", 4.0, None)
    assert rows[("E", "often")][1] == 3.0


def test_a_second_file_reversing_an_item_the_project_does_not_is_refused(
    project: Project, tmp_path: Path
) -> None:
    import_files(project, [_write(tmp_path, "wave1.csv", SURVEY)], OPTIONS)
    wave2 = _write(tmp_path, "wave2.csv", "id,hours,often\nE,3,Often\n")
    with pytest.raises(ImportRefused, match=r"not reverse-coded in the project"):
        import_files(
            project, [wave2],
            ImportOptions(column_types={"hours": "number", "often": "likert:1-3"},
                          likert_maps={"often": "Never=1|Sometimes=2|Often=3"},
                          reverse=["often"]),
        )  # fmt: skip
    assert ("E", "often") not in _rows(project)
