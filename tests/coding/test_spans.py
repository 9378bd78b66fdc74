"""Growing ranges to words, sentences and turns; cutting a range at speaker turns; a
segment's quote cut to its own turn (issue 11, items 4-6). Pure functions, several scripts."""

from __future__ import annotations

import pytest

from qualframe.coding.core.records import TurnRecord
from qualframe.coding.corpus.spans import TurnIndex, sentence_bounds, snap_to_words, spread
from qualframe.coding.corpus.turn_split import turn_pieces
from qualframe.coding.query.quotes import own_turn

TEXT = (
    "Moderator: Was it voluntary?\n\n"
    "E1: Yes. We calculated it together; it's self-regulated now! 선배가 시험 전에 도와줬어요.\n\n"
    "M2: 先輩がとても親切でした。 Then we met.\n"
)


def turns() -> list[TurnRecord]:
    out = []
    pos = 0
    for i, para in enumerate(TEXT.split("\n")):
        if ":" in para:
            label = para.split(":")[0]
            out.append(TurnRecord(i, f"t{i}", pos, pos + len(para), label, pos + len(label) + 1,
                                  label == "Moderator", None, label))  # fmt: skip
        pos += len(para) + 1
    return out


def cut(rng: tuple[int, int]) -> str:
    return TEXT[rng[0] : rng[1]]


@pytest.mark.parametrize(
    ("inside", "whole"),
    [
        ("alculated", "calculated"),
        ("t's self-reg", "it's self-regulated"),
        ("배가 시", "선배가 시험"),  # Hangul: words between spaces
        ("oluntar", "voluntary"),
    ],
)
def test_snap_to_words(inside: str, whole: str) -> None:
    a = TEXT.index(inside)
    assert cut(snap_to_words(TEXT, a, a + len(inside))) == whole


def test_no_snapping_inside_japanese_or_chinese() -> None:
    a = TEXT.index("がとても")
    assert snap_to_words(TEXT, a, a + 2) == (a, a + 2)


def test_sentence_and_turn_stay_inside_the_speaker_turn() -> None:
    index = TurnIndex(turns())
    a = TEXT.index("calculated")
    assert (
        cut(spread(TEXT, index, a, a + 4, "sentence"))
        == "We calculated it together; it's self-regulated now!"
    )
    assert cut(spread(TEXT, index, a, a + 4, "turn")).startswith("Yes. We calculated")
    assert cut(spread(TEXT, index, a, a + 4, "turn")).endswith("도와줬어요.")
    assert cut(spread(TEXT, index, a, a + 4, "word")) == "calculated"
    assert spread(TEXT, index, a, a + 4, "match") == (a, a + 4)
    b = TEXT.index("voluntary")
    assert cut(sentence_bounds(TEXT, b, b + 3, index.words(b, TEXT))) == "Was it voluntary?"


def test_turn_pieces_cut_at_each_participant_turn() -> None:
    a = TEXT.index("voluntary")
    b = TEXT.index("We calculated") + 2
    span = turn_pieces(TEXT, turns(), a, b)
    assert span.crosses and span.speakers == ("Moderator", "E1")
    assert [cut((p.start, p.end)) for p in span.pieces] == ["Yes. We"]
    inside = turn_pieces(TEXT, turns(), TEXT.index("Yes."), TEXT.index("Yes.") + 4)
    assert not inside.crosses


def test_own_turn_never_reaches_another_turn() -> None:
    t = turns()[1]
    a = TEXT.index("voluntary")
    b = TEXT.index("calculated")
    assert own_turn(a, b, (t.start, t.end)) == (t.start, b)
    assert own_turn(a, b, None) == (a, b)
    assert own_turn(0, 5, (t.start, t.end)) == (0, 5)  # nothing inside: left whole
