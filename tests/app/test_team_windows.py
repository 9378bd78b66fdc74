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
