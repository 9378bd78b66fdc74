"""Two windows on one server project (two connections, two coders): a code applied in one
appears in the other within 2 s, keeping that window's selection; a conflicting rename is
reported and the view shows the other coder's name; a lost connection is shown at once.

Needs a server (``QUALFRAME_TEST_DATABASE``; ``make test-postgres``); skipped otherwise.
"""

from __future__ import annotations

import time

import pytest

from qualframe.coding import commands
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import list_documents

pytestmark = [pytest.mark.server, pytest.mark.gui]


@pytest.fixture
def second(qtbot, gui_project: Project, settings):  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    other = Project.open(gui_project.location, coder="Coder B")
    w = MainWindow(other, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    other.close()


def test_a_code_applied_in_one_window_appears_in_the_other_within_two_seconds(  # type: ignore[no-untyped-def]
    qtbot, window, second
) -> None:
    code = find_code(window.project, "Outcomes/Lifestyle")
    assert code is not None
    doc = next(d for d in list_documents(window.project) if d.name == "fgi_mentors")
    second.open_document(doc.guid)
    second.codebook.select(code.guid)
    before = second.codes.counts.get(code.guid, (0, 0))[0]
    assert window.push(commands.ApplyCode(doc.guid, 0, 24, code.guid))
    t0 = time.monotonic()
    qtbot.waitUntil(
        lambda: second.codes.counts.get(code.guid, (0, 0))[0] == before + 1, timeout=2000
    )
    assert time.monotonic() - t0 < 2.0
    assert second.live is not None and second.live.received >= 1
    # The reader's place is kept: the same code selected, the same document open.
    assert second.codebook.current() is not None
    assert second.codebook.current().guid == code.guid
    assert second.view.document_guid == doc.guid


def test_a_conflicting_rename_is_reported_and_the_view_refreshes(qtbot, window, second) -> None:  # type: ignore[no-untyped-def]
    code = find_code(window.project, "Outcomes/Lifestyle")
    assert code is not None
    seen = window.codes.by_guid[code.guid].version
    second.live.stop()  # B has not heard of A's rename yet (a stale view)
    stale = second.codes.by_guid[code.guid].version
    assert window.push(commands.RenameCode(code.guid, "Daily life", seen_version=seen))
    assert not second.push(commands.RenameCode(code.guid, "Everyday life", seen_version=stale))
    assert second.last_report.startswith('tester changed the code now named "Daily life"')
    qtbot.waitUntil(lambda: second.codes.by_guid[code.guid].name == "Daily life", timeout=2000)
    assert find_code(window.project, "Outcomes/Daily life") is not None


def test_a_lost_connection_is_shown_and_edits_refused_until_it_is_back(  # type: ignore[no-untyped-def]
    qtbot, window, second
) -> None:
    from tests.coding.test_team import _kill_connections

    assert second.live is not None
    second.live.feed.RETRY_EVERY = 30.0
    _kill_connections(second.project)
    qtbot.waitUntil(lambda: not second.live.online, timeout=3000)
    label = second.live.label.text()
    assert "Server unreachable" in label
    assert "changes are refused until it is back" in second.last_report
    assert not second.push(commands.AddCode("typed while offline"))
    assert "refused until it is back" in second.last_report
    assert find_code(window.project, "typed while offline") is None
    second.live.feed._next_retry = 0.0
    qtbot.waitUntil(lambda: second.live.online, timeout=3000)
    assert second.push(commands.AddCode("typed after reconnecting"))
    assert find_code(window.project, "typed after reconnecting") is not None


def _kill_before_commit(project: Project) -> list[int]:
    """The next unit of work of ``project`` loses its connection after its statements were
    sent and before its COMMIT (its server backend is terminated there); returns the killed
    backend's pid once it happened."""
    from sqlalchemy import event, text

    from qualframe.storage.server import _admin_engine

    killed: list[int] = []

    def kill(session) -> None:  # type: ignore[no-untyped-def]
        session.flush()  # the INSERTs are on the server, uncommitted
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        admin = _admin_engine(project.db.server_url)
        try:
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        finally:
            admin.dispose()
        killed.append(int(pid))

    event.listen(project.db.session_factory, "before_commit", kill, once=True)
    return killed


def _lose_a_coding(window):  # type: ignore[no-untyped-def]
    """Code two passages of fgi_mentors as "Lifestyle" while the connection dies before the
    commit; returns (the command, the code)."""
    code = find_code(window.project, "Outcomes/Lifestyle")
    assert code is not None
    doc = next(d for d in list_documents(window.project) if d.name == "fgi_mentors")
    window.open_document(doc.guid)
    assert window.live is not None
    window.live.feed.RETRY_EVERY = 30.0  # the test says when the server is back
    done = (window.undo.index, window.undo.texts())
    command = commands.ApplyCodeMany([(doc.guid, 0, 24), (doc.guid, 26, 60)], code.guid)
    killed = _kill_before_commit(window.project)
    assert not window.push(command)
    assert killed  # the backend was killed between the statements and the COMMIT
    name = window.project.name
    assert window.last_report == (
        f'Coding 2 passages as "Lifestyle" was not saved: the connection to {name} was lost; '
        "it will be offered again when the connection is back."
    )
    assert (window.undo.index, window.undo.texts()) == done  # not in the undo history
    return command, code


def _segments_of(project: Project, code_guid: str) -> list[tuple[int, int]]:
    from qualframe.coding.query.segments import query_segments

    with Project.open(project.location, read_only=True) as observer, observer.read() as s:
        return sorted((g.start, g.end) for g in query_segments(s) if g.code_guid == code_guid)


def test_a_change_lost_with_the_connection_is_named_refused_after_and_offered_again(  # type: ignore[no-untyped-def]
    qtbot, window
) -> None:
    command, code = _lose_a_coding(window)
    assert _segments_of(window.project, code.guid) == []  # nothing of it committed
    # Offline at once (not at the next poll): the status bar says so, edits are refused and
    # not kept for later.
    assert not window.live.online
    assert "Server unreachable" in window.live.label.text()
    assert not window.push(commands.AddCode("typed while offline"))
    assert "refused until it is back" in window.last_report
    assert window.unsaved.pending == [command] and window.unsaved.box is None
    # The server answers again: the window refreshes and offers the lost change.
    window.live.feed._next_retry = 0.0
    qtbot.waitUntil(lambda: window.unsaved.box is not None, timeout=3000)
    box = window.unsaved.box
    assert box.isVisible()
    assert box.text() == (
        f"The connection to {window.project.name} is back. Coding 2 passages as "
        '"Lifestyle" was not saved when it was lost: apply it again now?'
    )
    assert _segments_of(window.project, code.guid) == []  # the user decides, nothing before
    window.unsaved.apply_button.click()
    assert window.unsaved.box is None and window.unsaved.pending == []
    assert _segments_of(window.project, code.guid) == [(0, 24), (26, 60)]
    assert window.undo.stack.undo_text == 'Code 2 passages as "Lifestyle"'
    highlighted = {(h.start, h.end) for h in window.view.index.by_guid.values()}
    assert {(0, 24), (26, 60)} <= highlighted
    assert find_code(window.project, "typed while offline") is None  # nothing was queued


def test_a_change_lost_with_the_connection_can_be_discarded(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    _, code = _lose_a_coding(window)
    window.live.feed._next_retry = 0.0
    qtbot.waitUntil(lambda: window.unsaved.box is not None, timeout=3000)
    window.unsaved.discard_button.click()
    assert window.unsaved.pending == [] and window.unsaved.box is None
    assert window.last_report == 'Discarded: Coding 2 passages as "Lifestyle" (never saved).'
    assert _segments_of(window.project, code.guid) == []
    assert window.push(commands.AddCode("after the discard"))  # writable again
