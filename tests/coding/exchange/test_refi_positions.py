"""Positions of other tools mapped onto the stored text (NFC, LF, code points)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding.corpus.documents import normalise_text
from qualframe.coding.exchange.positions import (
    READINGS,
    SPEC,
    Edit,
    OffsetMap,
    Reading,
    SourceText,
    choose_reading,
    producer_reading,
)

NVIVO_WIN = Reading(utf16=True, crlf_as_one=False)
ATLAS = Reading(utf16=False, crlf_as_one=True)


def utf16_units(text: str) -> int:
    """Independent of the module: the length NVivo counts, via the codec."""
    return len(text.encode("utf-16-le")) // 2


def test_offset_map_moves_positions_and_snaps_inside_edits() -> None:
    om = OffsetMap([Edit(2, 3, 1), Edit(10, 1, 4)])
    assert [om.map(p) for p in (0, 2, 5, 6, 10, 11, 12)] == [0, 2, 3, 4, 8, 12, 13]
    assert om.map(3) == 2 and om.map(3, end=True) == 3  # inside the first edit


def test_nvivo_windows_counts_utf16_units_and_crlf_as_two() -> None:
    raw = "M1: 좋아요 😀 then\r\nE2: Café 🎉🎉 ok\r\nend"
    source = SourceText(raw)
    assert source.text == "M1: 좋아요 😀 then\nE2: Café 🎉🎉 ok\nend"
    quote = "Café 🎉🎉 ok"
    at = raw.index(quote)
    start, end = utf16_units(raw[:at]), utf16_units(raw[: at + len(quote)])
    s, e = source.map_range(NVIVO_WIN, start, end)  # type: ignore[misc]
    assert source.text[s:e] == quote
    # read as code points (the spec's way) the same numbers land elsewhere
    s2, e2 = source.map_range(SPEC, start, end)  # type: ignore[misc]
    assert source.text[s2:e2] != quote


def test_atlas_counts_a_crlf_as_one() -> None:
    raw = "a\r\nb\r\nword here"
    source = SourceText(raw)
    lf = raw.replace("\r\n", "\n")
    start = lf.index("word")
    assert source.map_range(ATLAS, start, start + 4) == (4, 8)
    assert source.text[4:8] == "word"


def test_decomposed_accents_and_hangul_jamo_are_composed_and_ranges_follow() -> None:
    raw = "cafe\u0301 \u1112\u1161\u11ab\u1100\u1173\u11af text"  # café 한글 as jamo
    source = SourceText(raw)
    assert source.text == "café 한글 text"
    i = raw.index("text")
    at = source.text.index("text")
    assert source.map_range(SPEC, i, i + 4) == (at, at + 4)
    # a range starting in the middle of a composed character covers the whole character
    s, e = source.map_range(SPEC, 4, 5)  # type: ignore[misc]
    assert source.text[s:e] == "é"


def test_outside_or_empty_ranges_are_refused() -> None:
    source = SourceText("abc")
    assert source.map_range(SPEC, 2, 9) is None
    assert source.map_range(SPEC, -1, 2) is None
    assert source.map_range(SPEC, 2, 2) is None


def test_the_producer_is_recognised_from_origin() -> None:
    assert producer_reading("NVivo for Windows 12.6") == (NVIVO_WIN, "NVivo")
    assert producer_reading("NVivo for Mac 15.0.0")[0] == NVIVO_WIN
    assert producer_reading("ATLAS.ti for Windows 23.2.3.27778") == (ATLAS, "ATLAS.ti")
    assert producer_reading("Qualframe 0.1.0") == (SPEC, "Qualframe")
    assert producer_reading(None)[0] == SPEC


def test_a_wrong_producer_guess_is_overruled_by_the_words() -> None:
    words = [f"wörd{i} 😀" for i in range(40)]
    raw = "\r\n".join(words)
    source = SourceText(raw)
    ranges = []
    for w in words[::3]:
        at = raw.index(w)
        ranges.append((utf16_units(raw[:at]), utf16_units(raw[:at]) + len(w) - 2))
    chosen, scores = choose_reading(source, SPEC, ranges)  # expected spec, written as NVivo
    assert chosen == NVIVO_WIN and scores[NVIVO_WIN] == 1.0
    assert choose_reading(source, NVIVO_WIN, ranges)[0] == NVIVO_WIN


ALPHABET = st.sampled_from(
    ["a", "b", " ", "\r\n", "\n", "😀", "🎉", "한", "e\u0301", "\u1100\u1161", "é", ".", "\r"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=30), st.data())
def test_every_reading_maps_safe_ranges_onto_the_same_characters(
    pieces: list[str], data: st.DataObject
) -> None:
    """Cut the raw text between whole pieces (never inside a CRLF or a character that
    composes), express the cut in each reading's units, and check that the mapped range of the
    stored text is the normalised raw piece: an independent reference for the conversion."""
    raw = "".join(pieces)
    cuts = [0]
    for p in pieces:
        cuts.append(cuts[-1] + len(p))
    # a lone CR piece followed by a LF piece makes one CRLF: never cut between them
    cuts = [c for c in cuts if not (0 < c < len(raw) and raw[c - 1] == "\r" and raw[c] == "\n")]
    i = data.draw(st.integers(0, len(cuts) - 2))
    j = data.draw(st.integers(i + 1, len(cuts) - 1))
    a, b = cuts[i], cuts[j]
    expected = normalise_text(raw[a:b])
    source = SourceText(raw)
    for reading in READINGS:
        base = raw.replace("\r\n", "\n") if reading.crlf_as_one else raw
        if reading.crlf_as_one:  # the cut positions in the LF text
            a2 = len(raw[:a].replace("\r\n", "\n"))
            b2 = len(raw[:b].replace("\r\n", "\n"))
        else:
            a2, b2 = a, b
        if reading.utf16:
            a2, b2 = utf16_units(base[:a2]), utf16_units(base[:b2])
        mapped = source.map_range(reading, a2, b2)
        if not expected:
            continue
        assert mapped is not None
        got = source.text[mapped[0] : mapped[1]]
        assert got == expected, (reading, raw, a, b)
