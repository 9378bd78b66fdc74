"""Qt positions (UTF-16) and stored offsets (code points) convert exactly, in one place.

Only the test that compares with a real ``QTextDocument`` needs Qt (marked ``gui``); the
others run without it, as the mutation tests do (``make mutate``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.app.gui.offsets import OffsetMap
from qualframe.coding.corpus.documents import normalise_text

TEXT = normalise_text("E1: 😀 안녕하세요 🎉🎉 plan\r\nE2: 👩‍⚕️ 선배 ok\r\n")


def test_round_trip_every_code_point() -> None:
    m = OffsetMap(TEXT)
    assert "\r" not in TEXT
    for cp in range(len(TEXT) + 1):
        assert m.to_store(m.to_qt(cp)) == cp
    assert m.utf16_length == len(TEXT.encode("utf-16-le")) // 2


@pytest.mark.gui
def test_matches_qtextdocument_positions(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    doc.setPlainText(TEXT)
    m = OffsetMap(TEXT)
    for cp, ch in enumerate(TEXT):
        cursor = QTextCursor(doc)
        a = m.to_qt(cp)
        cursor.setPosition(a)
        cursor.setPosition(m.to_qt(cp + 1), QTextCursor.MoveMode.KeepAnchor)
        got = cursor.selectedText().replace("\u2029", "\n")
        assert got == ch, (cp, ch, got)


def test_positions_inside_a_surrogate_pair_snap_to_the_character() -> None:
    m = OffsetMap("a😀b")
    assert m.to_qt(1) == 1 and m.to_qt(2) == 3
    assert m.to_store(2) == 1  # the middle of the pair belongs to the emoji
    assert m.range_to_store(1, 3) == (1, 2)


def test_text_without_astral_characters_is_identity() -> None:
    m = OffsetMap("멘토링 프로그램\nplain")
    assert m.to_qt(5) == 5 and m.to_store(7) == 7


_CHARS = st.sampled_from(["a", " ", "\n", "가", "힣", "é", "😀", "👍", "📅", "\U0001f3fd", "ß"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_CHARS, max_size=60).map("".join), st.data())
def test_offset_map_round_trips_any_text(text: str, data: st.DataObject) -> None:
    from qualframe.app.gui.offsets import OffsetMap

    m = OffsetMap(text)
    utf16 = text.encode("utf-16-le")
    assert m.utf16_length == len(utf16) // 2
    cp = data.draw(st.integers(0, len(text)))
    pos = m.to_qt(cp)
    assert utf16[: pos * 2].decode("utf-16-le") == text[:cp]
    assert m.to_store(pos) == cp


def test_a_range_end_inside_a_surrogate_pair_takes_the_whole_character() -> None:
    text = "ab😀cd"
    m = OffsetMap(text)
    assert m.to_qt(3) == 4  # "c" comes after the two units of the emoji
    assert m.to_store_end(3) == 3  # the end falls between the two halves: include the emoji
    assert m.to_store_end(4) == 3 and m.to_store_end(2) == 2
    assert m.range_to_store(3, 3) == (2, 3)  # both halves of one character: that character
    assert m.range_to_store(0, 3) == (0, 3) and text[0:3] == "ab😀"
    assert OffsetMap("plain").to_store_end(3) == 3


def test_a_stored_range_converts_to_qt_positions() -> None:
    m = OffsetMap("😀a😀b")
    assert m.range_to_qt(0, 1) == (0, 2)  # the first emoji: two units
    assert m.range_to_qt(1, 3) == (2, 5)  # "a" and the second emoji
    assert m.range_to_qt(3, 4) == (5, 6)
    assert m.utf16_length == 6 and m.length == 4
    assert OffsetMap("abc").range_to_qt(1, 3) == (1, 3)
