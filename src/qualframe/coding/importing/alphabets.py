"""Which European language's alphabet a text decoded from a single-byte code page fits.

:mod:`.decode` decodes a file that is neither UTF-8 nor UTF-16 with each Latin code page
charset-normalizer confuses with Windows-1252 and keeps the reading whose non-ASCII letters
belong best to one language's alphabet: the language its common (unaccented) words name, when
they name one, else whichever fits best.
"""

from __future__ import annotations

import re

# Non-ASCII letters of European languages written in single-byte code pages.
_ALPHABETS: dict[str, str] = {
    "French": "àâæçéèêëîïôœùûüÿ",
    "German": "äöüß",
    "Spanish": "áéíóúñü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú",
    "Dutch": "áéíóúàèëïöüĳ",
    "Catalan": "àçéèíïòóúü",
    "Nordic": "åäöæøéüáðþýí",
    "Hungarian": "áéíóöőúüű",
    "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Croatian/Slovenian": "čćđšž",
    "English": "éèêëïöüçñáà",
    "Romanian": "ăâîșțşţ",
    "Turkish": "çğıöşüâî",
    "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
    "Estonian": "äõöüšž",
}
# Common words written without accents: they tell the document's language whatever the
# code page, so its alphabet can judge the candidates.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "English": "the and to of is was you that it in with for this have not but",
        "French": "le les des est et une je pas que qui pour dans avec sur nous vous mais",
        "German": "und der die das ist nicht ich es mit ein eine zu war wie auch sich wir",
        "Spanish": "el los las y que es en un una por con para fue no lo pero como muy",
        "Portuguese": "o os e que um uma com para foi do da nao mas muito em se",
        "Italian": "il che di un una per non sono con del della gli anche come",
        "Dutch": "de het een en van is niet ik dat met voor op maar ook zijn wat",
        "Hungarian": "a az hogy nem egy is meg volt de van mi ez azt csak mert",
        "Polish": "i w na nie to jest sie z do ze jak co tak ale po",
        "Czech": "a je to na se v ze jsem jak ale tak po by",
        "Slovak": "a je to na sa v ako ale som tak po by",
        "Romanian": "si in de la nu cu o un este sa mai dar",
        "Turkish": "bir ve bu da de ne ama ben sen icin gibi",
        "Nordic": "og i er det at en som til har ikke med och att jag",
        "Estonian": "ja on et ei see ka oli kui aga mis",
        "Lithuanian": "ir yra kad ne tai bet su",
        "Latvian": "un ir ka ne tas bet ar",
    }.items()
}
_ASCII_WORD = re.compile(r"[a-z]+")


def common_words_language(text: str) -> str | None:
    """The language whose common words the text uses most (at least five of them)."""
    words = _ASCII_WORD.findall(text[:100_000].lower())
    best, hits = None, 4
    for name, common in _FUNCTION_WORDS.items():
        n = sum(1 for w in words if w in common)
        if n > hits:
            best, hits = name, n
    return best


def alphabet_fit(text: str, language: str | None = None) -> tuple[float, str, int]:
    """How well the non-ASCII letters of ``text`` fit the alphabet of ``language`` (when its
    common words say which) or else of the language they fit best: (share of them that do,
    the language, how many there are). C1 controls and symbols that are not letters count
    against it."""
    counts: dict[str, int] = {}
    others = 0
    for ch in text:
        if ch < "\x80":
            continue
        low = ch.lower()
        if ch.isalpha():
            counts[low] = counts.get(low, 0) + 1
        elif "\x80" <= ch <= "\x9f":
            others += 3  # a control character where text should be
        elif ch not in "–—‘’‚“”„•…«»°§€£\xa0·´¨©®™¿¡":
            others += 1
    total = sum(counts.values()) + others
    if not total:
        return 1.0, "", 0
    names = [language] if language in _ALPHABETS else list(_ALPHABETS)
    best, found = 0.0, ""
    for name in names:
        alphabet = _ALPHABETS[name]
        share = sum(n for ch, n in counts.items() if ch in alphabet) / total
        if share > best or not found:
            best, found = share, name
    return best, found, total
