"""Bytes to text: BOMs, UTF-16, legacy Korean and Western code pages, overrides, binaries."""

from __future__ import annotations

import codecs
import os
import random

import pytest

from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.importing.decode import clean_controls, decode_bytes
from tests.coding.test_import_fixtures import KOREAN

WESTERN = "Moderator: Welcome to the café — naïve questions are fine.\nE1: “Déjà vu”, I’d say.\n"


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (KOREAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + KOREAN.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + KOREAN.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + KOREAN.encode("utf-16-be"), "utf-16-be"),
        (KOREAN.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (KOREAN.encode("cp949"), "cp949"),
        (KOREAN.encode("euc-kr"), "cp949"),
    ],
)
def test_korean_in_every_common_encoding(raw: bytes, encoding: str) -> None:
    decoded = decode_bytes(raw, "k.txt")
    assert decoded.text.lstrip("\ufeff") == KOREAN
    assert decoded.encoding == encoding


def test_windows_1252_is_not_mistaken_for_baltic_or_central_european() -> None:
    decoded = decode_bytes(WESTERN.encode("cp1252"), "w.txt")
    assert decoded.encoding == "cp1252"
    assert decoded.text == WESTERN


def test_ascii_and_override() -> None:
    assert decode_bytes(b"E1: hello\n", "a.txt").encoding == "ascii"
    forced = decode_bytes(WESTERN.encode("latin-1", errors="replace"), "w.txt", "latin-1")
    assert forced.encoding == "iso8859-1"
    with pytest.raises(ImportRefused, match=r"^k\.txt cannot be read as utf-8"):
        decode_bytes(KOREAN.encode("cp949"), "k.txt", "utf-8")
    with pytest.raises(UserError, match="not an encoding"):
        decode_bytes(b"abc", "a.txt", "no-such-codec")


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"", "is empty"),
        (b" \r\n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(300), "is a PNG image"),
        (b"PK\x03\x04" + os.urandom(300), "is a zip archive"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_refusals_name_the_file(raw: bytes, what: str) -> None:
    with pytest.raises(ImportRefused) as info:
        decode_bytes(raw, "notes.txt")
    message = str(info.value)
    assert message.startswith("notes.txt ") and what in message and message.endswith(".")
    assert "\n" not in message


def _looks_binary_reference(text: str) -> bool:
    """The rule spelled out character by character (what looks_binary computes faster)."""
    import unicodedata

    if "\x00" in text:
        return True
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if (ch < " " and ch not in "\t\n\r\f\v")
        or "\x7f" <= ch <= "\x9f"
        or (ch > "~" and unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    )
    return bad > max(2, len(sample) // 200)


def test_looks_binary_matches_its_rule_on_generated_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qualframe.coding.importing.decode import looks_binary

    odd = list("ab \n\t\x01\x1a\x7f\x85\x9f\ue000\U000f0000가\u0378")
    chars = st.one_of(st.characters(), st.sampled_from(odd))

    @settings(max_examples=500, deadline=None)
    @given(st.lists(chars, max_size=600).map("".join))
    def check(text: str) -> None:
        assert looks_binary(text) == _looks_binary_reference(text)

    check()


def test_the_byte_level_control_test_matches_the_text_level_one() -> None:
    """``utf8_controls`` (on the bytes) finds exactly the texts ``clean_controls`` would
    change, and ``looks_binary`` with the hints it allows agrees with the full check."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qualframe.coding.importing.decode import clean_controls, looks_binary, utf8_controls

    odd = list("ab \n\t\r\x0b\x0c\x01\x7f\x85\x9f\xa0\xad\u2028\u2029\ufeff’：가\ue000\u0378")
    chars = st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(odd))

    @settings(max_examples=500, deadline=None)
    @given(st.lists(chars, max_size=300).map("".join))
    def check(text: str) -> None:
        raw = text.encode("utf-8")
        controls = utf8_controls(raw)
        changed = clean_controls(text)[0] != text
        assert controls == changed
        if not controls:
            hinted = looks_binary(text, controls=False, is_ascii=raw.isascii())
            assert hinted == looks_binary(text)

    check()


# -- the rules behind decode_bytes, each on bytes as real tools write them -------------------
# (written against the mutants `make mutate` left alive; docs/mutation-testing.md)


def test_refusal_sentences_are_exact() -> None:
    # random bytes without a NUL: no charset-normalizer reading, no Korean, no Latin reading
    noise = bytes(b for b in random.Random(1).randbytes(3000) if b)
    seven_bit = bytes(b for b in random.Random(2).randbytes(3000) if 0 < b < 0x80)
    private_use = "".join(chr(0xE000 + i) for i in range(300)).encode()  # valid UTF-8
    # a chat log in cp1251 with the terminal bell (BEL) the program rang at three messages
    chat = (
        "Интервьюер: Расскажите, пожалуйста, о вашей работе в школе.\x07\n"
        "Участник: Я работаю учителем уже десять лет, и мне это нравится.\x07\n"
        "Интервьюер: Расскажите, пожалуйста, о вашей работе в школе.\x07\n"
        "Участник: Я работаю учителем уже десять лет, и мне это нравится.\n"
    ).encode("cp1251")
    cases = [
        (b" \r\n", "notes.txt is empty."),
        (noise, "notes.txt is a binary file or uses an unknown encoding (try --encoding)."),
        (seven_bit, "notes.txt is a binary file, not text."),
        (private_use, "notes.txt is a binary file, not text."),
        (chat, "notes.txt is a binary file, not text."),  # charset-normalizer: cp1251
    ]
    for raw, sentence in cases:
        with pytest.raises(ImportRefused) as info:
            decode_bytes(raw, "notes.txt")
        assert str(info.value) == sentence


def test_only_the_first_byte_order_mark_is_the_mark() -> None:
    # a file saved with a BOM and then prefixed once more (PowerShell's Add-Content on a
    # UTF-8-with-BOM file): the second mark is a character of the text, which
    # clean_controls removes later like any stray BOM
    text = "Moderator: Welcome.\n"
    decoded = decode_bytes(codecs.BOM_UTF8 * 2 + text.encode(), "twice.txt")
    assert decoded.encoding == "utf-8-sig"
    assert decoded.text == "\ufeff" + text
    assert clean_controls(decoded.text) == (text, 1)


def test_utf16_without_bom_that_does_not_decode_is_refused() -> None:
    # UTF-16-LE cut inside a surrogate pair (an emoji split by a broken export)
    raw = "E1: thanks 👍".encode("utf-16-le")[:-2] + "ok".encode("utf-16-le")
    with pytest.raises(ImportRefused, match=r"^cut\.txt is a binary file, not text\.$"):
        decode_bytes(raw, "cut.txt")


def test_long_utf16_without_bom_is_utf16() -> None:
    # longer than the 4,096 bytes sniffed for NULs
    text = KOREAN * 40
    for codec in ("utf-16-le", "utf-16-be"):
        raw = text.encode(codec)
        assert len(raw) > 4096
        decoded = decode_bytes(raw, "long.txt")
        assert (decoded.text, decoded.encoding) == (text, codec)


def test_two_characters_of_utf16_without_bom_are_utf16() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_bytes("ja".encode(codec), "one.txt")
        assert (decoded.text, decoded.encoding, decoded.warnings) == ("ja", codec, ())


@pytest.mark.parametrize(
    ("text", "spaces", "other_side", "found"),
    [
        # 20 characters, 2 spaces: the least that counts (2 NULs, 10 % of the pairs)
        ("오늘 정말 즐거운하루를보냈습니다고맙습", 2, 0, True),
        # 40 characters, 3 spaces: fewer than 10 % of the pairs
        (
            "오늘 정말 즐거운하루를보냈습니다고맙습니다 선생님께도감사드립니다요즘은바빠요",
            3,
            0,
            False,
        ),
        # 가 (U+AC00) puts a NUL on the other side: one in four is allowed, two are not
        ("오늘 정말 즐거운 하루를 가장보냈어", 4, 1, True),
        ("오늘 정말 즐거운 하루를 대학가서보냈어", 4, 2, False),
    ],
)
def test_utf16_without_bom_is_told_by_where_the_nuls_are(
    text: str, spaces: int, other_side: int, found: bool
) -> None:
    from qualframe.coding.importing.decode import _utf16_without_bom

    for codec in ("utf-16-le", "utf-16-be"):
        raw = text.encode(codec)
        ascii_side, syllable_side = (1, 0) if codec == "utf-16-le" else (0, 1)
        assert raw[ascii_side::2].count(0) == spaces
        assert raw[syllable_side::2].count(0) == other_side
        assert _utf16_without_bom(raw) == (codec if found else None)


def test_clean_says_whether_clean_controls_has_work() -> None:
    assert decode_bytes("E1: “café”\n".encode(), "a.txt").clean is True
    assert decode_bytes(b"E1: plain\n", "a.txt").clean is True
    assert decode_bytes("E1: café\x0c\n".encode(), "a.txt").clean is False
    assert decode_bytes(b"E1: page\x0cbreak\n", "a.txt").clean is False


@pytest.mark.parametrize(
    "text",
    [
        "E1: hello\x00 world",  # one NUL is enough
        "E1: \ud800\ud800\ud800 lone surrogates",  # as surrogateescape leaves them
        "x" * 19_899 + "\x01" * 101,  # 101 controls in the 20,000 sampled (limit 100)
    ],
)
def test_looks_binary(text: str) -> None:
    from qualframe.coding.importing.decode import looks_binary

    assert looks_binary(text) is True
    assert _looks_binary_reference(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "x" * 19_900 + "\x01" * 100 + "\x01" * 50,  # 100 in the sample, the rest after it
        "x" * 20_000 + "\ue000" * 300,  # private-use characters after the sample
        "E1: \x01\x02 two controls are allowed",
    ],
)
def test_looks_not_binary(text: str) -> None:
    from qualframe.coding.importing.decode import looks_binary

    assert looks_binary(text) is False
    assert _looks_binary_reference(text) is False


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Интервьюер: Расскажите, пожалуйста, о вашей работе.\n"
         "Участник: Я работаю учителем в школе.\n", "cp1251"),
        ("Интервьюер: Расскажите, пожалуйста, о вашей работе.\n"
         "Участник: Я работаю учителем в школе.\n", "koi8_r"),
        ("Συνεντευκτής: Πώς ήταν η εμπειρία σας στο σχολείο;\nΣυμμετέχων: Ήταν πολύ καλή.\n",
         "cp1253"),
        ("主持人：你们觉得这个项目怎么样？\n学生：我觉得很有意思，老师也很认真。\n", "gb18030"),
        ("主持人：你們覺得這個項目怎麼樣？\n學生：我覺得很有意思，老師也很認真。\n", "big5"),
        ("問: 學校 生活은 어땠습니까?\n答: 大學 時節이 가장 幸福했습니다.\n", "cp949"),
        # English with Japanese names: mostly ASCII, and no Latin reading fits
        ("Interviewer: Thank you, Mr 田中. We talked about your time in 東京 and your work "
         "at the university last year.\n", "cp932"),
        # … and with a full-width colon (0x81 0x46), which no Latin code page decodes
        ("田中：Yes, I think so. We talked about it in 東京 for a long time, and then we went "
         "home.\n", "cp932"),
    ],
)  # fmt: skip
def test_legacy_encodings_read_as_their_codec_reads_them(text: str, codec: str) -> None:
    raw = text.encode(codec)
    decoded = decode_bytes(raw, "legacy.txt")
    assert decoded.text == raw.decode(codec) == text
    assert decoded.warnings == ()


@pytest.mark.parametrize("text", ["왜요?", "응?", "1. 왜요?"])
def test_short_korean_answers_are_korean_whatever_charset_normalizer_guesses(text: str) -> None:
    # its guesses for these CP949 bytes are Urdu (cp1006), EBCDIC (cp037) and Thai (cp874)
    decoded = decode_bytes(text.encode("cp949"), "answer.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp949")


def test_portuguese_capitals_are_not_read_as_hangul() -> None:
    # Ç before Ã or Õ (0xC7 0xC3, 0xC7 0xD5) are the two bytes of a Hangul syllable in CP949
    text = "INFORMAÇÕES SOBRE A AÇÃO\nEntrevistador: Como foi?\n"
    decoded = decode_bytes(text.encode("cp1252"), "pt.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_english_with_one_korean_word_is_korean() -> None:
    # charset-normalizer guesses a Latin code page; 가 read in it is °¡, symbols, no letters
    text = "Interviewer: Thank you very much for coming today.\nE1: 가\n"
    decoded = decode_bytes(text.encode("cp949"), "en.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp949")


def test_korean_with_a_jamo_is_korean() -> None:
    # ㅠ (0xA4D0) is a hiragana in EUC-JP: one kana does not make the text Japanese
    text = "진행자: 정말요ㅠ 너무 힘들었어요. 그래도 끝까지 했습니다.\n"
    decoded = decode_bytes(text.encode("cp949"), "ko.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp949")


def test_johab_is_read_and_named_as_johab() -> None:
    text = "면담자: 오늘 와 주셔서 감사합니다.\n참여자: 네, 안녕하세요.\n"
    decoded = decode_bytes(text.encode("johab"), "johab.txt")
    assert (decoded.text, decoded.encoding) == (text, "johab")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        # ť is 0x9D, which Windows-1252 leaves undefined: the next code page is tried
        ("Tazatel: Jak se máte? Odpověď: Dobře, ať je to jakkoli, chuť mám.\n", "cp1250"),
        # Word's curly quotes (0x93, 0x94) are C1 controls in ISO 8859-2: that reading is
        # dropped and the code pages after it are still tried
        ("Görüşmeci: “Okul nasıldı?” diye sordum.\nKatılımcı: “Çok iyiydi” dedi, ama biraz "
         "ağır geçti.\n", "cp1254"),
        # Turkish common words (bir, ve, bu, de, ne, ben, ama) decide the alphabet: read in
        # Windows-1252, ş ğ ı are þ ð ý, which Icelandic has
        ("Görüşmeci: Bu bir soru ve ben de ne diyeceğimi bilmiyorum, ama okul çok iyiydi.\n"
         "Katılımcı: Bu da doğru, ben de öyle düşünüyorum.\n", "cp1254"),
    ],
)  # fmt: skip
def test_the_latin_code_page_that_fits_the_language_wins(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec), "latin.txt")
    assert (decoded.text, decoded.encoding, decoded.warnings) == (text, codec, ())


def test_a_close_call_names_both_code_pages_and_the_first_differing_line() -> None:
    # Danish without five common words: Å (0xC5) is Ĺ in Windows-1250, a Slovak letter
    line = (
        "Åse: Vi flyttede til Århus sidste sommer, fordi min mand fik arbejde ved "
        "universitetet der, og vi var glade."
    )
    text = "Interviewer: Why did you move?\n" + line + "\n"
    decoded = decode_bytes(text.encode("cp1252"), "da.txt")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")
    assert decoded.sample == line[:80]
    assert decoded.warnings == (
        "its encoding was a close call: cp1252 (Nordic) was chosen over cp1250; check a "
        f"line such as “{line[:80]}” and choose the encoding if it is wrong",
    )


def test_a_close_call_without_accented_letters_says_so() -> None:
    # ¿ (0xBF) is ż in Windows-1250
    decoded = decode_bytes("E1: ¿Y ahora?\n".encode("cp1252"), "es.txt")
    assert (decoded.text, decoded.encoding) == ("E1: ¿Y ahora?\n", "cp1252")
    assert decoded.warnings == (
        "its encoding was a close call: cp1252 (no accented letters) was chosen over "
        "cp1250; check a line such as “E1: ¿Y ahora?” and choose the encoding if it is wrong",
    )


@pytest.mark.parametrize(
    ("text", "korean"),
    [
        ("가", True),  # U+AC00, the first syllable; 0xB0 0xA1, the first of KS X 1001
        ("좋아 힣", True),  # U+D7A3, the last syllable (outside KS X 1001, 0xC6 0x52)
        ("시험 과목: 數", True),  # four syllables in five letters: 80 % Hangul is enough
        ("數學 시험", False),  # 50 %: Korean with this much Hanja is left to the detector
        ("똠방", True),  # half in KS X 1001 (방), half outside it (똠, 0x8C 0x63)
        ("뷁 햏 똠 각", False),  # mostly outside KS X 1001: what Western bytes decode to
        ("네, email로 보냈어요", True),  # ASCII words are not counted
        ("좋아요\x7f", True),  # nor is DEL
        # only the first 20,000 letters are judged: exactly 80 % Hangul there
        ("가" * 16_000 + "漢" * 4_001, True),
        ("가" * 20_000 + "漢" * 30_000, True),
        # KS X 1001's symbols row (lead byte 0xA1: … is 0xA1 0xA6) counts as common: six of ten
        ("가가가가똠똠똠똠……", True),
    ],
)
def test_korean_is_mostly_hangul_syllables_of_ks_x_1001(text: str, korean: bool) -> None:
    from qualframe.coding.importing.decode import _korean

    assert _korean(text.encode("cp949")) == (text if korean else None)


@pytest.mark.parametrize(
    ("raw", "mostly"),
    [
        ("café " * 14 + "cafe " * 6, True),  # 14 of 100 bytes above 0x7F
        ("café " * 14 + "5 €. " + "cafe " * 5, False),  # 15 of 100 (€ is 0x80)
        ("café " * 14 + "x\x7fx. " + "cafe " * 5, True),  # DEL is ASCII
        # only the first 64 KiB are counted: 9,830 of 65,536 there
        ("é" * 9_830 + "a" * (65_536 - 9_830) + "é" * 1_000, True),
    ],
)
def test_mostly_ascii_is_under_15_percent_of_bytes_above_0x7f(raw: str, mostly: bool) -> None:
    from qualframe.coding.importing.decode import _mostly_ascii

    assert _mostly_ascii(raw.encode("cp1252")) is mostly


def test_nul_padding_is_cut_exactly_and_stray_nuls_are_one_in_a_hundred_bytes() -> None:
    # the padding ends a text whose last letter is an X (no line break at the end)
    padded = decode_bytes(b"Moderator: And the last one?\nE3: Plan X" + b"\x00" * 5, "x.txt")
    assert padded.text == "Moderator: And the last one?\nE3: Plan X"
    assert padded.warnings == ("5 NUL bytes (not text) removed",)
    # 20 NULs in 2,019 bytes before the padding: stray (2,019 // 100 = 20); 21 are not
    line = "E1: Sí, fuimos juntos.\n"  # 24 bytes in UTF-8
    text = (line * 84).encode()[:1997] + b"."  # 1,998 bytes
    nuls = b"".join(text[i : i + 100] + b"\x00" for i in range(0, 2000, 100))
    assert nuls.count(0) == 20 and len(nuls + b"\n") == 2019
    decoded = decode_bytes(nuls + b"\n", "nul.txt")
    assert decoded.text == text.decode() + "\n"
    assert decoded.warnings == ("20 NUL bytes (not text) removed",)
    with pytest.raises(ImportRefused, match=r"^nul\.txt is a binary file, not text\.$"):
        decode_bytes(nuls + b"\x00\n", "nul.txt")


@pytest.mark.parametrize(("word", "codec"), [("Kraków", "cp1252"), ("Gdańsk", "cp1250")])
def test_a_one_word_file_keeps_its_ascii_letters(word: str, codec: str) -> None:
    # One word is too little for any detector: the accented letter may come out wrong (see
    # docs/mutation-testing.md), but no reading is taken in which the ASCII letters are
    # gone, as in UTF-16 (charset-normalizer's first guess for these bytes, which have no
    # NUL, so no UTF-16 text).
    text = decode_bytes(word.encode(codec), "word.txt").text
    assert len(text) == len(word)
    assert [c for c in text if c.isascii()] == [c for c in word if c.isascii()]


@pytest.mark.parametrize(
    ("text", "kana"),
    [
        ("ぁぁ", True),  # U+3041, the first of the range
        ("ヿヿ", True),  # U+30FF, the last
        ("東京ぁ", False),  # one kana is not enough
        ("a" * 19_998 + "かか", True),  # both within the first 20,000 characters
        ("a" * 19_999 + "かか", False),  # one of them after: only the first 20,000 count
    ],
)
def test_kana_are_counted_in_their_range_within_the_first_20000_characters(
    text: str, kana: bool
) -> None:
    from qualframe.coding.importing.decode import _has_kana

    assert _has_kana(text) is kana
