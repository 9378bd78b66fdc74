"""The importing rules where a silent error would corrupt what is analysed: which lines are
speaker labels (several languages), what a label's words say, and how bytes become text.
Written to kill the mutants ``make mutate`` found surviving (docs/mutation-testing.md)."""

from __future__ import annotations

import codecs

import pytest

from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.importing import labels as lx
from qualframe.coding.importing.decode import clean_controls, decode_bytes, has_controls
from qualframe.coding.importing.model import LabelEvidence
from qualframe.coding.importing.speakers import (
    TooManyLabels,
    count_words,
    detect_speakers,
    is_interviewer_label,
)


# -- decoding ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["네, 좋아요", "네, 맞아요. 감사합니다", "학생2: 네, 그래요"])
def test_short_korean_without_a_line_break_is_not_read_as_utf16(text: str) -> None:
    # charset-normalizer's first guess for these CP949 bytes is UTF-16-BE: Hangul-looking
    # nonsense. UTF-16 of any text with a space, comma or digit has NUL bytes; these have none.
    decoded = decode_bytes(text.encode("cp949"), "answer.txt")
    assert decoded.text == text
    assert decoded.encoding == "cp949"


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "a zip archive (perhaps a Word or Excel file)"),
        (b"PK\x05\x06" + bytes(18), "an empty zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "a binary Office file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "a 7-Zip archive"),
        (b"Rar!\x1a\x07\x01\x00", "a RAR archive"),
        (b"SQLite format 3\x00\x10\x00", "an SQLite database"),
        (b"\x7fELF\x02\x01\x01", "a program"),
        (b"MZ\x90\x00\x03\x00", "a Windows program"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "an RTF document"),
    ],
)
def test_each_file_format_that_is_not_text_is_named(head: bytes, what: str) -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(head + b"Interviewer: hello\n" * 3, "Interview 3.txt")
    assert str(info.value) == f"Interview 3.txt is {what}, not a text file."


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ],
)
def test_a_byte_order_mark_decides_and_is_not_kept(bom: bytes, codec: str, name: str) -> None:
    text = "Entrevistadora: ¿Qué tal?\n참여자1: 좋아요 😀\n"
    decoded = decode_bytes(bom + text.encode(codec), "bom.txt")
    assert (decoded.text, decoded.encoding, decoded.warnings) == (text, name, ())


def test_a_byte_order_mark_before_invalid_bytes_is_refused() -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(codecs.BOM_UTF8 + b"M1: caf\xe9\n", "m.txt")
    assert str(info.value) == "m.txt starts like utf-8-sig text but is not valid utf-8-sig."
    with pytest.raises(ImportRefused, match="starts like utf-16-le text"):
        decode_bytes(codecs.BOM_UTF16_LE + "M1: hi".encode("utf-16-le") + b"\x00\xd8", "m.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(codec: str) -> None:
    for text in ["Interviewer: How was it?\nE1: Great.\n", "진행자: 어땠어요?\n학생1: 좋았어요.\n"]:
        decoded = decode_bytes(text.encode(codec), "u.txt")
        assert (decoded.text, decoded.encoding) == (text, codec)


def test_an_override_drops_a_byte_order_mark_and_names_the_codec() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + "Moderador: Olá\n".encode(), "pt.txt", "UTF8")
    assert (decoded.text, decoded.encoding) == ("Moderador: Olá\n", "utf-8")
    assert decode_bytes("Kérdező: Jó\n".encode("iso8859_2"), "hu.txt", "latin2").encoding == (
        "iso8859-2"
    )


def test_nul_padding_is_removed_with_a_warning_that_counts_it() -> None:
    text = "Moderator: Thanks for coming.\nE1: Happy to.\n"
    padded = decode_bytes(text.encode() + b"\x00" * 3, "pad.txt")
    assert (padded.text, padded.encoding) == (text, "ascii")
    assert padded.warnings == ("3 NUL bytes (not text) removed",)
    one = decode_bytes("Entrevistador: ¿Sí?\n".encode() + b"\x00", "one.txt")
    assert (one.text, one.encoding) == ("Entrevistador: ¿Sí?\n", "utf-8")
    assert one.warnings == ("1 NUL byte (not text) removed",)
    # NULs inside: up to 16 (or one byte in a hundred) are stray, 18 are not text
    stray = decode_bytes(b"E1: " + b"ab\x00\x00" * 8 + b"\n", "nul.txt")
    assert stray.text == "E1: " + "ab" * 8 + "\n"
    assert stray.warnings == ("16 NUL bytes (not text) removed",)
    with pytest.raises(ImportRefused, match=r"^nul\.txt is a binary file, not text\.$"):
        decode_bytes(b"E1: " + b"ab\x00\x00" * 9 + b"\n", "nul.txt")


