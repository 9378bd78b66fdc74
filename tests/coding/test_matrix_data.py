"""A small project with known codings for the theme-matrix tests. This module holds no tests.

Participants: mentors M1, M2; mentees E1–E4 (E4 never speaks but counts in N); X1 without a
role; the Moderator is an interviewer (with role "mentor", to prove that interviewer speech
never counts even when the interviewer has a value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualframe.coding.commands import AddCode, ApplyCode, SetExemplar
from qualframe.coding.core.project import Project
from qualframe.coding.corpus.documents import (
    DocumentData,
    TurnData,
    add_document_in,
    normalise_text,
)
from qualframe.coding.corpus.participants import ParticipantData, add_participants_in

CODEBOOK = {
    "Outcomes": {
        "Academic": ["Motivation to study", "Better grades"],
        "Lifestyle": ["Daily habits"],
    },
    "Mutual benefits": {
        "Relationships": ["Rapport"],
        "Responsibility": ["Volunteer credit"],
    },
    "Negative experiences": {"Pressure": ["=Risky formula"]},
    "Suggestions": {"Training": ["Mentor training"]},
}

MENTEE_DOC = [
    ("Moderator", "What changed for you? We built real rapport in this group, I think."),
    ("E1", "I felt motivated to study every week. The pressure was there too."),
    ("E2", "My grades went up a lot. Also I felt motivated again after the review."),
    ("E3", "- dash start: I sleep earlier now and get up at seven."),
    ("X1", "I was only observing the motivation talk today."),
]
MENTOR_DOC = [
    ("M1", "I joined for the volunteer credit, to be honest."),
    ("M2", "The credit mattered at first. Seeing her motivated was the best part."),
]

# (document, phrase, code path)
CODINGS = [
    ("FGI mentees", "Focus group A", "Outcomes/Academic/Motivation to study"),  # no turn
    ("FGI mentees", "We built real rapport in this group", "Mutual benefits/Relationships/Rapport"),
    (
        "FGI mentees",
        "I felt motivated to study every week.",
        "Outcomes/Academic/Motivation to study",
    ),
    ("FGI mentees", "The pressure was there too.", "Negative experiences/Pressure/=Risky formula"),
    ("FGI mentees", "My grades went up a lot.", "Outcomes/Academic/Better grades"),
    ("FGI mentees", "Also I felt motivated again", "Outcomes/Academic/Motivation to study"),
    ("FGI mentees", "- dash start: I sleep earlier now", "Outcomes/Lifestyle/Daily habits"),
    ("FGI mentees", "observing the motivation talk", "Outcomes/Academic/Motivation to study"),
    (
        "FGI mentors",
        "I joined for the volunteer credit",
        "Mutual benefits/Responsibility/Volunteer credit",
    ),
    (
        "FGI mentors",
        "The credit mattered at first.",
        "Mutual benefits/Responsibility/Volunteer credit",
    ),
    (
        "FGI mentors",
        "Seeing her motivated was the best part.",
        "Outcomes/Academic/Motivation to study",
    ),
]
EXEMPLAR = "Also I felt motivated again"  # E2's, later in the document than E1's


@dataclass
class Known:
    codes: dict[str, str] = field(default_factory=dict)  # path -> guid
    documents: dict[str, str] = field(default_factory=dict)  # name -> guid
    segments: dict[str, str] = field(default_factory=dict)  # phrase -> guid


def add_doc(
    project: Project, name: str, turns: list[tuple[str, str]], title: str = ""
) -> tuple[str, str]:
    parts = ([title] if title else []) + [f"{who}: {said}" for who, said in turns]
    text = normalise_text("\n\n".join(parts))
    pos = len(title) + 2 if title else 0
    data = []
    for who, said in turns:
        chunk = f"{who}: {said}"
        data.append(TurnData(pos, pos + len(chunk), who, pos + len(who) + 1, who == "Moderator"))
        pos += len(chunk) + 2
    with project.write() as s:
        people = add_participants_in(
            s,
            [
                ParticipantData("Moderator", is_interviewer=True, attributes={"role": "mentor"}),
                *(ParticipantData(p, attributes={"role": "mentor"}) for p in ("M1", "M2")),
                *(
                    ParticipantData(p, attributes={"role": "mentee", "gender": g})
                    for p, g in (("E1", "female"), ("E2", "male"), ("E3", "female"), ("E4", "male"))
                ),
                ParticipantData("X1"),
            ],
        )
        doc = add_document_in(
            s,
            project.coder,
            DocumentData(name, text, original_filename=f"{name}.txt", turns=data),
            people,
        )
        return doc.guid, text


def add_codebook(project: Project, tree: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    guids: dict[str, str] = {}
    for theme, cats in tree.items():
        t = AddCode(theme)
        t.do(project)
        assert t.guid
        guids[theme] = t.guid
        for cat, codes in cats.items():
            c = AddCode(cat, t.guid)
            c.do(project)
            assert c.guid
            guids[f"{theme}/{cat}"] = c.guid
            for code in codes:
                k = AddCode(code, c.guid)
                k.do(project)
                assert k.guid
                guids[f"{theme}/{cat}/{code}"] = k.guid
    return guids


def code_phrase(
    project: Project, known: Known, texts: dict[str, str], doc: str, phrase: str, path: str
) -> str:
    text = texts[doc]
    start = text.index(phrase)
    cmd = ApplyCode(known.documents[doc], start, start + len(phrase), known.codes[path])
    cmd.do(project)
    assert cmd.guid
    known.segments[phrase] = cmd.guid
    return cmd.guid


def build_known_project(project: Project) -> Known:
    known = Known()
    known.codes = add_codebook(project, CODEBOOK)
    texts = {}
    known.documents["FGI mentees"], texts["FGI mentees"] = add_doc(
        project, "FGI mentees", MENTEE_DOC, title="Focus group A"
    )
    known.documents["FGI mentors"], texts["FGI mentors"] = add_doc(
        project, "FGI mentors", MENTOR_DOC
    )
    for doc, phrase, path in CODINGS:
        code_phrase(project, known, texts, doc, phrase, path)
    SetExemplar(known.segments[EXEMPLAR], True).do(project)
    return known
