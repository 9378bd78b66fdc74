"""An auditor's account opens a server project in review mode by itself (issue 17), however
the project is opened: ``qualframe gui URL``, File → Open server project…, the welcome
screen. The window starts on the review workspace with a sentence saying why; a coding
action is refused by ``coding`` with that sentence; a verdict is saved. Needs a server
(``make test-postgres``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from qualframe.app.gui import launch
from qualframe.app.gui.shell.main_window import MainWindow
from qualframe.coding import commands
from qualframe.coding.core.project import Project
from qualframe.coding.core.team import grant_role
from qualframe.coding.corpus.documents import list_documents
from qualframe.coding.review.verdicts import AddReview, list_reviews
from tests import backend
from tests.coding.test_review_mode import dump

pytestmark = [pytest.mark.server, pytest.mark.gui]


@pytest.fixture
def auditor_url(gui_project: Project) -> Iterator[str]:
    name = f"aud_{uuid.uuid4().hex[:8]}"
    url = str(gui_project.location)
    grant_role(url, name, "auditor")
    yield backend.as_login(url, name)
    backend.drop_logins(url, [name])


def _check_review_window(qtbot, window: MainWindow, owner: Project) -> None:  # type: ignore[no-untyped-def]
    project = window.project
    reason = project.review_reason
    assert reason is not None and " is an auditor of " in reason
    assert project.review and window.review_view is not None
    assert "review by" in window.windowTitle()
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.review_view, timeout=2000)
    banner = window.review_view.findChild(QLabel, "review_reason")
    assert banner is not None and banner.text() == reason and not banner.isHidden()
    before = dump(owner)
    doc = list_documents(project)[0]
    code = window.codes.records[0]
    assert not window.push(commands.ApplyCode(doc.guid, 0, 5, code.guid))
    assert window.last_report == reason
    assert dump(owner) == before  # nothing written
    segment = window.review_view.items[0].segment.guid
    assert window.push(AddReview(segment, "agree"))  # type: ignore[arg-type]
    assert [r.verdict for r in list_reviews(owner)] == ["agree"]


def _close(launcher: launch.Launcher) -> None:
    if launcher.window is not None:
        launcher.window.close()
        launcher.window.project.close()
        launcher.window = None


def test_qualframe_gui_url_opens_an_auditors_account_for_review(  # type: ignore[no-untyped-def]
    qtbot, gui_project: Project, auditor_url: str, settings, tmp_path: Path
) -> None:
    launcher = launch.Launcher(settings, "Ben", interactive=False)
    try:
        window = launcher.open_project(auditor_url)  # what `qualframe gui URL` does
        assert window is not None
        qtbot.addWidget(window)
        window.show()
        _check_review_window(qtbot, window, gui_project)
        window.resize(1024, 700)
        window.grab().save(str(tmp_path / "auditor-review.png"))
    finally:
        _close(launcher)


def test_open_server_project_and_the_welcome_screen_open_it_for_review(  # type: ignore[no-untyped-def]
    qtbot, gui_project: Project, auditor_url: str, settings, monkeypatch
) -> None:
    from qualframe.app.gui.dialogs import server_open

    monkeypatch.setattr(server_open, "ask_server_project", lambda parent: auditor_url)
    launcher = launch.Launcher(settings, "Ben", interactive=False)
    try:
        launcher.show_welcome()
        assert launcher.welcome is not None
        qtbot.addWidget(launcher.welcome)
        launcher.welcome.open_server.click()  # the welcome screen's Open server project…
        window = launcher.window
        assert window is not None and launcher.welcome is None
        qtbot.addWidget(window)
        window.show()
        _check_review_window(qtbot, window, gui_project)
        # File → Open server project… in an open window: the same again.
        file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
        action = next(a for a in file_menu.actions() if a.text() == "Open &server project…")
        action.trigger()
        assert launcher.window is not None and launcher.window is not window
        qtbot.addWidget(launcher.window)
        assert launcher.window.project.review_reason is not None
    finally:
        _close(launcher)