def test_only_blanks_nuls_and_byte_order_marks_are_an_empty_file() -> None:
    for raw in [b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b" \r\n\t\x00", b"\n" * 5000]:
        with pytest.raises(ImportRefused, match="is empty"):
            decode_bytes(raw, "e.txt")
    assert decode_bytes(b"\n" * 5000 + b"E1: x", "late.txt").text.endswith("E1: x")


def test_stray_controls_are_removed_and_other_line_breaks_become_newlines() -> None:
    text = "M1: a\x0bb\x0cc\x85d\u2028e\u2029f\x1a\x1b[0m\ufeff\u00adg\x7fh\x9fi"
    cleaned, removed = clean_controls(text)
    assert cleaned == "M1: a\nb\nc\nd\ne\nf[0mghi"
    assert removed == 6  # \x1a \x1b \ufeff \u00ad \x7f \x9f
    assert clean_controls("학생1: 네\n") == ("학생1: 네\n", 0)
    assert has_controls("a\u2028b") and not has_controls("a\tb\r\n")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Kérdező: Őszintén, hétfőnként jó volt.\nVálaszadó: Igen, így történt.\n", "iso8859_2"),
        ("Interviewer: Wie war’s? Schön, oder?\nTeilnehmerin: Ja, natürlich – sehr.\n", "cp1252"),
        ("Moderator: Jak było? Dzień dobry, proszę.\nUczestnik: Świetnie, źle też.\n", "cp1250"),
        ("Entrevistador: ¿Y después? Mañana, sí.\nParticipante: Está bien, señor.\n", "cp1252"),
    ],
)
def test_a_single_byte_code_page_is_chosen_by_the_language(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec), "latin.txt")
    assert decoded.text == text


def test_a_close_choice_of_code_page_is_warned_with_the_line_that_differs() -> None:
    text = "Interviewer: Fine.\nEntrevistador: ¿Cómo fue? Niño.\n"
    decoded = decode_bytes(text.encode("cp1252"), "es.txt")
    assert decoded.text == text and decoded.encoding == "cp1252"
    assert decoded.sample == "Entrevistador: ¿Cómo fue? Niño."
    (warning,) = decoded.warnings
    assert warning.startswith("its encoding was a close call: cp1252 (")
    assert "check a line such as “Entrevistador: ¿Cómo fue? Niño.”" in warning


def test_kana_text_in_euc_jp_or_shift_jis_is_never_korean() -> None:
    for text in ["司会: 今日はありがとうございます。\n", "今日は雨です。", "そうですね", "はい"]:
        for codec in ("euc_jp", "shift_jis"):
            assert decode_bytes(text.encode(codec), "ja.txt").text == text


# -- speaker labels ---------------------------------------------------------------------------
def _found(text: str, **kw: object) -> tuple[list[tuple[str, str]], dict[str, LabelEvidence]]:
    d = detect_speakers(text, **kw)  # type: ignore[arg-type]
    turns = [(t.label, text[t.start : t.end]) for t in d.turns]
    return turns, {e.label: e for e in d.labels}


def test_three_word_labels_speak_and_four_words_or_phrases_do_not() -> None:
    text = (
        "Prof. Ana Ruiz: Bienvenidas.\nMaría de la: no es un nombre.\n"
        "E1: Gracias.\nProf. Ana Ruiz: Empezamos.\nE1: Vale.\n"
        "So basically: we met weekly.\nSo basically: it helped.\n"
        "Dr Maria de Lopez: four words.\nDr Maria de Lopez: again.\n"
    )
    turns, ev = _found(text)
    assert [label for label, _ in turns] == ["Prof. Ana Ruiz", "E1", "Prof. Ana Ruiz", "E1"]
    assert ev["Prof. Ana Ruiz"].accepted and ev["Prof. Ana Ruiz"].reason == "recurs 2 times"
    assert not ev["So basically"].accepted
    assert ev["So basically"].reason == "a phrase (lower-case words); 2 times"
    assert "Dr Maria de Lopez" not in ev  # four words: never a label candidate
    assert turns[3][1] == (
        "E1: Vale.\nSo basically: we met weekly.\nSo basically: it helped.\n"
        "Dr Maria de Lopez: four words.\nDr Maria de Lopez: again."
    )


