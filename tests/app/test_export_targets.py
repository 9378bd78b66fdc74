"""No export ever lands on a project (issue 10).

Before: `qualframe stats P --out P`, or a GUI export saved under the open project's name,
replaced the project with the export and reported success.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from qualframe.app.cli.main import main
from qualframe.coding.core.project import Project
from qualframe.storage.database import copy_project
from tests.app.conftest import build_project


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.qualframe"
    build_project(path).close()
    return path


def _assert_refused(err: str, code: int) -> None:
    assert code == 1
    assert err.startswith("qualframe: Cannot write") and err.count("\n") == 1, err
    assert "never writes over a project" in err


def test_stats_out_the_project_itself_is_refused(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(study)
    code, out, err = _run(capsys, "stats", study, "--out", study)
    _assert_refused(err, code)
    assert out == "" and _digest(study) == before
    assert _run(capsys, "info", study)[0] == 0


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal", ".lock"])
def test_stats_out_a_working_file_of_the_project_is_refused(
    study: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    target = study.with_name(study.name + suffix)
    existed = target.exists()
    before = target.read_bytes() if existed else None
    code, _, err = _run(capsys, "stats", study, "--out", target)
    _assert_refused(err, code)
    assert target.exists() == existed
    if existed:
        assert target.read_bytes() == before


def test_any_project_is_refused_whatever_its_name_or_link(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy of a project under an export's name, a symbolic and a hard link to one, and a
    # backup made before an upgrade: all are projects, judged by their header.
    disguised = tmp_path / "table.docx"
    copy_project(study, disguised)
    (tmp_path / "link.xlsx").symlink_to(study)
    os.link(study, tmp_path / "hard.md")
    backup = tmp_path / "study.qualframe.bak-0001-20260101-120000"
    shutil.copyfile(study, backup)  # closed, so the file alone is the whole project
    digests = {p: _digest(p) for p in (study, disguised, backup)}
    cases = [
        ("matrix", study, "--out", disguised),
        ("matrix", study, "--out", tmp_path / "link.xlsx"),
        ("matrix", study, "--out", tmp_path / "hard.md"),
        ("codebook", study, "--out", disguised),
        ("codebook", study, "--out", tmp_path / "link.xlsx"),
        ("stats", study, "--out", backup),
        ("stats", study, "--out", tmp_path / "new-name.qualframe"),
        ("segments", study, "--out", disguised),
        ("segments", study, "--out", tmp_path / "link.xlsx"),
        ("segments", study, "--format", "json", "--out", backup),
        ("segments", study, "--format", "csv", "--out", study),
        ("memos", study, "--out", disguised),
        ("export", study, "--out", tmp_path / "disguised.qdpx"),
        ("export", study, "--out", tmp_path / "disguised.qdc"),
    ]
    copy_project(study, tmp_path / "disguised.qdpx")
    os.link(study, tmp_path / "disguised.qdc")
    digests |= {p: _digest(p) for p in (tmp_path / "disguised.qdpx", tmp_path / "disguised.qdc")}
    for argv in cases:
        code, _, err = _run(capsys, *argv)
        _assert_refused(err, code)
    assert {p: _digest(p) for p in digests} == digests
    assert not (tmp_path / "new-name.qualframe").exists()


def test_the_exporters_themselves_refuse_a_project(study: Path, tmp_path: Path) -> None:
    """The rule lives in the exporters (coding/export/atomic.py), not only in the CLI."""
    from qualframe.coding import commands
    from qualframe.coding.analysis.matrix import MatrixOptions
    from qualframe.coding.codebook.tree import find_code
    from qualframe.coding.core.errors import UserError
    from qualframe.coding.exchange import refi_export
    from qualframe.coding.export.codebook_report import export_codebook
    from qualframe.coding.export.matrix_export import export_matrix
    from qualframe.coding.export.memo_report import write_memo_report
    from qualframe.coding.export.segments_report import SegmentQuery, export_segments

    with Project.open(study) as project:
        commands.AddMemo("Pressure", "Both groups speak of it.").do(project)
    targets = {}
    for suffix in (".docx", ".xlsx", ".qdpx", ".qdc"):
        targets[suffix] = tmp_path / f"looks-like-an-export{suffix}"
        copy_project(study, targets[suffix])
    before = {t: _digest(t) for t in targets.values()}
    with Project.open(study, read_only=True) as project:
        code = find_code(project, "Negative experiences")
        assert code is not None
        query = SegmentQuery(code_guid=code.guid, code_path="Negative experiences")
        writers = [
            lambda t: export_matrix(project, MatrixOptions(), t),
            lambda t: export_codebook(project, t),
            lambda t: export_segments(project, query, t),
            lambda t: write_memo_report(project, t),
        ]
        for write in writers:
            for suffix in (".docx", ".xlsx"):
                if write is writers[-1] and suffix == ".xlsx":
                    continue  # the memo report is Word only
                with pytest.raises(UserError, match="is a Qualframe project"):
                    write(targets[suffix])
        with pytest.raises(UserError, match="is a Qualframe project"):
            refi_export.export_project(project, targets[".qdpx"])
        with pytest.raises(UserError, match="is a Qualframe project"):
            refi_export.export_codebook(project, targets[".qdc"])
    assert {t: _digest(t) for t in targets.values()} == before


@pytest.mark.gui
@pytest.mark.sqlite_only("refusing to write over the project file needs a project file")
def test_the_gui_save_dialog_refuses_the_open_project(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    project_path = window.project.path
    assert project_path is not None
    answers = [str(project_path), str(project_path.with_name(project_path.name + "-wal"))]
    answers.append(str(tmp_path / "matrix.docx"))
    asked: list[str] = []

    def dialog(*_a: object, **_k: object) -> tuple[str, str]:
        asked.append(answers[len(asked)])
        return asked[-1], "Word document (*.docx)"

    warnings: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    window.tabs.setCurrentWidget(window.matrix_view)
    window.matrix_view.choose_and_export()
    # Twice refused with one sentence, then written where the user chose.
    assert len(asked) == 3 and len(warnings) == 2
    assert all("never writes over a project" in w and "\n" not in w for w in warnings)
    assert (tmp_path / "matrix.docx").stat().st_size > 0
    with Project.open(project_path, read_only=True) as project:  # still the project
        assert project.info()["segments"] == 3


@pytest.mark.gui
@pytest.mark.sqlite_only("refusing to write over the project file needs a project file")
def test_the_gui_codebook_export_refuses_a_project(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from qualframe.app.gui.shell.export_menu import export_codebook

    other = tmp_path / "codebook.docx"
    copy_project(window.project.path, other)
    before = _digest(other)
    answers = iter([(str(other), ""), ("", "")])
    warnings: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    assert export_codebook(window, window.project, window.report) is False
    assert len(warnings) == 1 and "is a Qualframe project" in warnings[0]
    assert _digest(other) == before


def _exports_of_the_window(window):  # type: ignore[no-untyped-def]
    """Every save dialog of the window (name, suffix, how to open it), main's newer ones too."""
    from qualframe.app.gui import exchange_actions
    from qualframe.app.gui.shell.export_menu import export_codebook

    def retrieval() -> object:
        from qualframe.coding.codebook.tree import find_code

        code = find_code(window.project, "Negative experiences")
        assert code is not None
        window.select_code(code.guid)
        assert window.retrieval.model.rows
        return window.retrieval.choose_and_export()

    return [
        ("retrieved segments", ".docx", retrieval),
        ("memo report", ".docx", window.memos.choose_and_export),
        ("REFI-QDA project", ".qdpx", lambda: exchange_actions.export_refi(window, ".qdpx")),
        ("REFI-QDA codebook", ".qdc", lambda: exchange_actions.export_refi(window, ".qdc")),
        ("codebook report", ".docx", lambda: export_codebook(window, window.project, print)),
        ("survey tables", ".json", lambda: window.survey_view.choose_and_export("json")),
    ]


