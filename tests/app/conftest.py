"""Fixtures for GUI tests: settings in a temporary place, and a small realistic project.

The project is built with the storage/coding API: two transcripts (one whose source had
CRLF line ends, with Hangul and emoji), participants with a ``role`` attribute, the
mentoring codebook template and a few coded segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qualframe.coding.codebook.tree import find_code
from qualframe.coding.commands import ApplyCode, LoadTemplate
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import (
    DocumentData,
    TurnData,
    add_document_in,
    normalise_text,
)
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

MENTEES_CRLF = (
    "Focus group with mentees\r\n\r\n"
    "Moderator: How did the programme start for you?\r\n\r\n"
    "E1: 😀 My mentor made a study plan with me in the first week, and I started early.\r\n\r\n"
    "E2 (김민지): 선배가 시험 전에 복습 모임을 열어 주셔서 덜 긴장했어요. 🎉 It really helped.\r\n\r\n"
    "E1: Sometimes I felt pressure 😓 because my mentor was a top student.\r\n"
)
MENTORS = (
    "Focus group with mentors\n\n"
    "Moderator: What did you gain yourselves?\n\n"
    "M1: Explaining things to a junior made me realise what I had forgotten.\n\n"
    "M2: I felt responsible for her results, which was a new feeling for me.\n"
)


def turns_of(text: str, interviewer: str = "Moderator") -> list[TurnData]:
    """One turn per paragraph that starts with "Label:" (a tiny parser for the fixtures)."""
    out = []
    pos = 0
    for para in text.split("\n"):
        start = pos
        pos += len(para) + 1
        label, sep, _ = para.partition(":")
        if not sep or not label or len(label) > 20:
            continue
        speaker = label.split(" (")[0]
        out.append(
            TurnData(
                start=start, end=start + len(para), speaker=speaker, label_end=start + len(label) + 1,
                is_interviewer=speaker == interviewer,
            )
        )  # fmt: skip
    return out


def build_project(path: Path | str) -> Project:
    project = Project.create(path, coder="tester")
    LoadTemplate("mentoring").do(project)
    mentees = normalise_text(MENTEES_CRLF)
    with project.write() as s:
        people = add_participants_in(
            s,
            [
                ParticipantData("Moderator", is_interviewer=True),
                ParticipantData("E1", attributes={"role": "mentee", "year": "1"}),
                ParticipantData(
                    "E2", real_name="김민지", attributes={"role": "mentee", "year": "2"}
                ),
                ParticipantData("M1", attributes={"role": "mentor", "year": "4"}),
                ParticipantData("M2", attributes={"role": "mentor", "year": "5"}),
            ],
        )
        add_document_in(
            s, "tester",
            DocumentData("fgi_mentees", mentees, original_filename="fgi_mentees.txt",
                         source_encoding="utf-8", turns=turns_of(mentees)),
            people,
        )  # fmt: skip
        add_document_in(
            s, "tester", DocumentData("fgi_mentors", MENTORS, turns=turns_of(MENTORS)), people
        )
    from qualframe.coding.corpus.documents import list_documents

    docs = {d.name: d.guid for d in list_documents(project)}
    plans = find_code(project, "Factors of success/Various methods of study assistance/Study plans")
    pressure = find_code(project, "Negative experiences/Pressure felt by the mentee")
    assert plans is not None and pressure is not None
    quote = "made a study plan with me"
    ApplyCode(
        docs["fgi_mentees"], mentees.index(quote), mentees.index(quote) + len(quote), plans.guid
    ).do(project)
    quote = "I felt pressure 😓"
    ApplyCode(
        docs["fgi_mentees"], mentees.index(quote), mentees.index(quote) + len(quote), pressure.guid
    ).do(project)
    quote = "I felt responsible for her results"
    ApplyCode(
        docs["fgi_mentors"], MENTORS.index(quote), MENTORS.index(quote) + len(quote), pressure.guid
    ).do(project)
    return project


@pytest.fixture(autouse=True)
def _temp_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """QSettings go to a temporary directory, never the user's real settings."""
    from PySide6.QtCore import QSettings

    from qualframe.app.gui import tasks

    where = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(where))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(where))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(where / "system"))
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from qualframe.app.gui.settings import Settings

    s = Settings(QSettings(str(tmp_path / "qualframe.ini"), QSettings.Format.IniFormat))
    s.set_coder("tester")
    return s


@pytest.fixture
def gui_project(project_location) -> Iterator[Project]:  # type: ignore[no-untyped-def]
    project = build_project(project_location("study.qualframe"))
    yield project
    project.close()


@pytest.fixture
def window(qtbot, gui_project: Project, settings):  # type: ignore[no-untyped-def]
    from qualframe.app.gui.shell.main_window import MainWindow

    w = MainWindow(gui_project, settings, restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