def test_each_reason_for_rejecting_a_label_is_given() -> None:
    long = "Abcdefghij Klmnopqrst Uvwxyzabcdefghijklmnop"  # 44 characters
    text = (
        f"Moderator: Hi.\n{long}: x\n{long}: y\nDr.: ends.\nDr.: ends.\nDatum: 3. Mai\n"
        "Datum: 4. Mai\nFrage 2: Wie?\nFrage 2: Wie?\nAnna: once\n"
        "Hmm\nok\nHmm\n왜냐면: 하나\n왜냐면: 둘\nE1: a\nE2: b\nE7: series\n"
        "Interviewer\nAlone.\nInterviewer\nAgain.\n"
    )
    _, ev = _found(text)
    assert ev[long].reason == "too long for a label" and not ev[long].accepted
    assert ev["Dr."].reason == "ends like a sentence"
    assert ev["Datum"].reason == "a metadata line, not a speaker" and ev["Datum"].role is None
    assert ev["Frage 2"].reason == "a numbered question, not a speaker"
    assert ev["Anna"].reason == "appears once: text, not a speaker"
    assert ev["Hmm"].reason == "a line on its own 2 times, no colon" and ev["Hmm"].form == "alone"
    assert ev["왜냐면"].reason == "recurs only 2 times (uncased script)"
    assert ev["E7"].accepted and ev["E7"].reason == "short code; 1 time"
    assert ev["Moderator"].reason == "interviewer word; 1 time" and ev["Moderator"].role == (
        "interviewer"
    )
    assert ev["Interviewer"].accepted and ev["Interviewer"].count == 2
    assert [e.label for e in detect_speakers(text).labels][:3] == ["Moderator", long, "Dr."]


def test_a_label_of_a_numbered_series_is_accepted_by_its_form() -> None:
    text = (
        "Student 1: a\nStudent 2: b\nStudent 1: c\nMentor 3: hi\nStudent 2: d\n"
        "Gruppe 1: x\nGruppe 1: y\n"
    )
    _, ev = _found(text)
    assert ev["Student 1"].reason == "participant word; 2 times"
    assert ev["Mentor 3"].accepted and ev["Mentor 3"].role == "participant"
    assert ev["Gruppe 1"].reason == "recurs 2 times"
    e4 = "Ana: hola\nAna: otra vez\nTeam 1: hola\nTeam 1: sí\nTeam 7: nuevo\n"
    e4 += "[00:01:00] Team 8\nsolo una línea\n"
    _, ev4 = _found(e4)
    assert ev4["Team 7"].accepted
    assert ev4["Team 7"].reason == "same form as the other labels; 1 time(s)"
    # the same form, but only alone on its line (no colon): not taken for its form
    assert not ev4["Team 8"].accepted and ev4["Team 8"].form == "alone"


def test_real_names_in_parentheses_either_way_round() -> None:
    text = (
        "M2 (이서연): 안녕하세요.\n정하늘 (M4): 반가워요.\nM1 (translated): Hello.\n"
        "M2 (이서연): 네.\nM4  (정하늘): 좋아요.\nModerator (Lee Seo-yeon): Next.\n"
    )
    d = detect_speakers(text)
    assert [(t.label, t.real_name) for t in d.turns] == [
        ("M2", "이서연"), ("M4", "정하늘"), ("M1", None), ("M2", "이서연"), ("M4", "정하늘"),
        ("Moderator", "Lee Seo-yeon"),
    ]  # fmt: skip
    ev = {e.label: e for e in d.labels}
    assert ev["M2"].real_names == ["이서연"] and ev["M1"].real_names == []
    assert text[d.turns[1].start : d.turns[1].label_end] == "정하늘 (M4):"


def test_evidence_shows_the_first_line_shortened() -> None:
    speech = "Das war ein sehr langer Satz über das Mentoring, der nicht in eine Zeile passt."
    text = f"Titel\n\n  Interviewerin: {speech}\nB1: Ja.\n"
    ev = {e.label: e for e in detect_speakers(text).labels}
    first = ev["Interviewerin"].first_line
    assert len(first) == 80 and first.endswith("…")
    assert first == f"Interviewerin: {speech}"[:79] + "…"
    assert ev["B1"].first_line == "B1: Ja." and ev["B1"].form == "colon"


def test_turns_end_at_their_last_line_and_empty_turns_keep_their_label() -> None:
    text = "Protokoll\n\nI: Wie war es?  \n\n\nB: Gut.\nSehr gut.\t\n\nI:\n\nB:   \n"
    d = detect_speakers(text)
    spans = [
        (t.label, text[t.start : t.label_end], text[t.start : t.end], t.words) for t in d.turns
    ]
    assert spans == [
        ("I", "I:", "I: Wie war es?", 3),
        ("B", "B:", "B: Gut.\nSehr gut.", 3),
        ("I", "I:", "I:", 0),
        ("B", "B:", "B:", 0),
    ]


def test_words_are_counted_the_same_beyond_a_megabyte() -> None:
    chunk = "Mentoring hilft wirklich sehr gut "  # 5 words, 34 characters
    text = chunk * 70_000  # about 2.4 MB
    assert count_words(text) == 350_000
    assert count_words(text, 34, 34 * 3) == 10
    assert count_words("  eins  zwei ") == 2 and count_words("") == 0
    body = "I: " + text + "\nB: Ja.\n"
    first = detect_speakers(body).turns[0]
    assert first.words == 350_000 and body[first.end - 4 : first.end] == " gut"


