"""Text fidelity: difflib's ratio on words between our text and a reference.

Both texts are NFKC-normalised first (a ligature ﬁ and the letters fi are the same text) and
split on whitespace; text that is mostly CJK (no spaces between words) is compared character
by character instead. 1.0 means the same words in the same order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

from tests.corpus.pdfs import body_box


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    letters = [c for c in text if not c.isspace()]
    cjk = sum(1 for c in letters if "\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7a3")
    if letters and cjk > 0.3 * len(letters):
        return letters
    return text.split()


def fidelity(ours: str, reference: str) -> float:
    return SequenceMatcher(None, tokens(ours), tokens(reference), autojunk=False).ratio()


_LINE_END_HYPHEN = re.compile(r"(\w)-[ \t]*\n\s*(?=[^\W\d_])(?=\w*[a-zà-ÿ])([a-zà-ÿ])")


def pdftotext(path: Path) -> str:
    """``pdftotext -layout`` on the text block of every page (poppler-utils).

    pdftotext leaves a word hyphenated at a line end split ("Famula-" / "tur"); since
    rejoining it is what Qualframe must do, the reference has such words joined (a hyphen
    at a line end before a lower-case letter), and nothing else changed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise RuntimeError("pdftotext is missing: install poppler-utils (make system-deps)")
    x, y, w, h = body_box()
    out = subprocess.run(
        [exe, "-layout", "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(path), "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return _LINE_END_HYPHEN.sub(r"\1\2", out.stdout.decode("utf-8", "replace"))