@pytest.mark.gui
@pytest.mark.sqlite_only("refusing to write over the project file needs a project file")
def test_every_save_dialog_of_the_window_refuses_a_project(
    qtbot, window, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The save dialogs that came with retrieval export, the memo report and REFI-QDA
    exchange use the same refusing dialog as the matrix: the open project, or a copy of a
    project under an export's name, is refused with one sentence and the dialog asks again."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    project_path = window.project.path
    assert project_path is not None
    for what, suffix, export in _exports_of_the_window(window):
        disguised = tmp_path / f"{what}{suffix}"
        copy_project(project_path, disguised)
        before = _digest(disguised)
        answers = iter([(str(project_path), ""), (str(disguised), ""), ("", "")])
        warnings: list[str] = []
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, answers=answers, **k: next(answers)
        )
        monkeypatch.setattr(
            QMessageBox, "warning", lambda *a, seen=warnings, **k: seen.append(a[2])
        )
        assert not export(), what
        assert len(warnings) == 2, (what, warnings)
        assert all("never writes over a project" in w and "\n" not in w for w in warnings)
        assert next(answers, None) is None, what  # asked a third time, and cancelled
        assert _digest(disguised) == before, what
    with Project.open(project_path, read_only=True) as project:
        assert project.info()["segments"] == 3