def test_the_limit_on_labels_is_enforced() -> None:
    text = "".join(f"E{i % 3}: answer {i}\n" for i in range(30))
    assert len(detect_speakers(text, limit=30).turns) == 30
    with pytest.raises(TooManyLabels):
        detect_speakers(text, limit=29)
    with pytest.raises(TooManyLabels):
        detect_speakers("Hmm: a\n" * 25, limit=10)  # candidates, even rejected, are capped


def test_a_custom_pattern_takes_every_match_with_its_name() -> None:
    text = "<Ana|Ana Ruiz> Hola.\n<Ben|> Hi.\n<  > nothing\n<Ana|Ana Ruiz> Adiós.\n"
    pattern = r"<(?P<label>[^|>]*)\|?(?P<name>[^>]*)> "
    d = detect_speakers(text, label_pattern=pattern, interviewers=["ana"])
    assert [(t.label, t.real_name, text[t.start : t.end]) for t in d.turns] == [
        ("Ana", "Ana Ruiz", "Ana|Ana Ruiz> Hola."),
        ("Ben", None, "Ben|> Hi.\n<  > nothing"),
        ("Ana", "Ana Ruiz", "Ana|Ana Ruiz> Adiós."),
    ]
    ev = {e.label: e for e in d.labels}
    assert ev["Ana"].reason == "custom pattern; 2 time(s)" and ev["Ana"].role == "interviewer"
    assert ev["Ben"].role is None and ev["Ana"].form == "custom"


def test_bold_labels_with_and_without_a_colon() -> None:
    text = "Moderatorin: Hallo.\n\nMentee A Guten Tag.\n\nMentee A: Danke.\n\nFazit\n"
    bold = {0: len("Moderatorin"), 21: len("Mentee A"), 41: len("Mentee A:"), 59: 5}
    d = detect_speakers(text, bold=bold)
    assert [(t.label, text[t.start : t.label_end]) for t in d.turns] == [
        ("Moderatorin", "Moderatorin:"), ("Mentee A", "Mentee A"), ("Mentee A", "Mentee A:"),
    ]  # fmt: skip
    ev = {e.label: e for e in d.labels}
    assert ev["Mentee A"].form == "bold" and ev["Moderatorin"].form == "colon"
    assert not ev["Fazit"].accepted


def test_the_user_accepts_and_drops_labels_and_names_interviewers() -> None:
    text = "Coach: Hi.\nAnna: Hello.\nE1: Hey.\nCoach: Bye.\n"
    d = detect_speakers(text, accept={"anna"}, drop={"e1"}, interviewers=["coach", " "])
    assert [t.label for t in d.turns] == ["Coach", "Anna", "Coach"]
    ev = {e.label: e for e in d.labels}
    assert ev["Anna"].reason == "accepted by you (appears once: text, not a speaker)"
    assert ev["E1"].reason == "dropped by you (short code; 1 time)"
    assert ev["Coach"].role == "interviewer" and ev["Coach"].reason == "interviewer word; 2 times"
    assert is_interviewer_label("Coach", ["Coach"]) and not is_interviewer_label("Coach")
    assert not is_interviewer_label("Coach", ["  "])


@pytest.mark.parametrize(
    "text",
    [
        "학생1: 똠\n",  # one syllable beyond KS X 1001: detection alone says Big5-HKSCS
        "학생1: 똠방각하 뵈었어요\n진행자: 네.\n",
    ],
)
def test_korean_that_detection_misreads_is_cp949(text: str) -> None:
    decoded = decode_bytes(text.encode("cp949"), "ko.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp949")


