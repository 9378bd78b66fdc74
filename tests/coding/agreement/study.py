"""A small double-coded study (invented text, English and Korean): two transcripts coded by
Ha-eun and Jordan (and partly Priya), one coded by Ha-eun alone, a survey-like document
without speaker turns coded by both."""

from __future__ import annotations

from pathlib import Path

from qualframe.coding.codebook.edits import ensure_path_in
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import DocumentData, add_document_in
from qualframe.coding.corpus.lookup import document_by_name
from qualframe.coding.corpus.segments import apply_in
from tests.coding.helpers import add_transcript

CODES = (
    "Outcomes/Academic/Better exam performance",
    "Outcomes/Emotional/Less anxiety",
    "Mutual benefits/Closeness",
    "Negative experiences/Pressure",
)

MENTEES = [
    ("Moderator", "What changed for you during the mentoring year?"),
    ("E1", "My exam marks went up because my mentor showed me how to plan the anatomy block."),
    ("E2", "I was less anxious before finals; we met every Thursday in the library."),
    ("Moderator", "Was anything difficult?"),
    ("E1", "Sometimes I felt pressure to report progress even when I had done nothing."),
]
MENTORS = [
    ("Moderator", "처음에 어떤 기대가 있었나요?"),
    ("M1", "후배와 가까워졌고 시험 전에 같이 복습하면서 저도 많이 배웠어요."),
    ("M2", "솔직히 숙제를 안 해 오면 부담이 됐어요. 그래도 관계는 좋았어요."),
]
NOTES = "Answer 1: the review sessions helped.\nAnswer 2: too much pressure at first.\n"
SOLO = [("E3", "I only came twice, but the study plan was useful.")]


def code(
    project: Project, coder: str, doc: str, quote: str, path: str, occurrence: int = 1
) -> None:
    with project.write() as s:
        d = document_by_name(s, doc)
        at = -1
        for _ in range(occurrence):
            at = d.text.index(quote, at + 1)
        c, _ = ensure_path_in(s, coder, path, create=True)
        apply_in(s, coder, project.coder_id(s, coder), d, at, at + len(quote), c)


def code_range(project: Project, coder: str, doc: str, start: int, end: int, path: str) -> None:
    with project.write() as s:
        d = document_by_name(s, doc)
        c, _ = ensure_path_in(s, coder, path, create=True)
        apply_in(s, coder, project.coder_id(s, coder), d, start, end, c)


def build_study(path: Path, *, priya: bool = True) -> Project:
    project = Project.create(path, coder="Ha-eun")
    add_transcript(project, "fgi_mentees", MENTEES, roles={"E1": "mentee", "E2": "mentee"})
    add_transcript(project, "fgi_mentors", MENTORS, roles={"M1": "mentor", "M2": "mentor"})
    add_transcript(project, "fgi_solo", SOLO, roles={"E3": "mentee"})
    with project.write() as s:
        add_document_in(s, "Ha-eun", DocumentData("open_answers", NOTES, kind="survey"), {})
    exam, anxiety, close, pressure = CODES
    # Ha-eun
    code(project, "Ha-eun", "fgi_mentees", "My exam marks went up", exam)
    code(project, "Ha-eun", "fgi_mentees", "I was less anxious before finals", anxiety)
    code(project, "Ha-eun", "fgi_mentees", "I felt pressure to report progress", pressure)
    code(project, "Ha-eun", "fgi_mentors", "후배와 가까워졌고", close)
    code(project, "Ha-eun", "fgi_mentors", "부담이 됐어요", pressure)
    code(project, "Ha-eun", "fgi_solo", "the study plan was useful", exam)
    code(project, "Ha-eun", "open_answers", "the review sessions helped", exam)
    # Jordan: same exam passage with wider bounds, anxiety, no pressure in mentees, an extra
    # closeness code, the same Korean pressure passage
    code(project, "Jordan", "fgi_mentees",
         "My exam marks went up because my mentor showed me", exam)  # fmt: skip
    code(project, "Jordan", "fgi_mentees", "less anxious before finals", anxiety)
    code(project, "Jordan", "fgi_mentees", "we met every Thursday in the library", close)
    code(project, "Jordan", "fgi_mentors", "관계는 좋았어요", close)
    code(project, "Jordan", "fgi_mentors", "숙제를 안 해 오면 부담이 됐어요", pressure)
    code(project, "Jordan", "open_answers", "too much pressure at first", pressure)
    if priya:
        code(project, "Priya", "fgi_mentees", "My exam marks went up because", exam)
        code(project, "Priya", "fgi_mentees", "I felt pressure to report progress", pressure)
        code(project, "Priya", "fgi_mentors", "후배와 가까워졌고 시험 전에", close)
        code(project, "Priya", "open_answers", "the review sessions helped", exam)
    return project
