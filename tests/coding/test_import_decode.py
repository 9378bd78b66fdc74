"""Bytes to text: BOMs, UTF-16, legacy Korean and Western code pages, overrides, binaries."""

from __future__ import annotations

import codecs
import os

import pytest

from qualframe.coding.core.errors import ImportRefused, UserError
from qualframe.coding.importing.decode import decode_bytes
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