@pytest.mark.parametrize(
    "text",
    [
        "Åse: Æble og Århus er fine.\nÅge: Ålborg, Ærø.\n",
        "Moderator: Ärger? Ärmel.\nÄnne: Ähm.\n",
    ],
)
def test_western_text_that_decodes_as_rare_hangul_is_not_korean(text: str) -> None:
    # Å, Æ, Ä before a letter are CP949 lead bytes of extension syllables (outside KS X
    # 1001), which real Korean text seldom uses: this is Windows-1252, not Korean.
    decoded = decode_bytes(text.encode("cp1252"), "nordic.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_nul_padding_of_any_length_and_the_limit_on_stray_nuls() -> None:
    text = "Entrevistador: ¿Y luego?\nE1: Nada más.\n"
    padded = decode_bytes(text.encode() + b"\x00" * 40, "pad.txt")
    assert padded.text == text and padded.warnings == ("40 NUL bytes (not text) removed",)
    with pytest.raises(ImportRefused, match="is a binary file"):
        decode_bytes(b"\x00" * 20 + text.encode(), "lead.txt")  # leading NULs are inside
    seventeen = b"E1: " + b"ab\x00\x00" * 8 + b"c\x00d\n"  # 17 NULs in a short text
    with pytest.raises(ImportRefused, match="is a binary file"):
        decode_bytes(seventeen, "nul.txt")
    # one NUL in a hundred bytes is still stray: 17 in 1,700 bytes
    long = b"E1: " + b"x" * 1679 + b"\x00y" * 17
    assert len(long.replace(b"\x00", b"")) == 1700
    assert decode_bytes(long, "long.txt").warnings == ("17 NUL bytes (not text) removed",)


def test_a_no_break_space_inside_a_label_is_a_space() -> None:
    text = (
        "Dr. Kim (Kim Minsu): Hallo.\nDr.\u00a0Kim (Kim Minsu): Wieder.\nE1: Ja.\n"
        "Dr.\u00a0Kim: Tschüss.\n"
    )
    d = detect_speakers(text)
    assert [(t.label, t.real_name) for t in d.turns] == [
        ("Dr. Kim", "Kim Minsu"), ("Dr. Kim", "Kim Minsu"), ("E1", None), ("Dr. Kim", None),
    ]  # fmt: skip
    ev = {e.label: e for e in d.labels}
    assert ev["Dr. Kim"].count == 3 and ev["Dr. Kim"].real_names == ["Kim Minsu"]


def test_which_lines_alone_may_name_a_speaker() -> None:
    text = (
        "Interviewer 2\nWie ging es los?\n\nAnna Berg\nMit einer Mail.\n\n"
        "Teil 2\nDer zweite Teil.\n\nGruppe 5\nText.\n\nAnna Berg\nDanach.\n"
    )
    turns, ev = _found(text)
    assert ev["Interviewer 2"].accepted and ev["Interviewer 2"].form == "alone"
    assert ev["Anna Berg"].reason == "a line on its own 2 times, no colon"
    assert "Teil 2" not in ev and "Gruppe 5" not in ev  # digits, no role: text
    assert [label for label, _ in turns] == ["Interviewer 2"]


def test_a_bold_name_alone_on_its_line_recurs_as_a_speaker() -> None:
    text = "Anna Berg\nWie ging es los?\n\nLeo Kim\nMit einer Mail.\n\nAnna Berg\nUnd dann?\n"
    bold = {0: 9, 28: 7, 53: 9}
    assert text[28:35] == "Leo Kim" and text[53:62] == "Anna Berg"
    turns, ev = _found(text, bold=bold)
    assert ev["Anna Berg"].accepted and ev["Anna Berg"].reason == "recurs 2 times"
    assert ev["Anna Berg"].form == "bold" and not ev["Leo Kim"].accepted
    assert [label for label, _ in turns] == ["Anna Berg", "Anna Berg"]
    plain, ev_plain = _found(text)  # without the bold styling: two lines of text
    assert plain == [] and not ev_plain["Anna Berg"].accepted


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Interviewer 2", "interviewer"),
        ("Moderator B", "interviewer"),
        ("I2", "interviewer"),
        ("Entrevistador(a) 2", "interviewer"),
        ("Teilnehmer_in 3", "participant"),
        ("Participant-7", "participant"),
        ("Student.", "participant"),
        ("참여자 12", "participant"),
        ("Q3", None),
        ("Kim 2", None),
        ("2", None),
    ],
)
def test_role_words_with_numbers_letters_and_gender_forms(label: str, role: str | None) -> None:
    # role_of is cached (a study asks about the same labels thousands of times); clear it
    # so the rule itself is tested, not an answer remembered from another test
    lx.role_of.cache_clear()
    assert lx.role_of(label) == role


def test_a_custom_pattern_is_checked_and_its_labels_spaced_once() -> None:
    with pytest.raises(UserError) as err:
        detect_speakers("A: x", label_pattern=r"(?P<who>\w+):")
    assert str(err.value) == (
        'The label pattern needs a named group "label", e.g. (?P<label>\\w+):.'
    )
    text = "<Ana   Ruiz> Hola.\n<Ana Ruiz> Otra vez.\n"
    d = detect_speakers(text, label_pattern=r"<(?P<label>[^>]+)> ")
    assert [t.label for t in d.turns] == ["Ana Ruiz", "Ana Ruiz"]


# -- the one-pass scan and the bold rule (issue 13: the speed work kept every result) -------
def _turns_of(text: str, **kw: object) -> list[tuple[str, str, str, str | None, int]]:
    """(label, text up to label_end, the turn's text, real name, words) of each turn."""
    d = detect_speakers(text, **kw)  # type: ignore[arg-type]
    return [
        (t.label, text[t.start : t.label_end], text[t.start : t.end], t.real_name, t.words)
        for t in d.turns
    ]


def test_a_label_on_the_first_line_and_on_later_lines() -> None:
    text = "E1: Erste.\nE2: Zweite.\n\n  E1: Dritte, eingerückt.\n"
    assert _turns_of(text) == [
        ("E1", "E1:", "E1: Erste.", None, 1),
        ("E2", "E2:", "E2: Zweite.", None, 1),
        ("E1", "E1:", "E1: Dritte, eingerückt.", None, 2),
    ]
    assert [e.first_line for e in detect_speakers(text).labels] == ["E1: Erste.", "E2: Zweite."]
    two_words = detect_speakers("Dr Kim: Hallo.\n[00:01:02] E1: Ja.\n").labels
    assert [(e.label, e.form) for e in two_words] == [("Dr Kim", "colon"), ("E1", "colon")]


