"""The importing rules where a silent error would corrupt what is analysed: which lines are
speaker labels (several languages), what a label's words say, and how bytes become text.
Written to kill the mutants ``make mutate`` found surviving (docs/mutation-testing.md)."""

from __future__ import annotations

import pytest

from qualframe.coding.importing.decode import decode_bytes


# -- decoding ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["네, 좋아요", "네, 맞아요. 감사합니다", "학생2: 네, 그래요"])
def test_short_korean_without_a_line_break_is_not_read_as_utf16(text: str) -> None:
    # charset-normalizer's first guess for these CP949 bytes is UTF-16-BE: Hangul-looking
    # nonsense. UTF-16 of any text with a space, comma or digit has NUL bytes; these have none.
    decoded = decode_bytes(text.encode("cp949"), "answer.txt")
    assert decoded.text == text
    assert decoded.encoding == "cp949"
