"""Speaker-turn parsing: labels, real names, timestamps, brackets, continuation, custom."""

from __future__ import annotations

import pytest

from qualframe.coding.core.errors import UserError
from qualframe.coding.importing.speakers import is_interviewer_label, parse_turns
from tests.coding.test_import_fixtures import MENTEES


def _spans(text: str) -> list[tuple[str, str, str]]:
    return [
        (t.label, text[t.start : t.label_end], text[t.start : t.end]) for t in parse_turns(text)
    ]


def test_turns_cover_label_and_continuation_and_skip_the_title() -> None:
    turns = parse_turns(MENTEES)
    assert [t.label for t in turns] == [
        "Moderator",
        "E1",
        "E2",
        "Moderator",
        "E1",
        "Interviewer",
        "E3",
    ]
    e1 = turns[1]
    assert MENTEES[e1.start : e1.label_end] == "E1:"
    assert MENTEES[e1.start : e1.end] == (
        "E1: I met my mentor in the first week. We studied in the library every Thursday.\n"
        "She also showed me how to plan the whole block."
    )
    e2 = turns[2]
    assert MENTEES[e2.start : e2.label_end] == "E2 (김하늘):"  # starts at the label, not the time
    assert e2.real_name == "김하늘"
    assert MENTEES[turns[3].start : turns[3].label_end] == "Moderator:"
    assert e1.words == 25


def test_label_forms() -> None:
    text = (
        "[M1] Bracketed label.\n"
        "[laughs] is an annotation, not a label.\n"
        "**M2:** Markdown bold.\n"
        "Dr. Kim: Two words.\n"
        "Participant 3 (Lee): Number and a real name.\n"
        "Then I said: fine — a sentence, not a label.\n"
        "Visit http://example.org: not a label either.\n"
        "12:30 is a time; 00:12:34 M4： full-width colon after a timestamp.\n"
        "00:12:34 M4： full-width colon after a timestamp.\n"
        "진행자: 한국어 라벨.\n"
        "Dr. Kim: A name recurs, so it is a speaker.\n"
    )
    spans = _spans(text)
    assert [s[0] for s in spans] == [
        "M1", "M2", "Dr. Kim", "Participant 3", "M4", "진행자", "Dr. Kim"
    ]  # fmt: skip
    assert spans[0][2] == "[M1] Bracketed label.\n[laughs] is an annotation, not a label."
    assert spans[1][1] == "M2:**"
    assert spans[3][1] == "Participant 3 (Lee):"


def test_same_label_in_other_case_is_the_same_speaker() -> None:
    turns = parse_turns("E1: one\n\ne1: two\n")
    assert [t.label for t in turns] == ["E1", "E1"]


def test_bold_hint_opens_turns() -> None:
    text = "Title\n\nModerator Hello there.\n\nM1 Thanks.\n\nAll bold paragraph"
    bold = {7: len("Moderator"), 31: len("M1"), 43: len("All bold paragraph")}
    turns = parse_turns(text, bold=bold)
    assert [(t.label, text[t.start : t.label_end]) for t in turns] == [
        ("Moderator", "Moderator"),
        ("M1", "M1"),
    ]


def test_custom_label_pattern() -> None:
    text = "A> hello\nB> hi\n  more\nC hello"
    turns = parse_turns(text, label_pattern=r"(?P<label>[A-Z])> ")
    assert [(t.label, text[t.start : t.end]) for t in turns] == [
        ("A", "A> hello"),
        ("B", "B> hi\n  more\nC hello"),
    ]
    with pytest.raises(UserError, match="named group"):
        parse_turns(text, label_pattern=r"\w+:")
    with pytest.raises(UserError, match="not a valid regular expression"):
        parse_turns(text, label_pattern=r"(?P<label>")


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Moderator", True), ("moderator", True), ("I", True), ("Q", True), ("진행자", True),
     ("면담자", True), ("Moderator 2", True), ("M1", False), ("Interviewee", False)],
)  # fmt: skip
def test_interviewer_labels(label: str, expected: bool) -> None:
    assert is_interviewer_label(label) is expected
    assert is_interviewer_label("Coach", ["coach"]) is True
