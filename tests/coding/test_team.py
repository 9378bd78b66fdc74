"""Several coders on one server project, each with a connection of their own: conflicts are
refused in one sentence, undo is per coder, changes reach the other client live, and a lost
connection refuses writes until it is back.

Needs a server (``QUALFRAME_TEST_DATABASE``; ``make test-postgres``); skipped otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from qualframe.coding.codebook.tree import code_tree, find_code
from qualframe.coding.commands import (
    AddCode,
    ApplyCode,
    RecolourCode,
    RenameCode,
    ResizeSegment,
    UndoStack,
)
from qualframe.coding.core.errors import ConflictError
from qualframe.coding.core.live import ChangeFeed, decode, encode
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import DocumentData, add_document_in
from qualframe.storage.errors import ConcurrentChangeError, ConnectionLostError
from qualframe.storage.models import Code

pytestmark = pytest.mark.server

TEXT = "Interviewer: How was it?\nAna: Hard at first, then my mentor helped me a lot.\n"


@pytest.fixture
def pair(project: Project) -> Iterator[tuple[Project, Project]]:
    """Coder A (the fixture's project) and coder B, on two connections to one database."""
    AddCode("Support").do(project)
    with project.write() as s:
        add_document_in(s, "tester", DocumentData("interview", TEXT), [])
    b = Project.open(project.location, coder="Coder B")
    try:
        yield project, b
    finally:
        b.close()


def _guid(project: Project, path: str) -> str:
    rec = find_code(project, path)
    assert rec is not None
    return rec.guid


def test_a_rename_made_on_a_stale_view_is_refused_naming_the_other_coder(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    seen = next(r for r in code_tree(a) if r.name == "Support")  # what A's window shows
    RenameCode(seen.guid, "Mentor support", seen_version=seen.version).do(b)
    with pytest.raises(ConflictError) as refused:
        RenameCode(seen.guid, "Peer support", seen_version=seen.version).do(a)
    assert str(refused.value) == (
        'Coder B changed the code now named "Mentor support" after you last saw it, so your '
        "rename was not saved; the view now shows their version."
    )
    assert [r.name for r in code_tree(a)] == ["Mentor support"]
    # Seen afresh, A's rename goes through.
    fresh = code_tree(a)[0]
    RenameCode(fresh.guid, "Peer support", seen_version=fresh.version).do(a)
    assert [r.name for r in code_tree(b)] == ["Peer support"]


def test_two_transactions_racing_on_one_code_cannot_both_win(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    guid = _guid(a, "Support")
    with pytest.raises(ConcurrentChangeError, match="at the same moment"), a.write() as s:
        code = s.scalar(select(Code).where(Code.guid == guid))
        assert code is not None
        code.name = "A's name"  # read and changed in A's open transaction …
        RenameCode(guid, "B's name").do(b)  # … while B commits first
    assert [r.name for r in code_tree(a)] == ["B's name"]


def test_undo_never_takes_back_another_coders_work(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    guid = _guid(a, "Support")
    stack = UndoStack(a)
    stack.push(RenameCode(guid, "Support by mentors"))
    RecolourCode(guid, "#336699").do(b)
    with pytest.raises(ConflictError, match=r"^Coder B changed .* so it was not undone"):
        stack.undo()
    rec = code_tree(a)[0]
    assert (rec.name, rec.color) == ("Support by mentors", "#336699")
    # A's own later changes do not block A's undo.
    stack2 = UndoStack(a)
    stack2.push(RenameCode(guid, "One"))
    stack2.push(RecolourCode(guid, "#000000"))
    stack2.undo()
    stack2.undo()
    assert code_tree(a)[0].name == "Support by mentors"


def test_undo_of_a_boundary_change_is_refused_after_the_other_coder_moved_it(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    from qualframe.coding.corpus.documents import list_documents

    doc = list_documents(a)[0].guid
    start = TEXT.index("Hard")
    stack = UndoStack(a)
    stack.push(ApplyCode(doc, start, start + 4, _guid(a, "Support")))
    seg = stack._commands[-1].guid  # type: ignore[attr-defined]
    stack.push(ResizeSegment(seg, start, start + 13))
    ResizeSegment(seg, start, start + 20).do(b)
    with pytest.raises(ConflictError, match="Coder B changed that coded segment"):
        stack.undo()


def test_changes_arrive_at_the_other_client_within_two_seconds(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    feed = ChangeFeed(b)
    try:
        assert feed.poll(0.0) == []
        guid = _guid(a, "Support")
        stack = UndoStack(a)
        t0 = time.monotonic()
        stack.push(RenameCode(guid, "Renamed by A"))
        got = feed.poll(2.0)
        elapsed = time.monotonic() - t0
        assert elapsed < 2.0
        assert [(c.action, c.codes) for c in got] == [("rename_code", frozenset({guid}))]
        # B's own announcements are not echoed back to B.
        UndoStack(b).push(AddCode("B's code"))
        assert feed.poll(0.3) == []
    finally:
        feed.close()


def test_polling_finds_changes_nobody_announced(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    feed = ChangeFeed(b)
    feed.POLL_EVERY = 0.0  # type: ignore[misc]
    try:
        feed.poll(0.0)
        feed._next_check = 0.0  # the next poll compares the newest audit event
        AddCode("Added by a script").do(a)  # not through an undo history: no announcement
        got = feed.poll(0.2)
        assert len(got) == 1 and got[0].codebook
    finally:
        feed.close()


def test_a_long_change_is_announced_as_refresh_everything() -> None:
    from qualframe.coding.core.changes import Change

    big = Change("apply_many", segments_added=frozenset(f"{i:036d}" for i in range(400)))
    origin, coder, change = decode(encode(big, "me", "Ana")) or ("", "", None)
    assert (origin, coder) == ("me", "Ana")
    assert change is not None and change.codebook and change.document_list
    small = Change("apply_code", segments_added=frozenset({"g1"}), documents=frozenset({"d"}))
    assert decode(encode(small, "me", "Ana")) == ("me", "Ana", small)
    assert decode("not json") is None


def _kill_connections(project: Project) -> int:
    """Cut every connection to the project's database, as a server restart does; returns
    how many were cut."""
    from qualframe.storage.server import _admin_engine

    database = project.db.server_url.database
    admin = _admin_engine(project.db.server_url)
    try:
        with admin.connect() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": database},
            ).scalar()
    finally:
        admin.dispose()
    return int(cut or 0)


def test_a_lost_connection_refuses_writes_until_it_is_back(pair) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    feed = ChangeFeed(b)
    feed.RETRY_EVERY = 0.2  # type: ignore[misc]
    try:
        before = len(code_tree(b))
        _kill_connections(b)
        feed.poll(0.5)
        assert not feed.online
        assert "changes are refused until it is back" in feed.message
        with pytest.raises(ConnectionLostError, match="refused until it is back"):
            AddCode("while offline").do(b)
        assert len(code_tree(a)) == before  # nothing was queued or half-written
        time.sleep(0.3)
        got = feed.poll(0.0)
        assert feed.online and [c.action for c in got] == ["reconnected"]
        AddCode("after reconnecting").do(b)
        assert len(code_tree(a)) == before + 1
    finally:
        feed.close()