def test_a_bold_colon_label_with_a_real_name_is_found_once() -> None:
    text = "Moderator: Hallo.\n\nE1 (Kim Min): Guten Tag.\n\nE1 (Kim Min): Tschüss.\n"
    bold = {0: 10, 19: 13, 45: 13}
    assert text[19:32] == "E1 (Kim Min)" + ":" and text[45:58] == "E1 (Kim Min):"
    expected = [
        ("Moderator", "Moderator:", "Moderator: Hallo.", None, 1),
        ("E1", "E1 (Kim Min):", "E1 (Kim Min): Guten Tag.", "Kim Min", 2),
        ("E1", "E1 (Kim Min):", "E1 (Kim Min): Tschüss.", "Kim Min", 1),
    ]
    assert _turns_of(text, bold=bold) == expected == _turns_of(text)


def test_bold_runs_that_start_no_line_or_a_blank_one_name_no_speaker() -> None:
    text = "Anna Berg\nHallo.\n\n   \n\nAnna Berg\nWieder.\n\nNotiz Anna Berg\nende"
    starts = [0, text.index("Anna Berg", 5)]
    blank = text.index("   ")
    mid = text.index("Anna Berg", starts[1] + 1)  # inside the line "Notiz Anna Berg"
    bold = {starts[0]: 9, starts[1]: 9, blank: 3, blank - 1: 4, mid: 9, len(text): 2}
    expected = [
        ("Anna Berg", "Anna Berg", "Anna Berg\nHallo.", None, 1),
        ("Anna Berg", "Anna Berg", "Anna Berg\nWieder.\n\nNotiz Anna Berg\nende", None, 5),
    ]
    assert _turns_of(text, bold=bold) == expected
    # a position before the text or after it is no line start either (nor a length of 0)
    assert _turns_of(text, bold={**bold, -1: 1, -2: 3, len(text) + 3: 2, 9: 0}) == expected


def test_bold_lines_found_after_the_scan_keep_the_order_of_the_text() -> None:
    text = "Anna Berg\nHallo.\n\nE1: Ja.\n\nAnna Berg\nWieder.\n\nE1: Nein.\n"
    bold = {text.rindex("Anna Berg"): 9, 0: 9}  # (not in the order of the text)
    assert [t[0] for t in _turns_of(text, bold=bold)] == ["Anna Berg", "E1", "Anna Berg", "E1"]


def test_a_bold_line_is_read_within_its_line_whatever_ends_it() -> None:
    # a form feed is no line break for the label pattern, but ends a line for the bold
    # rule, which reads a line as the line-by-line reader strips it
    text = "Moderator: Hallo.\n\nE1:\x0c\nJa.\n\nE1:\x0c\nNein.\n"
    bold = {0: 10}
    assert [t[:2] for t in _turns_of(text, bold=bold)] == [
        ("Moderator", "Moderator:"), ("E1", "E1:"), ("E1", "E1:"),
    ]  # fmt: skip
    for odd in ("\r", "\x0b"):
        same = text.replace("\x0c", odd)
        assert [t[:2] for t in _turns_of(same, bold=bold)] == [
            ("Moderator", "Moderator:"), ("E1", "E1:"), ("E1", "E1:"),
        ]  # fmt: skip
    assert [t[0] for t in _turns_of(text)] == ["Moderator"]  # (no bold: the pattern alone)


def test_the_cap_on_candidate_lines_counts_exactly() -> None:
    phrases = "So basically: yes\n" * 20  # rejected candidates (a phrase), 20 lines
    assert detect_speakers(phrases, limit=10).turns == []  # 20 = twice the limit: allowed
    with pytest.raises(TooManyLabels) as info:
        detect_speakers(phrases + "So basically: no\n", limit=10)
    assert info.value.args == (21,)
    # bold lines found after the scan are counted with the others
    text = "Anna Berg\nhallo.\n" * 3 + "So basically: yes\n" * 4
    bold = {i * 17: 9 for i in range(3)}
    assert text[17:26] == "Anna Berg"
    assert [t.label for t in detect_speakers(text, bold=bold, limit=4).turns] == ["Anna Berg"] * 3
    with pytest.raises(TooManyLabels) as info:
        detect_speakers(text, bold=bold, limit=3)
    assert info.value.args == (7,)


def test_rejected_labels_leave_their_lines_to_the_turn_before() -> None:
    text = "E1: Eins.\nFazit: kurz.\nE2: Zwei.\n"
    assert _turns_of(text) == [
        ("E1", "E1:", "E1: Eins.\nFazit: kurz.", None, 3),
        ("E2", "E2:", "E2: Zwei.", None, 1),
    ]
    spelled = "E1: Eins.\ne1: zwei.\n"  # one label spelled two ways: stored as the first
    assert [t[0] for t in _turns_of(spelled)] == ["E1", "E1"]


