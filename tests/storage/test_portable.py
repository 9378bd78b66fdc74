"""The persistence layer on another SQLAlchemy URL (PostgreSQL for teams).

Runs only when ``QUALFRAME_TEST_DATABASE`` names a PostgreSQL server (``make test-postgres``);
the study is built in a new database there and in a project file, and every figure compared.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from qualframe.coding.analysis import matrix, survey
from qualframe.coding.commands import LoadTemplate
from qualframe.coding.core.project import Project
from qualframe.coding.demo import apply_plan
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.query.segments import list_segments
from qualframe.resources import DEMO_DATA
from tests import backend

DEMO = DEMO_DATA

pytestmark = pytest.mark.server


def _build(project: Project) -> None:
    LoadTemplate("mentoring").do(project)
    for name, role in (("fgi_mentees.txt", "mentee"), ("fgi_korean_cp949.txt", "mentor")):
        import_files(project, [DEMO / name], ImportOptions(attributes={"role": role}))
    import_files(
        project,
        [DEMO / "survey.csv"],
        ImportOptions(kind="survey", id_column="respondent_id", group_column="role"),
    )
    plan = json.loads((DEMO / "coding_plan.json").read_text(encoding="utf-8"))
    apply_plan(project, [p for p in plan if p["document"] != "fgi_mentors.txt"])


def _figures(project: Project) -> tuple[object, ...]:
    m = matrix.build_matrix(project, matrix.MatrixOptions())
    cells = [
        [[dataclasses.replace(e, code_guid="") for e in c.entries] for c in r.cells] for r in m.rows
    ]
    segs = [
        (s.document_name, s.start, s.end, s.text, s.code_path, s.speaker)
        for s in list_segments(project)
    ]
    stats = survey.survey_tables(project, by="role").to_json()
    return project.info(), cells, segs, stats


def test_same_study_same_figures_on_sqlite_and_server(tmp_path: Path) -> None:
    url = backend.new_location(tmp_path, "x")
    assert isinstance(url, str)
    with Project.open_url(url, create=True, coder="Analyst A") as server:
        _build(server)
        on_server = _figures(server)
    with Project.create(tmp_path / "local.qualframe", coder="Analyst A") as local:
        _build(local)
        on_sqlite = _figures(local)
    assert on_server == on_sqlite


def _edit_and_link(project: Project) -> None:
    """Survey edits and a link, as the Survey and Participants tabs make them."""
    from qualframe.coding.analysis.survey import load_survey
    from qualframe.coding.commands import EditSurveyItem, LinkRespondent, UndoStack
    from qualframe.coding.corpus.participants import list_participants

    stack = UndoStack(project)
    items = {it.name: it for it in load_survey(project).items}
    likert = next(it for it in items.values() if it.type == "likert")
    stack.push(EditSurveyItem(likert.guid, scale=(1, 5), reversed=True, label="Reversed"))
    choice = next(it for it in items.values() if it.type == "single" and it.options)
    stack.push(EditSurveyItem(choice.guid, options=list(reversed(choice.options or ()))))
    people = {p.pseudonym: p.guid for p in list_participants(project)}
    speaker = next(p for p in ("E1", "E2", "E3") if p in people)
    respondent = next(p for p in sorted(people) if p.startswith("R"))
    stack.push(LinkRespondent(people[speaker], people[respondent]))
    stack.push(EditSurveyItem(choice.guid, type="ignore"))
    stack.undo()


def test_survey_edits_links_and_packed_answers_on_the_server(tmp_path: Path) -> None:
    """Schema 0008 (answers packed into their response row): the survey commands, a link,
    and the upgrade of old rows give the same figures on the server as on SQLite."""
    import sqlalchemy as sa

    url = backend.new_location(tmp_path, "survey")
    assert isinstance(url, str)
    with Project.open_url(url, create=True, coder="Analyst A") as server:
        _build(server)
        _edit_and_link(server)
        on_server = _figures(server)
    with Project.create(tmp_path / "local.qualframe", coder="Analyst A") as local:
        _build(local)
        _edit_and_link(local)
        on_sqlite = _figures(local)
    assert on_server == on_sqlite
    # the upgrade moves old survey_answers rows into the response rows, and back
    from alembic import command

    from qualframe.storage.migrate import alembic_config

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")
    with engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM survey_answers").scalar()
        assert rows and rows > 50  # the demo survey's closed answers, unpacked
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    engine.dispose()
    with Project.open_url(url, coder="Analyst A") as server:
        assert _figures(server) == on_sqlite
