"""Starting the GUI: screenshots, the coder's name, recent projects, locks, welcome screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from qualframe.app.cli.main import main as cli_main
from qualframe.app.gui import launch
from qualframe.app.gui.settings import Settings
from qualframe.coding.core.errors import UserError
from qualframe.coding.core.project import Project


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """A closed project file on disk (a file on every backend: these tests are about files:
    the lock, the recent list, a path on the command line)."""
    from tests.app.conftest import build_project

    path = tmp_path / "study.qualframe"
    build_project(path).close()
    return path


def test_screenshot_command(qapp, project_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "shot.png"
    code = cli_main(
        ["gui", str(project_file), "--screenshot", str(out), "--document", "fgi_mentees",
         "--code", "Negative experiences", "--coder", "tester"]
    )  # fmt: skip
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    small = tmp_path / "small.png"
    assert launch.run(project_file, screenshot=small, size=(1280, 800)) == 0
    assert QImage(str(small)).width() == 1280


def test_screenshot_errors_are_one_sentence(
    qapp, project_file: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = cli_main(["gui", str(project_file), "--screenshot", str(tmp_path / "x.png"),
                     "--document", "no such document"])  # fmt: skip
    assert code == 1
    assert 'There is no document "no such document"' in capsys.readouterr().err
    with pytest.raises(UserError, match="no code"):
        launch.run(project_file, screenshot=tmp_path / "y.png", code="Nope/Nothing")


def test_locked_project_opens_read_only_when_not_interactive(qapp, project_file: Path) -> None:  # type: ignore[no-untyped-def]
    holder = Project.open(project_file, coder="someone")
    try:
        bench = launch.Launcher(Settings(), "tester", interactive=False)
        window = bench.open_project(project_file)
        assert window is not None and window.project.read_only
        assert "read-only" in window.windowTitle()
        window.close()
        window.project.close()
    finally:
        holder.close()


def test_locked_project_asks_to_open_read_only(qapp, project_file: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(parent, title, text, *a, **k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    holder = Project.open(project_file, coder="someone")
    try:
        bench = launch.Launcher(Settings(), "tester", interactive=True)
        window = bench.open_project(project_file)
        assert window is not None and window.project.read_only
        assert "already open for writing by" in asked[0] and "Open it read-only?" in asked[0]
        window.close()
        window.project.close()
    finally:
        holder.close()


def test_coder_name_is_asked_once(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    calls: list[int] = []

    def ask(*a, **k):  # type: ignore[no-untyped-def]
        calls.append(1)
        return ("Jisoo Park", True)

    monkeypatch.setattr(QInputDialog, "getText", ask)
    settings = Settings()
    assert launch.ask_coder(settings) == "Jisoo Park"
    assert launch.ask_coder(Settings()) == "Jisoo Park"
    assert len(calls) == 1


def test_recent_projects_and_window_state(qapp, project_file: Path, settings) -> None:  # type: ignore[no-untyped-def]
    bench = launch.Launcher(settings, "tester", interactive=False)
    window = bench.open_project(project_file)
    assert window is not None
    assert settings.recent_projects()[0] == project_file.resolve()
    assert settings.last_project() == project_file.resolve()
    window.navigator.hide()
    window.save_session()
    window.close()
    window.project.close()
    geometry, state = settings.window_state()
    assert geometry is not None and state is not None
    again = bench.open_project(project_file)
    assert again is not None
    assert again.navigator.isHidden()  # the layout came back
    again.close()
    again.project.close()


def test_welcome_screen_lists_recent_projects(qapp, project_file: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.welcome import WelcomeWindow

    settings.add_recent_project(project_file)
    welcome = WelcomeWindow(settings)
    assert welcome.recent.count() == 1
    opened: list[object] = []
    welcome.openRequested.connect(opened.append)
    welcome.recent.itemActivated.emit(welcome.recent.item(0))
    assert opened == [project_file.resolve()]
    welcome.close()


def test_korean_font_fallback(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontDatabase

    launch.configure_fonts(qapp)
    if "Noto Sans CJK KR" in QFontDatabase.families():
        assert "Noto Sans CJK KR" in qapp.font().families()


def test_no_display_is_one_clear_sentence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    import pytest

    from qualframe.app.gui.launch import check_display
    from qualframe.coding.core.errors import UserError

    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(UserError, match="no display to open the window on"):
        check_display()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    check_display()  # offscreen needs no display
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("DISPLAY", ":99")
    check_display()


def test_unexpected_errors_are_logged_and_told_in_one_sentence(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.launch import report_unexpected

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        message = report_unexpected(RuntimeError, exc, exc.__traceback__)
    assert message.startswith("Something unexpected went wrong (RuntimeError: boom).")
    assert "\n" not in message
    log = (tmp_path / "qualframe" / "qualframe.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log
