"""Which European alphabet a single-byte reading fits (importing/alphabets.py), the judge
that decode.py uses to choose between Latin code pages. Exact values, counted by hand."""

from __future__ import annotations

import pytest

from qualframe.coding.importing.alphabets import alphabet_fit, common_words_language


@pytest.mark.parametrize(
    ("text", "fit"),
    [
        ("E1: Ja.", (1.0, "", 0)),  # nothing beyond ASCII: nothing to judge
        # every non-ASCII letter counted, case folded: ö ö ß ß Ö
        ("Größe, Größe. ÖL", (1.0, "German", 5)),
        # é is French, Spanish, Portuguese … English: the first alphabet listed wins a tie
        ("café", (1.0, "French", 1)),
        # a C1 control (0x80 and 0x9F, the ends of the range) weighs three letters
        ("café\x80", (0.25, "French", 4)),
        ("café\x9f", (0.25, "French", 4)),
        ("café\x80\x81", (1 / 7, "French", 7)),
        # a symbol that is not a letter and not typographic punctuation weighs one
        ("café ×× ", (1 / 3, "French", 3)),
        # typographic punctuation, the euro and pound signs, ¿ ¡ and NBSP weigh nothing
        ("“café” — «ok» … ¿sí? ¡sí! 5 € £ 2\xa0°C ©®™", (1.0, "Spanish", 3)),
    ],
)
def test_alphabet_fit(text: str, fit: tuple[float, str, int]) -> None:
    assert alphabet_fit(text) == pytest.approx(fit)


def test_the_language_named_is_the_only_alphabet_judged() -> None:
    # ő is Hungarian only; judged as German it fits nothing
    assert alphabet_fit("Kérdező", "Hungarian") == (1.0, "Hungarian", 2)
    assert alphabet_fit("Kérdező", "German") == (0.0, "German", 2)
    assert alphabet_fit("Kérdező", "Klingon") == (1.0, "Hungarian", 2)  # unknown: all


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("the and to of", None),  # four common words are not enough
        ("The man and the boy went to the shop.", "English"),  # five: the the and to the
        ("Und dann ist der Mann nicht mit der Frau gekommen.", "German"),
        ("Le chat et le chien sont dans la maison avec nous.", "French"),
        # ties go to the language listed first (English before German)
        ("the and to of is und der die das ist", "English"),
    ],
)
def test_common_words_language(text: str, language: str | None) -> None:
    assert common_words_language(text) == language


def test_only_the_first_100_000_characters_are_read_for_common_words() -> None:
    # the fifth word, "is", straddles the limit: only its "i" is read
    text = "the and to of " + "." * (99_999 - 14) + "is"
    assert text.index("is") == 99_999
    assert common_words_language(text) is None
    assert common_words_language(text[:99_997] + " is") == "English"  # it ends at 100,000
