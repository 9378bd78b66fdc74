"""Roles on a server project are enforced by the server's grants: an auditor reads and
records reviews, and every other write is refused by PostgreSQL itself, whatever the
client does; a coder writes; roles can be listed. Needs a server (``make test-postgres``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text, update

from qualframe.app.cli.main import main
from qualframe.coding.codebook.tree import code_tree
from qualframe.coding.commands import AddCode, ApplyCode, RenameCode
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import grant_role, list_roles
from qualframe.coding.corpus.documents import DocumentData, add_document_in, list_documents
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.errors import StorageFailure
from qualframe.storage.models import Code
from qualframe.storage.server import _admin_engine, parse_url

pytestmark = pytest.mark.server


@pytest.fixture
def people(project: Project) -> Iterator[tuple[str, str]]:
    """An auditor and a coder login on the test server; removed afterwards (roles are
    server-wide)."""
    tag = uuid.uuid4().hex[:8]
    auditor, coder = f"aud_{tag}", f"cod_{tag}"
    yield auditor, coder
    database = project.db.server_url.database
    names = [auditor, coder, *(f"{database}_{r}" for r in ("owner", "coder", "auditor"))]
    with project.db.engine.begin() as conn:  # the grants in the project database first
        for name in names:
            if conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}
            ).scalar():
                conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
    admin = _admin_engine(parse_url(str(project.location)))
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        admin.dispose()


def _as(project: Project, login: str) -> Project:
    url = parse_url(str(project.location)).set(username=login)
    return Project.open(url.render_as_string(hide_password=False), coder=login)


def test_an_auditor_reviews_but_cannot_change_the_coding(project: Project, people) -> None:  # type: ignore[no-untyped-def]
    auditor, coder = people
    AddCode("Support").do(project)
    with project.write() as s:
        add_document_in(s, "tester", DocumentData("interview", "Ana: my mentor helped me.\n"), [])
    doc = list_documents(project)[0].guid
    code = code_tree(project)[0]
    seg = ApplyCode(doc, 5, 15, code.guid)
    seg.do(project)
    url = str(project.location)
    grant_role(url, auditor, "auditor")
    grant_role(url, coder, "coder")
    assert sorted(list_roles(url)) == sorted([(auditor, "auditor"), (coder, "coder")])

    with _as(project, auditor) as a:
        assert a.server_role == "auditor"
        AddReview(seg.guid, "dispute", "too short").do(a)  # type: ignore[arg-type]
        assert len(list_reviews(a)) == 1
        with pytest.raises(StorageFailure, match=r"Your role on the server .* does not allow"):
            RenameCode(code.guid, "Renamed by the auditor").do(a)
        # Not only through Qualframe's commands: the server refuses the statement itself.
        with pytest.raises(StorageFailure, match="does not allow"), a.write() as s:
            s.execute(update(Code).values(name="x"))
        with pytest.raises(StorageFailure, match="does not allow"), a.write() as s:
            s.execute(text("DELETE FROM segments"))
    assert [r.name for r in code_tree(project)] == ["Support"]
    with _as(project, coder) as c:
        assert c.server_role == "coder"
        RenameCode(code.guid, "Mentor support").do(c)
        with pytest.raises(StorageFailure, match="does not allow"), c.write() as s:
            s.execute(text("CREATE TABLE planted (x int)"))
    assert [r.name for r in code_tree(project)] == ["Mentor support"]
    assert project.server_role == "owner"


def test_role_command_grants_and_lists(project: Project, people, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    auditor, _ = people
    url = str(project.location)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["role", url, "grant", auditor, "--role", "auditor"]) == 0
    assert f"{auditor} is now auditor of" in capsys.readouterr().out
    assert main(["role", url, "list"]) == 0
    assert f"{auditor}  auditor" in capsys.readouterr().out
    assert main(["role", url, "grant", "bad name;drop", "--no-password"]) == 1
    assert "cannot be a server user name" in capsys.readouterr().err