def test_a_bold_name_with_its_colon_outside_the_bold_run() -> None:
    # the colon, glued to the speech, is no colon label for the pattern; the bold run says
    # where the label ends and the colon after it belongs to it, on the last line too
    text = "Anna Berg:Hallo.\nBen Ott:Ja.\nBen Ott:Gut.\nAnna Berg:Tschüss"
    bold = {0: 9, 17: 7, 29: 7, 42: 9}
    assert text[29:36] == "Ben Ott" and text[42:51] == "Anna Berg"
    assert [t[:3] for t in _turns_of(text, bold=bold)] == [
        ("Anna Berg", "Anna Berg:", "Anna Berg:Hallo."),
        ("Ben Ott", "Ben Ott:", "Ben Ott:Ja."),
        ("Ben Ott", "Ben Ott:", "Ben Ott:Gut."),
        ("Anna Berg", "Anna Berg:", "Anna Berg:Tschüss"),
    ]


def test_the_cap_allows_exactly_twice_the_limit_with_bold_lines_too() -> None:
    text = "Anna Berg\nhallo.\n" * 4 + "So basically: yes\n" * 4  # 4 bold + 4 rejected lines
    bold = {i * 17: 9 for i in range(4)}
    assert len(detect_speakers(text, bold=bold, limit=4).turns) == 4


def test_the_limit_on_turns_names_how_many_there_were() -> None:
    text = "".join(f"E{i % 3}: answer {i}\n" for i in range(30))
    with pytest.raises(TooManyLabels) as info:
        detect_speakers(text, limit=29)  # 30 candidates (the cap is 58), 30 turns
    assert info.value.args == (30,)


def test_line_by_line_the_bold_rule_and_the_cap_apply_as_in_the_scan() -> None:
    """A text holding a form feed (or a custom pattern) is read line by line."""
    text = "Anna Berg\nhallo.\x0c\n\nSpeaker X\nja.\n\nAnna Berg\nwieder.\n\nE1: Ende.\n"
    bold = {0: 9, text.rindex("Anna Berg"): 9}
    found = detect_speakers(text, bold=bold)
    assert [(t.label, text[t.start : t.label_end]) for t in found.turns] == [
        ("Anna Berg", "Anna Berg"), ("Speaker X", "Speaker X"), ("Anna Berg", "Anna Berg"),
        ("E1", "E1:"),
    ]  # fmt: skip
    forms = {e.label: e.form for e in found.labels}
    assert forms == {"Anna Berg": "bold", "Speaker X": "alone", "E1": "colon"}
    bold_colon = "Moderator: Hallo.\x0c\n\nE1: Ja.\n"
    ev = detect_speakers(bold_colon, bold={0: 10}).labels
    assert [(e.label, e.form) for e in ev] == [("Moderator", "colon"), ("E1", "colon")]
    lines = "So basically: yes\x0c\n" * 20
    assert detect_speakers(lines, bold={0: 2}, limit=10).turns == []
    with pytest.raises(TooManyLabels) as info:
        detect_speakers(lines + "So basically: no\n", bold={0: 2}, limit=10)
    assert info.value.args == (21,)


def test_a_label_spelled_first_with_a_no_break_space() -> None:
    text = "Dr.\u00a0Kim: Hallo.\nE1: Ja.\nDr. Kim: Wieder.\n"
    found = detect_speakers(text)
    assert [t.label for t in found.turns] == ["Dr. Kim", "E1", "Dr. Kim"]
    assert found.labels[0].label == "Dr. Kim" and found.labels[0].count == 2


def test_the_form_start_and_end_of_each_kind_of_label() -> None:
    text = (
        "titel\n\nE1 (Kim Min): Hallo.\n\n[Anna] Guten Tag.\n\nAnna Berg  0:03\nwie geht es?\n\n"
        "[00:01:02] Anna Berg\ngut.\n\nInterviewer (Mike)\nund dann?\n\n[Anna]: Dann nichts.\n"
    )
    found = detect_speakers(text)
    assert [
        (t.label, text[t.start : t.label_end], text[t.start : t.end], t.real_name)
        for t in found.turns
    ] == [
        ("E1", "E1 (Kim Min):", "E1 (Kim Min): Hallo.", "Kim Min"),
        ("Anna", "[Anna]", "[Anna] Guten Tag.", None),
        ("Anna Berg", "Anna Berg  0:03", "Anna Berg  0:03\nwie geht es?", None),
        ("Anna Berg", "Anna Berg", "Anna Berg\ngut.", None),
        ("Interviewer", "Interviewer (Mike)", "Interviewer (Mike)\nund dann?", "Mike"),
        ("Anna", "[Anna]:", "[Anna]: Dann nichts.", None),
    ]
    ev = {e.label: e for e in found.labels}
    assert (ev["E1"].form, ev["Anna"].form, ev["Anna Berg"].form) == ("colon", "bracket", "alone")
    assert ev["Anna"].first_line == "[Anna] Guten Tag."
    assert ev["Anna Berg"].accepted and ev["Anna Berg"].reason == "recurs 2 times"  # styled
    assert ev["Interviewer"].form == "alone" and ev["Interviewer"].real_names == ["Mike"]


