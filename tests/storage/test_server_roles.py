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
from qualframe.coding.core.errors import ReviewOnlyError
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import grant_role, list_roles
from qualframe.coding.corpus.documents import DocumentData, add_document_in, list_documents
from qualframe.coding.review.verdicts import AddReview, list_reviews
from qualframe.storage.errors import StorageFailure
from qualframe.storage.models import Code
from tests import backend

pytestmark = pytest.mark.server
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def people(project: Project) -> Iterator[tuple[str, str]]:
    """An auditor and a coder login on the test server; removed afterwards (roles are
    server-wide)."""
    tag = uuid.uuid4().hex[:8]
    auditor, coder = f"aud_{tag}", f"cod_{tag}"
    yield auditor, coder
    backend.drop_logins(str(project.location), [auditor, coder])


def _as(project: Project, login: str) -> Project:
    return Project.open(backend.as_login(str(project.location), login), coder=login)


def _statements(project: Project) -> list[str]:
    """Every SQL statement ``project`` sends from now on (to show what reached the server)."""
    from sqlalchemy import event

    sent: list[str] = []
    event.listen(
        project.db.engine, "before_cursor_execute", lambda *a: sent.append(str(a[2])), named=False
    )
    return sent


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
        # Opened for writing, an auditor's account is in review mode by itself.
        assert a.review and a.reviewing and not a.can_edit
        assert a.review_reason is not None and a.review_reason.startswith(
            f"{auditor} is an auditor of {project.name}:"
        )
        AddReview(seg.guid, "dispute", "too short").do(a)  # type: ignore[arg-type]
        assert len(list_reviews(a)) == 1
        # coding/ refuses first, in one sentence naming the role: no write reaches the server.
        sent = _statements(a)
        with pytest.raises(ReviewOnlyError, match=rf"^{auditor} is an auditor of .*\.$"):
            RenameCode(code.guid, "Renamed by the auditor").do(a)
        with pytest.raises(ReviewOnlyError, match="is an auditor of"):
            ApplyCode(doc, 0, 3, code.guid).do(a)
        with pytest.raises(ReviewOnlyError, match="is an auditor of"), a.write() as s:
            s.execute(update(Code).values(name="x"))
        assert not [q for q in sent if q.lstrip().upper().startswith(WRITES)]
        AddReview(seg.guid, "agree").do(a)  # type: ignore[arg-type]
        assert [q for q in sent if q.startswith("INSERT INTO reviews")]
        # Below coding/, the server's grants refuse the statements themselves.
        with pytest.raises(StorageFailure, match="does not allow"), a.db.write() as s:
            s.execute(update(Code).values(name="x"))
        with pytest.raises(StorageFailure, match="does not allow"), a.db.write() as s:
            s.execute(text("DELETE FROM segments"))
    assert [r.name for r in code_tree(project)] == ["Support"]
    with _as(project, coder) as c:
        assert c.server_role == "coder" and not c.review and c.review_reason is None
        RenameCode(code.guid, "Mentor support").do(c)
        with pytest.raises(StorageFailure, match="does not allow"), c.write() as s:
            s.execute(text("CREATE TABLE planted (x int)"))
    assert [r.name for r in code_tree(project)] == ["Mentor support"]
    assert project.server_role == "owner"
    # Opened read-only, an auditor is simply read-only (nothing to review from there).
    with Project.open(backend.as_login(url, auditor), read_only=True) as r:
        assert r.read_only and not r.review


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
