"""Projects on a PostgreSQL server: opening by URL, passwords, whole-project copies.

Needs a server: ``QUALFRAME_TEST_DATABASE=postgresql://postgres@127.0.0.1:55432/postgres``
(``make test-postgres`` starts one on loopback); skipped with that reason otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import download, parse_location, upload
from qualframe.coding.demo import build_demo
from qualframe.coding.query.segments import list_segments
from qualframe.storage import server as server_store
from qualframe.storage.errors import ProjectError, ServerError
from qualframe.storage.models import Code, Segment
from qualframe.storage.transfer import row_counts
from tests import backend

pytestmark = pytest.mark.server


def _guids(project: Project) -> tuple[list[str], list[str]]:
    with project.read() as s:
        codes = sorted(s.scalars(select(Code.guid)))
        segs = sorted(s.scalars(select(Segment.guid)))
    return codes, segs


def test_upload_then_download_copies_every_row_of_every_table(tmp_path: Path) -> None:
    local = tmp_path / "demo.qualframe"
    build_demo(local).close()
    url = backend.new_location(tmp_path, "x")
    assert isinstance(url, str)
    up = upload(local, url)
    # the demo: 75 codes, 84 segments, 157 turns, 174 audit events … (one row per respondent
    # since survey answers are packed: revision 0008)
    assert up.complete and up.total > 600
    assert up.copied["segments"] == 84 and up.copied["codes"] == 75
    back = tmp_path / "back.qualframe"
    down = download(url, back)
    with (
        Project.open(local, read_only=True) as a,
        Project.open(url, read_only=True) as b,
        Project.open(back, read_only=True) as c,
    ):
        counts = row_counts(a.db)
        # Every table of the schema, counted on each side, not just the copy's own tally.
        assert set(counts) >= {"codes", "segments", "documents", "turns", "audit_events"}
        assert sum(counts.values()) == up.total == down.total
        assert row_counts(b.db) == counts == row_counts(c.db)
        assert _guids(a) == _guids(b) == _guids(c)
        texts = [(s.document_name, s.start, s.end, s.text, s.code_path) for s in list_segments(a)]
        assert texts == [
            (s.document_name, s.start, s.end, s.text, s.code_path) for s in list_segments(b)
        ]
    # New rows on the server get new ids (the sequences were moved past the copied ones).
    with Project.open(url, coder="Coder B") as b:
        from qualframe.coding.commands import AddCode

        AddCode("Made on the server").do(b)
        assert b.info()["codes"] == counts["codes"] + 1


def test_upload_refuses_a_database_that_is_not_empty_and_changes_nothing(tmp_path: Path) -> None:
    local = tmp_path / "demo.qualframe"
    build_demo(local).close()
    with Project.open(backend.fresh_project_url(), coder="tester") as taken:
        url = str(taken.location)
        before = row_counts(taken.db)
    with pytest.raises(ProjectError, match="not empty"):
        upload(local, url)
    with Project.open(url, read_only=True) as again:
        assert row_counts(again.db) == before


def test_failed_download_leaves_no_file(tmp_path: Path) -> None:
    missing = backend.new_location(tmp_path, "x")
    with pytest.raises(ProjectError, match="no project database"):
        download(str(missing), tmp_path / "copy.qualframe")
    assert list(tmp_path.iterdir()) == []


def test_cli_new_info_codebook_on_a_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(backend.new_location(tmp_path, "x"))
    assert main(["new", url]) == 0
    assert "with 75 codes" in capsys.readouterr().out
    assert main(["info", url, "--json"]) == 0
    assert '"codes": 75' in capsys.readouterr().out
    assert main(["new", url]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err


def test_password_in_the_url_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ProjectError, match="shell history"):
        parse_location("postgresql://ana:secret@db.example.org/study")
    assert parse_location("postgresql://ana@db.example.org/study") == (
        "postgresql://ana@db.example.org/study"
    )
    assert parse_location("study.qualframe") == Path("study.qualframe")


def test_unreachable_server_and_missing_database_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match=r"^The server of x on 127\.0\.0\.1:9 cannot be reached"):
        Project.open("postgresql://nobody@127.0.0.1:9/x")
    missing = str(backend.new_location(tmp_path, "x"))
    with pytest.raises(ServerError, match="There is no project database"):
        Project.open(missing)


def test_password_comes_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        store: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    old = keyring.get_keyring()
    keyring.set_keyring(Memory())
    monkeypatch.delenv("PGPASSWORD", raising=False)
    try:
        url = server_store.parse_url("postgresql://ana@db.example.org:6543/study")
        assert url.password is None
        server_store.store_password(url, "s3cret")
        assert Memory.store == {("qualframe", "ana@db.example.org:6543"): "s3cret"}
        again = server_store.parse_url("postgresql://ana@db.example.org:6543/study")
        assert again.password == "s3cret"
        # The password is never shown: not in the name, not in the location to reopen.
        assert "s3cret" not in server_store.display_name(again)
    finally:
        keyring.set_keyring(old)


def test_login_checks_the_password_by_connecting(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match="cannot be reached"):
        from qualframe.coding.core.team import remember_password

        remember_password("postgresql://ana@127.0.0.1:9/study", "pw", keyring=False)