def test_a_custom_pattern_matches_within_one_line() -> None:
    text = "\nAna\n> Hola.\nBen > Hi.\nBen > Bye."
    pattern = r"\s*(?P<label>[A-Z]\w*)\s*> "
    assert [
        (t.label, text[t.start : t.end]) for t in detect_speakers(text, label_pattern=pattern).turns
    ] == [("Ben", "Ben > Hi."), ("Ben", "Ben > Bye.")]


def test_the_first_line_in_the_evidence_is_cut_at_80_characters() -> None:
    eighty = "E1: " + "x" * 76
    ev = detect_speakers(f"{eighty}\n{eighty}x").labels[0]
    assert ev.first_line == eighty  # exactly 80: whole
    ev = detect_speakers(f"intro\n{eighty}x\n").labels[0]
    assert ev.first_line == eighty[:79] + "…"
    last = detect_speakers("intro\n\nE2: zuletzt").labels[0]  # the last line, no line break
    assert last.first_line == "E2: zuletzt"


def test_what_recurs_enough_in_an_uncased_script_and_how_long_a_label_may_be() -> None:
    text = "김민지: 네.\n왜냐면: 그게.\n김민지: 좋아요.\n왜냐면: 또.\n김민지: 끝.\n"
    ev = {e.label: e for e in detect_speakers(text).labels}
    assert ev["김민지"].accepted and ev["김민지"].reason == "recurs 3 times"
    assert not ev["왜냐면"].accepted
    assert ev["왜냐면"].reason == "recurs only 2 times (uncased script)"
    forty, too_long = "A" + "b" * 39, "A" + "b" * 40
    long = f"{forty}: eins.\n{forty}: zwei.\n{too_long}: drei.\n{too_long}: vier.\n"
    ev = {e.label: e for e in detect_speakers(long).labels}
    assert ev[forty].accepted and not ev[too_long].accepted
    assert ev[too_long].reason == "too long for a label"


def test_a_label_is_not_accepted_for_the_form_of_a_rejected_one() -> None:
    stem = "Gesprächsteilnehmerinnenvertretungsausschuss"[:39]
    text = f"{stem} 1: zu lang.\n{stem} 1: noch einmal.\n{stem}2: einmal.\nE1: Ja.\n"
    ev = {e.label: e for e in detect_speakers(text).labels}
    assert ev[f"{stem} 1"].reason == "too long for a label"
    assert not ev[f"{stem}2"].accepted
    assert ev[f"{stem}2"].reason == "appears once: text, not a speaker"


def test_empty_turns_end_at_their_label_and_keep_the_real_name() -> None:
    text = "I:\nB (Kim): Gut.\nI:\n\nB (Kim):\nE1: Ja.\n"
    assert _turns_of(text) == [
        ("I", "I:", "I:", None, 0),
        ("B", "B (Kim):", "B (Kim): Gut.", "Kim", 1),
        ("I", "I:", "I:", None, 0),
        ("B", "B (Kim):", "B (Kim):", "Kim", 0),
        ("E1", "E1:", "E1: Ja.", None, 1),
    ]


def test_a_megabyte_without_a_space_is_one_word() -> None:
    assert count_words("x" * ((1 << 20) + 5)) == 1
    assert count_words("x" * ((1 << 20) + 5) + " y") == 2


def test_a_bold_run_ends_the_label_where_it_ends() -> None:
    # only a colon right after the bold run joins the label
    text = "Anna BergX: hallo.\n\nAnna BergX: wieder.\n"
    bold = {0: 9, 20: 9}
    assert [t[:2] for t in _turns_of(text, bold=bold)] == [
        ("Anna BergX", "Anna BergX:"), ("Anna BergX", "Anna BergX:"),
    ]  # fmt: skip
    glued = "Anna BergXhallo.\n\nAnna BergXwieder.\n"
    assert [t[:2] for t in _turns_of(glued, bold={0: 9, 18: 9})] == [
        ("Anna Berg", "Anna Berg"), ("Anna Berg", "Anna Berg"),
    ]  # fmt: skip


def test_a_line_alone_in_lower_case_is_text_even_a_role_word_in_any_script() -> None:
    text = "Modérateur: Bonjour.\nétudiant\nrien.\n\nÉtudiant\nOui.\n"
    assert [t[0] for t in _turns_of(text)] == ["Modérateur", "Étudiant"]
