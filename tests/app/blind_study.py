"""A small double-coded focus group for the blind-coding tests of the GUI: Ha-eun and Jordan
code the same transcript (English and Korean), the auditor kim disputes a passage of each and
comments on a code, Jordan answers his dispute. The codes are Ha-eun's, so that every event
Jordan recorded is about his coding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtGui import QAction, QTextDocumentFragment
from PySide6.QtWidgets import QLabel

from qualframe.coding import commands
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.coder_roles import AddCoder
from qualframe.coding.review.answers import AnswerDispute
from qualframe.coding.review.code_reviews import AddCodeComment
from qualframe.coding.review.verdicts import AddReview
from tests.app.gui_helpers import shown_window
from tests.coding.helpers import add_transcript, as_

SPEECH = [
    ("Moderator", "What helped most in the first term?"),
    ("E1", "My mentor made a study plan with me, and I felt pressure before every anatomy block."),
    ("E2", "시험 전에 같이 복습해서 덜 긴장했어요. We met every Thursday in the library."),
]
#: What of Jordan's work and its review would give his coding away.
JORDAN_TRACES = (
    "Jordan", "anatomy block", "worry about the block", "he says pressure twice",
    "Where does pressure end",
)  # fmt: skip
#: Jordan's two codings and his answer; the auditor's dispute of his passage and her comment
#: on a code: what Ha-eun's blind log leaves out.
HIDDEN_EVENTS = 5


def build_two_coders(path: Path) -> Path:
    with Project.create(path, coder="Ha-eun") as p:
        doc, text = add_transcript(p, "fgi_mentees", SPEECH, roles={"E1": "mentee", "E2": "mentee"})
        plans = as_(p, "Ha-eun", commands.AddCode("Study plans"))
        pressure = as_(p, "Ha-eun", commands.AddCode("Pressure"))
        calm = as_(p, "Ha-eun", commands.AddCode("Less anxiety"))
        assert plans and pressure and calm
        i, j = text.index("made a study plan"), text.index("I felt pressure before")
        k = text.index("덜 긴장했어요")
        hers = as_(p, "Ha-eun", commands.ApplyCode(doc, i, i + 17, plans))
        as_(p, "Ha-eun", commands.ApplyCode(doc, k, k + 7, calm))
        his = as_(p, "Jordan", commands.ApplyCode(doc, j, j + 42, pressure))
        as_(p, "Jordan", commands.ApplyCode(doc, i, i + 26, plans))
        AddCoder("kim", "auditor").do(p)
        as_(p, "kim", AddReview(hers or "", "dispute", "Is the plan hers or the mentor's?"))
        on_his = as_(
            p, "kim", AddReview(his or "", "dispute", "Pressure, or worry about the block?")
        )
        as_(p, "kim", AddCodeComment(pressure, "Where does pressure end and worry begin?"))
        as_(p, "Jordan", AnswerDispute(on_his or "", "Kept: he says pressure twice."))
    return path


def open_window(qtbot, path: Path, settings) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Ha-eun's window on the study (for a fixture to yield from)."""
    yield from shown_window(qtbot, Project.open(path, coder="Ha-eun"), settings)


def blind_action(w) -> QAction:  # type: ignore[no-untyped-def]
    """View → Coders → Blind coding, as the menu holds it."""
    return next(a for a in w.menuBar().findChildren(QAction) if a.objectName() == "blind_coding")


def plain(label: QLabel) -> str:
    return QTextDocumentFragment.fromHtml(label.text()).toPlainText()
