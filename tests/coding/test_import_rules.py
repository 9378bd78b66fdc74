"""The importing rules where a silent error would corrupt what is analysed: which lines are
speaker labels (several languages), what a label's words say, and how bytes become text.
Written to kill the mutants ``make mutate`` found surviving (docs/mutation-testing.md)."""

from __future__ import annotations

import codecs

import pytest

from qualframe.coding.core.errors import ImportRefused
from qualframe.coding.importing.decode import clean_controls, decode_bytes, has_controls


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
    with pytest.raises(ImportRefused, match="^nul.txt is a binary file, not text.$"):
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
