"""Speaker-turn parsing: labels, real names, timestamps, brackets, continuation, custom."""

from __future__ import annotations

import pytest

from qualframe.coding.core.errors import UserError
from qualframe.coding.importing.speakers import detect_speakers, is_interviewer_label, parse_turns
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


# -- evidence, not a word list (issue 13) ------------------------------------------------------
def _labels(text: str, **kw: object) -> list[str]:
    return [t.label for t in detect_speakers(text, **kw).turns]  # type: ignore[arg-type]


def test_one_off_hangul_phrases_are_text() -> None:
    text = (
        "진행자: 시험 준비는 어땠어요?\n\nE1: 처음엔 혼자 했어요.\n왜냐면: 시간이 안 맞았거든요.\n"
        "솔직히: 조금 힘들었어요.\n\n진행자: 그다음에는요?\n\nE1: 선배님과 같이 했어요.\n"
    )
    assert _labels(text) == ["진행자", "E1", "진행자", "E1"]
    turn = detect_speakers(text).turns[1]
    assert "왜냐면: 시간이" in text[turn.start : turn.end]


def test_metadata_and_question_numbers_are_not_speakers_in_any_language() -> None:
    text = (
        "Fecha: 12 de mayo\nDuración: 45 minutos\nOrt: Seminarraum\nOrt: Bibliothek\n\n"
        "Pregunta 1: ¿Cómo empezó?\n\nModerador: Empecemos.\n\nM1: Bien.\n\n"
        "Pregunta 2: ¿Y después?\n\nModerador: ¿Y después?\n\nM1: Mejor.\n"
    )
    assert _labels(text) == ["Moderador", "M1", "Moderador", "M1"]


def test_times_and_q_numbers_are_never_speakers() -> None:
    text = "Moderator: Start.\n\n10:30: the library opens.\nQ3: the third question.\nQ3: again.\n"
    assert _labels(text) == ["Moderator"]


@pytest.mark.parametrize(
    "label",
    ["Interviewer1", "Interviewer2", "MODERADOR", "Moderador", "Entrevistador", "Entrevistadora",
     "Interviewer/in", "Intervieweur", "Kérdező", "facilitator", "I", "Q", "진행자", "면담자",
     "Moderator 2", "interviewer B", "I2"],
)  # fmt: skip
def test_interviewer_words_of_many_languages(label: str) -> None:
    assert is_interviewer_label(label)


@pytest.mark.parametrize("label", ["Q3", "M1", "Interviewee", "Entrevistado", "B1", "Fecha"])
def test_not_interviewers(label: str) -> None:
    assert not is_interviewer_label(label)


def test_standalone_timestamped_and_heading_forms() -> None:
    text = (
        "I [00:00:00]\nWelcome to the interview.\n\nR [00:00:12]\nThank you.\n\n"
        "[00:00:30] I\nHow did it start?\n\n[00:00:41] R\nWith a message.\n\n"
        "Interviewer\nAnd then?\n\nR\nWe met weekly.\n"
    )
    assert _labels(text) == ["I", "R", "I", "R", "Interviewer", "R"]
    first = detect_speakers(text).turns[0]
    assert text[first.start : first.end] == "I [00:00:00]\nWelcome to the interview."


def test_three_word_labels_are_speakers() -> None:
    text = "Dr. Kim Minsu: Welcome.\n\nE1: Thanks.\n\nDr. Kim Minsu: Next.\n\nE1: Sure.\n"
    assert _labels(text) == ["Dr. Kim Minsu", "E1", "Dr. Kim Minsu", "E1"]


def test_so_basically_is_never_a_speaker() -> None:
    text = "M1: Well.\nSo basically: we met.\n\nM2: Yes.\nSo basically: it helped.\n"
    assert _labels(text) == ["M1", "M2"]
    evidence = {e.label: e for e in detect_speakers(text).labels}
    assert not evidence["So basically"].accepted and "phrase" in evidence["So basically"].reason


def test_a_numbered_series_shares_its_form() -> None:
    text = "Moderator: Hi.\n\nE1: a\n\nE2: b\n\nE1: c\n\nE2: d\n\nParticipant 1: x\n\nParticipant 1: y\n\nParticipant 4: z\n"
    assert _labels(text)[-1] == "Participant 4"


def test_evidence_lists_count_and_first_line_and_the_user_decides() -> None:
    text = "Moderator: Hi.\n\nAnna: Hello there.\n\nModerator: Next.\n\nHonestly: yes.\n"
    found = detect_speakers(text)
    by_label = {e.label: e for e in found.labels}
    assert (by_label["Moderator"].count, by_label["Moderator"].first_line) == (2, "Moderator: Hi.")
    assert not by_label["Anna"].accepted and "once" in by_label["Anna"].reason
    decided = detect_speakers(text, accept={"anna"}, drop={"moderator"})
    assert [t.label for t in decided.turns] == ["Anna"]
