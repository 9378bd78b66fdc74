"""The persistence layer on another SQLAlchemy URL (PostgreSQL for teams).

Runs only when ``QUALFRAME_TEST_DATABASE_URL`` names an empty scratch database, e.g.
``postgresql+psycopg://postgres@127.0.0.1:55432/postgres`` (needs ``pip install
'psycopg[binary]'``); its public schema is dropped and re-created. The same study is built on
SQLite and on that server and every figure compared.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from qualframe.coding.analysis import matrix, survey
from qualframe.coding.commands import LoadTemplate
from qualframe.coding.core.project import Project
from qualframe.coding.demo import apply_plan
from qualframe.coding.importing import ImportOptions, import_files
from qualframe.coding.query.segments import list_segments
from qualframe.resources import DEMO_DATA

URL = os.environ.get("QUALFRAME_TEST_DATABASE_URL")
DEMO = DEMO_DATA

pytestmark = pytest.mark.skipif(
    not URL, reason="set QUALFRAME_TEST_DATABASE_URL to run against a database server"
)


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
    import sqlalchemy as sa

    assert URL
    engine = sa.create_engine(URL)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    engine.dispose()
    with Project.open_url(URL, create=True, coder="Analyst A") as server:
        _build(server)
        on_server = _figures(server)
    with Project.create(tmp_path / "local.qualframe", coder="Analyst A") as local:
        _build(local)
        on_sqlite = _figures(local)
    assert on_server == on_sqlite
