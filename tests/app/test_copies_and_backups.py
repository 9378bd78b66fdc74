"""A copy of the project file taken while the app is open is a project (issue 11, item 3),
and the ways to make one: File → Save a copy…, File → Back up now, `qualframe backup`, the
daily automatic backups and their restore from the welcome screen. Also the app's answer
to a project on a read-only disk and to planted database objects (issue 10).

Before: after 12 minutes of work the .qualframe file was 4 KB and 1 MB sat in the -wal
file, so `cp` gave an unopenable file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from qualframe.app.cli.main import main
from qualframe.coding import commands
from qualframe.coding.codebook.tree import find_code
from qualframe.coding.core.project import Project
from qualframe.coding.query.segments import list_segments

pytestmark = [
    pytest.mark.gui,
    pytest.mark.sqlite_only(
        "copies, backups, the write-ahead log and the lock are a project file's; a server "
        "project is copied with qualframe download (tests/storage/test_server.py)"
    ),
]


def _codes_in_plain_copy(source: Path, tmp_path: Path) -> list[str] | None:
    """Copy the .qualframe file alone (as cp or a file manager would) and read its codes;
    None when the copy is not a project."""
    copy = tmp_path / "plain-copy.qualframe"
    shutil.copyfile(source, copy)
    try:
        with Project.open(copy, read_only=True) as p:
            from qualframe.coding.codebook.tree import code_tree

            return sorted(r.name for r in code_tree(p))
    except Exception:
        return None
    finally:
        for p in tmp_path.glob("plain-copy.qualframe*"):
            p.unlink()


def _add_codes(window, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        assert window.push(commands.AddCode(f"Idle code {i}"))


def test_a_plain_copy_taken_while_the_app_is_open_is_the_whole_project(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    keeper = getattr(window, "file_keeper", None)
    if keeper is not None:
        keeper._idle.setInterval(50)
    path = window.project.path
    _add_codes(window, 40)
    if keeper is not None:
        qtbot.waitUntil(lambda: keeper.checkpoints > 0, timeout=3000)
    else:  # (the app before the fix: give it the same pause)
        qtbot.wait(500)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # the app still has the project open
    names = _codes_in_plain_copy(path, tmp_path)
    assert names is not None
    assert {f"Idle code {i}" for i in range(40)} <= set(names)


def test_quitting_folds_the_log_into_the_file(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.file_keeper._idle.setInterval(60_000)  # no idle checkpoint: only the quit
    _add_codes(window, 5)
    window.close()
    window.project.close()
    names = _codes_in_plain_copy(window.project.path, tmp_path)
    assert names is not None and "Idle code 4" in names


def _trigger(window, text: str) -> None:  # type: ignore[no-untyped-def]
    for action in window.menuBar().actions():
        if action.text() == "&File":
            for a in action.menu().actions():
                if a.text() == text:
                    a.trigger()
                    return
    raise AssertionError(f"no File menu action {text!r}")


def test_file_save_a_copy_writes_a_verified_copy(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window.file_keeper._idle.setInterval(60_000)
    _add_codes(window, 3)  # still in the log only
    target = tmp_path / "for-my-supervisor"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _trigger(window, "Save a &copy…")
    copy = tmp_path / "for-my-supervisor.qualframe"
    assert "checked by opening it" in window.last_report
    assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file
    with Project.open(copy, read_only=True) as p:
        assert p.info()["segments"] == 3
        assert find_code(p, "Idle code 2") is not None
    # Saving a copy over the open project is refused before anything is written.
    warnings: list[str] = []
    answers = iter([(str(window.project.path), ""), ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    _trigger(window, "Save a &copy…")
    assert len(warnings) == 1 and "is a Qualframe project" in warnings[0]


def test_file_back_up_now_and_the_rolling_daily_backups(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qualframe.coding.core.backups import KEEP, backup_is_due, list_backups, make_backup

    path = window.project.path
    _add_codes(window, 2)
    _trigger(window, "&Back up now")
    backups = list_backups(path)
    assert len(backups) == 1 and "Backed up to" in window.last_report
    with Project.open(backups[0].path, read_only=True) as p:
        assert find_code(p, "Idle code 1") is not None
    assert not backup_is_due(path)
    # One a day, the newest five kept.
    start = datetime(2026, 3, 1, 9, 30)
    for day in range(8):
        make_backup(window.project, now=start + timedelta(days=day))
    kept = list_backups(path)
    assert len(kept) == KEEP
    assert kept[0].made.date() == datetime.now().date()  # Back up now's, the newest
    assert [b.made.day for b in kept[1:]] == [8, 7, 6, 5]


def test_the_daily_backup_is_made_when_the_app_is_idle(qtbot, gui_project, settings) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui.dialogs import backups as gui_backups
    from qualframe.app.gui.shell.main_window import MainWindow
    from qualframe.coding.core.backups import list_backups

    gui_backups.BACKUP_DELAY_MS, old = 50, gui_backups.BACKUP_DELAY_MS
    try:
        w = MainWindow(gui_project, settings, restore_layout=False)
        qtbot.addWidget(w)
    finally:
        gui_backups.BACKUP_DELAY_MS = old
    qtbot.waitUntil(lambda: w.file_keeper.last_backup is not None, timeout=3000)
    assert len(list_backups(gui_project.path)) == 1
    w.file_keeper.daily_backup()  # not due again today
    assert len(list_backups(gui_project.path)) == 1
    w.close()


def test_restore_a_backup_from_the_welcome_screen(qapp, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from qualframe.app.gui import launch
    from qualframe.app.gui.dialogs.backups import RestoreDialog
    from qualframe.app.gui.settings import Settings
    from qualframe.coding.core.backups import make_backup
    from tests.app.conftest import build_project

    path = tmp_path / "study.qualframe"
    project = build_project(path)
    make_backup(project, now=datetime(2026, 3, 2, 10, 0))
    commands.AddCode("Added after the backup").do(project)
    project.close()
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set_coder("tester")
    settings.add_recent_project(path)

    def choose_and_restore(dialog: RestoreDialog) -> int:
        top = dialog.tree.topLevelItem(0)
        assert top.text(0) == "study.qualframe" and top.childCount() == 1
        dialog.tree.setCurrentItem(top.child(0))
        assert dialog.restore_button.isEnabled()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RestoreDialog, "exec", choose_and_restore)
    bench = launch.Launcher(settings, "tester", interactive=True)
    bench.show_welcome()
    assert bench.welcome is not None
    qtbot.mouseClick(bench.welcome.restore, Qt.MouseButton.LeftButton)
    assert bench.window is not None
    restored = bench.window.project.path
    assert restored == tmp_path / "study (restored 2026-03-02).qualframe"
    assert find_code(bench.window.project, "Added after the backup") is None
    assert len(list_segments(bench.window.project)) == 3
    with Project.open(path, read_only=True) as original:  # the original is untouched
        assert find_code(original, "Added after the backup") is not None
    bench.window.close()
    bench.window.project.close()


def test_qualframe_backup_while_the_app_writes(
    window, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    window.file_keeper._idle.setInterval(60_000)
    _add_codes(window, 4)  # in the log, not yet in the file
    out = tmp_path / "copies"
    out.mkdir()
    assert main(["backup", str(window.project.path), str(out)]) == 0
    said = capsys.readouterr()[0]
    copy = out / window.project.path.name
    assert "verified" in said and copy.exists()
    with Project.open(copy, read_only=True) as p:
        assert find_code(p, "Idle code 3") is not None
    # A second backup onto the first copy is refused: it is a project now.
    assert main(["backup", str(window.project.path), str(copy)]) == 1
    assert "is a Qualframe project" in capsys.readouterr()[1]


def test_planted_objects_are_removed_only_after_the_user_agrees(
    qapp, tmp_path, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui import launch
    from tests.app.conftest import build_project

    path = tmp_path / "study.qualframe"
    build_project(path).close()
    con = sqlite3.connect(path)
    con.execute("CREATE TRIGGER wipe AFTER INSERT ON segments BEGIN DELETE FROM segments; END")
    con.commit()
    con.close()
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text) or answer[0]
    )
    bench = launch.Launcher(settings, "tester", interactive=True)
    assert bench.open_project(path) is None  # declined: not opened, nothing removed
    assert 'trigger "wipe"' in asked[0]
    answer[0] = QMessageBox.StandardButton.Yes
    window = bench.open_project(path)
    assert window is not None
    assert list(tmp_path.glob("study.qualframe.bak-before-cleanup-*"))
    window.close()
    window.project.close()


def test_a_project_on_a_read_only_disk_opens_read_only_and_says_so(
    qapp, tmp_path, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from qualframe.app.gui import launch
    from tests.app.conftest import build_project
    from tests.disks import remount_read_only, remount_writable, small_disk

    elsewhere = tmp_path / "study.qualframe"
    build_project(elsewhere).close()
    with small_disk(tmp_path / "disk", size_kb=4096) as disk:
        path = disk / "study.qualframe"
        shutil.copyfile(elsewhere, path)
        remount_read_only(disk)
        try:
            bench = launch.Launcher(settings, "tester", interactive=False)
            window = bench.open_project(path)
            assert window is not None and window.project.read_only
            assert "read-only disk" in window.last_report
            assert len(list_segments(window.project)) == 3
            assert not window.push(commands.AddCode("nope"))
            window.close()
            window.project.close()
        finally:
            remount_writable(disk)


def test_a_project_file_replaced_under_the_window_stops_the_writing(
    qtbot, window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Before, the GUI kept reporting success while writing into the replaced file's old
    inode; the file on disk then failed its integrity check."""
    path = window.project.path
    other = tmp_path / "someone-elses.qualframe"
    Project.create(other).close()
    replacement = other.read_bytes()
    os.replace(other, path)
    assert not window.push(commands.AddCode("Lost?"))
    assert "moved, renamed or replaced" in window.last_report
    assert "\n" not in window.last_report
    assert path.read_bytes() == replacement  # the file now there was not touched
